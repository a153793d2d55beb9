/* The demo's request history (接诉即办): about a year of requests in the
 * demo district 110105 ending now, driven through the real lifecycle
 * (domain/requests.h) with back-dated times (util/clock.h clock_pin), so
 * the rows, events, notifications and roll-ups are exactly what the
 * server would have written. */
#ifndef LINLI_DEMO_REQUESTS_H
#define LINLI_DEMO_REQUESTS_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

struct app;

struct demo_request_stats;

struct demo_request_options {
	uint64_t seed;
	int days;              /* how many days back from today */
	double seed_per_day;   /* street 110105001's requests a day (seed 001: about 70) */
	int other_min, other_max; /* the other streets' a day, drawn per street; 0 0: none */
	int other_days;        /* the other streets' history, days back (≤ days) */
	int64_t now;           /* the history ends here (Unix seconds; 0: the clock) */
	/* `linli gen --requests`: when every_total > 0, every street of every
	 * district (not only 110105) gets an equal share of about every_total
	 * requests over days, and the seed/other settings are unused. */
	int64_t every_total;
	int districts_max;     /* with every_total: the first this many districts only (0: all) */
	void (*progress)(void *ctx, const char *district, const struct demo_request_stats *s);
	void *progress_ctx;
};

struct demo_request_stats {
	int64_t requests, actions, failed; /* failed: actions the domain refused (a bug if > 0) */
	int64_t open, overdue;
	int64_t streets;
	double seconds;
};

/* The full demo (180 days of ~70 a day for the seed street, the last 14
 * days of 10–30 a day for the others: a year of every street took nearly
 * 7 minutes, a year of the seed street alone over 2) or, small, the last
 * 14 days of the seed street only. */
void demo_request_options_default(struct demo_request_options *o, bool small);

/* Writes the history unless the database holds a request already (then
 * *out is zeroed and ERR_OK). Needs the demo registers and categories.
 * With every_per_day, out->streets counts the streets that got requests.
 * Not to be called while serving: it pins the clock. */
enum err demo_requests(struct app *app, const struct demo_request_options *o,
                       struct demo_request_stats *out, struct errinfo *ei);

/* init --demo: demo_requests with a summary line (LINLI_DEMO_SCALE=small:
 * the small history); 0 or 1. */
int demo_requests_load(struct app *app);

#endif
