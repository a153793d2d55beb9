/* The program's one error enum, its names and its HTTP statuses.
 * Every layer returns these codes; only src/http turns them into responses. */
#ifndef LINLI_ERR_H
#define LINLI_ERR_H

#include <stddef.h>

enum err {
	ERR_OK = 0,
	ERR_INVALID,       /* a field failed validation: 400 */
	ERR_UNAUTHORIZED,  /* no or bad credentials: 401 */
	ERR_FORBIDDEN,     /* credentials fine, action refused: 403 */
	ERR_NOTFOUND,      /* no such object or route: 404 */
	ERR_METHOD,        /* route exists, method does not: 405 */
	ERR_CONFLICT,      /* unique or state conflict: 409 */
	ERR_TOO_LARGE,     /* body, string or list over its limit: 413 */
	ERR_MEDIA_TYPE,    /* wrong content type: 415 */
	ERR_UNPROCESSABLE, /* well-formed but breaks a domain rule: 422 */
	ERR_RATE,          /* too many requests: 429 */
	ERR_HEADERS,       /* request headers over their limit: 431 */
	ERR_INTERNAL,      /* our own failure: 500 */
	ERR_UNAVAIL,       /* store busy, queue full, shutting down: 503 */
	ERR__MAX
};

/* Details that travel with a code to the edge. Field names a request
 * field when the error is about one; message is for people. */
struct errinfo {
	enum err code;
	char field[64];
	char message[256];
};

/* Stable lowercase name used as "code" in the JSON error shape. */
const char *err_name(enum err e);
/* The HTTP status for a code. */
unsigned err_http_status(enum err e);
/* Fills ei (if not NULL) and returns e, so callers write
 * `return err_set(ei, ERR_INVALID, "date", "not a date: %s", s);` */
enum err err_set(struct errinfo *ei, enum err e, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void err_clear(struct errinfo *ei);

#endif
