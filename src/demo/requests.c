/* The demo's request history: for district 110105, days of requests ending
 * now, each driven through the real lifecycle by requests_create and
 * requests_act with the clock pinned at the event's time (clock_pin), so
 * rows, events, notifications and roll-ups are what the server writes and
 * `linli rollup-verify` holds. Shares follow the hotline's reports: most
 * come by phone, grids and communities resolve most ("微事不出网格"), about
 * 98.5% are closed and 99.2% satisfied (shared/DOMAIN.md, seed 001).
 * Actions that would fall after now are not taken, so the last days'
 * requests stay open in every state; a final sweep marks the overdue. */
#include "demo/requests.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth/users.h"
#include "cli.h"
#include "demo/names.h"
#include "domain/areas.h"
#include "domain/requests_batch.h"
#include "store/areas.h"
#include "store/categories.h"
#include "store/requests.h"
#include "util/clock.h"

#define DISTRICT "110105"
#define SEED_STREET "110105001"
#define MAX_DISTRICTS 64
#define MAX_GRIDS 8192
#define MAX_CATS 256
#define MAX_STREETS 64

struct grid {
	int64_t id, community, street;
	int street_index;
	bool has_point;
	double lng, lat;
	char name[AREA_NAME_MAX * 4 + 1];
};

struct world {
	const char *district;
	struct grid *grids;
	int ngrids;
	struct {
		int64_t id;
		char code[AREA_CODE_MAX + 1];
		int first, n; /* its grids in grids[] */
	} street[MAX_STREETS];
	int nstreets;
	struct {
		int64_t id;
		char name[CATEGORY_NAME_MAX * 4 + 1];
	} cat[MAX_CATS];
	int ncats;
	int64_t depts[2]; /* whistle's lead and co-handler (0: none) */
};

static void add_area(void *ctx, const struct area_row *a)
{
	struct world *w = ctx;
	if (a->level == AREA_STREET && w->nstreets < MAX_STREETS) {
		w->street[w->nstreets].id = a->id;
		snprintf(w->street[w->nstreets].code, sizeof w->street[0].code, "%s", a->code);
		w->nstreets++;
	} else if (a->level == AREA_GRID && w->ngrids < MAX_GRIDS) {
		struct grid *g = &w->grids[w->ngrids++];
		memset(g, 0, sizeof *g);
		g->id = a->id;
		g->community = a->parent_id;
		g->has_point = a->has_point;
		g->lng = a->lng;
		g->lat = a->lat;
		snprintf(g->name, sizeof g->name, "%s", a->name);
	}
}

static void add_category(void *ctx, const struct category_row *r)
{
	struct world *w = ctx;
	/* leaves of the event kind: what a caller reports */
	if (r->active && r->children == 0 && r->parent_id > 0 && strcmp(r->kind, "event") == 0 &&
	    w->ncats < MAX_CATS) {
		w->cat[w->ncats].id = r->id;
		snprintf(w->cat[w->ncats].name, sizeof w->cat[0].name, "%s", r->name);
		w->ncats++;
	}
}

static void add_top(void *ctx, const struct category_row *r)
{
	struct world *w = ctx;
	if (r->active && w->ncats < MAX_CATS)
		w->cat[w->ncats++].id = r->id;
}

/* The districts to fill, and whether any request exists already. */
struct districts {
	int64_t requests;
	bool every;
	char code[MAX_DISTRICTS][AREA_CODE_MAX + 1];
	int64_t streets[MAX_DISTRICTS];
	int n, cur;
};

static void add_district(void *ctx, const struct area_row *a)
{
	struct districts *d = ctx;
	if (a->level == AREA_DISTRICT && d->n < MAX_DISTRICTS)
		snprintf(d->code[d->n++], sizeof d->code[0], "%s", a->code);
}

static void count_street(void *ctx, const struct area_row *a)
{
	struct districts *d = ctx;
	d->streets[d->cur]++;
}

