/* SQL of organisations, members, report-ins, six-ones and centre
 * households. A subtree of organisations is the path range
 * [path, path + ":") (':' sorts after the digits and '/'); PostgreSQL keeps
 * path and the code columns in the "C" collation so ranges mean the same. */
#include "store/party.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/strbuf.h"

static int64_t int_or_0(struct store_stmt *s, int col)
{
	return store_col_null(s, col) ? 0 : store_col_int(s, col);
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

/* Runs sql and hands every row to each(s, ctx). */
static enum err each_row(struct store_conn *c, const char *sql, const struct store_val *p, int np,
                         void (*each)(struct store_stmt *s, void *ctx), void *ctx, const char *what,
                         struct errinfo *ei)
{
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sql, p, np, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r;
	while ((r = store_next(s)) == 1)
		each(s, ctx);
	store_done(s);
	return r < 0 ? store_step_error(r, ei, what) : ERR_OK;
}

/* "(col in any range of r)" as an expression: "1 = 1" for everything. */
static void ranges_expr(const struct code_ranges *r, const char *col, struct strbuf *sb,
                        struct store_val *p, int *np)
{
	if (r == NULL || r->all) {
		strbuf_adds(sb, "1 = 1");
		return;
	}
	strbuf_adds(sb, "(");
	if (r->n == 0)
		strbuf_adds(sb, "1 = 0");
	for (int i = 0; i < r->n; i++) {
		strbuf_addf(sb, "%s(%s >= ? AND %s < ?)", i ? " OR " : "", col, col);
		p[(*np)++] = SV_TEXT(r->lo[i]);
		p[(*np)++] = SV_TEXT(r->hi[i]);
	}
	strbuf_adds(sb, ")");
}

/* --- organisations ---------------------------------------------------------------- */

#define ORG_COLS                                                                            \
	"o.id, o.parent_id, o.kind, o.name, o.path, o.area_id, o.area_code, a.name, o.unit_id,"  \
	" u.name, p.name, (SELECT COUNT(*) FROM party_org k WHERE k.parent_id = o.id),"         \
	" o.created_at, o.updated_at"
#define ORG_FROM                                                                            \
	" FROM party_org o JOIN area a ON a.id = o.area_id LEFT JOIN unit u ON u.id = o.unit_id" \
	" LEFT JOIN party_org p ON p.id = o.parent_id"

static void org_from_row(struct store_stmt *s, struct party_org_row *o)
{
	memset(o, 0, sizeof *o);
	o->id = store_col_int(s, 0);
	o->parent_id = int_or_0(s, 1);
	store_copy_text(o->kind, sizeof o->kind, store_col_text(s, 2, NULL));
	store_copy_text(o->name, sizeof o->name, store_col_text(s, 3, NULL));
	store_copy_text(o->path, sizeof o->path, store_col_text(s, 4, NULL));
	o->area_id = store_col_int(s, 5);
	store_copy_text(o->area_code, sizeof o->area_code, store_col_text(s, 6, NULL));
	store_copy_text(o->area_name, sizeof o->area_name, store_col_text(s, 7, NULL));
	o->unit_id = int_or_0(s, 8);
	store_copy_text(o->unit_name, sizeof o->unit_name, store_col_text(s, 9, NULL));
	store_copy_text(o->parent_name, sizeof o->parent_name, store_col_text(s, 10, NULL));
	o->children = store_col_int(s, 11);
	store_copy_text(o->created_at, sizeof o->created_at, store_col_text(s, 12, NULL));
	store_copy_text(o->updated_at, sizeof o->updated_at, store_col_text(s, 13, NULL));
}

struct org_each {
	party_org_fn fn;
	void *ctx;
	struct party_org_row row;
	int n; /* rows seen (the first kept in row when fn is NULL) */
};

static void org_each(struct store_stmt *s, void *ctx)
{
	struct org_each *e = ctx;
	if (e->fn != NULL) {
		org_from_row(s, &e->row);
		e->fn(e->ctx, &e->row);
	} else if (e->n == 0) {
		org_from_row(s, &e->row);
	}
	e->n++;
}

enum err store_party_org_get(struct store_conn *c, int64_t id, struct party_org_row *o,
                             struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(id)};
	struct org_each e = {0};
	enum err rc = each_row(c, "SELECT " ORG_COLS ORG_FROM " WHERE o.id = ?", p, 1, org_each, &e,
	                       "reading an organisation", ei);
	if (rc != ERR_OK)
		return rc;
	if (e.n == 0)
		return err_set(ei, ERR_NOTFOUND, NULL, "no such organisation");
	*o = e.row;
	return ERR_OK;
}

enum err store_party_org_children(struct store_conn *c, int64_t parent, const struct code_ranges *r,
                                  party_org_fn fn, void *ctx, struct errinfo *ei)
{
	struct store_val p[40];
	int np = 0;
	struct strbuf sql;
	strbuf_init(&sql, 4096);
	strbuf_adds(&sql, "SELECT " ORG_COLS ORG_FROM " WHERE o.parent_id = ?");
	p[np++] = SV_INT(parent);
	code_ranges_sql(r, "o.area_code", &sql, p, &np);
	strbuf_adds(&sql, " ORDER BY o.id");
	struct org_each *e = calloc(1, sizeof *e);
	enum err rc = e == NULL ? err_set(ei, ERR_INTERNAL, NULL, "out of memory") : ERR_OK;
	if (e != NULL) {
		e->fn = fn;
		e->ctx = ctx;
		rc = each_row(c, sql.buf, p, np, org_each, e, "listing organisations", ei);
	}
	free(e);
	strbuf_free(&sql);
	return rc;
}

