/* The demo registers, in two phases per district. Plan: the whole district
 * in memory (shape, geometry, names, people, party organisation) from
 * generators seeded per district, street and community, every row's id
 * given here; then every ID number and phone sealed on all threads.
 * Write: one write callback on the store's writer takes the districts as
 * they are planned, so the run is one transaction (see struct pipe).
 * Must not: read the store inside a write callback, or keep a store_val
 * pointing at a buffer that dies before its statement runs. */
#include "demo/registers.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "auth/crypto.h"
#include "auth/policy.h"
#include "demo/names.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/idcard.h"
#include "util/strbuf.h"
#include "util/worktime.h"

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define CODE_BYTES 32 /* 12 + four segments of at most 4 digits, and a NUL */

/* --- districts --------------------------------------------------------------- */

/* Boxes that touch but do not overlap, roughly where the districts lie. */
static const struct {
	const char *code, *name;
	double w, s, e, n;
} district_table[DEMO_DISTRICTS_MAX] = {
	{"110105", "朝阳区", 116.44, 39.88, 116.62, 40.02},
	{"110108", "海淀区", 116.18, 39.93, 116.32, 40.08},
	{"110106", "丰台区", 116.18, 39.78, 116.38, 39.86},
	{"110101", "东城区", 116.38, 39.86, 116.44, 39.97},
	{"110102", "西城区", 116.32, 39.86, 116.38, 39.97},
	{"110107", "石景山区", 116.10, 39.88, 116.18, 39.98},
	{"110112", "通州区", 116.62, 39.80, 116.80, 39.95},
	{"110113", "顺义区", 116.50, 40.05, 116.75, 40.20},
	{"110114", "昌平区", 116.15, 40.08, 116.45, 40.22},
	{"110115", "大兴区", 116.30, 39.65, 116.50, 39.78},
};

/* Where floating residents' ID numbers come from (GB/T 2260 counties). */
static const char *const floating_prefixes[] = {
	"130102", "130104", "130203", "130602", "131002", "410102", "410105", "410302", "370102",
	"370202", "371302", "340102", "340104", "341202", "510104", "510107", "420102", "420106",
	"230102", "220102", "210102", "320102", "320106", "140105", "150102", "610103", "610113",
	"430102", "360102", "350102", "440106", "450102", "500103", "120101", "620102", "130702",
};

/* Seed 001's street: 23 communities, 75 + 13 grids, 147 compounds, 631
 * buildings, 1,713 entrances. */
#define SEED_COMMUNITIES 23
#define SEED_GRIDS_BASIC 75
#define SEED_GRIDS_DEDICATED 13
#define SEED_COMPOUNDS 147
#define SEED_BUILDINGS 631
#define SEED_ENTRANCES 1713
/* People an ordinary street and seed 001's street come to (measured). */
#define PEOPLE_PER_STREET 31000.0
#define PEOPLE_SEED_STREET 78400.0

/* --- small helpers ----------------------------------------------------------- */

struct rect {
	double w, s, e, n; /* lng min, lat min, lng max, lat max */
};

static double round6(double x)
{
	return floor(x * 1e6 + 0.5) / 1e6;
}

/* Strings live in chunks freed together with their district. */
struct chunk {
	struct chunk *next;
	size_t used, cap;
	char data[];
};
struct arena {
	struct chunk *head;
	bool oom;
};

static char *arena_alloc(struct arena *a, size_t n)
{
	if (a->head == NULL || a->head->cap - a->head->used < n) {
		size_t cap = n > (1u << 20) ? n : (1u << 20);
		struct chunk *c = malloc(sizeof *c + cap);
		if (c == NULL) {
			a->oom = true;
			return NULL;
		}
		c->next = a->head;
		c->used = 0;
		c->cap = cap;
		a->head = c;
	}
	char *p = a->head->data + a->head->used;
	a->head->used += n;
	return p;
}

static const char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static const char *arena_printf(struct arena *a, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof buf)
		n = sizeof buf - 1;
	char *p = arena_alloc(a, (size_t)n + 1);
	if (p == NULL)
		return "";
	memcpy(p, buf, (size_t)n + 1);
	return p;
}

static void arena_free(struct arena *a)
{
	while (a->head != NULL) {
		struct chunk *c = a->head;
		a->head = c->next;
		free(c);
	}
	a->oom = false;
}

/* Appends one zeroed element to a growing array; NULL when out of memory. */
#define PUSH(p, arr, n, cap) ((__typeof__(&(arr)[0]))push((p), (void **)&(arr), &(n), &(cap), sizeof *(arr)))

struct plan;
static void *push(struct plan *p, void **arr, int *n, int *cap, size_t size);

/* ID numbers handed out so far (address + date + sequence), so each is unique. */
struct idset {
	uint64_t *slot;
	size_t cap, n;
};

static uint64_t mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

/* true if key was new (and is now taken); false if taken before or out of memory. */
static bool idset_add(struct idset *s, uint64_t key, bool *oom)
{
	if (s->n * 2 >= s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1u << 16;
		uint64_t *slot = calloc(cap, sizeof *slot);
		if (slot == NULL) {
			*oom = true;
			return false;
		}
		for (size_t i = 0; i < s->cap; i++)
			if (s->slot[i] != 0)
				for (size_t j = mix(s->slot[i]) & (cap - 1);; j = (j + 1) & (cap - 1))
					if (slot[j] == 0) {
						slot[j] = s->slot[i];
						break;
					}
		free(s->slot);
		s->slot = slot;
		s->cap = cap;
	}
	for (size_t j = mix(key) & (s->cap - 1);; j = (j + 1) & (s->cap - 1)) {
		if (s->slot[j] == key)
			return false;
		if (s->slot[j] == 0) {
			s->slot[j] = key;
			s->n++;
			return true;
		}
	}
}

/* 统一社会信用代码 (GB 32100): authority, kind, county, organisation code
 * with its GB 11714 check, and the final check character. */
