/* Open311 GeoReport v2 at /open311/v2 (api/open311.c): the routes are in
 * open311_routes (api.h); this header is what the server needs besides:
 * every error under /open311/ is written in the spec's shape. */
#ifndef LINLI_API_OPEN311_H
#define LINLI_API_OPEN311_H

/* The spec's error answer for a path under /open311/ ([{"code", "description"}],
 * or <errors><error>… when the path ends in .xml); *content_type is set.
 * malloc'd (the caller frees), NULL when out of memory. */
char *open311_error_body(const char *path, unsigned status, const char *message,
                         const char **content_type);

#endif
