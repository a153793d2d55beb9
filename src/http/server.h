/* The HTTP server: libmicrohttpd with a thread pool, each thread on its own
 * epoll loop. Owns the router and metrics built from the route table. */
#ifndef LINLI_SERVER_H
#define LINLI_SERVER_H

#include "http/http.h"

struct server;

struct server_options {
	const char *listen;   /* "127.0.0.1:8080", "[::1]:0" */
	const char *web_root; /* built console; may be missing (then static requests 404) */
	int threads;
	int max_connections;
	int rate_limit; /* API requests per second per client address; 0 = off */
};

/* Binds, builds the router (refusing a route table with an unchecked row)
 * and starts serving. app->metrics is set. */
enum err server_start(struct app *app, const struct route *routes, int nroutes,
                      const struct server_options *opt, struct server **out, struct errinfo *ei);
/* "127.0.0.1:43521": the address actually bound. */
const char *server_address(const struct server *s);
/* Requests being handled right now. */
int server_active(const struct server *s);
/* Stops accepting, lets in-flight requests finish (up to timeout_s), then
 * closes every connection and frees the server. */
void server_stop(struct server *s, int timeout_s);

#endif
