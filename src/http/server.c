/* Request lifecycle on libmicrohttpd: limits, routing, validation, the
 * handler, the reply, the access log and metrics. Every response passes
 * through req_queue, which adds the security headers and the request id. */
#define _GNU_SOURCE
#include "http/server_impl.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <linux/limits.h>
#include <limits.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "api/open311.h"
#include "app.h"
#include "auth/access.h"
#include "auth/session.h"
#include "util/clock.h"
#include "util/log.h"

/* --- inputs ----------------------------------------------------------------- */

struct app *req_app(struct req *r) { return r->srv->app; }
const char *req_id(const struct req *r) { return r->rid; }
struct errinfo *req_errinfo(struct req *r) { return &r->ei; }
const struct identity *req_identity(struct req *r) { return &r->who; }
const char *req_address(const struct req *r) { return r->remote; }

void req_actor(struct req *r, struct actor *out)
{
	out->who = &r->who;
	out->login = r->who.login;
	out->address = r->remote;
	out->request_id = r->rid;
}

const char *req_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

bool req_tls(struct req *r)
{
	const char *p = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Forwarded-Proto");
	return p != NULL && strcasecmp(p, "https") == 0;
}

void reply_set_cookie(struct req *r, const char *cookie)
{
	snprintf(r->set_cookie, sizeof r->set_cookie, "%s", cookie);
}

const struct field_val *req_field(struct req *r, const char *name)
{
	if (!r->matched)
		return NULL;
	const struct route *rt = r->match.route;
	const struct field_spec *specs[3] = {rt->params, rt->query, rt->body};
	struct field_val *vals[3] = {r->params, r->query, r->body};
	for (int k = 0; k < 3; k++)
		for (int i = 0; specs[k] != NULL && specs[k][i].name != NULL; i++)
			if (strcmp(specs[k][i].name, name) == 0)
				return &vals[k][i];
	return NULL;
}

const char *req_str(struct req *r, const char *name)
{
	const struct field_val *v = req_field(r, name);
	return v != NULL && v->present ? v->s : NULL;
}

int64_t req_int(struct req *r, const char *name, int64_t def)
{
	const struct field_val *v = req_field(r, name);
	return v != NULL && v->present ? v->i : def;
}

bool req_has(struct req *r, const char *name)
{
	const struct field_val *v = req_field(r, name);
	return v != NULL && v->present;
}

/* --- replies ---------------------------------------------------------------- */

static void add_security_headers(struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
	MHD_add_response_header(resp, "Permissions-Policy",
	                        "geolocation=(self), camera=(self), microphone=()");
	MHD_add_response_header(resp, "Content-Security-Policy",
	                        "default-src 'self'; img-src 'self' data: blob:; "
	                        "style-src 'self' 'unsafe-inline'; script-src 'self'; "
	                        "connect-src 'self'; font-src 'self' data:; object-src 'none'; "
	                        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'");
}

void req_queue(struct req *r, unsigned status, struct MHD_Response *resp)
{
	if (r->responded || resp == NULL) {
		if (resp != NULL)
			MHD_destroy_response(resp);
		return;
	}
	add_security_headers(resp);
	MHD_add_response_header(resp, "X-Request-Id", r->rid);
	if (r->set_cookie[0] != '\0')
		MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
	r->responded = true;
	r->status = status;
	MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
}

const char *req_raw(struct req *r, size_t *len)
{
	*len = r->raw.len;
	return r->raw.buf;
}

void reply_file(struct req *r, const char *content_type, const char *filename, char *body,
                size_t len)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(body);
		return;
	}
	MHD_add_response_header(resp, "Content-Type", content_type);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (filename != NULL) {
		/* RFC 6266: an ASCII fallback and the UTF-8 name, percent-encoded. */
		char cd[512];
		int off = snprintf(cd, sizeof cd, "attachment; filename=\"export\"; filename*=UTF-8''");
		for (const unsigned char *p = (const unsigned char *)filename;
		     *p && off < (int)sizeof cd - 4; p++) {
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			    *p == '.' || *p == '-' || *p == '_')
				cd[off++] = (char)*p;
			else
				off += snprintf(cd + off, sizeof cd - (size_t)off, "%%%02X", *p);
		}
		cd[off] = '\0';
		MHD_add_response_header(resp, "Content-Disposition", cd);
	}
	req_queue(r, 200, resp);
}

