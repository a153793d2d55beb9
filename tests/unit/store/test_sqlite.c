/* Unit tests for src/store/sqlite.c and src/store/store.c against a real
 * SQLite file in a fresh temporary directory: opening, migrations, the
 * statement API, constraint errors, per-callback savepoints, group commit
 * on the writer thread, read-only readers, the statement cache and a close
 * that finishes queued writes. */
#include "testutil.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "limits.h"
#include "store/store.h"
#include "store/store_impl.h"
#include "util/clock.h"
#include "util/log.h"

/* --- a database in a temporary directory ------------------------------------ */

struct db {
	char dir[64];
	char url[128];
	struct store *st;
};

static void db_remove_files(struct db *d)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	char path[160];
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		snprintf(path, sizeof path, "%s/test.db%s", d->dir, suffixes[i]);
		unlink(path);
	}
	rmdir(d->dir);
}

static struct store *db_open(struct db *d)
{
	struct store_options opt = {.readers = 4, .create = true};
	struct errinfo ei;
	err_clear(&ei);
	struct store *st = NULL;
	enum err rc = store_open(d->url, &opt, &st, &ei);
	if (rc != ERR_OK)
		fail_msg("store_open %s: %d %s", d->url, rc, ei.message);
	return st;
}

/* A new empty database file (not migrated). */
static int setup_empty(void **state)
{
	struct db *d = calloc(1, sizeof *d);
	if (d == NULL)
		return -1;
	snprintf(d->dir, sizeof d->dir, "/tmp/linli-unit-XXXXXX");
	if (mkdtemp(d->dir) == NULL) {
		free(d);
		return -1;
	}
	snprintf(d->url, sizeof d->url, "sqlite:%s/test.db", d->dir);
	d->st = db_open(d);
	*state = d;
	return 0;
}

static int setup_migrated(void **state)
{
	if (setup_empty(state) != 0)
		return -1;
	struct db *d = *state;
	int applied = 0;
	return store_migrate(d->st, &applied, NULL) == ERR_OK ? 0 : -1;
}

static int teardown(void **state)
{
	struct db *d = *state;
	store_close(d->st);
	db_remove_files(d);
	free(d);
	return 0;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Waits (up to timeout_ms) until the writer queue holds at least n jobs. */
static bool wait_queue_depth(struct store *st, int64_t n, int timeout_ms)
{
	int64_t deadline = clock_mono_ns() + (int64_t)timeout_ms * 1000000;
	struct store_stats s;
	for (;;) {
		store_get_stats(st, &s);
		if (s.queue_depth >= n)
			return true;
		if (clock_mono_ns() > deadline)
			return false;
		sleep_ms(1);
	}
}

/* --- callbacks ---------------------------------------------------------------- */

struct row {
	const char *date;
	const char *kind;
	const char *name;
};

static enum err insert_row(struct store_conn *c, const struct row *r, struct errinfo *ei)
{
	struct store_val p[] = {SV_TEXT(r->date), SV_TEXT(r->kind), SV_TEXT(r->name),
	                        SV_TEXT("2026-01-01T00:00:00.000Z")};
	return store_exec(c,
	                  "INSERT INTO calendar_day (date, kind, name, updated_at) VALUES (?, ?, ?, ?)",
	                  p, 4, NULL, ei);
}

static enum err insert_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	return insert_row(c, arg, ei);
}

static enum err write_row(struct store *st, const char *date, const char *kind, const char *name,
                          struct errinfo *ei)
{
	struct row r = {date, kind, name};
	return store_write(st, insert_fn, &r, ei);
}

struct count_ctx {
	const char *date; /* NULL: all rows */
	int64_t n;
};

static enum err count_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct count_ctx *cc = arg;
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

static int64_t count_rows(struct store *st, const char *date)
{
	struct count_ctx cc = {date, -1};
	assert_int_equal(store_read(st, count_fn, &cc, NULL), ERR_OK);
	return cc.n;
}

/* --- opening ------------------------------------------------------------------ */

