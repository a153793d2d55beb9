/* Unit tests for src/domain/webhooks.c (with src/store/webhooks.c and the
 * delivery pass of src/domain/webhook_delivery.c): the signature against
 * known vectors, the back-off schedule and its jitter, URL and secret
 * checks, an event name for every request action, and the outbox: a
 * delivery only for the subscriptions whose events and area subtree match,
 * in the event's transaction, nothing when the fast path knows there is no
 * subscription; scope and capability refusals; one failed attempt against
 * a closed port recorded and rescheduled; the log's purge of old delivered
 * deliveries (parked ones stay). On the environment's backend
 * (SQLite, or PostgreSQL when LINLI_TEST_PG is set). */
#include "testutil.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../store/fixture.h"
#include "app.h"
#include "auth/caps.h"
#include "auth/users.h"
#include "domain/areas.h"
#include "domain/categories.h"
#include "domain/request_flow.h"
#include "domain/requests.h"
#include "domain/webhook_delivery.h"
#include "domain/webhooks.h"
#include "store/webhooks.h"
#include "util/clock.h"

/* --- pure ------------------------------------------------------------------------------------ */

static void test_signature(void **state)
{
	(void)state;
	char out[WEBHOOK_SIG_HEX];
	/* RFC 4231, test case 2 */
	const char *msg = "what do ya want for nothing?";
	webhook_hmac_hex("Jefe", 4, msg, strlen(msg), out);
	assert_string_equal(out, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	/* "<timestamp>.<body>", as `openssl dgst -sha256 -hmac` computes it */
	const char *body = "{\"event\":\"ping\"}";
	webhook_signature("whsec_test_secret_0123456789", 1700000000, body, strlen(body), out);
	assert_string_equal(out, "18799614e85f6b1d17ee8683abaf44228f31df2d22b986dda5e277261888f84e");
	/* another timestamp, another signature: a replay cannot move the time */
	webhook_signature("whsec_test_secret_0123456789", 1700000001, body, strlen(body), out);
	assert_string_not_equal(out, "18799614e85f6b1d17ee8683abaf44228f31df2d22b986dda5e277261888f84e");
}

static void test_backoff(void **state)
{
	(void)state;
	static const int64_t want[] = {10, 30, 60, 300, 1200, 3600, 14400, 28800, 28800, 28800};
	for (int i = 0; i < 10; i++)
		assert_int_equal(webhook_backoff_s(10, i + 1, 1000), want[i]);
	assert_int_equal(webhook_backoff_s(1, 1, 1000), 1);
	assert_int_equal(webhook_backoff_s(1, 2, 1000), 3);
	assert_int_equal(webhook_backoff_s(10, 1, 800), 8);
	assert_int_equal(webhook_backoff_s(10, 1, 1200), 12);
	assert_int_equal(webhook_backoff_s(0, 0, 1000), 1); /* clamped, never 0 */
	int64_t lo = INT64_MAX, hi = 0;
	for (int i = 0; i < 500; i++) {
		int64_t s = webhook_backoff_jittered(100, 1);
		assert_true(s >= 80 && s <= 120);
		lo = s < lo ? s : lo;
		hi = s > hi ? s : hi;
	}
	assert_true(hi - lo >= 20); /* it does vary */
}

static void test_url(void **state)
{
	(void)state;
	static const char *const good[] = {
		"http://example.com", "https://example.com/hook", "HTTPS://Example.COM:8443/a?b=c#d",
		"http://127.0.0.1:8080/x", "http://[::1]:9000/", "https://user:pw@hooks.example.org/p",
		"http://a-b_c.example/", NULL};
	static const char *const bad[] = {
		"ftp://example.com/", "javascript:alert(1)", "file:///etc/passwd", "http://", "https:///x",
		"http:/example.com", "gopher://h/", "http://exa mple.com/", "http://h:0/", "http://h:99999/",
		"http://h:/", "http://h:8a/", "http://[::1/", "http://h\x01/", "http://ex\xc3\xa4mple.com/",
		"example.com", "", "http://h!/", NULL};
	for (int i = 0; good[i]; i++)
		if (webhook_url_check(good[i], strlen(good[i])) != NULL)
			fail_msg("refused %s: %s", good[i], webhook_url_check(good[i], strlen(good[i])));
	for (int i = 0; bad[i]; i++)
		if (webhook_url_check(bad[i], strlen(bad[i])) == NULL)
			fail_msg("took %s", bad[i]);
	char longer[WEBHOOK_URL_MAX + 16] = "http://h/";
	memset(longer + 9, 'a', WEBHOOK_URL_MAX);
	longer[WEBHOOK_URL_MAX + 9] = '\0';
	assert_non_null(webhook_url_check(longer, strlen(longer)));
	longer[WEBHOOK_URL_MAX] = '\0';
	assert_null(webhook_url_check(longer, strlen(longer)));
	assert_null(webhook_secret_check("0123456789abcdef", 16));
	assert_non_null(webhook_secret_check("0123456789abcde", 15));
	assert_non_null(webhook_secret_check("0123456789 abcdef", 17));
}

static void test_event_names(void **state)
{
	(void)state;
	for (int a = 0; a < RA__MAX; a++) {
		const char *e = webhook_event_for_action(rq_action_name((enum rq_action)a));
		assert_non_null(e);
		assert_true(webhook_event_known(e));
		assert_int_equal(strncmp(e, "request.", 8), 0);
		for (int b = 0; b < a; b++)
			assert_string_not_equal(e, webhook_event_for_action(rq_action_name((enum rq_action)b)));
	}
	assert_string_equal(webhook_event_for_action("create"), "request.created");
	assert_string_equal(webhook_event_for_action("dispatch"), "request.dispatched");
	assert_string_equal(webhook_event_for_action("resolve"), "request.resolved");
	assert_string_equal(webhook_event_for_action("close"), "request.closed");
	assert_string_equal(webhook_event_for_action("overdue"), "request.overdue");
	assert_null(webhook_event_for_action("nonsense"));
	assert_true(webhook_event_known("request.*"));
	assert_false(webhook_event_known("ping"));
	assert_false(webhook_event_known("request.dispatch"));
	int n = 0;
	while (webhook_events[n])
		n++;
	assert_int_equal(n, RA__MAX + 3); /* created, overdue, request.* */
}

/* --- with a database ----------------------------------------------------------------------------- */

struct env {
	struct fx_db fx;
	struct app app;
	char keydir[64], keypath[96];
	struct identity cli;
	struct actor cli_actor;
	int64_t district, street, street2, community, community2, grid, other_grid, cat;
};

static const char *const *role_caps(const char *role)
{
	for (const struct default_role *d = default_roles; d->id; d++)
		if (strcmp(d->id, role) == 0)
			return d->caps;
	fail_msg("no role %s", role);
	return NULL;
}

static struct identity who(int64_t user_id, const char *role, const char *scope)
{
	struct identity id;
	memset(&id, 0, sizeof id);
	id.user_id = user_id;
	snprintf(id.login, sizeof id.login, "u%lld", (long long)user_id);
	const char *const *caps = role_caps(role);
	for (int i = 0; caps[i]; i++)
		snprintf(id.caps[id.ncaps++], CAP_NAME_MAX, "%s", caps[i]);
	snprintf(id.scopes[id.nscopes++], SCOPE_MAX + 1, "%s", scope);
	return id;
}

static struct actor as(struct identity *id)
{
	return (struct actor){.who = id, .login = id->login, .address = "10.0.0.9", .request_id = "t"};
}

static int64_t make_area(struct env *e, int64_t parent, const char *code, const char *name)
{
	struct area_input in = {.parent_id = parent, .code = code, .name = name};
	struct area_row out;
	struct errinfo ei;
	err_clear(&ei);
	if (areas_create(&e->app, &e->cli_actor, &in, &out, &ei) != ERR_OK)
		fail_msg("creating %s: %s", name, ei.message);
	return out.id;
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof *e);
	*state = NULL;
	if (e == NULL)
		return -1;
	struct store_options opt = {.readers = 2, .pool_size = 4, .create = true};
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = ERR_INTERNAL;
	snprintf(e->keydir, sizeof e->keydir, "/tmp/linli-wh-XXXXXX");
	if (mkdtemp(e->keydir) == NULL) {
		free(e);
		return -1;
	}
	snprintf(e->keypath, sizeof e->keypath, "%s/master.key", e->keydir);
	if (fx_db_create(&e->fx, fx_default_backend()) == 0 &&
	    (rc = fx_db_open_opt(&e->fx, &opt, &ei)) == ERR_OK &&
	    (rc = store_migrate(e->fx.st, NULL, &ei)) == ERR_OK &&
	    (rc = crypto_keys_load(e->keypath, true, &e->app.keys, &ei)) == ERR_OK) {
		e->app.store = e->fx.st;
		assert_int_equal(office_hours_parse("08:30-12:00,14:00-17:30", &e->app.office), ERR_OK);
		e->app.office.tz_offset_min = 480;
		config_defaults(&e->app.cfg);
	}
	if (rc != ERR_OK) {
		print_message("# setting up %s: %d %s\n", e->fx.url, rc, ei.message);
		fx_db_destroy(&e->fx);
		unlink(e->keypath);
		rmdir(e->keydir);
		free(e);
		return -1;
	}
	users_cli_identity(&e->cli);
	e->cli_actor = (struct actor){.who = &e->cli, .login = "cli", .address = "", .request_id = ""};
	*state = e;
	assert_int_equal(roles_seed(&e->app, &ei), ERR_OK);
	e->district = make_area(e, 0, "110105", "朝阳区");
	e->street = make_area(e, e->district, "110105001", "建外街道");
	e->street2 = make_area(e, e->district, "110105002", "朝外街道");
	e->community = make_area(e, e->street, "110105001001", "永安里社区");
	e->community2 = make_area(e, e->street2, "110105002001", "吉祥里社区");
	e->grid = make_area(e, e->community, NULL, "一网格");
	e->other_grid = make_area(e, e->community2, NULL, "吉祥一网格");
	struct category_input cin = {.code = "01", .name = "市容环境", .default_level = "community",
	                             .limit_normal = "5d", .active = -1};
	struct category_row *cat = malloc(sizeof *cat);
	if (categories_create(&e->app, &e->cli_actor, &cin, cat, &ei) != ERR_OK)
		fail_msg("category: %s", ei.message);
	e->cat = cat->id;
	free(cat);
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	if (e == NULL)
		return 0;
	fx_db_destroy(&e->fx);
	unlink(e->keypath);
	rmdir(e->keydir);
	free(e);
	return 0;
}

