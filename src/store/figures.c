/* SQL of the figures and of rollup-verify. The roll-up tables are summed
 * with the counters in rq_counter_names order; the events' recorded deltas
 * are read with json_extract (SQLite) or ->> on the text cast to jsonb once
 * per row (PostgreSQL), the one place the dialects differ. */
#include "store/figures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_impl.h"
#include "util/strbuf.h"

static bool is_pg(struct store_conn *c)
{
	return c->ops == &store_pg_ops;
}

static const char *table_of(bool unit)
{
	return unit ? "request_unit_rollup" : "request_rollup";
}

static const char *key_of(bool unit)
{
	return unit ? "unit_id" : "area_id";
}

/* ", COALESCE(SUM(p.received), 0), …" for every counter. */
static void add_sums(struct strbuf *sb, const char *prefix)
{
	for (int i = 0; i < RC__MAX; i++)
		strbuf_addf(sb, ", COALESCE(SUM(%s%s), 0)", prefix, rq_counter_names[i]);
}

static void read_counts(struct store_stmt *s, int first, int64_t counts[RC__MAX])
{
	for (int i = 0; i < RC__MAX; i++)
		counts[i] = store_col_int(s, first + i);
}

/* --- reading the roll-ups ------------------------------------------------------------------------- */

enum err store_figures_by_day(struct store_conn *c, bool unit, int64_t id, const char *from,
                              const char *to, int64_t category_id,
                              void (*fn)(void *ctx, const char *day, const int64_t counts[RC__MAX]),
                              void *ctx, struct errinfo *ei)
{
	struct strbuf sb;
	strbuf_init(&sb, 8192);
	strbuf_adds(&sb, "SELECT day");
	add_sums(&sb, "");
	strbuf_addf(&sb, " FROM %s WHERE %s = ? AND day >= ? AND day <= ?", table_of(unit), key_of(unit));
	struct store_val p[4] = {SV_INT(id), SV_TEXT(from), SV_TEXT(to)};
	int np = 3;
	if (category_id > 0) {
		strbuf_adds(&sb, " AND category_id = ?");
		p[np++] = SV_INT(category_id);
	}
	strbuf_adds(&sb, " GROUP BY day ORDER BY day");
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sb.buf, p, np, &s, ei);
	strbuf_free(&sb);
	if (rc != ERR_OK)
		return rc;
	int k;
	int64_t counts[RC__MAX];
	while ((k = store_next(s)) == 1) {
		read_counts(s, 1, counts);
		fn(ctx, store_col_text(s, 0, NULL), counts);
	}
	store_done(s);
	return k < 0 ? store_step_error(k, ei, "summing roll-ups by day") : ERR_OK;
}

enum err store_figures_by_category(struct store_conn *c, bool unit, int64_t id, const char *from,
                                   const char *to,
                                   void (*fn)(void *ctx, const struct figure_category *k,
                                              const int64_t counts[RC__MAX]),
                                   void *ctx, struct errinfo *ei)
{
	struct strbuf sb;
	strbuf_init(&sb, 8192);
	strbuf_adds(&sb, "SELECT k.id, k.code, k.name, k.active");
	add_sums(&sb, "r.");
	strbuf_addf(&sb,
	            " FROM category k LEFT JOIN %s r ON r.category_id = k.id AND r.%s = ?"
	            " AND r.day >= ? AND r.day <= ? WHERE k.parent_id IS NULL"
	            " GROUP BY k.id, k.code, k.name, k.active ORDER BY k.code",
	            table_of(unit), key_of(unit));
	struct store_val p[] = {SV_INT(id), SV_TEXT(from), SV_TEXT(to)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sb.buf, p, 3, &s, ei);
	strbuf_free(&sb);
	if (rc != ERR_OK)
		return rc;
	int k;
	int64_t counts[RC__MAX];
	while ((k = store_next(s)) == 1) {
		struct figure_category cat = {.id = store_col_int(s, 0)};
		char code[64], name[400];
		snprintf(code, sizeof code, "%s", store_col_text(s, 1, NULL));
		snprintf(name, sizeof name, "%s", store_col_text(s, 2, NULL));
		cat.code = code;
		cat.name = name;
		cat.active = store_col_int(s, 3) != 0;
		read_counts(s, 4, counts);
		fn(ctx, &cat, counts);
	}
	store_done(s);
	return k < 0 ? store_step_error(k, ei, "summing roll-ups by category") : ERR_OK;
}

