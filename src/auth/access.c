/* Capability checks, with an audit row for every refusal. */
#include "auth/access.h"

#include <string.h>

#include "app.h"
#include "auth/audit.h"
#include "auth/caps.h"

enum err access_check(struct app *app, const struct actor *a, const char *cap, const char *object,
                      struct errinfo *ei)
{
	if (cap == NULL || cap[0] == '\0')
		return err_set(ei, ERR_FORBIDDEN, NULL, "no capability declared");
	if (strcmp(cap, "public") == 0)
		return ERR_OK;
	if (a->who == NULL || a->who->user_id == 0)
		return err_set(ei, ERR_UNAUTHORIZED, NULL, "log in first");
	if (strcmp(cap, CAP_AUTHENTICATED) == 0 || identity_has(a->who, cap))
		return ERR_OK;
	audit_record(app->store, a, "access.denied", object, "denied", cap);
	return err_set(ei, ERR_FORBIDDEN, NULL, "this needs the capability %s", cap);
}