enum err store_party_org_roots(struct store_conn *c, const struct code_ranges *r, party_org_fn fn,
                               void *ctx, struct errinfo *ei)
{
	struct store_val p[80];
	int np = 0;
	struct strbuf sql;
	strbuf_init(&sql, 4096);
	strbuf_adds(&sql, "SELECT " ORG_COLS ORG_FROM " WHERE ");
	ranges_expr(r, "o.area_code", &sql, p, &np);
	strbuf_adds(&sql, " AND (o.parent_id IS NULL OR NOT ");
	ranges_expr(r, "p.area_code", &sql, p, &np);
	strbuf_adds(&sql, ") ORDER BY o.area_code, o.id");
	struct org_each *e = calloc(1, sizeof *e);
	enum err rc = e == NULL ? err_set(ei, ERR_INTERNAL, NULL, "out of memory") : ERR_OK;
	if (e != NULL) {
		e->fn = fn;
		e->ctx = ctx;
		rc = each_row(c, sql.buf, p, np, org_each, e, "listing organisations", ei);
	}
	free(e);
	strbuf_free(&sql);
	return rc;
}

static enum err org_first(struct store_conn *c, const char *sql, const struct store_val *p, int np,
                          struct party_org_row *o, int *n, struct errinfo *ei)
{
	struct org_each *e = calloc(1, sizeof *e);
	if (e == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	enum err rc = each_row(c, sql, p, np, org_each, e, "finding an organisation", ei);
	*n = e->n;
	if (rc == ERR_OK && e->n > 0)
		*o = e->row;
	free(e);
	return rc;
}

enum err store_party_org_named(struct store_conn *c, int64_t parent, int64_t area_id,
                               const char *name, struct party_org_row *o, int *n,
                               struct errinfo *ei)
{
	struct store_val p[3];
	int np = 0;
	char sql[1024];
	snprintf(sql, sizeof sql, "SELECT " ORG_COLS ORG_FROM " WHERE o.name = ? AND %s%s ORDER BY o.id",
	         parent ? "o.parent_id = ?" : "o.parent_id IS NULL", area_id ? " AND o.area_id = ?" : "");
	p[np++] = SV_TEXT(name);
	if (parent)
		p[np++] = SV_INT(parent);
	if (area_id)
		p[np++] = SV_INT(area_id);
	return org_first(c, sql, p, np, o, n, ei);
}

enum err store_party_org_named_in(struct store_conn *c, const char *name, const char *const *codes,
                                  int ncodes, struct party_org_row *o, int *n, struct errinfo *ei)
{
	*n = 0;
	if (ncodes <= 0)
		return ERR_OK;
	if (ncodes > 16)
		ncodes = 16;
	struct store_val p[17];
	int np = 0;
	struct strbuf sql;
	strbuf_init(&sql, 2048);
	strbuf_adds(&sql, "SELECT " ORG_COLS ORG_FROM " WHERE o.area_code IN (");
	for (int i = 0; i < ncodes; i++) {
		strbuf_adds(&sql, i ? ", ?" : "?");
		p[np++] = SV_TEXT(codes[i]);
	}
	strbuf_adds(&sql, ") AND o.name = ? ORDER BY o.id");
	p[np++] = SV_TEXT(name);
	enum err rc = org_first(c, sql.buf, p, np, o, n, ei);
	strbuf_free(&sql);
	return rc;
}

struct kinds_ctx {
	const char *const *kinds;
	int highest;
};

static void kind_each(struct store_stmt *s, void *ctx)
{
	struct kinds_ctx *k = ctx;
	const char *kind = store_col_text(s, 0, NULL);
	for (int i = 0; k->kinds[i]; i++)
		if (strcmp(kind, k->kinds[i]) == 0 && (k->highest < 0 || i < k->highest))
			k->highest = i;
}

enum err store_party_org_child_kinds(struct store_conn *c, int64_t id, const char *const *kinds,
                                     int *highest, struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(id)};
	struct kinds_ctx k = {kinds, -1};
	enum err rc = each_row(c, "SELECT DISTINCT kind FROM party_org WHERE parent_id = ?", p, 1,
	                       kind_each, &k, "reading child kinds", ei);
	*highest = k.highest;
	return rc;
}

enum err store_party_org_insert(struct store_conn *c, struct party_org_row *o,
                                const char *parent_path, struct errinfo *ei)
{
	clock_now_iso(o->created_at);
	memcpy(o->updated_at, o->created_at, sizeof o->updated_at);
	struct store_val p[] = {o->parent_id ? SV_INT(o->parent_id) : SV_NULL,
	                        SV_TEXT(o->kind),
	                        SV_TEXT(o->name),
	                        SV_INT(o->area_id),
	                        SV_TEXT(o->area_code),
	                        o->unit_id ? SV_INT(o->unit_id) : SV_NULL,
	                        SV_TEXT(o->created_at),
	                        SV_TEXT(o->updated_at)};
	enum err rc = insert_id(c,
	                        "INSERT INTO party_org (parent_id, kind, name, path, area_id, area_code,"
	                        " unit_id, created_at, updated_at) VALUES (?, ?, ?, '', ?, ?, ?, ?, ?)"
	                        " RETURNING id",
	                        p, 8, &o->id, ei);
	if (rc != ERR_OK)
		return rc;
	/* The path needs the id the insert gave. */
	char path[PARTY_PATH_MAX + 32];
	snprintf(path, sizeof path, "%s%lld/", parent_path && parent_path[0] ? parent_path : "/",
	         (long long)o->id);
	if (strlen(path) >= sizeof o->path)
		return err_set(ei, ERR_INTERNAL, NULL, "the organisation's path is too long");
	store_copy_text(o->path, sizeof o->path, path);
	struct store_val q[] = {SV_TEXT(o->path), SV_INT(o->id)};
	return store_exec(c, "UPDATE party_org SET path = ? WHERE id = ?", q, 2, NULL, ei);
}

