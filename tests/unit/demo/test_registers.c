/* Unit tests for src/demo/registers.c on a fresh migrated database of the
 * environment's backend (../store/fixture.h): codes nest with the right
 * widths, grids tile their community (and communities their street)
 * without gaps or overlaps, every ID number decrypts to a valid GB 11643
 * number matching its hash, mask, birth date and gender, phones likewise,
 * party organisation paths follow their parents, and the same seed gives
 * the same registers. The full seed-001 street is the slow test. */
#include "testutil.h"

#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../store/fixture.h"
#include "app.h"
#include "auth/crypto.h"
#include "auth/policy.h"
#include "demo/registers.h"
#include "util/idcard.h"

#define TODAY "2026-06-15"

struct env {
	struct fx_db fx;
	struct app app;
	char keydir[64], keypath[96];
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof *e);
	*state = NULL;
	if (e == NULL)
		return -1;
	struct store_options opt = {.readers = 2, .pool_size = 4, .create = true};
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = ERR_INTERNAL;
	snprintf(e->keydir, sizeof e->keydir, "/tmp/linli-demo-XXXXXX");
	if (mkdtemp(e->keydir) == NULL || crypto_init() != ERR_OK) {
		free(e);
		return -1;
	}
	snprintf(e->keypath, sizeof e->keypath, "%s/master.key", e->keydir);
	if (fx_db_create(&e->fx, fx_default_backend()) == 0 &&
	    (rc = fx_db_open_opt(&e->fx, &opt, &ei)) == ERR_OK &&
	    (rc = store_migrate(e->fx.st, NULL, &ei)) == ERR_OK &&
	    (rc = crypto_keys_load(e->keypath, true, &e->app.keys, &ei)) == ERR_OK)
		e->app.store = e->fx.st;
	if (rc != ERR_OK) {
		print_message("# setting up %s: %d %s\n", e->fx.url, rc, ei.message);
		fx_db_destroy(&e->fx);
		unlink(e->keypath);
		rmdir(e->keydir);
		free(e);
		return -1;
	}
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	if (e == NULL)
		return 0;
	fx_db_destroy(&e->fx);
	unlink(e->keypath);
	rmdir(e->keydir);
	free(e);
	return 0;
}

/* Two streets of at most three communities: small enough for every test. */
static void small_options(struct demo_options *o)
{
	demo_options_default(o);
	o->seed = 7;
	o->people_per_district = 8000;
	o->streets = 2;
	o->communities_max = 3;
	o->seed_street = false;
	o->threads = 2;
	o->today = TODAY;
}

static void generate(struct env *e, const struct demo_options *o, struct demo_stats *s)
{
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = demo_registers(&e->app, o, s, &ei);
	if (rc != ERR_OK)
		fail_msg("demo_registers: %d %s", rc, ei.message);
}

/* --- reading ----------------------------------------------------------------- */

struct q_int {
	const char *sql;
	const char *arg;
	int64_t v;
};

static enum err q_int_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct q_int *q = arg;
	struct store_stmt *s = NULL;
	struct store_val p[] = {SV_TEXT(q->arg ? q->arg : "")};
	enum err rc = store_query(c, q->sql, p, q->arg ? 1 : 0, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	q->v = r == 1 ? store_col_int(s, 0) : -1;
	store_done(s);
	return r == 1 ? ERR_OK : ERR_INTERNAL;
}

/* One integer from sql (with at most one text parameter). */
static int64_t q_int(struct env *e, const char *sql, const char *arg)
{
	struct q_int q = {sql, arg, -1};
	struct errinfo ei;
	err_clear(&ei);
	if (store_read(e->app.store, q_int_fn, &q, &ei) != ERR_OK)
		fail_msg("%s: %s", sql, ei.message);
	return q.v;
}

/* Runs sql and hands every row to fn (inside the read). */
struct q_rows {
	const char *sql;
	void (*fn)(void *ctx, struct store_stmt *s);
	void *ctx;
	int64_t rows;
};

static enum err q_rows_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct q_rows *q = arg;
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, q->sql, NULL, 0, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r;
	while ((r = store_next(s)) == 1) {
		q->fn(q->ctx, s);
		q->rows++;
	}
	store_done(s);
	return r < 0 ? ERR_INTERNAL : ERR_OK;
}

