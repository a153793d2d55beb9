/* Webhook subscriptions and the outbox: the event names, URL and secret
 * checks, the signature and back-off, and the scope-checked operations
 * behind /api/v1/webhooks. Every write is one store_write with its audit row. */
#include "domain/webhooks.h"

#include <ctype.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth/audit.h"
#include "domain/areas.h"
#include "domain/request_flow.h"
#include "util/clock.h"

/* --- event names ------------------------------------------------------------------------ */

/* One per enum rq_action, in its order (kcgi's habit: the size check
 * below fails to compile when an action is added without its name). */
static const char *const action_events[] = {
	"request.accepted",           /* RA_ACCEPT */
	"request.answered",           /* RA_ANSWER */
	"request.invalidated",        /* RA_INVALIDATE */
	"request.dispatched",         /* RA_DISPATCH */
	"request.acknowledged",       /* RA_ACKNOWLEDGE */
	"request.returned",           /* RA_RETURN */
	"request.return_approved",    /* RA_APPROVE_RETURN */
	"request.return_refused",     /* RA_REFUSE_RETURN */
	"request.redispatched",       /* RA_REDISPATCH */
	"request.escalated",          /* RA_ESCALATE */
	"request.whistled",           /* RA_WHISTLE */
	"request.reported_in",        /* RA_REPORT_IN */
	"request.part_done",          /* RA_PART_DONE */
	"request.waiting_reporter",   /* RA_WAIT_REPORTER */
	"request.resumed",            /* RA_RESUME */
	"request.extension_requested", /* RA_REQUEST_EXTENSION */
	"request.extension_approved", /* RA_APPROVE_EXTENSION */
	"request.extension_refused",  /* RA_REFUSE_EXTENSION */
	"request.resolved",           /* RA_RESOLVE */
	"request.verified",           /* RA_VERIFY */
	"request.reworked",           /* RA_REWORK */
	"request.rated",              /* RA_RATE */
	"request.reopened",           /* RA_REOPEN */
	"request.closed",             /* RA_CLOSE */
	"request.archived",           /* RA_ARCHIVE */
	"request.supervised",         /* RA_SUPERVISE */
	"request.cancelled",          /* RA_CANCEL */
	"request.merged",             /* RA_MERGE */
	"request.commented",          /* RA_COMMENT */
};
_Static_assert(sizeof action_events / sizeof action_events[0] == RA__MAX,
               "every request action has its webhook event");

const char *const webhook_events[] = {
	"request.created", "request.accepted", "request.answered", "request.invalidated",
	"request.dispatched", "request.acknowledged", "request.returned", "request.return_approved",
	"request.return_refused", "request.redispatched", "request.escalated", "request.whistled",
	"request.reported_in", "request.part_done", "request.waiting_reporter", "request.resumed",
	"request.extension_requested", "request.extension_approved", "request.extension_refused",
	"request.resolved", "request.verified", "request.reworked", "request.rated",
	"request.reopened", "request.closed", "request.archived", "request.supervised",
	"request.cancelled", "request.merged", "request.commented", "request.overdue",
	WEBHOOK_EVENT_ALL, NULL,
};

const char *webhook_event_for_action(const char *action)
{
	if (strcmp(action, "create") == 0)
		return "request.created";
	if (strcmp(action, "overdue") == 0)
		return "request.overdue";
	int a = rq_action_parse(action);
	return a >= 0 && a < RA__MAX ? action_events[a] : NULL;
}

bool webhook_event_known(const char *name)
{
	for (int i = 0; webhook_events[i]; i++)
		if (strcmp(webhook_events[i], name) == 0)
			return true;
	return false;
}

/* --- checks ------------------------------------------------------------------------------ */