enum err store_party_org_update(struct store_conn *c, struct party_org_row *o, struct errinfo *ei)
{
	clock_now_iso(o->updated_at);
	struct store_val p[] = {SV_TEXT(o->name), SV_TEXT(o->kind), SV_TEXT(o->updated_at),
	                        SV_INT(o->id)};
	return store_exec(c, "UPDATE party_org SET name = ?, kind = ?, updated_at = ? WHERE id = ?", p, 4,
	                  NULL, ei);
}

enum err store_party_org_counts(struct store_conn *c, const struct party_org_row *o,
                                struct party_org_counts *n, struct errinfo *ei)
{
	memset(n, 0, sizeof *n);
	char hi[PARTY_PATH_MAX + 2];
	snprintf(hi, sizeof hi, "%s:", o->path);
	struct store_val one[] = {SV_INT(o->id)};
	struct store_val sub[] = {SV_TEXT(o->path), SV_TEXT(hi)};
	enum err rc;
	if ((rc = count_of(c, "SELECT COUNT(*) FROM party_org WHERE parent_id = ?", one, 1, &n->children,
	                   ei)) != ERR_OK ||
	    (rc = count_of(c, "SELECT COUNT(*) FROM party_member WHERE org_id = ?", one, 1, &n->members,
	                   ei)) != ERR_OK ||
	    (rc = count_of(c,
	                   "SELECT COUNT(*) FROM party_member m JOIN party_org o ON o.id = m.org_id"
	                   " WHERE o.path >= ? AND o.path < ?",
	                   sub, 2, &n->subtree_members, ei)) != ERR_OK)
		return rc;
	return count_of(c,
	                "SELECT COUNT(*) FROM party_member m JOIN party_org o ON o.id = m.org_id"
	                " WHERE o.path >= ? AND o.path < ? AND EXISTS (SELECT 1 FROM report_in r"
	                " WHERE r.member_id = m.id AND r.ended_on IS NULL)",
	                sub, 2, &n->reported_in, ei);
}

enum err store_party_org_export(struct store_conn *c, const struct code_ranges *r, party_org_fn fn,
                                void *ctx, struct errinfo *ei)
{
	struct store_val p[40];
	int np = 0;
	struct strbuf sql;
	strbuf_init(&sql, 4096);
	strbuf_adds(&sql, "SELECT " ORG_COLS ORG_FROM " WHERE 1 = 1");
	code_ranges_sql(r, "o.area_code", &sql, p, &np);
	strbuf_adds(&sql, " ORDER BY o.area_code, o.path");
	struct org_each *e = calloc(1, sizeof *e);
	enum err rc = e == NULL ? err_set(ei, ERR_INTERNAL, NULL, "out of memory") : ERR_OK;
	if (e != NULL) {
		e->fn = fn;
		e->ctx = ctx;
		rc = each_row(c, sql.buf, p, np, org_each, e, "exporting organisations", ei);
	}
	free(e);
	strbuf_free(&sql);
	return rc;
}

/* --- members ------------------------------------------------------------------------ */

/* The first parameter is the six-ones year. */
#define MEMBER_COLS                                                                         \
	"m.id, m.person_id, m.name, m.gender, m.phone_masked, m.status, m.org_id, o.name,"      \
	" o.area_code, m.work_unit_id, w.name, m.community_id, c.code, c.name, m.area_code,"    \
	" m.joined_on, m.created_at, m.updated_at, r.id, r.community_id, rc.name,"              \
	" r.reported_on, (SELECT COUNT(*) FROM six_ones s WHERE s.member_id = m.id AND"         \
	" s.year = ?)"
#define MEMBER_JOINS                                                                        \
	" FROM party_member m JOIN party_org o ON o.id = m.org_id"                              \
	" LEFT JOIN report_in r ON r.member_id = m.id AND r.ended_on IS NULL"
#define MEMBER_FROM                                                                         \
	MEMBER_JOINS " LEFT JOIN unit w ON w.id = m.work_unit_id"                               \
	" LEFT JOIN area c ON c.id = m.community_id LEFT JOIN area rc ON rc.id = r.community_id"

