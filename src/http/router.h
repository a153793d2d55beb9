/* Matches a method and path against the route table. Patterns are literal
 * segments and {name} parameters; a parameter matches one whole segment.
 * Built once at start-up, read-only afterwards, so matching is thread-safe. */
#ifndef LINLI_ROUTER_H
#define LINLI_ROUTER_H

#include "http/http.h"
#include "limits.h"

struct router;

struct route_match {
	const struct route *route;
	int index; /* row in the table */
	struct field_kv params[LIMIT_ROUTE_PARAMS];
	int nparams;
	char buf[LIMIT_URL_BYTES]; /* the path, cut into segments; params point here */
};

/* Checks every row (a capability is declared, the pattern is well formed, every
 * {param} is declared in params and vice versa, no two rows clash) and builds
 * the router. ERR_INVALID with the pattern in the message for a bad table. */
enum err router_build(const struct route *routes, int n, struct router **out, struct errinfo *ei);
void router_free(struct router *rt);
int router_size(const struct router *rt);
const struct route *router_route(const struct router *rt, int i);

/* ERR_OK with *m filled; ERR_NOTFOUND when no pattern matches the path;
 * ERR_METHOD when one does but not for this method, with *allow set to a
 * bit mask of (1 << enum http_method) that would. */
enum err router_match(const struct router *rt, enum http_method method, const char *path,
                      struct route_match *m, unsigned *allow);

#endif
