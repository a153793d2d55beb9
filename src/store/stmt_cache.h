/* The per-connection cache of prepared statements that both backends keep,
 * keyed by SQL text. Only src/store/ backends include this. Not
 * thread-safe: a connection (and its cache) is used by one thread at a time. */
#ifndef LINLI_STMT_CACHE_H
#define LINLI_STMT_CACHE_H

#include "limits.h"
#include "store/store_impl.h"

/* The first member of each backend's statement struct. */
struct cached_stmt {
	struct store_stmt base;
	char *sql;     /* owned copy: the key */
	uint64_t hash;
	bool busy;     /* between store_query and store_done */
	bool cached;   /* false: the backend frees it on done */
};

struct stmt_cache {
	struct cached_stmt *item[LIMIT_STMT_CACHE];
	int n;
	int evict; /* round-robin victim */
};

/* An idle cached statement for sql, or NULL; *hash gets sql's hash. */
struct cached_stmt *stmt_cache_find(struct stmt_cache *c, const char *sql, uint64_t *hash);
/* Fills the common part of a new statement (copies sql). */
enum err stmt_cache_init(struct cached_stmt *s, const struct store_ops *ops, const char *sql,
                         uint64_t hash, struct errinfo *ei);
/* Caches s, evicting an idle statement when full, and returns the evicted
 * one for the backend to free (NULL if none). If every cached statement is
 * busy (deep nesting), s stays uncached and is freed on done. */
struct cached_stmt *stmt_cache_add(struct stmt_cache *c, struct cached_stmt *s);

#endif
