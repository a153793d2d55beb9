/* The figures: sums of roll-up rows and the rates of DOMAIN.md. See
 * figures.h and docs/REQUESTS.md "Figures". */
#include "domain/figures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "domain/areas.h"
#include "limits.h"
#include "store/categories.h"
#include "store/figures.h"
#include "store/units.h"
#include "util/worktime.h"

const char *const figure_rate_names[] = {"response_rate", "solve_rate", "satisfaction_rate",
                                         "composite",     "close_rate", "on_time_rate", NULL};
const char *const figure_level_names[] = {"grid", "community", "street", "district", "city", NULL};
const char *const figure_names[] = {
	"response_rate", "solve_rate", "satisfaction_rate", "composite", "close_rate", "on_time_rate",
	"avg_handle_minutes",
	/* the counters, as rq_counter_names */
	"received", "invalid", "dispatched", "responded", "responded_in_time", "resolved", "closed",
	"closed_on_time", "due_to_close", "held_over", "rated", "solved", "satisfied",
	"basically_satisfied", "dissatisfied", "rework", "handle_minutes", "level_grid",
	"level_community", "level_street", "level_district", "level_city", "supervised", "overdue",
	NULL};

#define REWORK_FLAG 3 /* DOMAIN.md: a request failing verification three times is flagged */

/* --- formulas ------------------------------------------------------------------------------------- */

void figure_weights_of(const struct config *cfg, struct figure_weights *w)
{
	w->response = cfg->figure_weights[0];
	w->solve = cfg->figure_weights[1];
	w->satisfaction = cfg->figure_weights[2];
	w->basic = cfg->satisfaction_weight_basic;
}

static double ratio(double a, int64_t b)
{
	return b > 0 ? a / (double)b : NAN;
}

void figures_compute(const int64_t c[RC__MAX], const struct figure_weights *w,
                     struct figure_values *out)
{
	double *r = out->rate;
	r[FR_RESPONSE] = ratio((double)c[RC_RESPONDED_IN_TIME], c[RC_RECEIVED] - c[RC_INVALID]);
	r[FR_SOLVE] = ratio((double)c[RC_SOLVED], c[RC_RATED]);
	r[FR_SATISFACTION] =
		ratio((double)c[RC_SATISFIED] + w->basic * (double)c[RC_BASICALLY_SATISFIED], c[RC_RATED]);
	r[FR_COMPOSITE] = isnan(r[FR_RESPONSE]) || isnan(r[FR_SOLVE]) || isnan(r[FR_SATISFACTION])
	                      ? NAN
	                      : w->response * r[FR_RESPONSE] + w->solve * r[FR_SOLVE] +
	                            w->satisfaction * r[FR_SATISFACTION];
	/* cases held over with approval (缓办) leave the denominator */
	int64_t due = c[RC_DUE_TO_CLOSE] - c[RC_HELD_OVER];
	r[FR_CLOSE] = ratio((double)c[RC_CLOSED], due);
	r[FR_ON_TIME] = ratio((double)c[RC_CLOSED_ON_TIME], due);
	out->avg_handle_minutes = ratio((double)c[RC_HANDLE_MINUTES], c[RC_CLOSED]);
	int64_t levels = 0;
	for (int i = 0; i < FIGURE_LEVELS; i++)
		levels += c[RC_LEVEL_GRID + i];
	for (int i = 0; i < FIGURE_LEVELS; i++)
		out->level_share[i] = ratio((double)c[RC_LEVEL_GRID + i], levels);
}

double figure_value(const char *name, const int64_t counts[RC__MAX], const struct figure_values *v)
{
	for (int i = 0; i < FR__MAX; i++)
		if (strcmp(name, figure_rate_names[i]) == 0)
			return v->rate[i];
	if (strcmp(name, "avg_handle_minutes") == 0)
		return v->avg_handle_minutes;
	for (int i = 0; i < RC__MAX; i++)
		if (strcmp(name, rq_counter_names[i]) == 0)
			return (double)counts[i];
	return NAN;
}

static bool figure_known(const char *name)
{
	for (int i = 0; figure_names[i]; i++)
		if (strcmp(figure_names[i], name) == 0)
			return true;
	return false;
}

