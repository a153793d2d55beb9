/* SQL of Open311 GeoReport v2 (table open311_request, migration 0009) and
 * the time-window read of request events behind servicerequestupdates.
 * Called inside store callbacks only; no rules here (domain/open311.c). */
#ifndef LINLI_STORE_OPEN311_H
#define LINLI_STORE_OPEN311_H

#include "store/areas.h"
#include "store/categories.h"
#include "store/requests.h"
#include "store/store.h"

#define OPEN311_ID_MAX 64          /* account_id, device_id: characters */
#define OPEN311_ATTRIBUTES_MAX 8000 /* bytes of the stored JSON */
#define OPEN311_URL_MAX 500         /* media_url: characters */

struct open311_row {
	int64_t request_id, api_key_id;
	char service_code[CATEGORY_CODE_MAX + 1];
	char attributes[OPEN311_ATTRIBUTES_MAX + 1]; /* JSON object text */
	char account_id[OPEN311_ID_MAX * 4 + 1];
	char device_id[OPEN311_ID_MAX * 4 + 1];
	char media_url[OPEN311_URL_MAX * 4 + 1];
	char created_at[RQ_TIME];
};

enum err store_open311_insert(struct store_conn *c, const struct open311_row *r, struct errinfo *ei);
/* ERR_NOTFOUND when the request was not filed through Open311. */
enum err store_open311_get(struct store_conn *c, int64_t request_id, struct open311_row *r,
                           struct errinfo *ei);

/* One event of the update feed, with what the feed shows of its request. */
struct open311_update_row {
	int64_t request_id;
	int seq;
	char at[RQ_TIME];
	char action[24], to_state[24];
	const char *note, *data; /* valid during the callback */
};
/* Events at in [from, to) of requests whose area_code lies in scope (NULL:
 * every request), oldest first (at, request, seq), at most limit. */
enum err store_open311_updates(struct store_conn *c, const struct code_ranges *scope,
                               const char *from, const char *to, int limit,
                               void (*fn)(void *ctx, const struct open311_update_row *u), void *ctx,
                               struct errinfo *ei);

#endif