const char *webhook_url_check(const char *s, size_t len)
{
	if (len > WEBHOOK_URL_MAX)
		return "url is too long";
	size_t skip;
	if (len >= 7 && strncasecmp(s, "http://", 7) == 0)
		skip = 7;
	else if (len >= 8 && strncasecmp(s, "https://", 8) == 0)
		skip = 8;
	else
		return "url must start with http:// or https://";
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch <= 0x20 || ch >= 0x7f)
			return "url must not hold spaces, control or non-ASCII characters (percent-encode them)";
	}
	/* the authority: [userinfo@]host[:port], up to the path, query or fragment */
	const char *auth = s + skip, *end = s + len;
	const char *stop = auth;
	while (stop < end && *stop != '/' && *stop != '?' && *stop != '#')
		stop++;
	const char *at = NULL;
	for (const char *p = auth; p < stop; p++)
		if (*p == '@')
			at = p;
	const char *host = at ? at + 1 : auth;
	if (host >= stop)
		return "url has no host";
	const char *host_end = stop;
	if (*host == '[') {
		const char *close = memchr(host, ']', (size_t)(stop - host));
		if (close == NULL || close == host + 1)
			return "url has a bad IPv6 host";
		host_end = close + 1;
	} else {
		const char *colon = memchr(host, ':', (size_t)(stop - host));
		if (colon != NULL)
			host_end = colon;
		if (host_end == host)
			return "url has no host";
		for (const char *p = host; p < host_end; p++)
			if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' && *p != '_')
				return "url has a bad host";
	}
	if (host_end < stop) {
		if (*host_end != ':' || host_end + 1 == stop || stop - host_end > 6)
			return "url has a bad port";
		long port = 0;
		for (const char *p = host_end + 1; p < stop; p++) {
			if (!isdigit((unsigned char)*p))
				return "url has a bad port";
			port = port * 10 + (*p - '0');
		}
		if (port < 1 || port > 65535)
			return "url has a bad port";
	}
	return NULL;
}

const char *webhook_secret_check(const char *s, size_t len)
{
	if (len < WEBHOOK_SECRET_MIN || len > WEBHOOK_SECRET_MAX)
		return "secret must be 16 to 128 characters";
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return "secret must be printable ASCII without spaces";
	return NULL;
}

/* --- signature and back-off ---------------------------------------------------------------- */

static void hex(const unsigned char *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

void webhook_hmac_hex(const char *key, size_t keylen, const char *msg, size_t len,
                      char out[WEBHOOK_SIG_HEX])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)key, keylen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, len);
	crypto_auth_hmacsha256_final(&st, mac);
	hex(mac, sizeof mac, out);
	sodium_memzero(&st, sizeof st);
}

void webhook_signature(const char *secret, int64_t ts, const char *body, size_t len,
                       char out[WEBHOOK_SIG_HEX])
{
	char prefix[32];
	int n = snprintf(prefix, sizeof prefix, "%lld.", (long long)ts);
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)prefix, (unsigned long long)n);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	hex(mac, sizeof mac, out);
	sodium_memzero(&st, sizeof st);
}

int64_t webhook_backoff_s(int base, int attempt, int jitter_permille)
{
	static const int steps[] = {1, 3, 6, 30, 120, 360, 1440, 2880};
	enum { NSTEPS = sizeof steps / sizeof steps[0] };
	if (base < 1)
		base = 1;
	if (attempt < 1)
		attempt = 1;
	int64_t ms = (int64_t)base * steps[attempt > NSTEPS ? NSTEPS - 1 : attempt - 1] * jitter_permille;
	return (ms + 999) / 1000;
}

int64_t webhook_backoff_jittered(int base, int attempt)
{
	return webhook_backoff_s(base, attempt, 800 + (int)randombytes_uniform(401));
}

/* --- the outbox ---------------------------------------------------------------------------- */

/* Per process: the server has one store. True when a subscription may
 * exist; a false true only costs the INSERT … SELECT finding nothing. It
 * is read again from the database when older than WEBHOOK_ANY_TTL_NS (by
 * the first event after that, or the delivery thread), so a process that
 * runs no delivery thread (the command line's demo and generators) and
 * another node's new subscription are covered too. */
#define WEBHOOK_ANY_TTL_NS (5LL * 1000000000LL)
static atomic_bool any_active = true;
static _Atomic int64_t any_checked_ns; /* clock_mono_ns of the last reading; 0: never */

void webhooks_set_any(bool any)
{
	atomic_store(&any_active, any);
	atomic_store(&any_checked_ns, clock_mono_ns());
}

static enum err count_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	return store_webhook_count(c, arg, ei);
}

void webhooks_refresh(struct app *app)
{
	int64_t n = 0;
	struct errinfo ei;
	err_clear(&ei);
	if (store_read(app->store, count_fn, &n, &ei) == ERR_OK)
		webhooks_set_any(n > 0);
	/* a failed read keeps what we knew */
}