static void credit_code(struct demo_rng *r, char authority, char kind, const char *county, char out[19])
{
	static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	static const int w_org[8] = {3, 7, 9, 10, 5, 8, 4, 2};
	static const int w_all[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
	char org[10];
	int sum = 0;
	for (int i = 0; i < 8; i++) {
		int v = demo_rng_int(r, 0, 9);
		org[i] = (char)('0' + v);
		sum += v * w_org[i];
	}
	int c9 = 11 - sum % 11;
	org[8] = c9 == 10 ? 'X' : c9 == 11 ? '0' : (char)('0' + c9);
	org[9] = '\0';
	snprintf(out, 19, "%c%c%.6s%.9s", authority, kind, county, org);
	sum = 0;
	for (int i = 0; i < 17; i++) {
		/* every character counts by its place in the alphabet (GB 11714's X too) */
		const char *q = strchr(alphabet, out[i]);
		sum += (q ? (int)(q - alphabet) : 0) * w_all[i];
	}
	int c18 = 31 - sum % 31;
	out[17] = alphabet[c18 == 31 ? 0 : c18];
	out[18] = '\0';
}

/* --- the plan of one district ------------------------------------------------ */

enum table {
	T_AREA,
	T_HISTORY,
	T_RESPONSIBLE,
	T_UNIT,
	T_CONTACT,
	T_PAIRING,
	T_JOINT,
	T_ORG,
	T_MEMBER,
	T_REPORT,
	T_HOUSEHOLD,
	T_PERSON,
	T_CENTER,
	T__MAX
};
static const char *const table_names[T__MAX] = {
	"area",                   /* T_AREA */
	"area_history",           /* T_HISTORY */
	"area_responsible",       /* T_RESPONSIBLE */
	"unit",                   /* T_UNIT */
	"unit_contact",           /* T_CONTACT */
	"pairing",                /* T_PAIRING */
	"joint_committee_member", /* T_JOINT */
	"party_org",              /* T_ORG */
	"party_member",           /* T_MEMBER */
	"report_in",              /* T_REPORT */
	"household",              /* T_HOUSEHOLD */
	"person",                 /* T_PERSON */
	"center_household",       /* T_CENTER */
};

enum level { L_DISTRICT = 1, L_STREET, L_COMMUNITY, L_GRID, L_COMPOUND, L_BUILDING, L_ENTRANCE };
static const char *const level_names[] = {"", "district", "street", "community", "grid",
                                          "compound", "building", "entrance"};

struct g_area {
	int64_t id, parent_id;
	char code[CODE_BYTES];
	const char *name;
	const char *boundary; /* GeoJSON, or NULL */
	struct rect r;        /* the boundary; for compounds, their patch of the grid */
	double lng, lat;
	bool has_point;
	uint8_t level, kind;  /* kind: 0, 1 basic, 2 dedicated */
};

struct g_street {
	struct g_area a;
	const char *stem;
	int c0, nc;      /* communities */
	int u0, nu;      /* units planned with the street */
	int o0, no;      /* party organisations */
	int r0, nr;      /* responsible rows of its areas */
	int pr0, npr;    /* pairings of its communities */
	int j0, nj;      /* joint committee members */
	int ri0, nri;    /* organisations' report-ins */
	int da0, nda;    /* department_area rows */
	int agency;      /* unit index of the street office */
	int64_t wc_org;  /* 党工委 */
	int weight;
};

struct g_comm {
	struct g_area a;
	int street;
	int g0, ng;      /* grids */
	int cp0, ncp;    /* compounds */
	int h0, nh;      /* households */
	int p0, np;      /* persons */
	int m0, nm;      /* members */
	int ch0, nch;    /* center households */
	int64_t org;     /* 党委 / 党总支 */
	int org_index;
	int weight;
};

struct g_grid {
	struct g_area a;
	int comm;
	int cp0, ncp;
	int unit; /* dedicated: the institution, else -1 */
	int weight;
};

struct g_cmp {
	struct g_area a;
	int grid, comm;
	int b0, nb;
	int property; /* unit index or -1 */
	int floors;
	int64_t branch;
	int weight;
};

struct g_bld {
	struct g_area a;
	int cmp;
	int e0, ne;
	int per_floor;
	int64_t group;
};

struct g_ent {
	struct g_area a;
	int bld;
	int h0, nh;
};

struct g_hh {
	int64_t id;
	int ent;
	char room[12];
	int p0;
	uint8_t np;
};

enum relation { R_HEAD, R_SPOUSE, R_CHILD, R_PARENT, R_GRANDCHILD, R_GRANDPARENT, R_SIBLING, R_OTHER };
static const char *const relation_names[] = {"head",       "spouse",      "child",   "parent",
                                             "grandchild", "grandparent", "sibling", "other"};
enum tag {
	TAG_LOW_INCOME,
	TAG_EXTREME_POVERTY,
	TAG_ELDERLY_80,
	TAG_DISABLED,
	TAG_ORPHAN,
	TAG_LEFT_BEHIND_CHILD,
	TAG_LONE_ELDERLY,
	TAG_VETERAN,
	TAG__MAX
};
static const char *const tag_names[TAG__MAX] = {
	"low_income",        /* TAG_LOW_INCOME */
	"extreme_poverty",   /* TAG_EXTREME_POVERTY */
	"elderly_80",        /* TAG_ELDERLY_80 */
	"disabled",          /* TAG_DISABLED */
	"orphan",            /* TAG_ORPHAN */
	"left_behind_child", /* TAG_LEFT_BEHIND_CHILD */
	"lone_elderly",      /* TAG_LONE_ELDERLY */
	"veteran",           /* TAG_VETERAN */
};

struct g_person {
	int64_t id;
	int hh;
	int32_t birth;
	int member; /* index, or -1 */
	char name[NAME_BYTES];
	char idn[IDCARD_LEN + 1];
	char phone[12];
	uint8_t male, relation, floating, tags;
};

enum six { SIX_MEETING, SIX_DISCUSSION, SIX_SURVEY, SIX_WISH, SIX_VOLUNTEER, SIX_PAIRING, SIX__MAX };
static const struct {
	const char *item, *note;
	double p;
} six_items[SIX__MAX] = {
	{"meeting", "参加社区党组织生活", 0.8},    /* SIX_MEETING */
	{"discussion", "参加社区议事协商", 0.6},   /* SIX_DISCUSSION */
	{"survey", "开展入户调研", 0.5},           /* SIX_SURVEY */
	{"wish", "认领居民微心愿", 0.55},          /* SIX_WISH */
	{"volunteer", "参加社区志愿服务", 0.7},    /* SIX_VOLUNTEER */
	{"pairing", "结对帮扶困难家庭", 0.4},      /* SIX_PAIRING */
};

struct g_member {
	int64_t id, org, work_unit, report_id;
	int person, comm;
	bool probationary, reported, report_ended;
	uint8_t six; /* bit per item done this year */
	char joined[11], reported_on[11], ended_on[11];
	char six_on[SIX__MAX][11];
};

struct g_unit {
	int64_t id, area_id, org;
	const char *kind, *name, *address, *area_code;
	char credit[19];
	int street; /* -1: the district's */
	int ncontacts;
	struct {
		int64_t id;
		const char *name, *title;
		char phone[12];
	} contact[2];
};

struct g_org {
	int64_t id, parent, area_id, unit_id;
	const char *kind, *name, *path, *area_code;
};

struct g_resp {
	int64_t id, area_id, user_id;
	const char *role, *name;
	char phone[12];
};

struct g_pair {
	int64_t id, unit_id, comm_id;
	const char *comm_code, *content;
	char starts[11], ends[11];
};

struct g_joint {
	int64_t id, comm_id, unit_id;
	const char *name, *post;
};

struct g_report { /* an organisation reporting in to a paired community */
	int64_t id, org, comm_id;
	const char *comm_code;
	char on[11];
};

struct g_center {
	int64_t id;
	int member, hh;
	int h0, nh; /* the households it serves: a run of its compound's */
};

struct g_da {
	int64_t unit, area;
};

struct plan {
	const struct demo_options *opt;
	struct arena ar;
	bool oom;
	int64_t *next_id;  /* [T__MAX], shared by the districts of a run */
	struct idset *ids; /* shared likewise */
	int64_t grid_user, community_user; /* demo accounts to link, 0 if absent */
	const int *widths; /* code segments below the community: grid, compound, building, entrance */
	int32_t today;
	int ty;
	int dindex;
	const char *dcode, *dname;
	struct g_area district;
	int du0, ndu; /* district departments */
	int do0, ndo; /* their organisations */

#define ARRAY(type, name) \
	type *name;           \
	int n_##name, cap_##name
	ARRAY(struct g_street, st);
	ARRAY(struct g_comm, cm);
	ARRAY(struct g_grid, gr);
	ARRAY(struct g_cmp, cp);
	ARRAY(struct g_bld, bd);
	ARRAY(struct g_ent, en);
	ARRAY(struct g_hh, hh);
	ARRAY(struct g_person, ps);
	ARRAY(struct g_member, mb);
	ARRAY(struct g_unit, un);
	ARRAY(struct g_org, og);
	ARRAY(struct g_resp, rs);
	ARRAY(struct g_pair, pr);
	ARRAY(struct g_joint, jm);
	ARRAY(struct g_report, ri);
	ARRAY(struct g_center, ch);
	ARRAY(struct g_da, da);
#undef ARRAY
	/* units with a party organisation: where in-service members work */
	int *workplaces;
	int n_workplaces, cap_workplaces;
};
#define APPEND(p, name) PUSH((p), (p)->name, (p)->n_##name, (p)->cap_##name)

static void *push(struct plan *p, void **arr, int *n, int *cap, size_t size)
{
	if (*n == *cap) {
		int c = *cap ? *cap * 2 : 64;
		void *q = realloc(*arr, (size_t)c * size);
		if (q == NULL) {
			p->oom = true;
			return NULL;
		}
		*arr = q;
		*cap = c;
	}
	char *e = (char *)*arr + (size_t)*n * size;
	memset(e, 0, size);
	(*n)++;
	return e;
}

static void plan_free(struct plan *p)
{
	arena_free(&p->ar);
	free(p->st);
	free(p->cm);
	free(p->gr);
	free(p->cp);
	free(p->bd);
	free(p->en);
	free(p->hh);
	free(p->ps);
	free(p->mb);
	free(p->un);
	free(p->og);
	free(p->rs);
	free(p->pr);
	free(p->jm);
	free(p->ri);
	free(p->ch);
	free(p->da);
	free(p->workplaces);
}

static int64_t take_id(struct plan *p, enum table t)
{
	return p->next_id[t]++;
}

static void date_text(int32_t days, char out[11])
{
	date_format(days, out);
}

/* --- shapes ------------------------------------------------------------------ */

/* Spreads total over n buckets, each between lo and hi, unevenly. */
static void partition(struct demo_rng *r, int total, int n, int lo, int hi, int *out)
{
	double weight[256];
	int left = total;
	for (int i = 0; i < n; i++) {
		out[i] = lo;
		left -= lo;
		weight[i % 256] = 0.4 + demo_rng_real(r);
	}
	double sum = 0;
	for (int i = 0; i < n; i++)
		sum += weight[i % 256];
	for (int guard = 0; left > 0 && guard < total * 64; guard++) {
		double x = demo_rng_real(r) * sum;
		int i = 0;
		while (i < n - 1 && x >= weight[i % 256]) {
			x -= weight[i % 256];
			i++;
		}
		if (out[i] < hi) {
			out[i]++;
			left--;
		}
	}
}

/* Splits r among n items by weight: halves the weight along the longer
 * side, recursively. Children share the cut coordinates exactly, so they
 * tile the parent with no gap and no overlap. */
static void tile(struct rect r, const int *weight, int n, struct rect *out)
{
	if (n <= 0)
		return;
	if (n == 1) {
		out[0] = r;
		return;
	}
	double total = 0;
	for (int i = 0; i < n; i++)
		total += weight[i] > 0 ? weight[i] : 1;
	double acc = 0, best = total;
	int k = 1;
	double acc_k = 0;
	for (int i = 0; i < n - 1; i++) {
		acc += weight[i] > 0 ? weight[i] : 1;
		double d = fabs(acc - total / 2);
		if (d < best) {
			best = d;
			k = i + 1;
			acc_k = acc;
		}
	}
	double f = acc_k / total;
	/* a degree of longitude at 40°N is about 0.77 of a degree of latitude */
	struct rect a = r, b = r;
	if ((r.e - r.w) * 0.766 >= r.n - r.s) {
		double x = round6(r.w + (r.e - r.w) * f);
		if (x <= r.w)
			x = r.w + 1e-6;
		if (x >= r.e)
			x = r.e - 1e-6;
		a.e = x;
		b.w = x;
	} else {
		double y = round6(r.n - (r.n - r.s) * f);
		if (y >= r.n)
			y = r.n - 1e-6;
		if (y <= r.s)
			y = r.s + 1e-6;
		a.s = y; /* the first items north, as grids are numbered */
		b.n = y;
	}
	tile(a, weight, k, out);
	tile(b, weight + k, n - k, out + k);
}

static const char *polygon(struct plan *p, struct rect r)
{
	/* counter-clockwise, as RFC 7946 wants exterior rings */
	return arena_printf(&p->ar,
	                    "{\"type\":\"Polygon\",\"coordinates\":[[[%.6f,%.6f],[%.6f,%.6f],"
	                    "[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f]]]}",
	                    r.w, r.s, r.e, r.s, r.e, r.n, r.w, r.n, r.w, r.s);
}

static void set_boundary(struct plan *p, struct g_area *a, struct rect r)
{
	a->r = r;
	a->boundary = polygon(p, r);
	a->lng = round6((r.w + r.e) / 2);
	a->lat = round6((r.s + r.n) / 2);
	a->has_point = true;
}

static void area_init(struct g_area *a, enum level level, const char *parent_code, int seq,
                      int width, const char *name)
{
	a->level = (uint8_t)level;
	/* parent + seq in width digits; the widths here keep it under CODE_BYTES */
	size_t n = strlen(parent_code);
	if (n + (size_t)width >= sizeof a->code)
		n = sizeof a->code - 1 - (size_t)width;
	memcpy(a->code, parent_code, n);
	for (int i = width - 1; i >= 0; i--, seq /= 10)
		a->code[n + (size_t)i] = (char)('0' + seq % 10);
	a->code[n + (size_t)width] = '\0';
	a->name = name;
}

/* --- people ------------------------------------------------------------------ */

static int age_on(int32_t birth, int32_t today)
{
	int by, bm, bd, ty, tm, td;
	date_to_civil(birth, &by, &bm, &bd);
	date_to_civil(today, &ty, &tm, &td);
	int age = ty - by;
	if (tm < bm || (tm == bm && td < bd))
		age--;
	return age;
}

/* A birth date for someone aged `age` today. */
static int32_t birth_for_age(struct demo_rng *r, int32_t today, int age)
{
	int ty, tm, td;
	date_to_civil(today, &ty, &tm, &td);
	/* the last birthday fell within the year before today */
	int32_t last = date_from_civil(ty - age, tm, td > 28 && tm == 2 ? 28 : td);
	return last - demo_rng_int(r, 0, 364);
}

/* Fills the ID number: address, birth date, a free sequence of the
 * gender's parity, check character. */
static void make_idn(struct plan *p, struct demo_rng *r, const char *prefix, struct g_person *x)
{
	int y, m, d;
	date_to_civil(x->birth, &y, &m, &d);
	uint64_t base = (uint64_t)strtoul(prefix, NULL, 10) * 100000000000ULL +
	                (uint64_t)(y * 10000 + m * 100 + d) * 1000ULL;
	int seq = demo_rng_int(r, 0, 499) * 2 + (x->male ? 1 : 0);
	for (int tries = 0; tries < 500; tries++) {
		if (idset_add(p->ids, base + (uint64_t)seq, &p->oom))
			break;
		seq = (seq + 2) % 1000;
	}
	idcard_make(prefix, y, m, d, seq, x->idn);
}

/* An age past 60, most often in the late sixties: Beijing has about a
 * fifth of its people over 60 and three in a hundred over 80. */
static int older(struct demo_rng *r)
{
	int age = 60 + (demo_rng_int(r, 0, 24) + demo_rng_int(r, 0, 24)) / 2;
	return demo_rng_chance(r, 0.15) ? age + demo_rng_int(r, 0, 12) : age;
}

/* The people of one occupied household: a template by size, ages from
 * a pyramid that leans old (seed 001: 人口偏老龄化). */
static int household_people(struct plan *p, struct demo_rng *r, bool floating, struct g_person *out)
{
	static const double sizes_reg[] = {0.20, 0.30, 0.28, 0.12, 0.06, 0.04};
	static const double sizes_flt[] = {0.35, 0.30, 0.25, 0.10, 0, 0};
	const double *sizes = floating ? sizes_flt : sizes_reg;
	double u = demo_rng_real(r);
	int n = 1;
	for (int i = 0; i < 6; i++) {
		if (u < sizes[i]) {
			n = i + 1;
			break;
		}
		u -= sizes[i];
	}
	int ages[6], rel[6], male[6];
	int k = 0;
	bool head_male = demo_rng_chance(r, 0.62);
/* each argument once: they draw from the generator */
#define ADD(age_, rel_, male_)                  \
	do {                                        \
		int a_ = (age_);                        \
		ages[k] = a_ < 0 ? 0 : a_ > 100 ? 100 : a_; \
		rel[k] = (rel_);                        \
		male[k] = (male_);                      \
		k++;                                    \
	} while (0)
	int head;
	switch (n) {
	case 1:
		head = floating || demo_rng_chance(r, 0.45) ? demo_rng_int(r, 20, 45)
		       : demo_rng_chance(r, 0.3)            ? demo_rng_int(r, 46, 64)
		                                             : older(r);
		ADD(head, R_HEAD, demo_rng_chance(r, head > 70 ? 0.35 : 0.55));
		break;
	case 2: {
		double t = demo_rng_real(r);
		if (t < 0.45 && !floating) { /* an elderly couple */
			head = older(r);
			ADD(head, R_HEAD, head_male);
			ADD(head + demo_rng_int(r, -4, 3), R_SPOUSE, !head_male);
		} else if (t < 0.80) {
			head = demo_rng_int(r, 23, 59);
			ADD(head, R_HEAD, head_male);
			ADD(head + demo_rng_int(r, -5, 3), R_SPOUSE, !head_male);
		} else if (t < 0.98) { /* one parent and a child */
			head = demo_rng_int(r, 30, 60);
			ADD(head, R_HEAD, demo_rng_chance(r, 0.3));
			ADD(head - demo_rng_int(r, 22, 34), R_CHILD, demo_rng_chance(r, 0.5));
		} else { /* a grandparent and a grandchild */
			head = demo_rng_int(r, 56, 78);
			ADD(head, R_HEAD, demo_rng_chance(r, 0.4));
			ADD(demo_rng_int(r, 3, 15), R_GRANDCHILD, demo_rng_chance(r, 0.5));
		}
		break;
	}
	default: {
		/* a couple with children, and parents of the head when room is left */
		head = n >= 5 ? demo_rng_int(r, 30, 50) : demo_rng_int(r, 27, 62);
		int spouse = head + demo_rng_int(r, -5, 3);
		ADD(head, R_HEAD, head_male);
		ADD(spouse, R_SPOUSE, !head_male);
		int young = head < spouse ? head : spouse;
		int children = n == 3   ? 1
		               : n == 4 ? 1 + demo_rng_chance(r, 0.5)
		               : n == 5 ? 1 + demo_rng_chance(r, 0.4)
		                        : 2;
		int parents = n - 2 - children;
		for (int c = 0; c < children; c++)
			ADD(young - demo_rng_int(r, 23, 36) - c * demo_rng_int(r, 2, 6), R_CHILD,
			    demo_rng_chance(r, 0.51));
		int pa = head + demo_rng_int(r, 24, 33);
		if (pa > 98)
			pa = 98 - demo_rng_int(r, 0, 6);
		for (int q = 0; q < parents; q++)
			ADD(pa + demo_rng_int(r, -3, 3), R_PARENT,
			    q == 0 ? parents == 1 ? demo_rng_chance(r, 0.4) : 1 : 0);
		break;
	}
	}
#undef ADD
	/* Surnames: children follow the father, the head's parents the head. */
	const char *head_surname = names_surname(r);
	const char *spouse_surname = names_surname(r);
	const char *father = head_male ? head_surname : spouse_surname;
	for (int i = 0; i < k; i++) {
		struct g_person *x = &out[i];
		memset(x, 0, sizeof *x);
		x->member = -1;
		x->male = (uint8_t)male[i];
		x->relation = (uint8_t)rel[i];
		x->floating = floating;
		x->birth = birth_for_age(r, p->today, ages[i]);
		int by, bm, bd;
		date_to_civil(x->birth, &by, &bm, &bd);
		const char *surname = rel[i] == R_HEAD                          ? head_surname
		                      : rel[i] == R_SPOUSE                      ? spouse_surname
		                      : rel[i] == R_CHILD || rel[i] == R_GRANDCHILD ? (n == 2 ? head_surname : father)
		                      : rel[i] == R_PARENT && male[i]            ? head_surname
		                                                                : NULL;
		names_person(r, surname, x->male, by, x->name);
		/* phones: most adults, fewer of the very old, no children */
		if (ages[i] >= 16 && demo_rng_chance(r, ages[i] >= 80 ? 0.6 : 0.97))
			names_phone(r, x->phone);
	}
	return k;
}

static void person_tags(struct demo_rng *r, struct g_person *x, int age, int household_size,
                        bool poor, bool extreme, bool skip_generation)
{
	if (age >= 80)
		x->tags |= 1u << TAG_ELDERLY_80;
	if (household_size == 1 && age >= 60 && demo_rng_chance(r, 0.85))
		x->tags |= 1u << TAG_LONE_ELDERLY;
	if (extreme)
		x->tags |= 1u << TAG_EXTREME_POVERTY;
	else if (poor)
		x->tags |= 1u << TAG_LOW_INCOME;
	if (demo_rng_chance(r, age >= 60 ? 0.035 : 0.012))
		x->tags |= 1u << TAG_DISABLED;
	if (x->male && age >= 38 && age <= 85 && demo_rng_chance(r, 0.03))
		x->tags |= 1u << TAG_VETERAN;
	if (skip_generation && x->relation == R_GRANDCHILD && age < 16)
		x->tags |= 1u << TAG_LEFT_BEHIND_CHILD;
	if (age < 18 && x->relation == R_GRANDCHILD && demo_rng_chance(r, 0.01))
		x->tags |= 1u << TAG_ORPHAN;
}

/* --- planning a district ----------------------------------------------------- */

static const char *const pairing_contents[] = {
	"共建党员活动阵地",   "联合开展志愿服务", "认领居民微心愿",   "共享单位停车资源",
	"法律咨询进社区",     "组织健康义诊",     "为困难家庭捐赠物资", "共建青少年活动室",
	"联合开展环境整治",   "开放单位食堂为老助餐", "提供就业岗位信息", "联合开展消防演练",
};

static struct g_unit *add_unit(struct plan *p, struct demo_rng *r, int street, const char *kind,
                               const char *name, const struct g_area *area)
{
	/* names are unique within an area (UNIQUE (area_id, name)) */
	for (int i = 0; i < p->n_un; i++)
		if (p->un[i].area_id == area->id && strcmp(p->un[i].name, name) == 0)
			name = arena_printf(&p->ar, "%s（%d）", name, demo_rng_int(r, 2, 99));
	struct g_unit *u = APPEND(p, un);
	if (u == NULL)
		return NULL;
	u->id = take_id(p, T_UNIT);
	u->kind = kind;
	u->name = name;
	u->street = street;
	u->area_id = area->id;
	u->area_code = area->code;
	u->address = arena_printf(&p->ar, "北京市%s%s%s路%d号", p->dname,
	                          street >= 0 ? p->st[street].a.name : "", p->st[street >= 0 ? street : 0].stem,
	                          demo_rng_int(r, 1, 199));
	char authority = strcmp(kind, "enterprise") == 0 || strcmp(kind, "property_company") == 0 ? '9'
	                 : strcmp(kind, "social_org") == 0 || strcmp(kind, "owners_committee") == 0 ? '5'
	                                                                                           : '1';
	char k = authority == '9' ? '1' : authority == '5' ? '3' : '1';
	credit_code(r, authority, k, p->dcode, u->credit);
	static const char *const titles[] = {"负责人", "党建联络员", "办公室主任", "联络员"};
	u->ncontacts = demo_rng_int(r, 1, 2);
	for (int i = 0; i < u->ncontacts; i++) {
		char nm[NAME_BYTES];
		names_person(r, NULL, demo_rng_chance(r, 0.5), demo_rng_int(r, 1965, 1995), nm);
		u->contact[i].id = take_id(p, T_CONTACT);
		u->contact[i].name = arena_printf(&p->ar, "%s", nm);
		u->contact[i].title = titles[i == 0 ? 0 : demo_rng_int(r, 1, 3)];
		names_phone(r, u->contact[i].phone);
	}
	return u;
}

static struct g_org *add_org(struct plan *p, const struct g_org *parent, const char *kind,
                             const char *name, const struct g_area *area, int64_t unit_id)
{
	/* parent may point into p->og, which the append moves */
	int64_t parent_id = parent ? parent->id : 0;
	const char *parent_path = parent ? parent->path : "/";
	struct g_org *o = APPEND(p, og);
	if (o == NULL)
		return NULL;
	o->id = take_id(p, T_ORG);
	o->parent = parent_id;
	o->kind = kind;
	o->name = name;
	o->area_id = area->id;
	o->area_code = area->code;
	o->unit_id = unit_id;
	o->path = arena_printf(&p->ar, "%s%lld/", parent_path, (long long)o->id);
	return o;
}

static struct g_resp *add_resp(struct plan *p, struct demo_rng *r, const struct g_area *a,
                               const char *role, const char *name, const char *phone)
{
	struct g_resp *x = APPEND(p, rs);
	if (x == NULL)
		return NULL;
	x->id = take_id(p, T_RESPONSIBLE);
	x->area_id = a->id;
	x->role = role;
	if (name == NULL) {
		char nm[NAME_BYTES];
		names_person(r, NULL, demo_rng_chance(r, 0.45), demo_rng_int(r, 1966, 1998), nm);
		name = arena_printf(&p->ar, "%s", nm);
	}
	x->name = name;
	if (phone != NULL && phone[0] != '\0')
		memcpy(x->phone, phone, 12);
	else
		names_phone(r, x->phone);
	return x;
}

/* Street shapes: counts per level, before anything is named or placed. */
struct shape {
	int ncomm;
	int *basic, *dedicated;   /* per community */
	int nbasic, *compounds;   /* per basic grid */
	int ncmp, *buildings;     /* per compound */
	int nbld, *entrances;     /* per building */
};

static void shape_free(struct shape *s)
{
	free(s->basic);
	free(s->dedicated);
	free(s->compounds);
	free(s->buildings);
	free(s->entrances);
	memset(s, 0, sizeof *s);
}

static enum err shape_street(struct demo_rng *r, bool seed, int communities_max, struct shape *s,
                             struct errinfo *ei)
{
	memset(s, 0, sizeof *s);
	s->ncomm = seed ? SEED_COMMUNITIES : demo_rng_int(r, 6, 12);
	if (!seed && communities_max > 0 && s->ncomm > communities_max)
		s->ncomm = communities_max;
	s->basic = calloc((size_t)s->ncomm, sizeof *s->basic);
	s->dedicated = calloc((size_t)s->ncomm, sizeof *s->dedicated);
	if (s->basic == NULL || s->dedicated == NULL)
		goto oom;
	if (seed) {
		partition(r, SEED_GRIDS_BASIC, s->ncomm, 2, 5, s->basic);
		partition(r, SEED_GRIDS_DEDICATED, s->ncomm, 0, 1, s->dedicated);
	} else {
		for (int c = 0; c < s->ncomm; c++) {
			int total = demo_rng_int(r, 3, 4);
			s->dedicated[c] = demo_rng_chance(r, 0.4);
			s->basic[c] = total - s->dedicated[c];
		}
	}
	for (int c = 0; c < s->ncomm; c++)
		s->nbasic += s->basic[c];
	s->compounds = calloc((size_t)s->nbasic, sizeof *s->compounds);
	if (s->compounds == NULL)
		goto oom;
	if (seed)
		partition(r, SEED_COMPOUNDS, s->nbasic, 1, 4, s->compounds);
	else
		for (int g = 0; g < s->nbasic; g++)
			s->compounds[g] = demo_rng_int(r, 1, 3);
	for (int g = 0; g < s->nbasic; g++)
		s->ncmp += s->compounds[g];
	s->buildings = calloc((size_t)s->ncmp, sizeof *s->buildings);
	if (s->buildings == NULL)
		goto oom;
	if (seed)
		partition(r, SEED_BUILDINGS, s->ncmp, 1, 12, s->buildings);
	else
		for (int k = 0; k < s->ncmp; k++)
			s->buildings[k] = demo_rng_int(r, 1, 8);
	for (int k = 0; k < s->ncmp; k++)
		s->nbld += s->buildings[k];
	s->entrances = calloc((size_t)s->nbld, sizeof *s->entrances);
	if (s->entrances == NULL)
		goto oom;
	if (seed)
		partition(r, SEED_ENTRANCES, s->nbld, 1, 6, s->entrances);
	else
		for (int b = 0; b < s->nbld; b++)
			s->entrances[b] = demo_rng_chance(r, 0.1)   ? 1
			                  : demo_rng_chance(r, 0.1) ? demo_rng_int(r, 5, 6)
			                                           : demo_rng_int(r, 2, 4);
	return ERR_OK;
oom:
	shape_free(s);
	return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
}

/* Names differ among siblings: draw again on a repeat. */
static const char *sibling_name(struct plan *p, struct demo_rng *r,
                                void (*draw)(struct demo_rng *, char *, size_t),
                                const struct g_area *siblings, size_t stride, int n)
{
	char buf[128];
	for (int tries = 0;; tries++) {
		draw(r, buf, sizeof buf);
		bool seen = false;
		for (int i = 0; i < n && !seen; i++) {
			const struct g_area *s =
				(const struct g_area *)((const char *)siblings + (size_t)i * stride);
			seen = strcmp(s->name, buf) == 0;
		}
		if (!seen || tries == 20)
			return arena_printf(&p->ar, "%s", buf);
	}
}

/* One street's areas, named and coded; geometry comes later. */
static enum err plan_street_areas(struct plan *p, int si, const struct shape *sh, struct demo_rng *r,
                                  struct errinfo *ei)
{
	struct g_street *st = &p->st[si];
	st->c0 = p->n_cm;
	st->nc = sh->ncomm;
	int gb = 0, gk = 0, gbl = 0; /* cursors into the shape's basic grids, compounds, buildings */
	for (int c = 0; c < sh->ncomm; c++) {
		struct g_comm *cm = APPEND(p, cm);
		if (cm == NULL)
			break;
		cm->street = si;
		area_init(&cm->a, L_COMMUNITY, st->a.code, c + 1, 3,
		          sibling_name(p, r, names_community, &p->cm[st->c0].a, sizeof *cm, c));
		cm->g0 = p->n_gr;
		cm->cp0 = p->n_cp;
		int ng = sh->basic[c] + sh->dedicated[c];
		/* the dedicated grid goes last: basic ones are numbered first */
		for (int g = 0; g < ng; g++) {
			struct g_grid *gr = APPEND(p, gr);
			if (gr == NULL)
				break;
			cm = &p->cm[p->n_cm - 1];
			gr->comm = p->n_cm - 1;
			gr->unit = -1;
			bool dedicated = g >= sh->basic[c];
			gr->a.kind = dedicated ? 2 : 1;
			if (dedicated) {
				area_init(&gr->a, L_GRID, cm->a.code, g + 1, p->widths[0], "");
				continue; /* named after its institution, with the units */
			}
			area_init(&gr->a, L_GRID, cm->a.code, g + 1, p->widths[0],
			          arena_printf(&p->ar, "第%d网格", g + 1));
			gr->cp0 = p->n_cp;
			gr->ncp = sh->compounds[gb++];
			int gi = p->n_gr - 1;
			for (int k = 0; k < gr->ncp; k++) {
				struct g_cmp *cp = APPEND(p, cp);
				if (cp == NULL)
					break;
				gr = &p->gr[gi];
				cp->grid = gi;
				cp->comm = p->n_cm - 1;
				cp->property = -1;
				/* most compounds are old walk-ups of six floors (seed 001: 老旧小区) */
				static const int floors[] = {5, 6, 6, 6, 6, 7};
				cp->floors = floors[demo_rng_int(r, 0, COUNT(floors) - 1)];
				area_init(&cp->a, L_COMPOUND, gr->a.code, k + 1, p->widths[1],
				          sibling_name(p, r, names_compound, &p->cp[p->cm[p->n_cm - 1].cp0].a,
				                       sizeof *cp, p->n_cp - 1 - p->cm[p->n_cm - 1].cp0));
				cp->b0 = p->n_bd;
				cp->nb = sh->buildings[gk++];
				int ki = p->n_cp - 1;
				for (int b = 0; b < cp->nb; b++) {
					struct g_bld *bd = APPEND(p, bd);
					if (bd == NULL)
						break;
					cp = &p->cp[ki];
					bd->cmp = ki;
					bd->per_floor = demo_rng_chance(r, 0.2)   ? 4
					                : demo_rng_chance(r, 0.5) ? 3
					                                          : 2 + demo_rng_chance(r, 0.6);
					area_init(&bd->a, L_BUILDING, cp->a.code, b + 1, p->widths[2],
					          arena_printf(&p->ar, "%d号楼", b + 1));
					bd->e0 = p->n_en;
					bd->ne = sh->entrances[gbl++];
					int bi = p->n_bd - 1;
					for (int e = 0; e < bd->ne; e++) {
						struct g_ent *en = APPEND(p, en);
						if (en == NULL)
							break;
						en->bld = bi;
						area_init(&en->a, L_ENTRANCE, p->bd[bi].a.code, e + 1, p->widths[3],
						          arena_printf(&p->ar, "%d单元", e + 1));
					}
				}
			}
		}
		cm = &p->cm[p->n_cm - 1];
		cm->ng = p->n_gr - cm->g0;
		cm->ncp = p->n_cp - cm->cp0;
	}
	if (p->oom || p->ar.oom)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	return ERR_OK;
}

/* Households and rooms: floors × rooms a floor, numbered 101, 102 … */
static enum err plan_households(struct plan *p, int ci, struct errinfo *ei)
{
	struct g_comm *cm = &p->cm[ci];
	cm->h0 = p->n_hh;
	for (int k = cm->cp0; k < cm->cp0 + cm->ncp; k++)
		for (int b = p->cp[k].b0; b < p->cp[k].b0 + p->cp[k].nb; b++)
			for (int e = p->bd[b].e0; e < p->bd[b].e0 + p->bd[b].ne; e++) {
				p->en[e].h0 = p->n_hh;
				for (int f = 1; f <= p->cp[k].floors; f++)
					for (int q = 1; q <= p->bd[b].per_floor; q++) {
						struct g_hh *h = APPEND(p, hh);
						if (h == NULL)
							return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
						h->id = take_id(p, T_HOUSEHOLD);
						h->ent = e;
						snprintf(h->room, sizeof h->room, "%d", f * 100 + q);
					}
				p->en[e].nh = p->n_hh - p->en[e].h0;
			}
	p->cm[ci].nh = p->n_hh - p->cm[ci].h0;
	return ERR_OK;
}

/* Geometry, top down: district → streets → communities → grids, each
 * tiled by its households; compounds get a patch of their grid (kept for
 * placing buildings, not stored), buildings and entrances points. */
static enum err plan_geometry(struct plan *p, struct rect box, struct errinfo *ei)
{
	int nmax = p->n_st;
	for (int s = 0; s < p->n_st; s++)
		if (p->st[s].nc > nmax)
			nmax = p->st[s].nc;
	for (int c = 0; c < p->n_cm; c++) {
		if (p->cm[c].ng > nmax)
			nmax = p->cm[c].ng;
	}
	for (int g = 0; g < p->n_gr; g++)
		if (p->gr[g].ncp > nmax)
			nmax = p->gr[g].ncp;
	int *w = calloc((size_t)nmax + 1, sizeof *w);
	struct rect *out = calloc((size_t)nmax + 1, sizeof *out);
	if (w == NULL || out == NULL) {
		free(w);
		free(out);
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	}
	/* weights: households below each node; a dedicated grid as a small basic one */
	for (int k = 0; k < p->n_cp; k++) {
		p->cp[k].weight = 0;
		for (int b = p->cp[k].b0; b < p->cp[k].b0 + p->cp[k].nb; b++)
			for (int e = p->bd[b].e0; e < p->bd[b].e0 + p->bd[b].ne; e++)
				p->cp[k].weight += p->en[e].nh;
	}
	for (int c = 0; c < p->n_cm; c++) {
		struct g_comm *cm = &p->cm[c];
		cm->weight = 0;
		for (int g = cm->g0; g < cm->g0 + cm->ng; g++) {
			struct g_grid *gr = &p->gr[g];
			gr->weight = 0;
			for (int k = gr->cp0; k < gr->cp0 + gr->ncp; k++)
				gr->weight += p->cp[k].weight;
			if (gr->a.kind == 2)
				gr->weight = 60;
			cm->weight += gr->weight;
		}
	}
	for (int s = 0; s < p->n_st; s++) {
		p->st[s].weight = 0;
		for (int c = p->st[s].c0; c < p->st[s].c0 + p->st[s].nc; c++)
			p->st[s].weight += p->cm[c].weight;
	}
	set_boundary(p, &p->district, box);
	for (int s = 0; s < p->n_st; s++)
		w[s] = p->st[s].weight;
	tile(box, w, p->n_st, out);
	for (int s = 0; s < p->n_st; s++)
		set_boundary(p, &p->st[s].a, out[s]);
	for (int s = 0; s < p->n_st; s++) {
		struct g_street *st = &p->st[s];
		struct rect sr = st->a.r;
		for (int c = 0; c < st->nc; c++)
			w[c] = p->cm[st->c0 + c].weight;
		tile(sr, w, st->nc, out);
		for (int c = 0; c < st->nc; c++)
			set_boundary(p, &p->cm[st->c0 + c].a, out[c]);
	}
	for (int c = 0; c < p->n_cm; c++) {
		struct g_comm *cm = &p->cm[c];
		for (int g = 0; g < cm->ng; g++)
			w[g] = p->gr[cm->g0 + g].weight;
		tile(cm->a.r, w, cm->ng, out);
		for (int g = 0; g < cm->ng; g++)
			set_boundary(p, &p->gr[cm->g0 + g].a, out[g]);
	}
	for (int g = 0; g < p->n_gr; g++) {
		struct g_grid *gr = &p->gr[g];
		for (int k = 0; k < gr->ncp; k++)
			w[k] = p->cp[gr->cp0 + k].weight;
		tile(gr->a.r, w, gr->ncp, out);
		for (int k = 0; k < gr->ncp; k++) {
			struct g_cmp *cp = &p->cp[gr->cp0 + k];
			cp->a.r = out[k];
			cp->a.lng = round6((out[k].w + out[k].e) / 2);
			cp->a.lat = round6((out[k].s + out[k].n) / 2);
			cp->a.has_point = true;
			/* buildings on a lattice inside the patch, away from its edges */
			int cols = (int)ceil(sqrt((double)cp->nb)), rows = (cp->nb + cols - 1) / cols;
			double iw = (out[k].e - out[k].w) * 0.7, ih = (out[k].n - out[k].s) * 0.7;
			double x0 = out[k].w + (out[k].e - out[k].w) * 0.15;
			double y0 = out[k].s + (out[k].n - out[k].s) * 0.15;
			for (int b = 0; b < cp->nb; b++) {
				struct g_bld *bd = &p->bd[cp->b0 + b];
				bd->a.lng = round6(x0 + iw * ((b % cols) + 0.5) / cols);
				bd->a.lat = round6(y0 + ih * (rows - (b / cols) - 0.5) / rows);
				bd->a.has_point = true;
				double step = iw / cols / (bd->ne + 1);
				for (int e = 0; e < bd->ne; e++) {
					struct g_ent *en = &p->en[bd->e0 + e];
					en->a.lng = round6(bd->a.lng + step * (e - (bd->ne - 1) / 2.0) * 0.8);
					en->a.lat = bd->a.lat;
					en->a.has_point = true;
				}
			}
		}
	}
	free(w);
	free(out);
	return p->ar.oom ? err_set(ei, ERR_INTERNAL, NULL, "out of memory") : ERR_OK;
}

/* Ids in write order: each street's subtree level by level. */
static void plan_area_ids(struct plan *p)
{
	p->district.id = take_id(p, T_AREA);
	for (int s = 0; s < p->n_st; s++) {
		struct g_street *st = &p->st[s];
		st->a.id = take_id(p, T_AREA);
		st->a.parent_id = p->district.id;
		int c1 = st->c0 + st->nc;
		for (int c = st->c0; c < c1; c++) {
			p->cm[c].a.id = take_id(p, T_AREA);
			p->cm[c].a.parent_id = st->a.id;
		}
		int g0 = p->cm[st->c0].g0, g1 = p->cm[c1 - 1].g0 + p->cm[c1 - 1].ng;
		for (int g = g0; g < g1; g++) {
			p->gr[g].a.id = take_id(p, T_AREA);
			p->gr[g].a.parent_id = p->cm[p->gr[g].comm].a.id;
		}
		int k0 = p->cm[st->c0].cp0, k1 = p->cm[c1 - 1].cp0 + p->cm[c1 - 1].ncp;
		for (int k = k0; k < k1; k++) {
			p->cp[k].a.id = take_id(p, T_AREA);
			p->cp[k].a.parent_id = p->gr[p->cp[k].grid].a.id;
		}
		int b0 = k1 > k0 ? p->cp[k0].b0 : p->n_bd, b1 = k1 > k0 ? p->cp[k1 - 1].b0 + p->cp[k1 - 1].nb : b0;
		for (int b = b0; b < b1; b++) {
			p->bd[b].a.id = take_id(p, T_AREA);
			p->bd[b].a.parent_id = p->cp[p->bd[b].cmp].a.id;
		}
		int e0 = b1 > b0 ? p->bd[b0].e0 : p->n_en, e1 = b1 > b0 ? p->bd[b1 - 1].e0 + p->bd[b1 - 1].ne : e0;
		for (int e = e0; e < e1; e++) {
			p->en[e].a.id = take_id(p, T_AREA);
			p->en[e].a.parent_id = p->bd[p->en[e].bld].a.id;
		}
	}
}

/* Units, pairings, the party organisation of one street. */
static enum err plan_street_units(struct plan *p, int si, struct demo_rng *r, struct errinfo *ei)
{
	struct g_street *st = &p->st[si];
	char stem[64];
	snprintf(stem, sizeof stem, "%s", st->stem);
	st->u0 = p->n_un;
	st->o0 = p->n_og;

	struct g_unit *u = add_unit(p, r, si, "agency", arena_printf(&p->ar, "%s办事处", st->a.name), &st->a);
	if (u == NULL)
		goto oom;
	st->agency = p->n_un - 1;
	struct g_org *wc = add_org(p, NULL, "working_committee", arena_printf(&p->ar, "中共%s工作委员会", st->a.name),
	                           &st->a, u->id);
	if (wc == NULL)
		goto oom;
	st->wc_org = wc->id;
	int wci = p->n_og - 1;

	/* departments at the street, serving its communities */
	static const char *const depts[] = {"综合行政执法队", "派出所", "市场监管所",
	                                    "司法所", "房屋管理所", "消防救援站"};
	int d0 = p->n_un;
	for (int i = 0; i < COUNT(depts); i++) {
		if (i == 5 && !demo_rng_chance(r, 0.5))
			continue;
		const char *name = arena_printf(&p->ar, "%s%s", i == 0 ? st->a.name : stem, depts[i]);
		if (add_unit(p, r, si, "department", name, &st->a) == NULL)
			goto oom;
	}
	int d1 = p->n_un;
	st->da0 = p->n_da;
	for (int d = d0; d < d1; d++)
		for (int c = st->c0; c < st->c0 + st->nc; c++) {
			struct g_da *x = APPEND(p, da);
			if (x == NULL)
				goto oom;
			x->unit = p->un[d].id;
			x->area = p->cm[c].a.id;
		}
	for (int d = p->du0; d < p->du0 + p->ndu; d++) {
		struct g_da *x = APPEND(p, da);
		if (x == NULL)
			goto oom;
		x->unit = p->un[d].id;
		x->area = st->a.id;
	}
	st->nda = p->n_da - st->da0;

	/* social organisations of the street (seed 001: 社工站, 18 社区社会组织) */
	int nsocial = demo_rng_int(r, 2, 3);
	for (int i = 0; i < nsocial; i++) {
		char nm[128];
		names_social_org(r, stem, nm, sizeof nm);
		if (add_unit(p, r, si, "social_org", arena_printf(&p->ar, "%s", nm), &st->a) == NULL)
			goto oom;
	}
	/* property companies: one for every few compounds; old ones have none */
	int ncmp = 0;
	for (int c = st->c0; c < st->c0 + st->nc; c++)
		ncmp += p->cm[c].ncp;
	int nprop = ncmp / 4 + 1, p0 = p->n_un;
	for (int i = 0; i < nprop; i++) {
		char nm[128];
		names_property_company(r, nm, sizeof nm);
		if (add_unit(p, r, si, "property_company", arena_printf(&p->ar, "%s", nm), &st->a) == NULL)
			goto oom;
	}
	for (int c = st->c0; c < st->c0 + st->nc; c++)
		for (int k = p->cm[c].cp0; k < p->cm[c].cp0 + p->cm[c].ncp; k++)
			p->cp[k].property = demo_rng_chance(r, 0.8) ? p0 + demo_rng_int(r, 0, nprop - 1) : -1;

	/* per community: the institution of a dedicated grid, enterprises,
	 * owners' committees, a social organisation now and then */
	for (int c = st->c0; c < st->c0 + st->nc; c++) {
		struct g_comm *cm = &p->cm[c];
		for (int g = cm->g0; g < cm->g0 + cm->ng; g++) {
			if (p->gr[g].a.kind != 2)
				continue;
			char nm[128];
			const char *kind = "agency";
			names_institution(r, nm, sizeof nm, &kind);
			const char *name = arena_printf(&p->ar, "%s", nm);
			p->gr[g].a.name = arena_printf(&p->ar, "%s专属网格", nm);
			if (add_unit(p, r, si, kind, name, &p->gr[g].a) == NULL)
				goto oom;
			p->gr[g].unit = p->n_un - 1;
		}
		int nent = demo_rng_int(r, 1, 3);
		for (int i = 0; i < nent; i++) {
			char nm[128];
			names_enterprise(r, nm, sizeof nm);
			if (add_unit(p, r, si, "enterprise", arena_printf(&p->ar, "%s", nm), &p->cm[c].a) == NULL)
				goto oom;
		}
		for (int k = cm->cp0; k < cm->cp0 + cm->ncp; k++)
			if (p->cp[k].nb >= 3 && demo_rng_chance(r, 0.6) &&
			    add_unit(p, r, si, "owners_committee", arena_printf(&p->ar, "%s业主委员会", p->cp[k].a.name),
			             &p->cp[k].a) == NULL)
				goto oom;
		if (demo_rng_chance(r, 0.8)) {
			char nm[160];
			names_social_org(r, p->cm[c].a.name, nm, sizeof nm);
			if (add_unit(p, r, si, "social_org", arena_printf(&p->ar, "%s", nm), &p->cm[c].a) == NULL)
				goto oom;
		}
	}
	st->nu = p->n_un - st->u0;

	/* Party organisations of units in the street, under the 党工委
	 * (区域化党建); a dedicated grid's institution sits under its community. */
	for (int i = st->u0; i < st->u0 + st->nu; i++) {
		struct g_unit *x = &p->un[i];
		bool has = strcmp(x->kind, "department") == 0 ||
		           (strcmp(x->kind, "agency") == 0 && i != st->agency) ||
		           (strcmp(x->kind, "enterprise") == 0 && demo_rng_chance(r, 0.5)) ||
		           (strcmp(x->kind, "property_company") == 0 && demo_rng_chance(r, 0.3));
		bool in_grid = false;
		for (int c = st->c0; c < st->c0 + st->nc && !in_grid; c++)
			for (int g = p->cm[c].g0; g < p->cm[c].g0 + p->cm[c].ng; g++)
				in_grid = in_grid || p->gr[g].unit == i;
		if (!has || in_grid)
			continue; /* institutions get theirs with the community */
		const struct g_area *area = &st->a;
		struct g_org *o = add_org(p, &p->og[wci], "branch", arena_printf(&p->ar, "%s党支部", x->name), area,
		                          x->id);
		if (o == NULL)
			goto oom;
		p->un[i].org = o->id;
		int *wp = PUSH(p, p->workplaces, p->n_workplaces, p->cap_workplaces);
		if (wp == NULL)
			goto oom;
		*wp = i;
	}
	/* community → compound branches → building groups */
	for (int c = st->c0; c < st->c0 + st->nc; c++) {
		struct g_comm *cm = &p->cm[c];
		/* a committee where the community is large, a general branch otherwise */
		bool large = cm->nh >= 1300;
		struct g_org *co = add_org(p, &p->og[wci], large ? "committee" : "general_branch",
		                           arena_printf(&p->ar, "中共%s%s", cm->a.name, large ? "委员会" : "总支部委员会"),
		                           &cm->a, 0);
		if (co == NULL)
			goto oom;
		cm = &p->cm[c];
		cm->org = co->id;
		cm->org_index = p->n_og - 1;
		for (int g = cm->g0; g < cm->g0 + cm->ng; g++) {
			if (p->gr[g].unit < 0)
				continue;
			struct g_unit *x = &p->un[p->gr[g].unit];
			struct g_org *o = add_org(p, &p->og[cm->org_index], "branch",
			                          arena_printf(&p->ar, "%s党支部", x->name), &p->gr[g].a, x->id);
			if (o == NULL)
				goto oom;
			p->un[p->gr[g].unit].org = o->id;
			int *wp = PUSH(p, p->workplaces, p->n_workplaces, p->cap_workplaces);
			if (wp == NULL)
				goto oom;
			*wp = p->gr[g].unit;
		}
		for (int k = cm->cp0; k < cm->cp0 + cm->ncp; k++) {
			struct g_org *br = add_org(p, &p->og[p->cm[c].org_index], "branch",
			                           arena_printf(&p->ar, "%s党支部", p->cp[k].a.name), &p->cp[k].a, 0);
			if (br == NULL)
				goto oom;
			p->cp[k].branch = br->id;
			int bi = p->n_og - 1;
			for (int b = p->cp[k].b0; b < p->cp[k].b0 + p->cp[k].nb; b++) {
				struct g_org *gp = add_org(p, &p->og[bi], "group",
				                           arena_printf(&p->ar, "%s%s党小组", p->cp[k].a.name, p->bd[b].a.name),
				                           &p->bd[b].a, 0);
				if (gp == NULL)
					goto oom;
				p->bd[b].group = gp->id;
			}
		}
	}
	st->no = p->n_og - st->o0;

	/* pairings (共驻共建) with the street's units, the 大党委 from them,
	 * and units' organisations reporting in to the paired community */
	st->pr0 = p->n_pr;
	st->j0 = p->n_jm;
	st->ri0 = p->n_ri;
	int ty = p->ty;
	for (int c = st->c0; c < st->c0 + st->nc; c++) {
		struct g_comm *cm = &p->cm[c];
		int npair = demo_rng_int(r, 2, 4), first = p->n_pr;
		for (int i = 0; i < npair; i++) {
			int ui = st->u0 + demo_rng_int(r, 0, st->nu - 1);
			if (ui == st->agency)
				continue;
			bool dup = false;
			for (int q = first; q < p->n_pr; q++)
				dup = dup || p->pr[q].unit_id == p->un[ui].id;
			if (dup)
				continue;
			struct g_pair *x = APPEND(p, pr);
			if (x == NULL)
				goto oom;
			x->id = take_id(p, T_PAIRING);
			x->unit_id = p->un[ui].id;
			x->comm_id = cm->a.id;
			x->comm_code = cm->a.code;
			int sy = ty - demo_rng_int(r, 0, 4);
			int32_t sd = date_from_civil(sy, demo_rng_int(r, 1, 12), demo_rng_int(r, 1, 28));
			if (sd > p->today)
				sd = p->today - demo_rng_int(r, 1, 60);
			date_text(sd, x->starts);
			if (demo_rng_chance(r, 0.15)) /* an agreement that ran its three years */
				date_text(sd + 3 * 365, x->ends);
			int a = demo_rng_int(r, 0, COUNT(pairing_contents) - 1);
			int b = (a + demo_rng_int(r, 1, COUNT(pairing_contents) - 1)) % COUNT(pairing_contents);
			x->content = arena_printf(&p->ar, "%s；%s", pairing_contents[a], pairing_contents[b]);
			if (p->un[ui].org != 0) {
				struct g_report *ri = APPEND(p, ri);
				if (ri == NULL)
					goto oom;
				ri->id = take_id(p, T_REPORT);
				ri->org = p->un[ui].org;
				ri->comm_id = cm->a.id;
				ri->comm_code = cm->a.code;
				date_text(sd, ri->on);
			}
		}
		int npaired = p->n_pr - first;
		int njoint = npaired > 0 ? demo_rng_int(r, 3, 6) : 0;
		for (int i = 0; i < njoint; i++) {
			struct g_joint *j = APPEND(p, jm);
			if (j == NULL)
				goto oom;
			j->id = take_id(p, T_JOINT);
			j->comm_id = p->cm[c].a.id;
			j->unit_id = p->pr[first + i % npaired].unit_id;
			char nm[NAME_BYTES];
			names_person(r, NULL, demo_rng_chance(r, 0.55), demo_rng_int(r, 1965, 1990), nm);
			j->name = arena_printf(&p->ar, "%s", nm);
			j->post = i == 0 ? "兼职副书记" : "兼职委员";
		}
	}
	st->npr = p->n_pr - st->pr0;
	st->nj = p->n_jm - st->j0;
	st->nri = p->n_ri - st->ri0;
	if (p->oom || p->ar.oom)
		goto oom;
	return ERR_OK;
oom:
	return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
}

/* People, members, tags and center households of one community. */
static enum err plan_people(struct plan *p, int ci, struct errinfo *ei)
{
	struct g_comm *cm = &p->cm[ci];
	struct demo_rng r;
	demo_rng_seed(&r, p->opt->seed, demo_hash(cm->a.code));
	cm->p0 = p->n_ps;
	cm->m0 = p->n_mb;
	for (int h = cm->h0; h < cm->h0 + cm->nh; h++) {
		p->hh[h].p0 = p->n_ps;
		if (!demo_rng_chance(&r, 0.955))
			continue; /* vacant */
		bool floating = demo_rng_chance(&r, 0.2);
		struct g_person tmp[6];
		int n = household_people(p, &r, floating, tmp);
		const char *prefix = floating ? floating_prefixes[demo_rng_int(&r, 0, COUNT(floating_prefixes) - 1)]
		                              : p->dcode;
		bool extreme = !floating && demo_rng_chance(&r, 0.002);
		bool poor = !floating && !extreme && demo_rng_chance(&r, 0.015);
		bool skip = n == 2 && tmp[1].relation == R_GRANDCHILD;
		for (int i = 0; i < n; i++) {
			struct g_person *x = APPEND(p, ps);
			if (x == NULL)
				return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
			*x = tmp[i];
			x->id = take_id(p, T_PERSON);
			x->hh = h;
			make_idn(p, &r, prefix, x);
			person_tags(&r, x, age_on(x->birth, p->today), n, poor, extreme, skip);
		}
		p->hh[h].np = (uint8_t)(p->n_ps - p->hh[h].p0);
	}
	cm = &p->cm[ci];
	cm->np = p->n_ps - cm->p0;

	/* Party members: about 3 in 100 adults; the working ones in service
	 * with a unit's organisation and reported in here (在职党员双报到). */
	int ty = p->ty;
	for (int i = cm->p0; i < cm->p0 + cm->np; i++) {
		struct g_person *x = &p->ps[i];
		int age = age_on(x->birth, p->today);
		if (age < 18 || !demo_rng_chance(&r, age < 26 ? 0.015 : age < 60 ? 0.03 : 0.042))
			continue;
		struct g_member *m = APPEND(p, mb);
		if (m == NULL)
			return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		x = &p->ps[i];
		x->member = p->n_mb - 1;
		m->id = take_id(p, T_MEMBER);
		m->person = i;
		m->comm = ci;
		const struct g_bld *b = &p->bd[p->en[p->hh[x->hh].ent].bld];
		m->org = b->group;
		if (age >= 22 && age < 60 && p->n_workplaces > 0 && demo_rng_chance(&r, 0.55)) {
			const struct g_unit *u = &p->un[p->workplaces[demo_rng_int(&r, 0, p->n_workplaces - 1)]];
			m->work_unit = u->id;
			m->org = u->org;
			if (demo_rng_chance(&r, 0.92)) {
				m->reported = true;
				m->report_id = take_id(p, T_REPORT);
				int32_t on = p->today - demo_rng_int(&r, 20, 1800);
				date_text(on, m->reported_on);
				if (demo_rng_chance(&r, 0.06)) { /* moved away since */
					m->report_ended = true;
					date_text(on + demo_rng_int(&r, 1, (int)(p->today - on)), m->ended_on);
				}
			}
		}
		m->probationary = age >= 19 && demo_rng_chance(&r, 0.04);
		int32_t joined;
		if (m->probationary) {
			joined = p->today - demo_rng_int(&r, 10, 360);
		} else {
			int at = demo_rng_int(&r, 18, age < 45 ? age - 1 : 45);
			joined = date_from_civil(ty - age + at, demo_rng_int(&r, 1, 12), demo_rng_int(&r, 1, 28));
			if (joined > p->today - 400)
				joined = p->today - 400 - demo_rng_int(&r, 0, 300);
		}
		date_text(joined, m->joined);
		if (m->reported && !m->report_ended && demo_rng_chance(&r, 0.7)) {
			int doy = (int)(p->today - date_from_civil(ty, 1, 1));
			for (int k = 0; k < SIX__MAX; k++)
				if (demo_rng_chance(&r, six_items[k].p)) {
					m->six |= (uint8_t)(1u << k);
					date_text(date_from_civil(ty, 1, 1) + demo_rng_int(&r, 0, doy), m->six_on[k]);
				}
		}
	}
	cm = &p->cm[ci];
	cm->nm = p->n_mb - cm->m0;

	/* Center households (党员中心户): runs of about 50 households of a
	 * compound, each served from a member's household inside the run. */
	cm->ch0 = p->n_ch;
	for (int k = cm->cp0; k < cm->cp0 + cm->ncp; k++) {
		const struct g_cmp *cp = &p->cp[k];
		int h0 = p->en[p->bd[cp->b0].e0].h0;
		const struct g_bld *last = &p->bd[cp->b0 + cp->nb - 1];
		int h1 = p->en[last->e0 + last->ne - 1].h0 + p->en[last->e0 + last->ne - 1].nh;
		for (int run = h0; run < h1;) {
			int len = demo_rng_int(&r, 40, 60);
			int end = run + len > h1 || h1 - (run + len) < 20 ? h1 : run + len;
			int found = -1, seen = 0;
			for (int h = run; h < end; h++)
				for (int q = p->hh[h].p0; q < p->hh[h].p0 + p->hh[h].np; q++)
					if (p->ps[q].member >= 0 && demo_rng_int(&r, 0, seen++) == 0)
						found = p->ps[q].member;
			if (found >= 0) {
				struct g_center *c = APPEND(p, ch);
				if (c == NULL)
					return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
				c->id = take_id(p, T_CENTER);
				c->member = found;
				c->hh = p->ps[p->mb[found].person].hh;
				c->h0 = run;
				c->nh = end - run;
			}
			run = end;
		}
	}
	p->cm[ci].nch = p->n_ch - p->cm[ci].ch0;
	return p->oom ? err_set(ei, ERR_INTERNAL, NULL, "out of memory") : ERR_OK;
}

/* An adult living under an area (a compound, building or entrance),
 * preferring party members: they are the usual 楼栋长. -1 if none. */
static int resident_for(struct plan *p, struct demo_rng *r, int h0, int h1)
{
	int best = -1, seen = 0;
	bool member = false;
	for (int h = h0; h < h1; h++)
		for (int q = p->hh[h].p0; q < p->hh[h].p0 + p->hh[h].np; q++) {
			const struct g_person *x = &p->ps[q];
			int age = age_on(x->birth, p->today);
			if (age < 30 || age > 75 || x->phone[0] == '\0')
				continue;
			bool m = x->member >= 0;
			if (m && !member) {
				best = q;
				member = true;
				seen = 1;
			} else if (m == member && demo_rng_int(r, 0, seen++) == 0) {
				best = q;
			}
		}
	return best;
}

static enum err plan_responsible(struct plan *p, int si, struct demo_rng *r, struct errinfo *ei)
{
	struct g_street *st = &p->st[si];
	st->r0 = p->n_rs;
	for (int c = st->c0; c < st->c0 + st->nc; c++) {
		struct g_comm *cm = &p->cm[c];
		bool demo = strcmp(cm->a.code, "110105001001") == 0;
		char nm[NAME_BYTES];
		names_person(r, demo ? "张" : NULL, demo_rng_chance(r, 0.4), demo_rng_int(r, 1968, 1988), nm);
		const char *secretary = arena_printf(&p->ar, "%s", nm);
		struct g_resp *x = add_resp(p, r, &cm->a, "secretary", secretary, NULL);
		if (x == NULL)
			goto oom;
		if (demo)
			x->user_id = p->community_user;
		char phone[12];
		memcpy(phone, x->phone, 12);
		/* most communities have one person as both (书记、主任一肩挑) */
		bool same = demo_rng_chance(r, 0.7);
		if (add_resp(p, r, &cm->a, "director", same ? secretary : NULL, same ? phone : NULL) == NULL ||
		    add_resp(p, r, &cm->a, "police", NULL, NULL) == NULL)
			goto oom;
		for (int g = cm->g0; g < cm->g0 + cm->ng; g++) {
			const struct g_area *ga = &p->gr[g].a;
			if (add_resp(p, r, ga, "grid_leader", NULL, NULL) == NULL)
				goto oom;
			int nw = demo_rng_int(r, 1, 2);
			for (int w = 0; w < nw; w++) {
				bool first = demo && g == cm->g0 && w == 0;
				struct g_resp *gw = add_resp(p, r, ga, "grid_worker", first ? "刘敏" : NULL, NULL);
				if (gw == NULL)
					goto oom;
				if (first)
					gw->user_id = p->grid_user;
			}
		}
		for (int k = cm->cp0; k < cm->cp0 + cm->ncp; k++) {
			const struct g_cmp *cp = &p->cp[k];
			const struct g_bld *lb = &p->bd[cp->b0 + cp->nb - 1];
			int h0 = p->en[p->bd[cp->b0].e0].h0;
			int h1 = p->en[lb->e0 + lb->ne - 1].h0 + p->en[lb->e0 + lb->ne - 1].nh;
			int q = resident_for(p, r, h0, h1);
			if (add_resp(p, r, &cp->a, "compound_head", q >= 0 ? p->ps[q].name : NULL,
			             q >= 0 ? p->ps[q].phone : NULL) == NULL)
				goto oom;
			if (cp->property >= 0 && add_resp(p, r, &cp->a, "property_manager", NULL, NULL) == NULL)
				goto oom;
			for (int b = cp->b0; b < cp->b0 + cp->nb; b++) {
				const struct g_bld *bd = &p->bd[b];
				const struct g_ent *le = &p->en[bd->e0 + bd->ne - 1];
				q = resident_for(p, r, p->en[bd->e0].h0, le->h0 + le->nh);
				if (add_resp(p, r, &bd->a, "building_head", q >= 0 ? p->ps[q].name : NULL,
				             q >= 0 ? p->ps[q].phone : NULL) == NULL)
					goto oom;
				for (int e = bd->e0; e < bd->e0 + bd->ne; e++) {
					q = resident_for(p, r, p->en[e].h0, p->en[e].h0 + p->en[e].nh);
					if (add_resp(p, r, &p->en[e].a, "entrance_head", q >= 0 ? p->ps[q].name : NULL,
					             q >= 0 ? p->ps[q].phone : NULL) == NULL)
						goto oom;
				}
			}
		}
	}
	st->nr = p->n_rs - st->r0;
	return ERR_OK;
oom:
	return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
}

static int streets_for(const struct demo_options *o, int d)
{
	if (o->streets > 0)
		return o->streets;
	double per = PEOPLE_PER_STREET;
	if (o->communities_max > 0 && o->communities_max < 9)
		per = per * o->communities_max / 9.5;
	double first = d == 0 && o->seed_street ? PEOPLE_SEED_STREET : 0;
	long n = (first > 0) + lround((o->people_per_district - first) / per);
	return n < 1 ? 1 : n > 99 ? 99 : (int)n;
}

static enum err plan_district(struct plan *p, struct errinfo *ei)
{
	enum err rc;
	const struct demo_options *o = p->opt;
	struct demo_rng r;
	demo_rng_seed(&r, o->seed, demo_hash(p->dcode));
	area_init(&p->district, L_DISTRICT, "", 0, 0, p->dname);
	snprintf(p->district.code, sizeof p->district.code, "%s", p->dcode);

	/* the streets' shapes and areas */
	int ns = streets_for(o, p->dindex);
	for (int s = 0; s < ns; s++) {
		struct g_street *st = APPEND(p, st);
		if (st == NULL)
			return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		char nm[64], stem[64];
		names_street(p->dcode, s, nm, sizeof nm);
		names_street_stem(nm, stem, sizeof stem);
		area_init(&st->a, L_STREET, p->dcode, s + 1, 3, arena_printf(&p->ar, "%s", nm));
		st->stem = arena_printf(&p->ar, "%s", stem);
		struct demo_rng sr;
		demo_rng_seed(&sr, o->seed, demo_hash(st->a.code));
		struct shape sh;
		bool seed = o->seed_street && p->dindex == 0 && s == 0;
		if ((rc = shape_street(&sr, seed, o->communities_max, &sh, ei)) != ERR_OK)
			return rc;
		rc = plan_street_areas(p, s, &sh, &sr, ei);
		shape_free(&sh);
		if (rc != ERR_OK)
			return rc;
	}
	for (int c = 0; c < p->n_cm; c++)
		if ((rc = plan_households(p, c, ei)) != ERR_OK)
			return rc;
	if ((rc = plan_geometry(p, (struct rect){district_table[p->dindex].w, district_table[p->dindex].s,
	                                         district_table[p->dindex].e, district_table[p->dindex].n},
	                        ei)) != ERR_OK)
		return rc;
	plan_area_ids(p);

	/* district departments (区城管委, 区住建委 …), each serving every street */
	static const char *const ddepts[] = {"城市管理委员会", "住房和城乡建设委员会", "民政局",
	                                     "市场监督管理局", "卫生健康委员会",     "城市管理综合行政执法局",
	                                     "园林绿化局",     "水务局",             "教育委员会"};
	char dshort[32];
	snprintf(dshort, sizeof dshort, "%s", p->dname);
	p->du0 = p->n_un;
	p->do0 = p->n_og;
	for (int i = 0; i < COUNT(ddepts); i++) {
		struct g_unit *u = add_unit(p, &r, -1, "department",
		                            arena_printf(&p->ar, "北京市%s%s", p->dname, ddepts[i]), &p->district);
		if (u == NULL)
			return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		struct g_org *og = add_org(p, NULL, "committee", arena_printf(&p->ar, "%s机关党委", u->name),
		                           &p->district, u->id);
		if (og == NULL)
			return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		p->un[p->n_un - 1].org = og->id;
		int *wp = PUSH(p, p->workplaces, p->n_workplaces, p->cap_workplaces);
		if (wp == NULL)
			return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		*wp = p->n_un - 1;
	}
	p->ndu = p->n_un - p->du0;
	p->ndo = p->n_og - p->do0;
	for (int s = 0; s < ns; s++) {
		struct demo_rng ur;
		demo_rng_seed(&ur, o->seed, demo_hash(p->st[s].a.code) ^ 0x756e697473ULL);
		if ((rc = plan_street_units(p, s, &ur, ei)) != ERR_OK)
			return rc;
	}
	for (int c = 0; c < p->n_cm; c++)
		if ((rc = plan_people(p, c, ei)) != ERR_OK)
			return rc;
	for (int s = 0; s < ns; s++) {
		struct demo_rng rr;
		demo_rng_seed(&rr, o->seed, demo_hash(p->st[s].a.code) ^ 0x72657370ULL);
		if ((rc = plan_responsible(p, s, &rr, ei)) != ERR_OK)
			return rc;
	}
	if (p->oom || p->ar.oom)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	return ERR_OK;
}

/* --- multi-row inserts ------------------------------------------------------- */

/* Rows are buffered as parameters and sent several to a statement; the
 * statements are the same few texts, so both backends keep them prepared.
 * Bound text must stay alive until ins_close. */
#define INS_SIZES 12
struct ins {
	struct store_conn *c;
	const char *head; /* "INSERT INTO t (a, b) VALUES " */
	int ncols, per_stmt, n;
	struct store_val *v;
	char *sql[INS_SIZES + 1]; /* by size: [log2 k] for powers of two, [INS_SIZES] for per_stmt */
	int64_t rows;
};

/* Rows a statement carries. PostgreSQL: as many as pg.c's 64 parameters
 * allow (PG_PARAMS_MAX), each statement being a round trip; with 2,048 a
 * district loads in half the time. SQLite: one. A multi-row INSERT needs
 * a statement journal, which SQLite truncates at each statement's end by
 * walking its in-memory chunks from the start; a single-row INSERT needs
 * none, and measured faster (a district: 31 s against 36 s at 4,096
 * parameters a statement). */
static int rows_per_statement(struct store *st, int ncols)
{
	return strcmp(store_backend(st), "postgres") == 0 ? 1024 / ncols : 1; /* PostgreSQL: one round trip per ~1,000 values */
}

static enum err ins_open(struct ins *b, struct store_conn *c, struct store *st, const char *head,
                         int ncols, struct errinfo *ei)
{
	memset(b, 0, sizeof *b);
	b->c = c;
	b->head = head;
	b->ncols = ncols;
	b->per_stmt = rows_per_statement(st, ncols);
	if (b->per_stmt < 1)
		b->per_stmt = 1;
	b->v = calloc((size_t)b->per_stmt * (size_t)ncols, sizeof *b->v);
	return b->v ? ERR_OK : err_set(ei, ERR_INTERNAL, NULL, "out of memory");
}

static const char *ins_sql(struct ins *b, int k, struct errinfo *ei)
{
	int slot = INS_SIZES;
	if (k != b->per_stmt) {
		slot = 0;
		while ((1 << (slot + 1)) <= k)
			slot++;
	}
	if (b->sql[slot] != NULL)
		return b->sql[slot];
	struct strbuf sb;
	strbuf_init(&sb, 1u << 20);
	strbuf_adds(&sb, b->head);
	for (int i = 0; i < k; i++) {
		strbuf_adds(&sb, i ? ", (" : "(");
		for (int j = 0; j < b->ncols; j++)
			strbuf_adds(&sb, j ? ", ?" : "?");
		strbuf_adds(&sb, ")");
	}
	if (sb.overflow) {
		strbuf_free(&sb);
		err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		return NULL;
	}
	b->sql[slot] = strbuf_detach(&sb, NULL);
	return b->sql[slot];
}

static enum err ins_flush(struct ins *b, struct errinfo *ei)
{
	int off = 0;
	while (off < b->n) {
		int left = b->n - off, k = b->per_stmt;
		if (left < k) {
			k = 1;
			while (k * 2 <= left)
				k *= 2;
		}
		const char *sql = ins_sql(b, k, ei);
		if (sql == NULL)
			return ERR_INTERNAL;
		enum err rc = store_exec(b->c, sql, b->v + (size_t)off * (size_t)b->ncols, k * b->ncols, NULL, ei);
		if (rc != ERR_OK)
			return rc;
		off += k;
	}
	b->rows += b->n;
	b->n = 0;
	return ERR_OK;
}

/* The parameters of the next row (ncols of them, to be filled). */
static enum err ins_row(struct ins *b, struct store_val **row, struct errinfo *ei)
{
	if (b->n == b->per_stmt) {
		enum err rc = ins_flush(b, ei);
		if (rc != ERR_OK)
			return rc;
	}
	*row = b->v + (size_t)b->n++ * (size_t)b->ncols;
	return ERR_OK;
}

/* Sends what is left (when rc is ERR_OK) and frees. */
static enum err ins_close(struct ins *b, enum err rc, struct errinfo *ei)
{
	if (rc == ERR_OK && b->n > 0)
		rc = ins_flush(b, ei);
	free(b->v);
	for (int i = 0; i <= INS_SIZES; i++)
		free(b->sql[i]);
	memset(b, 0, sizeof *b);
	return rc;
}

#define SV_TEXT_OR_NULL(x) ((x) != NULL && (x)[0] != '\0' ? SV_TEXT(x) : SV_NULL)
#define SV_ID_OR_NULL(x) ((x) != 0 ? SV_INT(x) : SV_NULL)

/* --- sealing ------------------------------------------------------------------ */

struct sealed {
	char *enc;
	char hash[CRYPTO_HASH_HEX];
	char masked[20];
};

/* As auth/pii.c: the sealed value, its keyed hash, its masked form. */
static bool seal_phone(const struct crypto_keys *k, const char *phone, struct sealed *s)
{
	memset(s, 0, sizeof *s);
	if (phone[0] == '\0')
		return true;
	s->enc = crypto_seal(k, phone);
	crypto_lookup_hex(k, phone, s->hash);
	char m[16];
	phone_mask(phone, m);
	snprintf(s->masked, sizeof s->masked, "%s", m);
	return s->enc != NULL;
}

static bool seal_idn(const struct crypto_keys *k, const char *idn, struct sealed *s)
{
	memset(s, 0, sizeof *s);
	s->enc = crypto_seal(k, idn); /* made upper-case already (idcard_make) */
	crypto_lookup_hex(k, idn, s->hash);
	char m[IDCARD_LEN + 1];
	idcard_mask(idn, m);
	snprintf(s->masked, sizeof s->masked, "%s", m);
	return s->enc != NULL;
}


/* --- writing ------------------------------------------------------------------ */

/* What a run shares between its districts. */
struct run {
	struct app *app;
	const struct demo_options *opt;
	int64_t next_id[T__MAX];
	int64_t hist_delta; /* an area's history row id = its id + hist_delta */
	struct idset ids;
	int64_t grid_user, community_user;
	int widths[4]; /* the configured area_widths */
	int32_t today;
	char now[32];
	int threads;
	int64_t t0;
	struct demo_stats stats; /* what is written so far */
};

static void add_stats_into(struct demo_stats *s, const struct demo_stats *d);

struct wctx {
	struct run *run;
	struct plan *p;
	int street;
	const struct sealed *resp;    /* the district's responsible rows' phones, by index */
	const struct sealed *contact; /* its units' contacts' phones, two slots a unit */
};

static const char *valid_from(const struct g_area *a)
{
	return a->level == L_GRID ? "2022-01-01" : "2010-01-01"; /* seed 001: 新建网格 in 2022 */
}

/* An area's row, or (history) its "create" row in area_history. */
static enum err put_area(struct ins *b, bool history, const struct g_area *x, struct run *run,
                         struct errinfo *ei)
{
	struct store_val *v;
	enum err rc = ins_row(b, &v, ei);
	if (rc != ERR_OK)
		return rc;
	if (history) {
		v[0] = SV_INT(x->id + run->hist_delta);
		v[1] = SV_INT(x->id);
		v[2] = SV_TEXT("create");
		v[3] = SV_TEXT(run->now);
		v[4] = SV_TEXT(x->code);
		v[5] = SV_ID_OR_NULL(x->parent_id);
		v[6] = SV_TEXT(x->name);
		return ERR_OK;
	}
	v[0] = SV_INT(x->id);
	v[1] = SV_ID_OR_NULL(x->parent_id);
	v[2] = SV_TEXT(level_names[x->level]);
	v[3] = SV_TEXT(x->kind == 1 ? "basic" : x->kind == 2 ? "dedicated" : "");
	v[4] = SV_TEXT(x->code);
	v[5] = SV_TEXT(x->name);
	v[6] = SV_TEXT(valid_from(x));
	v[7] = SV_TEXT_OR_NULL(x->boundary);
	v[8] = x->has_point ? SV_REAL(x->lng) : SV_NULL;
	v[9] = x->has_point ? SV_REAL(x->lat) : SV_NULL;
	v[10] = SV_TEXT(run->now);
	v[11] = SV_TEXT(run->now);
	return ERR_OK;
}

/* Areas of a range of one level's array (elements of `size` bytes). */
static enum err put_areas(struct ins *b, bool history, const void *arr, size_t size, int from, int to,
                          struct run *run, struct errinfo *ei)
{
	enum err rc = ERR_OK;
	for (int i = from; i < to && rc == ERR_OK; i++)
		rc = put_area(b, history, (const struct g_area *)((const char *)arr + (size_t)i * size), run, ei);
	return rc;
}

static enum err open_areas(struct ins *b, bool history, struct store_conn *c, struct store *st,
                           struct errinfo *ei)
{
	if (history)
		return ins_open(b, c, st,
		                "INSERT INTO area_history (id, area_id, action, at, new_code, new_parent_id,"
		                " new_name) VALUES ",
		                7, ei);
	return ins_open(b, c, st,
	                "INSERT INTO area (id, parent_id, level, kind, code, name, valid_from, boundary,"
	                " lng, lat, created_at, updated_at) VALUES ",
	                12, ei);
}

static enum err write_units(struct store_conn *c, struct wctx *x, int u0, int nu, struct errinfo *ei)
{
	struct plan *p = x->p;
	struct store *st = x->run->app->store;
	struct ins b;
	struct store_val *v;
	enum err rc = ins_open(&b, c, st,
	                       "INSERT INTO unit (id, kind, name, credit_code, area_id, area_code, address,"
	                       " created_at, updated_at) VALUES ",
	                       9, ei);
	for (int i = u0; i < u0 + nu && rc == ERR_OK; i++) {
		const struct g_unit *u = &p->un[i];
		if ((rc = ins_row(&b, &v, ei)) != ERR_OK)
			break;
		v[0] = SV_INT(u->id);
		v[1] = SV_TEXT(u->kind);
		v[2] = SV_TEXT(u->name);
		v[3] = SV_TEXT(u->credit);
		v[4] = SV_INT(u->area_id);
		v[5] = SV_TEXT(u->area_code);
		v[6] = SV_TEXT(u->address);
		v[7] = SV_TEXT(x->run->now);
		v[8] = SV_TEXT(x->run->now);
	}
	if ((rc = ins_close(&b, rc, ei)) != ERR_OK)
		return rc;
	rc = ins_open(&b, c, st,
	              "INSERT INTO unit_contact (id, unit_id, name, title, phone_enc, phone_hash, phone_masked)"
	              " VALUES ",
	              7, ei);
	for (int i = u0; i < u0 + nu && rc == ERR_OK; i++) {
		const struct g_unit *u = &p->un[i];
		for (int k = 0; k < u->ncontacts && rc == ERR_OK; k++) {
			const struct sealed *s = &x->contact[2 * i + k];
			if ((rc = ins_row(&b, &v, ei)) != ERR_OK)
				break;
			v[0] = SV_INT(u->contact[k].id);
			v[1] = SV_INT(u->id);
			v[2] = SV_TEXT(u->contact[k].name);
			v[3] = SV_TEXT(u->contact[k].title);
			v[4] = SV_TEXT_OR_NULL(s->enc);
			v[5] = SV_TEXT_OR_NULL(s->hash);
			v[6] = SV_TEXT(s->masked);
		}
	}
	return ins_close(&b, rc, ei);
}

static enum err write_orgs(struct store_conn *c, struct wctx *x, int o0, int no, struct errinfo *ei)
{
	struct plan *p = x->p;
	struct ins b;
	struct store_val *v;
	enum err rc = ins_open(&b, c, x->run->app->store,
	                       "INSERT INTO party_org (id, parent_id, kind, name, path, area_id, area_code,"
	                       " unit_id, created_at, updated_at) VALUES ",
	                       10, ei);
	for (int i = o0; i < o0 + no && rc == ERR_OK; i++) {
		const struct g_org *o = &p->og[i];
		if ((rc = ins_row(&b, &v, ei)) != ERR_OK)
			break;
		v[0] = SV_INT(o->id);
		v[1] = SV_ID_OR_NULL(o->parent);
		v[2] = SV_TEXT(o->kind);
		v[3] = SV_TEXT(o->name);
		v[4] = SV_TEXT(o->path);
		v[5] = SV_INT(o->area_id);
		v[6] = SV_TEXT(o->area_code);
		v[7] = SV_ID_OR_NULL(o->unit_id);
		v[8] = SV_TEXT(x->run->now);
		v[9] = SV_TEXT(x->run->now);
	}
	return ins_close(&b, rc, ei);
}

/* SQLite's writer keeps 2 MB of pages by default; the randomly keyed
 * indexes (ID and phone hashes, names) want theirs in memory, or every
 * row reads pages back and spills others. So that one connection gets
 * about half a kilobyte a person the run writes, between 256 MB and
 * 4 GB (pages are allocated only as they are used). */
static enum err big_cache(struct store_conn *c, struct run *run, int64_t *old, struct errinfo *ei)
{
	*old = 0;
	if (strcmp(store_backend(run->app->store), "sqlite") != 0)
		return ERR_OK;
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "PRAGMA cache_size", NULL, 0, &s, ei);
	if (rc != ERR_OK)
		return rc;
	if (store_next(s) == 1)
		*old = store_col_int(s, 0);
	store_done(s);
	int64_t kib = (int64_t)run->opt->districts * run->opt->people_per_district / 2;
	kib = kib < 262144 ? 262144 : kib > 4194304 ? 4194304 : kib;
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA cache_size = -%lld", (long long)kib);
	return store_exec(c, sql, NULL, 0, NULL, ei);
}