/* --- JSON ----------------------------------------------------------------------------------------- */

static json_t *real_or_null(double x, double scale)
{
	return isnan(x) ? json_null() : json_real(round(x * scale) / scale);
}
#define RATE_SCALE 1e6
#define MINUTES_SCALE 10.0

static json_t *counters_json(const int64_t c[RC__MAX])
{
	json_t *o = json_object();
	for (int i = 0; i < RC__MAX; i++)
		json_object_set_new(o, rq_counter_names[i], json_integer(c[i]));
	return o;
}

static json_t *rates_json(const struct figure_values *v)
{
	json_t *o = json_object();
	for (int i = 0; i < FR__MAX; i++)
		json_object_set_new(o, figure_rate_names[i], real_or_null(v->rate[i], RATE_SCALE));
	return o;
}

static json_t *level_share_json(const int64_t c[RC__MAX], const struct figure_values *v)
{
	json_t *a = json_array();
	for (int i = 0; i < FIGURE_LEVELS; i++)
		json_array_append_new(a, json_pack("{s:s, s:I, s:o}", "level", figure_level_names[i], "count",
		                                   (json_int_t)c[RC_LEVEL_GRID + i], "share",
		                                   real_or_null(v->level_share[i], RATE_SCALE)));
	return a;
}

/* counters, rates, rework, avg_handle_minutes: what every item carries */
static void figures_into(json_t *o, const int64_t c[RC__MAX], const struct figure_values *v)
{
	json_object_set_new(o, "counters", counters_json(c));
	json_object_set_new(o, "rates", rates_json(v));
	json_object_set_new(o, "rework", json_integer(c[RC_REWORK]));
	json_object_set_new(o, "avg_handle_minutes", real_or_null(v->avg_handle_minutes, MINUTES_SCALE));
}

/* --- the node, the period, the category ---------------------------------------------------------- */

struct node {
	bool unit;
	struct area_row area;
	struct unit_row dept;
};

static int64_t node_id(const struct node *n)
{
	return n->unit ? n->dept.id : n->area.id;
}

static json_t *node_json(const struct node *n, json_t *o)
{
	if (n->unit) {
		json_object_set_new(o, "area", json_null());
		json_object_set_new(o, "department",
		                    json_pack("{s:I, s:s, s:I, s:s}", "id", (json_int_t)n->dept.id, "name",
		                              n->dept.name, "area_id", (json_int_t)n->dept.area_id,
		                              "area_code", n->dept.area_code));
	} else {
		json_object_set_new(o, "area",
		                    json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)n->area.id, "code",
		                              n->area.code, "name", n->area.name, "level",
		                              area_level_name(n->area.level)));
		json_object_set_new(o, "department", json_null());
	}
	return o;
}

static void node_object(const struct node *n, const struct figure_query *q, char out[48])
{
	if (n->unit || (q->area_id == 0 && q->department_id > 0))
		snprintf(out, 48, "unit:%lld", (long long)(q->department_id ? q->department_id : n->dept.id));
	else
		snprintf(out, 48, "area:%lld", (long long)(q->area_id ? q->area_id : n->area.id));
}

