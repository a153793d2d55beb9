/* SQL of Open311 (store/open311.h): the open311_request rows and the
 * event feed, read on request_event_by_at. */
#include "store/open311.h"

#include <string.h>

#include "util/strbuf.h"

enum err store_open311_insert(struct store_conn *c, const struct open311_row *r, struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(r->request_id), SV_INT(r->api_key_id), SV_TEXT(r->service_code),
	                        SV_TEXT(r->attributes), SV_TEXT(r->account_id), SV_TEXT(r->device_id),
	                        SV_TEXT(r->media_url), SV_TEXT(r->created_at)};
	return store_exec(c,
	                  "INSERT INTO open311_request (request_id, api_key_id, service_code, attributes,"
	                  " account_id, device_id, media_url, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	                  p, 8, NULL, ei);
}

static void fill(struct store_stmt *s, void *out)
{
	struct open311_row *r = out;
	r->request_id = store_col_int(s, 0);
	r->api_key_id = store_col_int(s, 1);
	store_copy_text(r->service_code, sizeof r->service_code, store_col_text(s, 2, NULL));
	store_copy_text(r->attributes, sizeof r->attributes, store_col_text(s, 3, NULL));
	store_copy_text(r->account_id, sizeof r->account_id, store_col_text(s, 4, NULL));
	store_copy_text(r->device_id, sizeof r->device_id, store_col_text(s, 5, NULL));
	store_copy_text(r->media_url, sizeof r->media_url, store_col_text(s, 6, NULL));
	store_copy_text(r->created_at, sizeof r->created_at, store_col_text(s, 7, NULL));
}

enum err store_open311_get(struct store_conn *c, int64_t request_id, struct open311_row *r,
                           struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(request_id)};
	memset(r, 0, sizeof *r);
	return store_one_row(c,
	                     "SELECT request_id, api_key_id, service_code, attributes, account_id,"
	                     " device_id, media_url, created_at FROM open311_request WHERE request_id = ?",
	                     p, 1, fill, r, "Open311 request", ei);
}

enum err store_open311_updates(struct store_conn *c, const struct code_ranges *scope,
                               const char *from, const char *to, int limit,
                               void (*fn)(void *ctx, const struct open311_update_row *u), void *ctx,
                               struct errinfo *ei)
{
	struct store_val p[2 + 2 * 16 + 1];
	int np = 0;
	struct strbuf sb;
	strbuf_init(&sb, 4096);
	strbuf_adds(&sb, "SELECT e.request_id, e.seq, e.at, e.action, e.to_state, e.note, e.data"
	                 " FROM request_event e JOIN request r ON r.id = e.request_id"
	                 " WHERE e.at >= ? AND e.at < ?");
	p[np++] = SV_TEXT(from);
	p[np++] = SV_TEXT(to);
	if (scope != NULL && !scope->all)
		code_ranges_sql(scope, "r.area_code", &sb, p, &np);
	strbuf_adds(&sb, " ORDER BY e.at, e.request_id, e.seq LIMIT ?");
	p[np++] = SV_INT(limit);
	if (sb.overflow) {
		strbuf_free(&sb);
		return err_set(ei, ERR_INTERNAL, NULL, "update query too long");
	}
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sb.buf, p, np, &s, ei);
	strbuf_free(&sb);
	if (rc != ERR_OK)
		return rc;
	struct open311_update_row u;
	int k;
	while ((k = store_next(s)) == 1) {
		memset(&u, 0, sizeof u);
		u.request_id = store_col_int(s, 0);
		u.seq = (int)store_col_int(s, 1);
		store_copy_text(u.at, sizeof u.at, store_col_text(s, 2, NULL));
		store_copy_text(u.action, sizeof u.action, store_col_text(s, 3, NULL));
		store_copy_text(u.to_state, sizeof u.to_state, store_col_text(s, 4, NULL));
		u.note = store_col_text(s, 5, NULL);
		u.data = store_col_text(s, 6, NULL);
		if (u.note == NULL)
			u.note = "";
		if (u.data == NULL)
			u.data = "{}";
		fn(ctx, &u);
	}
	store_done(s);
	return k < 0 ? store_step_error(k, ei, "reading request events") : ERR_OK;
}
