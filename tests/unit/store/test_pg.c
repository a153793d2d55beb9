/* What only the PostgreSQL backend (src/store/pg.c) has: `?` numbering,
 * SERIALIZABLE writes retried on serialization failures and deadlocks, a
 * pool that reconnects after its connections are killed, a quick refusal of
 * an unreachable server, server-side prepared statements, the pool bound.
 * Every test is skipped unless LINLI_TEST_PG names a cluster (fixture.h). */
#include "testutil.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fixture.h"
#include "limits.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/log.h"

/* A migrated PostgreSQL database, or nothing when there is no cluster (the
 * test then skips itself). */
static int pg_setup(void **state)
{
	*state = NULL;
	if (!fx_pg_available())
		return 0;
	return fx_setup_on(state, FX_PG, true);
}

/* Every test starts with this: skipped, not passed, without a cluster. */
static struct fx_db *pg_db(void **state)
{
	if (!fx_pg_available())
		skip();
	assert_non_null(*state);
	return *state;
}

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

/* Connections the server has open to d's database (not counting ours). */
static long long backends_of(PGconn *admin, const struct fx_db *d)
{
	char sql[200];
	snprintf(sql, sizeof sql,
	         "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '%s'"
	         " AND pid <> pg_backend_pid()",
	         d->dbname);
	return fx_pg_int(admin, sql);
}

/* Terminates every server process serving d's database and waits until
 * they are gone. Returns how many there were. */
static long long kill_backends(PGconn *admin, const struct fx_db *d)
{
	char sql[200];
	snprintf(sql, sizeof sql,
	         "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity"
	         " WHERE datname = '%s' AND pid <> pg_backend_pid()",
	         d->dbname);
	long long n = fx_pg_int(admin, sql);
	int64_t deadline = clock_mono_ns() + 10 * 1000000000LL;
	while (backends_of(admin, d) > 0 && clock_mono_ns() < deadline)
		fx_sleep_ms(10);
	return n;
}

/* --- basics ------------------------------------------------------------------- */

static void test_backend_name(void **state)
{
	struct fx_db *d = pg_db(state);
	assert_string_equal(store_backend(d->st), "postgres");
	struct store_stats s;
	store_get_stats(d->st, &s);
	assert_string_equal(s.backend, "postgres");
	assert_int_equal(s.queue_depth, 0);
	/* postgresql:// is the same backend */
	char url[600];
	snprintf(url, sizeof url, "postgresql://%s", d->url + strlen("postgres://"));
	struct store *st = NULL;
	assert_int_equal(store_open(url, NULL, &st, NULL), ERR_OK);
	assert_string_equal(store_backend(st), "postgres");
	assert_int_equal(store_ping(st), ERR_OK);
	store_close(st);
}

/* `?` outside quotes becomes $1, $2 …; inside a string literal (also one
 * with a doubled quote) or a quoted identifier it is left alone. */
struct ph_ctx {
	char v[5][16];
	char col4[16];
	int ncols;
};

static enum err placeholders_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct ph_ctx *p = arg;
	struct store_val v[] = {SV_TEXT("x"), SV_INT(7)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "SELECT ? AS a, '?' AS b, ? + 1 AS c, 'it''s ?' AS d,"
	                          " '?\?' AS \"e?\"", /* \? : no trigraph */
	                          v, 2, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	p->ncols = store_col_count(s);
	for (int k = 0; r == 1 && k < 5; k++)
		snprintf(p->v[k], sizeof p->v[k], "%s", store_col_text(s, k, NULL));
	snprintf(p->col4, sizeof p->col4, "%s", store_col_name(s, 4));
	store_done(s);
	if (r != 1)
		return ERR_INTERNAL;
	/* and the parameters bind in a WHERE too, next to a literal '?' */
	struct store_val w[] = {SV_TEXT("2026-10-01"), SV_TEXT("?")};
	rc = store_query(c, "SELECT COUNT(*) FROM calendar_day WHERE date = ? AND name <> '?' AND name <> ?",
	                 w, 2, &s, ei);
	if (rc != ERR_OK)
		return rc;
	r = store_next(s);
	int64_t n = r == 1 ? store_col_int(s, 0) : -1;
	store_done(s);
	return n == 1 ? ERR_OK : err_set(ei, ERR_INTERNAL, NULL, "count %lld", (long long)n);
}

