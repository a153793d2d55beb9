/* The SQLite backend: WAL, one read connection per worker thread, and one
 * writer thread that commits queued write callbacks in groups, so many
 * requests share one fsync and none is answered before it is durable.
 * Knows SQL and SQLite; knows nothing of HTTP, roles or the domain. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "store/stmt_cache.h"
#include "util/trigram.h"
#include "util/log.h"

struct sqlite_stmt {
	struct cached_stmt c; /* first: the cache's view of it */
	struct sqlite_conn *conn;
	sqlite3_stmt *st;
	int last;      /* last sqlite3_step result */
};

struct sqlite_conn {
	struct store_conn base;
	sqlite3 *db;
	struct stmt_cache cache;
	/* A statement failed in the current callback: refuse further ones, as
	 * PostgreSQL does in an aborted transaction, so callbacks behave the
	 * same on both backends. */
	bool failed;
	struct sqlite_conn *next_reader;
};

/* A queued write: lives on the submitting thread's stack until done. */
struct write_job {
	store_fn fn;
	void *arg;
	enum err rc;
	struct errinfo ei;
	bool done;
	struct write_job *next;
};

struct sqlite_store {
	struct store base;
	uint64_t id; /* never reused: thread-local reader slots match on it */
	char *path;
	struct sqlite_conn *writer;

	pthread_mutex_t lock;
	pthread_cond_t work; /* writer waits for jobs */
	pthread_cond_t done; /* submitters wait for their commit */
	pthread_cond_t idle; /* close waits for submitters to leave sq_write */
	int users;           /* threads inside sq_write */
	struct write_job *head, *tail;
	int64_t depth;
	bool stopping;
	pthread_t thread;
	bool thread_started;

	pthread_mutex_t readers_lock;
	struct sqlite_conn *readers;

	/* stats, updated by the writer thread, read by /metrics */
	_Atomic int64_t commits, transactions, failed_commits, batch_sum;
	_Atomic int64_t batch_bucket[STORE_BATCH_BUCKETS];
};

static _Atomic uint64_t next_store_id = 1;
/* The store whose writer thread this is: its write callbacks must neither
 * queue another write (deadlock) nor read through a second connection
 * (they would not see their own uncommitted work). */
static _Thread_local struct sqlite_store *on_writer_thread;

#define READER_SLOTS 8 /* stores one thread reads at once; one in production */
static _Thread_local struct {
	uint64_t store_id;
	struct sqlite_conn *conn;
} tl_readers[READER_SLOTS];
static _Thread_local unsigned tl_reader_evict;

/* --- errors -------------------------------------------------------------- */

static enum err map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return ERR_OK;
	case SQLITE_CONSTRAINT:
		switch (rc) {
		case SQLITE_CONSTRAINT_UNIQUE:
		case SQLITE_CONSTRAINT_PRIMARYKEY:
		case SQLITE_CONSTRAINT_FOREIGNKEY:
			return ERR_CONFLICT;
		default:
			return ERR_INVALID; /* CHECK, NOT NULL: a value our validation let through */
		}
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_FULL:
	case SQLITE_CANTOPEN:
		return ERR_UNAVAIL;
	case SQLITE_TOOBIG:
		return ERR_TOO_LARGE;
	default:
		return ERR_INTERNAL;
	}
}

