/* SQL of units, contacts, served areas, pairings and joint committees.
 * Lists filter by scope on the indexed code columns (code_ranges_sql);
 * names of the referenced unit and area come from primary-key joins. */
#include "store/units.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/strbuf.h"

void store_like_contains(const char *q, char *out, size_t cap)
{
	size_t w = 0;
	out[w++] = '%';
	for (; q && *q && w + 3 < cap; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			out[w++] = '\\';
		out[w++] = *q;
	}
	out[w++] = '%';
	out[w] = '\0';
}

static enum err count_of(struct store_conn *c, const char *sql, const struct store_val *p, int np,
                         int64_t *n, struct errinfo *ei)
{
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sql, p, np, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	*n = r == 1 ? store_col_int(s, 0) : 0;
	store_done(s);
	return r < 0 ? store_step_error(r, ei, "counting") : ERR_OK;
}

/* Inserts with RETURNING id. */
static enum err insert_id(struct store_conn *c, const char *sql, const struct store_val *p, int np,
                          int64_t *id, struct errinfo *ei)
{
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sql, p, np, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	if (r == 1)
		*id = store_col_int(s, 0);
	store_done(s);
	if (r == 1)
		return ERR_OK;
	return store_step_error(r < 0 ? r : -(int)ERR_INTERNAL, ei, "adding a row");
}

/* --- units ------------------------------------------------------------------ */

#define UNIT_COLS                                                                         \
	"u.id, u.kind, u.name, u.credit_code, u.area_id, u.area_code, a.name, u.address,"     \
	" u.created_at, u.updated_at"
#define UNIT_FROM " FROM unit u JOIN area a ON a.id = u.area_id"

static void unit_from_row(struct store_stmt *s, void *out)
{
	struct unit_row *u = out;
	memset(u, 0, sizeof *u);
	u->id = store_col_int(s, 0);
	store_copy_text(u->kind, sizeof u->kind, store_col_text(s, 1, NULL));
	store_copy_text(u->name, sizeof u->name, store_col_text(s, 2, NULL));
	store_copy_text(u->credit_code, sizeof u->credit_code, store_col_text(s, 3, NULL));
	u->area_id = store_col_int(s, 4);
	store_copy_text(u->area_code, sizeof u->area_code, store_col_text(s, 5, NULL));
	store_copy_text(u->area_name, sizeof u->area_name, store_col_text(s, 6, NULL));
	store_copy_text(u->address, sizeof u->address, store_col_text(s, 7, NULL));
	store_copy_text(u->created_at, sizeof u->created_at, store_col_text(s, 8, NULL));
	store_copy_text(u->updated_at, sizeof u->updated_at, store_col_text(s, 9, NULL));
}

enum err store_unit_get(struct store_conn *c, int64_t id, struct unit_row *u, struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(id)};
	return store_one_row(c, "SELECT " UNIT_COLS UNIT_FROM " WHERE u.id = ?", p, 1, unit_from_row, u,
	               "unit", ei);
}

enum err store_unit_by_name(struct store_conn *c, int64_t area_id, const char *name,
                            struct unit_row *u, struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(area_id), SV_TEXT(name)};
	return store_one_row(c, "SELECT " UNIT_COLS UNIT_FROM " WHERE u.area_id = ? AND u.name = ?", p, 2,
	               unit_from_row, u, "unit", ei);
}

