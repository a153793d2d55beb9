/* Request counters and latency histograms per route, rendered as
 * Prometheus text with the store's queue and commit-batch figures.
 * Counting is lock-free (atomics) and safe from any thread. */
#ifndef LINLI_METRICS_H
#define LINLI_METRICS_H

#include <stdint.h>

#include "store/store.h"
#include "util/strbuf.h"

struct metrics;
struct router;

/* Slots: one per route, then "static" and "unmatched". */
struct metrics *metrics_new(const struct router *rt);
void metrics_free(struct metrics *m);
int metrics_slot_static(const struct metrics *m);
int metrics_slot_unmatched(const struct metrics *m);
void metrics_observe(struct metrics *m, int slot, unsigned status, int64_t duration_ns);
/* Appends the whole exposition to sb. st may be NULL. */
void metrics_render(struct metrics *m, struct store *st, struct strbuf *sb);

#endif
