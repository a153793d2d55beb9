/* The PostgreSQL backend: a pool of libpq connections, prepared statements
 * per connection, and the same transaction semantics as SQLite (a write
 * callback commits durably before store_write returns; a failing callback
 * rolls back). PostgreSQL groups commits itself, so there is no writer
 * thread: each write runs on a pooled connection. Serialization failures
 * and deadlocks are retried a bounded number of times; a lost connection is
 * 503 for the caller and reconnected for the next one. */
#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "store/stmt_cache.h"
#include "util/log.h"
#include "util/strbuf.h"

#define PG_RETRIES 5
#define PG_PARAMS_MAX 4096 /* a sanity bound; more than 64 go on the heap */
#define PG_PARAMS_STACK 64

struct pg_stmt {
	struct cached_stmt c; /* first: the cache's view of it */
	struct pg_conn *conn;
	char name[16];
	PGresult *res;
	int row, nrows;
	int nparams;
};

struct pg_conn {
	struct store_conn base;
	PGconn *pg;
	struct stmt_cache cache;
	unsigned next_name;
	bool broken;    /* the connection was lost: reset before reuse */
	char last_state[6]; /* SQLSTATE of the last failure in this transaction */
	bool read_only; /* lent to store_read */
	struct pg_conn *next_free;
};

struct pg_store {
	struct store base;
	char *url;
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct pg_conn *free;
	int size, open;
	int lent; /* connections out of the pool right now */
	_Atomic int64_t waiting;
	_Atomic int64_t commits, transactions, failed_commits, retries;
};

/* The store whose write callback runs on this thread, if any. */
static _Thread_local struct pg_store *in_write;

/* --- errors -------------------------------------------------------------- */

/* SQLSTATE → program error. */
static enum err map_state(const char *state)
{
	if (state == NULL)
		return ERR_UNAVAIL; /* no result at all: the connection is gone */
	if (strcmp(state, "23505") == 0 || strcmp(state, "23503") == 0)
		return ERR_CONFLICT; /* unique, foreign key */
	if (strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0)
		return ERR_INVALID; /* check, not null, bad data */
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
		return ERR_CONFLICT; /* serialization failure, deadlock: retried by sq_write */
	if (strcmp(state, "25006") == 0)
		return ERR_INTERNAL; /* write in a read-only transaction */
	if (strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
	    strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0 || strcmp(state, "53300") == 0)
		return ERR_UNAVAIL; /* connection, shutdown, too many connections */
	if (strcmp(state, "54000") == 0 || strcmp(state, "54001") == 0)
		return ERR_TOO_LARGE;
	return ERR_INTERNAL;
}

static bool retryable(const char *state)
{
	return state != NULL && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0);
}

static enum err fail_res(struct pg_conn *c, PGresult *res, struct errinfo *ei, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	enum err e = map_state(state);
	snprintf(c->last_state, sizeof c->last_state, "%s", state ? state : "");
	if (PQstatus(c->pg) != CONNECTION_OK) {
		c->broken = true;
		e = ERR_UNAVAIL;
	}
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(c->pg);
	if (e == ERR_INTERNAL || e == ERR_UNAVAIL) {
		char buf[512];
		snprintf(buf, sizeof buf, "postgres %.60s failed (%s): %s", what, state ? state : "-", msg);
		log_error(buf, NULL);
	}
	if (e == ERR_CONFLICT && state != NULL && strncmp(state, "23", 2) == 0)
		return err_set(ei, e, NULL, "already exists or still referenced");
	if (e == ERR_UNAVAIL)
		return err_set(ei, e, NULL, "the database is unavailable; try again");
	return err_set(ei, e, NULL, "%.200s (in %.40s)", msg, what);
}

/* --- connections ---------------------------------------------------------- */

/* Quiet notices (e.g. "relation already exists, skipping"), UTC, UTF-8;
 * again after every reconnect, since a new session starts from defaults. */
static void session_setup(struct pg_conn *c)
{
	PQclear(PQexec(c->pg, "SET client_min_messages = warning; SET TIME ZONE 'UTC';"
	                      " SET client_encoding = 'UTF8'"));
}

