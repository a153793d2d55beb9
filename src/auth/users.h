/* Managing users, roles and API keys, with the rules that keep it safe:
 * administrators act only on users inside their own scope, grants need
 * user.grant, nobody changes their own grants, and every change is
 * audited in its own transaction. The command line acts as "cli", with
 * every capability and scope "*". */
#ifndef LINLI_USERS_H
#define LINLI_USERS_H

#include "auth/identity.h"
#include "store/accounts.h"

struct app;

struct user_input {
	const char *login, *display_name, *password, *phone, *status;
	bool set_phone;     /* phone given (possibly "" to clear) */
	bool set_grants;    /* roles and scopes given */
	int nroles, nscopes;
	char roles[IDENTITY_ROLES_MAX][CAP_NAME_MAX];
	char scopes[IDENTITY_SCOPES_MAX][SCOPE_MAX + 1];
};

/* The identity the command line acts as. */
void users_cli_identity(struct identity *id);

enum err users_list(struct app *app, const struct actor *a, struct user_filter *f,
                    void (*fn)(void *ctx, const struct user_row *u), void *ctx, int64_t *total,
                    struct errinfo *ei);
/* ERR_FORBIDDEN (and an access.denied audit row) outside the caller's scope. */
enum err users_get(struct app *app, const struct actor *a, int64_t id, struct user_row *u,
                   struct errinfo *ei);
enum err users_create(struct app *app, const struct actor *a, const struct user_input *in,
                      struct user_row *out, struct errinfo *ei);
/* display_name, phone, status (NULL/false: unchanged). Unlocking clears the failures. */
enum err users_update(struct app *app, const struct actor *a, int64_t id,
                      const struct user_input *in, struct user_row *out, struct errinfo *ei);
enum err users_reset_password(struct app *app, const struct actor *a, int64_t id,
                              const char *password, struct errinfo *ei);
enum err users_grant(struct app *app, const struct actor *a, int64_t id,
                     const struct user_input *in, struct user_row *out, struct errinfo *ei);
enum err users_end_sessions(struct app *app, const struct actor *a, int64_t id, int64_t *n,
                            struct errinfo *ei);
/* The same by login, for the command line. */
enum err users_find(struct app *app, const char *login, struct user_row *u, struct errinfo *ei);
/* Unmasks a user's phone (person.read_pii; audited as pii.unmask). */
enum err users_phone(struct app *app, const struct actor *a, int64_t id, char *out, size_t cap,
                     struct errinfo *ei);

/* Roles. */
enum err roles_seed(struct app *app, struct errinfo *ei);
enum err roles_list(struct app *app, void (*fn)(void *ctx, const struct role_row *r), void *ctx,
                    struct errinfo *ei);
/* r->builtin is set to what the role is after the write. */
enum err roles_put(struct app *app, const struct actor *a, struct role_row *r, bool create,
                   struct errinfo *ei);
enum err roles_delete(struct app *app, const struct actor *a, const char *id, struct errinfo *ei);

/* API keys: the new key is written into key (shown once). */
#define APIKEY_MAX 64
enum err apikeys_create(struct app *app, const struct actor *a, const char *name, int64_t user_id,
                        struct apikey_row *out, char key[APIKEY_MAX], struct errinfo *ei);
/* Keys of users inside the actor's scope. */
enum err apikeys_list(struct app *app, const struct actor *a,
                      void (*fn)(void *ctx, const struct apikey_row *k), void *ctx,
                      struct errinfo *ei);
enum err apikeys_revoke(struct app *app, const struct actor *a, int64_t id, struct errinfo *ei);

#endif
