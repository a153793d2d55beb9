/* The overdue scheduler: a thread of the server that runs requests_sweep
 * once at start and then every interval, so a request whose deadline
 * passes gets its overdue event, supervision and notifications without
 * anyone looking. Each request is changed in its own version-checked
 * transaction, so several server processes on one PostgreSQL database may
 * each run a scheduler: the first to change a request wins and the others
 * find nothing left to do. */
#ifndef LINLI_DOMAIN_REQUEST_SCHEDULER_H
#define LINLI_DOMAIN_REQUEST_SCHEDULER_H

#include "util/err.h"

struct app;
struct request_scheduler;

#define REQUEST_SWEEP_INTERVAL_S 30

/* Starts the thread (the first sweep runs at once). ERR_INTERNAL if no
 * thread can be made. */
enum err request_scheduler_start(struct app *app, int interval_s, struct request_scheduler **out,
                                 struct errinfo *ei);
/* Sweeps done and requests changed so far (for tests and logs). */
void request_scheduler_counts(struct request_scheduler *s, long *sweeps, long *changed);
/* Wakes the thread, lets a sweep in progress finish its request, joins and frees. NULL is fine. */
void request_scheduler_stop(struct request_scheduler *s);

#endif