static void test_open_unknown_scheme(void **state)
{
	(void)state;
	/* (postgres:// is a backend of its own, not tested here) */
	static const char *const urls[] = {
		"mysql://localhost/linli", "sqlite3:/tmp/x.db", "/tmp/x.db", "", "SQLITE:/tmp/x.db",
		"postgres:/localhost/linli", "file:/tmp/x.db",
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

static void test_open_sqlite_needs_path(void **state)
{
	(void)state;
	struct store *st = NULL;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(store_open("sqlite:", NULL, &st, &ei), ERR_INVALID);
	assert_null(st);
}

static void test_open_missing_directory_unavailable(void **state)
{
	(void)state;
	struct store *st = NULL;
	struct errinfo ei;
	struct store_options opt = {.create = true};
	err_clear(&ei);
	assert_int_equal(store_open("sqlite:/nonexistent-linli-dir/x/test.db", &opt, &st, &ei),
	                 ERR_UNAVAIL);
	assert_null(st);
}

/* create = false: a missing file is not made. */
static void test_open_no_create(void **state)
{
	struct db *d = *state;
	char url[160];
	snprintf(url, sizeof url, "sqlite:%s/absent.db", d->dir);
	struct store_options opt = {.create = false};
	struct store *st = NULL;
	assert_int_equal(store_open(url, &opt, &st, NULL), ERR_UNAVAIL);
	assert_null(st);
	char path[160];
	snprintf(path, sizeof path, "%s/absent.db", d->dir);
	assert_int_not_equal(access(path, F_OK), 0);
}

/* --- migrations ---------------------------------------------------------------- */

static void test_migrate(void **state)
{
	struct db *d = *state;
	int version = -1, applied = -1;
	assert_string_equal(store_backend(d->st), "sqlite");
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
	assert_int_equal(count_rows(d->st, NULL), 0);
}

/* Reopening a migrated file keeps its version: migrations run once per file. */
static void test_migrate_survives_reopen(void **state)
{
	struct db *d = *state;
	store_close(d->st);
	d->st = db_open(d);
	int version = -1, applied = -1;
	assert_int_equal(store_schema_version(d->st, &version, NULL), ERR_OK);
	assert_int_equal(version, store_schema_latest(d->st));
	assert_int_equal(store_migrate(d->st, &applied, NULL), ERR_OK);
	assert_int_equal(applied, 0);
}

static void test_ping(void **state)
{
	struct db *d = *state;
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
	int64_t int_of_text;
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
	struct db *d = *state;
	assert_int_equal(write_row(d->st, "2026-10-02", "holiday", "", NULL), ERR_OK);
	assert_int_equal(write_row(d->st, "2026-10-01", "holiday", "", NULL), ERR_OK);
	assert_int_equal(write_row(d->st, "2026-09-30", "workday", "before", NULL), ERR_OK);
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
	assert_int_equal(count_rows(d->st, NULL), 3);
}

struct params_ctx {
	enum err rc_few, rc_many;
};

static enum err wrong_params_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct params_ctx *pc = arg;
	struct store_val p[] = {SV_TEXT("a"), SV_TEXT("b")};
	struct store_stmt *s = NULL;
	pc->rc_few = store_query(c, "SELECT ? , ?", p, 1, &s, NULL);
	assert_null(s);
	pc->rc_many = store_exec(c, "SELECT ?", p, 2, NULL, NULL);
	/* the statement is usable again with the right count */
	enum err rc = store_query(c, "SELECT ? , ?", p, 2, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	store_done(s);
	return r == 1 ? ERR_OK : ERR_INTERNAL;
}

static void test_parameter_count_checked(void **state)
{
	struct db *d = *state;
	struct params_ctx pc;
	assert_int_equal(store_read(d->st, wrong_params_fn, &pc, NULL), ERR_OK);
	assert_int_equal(pc.rc_few, ERR_INTERNAL);
	assert_int_equal(pc.rc_many, ERR_INTERNAL);
}

static enum err bad_sql_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct store_stmt *s = (struct store_stmt *)(uintptr_t)1;
	enum err rc = store_query(c, "SELEKT nonsense", NULL, 0, &s, ei);
	assert_null(s);
	return rc;
}

static void test_bad_sql_is_internal(void **state)
{
	struct db *d = *state;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(store_read(d->st, bad_sql_fn, NULL, &ei), ERR_INTERNAL);
	assert_true(ei.message[0] != '\0');
}

/* --- constraints ------------------------------------------------------------------ */

static void test_duplicate_primary_key_conflict(void **state)
{
	struct db *d = *state;
	struct errinfo ei;
	assert_int_equal(write_row(d->st, "2026-10-01", "holiday", "国庆节", NULL), ERR_OK);
	err_clear(&ei);
	assert_int_equal(write_row(d->st, "2026-10-01", "holiday", "again", &ei), ERR_CONFLICT);
	assert_int_equal(ei.code, ERR_CONFLICT);
	assert_int_equal(count_rows(d->st, NULL), 1);
}

static void test_check_violation_invalid(void **state)
{
	struct db *d = *state;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(write_row(d->st, "2026-10-01", "bogus", "", &ei), ERR_INVALID);
	assert_int_equal(ei.code, ERR_INVALID);
	assert_int_equal(count_rows(d->st, NULL), 0);
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
	struct db *d = *state;
	assert_int_equal(store_write(d->st, not_null_fn, NULL, NULL), ERR_INVALID);
	assert_int_equal(count_rows(d->st, NULL), 0);
}

/* --- one callback fails, its neighbour in the same commit does not ----------------- */

/* A write that occupies the writer thread until `depth` jobs wait behind it. */
struct hold_ctx {
	struct store *st;
	int64_t depth;    /* hold the writer until this many jobs are queued behind us */
	int extra_ms;     /* and then this long */
	const char *date; /* a row of our own, or NULL */
	atomic_bool started;
	bool saw_depth;
	enum err rc;
};

static enum err hold_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct hold_ctx *h = arg;
	atomic_store(&h->started, true);
	h->saw_depth = wait_queue_depth(h->st, h->depth, 10000);
	if (h->extra_ms > 0)
		sleep_ms(h->extra_ms);
	if (h->date != NULL) {
		struct row r = {h->date, "holiday", "held"};
		return insert_row(c, &r, ei);
	}
	return ERR_OK;
}

