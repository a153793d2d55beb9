/* Backend selection, dispatch through the ops table, and the migration
 * runner that both backends share (only the SQL files differ). */
#include "store/store_impl.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/embedded.h"

static const struct {
	const char *scheme; /* URL prefix, cut off before the backend sees the rest */
	const struct store_ops *ops;
} backends[] = {
	{"sqlite:", &store_sqlite_ops},
	{"postgres://", &store_pg_ops},
	{"postgresql://", &store_pg_ops},
};

enum err store_open(const char *url, const struct store_options *opt, struct store **out,
                    struct errinfo *ei)
{
	*out = NULL;
	for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++) {
		size_t n = strlen(backends[i].scheme);
		if (strncmp(url, backends[i].scheme, n) == 0)
			return backends[i].ops->open(url + n, opt, out, ei);
	}
	return err_set(ei, ERR_INVALID, "db",
	               "unknown database URL (expected sqlite:PATH or postgres://USER@HOST/DB)");
}

void store_close(struct store *st)
{
	if (st != NULL)
		st->ops->close(st);
}

const char *store_backend(const struct store *st) { return st->ops->name; }

enum err store_read(struct store *st, store_fn fn, void *arg, struct errinfo *ei)
{
	return st->ops->read(st, fn, arg, ei);
}

enum err store_write(struct store *st, store_fn fn, void *arg, struct errinfo *ei)
{
	return st->ops->write(st, fn, arg, ei);
}

enum err store_step_error(int r, struct errinfo *ei, const char *what)
{
	return err_set(ei, (enum err)-r, NULL, "%s failed", what);
}

void store_copy_text(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

enum err store_one_row(struct store_conn *c, const char *sql, const struct store_val *p, int np,
                       void (*fill)(struct store_stmt *s, void *out), void *out, const char *what,
                       struct errinfo *ei)
{
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sql, p, np, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	if (r == 1)
		fill(s, out);
	store_done(s);
	if (r < 0)
		return err_set(ei, (enum err)-r, NULL, "reading the %s failed", what);
	return r == 0 ? err_set(ei, ERR_NOTFOUND, NULL, "no such %s", what) : ERR_OK;
}

void store_mark_accounts(struct store_conn *c) { c->accounts_marked = true; }

uint64_t store_accounts_generation(struct store *st) { return atomic_load(&st->accounts_gen); }

void store_tx_ended(struct store *st, struct store_conn *c)
{
	if (c->accounts_marked) {
		c->accounts_marked = false;
		atomic_fetch_add(&st->accounts_gen, 1);
	}
}

void store_get_stats(struct store *st, struct store_stats *out)
{
	memset(out, 0, sizeof *out);
	st->ops->stats(st, out);
}

enum err store_query(struct store_conn *c, const char *sql, const struct store_val *params,
                     int nparams, struct store_stmt **out, struct errinfo *ei)
{
	return c->ops->query(c, sql, params, nparams, out, ei);
}

int store_next(struct store_stmt *s) { return s->ops->next(s); }
bool store_col_null(struct store_stmt *s, int col) { return s->ops->col_null(s, col); }
int64_t store_col_int(struct store_stmt *s, int col) { return s->ops->col_int(s, col); }
double store_col_real(struct store_stmt *s, int col) { return s->ops->col_real(s, col); }
const char *store_col_text(struct store_stmt *s, int col, size_t *len)
{
	return s->ops->col_text(s, col, len);
}
void store_done(struct store_stmt *s)
{
	if (s != NULL)
		s->ops->done(s);
}

int store_col_count(struct store_stmt *s) { return s->ops->col_count(s); }
const char *store_col_name(struct store_stmt *s, int col) { return s->ops->col_name(s, col); }
enum store_type store_col_type(struct store_stmt *s, int col) { return s->ops->col_type(s, col); }

enum err store_exec(struct store_conn *c, const char *sql, const struct store_val *params,
                    int nparams, int64_t *changes, struct errinfo *ei)
{
	return c->ops->exec(c, sql, params, nparams, changes, ei);
}

int store_batch_bucket(int64_t n)
{
	int b = 0;
	for (int64_t lim = 1; b < STORE_BATCH_BUCKETS - 1 && n > lim; lim *= 2)
		b++;
	return b;
}

/* --- migrations ---------------------------------------------------------- */

static const char sql_migration_table[] =
	"CREATE TABLE IF NOT EXISTS schema_migration ("
	" version INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL,"
	" applied_at TEXT NOT NULL)";

/* Parses "src/store/migrations/<backend>/NNNN_name.sql" → version; -1 if not ours. */
static int migration_version(const char *path, const char *backend, const char **name)
{
	static const char prefix[] = "src/store/migrations/";
	size_t plen = sizeof prefix - 1, blen = strlen(backend);
	if (strncmp(path, prefix, plen) != 0 || strncmp(path + plen, backend, blen) != 0 ||
	    path[plen + blen] != '/')
		return -1;
	const char *file = path + plen + blen + 1;
	int v = 0, digits = 0;
	while (file[digits] >= '0' && file[digits] <= '9' && digits < 6)
		v = v * 10 + (file[digits++] - '0');
	if (digits != 4 || file[digits] != '_')
		return -1;
	*name = file;
	return v;
}

struct migrate_ctx {
	const char *backend;
	int applied;
	int version;
};

static enum err read_version(struct store_conn *c, struct migrate_ctx *m, struct errinfo *ei)
{
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT COALESCE(MAX(version), 0) FROM schema_migration", NULL, 0,
	                          &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	if (r == 1)
		m->version = (int)store_col_int(s, 0);
	store_done(s);
	return r < 0 ? err_set(ei, (enum err)-r, NULL, "reading schema version failed") : ERR_OK;
}

static enum err migrate_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct migrate_ctx *m = arg;
	enum err rc = ERR_OK;
	if (c->ops->sql_migrate_lock != NULL)
		rc = c->ops->exec_script(c, c->ops->sql_migrate_lock, ei);
	if (rc == ERR_OK)
		rc = c->ops->exec_script(c, sql_migration_table, ei);
	if (rc == ERR_OK)
		rc = read_version(c, m, ei);
	if (rc != ERR_OK)
		return rc;
	/* embedded_files is sorted by path, so versions come in order. */
	for (const struct embedded_file *f = embedded_files; f->name != NULL; f++) {
		const char *name = NULL;
		int v = migration_version(f->name, m->backend, &name);
		if (v <= m->version)
			continue;
		rc = c->ops->exec_script(c, (const char *)f->data, ei);
		if (rc != ERR_OK) {
			char msg[sizeof ei->message];
			snprintf(msg, sizeof msg, "%s", ei ? ei->message : "");
			return err_set(ei, rc, NULL, "migration %s failed: %s", name, msg);
		}
		char now[32];
		clock_now_iso(now);
		struct store_val p[] = {SV_INT(v), SV_TEXT(name), SV_TEXT(now)};
		rc = store_exec(c, "INSERT INTO schema_migration(version, name, applied_at) VALUES (?, ?, ?)",
		                p, 3, NULL, ei);
		if (rc != ERR_OK)
			return rc;
		m->version = v;
		m->applied++;
	}
	return ERR_OK;
}