/* The node asked for, or the caller's one scope; checked against the scope. */
static enum err resolve_node(struct store_conn *c, const struct actor *a,
                             const struct figure_query *q, bool area_only, struct node *n,
                             struct errinfo *ei)
{
	const struct identity *who = a->who;
	int64_t area_id = q->area_id, dept = q->department_id;
	memset(n, 0, sizeof *n);
	if (area_id > 0 && dept > 0)
		return err_set(ei, ERR_INVALID, "department", "give area or department, not both");
	if (area_only && dept > 0)
		return err_set(ei, ERR_INVALID, "department", "this figure is kept for areas only");
	enum err rc;
	if (area_id == 0 && dept == 0) {
		/* the caller's own node, when they have exactly one */
		const char *s = who != NULL && who->nscopes == 1 ? who->scopes[0] : "*";
		if (strcmp(s, "*") == 0 || (area_only && strncmp(s, "unit:", 5) == 0))
			return err_set(ei, ERR_INVALID, "area", "area is required (your scope is not one area)");
		if (strncmp(s, "unit:", 5) == 0) {
			dept = strtoll(s + 5, NULL, 10);
		} else {
			rc = store_area_by_code(c, s, &n->area, ei);
			if (rc == ERR_NOTFOUND)
				return err_set(ei, ERR_INVALID, "area", "area is required (your scope %s is no area)", s);
			if (rc != ERR_OK)
				return rc;
			area_id = n->area.id;
		}
	}
	if (dept > 0) {
		n->unit = true;
		rc = store_unit_get(c, dept, &n->dept, ei);
		if (rc == ERR_NOTFOUND)
			return err_set(ei, ERR_NOTFOUND, "department", "no department %lld", (long long)dept);
		if (rc != ERR_OK)
			return rc;
		if (strcmp(n->dept.kind, "department") != 0)
			return err_set(ei, ERR_UNPROCESSABLE, "department", "unit %lld is not a department",
			               (long long)dept);
		char scope[32];
		snprintf(scope, sizeof scope, "unit:%lld", (long long)dept);
		if (who != NULL && !identity_covers(who, scope) && !identity_covers(who, n->dept.area_code))
			return err_set(ei, ERR_FORBIDDEN, "department",
			               "department %lld is neither yours nor in your scope", (long long)dept);
		return ERR_OK;
	}
	rc = store_area_get(c, area_id, &n->area, ei);
	if (rc == ERR_NOTFOUND)
		return err_set(ei, ERR_NOTFOUND, "area", "no area %lld", (long long)area_id);
	if (rc != ERR_OK)
		return rc;
	if (who != NULL && !identity_covers(who, n->area.code))
		return err_set(ei, ERR_FORBIDDEN, "area", "area %s lies outside your scope", n->area.code);
	return ERR_OK;
}

struct period {
	int32_t from, to;
	char from_s[DATE_TEXT], to_s[DATE_TEXT];
};

static void period_set(struct period *p, int32_t from, int32_t to)
{
	p->from = from;
	p->to = to;
	date_format(from, p->from_s);
	date_format(to, p->to_s);
}

static enum err parse_day(const char *s, const char *field, int32_t *d, struct errinfo *ei)
{
	if (s == NULL || s[0] == '\0')
		return err_set(ei, ERR_INVALID, field, "%s is required (YYYY-MM-DD)", field);
	if (date_parse(s, strlen(s), d) != ERR_OK)
		return err_set(ei, ERR_INVALID, field, "%s must be a date YYYY-MM-DD", field);
	return ERR_OK;
}

static enum err parse_period(const struct figure_query *q, struct period *p, struct period *prev,
                             struct errinfo *ei)
{
	int32_t from, to;
	enum err rc;
	if ((rc = parse_day(q->from, "from", &from, ei)) != ERR_OK ||
	    (rc = parse_day(q->to, "to", &to, ei)) != ERR_OK)
		return rc;
	if (from > to)
		return err_set(ei, ERR_INVALID, "from", "from (%s) must not be after to (%s)", q->from, q->to);
	if (to - from + 1 > LIMIT_FIGURE_RANGE_DAYS)
		return err_set(ei, ERR_INVALID, "to", "a period is at most %d days", LIMIT_FIGURE_RANGE_DAYS);
	period_set(p, from, to);
	if (prev != NULL) /* the same length, just before */
		period_set(prev, from - (to - from + 1), from - 1);
	return ERR_OK;
}

