/* Per-client-address request limit: a token bucket per address, refilled
 * at `rate` requests per second with a burst of twice that. Addresses hash
 * into a fixed table (no allocation per client; a collision only shares a
 * bucket). Thread-safe. Off when rate is 0. */
#ifndef LINLI_RATELIMIT_H
#define LINLI_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ratelimit;

struct ratelimit *ratelimit_new(int rate);
void ratelimit_free(struct ratelimit *rl);
/* True if a request from this address may go ahead now. */
bool ratelimit_allow(struct ratelimit *rl, const void *addr, size_t len, int64_t now_ns);

#endif