/* Gives the connection its own cache size back (after the commit's pages
 * are written it needs no more). */
static void cache_restore(struct store_conn *c, struct run *run, int64_t old)
{
	if (old == 0 || strcmp(store_backend(run->app->store), "sqlite") != 0)
		return;
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA cache_size = %lld", (long long)old);
	store_exec(c, sql, NULL, 0, NULL, NULL);
}

static enum err district_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct wctx *x = arg;
	struct plan *p = x->p;
	struct ins b;
	enum err rc = ERR_OK;
	/* the areas first, then their history: its rows refer to them */
	for (int pass = 0; pass < 2 && rc == ERR_OK; pass++)
		if ((rc = open_areas(&b, pass, c, x->run->app->store, ei)) == ERR_OK)
			rc = ins_close(&b, put_area(&b, pass, &p->district, x->run, ei), ei);
	if (rc != ERR_OK)
		return rc;
	if ((rc = write_units(c, x, p->du0, p->ndu, ei)) != ERR_OK)
		return rc;
	return write_orgs(c, x, p->do0, p->ndo, ei);
}

static enum err street_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct wctx *x = arg;
	struct plan *p = x->p;
	struct run *run = x->run;
	struct store *store = run->app->store;
	const struct g_street *st = &p->st[x->street];
	const struct g_comm *c0 = &p->cm[st->c0], *c1 = &p->cm[st->c0 + st->nc - 1];
	int g0 = c0->g0, g1 = c1->g0 + c1->ng;
	int k0 = c0->cp0, k1 = c1->cp0 + c1->ncp;
	int b0 = k1 > k0 ? p->cp[k0].b0 : 0, b1 = k1 > k0 ? p->cp[k1 - 1].b0 + p->cp[k1 - 1].nb : 0;
	int e0 = b1 > b0 ? p->bd[b0].e0 : 0, e1 = b1 > b0 ? p->bd[b1 - 1].e0 + p->bd[b1 - 1].ne : 0;
	struct ins b;
	struct store_val *v;
	enum err rc = ERR_OK;
	/* level by level, parents first; then the history rows that refer to them */
	for (int pass = 0; pass < 2 && rc == ERR_OK; pass++) {
		if ((rc = open_areas(&b, pass, c, store, ei)) != ERR_OK)
			break;
		rc = put_area(&b, pass, &st->a, run, ei);
		if (rc == ERR_OK)
			rc = put_areas(&b, pass, p->cm, sizeof *p->cm, st->c0, st->c0 + st->nc, run, ei);
		if (rc == ERR_OK)
			rc = put_areas(&b, pass, p->gr, sizeof *p->gr, g0, g1, run, ei);
		if (rc == ERR_OK)
			rc = put_areas(&b, pass, p->cp, sizeof *p->cp, k0, k1, run, ei);
		if (rc == ERR_OK)
			rc = put_areas(&b, pass, p->bd, sizeof *p->bd, b0, b1, run, ei);
		if (rc == ERR_OK)
			rc = put_areas(&b, pass, p->en, sizeof *p->en, e0, e1, run, ei);
		rc = ins_close(&b, rc, ei);
	}
	if (rc != ERR_OK)
		return rc;

	rc = ins_open(&b, c, store,
	              "INSERT INTO area_responsible (id, area_id, role, name, phone_enc, phone_hash,"
	              " phone_masked, user_id, created_at) VALUES ",
	              9, ei);
	for (int i = st->r0; i < st->r0 + st->nr && rc == ERR_OK; i++) {
		const struct g_resp *r = &p->rs[i];
		const struct sealed *s = &x->resp[i];
		if ((rc = ins_row(&b, &v, ei)) != ERR_OK)
			break;
		v[0] = SV_INT(r->id);
		v[1] = SV_INT(r->area_id);
		v[2] = SV_TEXT(r->role);
		v[3] = SV_TEXT(r->name);
		v[4] = SV_TEXT_OR_NULL(s->enc);
		v[5] = SV_TEXT_OR_NULL(s->hash);
		v[6] = SV_TEXT(s->masked);
		v[7] = SV_ID_OR_NULL(r->user_id);
		v[8] = SV_TEXT(run->now);
	}
	if ((rc = ins_close(&b, rc, ei)) != ERR_OK)
		return rc;
	if ((rc = write_units(c, x, st->u0, st->nu, ei)) != ERR_OK)
		return rc;

	rc = ins_open(&b, c, store, "INSERT INTO department_area (unit_id, area_id) VALUES ", 2, ei);
	for (int i = st->da0; i < st->da0 + st->nda && rc == ERR_OK; i++) {
		if ((rc = ins_row(&b, &v, ei)) != ERR_OK)
			break;
		v[0] = SV_INT(p->da[i].unit);
		v[1] = SV_INT(p->da[i].area);
	}
	if ((rc = ins_close(&b, rc, ei)) != ERR_OK)
		return rc;
	if ((rc = write_orgs(c, x, st->o0, st->no, ei)) != ERR_OK)
		return rc;

	rc = ins_open(&b, c, store,
	              "INSERT INTO pairing (id, unit_id, community_id, community_code, starts_on, ends_on,"
	              " content, created_at) VALUES ",
	              8, ei);
	for (int i = st->pr0; i < st->pr0 + st->npr && rc == ERR_OK; i++) {
		const struct g_pair *q = &p->pr[i];
		if ((rc = ins_row(&b, &v, ei)) != ERR_OK)
			break;
		v[0] = SV_INT(q->id);
		v[1] = SV_INT(q->unit_id);
		v[2] = SV_INT(q->comm_id);
		v[3] = SV_TEXT(q->comm_code);
		v[4] = SV_TEXT(q->starts);
		v[5] = SV_TEXT_OR_NULL(q->ends);
		v[6] = SV_TEXT(q->content);
		v[7] = SV_TEXT(run->now);
	}
	if ((rc = ins_close(&b, rc, ei)) != ERR_OK)
		return rc;

	rc = ins_open(&b, c, store,
	              "INSERT INTO joint_committee_member (id, community_id, unit_id, name, post, created_at)"
	              " VALUES ",
	              6, ei);
	for (int i = st->j0; i < st->j0 + st->nj && rc == ERR_OK; i++) {
		const struct g_joint *j = &p->jm[i];
		if ((rc = ins_row(&b, &v, ei)) != ERR_OK)
			break;
		v[0] = SV_INT(j->id);
		v[1] = SV_INT(j->comm_id);
		v[2] = SV_INT(j->unit_id);
		v[3] = SV_TEXT(j->name);
		v[4] = SV_TEXT(j->post);
		v[5] = SV_TEXT(run->now);
	}
	if ((rc = ins_close(&b, rc, ei)) != ERR_OK)
		return rc;

	rc = ins_open(&b, c, store,
	              "INSERT INTO report_in (id, member_id, org_id, community_id, community_code,"
	              " reported_on, ended_on, created_at) VALUES ",
	              8, ei);
	for (int i = st->ri0; i < st->ri0 + st->nri && rc == ERR_OK; i++) {
		const struct g_report *q = &p->ri[i];
		if ((rc = ins_row(&b, &v, ei)) != ERR_OK)
			break;
		v[0] = SV_INT(q->id);
		v[1] = SV_NULL;
		v[2] = SV_INT(q->org);
		v[3] = SV_INT(q->comm_id);
		v[4] = SV_TEXT(q->comm_code);
		v[5] = SV_TEXT(q->on);
		v[6] = SV_NULL;
		v[7] = SV_TEXT(run->now);
	}
	return ins_close(&b, rc, ei);
}

