/* SQL of the area tree. Codes are digits, so a subtree is the range
 * [code, code + ":") (':' sorts right after '9'); PostgreSQL keeps code
 * columns in the "C" collation so the range means the same there. */
#include "store/areas.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"

void code_ranges_set(struct code_ranges *r, const char (*prefixes)[AREA_CODE_MAX + 1], int n)
{
	memset(r, 0, sizeof *r);
	for (int i = 0; i < n && r->n < 16; i++) {
		if (strcmp(prefixes[i], "*") == 0) {
			r->all = true;
			return;
		}
		store_copy_text(r->lo[r->n], sizeof r->lo[0], prefixes[i]);
		snprintf(r->hi[r->n], sizeof r->hi[0], "%s:", prefixes[i]);
		r->n++;
	}
	if (n == 0)
		r->all = true;
}

void code_ranges_one(struct code_ranges *r, const char *prefix)
{
	char one[1][AREA_CODE_MAX + 1];
	store_copy_text(one[0], sizeof one[0], prefix);
	code_ranges_set(r, (const char(*)[AREA_CODE_MAX + 1])one, 1);
}

void code_ranges_sql(const struct code_ranges *r, const char *col, struct strbuf *sb,
                     struct store_val *p, int *np)
{
	if (r == NULL || r->all)
		return;
	strbuf_adds(sb, " AND (");
	if (r->n == 0)
		strbuf_adds(sb, "1 = 0");
	for (int i = 0; i < r->n; i++) {
		strbuf_addf(sb, "%s(%s >= ? AND %s < ?)", i ? " OR " : "", col, col);
		p[(*np)++] = SV_TEXT(r->lo[i]);
		p[(*np)++] = SV_TEXT(r->hi[i]);
	}
	strbuf_adds(sb, ")");
}

#define AREA_COLS                                                                          \
	"a.id, a.parent_id, a.level, a.kind, a.code, a.name, a.valid_from, a.valid_to,"        \
	" a.boundary IS NOT NULL, a.lng, a.lat, a.created_at, a.updated_at"
#define CHILDREN_COL                                                                       \
	", (SELECT COUNT(*) FROM area k WHERE k.parent_id = a.id AND k.valid_to IS NULL)"

static const char *const level_names[] = {"", "district", "street", "community", "grid",
                                          "compound", "building", "entrance"};

static int level_of(const char *s)
{
	for (int i = 1; i < 8; i++)
		if (strcmp(s, level_names[i]) == 0)
			return i;
	return 0;
}

static void area_from_row(struct store_stmt *s, struct area_row *a, bool with_children)
{
	memset(a, 0, sizeof *a);
	a->id = store_col_int(s, 0);
	a->parent_id = store_col_null(s, 1) ? 0 : store_col_int(s, 1);
	a->level = level_of(store_col_text(s, 2, NULL));
	store_copy_text(a->kind, sizeof a->kind, store_col_text(s, 3, NULL));
	store_copy_text(a->code, sizeof a->code, store_col_text(s, 4, NULL));
	store_copy_text(a->name, sizeof a->name, store_col_text(s, 5, NULL));
	store_copy_text(a->valid_from, sizeof a->valid_from, store_col_text(s, 6, NULL));
	store_copy_text(a->valid_to, sizeof a->valid_to, store_col_text(s, 7, NULL));
	a->has_boundary = store_col_int(s, 8) != 0;
	a->has_point = !store_col_null(s, 9);
	a->lng = a->has_point ? store_col_real(s, 9) : 0;
	a->lat = a->has_point ? store_col_real(s, 10) : 0;
	store_copy_text(a->created_at, sizeof a->created_at, store_col_text(s, 11, NULL));
	store_copy_text(a->updated_at, sizeof a->updated_at, store_col_text(s, 12, NULL));
	if (with_children)
		a->children = store_col_int(s, 13);
}

static void fill_area(struct store_stmt *s, void *out) { area_from_row(s, out, true); }

static enum err one_area(struct store_conn *c, const char *sql, struct store_val p,
                         struct area_row *a, struct errinfo *ei)
{
	return store_one_row(c, sql, &p, 1, fill_area, a, "area", ei);
}

enum err store_area_get(struct store_conn *c, int64_t id, struct area_row *a, struct errinfo *ei)
{
	return one_area(c, "SELECT " AREA_COLS CHILDREN_COL " FROM area a WHERE a.id = ?", SV_INT(id), a,
	                ei);
}