static enum err districts_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct districts *d = arg;
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT COUNT(*) FROM request", NULL, 0, &s, ei);
	if (rc != ERR_OK)
		return rc;
	d->requests = store_next(s) == 1 ? store_col_int(s, 0) : 0;
	store_done(s);
	if (d->requests > 0)
		return ERR_OK;
	if (!d->every) {
		snprintf(d->code[d->n++], sizeof d->code[0], "%s", DISTRICT);
		return ERR_OK;
	}
	if ((rc = store_area_children(c, 0, false, add_district, d, ei)) != ERR_OK)
		return rc;
	for (d->cur = 0; d->cur < d->n && rc == ERR_OK; d->cur++)
		rc = store_area_subtree(c, d->code[d->cur], AREA_STREET, NULL, MAX_STREETS, count_street, d,
		                        ei);
	return rc;
}

static enum err world_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct world *w = arg;
	enum err rc = store_area_subtree(c, w->district, AREA_STREET, NULL, MAX_STREETS, add_area, w, ei);
	if (rc != ERR_OK)
		return rc;
	for (int i = 0; i < w->nstreets; i++) {
		int before = w->ngrids;
		w->street[i].first = before;
		if ((rc = store_area_subtree(c, w->street[i].code, AREA_GRID, NULL, MAX_GRIDS - before,
		                             add_area, w, ei)) != ERR_OK)
			return rc;
		w->street[i].n = w->ngrids - before;
		for (int g = before; g < w->ngrids; g++) {
			w->grids[g].street = w->street[i].id;
			w->grids[g].street_index = i;
		}
	}
	/* two levels of categories: the classes, then their subclasses */
	struct world top = {0};
	if ((rc = store_category_list(c, 0, false, add_top, &top, ei)) != ERR_OK)
		return rc;
	for (int i = 0; i < top.ncats; i++)
		if ((rc = store_category_list(c, top.cat[i].id, false, add_category, w, ei)) != ERR_OK)
			return rc;
	struct area_row d;
	if (store_area_by_code(c, w->district, &d, NULL) == ERR_OK) {
		char name[UNIT_NAME_MAX * 4 + AREA_NAME_MAX * 4 + 32];
		const char *what[] = {"水务局", "园林绿化局"};
		for (int i = 0; i < 2; i++) {
			int n = 0;
			snprintf(name, sizeof name, "北京市%s%s", d.name, what[i]);
			if (store_department_by_name(c, name, &w->depts[i], &n, NULL) != ERR_OK || n != 1)
				w->depts[i] = 0;
		}
	}
	return ERR_OK;
}

/* One request's way through the lifecycle: its clock, and whether it stops
 * (the next action would come after now, or the domain refused one). */
struct life {
	struct store_conn *c;
	struct errinfo *ei;      /* the transaction's: a refusal fails it */
	enum err rc;
	struct app *app;
	const struct actor *a;
	struct demo_rng *r;
	struct demo_request_stats *st;
	int64_t now, t, id;
	bool stopped;
	char state[24];
	/* the owner after the latest action: a department's actions need its
	 * unit:N scope, which "*" does not give */
	int64_t owner_unit;
	char owner_level[12];
	struct identity who;
	struct actor as;
	struct request_row *row;
	const struct world *w;
};

/* Reads the request back (same transaction) and acts as its owner. */
static enum err refresh(struct life *L, const struct world *w)
{
	enum err rc = store_request_get(L->c, L->id, L->row, L->ei);
	if (rc != ERR_OK)
		return rc;
	L->owner_unit = L->row->owner_unit_id;
	snprintf(L->owner_level, sizeof L->owner_level, "%s", L->row->owner_level);
	L->who.nscopes = 1; /* "*" */
	if (L->owner_unit > 0)
		snprintf(L->who.scopes[L->who.nscopes++], SCOPE_MAX + 1, "unit:%lld",
		         (long long)L->owner_unit);
	for (int i = 0; i < 2; i++)
		if (w->depts[i] > 0)
			snprintf(L->who.scopes[L->who.nscopes++], SCOPE_MAX + 1, "unit:%lld",
			         (long long)w->depts[i]);
	return ERR_OK;
}