/* --- communities: households and people, from worker threads ------------------- */

/* A run of consecutive communities (a whole district, as written now):
 * their households, people, members and center households are
 * consecutive too. */
struct cjob {
	struct run *run;
	struct plan *p;
	int c0, c1;
	int h0, h1, p0, p1, m0, m1, ch0, ch1;
	struct sealed *idn, *phone; /* per person of the job, from p0 */
};

static enum err job_households(struct ins *b, const struct cjob *j, struct errinfo *ei)
{
	const struct plan *p = j->p;
	struct store_val *v;
	enum err rc = ERR_OK;
	for (int h = j->h0; h < j->h1 && rc == ERR_OK; h++) {
		const struct g_hh *x = &p->hh[h];
		const struct g_ent *e = &p->en[x->ent];
		if ((rc = ins_row(b, &v, ei)) != ERR_OK)
			break;
		v[0] = SV_INT(x->id);
		v[1] = SV_INT(e->a.id);
		v[2] = SV_TEXT(e->a.code);
		v[3] = SV_TEXT(x->room);
		v[4] = SV_TEXT(j->run->now);
		v[5] = SV_TEXT(j->run->now);
	}
	return rc;
}

static enum err job_people(struct ins *b, const struct cjob *j, char (*births)[11], struct errinfo *ei)
{
	const struct plan *p = j->p;
	const char *now = j->run->now;
	struct store_val *v;
	enum err rc = ERR_OK;
	for (int i = j->p0; i < j->p1 && rc == ERR_OK; i++) {
		const struct g_person *x = &p->ps[i];
		const struct g_hh *hh = &p->hh[x->hh];
		const struct g_ent *e = &p->en[hh->ent];
		const struct sealed *idn = &j->idn[i - j->p0], *ph = &j->phone[i - j->p0];
		if ((rc = ins_row(b, &v, ei)) != ERR_OK)
			break;
		date_text(x->birth, births[i - j->p0]);
		v[0] = SV_INT(x->id);
		v[1] = SV_INT(hh->id);
		v[2] = SV_INT(e->a.id);
		v[3] = SV_TEXT(e->a.code);
		v[4] = SV_TEXT(x->name);
		v[5] = SV_TEXT(x->male ? "male" : "female");
		v[6] = SV_TEXT(births[i - j->p0]);
		v[7] = SV_TEXT(idn->enc);
		v[8] = SV_TEXT(idn->hash);
		v[9] = SV_TEXT(idn->masked);
		v[10] = SV_TEXT_OR_NULL(ph->enc);
		v[11] = SV_TEXT_OR_NULL(ph->hash);
		v[12] = SV_TEXT(ph->masked);
		v[13] = SV_TEXT(x->floating ? "floating" : "registered");
		v[14] = SV_TEXT(relation_names[x->relation]);
		v[15] = SV_TEXT(now);
		v[16] = SV_TEXT(now);
	}
	return rc;
}