enum err store_area_by_code(struct store_conn *c, const char *code, struct area_row *a,
                            struct errinfo *ei)
{
	return one_area(c, "SELECT " AREA_COLS CHILDREN_COL " FROM area a WHERE a.code = ?",
	                SV_TEXT(code), a, ei);
}

/* Runs sql and calls fn for every row. */
static enum err each_area(struct store_conn *c, const char *sql, const struct store_val *p, int np,
                          bool with_children, area_fn fn, void *ctx, struct errinfo *ei)
{
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sql, p, np, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r;
	struct area_row a;
	while ((r = store_next(s)) == 1) {
		area_from_row(s, &a, with_children);
		fn(ctx, &a);
	}
	store_done(s);
	return r < 0 ? store_step_error(r, ei, "listing areas") : ERR_OK;
}

enum err store_area_children(struct store_conn *c, int64_t parent, bool include_closed, area_fn fn,
                             void *ctx, struct errinfo *ei)
{
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT " AREA_COLS CHILDREN_COL " FROM area a WHERE %s%s ORDER BY a.code",
	         parent ? "a.parent_id = ?" : "a.parent_id IS NULL",
	         include_closed ? "" : " AND a.valid_to IS NULL");
	struct store_val p[] = {SV_INT(parent)};
	return each_area(c, sql, p, parent ? 1 : 0, true, fn, ctx, ei);
}

enum err store_area_subtree(struct store_conn *c, const char *code, int level, const char *after,
                            int limit, area_fn fn, void *ctx, struct errinfo *ei)
{
	char hi[AREA_CODE_MAX + 2];
	snprintf(hi, sizeof hi, "%s:", code);
	struct store_val p[5];
	int np = 0;
	struct strbuf sb;
	strbuf_init(&sb, 4096);
	strbuf_adds(&sb, "SELECT " AREA_COLS CHILDREN_COL
	                 " FROM area a WHERE a.code > ? AND a.code < ? AND a.valid_to IS NULL");
	p[np++] = SV_TEXT(after && after[0] && strcmp(after, code) > 0 ? after : code);
	p[np++] = SV_TEXT(hi);
	if (level > 0) {
		strbuf_adds(&sb, " AND a.level = ?");
		p[np++] = SV_TEXT(level_names[level]);
	}
	strbuf_adds(&sb, " ORDER BY a.code LIMIT ?");
	p[np++] = SV_INT(limit);
	enum err rc = each_area(c, sb.buf, p, np, true, fn, ctx, ei);
	strbuf_free(&sb);
	return rc;
}

enum err store_area_ancestors(struct store_conn *c, const char *code, area_fn fn, void *ctx,
                              struct errinfo *ei)
{
	/* Every proper prefix that is a code: at most one per level. */
	static const size_t lens[] = {6, 9, 12, 15, 18, 21, 23, 26, 29};
	char pre[9][AREA_CODE_MAX + 1];
	struct store_val p[9];
	int np = 0;
	size_t n = strlen(code);
	for (int i = 0; i < 9 && lens[i] < n; i++) {
		memcpy(pre[np], code, lens[i]);
		pre[np][lens[i]] = '\0';
		p[np] = SV_TEXT(pre[np]);
		np++;
	}
	if (np == 0)
		return ERR_OK;
	char sql[512];
	int off = snprintf(sql, sizeof sql, "SELECT " AREA_COLS CHILDREN_COL " FROM area a WHERE a.code IN (");
	for (int i = 0; i < np; i++)
		off += snprintf(sql + off, sizeof sql - (size_t)off, i ? ", ?" : "?");
	snprintf(sql + off, sizeof sql - (size_t)off, ") ORDER BY a.code");
	return each_area(c, sql, p, np, true, fn, ctx, ei);
}

