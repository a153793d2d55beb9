/* Direct-mapped by the credential hash (already uniform: a hex digest), with
 * a lock per stripe of slots; a colliding credential simply replaces the
 * entry. No entry outlives its TTL, so nothing needs sweeping. */
#include "auth/identity_cache.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 1024   /* power of two */
#define STRIPES 64

struct slot {
	char hash[CRYPTO_HASH_HEX];
	uint64_t gen;
	int64_t loaded_at;
	struct cached_auth a;
};

struct identity_cache {
	pthread_mutex_t lock[STRIPES];
	struct slot slot[SLOTS];
};

struct identity_cache *identity_cache_new(void)
{
	struct identity_cache *ic = calloc(1, sizeof *ic);
	if (ic == NULL)
		return NULL;
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_init(&ic->lock[i], NULL);
	return ic;
}

void identity_cache_free(struct identity_cache *ic)
{
	if (ic == NULL)
		return;
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_destroy(&ic->lock[i]);
	free(ic);
}

static unsigned slot_of(const char *hash)
{
	unsigned h = 0;
	for (int i = 0; i < 8 && hash[i]; i++)
		h = h * 31 + (unsigned char)hash[i];
	return h & (SLOTS - 1);
}

bool identity_cache_get(struct identity_cache *ic, const char *hash, uint64_t gen, int64_t now,
                        struct cached_auth *out)
{
	unsigned i = slot_of(hash);
	pthread_mutex_t *m = &ic->lock[i % STRIPES];
	struct slot *s = &ic->slot[i];
	bool hit = false;
	pthread_mutex_lock(m);
	/* now < loaded_at: the clock went back; do not trust the entry. */
	if (s->hash[0] != '\0' && s->gen == gen && now >= s->loaded_at &&
	    now - s->loaded_at < IDENTITY_CACHE_TTL_S && strcmp(s->hash, hash) == 0) {
		*out = s->a;
		hit = true;
	}
	pthread_mutex_unlock(m);
	return hit;
}

void identity_cache_put(struct identity_cache *ic, const char *hash, uint64_t gen, int64_t now,
                        const struct cached_auth *in)
{
	unsigned i = slot_of(hash);
	pthread_mutex_t *m = &ic->lock[i % STRIPES];
	struct slot *s = &ic->slot[i];
	pthread_mutex_lock(m);
	memcpy(s->hash, hash, sizeof s->hash);
	s->hash[sizeof s->hash - 1] = '\0';
	s->gen = gen;
	s->loaded_at = now;
	s->a = *in;
	pthread_mutex_unlock(m);
}

void identity_cache_touched(struct identity_cache *ic, const char *hash, int64_t last_seen_at,
                            const char *last_used_at)
{
	unsigned i = slot_of(hash);
	pthread_mutex_t *m = &ic->lock[i % STRIPES];
	struct slot *s = &ic->slot[i];
	pthread_mutex_lock(m);
	if (strcmp(s->hash, hash) == 0) {
		if (last_seen_at > s->a.s.last_seen_at)
			s->a.s.last_seen_at = last_seen_at;
		if (last_used_at != NULL)
			snprintf(s->a.k.last_used_at, sizeof s->a.k.last_used_at, "%s", last_used_at);
	}
	pthread_mutex_unlock(m);
}