static enum err job_tags(struct ins *b, const struct cjob *j, struct errinfo *ei)
{
	const struct plan *p = j->p;
	struct store_val *v;
	enum err rc = ERR_OK;
	for (int i = j->p0; i < j->p1 && rc == ERR_OK; i++)
		for (int t = 0; t < TAG__MAX && rc == ERR_OK; t++)
			if (p->ps[i].tags & (1u << t) && (rc = ins_row(b, &v, ei)) == ERR_OK) {
				v[0] = SV_INT(p->ps[i].id);
				v[1] = SV_TEXT(tag_names[t]);
			}
	return rc;
}

static enum err job_members(struct ins *b, const struct cjob *j, struct errinfo *ei)
{
	const struct plan *p = j->p;
	const char *now = j->run->now;
	struct store_val *v;
	enum err rc = ERR_OK;
	for (int i = j->m0; i < j->m1 && rc == ERR_OK; i++) {
		const struct g_member *m = &p->mb[i];
		const struct g_person *x = &p->ps[m->person];
		const struct g_comm *cm = &p->cm[m->comm];
		/* the person's own sealed phone: the same plaintext, still decryptable */
		const struct sealed *ph = &j->phone[m->person - j->p0];
		if ((rc = ins_row(b, &v, ei)) != ERR_OK)
			break;
		v[0] = SV_INT(m->id);
		v[1] = SV_INT(x->id);
		v[2] = SV_TEXT(x->name);
		v[3] = SV_TEXT(x->male ? "male" : "female");
		v[4] = SV_TEXT_OR_NULL(ph->enc);
		v[5] = SV_TEXT_OR_NULL(ph->hash);
		v[6] = SV_TEXT(ph->masked);
		v[7] = SV_TEXT(m->probationary ? "probationary" : "full");
		v[8] = SV_INT(m->org);
		v[9] = SV_ID_OR_NULL(m->work_unit);
		v[10] = SV_INT(cm->a.id);
		v[11] = SV_TEXT(cm->a.code);
		v[12] = SV_TEXT(m->joined);
		v[13] = SV_TEXT(now);
		v[14] = SV_TEXT(now);
	}
	return rc;
}