enum err store_figures_areas(struct store_conn *c, int64_t parent, int depth, const char *level,
                             const char *from, const char *to, int64_t category_id,
                             void (*fn)(void *ctx, const struct figure_area *a,
                                        const int64_t counts[RC__MAX]),
                             void *ctx, struct errinfo *ei)
{
	if (depth < 1 || depth > 6)
		return err_set(ei, ERR_INVALID, "level", "no such level below the area");
	struct strbuf sb;
	strbuf_init(&sb, 8192);
	strbuf_adds(&sb, "SELECT a.id, a.code, a.name");
	add_sums(&sb, "r.");
	struct store_val p[8];
	int np = 0;
	/* down the tree by area_children (parent_id, code): p1 … a */
	strbuf_adds(&sb, " FROM area p1");
	for (int i = 2; i <= depth; i++)
		strbuf_addf(&sb, " JOIN area p%d ON p%d.parent_id = p%d.id", i, i, i - 1);
	strbuf_addf(&sb, " JOIN area a ON a.id = p%d.id", depth);
	strbuf_adds(&sb, " LEFT JOIN request_rollup r ON r.area_id = a.id AND r.day >= ? AND r.day <= ?");
	p[np++] = SV_TEXT(from);
	p[np++] = SV_TEXT(to);
	if (category_id > 0) {
		strbuf_adds(&sb, " AND r.category_id = ?");
		p[np++] = SV_INT(category_id);
	}
	strbuf_adds(&sb, " WHERE p1.parent_id = ? AND a.level = ? AND (a.valid_to IS NULL OR a.valid_to >= ?)"
	                 " GROUP BY a.id, a.code, a.name ORDER BY a.code");
	p[np++] = SV_INT(parent);
	p[np++] = SV_TEXT(level);
	p[np++] = SV_TEXT(from);
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sb.buf, p, np, &s, ei);
	strbuf_free(&sb);
	if (rc != ERR_OK)
		return rc;
	int k;
	int64_t counts[RC__MAX];
	while ((k = store_next(s)) == 1) {
		struct figure_area a = {.id = store_col_int(s, 0)};
		char acode[AREA_CODE_MAX + 1], name[AREA_NAME_MAX * 4 + 1];
		snprintf(acode, sizeof acode, "%s", store_col_text(s, 1, NULL));
		snprintf(name, sizeof name, "%s", store_col_text(s, 2, NULL));
		a.code = acode;
		a.name = name;
		read_counts(s, 3, counts);
		fn(ctx, &a, counts);
	}
	store_done(s);
	return k < 0 ? store_step_error(k, ei, "summing roll-ups by area") : ERR_OK;
}

enum err store_figures_flagged(struct store_conn *c, const char *area_code, int64_t unit_id,
                               const char *from_utc, const char *to_utc, int64_t category_id,
                               int min, int64_t *n, struct errinfo *ei)
{
	*n = 0;
	char hi[AREA_CODE_MAX + 2];
	struct strbuf sb;
	strbuf_init(&sb, 1024);
	struct store_val p[6];
	int np = 0;
	/* the partial indexes' own condition, written the same way */
	strbuf_addf(&sb, "SELECT COUNT(*) FROM request WHERE rework_count >= %d", min);
	if (area_code != NULL) {
		snprintf(hi, sizeof hi, "%s:", area_code);
		strbuf_adds(&sb, " AND area_code >= ? AND area_code < ?");
		p[np++] = SV_TEXT(area_code);
		p[np++] = SV_TEXT(hi);
	} else {
		strbuf_adds(&sb, " AND owner_unit_id = ?");
		p[np++] = SV_INT(unit_id);
	}
	strbuf_adds(&sb, " AND created_at >= ? AND created_at < ?");
	p[np++] = SV_TEXT(from_utc);
	p[np++] = SV_TEXT(to_utc);
	if (category_id > 0) {
		strbuf_adds(&sb, " AND category_top_id = ?");
		p[np++] = SV_INT(category_id);
	}
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sb.buf, p, np, &s, ei);
	strbuf_free(&sb);
	if (rc != ERR_OK)
		return rc;
	int k = store_next(s);
	if (k == 1)
		*n = store_col_int(s, 0);
	store_done(s);
	return k < 0 ? store_step_error(k, ei, "counting flagged requests") : ERR_OK;
}

