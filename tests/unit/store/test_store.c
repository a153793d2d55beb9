/* The one store suite: what must behave the same on SQLite and PostgreSQL
 * (src/store/store.c through either backend, and src/store/copy.c). The
 * backend is the environment's: LINLI_TEST_PG set → a fresh PostgreSQL
 * database per test, unset → a fresh SQLite file (see fixture.h). What only
 * one backend has lives in test_sqlite.c and test_pg.c. */
#include "testutil.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "auth/audit.h"
#include "fixture.h"
#include "limits.h"
#include "store/accounts.h"
#include "store/audit.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/log.h"

/* A store_fn running each statement of a NULL-terminated list (DDL, seed rows). */
static enum err script_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	for (const char *const *sql = arg; *sql != NULL; sql++) {
		enum err rc = store_exec(c, *sql, NULL, 0, NULL, ei);
		if (rc != ERR_OK)
			return rc;
	}
	return ERR_OK;
}

static void run_sql(struct store *st, const char *const *sql)
{
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = store_write(st, script_fn, (void *)sql, &ei);
	if (rc != ERR_OK)
		fail_msg("%s: %d %s", sql[0], rc, ei.message);
}

/* --- opening and migrations ---------------------------------------------------- */

static void test_open_unknown_scheme(void **state)
{
	(void)state;
	static const char *const urls[] = {
		"mysql://localhost/linli", "sqlite3:/tmp/x.db", "/tmp/x.db", "", "SQLITE:/tmp/x.db",
		"postgres:/localhost/linli", "file:/tmp/x.db", "POSTGRES://localhost/linli",
	};
	for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
		struct store *st = (struct store *)(uintptr_t)1;
		struct errinfo ei;
		err_clear(&ei);
		enum err rc = store_open(urls[i], NULL, &st, &ei);
		if (rc != ERR_INVALID)
			fail_msg("store_open(\"%s\") = %d, want ERR_INVALID", urls[i], rc);
		assert_null(st);
		assert_string_equal(ei.field, "db");
	}
}

static void test_migrate(void **state)
{
	struct fx_db *d = *state;
	int version = -1, applied = -1;
	assert_string_equal(store_backend(d->st), fx_backend_name(d->backend));
	assert_true(store_schema_latest(d->st) >= 1);
	assert_int_equal(store_schema_version(d->st, &version, NULL), ERR_OK);
	assert_int_equal(version, 0);
	assert_int_equal(store_migrate(d->st, &applied, NULL), ERR_OK);
	assert_int_equal(applied, store_schema_latest(d->st)); /* versions are 1..latest */
	assert_int_equal(store_schema_version(d->st, &version, NULL), ERR_OK);
	assert_int_equal(version, store_schema_latest(d->st));
	/* a second run applies nothing */
	assert_int_equal(store_migrate(d->st, &applied, NULL), ERR_OK);
	assert_int_equal(applied, 0);
	assert_int_equal(store_schema_version(d->st, &version, NULL), ERR_OK);
	assert_int_equal(version, store_schema_latest(d->st));
	/* the table the first migration creates is there */
	assert_int_equal(fx_count_rows(d->st, NULL), 0);
}

/* Reopening a migrated database keeps its version: migrations run once. */
static void test_migrate_survives_reopen(void **state)
{
	struct fx_db *d = *state;
	store_close(d->st);
	fx_db_open(d);
	int version = -1, applied = -1;
	assert_int_equal(store_schema_version(d->st, &version, NULL), ERR_OK);
	assert_int_equal(version, store_schema_latest(d->st));
	assert_int_equal(store_migrate(d->st, &applied, NULL), ERR_OK);
	assert_int_equal(applied, 0);
}

#define NMIGRATORS 6

struct migrator {
	struct store *st;
	pthread_barrier_t *barrier;
	int applied;
	enum err rc;
	struct errinfo ei;
};

static void *migrate_thread(void *arg)
{
	struct migrator *m = arg;
	pthread_barrier_wait(m->barrier);
	err_clear(&m->ei);
	m->rc = store_migrate(m->st, &m->applied, &m->ei);
	return NULL;
}

/* Several processes starting at once on one empty database (each its own
 * store here): the migrations run exactly once and nobody fails. */
static void test_concurrent_migrations(void **state)
{
	struct fx_db *d = *state;
	struct migrator m[NMIGRATORS];
	pthread_t th[NMIGRATORS];
	pthread_barrier_t barrier;
	pthread_barrier_init(&barrier, NULL, NMIGRATORS);
	memset(m, 0, sizeof m);
	struct store_options opt = {.readers = 1, .pool_size = 2, .create = true};
	for (int i = 0; i < NMIGRATORS; i++) {
		m[i].barrier = &barrier;
		assert_int_equal(store_open(d->url, &opt, &m[i].st, NULL), ERR_OK);
	}
	for (int i = 0; i < NMIGRATORS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, migrate_thread, &m[i]), 0);
	for (int i = 0; i < NMIGRATORS; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&barrier);
	int total = 0, failed = 0;
	for (int i = 0; i < NMIGRATORS; i++) {
		if (m[i].rc != ERR_OK) {
			print_message("# migrator %d: %d %s\n", i, m[i].rc, m[i].ei.message);
			failed++;
		}
		total += m[i].applied;
		store_close(m[i].st);
	}
	assert_int_equal(failed, 0);
	assert_int_equal(total, store_schema_latest(d->st));
	int version = -1;
	assert_int_equal(store_schema_version(d->st, &version, NULL), ERR_OK);
	assert_int_equal(version, store_schema_latest(d->st));
}

static void test_ping(void **state)
{
	struct fx_db *d = *state;
	assert_int_equal(store_ping(d->st), ERR_OK);
}

/* --- statements ------------------------------------------------------------------ */

struct update_ctx {
	int64_t changes;
};

static enum err update_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct update_ctx *u = arg;
	struct store_val p[] = {SV_TEXT("国庆节"), SV_TEXT("2026-10-0%")};
	return store_exec(c, "UPDATE calendar_day SET name = ? WHERE date LIKE ?", p, 2, &u->changes,
	                  ei);
}

struct read_ctx {
	int n;
	char date[3][11], kind[3][20], name[3][64];
	size_t name_len[3];
	bool null_col;
	char null_text[4];
	double real;
	int ncols;
	char col0[16];
	char updated_at[32];
	enum store_type type[3];
};

static enum err read_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct read_ctx *rc = arg;
	struct store_stmt *s = NULL;
	struct store_val p[] = {SV_TEXT("2026-10-01"), SV_TEXT("2026-10-31")};
	enum err e = store_query(c,
	                         "SELECT date, kind, name, NULL, 2.5, updated_at FROM calendar_day"
	                         " WHERE date >= ? AND date <= ? ORDER BY date",
	                         p, 2, &s, ei);
	if (e != ERR_OK)
		return e;
	int r;
	while ((r = store_next(s)) == 1 && rc->n < 3) {
		rc->ncols = store_col_count(s);
		snprintf(rc->col0, sizeof rc->col0, "%s", store_col_name(s, 0));
		rc->type[0] = store_col_type(s, 0);
		rc->type[1] = store_col_type(s, 3);
		rc->type[2] = store_col_type(s, 4);
		snprintf(rc->date[rc->n], sizeof rc->date[0], "%s", store_col_text(s, 0, NULL));
		snprintf(rc->kind[rc->n], sizeof rc->kind[0], "%s", store_col_text(s, 1, NULL));
		snprintf(rc->name[rc->n], sizeof rc->name[0], "%s",
		         store_col_text(s, 2, &rc->name_len[rc->n]));
		rc->null_col = store_col_null(s, 3);
		snprintf(rc->null_text, sizeof rc->null_text, "%s", store_col_text(s, 3, NULL));
		rc->real = store_col_real(s, 4);
		snprintf(rc->updated_at, sizeof rc->updated_at, "%s", store_col_text(s, 5, NULL));
		rc->n++;
	}
	/* past the end, next keeps answering 0 */
	if (r == 1)
		r = store_next(s);
	int again = store_next(s);
	store_done(s);
	return r == 0 && again == 0 ? ERR_OK : ERR_INTERNAL;
}