static bool act(struct life *L, int64_t delay, enum rq_action action, const struct action_input *in)
{
	if (L->stopped)
		return false;
	if (L->t + delay > L->now) {
		L->stopped = true;
		return false;
	}
	L->t += delay;
	struct action_input none = {.solved = -1};
	struct action_result res;
	clock_pin(L->t);
	enum err rc = requests_act_in(L->c, L->app, &L->as, L->id, action, in ? in : &none, &res, L->ei);
	clock_pin(0);
	/* only these change the owner or the deadline the generator looks at */
	if (rc == ERR_OK && (action == RA_ACCEPT || action == RA_DISPATCH || action == RA_REDISPATCH ||
	                     action == RA_ESCALATE || action == RA_ACKNOWLEDGE || action == RA_RESUME))
		rc = refresh(L, L->w);
	if (rc != ERR_OK) {
		L->st->failed++;
		L->rc = rc;
		fprintf(stderr, "linli: demo requests: %s on %lld: %s (%s)\n", rq_action_name(action),
		        (long long)L->id, L->ei->message, res.state);
		L->stopped = true;
		return false;
	}
	L->st->actions++;
	snprintf(L->state, sizeof L->state, "%s", res.state);
	return true;
}

/* Minutes to seconds, with some spread. */
static int64_t mins(struct demo_rng *r, int lo, int hi)
{
	return (int64_t)demo_rng_int(r, lo, hi) * 60;
}

static const char *pick(struct demo_rng *r, const char *const *v, const double *w, int n)
{
	double x = demo_rng_real(r), acc = 0;
	for (int i = 0; i < n; i++) {
		acc += w[i];
		if (x < acc)
			return v[i];
	}
	return v[n - 1];
}

static const char *const sources[] = {"hotline", "grid_report", "web", "one_tap", "walk_in"};
static const double source_w[] = {0.62, 0.18, 0.09, 0.07, 0.04};
static const char *const kinds[] = {"help", "complaint", "report", "consultation", "suggestion", "praise"};
static const double kind_w[] = {0.34, 0.27, 0.18, 0.14, 0.05, 0.02};
static const char *const urgencies[] = {"normal", "urgent", "critical"};
static const double urgency_w[] = {0.86, 0.12, 0.02};
static const char *const what[] = {"反映", "求助", "投诉", "希望尽快处理", "已多次反映"};

/* Handling after acceptance: dispatch, the owner's detours, resolve,
 * verification and the rating. */