enum err store_migrate(struct store *st, int *applied, struct errinfo *ei)
{
	struct migrate_ctx m = {.backend = st->ops->name};
	enum err rc = st->ops->write_schema(st, migrate_fn, &m, ei);
	if (applied != NULL)
		*applied = rc == ERR_OK ? m.applied : 0;
	return rc;
}

int store_schema_latest(const struct store *st)
{
	int latest = 0;
	for (const struct embedded_file *f = embedded_files; f->name != NULL; f++) {
		const char *name = NULL;
		int v = migration_version(f->name, st->ops->name, &name);
		if (v > latest)
			latest = v;
	}
	return latest;
}

static enum err version_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct migrate_ctx *m = arg;
	struct store_stmt *s = NULL;
	/* An empty database has no schema_migration table: version 0. */
	struct store_val p[] = {SV_TEXT("schema_migration")};
	enum err rc = store_query(c, c->ops->sql_table_exists, p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	int64_t exists = r == 1 ? store_col_int(s, 0) : 0;
	store_done(s);
	if (exists == 0)
		return ERR_OK;
	return read_version(c, m, ei);
}

enum err store_schema_version(struct store *st, int *version, struct errinfo *ei)
{
	struct migrate_ctx m = {.backend = st->ops->name};
	enum err rc = store_read(st, version_fn, &m, ei);
	*version = m.version;
	return rc;
}

static enum err ping_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT 1", NULL, 0, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	store_done(s);
	return r == 1 ? ERR_OK : ERR_UNAVAIL;
}

enum err store_ping(struct store *st)
{
	return store_read(st, ping_fn, NULL, NULL);
}