static void test_exec_query_round_trip(void **state)
{
	struct fx_db *d = *state;
	assert_int_equal(fx_write_row(d->st, "2026-10-02", "holiday", "", NULL), ERR_OK);
	assert_int_equal(fx_write_row(d->st, "2026-10-01", "holiday", "", NULL), ERR_OK);
	assert_int_equal(fx_write_row(d->st, "2026-09-30", "workday", "before", NULL), ERR_OK);
	struct update_ctx u = {-1};
	assert_int_equal(store_write(d->st, update_fn, &u, NULL), ERR_OK);
	assert_int_equal(u.changes, 2);

	struct read_ctx rc;
	memset(&rc, 0, sizeof rc);
	assert_int_equal(store_read(d->st, read_fn, &rc, NULL), ERR_OK);
	assert_int_equal(rc.n, 2);
	assert_string_equal(rc.date[0], "2026-10-01");
	assert_string_equal(rc.date[1], "2026-10-02");
	assert_string_equal(rc.kind[0], "holiday");
	assert_string_equal(rc.name[0], "国庆节");
	assert_int_equal(rc.name_len[0], strlen("国庆节"));
	assert_true(rc.null_col);
	assert_string_equal(rc.null_text, ""); /* never NULL */
	assert_true(rc.real > 2.49 && rc.real < 2.51);
	assert_string_equal(rc.updated_at, "2026-01-01T00:00:00.000Z");
	assert_int_equal(rc.ncols, 6);
	assert_string_equal(rc.col0, "date");
	assert_int_equal(rc.type[0], STORE_TEXT);
	assert_int_equal(rc.type[1], STORE_NULL);
	assert_int_equal(rc.type[2], STORE_REAL);
	assert_int_equal(fx_count_rows(d->st, NULL), 3);
}

/* The shape of a result: column count, names, and each value's type, for
 * integer, real, text and NULL columns of a table and of expressions. */
struct shape_ctx {
	int ncols;
	char name[5][16];
	enum store_type type[2][5];
	int64_t i[2];
	double r[2];
	char t[2][16];
	int rows;
};

static enum err shape_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct shape_ctx *sc = arg;
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT id, i, r, t, n FROM shape ORDER BY id", NULL, 0, &s, ei);
	if (rc != ERR_OK)
		return rc;
	sc->ncols = store_col_count(s);
	for (int k = 0; k < 5 && k < sc->ncols; k++)
		snprintf(sc->name[k], sizeof sc->name[k], "%s", store_col_name(s, k));
	int r;
	while ((r = store_next(s)) == 1 && sc->rows < 2) {
		for (int k = 0; k < 5; k++)
			sc->type[sc->rows][k] = store_col_type(s, k);
		sc->i[sc->rows] = store_col_int(s, 1);
		sc->r[sc->rows] = store_col_real(s, 2);
		snprintf(sc->t[sc->rows], sizeof sc->t[0], "%s", store_col_text(s, 3, NULL));
		sc->rows++;
	}
	store_done(s);
	return r < 0 ? (enum err)-r : ERR_OK;
}

static enum err shape_insert_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct store_val a[] = {SV_INT(1), SV_INT(-9000000000LL), SV_REAL(1.5), SV_TEXT("一"), SV_NULL};
	struct store_val b[] = {SV_INT(2), SV_NULL, SV_NULL, SV_NULL, SV_TEXT("n")};
	static const char sql[] = "INSERT INTO shape (id, i, r, t, n) VALUES (?, ?, ?, ?, ?)";
	enum err rc = store_exec(c, sql, a, 5, NULL, ei);
	return rc == ERR_OK ? store_exec(c, sql, b, 5, NULL, ei) : rc;
}

static void test_col_count_name_type(void **state)
{
	struct fx_db *d = *state;
	static const char *const ddl[] = {
		"CREATE TABLE shape (id INTEGER PRIMARY KEY, i BIGINT, r REAL, t TEXT, n TEXT)", NULL};
	run_sql(d->st, ddl);
	assert_int_equal(store_write(d->st, shape_insert_fn, NULL, NULL), ERR_OK);
	struct shape_ctx sc;
	memset(&sc, 0, sizeof sc);
	assert_int_equal(store_read(d->st, shape_fn, &sc, NULL), ERR_OK);
	assert_int_equal(sc.ncols, 5);
	static const char *const names[] = {"id", "i", "r", "t", "n"};
	for (int k = 0; k < 5; k++)
		assert_string_equal(sc.name[k], names[k]);
	assert_int_equal(sc.rows, 2);
	static const enum store_type want[2][5] = {
		{STORE_INT, STORE_INT, STORE_REAL, STORE_TEXT, STORE_NULL},
		{STORE_INT, STORE_NULL, STORE_NULL, STORE_NULL, STORE_TEXT},
	};
	for (int row = 0; row < 2; row++)
		for (int k = 0; k < 5; k++)
			if (sc.type[row][k] != want[row][k])
				fail_msg("row %d column %s: type %d, want %d", row, names[k], sc.type[row][k],
				         want[row][k]);
	assert_int_equal(sc.i[0], -9000000000LL);
	assert_true(sc.r[0] == 1.5);
	assert_string_equal(sc.t[0], "一");
	/* NULL reads as 0 and "" */
	assert_int_equal(sc.i[1], 0);
	assert_true(sc.r[1] == 0.0);
	assert_string_equal(sc.t[1], "");
}

/* Portable SQL may compute a truth value (EXISTS, a comparison); it reads
 * back as the integer 1 or 0, as SQLite has it. */
struct bool_ctx {
	int64_t v[3];
	enum store_type type[3];
	char text[3][8];
};

static enum err bool_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct bool_ctx *b = arg;
	struct store_stmt *s = NULL;
	struct store_val p[] = {SV_TEXT("2026-10-01")};
	enum err rc = store_query(c,
	                          "SELECT EXISTS (SELECT 1 FROM calendar_day WHERE date = ?),"
	                          " 1 = 1, 1 = 0",
	                          p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	for (int k = 0; r == 1 && k < 3; k++) {
		b->v[k] = store_col_int(s, k);
		b->type[k] = store_col_type(s, k);
		snprintf(b->text[k], sizeof b->text[k], "%s", store_col_text(s, k, NULL));
	}
	store_done(s);
	return r == 1 ? ERR_OK : ERR_INTERNAL;
}

static void test_truth_values_read_as_integers(void **state)
{
	struct fx_db *d = *state;
	assert_int_equal(fx_write_row(d->st, "2026-10-01", "holiday", "", NULL), ERR_OK);
	struct bool_ctx b;
	memset(&b, 0, sizeof b);
	assert_int_equal(store_read(d->st, bool_fn, &b, NULL), ERR_OK);
	static const int64_t want[3] = {1, 1, 0};
	for (int k = 0; k < 3; k++) {
		if (b.v[k] != want[k])
			fail_msg("column %d: store_col_int %lld (text \"%s\"), want %lld", k,
			         (long long)b.v[k], b.text[k], (long long)want[k]);
		assert_int_equal(b.type[k], STORE_INT);
	}
}

struct params_ctx {
	enum err rc_few, rc_many;
};