/* "<24 hex>-": random per event, so delivery ids cannot be guessed; the
 * subscription's id follows. */
static void delivery_prefix(char out[32])
{
	unsigned char b[12];
	randombytes_buf(b, sizeof b);
	hex(b, sizeof b, out);
	out[24] = '-';
	out[25] = '\0';
}

static json_t *str_or_null(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

enum err webhooks_enqueue(struct store_conn *c, const struct request_row *r,
                          const struct request_event_row *e, struct errinfo *ei)
{
	int64_t checked = atomic_load_explicit(&any_checked_ns, memory_order_relaxed);
	if (checked == 0 || clock_mono_ns() - checked > WEBHOOK_ANY_TTL_NS) {
		int64_t n = 1;
		enum err rc = store_webhook_count(c, &n, ei);
		if (rc != ERR_OK)
			return rc;
		webhooks_set_any(n > 0);
	}
	if (!atomic_load_explicit(&any_active, memory_order_relaxed))
		return ERR_OK;
	const char *event = webhook_event_for_action(e->action);
	if (event == NULL)
		return ERR_OK;
	/* Nothing about the reporter: their name and phone stay inside. */
	json_t *body = json_pack("{s:s, s:I, s:s, s:I, s:s, s:o, s:s, s:s, s:I, s:s, s:I, s:s, s:s}",
	                         "event", event, "request_id", (json_int_t)r->id, "tracking_code",
	                         r->tracking_code, "seq", (json_int_t)e->seq, "action", e->action,
	                         "from_state", str_or_null(e->from_state), "to_state", e->to_state,
	                         "state", r->state, "area_id", (json_int_t)r->area_id, "area_code",
	                         r->area_code, "category_id", (json_int_t)r->category_id, "at", e->at,
	                         "note", e->note ? e->note : "");
	if (body == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (text == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	char prefix[32], now[RQ_TIME];
	delivery_prefix(prefix);
	store_time_format(clock_now(), now);
	enum err rc = store_webhook_outbox_add(c, prefix, event, r->id, r->area_code, text, now, NULL, ei);
	free(text);
	return rc;
}

/* --- JSON ---------------------------------------------------------------------------------- */

static json_t *events_json(const char *events)
{
	json_t *arr = json_array();
	const char *p = events;
	while (*p) {
		if (*p == ',') {
			p++;
			continue;
		}
		const char *q = strchr(p, ',');
		size_t n = q ? (size_t)(q - p) : strlen(p);
		json_array_append_new(arr, json_stringn(p, n));
		p += n;
	}
	return arr;
}

json_t *webhook_json(const struct webhook_row *w)
{
	return json_pack("{s:I, s:s, s:o, s:I, s:s, s:s, s:b, s:s, s:s, s:s, s:{s:I, s:I, s:I}}",
	                 "id", (json_int_t)w->id, "url", w->url, "events", events_json(w->events),
	                 "area_id", (json_int_t)w->area_id, "area_code", w->area_code, "area_name",
	                 w->area_name, "active", w->active, "description", w->description,
	                 "created_at", w->created_at, "updated_at", w->updated_at, "deliveries",
	                 "pending", (json_int_t)w->pending, "delivered", (json_int_t)w->delivered,
	                 "parked", (json_int_t)w->parked);
}

json_t *webhook_delivery_json(const struct webhook_delivery_row *d)
{
	json_t *payload = d->payload ? json_loads(d->payload, 0, NULL) : NULL;
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:o, s:s, s:i, s:o, s:o, s:o, s:s, s:s, s:o, s:s, s:s, s:o}",
	                      "id", (json_int_t)d->id, "webhook_id", (json_int_t)d->webhook_id,
	                      "delivery_id", d->delivery_id, "event", d->event, "request_id",
	                      d->request_id ? json_integer(d->request_id) : json_null(), "status",
	                      d->status, "attempts", d->attempts, "next_attempt_at",
	                      strcmp(d->status, "pending") == 0 ? json_string(d->next_attempt_at)
	                                                       : json_null(),
	                      "last_status", d->last_status ? json_integer(d->last_status) : json_null(),
	                      "last_duration_ms",
	                      d->last_duration_ms >= 0 ? json_integer(d->last_duration_ms) : json_null(),
	                      "last_error", d->last_error, "last_response", d->last_response,
	                      "delivered_at", str_or_null(d->delivered_at), "created_at", d->created_at,
	                      "updated_at", d->updated_at, "payload", payload ? payload : json_null());
	return o;
}

json_t *webhook_attempt_json(const struct webhook_attempt_row *a)
{
	return json_pack("{s:I, s:s, s:o, s:I, s:s, s:s}", "id", (json_int_t)a->id, "at", a->at,
	                 "status", a->status ? json_integer(a->status) : json_null(), "duration_ms",
	                 (json_int_t)a->duration_ms, "error", a->error, "response", a->response);
}

/* --- operations ---------------------------------------------------------------------------- */

struct wh_ctx {
	struct app *app;
	const struct actor *a;
	int64_t id, did;
	const struct webhook_input *in;
	struct webhook_row *w;
	char *secret; /* WEBHOOK_SECRET_TEXT */
	const struct webhook_delivery_filter *f;
	webhook_fn fn;
	webhook_delivery_fn dfn;
	void *ctx;
	int64_t *total;
	struct webhook_delivery_row *d;
	json_t *attempts;
	struct code_ranges r;
};

static bool covers(const struct actor *a, const char *code)
{
	return a->who == NULL || identity_covers(a->who, code);
}

static enum err may_manage(const struct actor *a, struct errinfo *ei)
{
	if (a->who != NULL && !identity_has(a->who, "webhook.manage"))
		return err_set(ei, ERR_FORBIDDEN, NULL, "webhook.manage is needed");
	return ERR_OK;
}

/* Loads a subscription the caller may manage: ERR_NOTFOUND, or ERR_FORBIDDEN
 * naming id when its area lies outside the caller's scope. */
static enum err webhook_require(struct store_conn *c, const struct actor *a, int64_t id,
                                struct webhook_row *w, char **secret_enc, struct errinfo *ei)
{
	enum err rc = store_webhook_get(c, id, w, secret_enc, ei);
	if (rc != ERR_OK)
		return rc;
	if (!covers(a, w->area_code)) {
		if (secret_enc) {
			free(*secret_enc);
			*secret_enc = NULL;
		}
		return err_set(ei, ERR_FORBIDDEN, "id", "webhook %lld lies outside your scope",
		               (long long)id);
	}
	return ERR_OK;
}

/* ",a,b," from a JSON array of known names, each once; ERR_INVALID naming events. */
static enum err events_text(json_t *arr, char out[WEBHOOK_EVENTS_TEXT], struct errinfo *ei)
{
	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return err_set(ei, ERR_INVALID, "events", "events must name at least one event");
	if (json_array_size(arr) > WEBHOOK_EVENTS_MAX)
		return err_set(ei, ERR_INVALID, "events", "events may name at most %d events",
		               WEBHOOK_EVENTS_MAX);
	size_t n = 0;
	out[n++] = ',';
	out[n] = '\0';
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		const char *s = json_string_value(v);
		if (s == NULL || !webhook_event_known(s))
			return err_set(ei, ERR_INVALID, "events", "unknown event %.48s (see the list in GET /api/v1/webhooks)",
			               s ? s : "(not a string)");
		char item[64];
		snprintf(item, sizeof item, ",%s,", s);
		if (strstr(out, item) != NULL)
			continue;
		size_t k = strlen(s);
		if (n + k + 2 > WEBHOOK_EVENTS_TEXT)
			return err_set(ei, ERR_INVALID, "events", "too many events");
		memcpy(out + n, s, k);
		n += k;
		out[n++] = ',';
		out[n] = '\0';
	}
	return ERR_OK;
}