static enum err conn_open(struct pg_store *ps, struct pg_conn **out, struct errinfo *ei)
{
	struct pg_conn *c = calloc(1, sizeof *c);
	if (c == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	c->base.ops = &store_pg_ops;
	c->pg = PQconnectdb(ps->url);
	if (PQstatus(c->pg) != CONNECTION_OK) {
		enum err e = err_set(ei, ERR_UNAVAIL, "db", "cannot connect to PostgreSQL: %.200s",
		                     PQerrorMessage(c->pg));
		PQfinish(c->pg);
		free(c);
		return e;
	}
	session_setup(c);
	*out = c;
	return ERR_OK;
}

static void stmt_free(struct pg_stmt *s)
{
	if (s == NULL)
		return;
	PQclear(s->res);
	free(s->c.sql);
	free(s);
}

static void conn_forget_statements(struct pg_conn *c)
{
	for (int i = 0; i < c->cache.n; i++)
		stmt_free((struct pg_stmt *)c->cache.item[i]);
	c->cache.n = 0;
}

static void conn_close(struct pg_conn *c)
{
	if (c == NULL)
		return;
	conn_forget_statements(c);
	PQfinish(c->pg);
	free(c);
}

static enum err simple(struct pg_conn *c, const char *sql, struct errinfo *ei)
{
	PGresult *r = PQexec(c->pg, sql);
	ExecStatusType st = PQresultStatus(r);
	enum err rc = ERR_OK;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		rc = fail_res(c, r, ei, sql);
	PQclear(r);
	return rc;
}

/* --- the pool ------------------------------------------------------------- */

/* Broadcast: both waiting borrowers and a closing store wait on `freed`. */
static void pool_put(struct pg_store *ps, struct pg_conn *c)
{
	pthread_mutex_lock(&ps->lock);
	c->next_free = ps->free;
	ps->free = c;
	ps->lent--;
	pthread_cond_broadcast(&ps->freed);
	pthread_mutex_unlock(&ps->lock);
}

static enum err pool_get(struct pg_store *ps, struct pg_conn **out, struct errinfo *ei)
{
	pthread_mutex_lock(&ps->lock);
	atomic_fetch_add(&ps->waiting, 1);
	while (ps->free == NULL && ps->open >= ps->size)
		pthread_cond_wait(&ps->freed, &ps->lock);
	atomic_fetch_sub(&ps->waiting, 1);
	struct pg_conn *c = ps->free;
	ps->lent++;
	if (c != NULL) {
		ps->free = c->next_free;
		pthread_mutex_unlock(&ps->lock);
	} else {
		ps->open++; /* reserve the slot, connect outside the lock */
		pthread_mutex_unlock(&ps->lock);
		enum err rc = conn_open(ps, &c, ei);
		if (rc != ERR_OK) {
			pthread_mutex_lock(&ps->lock);
			ps->open--;
			ps->lent--;
			pthread_cond_broadcast(&ps->freed);
			pthread_mutex_unlock(&ps->lock);
			return rc;
		}
	}
	if (c->broken || PQstatus(c->pg) != CONNECTION_OK) {
		/* Lost since last use: reconnect once; prepared statements died with it. */
		PQreset(c->pg);
		conn_forget_statements(c);
		c->broken = false;
		if (PQstatus(c->pg) == CONNECTION_OK)
			session_setup(c);
		if (PQstatus(c->pg) != CONNECTION_OK) {
			c->broken = true;
			pool_put(ps, c);
			return err_set(ei, ERR_UNAVAIL, NULL, "the database is unavailable; try again");
		}
	}
	*out = c;
	return ERR_OK;
}



/* --- statements ----------------------------------------------------------- */

/* Rewrites `?` placeholders as $1, $2 … outside string literals, quoted
 * identifiers and comments; counts them. */
static char *number_placeholders(const char *sql, int *n)
{
	struct strbuf sb;
	strbuf_init(&sb, strlen(sql) * 3 + 16);
	*n = 0;
	for (const char *p = sql; *p;) {
		/* Copy a literal or comment whole ('it''s' works out: two literals). */
		const char *e = NULL;
		size_t skip = 0;
		if (*p == '\'' || *p == '"')
			skip = (e = strchr(p + 1, *p)) ? (size_t)(e - p) + 1 : strlen(p);
		else if (p[0] == '-' && p[1] == '-')
			skip = (e = strchr(p, '\n')) ? (size_t)(e - p) + 1 : strlen(p);
		else if (p[0] == '/' && p[1] == '*')
			skip = (e = strstr(p + 2, "*/")) ? (size_t)(e - p) + 2 : strlen(p);
		if (skip > 0) {
			strbuf_add(&sb, p, skip);
			p += skip;
		} else if (*p == '?') {
			strbuf_addf(&sb, "$%d", ++*n);
			p++;
		} else {
			strbuf_add(&sb, p++, 1);
		}
	}
	if (sb.overflow) {
		strbuf_free(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

static enum err pg_query(struct store_conn *bc, const char *sql, const struct store_val *params,
                         int nparams, struct store_stmt **out, struct errinfo *ei)
{
	struct pg_conn *c = (struct pg_conn *)bc;
	uint64_t h;
	struct pg_stmt *s = (struct pg_stmt *)stmt_cache_find(&c->cache, sql, &h);
	*out = NULL;
	if (s == NULL) {
		s = calloc(1, sizeof *s);
		if (s == NULL)
			return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		s->conn = c;
		snprintf(s->name, sizeof s->name, "s%u", c->next_name++);
		enum err e = stmt_cache_init(&s->c, &store_pg_ops, sql, h, ei);
		if (e == ERR_OK) {
			char *text = number_placeholders(sql, &s->nparams);
			PGresult *r = text ? PQprepare(c->pg, s->name, text, 0, NULL) : NULL;
			free(text);
			if (PQresultStatus(r) != PGRES_COMMAND_OK)
				e = fail_res(c, r, ei, "prepare");
			PQclear(r);
		}
		if (e != ERR_OK) {
			stmt_free(s);
			return e;
		}
		struct pg_stmt *old = (struct pg_stmt *)stmt_cache_add(&c->cache, &s->c);
		if (old != NULL) {
			char dealloc[48];
			snprintf(dealloc, sizeof dealloc, "DEALLOCATE %s", old->name);
			PQclear(PQexec(c->pg, dealloc));
			stmt_free(old);
		}
	}
	if (nparams != s->nparams || nparams > PG_PARAMS_MAX) {
		int want = s->nparams;
		store_pg_ops.done(&s->c.base); /* frees it if it could not be cached */
		return err_set(ei, ERR_INTERNAL, NULL, "statement wants %d parameters, got %d", want,
		               nparams);
	}
	/* Every parameter goes as NUL-terminated text; the server infers types
	 * from the SQL. Text values are copied into one scratch block because
	 * a store_val's text need not be NUL-terminated. */
	const char *values_stack[PG_PARAMS_STACK];
	char nums_stack[PG_PARAMS_STACK][32];
	const char **values = values_stack;
	char (*nums)[32] = nums_stack;
	if (nparams > PG_PARAMS_STACK) {
		values = malloc((size_t)nparams * sizeof *values);
		nums = malloc((size_t)nparams * sizeof *nums);
		if (values == NULL || nums == NULL) {
			free(values);
			free(nums);
			store_pg_ops.done(&s->c.base);
			return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		}
	}
	size_t textlen = 0;
	for (int i = 0; i < nparams; i++)
		if (params[i].type == STORE_TEXT)
			textlen += params[i].len + 1;
	char *scratch = textlen ? malloc(textlen) : NULL, *w = scratch;
	if (textlen && scratch == NULL) {
		if (values != values_stack) {
			free(values);
			free(nums);
		}
		store_pg_ops.done(&s->c.base);
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	}
	for (int i = 0; i < nparams; i++) {
		switch (params[i].type) {
		case STORE_INT:
			snprintf(nums[i], sizeof nums[i], "%lld", (long long)params[i].i);
			values[i] = nums[i];
			break;
		case STORE_REAL:
			snprintf(nums[i], sizeof nums[i], "%.17g", params[i].r);
			values[i] = nums[i];
			break;
		case STORE_TEXT:
			memcpy(w, params[i].s, params[i].len);
			w[params[i].len] = '\0';
			values[i] = w;
			w += params[i].len + 1;
			break;
		default:
			values[i] = NULL;
		}
	}
	s->c.busy = true;
	PQclear(s->res);
	s->res = PQexecPrepared(c->pg, s->name, nparams, values, NULL, NULL, 0);
	free(scratch);
	if (values != values_stack) {
		free(values);
		free(nums);
	}
	ExecStatusType st = PQresultStatus(s->res);
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		enum err e = fail_res(c, s->res, ei, "query");
		store_pg_ops.done(&s->c.base);
		return e;
	}
	s->row = -1;
	s->nrows = PQntuples(s->res);
	*out = &s->c.base;
	return ERR_OK;
}

static int pg_next(struct store_stmt *bs)
{
	struct pg_stmt *s = (struct pg_stmt *)bs;
	if (s->row + 1 >= s->nrows) {
		s->row = s->nrows;
		return 0;
	}
	s->row++;
	return 1;
}

static bool pg_col_null(struct store_stmt *bs, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)bs;
	return PQgetisnull(s->res, s->row, col) != 0;
}

#define OID_BOOL 16

static int64_t pg_col_int(struct store_stmt *bs, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)bs;
	const char *v = PQgetvalue(s->res, s->row, col);
	if (PQftype(s->res, col) == OID_BOOL)
		return v[0] == 't'; /* as SQLite: true is 1 */
	return strtoll(v, NULL, 10);
}

static double pg_col_real(struct store_stmt *bs, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)bs;
	return strtod(PQgetvalue(s->res, s->row, col), NULL);
}

