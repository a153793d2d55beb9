/* What only the SQLite backend (src/store/sqlite.c) has: opening a file by
 * path, the writer thread that commits queued writes in groups (and its
 * stats), the write queue a close drains, and one read connection per
 * thread. Always SQLite, whatever LINLI_TEST_PG says; what both backends
 * share is in test_store.c. */
#include "testutil.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "limits.h"
#include "store/store.h"
#include "store/store_impl.h" /* store_batch_bucket */
#include "util/clock.h"
#include "util/log.h"

static int sq_setup_empty(void **state) { return fx_setup_on(state, FX_SQLITE, false); }
static int sq_setup_migrated(void **state) { return fx_setup_on(state, FX_SQLITE, true); }

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
		fx_sleep_ms(1);
	}
}

/* How many descriptors this process has open on d's database file: one per
 * SQLite connection (the writer and each reader). */
static int open_connections(const struct fx_db *d)
{
	char want[128], link[512], path[300];
	snprintf(want, sizeof want, "%s/test.db", d->dir);
	DIR *dh = opendir("/proc/self/fd");
	assert_non_null(dh);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(dh)) != NULL) {
		snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
		ssize_t len = readlink(path, link, sizeof link - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		n += strcmp(link, want) == 0;
	}
	closedir(dh);
	return n;
}

/* --- opening ------------------------------------------------------------------ */

static void test_open_sqlite_needs_path(void **state)
{
	(void)state;
	struct store *st = (struct store *)(uintptr_t)1;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(store_open("sqlite:", NULL, &st, &ei), ERR_INVALID);
	assert_null(st);
	assert_string_equal(ei.field, "db");
}

static void test_open_missing_directory_unavailable(void **state)
{
	(void)state;
	struct store *st = (struct store *)(uintptr_t)1;
	struct errinfo ei;
	struct store_options opt = {.create = true};
	err_clear(&ei);
	assert_int_equal(store_open("sqlite:/nonexistent-linli-dir/x/test.db", &opt, &st, &ei),
	                 ERR_UNAVAIL);
	assert_null(st);
	assert_string_equal(ei.field, "db");
}

/* create = false: a missing file is not made. */
static void test_open_no_create(void **state)
{
	struct fx_db *d = *state;
	char url[160];
	snprintf(url, sizeof url, "sqlite:%s/absent.db", d->dir);
	struct store_options opt = {.create = false};
	struct store *st = (struct store *)(uintptr_t)1;
	assert_int_equal(store_open(url, &opt, &st, NULL), ERR_UNAVAIL);
	assert_null(st);
	char path[160];
	snprintf(path, sizeof path, "%s/absent.db", d->dir);
	assert_int_not_equal(access(path, F_OK), 0);
	/* and an existing file opens without create */
	struct store_options existing = {.create = false};
	store_close(d->st);
	d->st = NULL;
	assert_int_equal(fx_db_open_opt(d, &existing, NULL), ERR_OK);
	assert_int_equal(store_ping(d->st), ERR_OK);
}

