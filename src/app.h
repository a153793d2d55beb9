/* What every handler may reach: configuration, the store, the working
 * calendar's office hours and the metrics. Built by main, read-only while
 * serving, so shared by all threads without locks. */
#ifndef LINLI_APP_H
#define LINLI_APP_H

#include "auth/crypto.h"
#include "auth/policy.h"
#include "config.h"
#include "store/store.h"
#include "util/worktime.h"

#define LINLI_VERSION "0.1.0"

struct metrics;
struct identity_cache;

struct app {
	struct config cfg;
	struct store *store;
	struct office_hours office;
	struct auth_policy policy;
	struct crypto_keys keys;
	struct metrics *metrics; /* set by server_start */
	struct identity_cache *idcache; /* NULL: every request reads its identity */
};

#endif