/* The roll-ups keep top-level categories only. */
static enum err check_category(struct store_conn *c, int64_t id, struct errinfo *ei)
{
	if (id <= 0)
		return ERR_OK;
	struct category_row *k = malloc(sizeof *k);
	if (k == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	enum err rc = store_category_get(c, id, k, ei);
	if (rc == ERR_NOTFOUND)
		rc = err_set(ei, ERR_NOTFOUND, "category", "no category %lld", (long long)id);
	else if (rc == ERR_OK && k->parent_id != 0)
		rc = err_set(ei, ERR_UNPROCESSABLE, "category",
		             "figures are kept per top-level category: give the top class of %s",
		             k->code);
	free(k);
	return rc;
}

/* The UTC instant a local day starts. */
static void day_start_utc(const struct app *app, int32_t day, char out[RQ_TIME])
{
	store_time_format((int64_t)day * 86400 - (int64_t)app->office.tz_offset_min * 60, out);
}

/* Runs fn in a read and audits a refusal of the node. */
static enum err read_checked(struct app *app, const struct actor *a, const struct figure_query *q,
                             store_fn fn, void *arg, const struct node *n, struct errinfo *ei)
{
	enum err rc = store_read(app->store, fn, arg, ei);
	if (rc == ERR_FORBIDDEN) {
		char object[48];
		node_object(n, q, object);
		area_denied(app, a, object, ei);
	}
	return rc;
}

/* --- GET /figures --------------------------------------------------------------------------------- */

struct get_ctx {
	struct app *app;
	const struct actor *a;
	const struct figure_query *q;
	struct node n;
	struct period p, prev;
	int64_t now[RC__MAX], before[RC__MAX];
	int64_t flagged_now, flagged_before;
};

static enum err flagged(struct store_conn *c, const struct get_ctx *x, const struct period *p,
                        int64_t *out, struct errinfo *ei)
{
	char lo[RQ_TIME], hi[RQ_TIME];
	day_start_utc(x->app, p->from, lo);
	day_start_utc(x->app, p->to + 1, hi);
	return store_figures_flagged(c, x->n.unit ? NULL : x->n.area.code, x->n.unit ? x->n.dept.id : 0,
	                             lo, hi, x->q->category_id, REWORK_FLAG, out, ei);
}

static enum err get_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct get_ctx *x = arg;
	enum err rc;
	if ((rc = resolve_node(c, x->a, x->q, false, &x->n, ei)) != ERR_OK ||
	    (rc = check_category(c, x->q->category_id, ei)) != ERR_OK)
		return rc;
	int64_t id = node_id(&x->n);
	if ((rc = store_request_rollup_sum(c, x->n.unit, id, x->p.from_s, x->p.to_s, x->q->category_id,
	                                   x->now, ei)) != ERR_OK ||
	    (rc = store_request_rollup_sum(c, x->n.unit, id, x->prev.from_s, x->prev.to_s,
	                                   x->q->category_id, x->before, ei)) != ERR_OK ||
	    (rc = flagged(c, x, &x->p, &x->flagged_now, ei)) != ERR_OK ||
	    (rc = flagged(c, x, &x->prev, &x->flagged_before, ei)) != ERR_OK)
		return rc;
	return ERR_OK;
}

static json_t *summary_json(const struct period *p, const int64_t c[RC__MAX],
                            const struct figure_values *v, int64_t flagged_n)
{
	json_t *o = json_pack("{s:s, s:s}", "from", p->from_s, "to", p->to_s);
	figures_into(o, c, v);
	json_object_set_new(o, "flagged", json_integer(flagged_n));
	json_object_set_new(o, "level_share", level_share_json(c, v));
	return o;
}

static json_t *diff_or_null(double a, double b, double scale)
{
	return isnan(a) || isnan(b) ? json_null() : real_or_null(a - b, scale);
}

