/* Capability checks. No identity exists yet (accounts arrive in their own
 * issue); the function is already the single gate so nothing needs to
 * change above it when they do. */
#include "auth/access.h"

#include <string.h>

enum err access_check(struct app *app, const char *cap, struct errinfo *ei)
{
	if (cap == NULL || cap[0] == '\0')
		return err_set(ei, ERR_FORBIDDEN, NULL, "no capability declared");
	return ERR_OK;
}