enum err store_unit_named_in(struct store_conn *c, const char *name, const char *const *codes,
                             int n, struct unit_row *u, int *count, struct errinfo *ei)
{
	*count = 0;
	if (n <= 0)
		return ERR_OK;
	if (n > 16)
		n = 16;
	struct store_val p[17];
	int np = 0;
	struct strbuf sb;
	strbuf_init(&sb, 2048);
	strbuf_adds(&sb, "SELECT " UNIT_COLS UNIT_FROM " WHERE u.area_code IN (");
	for (int i = 0; i < n; i++) {
		strbuf_adds(&sb, i ? ", ?" : "?");
		p[np++] = SV_TEXT(codes[i]);
	}
	strbuf_adds(&sb, ") AND u.name = ? ORDER BY u.id");
	p[np++] = SV_TEXT(name);
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sb.buf, p, np, &s, ei);
	strbuf_free(&sb);
	if (rc != ERR_OK)
		return rc;
	int r;
	while ((r = store_next(s)) == 1) {
		if (*count == 0)
			unit_from_row(s, u);
		(*count)++;
	}
	store_done(s);
	return r < 0 ? store_step_error(r, ei, "finding a unit") : ERR_OK;
}

enum err store_unit_list(struct store_conn *c, const struct unit_filter *f, unit_fn fn, void *ctx,
                         int64_t *total, struct errinfo *ei)
{
	struct store_val p[48];
	int np = 0;
	struct strbuf where, sql;
	strbuf_init(&where, 4096);
	strbuf_init(&sql, 8192);
	strbuf_adds(&where, " WHERE 1 = 1");
	code_ranges_sql(f->r, "u.area_code", &where, p, &np);
	if (f->kind != NULL) {
		strbuf_adds(&where, " AND u.kind = ?");
		p[np++] = SV_TEXT(f->kind);
	}
	char like[400];
	if (f->q != NULL && f->q[0]) {
		store_like_contains(f->q, like, sizeof like);
		strbuf_adds(&where, " AND u.name LIKE ? ESCAPE '\\'");
		p[np++] = SV_TEXT(like);
	}
	strbuf_addf(&sql, "SELECT COUNT(*) FROM unit u%s", where.buf);
	enum err rc = count_of(c, sql.buf, p, np, total, ei);
	if (rc != ERR_OK)
		goto out;
	strbuf_reset(&sql);
	strbuf_addf(&sql, "SELECT " UNIT_COLS UNIT_FROM "%s ORDER BY u.area_code, u.id LIMIT ? OFFSET ?",
	            where.buf);
	p[np++] = SV_INT(f->limit);
	p[np++] = SV_INT(f->offset);
	struct store_stmt *s = NULL;
	if ((rc = store_query(c, sql.buf, p, np, &s, ei)) != ERR_OK)
		goto out;
	int r;
	struct unit_row u;
	while ((r = store_next(s)) == 1) {
		unit_from_row(s, &u);
		fn(ctx, &u);
	}
	store_done(s);
	if (r < 0)
		rc = store_step_error(r, ei, "listing units");
out:
	strbuf_free(&where);
	strbuf_free(&sql);
	return rc;
}

