/* A short-lived, per-process cache of what a session token or an API key
 * resolved to, so an authenticated request costs no queries. An entry is
 * used only while the store's accounts generation (store.h) is the one it
 * was read at, and for at most IDENTITY_CACHE_TTL_S seconds: a change made
 * through this process is seen at once, one made through another process
 * (the CLI, another node on PostgreSQL) within the TTL. Thread-safe. */
#ifndef LINLI_IDENTITY_CACHE_H
#define LINLI_IDENTITY_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/identity.h"
#include "store/accounts.h"

#define IDENTITY_CACHE_TTL_S 2

struct identity_cache;

/* What a credential resolved to: the identity, and the session or key row. */
struct cached_auth {
	struct identity id;
	struct session_row s;
	struct apikey_row k;
	bool inactive; /* the user is locked or disabled */
};

struct identity_cache *identity_cache_new(void);
void identity_cache_free(struct identity_cache *ic);
/* The entry for a credential hash read at generation gen, no older than the
 * TTL at now. */
bool identity_cache_get(struct identity_cache *ic, const char *hash, uint64_t gen, int64_t now,
                        struct cached_auth *out);
void identity_cache_put(struct identity_cache *ic, const char *hash, uint64_t gen, int64_t now,
                        const struct cached_auth *in);
/* Records a touch the caller has written, so the next request does not
 * write it again: a session's last_seen_at, or a key's last_used_at. */
void identity_cache_touched(struct identity_cache *ic, const char *hash, int64_t last_seen_at,
                            const char *last_used_at);

#endif