static enum err job_reports(struct ins *b, const struct cjob *j, struct errinfo *ei)
{
	const struct plan *p = j->p;
	struct store_val *v;
	enum err rc = ERR_OK;
	for (int i = j->m0; i < j->m1 && rc == ERR_OK; i++) {
		const struct g_member *m = &p->mb[i];
		const struct g_comm *cm = &p->cm[m->comm];
		if (!m->reported || (rc = ins_row(b, &v, ei)) != ERR_OK)
			continue;
		v[0] = SV_INT(m->report_id);
		v[1] = SV_INT(m->id);
		v[2] = SV_NULL;
		v[3] = SV_INT(cm->a.id);
		v[4] = SV_TEXT(cm->a.code);
		v[5] = SV_TEXT(m->reported_on);
		v[6] = SV_TEXT_OR_NULL(m->ended_on);
		v[7] = SV_TEXT(j->run->now);
	}
	return rc;
}

static enum err job_six_ones(struct ins *b, const struct cjob *j, struct errinfo *ei)
{
	const struct plan *p = j->p;
	struct store_val *v;
	enum err rc = ERR_OK;
	for (int i = j->m0; i < j->m1 && rc == ERR_OK; i++) {
		const struct g_member *m = &p->mb[i];
		for (int k = 0; k < SIX__MAX && rc == ERR_OK; k++)
			if (m->six & (1u << k) && (rc = ins_row(b, &v, ei)) == ERR_OK) {
				v[0] = SV_INT(m->id);
				v[1] = SV_INT(p->ty);
				v[2] = SV_TEXT(six_items[k].item);
				v[3] = SV_TEXT(m->six_on[k]);
				v[4] = SV_TEXT(six_items[k].note);
			}
	}
	return rc;
}

