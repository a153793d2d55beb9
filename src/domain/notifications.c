/* The inbox: fan-out for the request lifecycle, and each user's reading
 * of their own notifications. */
#include "domain/notifications.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "util/clock.h"
#include "util/utf8.h"

const char *const notification_kinds[] = {"dispatched", "returned",   "overdue", "supervised",
                                          "rated_badly", "escalated", "whistled", "extension",
                                          "merged",     "summoned",   "rework",  NULL};

static bool kind_known(const char *kind)
{
	for (int i = 0; kind != NULL && notification_kinds[i]; i++)
		if (strcmp(kind, notification_kinds[i]) == 0)
			return true;
	return false;
}

/* The row every recipient gets a copy of. */
static enum err prepare(struct notification_row *t, const char *kind, int64_t request_id,
                         const char *text, struct errinfo *ei)
{
	if (!kind_known(kind))
		return err_set(ei, ERR_INVALID, "kind", "unknown notification kind %.24s",
		               kind ? kind : "(none)");
	memset(t, 0, sizeof t[0]);
	snprintf(t->kind, sizeof t->kind, "%s", kind);
	t->request_id = request_id;
	/* At most NOTIFICATION_TEXT_MAX characters: cut between characters. */
	char buf[NOTIFICATION_TEXT_MAX * 4 + 1];
	utf8_copy(buf, sizeof buf, text ? text : "");
	size_t chars = 0, i = 0;
	for (; buf[i] && chars < NOTIFICATION_TEXT_MAX; i++)
		if (((unsigned char)buf[i] & 0xC0) != 0x80)
			chars++;
	while (buf[i] && ((unsigned char)buf[i] & 0xC0) == 0x80)
		i++;
	buf[i] = '\0';
	snprintf(t->text, sizeof t->text, "%s", buf);
	clock_now_iso(t->created_at);
	return ERR_OK;
}

enum err notify_area_office(struct store_conn *c, const char *area_code, const char *cap,
                            const char *kind, int64_t request_id, const char *text,
                            struct errinfo *ei)
{
	struct notification_row t;
	enum err rc = prepare(&t, kind, request_id, text, ei);
	if (rc != ERR_OK)
		return rc;
	if (area_code == NULL || area_code[0] == '\0')
		return ERR_OK;
	return store_notify_scope(c, area_code, cap, &t, NULL, ei);
}

enum err notify_unit(struct store_conn *c, int64_t unit_id, const char *cap, const char *kind,
                     int64_t request_id, const char *text, struct errinfo *ei)
{
	struct notification_row t;
	enum err rc = prepare(&t, kind, request_id, text, ei);
	if (rc != ERR_OK)
		return rc;
	char scope[40];
	snprintf(scope, sizeof scope, "unit:%lld", (long long)unit_id);
	return store_notify_scope(c, scope, cap, &t, NULL, ei);
}

enum err notify_user(struct store_conn *c, int64_t user_id, const char *kind, int64_t request_id,
                     const char *text, struct errinfo *ei)
{
	struct notification_row t;
	enum err rc = prepare(&t, kind, request_id, text, ei);
	if (rc != ERR_OK)
		return rc;
	t.user_id = user_id;
	return store_notify_user(c, &t, NULL, ei);
}

json_t *notification_json(const struct notification_row *r)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)r->id, "kind", r->kind,
	                      "text", r->text, "created_at", r->created_at, "read", r->read_at[0] != 0);
	json_object_set_new(o, "request_id", r->request_id > 0 ? json_integer(r->request_id) : json_null());
	json_object_set_new(o, "read_at", r->read_at[0] ? json_string(r->read_at) : json_null());
	return o;
}

/* --- the caller's inbox --------------------------------------------------------------- */

struct inbox_ctx {
	int64_t user_id, id, before, n, last;
	bool unread_only, found;
	int limit, count;
	json_t *items;
	char at[32];
};

static void add_one(void *ctx, const struct notification_row *r)
{
	struct inbox_ctx *x = ctx;
	json_array_append_new(x->items, notification_json(r));
	x->last = r->id;
	x->count++;
}

static enum err list_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct inbox_ctx *x = arg;
	return store_notification_list(c, x->user_id, x->unread_only, x->before, x->limit, add_one, x,
	                               ei);
}

/* Only a user has an inbox (the command line has none). */
static enum err owner(const struct actor *a, int64_t *user_id, struct errinfo *ei)
{
	if (a->who == NULL || a->who->user_id <= 0)
		return err_set(ei, ERR_FORBIDDEN, NULL, "only a user has notifications");
	*user_id = a->who->user_id;
	return ERR_OK;
}

enum err notifications_list(struct app *app, const struct actor *a, bool unread_only,
                            int64_t before, int limit, json_t *items, int64_t *next,
                            struct errinfo *ei)
{
	struct inbox_ctx x = {.unread_only = unread_only, .before = before, .limit = limit,
	                      .items = items};
	enum err rc = owner(a, &x.user_id, ei);
	if (rc != ERR_OK)
		return rc;
	if ((rc = store_read(app->store, list_fn, &x, ei)) != ERR_OK)
		return rc;
	if (next != NULL)
		*next = x.count == limit ? x.last : 0;
	return ERR_OK;
}

static enum err unread_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct inbox_ctx *x = arg;
	return store_notification_unread(c, x->user_id, &x->n, ei);
}

enum err notifications_unread(struct app *app, const struct actor *a, int64_t *n,
                              struct errinfo *ei)
{
	struct inbox_ctx x = {0};
	enum err rc = owner(a, &x.user_id, ei);
	if (rc == ERR_OK)
		rc = store_read(app->store, unread_fn, &x, ei);
	*n = rc == ERR_OK ? x.n : 0;
	return rc;
}

static enum err read_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct inbox_ctx *x = arg;
	if (x->id == 0)
		return store_notification_read_all(c, x->user_id, x->at, &x->n, ei);
	enum err rc = store_notification_read(c, x->user_id, x->id, x->at, &x->found, ei);
	if (rc == ERR_OK && !x->found)
		return err_set(ei, ERR_NOTFOUND, NULL, "you have no notification %lld", (long long)x->id);
	return rc;
}

enum err notifications_read(struct app *app, const struct actor *a, int64_t id,
                            struct errinfo *ei)
{
	struct inbox_ctx x = {.id = id};
	enum err rc = owner(a, &x.user_id, ei);
	if (rc != ERR_OK)
		return rc;
	if (id <= 0)
		return err_set(ei, ERR_NOTFOUND, NULL, "you have no notification %lld", (long long)id);
	clock_now_iso(x.at);
	return store_write(app->store, read_fn, &x, ei);
}

enum err notifications_read_all(struct app *app, const struct actor *a, int64_t *n,
                                struct errinfo *ei)
{
	struct inbox_ctx x = {.id = 0};
	enum err rc = owner(a, &x.user_id, ei);
	if (rc == ERR_OK) {
		clock_now_iso(x.at);
		rc = store_write(app->store, read_fn, &x, ei);
	}
	*n = rc == ERR_OK ? x.n : 0;
	return rc;
}
