/* Statement cache shared by the SQLite and PostgreSQL backends. */
#include "store/stmt_cache.h"

#include <stdlib.h>
#include <string.h>

static uint64_t sql_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

struct cached_stmt *stmt_cache_find(struct stmt_cache *c, const char *sql, uint64_t *hash)
{
	uint64_t h = sql_hash(sql);
	*hash = h;
	for (int i = 0; i < c->n; i++) {
		struct cached_stmt *t = c->item[i];
		if (t->hash == h && !t->busy && strcmp(t->sql, sql) == 0)
			return t;
	}
	return NULL;
}

enum err stmt_cache_init(struct cached_stmt *s, const struct store_ops *ops, const char *sql,
                         uint64_t hash, struct errinfo *ei)
{
	s->base.ops = ops;
	s->hash = hash;
	s->sql = strdup(sql);
	return s->sql ? ERR_OK : err_set(ei, ERR_INTERNAL, NULL, "out of memory");
}

struct cached_stmt *stmt_cache_add(struct stmt_cache *c, struct cached_stmt *s)
{
	if (c->n < LIMIT_STMT_CACHE) {
		c->item[c->n++] = s;
		s->cached = true;
		return NULL;
	}
	for (int tries = 0; tries < LIMIT_STMT_CACHE; tries++) {
		int v = c->evict++ % LIMIT_STMT_CACHE;
		if (!c->item[v]->busy) {
			struct cached_stmt *old = c->item[v];
			c->item[v] = s;
			s->cached = true;
			return old;
		}
	}
	return NULL;
}