static int64_t q_rows(struct env *e, const char *sql, void (*fn)(void *, struct store_stmt *), void *ctx)
{
	struct q_rows q = {sql, fn, ctx, 0};
	struct errinfo ei;
	err_clear(&ei);
	if (store_read(e->app.store, q_rows_fn, &q, &ei) != ERR_OK)
		fail_msg("%s: %s", sql, ei.message);
	return q.rows;
}

static char *col_dup(struct store_stmt *s, int col)
{
	return strdup(store_col_text(s, col, NULL));
}

/* --- codes ------------------------------------------------------------------- */

static const char *const levels[] = {"", "district", "street", "community", "grid", "compound",
                                     "building", "entrance"};
static const size_t widths[] = {0, 6, 9, 12, 15, 18, 21, 23};

static int level_of(const char *name)
{
	for (int i = 1; i <= 7; i++)
		if (strcmp(levels[i], name) == 0)
			return i;
	return 0;
}

struct area {
	int64_t id, parent;
	int level;
	char code[32], kind[16];
	bool has_box, has_point;
	double w, s, e, n, lng, lat;
};

struct areas {
	struct area *a;
	int n, cap;
};

/* The rectangle of a GeoJSON Polygon written by the generator. */
static bool parse_box(const char *g, struct area *a)
{
	double x[5], y[5];
	int got = sscanf(g,
	                 "{\"type\":\"Polygon\",\"coordinates\":[[[%lf,%lf],[%lf,%lf],[%lf,%lf],[%lf,%lf],"
	                 "[%lf,%lf]]]}",
	                 &x[0], &y[0], &x[1], &y[1], &x[2], &y[2], &x[3], &y[3], &x[4], &y[4]);
	if (got != 10 || x[0] != x[4] || y[0] != y[4])
		return false;
	a->w = fmin(fmin(x[0], x[1]), fmin(x[2], x[3]));
	a->e = fmax(fmax(x[0], x[1]), fmax(x[2], x[3]));
	a->s = fmin(fmin(y[0], y[1]), fmin(y[2], y[3]));
	a->n = fmax(fmax(y[0], y[1]), fmax(y[2], y[3]));
	/* axis-aligned: each corner on the box */
	for (int i = 0; i < 4; i++)
		if ((x[i] != a->w && x[i] != a->e) || (y[i] != a->s && y[i] != a->n))
			return false;
	return a->e > a->w && a->n > a->s;
}

static void area_row(void *ctx, struct store_stmt *s)
{
	struct areas *x = ctx;
	if (x->n == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 1024;
		x->a = realloc(x->a, (size_t)x->cap * sizeof *x->a);
		assert_non_null(x->a);
	}
	struct area *a = &x->a[x->n++];
	memset(a, 0, sizeof *a);
	a->id = store_col_int(s, 0);
	a->parent = store_col_null(s, 1) ? 0 : store_col_int(s, 1);
	a->level = level_of(store_col_text(s, 2, NULL));
	snprintf(a->code, sizeof a->code, "%s", store_col_text(s, 3, NULL));
	snprintf(a->kind, sizeof a->kind, "%s", store_col_text(s, 4, NULL));
	if (!store_col_null(s, 5)) {
		a->has_box = parse_box(store_col_text(s, 5, NULL), a);
		if (!a->has_box)
			fail_msg("area %s: boundary is not a closed rectangle: %s", a->code,
			         store_col_text(s, 5, NULL));
	}
	a->has_point = !store_col_null(s, 6);
	a->lng = a->has_point ? store_col_real(s, 6) : 0;
	a->lat = a->has_point ? store_col_real(s, 7) : 0;
	/* the label point lies inside the boundary */
	if (a->has_box && !(a->has_point && a->lng > a->w && a->lng < a->e && a->lat > a->s && a->lat < a->n))
		fail_msg("area %s: no label point inside its boundary", a->code);
}

static void load_areas(struct env *e, struct areas *x)
{
	memset(x, 0, sizeof *x);
	q_rows(e, "SELECT id, parent_id, level, code, kind, boundary, lng, lat FROM area ORDER BY id",
	       area_row, x);
}