static int64_t subscribe(struct env *e, const struct actor *a, const char *url, const char *events,
                         int64_t area, int active, enum err want, const char *want_field)
{
	json_t *ev = json_loads(events, 0, NULL);
	assert_non_null(ev);
	struct webhook_input in = {.url = url, .events = ev, .area_id = area, .active = active};
	struct webhook_row *w = malloc(sizeof *w);
	char secret[WEBHOOK_SECRET_TEXT];
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = webhooks_create(&e->app, a, &in, w, secret, &ei);
	json_decref(ev);
	if (rc != want)
		fail_msg("subscribe %s: got %d (%s %s), want %d", url, rc, ei.field, ei.message, want);
	if (want_field != NULL)
		assert_string_equal(ei.field, want_field);
	int64_t id = rc == ERR_OK ? w->id : 0;
	if (rc == ERR_OK)
		assert_int_equal(strncmp(secret, "whsec_", 6), 0);
	free(w);
	return id;
}

static int64_t intake(struct env *e, int64_t area, const char *title)
{
	struct request_input in = {.source = "hotline", .kind = "complaint", .category_id = e->cat,
	                           .title = title, .area_id = area, .reporter_name = "王先生",
	                           .reporter_phone = "13812345678"};
	struct request_row *r = malloc(sizeof *r);
	struct errinfo ei;
	err_clear(&ei);
	if (requests_create(&e->app, &e->cli_actor, &in, r, NULL, &ei) != ERR_OK)
		fail_msg("intake %s: %s", title, ei.message);
	int64_t id = r->id;
	free(r);
	return id;
}

