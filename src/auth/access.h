/* The one place that decides whether a caller may use a capability.
 * Every route declares its capability and the HTTP layer asks here before
 * any handler runs. Accounts, roles and area scopes plug in behind this
 * function (the accounts issue); until then only CAP_PUBLIC routes and the
 * calendar exist, and every capability is granted. */
#ifndef LINLI_ACCESS_H
#define LINLI_ACCESS_H

#include "util/err.h"

struct app;

/* ERR_OK, or ERR_UNAUTHORIZED / ERR_FORBIDDEN with a message. */
enum err access_check(struct app *app, const char *cap, struct errinfo *ei);

#endif