static void test_placeholders_numbered_outside_quotes(void **state)
{
	struct fx_db *d = pg_db(state);
	assert_int_equal(fx_write_row(d->st, "2026-10-01", "holiday", "国庆节", NULL), ERR_OK);
	struct ph_ctx p;
	memset(&p, 0, sizeof p);
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = store_read(d->st, placeholders_fn, &p, &ei);
	if (rc != ERR_OK)
		fail_msg("%d %s", rc, ei.message);
	assert_int_equal(p.ncols, 5);
	assert_string_equal(p.v[0], "x");
	assert_string_equal(p.v[1], "?");
	assert_string_equal(p.v[2], "8");
	assert_string_equal(p.v[3], "it's ?");
	assert_string_equal(p.v[4], "?\?");
	assert_string_equal(p.col4, "e?");
}

/* --- retries ----------------------------------------------------------------------- */

/* Writes through the store run one at a time (an advisory lock, so the
 * audit chain's head is never contended), so two store writers can no
 * longer meet inside their callbacks. The conflicting transaction comes
 * from outside the store instead: a plain libpq connection to the same
 * database, as another program would write. */

static const char *const counter_ddl[] = {
	"CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)",
	"INSERT INTO counter (id, n) VALUES (1, 0), (2, 0)", NULL};

static enum err counter_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	int64_t *n = arg;
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT n FROM counter ORDER BY id", NULL, 0, &s, ei);
	if (rc != ERR_OK)
		return rc;
	for (int k = 0; k < 2; k++)
		n[k] = store_next(s) == 1 ? store_col_int(s, 0) : -1;
	store_done(s);
	return ERR_OK;
}

struct outside {
	PGconn *pg;     /* the other program's connection */
	int attempts;   /* callbacks run */
	int outside_rc; /* the outside transaction: 0 committed, -1 failed */
	atomic_int holding; /* deadlock: the outside transaction holds row 2 */
	pthread_t th;
	bool started;
};

/* Reads row 1, lets the outside connection change it and commit, then
 * writes what it read plus one: SERIALIZABLE refuses (40001) the first time;
 * the second run reads the outside value. */
static enum err read_then_write_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct outside *o = arg;
	o->attempts++;
	struct store_val id[] = {SV_INT(1)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT n FROM counter WHERE id = ?", id, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	int64_t n = r == 1 ? store_col_int(s, 0) : -1;
	store_done(s);
	if (r != 1)
		return err_set(ei, ERR_INTERNAL, NULL, "no counter row");
	if (o->attempts == 1) /* autocommit: committed before we write */
		o->outside_rc = fx_pg_exec(o->pg, "UPDATE counter SET n = n + 100 WHERE id = 1");
	struct store_val p[] = {SV_INT(n + 1), SV_INT(1)};
	return store_exec(c, "UPDATE counter SET n = ? WHERE id = ?", p, 2, NULL, ei);
}

static void test_serialization_failure_retried(void **state)
{
	struct fx_db *d = pg_db(state);
	run_sql(d->st, counter_ddl);
	struct outside o = {.pg = fx_pg_connect(d->dbname)};
	assert_non_null(o.pg);
	struct store_stats before, after;
	store_get_stats(d->st, &before);
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = store_write(d->st, read_then_write_fn, &o, &ei);
	PQfinish(o.pg);
	if (rc != ERR_OK)
		fail_msg("store_write: %d %s", rc, ei.message);
	assert_int_equal(o.outside_rc, 0);
	int64_t n[2] = {-1, -1};
	assert_int_equal(store_read(d->st, counter_fn, n, NULL), ERR_OK);
	print_message("# %d callbacks, counter %lld\n", o.attempts, (long long)n[0]);
	assert_int_equal(o.attempts, 2);  /* the loser was run again */
	assert_int_equal(n[0], 101);      /* and saw the outside increment: none lost */
	store_get_stats(d->st, &after);
	assert_true(after.failed_commits > before.failed_commits);
}

/* The outside transaction: row 2, then (after the store's callback waits
 * for row 2) row 1, then commit. */
