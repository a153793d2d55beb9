/* Accounts SQL, portable between SQLite and PostgreSQL. */
#include "store/accounts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/strbuf.h"

#define COPY(dst, s, col) snprintf((dst), sizeof(dst), "%s", store_col_text((s), (col), NULL))

/* --- users ------------------------------------------------------------------ */

#define USER_COLS "id, login, display_name, phone_masked, password_hash, status, locked_until," \
                  " failed_count, failed_since, created_at, updated_at"

static void user_from_row(struct store_stmt *s, struct user_row *u)
{
	memset(u, 0, sizeof *u);
	u->id = store_col_int(s, 0);
	COPY(u->login, s, 1);
	COPY(u->display_name, s, 2);
	COPY(u->phone_masked, s, 3);
	COPY(u->password_hash, s, 4);
	COPY(u->status, s, 5);
	u->locked_until = store_col_int(s, 6);
	u->failed_count = store_col_int(s, 7);
	u->failed_since = store_col_int(s, 8);
	COPY(u->created_at, s, 9);
	COPY(u->updated_at, s, 10);
}

static enum err user_grants_load(struct store_conn *c, struct user_row *u, struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(u->id)};
	struct store_stmt *s = NULL;
	int r;
	enum err rc = store_query(c, "SELECT role_id FROM user_role WHERE user_id = ? ORDER BY role_id",
	                          p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	u->nroles = 0;
	while ((r = store_next(s)) == 1)
		if (u->nroles < IDENTITY_ROLES_MAX)
			COPY(u->roles[u->nroles++], s, 0);
	store_done(s);
	if (r < 0)
		return store_step_error(r, ei, "reading roles");
	rc = store_query(c, "SELECT scope FROM user_scope WHERE user_id = ? ORDER BY scope", p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	u->nscopes = 0;
	while ((r = store_next(s)) == 1)
		if (u->nscopes < IDENTITY_SCOPES_MAX)
			COPY(u->scopes[u->nscopes++], s, 0);
	store_done(s);
	return r < 0 ? store_step_error(r, ei, "reading scopes") : ERR_OK;
}

static void fill_user(struct store_stmt *s, void *dst) { user_from_row(s, dst); }

static enum err user_one(struct store_conn *c, const char *sql, struct store_val p,
                         struct user_row *u, struct errinfo *ei)
{
	enum err rc = store_one_row(c, sql, &p, 1, fill_user, u, "user", ei);
	return rc == ERR_OK ? user_grants_load(c, u, ei) : rc;
}

enum err store_user_by_login(struct store_conn *c, const char *login, struct user_row *u,
                             struct errinfo *ei)
{
	return user_one(c, "SELECT " USER_COLS " FROM app_user WHERE login = ?", SV_TEXT(login), u, ei);
}

enum err store_user_by_id(struct store_conn *c, int64_t id, struct user_row *u, struct errinfo *ei)
{
	return user_one(c, "SELECT " USER_COLS " FROM app_user WHERE id = ?", SV_INT(id), u, ei);
}

enum err store_user_insert(struct store_conn *c, struct user_row *u, const char *phone_enc,
                           const char *phone_hash, struct errinfo *ei)
{
	store_mark_accounts(c);
	char now[32];
	clock_now_iso(now);
	struct store_val p[] = {
		SV_TEXT(u->login), SV_TEXT(u->display_name),
		phone_enc ? SV_TEXT(phone_enc) : SV_NULL, phone_hash ? SV_TEXT(phone_hash) : SV_NULL,
		SV_TEXT(u->phone_masked), SV_TEXT(u->password_hash), SV_TEXT(u->status[0] ? u->status : "active"),
		SV_TEXT(now), SV_TEXT(now),
	};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "INSERT INTO app_user (login, display_name, phone_enc, phone_hash,"
	                          " phone_masked, password_hash, status, created_at, updated_at)"
	                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                          p, 9, &s, ei);
	/* PostgreSQL reports the unique violation here, SQLite when stepping. */
	if (rc == ERR_CONFLICT)
		return err_set(ei, rc, "login", "the login name is taken");
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	if (r == 1)
		u->id = store_col_int(s, 0);
	store_done(s);
	if (r < 0) {
		rc = (enum err)-r;
		return rc == ERR_CONFLICT ? err_set(ei, rc, "login", "the login name is taken")
		                          : store_step_error(r, ei, "adding a user");
	}
	snprintf(u->created_at, sizeof u->created_at, "%s", now);
	snprintf(u->updated_at, sizeof u->updated_at, "%s", now);
	return store_user_set_grants(c, u, ei);
}

