/* /api/v1/notifications: the caller's own inbox. */
#include "api/api.h"
#include "app.h"
#include "auth/caps.h"
#include "domain/notifications.h"
#include "limits.h"

static const struct field_spec id_param[] = {
	{.name = "id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	FIELDS_END,
};
static const struct field_spec list_query[] = {
	{.name = "unread", .type = FIELD_BOOL, .doc = "true: unread ones only"},
	{.name = "after", .type = FIELD_INT, .min = 1, .max = INT64_MAX,
	 .doc = "the last id of the page before (the answer's next): older ones"},
	{.name = "limit", .type = FIELD_INT, .min = 1, .max = LIMIT_PAGE_SIZE},
	FIELDS_END,
};

static void api_notifications_list(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	json_t *items = json_array();
	int64_t next = 0;
	bool unread = req_has(r, "unread") && req_field(r, "unread")->b;
	if (notifications_list(req_app(r), &a, unread, req_int(r, "after", 0),
	                       (int)req_int(r, "limit", LIMIT_PAGE_DEFAULT), items, &next,
	                       req_errinfo(r)) != ERR_OK) {
		json_decref(items);
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	json_t *o = json_pack("{s:o}", "items", items);
	json_object_set_new(o, "next", next > 0 ? json_integer(next) : json_null());
	reply_json(r, 200, o);
}

static void api_notifications_unread(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	int64_t n = 0;
	if (notifications_unread(req_app(r), &a, &n, req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, 200, json_pack("{s:I}", "unread", (json_int_t)n));
}

static void api_notifications_read(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	if (notifications_read(req_app(r), &a, req_int(r, "id", 0), req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, 200, json_pack("{s:b}", "read", 1));
}

static void api_notifications_read_all(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	int64_t n = 0;
	if (notifications_read_all(req_app(r), &a, &n, req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, 200, json_pack("{s:I}", "marked", (json_int_t)n));
}

const struct route notification_routes[] = {
	{HTTP_GET, "/api/v1/notifications", api_notifications_list, CAP_AUTHENTICATED, NULL,
	 list_query, NULL, "The caller's notifications, newest first, keyset-paged"},
	{HTTP_GET, "/api/v1/notifications/unread-count", api_notifications_unread, CAP_AUTHENTICATED,
	 NULL, NULL, NULL, "How many of the caller's notifications are unread"},
	{HTTP_POST, "/api/v1/notifications/{id}/read", api_notifications_read, CAP_AUTHENTICATED,
	 id_param, NULL, NULL, "Mark one of the caller's notifications read"},
	{HTTP_POST, "/api/v1/notifications/read-all", api_notifications_read_all, CAP_AUTHENTICATED,
	 NULL, NULL, NULL, "Mark every notification of the caller's read"},
	ROUTES_END,
};
