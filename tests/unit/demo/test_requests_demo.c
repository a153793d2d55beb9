/* Unit tests for src/demo/requests.c on a fresh migrated database of the
 * environment's backend (LINLI_TEST_PG selects PostgreSQL): the small demo
 * (two streets' registers, the demo taxonomy and rules, 14 days of the seed
 * street's requests) passes rollup-verify, its requests spread over the
 * states with some still open and some overdue, and a second run adds
 * nothing; over 120 days the seed street's close rate and satisfaction
 * (figures_get, the dashboard's sums) come near DOMAIN.md's 98.5% and
 * 99.2%. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../store/fixture.h"
#include "app.h"
#include "auth/crypto.h"
#include "auth/users.h"
#include "cli.h"
#include "demo/categories.h"
#include "demo/registers.h"
#include "demo/request_clones.h"
#include "demo/requests.h"
#include "domain/figures.h"
#include "domain/rollup_verify.h"
#include "util/clock.h"

struct env {
	struct fx_db fx;
	struct app app;
	char keydir[64], keypath[96];
};

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
	snprintf(e->keydir, sizeof e->keydir, "/tmp/linli-rqdemo-XXXXXX");
	if (mkdtemp(e->keydir) == NULL || crypto_init() != ERR_OK) {
		free(e);
		return -1;
	}
	snprintf(e->keypath, sizeof e->keypath, "%s/master.key", e->keydir);
	if (fx_db_create(&e->fx, fx_default_backend()) == 0 &&
	    (rc = fx_db_open_opt(&e->fx, &opt, &ei)) == ERR_OK &&
	    (rc = store_migrate(e->fx.st, NULL, &ei)) == ERR_OK &&
	    (rc = crypto_keys_load(e->keypath, true, &e->app.keys, &ei)) == ERR_OK) {
		e->app.store = e->fx.st;
		config_defaults(&e->app.cfg);
		office_hours_parse("08:30-12:00,14:00-17:30", &e->app.office);
		e->app.office.tz_offset_min = 480;
		rc = roles_seed(&e->app, &ei);
	}
	if (rc != ERR_OK) {
		print_message("# setting up %s: %d %s\n", e->fx.url, rc, ei.message);
		fx_db_destroy(&e->fx);
		unlink(e->keypath);
		rmdir(e->keydir);
		free(e);
		return -1;
	}
	*state = e;
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

struct q_int {
	const char *sql;
	int64_t v;
};

static enum err q_int_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct q_int *q = arg;
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, q->sql, NULL, 0, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	q->v = r == 1 ? store_col_int(s, 0) : -1;
	store_done(s);
	return r == 1 ? ERR_OK : ERR_INTERNAL;
}

static int64_t q_int(struct env *e, const char *sql)
{
	struct q_int q = {.sql = sql};
	struct errinfo ei;
	if (store_read(e->app.store, q_int_fn, &q, &ei) != ERR_OK)
		fail_msg("%s: %s", sql, ei.message);
	return q.v;
}

/* The small demo as init --demo builds it at LINLI_DEMO_SCALE=small. */
static void load(struct env *e, const struct demo_request_options *ro, struct demo_request_stats *s)
{
	struct demo_options o;
	demo_options_default(&o);
	o.seed = 7;
	o.people_per_district = 4000;
	o.streets = 2;
	o.communities_max = 3;
	o.seed_street = false;
	o.threads = 2;
	struct demo_stats ds;
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = demo_registers(&e->app, &o, &ds, &ei);
	if (rc != ERR_OK)
		fail_msg("demo_registers: %d %s", rc, ei.message);
	assert_int_equal(demo_categories_load(&e->app), 0);
	rc = demo_requests(&e->app, ro, s, &ei);
	if (rc != ERR_OK)
		fail_msg("demo_requests: %d %s", rc, ei.message);
}