static enum err job_centers(struct ins *b, const struct cjob *j, struct errinfo *ei)
{
	const struct plan *p = j->p;
	struct store_val *v;
	enum err rc = ERR_OK;
	for (int i = j->ch0; i < j->ch1 && rc == ERR_OK; i++) {
		const struct g_center *x = &p->ch[i];
		if ((rc = ins_row(b, &v, ei)) != ERR_OK)
			break;
		v[0] = SV_INT(x->id);
		v[1] = SV_INT(p->mb[x->member].id);
		v[2] = SV_INT(p->hh[x->hh].id);
		v[3] = SV_TEXT(p->en[p->hh[x->hh].ent].a.code);
		v[4] = SV_TEXT(j->run->now);
	}
	return rc;
}

static enum err job_covers(struct ins *b, const struct cjob *j, struct errinfo *ei)
{
	const struct plan *p = j->p;
	struct store_val *v;
	enum err rc = ERR_OK;
	for (int i = j->ch0; i < j->ch1 && rc == ERR_OK; i++) {
		const struct g_center *x = &p->ch[i];
		for (int h = x->h0; h < x->h0 + x->nh && rc == ERR_OK; h++)
			if ((rc = ins_row(b, &v, ei)) == ERR_OK) {
				v[0] = SV_INT(x->id);
				v[1] = SV_INT(p->hh[h].id);
			}
	}
	return rc;
}

static const struct {
	const char *head;
	int ncols;
	enum err (*fill)(struct ins *b, const struct cjob *j, struct errinfo *ei);
} job_tables[] = {
	{"INSERT INTO household (id, area_id, area_code, room, created_at, updated_at) VALUES ", 6,
	 job_households},
	{NULL, 17, NULL}, /* person: job_people, which needs the birth dates' buffer */
	{"INSERT INTO person_tag (person_id, tag) VALUES ", 2, job_tags},
	{"INSERT INTO party_member (id, person_id, name, gender, phone_enc, phone_hash, phone_masked,"
	 " status, org_id, work_unit_id, community_id, area_code, joined_on, created_at, updated_at)"
	 " VALUES ",
	 15, job_members},
	{"INSERT INTO report_in (id, member_id, org_id, community_id, community_code, reported_on,"
	 " ended_on, created_at) VALUES ",
	 8, job_reports},
	{"INSERT INTO six_ones (member_id, year, item, done_on, note) VALUES ", 5, job_six_ones},
	{"INSERT INTO center_household (id, member_id, household_id, area_code, created_at) VALUES ", 5,
	 job_centers},
	{"INSERT INTO center_household_cover (center_id, household_id) VALUES ", 2, job_covers},
};

static enum err job_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct cjob *j = arg;
	struct store *store = j->run->app->store;
	enum err rc = ERR_OK;
	for (int t = 0; t < COUNT(job_tables) && rc == ERR_OK; t++) {
		struct ins b;
		if (job_tables[t].head != NULL) {
			if ((rc = ins_open(&b, c, store, job_tables[t].head, job_tables[t].ncols, ei)) == ERR_OK)
				rc = ins_close(&b, job_tables[t].fill(&b, j, ei), ei);
			continue;
		}
		char(*births)[11] = malloc((size_t)(j->p1 - j->p0 + 1) * sizeof *births);
		if (births == NULL)
			return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		rc = ins_open(&b, c, store,
		              "INSERT INTO person (id, household_id, area_id, area_code, name, gender,"
		              " birth_date, id_number_enc, id_number_hash, id_number_masked, phone_enc,"
		              " phone_hash, phone_masked, residence, relation, created_at, updated_at) VALUES ",
		              17, ei);
		if (rc == ERR_OK)
			rc = ins_close(&b, job_people(&b, j, births, ei), ei);
		free(births);
	}
	return rc;
}

static void seals_free(struct sealed *s, int n)
{
	for (int i = 0; s != NULL && i < n; i++)
		free(s[i].enc);
	free(s);
}

/* --- sealing, then writing, in a pipeline --------------------------------------- */

/* A district planned and sealed, ready for the writer. */
struct ready {
	struct plan *p;
	struct sealed *idn, *phone, *resp, *contact;
	struct demo_stats stats;
};

static void ready_free(struct ready *r)
{
	if (r == NULL)
		return;
	if (r->p != NULL) {
		seals_free(r->idn, r->p->n_ps);
		seals_free(r->phone, r->p->n_ps);
		seals_free(r->resp, r->p->n_rs);
		seals_free(r->contact, r->p->n_un * 2);
		plan_free(r->p);
		free(r->p);
	}
	free(r);
}

struct sealer {
	struct ready *r;
	const struct crypto_keys *k;
	atomic_int next; /* chunks of people handed out */
	atomic_bool failed;
};

#define SEAL_CHUNK 4096

static void *seal_worker(void *arg)
{
	struct sealer *w = arg;
	const struct plan *p = w->r->p;
	for (;;) {
		int from = atomic_fetch_add(&w->next, 1) * SEAL_CHUNK;
		if (from >= p->n_ps || atomic_load(&w->failed))
			break;
		int to = from + SEAL_CHUNK < p->n_ps ? from + SEAL_CHUNK : p->n_ps;
		for (int i = from; i < to; i++)
			if (!seal_idn(w->k, p->ps[i].idn, &w->r->idn[i]) ||
			    !seal_phone(w->k, p->ps[i].phone, &w->r->phone[i]))
				atomic_store(&w->failed, true);
	}
	return NULL;
}

/* Seals every ID number and phone of a district, the people's on all
 * the run's threads. */