static void member_from_row(struct store_stmt *s, struct party_member_row *m)
{
	memset(m, 0, sizeof *m);
	m->id = store_col_int(s, 0);
	m->person_id = int_or_0(s, 1);
	store_copy_text(m->name, sizeof m->name, store_col_text(s, 2, NULL));
	store_copy_text(m->gender, sizeof m->gender, store_col_text(s, 3, NULL));
	store_copy_text(m->phone_masked, sizeof m->phone_masked, store_col_text(s, 4, NULL));
	store_copy_text(m->status, sizeof m->status, store_col_text(s, 5, NULL));
	m->org_id = store_col_int(s, 6);
	store_copy_text(m->org_name, sizeof m->org_name, store_col_text(s, 7, NULL));
	store_copy_text(m->org_area_code, sizeof m->org_area_code, store_col_text(s, 8, NULL));
	m->work_unit_id = int_or_0(s, 9);
	store_copy_text(m->work_unit_name, sizeof m->work_unit_name, store_col_text(s, 10, NULL));
	m->community_id = int_or_0(s, 11);
	store_copy_text(m->community_code, sizeof m->community_code, store_col_text(s, 12, NULL));
	store_copy_text(m->community_name, sizeof m->community_name, store_col_text(s, 13, NULL));
	store_copy_text(m->area_code, sizeof m->area_code, store_col_text(s, 14, NULL));
	store_copy_text(m->joined_on, sizeof m->joined_on, store_col_text(s, 15, NULL));
	store_copy_text(m->created_at, sizeof m->created_at, store_col_text(s, 16, NULL));
	store_copy_text(m->updated_at, sizeof m->updated_at, store_col_text(s, 17, NULL));
	m->report_in_id = int_or_0(s, 18);
	m->report_community_id = int_or_0(s, 19);
	store_copy_text(m->report_community_name, sizeof m->report_community_name, store_col_text(s, 20, NULL));
	store_copy_text(m->reported_on, sizeof m->reported_on, store_col_text(s, 21, NULL));
	m->six_ones_done = (int)store_col_int(s, 22);
}

struct member_each {
	party_member_fn fn;
	void *ctx;
	struct party_member_row row;
	int n;
};

static void member_each(struct store_stmt *s, void *ctx)
{
	struct member_each *e = ctx;
	member_from_row(s, &e->row);
	if (e->fn != NULL)
		e->fn(e->ctx, &e->row);
	e->n++;
}

static enum err members_query(struct store_conn *c, const char *sql, const struct store_val *p,
                              int np, party_member_fn fn, void *ctx, struct party_member_row *first,
                              int *n, struct errinfo *ei)
{
	struct member_each *e = calloc(1, sizeof *e);
	if (e == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	e->fn = fn;
	e->ctx = ctx;
	enum err rc = each_row(c, sql, p, np, member_each, e, "reading members", ei);
	if (n != NULL)
		*n = e->n;
	if (rc == ERR_OK && first != NULL && e->n > 0)
		*first = e->row;
	free(e);
	return rc;
}

enum err store_party_member_get(struct store_conn *c, int64_t id, int year,
                                struct party_member_row *m, struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(year), SV_INT(id)};
	int n = 0;
	enum err rc = members_query(c, "SELECT " MEMBER_COLS MEMBER_FROM " WHERE m.id = ?", p, 2, NULL,
	                            NULL, m, &n, ei);
	if (rc != ERR_OK)
		return rc;
	return n == 0 ? err_set(ei, ERR_NOTFOUND, NULL, "no such party member") : ERR_OK;
}

enum err store_party_member_list(struct store_conn *c, const struct party_member_filter *f,
                                 party_member_fn fn, void *ctx, int64_t *total,
                                 struct errinfo *ei)
{
	struct store_val p[80];
	int np = 0;
	p[np++] = SV_INT(f->year); /* the select list's, left out of the count */
	struct strbuf where, sql;
	strbuf_init(&where, 4096);
	strbuf_init(&sql, 8192);
	strbuf_adds(&where, " WHERE 1 = 1");
	code_ranges_sql(f->r, "m.area_code", &where, p, &np);
	code_ranges_sql(f->home, "m.area_code", &where, p, &np);
	char hi[PARTY_PATH_MAX + 2], like[400];
	if (f->org_path != NULL) {
		snprintf(hi, sizeof hi, "%s:", f->org_path);
		strbuf_adds(&where, " AND o.path >= ? AND o.path < ?");
		p[np++] = SV_TEXT(f->org_path);
		p[np++] = SV_TEXT(hi);
	}
	if (f->status != NULL) {
		strbuf_adds(&where, " AND m.status = ?");
		p[np++] = SV_TEXT(f->status);
	}
	if (f->reported >= 0)
		strbuf_adds(&where, f->reported ? " AND r.id IS NOT NULL" : " AND r.id IS NULL");
	if (f->q != NULL && f->q[0]) {
		store_like_contains(f->q, like, sizeof like);
		strbuf_adds(&where, " AND m.name LIKE ? ESCAPE '\\'");
		p[np++] = SV_TEXT(like);
	}
	strbuf_addf(&sql, "SELECT COUNT(*)" MEMBER_JOINS "%s", where.buf);
	enum err rc = count_of(c, sql.buf, p + 1, np - 1, total, ei);
	if (rc != ERR_OK)
		goto out;
	strbuf_reset(&sql);
	strbuf_addf(&sql, "SELECT " MEMBER_COLS MEMBER_FROM "%s ORDER BY m.area_code, m.id LIMIT ? OFFSET ?",
	            where.buf);
	p[np++] = SV_INT(f->limit);
	p[np++] = SV_INT(f->offset);
	rc = members_query(c, sql.buf, p, np, fn, ctx, NULL, NULL, ei);
out:
	strbuf_free(&where);
	strbuf_free(&sql);
	return rc;
}