/* --- the writer thread: hold it, queue behind it -------------------------------------- */

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
		fx_sleep_ms(h->extra_ms);
	if (h->date != NULL) {
		struct fx_row r = {h->date, "holiday", "held"};
		return fx_insert_row(c, &r, ei);
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
		fx_sleep_ms(1);
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

/* Two jobs in one group commit, one failing: its savepoint is rolled back,
 * the other's row commits, and it was one commit, not a failed one. */
static void test_failed_callback_rolls_back_alone_in_one_commit(void **state)
{
	struct fx_db *d = *state;
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
	assert_string_equal(bad.ei.message, "refused after writing");
	assert_int_equal(fx_count_rows(d->st, "2026-10-01"), 1);
	assert_int_equal(fx_count_rows(d->st, "2026-10-02"), 0);
	/* the two shared one commit */
	store_get_stats(d->st, &after);
	assert_int_equal(after.commits - before.commits, 2); /* the hold job's, then the pair's */
	assert_int_equal(after.transactions - before.transactions, 3);
	assert_int_equal(after.failed_commits, before.failed_commits);
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
			fx_sleep_ms(1);
		fx_sleep_ms(50); /* from store_write's entry to the queue is microseconds */
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
	struct fx_db *d = *state;
	struct store_stats before, after;
	store_get_stats(d->st, &before);
	assert_int_equal(before.transactions, 1); /* the migration */
	assert_int_equal(before.commits, 1);

	pthread_barrier_t barrier;
	pthread_barrier_init(&barrier, NULL, NWRITERS);
	struct job *jobs = calloc(NWRITERS, sizeof *jobs);
	assert_non_null(jobs);
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

	assert_int_equal(fx_count_rows(d->st, NULL), NWRITERS);
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

/* --- closing with a queue ------------------------------------------------------------ */

#define NQUEUED 16

/* Writes queued when store_close is called are committed before it
 * returns, and their callers are told ERR_OK: nothing acknowledged is lost. */
static void test_close_finishes_queued_writes(void **state)
{
	struct fx_db *d = *state;
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
	fx_db_open(d);
	assert_int_equal(fx_count_rows(d->st, NULL), NQUEUED + 1);
}

/* --- one reader per thread -------------------------------------------------------------- */

#define NREADERS 4

struct reader {
	struct store *st;
	atomic_int *inside;
	int ok;
};

static enum err meet_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct reader *r = arg;
	atomic_fetch_add(r->inside, 1);
	int64_t deadline = clock_mono_ns() + 5 * 1000000000LL;
	while (atomic_load(r->inside) < NREADERS && clock_mono_ns() < deadline)
		fx_sleep_ms(1);
	return fx_count_fn(c, &(struct fx_count){NULL, 0}, ei);
}

static void *reader_thread(void *arg)
{
	struct reader *r = arg;
	/* the first read meets the others, so all NREADERS run at once */
	r->ok += store_read(r->st, meet_fn, r, NULL) == ERR_OK;
	for (int i = 0; i < 9; i++)
		r->ok += store_ping(r->st) == ERR_OK;
	return NULL;
}

/* A thread keeps its read connection: reads on one thread open one, each
 * further reading thread one more, and close closes them all. */
static void test_reader_per_thread(void **state)
{
	struct fx_db *d = *state;
	int writer = open_connections(d);
	assert_int_equal(writer, 1);
	for (int i = 0; i < 10; i++)
		assert_int_equal(store_ping(d->st), ERR_OK);
	assert_int_equal(open_connections(d), writer + 1);
	atomic_int inside = 0;
	struct reader r[NREADERS];
	pthread_t th[NREADERS];
	for (int i = 0; i < NREADERS; i++) {
		r[i] = (struct reader){.st = d->st, .inside = &inside};
		assert_int_equal(pthread_create(&th[i], NULL, reader_thread, &r[i]), 0);
	}
	for (int i = 0; i < NREADERS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(r[i].ok, 10);
	}
	assert_int_equal(open_connections(d), writer + 1 + NREADERS);
	/* this thread still has its own */
	assert_int_equal(store_ping(d->st), ERR_OK);
	assert_int_equal(open_connections(d), writer + 1 + NREADERS);
	store_close(d->st);
	d->st = NULL;
	assert_int_equal(open_connections(d), 0);
}

#define NSTORES 5

/* One thread reading several stores in turn (more than it keeps slots for)
 * still has one read connection per store, not one per read. */
static void test_reader_per_thread_many_stores(void **state)
{
	struct fx_db *d = *state;
	struct fx_db more[NSTORES - 1];
	struct fx_db *all[NSTORES] = {d};
	for (int i = 0; i < NSTORES - 1; i++) {
		assert_int_equal(fx_db_create(&more[i], FX_SQLITE), 0);
		fx_db_open(&more[i]);
		all[i + 1] = &more[i];
	}
	for (int round = 0; round < 10; round++)
		for (int i = 0; i < NSTORES; i++)
			assert_int_equal(store_ping(all[i]->st), ERR_OK);
	int most = 0;
	for (int i = 0; i < NSTORES; i++) {
		int n = open_connections(all[i]);
		most = n > most ? n : most;
	}
	for (int i = 0; i < NSTORES - 1; i++)
		fx_db_destroy(&more[i]);
	print_message("# after 10 rounds over %d stores: up to %d connections on one store\n",
	              NSTORES, most);
	assert_int_equal(most, 2); /* the writer and this thread's reader */
}

int main(void)
{
	log_set_level(LOG_ERROR);
	print_message("# test_sqlite: backend sqlite (always)\n");
#define E(f) cmocka_unit_test_setup_teardown(f, sq_setup_empty, fx_teardown)
#define T(f) cmocka_unit_test_setup_teardown(f, sq_setup_migrated, fx_teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_sqlite_needs_path),
		cmocka_unit_test(test_open_missing_directory_unavailable),
		E(test_open_no_create),
		T(test_failed_callback_rolls_back_alone_in_one_commit),
		T(test_writer_batches_concurrent_writes),
		cmocka_unit_test(test_batch_buckets),
		T(test_close_finishes_queued_writes),
		T(test_reader_per_thread),
		T(test_reader_per_thread_many_stores),
	};
#undef E
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