enum err store_departments_for(struct store_conn *c, const char (*scopes)[SCOPE_MAX + 1], int n,
                               int limit, unit_fn fn, void *ctx, struct errinfo *ei)
{
	/* Per area scope: 3 prefixes + 2 range ends + 2 for the served areas. */
	enum { PER_SCOPE = 7 };
	struct store_val p[IDENTITY_SCOPES_MAX * PER_SCOPE + 1];
	char pre[IDENTITY_SCOPES_MAX][3][SCOPE_MAX + 1], hi[IDENTITY_SCOPES_MAX][SCOPE_MAX + 2];
	int np = 0, terms = 0;
	struct strbuf sql;
	strbuf_init(&sql, 8192);
	strbuf_adds(&sql, "SELECT " UNIT_COLS UNIT_FROM " WHERE u.kind = 'department' AND (1 = 0");
	for (int i = 0; i < n && i < IDENTITY_SCOPES_MAX; i++) {
		const char *s = scopes[i];
		if (strcmp(s, "*") == 0) {
			strbuf_adds(&sql, " OR 1 = 1");
			terms++;
			continue;
		}
		if (strncmp(s, "unit:", 5) == 0) {
			strbuf_adds(&sql, " OR u.id = ?");
			p[np++] = SV_INT(strtoll(s + 5, NULL, 10));
			terms++;
			continue;
		}
		/* the district's, the street's and the community's own departments */
		static const size_t lens[] = {6, 9, 12};
		strbuf_adds(&sql, " OR u.area_code IN (");
		for (int k = 0; k < 3; k++) {
			size_t len = strlen(s) < lens[k] ? strlen(s) : lens[k];
			memcpy(pre[i][k], s, len);
			pre[i][k][len] = '\0';
			strbuf_adds(&sql, k ? ", ?" : "?");
			p[np++] = SV_TEXT(pre[i][k]);
		}
		snprintf(hi[i], sizeof hi[i], "%s:", s);
		strbuf_adds(&sql, ") OR (u.area_code >= ? AND u.area_code < ?)"
		                  " OR EXISTS (SELECT 1 FROM department_area d JOIN area da ON da.id = d.area_id"
		                  " WHERE d.unit_id = u.id AND da.code >= ? AND da.code < ?)");
		p[np++] = SV_TEXT(s);
		p[np++] = SV_TEXT(hi[i]);
		p[np++] = SV_TEXT(s);
		p[np++] = SV_TEXT(hi[i]);
		terms++;
	}
	strbuf_adds(&sql, ") ORDER BY u.area_code, u.name LIMIT ?");
	p[np++] = SV_INT(limit);
	enum err rc = ERR_OK;
	struct store_stmt *st = NULL;
	if (terms == 0)
		goto out; /* no scope: nothing */
	if (sql.overflow) {
		rc = err_set(ei, ERR_INTERNAL, NULL, "query too long");
		goto out;
	}
	if ((rc = store_query(c, sql.buf, p, np, &st, ei)) != ERR_OK)
		goto out;
	int r;
	struct unit_row u;
	while ((r = store_next(st)) == 1) {
		unit_from_row(st, &u);
		fn(ctx, &u);
	}
	store_done(st);
	if (r < 0)
		rc = store_step_error(r, ei, "listing departments");
out:
	strbuf_free(&sql);
	return rc;
}

enum err store_unit_insert(struct store_conn *c, struct unit_row *u, struct errinfo *ei)
{
	clock_now_iso(u->created_at);
	memcpy(u->updated_at, u->created_at, sizeof u->updated_at);
	struct store_val p[] = {SV_TEXT(u->kind),      SV_TEXT(u->name),      SV_TEXT(u->credit_code),
	                        SV_INT(u->area_id),    SV_TEXT(u->area_code), SV_TEXT(u->address),
	                        SV_TEXT(u->created_at), SV_TEXT(u->updated_at)};
	return insert_id(c,
	                 "INSERT INTO unit (kind, name, credit_code, area_id, area_code, address,"
	                 " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                 p, 8, &u->id, ei);
}

enum err store_unit_update(struct store_conn *c, struct unit_row *u, struct errinfo *ei)
{
	clock_now_iso(u->updated_at);
	struct store_val p[] = {SV_TEXT(u->kind),      SV_TEXT(u->name),    SV_TEXT(u->credit_code),
	                        SV_INT(u->area_id),    SV_TEXT(u->area_code), SV_TEXT(u->address),
	                        SV_TEXT(u->updated_at), SV_INT(u->id)};
	return store_exec(c,
	                  "UPDATE unit SET kind = ?, name = ?, credit_code = ?, area_id = ?,"
	                  " area_code = ?, address = ?, updated_at = ? WHERE id = ?",
	                  p, 8, NULL, ei);
}

enum err store_unit_export(struct store_conn *c, const struct code_ranges *r,
                           void (*fn)(void *ctx, const struct unit_row *u, const char *contact,
                                      const char *phone_masked),
                           void *ctx, struct errinfo *ei)
{
	struct store_val p[40];
	int np = 0;
	struct strbuf sql;
	strbuf_init(&sql, 8192);
	strbuf_adds(&sql, "SELECT " UNIT_COLS ","
	                  " (SELECT k.name FROM unit_contact k WHERE k.unit_id = u.id ORDER BY k.id LIMIT 1),"
	                  " (SELECT k.phone_masked FROM unit_contact k WHERE k.unit_id = u.id"
	                  " ORDER BY k.id LIMIT 1)" UNIT_FROM " WHERE 1 = 1");
	code_ranges_sql(r, "u.area_code", &sql, p, &np);
	strbuf_adds(&sql, " ORDER BY u.area_code, u.id");
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sql.buf, p, np, &s, ei);
	strbuf_free(&sql);
	if (rc != ERR_OK)
		return rc;
	int k;
	struct unit_row u;
	while ((k = store_next(s)) == 1) {
		unit_from_row(s, &u);
		fn(ctx, &u, store_col_text(s, 10, NULL), store_col_text(s, 11, NULL));
	}
	store_done(s);
	return k < 0 ? store_step_error(k, ei, "exporting units") : ERR_OK;
}