enum err store_party_member_same(struct store_conn *c, int64_t org_id, const char *name,
                                 const char *phone_hash, int64_t except, int64_t *n,
                                 struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(org_id), SV_TEXT(name), SV_TEXT(phone_hash ? phone_hash : ""),
	                        SV_INT(except)};
	return count_of(c,
	                "SELECT COUNT(*) FROM party_member WHERE org_id = ? AND name = ? AND"
	                " COALESCE(phone_hash, '') = ? AND id <> ?",
	                p, 4, n, ei);
}

enum err store_party_member_insert(struct store_conn *c, struct party_member_row *m,
                                   const char *phone_enc, const char *phone_hash,
                                   struct errinfo *ei)
{
	clock_now_iso(m->created_at);
	memcpy(m->updated_at, m->created_at, sizeof m->updated_at);
	struct store_val p[] = {m->person_id ? SV_INT(m->person_id) : SV_NULL,
	                        SV_TEXT(m->name),
	                        SV_TEXT(m->gender),
	                        phone_enc ? SV_TEXT(phone_enc) : SV_NULL,
	                        phone_hash ? SV_TEXT(phone_hash) : SV_NULL,
	                        SV_TEXT(m->phone_masked),
	                        SV_TEXT(m->status),
	                        SV_INT(m->org_id),
	                        m->work_unit_id ? SV_INT(m->work_unit_id) : SV_NULL,
	                        m->community_id ? SV_INT(m->community_id) : SV_NULL,
	                        SV_TEXT(m->area_code),
	                        m->joined_on[0] ? SV_TEXT(m->joined_on) : SV_NULL,
	                        SV_TEXT(m->created_at),
	                        SV_TEXT(m->updated_at)};
	return insert_id(c,
	                 "INSERT INTO party_member (person_id, name, gender, phone_enc, phone_hash,"
	                 " phone_masked, status, org_id, work_unit_id, community_id, area_code,"
	                 " joined_on, created_at, updated_at)"
	                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                 p, 14, &m->id, ei);
}

enum err store_party_member_update(struct store_conn *c, struct party_member_row *m,
                                   bool set_phone, const char *phone_enc, const char *phone_hash,
                                   struct errinfo *ei)
{
	clock_now_iso(m->updated_at);
	struct store_val p[] = {m->person_id ? SV_INT(m->person_id) : SV_NULL,
	                        SV_TEXT(m->name),
	                        SV_TEXT(m->gender),
	                        SV_TEXT(m->status),
	                        SV_INT(m->org_id),
	                        m->work_unit_id ? SV_INT(m->work_unit_id) : SV_NULL,
	                        m->community_id ? SV_INT(m->community_id) : SV_NULL,
	                        SV_TEXT(m->area_code),
	                        m->joined_on[0] ? SV_TEXT(m->joined_on) : SV_NULL,
	                        SV_TEXT(m->updated_at),
	                        SV_INT(m->id)};
	enum err rc = store_exec(c,
	                         "UPDATE party_member SET person_id = ?, name = ?, gender = ?, status = ?,"
	                         " org_id = ?, work_unit_id = ?, community_id = ?, area_code = ?,"
	                         " joined_on = ?, updated_at = ? WHERE id = ?",
	                         p, 11, NULL, ei);
	if (rc != ERR_OK || !set_phone)
		return rc;
	struct store_val q[] = {phone_enc ? SV_TEXT(phone_enc) : SV_NULL,
	                        phone_hash ? SV_TEXT(phone_hash) : SV_NULL, SV_TEXT(m->phone_masked),
	                        SV_INT(m->id)};
	return store_exec(c,
	                  "UPDATE party_member SET phone_enc = ?, phone_hash = ?, phone_masked = ?"
	                  " WHERE id = ?",
	                  q, 4, NULL, ei);
}

enum err store_party_member_phone(struct store_conn *c, int64_t id, char **enc,
                                  char hash[CRYPTO_HASH_HEX], struct errinfo *ei)
{
	if (enc != NULL)
		*enc = NULL;
	if (hash != NULL)
		hash[0] = '\0';
	struct store_val p[] = {SV_INT(id)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT phone_enc, phone_hash FROM party_member WHERE id = ?", p, 1,
	                          &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	if (r == 1 && enc != NULL && !store_col_null(s, 0))
		*enc = strdup(store_col_text(s, 0, NULL));
	if (r == 1 && hash != NULL)
		store_copy_text(hash, CRYPTO_HASH_HEX, store_col_text(s, 1, NULL));
	store_done(s);
	if (r < 0)
		return store_step_error(r, ei, "reading a phone");
	return r == 0 ? err_set(ei, ERR_NOTFOUND, NULL, "no such party member") : ERR_OK;
}

enum err store_party_member_export(struct store_conn *c, const struct code_ranges *r,
                                   party_member_fn fn, void *ctx, struct errinfo *ei)
{
	struct store_val p[40];
	int np = 0;
	p[np++] = SV_INT(0);
	struct strbuf sql;
	strbuf_init(&sql, 8192);
	strbuf_adds(&sql, "SELECT " MEMBER_COLS MEMBER_FROM " WHERE 1 = 1");
	code_ranges_sql(r, "m.area_code", &sql, p, &np);
	strbuf_adds(&sql, " ORDER BY m.area_code, m.id");
	enum err rc = members_query(c, sql.buf, p, np, fn, ctx, NULL, NULL, ei);
	strbuf_free(&sql);
	return rc;
}

enum err store_person_exists(struct store_conn *c, int64_t id, bool *found, struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(id)};
	int64_t n = 0;
	enum err rc = count_of(c, "SELECT COUNT(*) FROM person WHERE id = ?", p, 1, &n, ei);
	*found = n > 0;
	return rc;
}

