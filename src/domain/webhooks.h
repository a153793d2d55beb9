/* Webhooks: subscriptions to request events, the outbox written in the
 * event's own transaction, the signature, the back-off schedule, and the
 * delivery log. Who may manage a subscription: webhook.manage and an area
 * scope covering the subscription's area (checked here, with an
 * access.denied row on refusal). Sending is domain/webhook_delivery.c. */
#ifndef LINLI_DOMAIN_WEBHOOKS_H
#define LINLI_DOMAIN_WEBHOOKS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "auth/identity.h"
#include "store/webhooks.h"

struct app;

#define WEBHOOK_SECRET_MIN 16 /* characters of a given secret */
#define WEBHOOK_SECRET_MAX 128
#define WEBHOOK_SECRET_TEXT (WEBHOOK_SECRET_MAX + 1)
#define WEBHOOK_EVENTS_MAX 40 /* names in one subscription */
#define WEBHOOK_SIG_HEX 65    /* 32-byte HMAC as hex + NUL */

/* Every event a subscription may name, NULL-terminated: request.created,
 * one per action of the request flow (request.accepted, request.dispatched …
 * request.commented), request.overdue (the scheduler), and request.* for
 * all of them. "ping" is sent by hand only and never subscribed to. */
extern const char *const webhook_events[];
#define WEBHOOK_EVENT_ALL "request.*"
/* The event name of a request_event action ("create", "dispatch",
 * "overdue" …); NULL for an action without one. */
const char *webhook_event_for_action(const char *action);
bool webhook_event_known(const char *name);

/* NULL when s (len bytes) is an http:// or https:// URL with a host, no
 * spaces or control characters and at most WEBHOOK_URL_MAX bytes, else why not. */
const char *webhook_url_check(const char *s, size_t len);
/* NULL when s is usable as a secret (WEBHOOK_SECRET_MIN..MAX printable ASCII). */
const char *webhook_secret_check(const char *s, size_t len);

/* Lower-case hex of HMAC-SHA256(key, msg). */
void webhook_hmac_hex(const char *key, size_t keylen, const char *msg, size_t len,
                      char out[WEBHOOK_SIG_HEX]);
/* The X-Linli-Signature value without "sha256=": HMAC-SHA256 with the
 * secret of "<ts>.<body>". */
void webhook_signature(const char *secret, int64_t ts, const char *body, size_t len,
                       char out[WEBHOOK_SIG_HEX]);

/* Seconds to wait after the attempt-th failed attempt (1-based) before the
 * next: base × 1, 3, 6, 30, 120, 360, 1440, 2880 (then 2880) — with base 10:
 * 10 s, 30 s, 1 min, 5 min, 20 min, 1 h, 4 h, 8 h — scaled by
 * jitter_permille/1000 (800..1200 for ±20 %) and rounded up. */
int64_t webhook_backoff_s(int base, int attempt, int jitter_permille);
/* The same with a random jitter of ±20 %. */
int64_t webhook_backoff_jittered(int base, int attempt);

/* The outbox hook, called by domain/requests.c right after each
 * request_event is appended, in the same transaction: a pending delivery
 * for every subscription that wants the event and whose area holds the
 * request (a paused one's wait until it is resumed). With no subscription
 * in this process's knowledge it costs an atomic load and a clock read
 * (and a count every 5 s; webhooks_refresh). */
enum err webhooks_enqueue(struct store_conn *c, const struct request_row *r,
                          const struct request_event_row *e, struct errinfo *ei);
/* Reads whether any subscription exists (the delivery thread, at start and
 * every few seconds; webhooks_enqueue itself when the last reading is over
 * 5 s old), so another process's new subscription is seen. */
void webhooks_refresh(struct app *app);
/* Sets the in-memory flag (tests; changes made here set it themselves). */
void webhooks_set_any(bool any);

json_t *webhook_json(const struct webhook_row *w);
json_t *webhook_delivery_json(const struct webhook_delivery_row *d);
json_t *webhook_attempt_json(const struct webhook_attempt_row *a);

struct webhook_input {
	const char *url;         /* NULL: unchanged (update) */
	json_t *events;          /* array of names; NULL: unchanged */
	int64_t area_id;         /* 0: area_code, or unchanged (update) */
	const char *area_code;   /* the area by its code (when area_id is 0; NULL: none) */
	const char *secret;      /* create: NULL generates one */
	const char *description; /* NULL: unchanged */
	int active;              /* -1: unchanged; create: -1 means active */
};

/* Subscriptions in the caller's scope (or area's subtree, checked). */
enum err webhooks_list(struct app *app, const struct actor *a, int64_t area_id, webhook_fn fn,
                       void *ctx, struct errinfo *ei);
/* secret_out gets the secret (generated or given): shown once. */
enum err webhooks_create(struct app *app, const struct actor *a, const struct webhook_input *in,
                         struct webhook_row *out, char secret_out[WEBHOOK_SECRET_TEXT],
                         struct errinfo *ei);
enum err webhooks_get(struct app *app, const struct actor *a, int64_t id, struct webhook_row *out,
                      struct errinfo *ei);
enum err webhooks_update(struct app *app, const struct actor *a, int64_t id,
                         const struct webhook_input *in, struct webhook_row *out,
                         struct errinfo *ei);
enum err webhooks_delete(struct app *app, const struct actor *a, int64_t id, struct errinfo *ei);
/* A new generated secret, shown once. */
enum err webhooks_rotate(struct app *app, const struct actor *a, int64_t id,
                         char secret_out[WEBHOOK_SECRET_TEXT], struct errinfo *ei);
enum err webhooks_deliveries(struct app *app, const struct actor *a,
                             const struct webhook_delivery_filter *f, webhook_delivery_fn fn,
                             void *ctx, int64_t *total, struct errinfo *ei);
/* One delivery with its attempts (attempts: a JSON array filled here). */
enum err webhooks_delivery_get(struct app *app, const struct actor *a, int64_t webhook_id,
                               int64_t id, struct webhook_delivery_row *out, json_t *attempts,
                               struct errinfo *ei);
/* A parked delivery pending again (ERR_CONFLICT naming status otherwise). */
enum err webhooks_redeliver(struct app *app, const struct actor *a, int64_t webhook_id, int64_t id,
                            struct webhook_delivery_row *out, struct errinfo *ei);
/* Queues a "ping" delivery to the subscription, due now. */
enum err webhooks_ping(struct app *app, const struct actor *a, int64_t id,
                       struct webhook_delivery_row *out, struct errinfo *ei);

#endif
