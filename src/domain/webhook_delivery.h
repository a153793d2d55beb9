/* The webhook delivery thread: picks due pending deliveries, leases each
 * (so several processes on one database never send the same row at once),
 * POSTs it signed with libcurl, and records the attempt: 2xx delivered,
 * anything else retried after webhook_backoff_jittered, parked after
 * webhook_max_attempts. Started by serve after the signal mask is set,
 * stopped before the store closes; a delivery in flight finishes first. */
#ifndef LINLI_DOMAIN_WEBHOOK_DELIVERY_H
#define LINLI_DOMAIN_WEBHOOK_DELIVERY_H

#include <stdint.h>

#include "util/err.h"

struct app;
struct webhook_sender;

#define WEBHOOK_POLL_MS 1000     /* how often the thread looks for due rows */
#define WEBHOOK_REFRESH_POLLS 5  /* … and re-reads whether any subscription is active */
#define WEBHOOK_BATCH 16         /* rows claimed at one look */

/* The outcome of one POST (also for the unit tests' fake receiver). */
struct webhook_result {
	int status;          /* HTTP status; 0 when none came */
	int64_t duration_ms;
	char error[256];     /* "" or why no response came */
	char response[1025]; /* the body's first 1 KiB, valid UTF-8 */
};

/* Sends body to url once with the headers of docs/INTEGRATION.md, the
 * timeouts and proxy of the configuration; no redirects, http(s) only.
 * Thread-safe once curl_global_init ran (webhook_sender_start does it). */
void webhook_post(const struct app *app, const char *url, const char *secret, const char *event,
                  const char *delivery_id, int64_t ts, const char *body,
                  struct webhook_result *out);

/* Deletes the delivered deliveries older than webhook_keep_days (none when
 * it is 0), at most WEBHOOK_PURGE_BATCH; *n gets how many. */
#define WEBHOOK_PURGE_BATCH 5000
#define WEBHOOK_PURGE_POLLS 3600 /* about an hour of looks */
enum err webhook_purge(struct app *app, int64_t *n, struct errinfo *ei);

/* One pass: claims and sends what is due now (at most WEBHOOK_BATCH rows).
 * *sent gets how many were tried. For the thread and the tests. */
enum err webhook_deliver_due(struct app *app, int *sent, struct errinfo *ei);

enum err webhook_sender_start(struct app *app, struct webhook_sender **out, struct errinfo *ei);
/* Attempts made so far. */
long webhook_sender_attempts(struct webhook_sender *s);
/* Wakes the thread, lets the send in flight finish, gives back the leases
 * of the rows it had claimed and not tried, joins and frees. NULL is fine. */
void webhook_sender_stop(struct webhook_sender *s);

#endif