static enum err wrong_params_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct params_ctx *pc = arg;
	struct store_val p[] = {SV_TEXT("a"), SV_TEXT("b")};
	struct store_stmt *s = NULL;
	/* (no cmocka assertions here: on SQLite a write callback runs on the writer thread) */
	pc->rc_few = store_query(c, "SELECT ? , ?", p, 1, &s, NULL);
	if (s != NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "a refused query left a statement");
	pc->rc_many = store_exec(c, "SELECT ?", p, 2, NULL, NULL);
	/* the statement is usable again with the right count */
	enum err rc = store_query(c, "SELECT ? , ?", p, 2, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	bool same = r == 1 && strcmp(store_col_text(s, 0, NULL), "a") == 0 &&
	            strcmp(store_col_text(s, 1, NULL), "b") == 0;
	store_done(s);
	return same ? ERR_OK : ERR_INTERNAL;
}

static void test_parameter_count_checked(void **state)
{
	struct fx_db *d = *state;
	struct params_ctx pc;
	assert_int_equal(store_read(d->st, wrong_params_fn, &pc, NULL), ERR_OK);
	assert_int_equal(pc.rc_few, ERR_INTERNAL);
	assert_int_equal(pc.rc_many, ERR_INTERNAL);
	assert_int_equal(store_write(d->st, wrong_params_fn, &pc, NULL), ERR_OK);
	assert_int_equal(pc.rc_few, ERR_INTERNAL);
	assert_int_equal(pc.rc_many, ERR_INTERNAL);
}

/* A `?` or an apostrophe inside an SQL comment is not a placeholder and
 * does not open a string. */
static enum err comment_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	static const char *const sqls[] = {
		"SELECT ? AS a -- why?\n",
		"SELECT /* don't */ ? AS a",
		"SELECT ? AS a /* a ? here */",
	};
	struct store_val p[] = {SV_TEXT("x")};
	for (size_t i = 0; i < sizeof sqls / sizeof sqls[0]; i++) {
		struct store_stmt *s = NULL;
		struct errinfo e2;
		err_clear(&e2);
		enum err rc = store_query(c, sqls[i], p, 1, &s, &e2);
		if (rc != ERR_OK)
			return err_set(ei, rc, NULL, "\"%s\": %s", sqls[i], e2.message);
		int r = store_next(s);
		bool ok = r == 1 && strcmp(store_col_text(s, 0, NULL), "x") == 0;
		store_done(s);
		if (!ok)
			return err_set(ei, ERR_INTERNAL, NULL, "\"%s\" answered wrong", sqls[i]);
	}
	return ERR_OK;
}

static void test_placeholder_in_comment_is_not_one(void **state)
{
	struct fx_db *d = *state;
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = store_read(d->st, comment_fn, NULL, &ei);
	if (rc != ERR_OK)
		fail_msg("%d %s", rc, ei.message);
}

static enum err bad_sql_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct store_stmt *s = (struct store_stmt *)(uintptr_t)1;
	enum err rc = store_query(c, "SELEKT nonsense", NULL, 0, &s, ei);
	if (s != NULL)
		return err_set(ei, ERR_TOO_LARGE, NULL, "a refused query left a statement");
	return rc;
}

static void test_bad_sql_is_internal(void **state)
{
	struct fx_db *d = *state;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(store_read(d->st, bad_sql_fn, NULL, &ei), ERR_INTERNAL);
	assert_true(ei.message[0] != '\0');
	err_clear(&ei);
	assert_int_equal(store_write(d->st, bad_sql_fn, NULL, &ei), ERR_INTERNAL);
	assert_true(ei.message[0] != '\0');
	assert_int_equal(store_ping(d->st), ERR_OK);
}

/* --- constraints ------------------------------------------------------------------ */

static void test_duplicate_primary_key_conflict(void **state)
{
	struct fx_db *d = *state;
	struct errinfo ei;
	assert_int_equal(fx_write_row(d->st, "2026-10-01", "holiday", "国庆节", NULL), ERR_OK);
	err_clear(&ei);
	assert_int_equal(fx_write_row(d->st, "2026-10-01", "holiday", "again", &ei), ERR_CONFLICT);
	assert_int_equal(ei.code, ERR_CONFLICT);
	assert_int_equal(fx_count_rows(d->st, NULL), 1);
}

static void test_check_violation_invalid(void **state)
{
	struct fx_db *d = *state;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(fx_write_row(d->st, "2026-10-01", "bogus", "", &ei), ERR_INVALID);
	assert_int_equal(ei.code, ERR_INVALID);
	assert_int_equal(fx_count_rows(d->st, NULL), 0);
}

static enum err not_null_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct store_val p[] = {SV_TEXT("2026-10-03"), SV_NULL};
	return store_exec(c, "INSERT INTO calendar_day (date, kind, updated_at) VALUES (?, ?, 'x')", p,
	                  2, NULL, ei);
}

/* NOT NULL, like CHECK, is a value our validation let through: 400, not 500. */
static void test_not_null_violation_invalid(void **state)
{
	struct fx_db *d = *state;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(store_write(d->st, not_null_fn, NULL, &ei), ERR_INVALID);
	assert_int_equal(ei.code, ERR_INVALID);
	assert_int_equal(fx_count_rows(d->st, NULL), 0);
}

/* The store's contract (store.h): after a statement fails, the callback
 * must return that error; both backends refuse further statements in the
 * same transaction (PostgreSQL's aborted transaction), nothing the callback
 * did commits, and the next callback starts clean. */
static enum err insert_then_more_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct fx_row r = {"2026-10-01", "holiday", "second"};
	enum err rc = fx_insert_row(c, &r, NULL);
	if (rc != ERR_CONFLICT)
		return err_set(ei, ERR_INTERNAL, NULL, "the duplicate insert gave %d", rc);
	struct store_val p[] = {SV_TEXT("second"), SV_TEXT("2026-10-01")};
	*(enum err *)arg = store_exec(c, "UPDATE calendar_day SET name = ? WHERE date = ?", p, 2,
	                              NULL, NULL);
	return ERR_CONFLICT;
}

struct name_ctx {
	const char *date;
	char name[64];
};

static enum err name_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct name_ctx *n = arg;
	struct store_val p[] = {SV_TEXT(n->date)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT name FROM calendar_day WHERE date = ?", p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	if (r == 1)
		snprintf(n->name, sizeof n->name, "%s", store_col_text(s, 0, NULL));
	store_done(s);
	return r < 0 ? (enum err)-r : ERR_OK;
}

static void test_write_stops_after_a_statement_error(void **state)
{
	struct fx_db *d = *state;
	assert_int_equal(fx_write_row(d->st, "2026-10-01", "holiday", "first", NULL), ERR_OK);
	enum err after = ERR_OK;
	assert_int_equal(store_write(d->st, insert_then_more_fn, &after, NULL), ERR_CONFLICT);
	assert_int_equal(after, ERR_INTERNAL); /* the UPDATE after the failure was refused */
	struct name_ctx n = {"2026-10-01", ""};
	assert_int_equal(store_read(d->st, name_fn, &n, NULL), ERR_OK);
	assert_string_equal(n.name, "first");
	/* the next callback on the same connection starts clean */
	assert_int_equal(fx_write_row(d->st, "2026-10-02", "holiday", "next", NULL), ERR_OK);
	assert_int_equal(fx_count_rows(d->st, NULL), 2);
}

static enum err read_after_error_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT nothing FROM nowhere", NULL, 0, &s, NULL);
	if (rc != ERR_INTERNAL)
		return err_set(ei, ERR_INTERNAL, NULL, "the bad query gave %d", rc);
	*(enum err *)arg = store_query(c, "SELECT COUNT(*) FROM calendar_day", NULL, 0, &s, NULL);
	if (*(enum err *)arg == ERR_OK)
		store_done(s);
	return rc;
}