static void handle(struct life *L, const struct world *w, const struct grid *g)
{
	struct demo_rng *r = L->r;
	struct action_input in = {.solved = -1};
	if (strcmp(L->state, "waiting_dispatch") == 0) {
		/* 微事不出网格，小事不出社区，大事不出街道 */
		double x = demo_rng_real(r);
		in.owner_area_id = x < 0.52 ? g->id : x < 0.90 ? g->community : g->street;
		if (!act(L, mins(r, 5, 50), RA_DISPATCH, &in))
			return;
	}
	in = (struct action_input){.solved = -1};
	/* the community passes most small matters on to the grid's worker */
	bool community = strcmp(L->owner_level, "community") == 0;
	if (L->owner_unit == 0 && (community || strcmp(L->owner_level, "street") == 0) &&
	    demo_rng_chance(r, community ? 0.6 : 0.4)) {
		in.owner_area_id = community ? g->id : g->community;
		in.note = community ? "由网格员就近处置" : "由社区先行处置";
		if (!act(L, mins(r, 5, 40), RA_REDISPATCH, &in))
			return;
		in = (struct action_input){.solved = -1};
	}
	if (demo_rng_chance(r, 0.02)) { /* not ours: returned, approved, sent elsewhere */
		in.reason = "not_our_area";
		in.note = "经核实不属于本辖区，申请退单";
		if (!act(L, mins(r, 10, 50), RA_RETURN, &in))
			return;
		if (!act(L, mins(r, 10, 50), RA_APPROVE_RETURN, NULL))
			return;
		in = (struct action_input){.solved = -1, .owner_area_id = g->community};
		if (!act(L, mins(r, 5, 40), RA_DISPATCH, &in))
			return;
	} else if (L->owner_unit == 0 && strcmp(L->owner_level, "district") != 0 &&
	           demo_rng_chance(r, 0.03)) { /* too big for its owner */
		in.reason = "超出本级处置能力，需上级协调";
		if (!act(L, mins(r, 10, 50), RA_ESCALATE, &in))
			return;
	}
	bool late = demo_rng_chance(r, 0.04);
	if (!act(L, late ? mins(r, 70, 300) : mins(r, 3, 50), RA_ACKNOWLEDGE, NULL))
		return;
	if (w->depts[0] > 0 && L->owner_unit == 0 &&
	    (strcmp(L->owner_level, "community") == 0 || strcmp(L->owner_level, "street") == 0) &&
	    demo_rng_chance(r, 0.02)) { /* 街乡吹哨、部门报到 */
		int64_t co[1] = {w->depts[1]};
		const char *parts[1] = {"配合现场处置"};
		in = (struct action_input){.solved = -1, .lead_unit_id = w->depts[0],
		                           .lead_part = "牵头处置", .co_unit_ids = co, .co_parts = parts,
		                           .nco = w->depts[1] > 0 ? 1 : 0, .nco_parts = w->depts[1] > 0 ? 1 : 0,
		                           .note = "涉及多个部门，吹哨报到"};
		if (!act(L, mins(r, 30, 240), RA_WHISTLE, &in))
			return;
		for (int i = 0; i < 2; i++) {
			if (w->depts[i] == 0)
				continue;
			in = (struct action_input){.solved = -1, .unit_id = w->depts[i], .note = "已到场报到"};
			if (!act(L, mins(r, 30, 600), RA_REPORT_IN, &in))
				return;
			in.note = "本部门负责部分已处置完毕";
			if (!act(L, mins(r, 60, 1440), RA_PART_DONE, &in))
				return;
		}
	}
	if (demo_rng_chance(r, 0.02)) { /* 待补充 */
		in = (struct action_input){.solved = -1, .note = "联系诉求人补充具体位置"};
		if (!act(L, mins(r, 20, 240), RA_WAIT_REPORTER, &in) ||
		    !act(L, mins(r, 60, 1440), RA_RESUME, NULL))
			return;
	}
	int64_t ask = mins(r, 60, 600);
	/* 延期: asked before the deadline only */
	/* 缓办 leaves the close rate's denominator: rare, or the rate passes 100% */
	if (demo_rng_chance(r, 0.005) && store_time_parse(L->row->due_at) > L->t + ask + 60) {
		in = (struct action_input){.solved = -1, .days = demo_rng_int(r, 2, 5),
		                           .reason = "需协调产权单位，申请延期"};
		if (!act(L, ask, RA_REQUEST_EXTENSION, &in) ||
		    !act(L, mins(r, 30, 300), RA_APPROVE_EXTENSION, NULL))
			return;
	}
	int reworks = demo_rng_chance(r, 0.03) ? (demo_rng_chance(r, 0.1) ? 3 : 1) : 0;
	/* a few stall for days (pending works, an absent owner): late, or still
	 * open and overdue when they are recent */
	double sx = demo_rng_real(r);
	bool stalled = sx < 0.04;
	/* and one in a hundred is a long-standing matter (历史遗留: property
	 * rights, funding) that stays open for months: most of the 1.5% the
	 * close rate misses */
	bool chronic = sx >= 0.04 && sx < 0.05;
	for (int i = 0;; i++) {
		in = (struct action_input){.solved = -1, .note = "已到现场处置完毕，已电话告知诉求人"};
		int64_t took = chronic && i == 0   ? mins(r, 60 * 1440, 400 * 1440)
		             : stalled && i == 0 ? mins(r, 5 * 1440, 20 * 1440)
		                                 : mins(r, 90, 60 * 30);
		if (!act(L, took, RA_RESOLVE, &in))
			return;
		if (i < reworks) {
			in = (struct action_input){.solved = -1, .note = "现场核查未处理到位，退回重办"};
			if (!act(L, mins(r, 30, 600), RA_REWORK, &in))
				return;
			continue;
		}
		if (!act(L, mins(r, 30, 900), RA_VERIFY, NULL))
			return;
		break;
	}
	/* the follow-up call: 99.2% satisfaction = 1 − dissatisfied − 0.1 × basically */
	double x = demo_rng_real(r);
	const char *fb = x < 0.0045 ? "dissatisfied" : x < 0.0395 ? "basically_satisfied" : "satisfied";
	in = (struct action_input){.solved = strcmp(fb, "dissatisfied") == 0 ? 0 : 1, .feedback = fb};
	if (!act(L, mins(r, 60, 1440), RA_RATE, &in))
		return;
	if (strcmp(L->state, "dissatisfied") != 0)
		return;
	if (demo_rng_chance(r, 0.3)) { /* explained and closed with the rating kept */
		in = (struct action_input){.solved = -1, .note = "已向诉求人解释政策，结案"};
		act(L, mins(r, 60, 1440), RA_CLOSE, &in);
		return;
	}
	in = (struct action_input){.solved = -1, .note = "诉求人不满意，重新办理"};
	if (!act(L, mins(r, 60, 600), RA_REOPEN, &in))
		return;
	in = (struct action_input){.solved = -1, .note = "重办完毕"};
	if (!act(L, mins(r, 300, 60 * 48), RA_RESOLVE, &in) || !act(L, mins(r, 30, 600), RA_VERIFY, NULL))
		return;
	act(L, mins(r, 60, 1440), RA_CLOSE, NULL);
}

