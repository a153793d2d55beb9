/* SQL of categories and dispatch rules. Names of the referenced parent,
 * department, area and unit come from primary-key joins. */
#include "store/categories.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/strbuf.h"

static struct store_val text_or_null(const char *s)
{
	return s[0] ? SV_TEXT(s) : SV_NULL;
}

static struct store_val id_or_null(int64_t id)
{
	return id > 0 ? SV_INT(id) : SV_NULL;
}

/* --- categories ----------------------------------------------------------------- */

#define CATEGORY_COLS                                                                        \
	"k.id, k.parent_id, k.code, p.code, k.name, k.kind, k.intake_standard, k.default_level," \
	" k.default_department_id, u.name, k.limit_normal, k.limit_urgent, k.limit_critical,"    \
	" k.closure_standard, k.attributes, k.active, k.created_at, k.updated_at,"               \
	" (SELECT COUNT(*) FROM category x WHERE x.parent_id = k.id)"
#define CATEGORY_FROM                                                                        \
	" FROM category k LEFT JOIN category p ON p.id = k.parent_id"                            \
	" LEFT JOIN unit u ON u.id = k.default_department_id"

static void category_from_row(struct store_stmt *s, struct category_row *r)
{
	memset(r, 0, sizeof *r);
	r->id = store_col_int(s, 0);
	r->parent_id = store_col_null(s, 1) ? 0 : store_col_int(s, 1);
	store_copy_text(r->code, sizeof r->code, store_col_text(s, 2, NULL));
	store_copy_text(r->parent_code, sizeof r->parent_code, store_col_text(s, 3, NULL));
	store_copy_text(r->name, sizeof r->name, store_col_text(s, 4, NULL));
	store_copy_text(r->kind, sizeof r->kind, store_col_text(s, 5, NULL));
	store_copy_text(r->intake_standard, sizeof r->intake_standard, store_col_text(s, 6, NULL));
	store_copy_text(r->default_level, sizeof r->default_level, store_col_text(s, 7, NULL));
	r->default_department_id = store_col_null(s, 8) ? 0 : store_col_int(s, 8);
	store_copy_text(r->default_department_name, sizeof r->default_department_name, store_col_text(s, 9, NULL));
	store_copy_text(r->limit_normal, sizeof r->limit_normal, store_col_text(s, 10, NULL));
	store_copy_text(r->limit_urgent, sizeof r->limit_urgent, store_col_text(s, 11, NULL));
	store_copy_text(r->limit_critical, sizeof r->limit_critical, store_col_text(s, 12, NULL));
	store_copy_text(r->closure_standard, sizeof r->closure_standard, store_col_text(s, 13, NULL));
	store_copy_text(r->attributes, sizeof r->attributes, store_col_text(s, 14, NULL));
	r->active = store_col_int(s, 15) != 0;
	store_copy_text(r->created_at, sizeof r->created_at, store_col_text(s, 16, NULL));
	store_copy_text(r->updated_at, sizeof r->updated_at, store_col_text(s, 17, NULL));
	r->children = store_col_int(s, 18);
}

static void fill_category(struct store_stmt *s, void *out) { category_from_row(s, out); }

static enum err one_category(struct store_conn *c, const char *where, struct store_val p,
                             struct category_row *r, struct errinfo *ei)
{
	char sql[1024];
	snprintf(sql, sizeof sql, "SELECT " CATEGORY_COLS CATEGORY_FROM " WHERE %s", where);
	return store_one_row(c, sql, &p, 1, fill_category, r, "category", ei);
}

enum err store_category_get(struct store_conn *c, int64_t id, struct category_row *r,
                            struct errinfo *ei)
{
	return one_category(c, "k.id = ?", SV_INT(id), r, ei);
}

enum err store_category_by_code(struct store_conn *c, const char *code, struct category_row *r,
                                struct errinfo *ei)
{
	return one_category(c, "k.code = ?", SV_TEXT(code), r, ei);
}