static const struct area *by_id(const struct areas *x, int64_t id)
{
	/* ids are dense and in order: a binary search */
	int lo = 0, hi = x->n - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		if (x->a[mid].id == id)
			return &x->a[mid];
		if (x->a[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

static void check_codes(const struct areas *x)
{
	for (int i = 0; i < x->n; i++) {
		const struct area *a = &x->a[i];
		assert_true(a->level >= 1 && a->level <= 7);
		assert_int_equal(strlen(a->code), widths[a->level]);
		for (const char *p = a->code; *p; p++)
			assert_true(*p >= '0' && *p <= '9');
		if (a->level == 1) {
			assert_int_equal(a->parent, 0);
			continue;
		}
		const struct area *up = by_id(x, a->parent);
		if (up == NULL)
			fail_msg("area %s: no parent %lld", a->code, (long long)a->parent);
		assert_int_equal(up->level, a->level - 1);
		if (strncmp(a->code, up->code, strlen(up->code)) != 0)
			fail_msg("area %s does not start with its parent's code %s", a->code, up->code);
		int seg = atoi(a->code + strlen(up->code));
		assert_true(seg >= 1);
		if (a->level == 2)
			assert_true(seg <= 99); /* 街道: 001–099 */
		if (a->level == 3)
			assert_true(seg <= 199); /* 社区: 001–199 */
		if (a->level == 4)
			assert_true(strcmp(a->kind, "basic") == 0 || strcmp(a->kind, "dedicated") == 0);
		else
			assert_string_equal(a->kind, "");
		/* down to grids, every area has a boundary */
		assert_true(a->level > 4 || a->has_box);
	}
}

/* Children with boundaries tile their parent: inside it, pairwise
 * disjoint, and their areas add up to its area. */
static void check_tiling(const struct areas *x, int parent_level)
{
	int parents = 0;
	for (int i = 0; i < x->n; i++) {
		const struct area *p = &x->a[i];
		if (p->level != parent_level)
			continue;
		parents++;
		double sum = 0;
		int nkids = 0;
		const struct area *kids[512];
		for (int j = 0; j < x->n; j++) {
			const struct area *k = &x->a[j];
			if (k->parent != p->id)
				continue;
			assert_true(k->has_box);
			assert_true(nkids < 512);
			const double eps = 1e-9;
			if (k->w < p->w - eps || k->e > p->e + eps || k->s < p->s - eps || k->n > p->n + eps)
				fail_msg("%s sticks out of %s", k->code, p->code);
			for (int q = 0; q < nkids; q++) {
				double ow = fmin(k->e, kids[q]->e) - fmax(k->w, kids[q]->w);
				double oh = fmin(k->n, kids[q]->n) - fmax(k->s, kids[q]->s);
				if (ow > eps && oh > eps)
					fail_msg("%s and %s overlap", k->code, kids[q]->code);
			}
			kids[nkids++] = k;
			sum += (k->e - k->w) * (k->n - k->s);
		}
		assert_true(nkids > 0);
		double whole = (p->e - p->w) * (p->n - p->s);
		if (fabs(sum - whole) > whole * 1e-9)
			fail_msg("the children of %s cover %.12g of %.12g", p->code, sum, whole);
	}
	assert_true(parents > 0);
}

/* --- people ------------------------------------------------------------------ */

struct person_check {
	struct env *e;
	regex_t phone;
	int64_t checked, with_phone, floating;
};

static void person_row(void *ctx, struct store_stmt *s)
{
	struct person_check *x = ctx;
	const struct crypto_keys *k = &x->e->app.keys;
	const char *name = store_col_text(s, 0, NULL);
	char *gender = col_dup(s, 1), *birth = col_dup(s, 2), *enc = col_dup(s, 3), *hash = col_dup(s, 4),
	     *masked = col_dup(s, 5), *residence = col_dup(s, 9);
	char *idn = crypto_open(k, enc);
	if (idn == NULL)
		fail_msg("%s: the ID number does not decrypt", name);
	const char *why = idcard_check(idn, strlen(idn));
	if (why != NULL)
		fail_msg("%s: %s: %s", name, idn, why);
	char h[CRYPTO_HASH_HEX], m[IDCARD_LEN + 1];
	crypto_lookup_hex(k, idn, h);
	assert_string_equal(hash, h);
	idcard_mask(idn, m);
	assert_string_equal(masked, m);
	assert_int_equal(strlen(masked), 18);
	assert_memory_equal(masked + 6, "********", 8);
	/* birth date and gender as the number says */
	char born[11];
	snprintf(born, sizeof born, "%.4s-%.2s-%.2s", idn + 6, idn + 10, idn + 12);
	assert_string_equal(birth, born);
	assert_string_equal(gender, idcard_gender(idn) == 'm' ? "male" : "female");
	assert_true(strcmp(birth, TODAY) <= 0);
	/* registered residents carry the district's address */
	if (strcmp(residence, "registered") == 0)
		assert_memory_equal(idn, "110105", 6);
	else
		x->floating++;
	if (!store_col_null(s, 6)) {
		char *penc = col_dup(s, 6), *phash = col_dup(s, 7), *pmasked = col_dup(s, 8);
		char *phone = crypto_open(k, penc);
		assert_non_null(phone);
		assert_int_equal(regexec(&x->phone, phone, 0, NULL, 0), 0);
		assert_null(phone_check(phone, strlen(phone)));
		crypto_lookup_hex(k, phone, h);
		assert_string_equal(phash, h);
		char pm[16];
		phone_mask(phone, pm);
		assert_string_equal(pmasked, pm);
		assert_memory_equal(pmasked + 3, "****", 4);
		x->with_phone++;
		free(phone);
		free(penc);
		free(phash);
		free(pmasked);
	}
	x->checked++;
	free(idn);
	free(gender);
	free(birth);
	free(enc);
	free(hash);
	free(masked);
	free(residence);
}

/* --- party organisations ------------------------------------------------------ */

struct org {
	int64_t id, parent;
	char path[128];
};

struct orgs {
	struct org *o;
	int n, cap;
};

static void org_row(void *ctx, struct store_stmt *s)
{
	struct orgs *x = ctx;
	if (x->n == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 256;
		x->o = realloc(x->o, (size_t)x->cap * sizeof *x->o);
		assert_non_null(x->o);
	}
	struct org *o = &x->o[x->n++];
	o->id = store_col_int(s, 0);
	o->parent = store_col_null(s, 1) ? 0 : store_col_int(s, 1);
	snprintf(o->path, sizeof o->path, "%s", store_col_text(s, 2, NULL));
}

static void check_orgs(struct env *e)
{
	struct orgs x = {0};
	q_rows(e, "SELECT id, parent_id, path FROM party_org ORDER BY id", org_row, &x);
	assert_true(x.n > 0);
	for (int i = 0; i < x.n; i++) {
		const struct org *o = &x.o[i];
		char want[160];
		if (o->parent == 0) {
			snprintf(want, sizeof want, "/%lld/", (long long)o->id);
		} else {
			const struct org *up = NULL;
			for (int j = 0; j < i && up == NULL; j++) /* parents come first */
				if (x.o[j].id == o->parent)
					up = &x.o[j];
			if (up == NULL)
				fail_msg("party_org %lld: parent %lld not before it", (long long)o->id,
				         (long long)o->parent);
			snprintf(want, sizeof want, "%s%lld/", up->path, (long long)o->id);
		}
		assert_string_equal(o->path, want);
	}
	free(x.o);
}

/* --- credit codes ------------------------------------------------------------- */

/* GB 32100: the 18th character checks the first 17; characters 9–17
 * are a GB 11714 organisation code with its own check character. */
static bool credit_code_ok(const char *s)
{
	static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
	static const int w_org[8] = {3, 7, 9, 10, 5, 8, 4, 2};
	if (strlen(s) != 18)
		return false;
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		const char *q = strchr(alphabet, s[i]);
		if (q == NULL)
			return false;
		sum += (int)(q - alphabet) * w[i];
	}
	if (s[17] != alphabet[(31 - sum % 31) % 31])
		return false;
	int org = 0;
	for (int i = 0; i < 8; i++) {
		if (s[8 + i] < '0' || s[8 + i] > '9')
			return false;
		org += (s[8 + i] - '0') * w_org[i];
	}
	int c9 = 11 - org % 11;
	return s[16] == (c9 == 10 ? 'X' : c9 == 11 ? '0' : '0' + c9);
}

static void credit_row(void *ctx, struct store_stmt *s)
{
	const char *code = store_col_text(s, 0, NULL);
	if (!credit_code_ok(code))
		fail_msg("unit %s: bad credit code %s", store_col_text(s, 1, NULL), code);
	(*(int64_t *)ctx)++;
}

/* --- a digest of the plaintext, for determinism --------------------------------- */

static void digest_row(void *ctx, struct store_stmt *s)
{
	uint64_t *h = ctx;
	for (int c = 0; c < store_col_count(s); c++) {
		size_t n = 0;
		const char *t = store_col_text(s, c, &n);
		for (size_t i = 0; i < n; i++)
			*h = (*h ^ (unsigned char)t[i]) * 1099511628211ULL;
		*h = (*h ^ 0xff) * 1099511628211ULL;
	}
}

static uint64_t digest(struct env *e)
{
	static const char *const sqls[] = {
		"SELECT code, name, kind, boundary, lng, lat FROM area ORDER BY id",
		"SELECT area_id, role, name, phone_masked FROM area_responsible ORDER BY id",
		"SELECT kind, name, credit_code, area_code, address FROM unit ORDER BY id",
		"SELECT kind, name, path, area_code FROM party_org ORDER BY id",
		"SELECT household_id, area_code, name, gender, birth_date, id_number_masked, phone_masked,"
		" residence, relation FROM person ORDER BY id",
		"SELECT person_id, tag FROM person_tag ORDER BY person_id, tag",
		"SELECT person_id, status, org_id, work_unit_id, area_code, joined_on FROM party_member ORDER BY id",
		"SELECT member_id, org_id, community_code, reported_on FROM report_in ORDER BY id",
		"SELECT member_id, item, done_on FROM six_ones ORDER BY member_id, item",
		"SELECT center_id, household_id FROM center_household_cover ORDER BY household_id",
		"SELECT unit_id, community_code, starts_on, content FROM pairing ORDER BY id",
	};
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < sizeof sqls / sizeof sqls[0]; i++)
		q_rows(e, sqls[i], digest_row, &h);
	return h;
}

/* --- tests ------------------------------------------------------------------- */

static void test_small_district(void **state)
{
	struct env *e = *state;
	struct demo_options o;
	small_options(&o);
	struct demo_stats s;
	generate(e, &o, &s);
	print_message("# %lld areas, %lld households, %lld people, %lld members in %.1f s\n",
	              (long long)s.areas, (long long)s.households, (long long)s.people,
	              (long long)s.members, s.seconds);

	/* the stats are what is there */
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM area", NULL), s.areas);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM area_history", NULL), s.areas);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM household", NULL), s.households);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM person", NULL), s.people);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM party_member", NULL), s.members);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM party_org", NULL), s.party_orgs);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM report_in", NULL), s.report_ins);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM six_ones", NULL), s.six_ones);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM center_household", NULL), s.centers);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM center_household_cover", NULL), s.covered);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM person_tag", NULL), s.tags);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM unit", NULL), s.units);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM area_responsible", NULL), s.responsible);
	assert_int_equal(s.levels[2], 2);
	assert_true(s.levels[3] >= 2 && s.levels[3] <= 6);
	assert_true(s.people > 1000);

	/* the demo accounts' areas */
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM area WHERE code = ?", "110105"), 1);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM area WHERE code = ?", "110105001"), 1);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM area WHERE code = ?", "110105001001"), 1);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM area WHERE code = ?", "110105001001001"), 1);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM area_responsible r JOIN area a ON a.id = r.area_id"
	                          " WHERE a.code = ? AND r.role = 'grid_worker' AND r.name = '刘敏'",
	                       "110105001001001"),
	                 1);

	struct areas x;
	load_areas(e, &x);
	assert_int_equal(x.n, s.areas);
	check_codes(&x);
	check_tiling(&x, 1); /* streets tile the district */
	check_tiling(&x, 2); /* communities the street */
	check_tiling(&x, 3); /* grids the community */
	/* compounds and buildings: no boundary, a point inside their (basic) grid */
	for (int i = 0; i < x.n; i++) {
		const struct area *a = &x.a[i];
		if (a->level != 5 && a->level != 6)
			continue;
		const struct area *g = by_id(&x, a->parent);
		if (a->level == 6)
			g = by_id(&x, g->parent);
		assert_non_null(g);
		assert_int_equal(g->level, 4);
		assert_string_equal(g->kind, "basic");
		assert_false(a->has_box);
		assert_true(a->has_point);
		if (!(a->lng > g->w && a->lng < g->e && a->lat > g->s && a->lat < g->n))
			fail_msg("%s lies outside its grid %s", a->code, g->code);
	}
	free(x.a);

	/* households hang on entrances; people on their household's entrance */
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM household h JOIN area a ON a.id = h.area_id"
	                          " WHERE a.level <> 'entrance' OR a.code <> h.area_code",
	                       NULL),
	                 0);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM person p JOIN household h ON h.id = p.household_id"
	                          " WHERE p.area_id <> h.area_id OR p.area_code <> h.area_code",
	                       NULL),
	                 0);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM person WHERE relation = 'head'", NULL),
	                 q_int(e, "SELECT COUNT(DISTINCT household_id) FROM person", NULL));

	/* ID numbers: unique lookups, valid after decrypting, masks and hashes right */
	assert_int_equal(q_int(e, "SELECT COUNT(DISTINCT id_number_hash) FROM person", NULL), s.people);
	struct person_check pc = {.e = e};
	assert_int_equal(regcomp(&pc.phone, "^1[3-9][0-9]{9}$", REG_EXTENDED | REG_NOSUB), 0);
	q_rows(e,
	       "SELECT name, gender, birth_date, id_number_enc, id_number_hash, id_number_masked,"
	       " phone_enc, phone_hash, phone_masked, residence FROM person ORDER BY id",
	       person_row, &pc);
	regfree(&pc.phone);
	assert_int_equal(pc.checked, s.people);
	assert_int_equal(pc.floating, s.floating);
	assert_true(pc.floating > s.people / 10 && pc.floating < s.people * 3 / 10); /* ~20% */
	assert_true(pc.with_phone > s.people / 2);

	/* the other phones are sealed the same way */
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM area_responsible WHERE phone_enc IS NULL"
	                          " OR length(phone_hash) <> 64 OR length(phone_masked) <> 11",
	                       NULL),
	                 0);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM party_member m JOIN person p ON p.id = m.person_id"
	                          " WHERE m.phone_hash <> p.phone_hash OR m.name <> p.name"
	                          " OR m.gender <> p.gender",
	                       NULL),
	                 0);

	/* party organisations: paths, members' organisations and homes */
	check_orgs(e);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM party_org o JOIN area a ON a.id = o.area_id"
	                          " WHERE a.code <> o.area_code",
	                       NULL),
	                 0);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM party_member m JOIN area a ON a.id = m.community_id"
	                          " WHERE a.level <> 'community' OR a.code <> m.area_code",
	                       NULL),
	                 0);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM party_member m JOIN person p ON p.id = m.person_id"
	                          " WHERE substr(p.area_code, 1, 12) <> m.area_code",
	                       NULL),
	                 0);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM party_member m JOIN party_org o ON o.id = m.org_id"
	                          " WHERE m.work_unit_id IS NOT NULL AND o.unit_id <> m.work_unit_id",
	                       NULL),
	                 0);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM report_in r JOIN party_member m ON m.id = r.member_id"
	                          " WHERE m.work_unit_id IS NULL OR r.community_id <> m.community_id",
	                       NULL),
	                 0);
	assert_true(q_int(e, "SELECT COUNT(*) FROM report_in WHERE org_id IS NOT NULL", NULL) > 0);
	/* six ones: this year, done by members who reported in */
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM six_ones WHERE year <> 2026 OR done_on > '" TODAY
	                          "' OR done_on < '2026-01-01' OR member_id NOT IN (SELECT member_id FROM"
	                          " report_in WHERE member_id IS NOT NULL)",
	                       NULL),
	                 0);
	/* center households: a member's own household, among those it covers */
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM center_household c JOIN party_member m ON m.id ="
	                          " c.member_id JOIN person p ON p.id = m.person_id WHERE p.household_id <>"
	                          " c.household_id OR NOT EXISTS (SELECT 1 FROM center_household_cover v"
	                          " WHERE v.center_id = c.id AND v.household_id = c.household_id)",
	                       NULL),
	                 0);
	assert_true(s.covered > s.centers * 20);
	/* every community has its secretary and director, every grid a leader */
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM area a WHERE a.level = 'community' AND (SELECT"
	                          " COUNT(*) FROM area_responsible r WHERE r.area_id = a.id AND r.role IN"
	                          " ('secretary', 'director')) <> 2",
	                       NULL),
	                 0);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM area a WHERE a.level = 'grid' AND NOT EXISTS (SELECT"
	                          " 1 FROM area_responsible r WHERE r.area_id = a.id AND r.role ="
	                          " 'grid_leader')",
	                       NULL),
	                 0);
	/* departments serve areas; pairings and joint committees use units */
	assert_true(q_int(e, "SELECT COUNT(*) FROM department_area", NULL) > 0);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM joint_committee_member j WHERE NOT EXISTS (SELECT 1"
	                          " FROM pairing p WHERE p.unit_id = j.unit_id AND p.community_id ="
	                          " j.community_id)",
	                       NULL),
	                 0);
	int64_t units = 0;
	q_rows(e, "SELECT credit_code, name FROM unit", credit_row, &units);
	assert_int_equal(units, s.units);

	/* a second run finds the district there */
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(demo_registers(&e->app, &o, &s, &ei), ERR_CONFLICT);
	assert_string_equal(ei.field, "district");
}