static void test_read_stops_after_a_statement_error(void **state)
{
	struct fx_db *d = *state;
	assert_int_equal(fx_write_row(d->st, "2026-10-01", "holiday", "", NULL), ERR_OK);
	enum err after = ERR_OK;
	assert_int_equal(store_read(d->st, read_after_error_fn, &after, NULL), ERR_INTERNAL);
	assert_int_equal(after, ERR_INTERNAL);
	assert_int_equal(fx_count_rows(d->st, NULL), 1); /* the next read works */
}

/* --- one callback fails, its concurrent neighbours do not ------------------------- */

#define NPAIRS 8

struct job {
	struct store *st;
	pthread_barrier_t *barrier;
	char date[24];
	bool fail;
	enum err rc;
	struct errinfo ei;
};

static enum err job_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct job *j = arg;
	struct fx_row r = {j->date, "holiday", j->fail ? "fails" : "ok"};
	enum err rc = fx_insert_row(c, &r, ei);
	if (rc != ERR_OK)
		return rc;
	if (j->fail) /* the row is written, then the callback changes its mind */
		return err_set(ei, ERR_UNPROCESSABLE, "kind", "refused after writing");
	return ERR_OK;
}

static void *job_thread(void *arg)
{
	struct job *j = arg;
	if (j->barrier != NULL)
		pthread_barrier_wait(j->barrier);
	err_clear(&j->ei);
	j->rc = store_write(j->st, job_fn, j, &j->ei);
	return NULL;
}

static void test_failed_callback_rolls_back_alone(void **state)
{
	struct fx_db *d = *state;
	struct job jobs[2 * NPAIRS];
	pthread_t th[2 * NPAIRS];
	pthread_barrier_t barrier;
	pthread_barrier_init(&barrier, NULL, 2 * NPAIRS);
	memset(jobs, 0, sizeof jobs);
	for (int i = 0; i < 2 * NPAIRS; i++) {
		jobs[i].st = d->st;
		jobs[i].barrier = &barrier;
		jobs[i].fail = i % 2 == 1;
		snprintf(jobs[i].date, sizeof jobs[i].date, "2026-10-%02d", i + 1);
		assert_int_equal(pthread_create(&th[i], NULL, job_thread, &jobs[i]), 0);
	}
	for (int i = 0; i < 2 * NPAIRS; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&barrier);
	for (int i = 0; i < 2 * NPAIRS; i++) {
		if (!jobs[i].fail) {
			if (jobs[i].rc != ERR_OK)
				fail_msg("write %s: %d %s", jobs[i].date, jobs[i].rc, jobs[i].ei.message);
			assert_int_equal(fx_count_rows(d->st, jobs[i].date), 1);
		} else {
			assert_int_equal(jobs[i].rc, ERR_UNPROCESSABLE);
			assert_int_equal(jobs[i].ei.code, ERR_UNPROCESSABLE);
			assert_string_equal(jobs[i].ei.field, "kind");
			assert_string_equal(jobs[i].ei.message, "refused after writing");
			assert_int_equal(fx_count_rows(d->st, jobs[i].date), 0);
		}
	}
	assert_int_equal(fx_count_rows(d->st, NULL), NPAIRS);
}

/* --- reentrancy and read-only readers ------------------------------------------------ */

struct nested_ctx {
	struct store *st;
	enum err inner;
	bool inner_ran;
	struct errinfo ei;
};

static enum err nested_inner_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct nested_ctx *n = arg;
	n->inner_ran = true;
	return ERR_OK;
}

static enum err nested_outer_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct nested_ctx *n = arg;
	err_clear(&n->ei);
	n->inner = store_write(n->st, nested_inner_fn, n, &n->ei);
	struct fx_row r = {"2026-10-01", "holiday", "outer"};
	return fx_insert_row(c, &r, ei);
}

/* A write callback that writes again would wait for itself: refused instead. */
static void test_write_inside_write_refused(void **state)
{
	struct fx_db *d = *state;
	struct nested_ctx n = {.st = d->st, .inner = ERR_OK};
	assert_int_equal(store_write(d->st, nested_outer_fn, &n, NULL), ERR_OK);
	assert_int_equal(n.inner, ERR_INTERNAL);
	assert_int_equal(n.ei.code, ERR_INTERNAL);
	assert_false(n.inner_ran);
	/* the outer callback's own work committed */
	assert_int_equal(fx_count_rows(d->st, "2026-10-01"), 1);
	/* and the thread may write again afterwards */
	assert_int_equal(fx_write_row(d->st, "2026-10-02", "holiday", "", NULL), ERR_OK);
}

struct ro_ctx {
	enum err insert, del, create;
};

static enum err read_then_write_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct ro_ctx *ro = arg;
	struct fx_row r = {"2026-10-05", "holiday", "sneaky"};
	ro->insert = fx_insert_row(c, &r, NULL);
	struct store_val p[] = {SV_TEXT("2026-10-01")};
	ro->del = store_exec(c, "DELETE FROM calendar_day WHERE date = ?", p, 1, NULL, NULL);
	ro->create = store_exec(c, "CREATE TABLE sneaky (x INTEGER)", NULL, 0, NULL, NULL);
	return ERR_OK;
}

/* A write on a read connection is our own mistake, never the database's
 * state: ERR_INTERNAL (500), not ERR_UNAVAIL (503, "try again"). */
static void test_read_connection_refuses_writes(void **state)
{
	struct fx_db *d = *state;
	assert_int_equal(fx_write_row(d->st, "2026-10-01", "holiday", "", NULL), ERR_OK);
	struct ro_ctx ro = {ERR_OK, ERR_OK, ERR_OK};
	assert_int_equal(store_read(d->st, read_then_write_fn, &ro, NULL), ERR_OK);
	assert_int_not_equal(ro.insert, ERR_OK);
	assert_int_not_equal(ro.del, ERR_OK);
	assert_int_not_equal(ro.create, ERR_OK);
	assert_int_equal(fx_count_rows(d->st, "2026-10-05"), 0);
	assert_int_equal(fx_count_rows(d->st, "2026-10-01"), 1);
	/* the reader still reads afterwards */
	assert_int_equal(store_ping(d->st), ERR_OK);
	if (ro.insert != ERR_INTERNAL)
		fail_msg("a write on a read connection gave %d, want ERR_INTERNAL (%d)", ro.insert,
		         ERR_INTERNAL);
}

/* A reader sees a write as soon as store_write returns. */
static void test_read_sees_committed_write(void **state)
{
	struct fx_db *d = *state;
	for (int i = 1; i <= 20; i++) {
		char date[24];
		snprintf(date, sizeof date, "2026-11-%02d", i);
		assert_int_equal(fx_write_row(d->st, date, "holiday", "", NULL), ERR_OK);
		assert_int_equal(fx_count_rows(d->st, NULL), i);
	}
}

/* --- the statement cache ----------------------------------------------------------- */

static enum err thousand_inserts_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	for (int i = 0; i < 1000; i++) {
		char date[24];
		snprintf(date, sizeof date, "%04d-01-01", 1900 + i);
		struct fx_row r = {date, "holiday", "same sql"};
		enum err rc = fx_insert_row(c, &r, ei);
		if (rc != ERR_OK)
			return rc;
	}
	return ERR_OK;
}

static void test_same_sql_thousand_times(void **state)
{
	struct fx_db *d = *state;
	assert_int_equal(store_write(d->st, thousand_inserts_fn, NULL, NULL), ERR_OK);
	/* the same SELECT across a thousand read callbacks on the cached connection */
	for (int i = 0; i < 1000; i++)
		assert_int_equal(fx_count_rows(d->st, NULL), 1000);
	/* and a thousand write callbacks */
	for (int i = 0; i < 1000; i++) {
		char date[24];
		snprintf(date, sizeof date, "%04d-02-01", 1900 + i);
		assert_int_equal(fx_write_row(d->st, date, "holiday", "", NULL), ERR_OK);
	}
	assert_int_equal(fx_count_rows(d->st, NULL), 2000);
}

