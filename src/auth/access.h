/* The one place that decides whether a caller may use a capability. Every
 * route declares its capability (router_build refuses a row without one)
 * and the HTTP layer asks here before any handler runs; object-level scope
 * checks are made by the domain with identity_covers. */
#ifndef LINLI_ACCESS_H
#define LINLI_ACCESS_H

#include "auth/identity.h"
#include "util/err.h"

struct app;

/* ERR_OK; ERR_UNAUTHORIZED when nobody is logged in; ERR_FORBIDDEN (with an
 * access.denied audit row naming the capability and object) when the caller
 * lacks the capability. "public" needs nothing, "authenticated" any login. */
enum err access_check(struct app *app, const struct actor *a, const char *cap, const char *object,
                      struct errinfo *ei);

#endif