enum err store_user_update(struct store_conn *c, const struct user_row *u, const char *phone_enc,
                           const char *phone_hash, bool set_phone, struct errinfo *ei)
{
	store_mark_accounts(c);
	char now[32];
	clock_now_iso(now);
	struct store_val p[] = {SV_TEXT(u->display_name), SV_TEXT(u->status), SV_INT(u->locked_until),
	                        SV_INT(u->failed_count), SV_INT(u->failed_since), SV_TEXT(now),
	                        SV_INT(u->id)};
	enum err rc = store_exec(c,
	                         "UPDATE app_user SET display_name = ?, status = ?, locked_until = ?,"
	                         " failed_count = ?, failed_since = ?, updated_at = ? WHERE id = ?",
	                         p, 7, NULL, ei);
	if (rc != ERR_OK || !set_phone)
		return rc;
	struct store_val q[] = {phone_enc ? SV_TEXT(phone_enc) : SV_NULL,
	                        phone_hash ? SV_TEXT(phone_hash) : SV_NULL, SV_TEXT(u->phone_masked),
	                        SV_INT(u->id)};
	return store_exec(c, "UPDATE app_user SET phone_enc = ?, phone_hash = ?, phone_masked = ? WHERE id = ?",
	                  q, 4, NULL, ei);
}

enum err store_user_set_password(struct store_conn *c, int64_t id, const char *hash,
                                 struct errinfo *ei)
{
	store_mark_accounts(c);
	char now[32];
	clock_now_iso(now);
	struct store_val p[] = {SV_TEXT(hash), SV_TEXT(now), SV_INT(id)};
	return store_exec(c, "UPDATE app_user SET password_hash = ?, updated_at = ? WHERE id = ?", p, 3,
	                  NULL, ei);
}

enum err store_user_set_grants(struct store_conn *c, const struct user_row *u, struct errinfo *ei)
{
	store_mark_accounts(c);
	struct store_val id = SV_INT(u->id);
	enum err rc = store_exec(c, "DELETE FROM user_role WHERE user_id = ?", &id, 1, NULL, ei);
	if (rc == ERR_OK)
		rc = store_exec(c, "DELETE FROM user_scope WHERE user_id = ?", &id, 1, NULL, ei);
	for (int i = 0; rc == ERR_OK && i < u->nroles; i++) {
		struct store_val p[] = {SV_INT(u->id), SV_TEXT(u->roles[i])};
		rc = store_exec(c, "INSERT INTO user_role (user_id, role_id) VALUES (?, ?)", p, 2, NULL, ei);
		if (rc == ERR_CONFLICT) /* the role does not exist (foreign key) or is listed twice */
			return err_set(ei, ERR_INVALID, "roles", "unknown or repeated role %s", u->roles[i]);
	}
	for (int i = 0; rc == ERR_OK && i < u->nscopes; i++) {
		struct store_val p[] = {SV_INT(u->id), SV_TEXT(u->scopes[i])};
		rc = store_exec(c, "INSERT INTO user_scope (user_id, scope) VALUES (?, ?)", p, 2, NULL, ei);
		if (rc == ERR_CONFLICT)
			return err_set(ei, ERR_INVALID, "scopes", "scope %s listed twice", u->scopes[i]);
	}
	return rc;
}

/* The scope filter is part of the query: a user is listed only if none of
 * their scopes falls outside the caller's (and a user with no scope only
 * for a caller who sees everything). */