enum err figures_get(struct app *app, const struct actor *a, const struct figure_query *q,
                     json_t **out, struct errinfo *ei)
{
	*out = NULL;
	struct get_ctx *x = calloc(1, sizeof *x);
	if (x == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	x->app = app;
	x->a = a;
	x->q = q;
	enum err rc = parse_period(q, &x->p, &x->prev, ei);
	if (rc == ERR_OK)
		rc = read_checked(app, a, q, get_fn, x, &x->n, ei);
	if (rc != ERR_OK) {
		free(x);
		return rc;
	}
	struct figure_weights w;
	figure_weights_of(&app->cfg, &w);
	struct figure_values now, before;
	figures_compute(x->now, &w, &now);
	figures_compute(x->before, &w, &before);
	json_t *o = node_json(&x->n, json_object());
	json_object_set_new(o, "category_id", q->category_id > 0 ? json_integer(q->category_id) : json_null());
	json_object_set_new(o, "from", json_string(x->p.from_s));
	json_object_set_new(o, "to", json_string(x->p.to_s));
	json_object_set_new(o, "days", json_integer(x->p.to - x->p.from + 1));
	figures_into(o, x->now, &now);
	json_object_set_new(o, "flagged", json_integer(x->flagged_now));
	json_object_set_new(o, "level_share", level_share_json(x->now, &now));
	json_object_set_new(o, "weights",
	                    json_pack("{s:f, s:f, s:f, s:f}", "response", w.response, "solve", w.solve,
	                              "satisfaction", w.satisfaction, "basically_satisfied", w.basic));
	json_object_set_new(o, "previous", summary_json(&x->prev, x->before, &before, x->flagged_before));
	/* the change against the period before: counts, and rates in fractions */
	json_t *change = json_object();
	for (int i = 0; i < RC__MAX; i++)
		json_object_set_new(change, rq_counter_names[i], json_integer(x->now[i] - x->before[i]));
	for (int i = 0; i < FR__MAX; i++)
		json_object_set_new(change, figure_rate_names[i],
		                    diff_or_null(now.rate[i], before.rate[i], RATE_SCALE));
	json_object_set_new(change, "avg_handle_minutes",
	                    diff_or_null(now.avg_handle_minutes, before.avg_handle_minutes, MINUTES_SCALE));
	json_object_set_new(change, "flagged", json_integer(x->flagged_now - x->flagged_before));
	json_object_set_new(o, "change", change);
	free(x);
	*out = o;
	return ERR_OK;
}

/* --- the areas of a level: league and map --------------------------------------------------------- */

struct area_fig {
	int64_t id;
	char code[AREA_CODE_MAX + 1];
	char name[AREA_NAME_MAX * 4 + 1];
	int64_t counts[RC__MAX];
	struct figure_values v;
	double value;
	bool ranked;
	int rank;
};

struct areas_ctx {
	struct app *app;
	const struct actor *a;
	const struct figure_query *q;
	struct node n;
	struct period p;
	int level;
	const char *figure;
	struct figure_weights w;
	struct area_fig *rows;
	size_t nrows, cap;
	bool oom;
};

static void area_row_fn(void *ctx, const struct figure_area *a, const int64_t counts[RC__MAX])
{
	struct areas_ctx *x = ctx;
	if (x->oom)
		return;
	if (x->nrows == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 64;
		struct area_fig *r = realloc(x->rows, cap * sizeof *r);
		if (r == NULL) {
			x->oom = true;
			return;
		}
		x->rows = r;
		x->cap = cap;
	}
	struct area_fig *f = &x->rows[x->nrows++];
	memset(f, 0, sizeof *f);
	f->id = a->id;
	snprintf(f->code, sizeof f->code, "%s", a->code);
	snprintf(f->name, sizeof f->name, "%s", a->name);
	memcpy(f->counts, counts, sizeof f->counts);
	figures_compute(counts, &x->w, &f->v);
	f->value = figure_value(x->figure, counts, &f->v);
}

static enum err areas_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct areas_ctx *x = arg;
	const struct figure_query *q = x->q;
	enum err rc;
	if ((rc = resolve_node(c, x->a, q, true, &x->n, ei)) != ERR_OK ||
	    (rc = check_category(c, q->category_id, ei)) != ERR_OK)
		return rc;
	/* the level asked for, or the one right below the area */
	int below = x->n.area.level + 1;
	x->level = q->level != NULL ? area_level_parse(q->level) : below;
	if (q->level != NULL && (x->level < AREA_STREET || x->level > AREA_GRID))
		return err_set(ei, ERR_INVALID, "level", "level must be street, community or grid");
	if (x->level <= x->n.area.level || x->level > AREA_GRID)
		return err_set(ei, ERR_UNPROCESSABLE, "level", "%s %s has no %s below it",
		               area_level_name(x->n.area.level), x->n.area.code,
		               x->level <= AREA_GRID ? area_level_name(x->level) : "street, community or grid");
	rc = store_figures_areas(c, x->n.area.id, x->level - x->n.area.level, area_level_name(x->level),
	                         x->p.from_s, x->p.to_s, q->category_id, area_row_fn, x, ei);
	if (rc == ERR_OK && x->oom)
		rc = err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	return rc;
}