static const char *pg_col_text(struct store_stmt *bs, int col, size_t *len)
{
	struct pg_stmt *s = (struct pg_stmt *)bs;
	if (len != NULL)
		*len = (size_t)PQgetlength(s->res, s->row, col);
	return PQgetvalue(s->res, s->row, col);
}

static void pg_done(struct store_stmt *bs)
{
	struct pg_stmt *s = (struct pg_stmt *)bs;
	PQclear(s->res);
	s->res = NULL;
	s->c.busy = false;
	if (!s->c.cached) {
		/* Used once because the cache was all busy: release it on the server too. */
		char dealloc[48];
		snprintf(dealloc, sizeof dealloc, "DEALLOCATE %s", s->name);
		PQclear(PQexec(s->conn->pg, dealloc));
		stmt_free(s);
	}
}

static int pg_col_count(struct store_stmt *bs)
{
	return PQnfields(((struct pg_stmt *)bs)->res);
}

static const char *pg_col_name(struct store_stmt *bs, int col)
{
	return PQfname(((struct pg_stmt *)bs)->res, col);
}

/* Built-in type OIDs (pg_type.dat): bool 16, int8 20, int2 21, int4 23, float4 700,
 * float8 701, numeric 1700. Everything else travels as text. */
static enum store_type pg_col_type(struct store_stmt *bs, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)bs;
	if (PQgetisnull(s->res, s->row, col))
		return STORE_NULL;
	switch (PQftype(s->res, col)) {
	case 20: case 21: case 23: case OID_BOOL: return STORE_INT;
	case 700: case 701: case 1700: return STORE_REAL;
	default: return STORE_TEXT;
	}
}