static enum err one_request(struct store_conn *c, struct app *app, const struct actor *a,
                            const struct world *w, const struct grid *g, int64_t t,
                            struct demo_rng *r, int64_t now, struct demo_request_stats *st,
                            struct errinfo *ei)
{
	struct request_input in = {0};
	in.source = pick(r, sources, source_w, 5);
	in.kind = pick(r, kinds, kind_w, 6);
	in.urgency = pick(r, urgencies, urgency_w, 3);
	int k = demo_rng_int(r, 0, w->ncats - 1);
	in.category_id = w->cat[k].id;
	char title[2 * AREA_NAME_MAX * 4 + 2], desc[4 * AREA_NAME_MAX * 4], addr[AREA_NAME_MAX * 4 + 32], name[NAME_BYTES], phone[12];
	snprintf(title, sizeof title, "%s%s", g->name, w->cat[k].name);
	snprintf(addr, sizeof addr, "%s%d号楼附近", g->name, demo_rng_int(r, 1, 30));
	snprintf(desc, sizeof desc, "诉求人%s：%s存在%s问题，%s。", in.source[0] == 'h' ? "来电" : "",
	         addr, w->cat[k].name, what[demo_rng_int(r, 0, 4)]);
	in.title = title;
	in.description = desc;
	in.address = addr;
	in.area_id = g->id;
	if (g->has_point) {
		in.has_point = true;
		in.lng = g->lng;
		in.lat = g->lat;
		in.crs = CRS_WGS84;
	}
	names_person(r, NULL, demo_rng_chance(r, 0.5), demo_rng_int(r, 1945, 2004), name);
	names_phone(r, phone);
	in.reporter_name = name;
	in.reporter_phone = phone;
	in.anonymous = demo_rng_chance(r, 0.03);
	struct request_row *row = malloc(sizeof *row);
	if (row == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	clock_pin(t);
	enum err rc = requests_create_in(c, app, a, &in, row, ei);
	clock_pin(0);
	if (rc != ERR_OK) {
		free(row);
		st->failed++;
		return rc;
	}
	st->requests++;
	struct life L = {.c = c, .ei = ei, .app = app, .a = a, .r = r, .st = st, .now = now, .t = t,
	                 .id = row->id, .row = row, .w = w, .who = *a->who};
	L.as = *a;
	L.as.who = &L.who;
	snprintf(L.state, sizeof L.state, "registered");
	double x = demo_rng_real(r);
	if (x < 0.008) {
		struct action_input v = {.solved = -1, .reason = "重复来电或信息不全，无法核实"};
		act(&L, mins(r, 5, 50), RA_INVALIDATE, &v);
		free(row);
		return L.rc;
	}
	if (strcmp(in.kind, "consultation") == 0 && x < 0.75) { /* answered on the call */
		struct action_input v = {.solved = -1, .note = "已向来电人解答相关政策"};
		act(&L, mins(r, 3, 20), RA_ANSWER, &v);
		free(row);
		return L.rc;
	}
	if (act(&L, mins(r, 5, 45), RA_ACCEPT, NULL))
		handle(&L, w, g);
	free(row);
	return L.rc;
}

/* One street's day: one transaction. */
struct day_ctx {
	struct app *app;
	const struct actor *a;
	const struct world *w;
	int s;
	int64_t day, now, offset; /* offset: the district's zone (office hours' tz), seconds */
	double per_day;
	struct demo_rng *r;
	struct demo_request_stats *st;
};

static enum err day_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct day_ctx *x = arg;
	const struct world *w = x->w;
	struct demo_rng *r = x->r;
	/* weekdays busier than weekends (day 0, 1970-01-01, was a Thursday) */
	int dow = (int)((x->day + 3) % 7); /* 0 Monday */
	double mean = x->per_day * (dow >= 5 ? 0.75 : 1.1);
	int n = (int)(mean * (0.8 + 0.4 * demo_rng_real(r)) + 0.5);
	for (int i = 0; i < n; i++) {
		/* local 07:00–22:00, busiest mid-morning */
		double u = (demo_rng_real(r) + demo_rng_real(r)) / 2;
		int64_t t = x->day * 86400 - x->offset + 7 * 3600 + (int64_t)(u * 15 * 3600);
		const struct grid *g = &w->grids[w->street[x->s].first +
		                                 demo_rng_int(r, 0, w->street[x->s].n - 1)];
		if (t > x->now - 60)
			continue;
		enum err rc = one_request(c, x->app, x->a, w, g, t, r, x->now, x->st, ei);
		if (rc != ERR_OK)
			return rc;
	}
	return ERR_OK;
}

