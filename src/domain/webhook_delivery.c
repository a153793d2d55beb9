/* The webhook delivery thread and the one POST it makes (libcurl). Rows are
 * claimed one at a time just before sending, so a stop leaves no lease
 * behind but the one in flight, which finishes and is recorded. */
#include "domain/webhook_delivery.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "domain/webhooks.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/utf8.h"

/* --- one POST ------------------------------------------------------------------------------ */

struct excerpt {
	char buf[WEBHOOK_EXCERPT_MAX + 1];
	size_t n;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct excerpt *e = arg;
	size_t len = size * nmemb;
	size_t room = WEBHOOK_EXCERPT_MAX - e->n;
	size_t take = len < room ? len : room;
	memcpy(e->buf + e->n, data, take);
	e->n += take;
	return len; /* the rest is read and dropped */
}

/* Keeps what a text column of either backend takes: valid UTF-8 cut at a
 * character boundary, no NUL or control characters but newline and tab. */
static void clean_text(const char *in, size_t n, char *out, size_t cap)
{
	size_t w = 0;
	for (size_t i = 0; i < n && w + 1 < cap; i++) {
		unsigned char ch = (unsigned char)in[i];
		out[w++] = (ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7f ? ' ' : (char)ch;
	}
	out[w] = '\0';
	size_t chars;
	/* a cut character at the end, or bytes that are not UTF-8 at all */
	while (w > 0 && !utf8_valid(out, w, &chars) && w + 4 > n && (out[w - 1] & 0x80))
		out[--w] = '\0';
	if (!utf8_valid(out, w, &chars))
		for (size_t i = 0; i < w; i++)
			if (out[i] & 0x80)
				out[i] = '?';
}

void webhook_post(const struct app *app, const char *url, const char *secret, const char *event,
                  const char *delivery_id, int64_t ts, const char *body,
                  struct webhook_result *out)
{
	memset(out, 0, sizeof *out);
	size_t len = strlen(body);
	char sig[WEBHOOK_SIG_HEX];
	webhook_signature(secret, ts, body, len, sig);
	char h_event[96], h_delivery[128], h_ts[64], h_sig[96];
	snprintf(h_event, sizeof h_event, "X-Linli-Event: %s", event);
	snprintf(h_delivery, sizeof h_delivery, "X-Linli-Delivery: %s", delivery_id);
	snprintf(h_ts, sizeof h_ts, "X-Linli-Timestamp: %lld", (long long)ts);
	snprintf(h_sig, sizeof h_sig, "X-Linli-Signature: sha256=%s", sig);
	struct curl_slist *h = NULL;
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, "User-Agent: linli-webhook/" LINLI_VERSION);
	h = curl_slist_append(h, "Expect:"); /* no 100-continue round trip */
	h = curl_slist_append(h, h_event);
	h = curl_slist_append(h, h_delivery);
	h = curl_slist_append(h, h_ts);
	h = curl_slist_append(h, h_sig);
	struct excerpt ex = {.n = 0};
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *cu = curl_easy_init();
	if (cu == NULL || h == NULL) {
		snprintf(out->error, sizeof out->error, "cannot start a transfer");
		goto out;
	}
	curl_easy_setopt(cu, CURLOPT_URL, url);
	curl_easy_setopt(cu, CURLOPT_POST, 1L);
	curl_easy_setopt(cu, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(cu, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(cu, CURLOPT_HTTPHEADER, h);
	/* http(s) only, also after anything curl might be told; never follow */
	curl_easy_setopt(cu, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(cu, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(cu, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(cu, CURLOPT_CONNECTTIMEOUT_MS, (long)app->cfg.webhook_connect_timeout * 1000L);
	curl_easy_setopt(cu, CURLOPT_TIMEOUT_MS, (long)app->cfg.webhook_timeout * 1000L);
	/* only the configured proxy, never one from the environment */
	curl_easy_setopt(cu, CURLOPT_PROXY, app->cfg.webhook_proxy);
	curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(cu, CURLOPT_WRITEDATA, &ex);
	curl_easy_setopt(cu, CURLOPT_ERRORBUFFER, errbuf);
	int64_t t0 = clock_mono_ns();
	CURLcode rc = curl_easy_perform(cu);
	out->duration_ms = (clock_mono_ns() - t0) / 1000000;
	if (rc == CURLE_OK) {
		long code = 0;
		curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &code);
		out->status = (int)code;
	} else {
		snprintf(out->error, sizeof out->error, "%.100s: %.150s", curl_easy_strerror(rc),
		         errbuf[0] ? errbuf : "no detail");
	}
	clean_text(ex.buf, ex.n, out->response, sizeof out->response);
out:
	sodium_memzero(sig, sizeof sig);
	curl_slist_free_all(h);
	if (cu != NULL)
		curl_easy_cleanup(cu);
}

/* --- one pass ------------------------------------------------------------------------------ */

struct due_ctx {
	char now[RQ_TIME], lease[RQ_TIME];
	int64_t ids[WEBHOOK_BATCH], hooks[WEBHOOK_BATCH];
	int n;
	int64_t failed[WEBHOOK_BATCH]; /* subscriptions whose receiver failed in this pass */
	int nfailed;
	int64_t id;
	bool won;
	struct webhook_delivery_row d;
	char url[WEBHOOK_URL_MAX + 1];
	char *secret_enc;
	const struct webhook_delivery_row *rec;
	const struct webhook_attempt_row *att;
};

static enum err due_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct due_ctx *x = arg;
	return store_webhook_due(c, x->now, WEBHOOK_BATCH, x->ids, x->hooks, &x->n, ei);
}

static enum err claim_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct due_ctx *x = arg;
	return store_webhook_claim(c, x->id, x->now, x->lease, &x->won, ei);
}

static enum err outgoing_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct due_ctx *x = arg;
	webhook_delivery_row_clear(&x->d);
	free(x->secret_enc);
	x->secret_enc = NULL;
	return store_webhook_outgoing(c, x->id, &x->d, x->url, &x->secret_enc, ei);
}

static enum err record_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct due_ctx *x = arg;
	return store_webhook_record(c, x->rec, x->att, ei);
}