/* More distinct statements than the cache holds: idle ones are evicted. */
static enum err many_distinct_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	int n = *(int *)arg;
	for (int i = 0; i < n; i++) {
		char sql[64];
		snprintf(sql, sizeof sql, "SELECT %d", i);
		struct store_stmt *s = NULL;
		enum err rc = store_query(c, sql, NULL, 0, &s, ei);
		if (rc != ERR_OK)
			return rc;
		int r = store_next(s);
		int64_t v = store_col_int(s, 0);
		store_done(s);
		if (r != 1 || v != i)
			return err_set(ei, ERR_INTERNAL, NULL, "SELECT %d gave %lld", i, (long long)v);
	}
	return ERR_OK;
}

static void test_cache_eviction(void **state)
{
	struct fx_db *d = *state;
	int n = LIMIT_STMT_CACHE * 3;
	assert_int_equal(store_read(d->st, many_distinct_fn, &n, NULL), ERR_OK);
	assert_int_equal(store_read(d->st, many_distinct_fn, &n, NULL), ERR_OK);
	assert_int_equal(store_write(d->st, many_distinct_fn, &n, NULL), ERR_OK);
	assert_int_equal(store_write(d->st, many_distinct_fn, &n, NULL), ERR_OK);
}

/* Every cached statement busy at once: the next one is used once and
 * finalized, and the same SQL while busy gets a fresh statement. */
static enum err all_busy_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	enum { NOPEN = LIMIT_STMT_CACHE + 8 };
	struct store_stmt *open[NOPEN];
	enum err rc = ERR_OK;
	int i;
	for (i = 0; i < NOPEN; i++) {
		char sql[64];
		/* two of each, so the same SQL is asked for while it is busy */
		snprintf(sql, sizeof sql, "SELECT %d", i / 2);
		open[i] = NULL;
		if ((rc = store_query(c, sql, NULL, 0, &open[i], ei)) != ERR_OK)
			break;
	}
	/* while all are busy, a statement refused for its parameter count */
	bool *wrong_count = arg;
	if (rc == ERR_OK && wrong_count != NULL && *wrong_count) {
		struct store_val p[] = {SV_INT(1), SV_INT(2)};
		struct store_stmt *s = NULL;
		if (store_query(c, "SELECT ? + 100", p, 2, &s, NULL) != ERR_INTERNAL || s != NULL)
			rc = err_set(ei, ERR_INTERNAL, NULL, "a wrong count was not refused");
	}
	for (int k = 0; k < i; k++) {
		if (rc == ERR_OK && (store_next(open[k]) != 1 || store_col_int(open[k], 0) != k / 2))
			rc = err_set(ei, ERR_INTERNAL, NULL, "statement %d answered wrong", k);
	}
	for (int k = 0; k < i; k++)
		store_done(open[k]);
	return rc;
}

static void test_cache_all_busy(void **state)
{
	struct fx_db *d = *state;
	assert_int_equal(store_read(d->st, all_busy_fn, NULL, NULL), ERR_OK);
	assert_int_equal(store_read(d->st, all_busy_fn, NULL, NULL), ERR_OK);
	assert_int_equal(store_write(d->st, all_busy_fn, NULL, NULL), ERR_OK);
	assert_int_equal(store_ping(d->st), ERR_OK);
}

/* The refused statement is released too (LeakSanitizer reports it at exit
 * otherwise: this test passes, the binary does not). */
static void test_cache_all_busy_wrong_count(void **state)
{
	struct fx_db *d = *state;
	bool wrong_count = true;
	assert_int_equal(store_read(d->st, all_busy_fn, &wrong_count, NULL), ERR_OK);
	assert_int_equal(store_write(d->st, all_busy_fn, &wrong_count, NULL), ERR_OK);
	assert_int_equal(store_ping(d->st), ERR_OK);
}

/* A callback that forgets store_done on a query still gets its work
 * committed, and the next callback on the same connection works. */
static enum err leaves_query_open_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	const char *date = arg;
	struct fx_row r = {date, "holiday", "left open"};
	enum err rc = fx_insert_row(c, &r, ei);
	if (rc != ERR_OK)
		return rc;
	struct store_stmt *s = NULL;
	rc = store_query(c, "SELECT date FROM calendar_day ORDER BY date", NULL, 0, &s, ei);
	if (rc != ERR_OK)
		return rc;
	if (store_next(s) != 1)
		return err_set(ei, ERR_INTERNAL, NULL, "no row");
	return ERR_OK; /* no store_done */
}

static enum err read_leaves_open_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT COUNT(*) FROM calendar_day", NULL, 0, &s, ei);
	if (rc != ERR_OK)
		return rc;
	return store_next(s) == 1 ? ERR_OK : ERR_INTERNAL; /* no store_done */
}

static void test_query_left_open(void **state)
{
	struct fx_db *d = *state;
	struct store_stats before, after;
	store_get_stats(d->st, &before);
	assert_int_equal(fx_write_row(d->st, "2026-10-01", "holiday", "", NULL), ERR_OK);
	assert_int_equal(store_write(d->st, leaves_query_open_fn, "2026-10-02", NULL), ERR_OK);
	assert_int_equal(store_write(d->st, leaves_query_open_fn, "2026-10-03", NULL), ERR_OK);
	assert_int_equal(fx_write_row(d->st, "2026-10-04", "holiday", "", NULL), ERR_OK);
	assert_int_equal(fx_count_rows(d->st, NULL), 4);
	/* the same on a read connection: the next read begins a fresh snapshot */
	assert_int_equal(store_read(d->st, read_leaves_open_fn, NULL, NULL), ERR_OK);
	assert_int_equal(fx_write_row(d->st, "2026-10-05", "holiday", "", NULL), ERR_OK);
	assert_int_equal(fx_count_rows(d->st, NULL), 5);
	store_get_stats(d->st, &after);
	assert_int_equal(after.failed_commits, before.failed_commits);
	/* and the writes survive a reopen */
	store_close(d->st);
	fx_db_open(d);
	assert_int_equal(fx_count_rows(d->st, NULL), 5);
}

/* --- concurrency ----------------------------------------------------------------------- */

#define NWRITERS 64

static void test_concurrent_writers_all_land(void **state)
{
	struct fx_db *d = *state;
	struct store_stats before, after;
	store_get_stats(d->st, &before);
	pthread_barrier_t barrier;
	pthread_barrier_init(&barrier, NULL, NWRITERS);
	struct job *jobs = calloc(NWRITERS, sizeof *jobs);
	assert_non_null(jobs);
	pthread_t th[NWRITERS];
	for (int i = 0; i < NWRITERS; i++) {
		jobs[i].st = d->st;
		jobs[i].barrier = &barrier;
		snprintf(jobs[i].date, sizeof jobs[i].date, "2030-%02d-%02d", 1 + i / 28, 1 + i % 28);
		assert_int_equal(pthread_create(&th[i], NULL, job_thread, &jobs[i]), 0);
	}
	for (int i = 0; i < NWRITERS; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&barrier);
	for (int i = 0; i < NWRITERS; i++)
		if (jobs[i].rc != ERR_OK)
			fail_msg("write %s: %d %s", jobs[i].date, jobs[i].rc, jobs[i].ei.message);
	for (int i = 0; i < NWRITERS; i++)
		assert_int_equal(fx_count_rows(d->st, jobs[i].date), 1);
	free(jobs);
	assert_int_equal(fx_count_rows(d->st, NULL), NWRITERS);
	/* what both backends count alike for writes that all succeed */
	store_get_stats(d->st, &after);
	assert_string_equal(after.backend, fx_backend_name(d->backend));
	assert_int_equal(after.transactions - before.transactions, NWRITERS);
	assert_true(after.commits > before.commits);
	assert_true(after.commits - before.commits <= NWRITERS);
	assert_int_equal(after.failed_commits, before.failed_commits);
	assert_int_equal(after.queue_depth, 0);
}