enum err store_category_list(struct store_conn *c, int64_t parent, bool include_inactive,
                             category_fn fn, void *ctx, struct errinfo *ei)
{
	struct store_val p[1];
	int np = 0;
	struct strbuf sql;
	strbuf_init(&sql, 2048);
	strbuf_adds(&sql, "SELECT " CATEGORY_COLS CATEGORY_FROM " WHERE 1 = 1");
	if (parent == 0) {
		strbuf_adds(&sql, " AND k.parent_id IS NULL");
	} else if (parent > 0) {
		strbuf_adds(&sql, " AND k.parent_id = ?");
		p[np++] = SV_INT(parent);
	}
	if (!include_inactive)
		strbuf_adds(&sql, " AND k.active = 1");
	strbuf_adds(&sql, " ORDER BY k.code");
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sql.buf, p, np, &s, ei);
	strbuf_free(&sql);
	if (rc != ERR_OK)
		return rc;
	struct category_row *r = malloc(sizeof *r);
	if (r == NULL) {
		store_done(s);
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	}
	int k;
	while ((k = store_next(s)) == 1) {
		category_from_row(s, r);
		fn(ctx, r);
	}
	store_done(s);
	free(r);
	return k < 0 ? store_step_error(k, ei, "listing categories") : ERR_OK;
}

enum err store_category_insert(struct store_conn *c, struct category_row *r, struct errinfo *ei)
{
	clock_now_iso(r->created_at);
	memcpy(r->updated_at, r->created_at, sizeof r->updated_at);
	struct store_val p[] = {
		id_or_null(r->parent_id),          SV_TEXT(r->code),
		SV_TEXT(r->name),                  SV_TEXT(r->kind),
		SV_TEXT(r->intake_standard),       text_or_null(r->default_level),
		id_or_null(r->default_department_id), text_or_null(r->limit_normal),
		text_or_null(r->limit_urgent),     text_or_null(r->limit_critical),
		SV_TEXT(r->closure_standard),      text_or_null(r->attributes),
		SV_INT(r->active ? 1 : 0),         SV_TEXT(r->created_at),
		SV_TEXT(r->updated_at),
	};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "INSERT INTO category (parent_id, code, name, kind, intake_standard,"
	                          " default_level, default_department_id, limit_normal, limit_urgent,"
	                          " limit_critical, closure_standard, attributes, active, created_at,"
	                          " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	                          " RETURNING id",
	                          p, 15, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int k = store_next(s);
	if (k == 1)
		r->id = store_col_int(s, 0);
	store_done(s);
	if (k == 1)
		return ERR_OK;
	return store_step_error(k < 0 ? k : -(int)ERR_INTERNAL, ei, "adding a category");
}

enum err store_category_update(struct store_conn *c, struct category_row *r, struct errinfo *ei)
{
	clock_now_iso(r->updated_at);
	struct store_val p[] = {
		SV_TEXT(r->name),                  SV_TEXT(r->kind),
		SV_TEXT(r->intake_standard),       text_or_null(r->default_level),
		id_or_null(r->default_department_id), text_or_null(r->limit_normal),
		text_or_null(r->limit_urgent),     text_or_null(r->limit_critical),
		SV_TEXT(r->closure_standard),      text_or_null(r->attributes),
		SV_INT(r->active ? 1 : 0),         SV_TEXT(r->updated_at),
		SV_INT(r->id),
	};
	return store_exec(c,
	                  "UPDATE category SET name = ?, kind = ?, intake_standard = ?, default_level = ?,"
	                  " default_department_id = ?, limit_normal = ?, limit_urgent = ?,"
	                  " limit_critical = ?, closure_standard = ?, attributes = ?, active = ?,"
	                  " updated_at = ? WHERE id = ?",
	                  p, 13, NULL, ei);
}

enum err store_category_code_neighbours(struct store_conn *c, const char *code, int64_t *prefix_id,
                                        int64_t *extending, struct errinfo *ei)
{
	*prefix_id = 0;
	*extending = 0;
	size_t n = strlen(code);
	if (n == 0 || n > CATEGORY_CODE_MAX)
		return ERR_OK;
	char pre[CATEGORY_CODE_MAX][CATEGORY_CODE_MAX + 1];
	struct store_val p[CATEGORY_CODE_MAX];
	struct strbuf sql;
	strbuf_init(&sql, 1024);
	strbuf_adds(&sql, "SELECT id FROM category WHERE code IN (");
	size_t np = 0;
	for (size_t k = 1; k < n; k++) {
		memcpy(pre[np], code, k);
		pre[np][k] = '\0';
		p[np] = SV_TEXT(pre[np]);
		strbuf_adds(&sql, np ? ", ?" : "?");
		np++;
	}
	strbuf_adds(&sql, ") ORDER BY LENGTH(code) DESC LIMIT 1");
	enum err rc = ERR_OK;
	struct store_stmt *s = NULL;
	if (np > 0 && (rc = store_query(c, sql.buf, p, (int)np, &s, ei)) == ERR_OK) {
		int k = store_next(s);
		if (k == 1)
			*prefix_id = store_col_int(s, 0);
		store_done(s);
		if (k < 0)
			rc = store_step_error(k, ei, "reading categories");
	}
	strbuf_free(&sql);
	if (rc != ERR_OK)
		return rc;
	char hi[CATEGORY_CODE_MAX + 2];
	snprintf(hi, sizeof hi, "%s~", code);
	struct store_val q[] = {SV_TEXT(code), SV_TEXT(hi)};
	if ((rc = store_query(c, "SELECT COUNT(*) FROM category WHERE code > ? AND code < ?", q, 2, &s,
	                      ei)) != ERR_OK)
		return rc;
	int k = store_next(s);
	if (k == 1)
		*extending = store_col_int(s, 0);
	store_done(s);
	return k < 0 ? store_step_error(k, ei, "reading categories") : ERR_OK;
}