static void no_diff(void *ctx, const struct rollup_diff *d)
{
	(void)ctx;
	print_message("# %s %lld %s cat %lld %s: stored %lld, recomputed %lld\n", d->unit ? "unit" : "area",
	              (long long)d->id, d->day, (long long)d->category_id, d->counter,
	              (long long)d->stored, (long long)d->recomputed);
}

static void test_small_demo(void **state)
{
	struct env *e = *state;
	struct demo_request_stats s;
	struct demo_request_options small;
	demo_request_options_default(&small, true);
	load(e, &small, &s);
	assert_int_equal(s.failed, 0);
	/* 14 days of about 20 a day */
	assert_in_range(s.requests, 150, 450);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM request"), s.requests);
	assert_true(s.actions > 3 * s.requests);

	/* the roll-ups are what the events recorded */
	struct rollup_verdict v;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(rollup_verify(&e->app, no_diff, NULL, &v, &ei), ERR_OK);
	assert_int_equal(v.differences, 0);
	assert_true(v.events > s.requests);

	/* every request in the seed street's grids, every source, states spread */
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM request WHERE area_code NOT LIKE '110105001%'"), 0);
	assert_int_equal(q_int(e, "SELECT COUNT(DISTINCT source) FROM request"), 5);
	assert_true(q_int(e, "SELECT COUNT(*) FROM request WHERE source = 'hotline'") * 2 > s.requests);
	assert_true(q_int(e, "SELECT COUNT(DISTINCT state) FROM request") >= 4);
	int64_t closed = q_int(e, "SELECT COUNT(*) FROM request WHERE state = 'closed'");
	assert_true(closed * 10 > s.requests * 7);
	assert_true(q_int(e, "SELECT COUNT(*) FROM request WHERE state NOT IN "
	                     "('closed', 'archived', 'cancelled', 'invalid', 'merged')") > 0);
	assert_true(q_int(e, "SELECT COUNT(*) FROM request WHERE lng IS NOT NULL") > 0);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM request WHERE reporter_phone_hash IS NULL OR "
	                          "reporter_name = ''"), 0);
	/* the overdue ones as the scheduler found them now */
	assert_true(s.overdue > 0);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM request WHERE overdue = 1 AND supervision > 0"),
	                 s.overdue);
	assert_true(q_int(e, "SELECT COUNT(*) FROM request_event WHERE action = 'resolve'") > 0);
	assert_true(q_int(e, "SELECT COUNT(*) FROM request_event WHERE action = 'rate'") > 0);
	/* events back-dated over the days, none in the future */
	assert_true(q_int(e, "SELECT COUNT(DISTINCT substr(created_at, 1, 10)) FROM request") >= 12);
	char now[40], sql[160];
	store_time_format(clock_now() + 1, now);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM request_event WHERE at > '%s'", now);
	assert_int_equal(q_int(e, sql), 0);

	/* a demo database holding requests gets none added */
	struct demo_request_stats again;
	struct demo_request_options ro;
	demo_request_options_default(&ro, true);
	assert_int_equal(demo_requests(&e->app, &ro, &again, &ei), ERR_OK);
	assert_int_equal(again.requests, 0);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM request"), s.requests);
}

/* Clones (the benchmark's large histories): copies of the lifecycle's
 * requests on other grids, whose roll-ups still verify against their events. */