static enum err release_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct due_ctx *x = arg;
	return store_webhook_release(c, x->id, ei);
}

/* Sends one claimed row and records what came of it; *ok whether it was delivered. */
static enum err send_one(struct app *app, struct due_ctx *x, bool *delivered, struct errinfo *ei)
{
	enum err rc = store_read(app->store, outgoing_fn, x, ei);
	if (rc != ERR_OK)
		return rc;
	struct webhook_delivery_row *d = &x->d;
	struct webhook_result res;
	char *secret = crypto_open(&app->keys, x->secret_enc);
	int64_t ts = clock_now();
	if (secret == NULL) {
		memset(&res, 0, sizeof res);
		snprintf(res.error, sizeof res.error, "the secret cannot be opened with this master key");
	} else {
		webhook_post(app, x->url, secret, d->event, d->delivery_id, ts, d->payload ? d->payload : "",
		             &res);
		sodium_memzero(secret, strlen(secret));
		free(secret);
	}
	int64_t now = clock_now();
	struct webhook_attempt_row at = {.delivery_id = d->id, .status = res.status,
	                                 .duration_ms = res.duration_ms};
	store_time_format(now, at.at);
	snprintf(at.error, sizeof at.error, "%s", res.error);
	snprintf(at.response, sizeof at.response, "%s", res.response);
	d->attempts++;
	d->last_status = res.status;
	d->last_duration_ms = res.duration_ms;
	snprintf(d->last_error, sizeof d->last_error, "%s", res.error);
	snprintf(d->last_response, sizeof d->last_response, "%s", res.response);
	store_time_format(now, d->updated_at);
	bool ok = res.status >= 200 && res.status < 300;
	*delivered = ok;
	if (ok) {
		snprintf(d->status, sizeof d->status, "delivered");
		snprintf(d->delivered_at, sizeof d->delivered_at, "%s", at.at);
	} else if (d->attempts >= app->cfg.webhook_max_attempts) {
		snprintf(d->status, sizeof d->status, "parked");
		if (!ok && res.error[0] == '\0')
			snprintf(d->last_error, sizeof d->last_error, "HTTP %d", res.status);
	} else {
		store_time_format(now + webhook_backoff_jittered(app->cfg.webhook_retry_base, d->attempts),
		                  d->next_attempt_at);
	}
	if (!ok && at.error[0] == '\0')
		snprintf(at.error, sizeof at.error, "HTTP %d", res.status);
	if (!ok && d->last_error[0] == '\0')
		snprintf(d->last_error, sizeof d->last_error, "HTTP %d", res.status);
	x->rec = d;
	x->att = &at;
	rc = store_write(app->store, record_fn, x, ei);
	if (rc == ERR_OK && !ok)
		log_info("webhook attempt failed",
		         "\"delivery\":\"%s\",\"attempt\":%d,\"status\":%d,\"parked\":%s",
		         d->delivery_id, d->attempts, res.status,
		         strcmp(d->status, "parked") == 0 ? "true" : "false");
	return rc;
}

