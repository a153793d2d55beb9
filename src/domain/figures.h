/* The figures of the request lifecycle (docs/REQUESTS.md "Figures",
 * ../shared/DOMAIN.md "Figures"): sums of the roll-up rows of one node (an
 * area or a department) over a period, the rates computed from them, the
 * period before for comparison, league tables and maps of the areas of a
 * level, a trend by day, week or month, and the figures by top-level
 * category. Every answer reads roll-up rows only, never the requests
 * (except the flagged count, an indexed count of the flagged few).
 *
 * Access: the route table checks figure.read; here the node. An area must
 * lie in the caller's area scope (403 naming "area"); a department must be
 * one of the caller's unit:N scopes or a department whose area lies in
 * their area scope (403 naming "department"). Without either, the caller's
 * one scope is the node (an area, or a unit:N department); with several,
 * "area" is required. Refusals write an access.denied audit row. */
#ifndef LINLI_DOMAIN_FIGURES_H
#define LINLI_DOMAIN_FIGURES_H

#include <jansson.h>
#include <stdbool.h>

#include "auth/identity.h"
#include "config.h"
#include "store/requests.h"

struct app;

/* The rates of DOMAIN.md. */
enum figure_rate {
	FR_RESPONSE,     /* responded_in_time ÷ (received − invalid) */
	FR_SOLVE,        /* solved ÷ rated */
	FR_SATISFACTION, /* (satisfied + basic × basically_satisfied) ÷ rated */
	FR_COMPOSITE,    /* w_response × response + w_solve × solve + w_satisfaction × satisfaction */
	FR_CLOSE,        /* closed ÷ (due_to_close − held_over) */
	FR_ON_TIME,      /* closed_on_time ÷ (due_to_close − held_over) */
	FR__MAX
};
/* "response_rate", "solve_rate", "satisfaction_rate", "composite",
 * "close_rate", "on_time_rate"; NULL-terminated. */
extern const char *const figure_rate_names[];

/* The five levels of the level share, in the order of RC_LEVEL_GRID … RC_LEVEL_CITY. */
#define FIGURE_LEVELS 5
extern const char *const figure_level_names[]; /* grid, community, street, district, city */

struct figure_weights {
	double response, solve, satisfaction; /* the composite's (config figure_weights) */
	double basic;                         /* basically_satisfied's (config satisfaction_weight_basic) */
};
void figure_weights_of(const struct config *cfg, struct figure_weights *w);

/* NAN stands for "no value": a denominator of 0 (JSON null). */
struct figure_values {
	double rate[FR__MAX];
	double avg_handle_minutes;          /* handle_minutes ÷ closed */
	double level_share[FIGURE_LEVELS];  /* level_X ÷ Σ levels */
};
void figures_compute(const int64_t counts[RC__MAX], const struct figure_weights *w,
                     struct figure_values *out);

/* What a league may sort by and a map may colour by: a rate,
 * "avg_handle_minutes", or a counter; NULL-terminated. */
extern const char *const figure_names[];
/* The named figure of counts (NAN when it has no value or the name is unknown). */
double figure_value(const char *name, const int64_t counts[RC__MAX], const struct figure_values *v);

struct figure_query {
	int64_t area_id, department_id; /* one of them, or neither: the caller's one scope */
	int64_t category_id;            /* a top-level category, 0: all */
	const char *from, *to;          /* local days YYYY-MM-DD, inclusive; at most LIMIT_FIGURE_RANGE_DAYS */
	const char *level;              /* league, map: street, community, grid (default: one below the area) */
	const char *sort;               /* league: a figure_names entry (default composite) */
	bool ascending;                 /* league: lowest first (default highest first) */
	const char *by;                 /* trend: day (default), week (from Monday), month */
	const char *figure;             /* map: a figure_names entry (default composite) */
};

/* GET /figures: the node's counters, rates, rework and flagged counts, the
 * average handling time and the level share over the period, with the
 * same for the period of the same length just before and the change. */
enum err figures_get(struct app *app, const struct actor *a, const struct figure_query *q,
                     json_t **out, struct errinfo *ei);
/* GET /figures/league: the areas of a level under an area ranked by a
 * figure; those with fewer than league_min_rated rated requests follow,
 * unranked. */
enum err figures_league(struct app *app, const struct actor *a, const struct figure_query *q,
                        json_t **out, struct errinfo *ei);
/* GET /figures/trend: one item per day, week or month of the period. */
enum err figures_trend(struct app *app, const struct actor *a, const struct figure_query *q,
                       json_t **out, struct errinfo *ei);
/* GET /figures/by-category: one item per top-level category. */
enum err figures_by_category(struct app *app, const struct actor *a, const struct figure_query *q,
                             json_t **out, struct errinfo *ei);
/* GET /figures/map: the chosen figure of each area of a level under an area. */
enum err figures_map(struct app *app, const struct actor *a, const struct figure_query *q,
                     json_t **out, struct errinfo *ei);

#endif
