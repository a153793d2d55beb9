/* What an API handler sees of HTTP: the route row it is declared in, its
 * validated inputs, and the reply functions. Handlers include this and
 * jansson; never libmicrohttpd. */
#ifndef LINLI_HTTP_H
#define LINLI_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "http/fields.h"
#include "util/err.h"

struct req;
struct app;
struct identity;
struct actor;

enum http_method { HTTP_GET, HTTP_POST, HTTP_PUT, HTTP_PATCH, HTTP_DELETE, HTTP__MAX };
const char *http_method_name(enum http_method m);

typedef void (*handler_fn)(struct req *r);

/* "Anyone may call this" must be said, never implied: a route with a NULL
 * capability is refused at start-up. */
#define CAP_PUBLIC "public"
/* The session cookie's name. */
#define SESSION_COOKIE "linli_session"

/* One row of the route table. The same rows build the router, check
 * permissions, validate input, label metrics and describe the API. */
struct route {
	enum http_method method;
	const char *pattern;             /* "/api/v1/calendar/{date}" */
	handler_fn handler;
	const char *cap;                 /* capability the caller needs, or CAP_PUBLIC */
	const struct field_spec *params; /* path parameters, by name */
	const struct field_spec *query;  /* query parameters */
	const struct field_spec *body;   /* JSON body fields; NULL: no body. With raw_type
	                                  * application/x-www-form-urlencoded: the form's
	                                  * fields, which the handler parses (Open311) */
	const char *summary;             /* one line for the API document */
	const char *raw_type;            /* takes a raw body of this media type (e.g. "text/csv",
	                                  * up to LIMIT_UPLOAD_BYTES) instead of JSON; see req_raw.
	                                  * "image/" and a star takes any image subtype */
	size_t raw_max;                  /* the raw body's own limit (0: LIMIT_UPLOAD_BYTES) */
};

/* --- inputs (validated before the handler runs) --------------------------- */

struct app *req_app(struct req *r);
const char *req_id(const struct req *r);
/* A path, query or body field by its declared name; NULL if undeclared.
 * Check ->present for optional fields. */
const struct field_val *req_field(struct req *r, const char *name);
/* Convenience: the string (NULL if absent), the integer (def if absent). */
const char *req_str(struct req *r, const char *name);
int64_t req_int(struct req *r, const char *name, int64_t def);
bool req_has(struct req *r, const char *name);
/* A request-scoped errinfo for domain calls. */
struct errinfo *req_errinfo(struct req *r);
/* The raw body of a route with raw_type (not NUL-terminated). */
const char *req_raw(struct req *r, size_t *len);
/* Who is calling (user_id 0 for an anonymous caller on a public route). */
const struct identity *req_identity(struct req *r);
/* The caller as an audit actor: identity, address, request id. */
void req_actor(struct req *r, struct actor *out);
/* The client's address as text. */
const char *req_address(const struct req *r);
/* A request header's value (NULL when absent); valid during the request. */
const char *req_header(struct req *r, const char *name);
/* Did the request arrive over TLS (directly or per X-Forwarded-Proto)? */
bool req_tls(struct req *r);
/* Adds a Set-Cookie header to the reply about to be sent. */
void reply_set_cookie(struct req *r, const char *cookie);

/* --- replies (exactly one per request) ------------------------------------ */

/* Sends body (reference stolen) as JSON. */
void reply_json(struct req *r, unsigned status, json_t *body);
/* {"error":{"code":…,"message":…,"field":…}} with err's status. */
void reply_error(struct req *r, enum err code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void reply_errinfo(struct req *r, const struct errinfo *ei);
/* Sends a malloc'd body (ownership taken). */
void reply_raw(struct req *r, unsigned status, const char *content_type, char *body, size_t len);
/* A 200 download: body (malloc'd, taken) saved as filename (UTF-8). */
void reply_file(struct req *r, const char *content_type, const char *filename, char *body,
                size_t len);

#endif
