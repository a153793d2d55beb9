/* Copying a whole deployment between stores (linli migrate-data): every
 * table, in one transaction on the destination, then a row-count check.
 * Generic over backends: it learns tables and columns from the stores
 * themselves, so a new table needs no change here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_impl.h"
#include "util/strbuf.h"

#define COPY_TABLES_MAX 256
#define COPY_COLS_MAX 128

struct copy_ctx {
	struct store *src, *dst;
	char tables[COPY_TABLES_MAX][64];
	int ntables;
	int64_t rows[COPY_TABLES_MAX];
	int cur;
	struct store_conn *dst_conn;
	char *insert; /* INSERT for the current table */
};

/* Table names come from our own catalog; still, they go into SQL text,
 * so only plain identifiers are accepted. */
static bool plain_identifier(const char *s)
{
	if (*s == '\0' || strlen(s) >= 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static enum err list_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct copy_ctx *x = arg;
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, c->ops->sql_list_tables, NULL, 0, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r;
	x->ntables = 0;
	while ((r = store_next(s)) == 1) {
		const char *t = store_col_text(s, 0, NULL);
		if (!plain_identifier(t)) {
			store_done(s);
			return err_set(ei, ERR_INVALID, NULL, "unexpected table name %.64s", t);
		}
		if (x->ntables == COPY_TABLES_MAX) {
			store_done(s);
			return err_set(ei, ERR_TOO_LARGE, NULL, "more than %d tables", COPY_TABLES_MAX);
		}
		snprintf(x->tables[x->ntables++], 64, "%s", t);
	}
	store_done(s);
	return r < 0 ? err_set(ei, (enum err)-r, NULL, "listing tables failed") : ERR_OK;
}

static enum err count_rows(struct store_conn *c, const char *table, int64_t *n, struct errinfo *ei)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", table);
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sql, NULL, 0, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	*n = r == 1 ? store_col_int(s, 0) : 0;
	store_done(s);
	return r < 0 ? err_set(ei, (enum err)-r, NULL, "counting %s failed", table) : ERR_OK;
}

struct counts {
	struct copy_ctx *x;
	int64_t n[COPY_TABLES_MAX];
};

static enum err counts_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct counts *k = arg;
	for (int i = 0; i < k->x->ntables; i++) {
		enum err rc = count_rows(c, k->x->tables[i], &k->n[i], ei);
		if (rc != ERR_OK)
			return rc;
	}
	return ERR_OK;
}

/* Reads one source table and inserts each row through the destination's
 * write connection (we run inside the destination's write callback). */
static enum err rows_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct copy_ctx *x = arg;
	const char *table = x->tables[x->cur];
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT * FROM %s", table);
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sql, NULL, 0, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r, ncol = store_col_count(s);
	if (ncol > COPY_COLS_MAX) {
		store_done(s);
		return err_set(ei, ERR_TOO_LARGE, NULL, "%s has more than %d columns", table, COPY_COLS_MAX);
	}
	struct strbuf sb;
	strbuf_init(&sb, 64 * 1024);
	strbuf_addf(&sb, "INSERT INTO %s (", table);
	for (int i = 0; i < ncol; i++) {
		const char *name = store_col_name(s, i);
		if (!plain_identifier(name)) {
			strbuf_free(&sb);
			store_done(s);
			return err_set(ei, ERR_INVALID, NULL, "unexpected column name in %s", table);
		}
		strbuf_addf(&sb, "%s%s", i ? ", " : "", name);
	}
	strbuf_adds(&sb, ") VALUES (");
	for (int i = 0; i < ncol; i++)
		strbuf_adds(&sb, i ? ", ?" : "?");
	strbuf_adds(&sb, ")");
	struct store_val vals[COPY_COLS_MAX];
	while (rc == ERR_OK && (r = store_next(s)) == 1) {
		for (int i = 0; i < ncol; i++) {
			switch (store_col_type(s, i)) {
			case STORE_INT: vals[i] = SV_INT(store_col_int(s, i)); break;
			case STORE_REAL: vals[i] = SV_REAL(store_col_real(s, i)); break;
			case STORE_NULL: vals[i] = SV_NULL; break;
			default: {
				size_t len = 0;
				const char *t = store_col_text(s, i, &len);
				vals[i] = SV_TEXTN(t, len);
			}
			}
		}
		rc = store_exec(x->dst_conn, sb.buf, vals, ncol, NULL, ei);
		if (rc == ERR_OK)
			x->rows[x->cur]++;
	}
	store_done(s);
	strbuf_free(&sb);
	if (rc == ERR_OK && r < 0)
		rc = err_set(ei, (enum err)-r, NULL, "reading %s failed", table);
	return rc;
}