static void object_of(int64_t id, char out[64])
{
	snprintf(out, 64, "webhook:%lld", (long long)id);
}

static enum err fail_denied(struct app *app, const struct actor *a, const char *object,
                            enum err rc, struct errinfo *ei)
{
	if (rc == ERR_FORBIDDEN)
		area_denied(app, a, object, ei);
	return rc;
}

static void generate_secret(char out[WEBHOOK_SECRET_TEXT])
{
	char tok[CRYPTO_TOKEN_CHARS];
	crypto_token(tok);
	snprintf(out, WEBHOOK_SECRET_TEXT, "whsec_%s", tok);
	sodium_memzero(tok, sizeof tok);
}

static enum err list_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct wh_ctx *x = arg;
	enum err rc = area_scope_ranges(c, x->a, x->id, &x->r, ei);
	if (rc != ERR_OK)
		return rc;
	return store_webhook_list(c, &x->r, x->fn, x->ctx, ei);
}

enum err webhooks_list(struct app *app, const struct actor *a, int64_t area_id, webhook_fn fn,
                       void *ctx, struct errinfo *ei)
{
	enum err rc = may_manage(a, ei);
	if (rc != ERR_OK)
		return rc;
	struct wh_ctx x = {.app = app, .a = a, .id = area_id, .fn = fn, .ctx = ctx};
	char object[64];
	snprintf(object, sizeof object, "area:%lld", (long long)area_id);
	return fail_denied(app, a, object, store_read(app->store, list_fn, &x, ei), ei);
}

