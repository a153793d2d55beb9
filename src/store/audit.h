/* SQL of the audit log: append, search, and a walk in id order for
 * verification. Rows are only ever inserted. */
#ifndef LINLI_STORE_AUDIT_H
#define LINLI_STORE_AUDIT_H

#include "auth/crypto.h"
#include "store/store.h"

struct audit_row {
	int64_t id;
	char at[32];
	int64_t user_id;
	char login[257];
	char address[64];
	char action[48];
	char object[256];
	char outcome[8];
	char request_id[65];
	char detail[1024];
	char prev_hash[CRYPTO_HASH_HEX];
	char hash[CRYPTO_HASH_HEX];
};

/* The newest row's hash, or 64 zeros for an empty log. */
enum err store_audit_last_hash(struct store_conn *c, char out[CRYPTO_HASH_HEX], struct errinfo *ei);
enum err store_audit_insert(struct store_conn *c, struct audit_row *a, struct errinfo *ei);

struct audit_filter {
	const char *login, *action, *object, *outcome;
	const char *from, *to; /* UTC ISO 8601, inclusive */
	int64_t before_id;     /* 0: from the newest */
	int limit;
};
/* Newest first. */
enum err store_audit_search(struct store_conn *c, const struct audit_filter *f,
                            void (*fn)(void *ctx, const struct audit_row *a), void *ctx,
                            struct errinfo *ei);
/* Every row in id order; fn returns false to stop. */
enum err store_audit_walk(struct store_conn *c, bool (*fn)(void *ctx, const struct audit_row *a),
                          void *ctx, struct errinfo *ei);

#endif