/* --- rollup-verify -------------------------------------------------------------------------------- */

static enum err one_text(struct store_conn *c, const char *sql, const char *param, char *out,
                         size_t cap, struct errinfo *ei)
{
	out[0] = '\0';
	struct store_val p[] = {SV_TEXT(param)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sql, p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int k = store_next(s);
	if (k == 1 && !store_col_null(s, 0))
		snprintf(out, cap, "%s", store_col_text(s, 0, NULL));
	store_done(s);
	return k < 0 ? store_step_error(k, ei, "reading the roll-ups' extent") : ERR_OK;
}

enum err store_rollup_next(struct store_conn *c, const char *at_from, const char *day_after,
                           char next_at[RQ_TIME], char next_day[ROLLUP_DAY_MAX],
                           struct errinfo *ei)
{
	char d1[ROLLUP_DAY_MAX], d2[ROLLUP_DAY_MAX];
	enum err rc;
	/* each MIN is answered by an index: request_event_by_at, request_(unit_)rollup_by_day */
	if ((rc = one_text(c, "SELECT MIN(at) FROM request_event WHERE at >= ?", at_from, next_at,
	                   RQ_TIME, ei)) != ERR_OK ||
	    (rc = one_text(c, "SELECT MIN(day) FROM request_rollup WHERE day > ?", day_after, d1,
	                   sizeof d1, ei)) != ERR_OK ||
	    (rc = one_text(c, "SELECT MIN(day) FROM request_unit_rollup WHERE day > ?", day_after, d2,
	                   sizeof d2, ei)) != ERR_OK)
		return rc;
	const char *d = d1[0] && (!d2[0] || strcmp(d1, d2) <= 0) ? d1 : d2;
	snprintf(next_day, ROLLUP_DAY_MAX, "%s", d);
	return ERR_OK;
}

/* The text of one recorded delta: obj is "counts" or "unit_counts". */
static void add_delta(struct strbuf *sb, bool pg, const char *obj, const char *counter)
{
	if (pg)
		strbuf_addf(sb, ", COALESCE(SUM((x.d -> '%s' ->> '%s')::bigint), 0)", obj, counter);
	else
		strbuf_addf(sb, ", COALESCE(SUM(json_extract(x.d, '$.%s.%s')), 0)", obj, counter);
}

enum err store_rollup_replay(struct store_conn *c, bool unit, const char *at_lo, const char *at_hi,
                             void (*fn)(void *ctx, int64_t key, int64_t category_id,
                                        const int64_t counts[RC__MAX]),
                             void *ctx, int64_t *events, struct errinfo *ei)
{
	bool pg = is_pg(c);
	struct strbuf sb;
	strbuf_init(&sb, 16384);
	if (unit)
		strbuf_adds(&sb, pg ? "SELECT (x.d ->> 'unit')::bigint AS k, x.cat, COUNT(*)"
		                    : "SELECT json_extract(x.d, '$.unit') AS k, x.cat, COUNT(*)");
	else
		strbuf_adds(&sb, "SELECT x.area_id AS k, x.cat, COUNT(*)");
	for (int i = 0; i < RC__MAX; i++)
		add_delta(&sb, pg, unit ? "unit_counts" : "counts", rq_counter_names[i]);
	/* OFFSET 0 keeps PostgreSQL from inlining the subquery, so the text is
	 * parsed into jsonb once per event, not once per counter */
	strbuf_addf(&sb,
	            " FROM (SELECT r.area_id, r.category_top_id AS cat, e.data%s AS d"
	            " FROM request_event e JOIN request r ON r.id = e.request_id"
	            " WHERE e.at >= ? AND e.at < ?%s) x",
	            pg ? "::jsonb" : "", pg ? " OFFSET 0" : "");
	if (unit)
		strbuf_adds(&sb, pg ? " WHERE (x.d ->> 'unit') IS NOT NULL"
		                    : " WHERE json_extract(x.d, '$.unit') IS NOT NULL");
	strbuf_adds(&sb, " GROUP BY 1, 2");
	struct store_val p[] = {SV_TEXT(at_lo), SV_TEXT(at_hi)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sb.buf, p, 2, &s, ei);
	strbuf_free(&sb);
	if (rc != ERR_OK)
		return rc;
	int k;
	int64_t counts[RC__MAX];
	while ((k = store_next(s)) == 1) {
		if (events != NULL)
			*events += store_col_int(s, 2);
		read_counts(s, 3, counts);
		fn(ctx, store_col_int(s, 0), store_col_int(s, 1), counts);
	}
	store_done(s);
	return k < 0 ? store_step_error(k, ei, "replaying the events' deltas") : ERR_OK;
}

enum err store_rollup_rows(struct store_conn *c, bool unit, const char *day,
                           void (*fn)(void *ctx, int64_t key, int64_t category_id,
                                      const int64_t counts[RC__MAX]),
                           void *ctx, struct errinfo *ei)
{
	struct strbuf sb;
	strbuf_init(&sb, 4096);
	strbuf_addf(&sb, "SELECT %s, category_id", key_of(unit));
	for (int i = 0; i < RC__MAX; i++)
		strbuf_addf(&sb, ", %s", rq_counter_names[i]);
	strbuf_addf(&sb, " FROM %s WHERE day = ? ORDER BY %s, category_id", table_of(unit), key_of(unit));
	struct store_val p[] = {SV_TEXT(day)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sb.buf, p, 1, &s, ei);
	strbuf_free(&sb);
	if (rc != ERR_OK)
		return rc;
	int k;
	int64_t counts[RC__MAX];
	while ((k = store_next(s)) == 1) {
		read_counts(s, 2, counts);
		fn(ctx, store_col_int(s, 0), store_col_int(s, 1), counts);
	}
	store_done(s);
	return k < 0 ? store_step_error(k, ei, "reading stored roll-ups") : ERR_OK;
}

enum err store_rollup_parent(struct store_conn *c, int64_t area_id, int64_t *parent,
                             struct errinfo *ei)
{
	*parent = 0;
	struct store_val p[] = {SV_INT(area_id)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT parent_id FROM area WHERE id = ?", p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int k = store_next(s);
	if (k == 1)
		*parent = store_col_null(s, 0) ? 0 : store_col_int(s, 0);
	store_done(s);
	if (k < 0)
		return store_step_error(k, ei, "reading an area's parent");
	return k == 1 ? ERR_OK : err_set(ei, ERR_NOTFOUND, NULL, "no area %lld", (long long)area_id);
}

enum err store_rollup_moves(struct store_conn *c,
                            void (*fn)(void *ctx, int64_t area_id, const char *at,
                                       int64_t old_parent, int64_t new_parent),
                            void *ctx, struct errinfo *ei)
{
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "SELECT area_id, at, COALESCE(old_parent_id, 0), COALESCE(new_parent_id, 0)"
	                          " FROM area_history WHERE action <> 'create'"
	                          " AND COALESCE(old_parent_id, 0) <> COALESCE(new_parent_id, 0)"
	                          " ORDER BY at, id",
	                          NULL, 0, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int k;
	while ((k = store_next(s)) == 1)
		fn(ctx, store_col_int(s, 0), store_col_text(s, 1, NULL), store_col_int(s, 2),
		   store_col_int(s, 3));
	store_done(s);
	return k < 0 ? store_step_error(k, ei, "reading area moves") : ERR_OK;
}