/* --- report-ins ----------------------------------------------------------------------- */

#define REPORT_COLS                                                                         \
	"r.id, r.member_id, m.name, r.org_id, g.name, r.community_id, r.community_code, a.name," \
	" r.reported_on, r.ended_on, r.created_at"
#define REPORT_FROM                                                                         \
	" FROM report_in r JOIN area a ON a.id = r.community_id"                                \
	" LEFT JOIN party_member m ON m.id = r.member_id LEFT JOIN party_org g ON g.id = r.org_id"

static void report_from_row(struct store_stmt *s, struct report_in_row *r)
{
	memset(r, 0, sizeof *r);
	r->id = store_col_int(s, 0);
	r->member_id = int_or_0(s, 1);
	store_copy_text(r->member_name, sizeof r->member_name, store_col_text(s, 2, NULL));
	r->org_id = int_or_0(s, 3);
	store_copy_text(r->org_name, sizeof r->org_name, store_col_text(s, 4, NULL));
	r->community_id = store_col_int(s, 5);
	store_copy_text(r->community_code, sizeof r->community_code, store_col_text(s, 6, NULL));
	store_copy_text(r->community_name, sizeof r->community_name, store_col_text(s, 7, NULL));
	store_copy_text(r->reported_on, sizeof r->reported_on, store_col_text(s, 8, NULL));
	store_copy_text(r->ended_on, sizeof r->ended_on, store_col_text(s, 9, NULL));
	store_copy_text(r->created_at, sizeof r->created_at, store_col_text(s, 10, NULL));
}

struct report_each {
	report_in_fn fn;
	void *ctx;
	struct report_in_row row;
	int n;
};

static void report_each(struct store_stmt *s, void *ctx)
{
	struct report_each *e = ctx;
	report_from_row(s, &e->row);
	if (e->fn != NULL)
		e->fn(e->ctx, &e->row);
	e->n++;
}

enum err store_report_in_get(struct store_conn *c, int64_t id, struct report_in_row *r,
                             struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(id)};
	struct report_each e = {0};
	enum err rc = each_row(c, "SELECT " REPORT_COLS REPORT_FROM " WHERE r.id = ?", p, 1, report_each,
	                       &e, "reading a report-in", ei);
	if (rc != ERR_OK)
		return rc;
	if (e.n == 0)
		return err_set(ei, ERR_NOTFOUND, NULL, "no such report-in");
	*r = e.row;
	return ERR_OK;
}

enum err store_report_in_list(struct store_conn *c, const struct report_in_filter *f,
                              report_in_fn fn, void *ctx, int64_t *total, struct errinfo *ei)
{
	struct store_val p[48];
	int np = 0;
	struct strbuf where, sql;
	strbuf_init(&where, 4096);
	strbuf_init(&sql, 8192);
	strbuf_adds(&where, " WHERE 1 = 1");
	code_ranges_sql(f->r, "r.community_code", &where, p, &np);
	if (f->member_id) {
		strbuf_adds(&where, " AND r.member_id = ?");
		p[np++] = SV_INT(f->member_id);
	}
	if (f->org_id) {
		strbuf_adds(&where, " AND r.org_id = ?");
		p[np++] = SV_INT(f->org_id);
	}
	if (f->kind == 1)
		strbuf_adds(&where, " AND r.member_id IS NOT NULL");
	else if (f->kind == 2)
		strbuf_adds(&where, " AND r.org_id IS NOT NULL");
	if (f->active >= 0)
		strbuf_adds(&where, f->active ? " AND r.ended_on IS NULL" : " AND r.ended_on IS NOT NULL");
	enum err rc = ERR_OK;
	if (total != NULL) {
		strbuf_addf(&sql, "SELECT COUNT(*) FROM report_in r%s", where.buf);
		if ((rc = count_of(c, sql.buf, p, np, total, ei)) != ERR_OK)
			goto out;
		strbuf_reset(&sql);
	}
	strbuf_addf(&sql, "SELECT " REPORT_COLS REPORT_FROM "%s ORDER BY r.id DESC", where.buf);
	if (f->limit > 0) {
		strbuf_adds(&sql, " LIMIT ? OFFSET ?");
		p[np++] = SV_INT(f->limit);
		p[np++] = SV_INT(f->offset);
	}
	struct report_each *e = calloc(1, sizeof *e);
	if (e == NULL) {
		rc = err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	e->fn = fn;
	e->ctx = ctx;
	rc = each_row(c, sql.buf, p, np, report_each, e, "listing report-ins", ei);
	free(e);
out:
	strbuf_free(&where);
	strbuf_free(&sql);
	return rc;
}

enum err store_report_in_active(struct store_conn *c, int64_t member_id, int64_t org_id,
                                int64_t community_id, int64_t *n, struct errinfo *ei)
{
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM report_in WHERE %s = ? AND ended_on IS NULL%s",
	         member_id ? "member_id" : "org_id", community_id ? " AND community_id = ?" : "");
	struct store_val p[] = {SV_INT(member_id ? member_id : org_id), SV_INT(community_id)};
	return count_of(c, sql, p, community_id ? 2 : 1, n, ei);
}