enum err store_department_by_name(struct store_conn *c, const char *name, int64_t *id, int *count,
                                  struct errinfo *ei)
{
	*count = 0;
	*id = 0;
	struct store_val p[] = {SV_TEXT(name)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT id FROM unit WHERE kind = 'department' AND name = ? ORDER BY id",
	                          p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int k;
	while ((k = store_next(s)) == 1)
		if ((*count)++ == 0)
			*id = store_col_int(s, 0);
	store_done(s);
	return k < 0 ? store_step_error(k, ei, "finding a department") : ERR_OK;
}

/* --- dispatch rules ----------------------------------------------------------------- */

#define RULE_COLS                                                                           \
	"r.id, r.category_id, k.code, k.name, r.area_id, a.code, a.name, a.level, r.owner_level," \
	" r.owner_unit_id, u.name, r.priority, r.created_at, r.created_by"
#define RULE_FROM                                                                           \
	" FROM dispatch_rule r JOIN category k ON k.id = r.category_id"                         \
	" JOIN area a ON a.id = r.area_id LEFT JOIN unit u ON u.id = r.owner_unit_id"

static void rule_from_row(struct store_stmt *s, struct dispatch_rule_row *r)
{
	memset(r, 0, sizeof *r);
	r->id = store_col_int(s, 0);
	r->category_id = store_col_int(s, 1);
	store_copy_text(r->category_code, sizeof r->category_code, store_col_text(s, 2, NULL));
	store_copy_text(r->category_name, sizeof r->category_name, store_col_text(s, 3, NULL));
	r->area_id = store_col_int(s, 4);
	store_copy_text(r->area_code, sizeof r->area_code, store_col_text(s, 5, NULL));
	store_copy_text(r->area_name, sizeof r->area_name, store_col_text(s, 6, NULL));
	store_copy_text(r->area_level, sizeof r->area_level, store_col_text(s, 7, NULL));
	store_copy_text(r->owner_level, sizeof r->owner_level, store_col_text(s, 8, NULL));
	r->owner_unit_id = store_col_null(s, 9) ? 0 : store_col_int(s, 9);
	store_copy_text(r->owner_unit_name, sizeof r->owner_unit_name, store_col_text(s, 10, NULL));
	r->priority = store_col_int(s, 11);
	store_copy_text(r->created_at, sizeof r->created_at, store_col_text(s, 12, NULL));
	r->created_by = store_col_null(s, 13) ? 0 : store_col_int(s, 13);
}

enum err store_dispatch_rule_get(struct store_conn *c, int64_t id, struct dispatch_rule_row *r,
                                 struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(id)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT " RULE_COLS RULE_FROM " WHERE r.id = ?", p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int k = store_next(s);
	if (k == 1)
		rule_from_row(s, r);
	store_done(s);
	if (k < 0)
		return store_step_error(k, ei, "reading a dispatch rule");
	return k == 0 ? err_set(ei, ERR_NOTFOUND, NULL, "no such dispatch rule") : ERR_OK;
}

static enum err each_rule(struct store_conn *c, const char *sql, const struct store_val *p, int np,
                          dispatch_rule_fn fn, void *ctx, struct errinfo *ei)
{
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sql, p, np, &s, ei);
	if (rc != ERR_OK)
		return rc;
	struct dispatch_rule_row r;
	int k;
	while ((k = store_next(s)) == 1) {
		rule_from_row(s, &r);
		fn(ctx, &r);
	}
	store_done(s);
	return k < 0 ? store_step_error(k, ei, "reading dispatch rules") : ERR_OK;
}