/* --- contacts ----------------------------------------------------------------- */

enum err store_unit_contacts(struct store_conn *c, int64_t unit_id,
                             void (*fn)(void *ctx, const struct unit_contact_row *r), void *ctx,
                             struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(unit_id)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "SELECT id, unit_id, name, title, phone_masked FROM unit_contact"
	                          " WHERE unit_id = ? ORDER BY id",
	                          p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r;
	struct unit_contact_row x;
	while ((r = store_next(s)) == 1) {
		memset(&x, 0, sizeof x);
		x.id = store_col_int(s, 0);
		x.unit_id = store_col_int(s, 1);
		store_copy_text(x.name, sizeof x.name, store_col_text(s, 2, NULL));
		store_copy_text(x.title, sizeof x.title, store_col_text(s, 3, NULL));
		store_copy_text(x.phone_masked, sizeof x.phone_masked, store_col_text(s, 4, NULL));
		fn(ctx, &x);
	}
	store_done(s);
	return r < 0 ? store_step_error(r, ei, "reading contacts") : ERR_OK;
}

enum err store_unit_contact_insert(struct store_conn *c, struct unit_contact_row *x,
                                   const char *phone_enc, const char *phone_hash,
                                   struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(x->unit_id), SV_TEXT(x->name), SV_TEXT(x->title),
	                        phone_enc ? SV_TEXT(phone_enc) : SV_NULL,
	                        phone_hash ? SV_TEXT(phone_hash) : SV_NULL, SV_TEXT(x->phone_masked)};
	return insert_id(c,
	                 "INSERT INTO unit_contact (unit_id, name, title, phone_enc, phone_hash,"
	                 " phone_masked) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
	                 p, 6, &x->id, ei);
}

enum err store_unit_contact_delete(struct store_conn *c, int64_t unit_id, int64_t id, bool *found,
                                   struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(id), SV_INT(unit_id)};
	int64_t n = 0;
	enum err rc = store_exec(c, "DELETE FROM unit_contact WHERE id = ? AND unit_id = ?", p, 2, &n, ei);
	*found = n > 0;
	return rc;
}

