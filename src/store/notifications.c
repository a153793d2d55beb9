/* SQL of the notification inbox. A fan-out is one INSERT … SELECT over
 * the accounts' tables, so it costs one statement whoever receives it. */
#include "store/notifications.h"

#include <stdio.h>
#include <string.h>

static struct store_val request_of(const struct notification_row *t)
{
	return t->request_id > 0 ? SV_INT(t->request_id) : SV_NULL;
}

enum err store_notify_scope(struct store_conn *c, const char *scope, const char *cap,
                            const struct notification_row *t, int64_t *n, struct errinfo *ei)
{
	struct store_val p[] = {SV_TEXT(t->kind), request_of(t), SV_TEXT(t->text), SV_TEXT(t->created_at),
	                        SV_TEXT(scope), SV_TEXT(cap ? cap : "")};
	static const char sql[] =
		"INSERT INTO notification (user_id, kind, request_id, text, created_at)"
		" SELECT u.id, ?, ?, ?, ? FROM app_user u WHERE u.status = 'active'"
		" AND EXISTS (SELECT 1 FROM user_scope s WHERE s.user_id = u.id AND s.scope = ?)"
		" AND EXISTS (SELECT 1 FROM user_role ur JOIN role_capability rc ON rc.role_id = ur.role_id"
		" WHERE ur.user_id = u.id AND rc.capability = ?)";
	static const char sql_any[] =
		"INSERT INTO notification (user_id, kind, request_id, text, created_at)"
		" SELECT u.id, ?, ?, ?, ? FROM app_user u WHERE u.status = 'active'"
		" AND EXISTS (SELECT 1 FROM user_scope s WHERE s.user_id = u.id AND s.scope = ?)";
	int64_t changes = 0;
	enum err rc = store_exec(c, cap ? sql : sql_any, p, cap ? 6 : 5, &changes, ei);
	if (n != NULL)
		*n = changes;
	return rc;
}

enum err store_notify_user(struct store_conn *c, const struct notification_row *t, int64_t *n,
                           struct errinfo *ei)
{
	/* INSERT … SELECT: no row for an unknown user, and no failed statement. */
	struct store_val p[] = {SV_TEXT(t->kind), request_of(t), SV_TEXT(t->text), SV_TEXT(t->created_at),
	                        SV_INT(t->user_id)};
	int64_t changes = 0;
	enum err rc = store_exec(c,
	                         "INSERT INTO notification (user_id, kind, request_id, text, created_at)"
	                         " SELECT u.id, ?, ?, ?, ? FROM app_user u WHERE u.id = ?",
	                         p, 5, &changes, ei);
	if (n != NULL)
		*n = changes;
	return rc;
}

enum err store_notification_list(struct store_conn *c, int64_t user_id, bool unread_only,
                                 int64_t before_id, int limit, notification_fn fn, void *ctx,
                                 struct errinfo *ei)
{
	char sql[512];
	snprintf(sql, sizeof sql,
	         "SELECT id, user_id, kind, request_id, text, created_at, read_at FROM notification"
	         " WHERE user_id = ?%s AND id < ? ORDER BY id DESC LIMIT ?",
	         unread_only ? " AND read_at IS NULL" : "");
	struct store_val p[] = {SV_INT(user_id), SV_INT(before_id > 0 ? before_id : INT64_MAX),
	                        SV_INT(limit)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sql, p, 3, &s, ei);
	if (rc != ERR_OK)
		return rc;
	struct notification_row r;
	int k;
	while ((k = store_next(s)) == 1) {
		memset(&r, 0, sizeof r);
		r.id = store_col_int(s, 0);
		r.user_id = store_col_int(s, 1);
		store_copy_text(r.kind, sizeof r.kind, store_col_text(s, 2, NULL));
		r.request_id = store_col_null(s, 3) ? 0 : store_col_int(s, 3);
		store_copy_text(r.text, sizeof r.text, store_col_text(s, 4, NULL));
		store_copy_text(r.created_at, sizeof r.created_at, store_col_text(s, 5, NULL));
		store_copy_text(r.read_at, sizeof r.read_at, store_col_text(s, 6, NULL));
		fn(ctx, &r);
	}
	store_done(s);
	return k < 0 ? store_step_error(k, ei, "reading notifications") : ERR_OK;
}

enum err store_notification_unread(struct store_conn *c, int64_t user_id, int64_t *n,
                                   struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(user_id)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "SELECT COUNT(*) FROM notification WHERE user_id = ? AND read_at IS NULL",
	                          p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int k = store_next(s);
	*n = k == 1 ? store_col_int(s, 0) : 0;
	store_done(s);
	return k < 0 ? store_step_error(k, ei, "counting notifications") : ERR_OK;
}

enum err store_notification_read(struct store_conn *c, int64_t user_id, int64_t id,
                                 const char *at, bool *found, struct errinfo *ei)
{
	struct store_val p[] = {SV_TEXT(at), SV_INT(id), SV_INT(user_id)};
	int64_t n = 0;
	enum err rc = store_exec(c,
	                         "UPDATE notification SET read_at = COALESCE(read_at, ?)"
	                         " WHERE id = ? AND user_id = ?",
	                         p, 3, &n, ei);
	*found = n > 0;
	return rc;
}

enum err store_notification_read_all(struct store_conn *c, int64_t user_id, const char *at,
                                     int64_t *n, struct errinfo *ei)
{
	struct store_val p[] = {SV_TEXT(at), SV_INT(user_id)};
	return store_exec(c,
	                  "UPDATE notification SET read_at = ? WHERE user_id = ? AND read_at IS NULL",
	                  p, 2, n, ei);
}