static void scope_filter_sql(struct strbuf *sb, const struct identity *within,
                             struct store_val *p, int *np)
{
	if (within == NULL)
		return;
	for (int i = 0; i < within->nscopes; i++)
		if (strcmp(within->scopes[i], "*") == 0)
			return;
	strbuf_adds(sb, " AND EXISTS (SELECT 1 FROM user_scope a WHERE a.user_id = u.id)"
	                " AND NOT EXISTS (SELECT 1 FROM user_scope us WHERE us.user_id = u.id AND NOT (");
	if (within->nscopes == 0)
		strbuf_adds(sb, "1 = 0");
	for (int i = 0; i < within->nscopes; i++) {
		strbuf_adds(sb, i ? " OR substr(us.scope, 1, ?) = ?" : "substr(us.scope, 1, ?) = ?");
		p[(*np)++] = SV_INT((int64_t)strlen(within->scopes[i]));
		p[(*np)++] = SV_TEXT(within->scopes[i]);
	}
	strbuf_adds(sb, "))");
}

enum err store_user_list(struct store_conn *c, const struct user_filter *f,
                         void (*fn)(void *ctx, const struct user_row *u), void *ctx,
                         int64_t *total, struct errinfo *ei)
{
	struct store_val p[2 * IDENTITY_SCOPES_MAX + 8];
	int np = 0;
	struct strbuf where;
	strbuf_init(&where, 8192);
	strbuf_adds(&where, " WHERE 1 = 1");
	char like[300];
	if (f->q != NULL && f->q[0]) {
		/* Escape LIKE's wildcards so the text is matched as typed. */
		size_t w = 0;
		like[w++] = '%';
		for (const char *q = f->q; *q && w < sizeof like - 3; q++) {
			if (*q == '%' || *q == '_' || *q == '\\')
				like[w++] = '\\';
			like[w++] = *q;
		}
		like[w++] = '%';
		like[w] = '\0';
		strbuf_adds(&where, " AND (u.login LIKE ? ESCAPE '\\' OR u.display_name LIKE ? ESCAPE '\\')");
		p[np++] = SV_TEXT(like);
		p[np++] = SV_TEXT(like);
	}
	if (f->status != NULL) {
		strbuf_adds(&where, " AND u.status = ?");
		p[np++] = SV_TEXT(f->status);
	}
	if (f->role != NULL) {
		strbuf_adds(&where, " AND EXISTS (SELECT 1 FROM user_role r WHERE r.user_id = u.id AND r.role_id = ?)");
		p[np++] = SV_TEXT(f->role);
	}
	scope_filter_sql(&where, f->within, p, &np);
	enum err rc = ERR_OK;
	struct strbuf sql;
	strbuf_init(&sql, 16384);
	strbuf_addf(&sql, "SELECT COUNT(*) FROM app_user u%s", where.buf);
	struct store_stmt *s = NULL;
	if ((rc = store_query(c, sql.buf, p, np, &s, ei)) != ERR_OK)
		goto out;
	int r = store_next(s);
	*total = r == 1 ? store_col_int(s, 0) : 0;
	store_done(s);
	if (r < 0) {
		rc = store_step_error(r, ei, "counting users");
		goto out;
	}
	strbuf_reset(&sql);
	strbuf_addf(&sql,
	            "SELECT u.id, u.login, u.display_name, u.phone_masked, u.password_hash, u.status,"
	            " u.locked_until, u.failed_count, u.failed_since, u.created_at, u.updated_at"
	            " FROM app_user u%s ORDER BY u.login LIMIT ? OFFSET ?",
	            where.buf);
	p[np++] = SV_INT(f->limit);
	p[np++] = SV_INT(f->offset);
	if ((rc = store_query(c, sql.buf, p, np, &s, ei)) != ERR_OK)
		goto out;
	/* Rows first, grants after: a statement stays open while rows are read. */
	struct user_row *rows = calloc((size_t)(f->limit > 0 ? f->limit : 1), sizeof *rows);
	int n = 0;
	while (rows != NULL && (r = store_next(s)) == 1 && n < f->limit)
		user_from_row(s, &rows[n++]);
	store_done(s);
	if (rows == NULL)
		rc = err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	else if (r < 0)
		rc = store_step_error(r, ei, "listing users");
	for (int i = 0; rc == ERR_OK && i < n; i++) {
		rc = user_grants_load(c, &rows[i], ei);
		if (rc == ERR_OK)
			fn(ctx, &rows[i]);
	}
	free(rows);
out:
	strbuf_free(&sql);
	strbuf_free(&where);
	return rc;
}

