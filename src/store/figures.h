/* SQL of the figures (docs/REQUESTS.md "Figures"): sums of the roll-up rows
 * (request_rollup per area, request_unit_rollup per department; written by
 * store_request_rollup_add in the events' transactions) by day, by
 * top-level category and by the areas of a level in a subtree; the count
 * of flagged requests; and what `linli rollup-verify` reads: the deltas the
 * events recorded in their data, grouped, the stored rows of one day, the
 * tree's parents and its moves. Called inside store callbacks only; no
 * rules here (domain/figures.c). Days are local "YYYY-MM-DD", times UTC
 * "YYYY-MM-DDTHH:MM:SSZ". */
#ifndef LINLI_STORE_FIGURES_H
#define LINLI_STORE_FIGURES_H

#include <stdbool.h>

#include "store/areas.h"
#include "store/requests.h"
#include "store/store.h"

/* --- reading the roll-ups (unit: request_unit_rollup of a department, else
 * request_rollup of an area; category_id 0: every category) --------------- */

/* A node's sums per day over [from, to], in day order; days without rows
 * are not called. */
enum err store_figures_by_day(struct store_conn *c, bool unit, int64_t id, const char *from,
                              const char *to, int64_t category_id,
                              void (*fn)(void *ctx, const char *day, const int64_t counts[RC__MAX]),
                              void *ctx, struct errinfo *ei);

struct figure_category {
	int64_t id;
	const char *code, *name;
	bool active;
};
/* A node's sums over [from, to] per top-level category: every top-level
 * category (zeros where it has no rows), in code order. */
enum err store_figures_by_category(struct store_conn *c, bool unit, int64_t id, const char *from,
                                   const char *to,
                                   void (*fn)(void *ctx, const struct figure_category *k,
                                              const int64_t counts[RC__MAX]),
                                   void *ctx, struct errinfo *ei);

struct figure_area {
	int64_t id;
	const char *code, *name;
};
/* The areas depth levels below the area `parent` (1: its children; the
 * level's text, "street" … "grid", checks it) that were open on some day
 * of the period (valid_to NULL or on or after from), each with its sums
 * over [from, to]: one grouped query that walks down by parent_id (never
 * through the compounds and buildings of the subtree) and reads the
 * roll-up rows of those areas only; in code order. */
enum err store_figures_areas(struct store_conn *c, int64_t parent, int depth, const char *level,
                             const char *from, const char *to, int64_t category_id,
                             void (*fn)(void *ctx, const struct figure_area *a,
                                        const int64_t counts[RC__MAX]),
                             void *ctx, struct errinfo *ei);

/* Requests registered in [from_utc, to_utc) with rework_count >= min: in
 * the area subtree of area_code, or (area_code NULL) owned now by the
 * department unit_id; of one top-level category or all (0). The partial
 * indexes of 0007_figures.sql keep it to the flagged rows. */
enum err store_figures_flagged(struct store_conn *c, const char *area_code, int64_t unit_id,
                               const char *from_utc, const char *to_utc, int64_t category_id,
                               int min, int64_t *n, struct errinfo *ei);

/* --- rollup-verify ------------------------------------------------------- */

/* The first event at or after at_from (UTC; "" when none) and the first
 * stored roll-up day (either table) after day_after ("" when none; a day
 * is text: a broken one is read as it is, up to ROLLUP_DAY_MAX - 1
 * bytes): how the replay skips the days that have neither. */
#define ROLLUP_DAY_MAX 40
enum err store_rollup_next(struct store_conn *c, const char *at_from, const char *day_after,
                           char next_at[RQ_TIME], char next_day[ROLLUP_DAY_MAX],
                           struct errinfo *ei);

/* The deltas recorded by the events with at in [at_lo, at_hi), summed in
 * SQL (json_extract on SQLite, ->> on PostgreSQL): unit false, the "counts"
 * grouped by the request's own area (key) and top-level category; unit
 * true, the "unit_counts" grouped by the event's "unit" (key) and category.
 * events gets how many events the groups hold. */
enum err store_rollup_replay(struct store_conn *c, bool unit, const char *at_lo, const char *at_hi,
                             void (*fn)(void *ctx, int64_t key, int64_t category_id,
                                        const int64_t counts[RC__MAX]),
                             void *ctx, int64_t *events, struct errinfo *ei);

/* The stored rows of one day, ordered by (area or unit, category). */
enum err store_rollup_rows(struct store_conn *c, bool unit, const char *day,
                           void (*fn)(void *ctx, int64_t key, int64_t category_id,
                                      const int64_t counts[RC__MAX]),
                           void *ctx, struct errinfo *ei);

/* An area's parent today (0: a district); ERR_NOTFOUND for no such area. */
enum err store_rollup_parent(struct store_conn *c, int64_t area_id, int64_t *parent,
                             struct errinfo *ei);

/* Every move of an area to another parent (area_history), oldest first:
 * at is clock_now_iso's "YYYY-MM-DDTHH:MM:SS.mmmZ". */
enum err store_rollup_moves(struct store_conn *c,
                            void (*fn)(void *ctx, int64_t area_id, const char *at,
                                       int64_t old_parent, int64_t new_parent),
                            void *ctx, struct errinfo *ei);

#endif
