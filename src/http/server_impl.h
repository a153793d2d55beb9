/* The request as the HTTP layer keeps it. Only src/http/ includes this. */
#ifndef LINLI_SERVER_IMPL_H
#define LINLI_SERVER_IMPL_H

#include <microhttpd.h>
#include <stdatomic.h>

#include "http/metrics.h"
#include "http/ratelimit.h"
#include "auth/identity.h"
#include "http/router.h"
#include "http/server.h"
#include "limits.h"
#include "util/strbuf.h"

struct server {
	struct app *app;
	struct MHD_Daemon *daemon;
	struct router *router;
	struct metrics *metrics;
	struct ratelimit *ratelimit; /* NULL: no limit */
	char *web_root; /* realpath, or NULL */
	size_t web_root_len;
	char address[96];
	_Atomic int active;
	uint32_t rid_prefix;
	_Atomic uint64_t rid_counter;
};

struct req {
	struct server *srv;
	struct MHD_Connection *conn;
	int64_t t0;
	char rid[LIMIT_REQUEST_ID + 1]; /* request id */
	const char *method_str;
	enum http_method method;
	bool method_known;
	bool head;
	char *path;
	struct route_match match;
	bool matched;
	int slot;
	struct field_val params[LIMIT_ROUTE_PARAMS];
	struct field_val query[LIMIT_FIELDS];
	struct field_val body[LIMIT_FIELDS];
	struct strbuf raw;
	bool body_too_large;
	uint64_t seen;        /* body bytes received, kept or dropped */
	/* A refusal decided from the headers while a body is on its way: it is
	 * sent once the body has been read and dropped, because closing with
	 * unread data makes the kernel reset the connection and the client
	 * never sees the answer. */
	bool in_headers;
	bool deferred;
	struct errinfo deferred_ei;
	unsigned deferred_allow;
	json_t *json;
	bool responded;
	unsigned status;
	struct errinfo ei;
	struct identity who;
	char remote[48];
	char set_cookie[256];
};

/* Queues resp with the security headers and the request id. */
void req_queue(struct req *r, unsigned status, struct MHD_Response *resp);
/* Serves a file under the web root (GET and HEAD), or index.html for a
 * console route. */
void static_serve(struct req *r);

#endif