static enum err copy_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct copy_ctx *x = arg;
	x->dst_conn = c;
	for (x->cur = 0; x->cur < x->ntables; x->cur++) {
		x->rows[x->cur] = 0;
		/* The destination's migrations wrote its own schema_migration rows. */
		if (strcmp(x->tables[x->cur], "schema_migration") == 0)
			continue;
		enum err rc = store_read(x->src, rows_fn, x, ei);
		if (rc != ERR_OK)
			return rc;
	}
	if (c->ops->sql_after_copy != NULL)
		return c->ops->exec_script(c, c->ops->sql_after_copy, ei);
	return ERR_OK;
}

enum err store_copy(struct store *src, struct store *dst,
                    void (*report)(void *ctx, const char *table, int64_t rows), void *ctx,
                    struct errinfo *ei)
{
	enum err rc;
	int vs = 0, vd = 0;
	struct copy_ctx *x = calloc(1, sizeof *x);
	struct counts *before = calloc(1, sizeof *before), *after = calloc(1, sizeof *after);
	if (x == NULL || before == NULL || after == NULL) {
		rc = err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	x->src = src;
	x->dst = dst;
	if ((rc = store_schema_version(src, &vs, ei)) != ERR_OK)
		goto out;
	if (vs != store_schema_latest(src)) {
		rc = err_set(ei, ERR_CONFLICT, "from",
		             "the source schema is at version %d, not %d: run linli migrate on it first", vs,
		             store_schema_latest(src));
		goto out;
	}
	if ((rc = store_migrate(dst, NULL, ei)) != ERR_OK ||
	    (rc = store_schema_version(dst, &vd, ei)) != ERR_OK)
		goto out;
	if (vd != vs) {
		rc = err_set(ei, ERR_CONFLICT, "to", "destination schema %d differs from source %d", vd, vs);
		goto out;
	}
	if ((rc = store_read(src, list_fn, x, ei)) != ERR_OK)
		goto out;
	before->x = x;
	if ((rc = store_read(dst, counts_fn, before, ei)) != ERR_OK)
		goto out;
	for (int i = 0; i < x->ntables; i++)
		if (before->n[i] != 0 && strcmp(x->tables[i], "schema_migration") != 0) {
			rc = err_set(ei, ERR_CONFLICT, "to", "the destination already holds rows in %s",
			             x->tables[i]);
			goto out;
		}
	if ((rc = store_write(dst, copy_fn, x, ei)) != ERR_OK)
		goto out;
	/* Verify: every table has as many rows on both sides. */
	after->x = x;
	before->x = x;
	if ((rc = store_read(src, counts_fn, before, ei)) != ERR_OK ||
	    (rc = store_read(dst, counts_fn, after, ei)) != ERR_OK)
		goto out;
	for (int i = 0; i < x->ntables; i++) {
		if (before->n[i] != after->n[i]) {
			rc = err_set(ei, ERR_INTERNAL, NULL, "row counts differ in %s: %lld here, %lld there",
			             x->tables[i], (long long)before->n[i], (long long)after->n[i]);
			goto out;
		}
		if (report != NULL)
			report(ctx, x->tables[i], after->n[i]);
	}
out:
	free(x);
	free(before);
	free(after);
	return rc;
}