static void *outside_cross_main(void *arg)
{
	struct outside *o = arg;
	o->outside_rc = -1;
	/* The backend whose deadlock_timeout passes first looks for the cycle
	 * and aborts itself. Starting to wait later was not enough on a loaded
	 * machine (CI once saw the outside one aborted): a 30 s timeout here
	 * makes the callback's backend (1 s) the one aborted (40P01). */
	if (fx_pg_exec(o->pg, "SET deadlock_timeout = '30s'") != 0 || fx_pg_exec(o->pg, "BEGIN") != 0 ||
	    fx_pg_exec(o->pg, "UPDATE counter SET n = n + 10 WHERE id = 2") != 0) {
		atomic_store(&o->holding, -1);
		return NULL;
	}
	atomic_store(&o->holding, 1);
	fx_sleep_ms(300);
	if (fx_pg_exec(o->pg, "UPDATE counter SET n = n + 10 WHERE id = 1") == 0)
		o->outside_rc = fx_pg_exec(o->pg, "COMMIT");
	else
		fx_pg_exec(o->pg, "ROLLBACK");
	return NULL;
}

/* Row 1, then (first run: once the outside transaction holds row 2) row 2. */
static enum err cross_update_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct outside *o = arg;
	o->attempts++;
	struct store_val a[] = {SV_INT(1)}, b[] = {SV_INT(2)};
	enum err rc = store_exec(c, "UPDATE counter SET n = n + 1 WHERE id = ?", a, 1, NULL, ei);
	if (rc != ERR_OK)
		return rc;
	if (o->attempts == 1) {
		if (pthread_create(&o->th, NULL, outside_cross_main, o) != 0)
			return err_set(ei, ERR_INTERNAL, NULL, "pthread_create");
		o->started = true;
		while (atomic_load(&o->holding) == 0)
			fx_sleep_ms(5);
	}
	return store_exec(c, "UPDATE counter SET n = n + 1 WHERE id = ?", b, 1, NULL, ei);
}

/* A store write and an outside transaction lock two rows in opposite
 * orders: the server aborts the store's (40P01), which is run again and
 * commits after the outside one; no increment is lost. */
static void test_deadlock_retried(void **state)
{
	struct fx_db *d = pg_db(state);
	run_sql(d->st, counter_ddl);
	struct outside o = {.pg = fx_pg_connect(d->dbname)};
	assert_non_null(o.pg);
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = store_write(d->st, cross_update_fn, &o, &ei);
	if (o.started)
		pthread_join(o.th, NULL);
	PQfinish(o.pg);
	if (rc != ERR_OK)
		fail_msg("store_write: %d %s", rc, ei.message);
	assert_int_equal(atomic_load(&o.holding), 1);
	int64_t n[2] = {-1, -1};
	assert_int_equal(store_read(d->st, counter_fn, n, NULL), ERR_OK);
	print_message("# %d callbacks, outside %s, counters %lld %lld\n", o.attempts,
	              o.outside_rc == 0 ? "committed" : "aborted", (long long)n[0], (long long)n[1]);
	/* 2, or 3 when the second run's snapshot predates the outside commit
	 * (then a serialization failure on row 1) */
	assert_true(o.attempts >= 2);
	assert_int_equal(o.outside_rc, 0);
	assert_int_equal(n[0], 11);
	assert_int_equal(n[1], 11);
}

/* --- lost connections ---------------------------------------------------------------- */

/* The pool's one connection is killed while idle: the next call may fail
 * with ERR_UNAVAIL (never anything else), and the one after works. */
static void test_terminated_backend_reconnects(void **state)
{
	struct fx_db *d = pg_db(state);
	PGconn *admin = fx_pg_connect(NULL);
	assert_non_null(admin);
	assert_int_equal(fx_write_row(d->st, "2026-10-01", "holiday", "", NULL), ERR_OK);
	long long killed = kill_backends(admin, d);
	long long left = backends_of(admin, d);
	struct errinfo ei;
	err_clear(&ei);
	enum err first = fx_write_row(d->st, "2026-10-02", "holiday", "", &ei);
	enum err second = fx_write_row(d->st, "2026-10-03", "holiday", "", NULL);
	/* and a read after a kill, too */
	kill_backends(admin, d);
	enum err read_first = store_ping(d->st);
	enum err read_second = store_ping(d->st);
	PQfinish(admin);
	print_message("# killed %lld; write after: %d then %d; read after: %d then %d\n", killed,
	              first, second, read_first, read_second);
	assert_true(killed >= 1);
	assert_int_equal(left, 0);
	if (first != ERR_OK && first != ERR_UNAVAIL)
		fail_msg("the first write after the kill: %d %s", first, ei.message);
	assert_int_equal(second, ERR_OK);
	assert_true(read_first == ERR_OK || read_first == ERR_UNAVAIL);
	assert_int_equal(read_second, ERR_OK);
	assert_int_equal(fx_count_rows(d->st, "2026-10-02"), first == ERR_OK ? 1 : 0);
	assert_int_equal(fx_count_rows(d->st, "2026-10-03"), 1);
	assert_int_equal(fx_count_rows(d->st, NULL), first == ERR_OK ? 3 : 2);
}