/* The area given by id or by code, in the caller's scope. */
static enum err input_area(struct store_conn *c, const struct actor *a,
                           const struct webhook_input *in, struct area_row *ar, struct errinfo *ei)
{
	if (in->area_id > 0)
		return area_require(c, a, in->area_id, 0, 0, "area_id", ar, ei);
	enum err rc = store_area_by_code(c, in->area_code, ar, ei);
	if (rc == ERR_NOTFOUND)
		return err_set(ei, ERR_INVALID, "area_code", "no area has the code %.32s", in->area_code);
	if (rc != ERR_OK)
		return rc;
	return area_require(c, a, ar->id, 0, 0, "area_code", ar, ei);
}

static bool has_area(const struct webhook_input *in)
{
	return in->area_id > 0 || (in->area_code != NULL && in->area_code[0] != '\0');
}

static enum err create_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct wh_ctx *x = arg;
	const struct webhook_input *in = x->in;
	struct webhook_row *w = x->w;
	memset(w, 0, sizeof *w);
	struct area_row ar;
	enum err rc = input_area(c, x->a, in, &ar, ei);
	if (rc != ERR_OK)
		return rc;
	snprintf(w->url, sizeof w->url, "%s", in->url);
	if ((rc = events_text(in->events, w->events, ei)) != ERR_OK)
		return rc;
	w->area_id = ar.id;
	snprintf(w->area_code, sizeof w->area_code, "%s", ar.code);
	snprintf(w->area_name, sizeof w->area_name, "%s", ar.name);
	w->active = in->active != 0;
	snprintf(w->description, sizeof w->description, "%s", in->description ? in->description : "");
	w->created_by = x->a->who ? x->a->who->user_id : 0;
	store_time_format(clock_now(), w->created_at);
	snprintf(w->updated_at, sizeof w->updated_at, "%s", w->created_at);
	char *sealed = crypto_seal(&x->app->keys, x->secret);
	if (sealed == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "cannot seal the secret");
	rc = store_webhook_insert(c, w, sealed, ei);
	free(sealed);
	if (rc != ERR_OK)
		return rc;
	char object[64], detail[WEBHOOK_URL_MAX + 64];
	object_of(w->id, object);
	snprintf(detail, sizeof detail, "%s in %s", w->url, w->area_code);
	return audit_append(c, x->a, "webhook.create", object, "ok", detail, ei);
}

enum err webhooks_create(struct app *app, const struct actor *a, const struct webhook_input *in,
                         struct webhook_row *out, char secret_out[WEBHOOK_SECRET_TEXT],
                         struct errinfo *ei)
{
	enum err rc = may_manage(a, ei);
	if (rc != ERR_OK)
		return rc;
	const char *why = NULL;
	if (!has_area(in))
		return err_set(ei, ERR_INVALID, "area_id", "area_id (or area_code) is required");
	if (in->url == NULL || (why = webhook_url_check(in->url, strlen(in->url))) != NULL)
		return err_set(ei, ERR_INVALID, "url", "%s", in->url ? why : "url is required");
	if (in->secret != NULL) {
		if ((why = webhook_secret_check(in->secret, strlen(in->secret))) != NULL)
			return err_set(ei, ERR_INVALID, "secret", "%s", why);
		snprintf(secret_out, WEBHOOK_SECRET_TEXT, "%s", in->secret);
	} else {
		generate_secret(secret_out);
	}
	struct wh_ctx x = {.app = app, .a = a, .in = in, .w = out, .secret = secret_out};
	char object[64];
	snprintf(object, sizeof object, "area:%lld", (long long)in->area_id);
	rc = fail_denied(app, a, object, store_write(app->store, create_fn, &x, ei), ei);
	if (rc == ERR_OK)
		webhooks_set_any(true);
	if (rc != ERR_OK)
		sodium_memzero(secret_out, WEBHOOK_SECRET_TEXT);
	return rc;
}