void reply_raw(struct req *r, unsigned status, const char *content_type, char *body, size_t len)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(body);
		return;
	}
	MHD_add_response_header(resp, "Content-Type", content_type);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	req_queue(r, status, resp);
}

void reply_json(struct req *r, unsigned status, json_t *body)
{
	char *text = body ? json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
	json_decref(body);
	if (text == NULL) {
		reply_error(r, ERR_INTERNAL, NULL, "could not encode the answer");
		return;
	}
	reply_raw(r, status, "application/json", text, strlen(text));
}

/* Does a body follow the headers, small enough to read and drop? A client
 * that asked "Expect: 100-continue" sends nothing until told to, so it can
 * be answered at once. */
static bool body_follows(struct req *r)
{
	const char *expect = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Expect");
	if (expect != NULL && strcasecmp(expect, "100-continue") == 0)
		return false;
	const char *cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Length");
	if (cl != NULL) {
		char *end = NULL;
		errno = 0;
		unsigned long long n = strtoull(cl, &end, 10);
		return errno == 0 && end != cl && n > 0 && n <= LIMIT_DISCARD_BYTES;
	}
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Transfer-Encoding") != NULL;
}

static bool is_open311_path(const char *p) { return strncmp(p, "/open311/", 9) == 0; }

static void reply_error_allow(struct req *r, enum err code, const char *field, const char *msg,
                              unsigned allow)
{
	if (code == ERR_OK)
		code = ERR_INTERNAL;
	if (r->in_headers && !r->deferred && body_follows(r)) {
		r->deferred = true;
		err_set(&r->deferred_ei, code, field, "%s", msg ? msg : "");
		r->deferred_allow = allow;
		return;
	}
	char *text = NULL;
	const char *ctype = "application/json";
	if (is_open311_path(r->path)) {
		/* Open311 clients read the spec's error array, never ours */
		text = open311_error_body(r->path, err_http_status(code), msg ? msg : "", &ctype);
	} else {
		json_t *e = json_pack("{s:s, s:s}", "code", err_name(code), "message", msg ? msg : "");
		if (field != NULL && field[0] != '\0')
			json_object_set_new(e, "field", json_string(field));
		json_t *doc = json_pack("{s:o}", "error", e);
		text = json_dumps(doc, JSON_COMPACT);
		json_decref(doc);
	}
	if (text == NULL)
		return;
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(text);
		return;
	}
	MHD_add_response_header(resp, "Content-Type", ctype);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (allow != 0) {
		char buf[64] = "";
		for (int m = 0; m < HTTP__MAX; m++)
			if (allow & (1u << m)) {
				if (buf[0])
					strcat(buf, ", ");
				strcat(buf, http_method_name((enum http_method)m));
				if (m == HTTP_GET)
					strcat(buf, ", HEAD"); /* answered as GET without the body */
			}
		MHD_add_response_header(resp, "Allow", buf);
	}
	if (code == ERR_UNAVAIL || code == ERR_RATE)
		MHD_add_response_header(resp, "Retry-After", "1");
	if (code == ERR_INTERNAL || code == ERR_UNAVAIL)
		log_event(LOG_ERROR, r->rid, msg ? msg : "error", NULL);
	req_queue(r, err_http_status(code), resp);
}

void reply_error(struct req *r, enum err code, const char *field, const char *fmt, ...)
{
	char msg[512] = "";
	if (fmt != NULL) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(msg, sizeof msg, fmt, ap);
		va_end(ap);
	}
	reply_error_allow(r, code, field, msg, 0);
}

