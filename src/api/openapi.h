/* The OpenAPI 3.0 document of /api/v1, built from the route table and its
 * field specs, so the published description and the validation the server
 * does are the same data. Nothing here knows a handler's internals beyond
 * the few answers listed in openapi.c. */
#ifndef LINLI_OPENAPI_H
#define LINLI_OPENAPI_H

#include <jansson.h>

#include "http/http.h"

/* The document of the /api/v1 rows of routes[0..n) (other prefixes, e.g.
 * /metrics and /open311, are left out). Returns a new reference, or NULL
 * when out of memory. Thread-safe: reads only the table. */
json_t *openapi_build(const struct route *routes, int n);

/* The operationId of a route: method and pattern, e.g. GET
 * /api/v1/users/{id}/phone → getUsersByIdPhone. Writes at most size bytes
 * (NUL included); returns the length it needed. */
size_t openapi_operation_id(enum http_method m, const char *pattern, char *out, size_t size);

/* GET /api/v1/openapi.json: the document of api_routes(), serialised on the
 * first call and then served from memory (the table never changes while
 * the server runs). */
void api_openapi(struct req *r);

#endif