/* Read-then-write from many threads at once: no increment is lost. Each
 * write either commits its increment or reports ERR_UNAVAIL (gave up
 * retrying); the counter ends equal to the writes that said ERR_OK. */
#define NINCR_THREADS 8
#define NINCR_EACH 20

struct incr {
	struct store *st;
	pthread_barrier_t *barrier;
	int ok, unavail, other;
	enum err last_other;
};

static enum err incr_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT n FROM counter WHERE id = 1", NULL, 0, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	int64_t n = r == 1 ? store_col_int(s, 0) : -1;
	store_done(s);
	if (r != 1)
		return err_set(ei, r < 0 ? (enum err)-r : ERR_INTERNAL, NULL, "no counter row");
	struct store_val p[] = {SV_INT(n + 1)};
	return store_exec(c, "UPDATE counter SET n = ? WHERE id = 1", p, 1, NULL, ei);
}

static void *incr_thread(void *arg)
{
	struct incr *in = arg;
	pthread_barrier_wait(in->barrier);
	for (int i = 0; i < NINCR_EACH; i++) {
		enum err rc = store_write(in->st, incr_fn, NULL, NULL);
		if (rc == ERR_OK)
			in->ok++;
		else if (rc == ERR_UNAVAIL)
			in->unavail++;
		else {
			in->other++;
			in->last_other = rc;
		}
	}
	return NULL;
}

static enum err counter_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT n FROM counter WHERE id = 1", NULL, 0, &s, ei);
	if (rc != ERR_OK)
		return rc;
	*(int64_t *)arg = store_next(s) == 1 ? store_col_int(s, 0) : -1;
	store_done(s);
	return ERR_OK;
}

static void test_concurrent_increments_not_lost(void **state)
{
	struct fx_db *d = *state;
	static const char *const ddl[] = {
		"CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)",
		"INSERT INTO counter (id, n) VALUES (1, 0)", NULL};
	run_sql(d->st, ddl);
	struct incr in[NINCR_THREADS];
	pthread_t th[NINCR_THREADS];
	pthread_barrier_t barrier;
	pthread_barrier_init(&barrier, NULL, NINCR_THREADS);
	memset(in, 0, sizeof in);
	for (int i = 0; i < NINCR_THREADS; i++) {
		in[i].st = d->st;
		in[i].barrier = &barrier;
		assert_int_equal(pthread_create(&th[i], NULL, incr_thread, &in[i]), 0);
	}
	int ok = 0, unavail = 0;
	for (int i = 0; i < NINCR_THREADS; i++) {
		pthread_join(th[i], NULL);
		if (in[i].other != 0)
			fail_msg("an increment failed with %d", in[i].last_other);
		ok += in[i].ok;
		unavail += in[i].unavail;
	}
	pthread_barrier_destroy(&barrier);
	int64_t n = -1;
	assert_int_equal(store_read(d->st, counter_fn, &n, NULL), ERR_OK);
	print_message("# %d increments committed, %d gave up (ERR_UNAVAIL)\n", ok, unavail);
	assert_int_equal(n, ok);
	assert_true(ok >= 1);
	assert_int_equal(ok + unavail, NINCR_THREADS * NINCR_EACH);
}

/* --- closing ------------------------------------------------------------------------ */

/* Closing an idle store and reopening it; closing NULL is a no-op. */
static void test_close_idle_and_null(void **state)
{
	struct fx_db *d = *state;
	store_close(d->st);
	fx_db_open(d);
	assert_int_equal(store_ping(d->st), ERR_OK);
	store_close(NULL);
}

#define NINFLIGHT 8

struct inflight {
	struct store *st;
	atomic_int *started;
	char date[24];
	enum err rc;
};

static enum err slow_insert_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct inflight *f = arg;
	atomic_fetch_add(f->started, 1);
	fx_sleep_ms(300);
	struct fx_row r = {f->date, "holiday", "in flight"};
	return fx_insert_row(c, &r, ei);
}

static void *inflight_thread(void *arg)
{
	struct inflight *f = arg;
	f->rc = store_write(f->st, slow_insert_fn, f, NULL);
	return NULL;
}

/* In a child process, so a crash reports as this test's failure: writes
 * running or waiting when store_close is called finish, and their callers
 * are told ERR_OK. Returns the process exit status: 0 all well. */
static int close_in_flight_child(const char *url)
{
	struct store_options opt = {.readers = 2, .pool_size = 16, .create = true};
	struct store *st = NULL;
	if (store_open(url, &opt, &st, NULL) != ERR_OK)
		return 2;
	atomic_int started = 0;
	struct inflight f[NINFLIGHT];
	pthread_t th[NINFLIGHT];
	for (int i = 0; i < NINFLIGHT; i++) {
		f[i] = (struct inflight){.st = st, .started = &started};
		snprintf(f[i].date, sizeof f[i].date, "2031-02-%02d", i + 1);
		if (pthread_create(&th[i], NULL, inflight_thread, &f[i]) != 0)
			return 3;
	}
	/* Close only once every write is inside store_write: running (all at
	 * once on PostgreSQL's pool) or queued behind the one running (SQLite's
	 * writer). A write that arrives after close began is refused, rightly. */
	int64_t deadline = clock_mono_ns() + 10 * 1000000000LL;
	for (;;) {
		struct store_stats ss;
		store_get_stats(st, &ss);
		int running = atomic_load(&started);
		if (running == NINFLIGHT || (running >= 1 && ss.queue_depth == NINFLIGHT - running))
			break;
		if (clock_mono_ns() > deadline)
			return 5;
		fx_sleep_ms(1);
	}
	store_close(st);
	int bad = 0;
	for (int i = 0; i < NINFLIGHT; i++) {
		pthread_join(th[i], NULL);
		if (f[i].rc != ERR_OK) {
			fprintf(stderr, "# write %s in flight at close: %d\n", f[i].date, f[i].rc);
			bad++;
		}
	}
	return bad ? 4 : 0;
}