static enum err fail_db(sqlite3 *db, int rc, struct errinfo *ei, const char *what)
{
	enum err e = map_rc(rc);
	if (e == ERR_OK)
		e = ERR_INTERNAL;
	if (e == ERR_INTERNAL || e == ERR_UNAVAIL) {
		char msg[512];
		snprintf(msg, sizeof msg, "sqlite %s failed (%d): %s", what, rc,
		         db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		log_error(msg, NULL);
	}
	if (e == ERR_CONFLICT)
		return err_set(ei, e, NULL, "already exists or still referenced");
	return err_set(ei, e, NULL, "%s: %s", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

/* --- connections ---------------------------------------------------------- */

static void sql_word_similarity(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *q = (const char *)sqlite3_value_text(argv[0]);
	size_t qn = (size_t)sqlite3_value_bytes(argv[0]);
	const char *t = (const char *)sqlite3_value_text(argv[1]);
	size_t tn = (size_t)sqlite3_value_bytes(argv[1]);
	if (q == NULL || t == NULL)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_double(ctx, trigram_similarity(q, qn, t, tn));
}

static enum err conn_open(const char *path, bool writer, bool create, struct sqlite_conn **out,
                          struct errinfo *ei)
{
	struct sqlite_conn *c = calloc(1, sizeof *c);
	if (c == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	c->base.ops = &store_sqlite_ops;
	int flags = SQLITE_OPEN_NOMUTEX | (writer ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY);
	if (writer && create)
		flags |= SQLITE_OPEN_CREATE;
	int rc = sqlite3_open_v2(path, &c->db, flags, NULL);
	if (rc != SQLITE_OK) {
		enum err e = err_set(ei, ERR_UNAVAIL, "db", "cannot open %s: %s", path,
		                     c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		sqlite3_close(c->db);
		free(c);
		return e;
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, LIMIT_BUSY_TIMEOUT_MS);
	/* synchronous=FULL: in WAL mode every commit fsyncs the log, so an
	 * acknowledged write survives power loss, not just a crash. */
	/* The writer's page cache may grow to 256 MB (it grows only as used): a
	 * large import is one transaction, and spilling a 2 MB cache to the WAL
	 * doubled the time of a million-person import. Readers map the file
	 * (shared by every reader through the OS page cache) instead of a pread
	 * and a copy per page: on a city-sized database that was an eighth of a
	 * locate call's time. */
	const char *pragmas = writer ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	                               " PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
	                               " PRAGMA cache_size=-262144;"
	                             : "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
	                               " PRAGMA mmap_size=" LIMIT_SQLITE_MMAP_BYTES ";";
	char *msg = NULL;
	rc = sqlite3_exec(c->db, pragmas, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		enum err e = err_set(ei, ERR_UNAVAIL, "db", "cannot set up %s: %s", path, msg ? msg : "");
		sqlite3_free(msg);
		sqlite3_close(c->db);
		free(c);
		return e;
	}
	/* possible duplicates ask word_similarity, as on PostgreSQL */
	sqlite3_create_function(c->db, "word_similarity", 2,
	                        SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
	                        sql_word_similarity, NULL, NULL);
	*out = c;
	return ERR_OK;
}

static void stmt_free(struct sqlite_stmt *s)
{
	if (s == NULL)
		return;
	sqlite3_finalize(s->st);
	free(s->c.sql);
	free(s);
}

static void conn_close(struct sqlite_conn *c)
{
	if (c == NULL)
		return;
	for (int i = 0; i < c->cache.n; i++)
		stmt_free((struct sqlite_stmt *)c->cache.item[i]);
	sqlite3_close(c->db);
	free(c);
}

/* Resets statements a callback left running, so COMMIT is not refused. */
static void conn_reset_busy(struct sqlite_conn *c)
{
	for (int i = 0; i < c->cache.n; i++)
		if (c->cache.item[i]->busy) {
			struct sqlite_stmt *s = (struct sqlite_stmt *)c->cache.item[i];
			log_warn("statement left open by a store callback; reset", NULL);
			sqlite3_reset(s->st);
			sqlite3_clear_bindings(s->st);
			s->c.busy = false;
		}
}

static int conn_exec_simple(struct sqlite_conn *c, const char *sql)
{
	return sqlite3_exec(c->db, sql, NULL, NULL, NULL);
}

/* --- statements ----------------------------------------------------------- */

static enum err bind_params(struct sqlite_stmt *s, const struct store_val *p, int n,
                            struct errinfo *ei)
{
	for (int i = 0; i < n; i++) {
		int rc;
		switch (p[i].type) {
		case STORE_INT: rc = sqlite3_bind_int64(s->st, i + 1, p[i].i); break;
		case STORE_REAL: rc = sqlite3_bind_double(s->st, i + 1, p[i].r); break;
		case STORE_TEXT:
			rc = sqlite3_bind_text64(s->st, i + 1, p[i].s, p[i].len, SQLITE_STATIC, SQLITE_UTF8);
			break;
		default: rc = sqlite3_bind_null(s->st, i + 1); break;
		}
		if (rc != SQLITE_OK)
			return fail_db(s->conn->db, rc, ei, "bind");
	}
	return ERR_OK;
}

static enum err sq_query(struct store_conn *bc, const char *sql, const struct store_val *params,
                         int nparams, struct store_stmt **out, struct errinfo *ei)
{
	struct sqlite_conn *c = (struct sqlite_conn *)bc;
	*out = NULL;
	if (c->failed)
		return err_set(ei, ERR_INTERNAL, NULL,
		               "an earlier statement of this transaction failed; return its error");
	uint64_t h;
	struct sqlite_stmt *s = (struct sqlite_stmt *)stmt_cache_find(&c->cache, sql, &h);
	if (s == NULL) {
		s = calloc(1, sizeof *s);
		if (s == NULL)
			return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		s->conn = c;
		enum err e = stmt_cache_init(&s->c, &store_sqlite_ops, sql, h, ei);
		int rc = e == ERR_OK
			? sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL)
			: SQLITE_OK;
		if (e == ERR_OK && rc != SQLITE_OK)
			e = fail_db(c->db, rc, ei, "prepare");
		if (e != ERR_OK) {
			stmt_free(s);
			c->failed = true;
			return e;
		}
		stmt_free((struct sqlite_stmt *)stmt_cache_add(&c->cache, &s->c));
	}
	s->c.busy = true;
	s->last = SQLITE_OK;
	/* A wrong count is our bug, caught before anything runs: like
	 * PostgreSQL, it leaves the transaction usable. */
	if (nparams != sqlite3_bind_parameter_count(s->st)) {
		int want = sqlite3_bind_parameter_count(s->st);
		s->c.base.ops->done(&s->c.base);
		return err_set(ei, ERR_INTERNAL, NULL, "statement wants %d parameters, got %d", want,
		               nparams);
	}
	enum err rc = bind_params(s, params, nparams, ei);
	if (rc != ERR_OK) {
		s->c.base.ops->done(&s->c.base);
		c->failed = true;
		return rc;
	}
	*out = &s->c.base;
	return ERR_OK;
}

static int sq_next(struct store_stmt *bs)
{
	struct sqlite_stmt *s = (struct sqlite_stmt *)bs;
	if (s->last == SQLITE_DONE)
		return 0;
	s->last = sqlite3_step(s->st);
	if (s->last == SQLITE_ROW)
		return 1;
	if (s->last == SQLITE_DONE)
		return 0;
	enum err e = fail_db(s->conn->db, s->last, NULL, "step");
	s->conn->failed = true;
	return -(int)e;
}

static bool sq_col_null(struct store_stmt *bs, int col)
{
	return sqlite3_column_type(((struct sqlite_stmt *)bs)->st, col) == SQLITE_NULL;
}

static int64_t sq_col_int(struct store_stmt *bs, int col)
{
	return sqlite3_column_int64(((struct sqlite_stmt *)bs)->st, col);
}

static double sq_col_real(struct store_stmt *bs, int col)
{
	return sqlite3_column_double(((struct sqlite_stmt *)bs)->st, col);
}

static const char *sq_col_text(struct store_stmt *bs, int col, size_t *len)
{
	struct sqlite_stmt *s = (struct sqlite_stmt *)bs;
	const unsigned char *t = sqlite3_column_text(s->st, col);
	if (len != NULL)
		*len = t ? (size_t)sqlite3_column_bytes(s->st, col) : 0;
	return t ? (const char *)t : "";
}

static void sq_done(struct store_stmt *bs)
{
	struct sqlite_stmt *s = (struct sqlite_stmt *)bs;
	sqlite3_reset(s->st);
	sqlite3_clear_bindings(s->st);
	s->c.busy = false;
	if (!s->c.cached)
		stmt_free(s);
}

static int sq_col_count(struct store_stmt *bs)
{
	return sqlite3_column_count(((struct sqlite_stmt *)bs)->st);
}

static const char *sq_col_name(struct store_stmt *bs, int col)
{
	return sqlite3_column_name(((struct sqlite_stmt *)bs)->st, col);
}

static enum store_type sq_col_type(struct store_stmt *bs, int col)
{
	switch (sqlite3_column_type(((struct sqlite_stmt *)bs)->st, col)) {
	case SQLITE_INTEGER: return STORE_INT;
	case SQLITE_FLOAT: return STORE_REAL;
	case SQLITE_NULL: return STORE_NULL;
	default: return STORE_TEXT;
	}
}

static enum err sq_exec(struct store_conn *c, const char *sql, const struct store_val *params,
                        int nparams, int64_t *changes, struct errinfo *ei)
{
	struct store_stmt *s = NULL;
	enum err rc = sq_query(c, sql, params, nparams, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r;
	while ((r = sq_next(s)) == 1)
		;
	if (r < 0) {
		/* sq_next logged our own failures; a conflict is the caller's to report. */
		rc = (enum err)-r;
		if (rc == ERR_CONFLICT)
			err_set(ei, rc, NULL, "already exists or still referenced");
		else
			err_set(ei, rc, NULL, "%s", sqlite3_errmsg(((struct sqlite_conn *)c)->db));
	} else if (changes != NULL) {
		*changes = sqlite3_changes64(((struct sqlite_conn *)c)->db);
	}
	sq_done(s);
	return rc;
}

static enum err sq_exec_script(struct store_conn *bc, const char *sql, struct errinfo *ei)
{
	struct sqlite_conn *c = (struct sqlite_conn *)bc;
	char *msg = NULL;
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
	if (rc == SQLITE_OK)
		return ERR_OK;
	enum err e = err_set(ei, map_rc(rc) == ERR_OK ? ERR_INTERNAL : map_rc(rc), NULL, "%s",
	                     msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	return e;
}

/* --- the writer thread ---------------------------------------------------- */

/* Runs one group: BEGIN, each job in its own savepoint, COMMIT. A job whose
 * callback fails is rolled back to its savepoint; the others still commit.
 * If the COMMIT itself fails, every job in the group fails. */
static void run_batch(struct sqlite_store *ss, struct write_job *jobs, int n)
{
	struct sqlite_conn *w = ss->writer;
	int rc = conn_exec_simple(w, "BEGIN IMMEDIATE");
	if (rc != SQLITE_OK) {
		for (struct write_job *j = jobs; j; j = j->next)
			j->rc = fail_db(w->db, rc, &j->ei, "begin");
		atomic_fetch_add(&ss->failed_commits, 1);
		return;
	}
	for (struct write_job *j = jobs; j; j = j->next) {
		w->failed = false;
		conn_exec_simple(w, "SAVEPOINT job");
		j->rc = j->fn(&w->base, j->arg, &j->ei);
		conn_reset_busy(w);
		if (j->rc != ERR_OK)
			conn_exec_simple(w, "ROLLBACK TO job");
		conn_exec_simple(w, "RELEASE job");
	}
	rc = conn_exec_simple(w, "COMMIT");
	if (rc != SQLITE_OK) {
		conn_exec_simple(w, "ROLLBACK");
		for (struct write_job *j = jobs; j; j = j->next)
			if (j->rc == ERR_OK)
				j->rc = fail_db(w->db, rc, &j->ei, "commit");
		atomic_fetch_add(&ss->failed_commits, 1);
		store_tx_ended(&ss->base, &w->base);
		return;
	}
	store_tx_ended(&ss->base, &w->base);
	atomic_fetch_add(&ss->commits, 1);
	atomic_fetch_add(&ss->transactions, n);
	atomic_fetch_add(&ss->batch_sum, n);
	atomic_fetch_add(&ss->batch_bucket[store_batch_bucket(n)], 1);
}

static void *writer_main(void *arg)
{
	struct sqlite_store *ss = arg;
	on_writer_thread = ss;
	pthread_mutex_lock(&ss->lock);
	for (;;) {
		while (ss->head == NULL && !ss->stopping)
			pthread_cond_wait(&ss->work, &ss->lock);
		if (ss->head == NULL)
			break; /* stopping and drained */
		/* Take up to a batch from the front of the queue. */
		struct write_job *batch = ss->head, *last = ss->head;
		int n = 1;
		while (last->next != NULL && n < LIMIT_WRITE_BATCH) {
			last = last->next;
			n++;
		}
		ss->head = last->next;
		if (ss->head == NULL)
			ss->tail = NULL;
		last->next = NULL;
		ss->depth -= n;
		pthread_mutex_unlock(&ss->lock);

		run_batch(ss, batch, n);

		pthread_mutex_lock(&ss->lock);
		for (struct write_job *j = batch, *nx; j; j = nx) {
			nx = j->next; /* j belongs to its submitter once done is set */
			j->done = true;
		}
		pthread_cond_broadcast(&ss->done);
	}
	pthread_mutex_unlock(&ss->lock);
	return NULL;
}

static enum err sq_write(struct store *st, store_fn fn, void *arg, struct errinfo *ei)
{
	struct sqlite_store *ss = (struct sqlite_store *)st;
	if (on_writer_thread != NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "store_write called inside a write callback");
	struct write_job job = {.fn = fn, .arg = arg};
	pthread_mutex_lock(&ss->lock);
	if (ss->stopping) {
		pthread_mutex_unlock(&ss->lock);
		return err_set(ei, ERR_UNAVAIL, NULL, "the store is shutting down");
	}
	if (ss->depth >= LIMIT_WRITE_QUEUE) {
		pthread_mutex_unlock(&ss->lock);
		return err_set(ei, ERR_UNAVAIL, NULL, "too many writes queued; try again");
	}
	ss->users++;
	if (ss->tail != NULL)
		ss->tail->next = &job;
	else
		ss->head = &job;
	ss->tail = &job;
	ss->depth++;
	pthread_cond_signal(&ss->work);
	while (!job.done)
		pthread_cond_wait(&ss->done, &ss->lock);
	/* The last one out lets store_close free the lock we still hold. */
	if (--ss->users == 0 && ss->stopping)
		pthread_cond_signal(&ss->idle);
	pthread_mutex_unlock(&ss->lock);
	if (job.rc != ERR_OK && ei != NULL)
		*ei = job.ei;
	return job.rc;
}

/* --- reads ---------------------------------------------------------------- */

static enum err reader_get(struct sqlite_store *ss, struct sqlite_conn **out, struct errinfo *ei)
{
	for (int i = 0; i < READER_SLOTS; i++)
		if (tl_readers[i].store_id == ss->id) {
			*out = tl_readers[i].conn;
			return ERR_OK;
		}
	struct sqlite_conn *c = NULL;
	enum err rc = conn_open(ss->path, false, false, &c, ei);
	if (rc != ERR_OK)
		return rc;
	pthread_mutex_lock(&ss->readers_lock);
	c->next_reader = ss->readers;
	ss->readers = c;
	pthread_mutex_unlock(&ss->readers_lock);
	/* An evicted slot's connection stays owned by its store's list. */
	unsigned slot = tl_reader_evict++ % READER_SLOTS;
	tl_readers[slot].store_id = ss->id;
	tl_readers[slot].conn = c;
	*out = c;
	return ERR_OK;
}

static enum err sq_read(struct store *st, store_fn fn, void *arg, struct errinfo *ei)
{
	struct sqlite_store *ss = (struct sqlite_store *)st;
	struct sqlite_conn *c = NULL;
	if (on_writer_thread == ss)
		return err_set(ei, ERR_INTERNAL, NULL, "store_read inside a write callback of the same "
		                                        "store: use the callback's connection");
	enum err rc = reader_get(ss, &c, ei);
	if (rc != ERR_OK)
		return rc;
	/* One snapshot for all the callback's queries. */
	c->failed = false;
	int r = conn_exec_simple(c, "BEGIN");
	if (r != SQLITE_OK)
		return fail_db(c->db, r, ei, "begin read");
	rc = fn(&c->base, arg, ei);
	conn_reset_busy(c);
	conn_exec_simple(c, "COMMIT");
	return rc;
}

/* --- open and close ------------------------------------------------------- */

static void sq_close(struct store *st)
{
	struct sqlite_store *ss = (struct sqlite_store *)st;
	if (ss->thread_started) {
		pthread_mutex_lock(&ss->lock);
		ss->stopping = true;
		pthread_cond_signal(&ss->work);
		pthread_mutex_unlock(&ss->lock);
		pthread_join(ss->thread, NULL);
		pthread_mutex_lock(&ss->lock);
		while (ss->users > 0)
			pthread_cond_wait(&ss->idle, &ss->lock);
		pthread_mutex_unlock(&ss->lock);
	}
	for (struct sqlite_conn *c = ss->readers, *nx; c; c = nx) {
		nx = c->next_reader;
		conn_close(c);
	}
	conn_close(ss->writer);
	pthread_mutex_destroy(&ss->lock);
	pthread_mutex_destroy(&ss->readers_lock);
	pthread_cond_destroy(&ss->work);
	pthread_cond_destroy(&ss->done);
	pthread_cond_destroy(&ss->idle);
	free(ss->path);
	free(ss);
}

static enum err sq_open(const char *path, const struct store_options *opt, struct store **out,
                        struct errinfo *ei)
{
	if (path[0] == '\0')
		return err_set(ei, ERR_INVALID, "db", "sqlite: needs a file path (sqlite:PATH)");
	struct sqlite_store *ss = calloc(1, sizeof *ss);
	if (ss == NULL || (ss->path = strdup(path)) == NULL) {
		free(ss);
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	}
	ss->base.ops = &store_sqlite_ops;
	ss->id = atomic_fetch_add(&next_store_id, 1);
	pthread_mutex_init(&ss->lock, NULL);
	pthread_mutex_init(&ss->readers_lock, NULL);
	pthread_cond_init(&ss->work, NULL);
	pthread_cond_init(&ss->done, NULL);
	pthread_cond_init(&ss->idle, NULL);
	enum err rc = conn_open(path, true, opt == NULL || opt->create, &ss->writer, ei);
	if (rc == ERR_OK && pthread_create(&ss->thread, NULL, writer_main, ss) != 0)
		rc = err_set(ei, ERR_INTERNAL, NULL, "cannot start the writer thread");
	else if (rc == ERR_OK)
		ss->thread_started = true;
	if (rc != ERR_OK) {
		sq_close(&ss->base);
		return rc;
	}
	*out = &ss->base;
	return ERR_OK;
}

static void sq_stats(struct store *st, struct store_stats *out)
{
	struct sqlite_store *ss = (struct sqlite_store *)st;
	out->backend = "sqlite";
	pthread_mutex_lock(&ss->lock);
	out->queue_depth = ss->depth;
	pthread_mutex_unlock(&ss->lock);
	out->commits = atomic_load(&ss->commits);
	out->transactions = atomic_load(&ss->transactions);
	out->failed_commits = atomic_load(&ss->failed_commits);
	out->batch_sum = atomic_load(&ss->batch_sum);
	for (int i = 0; i < STORE_BATCH_BUCKETS; i++)
		out->batch_bucket[i] = atomic_load(&ss->batch_bucket[i]);
}

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.sql_table_exists = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
	.open = sq_open,
	.close = sq_close,
	.read = sq_read,
	.write = sq_write,
	.write_schema = sq_write, /* one writer: nothing runs beside a migration */
	.stats = sq_stats,
	.query = sq_query,
	.next = sq_next,
	.col_null = sq_col_null,
	.col_int = sq_col_int,
	.col_real = sq_col_real,
	.col_text = sq_col_text,
	.done = sq_done,
	.exec = sq_exec,
	.exec_script = sq_exec_script,
	.col_count = sq_col_count,
	.col_name = sq_col_name,
	.col_type = sq_col_type,
	/* Plain tables only: an FTS5 table and its shadow tables are filled by
	 * the triggers of the table they index (request_fts, 0005). */
	.sql_list_tables = "SELECT m.name FROM sqlite_master m JOIN pragma_table_list t"
	                   " ON t.name = m.name AND t.schema = 'main' WHERE m.type = 'table'"
	                   " AND t.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.rowid",
};