static enum err seal_district(struct run *run, struct ready *r, struct errinfo *ei)
{
	const struct plan *p = r->p;
	const struct crypto_keys *k = &run->app->keys;
	r->idn = calloc((size_t)p->n_ps + 1, sizeof *r->idn);
	r->phone = calloc((size_t)p->n_ps + 1, sizeof *r->phone);
	r->resp = calloc((size_t)p->n_rs + 1, sizeof *r->resp);
	r->contact = calloc((size_t)p->n_un * 2 + 1, sizeof *r->contact);
	if (r->idn == NULL || r->phone == NULL || r->resp == NULL || r->contact == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	struct sealer w = {.r = r, .k = k};
	atomic_init(&w.next, 0);
	atomic_init(&w.failed, false);
	pthread_t th[16];
	int n = run->threads > 16 ? 16 : run->threads, started = 0;
	for (int i = 1; i < n; i++)
		if (pthread_create(&th[started], NULL, seal_worker, &w) == 0)
			started++;
	seal_worker(&w);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	bool ok = !atomic_load(&w.failed);
	for (int i = 0; i < p->n_rs && ok; i++)
		ok = seal_phone(k, p->rs[i].phone, &r->resp[i]);
	for (int i = 0; i < p->n_un && ok; i++)
		for (int c = 0; c < p->un[i].ncontacts && ok; c++)
			ok = seal_phone(k, p->un[i].contact[c].phone, &r->contact[2 * i + c]);
	return ok ? ERR_OK : err_set(ei, ERR_INTERNAL, NULL, "cannot encrypt personal data");
}

/* Writes one district: its own row and departments, each street's areas
 * and registers, then its households and people. */
static enum err write_district(struct store_conn *c, struct run *run, const struct ready *r,
                               struct errinfo *ei)
{
	struct plan *p = r->p;
	struct wctx x = {run, p, -1, r->resp, r->contact};
	enum err rc = district_fn(c, &x, ei);
	for (int s = 0; s < p->n_st && rc == ERR_OK; s++) {
		x.street = s;
		rc = street_fn(c, &x, ei);
	}
	if (rc != ERR_OK || p->n_cm == 0)
		return rc;
	const struct g_comm *z = &p->cm[p->n_cm - 1];
	struct cjob j = {run, p, 0, p->n_cm, 0, z->h0 + z->nh, 0, z->p0 + z->np, 0, z->m0 + z->nm, 0,
	                 z->ch0 + z->nch, r->idn, r->phone};
	return job_fn(c, &j, ei);
}

/* The writer's side: one write callback takes the districts as the
 * planner hands them over, so the whole run is one transaction. On
 * SQLite that matters beyond atomicity: a callback runs in a savepoint,
 * and every page that existed before it and changes in it is copied to
 * an in-memory journal; the ID and phone hashes change pages all over,
 * so after the first callback each later one would copy most of the
 * database. One callback begun on the empty tables copies almost nothing,
 * and the one commit writes each page once. */
struct pipe {
	struct run *run;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct ready *slot; /* handed over, not yet taken */
	bool closed;        /* the planner is done */
	bool abort;         /* the planner gave up: roll everything back */
	bool failed;        /* the writer gave up */
	int attempts;
	int written;        /* districts */
	enum err rc;
	struct errinfo ei;
};

static enum err pipe_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct pipe *q = arg;
	struct run *run = q->run;
	/* PostgreSQL reruns a callback after a serialization failure; the
	 * districts handed over are gone by then */
	if (++q->attempts > 1)
		return err_set(ei, ERR_UNAVAIL, NULL, "the store asked to run the generation again");
	int64_t cache = 0;
	enum err rc = big_cache(c, run, &cache, ei);
	while (rc == ERR_OK) {
		pthread_mutex_lock(&q->mu);
		while (q->slot == NULL && !q->closed)
			pthread_cond_wait(&q->cv, &q->mu);
		struct ready *r = q->slot;
		q->slot = NULL;
		pthread_cond_broadcast(&q->cv);
		pthread_mutex_unlock(&q->mu);
		if (r == NULL)
			break; /* closed */
		rc = write_district(c, run, r, ei);
		if (rc == ERR_OK) {
			add_stats_into(&run->stats, &r->stats);
			run->stats.seconds = (double)(clock_mono_ns() - run->t0) / 1e9;
			if (run->opt->progress != NULL)
				run->opt->progress(run->opt->progress_ctx, q->written, &run->stats);
			q->written++;
		}
		ready_free(r);
	}
	pthread_mutex_lock(&q->mu);
	bool abort = q->abort;
	pthread_mutex_unlock(&q->mu);
	if (rc == ERR_OK && abort)
		rc = err_set(ei, ERR_INTERNAL, NULL, "generation stopped");
	if (rc == ERR_OK)
		cache_restore(c, run, cache);
	if (rc != ERR_OK) {
		pthread_mutex_lock(&q->mu);
		q->failed = true;
		pthread_cond_broadcast(&q->cv);
		pthread_mutex_unlock(&q->mu);
	}
	return rc;
}

static void *pipe_writer(void *arg)
{
	struct pipe *q = arg;
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = store_write(q->run->app->store, pipe_fn, q, &ei);
	pthread_mutex_lock(&q->mu);
	q->rc = rc;
	q->ei = ei;
	q->failed = q->failed || rc != ERR_OK;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/* Hands a district to the writer, waiting while the previous one is
 * still untaken (so at most two are in memory). Takes r. */
static bool pipe_put(struct pipe *q, struct ready *r)
{
	pthread_mutex_lock(&q->mu);
	while (q->slot != NULL && !q->failed)
		pthread_cond_wait(&q->cv, &q->mu);
	bool ok = !q->failed;
	if (ok) {
		q->slot = r;
		pthread_cond_broadcast(&q->cv);
	}
	pthread_mutex_unlock(&q->mu);
	if (!ok)
		ready_free(r);
	return ok;
}

static void pipe_close(struct pipe *q, bool abort)
{
	pthread_mutex_lock(&q->mu);
	q->closed = true;
	q->abort = abort;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

/* --- the run ------------------------------------------------------------------ */

struct prep {
	struct run *run;
	int conflict; /* index of a district already present, or -1 */
};

static enum err int_query(struct store_conn *c, const char *sql, const struct store_val *p, int np,
                          int64_t *out, struct errinfo *ei)
{
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sql, p, np, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	*out = r == 1 && !store_col_null(s, 0) ? store_col_int(s, 0) : 0;
	store_done(s);
	return r < 0 ? err_set(ei, (enum err)-r, NULL, "query failed") : ERR_OK;
}

static enum err prep_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct prep *x = arg;
	struct run *run = x->run;
	enum err rc;
	for (int t = 0; t < T__MAX; t++) {
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT MAX(id) FROM %s", table_names[t]);
		int64_t max = 0;
		if ((rc = int_query(c, sql, NULL, 0, &max, ei)) != ERR_OK)
			return rc;
		run->next_id[t] = max + 1;
	}
	x->conflict = -1;
	for (int d = 0; d < run->opt->districts && x->conflict < 0; d++) {
		struct store_val p[] = {SV_TEXT(district_table[d].code)};
		int64_t n = 0;
		if ((rc = int_query(c, "SELECT COUNT(*) FROM area WHERE code = ?", p, 1, &n, ei)) != ERR_OK)
			return rc;
		if (n > 0)
			x->conflict = d;
	}
	struct store_val g[] = {SV_TEXT("grid")}, m[] = {SV_TEXT("community")};
	if ((rc = int_query(c, "SELECT id FROM app_user WHERE login = ?", g, 1, &run->grid_user, ei)) != ERR_OK)
		return rc;
	return int_query(c, "SELECT id FROM app_user WHERE login = ?", m, 1, &run->community_user, ei);
}

/* PostgreSQL: identity sequences continue after the ids given here. */
static enum err sequences_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	for (int t = 0; t < T__MAX; t++) {
		char sql[256];
		snprintf(sql, sizeof sql,
		         "SELECT setval(pg_get_serial_sequence('%s', 'id'),"
		         " (SELECT COALESCE(MAX(id), 0) + 1 FROM %s), false)",
		         table_names[t], table_names[t]);
		int64_t ignored = 0;
		enum err rc = int_query(c, sql, NULL, 0, &ignored, ei);
		if (rc != ERR_OK)
			return rc;
	}
	return ERR_OK;
}

static void add_stats(struct demo_stats *s, const struct plan *p)
{
	int64_t areas = 1 + p->n_st + p->n_cm + p->n_gr + p->n_cp + p->n_bd + p->n_en;
	s->areas += areas;
	s->levels[L_DISTRICT] += 1;
	s->levels[L_STREET] += p->n_st;
	s->levels[L_COMMUNITY] += p->n_cm;
	s->levels[L_GRID] += p->n_gr;
	s->levels[L_COMPOUND] += p->n_cp;
	s->levels[L_BUILDING] += p->n_bd;
	s->levels[L_ENTRANCE] += p->n_en;
	for (int g = 0; g < p->n_gr; g++)
		*(p->gr[g].a.kind == 2 ? &s->grids_dedicated : &s->grids_basic) += 1;
	s->responsible += p->n_rs;
	s->units += p->n_un;
	for (int i = 0; i < p->n_un; i++)
		s->contacts += p->un[i].ncontacts;
	s->department_areas += p->n_da;
	s->pairings += p->n_pr;
	s->joint_members += p->n_jm;
	s->party_orgs += p->n_og;
	s->members += p->n_mb;
	s->report_ins += p->n_ri;
	for (int i = 0; i < p->n_mb; i++) {
		s->in_service += p->mb[i].work_unit != 0;
		s->report_ins += p->mb[i].reported;
		for (int k = 0; k < SIX__MAX; k++)
			s->six_ones += (p->mb[i].six >> k) & 1;
	}
	s->centers += p->n_ch;
	for (int i = 0; i < p->n_ch; i++)
		s->covered += p->ch[i].nh;
	s->households += p->n_hh;
	s->people += p->n_ps;
	for (int i = 0; i < p->n_ps; i++) {
		s->floating += p->ps[i].floating;
		for (int t = 0; t < TAG__MAX; t++)
			s->tags += (p->ps[i].tags >> t) & 1;
	}
}

static void add_stats_into(struct demo_stats *s, const struct demo_stats *d)
{
	s->areas += d->areas;
	for (int i = 0; i < 8; i++)
		s->levels[i] += d->levels[i];
	s->grids_basic += d->grids_basic;
	s->grids_dedicated += d->grids_dedicated;
	s->responsible += d->responsible;
	s->units += d->units;
	s->contacts += d->contacts;
	s->department_areas += d->department_areas;
	s->pairings += d->pairings;
	s->joint_members += d->joint_members;
	s->party_orgs += d->party_orgs;
	s->members += d->members;
	s->in_service += d->in_service;
	s->report_ins += d->report_ins;
	s->six_ones += d->six_ones;
	s->centers += d->centers;
	s->covered += d->covered;
	s->households += d->households;
	s->people += d->people;
	s->floating += d->floating;
	s->tags += d->tags;
}

void demo_options_default(struct demo_options *o)
{
	memset(o, 0, sizeof *o);
	o->seed = 20221231; /* the day seed 001 closes its year */
	o->districts = 1;
	o->people_per_district = 300000;
	o->streets = 8;
	o->seed_street = true;
}

enum err demo_registers(struct app *app, const struct demo_options *opt, struct demo_stats *out,
                        struct errinfo *ei)
{
	int64_t t0 = clock_mono_ns();
	struct demo_stats stats;
	memset(&stats, 0, sizeof stats);
	if (opt->districts < 1 || opt->districts > DEMO_DISTRICTS_MAX)
		return err_set(ei, ERR_INVALID, "districts", "districts must be 1 to %d", DEMO_DISTRICTS_MAX);
	if (opt->people_per_district < 1 || opt->people_per_district > 20000000)
		return err_set(ei, ERR_INVALID, "people", "people per district must be 1 to 20,000,000");
	if (opt->streets < 0 || opt->streets > 99 || opt->communities_max < 0 || opt->communities_max > 199)
		return err_set(ei, ERR_INVALID, "streets", "streets must be 0 to 99, communities 0 to 199");
	struct run *run = calloc(1, sizeof *run);
	if (run == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	run->app = app;
	run->opt = opt;
	run->threads = opt->threads;
	if (run->threads <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		run->threads = n < 1 ? 1 : n > 8 ? 8 : (int)n;
	}
	enum err rc = ERR_OK;
	if (opt->today != NULL) {
		if (date_parse(opt->today, strlen(opt->today), &run->today) != ERR_OK) {
			rc = err_set(ei, ERR_INVALID, "today", "today must be YYYY-MM-DD: %s", opt->today);
			goto out;
		}
	} else {
		run->today = instant_local_date(clock_now(), 8 * 60); /* China's day */
	}
	clock_now_iso(run->now);
	/* the configured code widths below the community (config area_widths);
	 * two digits at least, as a compound may have a dozen buildings */
	const char *spec = app->cfg.area_widths[0] ? app->cfg.area_widths : "3,3,3,2";
	if (sscanf(spec, "%d,%d,%d,%d", &run->widths[0], &run->widths[1], &run->widths[2],
	           &run->widths[3]) != 4 ||
	    run->widths[0] < 2 || run->widths[1] < 2 || run->widths[2] < 2 || run->widths[3] < 2 ||
	    run->widths[0] > 4 || run->widths[1] > 4 || run->widths[2] > 4 || run->widths[3] > 4) {
		rc = err_set(ei, ERR_INVALID, "area_widths",
		             "the demo needs area_widths of 2 to 4 digits each, not %s", spec);
		goto out;
	}

	struct prep prep = {run, -1};
	if ((rc = store_read(app->store, prep_fn, &prep, ei)) != ERR_OK)
		goto out;
	if (prep.conflict >= 0) {
		rc = err_set(ei, ERR_CONFLICT, "district", "district %s %s is there already",
		             district_table[prep.conflict].code, district_table[prep.conflict].name);
		goto out;
	}
	/* history rows are numbered alongside their areas */
	run->hist_delta = run->next_id[T_HISTORY] - run->next_id[T_AREA];

	/* the planner (this thread, with helpers for sealing) hands each
	 * district to the writer thread's one callback */
	run->t0 = t0;
	struct pipe q = {.run = run, .rc = ERR_OK};
	pthread_mutex_init(&q.mu, NULL);
	pthread_cond_init(&q.cv, NULL);
	err_clear(&q.ei);
	pthread_t writer;
	if (pthread_create(&writer, NULL, pipe_writer, &q) != 0) {
		rc = err_set(ei, ERR_INTERNAL, NULL, "cannot start the writer thread");
		goto out;
	}
	for (int d = 0; d < opt->districts && rc == ERR_OK; d++) {
		struct ready *r = calloc(1, sizeof *r);
		struct plan *p = r ? calloc(1, sizeof *p) : NULL;
		if (p == NULL) {
			free(r);
			rc = err_set(ei, ERR_INTERNAL, NULL, "out of memory");
			break;
		}
		r->p = p;
		p->opt = opt;
		p->next_id = run->next_id;
		p->ids = &run->ids;
		p->grid_user = run->grid_user;
		p->community_user = run->community_user;
		p->widths = run->widths;
		p->today = run->today;
		int tm, td;
		date_to_civil(run->today, &p->ty, &tm, &td);
		p->dindex = d;
		p->dcode = district_table[d].code;
		p->dname = district_table[d].name;
		rc = plan_district(p, ei);
		if (rc == ERR_OK)
			rc = seal_district(run, r, ei);
		if (rc != ERR_OK) {
			ready_free(r);
			break;
		}
		add_stats(&r->stats, p);
		if (!pipe_put(&q, r))
			break; /* the writer failed: its error is the one to report */
	}
	pipe_close(&q, rc != ERR_OK);
	pthread_join(writer, NULL);
	if (rc == ERR_OK && q.rc != ERR_OK) {
		rc = q.rc;
		if (ei != NULL)
			*ei = q.ei;
	}
	pthread_cond_destroy(&q.cv);
	pthread_mutex_destroy(&q.mu);
	if (rc == ERR_OK)
		stats = run->stats;
	run->next_id[T_HISTORY] = run->next_id[T_AREA] + run->hist_delta;
	if (rc == ERR_OK && strcmp(store_backend(app->store), "postgres") == 0)
		rc = store_write(app->store, sequences_fn, NULL, ei);
out:
	free(run->ids.slot);
	free(run);
	stats.seconds = (double)(clock_mono_ns() - t0) / 1e9;
	if (out != NULL)
		*out = stats;
	return rc;
}
