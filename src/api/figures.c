/* /api/v1/figures: the request figures of an area or a department over a
 * period (docs/REQUESTS.md "Figures"): the summary with the period before,
 * the league table and the map of the areas of a level, the trend, and
 * the figures by top-level category. Query in, domain call, JSON out. */
#include "api/api.h"
#include "app.h"
#include "domain/figures.h"

#include <string.h>

static const char *const levels[] = {"street", "community", "grid", NULL};
static const char *const orders[] = {"desc", "asc", NULL};
static const char *const bys[] = {"day", "week", "month", NULL};

#define NODE_FIELDS                                                                             \
	{.name = "area", .type = FIELD_INT, .min = 1, .max = INT64_MAX,                             \
	 .doc = "an area in the caller's scope (default: the caller's one scope)"},                 \
	{.name = "from", .type = FIELD_DATE, .required = true, .doc = "first day, YYYY-MM-DD (local)"}, \
	{.name = "to", .type = FIELD_DATE, .required = true,                                         \
	 .doc = "last day, inclusive; at most 400 days from from"}
#define DEPARTMENT_FIELD                                                                        \
	{.name = "department", .type = FIELD_INT, .min = 1, .max = INT64_MAX,                       \
	 .doc = "a department: one of the caller's unit:N, or one in their area scope"}
#define CATEGORY_FIELD                                                                          \
	{.name = "category", .type = FIELD_INT, .min = 1, .max = INT64_MAX,                         \
	 .doc = "a top-level category (default: all)"}
#define LEVEL_FIELD                                                                             \
	{.name = "level", .type = FIELD_ENUM, .values = levels,                                      \
	 .doc = "the areas of this level under area (default: the level below area)"}

static const struct field_spec figures_query[] = {
	NODE_FIELDS,
	DEPARTMENT_FIELD,
	CATEGORY_FIELD,
	FIELDS_END,
};
static const struct field_spec league_query[] = {
	NODE_FIELDS,
	CATEGORY_FIELD,
	LEVEL_FIELD,
	{.name = "sort", .type = FIELD_ENUM, .values = figure_names,
	 .doc = "the figure ranked by: a rate, avg_handle_minutes or a counter (default composite)"},
	{.name = "order", .type = FIELD_ENUM, .values = orders, .doc = "desc (default: highest first) or asc"},
	FIELDS_END,
};
static const struct field_spec trend_query[] = {
	NODE_FIELDS,
	DEPARTMENT_FIELD,
	CATEGORY_FIELD,
	{.name = "by", .type = FIELD_ENUM, .values = bys, .doc = "day (default), week (from Monday) or month"},
	FIELDS_END,
};
static const struct field_spec by_category_query[] = {
	NODE_FIELDS,
	DEPARTMENT_FIELD,
	FIELDS_END,
};
static const struct field_spec map_query[] = {
	NODE_FIELDS,
	CATEGORY_FIELD,
	LEVEL_FIELD,
	{.name = "figure", .type = FIELD_ENUM, .values = figure_names,
	 .doc = "the figure each area is coloured by (default received)"},
	FIELDS_END,
};

static void query_of(struct req *r, struct figure_query *q)
{
	memset(q, 0, sizeof *q);
	q->area_id = req_int(r, "area", 0);
	q->department_id = req_int(r, "department", 0);
	q->category_id = req_int(r, "category", 0);
	q->from = req_str(r, "from");
	q->to = req_str(r, "to");
	q->level = req_str(r, "level");
	q->sort = req_str(r, "sort");
	const char *order = req_str(r, "order");
	q->ascending = order != NULL && strcmp(order, "asc") == 0;
	q->by = req_str(r, "by");
	q->figure = req_str(r, "figure");
}

typedef enum err (*figures_call)(struct app *app, const struct actor *a,
                                 const struct figure_query *q, json_t **out, struct errinfo *ei);

static void answer(struct req *r, figures_call call)
{
	struct actor a;
	req_actor(r, &a);
	struct figure_query q;
	query_of(r, &q);
	json_t *out = NULL;
	if (call(req_app(r), &a, &q, &out, req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, 200, out);
}

static void api_figures_get(struct req *r) { answer(r, figures_get); }
static void api_figures_league(struct req *r) { answer(r, figures_league); }
static void api_figures_trend(struct req *r) { answer(r, figures_trend); }
static void api_figures_by_category(struct req *r) { answer(r, figures_by_category); }
static void api_figures_map(struct req *r) { answer(r, figures_map); }

const struct route figure_routes[] = {
	{HTTP_GET, "/api/v1/figures", api_figures_get, "figure.read", NULL, figures_query, NULL,
	 "An area's or a department's counters and rates over a period, with the period before"},
	{HTTP_GET, "/api/v1/figures/league", api_figures_league, "figure.read", NULL, league_query, NULL,
	 "The areas of a level under an area ranked by a figure"},
	{HTTP_GET, "/api/v1/figures/trend", api_figures_trend, "figure.read", NULL, trend_query, NULL,
	 "Counters and rates per day, week or month of a period"},
	{HTTP_GET, "/api/v1/figures/by-category", api_figures_by_category, "figure.read", NULL,
	 by_category_query, NULL, "Counters and rates per top-level category"},
	{HTTP_GET, "/api/v1/figures/map", api_figures_map, "figure.read", NULL, map_query, NULL,
	 "One figure per area of a level under an area, for a map"},
	ROUTES_END,
};
