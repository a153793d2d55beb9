/* Token buckets in a fixed hash table with striped locks. */
#include "http/ratelimit.h"

#include <pthread.h>
#include <stdlib.h>

#define RL_BUCKETS 4096
#define RL_STRIPES 64

struct bucket {
	uint64_t key;
	double tokens;
	int64_t last_ns;
};

struct ratelimit {
	double rate, burst;
	pthread_mutex_t stripe[RL_STRIPES];
	struct bucket b[RL_BUCKETS];
};

struct ratelimit *ratelimit_new(int rate)
{
	if (rate <= 0)
		return NULL;
	struct ratelimit *rl = calloc(1, sizeof *rl);
	if (rl == NULL)
		return NULL;
	rl->rate = rate;
	rl->burst = 2.0 * rate;
	for (int i = 0; i < RL_STRIPES; i++)
		pthread_mutex_init(&rl->stripe[i], NULL);
	return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	for (int i = 0; i < RL_STRIPES; i++)
		pthread_mutex_destroy(&rl->stripe[i]);
	free(rl);
}

bool ratelimit_allow(struct ratelimit *rl, const void *addr, size_t len, int64_t now_ns)
{
	if (rl == NULL)
		return true;
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ ((const unsigned char *)addr)[i]) * 1099511628211ULL;
	size_t idx = h % RL_BUCKETS;
	pthread_mutex_t *m = &rl->stripe[idx % RL_STRIPES];
	pthread_mutex_lock(m);
	struct bucket *b = &rl->b[idx];
	if (b->key != h || b->last_ns == 0) {
		b->key = h;
		b->tokens = rl->burst;
		b->last_ns = now_ns;
	}
	b->tokens += (double)(now_ns - b->last_ns) / 1e9 * rl->rate;
	if (b->tokens > rl->burst)
		b->tokens = rl->burst;
	b->last_ns = now_ns;
	bool ok = b->tokens >= 1.0;
	if (ok)
		b->tokens -= 1.0;
	pthread_mutex_unlock(m);
	return ok;
}
