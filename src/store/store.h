/* The one store interface. Above this header nothing knows which database
 * runs: SQLite and PostgreSQL each fill a `struct store_ops` (store_impl.h).
 *
 * Reads run on a connection of the calling thread (SQLite: one per worker
 * thread; PostgreSQL: from a pool). Writes are callbacks handed to the
 * store: SQLite runs them on its single writer thread, several to a commit
 * (group commit), and store_write returns only once that commit is durable.
 * A write callback runs inside its own savepoint, so one failing callback
 * rolls back alone and does not spoil the others in its group.
 *
 * SQL is written once, portable between SQLite and PostgreSQL, with `?`
 * placeholders; the PostgreSQL backend numbers them. After a statement
 * fails, a callback must return that error: both backends refuse further
 * statements in the same transaction (PostgreSQL's aborted transaction), so
 * "insert, and update on conflict" is written as INSERT … ON CONFLICT.
 * Inside a write callback, read through the callback's connection, never
 * with store_read on the same store. Thread-safe: a
 * struct store is shared by all threads; a store_conn belongs to the one
 * callback it was passed to and must not escape it. */
#ifndef LINLI_STORE_H
#define LINLI_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct store;      /* opaque: one open database */
struct store_conn; /* opaque: a connection lent to one callback */
struct store_stmt; /* opaque: a prepared statement with its current result */

enum store_type { STORE_NULL, STORE_INT, STORE_TEXT, STORE_REAL };

/* One bound parameter. Text is not copied; it must outlive the query. */
struct store_val {
	enum store_type type;
	int64_t i;
	double r;
	const char *s;
	size_t len;
};
#define SV_NULL ((struct store_val){.type = STORE_NULL})
#define SV_INT(x) ((struct store_val){.type = STORE_INT, .i = (x)})
#define SV_REAL(x) ((struct store_val){.type = STORE_REAL, .r = (x)})
#define SV_TEXT(x) ((struct store_val){.type = STORE_TEXT, .s = (x), .len = strlen(x)})
#define SV_TEXTN(x, n) ((struct store_val){.type = STORE_TEXT, .s = (x), .len = (n)})

struct store_options {
	int readers;          /* expected reader threads */
	int pool_size;        /* PostgreSQL connections per process */
	bool create;          /* create the database file if missing */
};

/* Counters for /metrics. Batch buckets: 1,2,4,…,256 and above. */
#define STORE_BATCH_BUCKETS 10
struct store_stats {
	const char *backend;
	int64_t queue_depth;
	int64_t commits;
	int64_t transactions;
	int64_t failed_commits;
	int64_t batch_bucket[STORE_BATCH_BUCKETS]; /* not cumulative */
	int64_t batch_sum;
};

typedef enum err (*store_fn)(struct store_conn *c, void *arg, struct errinfo *ei);

/* Opens "sqlite:PATH" or "postgres://…" (also "postgresql://…").
 * ERR_INVALID for an unknown scheme, ERR_UNAVAIL if it cannot be opened. */
enum err store_open(const char *url, const struct store_options *opt, struct store **out,
                    struct errinfo *ei);
/* Finishes queued writes, stops the writer, closes every connection. */
void store_close(struct store *st);
const char *store_backend(const struct store *st);

/* Runs fn on a read connection. Writes inside fn are refused. */
enum err store_read(struct store *st, store_fn fn, void *arg, struct errinfo *ei);
/* Runs fn in a write transaction; returns after the commit is durable.
 * fn's error rolls back fn's work only and is returned. ERR_UNAVAIL when the
 * queue is full or the store is closing. */
enum err store_write(struct store *st, store_fn fn, void *arg, struct errinfo *ei);
/* Applies migrations not yet applied (src/store/migrations/<backend>/NNNN_*.sql,
 * recorded in schema_migration). *applied gets how many ran. */
enum err store_migrate(struct store *st, int *applied, struct errinfo *ei);
/* The highest applied migration version, 0 for an empty database. */
enum err store_schema_version(struct store *st, int *version, struct errinfo *ei);
/* The newest migration this binary carries for the store's backend. */
int store_schema_latest(const struct store *st);
/* Copies every row of every table from src to dst in one transaction on
 * dst, after migrating dst to the same schema version; refuses a dst that
 * already holds data. Then compares row counts table by table.
 * report(ctx, table, rows) is called per table copied. */
enum err store_copy(struct store *src, struct store *dst,
                    void (*report)(void *ctx, const char *table, int64_t rows), void *ctx,
                    struct errinfo *ei);
/* Helpers every per-resource SQL file shares. */
/* A step error (store_next's negative code) as an errinfo: "WHAT failed". */
enum err store_step_error(int r, struct errinfo *ei, const char *what);
/* Copies a column's text (NULL: "") into dst of n bytes, cut if longer. */
void store_copy_text(char *dst, size_t n, const char *src);
/* Runs a query for at most one row; fill reads it into out. ERR_NOTFOUND
 * ("no such WHAT") when there is none. */
enum err store_one_row(struct store_conn *c, const char *sql, const struct store_val *p, int np,
                       void (*fill)(struct store_stmt *s, void *out), void *out, const char *what,
                       struct errinfo *ei);
/* Caching who a caller is (auth/session.c) is safe only while nobody
 * changes users, roles, scopes, sessions or API keys. A write callback that
 * does marks its connection; when its transaction ends (after the commit,
 * so a reader that saw the old generation read the old rows) the store's
 * accounts generation moves on. Per process: another node's change is seen
 * when the cache entry expires. */
void store_mark_accounts(struct store_conn *c);
uint64_t store_accounts_generation(struct store *st);
/* A cheap round trip (SELECT 1) on a read connection. */
enum err store_ping(struct store *st);
void store_get_stats(struct store *st, struct store_stats *out);

/* --- statements, used only inside a store_fn ---------------------------- */

/* Prepares (cached per connection, keyed by the sql text) and binds. The
 * statement is busy until store_done; a second query of the same sql while
 * one is busy gets a fresh statement. */
enum err store_query(struct store_conn *c, const char *sql, const struct store_val *params,
                     int nparams, struct store_stmt **out, struct errinfo *ei);
/* Steps to the next row: 1 = a row, 0 = no more, <0 = -(enum err). */
int store_next(struct store_stmt *s);
bool store_col_null(struct store_stmt *s, int col);
int64_t store_col_int(struct store_stmt *s, int col);
double store_col_real(struct store_stmt *s, int col);
/* Valid until the next store_next or store_done. Never NULL ("" for NULL). */
const char *store_col_text(struct store_stmt *s, int col, size_t *len);
/* Releases the statement for reuse. Always call it, also after errors. */
void store_done(struct store_stmt *s);
/* Shape of the current result (for generic copies, not for domain code). */
int store_col_count(struct store_stmt *s);
const char *store_col_name(struct store_stmt *s, int col);
/* The value's type in the current row (STORE_NULL for NULL). */
enum store_type store_col_type(struct store_stmt *s, int col);

/* Runs a statement that returns no rows; *changes (if not NULL) gets the
 * number of rows it changed. Unique violation → ERR_CONFLICT. */
enum err store_exec(struct store_conn *c, const char *sql, const struct store_val *params,
                    int nparams, int64_t *changes, struct errinfo *ei);

#endif