enum err store_area_search(struct store_conn *c, const char *q, int level,
                           const struct code_ranges *r, int limit, area_fn fn, void *ctx,
                           struct errinfo *ei)
{
	/* The text is matched literally: % and _ lose their LIKE meaning. */
	char esc[200], like[300], prefix[300];
	size_t k = 0;
	for (const char *t = q; *t && k + 2 < sizeof esc; t++) {
		if (*t == '%' || *t == '_' || *t == '\\')
			esc[k++] = '\\';
		esc[k++] = *t;
	}
	esc[k] = '\0';
	snprintf(like, sizeof like, "%%%s%%", esc);
	snprintf(prefix, sizeof prefix, "%s%%", esc);
	struct store_val p[40];
	int np = 0;
	struct strbuf sb;
	strbuf_init(&sb, 4096);
	strbuf_adds(&sb, "SELECT " AREA_COLS CHILDREN_COL
	                 " FROM area a WHERE a.valid_to IS NULL AND (a.name LIKE ? ESCAPE '\\' OR"
	                 " a.code LIKE ? ESCAPE '\\')");
	p[np++] = SV_TEXT(like);
	p[np++] = SV_TEXT(prefix);
	if (level > 0) {
		strbuf_adds(&sb, " AND a.level = ?");
		p[np++] = SV_TEXT(level_names[level]);
	}
	code_ranges_sql(r, "a.code", &sb, p, &np);
	strbuf_adds(&sb, " ORDER BY length(a.code), a.code LIMIT ?");
	p[np++] = SV_INT(limit);
	enum err rc = each_area(c, sb.buf, p, np, true, fn, ctx, ei);
	strbuf_free(&sb);
	return rc;
}

enum err store_area_insert(struct store_conn *c, struct area_row *a, struct errinfo *ei)
{
	clock_now_iso(a->created_at);
	memcpy(a->updated_at, a->created_at, sizeof a->updated_at);
	struct store_val p[] = {
		a->parent_id ? SV_INT(a->parent_id) : SV_NULL, SV_TEXT(level_names[a->level]),
		SV_TEXT(a->kind), SV_TEXT(a->code), SV_TEXT(a->name), SV_TEXT(a->valid_from),
		a->has_point ? SV_REAL(a->lng) : SV_NULL, a->has_point ? SV_REAL(a->lat) : SV_NULL,
		SV_TEXT(a->created_at), SV_TEXT(a->updated_at)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "INSERT INTO area (parent_id, level, kind, code, name, valid_from, lng,"
	                          " lat, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	                          " RETURNING id",
	                          p, 10, &s, ei);
	if (rc == ERR_CONFLICT) /* PostgreSQL reports it at the query */
		return err_set(ei, ERR_CONFLICT, "code", "the code %s is taken (codes are never reused)",
		               a->code);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	if (r == 1)
		a->id = store_col_int(s, 0);
	store_done(s);
	if (r == -(int)ERR_CONFLICT)
		return err_set(ei, ERR_CONFLICT, "code", "the code %s is taken (codes are never reused)",
		               a->code);
	return r == 1 ? ERR_OK : store_step_error(r < 0 ? r : -(int)ERR_INTERNAL, ei, "adding an area");
}

enum err store_area_update(struct store_conn *c, const struct area_row *a, struct errinfo *ei)
{
	char now[32];
	clock_now_iso(now);
	struct store_val p[] = {SV_TEXT(a->name), SV_TEXT(a->kind),
	                        a->has_point ? SV_REAL(a->lng) : SV_NULL,
	                        a->has_point ? SV_REAL(a->lat) : SV_NULL,
	                        a->valid_to[0] ? SV_TEXT(a->valid_to) : SV_NULL, SV_TEXT(now),
	                        SV_INT(a->id)};
	return store_exec(c,
	                  "UPDATE area SET name = ?, kind = ?, lng = ?, lat = ?, valid_to = ?,"
	                  " updated_at = ? WHERE id = ?",
	                  p, 7, NULL, ei);
}

enum err store_area_set_boundary(struct store_conn *c, int64_t id, const char *geojson,
                                 struct errinfo *ei)
{
	char now[32];
	clock_now_iso(now);
	struct store_val p[] = {geojson ? SV_TEXT(geojson) : SV_NULL, SV_TEXT(now), SV_INT(id)};
	return store_exec(c, "UPDATE area SET boundary = ?, updated_at = ? WHERE id = ?", p, 3, NULL, ei);
}