/* Runs the grouped read of the areas of a level; x->rows holds them. */
static enum err areas_read(struct app *app, const struct actor *a, const struct figure_query *q,
                           const char *figure, struct areas_ctx *x, struct errinfo *ei)
{
	memset(x, 0, sizeof *x);
	x->app = app;
	x->a = a;
	x->q = q;
	x->figure = figure;
	figure_weights_of(&app->cfg, &x->w);
	enum err rc = parse_period(q, &x->p, NULL, ei);
	if (rc == ERR_OK)
		rc = read_checked(app, a, q, areas_fn, x, &x->n, ei);
	if (rc != ERR_OK) {
		free(x->rows);
		x->rows = NULL;
	}
	return rc;
}

static json_t *areas_head(const struct areas_ctx *x)
{
	json_t *o = node_json(&x->n, json_object());
	json_object_del(o, "department");
	json_object_set_new(o, "level", json_string(area_level_name(x->level)));
	json_object_set_new(o, "category_id",
	                    x->q->category_id > 0 ? json_integer(x->q->category_id) : json_null());
	json_object_set_new(o, "from", json_string(x->p.from_s));
	json_object_set_new(o, "to", json_string(x->p.to_s));
	return o;
}

/* Ranked first; then by value (no value last), best first; then by code. */
static int league_order(const struct area_fig *a, const struct area_fig *b, bool ascending)
{
	if (a->ranked != b->ranked)
		return a->ranked ? -1 : 1;
	bool na = isnan(a->value), nb = isnan(b->value);
	if (na != nb)
		return na ? 1 : -1;
	if (!na && a->value != b->value)
		return (a->value < b->value) == ascending ? -1 : 1;
	return strcmp(a->code, b->code);
}
static int league_desc(const void *a, const void *b) { return league_order(a, b, false); }
static int league_asc(const void *a, const void *b) { return league_order(a, b, true); }

enum err figures_league(struct app *app, const struct actor *a, const struct figure_query *q,
                        json_t **out, struct errinfo *ei)
{
	*out = NULL;
	const char *sort = q->sort ? q->sort : "composite";
	if (!figure_known(sort))
		return err_set(ei, ERR_INVALID, "sort", "sort must be a rate, avg_handle_minutes or a counter");
	struct areas_ctx *x = malloc(sizeof *x);
	if (x == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	enum err rc = areas_read(app, a, q, sort, x, ei);
	if (rc != ERR_OK) {
		free(x);
		return rc;
	}
	int min = app->cfg.league_min_rated;
	for (size_t i = 0; i < x->nrows; i++)
		x->rows[i].ranked = x->rows[i].counts[RC_RATED] >= min && !isnan(x->rows[i].value);
	if (x->nrows > 1)
		qsort(x->rows, x->nrows, sizeof *x->rows, q->ascending ? league_asc : league_desc);
	json_t *o = areas_head(x);
	json_object_set_new(o, "sort", json_string(sort));
	json_object_set_new(o, "order", json_string(q->ascending ? "asc" : "desc"));
	json_object_set_new(o, "min_rated", json_integer(min));
	json_t *items = json_array();
	int64_t ranked = 0;
	for (size_t i = 0; i < x->nrows; i++) {
		struct area_fig *f = &x->rows[i];
		/* equal values share a rank (1, 2, 2, 4) */
		if (f->ranked)
			f->rank = i > 0 && x->rows[i - 1].ranked && x->rows[i - 1].value == f->value
			              ? x->rows[i - 1].rank
			              : (int)i + 1;
		ranked += f->ranked;
		json_t *it = json_pack("{s:o, s:b, s:I, s:s, s:s, s:o, s:I, s:I}", "rank",
		                       f->ranked ? json_integer(f->rank) : json_null(), "ranked", f->ranked,
		                       "area_id", (json_int_t)f->id, "code", f->code, "name", f->name,
		                       "value", real_or_null(f->value, RATE_SCALE), "received",
		                       (json_int_t)f->counts[RC_RECEIVED], "rated",
		                       (json_int_t)f->counts[RC_RATED]);
		figures_into(it, f->counts, &f->v);
		json_array_append_new(items, it);
	}
	json_object_set_new(o, "ranked_count", json_integer(ranked));
	json_object_set_new(o, "not_ranked_count", json_integer((json_int_t)x->nrows - ranked));
	json_object_set_new(o, "items", items);
	free(x->rows);
	free(x);
	*out = o;
	return ERR_OK;
}

enum err figures_map(struct app *app, const struct actor *a, const struct figure_query *q,
                     json_t **out, struct errinfo *ei)
{
	*out = NULL;
	const char *figure = q->figure ? q->figure : "received";
	if (!figure_known(figure))
		return err_set(ei, ERR_INVALID, "figure", "figure must be a rate, avg_handle_minutes or a counter");
	struct areas_ctx *x = malloc(sizeof *x);
	if (x == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	enum err rc = areas_read(app, a, q, figure, x, ei);
	if (rc != ERR_OK) {
		free(x);
		return rc;
	}
	json_t *o = areas_head(x);
	json_object_set_new(o, "figure", json_string(figure));
	json_t *items = json_array();
	double lo = NAN, hi = NAN;
	for (size_t i = 0; i < x->nrows; i++) {
		const struct area_fig *f = &x->rows[i];
		if (!isnan(f->value)) {
			lo = isnan(lo) || f->value < lo ? f->value : lo;
			hi = isnan(hi) || f->value > hi ? f->value : hi;
		}
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:o, s:I, s:I}", "area_id",
		                                       (json_int_t)f->id, "code", f->code, "name", f->name,
		                                       "value", real_or_null(f->value, RATE_SCALE),
		                                       "received", (json_int_t)f->counts[RC_RECEIVED],
		                                       "rated", (json_int_t)f->counts[RC_RATED]));
	}
	json_object_set_new(o, "min", real_or_null(lo, RATE_SCALE));
	json_object_set_new(o, "max", real_or_null(hi, RATE_SCALE));
	json_object_set_new(o, "items", items);
	free(x->rows);
	free(x);
	*out = o;
	return ERR_OK;
}