void reply_errinfo(struct req *r, const struct errinfo *ei)
{
	/* Our own failures carry internal detail; the client gets a plain
	 * message and the request id to quote, the log gets the detail. */
	if (ei->code == ERR_INTERNAL) {
		log_event(LOG_ERROR, r->rid, ei->message[0] ? ei->message : "internal error", NULL);
		reply_error_allow(r, ERR_INTERNAL, NULL, "internal error; quote the request id", 0);
		return;
	}
	reply_error_allow(r, ei->code, ei->field, ei->message, 0);
}

/* --- request lifecycle ------------------------------------------------------ */

static bool parse_method(const char *m, enum http_method *out, bool *head)
{
	*head = false;
	if (strcmp(m, "HEAD") == 0) {
		*head = true;
		*out = HTTP_GET;
		return true;
	}
	for (int i = 0; i < HTTP__MAX; i++)
		if (strcmp(m, http_method_name((enum http_method)i)) == 0) {
			*out = (enum http_method)i;
			return true;
		}
	return false;
}

static bool valid_request_id(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > LIMIT_REQUEST_ID)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

struct header_sum {
	size_t bytes;
};

static enum MHD_Result sum_header(void *cls, enum MHD_ValueKind kind, const char *k, const char *v)
{
	struct header_sum *h = cls;
	h->bytes += strlen(k) + (v ? strlen(v) : 0) + 4;
	return MHD_YES;
}

struct query_collect {
	struct field_kv kv[LIMIT_QUERY_PARAMS];
	int n;
	bool too_many;
};

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *k,
                                     const char *v)
{
	struct query_collect *q = cls;
	if (q->n == LIMIT_QUERY_PARAMS) {
		q->too_many = true;
		return MHD_NO;
	}
	q->kv[q->n].key = k;
	q->kv[q->n].value = v;
	q->n++;
	return MHD_YES;
}

static bool is_media_type(const char *ct, const char *want)
{
	size_t n = strlen(want);
	if (n >= 2 && want[n - 1] == '*' && want[n - 2] == '/') {
		/* "image/" and a star: that type with any subtype token */
		if (ct == NULL || strncasecmp(ct, want, n - 1) != 0)
			return false;
		size_t k = strcspn(ct + n - 1, "; ");
		return k > 0 && strcspn(ct + n - 1, "/") >= k;
	}
	if (ct == NULL || strncasecmp(ct, want, n) != 0)
		return false;
	char c = ct[n];
	return c == '\0' || c == ';' || c == ' ';
}

static size_t body_limit(const struct route *rt)
{
	if (rt != NULL && rt->raw_type != NULL)
		return rt->raw_max > 0 ? rt->raw_max : LIMIT_UPLOAD_BYTES;
	return LIMIT_BODY_BYTES;
}

static bool is_api_path(const char *p)
{
	return strncmp(p, "/api/", 5) == 0 || strcmp(p, "/api") == 0 || is_open311_path(p);
}

/* API requests count against the client address's bucket; static files
 * (the console's own assets) do not. */
static bool s_rate_limited(struct req *r)
{
	if (r->srv->ratelimit == NULL || !is_api_path(r->path))
		return false;
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL)
		return false;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		return !ratelimit_allow(r->srv->ratelimit,
		                        &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4,
		                        clock_mono_ns());
	if (sa->sa_family == AF_INET6)
		return !ratelimit_allow(r->srv->ratelimit,
		                        &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16,
		                        clock_mono_ns());
	return false;
}

/* First call for a request: everything decidable from the headers alone,
 * so a refused request never has its body read. */