struct seen {
	int n;
	int64_t id[16];
	char events[16][48];
	int64_t request[16];
	char payload[16][1024];
	char status[16][12];
	char delivery_id[16][WEBHOOK_DELIVERY_ID_MAX];
};

static void add_seen(void *ctx, const struct webhook_delivery_row *d)
{
	struct seen *s = ctx;
	if (s->n >= 16)
		return;
	s->id[s->n] = d->id;
	snprintf(s->events[s->n], sizeof s->events[0], "%s", d->event);
	s->request[s->n] = d->request_id;
	snprintf(s->payload[s->n], sizeof s->payload[0], "%s", d->payload ? d->payload : "");
	snprintf(s->status[s->n], sizeof s->status[0], "%s", d->status);
	snprintf(s->delivery_id[s->n], sizeof s->delivery_id[0], "%s", d->delivery_id);
	s->n++;
}

/* The deliveries of one subscription, newest first. */
static struct seen log_of(struct env *e, int64_t hook)
{
	struct seen s;
	memset(&s, 0, sizeof s);
	struct webhook_delivery_filter f = {.webhook_id = hook, .limit = 50};
	int64_t total = 0;
	struct errinfo ei;
	err_clear(&ei);
	if (webhooks_deliveries(&e->app, &e->cli_actor, &f, add_seen, &s, &total, &ei) != ERR_OK)
		fail_msg("deliveries: %s", ei.message);
	assert_int_equal(total, s.n);
	return s;
}