static enum err deliver_due(struct app *app, atomic_bool *stopping, int *sent, struct errinfo *ei)
{
	*sent = 0;
	struct due_ctx *x = calloc(1, sizeof *x);
	if (x == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	int64_t now = clock_now();
	store_time_format(now, x->now);
	enum err rc = store_read(app->store, due_fn, x, ei);
	for (int i = 0; rc == ERR_OK && i < x->n; i++) {
		if (stopping != NULL && atomic_load(stopping))
			break;
		/* the lease outlives the slowest send, so nobody else takes the row meanwhile */
		now = clock_now();
		store_time_format(now, x->now);
		store_time_format(now + app->cfg.webhook_connect_timeout + app->cfg.webhook_timeout + 30,
		                  x->lease);
		/* A receiver that just failed is not tried again in this pass: its
		 * other rows wait for the next look, so one dead receiver costs one
		 * time-out a pass, not one per row, and the others' rows go out. */
		bool skip = false;
		for (int k = 0; k < x->nfailed; k++)
			skip = skip || x->failed[k] == x->hooks[i];
		if (skip)
			continue;
		x->id = x->ids[i];
		x->won = false;
		if ((rc = store_write(app->store, claim_fn, x, ei)) != ERR_OK || !x->won)
			continue;
		bool delivered = false;
		rc = send_one(app, x, &delivered, ei);
		if (!delivered && x->nfailed < WEBHOOK_BATCH)
			x->failed[x->nfailed++] = x->hooks[i];
		if (rc != ERR_OK) {
			/* unrecorded: give the row back for the next look */
			struct errinfo e2;
			err_clear(&e2);
			store_write(app->store, release_fn, x, &e2);
		}
		(*sent)++;
	}
	webhook_delivery_row_clear(&x->d);
	free(x->secret_enc);
	free(x);
	return rc;
}

struct purge_ctx {
	char before[RQ_TIME];
	int64_t n;
};

static enum err purge_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct purge_ctx *x = arg;
	return store_webhook_purge(c, x->before, WEBHOOK_PURGE_BATCH, &x->n, ei);
}

enum err webhook_purge(struct app *app, int64_t *n, struct errinfo *ei)
{
	*n = 0;
	if (app->cfg.webhook_keep_days <= 0)
		return ERR_OK;
	struct purge_ctx x = {.n = 0};
	store_time_format(clock_now() - (int64_t)app->cfg.webhook_keep_days * 86400, x.before);
	enum err rc = store_write(app->store, purge_fn, &x, ei);
	*n = x.n;
	return rc;
}

enum err webhook_deliver_due(struct app *app, int *sent, struct errinfo *ei)
{
	return deliver_due(app, NULL, sent, ei);
}

/* --- the thread ---------------------------------------------------------------------------- */

struct webhook_sender {
	struct app *app;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	atomic_bool stopping;
	atomic_long attempts;
};

static void *run(void *arg)
{
	struct webhook_sender *s = arg;
	int polls = 0;
	while (!atomic_load(&s->stopping)) {
		if (polls % WEBHOOK_REFRESH_POLLS == 0)
			webhooks_refresh(s->app);
		struct errinfo ei;
		err_clear(&ei);
		if (polls++ % WEBHOOK_PURGE_POLLS == 0) {
			int64_t purged = 0;
			if (webhook_purge(s->app, &purged, &ei) != ERR_OK)
				log_warn("webhook log purge failed", "\"error\":\"%s\"", ei.message);
			else if (purged > 0)
				log_info("webhook log purged", "\"deliveries\":%lld", (long long)purged);
			err_clear(&ei);
		}
		int sent = 0;
		if (deliver_due(s->app, &s->stopping, &sent, &ei) != ERR_OK)
			log_warn("webhook delivery failed", "\"error\":\"%s\"", ei.message);
		atomic_fetch_add(&s->attempts, sent);
		if (sent == WEBHOOK_BATCH)
			continue; /* more may be due */
		pthread_mutex_lock(&s->lock);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += (long)WEBHOOK_POLL_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		while (!atomic_load(&s->stopping))
			if (pthread_cond_timedwait(&s->wake, &s->lock, &until) == ETIMEDOUT)
				break;
		pthread_mutex_unlock(&s->lock);
	}
	return NULL;
}

enum err webhook_sender_start(struct app *app, struct webhook_sender **out, struct errinfo *ei)
{
	*out = NULL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return err_set(ei, ERR_INTERNAL, NULL, "cannot initialise libcurl");
	struct webhook_sender *s = calloc(1, sizeof *s);
	if (s == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	s->app = app;
	atomic_init(&s->stopping, false);
	atomic_init(&s->attempts, 0);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	if (pthread_create(&s->thread, NULL, run, s) != 0) {
		pthread_cond_destroy(&s->wake);
		pthread_mutex_destroy(&s->lock);
		free(s);
		return err_set(ei, ERR_INTERNAL, NULL, "cannot start the webhook delivery thread");
	}
	*out = s;
	return ERR_OK;
}

long webhook_sender_attempts(struct webhook_sender *s)
{
	return atomic_load(&s->attempts);
}

void webhook_sender_stop(struct webhook_sender *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	atomic_store(&s->stopping, true);
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	free(s);
	curl_global_cleanup();
}