/* --- the trend ------------------------------------------------------------------------------------ */

struct bucket {
	int32_t from, to;
	int64_t counts[RC__MAX];
};

struct trend_ctx {
	struct app *app;
	const struct actor *a;
	const struct figure_query *q;
	struct node n;
	struct period p;
	struct bucket *b;
	int nb;
};

static void trend_day(void *ctx, const char *day, const int64_t counts[RC__MAX])
{
	struct trend_ctx *x = ctx;
	int32_t d;
	if (date_parse(day, strlen(day), &d) != ERR_OK)
		return;
	int lo = 0, hi = x->nb - 1;
	while (lo < hi) { /* the last bucket starting on or before d */
		int mid = (lo + hi + 1) / 2;
		if (x->b[mid].from <= d)
			lo = mid;
		else
			hi = mid - 1;
	}
	if (x->nb > 0 && x->b[lo].from <= d && d <= x->b[lo].to)
		for (int i = 0; i < RC__MAX; i++)
			x->b[lo].counts[i] += counts[i];
}

static enum err trend_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct trend_ctx *x = arg;
	enum err rc;
	if ((rc = resolve_node(c, x->a, x->q, false, &x->n, ei)) != ERR_OK ||
	    (rc = check_category(c, x->q->category_id, ei)) != ERR_OK)
		return rc;
	return store_figures_by_day(c, x->n.unit, node_id(&x->n), x->p.from_s, x->p.to_s,
	                            x->q->category_id, trend_day, x, ei);
}

/* The first day of d's bucket: d, its Monday, or the first of its month. */
static int32_t bucket_start(int32_t d, char by)
{
	if (by == 'w')
		return d - (date_weekday(d) - 1);
	if (by == 'm') {
		int y, m, dd;
		date_to_civil(d, &y, &m, &dd);
		return date_from_civil(y, m, 1);
	}
	return d;
}