static void *hold_thread(void *arg)
{
	struct hold_ctx *h = arg;
	h->rc = store_write(h->st, hold_fn, h, NULL);
	return NULL;
}

/* Starts the hold job and returns once the writer is running it. */
static void hold_start(struct hold_ctx *h, pthread_t *th)
{
	assert_int_equal(pthread_create(th, NULL, hold_thread, h), 0);
	int64_t deadline = clock_mono_ns() + 10 * 1000000000LL;
	while (!atomic_load(&h->started)) {
		if (clock_mono_ns() > deadline)
			fail_msg("the writer never ran the hold job");
		sleep_ms(1);
	}
}

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
	struct row r = {j->date, "holiday", j->fail ? "fails" : "ok"};
	enum err rc = insert_row(c, &r, ei);
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
	struct db *d = *state;
	struct store_stats before, after;
	store_get_stats(d->st, &before);
	/* Hold the writer so both jobs land in one group commit. */
	struct hold_ctx h = {.st = d->st, .depth = 2};
	pthread_t th, t1, t2;
	struct job ok = {.st = d->st, .date = "2026-10-01"};
	struct job bad = {.st = d->st, .date = "2026-10-02", .fail = true};
	hold_start(&h, &th);
	assert_int_equal(pthread_create(&t1, NULL, job_thread, &ok), 0);
	assert_int_equal(pthread_create(&t2, NULL, job_thread, &bad), 0);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	pthread_join(th, NULL);
	assert_int_equal(h.rc, ERR_OK);
	assert_true(h.saw_depth);

	assert_int_equal(ok.rc, ERR_OK);
	assert_int_equal(bad.rc, ERR_UNPROCESSABLE);
	assert_int_equal(bad.ei.code, ERR_UNPROCESSABLE);
	assert_string_equal(bad.ei.field, "kind");
	assert_string_equal(bad.ei.message, "refused after writing");
	assert_int_equal(count_rows(d->st, "2026-10-01"), 1);
	assert_int_equal(count_rows(d->st, "2026-10-02"), 0);
	/* the two shared one commit */
	store_get_stats(d->st, &after);
	assert_int_equal(after.commits - before.commits, 2); /* the hold job's, then the pair's */
	assert_int_equal(after.failed_commits, 0);
}

/* --- group commit ------------------------------------------------------------------ */

#define NWRITERS 64

static atomic_bool first_taken;
static atomic_int entered;

/* The first callback to run holds the writer until every thread has called
 * store_write, so the jobs behind it must share commits. (The writer may
 * have taken several into its first group already; the rest are queued.) */
static enum err first_waits_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	if (!atomic_exchange(&first_taken, true)) {
		int64_t deadline = clock_mono_ns() + 10 * 1000000000LL;
		while (atomic_load(&entered) < NWRITERS && clock_mono_ns() < deadline)
			sleep_ms(1);
		sleep_ms(50); /* from store_write's entry to the queue is microseconds */
	}
	return job_fn(c, arg, ei);
}