static void on_headers(struct req *r)
{
	struct header_sum hs = {0};
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, sum_header, &hs);
	if (hs.bytes > LIMIT_HEADER_BYTES) {
		reply_error(r, ERR_HEADERS, NULL, "request headers exceed %d bytes", LIMIT_HEADER_BYTES);
		return;
	}
	if (strlen(r->path) >= LIMIT_URL_BYTES) {
		reply_error(r, ERR_TOO_LARGE, "path", "the path is longer than %d bytes", LIMIT_URL_BYTES);
		return;
	}
	if (!r->method_known) {
		reply_error_allow(r, ERR_METHOD, NULL, "method not allowed", 0);
		return;
	}
	if (s_rate_limited(r)) {
		reply_error(r, ERR_RATE, NULL, "too many requests from this address; slow down");
		return;
	}
	unsigned allow = 0;
	enum err rc = router_match(r->srv->router, r->method, r->path, &r->match, &allow);
	if (rc == ERR_OK) {
		r->matched = true;
		r->slot = r->match.index;
	} else if (rc == ERR_METHOD) {
		reply_error_allow(r, ERR_METHOD, NULL, "method not allowed here", allow);
		return;
	} else if (is_api_path(r->path)) {
		reply_error(r, ERR_NOTFOUND, NULL, "no such API path");
		return;
	} else {
		r->slot = metrics_slot_static(r->srv->metrics);
		if (r->method != HTTP_GET)
			reply_error_allow(r, ERR_METHOD, NULL, "method not allowed", 1u << HTTP_GET);
		return;
	}

	const char *cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Length");
	if (cl != NULL) {
		char *end = NULL;
		errno = 0;
		unsigned long long n = strtoull(cl, &end, 10);
		if (errno != 0 || end == cl || n > body_limit(r->match.route)) {
			reply_error(r, ERR_TOO_LARGE, "body", "the body is larger than %zu bytes",
			            body_limit(r->match.route));
			return;
		}
	}
	if (r->match.route->raw_type != NULL) {
		const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
		if (!is_media_type(ct, r->match.route->raw_type)) {
			reply_error(r, ERR_MEDIA_TYPE, "content-type", "the body must be %s",
			            r->match.route->raw_type);
			return;
		}
		r->raw.max = body_limit(r->match.route);
	} else if (r->match.route->body != NULL) {
		const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
		if (!is_media_type(ct, "application/json")) {
			reply_error(r, ERR_MEDIA_TYPE, "content-type", "the body must be application/json");
			return;
		}
	}
}

static enum err parse_inputs(struct req *r, struct errinfo *ei)
{
	const struct route *rt = r->match.route;
	enum err rc = fields_from_strings(rt->params, r->match.params, r->match.nparams, r->params, ei);
	if (rc != ERR_OK)
		return rc;
	struct query_collect q = {.n = 0};
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect_query, &q);
	if (q.too_many)
		return err_set(ei, ERR_INVALID, NULL, "more than %d query parameters", LIMIT_QUERY_PARAMS);
	rc = fields_from_strings(rt->query, q.kv, q.n, r->query, ei);
	if (rc != ERR_OK)
		return rc;
	if (rt->raw_type != NULL) {
		if (r->raw.len == 0)
			return err_set(ei, ERR_INVALID, "body", "a %s body is required", rt->raw_type);
		return ERR_OK;
	}
	if (rt->body == NULL) {
		if (r->raw.len > 0)
			return err_set(ei, ERR_INVALID, "body", "this request takes no body");
		return ERR_OK;
	}
	if (r->raw.len == 0)
		return err_set(ei, ERR_INVALID, "body", "a JSON object is required");
	rc = json_check_depth(r->raw.buf, r->raw.len, LIMIT_JSON_DEPTH, ei);
	if (rc != ERR_OK)
		return rc;
	json_error_t jerr;
	r->json = json_loadb(r->raw.buf, r->raw.len, JSON_REJECT_DUPLICATES, &jerr);
	if (r->json == NULL)
		return err_set(ei, ERR_INVALID, "body", "invalid JSON at line %d column %d: %s",
		               jerr.line, jerr.column, jerr.text);
	return fields_from_json(rt->body, r->json, r->body, ei);
}

/* The session cookie or the API key, into r->who. On a public route a
 * stale or bad credential is ignored (a login must not fail because of an
 * old cookie); elsewhere it is a 401 or, for a missing CSRF token, a 403. */