static void test_outbox_matches(void **state)
{
	struct env *e = *state;
	webhooks_set_any(true);
	const struct actor *cli = &e->cli_actor;
	int64_t a = subscribe(e, cli, "http://127.0.0.1:1/a", "[\"request.created\"]", e->community, -1,
	                      ERR_OK, NULL);
	int64_t b = subscribe(e, cli, "http://127.0.0.1:1/b", "[\"request.*\"]", e->street2, -1, ERR_OK,
	                      NULL);
	int64_t c = subscribe(e, cli, "http://127.0.0.1:1/c", "[\"request.accepted\", \"request.closed\"]",
	                      e->district, -1, ERR_OK, NULL);
	int64_t d = subscribe(e, cli, "http://127.0.0.1:1/d", "[\"request.created\"]", e->district, 0,
	                      ERR_OK, NULL);
	int64_t r1 = intake(e, e->grid, "占道经营");
	int64_t r2 = intake(e, e->other_grid, "垃圾满溢");
	struct seen sa = log_of(e, a), sb = log_of(e, b), sc = log_of(e, c), sd = log_of(e, d);
	assert_int_equal(sa.n, 1); /* the community's own request only */
	assert_int_equal(sa.request[0], r1);
	assert_string_equal(sa.events[0], "request.created");
	assert_string_equal(sa.status[0], "pending");
	assert_int_equal(sb.n, 1); /* street 2's */
	assert_int_equal(sb.request[0], r2);
	assert_int_equal(sc.n, 0); /* neither was accepted yet */
	assert_int_equal(sd.n, 2); /* paused: they queue all the same */
	assert_string_not_equal(sd.delivery_id[0], sd.delivery_id[1]);
	assert_string_not_equal(sa.delivery_id[0], sd.delivery_id[1]);
	/* the payload: the event, nothing of the reporter */
	json_t *p = json_loads(sa.payload[0], 0, NULL);
	assert_non_null(p);
	assert_string_equal(json_string_value(json_object_get(p, "event")), "request.created");
	assert_int_equal(json_integer_value(json_object_get(p, "request_id")), r1);
	assert_int_equal(json_integer_value(json_object_get(p, "seq")), 1);
	assert_string_equal(json_string_value(json_object_get(p, "to_state")), "registered");
	assert_true(json_is_null(json_object_get(p, "from_state")));
	assert_int_equal(json_integer_value(json_object_get(p, "area_id")), e->grid);
	assert_int_equal(json_integer_value(json_object_get(p, "category_id")), e->cat);
	json_decref(p);
	assert_null(strstr(sa.payload[0], "5678"));
	assert_null(strstr(sa.payload[0], "王先生"));

	/* an action: only the subscriptions naming it (or request.*) */
	struct action_input in = {.solved = -1};
	struct action_result res;
	struct errinfo ei;
	err_clear(&ei);
	memset(&res, 0, sizeof res);
	if (requests_act(&e->app, &e->cli_actor, r1, RA_ACCEPT, &in, &res, &ei) != ERR_OK)
		fail_msg("accept: %s", ei.message);
	if (requests_act(&e->app, &e->cli_actor, r2, RA_ACCEPT, &in, &res, &ei) != ERR_OK)
		fail_msg("accept: %s", ei.message);
	sa = log_of(e, a);
	sb = log_of(e, b);
	sc = log_of(e, c);
	sd = log_of(e, d);
	assert_int_equal(sa.n, 1);
	assert_int_equal(sb.n, 2);
	assert_string_equal(sb.events[0], "request.accepted");
	assert_int_equal(sc.n, 2);
	assert_string_equal(sc.events[0], "request.accepted");
	assert_string_equal(sc.events[1], "request.accepted");
	assert_int_equal(sd.n, 2);

	/* the fast path: a process that knows of no subscription writes none */
	webhooks_set_any(false);
	int64_t r3 = intake(e, e->grid, "无人订阅时");
	assert_true(r3 > 0);
	assert_int_equal(log_of(e, a).n, 1);
	webhooks_refresh(&e->app); /* reads that there are some */
	intake(e, e->grid, "再次订阅后");
	assert_int_equal(log_of(e, a).n, 2);
}