void demo_request_options_default(struct demo_request_options *o, bool small)
{
	memset(o, 0, sizeof *o);
	o->seed = 20261123;
	o->days = small ? 14 : 180;
	o->seed_per_day = small ? 20 : 70;
	o->other_min = small ? 0 : 10;
	o->other_max = small ? 0 : 30;
	o->other_days = small ? 0 : 14;
}

/* One district's history: every street of it, day by day. */
static enum err district_requests(struct app *app, const struct demo_request_options *o,
                                  struct world *w, const struct actor *a, int64_t now,
                                  double every_per_day,
                                  struct demo_request_stats *out, struct errinfo *ei)
{
	enum err rc = store_read(app->store, world_fn, w, ei);
	if (rc != ERR_OK)
		return rc;
	if (w->ncats == 0 || w->nstreets == 0)
		return err_set(ei, ERR_INVALID, "district", "district %s has no streets or no categories",
		               w->district);
	int64_t offset = (int64_t)app->office.tz_offset_min * 60;
	int64_t today = (now + offset) / 86400; /* the local day number */
	for (int s = 0; s < w->nstreets; s++) {
		if (w->street[s].n == 0)
			continue;
		bool seed = strcmp(w->street[s].code, SEED_STREET) == 0;
		struct demo_rng r;
		demo_rng_seed(&r, o->seed, demo_hash(w->street[s].code));
		double per_day = every_per_day > 0 ? every_per_day
		               : seed ? o->seed_per_day
		               : o->other_max > 0 ? demo_rng_int(&r, o->other_min, o->other_max) : 0;
		if (per_day <= 0)
			continue;
		out->streets++;
		int days = seed || every_per_day > 0 ? o->days
		         : o->other_days < o->days ? o->other_days : o->days;
		for (int64_t day = today - days + 1; day <= today; day++) {
			struct day_ctx x = {.app = app, .a = a, .w = w, .s = s, .day = day, .now = now, .offset = offset,
			                    .per_day = per_day, .r = &r, .st = out};
			struct demo_request_stats before = *out;
			if ((rc = store_write(app->store, day_fn, &x, ei)) != ERR_OK) {
				int64_t failed = out->failed;
				*out = before; /* rolled back */
				out->failed = failed;
				return rc;
			}
		}
	}
	return ERR_OK;
}