struct kill_ctx {
	PGconn *admin;
	int calls;
	long long pid;
	enum err after;
};

/* Writes a row, has its own server process killed, writes another. */
static enum err killed_midway_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct kill_ctx *k = arg;
	k->calls++;
	struct fx_row a = {"2026-10-01", "holiday", "before the kill"};
	enum err rc = fx_insert_row(c, &a, ei);
	if (rc != ERR_OK)
		return rc;
	struct store_stmt *s = NULL;
	rc = store_query(c, "SELECT pg_backend_pid()", NULL, 0, &s, ei);
	if (rc != ERR_OK)
		return rc;
	k->pid = store_next(s) == 1 ? store_col_int(s, 0) : -1;
	store_done(s);
	char sql[120];
	snprintf(sql, sizeof sql, "SELECT COUNT(pg_terminate_backend(%lld))", k->pid);
	fx_pg_int(k->admin, sql);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = %lld", k->pid);
	int64_t deadline = clock_mono_ns() + 10 * 1000000000LL;
	while (fx_pg_int(k->admin, sql) > 0 && clock_mono_ns() < deadline)
		fx_sleep_ms(10);
	struct fx_row b = {"2026-10-02", "holiday", "after the kill"};
	k->after = fx_insert_row(c, &b, ei);
	return k->after;
}

/* Nothing of a transaction whose connection died half-way is kept, the
 * caller hears ERR_UNAVAIL, and the next write reconnects. */
static void test_killed_during_write_rolls_back(void **state)
{
	struct fx_db *d = pg_db(state);
	struct kill_ctx k = {.admin = fx_pg_connect(NULL)};
	assert_non_null(k.admin);
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = store_write(d->st, killed_midway_fn, &k, &ei);
	PQfinish(k.admin);
	assert_true(k.pid > 0);
	assert_int_equal(k.after, ERR_UNAVAIL);
	assert_int_equal(rc, ERR_UNAVAIL);
	assert_int_equal(k.calls, 1); /* not retried: a lost connection is not a conflict */
	assert_int_equal(fx_write_row(d->st, "2026-10-03", "holiday", "", NULL), ERR_OK);
	assert_int_equal(fx_count_rows(d->st, NULL), 1);
	assert_int_equal(fx_count_rows(d->st, "2026-10-03"), 1);
}

#define POOL 4

struct holder {
	struct store *st;
	atomic_int *inside;
	enum err rc;
};

/* Holds its connection until POOL callbacks hold one (or a second passes),
 * so POOL connections are in use at once. */
static enum err hold_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct holder *h = arg;
	atomic_fetch_add(h->inside, 1);
	int64_t deadline = clock_mono_ns() + 1000000000LL;
	while (atomic_load(h->inside) < POOL && clock_mono_ns() < deadline)
		fx_sleep_ms(1);
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT 1", NULL, 0, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	store_done(s);
	return r == 1 ? ERR_OK : ERR_INTERNAL;
}

static void *holder_thread(void *arg)
{
	struct holder *h = arg;
	h->rc = store_read(h->st, hold_fn, h, NULL);
	return NULL;
}

/* POOL reads at once; *unavail and *other get the failures. */
static void read_round(struct store *st, int *unavail, int *other)
{
	atomic_int inside = 0;
	struct holder h[POOL];
	pthread_t th[POOL];
	for (int i = 0; i < POOL; i++) {
		h[i] = (struct holder){.st = st, .inside = &inside};
		assert_int_equal(pthread_create(&th[i], NULL, holder_thread, &h[i]), 0);
	}
	for (int i = 0; i < POOL; i++) {
		pthread_join(th[i], NULL);
		if (h[i].rc == ERR_UNAVAIL)
			++*unavail;
		else if (h[i].rc != ERR_OK)
			++*other;
	}
}

/* Every connection of a busy pool killed: each dead connection costs at
 * most one ERR_UNAVAIL, then the pool is whole again. */