static enum err pg_exec(struct store_conn *c, const char *sql, const struct store_val *params,
                        int nparams, int64_t *changes, struct errinfo *ei)
{
	struct store_stmt *s = NULL;
	enum err rc = pg_query(c, sql, params, nparams, &s, ei);
	if (rc != ERR_OK)
		return rc;
	if (changes != NULL) {
		const char *n = PQcmdTuples(((struct pg_stmt *)s)->res);
		*changes = n && *n ? strtoll(n, NULL, 10) : 0;
	}
	pg_done(s);
	return ERR_OK;
}

static enum err pg_exec_script(struct store_conn *bc, const char *sql, struct errinfo *ei)
{
	return simple((struct pg_conn *)bc, sql, ei);
}

/* --- transactions ---------------------------------------------------------- */

static void reset_busy(struct pg_conn *c)
{
	for (int i = 0; i < c->cache.n; i++)
		if (c->cache.item[i]->busy) {
			log_warn("statement left open by a store callback; reset", NULL);
			pg_done(&c->cache.item[i]->base);
		}
}

/* BEGIN (as given), the callback, then COMMIT or ROLLBACK. */
static enum err run_tx(struct pg_conn *c, const char *begin, store_fn fn, void *arg,
                       struct errinfo *ei)
{
	enum err rc = simple(c, begin, ei);
	if (rc != ERR_OK)
		return rc;
	rc = fn(&c->base, arg, ei);
	reset_busy(c);
	if (rc == ERR_OK)
		return simple(c, "COMMIT", ei);
	simple(c, "ROLLBACK", NULL);
	return rc;
}

