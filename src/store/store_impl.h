/* What a store backend fills in. Only src/store/ includes this header:
 * each backend's structs begin with the base structs below, and store.c
 * dispatches through the ops table (sqlite3_vfs's pattern). */
#ifndef LINLI_STORE_IMPL_H
#define LINLI_STORE_IMPL_H

#include "store/store.h"

struct store_ops {
	const char *name;   /* "sqlite", "postgres" */
	/* One row, one integer column: how many tables are named ? (the dialects differ). */
	const char *sql_table_exists;
	enum err (*open)(const char *url, const struct store_options *opt, struct store **out,
	                 struct errinfo *ei);
	void (*close)(struct store *st);
	enum err (*read)(struct store *st, store_fn fn, void *arg, struct errinfo *ei);
	enum err (*write)(struct store *st, store_fn fn, void *arg, struct errinfo *ei);
	/* A write for schema changes: like write, but where isolation would pin
	 * a snapshot taken before sql_migrate_lock is granted (PostgreSQL's
	 * SERIALIZABLE), each statement must see what committed meanwhile. */
	enum err (*write_schema)(struct store *st, store_fn fn, void *arg, struct errinfo *ei);
	void (*stats)(struct store *st, struct store_stats *out);

	enum err (*query)(struct store_conn *c, const char *sql, const struct store_val *params,
	                  int nparams, struct store_stmt **out, struct errinfo *ei);
	int (*next)(struct store_stmt *s);
	bool (*col_null)(struct store_stmt *s, int col);
	int64_t (*col_int)(struct store_stmt *s, int col);
	double (*col_real)(struct store_stmt *s, int col);
	const char *(*col_text)(struct store_stmt *s, int col, size_t *len);
	void (*done)(struct store_stmt *s);
	int (*col_count)(struct store_stmt *s);
	const char *(*col_name)(struct store_stmt *s, int col);
	enum store_type (*col_type)(struct store_stmt *s, int col);
	enum err (*exec)(struct store_conn *c, const char *sql, const struct store_val *params,
	                 int nparams, int64_t *changes, struct errinfo *ei);
	/* Several statements separated by semicolons, no parameters (migrations). */
	enum err (*exec_script)(struct store_conn *c, const char *sql, struct errinfo *ei);
	/* Run first in the migration transaction so two processes migrating
	 * at once take turns (NULL where the backend serialises writes anyway). */
	const char *sql_migrate_lock;
	/* One text column: every table of ours, parents before children. */
	const char *sql_list_tables;
	/* Run in the copy's transaction after the rows (NULL: nothing), e.g. to
	 * move sequences past the copied ids. */
	const char *sql_after_copy;
};

struct store {
	const struct store_ops *ops;
	_Atomic uint64_t accounts_gen; /* see store_accounts_generation */
};
struct store_conn {
	const struct store_ops *ops;
	bool accounts_marked; /* this transaction changed who may do what */
};
struct store_stmt {
	const struct store_ops *ops;
};

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

/* Called by a backend once a write transaction on c has ended, committed
 * or not: moves the accounts generation on if the transaction marked it. */
void store_tx_ended(struct store *st, struct store_conn *c);

/* Cumulative-free bucket index for a commit batch size (1,2,4,…,256,more). */
int store_batch_bucket(int64_t n);

#endif