static enum err authenticate(struct req *r, struct errinfo *ei)
{
	struct credentials cr = {.address = r->remote, .request_id = r->rid,
	                         .unsafe = r->method != HTTP_GET};
	cr.session_token = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
	cr.csrf = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
	const char *auth = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
	if (auth != NULL) {
		if (strncasecmp(auth, "Bearer ", 7) != 0 || strlen(auth + 7) > 128)
			return err_set(ei, ERR_UNAUTHORIZED, "authorization", "expected Authorization: Bearer KEY");
		cr.bearer = auth + 7;
	}
	if (cr.session_token != NULL && strlen(cr.session_token) > 128)
		cr.session_token = NULL;
	enum err rc = auth_authenticate(r->srv->app, &cr, &r->who, ei);
	if (rc != ERR_OK && strcmp(r->match.route->cap, CAP_PUBLIC) == 0 && rc != ERR_UNAVAIL &&
	    rc != ERR_INTERNAL) {
		memset(&r->who, 0, sizeof r->who);
		err_clear(ei);
		return ERR_OK;
	}
	return rc;
}

static void dispatch(struct req *r)
{
	if (!r->matched) {
		static_serve(r);
		return;
	}
	if (r->body_too_large) {
		reply_error(r, ERR_TOO_LARGE, "body", "the body is larger than %zu bytes",
		            body_limit(r->match.route));
		return;
	}
	struct errinfo ei;
	err_clear(&ei);
	if (parse_inputs(r, &ei) != ERR_OK) {
		reply_errinfo(r, &ei);
		return;
	}
	if (authenticate(r, &ei) != ERR_OK) {
		reply_errinfo(r, &ei);
		return;
	}
	struct actor a;
	req_actor(r, &a);
	if (access_check(r->srv->app, &a, r->match.route->cap, r->match.route->pattern, &ei) != ERR_OK) {
		reply_errinfo(r, &ei);
		return;
	}
	err_clear(&r->ei);
	r->match.route->handler(r);
	if (!r->responded)
		reply_error(r, ERR_INTERNAL, NULL, "the handler gave no answer");
}

static struct req *req_new(struct server *s, struct MHD_Connection *conn, const char *url,
                           const char *method)
{
	struct req *r = calloc(1, sizeof *r);
	if (r == NULL)
		return NULL;
	r->srv = s;
	r->conn = conn;
	r->t0 = clock_mono_ns();
	r->slot = metrics_slot_unmatched(s->metrics);
	r->method_str = method;
	r->method_known = parse_method(method, &r->method, &r->head);
	r->path = strdup(url);
	strbuf_init(&r->raw, LIMIT_BODY_BYTES);
	const char *rid = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Request-Id");
	if (rid != NULL && valid_request_id(rid))
		snprintf(r->rid, sizeof r->rid, "%s", rid);
	else
		snprintf(r->rid, sizeof r->rid, "%08x%08llx", s->rid_prefix,
		         (unsigned long long)atomic_fetch_add(&s->rid_counter, 1));
	if (r->path == NULL) {
		free(r);
		return NULL;
	}
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && ci->client_addr != NULL) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, r->remote,
			          sizeof r->remote);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			          r->remote, sizeof r->remote);
	}
	return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct server *s = cls;
	struct req *r = *con_cls;
	if (r == NULL) {
		r = req_new(s, conn, url, method);
		if (r == NULL)
			return MHD_NO;
		*con_cls = r;
		atomic_fetch_add(&s->active, 1);
		r->in_headers = true;
		on_headers(r);
		r->in_headers = false;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		/* Keep the body, or read and drop the rest of a refused or oversized
		 * one, up to a bound past which the connection is simply closed. */
		r->seen += *upload_size;
		bool keeping = !r->responded && !r->deferred && !r->body_too_large;
		if (keeping && strbuf_add(&r->raw, upload_data, *upload_size) != 0)
			r->body_too_large = true, keeping = false;
		/* A body being kept may be as long as its route allows; one being
		 * dropped is read up to a bound, then the connection is closed. */
		if (!keeping && r->seen > LIMIT_DISCARD_BYTES)
			return MHD_NO;
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->deferred) {
		r->deferred = false;
		reply_error_allow(r, r->deferred_ei.code, r->deferred_ei.field, r->deferred_ei.message,
		                  r->deferred_allow);
	} else if (!r->responded) {
		dispatch(r);
	}
	return MHD_YES;
}

