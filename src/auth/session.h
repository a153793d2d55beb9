/* Logging in and out, and turning a request's credentials (a session
 * cookie or an API key) into an identity. Lock-outs, sessions and keys
 * live in the database, so any number of server processes agree. */
#ifndef LINLI_SESSION_H
#define LINLI_SESSION_H

#include "auth/identity.h"
#include "util/err.h"

struct app;

struct login_result {
	struct identity id;
	char token[CRYPTO_TOKEN_CHARS]; /* goes into the cookie; only its hash is stored */
	int64_t expires_at;             /* absolute end, Unix seconds */
};

/* ERR_UNAUTHORIZED for an unknown login or a wrong password (the same
 * answer and about the same time); ERR_FORBIDDEN (field "login") for a
 * locked or disabled account. Every attempt is audited. */
enum err auth_login(struct app *app, const char *login, const char *password,
                    const struct actor *from, struct login_result *out, struct errinfo *ei);

struct credentials {
	const char *session_token; /* from the cookie, or NULL */
	const char *bearer;        /* from Authorization: Bearer, or NULL */
	bool unsafe;               /* POST, PUT, PATCH, DELETE */
	const char *csrf;          /* X-CSRF-Token, or NULL */
	const char *address, *request_id;
};
/* Fills id (user_id 0 when no credentials were given). ERR_UNAUTHORIZED
 * for an unknown, expired or revoked credential; ERR_FORBIDDEN (field
 * "x-csrf-token") for an unsafe cookie request without the right token. */
enum err auth_authenticate(struct app *app, const struct credentials *cr, struct identity *id,
                           struct errinfo *ei);
/* Ends the caller's session, or all their sessions; *ended gets how many. */
enum err auth_logout(struct app *app, const struct actor *a, bool everywhere, int64_t *ended,
                     struct errinfo *ei);
/* The caller changes their own password; other sessions end. */
enum err auth_change_password(struct app *app, const struct actor *a, const char *old_password,
                              const char *new_password, struct errinfo *ei);
/* Seconds a session has left before its absolute end. */
int64_t auth_session_expires(const struct app *app, const struct identity *id);

#endif