static enum err get_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct wh_ctx *x = arg;
	return webhook_require(c, x->a, x->id, x->w, NULL, ei);
}

enum err webhooks_get(struct app *app, const struct actor *a, int64_t id, struct webhook_row *out,
                      struct errinfo *ei)
{
	enum err rc = may_manage(a, ei);
	if (rc != ERR_OK)
		return rc;
	struct wh_ctx x = {.app = app, .a = a, .id = id, .w = out};
	char object[64];
	object_of(id, object);
	return fail_denied(app, a, object, store_read(app->store, get_fn, &x, ei), ei);
}

static enum err update_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct wh_ctx *x = arg;
	const struct webhook_input *in = x->in;
	struct webhook_row *w = x->w;
	enum err rc = webhook_require(c, x->a, x->id, w, NULL, ei);
	if (rc != ERR_OK)
		return rc;
	char detail[256];
	int n = 0;
	detail[0] = '\0';
	if (in->url != NULL && strcmp(in->url, w->url) != 0) {
		snprintf(w->url, sizeof w->url, "%s", in->url);
		n += snprintf(detail + n, sizeof detail - (size_t)n, "url ");
	}
	if (in->events != NULL) {
		if ((rc = events_text(in->events, w->events, ei)) != ERR_OK)
			return rc;
		n += snprintf(detail + n, sizeof detail - (size_t)n, "events ");
	}
	struct area_row ar = {0};
	if (has_area(in) && (rc = input_area(c, x->a, in, &ar, ei)) != ERR_OK)
		return rc;
	if (has_area(in) && ar.id != w->area_id) {
		w->area_id = ar.id;
		snprintf(w->area_code, sizeof w->area_code, "%s", ar.code);
		snprintf(w->area_name, sizeof w->area_name, "%s", ar.name);
		n += snprintf(detail + n, sizeof detail - (size_t)n, "area %s ", ar.code);
	}
	if (in->active >= 0 && (in->active != 0) != w->active) {
		w->active = in->active != 0;
		n += snprintf(detail + n, sizeof detail - (size_t)n, "%s ", w->active ? "resumed" : "paused");
	}
	if (in->description != NULL) {
		snprintf(w->description, sizeof w->description, "%s", in->description);
		n += snprintf(detail + n, sizeof detail - (size_t)n, "description ");
	}
	store_time_format(clock_now(), w->updated_at);
	if ((rc = store_webhook_update(c, w, NULL, ei)) != ERR_OK)
		return rc;
	char object[64];
	object_of(w->id, object);
	return audit_append(c, x->a, "webhook.update", object, "ok", n ? detail : "nothing", ei);
}

enum err webhooks_update(struct app *app, const struct actor *a, int64_t id,
                         const struct webhook_input *in, struct webhook_row *out,
                         struct errinfo *ei)
{
	enum err rc = may_manage(a, ei);
	if (rc != ERR_OK)
		return rc;
	const char *why = NULL;
	if (in->url != NULL && (why = webhook_url_check(in->url, strlen(in->url))) != NULL)
		return err_set(ei, ERR_INVALID, "url", "%s", why);
	struct wh_ctx x = {.app = app, .a = a, .id = id, .in = in, .w = out};
	char object[64];
	object_of(id, object);
	return fail_denied(app, a, object, store_write(app->store, update_fn, &x, ei), ei);
}

