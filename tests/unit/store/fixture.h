/* The store tests' fixture: one empty database per test, on the backend the
 * environment chooses. LINLI_TEST_PG set (a cluster URL without a database,
 * postgres://USER@HOST:PORT): a fresh database t_<random> created over libpq
 * and dropped afterwards; unset: a SQLite file in a fresh temporary directory.
 * Header-only: each test file is a binary of its own. */
#ifndef LINLI_TEST_STORE_FIXTURE_H
#define LINLI_TEST_STORE_FIXTURE_H

#include <dirent.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"

enum fx_backend { FX_SQLITE, FX_PG };

/* One database of either backend. st is NULL until fx_db_open. */
struct fx_db {
	enum fx_backend backend;
	char dir[64];     /* SQLite: the temporary directory holding test.db */
	char dbname[40];  /* PostgreSQL: t_<random> */
	char url[512];    /* what store_open takes */
	struct store *st;
};

/* The cluster URL from LINLI_TEST_PG without trailing slashes, or NULL. */
static inline const char *fx_pg_base(void)
{
	static char base[400];
	const char *e = getenv("LINLI_TEST_PG");
	if (e == NULL || e[0] == '\0')
		return NULL;
	snprintf(base, sizeof base, "%s", e);
	size_t n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		base[--n] = '\0';
	return base;
}

static inline bool fx_pg_available(void) { return fx_pg_base() != NULL; }

static inline enum fx_backend fx_default_backend(void)
{
	return fx_pg_available() ? FX_PG : FX_SQLITE;
}

/* The name store_backend() reports for a backend. */
static inline const char *fx_backend_name(enum fx_backend b)
{
	return b == FX_PG ? "postgres" : "sqlite";
}

/* A TAP comment naming the backend the suite runs on. */
static inline void fx_print_backend(const char *suite)
{
	print_message("# %s: backend %s%s%s\n", suite, fx_backend_name(fx_default_backend()),
	              fx_pg_available() ? " at " : " (set LINLI_TEST_PG for PostgreSQL)",
	              fx_pg_available() ? fx_pg_base() : "");
}

/* A connection to BASE/DB (the maintenance database when db is NULL), for
 * what the store does not offer: creating databases, killing backends.
 * NULL (and a message) on failure; PQfinish it. */
static inline PGconn *fx_pg_connect(const char *db)
{
	char url[512];
	snprintf(url, sizeof url, "%s/%s", fx_pg_base(), db ? db : "postgres");
	PGconn *pg = PQconnectdb(url);
	if (PQstatus(pg) != CONNECTION_OK) {
		print_message("# cannot connect to %s: %s", url, PQerrorMessage(pg));
		PQfinish(pg);
		return NULL;
	}
	PQclear(PQexec(pg, "SET client_min_messages = warning"));
	return pg;
}

/* Runs one statement on pg; 0 if it succeeded. */
static inline int fx_pg_exec(PGconn *pg, const char *sql)
{
	PGresult *r = PQexec(pg, sql);
	ExecStatusType st = PQresultStatus(r);
	int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : -1;
	if (rc != 0)
		print_message("# %s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
	return rc;
}

/* Runs a one-row, one-column query on pg; the integer, or -1. */
static inline long long fx_pg_int(PGconn *pg, const char *sql)
{
	PGresult *r = PQexec(pg, sql);
	long long v = -1;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0))
		v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	else
		print_message("# %s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
	return v;
}

static inline void fx_random_hex(char *out, size_t bytes)
{
	unsigned char buf[16] = {0};
	if (bytes > sizeof buf)
		bytes = sizeof buf;
	int fd = open("/dev/urandom", O_RDONLY);
	ssize_t got = fd >= 0 ? read(fd, buf, bytes) : -1;
	if (fd >= 0)
		close(fd);
	if (got != (ssize_t)bytes) { /* fall back on what differs between runs */
		unsigned long long x = (unsigned long long)time(NULL) * 6364136223846793005ULL ^
		                       (unsigned long long)getpid() << 16 ^ (unsigned long long)clock();
		memcpy(buf, &x, sizeof x < bytes ? sizeof x : bytes);
	}
	for (size_t i = 0; i < bytes; i++)
		snprintf(out + 2 * i, 3, "%02x", buf[i]);
}

/* Makes a new, empty database of backend b (not opened). 0 on success. */
static inline int fx_db_create(struct fx_db *d, enum fx_backend b)
{
	memset(d, 0, sizeof *d);
	d->backend = b;
	if (b == FX_SQLITE) {
		char dir[sizeof d->dir] = "/tmp/linli-unit-XXXXXX";
		if (mkdtemp(dir) == NULL)
			return -1;
		memcpy(d->dir, dir, sizeof dir);
		snprintf(d->url, sizeof d->url, "sqlite:%s/test.db", dir);
		return 0;
	}
	if (!fx_pg_available())
		return -1;
	char hex[17];
	fx_random_hex(hex, 8);
	snprintf(d->dbname, sizeof d->dbname, "t_%s", hex);
	PGconn *pg = fx_pg_connect(NULL);
	if (pg == NULL)
		return -1;
	char sql[96];
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", d->dbname);
	int rc = fx_pg_exec(pg, sql);
	PQfinish(pg);
	if (rc != 0) {
		d->dbname[0] = '\0';
		return -1;
	}
	snprintf(d->url, sizeof d->url, "%s/%s", fx_pg_base(), d->dbname);
	return 0;
}