enum err store_report_in_during(struct store_conn *c, int64_t member_id, const char *from,
                                const char *to, int64_t *n, struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(member_id), SV_TEXT(to), SV_TEXT(from)};
	return count_of(c,
	                "SELECT COUNT(*) FROM report_in WHERE member_id = ? AND reported_on <= ? AND"
	                " (ended_on IS NULL OR ended_on >= ?)",
	                p, 3, n, ei);
}

enum err store_report_in_insert(struct store_conn *c, struct report_in_row *r, struct errinfo *ei)
{
	clock_now_iso(r->created_at);
	struct store_val p[] = {r->member_id ? SV_INT(r->member_id) : SV_NULL,
	                        r->org_id ? SV_INT(r->org_id) : SV_NULL,
	                        SV_INT(r->community_id),
	                        SV_TEXT(r->community_code),
	                        SV_TEXT(r->reported_on),
	                        SV_TEXT(r->created_at)};
	return insert_id(c,
	                 "INSERT INTO report_in (member_id, org_id, community_id, community_code,"
	                 " reported_on, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
	                 p, 6, &r->id, ei);
}

enum err store_report_in_end(struct store_conn *c, int64_t id, const char *ended_on,
                             struct errinfo *ei)
{
	struct store_val p[] = {SV_TEXT(ended_on), SV_INT(id)};
	return store_exec(c, "UPDATE report_in SET ended_on = ? WHERE id = ?", p, 2, NULL, ei);
}

/* --- six-ones ---------------------------------------------------------------------------- */

struct six_each {
	void (*fn)(void *ctx, const struct six_ones_row *s);
	void *ctx;
};

static void six_each(struct store_stmt *s, void *ctx)
{
	struct six_each *e = ctx;
	struct six_ones_row row;
	memset(&row, 0, sizeof row);
	store_copy_text(row.item, sizeof row.item, store_col_text(s, 0, NULL));
	store_copy_text(row.done_on, sizeof row.done_on, store_col_text(s, 1, NULL));
	store_copy_text(row.note, sizeof row.note, store_col_text(s, 2, NULL));
	e->fn(e->ctx, &row);
}

enum err store_six_ones(struct store_conn *c, int64_t member_id, int year,
                        void (*fn)(void *ctx, const struct six_ones_row *s), void *ctx,
                        struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(member_id), SV_INT(year)};
	struct six_each e = {fn, ctx};
	return each_row(c, "SELECT item, done_on, note FROM six_ones WHERE member_id = ? AND year = ?", p,
	                2, six_each, &e, "reading six-ones", ei);
}

enum err store_six_ones_put(struct store_conn *c, int64_t member_id, int year,
                            const struct six_ones_row *s, struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(member_id), SV_INT(year), SV_TEXT(s->item), SV_TEXT(s->done_on),
	                        SV_TEXT(s->note)};
	return store_exec(c,
	                  "INSERT INTO six_ones (member_id, year, item, done_on, note) VALUES (?, ?, ?, ?, ?)"
	                  " ON CONFLICT (member_id, year, item) DO UPDATE SET done_on = excluded.done_on,"
	                  " note = excluded.note",
	                  p, 5, NULL, ei);
}

enum err store_six_ones_delete(struct store_conn *c, int64_t member_id, int year, const char *item,
                               bool *found, struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(member_id), SV_INT(year), SV_TEXT(item)};
	int64_t n = 0;
	enum err rc = store_exec(c, "DELETE FROM six_ones WHERE member_id = ? AND year = ? AND item = ?",
	                         p, 3, &n, ei);
	*found = n > 0;
	return rc;
}

/* --- households and centre households ---------------------------------------------------------- */

static void household_from_row(struct store_stmt *s, struct household_ref *h)
{
	memset(h, 0, sizeof *h);
	h->id = store_col_int(s, 0);
	h->area_id = store_col_int(s, 1);
	store_copy_text(h->area_code, sizeof h->area_code, store_col_text(s, 2, NULL));
	store_copy_text(h->area_name, sizeof h->area_name, store_col_text(s, 3, NULL));
	store_copy_text(h->room, sizeof h->room, store_col_text(s, 4, NULL));
	h->center_id = int_or_0(s, 5);
	h->own_center_id = int_or_0(s, 6);
}

struct household_each {
	void (*fn)(void *ctx, const struct household_ref *h);
	void *ctx;
	struct household_ref row;
	int n;
};

static void household_each(struct store_stmt *s, void *ctx)
{
	struct household_each *e = ctx;
	household_from_row(s, &e->row);
	if (e->fn)
		e->fn(e->ctx, &e->row);
	e->n++;
}

enum err store_household_ref(struct store_conn *c, int64_t id, struct household_ref *h,
                             struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(id)};
	struct household_each e = {0};
	enum err rc = each_row(c,
	                       "SELECT h.id, h.area_id, h.area_code, a.name, h.room,"
	                       " (SELECT k.center_id FROM center_household_cover k WHERE"
	                       " k.household_id = h.id), (SELECT ch.id FROM center_household ch WHERE"
	                       " ch.household_id = h.id) FROM household h JOIN area a ON"
	                       " a.id = h.area_id WHERE h.id = ?",
	                       p, 1, household_each, &e, "reading a household", ei);
	if (rc != ERR_OK)
		return rc;
	if (e.n == 0)
		return err_set(ei, ERR_NOTFOUND, NULL, "no such household");
	*h = e.row;
	return ERR_OK;
}