/* The same seed and day give the same plaintext, whatever the threads. */
static void test_deterministic(void **state)
{
	struct env *e = *state;
	struct demo_options o;
	small_options(&o);
	o.threads = 1;
	struct demo_stats s;
	generate(e, &o, &s);
	uint64_t first = digest(e);

	struct env *f = NULL;
	assert_int_equal(setup((void **)&f), 0);
	small_options(&o);
	o.threads = 3;
	generate(f, &o, &s);
	uint64_t second = digest(f);
	teardown((void **)&f);
	assert_true(first == second);
}

static void test_bad_options(void **state)
{
	struct env *e = *state;
	struct demo_options o;
	struct demo_stats s;
	struct errinfo ei;
	small_options(&o);
	o.districts = 0;
	assert_int_equal(demo_registers(&e->app, &o, &s, &ei), ERR_INVALID);
	small_options(&o);
	o.districts = DEMO_DISTRICTS_MAX + 1;
	assert_int_equal(demo_registers(&e->app, &o, &s, &ei), ERR_INVALID);
	small_options(&o);
	o.today = "2026-02-30";
	assert_int_equal(demo_registers(&e->app, &o, &s, &ei), ERR_INVALID);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM area", NULL), 0);
}

static enum err squat_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	return store_exec(c,
	                  "INSERT INTO area (id, level, code, name, valid_from, created_at, updated_at)"
	                  " VALUES (900000, 'street', '110105002', '占位', '2020-01-01', 'x', 'x')",
	                  NULL, 0, NULL, ei);
}

