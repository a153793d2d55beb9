/* `linli rollup-verify`: recomputes every roll-up row from the events and
 * compares with the stored tables. Each event keeps in its data the deltas
 * it added ("counts" to the request's area and every ancestor of it on the
 * local day of the event, "unit"/"unit_counts" to a department), so the
 * recomputation is a sum of those deltas, done in SQL day by day: memory
 * holds one day's rows, never the event log. The chain of ancestors is the
 * tree as it stood at each event: area moves (area_history) are replayed
 * backwards, and a day with a move is summed in pieces split at the move.
 * It checks the sums, not the rules that chose the deltas (the lifecycle's
 * tests replay the rules). */
#ifndef LINLI_DOMAIN_ROLLUP_VERIFY_H
#define LINLI_DOMAIN_ROLLUP_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "store/areas.h"
#include "util/err.h"

struct app;

struct rollup_diff {
	bool unit;            /* a department's row (request_unit_rollup), else an area's */
	int64_t id;           /* the area or the department */
	char day[40];         /* the stored day (a local YYYY-MM-DD) */
	int64_t category_id;  /* the top-level category */
	const char *counter;  /* rq_counter_names */
	int64_t stored, recomputed;
};

struct rollup_verdict {
	int64_t days;         /* days with events or stored rows */
	int64_t events;       /* events replayed */
	int64_t rows;         /* stored rows compared */
	int64_t differences;  /* counters that differ (fn was called this often) */
};

/* Runs in one read (one snapshot); fn gets each differing counter, in day
 * order. ERR_OK also when differences were found: see v->differences. */
enum err rollup_verify(struct app *app, void (*fn)(void *ctx, const struct rollup_diff *d),
                       void *ctx, struct rollup_verdict *v, struct errinfo *ei);

#endif