static void test_close_finishes_in_flight_writes(void **state)
{
	struct fx_db *d = *state;
	store_close(d->st); /* the child opens its own */
	d->st = NULL;
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(close_in_flight_child(d->url));
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("the child closing with writes in flight %s %d (a sanitizer report above?)",
		         WIFEXITED(status) ? "exited" : "died of signal",
		         WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	fx_db_open(d);
	assert_int_equal(fx_count_rows(d->st, NULL), NINFLIGHT);
}

/* --- store_copy ------------------------------------------------------------------------ */

#define REPORT_MAX 64
struct report {
	int calls;
	char table[REPORT_MAX][64];
	int64_t rows[REPORT_MAX];
};

static void report_fn(void *ctx, const char *table, int64_t rows)
{
	struct report *r = ctx;
	if (r->calls < REPORT_MAX) {
		snprintf(r->table[r->calls], sizeof r->table[0], "%s", table);
		r->rows[r->calls] = rows;
	}
	r->calls++;
}

static int64_t reported(const struct report *r, const char *table)
{
	for (int i = 0; i < r->calls && i < REPORT_MAX; i++)
		if (strcmp(r->table[i], table) == 0)
			return r->rows[i];
	return -1;
}

#define NCOPY 300
#define NAUDIT 7
/* Tables of the latest schema besides calendar_day and schema_migration. */
static const char *const account_tables[] = {"role", "role_capability", "app_user", "user_role",
                                             "user_scope", "session", "api_key", "audit_log", NULL};

static enum err fill_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	static const char *const kinds[] = {"holiday", "workday", "adjusted_workday", "weekend"};
	for (int i = 0; i < NCOPY; i++) {
		char date[24], name[64];
		snprintf(date, sizeof date, "%04d-%02d-%02d", 2000 + i / 12, 1 + i % 12, 1 + i % 28);
		name[0] = '\0';
		if (i % 3 != 0)
			snprintf(name, sizeof name, "节日 %d 'quoted' \"x\"", i);
		struct fx_row r = {date, kinds[i % 4], name};
		enum err rc = fx_insert_row(c, &r, ei);
		if (rc != ERR_OK)
			return rc;
	}
	/* accounts: a role, a user with a grant, a session, an API key, and an
	 * audit chain (whose hashes cover every field, so it verifies only if
	 * the copy kept every value exactly) */
	struct role_row role;
	memset(&role, 0, sizeof role);
	snprintf(role.id, sizeof role.id, "copy_role");
	snprintf(role.name, sizeof role.name, "复制");
	role.ncaps = 1;
	snprintf(role.caps[0], sizeof role.caps[0], "calendar.read");
	enum err rc = store_role_put(c, &role, false, ei);
	struct user_row u;
	memset(&u, 0, sizeof u);
	snprintf(u.login, sizeof u.login, "copied");
	snprintf(u.display_name, sizeof u.display_name, "王 'q' \"x\"");
	snprintf(u.password_hash, sizeof u.password_hash, "$argon2id$v=19$m=65536,t=2,p=1$x$y");
	u.nroles = 1;
	snprintf(u.roles[0], sizeof u.roles[0], "copy_role");
	u.nscopes = 1;
	snprintf(u.scopes[0], sizeof u.scopes[0], "110105");
	if (rc == ERR_OK)
		rc = store_user_insert(c, &u, "sealed", "lookup", ei);
	struct session_row sess = {.user_id = u.id, .created_at = 1700000000,
	                           .last_seen_at = 1700000001};
	snprintf(sess.csrf, sizeof sess.csrf, "csrf");
	if (rc == ERR_OK)
		rc = store_session_insert(c, "tokenhash", &sess, "10.0.0.1", ei);
	struct apikey_row k;
	memset(&k, 0, sizeof k);
	k.user_id = u.id;
	snprintf(k.name, sizeof k.name, "key");
	snprintf(k.prefix, sizeof k.prefix, "lk_abcdefgh");
	if (rc == ERR_OK)
		rc = store_apikey_insert(c, &k, "keyhash", ei);
	struct identity who;
	memset(&who, 0, sizeof who);
	who.user_id = u.id;
	snprintf(who.login, sizeof who.login, "copied");
	struct actor a = {.who = &who, .address = "10.0.0.1", .request_id = "copy"};
	for (int i = 0; rc == ERR_OK && i < NAUDIT; i++)
		rc = audit_append(c, i % 2 ? &a : NULL, "calendar.set", "calendar:2026-10-01", "ok",
		                  "节日 'x'", ei);
	if (rc != ERR_OK)
		return rc;
	/* a table of other types, made on both sides by the caller */
	for (int i = 0; i < 5; i++) {
		struct store_val p[] = {SV_INT(i + 1), i == 4 ? SV_NULL : SV_INT(-9000000000LL + i),
		                        i == 3 ? SV_NULL : SV_REAL(0.5 * i), SV_TEXT("é")};
		rc = store_exec(c, "INSERT INTO extra (id, big, r, t) VALUES (?, ?, ?, ?)", p, 4, NULL, ei);
		if (rc != ERR_OK)
			return rc;
	}
	return ERR_OK;
}

/* One more user, after a copy: its id must not collide with a copied one. */
static enum err add_user_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	(void)arg;
	struct user_row u;
	memset(&u, 0, sizeof u);
	snprintf(u.login, sizeof u.login, "after.copy");
	snprintf(u.display_name, sizeof u.display_name, "x");
	snprintf(u.password_hash, sizeof u.password_hash, "x");
	return store_user_insert(c, &u, NULL, NULL, ei);
}

static const char *const extra_ddl[] = {
	"CREATE TABLE extra (id INTEGER PRIMARY KEY, big BIGINT, r REAL, t TEXT)", NULL};

/* Every row of calendar_day and extra, one line each, in key order. */
struct dump {
	char *text;
	size_t len, cap;
};

static void dump_add(struct dump *dm, const char *s, size_t n)
{
	if (dm->len + n + 1 > dm->cap) {
		dm->cap = (dm->len + n + 1) * 2;
		dm->text = realloc(dm->text, dm->cap);
		assert_non_null(dm->text);
	}
	memcpy(dm->text + dm->len, s, n);
	dm->len += n;
	dm->text[dm->len] = '\0';
}

static enum err dump_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	static const char *const sqls[] = {
		"SELECT date, kind, name, updated_at FROM calendar_day ORDER BY date",
		"SELECT id, big, r, t FROM extra ORDER BY id",
		"SELECT * FROM audit_log ORDER BY id",
		"SELECT * FROM app_user ORDER BY id",
		"SELECT * FROM role ORDER BY id",
		"SELECT * FROM role_capability ORDER BY role_id, capability",
		"SELECT * FROM user_role ORDER BY user_id, role_id",
		"SELECT * FROM user_scope ORDER BY user_id, scope",
		"SELECT * FROM session ORDER BY token_hash",
		"SELECT * FROM api_key ORDER BY id",
	};
	struct dump *dm = arg;
	for (size_t q = 0; q < sizeof sqls / sizeof sqls[0]; q++) {
		struct store_stmt *s = NULL;
		enum err rc = store_query(c, sqls[q], NULL, 0, &s, ei);
		if (rc != ERR_OK)
			return rc;
		int r;
		while ((r = store_next(s)) == 1) {
			for (int k = 0; k < store_col_count(s); k++) {
				char buf[64];
				size_t len = 0;
				const char *t;
				switch (store_col_type(s, k)) {
				case STORE_NULL: t = "<null>"; len = 6; break;
				case STORE_INT:
					len = (size_t)snprintf(buf, sizeof buf, "i%lld", (long long)store_col_int(s, k));
					t = buf;
					break;
				case STORE_REAL:
					len = (size_t)snprintf(buf, sizeof buf, "r%g", store_col_real(s, k));
					t = buf;
					break;
				default: t = store_col_text(s, k, &len); break;
				}
				dump_add(dm, t, len);
				dump_add(dm, "|", 1);
			}
			dump_add(dm, "\n", 1);
		}
		store_done(s);
		if (r < 0)
			return (enum err)-r;
	}
	return ERR_OK;
}

static char *dump(struct store *st)
{
	struct dump dm = {0};
	dump_add(&dm, "", 0);
	assert_int_equal(store_read(st, dump_fn, &dm, NULL), ERR_OK);
	return dm.text;
}

/* Copies src (migrated, with rows) into a fresh database of backend b and
 * checks the report, the counts and every value. */
