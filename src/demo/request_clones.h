/* A large request history for benchmarks, fast: requests made through the
 * real lifecycle (demo/requests.h) serve as templates, and each clone
 * copies one template's row, events and summoned departments onto a random
 * grid of the city, a few days earlier. The clones' roll-ups are the sums
 * of the deltas their events carry, added to the grid and its ancestors on
 * the event's local day: exactly what `linli rollup-verify` recomputes, so
 * the history verifies clean. No notifications, audit rows or webhook
 * deliveries are cloned (they belong to the templates' moments). */
#ifndef LINLI_DEMO_REQUEST_CLONES_H
#define LINLI_DEMO_REQUEST_CLONES_H

#include <stdint.h>

#include "util/err.h"

struct app;

struct request_clone_stats {
	int64_t templates, requests, events;
	double seconds;
};

/* Adds n clones of the newest max_templates requests in the database (made
 * before, through the lifecycle), each shifted 0..shift_days whole days
 * earlier. progress (may be NULL) after each transaction. */
enum err demo_request_clones(struct app *app, int64_t n, int max_templates, int shift_days,
                             uint64_t seed, void (*progress)(void *ctx, int64_t done),
                             void *progress_ctx, struct request_clone_stats *out,
                             struct errinfo *ei);

#endif