enum err store_area_boundary(struct store_conn *c, int64_t id, char **geojson, struct errinfo *ei)
{
	*geojson = NULL;
	struct store_val p[] = {SV_INT(id)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT boundary FROM area WHERE id = ? AND boundary IS NOT NULL",
	                          p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	if (r == 1)
		*geojson = strdup(store_col_text(s, 0, NULL));
	store_done(s);
	return r < 0 ? store_step_error(r, ei, "reading a boundary") : ERR_OK;
}

enum err store_area_next_code(struct store_conn *c, const char *parent_code, size_t len,
                              char out[AREA_CODE_MAX + 1], struct errinfo *ei)
{
	char hi[AREA_CODE_MAX + 2];
	snprintf(hi, sizeof hi, "%s:", parent_code);
	struct store_val p[] = {SV_TEXT(parent_code), SV_TEXT(hi), SV_INT((int64_t)len)};
	struct store_stmt *s = NULL;
	/* Closed and moved-away codes count too: codes are never reused. */
	enum err rc = store_query(c,
	                          "SELECT MAX(code) FROM (SELECT code FROM area WHERE code > ? AND code < ?"
	                          " AND length(code) = ? UNION ALL SELECT old_code FROM area_history"
	                          " WHERE old_code > ? AND old_code < ? AND length(old_code) = ?) x",
	                          (struct store_val[]){p[0], p[1], p[2], p[0], p[1], p[2]}, 6, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	size_t plen = strlen(parent_code), w = len - plen;
	long long next = 1;
	if (r == 1 && !store_col_null(s, 0))
		next = strtoll(store_col_text(s, 0, NULL) + plen, NULL, 10) + 1;
	store_done(s);
	if (r < 0)
		return store_step_error(r, ei, "numbering an area");
	long long cap = 1;
	for (size_t i = 0; i < w; i++)
		cap *= 10;
	if (next >= cap)
		return err_set(ei, ERR_CONFLICT, "code", "no free code is left under %s", parent_code);
	snprintf(out, AREA_CODE_MAX + 1, "%s%0*lld", parent_code, (int)w, next);
	return ERR_OK;
}

enum err store_area_code_retired(struct store_conn *c, const char *code, bool *retired,
                                 struct errinfo *ei)
{
	struct store_val p[] = {SV_TEXT(code)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT 1 FROM area_history WHERE old_code = ? LIMIT 1", p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	store_done(s);
	*retired = r == 1;
	return r < 0 ? store_step_error(r, ei, "checking a code") : ERR_OK;
}

enum err store_area_open_children(struct store_conn *c, int64_t id, int64_t *n, struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(id)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT COUNT(*) FROM area WHERE parent_id = ? AND valid_to IS NULL",
	                          p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	*n = r == 1 ? store_col_int(s, 0) : 0;
	store_done(s);
	return r < 0 ? store_step_error(r, ei, "counting children") : ERR_OK;
}

enum err store_area_recode(struct store_conn *c, int64_t root, int64_t new_parent,
                           const char *old_prefix, const char *new_prefix, struct errinfo *ei)
{
	/* Every table that keeps an area code, and its column. */
	static const char *const cols[][2] = {
		{"area", "code"},         {"household", "area_code"},      {"person", "area_code"},
		{"unit", "area_code"},    {"party_org", "area_code"},      {"party_member", "area_code"},
		{"pairing", "community_code"}, {"report_in", "community_code"},
		{"center_household", "area_code"}, {"request", "area_code"}, {"user_scope", "scope"},
	};
	char hi[AREA_CODE_MAX + 2], now[32];
	snprintf(hi, sizeof hi, "%s:", old_prefix);
	clock_now_iso(now);
	int64_t oldlen = (int64_t)strlen(old_prefix);
	enum err rc;
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
		char sql[256];
		snprintf(sql, sizeof sql, "UPDATE %s SET %s = ? || substr(%s, ?) WHERE %s >= ? AND %s < ?",
		         cols[i][0], cols[i][1], cols[i][1], cols[i][1], cols[i][1]);
		/* user_scope.scope is not in the "C" collation on PostgreSQL: compare by prefix. */
		if (strcmp(cols[i][0], "user_scope") == 0)
			snprintf(sql, sizeof sql,
			         "UPDATE user_scope SET scope = ? || substr(scope, ?)"
			         " WHERE substr(scope, 1, length(?)) = ?");
		bool by_prefix = strcmp(cols[i][0], "user_scope") == 0;
		if (by_prefix)
			store_mark_accounts(c); /* scopes change: cached identities are stale */
		struct store_val p[] = {SV_TEXT(new_prefix), SV_INT(oldlen + 1), SV_TEXT(old_prefix),
		                        by_prefix ? SV_TEXT(old_prefix) : SV_TEXT(hi)};
		if ((rc = store_exec(c, sql, p, 4, NULL, ei)) != ERR_OK)
			return rc;
	}
	struct store_val p[] = {SV_INT(new_parent), SV_TEXT(now), SV_INT(root)};
	return store_exec(c, "UPDATE area SET parent_id = ?, updated_at = ? WHERE id = ?", p, 3, NULL, ei);
}

static enum err count_range(struct store_conn *c, const char *sql, const char *code, int64_t *n,
                            struct errinfo *ei)
{
	char hi[AREA_CODE_MAX + 2];
	snprintf(hi, sizeof hi, "%s:", code);
	struct store_val p[] = {SV_TEXT(code), SV_TEXT(hi)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sql, p, 2, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	*n = r == 1 ? store_col_int(s, 0) : 0;
	store_done(s);
	return r < 0 ? store_step_error(r, ei, "counting") : ERR_OK;
}

enum err store_area_counts(struct store_conn *c, const struct area_row *a, struct area_counts *n,
                           struct errinfo *ei)
{
	memset(n, 0, sizeof *n);
	n->children = a->children;
	enum err rc;
	if ((rc = count_range(c, "SELECT COUNT(*) FROM household WHERE area_code >= ? AND area_code < ?",
	                      a->code, &n->households, ei)) != ERR_OK ||
	    (rc = count_range(c, "SELECT COUNT(*) FROM person WHERE area_code >= ? AND area_code < ?",
	                      a->code, &n->people, ei)) != ERR_OK ||
	    (rc = count_range(c,
	                      "SELECT COUNT(*) FROM party_member WHERE area_code >= ? AND area_code < ?",
	                      a->code, &n->party_members, ei)) != ERR_OK)
		return rc;
	return count_range(c, "SELECT COUNT(*) FROM unit WHERE area_code >= ? AND area_code < ?", a->code,
	                   &n->units, ei);
}

enum err store_area_boundaries(struct store_conn *c, const char *code, int level, boundary_fn fn,
                               void *ctx, struct errinfo *ei)
{
	char hi[AREA_CODE_MAX + 2];
	snprintf(hi, sizeof hi, "%s:", code);
	struct store_val p[] = {SV_TEXT(code), SV_TEXT(hi), SV_TEXT(level_names[level])};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "SELECT " AREA_COLS ", a.boundary FROM area a WHERE a.code >= ? AND"
	                          " a.code < ? AND a.level = ? AND a.valid_to IS NULL AND a.boundary IS"
	                          " NOT NULL ORDER BY a.code",
	                          p, 3, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r;
	struct area_row a;
	while ((r = store_next(s)) == 1) {
		area_from_row(s, &a, false);
		fn(ctx, &a, store_col_text(s, 13, NULL));
	}
	store_done(s);
	return r < 0 ? store_step_error(r, ei, "reading boundaries") : ERR_OK;
}

enum err store_area_change_add(struct store_conn *c, const struct area_change *h,
                               struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(h->area_id), SV_TEXT(h->action), SV_TEXT(h->at),
	                        h->user_id ? SV_INT(h->user_id) : SV_NULL, SV_TEXT(h->old_code),
	                        SV_TEXT(h->new_code),
	                        h->old_parent_id ? SV_INT(h->old_parent_id) : SV_NULL,
	                        h->new_parent_id ? SV_INT(h->new_parent_id) : SV_NULL,
	                        SV_TEXT(h->old_name), SV_TEXT(h->new_name)};
	return store_exec(c,
	                  "INSERT INTO area_history (area_id, action, at, user_id, old_code, new_code,"
	                  " old_parent_id, new_parent_id, old_name, new_name)"
	                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                  p, 10, NULL, ei);
}

enum err store_area_changes(struct store_conn *c, int64_t area_id,
                            void (*fn)(void *ctx, const struct area_change *h), void *ctx,
                            struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(area_id)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "SELECT id, area_id, action, at, user_id, old_code, new_code,"
	                          " old_parent_id, new_parent_id, old_name, new_name FROM area_history"
	                          " WHERE area_id = ? ORDER BY id",
	                          p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r;
	struct area_change h;
	while ((r = store_next(s)) == 1) {
		memset(&h, 0, sizeof h);
		h.id = store_col_int(s, 0);
		h.area_id = store_col_int(s, 1);
		store_copy_text(h.action, sizeof h.action, store_col_text(s, 2, NULL));
		store_copy_text(h.at, sizeof h.at, store_col_text(s, 3, NULL));
		h.user_id = store_col_null(s, 4) ? 0 : store_col_int(s, 4);
		store_copy_text(h.old_code, sizeof h.old_code, store_col_text(s, 5, NULL));
		store_copy_text(h.new_code, sizeof h.new_code, store_col_text(s, 6, NULL));
		h.old_parent_id = store_col_null(s, 7) ? 0 : store_col_int(s, 7);
		h.new_parent_id = store_col_null(s, 8) ? 0 : store_col_int(s, 8);
		store_copy_text(h.old_name, sizeof h.old_name, store_col_text(s, 9, NULL));
		store_copy_text(h.new_name, sizeof h.new_name, store_col_text(s, 10, NULL));
		fn(ctx, &h);
	}
	store_done(s);
	return r < 0 ? store_step_error(r, ei, "reading area history") : ERR_OK;
}

enum err store_responsible_list(struct store_conn *c, int64_t area_id,
                                void (*fn)(void *ctx, const struct responsible_row *r), void *ctx,
                                struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(area_id)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "SELECT id, area_id, user_id, role, name, phone_masked FROM"
	                          " area_responsible WHERE area_id = ? ORDER BY id",
	                          p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r;
	struct responsible_row x;
	while ((r = store_next(s)) == 1) {
		memset(&x, 0, sizeof x);
		x.id = store_col_int(s, 0);
		x.area_id = store_col_int(s, 1);
		x.user_id = store_col_null(s, 2) ? 0 : store_col_int(s, 2);
		store_copy_text(x.role, sizeof x.role, store_col_text(s, 3, NULL));
		store_copy_text(x.name, sizeof x.name, store_col_text(s, 4, NULL));
		store_copy_text(x.phone_masked, sizeof x.phone_masked, store_col_text(s, 5, NULL));
		fn(ctx, &x);
	}
	store_done(s);
	return r < 0 ? store_step_error(r, ei, "reading who is in charge") : ERR_OK;
}

enum err store_responsible_insert(struct store_conn *c, struct responsible_row *x,
                                  const char *phone_enc, const char *phone_hash,
                                  struct errinfo *ei)
{
	char now[32];
	clock_now_iso(now);
	struct store_val p[] = {SV_INT(x->area_id), SV_TEXT(x->role), SV_TEXT(x->name),
	                        phone_enc ? SV_TEXT(phone_enc) : SV_NULL,
	                        phone_hash ? SV_TEXT(phone_hash) : SV_NULL, SV_TEXT(x->phone_masked),
	                        x->user_id ? SV_INT(x->user_id) : SV_NULL, SV_TEXT(now)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "INSERT INTO area_responsible (area_id, role, name, phone_enc,"
	                          " phone_hash, phone_masked, user_id, created_at)"
	                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                          p, 8, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	if (r == 1)
		x->id = store_col_int(s, 0);
	store_done(s);
	return r == 1 ? ERR_OK : store_step_error(r < 0 ? r : -(int)ERR_INTERNAL, ei, "naming who is in charge");
}

enum err store_responsible_delete(struct store_conn *c, int64_t area_id, int64_t id, bool *found,
                                  struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(id), SV_INT(area_id)};
	int64_t n = 0;
	enum err rc = store_exec(c, "DELETE FROM area_responsible WHERE id = ? AND area_id = ?", p, 2,
	                         &n, ei);
	*found = n > 0;
	return rc;
}

enum err store_responsible_phone(struct store_conn *c, int64_t area_id, int64_t id, char **enc,
                                 struct errinfo *ei)
{
	*enc = NULL;
	struct store_val p[] = {SV_INT(id), SV_INT(area_id)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "SELECT phone_enc FROM area_responsible WHERE id = ? AND area_id = ?",
	                          p, 2, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	if (r == 1 && !store_col_null(s, 0))
		*enc = strdup(store_col_text(s, 0, NULL));
	store_done(s);
	if (r < 0)
		return store_step_error(r, ei, "reading a phone");
	return r == 0 ? err_set(ei, ERR_NOTFOUND, NULL, "no such person in charge") : ERR_OK;
}