#define CENTER_COLS                                                                        \
	"ch.id, ch.member_id, m.name, ch.household_id, h.room, ch.area_code, a.name,"          \
	" (SELECT COUNT(*) FROM center_household_cover k WHERE k.center_id = ch.id),"          \
	" ch.created_at"
#define CENTER_FROM                                                                        \
	" FROM center_household ch JOIN party_member m ON m.id = ch.member_id"                 \
	" JOIN household h ON h.id = ch.household_id JOIN area a ON a.id = h.area_id"

struct center_each {
	center_fn fn;
	void *ctx;
	struct center_row row;
	int n;
};

static void center_each(struct store_stmt *s, void *ctx)
{
	struct center_each *e = ctx;
	struct center_row *h = &e->row;
	memset(h, 0, sizeof *h);
	h->id = store_col_int(s, 0);
	h->member_id = store_col_int(s, 1);
	store_copy_text(h->member_name, sizeof h->member_name, store_col_text(s, 2, NULL));
	h->household_id = store_col_int(s, 3);
	store_copy_text(h->room, sizeof h->room, store_col_text(s, 4, NULL));
	store_copy_text(h->area_code, sizeof h->area_code, store_col_text(s, 5, NULL));
	store_copy_text(h->area_name, sizeof h->area_name, store_col_text(s, 6, NULL));
	h->covers = store_col_int(s, 7);
	store_copy_text(h->created_at, sizeof h->created_at, store_col_text(s, 8, NULL));
	if (e->fn)
		e->fn(e->ctx, h);
	e->n++;
}

enum err store_center_get(struct store_conn *c, int64_t id, struct center_row *h,
                          struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(id)};
	struct center_each e = {0};
	enum err rc = each_row(c, "SELECT " CENTER_COLS CENTER_FROM " WHERE ch.id = ?", p, 1, center_each,
	                       &e, "reading a centre household", ei);
	if (rc != ERR_OK)
		return rc;
	if (e.n == 0)
		return err_set(ei, ERR_NOTFOUND, NULL, "no such centre household");
	*h = e.row;
	return ERR_OK;
}

enum err store_center_list(struct store_conn *c, const struct code_ranges *r, int64_t offset,
                           int limit, center_fn fn, void *ctx, int64_t *total, struct errinfo *ei)
{
	struct store_val p[40];
	int np = 0;
	struct strbuf where, sql;
	strbuf_init(&where, 4096);
	strbuf_init(&sql, 8192);
	strbuf_adds(&where, " WHERE 1 = 1");
	code_ranges_sql(r, "ch.area_code", &where, p, &np);
	strbuf_addf(&sql, "SELECT COUNT(*) FROM center_household ch%s", where.buf);
	enum err rc = count_of(c, sql.buf, p, np, total, ei);
	if (rc != ERR_OK)
		goto out;
	strbuf_reset(&sql);
	strbuf_addf(&sql, "SELECT " CENTER_COLS CENTER_FROM "%s ORDER BY ch.area_code, ch.id LIMIT ? OFFSET ?",
	            where.buf);
	p[np++] = SV_INT(limit);
	p[np++] = SV_INT(offset);
	struct center_each e = {fn, ctx};
	rc = each_row(c, sql.buf, p, np, center_each, &e, "listing centre households", ei);
out:
	strbuf_free(&where);
	strbuf_free(&sql);
	return rc;
}

enum err store_center_insert(struct store_conn *c, struct center_row *h, struct errinfo *ei)
{
	clock_now_iso(h->created_at);
	struct store_val p[] = {SV_INT(h->member_id), SV_INT(h->household_id), SV_TEXT(h->area_code),
	                        SV_TEXT(h->created_at)};
	return insert_id(c,
	                 "INSERT INTO center_household (member_id, household_id, area_code, created_at)"
	                 " VALUES (?, ?, ?, ?) RETURNING id",
	                 p, 4, &h->id, ei);
}

enum err store_center_delete(struct store_conn *c, int64_t id, struct errinfo *ei)
{
	enum err rc = store_center_covers_clear(c, id, ei);
	if (rc != ERR_OK)
		return rc;
	struct store_val p[] = {SV_INT(id)};
	return store_exec(c, "DELETE FROM center_household WHERE id = ?", p, 1, NULL, ei);
}

enum err store_center_covers(struct store_conn *c, int64_t center_id,
                             void (*fn)(void *ctx, const struct household_ref *h), void *ctx,
                             struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(center_id)};
	struct household_each e = {fn, ctx};
	return each_row(c,
	                "SELECT h.id, h.area_id, h.area_code, a.name, h.room, k.center_id, NULL"
	                " FROM center_household_cover k JOIN household h ON h.id = k.household_id"
	                " JOIN area a ON a.id = h.area_id WHERE k.center_id = ?"
	                " ORDER BY h.area_code, h.room, h.id",
	                p, 1, household_each, &e, "reading covered households", ei);
}

enum err store_center_covers_clear(struct store_conn *c, int64_t center_id, struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(center_id)};
	return store_exec(c, "DELETE FROM center_household_cover WHERE center_id = ?", p, 1, NULL, ei);
}

enum err store_center_cover_add(struct store_conn *c, int64_t center_id, int64_t household_id,
                                struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(center_id), SV_INT(household_id)};
	return store_exec(c, "INSERT INTO center_household_cover (center_id, household_id) VALUES (?, ?)",
	                  p, 2, NULL, ei);
}