enum err store_unit_contact_phone(struct store_conn *c, int64_t unit_id, int64_t id, char **enc,
                                  struct errinfo *ei)
{
	*enc = NULL;
	struct store_val p[] = {SV_INT(id), SV_INT(unit_id)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT phone_enc FROM unit_contact WHERE id = ? AND unit_id = ?", p,
	                          2, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	if (r == 1 && !store_col_null(s, 0))
		*enc = strdup(store_col_text(s, 0, NULL));
	store_done(s);
	if (r < 0)
		return store_step_error(r, ei, "reading a phone");
	return r == 0 ? err_set(ei, ERR_NOTFOUND, NULL, "no such contact of this unit") : ERR_OK;
}

/* --- served areas ----------------------------------------------------------------- */

enum err store_department_areas(struct store_conn *c, int64_t unit_id, area_fn fn, void *ctx,
                                struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(unit_id)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "SELECT a.id, a.level, a.code, a.name, a.valid_to FROM department_area d"
	                          " JOIN area a ON a.id = d.area_id WHERE d.unit_id = ? ORDER BY a.code",
	                          p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	static const char *const levels[] = {"",         "district", "street",   "community",
	                                     "grid",     "compound", "building", "entrance"};
	int r;
	struct area_row a;
	while ((r = store_next(s)) == 1) {
		memset(&a, 0, sizeof a);
		a.id = store_col_int(s, 0);
		const char *lv = store_col_text(s, 1, NULL);
		for (int i = 1; i < 8; i++)
			if (strcmp(lv, levels[i]) == 0)
				a.level = i;
		store_copy_text(a.code, sizeof a.code, store_col_text(s, 2, NULL));
		store_copy_text(a.name, sizeof a.name, store_col_text(s, 3, NULL));
		store_copy_text(a.valid_to, sizeof a.valid_to, store_col_text(s, 4, NULL));
		fn(ctx, &a);
	}
	store_done(s);
	return r < 0 ? store_step_error(r, ei, "reading served areas") : ERR_OK;
}

enum err store_department_area_count(struct store_conn *c, int64_t unit_id, int64_t *n,
                                     struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(unit_id)};
	return count_of(c, "SELECT COUNT(*) FROM department_area WHERE unit_id = ?", p, 1, n, ei);
}

enum err store_department_areas_clear(struct store_conn *c, int64_t unit_id,
                                      const struct code_ranges *r, struct errinfo *ei)
{
	struct store_val p[40];
	int np = 0;
	p[np++] = SV_INT(unit_id);
	struct strbuf sql;
	strbuf_init(&sql, 4096);
	strbuf_adds(&sql, "DELETE FROM department_area WHERE unit_id = ?");
	if (r != NULL && !r->all) {
		strbuf_adds(&sql, " AND area_id IN (SELECT a.id FROM area a WHERE 1 = 1");
		code_ranges_sql(r, "a.code", &sql, p, &np);
		strbuf_adds(&sql, ")");
	}
	enum err rc = store_exec(c, sql.buf, p, np, NULL, ei);
	strbuf_free(&sql);
	return rc;
}

enum err store_department_area_add(struct store_conn *c, int64_t unit_id, int64_t area_id,
                                   struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(unit_id), SV_INT(area_id)};
	return store_exec(c,
	                  "INSERT INTO department_area (unit_id, area_id) VALUES (?, ?)"
	                  " ON CONFLICT (unit_id, area_id) DO NOTHING",
	                  p, 2, NULL, ei);
}

/* --- pairings ------------------------------------------------------------------- */

#define PAIRING_COLS                                                                      \
	"p.id, p.unit_id, u.name, u.kind, p.community_id, p.community_code, a.name,"          \
	" p.starts_on, p.ends_on, p.content, p.created_at"
#define PAIRING_FROM                                                                      \
	" FROM pairing p JOIN unit u ON u.id = p.unit_id JOIN area a ON a.id = p.community_id"

static void pairing_from_row(struct store_stmt *s, void *out)
{
	struct pairing_row *p = out;
	memset(p, 0, sizeof *p);
	p->id = store_col_int(s, 0);
	p->unit_id = store_col_int(s, 1);
	store_copy_text(p->unit_name, sizeof p->unit_name, store_col_text(s, 2, NULL));
	store_copy_text(p->unit_kind, sizeof p->unit_kind, store_col_text(s, 3, NULL));
	p->community_id = store_col_int(s, 4);
	store_copy_text(p->community_code, sizeof p->community_code, store_col_text(s, 5, NULL));
	store_copy_text(p->community_name, sizeof p->community_name, store_col_text(s, 6, NULL));
	store_copy_text(p->starts_on, sizeof p->starts_on, store_col_text(s, 7, NULL));
	store_copy_text(p->ends_on, sizeof p->ends_on, store_col_text(s, 8, NULL));
	store_copy_text(p->content, sizeof p->content, store_col_text(s, 9, NULL));
	store_copy_text(p->created_at, sizeof p->created_at, store_col_text(s, 10, NULL));
}