static enum err delete_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct wh_ctx *x = arg;
	struct webhook_row w;
	enum err rc = webhook_require(c, x->a, x->id, &w, NULL, ei);
	if (rc != ERR_OK)
		return rc;
	bool found = false;
	if ((rc = store_webhook_delete(c, x->id, &found, ei)) != ERR_OK)
		return rc;
	if (!found)
		return err_set(ei, ERR_NOTFOUND, NULL, "no such webhook");
	char object[64];
	object_of(x->id, object);
	return audit_append(c, x->a, "webhook.delete", object, "ok", w.url, ei);
}

enum err webhooks_delete(struct app *app, const struct actor *a, int64_t id, struct errinfo *ei)
{
	enum err rc = may_manage(a, ei);
	if (rc != ERR_OK)
		return rc;
	struct wh_ctx x = {.app = app, .a = a, .id = id};
	char object[64];
	object_of(id, object);
	return fail_denied(app, a, object, store_write(app->store, delete_fn, &x, ei), ei);
}

static enum err rotate_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct wh_ctx *x = arg;
	struct webhook_row w;
	enum err rc = webhook_require(c, x->a, x->id, &w, NULL, ei);
	if (rc != ERR_OK)
		return rc;
	char *sealed = crypto_seal(&x->app->keys, x->secret);
	if (sealed == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "cannot seal the secret");
	store_time_format(clock_now(), w.updated_at);
	rc = store_webhook_update(c, &w, sealed, ei);
	free(sealed);
	if (rc != ERR_OK)
		return rc;
	char object[64];
	object_of(x->id, object);
	return audit_append(c, x->a, "webhook.rotate_secret", object, "ok", "", ei);
}

enum err webhooks_rotate(struct app *app, const struct actor *a, int64_t id,
                         char secret_out[WEBHOOK_SECRET_TEXT], struct errinfo *ei)
{
	enum err rc = may_manage(a, ei);
	if (rc != ERR_OK)
		return rc;
	generate_secret(secret_out);
	struct wh_ctx x = {.app = app, .a = a, .id = id, .secret = secret_out};
	char object[64];
	object_of(id, object);
	rc = fail_denied(app, a, object, store_write(app->store, rotate_fn, &x, ei), ei);
	if (rc != ERR_OK)
		sodium_memzero(secret_out, WEBHOOK_SECRET_TEXT);
	return rc;
}

static enum err deliveries_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct wh_ctx *x = arg;
	struct webhook_row w;
	enum err rc = webhook_require(c, x->a, x->f->webhook_id, &w, NULL, ei);
	if (rc != ERR_OK)
		return rc;
	return store_webhook_deliveries(c, x->f, x->dfn, x->ctx, x->total, ei);
}

enum err webhooks_deliveries(struct app *app, const struct actor *a,
                             const struct webhook_delivery_filter *f, webhook_delivery_fn fn,
                             void *ctx, int64_t *total, struct errinfo *ei)
{
	enum err rc = may_manage(a, ei);
	if (rc != ERR_OK)
		return rc;
	struct wh_ctx x = {.app = app, .a = a, .f = f, .dfn = fn, .ctx = ctx, .total = total};
	char object[64];
	object_of(f->webhook_id, object);
	return fail_denied(app, a, object, store_read(app->store, deliveries_fn, &x, ei), ei);
}

static void add_attempt(void *ctx, const struct webhook_attempt_row *at)
{
	json_array_append_new(ctx, webhook_attempt_json(at));
}

static enum err delivery_get_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct wh_ctx *x = arg;
	struct webhook_row w;
	enum err rc = webhook_require(c, x->a, x->id, &w, NULL, ei);
	if (rc != ERR_OK)
		return rc;
	if ((rc = store_webhook_delivery_get(c, x->id, x->did, x->d, ei)) != ERR_OK)
		return rc;
	if (x->attempts == NULL)
		return ERR_OK;
	return store_webhook_attempts(c, x->did, add_attempt, x->attempts, ei);
}

enum err webhooks_delivery_get(struct app *app, const struct actor *a, int64_t webhook_id,
                               int64_t id, struct webhook_delivery_row *out, json_t *attempts,
                               struct errinfo *ei)
{
	enum err rc = may_manage(a, ei);
	if (rc != ERR_OK)
		return rc;
	memset(out, 0, sizeof *out);
	struct wh_ctx x = {.app = app, .a = a, .id = webhook_id, .did = id, .d = out,
	                   .attempts = attempts};
	char object[64];
	object_of(webhook_id, object);
	rc = fail_denied(app, a, object, store_read(app->store, delivery_get_fn, &x, ei), ei);
	if (rc != ERR_OK)
		webhook_delivery_row_clear(out);
	return rc;
}