enum err store_dispatch_rule_list(struct store_conn *c, const struct code_ranges *r,
                                  const char *category_code, dispatch_rule_fn fn, void *ctx,
                                  struct errinfo *ei)
{
	struct store_val p[48];
	int np = 0;
	struct strbuf sql;
	strbuf_init(&sql, 4096);
	strbuf_adds(&sql, "SELECT " RULE_COLS RULE_FROM " WHERE 1 = 1");
	code_ranges_sql(r, "a.code", &sql, p, &np);
	char hi[CATEGORY_CODE_MAX + 2];
	if (category_code != NULL) {
		/* Codes are [0-9A-Za-z]: '~' sorts after every one of them. */
		snprintf(hi, sizeof hi, "%s~", category_code);
		strbuf_adds(&sql, " AND k.code >= ? AND k.code < ?");
		p[np++] = SV_TEXT(category_code);
		p[np++] = SV_TEXT(hi);
	}
	strbuf_adds(&sql, " ORDER BY a.code, k.code, r.priority DESC, r.id");
	enum err rc = each_rule(c, sql.buf, p, np, fn, ctx, ei);
	strbuf_free(&sql);
	return rc;
}

static void take_one(void *ctx, const struct dispatch_rule_row *r)
{
	*(struct dispatch_rule_row *)ctx = *r;
}

enum err store_dispatch_rule_best(struct store_conn *c, const int64_t *cats, int ncats,
                                  const int64_t *areas, int nareas, struct dispatch_rule_row *r,
                                  bool *found, struct errinfo *ei)
{
	*found = false;
	if (ncats <= 0 || nareas <= 0)
		return ERR_OK;
	if (ncats > 16)
		ncats = 16;
	if (nareas > 16)
		nareas = 16;
	struct store_val p[32];
	int np = 0;
	struct strbuf sql;
	strbuf_init(&sql, 4096);
	strbuf_adds(&sql, "SELECT " RULE_COLS RULE_FROM " WHERE r.category_id IN (");
	for (int i = 0; i < ncats; i++) {
		strbuf_adds(&sql, i ? ", ?" : "?");
		p[np++] = SV_INT(cats[i]);
	}
	strbuf_adds(&sql, ") AND r.area_id IN (");
	for (int i = 0; i < nareas; i++) {
		strbuf_adds(&sql, i ? ", ?" : "?");
		p[np++] = SV_INT(areas[i]);
	}
	strbuf_adds(&sql, ") ORDER BY LENGTH(k.code) DESC, LENGTH(a.code) DESC, r.priority DESC, r.id"
	                  " LIMIT 1");
	struct dispatch_rule_row one;
	one.id = 0;
	enum err rc = each_rule(c, sql.buf, p, np, take_one, &one, ei);
	strbuf_free(&sql);
	if (rc == ERR_OK && one.id > 0) {
		*r = one;
		*found = true;
	}
	return rc;
}

enum err store_dispatch_rule_insert(struct store_conn *c, struct dispatch_rule_row *r,
                                    struct errinfo *ei)
{
	clock_now_iso(r->created_at);
	struct store_val p[] = {SV_INT(r->category_id),        SV_INT(r->area_id),
	                        text_or_null(r->owner_level),  id_or_null(r->owner_unit_id),
	                        SV_INT(r->priority),           SV_TEXT(r->created_at),
	                        id_or_null(r->created_by)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "INSERT INTO dispatch_rule (category_id, area_id, owner_level,"
	                          " owner_unit_id, priority, created_at, created_by)"
	                          " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                          p, 7, &s, ei);
	/* The unique key (category, area, priority) fails at the query on
	 * PostgreSQL, at the first step on SQLite. */
	int k = rc == ERR_OK ? store_next(s) : -(int)rc;
	if (rc == ERR_OK) {
		if (k == 1)
			r->id = store_col_int(s, 0);
		store_done(s);
	}
	if (k == 1)
		return ERR_OK;
	if (k == -(int)ERR_CONFLICT)
		return err_set(ei, ERR_CONFLICT, "priority",
		               "a rule of this category and area with this priority exists");
	if (rc != ERR_OK)
		return rc;
	return store_step_error(k < 0 ? k : -(int)ERR_INTERNAL, ei, "adding a dispatch rule");
}

enum err store_dispatch_rule_delete(struct store_conn *c, int64_t id, bool *found,
                                    struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(id)};
	int64_t n = 0;
	enum err rc = store_exec(c, "DELETE FROM dispatch_rule WHERE id = ?", p, 1, &n, ei);
	*found = n > 0;
	return rc;
}
