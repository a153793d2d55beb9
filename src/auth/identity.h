/* Who is calling: the user behind a session or an API key, with the
 * capabilities of their roles and their area scopes. Built by
 * auth/session.c for each request; read-only afterwards. */
#ifndef LINLI_IDENTITY_H
#define LINLI_IDENTITY_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/crypto.h"

#define IDENTITY_CAPS_MAX 64
#define IDENTITY_SCOPES_MAX 16
#define IDENTITY_ROLES_MAX 16
#define CAP_NAME_MAX 40
#define SCOPE_MAX 32     /* an area code prefix, or "*" */
#define LOGIN_MAX 64
#define DISPLAY_NAME_MAX 64 /* characters */

struct identity {
	int64_t user_id;           /* 0: nobody */
	char login[LOGIN_MAX + 1];
	char display_name[DISPLAY_NAME_MAX * 4 + 1];
	int ncaps;
	char caps[IDENTITY_CAPS_MAX][CAP_NAME_MAX];
	int nscopes;
	char scopes[IDENTITY_SCOPES_MAX][SCOPE_MAX + 1];
	int nroles;
	char roles[IDENTITY_ROLES_MAX][CAP_NAME_MAX];
	bool via_key;              /* an API key, not a session */
	int64_t api_key_id;
	char session_hash[CRYPTO_HASH_HEX];
	char csrf[CRYPTO_TOKEN_CHARS];
	int64_t session_created;
};

/* Who did something, for the audit row: the identity (may be NULL for an
 * anonymous caller or the command line), where from, and the request id. */
struct actor {
	const struct identity *who;
	const char *login;      /* when who is NULL: "cli", or the login tried */
	const char *address;
	const char *request_id;
};

bool identity_has(const struct identity *id, const char *cap);
/* Does one of the identity's scopes cover this area code (prefix match;
 * "*" covers all)? */
bool identity_covers(const struct identity *id, const char *area_code);
/* Does the identity's scope cover every one of these scopes? An empty list
 * is covered only by "*". */
bool identity_covers_all(const struct identity *id, const char (*scopes)[SCOPE_MAX + 1], int n);

#endif