static enum err redeliver_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct wh_ctx *x = arg;
	struct webhook_row w;
	enum err rc = webhook_require(c, x->a, x->id, &w, NULL, ei);
	if (rc != ERR_OK)
		return rc;
	webhook_delivery_row_clear(x->d);
	if ((rc = store_webhook_delivery_get(c, x->id, x->did, x->d, ei)) != ERR_OK)
		return rc;
	if (strcmp(x->d->status, "parked") != 0)
		return err_set(ei, ERR_CONFLICT, "status",
		               "only a parked delivery is redelivered by hand (this one is %s)", x->d->status);
	char now[RQ_TIME];
	store_time_format(clock_now(), now);
	bool found = false;
	if ((rc = store_webhook_requeue(c, x->id, x->did, now, &found, ei)) != ERR_OK)
		return rc;
	if (!found)
		return err_set(ei, ERR_CONFLICT, "status", "the delivery is no longer parked");
	webhook_delivery_row_clear(x->d);
	if ((rc = store_webhook_delivery_get(c, x->id, x->did, x->d, ei)) != ERR_OK)
		return rc;
	char object[64];
	object_of(x->id, object);
	return audit_append(c, x->a, "webhook.redeliver", object, "ok", x->d->delivery_id, ei);
}

enum err webhooks_redeliver(struct app *app, const struct actor *a, int64_t webhook_id, int64_t id,
                            struct webhook_delivery_row *out, struct errinfo *ei)
{
	enum err rc = may_manage(a, ei);
	if (rc != ERR_OK)
		return rc;
	memset(out, 0, sizeof *out);
	struct wh_ctx x = {.app = app, .a = a, .id = webhook_id, .did = id, .d = out};
	char object[64];
	object_of(webhook_id, object);
	rc = fail_denied(app, a, object, store_write(app->store, redeliver_fn, &x, ei), ei);
	if (rc != ERR_OK)
		webhook_delivery_row_clear(out);
	return rc;
}

static enum err ping_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct wh_ctx *x = arg;
	struct webhook_row w;
	enum err rc = webhook_require(c, x->a, x->id, &w, NULL, ei);
	if (rc != ERR_OK)
		return rc;
	struct webhook_delivery_row *d = x->d;
	webhook_delivery_row_clear(d);
	memset(d, 0, sizeof *d);
	char prefix[32];
	delivery_prefix(prefix);
	snprintf(d->delivery_id, sizeof d->delivery_id, "%s%lld", prefix, (long long)w.id);
	d->webhook_id = w.id;
	snprintf(d->event, sizeof d->event, "ping");
	store_time_format(clock_now(), d->created_at);
	snprintf(d->updated_at, sizeof d->updated_at, "%s", d->created_at);
	snprintf(d->next_attempt_at, sizeof d->next_attempt_at, "%s", d->created_at);
	snprintf(d->status, sizeof d->status, "pending");
	d->last_duration_ms = -1;
	json_t *body = json_pack("{s:s, s:I, s:s, s:s}", "event", "ping", "webhook_id",
	                         (json_int_t)w.id, "area_code", w.area_code, "at", d->created_at);
	d->payload = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (d->payload == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	if ((rc = store_webhook_delivery_insert(c, d, ei)) != ERR_OK)
		return rc;
	char object[64];
	object_of(w.id, object);
	return audit_append(c, x->a, "webhook.ping", object, "ok", d->delivery_id, ei);
}

enum err webhooks_ping(struct app *app, const struct actor *a, int64_t id,
                       struct webhook_delivery_row *out, struct errinfo *ei)
{
	enum err rc = may_manage(a, ei);
	if (rc != ERR_OK)
		return rc;
	memset(out, 0, sizeof *out);
	struct wh_ctx x = {.app = app, .a = a, .id = id, .d = out};
	char object[64];
	object_of(id, object);
	rc = fail_denied(app, a, object, store_write(app->store, ping_fn, &x, ei), ei);
	if (rc != ERR_OK)
		webhook_delivery_row_clear(out);
	return rc;
}