enum err store_identity_load(struct store_conn *c, int64_t user_id, struct identity *id,
                             struct errinfo *ei)
{
	struct user_row u;
	enum err rc = store_user_by_id(c, user_id, &u, ei);
	if (rc != ERR_OK)
		return rc;
	id->user_id = u.id;
	snprintf(id->login, sizeof id->login, "%s", u.login);
	snprintf(id->display_name, sizeof id->display_name, "%s", u.display_name);
	id->nroles = u.nroles;
	memcpy(id->roles, u.roles, sizeof id->roles);
	id->nscopes = u.nscopes;
	memcpy(id->scopes, u.scopes, sizeof id->scopes);
	struct store_val p[] = {SV_INT(user_id)};
	struct store_stmt *s = NULL;
	rc = store_query(c,
	                 "SELECT DISTINCT rc.capability FROM user_role ur"
	                 " JOIN role_capability rc ON rc.role_id = ur.role_id"
	                 " WHERE ur.user_id = ? ORDER BY rc.capability",
	                 p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r;
	id->ncaps = 0;
	while ((r = store_next(s)) == 1)
		if (id->ncaps < IDENTITY_CAPS_MAX)
			COPY(id->caps[id->ncaps++], s, 0);
	store_done(s);
	return r < 0 ? store_step_error(r, ei, "reading capabilities") : ERR_OK;
}

/* --- roles ------------------------------------------------------------------- */

enum err store_role_put(struct store_conn *c, const struct role_row *r, bool only_if_missing,
                        struct errinfo *ei)
{
	store_mark_accounts(c);
	char now[32];
	clock_now_iso(now);
	struct store_val p[] = {SV_TEXT(r->id), SV_TEXT(r->name), SV_INT(r->builtin ? 1 : 0), SV_TEXT(now)};
	int64_t changed = 0;
	enum err rc = store_exec(c,
	                         only_if_missing
	                             ? "INSERT INTO role (id, name, builtin, created_at) VALUES (?, ?, ?, ?)"
	                               " ON CONFLICT (id) DO NOTHING"
	                             : "INSERT INTO role (id, name, builtin, created_at) VALUES (?, ?, ?, ?)"
	                               " ON CONFLICT (id) DO UPDATE SET name = excluded.name",
	                         p, 4, &changed, ei);
	if (rc != ERR_OK || (only_if_missing && changed == 0))
		return rc;
	struct store_val id = SV_TEXT(r->id);
	rc = store_exec(c, "DELETE FROM role_capability WHERE role_id = ?", &id, 1, NULL, ei);
	for (int i = 0; rc == ERR_OK && i < r->ncaps; i++) {
		struct store_val q[] = {SV_TEXT(r->id), SV_TEXT(r->caps[i])};
		rc = store_exec(c, "INSERT INTO role_capability (role_id, capability) VALUES (?, ?)", q, 2,
		                NULL, ei);
		if (rc == ERR_CONFLICT)
			return err_set(ei, ERR_INVALID, "capabilities", "%s listed twice", r->caps[i]);
	}
	return rc;
}

static enum err role_caps_load(struct store_conn *c, struct role_row *r, struct errinfo *ei)
{
	struct store_val p[] = {SV_TEXT(r->id)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT capability FROM role_capability WHERE role_id = ?"
	                             " ORDER BY capability", p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int n;
	r->ncaps = 0;
	while ((n = store_next(s)) == 1)
		if (r->ncaps < IDENTITY_CAPS_MAX)
			COPY(r->caps[r->ncaps++], s, 0);
	store_done(s);
	return n < 0 ? store_step_error(n, ei, "reading capabilities") : ERR_OK;
}

enum err store_role_get(struct store_conn *c, const char *id, struct role_row *r, struct errinfo *ei)
{
	struct store_val p[] = {SV_TEXT(id)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT id, name, builtin FROM role WHERE id = ?", p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int n = store_next(s);
	if (n == 1) {
		memset(r, 0, sizeof *r);
		COPY(r->id, s, 0);
		COPY(r->name, s, 1);
		r->builtin = store_col_int(s, 2) != 0;
	}
	store_done(s);
	if (n < 0)
		return store_step_error(n, ei, "reading a role");
	if (n == 0)
		return err_set(ei, ERR_NOTFOUND, NULL, "no such role");
	return role_caps_load(c, r, ei);
}

enum err store_role_list(struct store_conn *c, void (*fn)(void *ctx, const struct role_row *r),
                         void *ctx, struct errinfo *ei)
{
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT id FROM role ORDER BY builtin DESC, id", NULL, 0, &s, ei);
	if (rc != ERR_OK)
		return rc;
	char ids[128][CAP_NAME_MAX];
	int n = 0, r;
	while ((r = store_next(s)) == 1 && n < 128)
		COPY(ids[n++], s, 0);
	store_done(s);
	if (r < 0)
		return store_step_error(r, ei, "listing roles");
	for (int i = 0; i < n; i++) {
		struct role_row row;
		if ((rc = store_role_get(c, ids[i], &row, ei)) != ERR_OK)
			return rc;
		fn(ctx, &row);
	}
	return ERR_OK;
}

enum err store_role_delete(struct store_conn *c, const char *id, struct errinfo *ei)
{
	store_mark_accounts(c);
	struct store_val p[] = {SV_TEXT(id)};
	int64_t n = 0;
	enum err rc = store_exec(c, "DELETE FROM role WHERE id = ?", p, 1, &n, ei);
	if (rc == ERR_CONFLICT)
		return err_set(ei, ERR_CONFLICT, "id", "the role is still granted to users");
	if (rc == ERR_OK && n == 0)
		return err_set(ei, ERR_NOTFOUND, NULL, "no such role");
	return rc;
}

/* --- sessions ----------------------------------------------------------------- */

enum err store_session_insert(struct store_conn *c, const char *token_hash,
                              const struct session_row *s, const char *address, struct errinfo *ei)
{
	struct store_val p[] = {SV_TEXT(token_hash), SV_INT(s->user_id), SV_TEXT(s->csrf),
	                        SV_INT(s->created_at), SV_INT(s->last_seen_at), SV_TEXT(address)};
	return store_exec(c,
	                  "INSERT INTO session (token_hash, user_id, csrf_token, created_at, last_seen_at,"
	                  " address) VALUES (?, ?, ?, ?, ?, ?)",
	                  p, 6, NULL, ei);
}

enum err store_session_get(struct store_conn *c, const char *token_hash, struct session_row *out,
                           struct errinfo *ei)
{
	struct store_val p[] = {SV_TEXT(token_hash)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT user_id, csrf_token, created_at, last_seen_at FROM session"
	                             " WHERE token_hash = ?", p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	if (r == 1) {
		out->user_id = store_col_int(s, 0);
		COPY(out->csrf, s, 1);
		out->created_at = store_col_int(s, 2);
		out->last_seen_at = store_col_int(s, 3);
	}
	store_done(s);
	if (r < 0)
		return store_step_error(r, ei, "reading a session");
	return r == 0 ? err_set(ei, ERR_NOTFOUND, NULL, "no such session") : ERR_OK;
}

enum err store_session_touch(struct store_conn *c, const char *token_hash, int64_t now,
                             struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(now), SV_TEXT(token_hash)};
	return store_exec(c, "UPDATE session SET last_seen_at = ? WHERE token_hash = ?", p, 2, NULL, ei);
}

enum err store_session_delete(struct store_conn *c, const char *token_hash, struct errinfo *ei)
{
	store_mark_accounts(c);
	struct store_val p[] = {SV_TEXT(token_hash)};
	return store_exec(c, "DELETE FROM session WHERE token_hash = ?", p, 1, NULL, ei);
}

enum err store_session_delete_user(struct store_conn *c, int64_t user_id, int64_t *n,
                                   struct errinfo *ei)
{
	store_mark_accounts(c);
	struct store_val p[] = {SV_INT(user_id)};
	return store_exec(c, "DELETE FROM session WHERE user_id = ?", p, 1, n, ei);
}

/* --- API keys ----------------------------------------------------------------- */

#define KEY_COLS "id, user_id, COALESCE(created_by, 0), name, prefix, created_at," \
                 " COALESCE(last_used_at, ''), COALESCE(revoked_at, '')"

static void key_from_row(struct store_stmt *s, struct apikey_row *k)
{
	memset(k, 0, sizeof *k);
	k->id = store_col_int(s, 0);
	k->user_id = store_col_int(s, 1);
	k->created_by = store_col_int(s, 2);
	COPY(k->name, s, 3);
	COPY(k->prefix, s, 4);
	COPY(k->created_at, s, 5);
	COPY(k->last_used_at, s, 6);
	COPY(k->revoked_at, s, 7);
}

enum err store_apikey_insert(struct store_conn *c, struct apikey_row *k, const char *key_hash,
                             struct errinfo *ei)
{
	clock_now_iso(k->created_at);
	struct store_val p[] = {SV_TEXT(k->name), SV_TEXT(k->prefix), SV_TEXT(key_hash),
	                        SV_INT(k->user_id), k->created_by ? SV_INT(k->created_by) : SV_NULL,
	                        SV_TEXT(k->created_at)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "INSERT INTO api_key (name, prefix, key_hash, user_id, created_by,"
	                          " created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
	                          p, 6, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	if (r == 1)
		k->id = store_col_int(s, 0);
	store_done(s);
	return r < 0 ? store_step_error(r, ei, "adding a key") : ERR_OK;
}

static void fill_key(struct store_stmt *s, void *dst) { key_from_row(s, dst); }

static enum err key_one(struct store_conn *c, const char *sql, struct store_val p,
                        struct apikey_row *k, struct errinfo *ei)
{
	return store_one_row(c, sql, &p, 1, fill_key, k, "key", ei);
}

enum err store_apikey_by_hash(struct store_conn *c, const char *key_hash, struct apikey_row *k,
                              struct errinfo *ei)
{
	return key_one(c, "SELECT " KEY_COLS " FROM api_key WHERE key_hash = ? AND revoked_at IS NULL",
	               SV_TEXT(key_hash), k, ei);
}

enum err store_apikey_get(struct store_conn *c, int64_t id, struct apikey_row *k, struct errinfo *ei)
{
	return key_one(c, "SELECT " KEY_COLS " FROM api_key WHERE id = ?", SV_INT(id), k, ei);
}

enum err store_apikey_list(struct store_conn *c, const struct identity *within,
                           void (*fn)(void *ctx, const struct apikey_row *k), void *ctx,
                           struct errinfo *ei)
{
	struct store_val p[2 * IDENTITY_SCOPES_MAX];
	int np = 0;
	struct strbuf sql;
	strbuf_init(&sql, 8192);
	strbuf_adds(&sql, "SELECT k.id, k.user_id, COALESCE(k.created_by, 0), k.name, k.prefix,"
	                  " k.created_at, COALESCE(k.last_used_at, ''), COALESCE(k.revoked_at, '')"
	                  " FROM api_key k JOIN app_user u ON u.id = k.user_id WHERE 1 = 1");
	scope_filter_sql(&sql, within, p, &np);
	strbuf_adds(&sql, " ORDER BY k.id DESC LIMIT 500");
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sql.buf, p, np, &s, ei);
	strbuf_free(&sql);
	if (rc != ERR_OK)
		return rc;
	int r;
	while ((r = store_next(s)) == 1) {
		struct apikey_row k;
		key_from_row(s, &k);
		fn(ctx, &k);
	}
	store_done(s);
	return r < 0 ? store_step_error(r, ei, "listing keys") : ERR_OK;
}

enum err store_apikey_touch(struct store_conn *c, int64_t id, const char *now, struct errinfo *ei)
{
	struct store_val p[] = {SV_TEXT(now), SV_INT(id)};
	return store_exec(c, "UPDATE api_key SET last_used_at = ? WHERE id = ?", p, 2, NULL, ei);
}

enum err store_apikey_revoke(struct store_conn *c, int64_t id, const char *now, struct errinfo *ei)
{
	store_mark_accounts(c);
	struct store_val p[] = {SV_TEXT(now), SV_INT(id)};
	int64_t n = 0;
	enum err rc = store_exec(c, "UPDATE api_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
	                         p, 2, &n, ei);
	return rc == ERR_OK && n == 0 ? err_set(ei, ERR_NOTFOUND, NULL, "no such live key") : rc;
}