/* A failure half-way leaves nothing: the run is one transaction. */
static void test_all_or_nothing(void **state)
{
	struct env *e = *state;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(store_write(e->app.store, squat_fn, NULL, &ei), ERR_OK);
	struct demo_options o;
	small_options(&o);
	struct demo_stats s;
	/* street 110105002's code is taken: its write fails after street 1's */
	assert_int_equal(demo_registers(&e->app, &o, &s, &ei), ERR_CONFLICT);
	assert_string_not_equal(ei.field, "district");
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM area", NULL), 1);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM person", NULL), 0);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM unit", NULL), 0);
	assert_int_equal(s.people, 0);
}

/* Seed 001's street at full size: 23 communities, 75 basic and 13
 * dedicated grids, 147 compounds, 631 buildings, 1,713 entrances. */
static void test_seed_street(void **state)
{
	struct env *e = *state;
	struct demo_options o;
	demo_options_default(&o);
	o.streets = 1;
	o.today = TODAY;
	struct demo_stats s;
	generate(e, &o, &s);
	print_message("# street 110105001: %lld people, %lld households in %.1f s\n", (long long)s.people,
	              (long long)s.households, s.seconds);
	static const struct {
		const char *level, *kind;
		int64_t n;
	} want[] = {
		{"street", "", 1},     {"community", "", 23}, {"grid", "basic", 75}, {"grid", "dedicated", 13},
		{"compound", "", 147}, {"building", "", 631}, {"entrance", "", 1713},
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		char sql[200];
		snprintf(sql, sizeof sql,
		         "SELECT COUNT(*) FROM area WHERE code LIKE '110105001%%' AND level = '%s' AND kind = '%s'",
		         want[i].level, want[i].kind);
		if (q_int(e, sql, NULL) != want[i].n)
			fail_msg("%s %s: %lld, want %lld", want[i].level, want[i].kind,
			         (long long)q_int(e, sql, NULL), (long long)want[i].n);
	}
	/* seed 001 counted 78,710 people in its compounds */
	assert_true(s.people > 70000 && s.people < 87000);
	struct areas x;
	load_areas(e, &x);
	check_codes(&x);
	check_tiling(&x, 3);
	free(x.a);
	assert_int_equal(q_int(e, "SELECT COUNT(DISTINCT id_number_hash) FROM person", NULL), s.people);
}

int main(void)
{
	fx_print_backend("demo/test_registers");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_small_district, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deterministic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_or_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seed_street, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