static void access_log(struct req *r, int64_t ns)
{
	struct strbuf sb;
	strbuf_init(&sb, 4096);
	strbuf_addf(&sb, "\"method\":\"%s\",\"path\":\"", r->method_known ? (r->head ? "HEAD" : http_method_name(r->method)) : "other");
	strbuf_add_json_str(&sb, r->path, strlen(r->path) > 512 ? 512 : strlen(r->path));
	strbuf_addf(&sb, "\",\"route\":\"%s\",\"status\":%u,\"ms\":%.3f",
	            r->matched ? r->match.route->pattern : "", r->status, (double)ns / 1e6);
	if (r->remote[0])
		strbuf_addf(&sb, ",\"remote\":\"%s\"", r->remote);
	if (r->who.user_id != 0) {
		strbuf_adds(&sb, ",\"user\":\"");
		strbuf_add_json_str(&sb, r->who.login, strlen(r->who.login));
		strbuf_adds(&sb, "\"");
	}
	if (!sb.overflow)
		log_event(r->status >= 500 ? LOG_WARN : LOG_INFO, r->rid, "access", "%s", sb.buf);
	strbuf_free(&sb);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct server *s = cls;
	struct req *r = *con_cls;
	if (r == NULL)
		return;
	int64_t ns = clock_mono_ns() - r->t0;
	metrics_observe(s->metrics, r->slot, r->status, ns);
	access_log(r, ns);
	json_decref(r->json);
	strbuf_free(&r->raw);
	free(r->path);
	free(r);
	*con_cls = NULL;
	atomic_fetch_sub(&s->active, 1);
}

/* libmicrohttpd decodes %XX in the path before we see it. Decode as it
 * does, except %00, which stays literal: a NUL would cut the path short
 * and make "/index.html%00.js" look like "/index.html". */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
	char *w = s;
	for (char *p = s; *p; p++) {
		if (p[0] == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
			char hex[3] = {p[1], p[2], 0};
			long v = strtol(hex, NULL, 16);
			if (v != 0) {
				*w++ = (char)v;
				p += 2;
				continue;
			}
		}
		*w++ = *p;
	}
	*w = '\0';
	return (size_t)(w - s);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	size_t n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	log_event(LOG_WARN, NULL, msg, "\"source\":\"libmicrohttpd\"");
}

/* --- listening socket ------------------------------------------------------- */

static enum err bind_listen(const char *listen_spec, int *fd_out, char *addr, size_t addrlen,
                            struct errinfo *ei)
{
	char host[128];
	const char *port;
	const char *colon = strrchr(listen_spec, ':');
	if (colon == NULL || colon == listen_spec)
		return err_set(ei, ERR_INVALID, "listen", "listen must be host:port");
	size_t hlen = (size_t)(colon - listen_spec);
	if (hlen >= sizeof host)
		return err_set(ei, ERR_INVALID, "listen", "host too long");
	memcpy(host, listen_spec, hlen);
	host[hlen] = '\0';
	if (host[0] == '[' && hlen >= 2 && host[hlen - 1] == ']') {
		memmove(host, host + 1, hlen - 2);
		host[hlen - 2] = '\0';
	}
	port = colon + 1;
	/* getaddrinfo takes any number as a service and truncates it. */
	char *pend = NULL;
	errno = 0;
	long pnum = strtol(port, &pend, 10);
	if (*port == '\0' || *pend != '\0' || errno != 0 || pnum < 0 || pnum > 65535)
		return err_set(ei, ERR_INVALID, "listen", "port must be 0..65535");
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
	                         .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	struct addrinfo *res = NULL;
	int g = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
	if (g != 0)
		return err_set(ei, ERR_INVALID, "listen", "cannot resolve %s: %s", listen_spec,
		               gai_strerror(g));
	int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 512) != 0) {
		enum err e = err_set(ei, ERR_UNAVAIL, "listen", "cannot listen on %s: %s", listen_spec,
		                     strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
		return e;
	}
	freeaddrinfo(res);
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	getsockname(fd, (struct sockaddr *)&ss, &sl);
	char h[INET6_ADDRSTRLEN] = "";
	unsigned p = 0;
	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		inet_ntop(AF_INET6, &a->sin6_addr, h, sizeof h);
		p = ntohs(a->sin6_port);
		snprintf(addr, addrlen, "[%s]:%u", h, p);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &a->sin_addr, h, sizeof h);
		p = ntohs(a->sin_port);
		snprintf(addr, addrlen, "%s:%u", h, p);
	}
	*fd_out = fd;
	return ERR_OK;
}