static void *batch_thread(void *arg)
{
	struct job *j = arg;
	pthread_barrier_wait(j->barrier);
	atomic_fetch_add(&entered, 1);
	j->rc = store_write(j->st, first_waits_fn, j, &j->ei);
	return NULL;
}

static void test_writer_batches_concurrent_writes(void **state)
{
	struct db *d = *state;
	struct store_stats before, after;
	store_get_stats(d->st, &before);
	assert_int_equal(before.transactions, 1); /* the migration */
	assert_int_equal(before.commits, 1);

	pthread_barrier_t barrier;
	pthread_barrier_init(&barrier, NULL, NWRITERS);
	struct job *jobs = calloc(NWRITERS, sizeof *jobs);
	pthread_t th[NWRITERS];
	atomic_store(&first_taken, false);
	atomic_store(&entered, 0);
	for (int i = 0; i < NWRITERS; i++) {
		jobs[i].st = d->st;
		jobs[i].barrier = &barrier;
		snprintf(jobs[i].date, sizeof jobs[i].date, "2030-%02d-%02d", 1 + i / 28, 1 + i % 28);
		assert_int_equal(pthread_create(&th[i], NULL, batch_thread, &jobs[i]), 0);
	}
	for (int i = 0; i < NWRITERS; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&barrier);
	for (int i = 0; i < NWRITERS; i++)
		if (jobs[i].rc != ERR_OK)
			fail_msg("write %s: %d %s", jobs[i].date, jobs[i].rc, jobs[i].ei.message);
	free(jobs);

	assert_int_equal(count_rows(d->st, NULL), NWRITERS);
	store_get_stats(d->st, &after);
	assert_string_equal(after.backend, "sqlite");
	assert_int_equal(after.transactions, NWRITERS + 1);
	assert_true(after.commits < after.transactions);
	assert_true(after.commits - before.commits < NWRITERS);
	assert_int_equal(after.failed_commits, 0);
	assert_int_equal(after.queue_depth, 0);
	/* the histogram accounts for every commit and every transaction */
	int64_t buckets = 0;
	for (int i = 0; i < STORE_BATCH_BUCKETS; i++)
		buckets += after.batch_bucket[i];
	assert_int_equal(buckets, after.commits);
	assert_int_equal(after.batch_sum, after.transactions);
	assert_true(after.batch_bucket[0] < after.commits); /* some commit held more than one */
}

static void test_batch_buckets(void **state)
{
	(void)state;
	assert_int_equal(store_batch_bucket(1), 0);
	assert_int_equal(store_batch_bucket(2), 1);
	assert_int_equal(store_batch_bucket(3), 2);
	assert_int_equal(store_batch_bucket(4), 2);
	assert_int_equal(store_batch_bucket(5), 3);
	assert_int_equal(store_batch_bucket(256), 8);
	assert_int_equal(store_batch_bucket(257), 9);
	assert_int_equal(store_batch_bucket(100000), STORE_BATCH_BUCKETS - 1);
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
	struct row r = {"2026-10-01", "holiday", "outer"};
	return insert_row(c, &r, ei);
}

/* A write callback that writes again would wait for itself: refused instead. */
static void test_write_inside_write_refused(void **state)
{
	struct db *d = *state;
	struct nested_ctx n = {.st = d->st, .inner = ERR_OK};
	assert_int_equal(store_write(d->st, nested_outer_fn, &n, NULL), ERR_OK);
	assert_int_equal(n.inner, ERR_INTERNAL);
	assert_int_equal(n.ei.code, ERR_INTERNAL);
	assert_false(n.inner_ran);
	/* the outer callback's own work committed */
	assert_int_equal(count_rows(d->st, "2026-10-01"), 1);
}

struct ro_ctx {
	enum err insert, del, create;
};

static enum err read_then_write_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct ro_ctx *ro = arg;
	struct row r = {"2026-10-05", "holiday", "sneaky"};
	ro->insert = insert_row(c, &r, NULL);
	struct store_val p[] = {SV_TEXT("2026-10-01")};
	ro->del = store_exec(c, "DELETE FROM calendar_day WHERE date = ?", p, 1, NULL, NULL);
	ro->create = store_exec(c, "CREATE TABLE sneaky (x INTEGER)", NULL, 0, NULL, NULL);
	return ERR_OK;
}