static void test_clones(void **state)
{
	struct env *e = *state;
	struct demo_request_stats s;
	struct demo_request_options small;
	demo_request_options_default(&small, true);
	load(e, &small, &s);
	int64_t events = q_int(e, "SELECT COUNT(*) FROM request_event");
	struct request_clone_stats cs;
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = demo_request_clones(&e->app, 2500, 100000, 2, 11, NULL, NULL, &cs, &ei);
	if (rc != ERR_OK)
		fail_msg("demo_request_clones: %d %s", rc, ei.message);
	assert_int_equal(cs.requests, 2500);
	assert_int_equal(cs.templates, s.requests);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM request"), s.requests + 2500);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM request_event"), events + cs.events);
	assert_int_equal(q_int(e, "SELECT COUNT(DISTINCT tracking_code) FROM request"), s.requests + 2500);

	struct rollup_verdict v;
	assert_int_equal(rollup_verify(&e->app, no_diff, NULL, &v, &ei), ERR_OK);
	assert_int_equal(v.differences, 0);
	assert_int_equal(v.events, events + cs.events);

	/* spread over the other street's grids too, each owned inside its own chain */
	assert_true(q_int(e, "SELECT COUNT(*) FROM request WHERE area_code LIKE '110105002%'") > 500);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM request r JOIN area o ON o.id = r.owner_area_id"
	                          " WHERE substr(r.area_code, 1, length(o.code)) <> o.code"), 0);
	/* a clone's events are its template's, a few days earlier at most, none in the future */
	char now[40], sql[200];
	store_time_format(clock_now() + 1, now);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM request_event WHERE at > '%s'", now);
	assert_int_equal(q_int(e, sql), 0);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM request r WHERE NOT EXISTS (SELECT 1 FROM"
	                          " request_event x WHERE x.request_id = r.id AND x.action = 'create')"), 0);
	/* no templates asked for: refused, nothing written */
	struct request_clone_stats none;
	assert_int_equal(demo_request_clones(&e->app, 10, 0, 2, 11, NULL, NULL, &none, &ei), ERR_INVALID);
	assert_int_equal(q_int(e, "SELECT COUNT(*) FROM request"), s.requests + 2500);
}

/* The seed street's close rate and satisfaction as the dashboard sums them
 * (figures_get) over 120 days: enough requests for the shares to show
 * (two weeks hold about one dissatisfied rating, each worth 0.4%). */
static void test_figures(void **state)
{
	struct env *e = *state;
	struct demo_request_stats s;
	struct demo_request_options o;
	demo_request_options_default(&o, true);
	o.days = 120;
	load(e, &o, &s);
	assert_int_equal(s.failed, 0);
	struct rollup_verdict v;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(rollup_verify(&e->app, no_diff, NULL, &v, &ei), ERR_OK);
	assert_int_equal(v.differences, 0);

	int64_t street = q_int(e, "SELECT id FROM area WHERE code = '110105001'");
	char from[16], to[16], buf[40];
	int64_t t = clock_now() + (int64_t)e->app.office.tz_offset_min * 60;
	store_time_format(t - 119 * 86400, buf);
	snprintf(from, sizeof from, "%.10s", buf);
	store_time_format(t, buf);
	snprintf(to, sizeof to, "%.10s", buf);
	struct identity cli;
	struct actor a;
	cli_actor(&a, &cli);
	struct figure_query fq = {.area_id = street, .from = from, .to = to};
	json_t *out = NULL;
	assert_int_equal(figures_get(&e->app, &a, &fq, &out, &ei), ERR_OK);
	json_t *rates = json_object_get(out, "rates");
	double close = json_real_value(json_object_get(rates, "close_rate"));
	double sat = json_real_value(json_object_get(rates, "satisfaction_rate"));
	int64_t rated = json_integer_value(json_object_get(json_object_get(out, "counters"), "rated"));
	print_message("# seed street %s..%s: %lld rated, close rate %.4f, satisfaction %.4f\n", from, to,
	              (long long)rated, close, sat);
	assert_true(rated > 1500);
	/* DOMAIN.md: 98.5% and 99.2%; 120 days have a larger open tail than a year */
	assert_true(close > 0.965 && close < 0.995);
	assert_true(fabs(sat - 0.992) < 0.006);
	/* 微事不出网格: the grid resolves most */
	json_t *share = json_object_get(out, "level_share");
	assert_int_equal(json_array_size(share), FIGURE_LEVELS);
	int64_t grid = json_integer_value(json_object_get(json_array_get(share, 0), "count"));
	for (size_t i = 1; i < json_array_size(share); i++)
		assert_true(grid > json_integer_value(json_object_get(json_array_get(share, i), "count")));
	json_decref(out);
}

int main(void)
{
	fx_print_backend("demo/test_requests_demo");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_small_demo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_figures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clones, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