/* --- start and stop --------------------------------------------------------- */

enum err server_start(struct app *app, const struct route *routes, int nroutes,
                      const struct server_options *opt, struct server **out, struct errinfo *ei)
{
	int fd = -1;
	enum err rc;
	struct server *s = calloc(1, sizeof *s);
	*out = NULL;
	if (s == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	s->app = app;
	if ((rc = router_build(routes, nroutes, &s->router, ei)) != ERR_OK)
		goto fail;
	if ((s->metrics = metrics_new(s->router)) == NULL) {
		rc = err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		goto fail;
	}
	app->metrics = s->metrics;
	s->ratelimit = ratelimit_new(opt->rate_limit);
	if (opt->web_root != NULL) {
		char resolved[PATH_MAX];
		if (realpath(opt->web_root, resolved) != NULL) {
			s->web_root = strdup(resolved);
			s->web_root_len = strlen(resolved);
		} else {
			log_warn("web directory not found; the console is not served", NULL);
		}
	}
	if (getrandom(&s->rid_prefix, sizeof s->rid_prefix, 0) != sizeof s->rid_prefix)
		s->rid_prefix = (uint32_t)time(NULL);
	if ((rc = bind_listen(opt->listen, &fd, s->address, sizeof s->address, ei)) != ERR_OK)
		goto fail;
	unsigned threads = opt->threads > 0 ? (unsigned)opt->threads : 1;
	s->daemon = MHD_start_daemon(
		MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG, 0, NULL, NULL,
		on_request, s,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s, /* first, so option warnings use it */
		MHD_OPTION_LISTEN_SOCKET, fd,
		MHD_OPTION_THREAD_POOL_SIZE, threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)(opt->max_connections > 0 ? opt->max_connections : LIMIT_CONNECTIONS),
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)LIMIT_CONN_TIMEOUT_S,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)LIMIT_CONN_MEMORY,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_UNESCAPE_CALLBACK, unescape, s,
		MHD_OPTION_END);
	if (s->daemon == NULL) {
		rc = err_set(ei, ERR_UNAVAIL, "listen", "libmicrohttpd could not start on %s", opt->listen);
		goto fail;
	}
	*out = s;
	return ERR_OK;
fail:
	if (fd >= 0)
		close(fd);
	ratelimit_free(s->ratelimit);
	metrics_free(s->metrics);
	app->metrics = NULL;
	router_free(s->router);
	free(s->web_root);
	free(s);
	return rc;
}

const char *server_address(const struct server *s) { return s->address; }
int server_active(const struct server *s) { return atomic_load(&((struct server *)s)->active); }

void server_stop(struct server *s, int timeout_s)
{
	if (s == NULL)
		return;
	/* Stop accepting first; requests already received run to completion. */
	MHD_socket lfd = MHD_quiesce_daemon(s->daemon);
	if (lfd != MHD_INVALID_SOCKET)
		close(lfd);
	int64_t deadline = clock_mono_ns() + (int64_t)timeout_s * 1000000000;
	while (atomic_load(&s->active) > 0 && clock_mono_ns() < deadline) {
		struct timespec ts = {0, 5 * 1000000};
		nanosleep(&ts, NULL);
	}
	if (atomic_load(&s->active) > 0)
		log_warn("shutdown timeout: closing requests still running", NULL);
	MHD_stop_daemon(s->daemon);
	s->app->metrics = NULL;
	ratelimit_free(s->ratelimit);
	metrics_free(s->metrics);
	router_free(s->router);
	free(s->web_root);
	free(s);
}
