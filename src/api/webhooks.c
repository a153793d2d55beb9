/* /api/v1/webhooks: subscriptions to request events, their secrets, the
 * delivery log, redelivery and a test ping. JSON in, domain call, JSON out. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app.h"
#include "domain/webhooks.h"
#include "limits.h"

static const char *check_url(const char *s, size_t n) { return webhook_url_check(s, n); }
static const char *check_secret(const char *s, size_t n) { return webhook_secret_check(s, n); }

static const char *const delivery_statuses[] = {"pending", "delivered", "parked", NULL};

static const struct field_spec id_param[] = {
	{.name = "id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	FIELDS_END,
};
static const struct field_spec delivery_param[] = {
	{.name = "id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	{.name = "did", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX,
	 .doc = "the delivery's id in the log (not its X-Linli-Delivery)"},
	FIELDS_END,
};
static const struct field_spec list_query[] = {
	{.name = "area", .type = FIELD_INT, .min = 1, .max = INT64_MAX,
	 .doc = "subscriptions of areas in this area's subtree (default: the caller's scope)"},
	FIELDS_END,
};
#define EVENTS_FIELD(req)                                                                        \
	{.name = "events", .type = FIELD_STRINGS, .required = req, .min = 1, .max = 48,              \
	 .max_items = WEBHOOK_EVENTS_MAX,                                                            \
	 .doc = "event names (request.created, request.dispatched … or request.*), see GET /webhooks"}
static const struct field_spec create_body[] = {
	{.name = "url", .type = FIELD_STRING, .required = true, .min = 1, .max = WEBHOOK_URL_MAX,
	 .check = check_url, .doc = "http:// or https:// receiver"},
	EVENTS_FIELD(true),
	{.name = "area_id", .type = FIELD_INT, .min = 1, .max = INT64_MAX,
	 .doc = "only requests in this area's subtree; inside the caller's scope (this or area_code)"},
	{.name = "area_code", .type = FIELD_STRING, .min = 1, .max = AREA_CODE_MAX,
	 .doc = "the area by its code, instead of area_id"},
	{.name = "secret", .type = FIELD_STRING, .min = WEBHOOK_SECRET_MIN, .max = WEBHOOK_SECRET_MAX,
	 .check = check_secret, .doc = "absent: one is generated; either way shown once"},
	{.name = "description", .type = FIELD_STRING, .min = 0, .max = WEBHOOK_DESCRIPTION_MAX},
	{.name = "active", .type = FIELD_BOOL, .doc = "default true"},
	FIELDS_END,
};
static const struct field_spec update_body[] = {
	{.name = "url", .type = FIELD_STRING, .min = 1, .max = WEBHOOK_URL_MAX, .check = check_url},
	EVENTS_FIELD(false),
	{.name = "area_id", .type = FIELD_INT, .min = 1, .max = INT64_MAX},
	{.name = "area_code", .type = FIELD_STRING, .min = 1, .max = AREA_CODE_MAX},
	{.name = "description", .type = FIELD_STRING, .min = 0, .max = WEBHOOK_DESCRIPTION_MAX},
	{.name = "active", .type = FIELD_BOOL, .doc = "false pauses deliveries (they wait), true resumes"},
	FIELDS_END,
};
static const struct field_spec deliveries_query[] = {
	{.name = "status", .type = FIELD_ENUM, .values = delivery_statuses},
	{.name = "page", .type = FIELD_INT, .min = 1, .max = 1000000},
	{.name = "page_size", .type = FIELD_INT, .min = 1, .max = LIMIT_PAGE_SIZE},
	FIELDS_END,
};

static void reply_fail(struct req *r)
{
	reply_errinfo(r, req_errinfo(r));
}

static void add_webhook(void *ctx, const struct webhook_row *w)
{
	json_array_append_new(ctx, webhook_json(w));
}

static void api_webhooks_list(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	json_t *items = json_array();
	if (webhooks_list(req_app(r), &a, req_int(r, "area", 0), add_webhook, items, req_errinfo(r)) !=
	    ERR_OK) {
		json_decref(items);
		reply_fail(r);
		return;
	}
	json_t *events = json_array();
	for (int i = 0; webhook_events[i]; i++)
		json_array_append_new(events, json_string(webhook_events[i]));
	reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "events", events));
}

static void input_of(struct req *r, struct webhook_input *in)
{
	memset(in, 0, sizeof *in);
	in->url = req_str(r, "url");
	const struct field_val *ev = req_field(r, "events");
	in->events = ev && ev->present ? ev->arr : NULL;
	in->area_id = req_int(r, "area_id", 0);
	in->area_code = req_str(r, "area_code");
	in->secret = req_str(r, "secret");
	in->description = req_str(r, "description");
	in->active = req_has(r, "active") ? req_field(r, "active")->b : -1;
}

static void api_webhooks_create(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct webhook_input in;
	input_of(r, &in);
	struct webhook_row *w = calloc(1, sizeof *w);
	char secret[WEBHOOK_SECRET_TEXT];
	if (w == NULL) {
		reply_error(r, ERR_INTERNAL, NULL, "out of memory");
		return;
	}
	if (webhooks_create(req_app(r), &a, &in, w, secret, req_errinfo(r)) != ERR_OK) {
		free(w);
		reply_fail(r);
		return;
	}
	json_t *body = webhook_json(w);
	json_object_set_new(body, "secret", json_string(secret));
	memset(secret, 0, sizeof secret);
	free(w);
	reply_json(r, 201, body);
}

static void api_webhooks_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct webhook_row *w = calloc(1, sizeof *w);
	if (w == NULL) {
		reply_error(r, ERR_INTERNAL, NULL, "out of memory");
		return;
	}
	if (webhooks_get(req_app(r), &a, req_int(r, "id", 0), w, req_errinfo(r)) != ERR_OK) {
		free(w);
		reply_fail(r);
		return;
	}
	json_t *body = webhook_json(w);
	free(w);
	reply_json(r, 200, body);
}

static void api_webhooks_update(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct webhook_input in;
	input_of(r, &in);
	struct webhook_row *w = calloc(1, sizeof *w);
	if (w == NULL) {
		reply_error(r, ERR_INTERNAL, NULL, "out of memory");
		return;
	}
	if (webhooks_update(req_app(r), &a, req_int(r, "id", 0), &in, w, req_errinfo(r)) != ERR_OK) {
		free(w);
		reply_fail(r);
		return;
	}
	json_t *body = webhook_json(w);
	free(w);
	reply_json(r, 200, body);
}

static void api_webhooks_delete(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	if (webhooks_delete(req_app(r), &a, req_int(r, "id", 0), req_errinfo(r)) != ERR_OK) {
		reply_fail(r);
		return;
	}
	reply_json(r, 200, json_pack("{s:b}", "deleted", 1));
}

static void api_webhooks_secret(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	char secret[WEBHOOK_SECRET_TEXT];
	if (webhooks_rotate(req_app(r), &a, req_int(r, "id", 0), secret, req_errinfo(r)) != ERR_OK) {
		reply_fail(r);
		return;
	}
	json_t *body = json_pack("{s:s}", "secret", secret);
	memset(secret, 0, sizeof secret);
	reply_json(r, 200, body);
}

static void add_delivery(void *ctx, const struct webhook_delivery_row *d)
{
	json_array_append_new(ctx, webhook_delivery_json(d));
}

static void api_webhooks_deliveries(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	int64_t page = req_int(r, "page", 1), size = req_int(r, "page_size", LIMIT_PAGE_DEFAULT);
	struct webhook_delivery_filter f = {.webhook_id = req_int(r, "id", 0),
	                                    .status = req_str(r, "status"),
	                                    .offset = (page - 1) * size, .limit = (int)size};
	json_t *items = json_array();
	int64_t total = 0;
	if (webhooks_deliveries(req_app(r), &a, &f, add_delivery, items, &total, req_errinfo(r)) !=
	    ERR_OK) {
		json_decref(items);
		reply_fail(r);
		return;
	}
	reply_json(r, 200, json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)total,
	                             "page", (json_int_t)page, "page_size", (json_int_t)size));
}

static void api_webhooks_delivery(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct webhook_delivery_row d;
	json_t *attempts = json_array();
	if (webhooks_delivery_get(req_app(r), &a, req_int(r, "id", 0), req_int(r, "did", 0), &d,
	                          attempts, req_errinfo(r)) != ERR_OK) {
		json_decref(attempts);
		reply_fail(r);
		return;
	}
	json_t *body = webhook_delivery_json(&d);
	webhook_delivery_row_clear(&d);
	json_object_set_new(body, "attempt_log", attempts);
	reply_json(r, 200, body);
}

static void api_webhooks_redeliver(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct webhook_delivery_row d;
	if (webhooks_redeliver(req_app(r), &a, req_int(r, "id", 0), req_int(r, "did", 0), &d,
	                       req_errinfo(r)) != ERR_OK) {
		reply_fail(r);
		return;
	}
	json_t *body = webhook_delivery_json(&d);
	webhook_delivery_row_clear(&d);
	reply_json(r, 202, body);
}

static void api_webhooks_ping(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct webhook_delivery_row d;
	if (webhooks_ping(req_app(r), &a, req_int(r, "id", 0), &d, req_errinfo(r)) != ERR_OK) {
		reply_fail(r);
		return;
	}
	json_t *body = webhook_delivery_json(&d);
	webhook_delivery_row_clear(&d);
	reply_json(r, 202, body);
}

const struct route webhook_routes[] = {
	{HTTP_GET, "/api/v1/webhooks", api_webhooks_list, "webhook.manage", NULL, list_query, NULL,
	 "Webhook subscriptions in the caller's scope, with their delivery counts, and every event name"},
	{HTTP_POST, "/api/v1/webhooks", api_webhooks_create, "webhook.manage", NULL, NULL, create_body,
	 "Subscribe a URL to request events of an area (the secret is shown once)"},
	{HTTP_GET, "/api/v1/webhooks/{id}", api_webhooks_get, "webhook.manage", id_param, NULL, NULL,
	 "One subscription"},
	{HTTP_PATCH, "/api/v1/webhooks/{id}", api_webhooks_update, "webhook.manage", id_param, NULL,
	 update_body, "Change a subscription; active false pauses it, true resumes"},
	{HTTP_DELETE, "/api/v1/webhooks/{id}", api_webhooks_delete, "webhook.manage", id_param, NULL,
	 NULL, "Delete a subscription with its delivery log"},
	{HTTP_POST, "/api/v1/webhooks/{id}/secret", api_webhooks_secret, "webhook.manage", id_param,
	 NULL, NULL, "A new generated secret (shown once); the old one stops signing at once"},
	{HTTP_GET, "/api/v1/webhooks/{id}/deliveries", api_webhooks_deliveries, "webhook.manage",
	 id_param, deliveries_query, NULL, "The delivery log, newest first, by status"},
	{HTTP_GET, "/api/v1/webhooks/{id}/deliveries/{did}", api_webhooks_delivery, "webhook.manage",
	 delivery_param, NULL, NULL, "One delivery with its payload and every attempt"},
	{HTTP_POST, "/api/v1/webhooks/{id}/deliveries/{did}/redeliver", api_webhooks_redeliver,
	 "webhook.manage", delivery_param, NULL, NULL, "Send a parked delivery again"},
	{HTTP_POST, "/api/v1/webhooks/{id}/ping", api_webhooks_ping, "webhook.manage", id_param, NULL,
	 NULL, "Queue a signed test delivery (event ping)"},
	ROUTES_END,
};