static void test_read_connection_refuses_writes(void **state)
{
	struct db *d = *state;
	assert_int_equal(write_row(d->st, "2026-10-01", "holiday", "", NULL), ERR_OK);
	struct ro_ctx ro = {ERR_OK, ERR_OK, ERR_OK};
	assert_int_equal(store_read(d->st, read_then_write_fn, &ro, NULL), ERR_OK);
	assert_int_not_equal(ro.insert, ERR_OK);
	assert_int_not_equal(ro.del, ERR_OK);
	assert_int_not_equal(ro.create, ERR_OK);
	assert_int_equal(count_rows(d->st, "2026-10-05"), 0);
	assert_int_equal(count_rows(d->st, "2026-10-01"), 1);
	/* the reader still reads afterwards */
	assert_int_equal(store_ping(d->st), ERR_OK);
}

/* A reader sees a write as soon as store_write returns. */
static void test_read_sees_committed_write(void **state)
{
	struct db *d = *state;
	for (int i = 1; i <= 20; i++) {
		char date[24];
		snprintf(date, sizeof date, "2026-11-%02d", i);
		assert_int_equal(write_row(d->st, date, "holiday", "", NULL), ERR_OK);
		assert_int_equal(count_rows(d->st, NULL), i);
	}
}

/* --- the statement cache ----------------------------------------------------------- */

static enum err thousand_inserts_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	for (int i = 0; i < 1000; i++) {
		char date[24];
		snprintf(date, sizeof date, "%04d-01-01", 1900 + i);
		struct row r = {date, "holiday", "same sql"};
		enum err rc = insert_row(c, &r, ei);
		if (rc != ERR_OK)
			return rc;
	}
	return ERR_OK;
}

static void test_same_sql_thousand_times(void **state)
{
	struct db *d = *state;
	assert_int_equal(store_write(d->st, thousand_inserts_fn, NULL, NULL), ERR_OK);
	/* the same SELECT across a thousand read callbacks on the cached connection */
	for (int i = 0; i < 1000; i++)
		assert_int_equal(count_rows(d->st, NULL), 1000);
	/* and a thousand write callbacks */
	for (int i = 0; i < 1000; i++) {
		char date[24];
		snprintf(date, sizeof date, "%04d-02-01", 1900 + i);
		assert_int_equal(write_row(d->st, date, "holiday", "", NULL), ERR_OK);
	}
	assert_int_equal(count_rows(d->st, NULL), 2000);
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
	struct db *d = *state;
	int n = LIMIT_STMT_CACHE * 3;
	assert_int_equal(store_read(d->st, many_distinct_fn, &n, NULL), ERR_OK);
	assert_int_equal(store_read(d->st, many_distinct_fn, &n, NULL), ERR_OK);
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
	struct db *d = *state;
	assert_int_equal(store_read(d->st, all_busy_fn, NULL, NULL), ERR_OK);
	assert_int_equal(store_read(d->st, all_busy_fn, NULL, NULL), ERR_OK);
	assert_int_equal(store_write(d->st, all_busy_fn, NULL, NULL), ERR_OK);
	assert_int_equal(store_ping(d->st), ERR_OK);
}

/* A callback that forgets store_done on a query still gets its work
 * committed, and the next callback on the same connection works. */
static enum err leaves_query_open_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	const char *date = arg;
	struct row r = {date, "holiday", "left open"};
	enum err rc = insert_row(c, &r, ei);
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
	struct db *d = *state;
	assert_int_equal(write_row(d->st, "2026-10-01", "holiday", "", NULL), ERR_OK);
	assert_int_equal(store_write(d->st, leaves_query_open_fn, "2026-10-02", NULL), ERR_OK);
	assert_int_equal(store_write(d->st, leaves_query_open_fn, "2026-10-03", NULL), ERR_OK);
	assert_int_equal(write_row(d->st, "2026-10-04", "holiday", "", NULL), ERR_OK);
	assert_int_equal(count_rows(d->st, NULL), 4);
	/* the same on a read connection: the next read begins a fresh snapshot */
	assert_int_equal(store_read(d->st, read_leaves_open_fn, NULL, NULL), ERR_OK);
	assert_int_equal(write_row(d->st, "2026-10-05", "holiday", "", NULL), ERR_OK);
	assert_int_equal(count_rows(d->st, NULL), 5);
	struct store_stats s;
	store_get_stats(d->st, &s);
	assert_int_equal(s.failed_commits, 0);
	/* and the writes survive a reopen */
	store_close(d->st);
	d->st = db_open(d);
	assert_int_equal(count_rows(d->st, NULL), 5);
}