enum err demo_requests(struct app *app, const struct demo_request_options *o,
                       struct demo_request_stats *out, struct errinfo *ei)
{
	memset(out, 0, sizeof *out);
	int64_t t0 = clock_mono_ns();
	struct districts *d = calloc(1, sizeof *d);
	struct world *w = calloc(1, sizeof *w);
	if (d == NULL || w == NULL || (w->grids = calloc(MAX_GRIDS, sizeof *w->grids)) == NULL) {
		free(d);
		free(w);
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	}
	d->every = o->every_total > 0;
	enum err rc = store_read(app->store, districts_fn, d, ei);
	if (rc != ERR_OK || d->requests > 0)
		goto done;
	struct identity cli;
	struct actor a;
	cli_actor(&a, &cli);
	int64_t now = o->now > 0 ? o->now : clock_now();
	int nd = o->districts_max > 0 && o->districts_max < d->n ? o->districts_max : d->n;
	int64_t streets = 0;
	for (int i = 0; i < nd; i++)
		streets += d->streets[i];
	double every_per_day = d->every && streets > 0 && o->days > 0
	                     ? (double)o->every_total / (double)streets / o->days : 0;
	for (int i = 0; i < nd; i++) {
		struct grid *grids = w->grids;
		memset(w, 0, sizeof *w);
		w->grids = grids;
		w->district = d->code[i];
		if ((rc = district_requests(app, o, w, &a, now, every_per_day, out, ei)) != ERR_OK)
			goto done;
		if (o->progress)
			o->progress(o->progress_ctx, d->code[i], out);
	}
	/* what the scheduler finds overdue now, and a few supervised by the district */
	int done = 0;
	if ((rc = requests_sweep(app, now, &done, ei)) != ERR_OK)
		goto done;
	out->overdue = done;
done:
	clock_pin(0);
	out->seconds = (double)(clock_mono_ns() - t0) / 1e9;
	free(w->grids);
	free(w);
	free(d);
	return rc;
}

int demo_requests_load(struct app *app)
{
	const char *scale = getenv("LINLI_DEMO_SCALE");
	struct demo_request_options o;
	demo_request_options_default(&o, scale != NULL && strcmp(scale, "small") == 0);
	struct demo_request_stats s;
	struct errinfo ei;
	err_clear(&ei);
	if (demo_requests(app, &o, &s, &ei) != ERR_OK) {
		fprintf(stderr, "linli: demo requests: %s\n", ei.message);
		return 1;
	}
	if (s.requests == 0 && s.failed == 0) {
		printf("demo requests: present already\n");
		return 0;
	}
	printf("demo requests: %lld over %d days, %lld actions, %lld overdue now, in %.1f s\n",
	       (long long)s.requests, o.days, (long long)s.actions, (long long)s.overdue, s.seconds);
	if (s.failed > 0) {
		fprintf(stderr, "linli: demo requests: %lld steps refused\n", (long long)s.failed);
		return 1;
	}
	return 0;
}