enum err store_pairing_get(struct store_conn *c, int64_t id, struct pairing_row *p,
                           struct errinfo *ei)
{
	struct store_val v[] = {SV_INT(id)};
	return store_one_row(c, "SELECT " PAIRING_COLS PAIRING_FROM " WHERE p.id = ?", v, 1, pairing_from_row,
	               p, "pairing", ei);
}

enum err store_pairing_list(struct store_conn *c, const struct pairing_filter *f, pairing_fn fn,
                            void *ctx, int64_t *total, struct errinfo *ei)
{
	struct store_val p[48];
	int np = 0;
	struct strbuf where, sql;
	strbuf_init(&where, 4096);
	strbuf_init(&sql, 8192);
	strbuf_adds(&where, " WHERE 1 = 1");
	code_ranges_sql(f->r, "p.community_code", &where, p, &np);
	if (f->unit_id > 0) {
		strbuf_adds(&where, " AND p.unit_id = ?");
		p[np++] = SV_INT(f->unit_id);
	}
	if (f->today != NULL && f->active >= 0) {
		strbuf_addf(&where, " AND %s(p.starts_on <= ? AND (p.ends_on IS NULL OR p.ends_on >= ?))",
		            f->active ? "" : "NOT ");
		p[np++] = SV_TEXT(f->today);
		p[np++] = SV_TEXT(f->today);
	}
	enum err rc = ERR_OK;
	if (total != NULL) {
		strbuf_addf(&sql, "SELECT COUNT(*) FROM pairing p%s", where.buf);
		if ((rc = count_of(c, sql.buf, p, np, total, ei)) != ERR_OK)
			goto out;
		strbuf_reset(&sql);
	}
	strbuf_addf(&sql, "SELECT " PAIRING_COLS PAIRING_FROM "%s ORDER BY p.community_code, p.id DESC",
	            where.buf);
	if (f->limit > 0) {
		strbuf_adds(&sql, " LIMIT ? OFFSET ?");
		p[np++] = SV_INT(f->limit);
		p[np++] = SV_INT(f->offset);
	}
	struct store_stmt *s = NULL;
	if ((rc = store_query(c, sql.buf, p, np, &s, ei)) != ERR_OK)
		goto out;
	int r;
	struct pairing_row *row = malloc(sizeof *row);
	if (row == NULL) {
		store_done(s);
		rc = err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	while ((r = store_next(s)) == 1) {
		pairing_from_row(s, row);
		fn(ctx, row);
	}
	store_done(s);
	free(row);
	if (r < 0)
		rc = store_step_error(r, ei, "listing pairings");
out:
	strbuf_free(&where);
	strbuf_free(&sql);
	return rc;
}

enum err store_pairing_overlaps(struct store_conn *c, int64_t unit_id, int64_t community_id,
                                const char *starts_on, const char *ends_on, int64_t except,
                                int64_t *n, struct errinfo *ei)
{
	/* Two periods meet when each starts before the other ends. */
	struct store_val p[] = {SV_INT(unit_id), SV_INT(community_id), SV_INT(except),
	                        SV_TEXT(ends_on && ends_on[0] ? ends_on : "9999-12-31"),
	                        SV_TEXT(starts_on)};
	return count_of(c,
	                "SELECT COUNT(*) FROM pairing WHERE unit_id = ? AND community_id = ? AND id <> ?"
	                " AND starts_on <= ? AND (ends_on IS NULL OR ends_on >= ?)",
	                p, 5, n, ei);
}

enum err store_pairing_insert(struct store_conn *c, struct pairing_row *x, struct errinfo *ei)
{
	clock_now_iso(x->created_at);
	struct store_val p[] = {SV_INT(x->unit_id),        SV_INT(x->community_id),
	                        SV_TEXT(x->community_code), SV_TEXT(x->starts_on),
	                        x->ends_on[0] ? SV_TEXT(x->ends_on) : SV_NULL,
	                        SV_TEXT(x->content),        SV_TEXT(x->created_at)};
	return insert_id(c,
	                 "INSERT INTO pairing (unit_id, community_id, community_code, starts_on, ends_on,"
	                 " content, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                 p, 7, &x->id, ei);
}

enum err store_pairing_update(struct store_conn *c, const struct pairing_row *x,
                              struct errinfo *ei)
{
	struct store_val p[] = {x->ends_on[0] ? SV_TEXT(x->ends_on) : SV_NULL, SV_TEXT(x->content),
	                        SV_INT(x->id)};
	return store_exec(c, "UPDATE pairing SET ends_on = ?, content = ? WHERE id = ?", p, 3, NULL, ei);
}

/* --- joint committee -------------------------------------------------------------- */

enum err store_jc_list(struct store_conn *c, int64_t community_id,
                       void (*fn)(void *ctx, const struct jc_member_row *m), void *ctx,
                       struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(community_id)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "SELECT j.id, j.community_id, j.unit_id, u.name, j.name, j.post,"
	                          " j.created_at FROM joint_committee_member j JOIN unit u ON"
	                          " u.id = j.unit_id WHERE j.community_id = ? ORDER BY j.id",
	                          p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r;
	struct jc_member_row m;
	while ((r = store_next(s)) == 1) {
		memset(&m, 0, sizeof m);
		m.id = store_col_int(s, 0);
		m.community_id = store_col_int(s, 1);
		m.unit_id = store_col_int(s, 2);
		store_copy_text(m.unit_name, sizeof m.unit_name, store_col_text(s, 3, NULL));
		store_copy_text(m.name, sizeof m.name, store_col_text(s, 4, NULL));
		store_copy_text(m.post, sizeof m.post, store_col_text(s, 5, NULL));
		store_copy_text(m.created_at, sizeof m.created_at, store_col_text(s, 6, NULL));
		fn(ctx, &m);
	}
	store_done(s);
	return r < 0 ? store_step_error(r, ei, "reading the joint committee") : ERR_OK;
}

enum err store_jc_count(struct store_conn *c, int64_t community_id, int64_t unit_id,
                        const char *name, int64_t *n, struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(community_id), SV_INT(unit_id), SV_TEXT(name)};
	return count_of(c,
	                "SELECT COUNT(*) FROM joint_committee_member WHERE community_id = ? AND"
	                " unit_id = ? AND name = ?",
	                p, 3, n, ei);
}

enum err store_jc_insert(struct store_conn *c, struct jc_member_row *m, struct errinfo *ei)
{
	clock_now_iso(m->created_at);
	struct store_val p[] = {SV_INT(m->community_id), SV_INT(m->unit_id), SV_TEXT(m->name),
	                        SV_TEXT(m->post), SV_TEXT(m->created_at)};
	return insert_id(c,
	                 "INSERT INTO joint_committee_member (community_id, unit_id, name, post,"
	                 " created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
	                 p, 5, &m->id, ei);
}

enum err store_jc_delete(struct store_conn *c, int64_t community_id, int64_t id, bool *found,
                         struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(id), SV_INT(community_id)};
	int64_t n = 0;
	enum err rc = store_exec(c, "DELETE FROM joint_committee_member WHERE id = ? AND community_id = ?",
	                         p, 2, &n, ei);
	*found = n > 0;
	return rc;
}