/* --- closing ------------------------------------------------------------------------ */

#define NQUEUED 16

/* Writes queued when store_close is called are committed before it
 * returns, and their callers are told ERR_OK: nothing acknowledged is lost. */
static void test_close_finishes_queued_writes(void **state)
{
	struct db *d = *state;
	struct hold_ctx h = {.st = d->st, .depth = NQUEUED, .extra_ms = 100, .date = "2031-01-01"};
	pthread_t th, t[NQUEUED];
	struct job jobs[NQUEUED];
	memset(jobs, 0, sizeof jobs);
	hold_start(&h, &th);
	for (int i = 0; i < NQUEUED; i++) {
		jobs[i].st = d->st;
		snprintf(jobs[i].date, sizeof jobs[i].date, "2031-02-%02d", i + 1);
		assert_int_equal(pthread_create(&t[i], NULL, job_thread, &jobs[i]), 0);
	}
	assert_true(wait_queue_depth(d->st, NQUEUED, 10000));
	/* the writer is still inside the hold job; all NQUEUED wait behind it */
	store_close(d->st);
	d->st = NULL;
	pthread_join(th, NULL);
	assert_int_equal(h.rc, ERR_OK);
	assert_true(h.saw_depth);
	for (int i = 0; i < NQUEUED; i++) {
		pthread_join(t[i], NULL);
		if (jobs[i].rc != ERR_OK)
			fail_msg("queued write %s: %d %s", jobs[i].date, jobs[i].rc, jobs[i].ei.message);
	}
	d->st = db_open(d);
	assert_int_equal(count_rows(d->st, NULL), NQUEUED + 1);
}

/* Closing an idle store and reopening the file; closing NULL is a no-op. */
static void test_close_idle_and_null(void **state)
{
	struct db *d = *state;
	store_close(d->st);
	d->st = db_open(d);
	assert_int_equal(store_ping(d->st), ERR_OK);
	store_close(NULL);
}

int main(void)
{
	log_set_level(LOG_ERROR);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_unknown_scheme),
		cmocka_unit_test(test_open_sqlite_needs_path),
		cmocka_unit_test(test_open_missing_directory_unavailable),
		cmocka_unit_test_setup_teardown(test_open_no_create, setup_empty, teardown),
		cmocka_unit_test_setup_teardown(test_migrate, setup_empty, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_survives_reopen, setup_migrated, teardown),
		cmocka_unit_test_setup_teardown(test_ping, setup_empty, teardown),
		cmocka_unit_test_setup_teardown(test_exec_query_round_trip, setup_migrated, teardown),
		cmocka_unit_test_setup_teardown(test_parameter_count_checked, setup_migrated, teardown),
		cmocka_unit_test_setup_teardown(test_bad_sql_is_internal, setup_migrated, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_primary_key_conflict, setup_migrated,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_check_violation_invalid, setup_migrated, teardown),
		cmocka_unit_test_setup_teardown(test_not_null_violation_invalid, setup_migrated, teardown),
		cmocka_unit_test_setup_teardown(test_failed_callback_rolls_back_alone, setup_migrated,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_writer_batches_concurrent_writes, setup_migrated,
		                                teardown),
		cmocka_unit_test(test_batch_buckets),
		cmocka_unit_test_setup_teardown(test_write_inside_write_refused, setup_migrated, teardown),
		cmocka_unit_test_setup_teardown(test_read_connection_refuses_writes, setup_migrated,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_read_sees_committed_write, setup_migrated, teardown),
		cmocka_unit_test_setup_teardown(test_same_sql_thousand_times, setup_migrated, teardown),
		cmocka_unit_test_setup_teardown(test_cache_eviction, setup_migrated, teardown),
		cmocka_unit_test_setup_teardown(test_cache_all_busy, setup_migrated, teardown),
		cmocka_unit_test_setup_teardown(test_query_left_open, setup_migrated, teardown),
		cmocka_unit_test_setup_teardown(test_close_finishes_queued_writes, setup_migrated,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_close_idle_and_null, setup_migrated, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
