/* SQL of webhooks (tables webhook, webhook_delivery, webhook_attempt):
 * subscriptions, the outbox of deliveries and the attempts to send them.
 * Called inside store callbacks only; no rules here (domain/webhooks.c
 * holds them, domain/webhook_delivery.c sends). Times are UTC text
 * "YYYY-MM-DDTHH:MM:SSZ" (store_time_format). */
#ifndef LINLI_STORE_WEBHOOKS_H
#define LINLI_STORE_WEBHOOKS_H

#include <stdbool.h>

#include "store/areas.h"
#include "store/requests.h"
#include "store/store.h"

#define WEBHOOK_URL_MAX 2000        /* bytes */
#define WEBHOOK_EVENTS_TEXT 1200    /* ",a,b," of every event name */
#define WEBHOOK_DESCRIPTION_MAX 200 /* characters */
#define WEBHOOK_EXCERPT_MAX 1024    /* bytes of a response kept */
#define WEBHOOK_ERROR_MAX 256       /* bytes of an error text kept */
#define WEBHOOK_DELIVERY_ID_MAX 64

struct webhook_row {
	int64_t id, area_id, created_by;
	char url[WEBHOOK_URL_MAX + 1];
	char events[WEBHOOK_EVENTS_TEXT]; /* ",request.created,request.closed," */
	char area_code[AREA_CODE_MAX + 1];
	char area_name[AREA_NAME_MAX * 4 + 1]; /* read only */
	bool active;
	char description[WEBHOOK_DESCRIPTION_MAX * 4 + 1];
	char created_at[RQ_TIME], updated_at[RQ_TIME];
	/* read only: counts of its deliveries by status */
	int64_t pending, delivered, parked;
};

/* secret_enc (out, may be NULL) gets the sealed secret, malloc'd. */
enum err store_webhook_get(struct store_conn *c, int64_t id, struct webhook_row *w,
                           char **secret_enc, struct errinfo *ei);
typedef void (*webhook_fn)(void *ctx, const struct webhook_row *w);
/* Subscriptions whose area lies in r (NULL: all), by id, with their counts. */
enum err store_webhook_list(struct store_conn *c, const struct code_ranges *r, webhook_fn fn,
                            void *ctx, struct errinfo *ei);
/* Sets id. */
enum err store_webhook_insert(struct store_conn *c, struct webhook_row *w, const char *secret_enc,
                              struct errinfo *ei);
/* Writes url, events, area, active, description, updated_at; secret_enc too unless NULL. */
enum err store_webhook_update(struct store_conn *c, const struct webhook_row *w,
                              const char *secret_enc, struct errinfo *ei);
/* With its deliveries and their attempts. */
enum err store_webhook_delete(struct store_conn *c, int64_t id, bool *found, struct errinfo *ei);
/* Subscriptions, active or paused (the outbox's fast path asks before writing). */
enum err store_webhook_count(struct store_conn *c, int64_t *n, struct errinfo *ei);

/* The outbox: one pending delivery per subscription (active, or paused:
 * its deliveries wait until it is resumed) whose events
 * hold `event` (or request.*) and whose area's subtree holds area_code, in
 * one INSERT … SELECT. Each delivery's id is id_prefix followed by the
 * subscription's id. *added (may be NULL) gets how many. */
enum err store_webhook_outbox_add(struct store_conn *c, const char *id_prefix, const char *event,
                                  int64_t request_id, const char *area_code, const char *payload,
                                  const char *due, int64_t *added, struct errinfo *ei);
/* One delivery to one subscription (a ping), pending now. Sets d->id. */
struct webhook_delivery_row;
enum err store_webhook_delivery_insert(struct store_conn *c, struct webhook_delivery_row *d,
                                       struct errinfo *ei);

struct webhook_delivery_row {
	int64_t id, webhook_id, request_id; /* request_id 0: none */
	char delivery_id[WEBHOOK_DELIVERY_ID_MAX];
	char event[48];
	char *payload; /* malloc'd by the readers; borrowed by insert */
	char status[12];
	int attempts;
	char next_attempt_at[RQ_TIME], lease_until[RQ_TIME];
	int last_status; /* 0: no response */
	char last_error[WEBHOOK_ERROR_MAX];
	char last_response[WEBHOOK_EXCERPT_MAX + 1];
	int64_t last_duration_ms; /* -1: never tried */
	char created_at[RQ_TIME], updated_at[RQ_TIME], delivered_at[RQ_TIME];
};
/* Frees payload. */
void webhook_delivery_row_clear(struct webhook_delivery_row *d);

struct webhook_delivery_filter {
	int64_t webhook_id;
	const char *status; /* NULL: any */
	int64_t offset;
	int limit;
};
typedef void (*webhook_delivery_fn)(void *ctx, const struct webhook_delivery_row *d);
/* Newest first; *total counts them all. */
enum err store_webhook_deliveries(struct store_conn *c, const struct webhook_delivery_filter *f,
                                  webhook_delivery_fn fn, void *ctx, int64_t *total,
                                  struct errinfo *ei);
/* The delivery id of webhook webhook_id; ERR_NOTFOUND. payload malloc'd. */
enum err store_webhook_delivery_get(struct store_conn *c, int64_t webhook_id, int64_t id,
                                    struct webhook_delivery_row *d, struct errinfo *ei);

struct webhook_attempt_row {
	int64_t id, delivery_id;
	char at[RQ_TIME];
	int status; /* 0: none */
	int64_t duration_ms;
	char error[WEBHOOK_ERROR_MAX];
	char response[WEBHOOK_EXCERPT_MAX + 1];
};
/* In the order they were made. */
enum err store_webhook_attempts(struct store_conn *c, int64_t delivery_id,
                                void (*fn)(void *ctx, const struct webhook_attempt_row *a),
                                void *ctx, struct errinfo *ei);

/* The delivery thread's calls. */
/* Ids of at most limit pending deliveries of active subscriptions due at
 * now and not leased, oldest due first, with their subscriptions' ids. */
enum err store_webhook_due(struct store_conn *c, const char *now, int limit, int64_t *ids,
                           int64_t *hooks, int *n, struct errinfo *ei);
/* Takes the lease on one when nobody holds it; *won says whether we did. */
enum err store_webhook_claim(struct store_conn *c, int64_t id, const char *now,
                             const char *lease_until, bool *won, struct errinfo *ei);
/* Gives a lease back untried. */
enum err store_webhook_release(struct store_conn *c, int64_t id, struct errinfo *ei);
/* What one send needs: the delivery, its URL and sealed secret (malloc'd). */
enum err store_webhook_outgoing(struct store_conn *c, int64_t id, struct webhook_delivery_row *d,
                                char url[WEBHOOK_URL_MAX + 1], char **secret_enc,
                                struct errinfo *ei);
/* Records an attempt and the delivery's new status, attempts,
 * next_attempt_at and last_* (from d), and drops the lease. */
enum err store_webhook_record(struct store_conn *c, const struct webhook_delivery_row *d,
                              const struct webhook_attempt_row *a, struct errinfo *ei);
/* Deletes at most limit delivered deliveries (with their attempts)
 * delivered before `before`, oldest first; *n gets how many. */
enum err store_webhook_purge(struct store_conn *c, const char *before, int limit, int64_t *n,
                             struct errinfo *ei);
/* A parked delivery back to pending, due at now, attempts from 0;
 * *found false when it is not parked. */
enum err store_webhook_requeue(struct store_conn *c, int64_t webhook_id, int64_t id,
                               const char *now, bool *found, struct errinfo *ei);

#endif