static void test_whole_pool_terminated(void **state)
{
	struct fx_db *d = pg_db(state);
	PGconn *admin = fx_pg_connect(NULL);
	assert_non_null(admin);
	long long fixture = backends_of(admin, d); /* the fixture's own store */
	struct fx_db p = *d;
	struct store_options opt = {.pool_size = POOL};
	p.st = NULL;
	assert_int_equal(fx_db_open_opt(&p, &opt, NULL), ERR_OK);
	int unavail = 0, other = 0;
	read_round(p.st, &unavail, &other);
	long long open = backends_of(admin, d) - fixture;
	assert_int_equal(unavail + other, 0);
	long long killed = kill_backends(admin, d);
	int rounds = 0;
	for (; rounds < POOL + 1; rounds++) {
		int u = 0;
		read_round(p.st, &u, &other);
		unavail += u;
		if (u == 0 && other == 0)
			break;
	}
	enum err after = store_ping(p.st);
	long long end = backends_of(admin, d); /* the fixture's were killed */
	PQfinish(admin);
	store_close(p.st);
	print_message("# %lld connections, %lld killed, %d ERR_UNAVAIL, whole after %d rounds\n", open,
	              killed, unavail, rounds + 1);
	assert_int_equal(open, POOL);
	assert_int_equal(other, 0);
	assert_true(unavail <= POOL);
	assert_true(rounds < POOL + 1);
	assert_int_equal(after, ERR_OK);
	assert_true(end <= POOL);
}

/* What conn_open sets on a new connection (UTC, quiet notices) still holds
 * on the connection the pool makes after the old one was lost. The database
 * defaults differ here, so a reconnect that forgot them shows. */
struct settings {
	char tz[64], min_messages[32];
};

static enum err settings_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct settings *set = arg;
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "SELECT current_setting('TimeZone'),"
	                          " current_setting('client_min_messages')",
	                          NULL, 0, &s, ei);
	if (rc != ERR_OK)
		return rc;
	if (store_next(s) == 1) {
		snprintf(set->tz, sizeof set->tz, "%s", store_col_text(s, 0, NULL));
		snprintf(set->min_messages, sizeof set->min_messages, "%s", store_col_text(s, 1, NULL));
	}
	store_done(s);
	return ERR_OK;
}

static void test_reconnect_keeps_session_settings(void **state)
{
	struct fx_db *d = pg_db(state);
	PGconn *admin = fx_pg_connect(NULL);
	assert_non_null(admin);
	char sql[200];
	snprintf(sql, sizeof sql,
	         "ALTER DATABASE %s SET timezone = 'Asia/Shanghai'", d->dbname);
	assert_int_equal(fx_pg_exec(admin, sql), 0);
	snprintf(sql, sizeof sql, "ALTER DATABASE %s SET client_min_messages = 'notice'", d->dbname);
	assert_int_equal(fx_pg_exec(admin, sql), 0);
	store_close(d->st); /* new connections, with the new defaults */
	fx_db_open(d);
	struct settings before = {"", ""}, after = {"", ""};
	assert_int_equal(store_read(d->st, settings_fn, &before, NULL), ERR_OK);
	kill_backends(admin, d);
	PQfinish(admin);
	enum err first = store_read(d->st, settings_fn, &after, NULL);
	if (first != ERR_OK)
		assert_int_equal(store_read(d->st, settings_fn, &after, NULL), ERR_OK);
	print_message("# before the kill: %s, %s; after: %s, %s\n", before.tz, before.min_messages,
	              after.tz, after.min_messages);
	assert_string_equal(before.tz, "UTC");
	assert_string_equal(after.tz, before.tz);
	assert_string_equal(after.min_messages, before.min_messages);
}

/* --- opening ------------------------------------------------------------------------ */

