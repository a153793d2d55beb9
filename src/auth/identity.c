/* Capability and scope checks on an identity. */
#include "auth/identity.h"

#include <string.h>

bool identity_has(const struct identity *id, const char *cap)
{
	if (id == NULL)
		return false;
	for (int i = 0; i < id->ncaps; i++)
		if (strcmp(id->caps[i], cap) == 0)
			return true;
	return false;
}

/* A scope covers a code when it is "*" or a prefix of it: the area codes are
 * hierarchical (district 6 digits, street 9, community 12, then fixed-width
 * segments), so a prefix is a subtree. */
static bool scope_covers(const char *scope, const char *code)
{
	/* unit:N names a department, not an area: it covers only itself (no
	 * area code starts with "unit:", and unit:1 must not cover unit:12). */
	if (strncmp(scope, "unit:", 5) == 0)
		return strcmp(scope, code) == 0;
	size_t n = strlen(scope);
	return strcmp(scope, "*") == 0 || (n > 0 && strncmp(scope, code, n) == 0);
}

bool identity_covers(const struct identity *id, const char *area_code)
{
	if (id == NULL)
		return false;
	for (int i = 0; i < id->nscopes; i++)
		if (scope_covers(id->scopes[i], area_code))
			return true;
	return false;
}

bool identity_covers_all(const struct identity *id, const char (*scopes)[SCOPE_MAX + 1], int n)
{
	/* A user with no scope at all is only for whoever sees everything. */
	if (n == 0)
		return identity_covers(id, "*");
	for (int i = 0; i < n; i++)
		if (!identity_covers(id, scopes[i]))
			return false;
	return true;
}