enum err figures_trend(struct app *app, const struct actor *a, const struct figure_query *q,
                       json_t **out, struct errinfo *ei)
{
	*out = NULL;
	const char *by = q->by ? q->by : "day";
	if (strcmp(by, "day") != 0 && strcmp(by, "week") != 0 && strcmp(by, "month") != 0)
		return err_set(ei, ERR_INVALID, "by", "by must be day, week or month");
	struct trend_ctx x = {.app = app, .a = a, .q = q};
	enum err rc = parse_period(q, &x.p, NULL, ei);
	if (rc != ERR_OK)
		return rc;
	/* the buckets, cut to the period at both ends */
	x.b = calloc((size_t)(x.p.to - x.p.from + 1), sizeof *x.b);
	if (x.b == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	for (int32_t d = x.p.from; d <= x.p.to; d++) {
		int32_t s = bucket_start(d, by[0]);
		if (x.nb > 0 && x.b[x.nb - 1].from == (s < x.p.from ? x.p.from : s)) {
			x.b[x.nb - 1].to = d;
			continue;
		}
		x.b[x.nb].from = s < x.p.from ? x.p.from : s;
		x.b[x.nb].to = d;
		x.nb++;
	}
	rc = read_checked(app, a, q, trend_fn, &x, &x.n, ei);
	if (rc != ERR_OK) {
		free(x.b);
		return rc;
	}
	struct figure_weights w;
	figure_weights_of(&app->cfg, &w);
	json_t *o = node_json(&x.n, json_object());
	json_object_set_new(o, "category_id", q->category_id > 0 ? json_integer(q->category_id) : json_null());
	json_object_set_new(o, "from", json_string(x.p.from_s));
	json_object_set_new(o, "to", json_string(x.p.to_s));
	json_object_set_new(o, "by", json_string(by));
	json_t *items = json_array();
	for (int i = 0; i < x.nb; i++) {
		char from[DATE_TEXT], to[DATE_TEXT];
		date_format(x.b[i].from, from);
		date_format(x.b[i].to, to);
		struct figure_values v;
		figures_compute(x.b[i].counts, &w, &v);
		json_t *it = json_pack("{s:s, s:s}", "day", from, "to", to);
		figures_into(it, x.b[i].counts, &v);
		json_array_append_new(items, it);
	}
	json_object_set_new(o, "items", items);
	free(x.b);
	*out = o;
	return ERR_OK;
}

/* --- by top-level category ------------------------------------------------------------------------ */

struct cat_ctx {
	struct app *app;
	const struct actor *a;
	const struct figure_query *q;
	struct node n;
	struct period p;
	struct figure_weights w;
	json_t *items;
};

static void cat_row(void *ctx, const struct figure_category *k, const int64_t counts[RC__MAX])
{
	struct cat_ctx *x = ctx;
	struct figure_values v;
	figures_compute(counts, &x->w, &v);
	json_t *it = json_pack("{s:I, s:s, s:s, s:b}", "category_id", (json_int_t)k->id, "code", k->code,
	                       "name", k->name, "active", k->active);
	figures_into(it, counts, &v);
	json_array_append_new(x->items, it);
}

static enum err cat_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct cat_ctx *x = arg;
	enum err rc = resolve_node(c, x->a, x->q, false, &x->n, ei);
	if (rc != ERR_OK)
		return rc;
	return store_figures_by_category(c, x->n.unit, node_id(&x->n), x->p.from_s, x->p.to_s, cat_row,
	                                 x, ei);
}

enum err figures_by_category(struct app *app, const struct actor *a, const struct figure_query *q,
                             json_t **out, struct errinfo *ei)
{
	*out = NULL;
	struct cat_ctx x = {.app = app, .a = a, .q = q};
	figure_weights_of(&app->cfg, &x.w);
	enum err rc = parse_period(q, &x.p, NULL, ei);
	if (rc != ERR_OK)
		return rc;
	x.items = json_array();
	rc = read_checked(app, a, q, cat_fn, &x, &x.n, ei);
	if (rc != ERR_OK) {
		json_decref(x.items);
		return rc;
	}
	json_t *o = node_json(&x.n, json_object());
	json_object_set_new(o, "from", json_string(x.p.from_s));
	json_object_set_new(o, "to", json_string(x.p.to_s));
	json_object_set_new(o, "items", x.items);
	*out = o;
	return ERR_OK;
}