static void copy_into_fresh(struct store *src, enum fx_backend b)
{
	struct fx_db dst;
	assert_int_equal(fx_db_create(&dst, b), 0);
	fx_db_open(&dst);
	/* extra is ours, not a migration's: make it on the destination too */
	assert_int_equal(store_migrate(dst.st, NULL, NULL), ERR_OK);
	run_sql(dst.st, extra_ddl);
	struct report rep;
	memset(&rep, 0, sizeof rep);
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = store_copy(src, dst.st, report_fn, &rep, &ei);
	if (rc != ERR_OK) {
		fx_db_destroy(&dst);
		fail_msg("store_copy %s → %s: %d %s", store_backend(src), fx_backend_name(b), rc,
		         ei.message);
	}
	/* schema_migration, calendar_day, extra, the accounts tables and the (empty) registers */
	static const char *const register_tables[] = {
		"area", "area_history", "area_responsible", "unit", "unit_contact", "department_area",
		"pairing", "joint_committee_member", "party_org", "party_member", "report_in", "six_ones",
		"household", "person", "person_tag", "center_household", "center_household_cover",
		"category", "dispatch_rule", "photo", "notification", "request", "request_event",
		"request_party", "request_photo", "request_rollup", "request_unit_rollup", "webhook",
		"webhook_delivery", "webhook_attempt", "open311_request", NULL};
	int ntables = 3;
	for (const char *const *t = account_tables; *t; t++, ntables++)
		if (reported(&rep, *t) < 1)
			fail_msg("table %s reported %lld rows", *t, (long long)reported(&rep, *t));
	for (const char *const *t = register_tables; *t; t++, ntables++)
		if (reported(&rep, *t) != 0)
			fail_msg("table %s reported %lld rows", *t, (long long)reported(&rep, *t));
	assert_int_equal(rep.calls, ntables);
	assert_int_equal(reported(&rep, "audit_log"), NAUDIT);
	assert_int_equal(reported(&rep, "calendar_day"), NCOPY);
	assert_int_equal(reported(&rep, "extra"), 5);
	assert_int_equal(reported(&rep, "schema_migration"), store_schema_latest(dst.st));
	assert_int_equal(fx_count_rows(dst.st, NULL), NCOPY);
	char *a = dump(src), *b2 = dump(dst.st);
	bool same = strcmp(a, b2) == 0;
	if (!same)
		print_message("# source:\n%.600s\n# copy:\n%.600s\n", a, b2);
	free(a);
	free(b2);
	/* the audit chain verifies on the copy */
	struct audit_verdict v;
	assert_int_equal(audit_verify(dst.st, &v, NULL), ERR_OK);
	if (v.broken_id != 0)
		fail_msg("the copied audit chain is broken at %lld: %s", (long long)v.broken_id, v.reason);
	assert_int_equal(v.rows, NAUDIT);
	/* the copy is a working database: it takes writes, also of rows with
	 * generated ids (the sequences moved past the copied ids) */
	assert_int_equal(fx_write_row(dst.st, "2099-01-01", "holiday", "", NULL), ERR_OK);
	assert_int_equal(audit_record(dst.st, NULL, "system.copy", "", "ok", ""), ERR_OK);
	assert_int_equal(store_write(dst.st, add_user_fn, NULL, NULL), ERR_OK);
	assert_int_equal(audit_verify(dst.st, &v, NULL), ERR_OK);
	assert_int_equal(v.broken_id, 0);
	assert_int_equal(v.rows, NAUDIT + 1);
	/* and a second copy into it is refused: it holds rows now */
	err_clear(&ei);
	rc = store_copy(src, dst.st, NULL, NULL, &ei);
	fx_db_destroy(&dst);
	assert_true(same);
	assert_int_equal(rc, ERR_CONFLICT);
	assert_string_equal(ei.field, "to");
}

static void fill(struct store *st)
{
	run_sql(st, extra_ddl);
	assert_int_equal(store_write(st, fill_fn, NULL, NULL), ERR_OK);
	assert_int_equal(fx_count_rows(st, NULL), NCOPY);
}

static void test_copy_same_backend(void **state)
{
	struct fx_db *d = *state;
	fill(d->st);
	copy_into_fresh(d->st, d->backend);
}

/* SQLite → PostgreSQL and PostgreSQL → SQLite, whichever the default. */
static void copy_across(enum fx_backend from, enum fx_backend to)
{
	if (!fx_pg_available()) {
		skip();
		return;
	}
	struct fx_db src;
	assert_int_equal(fx_db_create(&src, from), 0);
	fx_db_open(&src);
	assert_int_equal(store_migrate(src.st, NULL, NULL), ERR_OK);
	fill(src.st);
	copy_into_fresh(src.st, to);
	fx_db_destroy(&src);
}

static void test_copy_sqlite_to_postgres(void **state)
{
	(void)state;
	copy_across(FX_SQLITE, FX_PG);
}

static void test_copy_postgres_to_sqlite(void **state)
{
	(void)state;
	copy_across(FX_PG, FX_SQLITE);
}

/* Into a target with rows: refused before anything is written. */
static void test_copy_into_non_empty_refused(void **state)
{
	struct fx_db *d = *state;
	assert_int_equal(fx_write_row(d->st, "2026-10-01", "holiday", "src", NULL), ERR_OK);
	struct fx_db dst;
	assert_int_equal(fx_db_create(&dst, d->backend), 0);
	fx_db_open(&dst);
	assert_int_equal(store_migrate(dst.st, NULL, NULL), ERR_OK);
	assert_int_equal(fx_write_row(dst.st, "2026-10-02", "holiday", "dst", NULL), ERR_OK);
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = store_copy(d->st, dst.st, NULL, NULL, &ei);
	int64_t n = fx_count_rows(dst.st, NULL), n1 = fx_count_rows(dst.st, "2026-10-01");
	fx_db_destroy(&dst);
	assert_int_equal(rc, ERR_CONFLICT);
	assert_string_equal(ei.field, "to");
	assert_int_equal(n, 1);
	assert_int_equal(n1, 0);
}

/* A source not migrated to the binary's latest schema is refused. */
static void test_copy_unmigrated_source_refused(void **state)
{
	struct fx_db *d = *state; /* empty */
	struct fx_db dst;
	assert_int_equal(fx_db_create(&dst, d->backend), 0);
	fx_db_open(&dst);
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = store_copy(d->st, dst.st, NULL, NULL, &ei);
	int version = -1;
	assert_int_equal(store_schema_version(dst.st, &version, NULL), ERR_OK);
	fx_db_destroy(&dst);
	assert_int_equal(rc, ERR_CONFLICT);
	assert_string_equal(ei.field, "from");
	assert_int_equal(version, 0); /* the destination was not touched */
}

int main(void)
{
	log_set_level(LOG_ERROR);
	fx_print_backend("test_store");
#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup_migrated, fx_teardown)
#define E(f) cmocka_unit_test_setup_teardown(f, fx_setup_empty, fx_teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_unknown_scheme),
		E(test_migrate),
		T(test_migrate_survives_reopen),
		E(test_concurrent_migrations),
		E(test_ping),
		T(test_exec_query_round_trip),
		T(test_col_count_name_type),
		T(test_truth_values_read_as_integers),
		T(test_parameter_count_checked),
		T(test_placeholder_in_comment_is_not_one),
		T(test_bad_sql_is_internal),
		T(test_duplicate_primary_key_conflict),
		T(test_check_violation_invalid),
		T(test_not_null_violation_invalid),
		T(test_write_stops_after_a_statement_error),
		T(test_read_stops_after_a_statement_error),
		T(test_failed_callback_rolls_back_alone),
		T(test_write_inside_write_refused),
		T(test_read_connection_refuses_writes),
		T(test_read_sees_committed_write),
		T(test_same_sql_thousand_times),
		T(test_cache_eviction),
		T(test_cache_all_busy),
		T(test_cache_all_busy_wrong_count),
		T(test_query_left_open),
		T(test_concurrent_writers_all_land),
		T(test_concurrent_increments_not_lost),
		T(test_close_idle_and_null),
		T(test_close_finishes_in_flight_writes),
		T(test_copy_same_backend),
		cmocka_unit_test(test_copy_sqlite_to_postgres),
		cmocka_unit_test(test_copy_postgres_to_sqlite),
		T(test_copy_into_non_empty_refused),
		E(test_copy_unmigrated_source_refused),
	};
#undef T
#undef E
	return cmocka_run_group_tests(tests, NULL, NULL);
}