static enum err pg_read(struct store *st, store_fn fn, void *arg, struct errinfo *ei)
{
	struct pg_store *ps = (struct pg_store *)st;
	struct pg_conn *c = NULL;
	/* A second connection inside a write callback would not see the
	 * callback's own work, and with a small pool could wait forever. */
	if (in_write == ps)
		return err_set(ei, ERR_INTERNAL, NULL, "store_read inside a write callback of the same "
		                                        "store: use the callback's connection");
	enum err rc = pool_get(ps, &c, ei);
	if (rc != ERR_OK)
		return rc;
	/* One snapshot for all the callback's queries, and no writes. */
	rc = run_tx(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", fn, arg, ei);
	pool_put(ps, c);
	return rc;
}

/* Migrations run READ COMMITTED: they take an advisory lock first, and a
 * process that waited for it must then see the versions the other one
 * committed (a SERIALIZABLE snapshot would predate the lock). */
static enum err pg_write_schema(struct store *st, store_fn fn, void *arg, struct errinfo *ei)
{
	struct pg_store *ps = (struct pg_store *)st;
	struct pg_conn *c = NULL;
	enum err rc = pool_get(ps, &c, ei);
	if (rc != ERR_OK)
		return rc;
	rc = run_tx(c, "BEGIN ISOLATION LEVEL READ COMMITTED", fn, arg, ei);
	store_tx_ended(st, &c->base);
	pool_put(ps, c);
	return rc;
}

/* Every write appends to the audit chain, whose head each one reads and
 * extends; concurrent writers would all conflict on it. So writes take one
 * session-level advisory lock, before BEGIN so the transaction's snapshot
 * is taken after it: writes run one at a time across every process, as
 * with SQLite's writer, and see each other's commits. */
#define WRITE_LOCK "7131"

/* Writes run SERIALIZABLE, which gives what SQLite's single writer gives:
 * every write transaction behaves as if it ran alone. The price is the
 * occasional serialization failure (40001) or deadlock (40P01); the whole
 * callback is run again, a bounded number of times. */
static enum err pg_write(struct store *st, store_fn fn, void *arg, struct errinfo *ei)
{
	struct pg_store *ps = (struct pg_store *)st;
	if (in_write != NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "store_write called inside a write callback");
	struct pg_conn *c = NULL;
	enum err rc = pool_get(ps, &c, ei);
	if (rc != ERR_OK)
		return rc;
	in_write = ps;
	if ((rc = simple(c, "SELECT pg_advisory_lock(" WRITE_LOCK ")", ei)) != ERR_OK) {
		in_write = NULL;
		pool_put(ps, c);
		return rc;
	}
	for (int attempt = 1;; attempt++) {
		c->last_state[0] = '\0';
		rc = run_tx(c, "BEGIN ISOLATION LEVEL SERIALIZABLE", fn, arg, ei);
		store_tx_ended(st, &c->base);
		if (rc == ERR_OK) {
			atomic_fetch_add(&ps->commits, 1);
			atomic_fetch_add(&ps->transactions, 1);
			break;
		}
		atomic_fetch_add(&ps->failed_commits, 1);
		if (c->broken || !retryable(c->last_state) || attempt == PG_RETRIES) {
			if (retryable(c->last_state))
				err_set(ei, ERR_UNAVAIL, NULL, "the database is busy; try again");
			if (retryable(c->last_state))
				rc = ERR_UNAVAIL;
			break;
		}
		atomic_fetch_add(&ps->retries, 1);
	}
	if (!c->broken)
		simple(c, "SELECT pg_advisory_unlock(" WRITE_LOCK ")", NULL);
	in_write = NULL;
	pool_put(ps, c);
	return rc;
}

/* --- open and close -------------------------------------------------------- */

static void pg_close(struct store *st)
{
	struct pg_store *ps = (struct pg_store *)st;
	/* Writes in flight finish first, as with SQLite's writer queue. */
	pthread_mutex_lock(&ps->lock);
	while (ps->lent > 0)
		pthread_cond_wait(&ps->freed, &ps->lock);
	pthread_mutex_unlock(&ps->lock);
	for (struct pg_conn *c = ps->free, *nx; c; c = nx) {
		nx = c->next_free;
		conn_close(c);
	}
	pthread_mutex_destroy(&ps->lock);
	pthread_cond_destroy(&ps->freed);
	free(ps->url);
	free(ps);
}

static enum err pg_open(const char *rest, const struct store_options *opt, struct store **out,
                        struct errinfo *ei)
{
	struct pg_store *ps = calloc(1, sizeof *ps);
	if (ps == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	ps->base.ops = &store_pg_ops;
	/* The scheme was cut off by store_open; libpq wants the whole URL. */
	size_t n = strlen(rest) + sizeof "postgresql://";
	ps->url = malloc(n);
	if (ps->url == NULL) {
		free(ps);
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	}
	snprintf(ps->url, n, "postgresql://%s", rest);
	ps->size = opt != NULL && opt->pool_size > 0 ? opt->pool_size : 16;
	pthread_mutex_init(&ps->lock, NULL);
	pthread_cond_init(&ps->freed, NULL);
	/* Connect once now so a wrong URL fails at start-up, not on first use. */
	struct pg_conn *c = NULL;
	enum err rc = pool_get(ps, &c, ei);
	if (rc != ERR_OK) {
		pg_close(&ps->base);
		return rc;
	}
	pool_put(ps, c);
	*out = &ps->base;
	return ERR_OK;
}

static void pg_stats(struct store *st, struct store_stats *out)
{
	struct pg_store *ps = (struct pg_store *)st;
	out->backend = "postgres";
	out->queue_depth = atomic_load(&ps->waiting);
	out->commits = atomic_load(&ps->commits);
	out->transactions = atomic_load(&ps->transactions);
	out->failed_commits = atomic_load(&ps->failed_commits);
	out->batch_sum = out->transactions;
	out->batch_bucket[0] = out->commits; /* one transaction per commit */
}

const struct store_ops store_pg_ops = {
	.name = "postgres",
	.sql_table_exists = "SELECT COUNT(*) FROM information_schema.tables"
	                    " WHERE table_schema = current_schema() AND table_name = ?",
	.open = pg_open,
	.close = pg_close,
	.read = pg_read,
	.write = pg_write,
	.write_schema = pg_write_schema,
	.stats = pg_stats,
	.query = pg_query,
	.next = pg_next,
	.col_null = pg_col_null,
	.col_int = pg_col_int,
	.col_real = pg_col_real,
	.col_text = pg_col_text,
	.done = pg_done,
	.exec = pg_exec,
	.exec_script = pg_exec_script,
	.sql_migrate_lock = "SELECT pg_advisory_xact_lock(7130)",
	.col_count = pg_col_count,
	.col_name = pg_col_name,
	.col_type = pg_col_type,
	/* Creation order keeps parents before children, as in SQLite's rowid order. */
	.sql_list_tables = "SELECT c.relname FROM pg_class c"
	                   " JOIN pg_namespace n ON n.oid = c.relnamespace"
	                   " WHERE c.relkind = 'r' AND n.nspname = current_schema() ORDER BY c.oid",
	/* Copied rows carry their ids; identity and serial sequences must
	 * continue after the largest one. */
	.sql_after_copy =
		"DO $$ DECLARE r record; BEGIN"
		" FOR r IN SELECT c.relname AS t, a.attname AS col,"
		"  pg_get_serial_sequence(quote_ident(c.relname), a.attname) AS seq"
		"  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
		"  JOIN pg_attribute a ON a.attrelid = c.oid"
		"  WHERE c.relkind = 'r' AND n.nspname = current_schema() AND a.attnum > 0"
		"  AND pg_get_serial_sequence(quote_ident(c.relname), a.attname) IS NOT NULL"
		" LOOP EXECUTE format('SELECT setval(%L, COALESCE((SELECT MAX(%I) FROM %I), 0) + 1, false)',"
		"  r.seq, r.col, r.t); END LOOP; END $$",
};
