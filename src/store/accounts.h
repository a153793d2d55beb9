/* SQL of accounts: users, roles and their capabilities, scopes, sessions,
 * API keys. Called inside store callbacks only. Knows no policy: the
 * rules live in src/auth/. */
#ifndef LINLI_STORE_ACCOUNTS_H
#define LINLI_STORE_ACCOUNTS_H

#include "auth/identity.h"
#include "store/store.h"

struct user_row {
	int64_t id;
	char login[LOGIN_MAX + 1];
	char display_name[DISPLAY_NAME_MAX * 4 + 1];
	char phone_masked[16];
	char password_hash[CRYPTO_PWHASH_MAX];
	char status[12];
	int64_t locked_until, failed_count, failed_since;
	char created_at[32], updated_at[32];
	int nroles;
	char roles[IDENTITY_ROLES_MAX][CAP_NAME_MAX];
	int nscopes;
	char scopes[IDENTITY_SCOPES_MAX][SCOPE_MAX + 1];
};

/* ERR_NOTFOUND if there is no such user. Roles and scopes are filled. */
enum err store_user_by_login(struct store_conn *c, const char *login, struct user_row *u,
                             struct errinfo *ei);
enum err store_user_by_id(struct store_conn *c, int64_t id, struct user_row *u, struct errinfo *ei);
/* Inserts; u->id gets the new id. ERR_CONFLICT if the login is taken. */
enum err store_user_insert(struct store_conn *c, struct user_row *u, const char *phone_enc,
                           const char *phone_hash, struct errinfo *ei);
/* Updates name, phone (all three columns), status, lock-out fields and updated_at. */
enum err store_user_update(struct store_conn *c, const struct user_row *u, const char *phone_enc,
                           const char *phone_hash, bool set_phone, struct errinfo *ei);
enum err store_user_set_password(struct store_conn *c, int64_t id, const char *hash,
                                 struct errinfo *ei);
/* Replaces the user's roles and scopes with u's. Unknown role → ERR_INVALID. */
enum err store_user_set_grants(struct store_conn *c, const struct user_row *u, struct errinfo *ei);

/* One page of users whose every scope lies inside `within` (NULL: no
 * limit), filtered by q (login or name substring), status and role.
 * fn is called per user (roles and scopes filled). *total gets the count. */
struct user_filter {
	const char *q, *status, *role;
	const struct identity *within;
	int64_t offset, limit;
};
enum err store_user_list(struct store_conn *c, const struct user_filter *f,
                         void (*fn)(void *ctx, const struct user_row *u), void *ctx,
                         int64_t *total, struct errinfo *ei);

/* The capabilities, roles and scopes of a user into id. */
enum err store_identity_load(struct store_conn *c, int64_t user_id, struct identity *id,
                             struct errinfo *ei);

/* Roles. */
struct role_row {
	char id[CAP_NAME_MAX];
	char name[128];
	bool builtin;
	int ncaps;
	char caps[IDENTITY_CAPS_MAX][CAP_NAME_MAX];
};
/* Inserts or replaces a role and its capabilities. */
enum err store_role_put(struct store_conn *c, const struct role_row *r, bool only_if_missing,
                        struct errinfo *ei);
enum err store_role_get(struct store_conn *c, const char *id, struct role_row *r, struct errinfo *ei);
enum err store_role_list(struct store_conn *c, void (*fn)(void *ctx, const struct role_row *r),
                         void *ctx, struct errinfo *ei);
/* ERR_CONFLICT if still granted to someone. */
enum err store_role_delete(struct store_conn *c, const char *id, struct errinfo *ei);

/* Sessions: times are Unix seconds. */
struct session_row {
	int64_t user_id, created_at, last_seen_at;
	char csrf[CRYPTO_TOKEN_CHARS];
};
enum err store_session_insert(struct store_conn *c, const char *token_hash,
                              const struct session_row *s, const char *address, struct errinfo *ei);
enum err store_session_get(struct store_conn *c, const char *token_hash, struct session_row *s,
                           struct errinfo *ei);
enum err store_session_touch(struct store_conn *c, const char *token_hash, int64_t now,
                             struct errinfo *ei);
enum err store_session_delete(struct store_conn *c, const char *token_hash, struct errinfo *ei);
/* Ends every session of a user; *n gets how many. */
enum err store_session_delete_user(struct store_conn *c, int64_t user_id, int64_t *n,
                                   struct errinfo *ei);

/* API keys. */
struct apikey_row {
	int64_t id, user_id, created_by;
	char name[256];
	char prefix[16];
	char created_at[32], last_used_at[32], revoked_at[32];
};
enum err store_apikey_insert(struct store_conn *c, struct apikey_row *k, const char *key_hash,
                             struct errinfo *ei);
/* The live (not revoked) key with this hash; ERR_NOTFOUND otherwise. */
enum err store_apikey_by_hash(struct store_conn *c, const char *key_hash, struct apikey_row *k,
                              struct errinfo *ei);
enum err store_apikey_get(struct store_conn *c, int64_t id, struct apikey_row *k, struct errinfo *ei);
/* Keys whose user lies inside `within`'s scope (NULL: all), newest first. */
enum err store_apikey_list(struct store_conn *c, const struct identity *within,
                           void (*fn)(void *ctx, const struct apikey_row *k), void *ctx,
                           struct errinfo *ei);
enum err store_apikey_touch(struct store_conn *c, int64_t id, const char *now, struct errinfo *ei);
enum err store_apikey_revoke(struct store_conn *c, int64_t id, const char *now, struct errinfo *ei);

#endif
