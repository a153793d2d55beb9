/* audit_log SQL. */
#include "store/audit.h"

#include <stdio.h>
#include <string.h>

#include "util/strbuf.h"

#define COPY(dst, s, col) snprintf((dst), sizeof(dst), "%s", store_col_text((s), (col), NULL))
#define AUDIT_COLS "id, at, COALESCE(user_id, 0), login, address, action, object, outcome," \
                   " request_id, detail, prev_hash, hash"

static void row_from(struct store_stmt *s, struct audit_row *a)
{
	memset(a, 0, sizeof *a);
	a->id = store_col_int(s, 0);
	COPY(a->at, s, 1);
	a->user_id = store_col_int(s, 2);
	COPY(a->login, s, 3);
	COPY(a->address, s, 4);
	COPY(a->action, s, 5);
	COPY(a->object, s, 6);
	COPY(a->outcome, s, 7);
	COPY(a->request_id, s, 8);
	COPY(a->detail, s, 9);
	COPY(a->prev_hash, s, 10);
	COPY(a->hash, s, 11);
}

enum err store_audit_last_hash(struct store_conn *c, char out[CRYPTO_HASH_HEX], struct errinfo *ei)
{
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1", NULL, 0, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	if (r == 1)
		snprintf(out, CRYPTO_HASH_HEX, "%s", store_col_text(s, 0, NULL));
	else
		memset(out, '0', CRYPTO_HASH_HEX - 1), out[CRYPTO_HASH_HEX - 1] = '\0';
	store_done(s);
	return r < 0 ? err_set(ei, (enum err)-r, NULL, "reading the audit chain failed") : ERR_OK;
}

enum err store_audit_insert(struct store_conn *c, struct audit_row *a, struct errinfo *ei)
{
	struct store_val p[] = {SV_TEXT(a->at), a->user_id ? SV_INT(a->user_id) : SV_NULL,
	                        SV_TEXT(a->login), SV_TEXT(a->address), SV_TEXT(a->action),
	                        SV_TEXT(a->object), SV_TEXT(a->outcome), SV_TEXT(a->request_id),
	                        SV_TEXT(a->detail), SV_TEXT(a->prev_hash), SV_TEXT(a->hash)};
	return store_exec(c,
	                  "INSERT INTO audit_log (at, user_id, login, address, action, object, outcome,"
	                  " request_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                  p, 11, NULL, ei);
}

enum err store_audit_search(struct store_conn *c, const struct audit_filter *f,
                            void (*fn)(void *ctx, const struct audit_row *a), void *ctx,
                            struct errinfo *ei)
{
	struct store_val p[10];
	int np = 0;
	struct strbuf sql;
	strbuf_init(&sql, 4096);
	strbuf_adds(&sql, "SELECT " AUDIT_COLS " FROM audit_log WHERE 1 = 1");
	const struct {
		const char *value, *cond;
	} conds[] = {
		{f->login, " AND login = ?"},   {f->action, " AND action = ?"},
		{f->object, " AND object = ?"}, {f->outcome, " AND outcome = ?"},
		{f->from, " AND at >= ?"},      {f->to, " AND at <= ?"},
	};
	for (size_t i = 0; i < sizeof conds / sizeof conds[0]; i++)
		if (conds[i].value != NULL) {
			strbuf_adds(&sql, conds[i].cond);
			p[np++] = SV_TEXT(conds[i].value);
		}
	if (f->before_id > 0) {
		strbuf_adds(&sql, " AND id < ?");
		p[np++] = SV_INT(f->before_id);
	}
	strbuf_adds(&sql, " ORDER BY id DESC LIMIT ?");
	p[np++] = SV_INT(f->limit);
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sql.buf, p, np, &s, ei);
	strbuf_free(&sql);
	if (rc != ERR_OK)
		return rc;
	int r;
	while ((r = store_next(s)) == 1) {
		struct audit_row a;
		row_from(s, &a);
		fn(ctx, &a);
	}
	store_done(s);
	return r < 0 ? err_set(ei, (enum err)-r, NULL, "searching the audit log failed") : ERR_OK;
}

enum err store_audit_walk(struct store_conn *c, bool (*fn)(void *ctx, const struct audit_row *a),
                          void *ctx, struct errinfo *ei)
{
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT " AUDIT_COLS " FROM audit_log ORDER BY id", NULL, 0, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r;
	while ((r = store_next(s)) == 1) {
		struct audit_row a;
		row_from(s, &a);
		if (!fn(ctx, &a))
			break;
	}
	store_done(s);
	return r < 0 ? err_set(ei, (enum err)-r, NULL, "reading the audit log failed") : ERR_OK;
}