/* Closes the store if open and removes the database. */
static inline void fx_db_destroy(struct fx_db *d)
{
	store_close(d->st);
	d->st = NULL;
	if (d->backend == FX_SQLITE && d->dir[0] != '\0') {
		DIR *dh = opendir(d->dir);
		struct dirent *e;
		while (dh != NULL && (e = readdir(dh)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			char path[400];
			snprintf(path, sizeof path, "%s/%s", d->dir, e->d_name);
			unlink(path);
		}
		if (dh != NULL)
			closedir(dh);
		rmdir(d->dir);
		d->dir[0] = '\0';
	}
	if (d->backend == FX_PG && d->dbname[0] != '\0') {
		PGconn *pg = fx_pg_connect(NULL);
		if (pg != NULL) {
			/* FORCE: a test that failed half-way may have left a connection. */
			char sql[96];
			snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", d->dbname);
			fx_pg_exec(pg, sql);
			PQfinish(pg);
		}
		d->dbname[0] = '\0';
	}
}

/* Opens d->url into d->st; the store_open result. */
static inline enum err fx_db_open_opt(struct fx_db *d, const struct store_options *opt,
                               struct errinfo *ei)
{
	d->st = NULL;
	return store_open(d->url, opt, &d->st, ei);
}

/* Opens d->url into d->st with the tests' usual options, failing the test
 * if it cannot. */
static inline struct store *fx_db_open(struct fx_db *d)
{
	struct store_options opt = {.readers = 4, .pool_size = 16, .create = true};
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = fx_db_open_opt(d, &opt, &ei);
	if (rc != ERR_OK)
		fail_msg("store_open %s: %d %s", d->url, rc, ei.message);
	return d->st;
}

/* --- rows of calendar_day, the one table every schema has --------------------- */

static inline void fx_sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

struct fx_row {
	const char *date;
	const char *kind;
	const char *name;
};

static inline enum err fx_insert_row(struct store_conn *c, const struct fx_row *r,
                                     struct errinfo *ei)
{
	struct store_val p[] = {SV_TEXT(r->date), SV_TEXT(r->kind), SV_TEXT(r->name),
	                        SV_TEXT("2026-01-01T00:00:00.000Z")};
	return store_exec(c,
	                  "INSERT INTO calendar_day (date, kind, name, updated_at) VALUES (?, ?, ?, ?)",
	                  p, 4, NULL, ei);
}

/* A store_fn inserting the struct fx_row it is given. */
static inline enum err fx_insert_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	return fx_insert_row(c, arg, ei);
}

static inline enum err fx_write_row(struct store *st, const char *date, const char *kind,
                                    const char *name, struct errinfo *ei)
{
	struct fx_row r = {date, kind, name};
	return store_write(st, fx_insert_fn, &r, ei);
}

struct fx_count {
	const char *date; /* NULL: all rows */
	int64_t n;
};

static inline enum err fx_count_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct fx_count *cc = arg;
	struct store_stmt *s = NULL;
	struct store_val p[] = {SV_TEXT(cc->date ? cc->date : "")};
	enum err rc = cc->date ? store_query(c, "SELECT COUNT(*) FROM calendar_day WHERE date = ?", p,
	                                     1, &s, ei)
	                       : store_query(c, "SELECT COUNT(*) FROM calendar_day", NULL, 0, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	cc->n = r == 1 ? store_col_int(s, 0) : -1;
	store_done(s);
	return r == 1 ? ERR_OK : ERR_INTERNAL;
}

/* Rows of calendar_day (on date, or all when date is NULL); fails the test
 * if the read fails. */
static inline int64_t fx_count_rows(struct store *st, const char *date)
{
	struct fx_count cc = {date, -1};
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = store_read(st, fx_count_fn, &cc, &ei);
	if (rc != ERR_OK)
		fail_msg("counting rows: %d %s", rc, ei.message);
	return cc.n;
}

/* --- cmocka setup and teardown ---------------------------------------------- */

/* A new database of backend b, opened, migrated if asked; 0 on success.
 * On failure nothing is left behind (cmocka skips a failed setup's teardown). */
static inline int fx_setup_on(void **state, enum fx_backend b, bool migrate)
{
	struct fx_db *d = calloc(1, sizeof *d);
	*state = d;
	if (d == NULL)
		return -1;
	struct store_options opt = {.readers = 4, .pool_size = 16, .create = true};
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = ERR_INTERNAL;
	if (fx_db_create(d, b) == 0 && (rc = fx_db_open_opt(d, &opt, &ei)) == ERR_OK && migrate)
		rc = store_migrate(d->st, NULL, &ei);
	if (rc != ERR_OK) {
		print_message("# setting up %s: %d %s\n", d->url, rc, ei.message);
		fx_db_destroy(d);
		free(d);
		*state = NULL;
		return -1;
	}
	return 0;
}

/* A new empty database on the default backend, opened, not migrated. */
static inline int fx_setup_empty(void **state)
{
	return fx_setup_on(state, fx_default_backend(), false);
}

/* The same, migrated to the latest schema. */
static inline int fx_setup_migrated(void **state)
{
	return fx_setup_on(state, fx_default_backend(), true);
}

static inline int fx_teardown(void **state)
{
	struct fx_db *d = *state;
	if (d == NULL)
		return 0;
	fx_db_destroy(d);
	free(d);
	return 0;
}

#endif