static void test_refusals(void **state)
{
	struct env *e = *state;
	struct identity narrow = who(0, "district_staff", "110105001");
	struct identity nocap = who(0, "community_staff", "110105001001");
	struct actor an = as(&narrow), ac = as(&nocap);
	subscribe(e, &an, "http://h/x", "[\"request.created\"]", e->community2, -1, ERR_FORBIDDEN,
	          "area_id");
	subscribe(e, &an, "http://h/x", "[\"request.created\"]", e->district, -1, ERR_FORBIDDEN,
	          "area_id");
	int64_t mine = subscribe(e, &an, "http://h/x", "[\"request.created\"]", e->community, -1, ERR_OK,
	                         NULL);
	subscribe(e, &ac, "http://h/x", "[\"request.created\"]", e->community, -1, ERR_FORBIDDEN, NULL);
	subscribe(e, &an, "ftp://h/x", "[\"request.created\"]", e->community, -1, ERR_INVALID, "url");
	subscribe(e, &an, "http://h/x", "[\"request.nope\"]", e->community, -1, ERR_INVALID, "events");
	subscribe(e, &an, "http://h/x", "[]", e->community, -1, ERR_INVALID, "events");
	int64_t wide = subscribe(e, &e->cli_actor, "http://h/y", "[\"request.*\"]", e->district, -1,
	                         ERR_OK, NULL);
	struct webhook_row *w = malloc(sizeof *w);
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(webhooks_get(&e->app, &an, wide, w, &ei), ERR_FORBIDDEN);
	assert_int_equal(webhooks_get(&e->app, &an, mine, w, &ei), ERR_OK);
	assert_int_equal(webhooks_delete(&e->app, &an, wide, &ei), ERR_FORBIDDEN);
	assert_int_equal(webhooks_get(&e->app, &e->cli_actor, wide, w, &ei), ERR_OK);
	assert_int_equal(webhooks_delete(&e->app, &an, mine, &ei), ERR_OK);
	assert_int_equal(webhooks_get(&e->app, &an, mine, w, &ei), ERR_NOTFOUND);
	free(w);
}