static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof a;
	int port = -1;
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* Nothing listens there: ERR_UNAVAIL at once, naming the db setting. */
static void test_open_wrong_port_unavailable(void **state)
{
	(void)pg_db(state);
	int port = free_port();
	assert_true(port > 0);
	char url[512];
	snprintf(url, sizeof url, "postgres://linli@127.0.0.1:%d/postgres", port);
	struct store *st = (struct store *)(uintptr_t)1;
	struct errinfo ei;
	err_clear(&ei);
	int64_t t0 = clock_mono_ns();
	enum err rc = store_open(url, NULL, &st, &ei);
	int64_t ms = (clock_mono_ns() - t0) / 1000000;
	print_message("# refused in %lld ms: %s\n", (long long)ms, ei.message);
	assert_int_equal(rc, ERR_UNAVAIL);
	assert_null(st);
	assert_string_equal(ei.field, "db");
	assert_true(ei.message[0] != '\0');
	assert_true(ms < 3000);
	/* a database that does not exist, on the right server, likewise */
	snprintf(url, sizeof url, "%s/no_such_db_linli", fx_pg_base());
	st = (struct store *)(uintptr_t)1;
	assert_int_equal(store_open(url, NULL, &st, NULL), ERR_UNAVAIL);
	assert_null(st);
}

/* --- server-side statements and the pool ------------------------------------------------- */

/* Opens more statements than the cache holds, all busy at once, releases
 * them, then counts the connection's prepared statements on the server. */
static enum err busy_then_count_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	enum { NOPEN = LIMIT_STMT_CACHE + 8 };
	struct store_stmt *open[NOPEN];
	int i;
	enum err rc = ERR_OK;
	for (i = 0; i < NOPEN; i++) {
		char sql[64];
		snprintf(sql, sizeof sql, "SELECT %d", i);
		if ((rc = store_query(c, sql, NULL, 0, &open[i], ei)) != ERR_OK)
			break;
	}
	for (int k = 0; k < i; k++)
		store_done(open[k]);
	if (rc != ERR_OK)
		return rc;
	struct store_stmt *s = NULL;
	rc = store_query(c, "SELECT COUNT(*) FROM pg_prepared_statements", NULL, 0, &s, ei);
	if (rc != ERR_OK)
		return rc;
	*(int64_t *)arg = store_next(s) == 1 ? store_col_int(s, 0) : -1;
	store_done(s);
	return ERR_OK;
}

/* A statement used once because every cached one was busy is deallocated
 * on the server too: a connection never holds more than the cache. */
static void test_uncached_statements_deallocated(void **state)
{
	struct fx_db *d = pg_db(state);
	int64_t n[3] = {-1, -1, -1};
	for (int i = 0; i < 3; i++) /* one thread: the same pooled connection each time */
		assert_int_equal(store_read(d->st, busy_then_count_fn, &n[i], NULL), ERR_OK);
	print_message("# prepared statements on the connection: %lld, %lld, %lld (cache %d)\n",
	              (long long)n[0], (long long)n[1], (long long)n[2], LIMIT_STMT_CACHE);
	for (int i = 0; i < 3; i++)
		assert_true(n[i] >= 1 && n[i] <= LIMIT_STMT_CACHE);
}

/* More threads than pool_size: they wait for a connection, none is opened
 * beyond the bound, all succeed. */
static void test_pool_size_bounds_connections(void **state)
{
	struct fx_db *d = pg_db(state);
	PGconn *admin = fx_pg_connect(NULL);
	assert_non_null(admin);
	long long fixture = backends_of(admin, d); /* the fixture's own store */
	struct fx_db p = *d;
	struct store_options opt = {.pool_size = 2};
	p.st = NULL;
	assert_int_equal(fx_db_open_opt(&p, &opt, NULL), ERR_OK);
	int unavail = 0, other = 0;
	read_round(p.st, &unavail, &other); /* POOL threads, each holding up to a second */
	long long open = backends_of(admin, d) - fixture;
	PQfinish(admin);
	store_close(p.st);
	assert_int_equal(unavail + other, 0);
	assert_true(open >= 1 && open <= 2);
}

int main(void)
{
	log_set_level(LOG_ERROR);
	if (fx_pg_available())
		fx_print_backend("test_pg");
	else
		print_message("# test_pg: no PostgreSQL (LINLI_TEST_PG unset): every test skipped\n");
#define T(f) cmocka_unit_test_setup_teardown(f, pg_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_backend_name),
		T(test_placeholders_numbered_outside_quotes),
		T(test_serialization_failure_retried),
		T(test_deadlock_retried),
		T(test_terminated_backend_reconnects),
		T(test_killed_during_write_rolls_back),
		T(test_whole_pool_terminated),
		T(test_reconnect_keeps_session_settings),
		T(test_open_wrong_port_unavailable),
		T(test_uncached_statements_deallocated),
		T(test_pool_size_bounds_connections),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