static void test_failed_attempt(void **state)
{
	struct env *e = *state;
	webhooks_set_any(true);
	e->app.cfg.webhook_connect_timeout = 1;
	e->app.cfg.webhook_timeout = 2;
	e->app.cfg.webhook_retry_base = 30;
	e->app.cfg.webhook_max_attempts = 2;
	/* port 1 on loopback: nobody listens, the connection is refused */
	int64_t h = subscribe(e, &e->cli_actor, "http://127.0.0.1:1/none", "[\"request.created\"]",
	                      e->street, -1, ERR_OK, NULL);
	intake(e, e->grid, "送不到");
	intake(e, e->grid, "也送不到");
	struct errinfo ei;
	err_clear(&ei);
	int sent = 0;
	/* one attempt per pass at a receiver that failed in it: the second row waits */
	assert_int_equal(webhook_deliver_due(&e->app, &sent, &ei), ERR_OK);
	assert_int_equal(sent, 1);
	assert_int_equal(webhook_deliver_due(&e->app, &sent, &ei), ERR_OK);
	assert_int_equal(sent, 1);
	struct seen s = log_of(e, h);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.status[0], "pending");
	assert_string_equal(s.status[1], "pending");
	/* both retried later, not now */
	assert_int_equal(webhook_deliver_due(&e->app, &sent, &ei), ERR_OK);
	assert_int_equal(sent, 0);
	struct webhook_delivery_row d;
	json_t *attempts = json_array();
	int64_t did = s.id[0];
	assert_int_equal(webhooks_delivery_get(&e->app, &e->cli_actor, h, did, &d, attempts, &ei), ERR_OK);
	assert_true(did > 0);
	assert_int_equal(d.attempts, 1);
	assert_int_equal(d.last_status, 0);
	assert_non_null(strstr(d.last_error, "onnect"));
	int64_t next = store_time_parse(d.next_attempt_at);
	int64_t now = clock_now();
	assert_true(next >= now + 23 && next <= now + 37); /* 30 s ± 20 % */
	assert_int_equal(json_array_size(attempts), 1);
	assert_true(json_is_null(json_object_get(json_array_get(attempts, 0), "status")));
	webhook_delivery_row_clear(&d);
	json_decref(attempts);
	/* not parked: a redelivery by hand is refused */
	assert_int_equal(webhooks_redeliver(&e->app, &e->cli_actor, h, did, &d, &ei), ERR_CONFLICT);
	assert_string_equal(ei.field, "status");
}

struct mark_ctx {
	struct webhook_delivery_row *d;
	const char *status, *at;
};

static enum err mark_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct mark_ctx *x = arg;
	struct webhook_attempt_row at = {.delivery_id = x->d->id, .status = 200, .duration_ms = 5};
	snprintf(at.at, sizeof at.at, "%s", x->at);
	snprintf(x->d->status, sizeof x->d->status, "%s", x->status);
	x->d->attempts = 1;
	x->d->last_status = 200;
	snprintf(x->d->updated_at, sizeof x->d->updated_at, "%s", x->at);
	snprintf(x->d->delivered_at, sizeof x->d->delivered_at, "%s",
	         strcmp(x->status, "delivered") == 0 ? x->at : "");
	return store_webhook_record(c, x->d, &at, ei);
}

/* A ping of hook marked status at `at` (as if sent then). */
static void old_delivery(struct env *e, int64_t hook, const char *status, const char *at)
{
	struct webhook_delivery_row d;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(webhooks_ping(&e->app, &e->cli_actor, hook, &d, &ei), ERR_OK);
	struct mark_ctx x = {&d, status, at};
	assert_int_equal(store_write(e->app.store, mark_fn, &x, &ei), ERR_OK);
	webhook_delivery_row_clear(&d);
}

static void test_purge(void **state)
{
	struct env *e = *state;
	int64_t h = subscribe(e, &e->cli_actor, "http://127.0.0.1:1/p", "[\"request.created\"]",
	                      e->street, 0, ERR_OK, NULL);
	char recent[RQ_TIME];
	store_time_format(clock_now() - 86400, recent);
	old_delivery(e, h, "delivered", "2020-01-01T00:00:00Z");
	old_delivery(e, h, "delivered", "2020-01-02T00:00:00Z");
	old_delivery(e, h, "delivered", recent);
	old_delivery(e, h, "parked", "2020-01-01T00:00:00Z"); /* parked ones stay, however old */
	struct errinfo ei;
	err_clear(&ei);
	int64_t n = -1;
	e->app.cfg.webhook_keep_days = 0; /* for ever */
	assert_int_equal(webhook_purge(&e->app, &n, &ei), ERR_OK);
	assert_int_equal(n, 0);
	assert_int_equal(log_of(e, h).n, 4);
	e->app.cfg.webhook_keep_days = 30;
	assert_int_equal(webhook_purge(&e->app, &n, &ei), ERR_OK);
	assert_int_equal(n, 2);
	struct seen s = log_of(e, h);
	assert_int_equal(s.n, 2);
	assert_true((strcmp(s.status[0], "parked") == 0) != (strcmp(s.status[1], "parked") == 0));
	assert_int_equal(webhook_purge(&e->app, &n, &ei), ERR_OK);
	assert_int_equal(n, 0);
}

int main(void)
{
	fx_print_backend("test_webhooks");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signature),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_event_names),
		cmocka_unit_test_setup_teardown(test_outbox_matches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_attempt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_purge, setup, teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
