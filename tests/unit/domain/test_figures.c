/* Unit tests for src/domain/figures.c, src/store/figures.c and
 * src/domain/rollup_verify.c on a fresh database of the environment's
 * backend (SQLite, or PostgreSQL when LINLI_TEST_PG is set): the formulas
 * of DOMAIN.md (its worked example, the satisfaction and composite weights,
 * held-over cases, no value for a zero denominator, the level share), the
 * configuration keys, figures of an area and a department after requests
 * went through the real lifecycle, the period before and the change,
 * flagged requests, scope refusals with their audit rows, bad periods and
 * categories, league tables with the minimum rated count and shared ranks,
 * the trend by day, week and month, the figures by category, the map; and
 * rollup-verify: no difference on the lifecycle's own rows (also across an
 * area move), every tampered, missing or extra counter found. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../store/fixture.h"
#include "app.h"
#include "auth/caps.h"
#include "auth/users.h"
#include "config.h"
#include "domain/areas.h"
#include "domain/categories.h"
#include "domain/figures.h"
#include "domain/request_flow.h"
#include "domain/requests.h"
#include "domain/rollup_verify.h"
#include "domain/units.h"
#include "limits.h"
#include "store/figures.h"
#include "store/requests.h"
#include "util/clock.h"
#include "util/worktime.h"

struct env {
	struct fx_db fx;
	struct app app;
	char keydir[64], keypath[96];
	struct identity cli;
	struct actor cli_actor;
	int64_t district, street, street2, community, community2, grid, grid2, other_grid;
	char grid_code[AREA_CODE_MAX + 1];
	int64_t water, enterprise;                          /* units */
	int64_t cat_env, cat_env_sub, cat_city, cat_water; /* categories */
	int64_t u_hotline, u_district, u_street, u_community, u_grid, u_water;
	struct identity hotline, district_staff, street_staff, community_staff, grid_worker, water_staff,
		two_scopes, star;
	char today[DATE_TEXT];
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

static int64_t make_area(struct env *e, int64_t parent, const char *code, const char *name,
                         char *code_out)
{
	struct area_input in = {.parent_id = parent, .code = code, .name = name};
	struct area_row out;
	struct errinfo ei;
	err_clear(&ei);
	if (areas_create(&e->app, &e->cli_actor, &in, &out, &ei) != ERR_OK)
		fail_msg("creating %s: %s", name, ei.message);
	if (code_out != NULL)
		snprintf(code_out, AREA_CODE_MAX + 1, "%s", out.code);
	return out.id;
}

static int64_t make_unit(struct env *e, const char *kind, const char *name)
{
	struct unit_input in = {.kind = kind, .name = name, .area_id = e->district};
	struct unit_row out;
	struct errinfo ei;
	err_clear(&ei);
	if (units_create(&e->app, &e->cli_actor, &in, &out, &ei) != ERR_OK)
		fail_msg("creating unit %s: %s", name, ei.message);
	return out.id;
}

static int64_t make_category(struct env *e, const char *code, const char *name, int64_t parent,
                             const char *level, int64_t dept, const char *limit)
{
	struct category_input in = {.code = code, .name = name, .parent_id = parent,
	                            .default_level = level, .limit_normal = limit, .active = -1};
	if (dept > 0) {
		in.set_department = true;
		in.default_department_id = dept;
	}
	struct category_row *out = malloc(sizeof *out);
	struct errinfo ei;
	err_clear(&ei);
	if (categories_create(&e->app, &e->cli_actor, &in, out, &ei) != ERR_OK)
		fail_msg("creating category %s: %s", code, ei.message);
	int64_t id = out->id;
	free(out);
	return id;
}

static int64_t make_user(struct env *e, const char *login, const char *role, const char *scope)
{
	struct user_input in = {.login = login, .display_name = login, .password = "Str0ng#Pass9",
	                        .set_grants = true, .nroles = 1, .nscopes = 1};
	snprintf(in.roles[0], sizeof in.roles[0], "%s", role);
	snprintf(in.scopes[0], sizeof in.scopes[0], "%s", scope);
	struct user_row out;
	struct errinfo ei;
	err_clear(&ei);
	if (users_create(&e->app, &e->cli_actor, &in, &out, &ei) != ERR_OK)
		fail_msg("user %s: %s", login, ei.message);
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
	snprintf(e->keydir, sizeof e->keydir, "/tmp/linli-fig-XXXXXX");
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
	date_format(instant_local_date(clock_now(), 480), e->today);
	e->district = make_area(e, 0, "110105", "朝阳区", NULL);
	e->street = make_area(e, e->district, "110105001", "建外街道", NULL);
	e->street2 = make_area(e, e->district, "110105002", "朝外街道", NULL);
	e->community = make_area(e, e->street, "110105001001", "永安里社区", NULL);
	e->community2 = make_area(e, e->street2, "110105002001", "吉祥里社区", NULL);
	e->grid = make_area(e, e->community, NULL, "一网格", e->grid_code);
	e->grid2 = make_area(e, e->community, NULL, "二网格", NULL);
	e->other_grid = make_area(e, e->community2, NULL, "吉祥一网格", NULL);
	e->water = make_unit(e, "department", "区水务局");
	e->enterprise = make_unit(e, "enterprise", "共建企业");
	e->cat_env = make_category(e, "01", "市容环境", 0, "community", 0, "5d");
	e->cat_env_sub = make_category(e, "0101", "占道经营", e->cat_env, NULL, 0, NULL);
	e->cat_city = make_category(e, "02", "跨区事项", 0, "city", 0, "15d");
	e->cat_water = make_category(e, "03", "供水", 0, "district", e->water, "24h");

	char unit_scope[32];
	snprintf(unit_scope, sizeof unit_scope, "unit:%lld", (long long)e->water);
	e->u_hotline = make_user(e, "hotline", "hotline_operator", "110105");
	e->u_district = make_user(e, "district", "district_staff", "110105");
	e->u_street = make_user(e, "street", "street_staff", "110105001");
	e->u_community = make_user(e, "community", "community_staff", "110105001001");
	e->u_grid = make_user(e, "grid", "grid_worker", e->grid_code);
	e->u_water = make_user(e, "water", "dept_handler", unit_scope);
	e->hotline = who(e->u_hotline, "hotline_operator", "110105");
	e->district_staff = who(e->u_district, "district_staff", "110105");
	e->street_staff = who(e->u_street, "street_staff", "110105001");
	e->community_staff = who(e->u_community, "community_staff", "110105001001");
	e->grid_worker = who(e->u_grid, "grid_worker", e->grid_code);
	e->water_staff = who(e->u_water, "dept_handler", unit_scope);
	e->two_scopes = who(e->u_street, "street_staff", "110105001");
	snprintf(e->two_scopes.scopes[e->two_scopes.nscopes++], SCOPE_MAX + 1, "110105002");
	e->star = who(e->u_district, "district_staff", "*");
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

/* --- helpers ------------------------------------------------------------------------------------ */

static int64_t intake(struct env *e, int64_t category, int64_t area, const char *title)
{
	struct actor a = as(&e->hotline);
	struct request_input in = {.source = "hotline", .kind = "complaint", .category_id = category,
	                           .title = title, .area_id = area, .reporter_name = "王先生",
	                           .reporter_phone = "13812345678"};
	struct request_row *r = malloc(sizeof *r);
	struct errinfo ei;
	err_clear(&ei);
	if (requests_create(&e->app, &a, &in, r, NULL, &ei) != ERR_OK)
		fail_msg("intake %s: %s %s", title, ei.field, ei.message);
	int64_t id = r->id;
	free(r);
	return id;
}

static void act_line(struct env *e, struct identity *id, int64_t rq, enum rq_action action,
                     const struct action_input *in0, int line)
{
	struct actor a = as(id);
	struct action_input in = {.solved = -1};
	if (in0 != NULL)
		in = *in0;
	struct action_result res;
	struct errinfo ei;
	err_clear(&ei);
	if (requests_act(&e->app, &a, rq, action, &in, &res, &ei) != ERR_OK)
		fail_msg("line %d, %s: %s %s", line, rq_action_name(action), ei.field, ei.message);
}
#define ACT(e, id, rq, action, in) act_line(e, id, rq, action, in, __LINE__)

/* A community request from intake to rated and closed. */
static int64_t closed_request(struct env *e, int64_t area, int solved, const char *feedback)
{
	int64_t rq = intake(e, e->cat_env_sub, area, "占道经营");
	ACT(e, &e->hotline, rq, RA_ACCEPT, NULL);
	ACT(e, &e->community_staff, rq, RA_ACKNOWLEDGE, NULL);
	struct action_input result = {.note = "已处置", .solved = -1};
	ACT(e, &e->community_staff, rq, RA_RESOLVE, &result);
	ACT(e, &e->community_staff, rq, RA_VERIFY, NULL);
	struct action_input rating = {.solved = solved, .feedback = feedback};
	ACT(e, &e->hotline, rq, RA_RATE, &rating);
	return rq;
}

static struct figure_query period(const char *from, const char *to)
{
	return (struct figure_query){.from = from, .to = to};
}

typedef enum err (*figures_call)(struct app *app, const struct actor *a,
                                 const struct figure_query *q, json_t **out, struct errinfo *ei);

/* Calls a figures function; checks the outcome and the field named. */
static json_t *call_line(struct env *e, figures_call fn, struct identity *id,
                         const struct figure_query *q, enum err want, const char *field, int line)
{
	struct actor a = as(id);
	json_t *out = NULL;
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = fn(&e->app, &a, q, &out, &ei);
	if (rc != want || (field != NULL && strcmp(ei.field, field) != 0))
		fail_msg("line %d: got %d (%s: %s), want %d %s", line, rc, ei.field, ei.message, want,
		         field ? field : "");
	if (rc != ERR_OK)
		assert_null(out);
	return out;
}
#define CALL(e, fn, id, q) call_line(e, fn, id, q, ERR_OK, NULL, __LINE__)
#define REFUSED(e, fn, id, q, want, field) json_decref(call_line(e, fn, id, q, want, field, __LINE__))

static int64_t counter(json_t *o, const char *name)
{
	json_t *v = json_object_get(json_object_get(o, "counters"), name);
	if (!json_is_integer(v))
		fail_msg("no counter %s", name);
	return json_integer_value(v);
}

/* A rate as a percentage with two decimals (93.72), or -1 for null. */
static double pct(json_t *o, const char *name)
{
	json_t *v = json_object_get(json_object_get(o, "rates"), name);
	if (json_is_null(v))
		return -1;
	assert_true(json_is_number(v));
	return round(json_number_value(v) * 10000) / 100;
}

struct add_ctx {
	bool unit;
	int64_t id, cat;
	const char *day;
	const int64_t *counts;
};

static enum err add_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct add_ctx *x = arg;
	return store_request_rollup_add(c, x->unit, &x->id, 1, x->day, x->cat, x->counts, ei);
}

/* Adds counts to one roll-up row, as an event would (and to no other). */
static void add_row(struct env *e, bool unit, int64_t id, const char *day, int64_t cat,
                    const int64_t counts[RC__MAX])
{
	struct add_ctx x = {.unit = unit, .id = id, .cat = cat, .day = day, .counts = counts};
	struct errinfo ei;
	err_clear(&ei);
	if (store_write(e->app.store, add_fn, &x, &ei) != ERR_OK)
		fail_msg("adding a roll-up row: %s", ei.message);
}

static enum err exec_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	return store_exec(c, arg, NULL, 0, NULL, ei);
}

static void exec_sql(struct env *e, const char *sql)
{
	struct errinfo ei;
	err_clear(&ei);
	if (store_write(e->app.store, exec_fn, (void *)sql, &ei) != ERR_OK)
		fail_msg("%s: %s", sql, ei.message);
}

struct count_ctx {
	const char *sql;
	int64_t n;
};

static enum err count_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct count_ctx *x = arg;
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, x->sql, NULL, 0, &s, ei);
	if (rc != ERR_OK)
		return rc;
	x->n = store_next(s) == 1 ? store_col_int(s, 0) : -1;
	store_done(s);
	return ERR_OK;
}

static int64_t count_sql(struct env *e, const char *sql)
{
	struct count_ctx x = {.sql = sql};
	assert_int_equal(store_read(e->app.store, count_fn, &x, NULL), ERR_OK);
	return x.n;
}

static int64_t denials(struct env *e, const char *object)
{
	char sql[256];
	snprintf(sql, sizeof sql,
	         "SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied' AND object = '%s'", object);
	return count_sql(e, sql);
}

/* --- formulas ----------------------------------------------------------------------------------- */

static void test_formulas(void **state)
{
	(void)state;
	struct config cfg;
	config_defaults(&cfg);
	struct figure_weights w;
	figure_weights_of(&cfg, &w);
	assert_true(w.response == 0.1 && w.solve == 0.5 && w.satisfaction == 0.4 && w.basic == 0.9);
	assert_int_equal(cfg.league_min_rated, 10);

	/* DOMAIN.md's worked example: due 972, closed 911 → 93.72%; on time 737 → 75.82% */
	int64_t c[RC__MAX] = {0};
	c[RC_DUE_TO_CLOSE] = 972;
	c[RC_CLOSED] = 911;
	c[RC_CLOSED_ON_TIME] = 737;
	struct figure_values v;
	figures_compute(c, &w, &v);
	assert_true(round(v.rate[FR_CLOSE] * 10000) / 100 == 93.72);
	assert_true(round(v.rate[FR_ON_TIME] * 10000) / 100 == 75.82);
	/* nothing received, nothing rated: no value, not 0 */
	assert_true(isnan(v.rate[FR_RESPONSE]) && isnan(v.rate[FR_SOLVE]) &&
	            isnan(v.rate[FR_SATISFACTION]) && isnan(v.rate[FR_COMPOSITE]));
	/* cases held over with approval leave the denominator: 911 of 972 − 30 */
	c[RC_HELD_OVER] = 30;
	figures_compute(c, &w, &v);
	assert_true(fabs(v.rate[FR_CLOSE] - 911.0 / 942.0) < 1e-12);

	/* response, solve, satisfaction with the 0.9 weight, composite 0.1/0.5/0.4 */
	int64_t d[RC__MAX] = {0};
	d[RC_RECEIVED] = 110;
	d[RC_INVALID] = 10;
	d[RC_RESPONDED_IN_TIME] = 95;
	d[RC_RATED] = 100;
	d[RC_SOLVED] = 90;
	d[RC_SATISFIED] = 80;
	d[RC_BASICALLY_SATISFIED] = 10;
	d[RC_DISSATISFIED] = 10;
	d[RC_CLOSED] = 4;
	d[RC_HANDLE_MINUTES] = 1000;
	d[RC_LEVEL_GRID] = 1;
	d[RC_LEVEL_COMMUNITY] = 3;
	figures_compute(d, &w, &v);
	assert_true(fabs(v.rate[FR_RESPONSE] - 0.95) < 1e-12);
	assert_true(fabs(v.rate[FR_SOLVE] - 0.90) < 1e-12);
	assert_true(fabs(v.rate[FR_SATISFACTION] - 0.89) < 1e-12);
	assert_true(fabs(v.rate[FR_COMPOSITE] - (0.1 * 0.95 + 0.5 * 0.90 + 0.4 * 0.89)) < 1e-12);
	assert_true(isnan(v.rate[FR_CLOSE]) && isnan(v.rate[FR_ON_TIME])); /* nothing due */
	assert_true(fabs(v.avg_handle_minutes - 250) < 1e-12);
	assert_true(fabs(v.level_share[0] - 0.25) < 1e-12 && fabs(v.level_share[1] - 0.75) < 1e-12);
	assert_true(v.level_share[2] == 0 && v.level_share[4] == 0);
	/* configured weights */
	struct errinfo ei;
	assert_int_equal(config_set(&cfg, "figure_weights", "0.2,0.4,0.4", &ei), ERR_OK);
	assert_int_equal(config_set(&cfg, "satisfaction_weight_basic", "0.5", &ei), ERR_OK);
	figure_weights_of(&cfg, &w);
	figures_compute(d, &w, &v);
	assert_true(fabs(v.rate[FR_SATISFACTION] - 0.85) < 1e-12);
	assert_true(fabs(v.rate[FR_COMPOSITE] - (0.2 * 0.95 + 0.4 * 0.90 + 0.4 * 0.85)) < 1e-12);
	/* no level closed yet: no shares */
	int64_t z[RC__MAX] = {0};
	figures_compute(z, &w, &v);
	for (int i = 0; i < FIGURE_LEVELS; i++)
		assert_true(isnan(v.level_share[i]));
	assert_true(isnan(v.avg_handle_minutes));

	/* the keys refuse what is not a weight */
	static const char *const bad_weights[] = {"", "0.1,0.5", "0.1,0.5,0.5", "0.1;0.5;0.4",
	                                          "-0.1,0.7,0.4", "0.1,0.5,0.4,0", "a,b,c", "0.1,0.5,0.4x"};
	for (size_t i = 0; i < sizeof bad_weights / sizeof bad_weights[0]; i++) {
		err_clear(&ei);
		if (config_set(&cfg, "figure_weights", bad_weights[i], &ei) != ERR_INVALID)
			fail_msg("figure_weights %s accepted", bad_weights[i]);
		assert_string_equal(ei.field, "figure_weights");
	}
	assert_int_equal(config_set(&cfg, "satisfaction_weight_basic", "1.5", &ei), ERR_INVALID);
	assert_int_equal(config_set(&cfg, "league_min_rated", "-1", &ei), ERR_INVALID);
	assert_int_equal(config_set(&cfg, "league_min_rated", "3", &ei), ERR_OK);
	assert_int_equal(cfg.league_min_rated, 3);

	/* every counter and every rate can be sorted and mapped by */
	for (int i = 0; i < RC__MAX; i++) {
		bool found = false;
		for (int k = 0; figure_names[k]; k++)
			found |= strcmp(figure_names[k], rq_counter_names[i]) == 0;
		if (!found)
			fail_msg("figure_names lacks %s", rq_counter_names[i]);
	}
	for (int i = 0; figure_rate_names[i]; i++) {
		bool found = false;
		for (int k = 0; figure_names[k]; k++)
			found |= strcmp(figure_names[k], figure_rate_names[i]) == 0;
		assert_true(found);
	}
	figures_compute(d, &w, &v);
	assert_true(fabs(figure_value("solve_rate", d, &v) - 0.9) < 1e-12);
	assert_true(isnan(figure_value("close_rate", d, &v)));
	assert_true(figure_value("avg_handle_minutes", d, &v) == 250);
	assert_true(figure_value("received", d, &v) == 110);
	assert_true(isnan(figure_value("nonsense", d, &v)));
}

/* --- GET /figures after the real lifecycle ------------------------------------------------------ */

static void test_lifecycle_figures(void **state)
{
	struct env *e = *state;
	closed_request(e, e->grid, 1, "satisfied");
	closed_request(e, e->grid, 1, "basically_satisfied");
	closed_request(e, e->grid2, 0, "satisfied");
	intake(e, e->cat_env, e->grid, "刚登记"); /* received, nothing more */
	int64_t bad = intake(e, e->cat_env, e->grid, "无效");
	struct action_input why = {.reason = "重复来电", .solved = -1};
	ACT(e, &e->hotline, bad, RA_INVALIDATE, &why);
	intake(e, e->cat_env, e->other_grid, "别的街道");

	struct figure_query q = period(e->today, e->today);
	q.area_id = e->street;
	json_t *o = CALL(e, figures_get, &e->street_staff, &q);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "area"), "id")), e->street);
	assert_true(json_is_null(json_object_get(o, "department")));
	assert_string_equal(json_string_value(json_object_get(o, "from")), e->today);
	assert_int_equal(json_integer_value(json_object_get(o, "days")), 1);
	assert_int_equal(counter(o, "received"), 5);
	assert_int_equal(counter(o, "invalid"), 1);
	assert_int_equal(counter(o, "rated"), 3);
	assert_int_equal(counter(o, "closed"), 3);
	assert_int_equal(counter(o, "level_community"), 3);
	/* response 3 in time of 4 valid; solve 2 of 3; satisfaction (2 + 0.9) / 3 */
	assert_true(pct(o, "response_rate") == 75.0);
	assert_true(pct(o, "solve_rate") == 66.67);
	assert_true(pct(o, "satisfaction_rate") == 96.67);
	double composite = 0.1 * 0.75 + 0.5 * 2.0 / 3 + 0.4 * 2.9 / 3;
	assert_true(pct(o, "composite") == round(composite * 10000) / 100);
	assert_true(pct(o, "close_rate") == 100.0); /* 3 closed of 3 accepted (the registered one is not due yet) */
	assert_int_equal(json_integer_value(json_object_get(o, "rework")), 0);
	assert_int_equal(json_integer_value(json_object_get(o, "flagged")), 0);
	assert_true(json_is_number(json_object_get(o, "avg_handle_minutes")));
	json_t *share = json_object_get(o, "level_share");
	assert_int_equal(json_array_size(share), 5);
	assert_string_equal(json_string_value(json_object_get(json_array_get(share, 1), "level")), "community");
	assert_true(json_number_value(json_object_get(json_array_get(share, 1), "share")) == 1.0);
	assert_true(json_number_value(json_object_get(json_object_get(o, "weights"), "solve")) == 0.5);
	/* the period before (yesterday): nothing, so no rates, and the change in counts */
	json_t *prev = json_object_get(o, "previous");
	assert_int_equal(counter(prev, "received"), 0);
	assert_true(pct(prev, "solve_rate") == -1);
	assert_true(json_is_null(json_object_get(prev, "avg_handle_minutes")));
	json_t *change = json_object_get(o, "change");
	assert_int_equal(json_integer_value(json_object_get(change, "received")), 5);
	assert_true(json_is_null(json_object_get(change, "solve_rate")));
	json_decref(o);

	/* the grid has its own; the district all six; the other street one */
	q.area_id = e->grid;
	o = CALL(e, figures_get, &e->community_staff, &q);
	assert_int_equal(counter(o, "received"), 4);
	json_decref(o);
	q.area_id = e->district;
	o = CALL(e, figures_get, &e->district_staff, &q);
	assert_int_equal(counter(o, "received"), 6);
	json_decref(o);
	/* without an area: the caller's one scope */
	q.area_id = 0;
	o = CALL(e, figures_get, &e->community_staff, &q);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "area"), "id")), e->community);
	assert_int_equal(counter(o, "received"), 5);
	json_decref(o);
	/* one top-level category */
	q.area_id = e->street;
	q.category_id = e->cat_water;
	o = CALL(e, figures_get, &e->street_staff, &q);
	assert_int_equal(counter(o, "received"), 0);
	json_decref(o);
	q.category_id = e->cat_env;
	o = CALL(e, figures_get, &e->street_staff, &q);
	assert_int_equal(counter(o, "received"), 5);
	json_decref(o);
}

static void test_department_and_flagged(void **state)
{
	struct env *e = *state;
	/* a water request: the category's department owns it from the dispatch */
	int64_t rq = intake(e, e->cat_water, e->grid, "停水");
	ACT(e, &e->hotline, rq, RA_ACCEPT, NULL);
	ACT(e, &e->water_staff, rq, RA_ACKNOWLEDGE, NULL);
	struct action_input result = {.note = "已恢复供水", .solved = -1};
	/* three failed verifications: flagged */
	for (int i = 0; i < 3; i++) {
		ACT(e, &e->water_staff, rq, RA_RESOLVE, &result);
		struct action_input again = {.note = "仍未恢复", .solved = -1};
		ACT(e, &e->grid_worker, rq, RA_REWORK, &again);
	}
	ACT(e, &e->water_staff, rq, RA_RESOLVE, &result);
	ACT(e, &e->grid_worker, rq, RA_VERIFY, NULL);
	struct action_input rating = {.solved = 1, .feedback = "satisfied"};
	ACT(e, &e->hotline, rq, RA_RATE, &rating);
	closed_request(e, e->grid, 1, "satisfied");

	struct figure_query q = period(e->today, e->today);
	q.department_id = e->water;
	/* the department's own staff, by their unit:N scope, and by default */
	json_t *o = CALL(e, figures_get, &e->water_staff, &q);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "department"), "id")), e->water);
	assert_true(json_is_null(json_object_get(o, "area")));
	assert_int_equal(counter(o, "received"), 1);
	assert_int_equal(counter(o, "closed"), 1);
	assert_int_equal(counter(o, "level_city"), 1);
	assert_int_equal(counter(o, "rework"), 3);
	assert_int_equal(json_integer_value(json_object_get(o, "rework")), 3);
	assert_int_equal(json_integer_value(json_object_get(o, "flagged")), 1);
	json_decref(o);
	q.department_id = 0;
	o = CALL(e, figures_get, &e->water_staff, &q);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "department"), "id")), e->water);
	json_decref(o);
	/* the district sees the department (its area is the district) */
	q.department_id = e->water;
	o = CALL(e, figures_get, &e->district_staff, &q);
	assert_int_equal(counter(o, "received"), 1);
	json_decref(o);
	/* the area: both requests, one flagged; the flagged one in the water class only */
	q.department_id = 0;
	q.area_id = e->community;
	o = CALL(e, figures_get, &e->community_staff, &q);
	assert_int_equal(counter(o, "received"), 2);
	assert_int_equal(json_integer_value(json_object_get(o, "flagged")), 1);
	json_decref(o);
	q.category_id = e->cat_env;
	o = CALL(e, figures_get, &e->community_staff, &q);
	assert_int_equal(json_integer_value(json_object_get(o, "flagged")), 0);
	json_decref(o);
	/* another street has none */
	q.category_id = 0;
	q.area_id = e->street2;
	o = CALL(e, figures_get, &e->district_staff, &q);
	assert_int_equal(json_integer_value(json_object_get(o, "flagged")), 0);
	json_decref(o);
	/* flagged counts requests registered in the period */
	char tomorrow[DATE_TEXT];
	int32_t t;
	assert_int_equal(date_parse(e->today, 10, &t), ERR_OK);
	date_format(t + 1, tomorrow);
	struct figure_query later = period(tomorrow, tomorrow);
	later.area_id = e->community;
	o = CALL(e, figures_get, &e->community_staff, &later);
	assert_int_equal(json_integer_value(json_object_get(o, "flagged")), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "previous"), "flagged")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "change"), "flagged")), -1);
	json_decref(o);
}

/* --- refusals ----------------------------------------------------------------------------------- */

static void test_refusals(void **state)
{
	struct env *e = *state;
	struct figure_query q = period("2030-03-01", "2030-03-31");
	char object[48];
	/* an area outside the scope: 403 naming area, audited */
	q.area_id = e->street2;
	snprintf(object, sizeof object, "area:%lld", (long long)e->street2);
	REFUSED(e, figures_get, &e->street_staff, &q, ERR_FORBIDDEN, "area");
	assert_int_equal(denials(e, object), 1);
	REFUSED(e, figures_trend, &e->street_staff, &q, ERR_FORBIDDEN, "area");
	REFUSED(e, figures_league, &e->street_staff, &q, ERR_FORBIDDEN, "area");
	REFUSED(e, figures_map, &e->street_staff, &q, ERR_FORBIDDEN, "area");
	REFUSED(e, figures_by_category, &e->street_staff, &q, ERR_FORBIDDEN, "area");
	assert_int_equal(denials(e, object), 5);
	/* above the scope too */
	q.area_id = e->district;
	REFUSED(e, figures_get, &e->community_staff, &q, ERR_FORBIDDEN, "area");
	/* an unknown area: 404 */
	q.area_id = 999999;
	REFUSED(e, figures_get, &e->district_staff, &q, ERR_NOTFOUND, "area");
	/* a department: not the caller's, and not in their area scope */
	q.area_id = 0;
	q.department_id = e->water;
	snprintf(object, sizeof object, "unit:%lld", (long long)e->water);
	REFUSED(e, figures_get, &e->community_staff, &q, ERR_FORBIDDEN, "department");
	assert_int_equal(denials(e, object), 1);
	q.department_id = 999999;
	REFUSED(e, figures_get, &e->district_staff, &q, ERR_NOTFOUND, "department");
	q.department_id = e->enterprise;
	REFUSED(e, figures_get, &e->district_staff, &q, ERR_UNPROCESSABLE, "department");
	/* both, or neither with several scopes or "*" */
	q.area_id = e->street;
	q.department_id = e->water;
	REFUSED(e, figures_get, &e->district_staff, &q, ERR_INVALID, "department");
	q.area_id = q.department_id = 0;
	REFUSED(e, figures_get, &e->two_scopes, &q, ERR_INVALID, "area");
	REFUSED(e, figures_get, &e->star, &q, ERR_INVALID, "area");
	/* a league of a department's scope is not a thing */
	REFUSED(e, figures_league, &e->water_staff, &q, ERR_INVALID, "area");

	/* periods */
	q.area_id = e->street;
	struct figure_query p = q;
	p.from = "2030-03-31";
	p.to = "2030-03-01";
	REFUSED(e, figures_get, &e->street_staff, &p, ERR_INVALID, "from");
	p.from = "2030-01-01";
	p.to = "2031-02-05"; /* 401 days */
	REFUSED(e, figures_get, &e->street_staff, &p, ERR_INVALID, "to");
	REFUSED(e, figures_trend, &e->street_staff, &p, ERR_INVALID, "to");
	p.to = "2031-02-04"; /* 400 days: the most */
	json_decref(CALL(e, figures_get, &e->street_staff, &p));
	json_t *t = CALL(e, figures_trend, &e->street_staff, &p);
	assert_int_equal(json_array_size(json_object_get(t, "items")), LIMIT_FIGURE_RANGE_DAYS);
	json_decref(t);
	p.from = "2030-3-01";
	REFUSED(e, figures_get, &e->street_staff, &p, ERR_INVALID, "from");
	p.from = "2030-02-30";
	REFUSED(e, figures_get, &e->street_staff, &p, ERR_INVALID, "from");
	p.from = NULL;
	REFUSED(e, figures_get, &e->street_staff, &p, ERR_INVALID, "from");
	p.from = "2030-03-01";
	p.to = NULL;
	REFUSED(e, figures_get, &e->street_staff, &p, ERR_INVALID, "to");
	/* categories: top-level only */
	p = q;
	p.category_id = e->cat_env_sub;
	REFUSED(e, figures_get, &e->street_staff, &p, ERR_UNPROCESSABLE, "category");
	p.category_id = 999999;
	REFUSED(e, figures_get, &e->street_staff, &p, ERR_NOTFOUND, "category");
	/* figure names, buckets, levels */
	p = q;
	p.sort = "popularity";
	REFUSED(e, figures_league, &e->street_staff, &p, ERR_INVALID, "sort");
	p = q;
	p.figure = "popularity";
	REFUSED(e, figures_map, &e->street_staff, &p, ERR_INVALID, "figure");
	p = q;
	p.by = "year";
	REFUSED(e, figures_trend, &e->street_staff, &p, ERR_INVALID, "by");
	p = q;
	p.area_id = e->community;
	p.level = "street"; /* above the community */
	REFUSED(e, figures_league, &e->street_staff, &p, ERR_UNPROCESSABLE, "level");
	p.level = "building";
	REFUSED(e, figures_league, &e->street_staff, &p, ERR_INVALID, "level");
	p.level = NULL;
	p.area_id = e->grid; /* nothing at grid level or above below a grid */
	REFUSED(e, figures_map, &e->street_staff, &p, ERR_UNPROCESSABLE, "level");
	/* none of these refusals of input wrote a denial */
	snprintf(object, sizeof object, "area:%lld", (long long)e->street);
	assert_int_equal(denials(e, object), 0);
}

/* --- league, map, trend, by category on rows of known days -------------------------------------- */

static void counts_of(int64_t c[RC__MAX], int64_t received, int64_t rated, int64_t solved,
                      int64_t satisfied)
{
	memset(c, 0, sizeof(int64_t) * RC__MAX);
	c[RC_RECEIVED] = received;
	c[RC_RESPONDED_IN_TIME] = received;
	c[RC_RATED] = rated;
	c[RC_SOLVED] = solved;
	c[RC_SATISFIED] = satisfied;
}

static void test_league_and_map(void **state)
{
	struct env *e = *state;
	int64_t c[RC__MAX];
	e->app.cfg.league_min_rated = 10;
	/* communities under the district: one ranked, one under the minimum */
	counts_of(c, 20, 12, 12, 12);
	add_row(e, false, e->community, "2030-03-02", e->cat_env, c);
	counts_of(c, 20, 9, 9, 9);
	add_row(e, false, e->community2, "2030-03-03", e->cat_env, c);
	/* outside the period: not counted */
	counts_of(c, 50, 50, 0, 0);
	add_row(e, false, e->community, "2030-02-28", e->cat_env, c);
	/* grids: 10 rated each; grid and grid2 tie, other_grid lower */
	counts_of(c, 10, 10, 9, 10);
	add_row(e, false, e->grid, "2030-03-05", e->cat_env, c);
	add_row(e, false, e->grid2, "2030-03-06", e->cat_city, c);
	counts_of(c, 10, 10, 5, 5);
	add_row(e, false, e->other_grid, "2030-03-06", e->cat_env, c);

	struct figure_query q = period("2030-03-01", "2030-03-31");
	q.area_id = e->district;
	q.level = "community";
	json_t *o = CALL(e, figures_league, &e->district_staff, &q);
	assert_string_equal(json_string_value(json_object_get(o, "level")), "community");
	assert_string_equal(json_string_value(json_object_get(o, "sort")), "composite");
	assert_int_equal(json_integer_value(json_object_get(o, "min_rated")), 10);
	assert_int_equal(json_integer_value(json_object_get(o, "ranked_count")), 1);
	assert_int_equal(json_integer_value(json_object_get(o, "not_ranked_count")), 1);
	json_t *items = json_object_get(o, "items");
	assert_int_equal(json_array_size(items), 2);
	json_t *first = json_array_get(items, 0), *second = json_array_get(items, 1);
	assert_int_equal(json_integer_value(json_object_get(first, "area_id")), e->community);
	assert_int_equal(json_integer_value(json_object_get(first, "rank")), 1);
	assert_true(json_is_true(json_object_get(first, "ranked")));
	assert_int_equal(json_integer_value(json_object_get(first, "rated")), 12);
	assert_true(json_number_value(json_object_get(first, "value")) == 1.0);
	assert_int_equal(json_integer_value(json_object_get(second, "area_id")), e->community2);
	assert_true(json_is_null(json_object_get(second, "rank")));
	assert_true(json_is_false(json_object_get(second, "ranked")));
	assert_int_equal(counter(second, "received"), 20); /* listed with its counts */
	json_decref(o);

	/* the minimum is configuration */
	e->app.cfg.league_min_rated = 5;
	o = CALL(e, figures_league, &e->district_staff, &q);
	assert_int_equal(json_integer_value(json_object_get(o, "ranked_count")), 2);
	json_decref(o);

	/* the default level below a street is community; grids by solve rate share rank 1 */
	q.level = NULL;
	q.area_id = e->street;
	o = CALL(e, figures_league, &e->street_staff, &q);
	assert_string_equal(json_string_value(json_object_get(o, "level")), "community");
	json_decref(o);
	q.area_id = e->district;
	q.level = "grid";
	q.sort = "solve_rate";
	o = CALL(e, figures_league, &e->district_staff, &q);
	items = json_object_get(o, "items");
	assert_int_equal(json_array_size(items), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "rank")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 1), "rank")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 2), "rank")), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 2), "area_id")), e->other_grid);
	json_decref(o);
	/* ascending: the lowest first */
	q.ascending = true;
	o = CALL(e, figures_league, &e->district_staff, &q);
	items = json_object_get(o, "items");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "area_id")), e->other_grid);
	assert_string_equal(json_string_value(json_object_get(o, "order")), "asc");
	json_decref(o);
	/* one category: grid2's row is another class */
	q.ascending = false;
	q.category_id = e->cat_env;
	o = CALL(e, figures_league, &e->district_staff, &q);
	items = json_object_get(o, "items");
	assert_int_equal(json_integer_value(json_object_get(o, "ranked_count")), 2);
	json_decref(o);

	/* the map: one figure per grid, with the range */
	struct figure_query m = period("2030-03-01", "2030-03-31");
	m.area_id = e->street;
	m.level = "grid";
	m.figure = "solve_rate";
	o = CALL(e, figures_map, &e->street_staff, &m);
	assert_string_equal(json_string_value(json_object_get(o, "figure")), "solve_rate");
	items = json_object_get(o, "items");
	assert_int_equal(json_array_size(items), 2); /* the street's two grids */
	assert_true(json_number_value(json_object_get(json_array_get(items, 0), "value")) == 0.9);
	assert_true(json_number_value(json_object_get(o, "max")) == 0.9);
	json_decref(o);
	m.figure = NULL; /* received by default */
	m.area_id = e->district;
	o = CALL(e, figures_map, &e->district_staff, &m);
	items = json_object_get(o, "items");
	assert_int_equal(json_array_size(items), 3);
	assert_true(json_number_value(json_object_get(json_array_get(items, 2), "value")) == 10);
	assert_true(json_number_value(json_object_get(o, "min")) == 10);
	json_decref(o);
	/* a period with nothing: no value where a rate has no denominator */
	m.from = m.to = "2030-05-01";
	m.figure = "satisfaction_rate";
	o = CALL(e, figures_map, &e->district_staff, &m);
	assert_true(json_is_null(json_object_get(json_array_get(json_object_get(o, "items"), 0), "value")));
	assert_true(json_is_null(json_object_get(o, "min")));
	json_decref(o);
}

static void test_trend_and_categories(void **state)
{
	struct env *e = *state;
	int64_t c[RC__MAX];
	counts_of(c, 3, 2, 1, 2);
	add_row(e, false, e->street, "2030-03-02", e->cat_env, c); /* a Saturday */
	add_row(e, false, e->street, "2030-03-04", e->cat_env, c); /* the Monday after */
	add_row(e, false, e->street, "2030-03-04", e->cat_water, c);
	add_row(e, false, e->street, "2030-04-01", e->cat_env, c);
	add_row(e, true, e->water, "2030-03-04", e->cat_water, c);

	struct figure_query q = period("2030-03-01", "2030-04-02");
	q.area_id = e->street;
	json_t *o = CALL(e, figures_trend, &e->street_staff, &q);
	assert_string_equal(json_string_value(json_object_get(o, "by")), "day");
	json_t *items = json_object_get(o, "items");
	assert_int_equal(json_array_size(items), 33); /* every day, with or without rows */
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "day")), "2030-03-01");
	assert_int_equal(counter(json_array_get(items, 0), "received"), 0);
	assert_true(pct(json_array_get(items, 0), "solve_rate") == -1);
	assert_int_equal(counter(json_array_get(items, 1), "received"), 3);
	assert_int_equal(counter(json_array_get(items, 3), "received"), 6);
	assert_true(pct(json_array_get(items, 3), "solve_rate") == 50.0);
	json_decref(o);
	q.by = "week";
	o = CALL(e, figures_trend, &e->street_staff, &q);
	items = json_object_get(o, "items");
	/* Fri 1 – Sun 3 (cut at from), then from each Monday, the last cut at to */
	assert_int_equal(json_array_size(items), 6);
	json_t *w0 = json_array_get(items, 0), *w1 = json_array_get(items, 1);
	assert_string_equal(json_string_value(json_object_get(w0, "day")), "2030-03-01");
	assert_string_equal(json_string_value(json_object_get(w0, "to")), "2030-03-03");
	assert_int_equal(counter(w0, "received"), 3);
	assert_string_equal(json_string_value(json_object_get(w1, "day")), "2030-03-04");
	assert_string_equal(json_string_value(json_object_get(w1, "to")), "2030-03-10");
	assert_int_equal(counter(w1, "received"), 6);
	json_t *last = json_array_get(items, 5);
	assert_string_equal(json_string_value(json_object_get(last, "day")), "2030-04-01");
	assert_string_equal(json_string_value(json_object_get(last, "to")), "2030-04-02");
	assert_int_equal(counter(last, "received"), 3);
	json_decref(o);
	q.by = "month";
	q.category_id = e->cat_env;
	o = CALL(e, figures_trend, &e->street_staff, &q);
	items = json_object_get(o, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_int_equal(counter(json_array_get(items, 0), "received"), 6);
	assert_int_equal(counter(json_array_get(items, 1), "received"), 3);
	json_decref(o);
	/* a department's trend */
	struct figure_query d = period("2030-03-04", "2030-03-04");
	d.department_id = e->water;
	o = CALL(e, figures_trend, &e->water_staff, &d);
	assert_int_equal(counter(json_array_get(json_object_get(o, "items"), 0), "received"), 3);
	json_decref(o);

	/* by top-level category: every class, zeros included, in code order */
	q.by = NULL;
	q.category_id = 0;
	o = CALL(e, figures_by_category, &e->street_staff, &q);
	items = json_object_get(o, "items");
	assert_int_equal(json_array_size(items), 3);
	json_t *env = json_array_get(items, 0), *city = json_array_get(items, 1),
	       *water = json_array_get(items, 2);
	assert_string_equal(json_string_value(json_object_get(env, "code")), "01");
	assert_string_equal(json_string_value(json_object_get(env, "name")), "市容环境");
	assert_int_equal(counter(env, "received"), 9);
	assert_int_equal(counter(city, "received"), 0);
	assert_true(pct(city, "satisfaction_rate") == -1);
	assert_int_equal(counter(water, "received"), 3);
	assert_true(pct(water, "satisfaction_rate") == 100.0);
	json_decref(o);
	o = CALL(e, figures_by_category, &e->water_staff, &d);
	assert_int_equal(counter(json_array_get(json_object_get(o, "items"), 2), "received"), 3);
	json_decref(o);

	/* the worked example through the whole path: rows → sums → JSON */
	int64_t w[RC__MAX] = {0};
	w[RC_DUE_TO_CLOSE] = 972;
	w[RC_CLOSED] = 911;
	w[RC_CLOSED_ON_TIME] = 737;
	add_row(e, false, e->street2, "2030-06-01", e->cat_env, w);
	memset(w, 0, sizeof w);
	w[RC_CLOSED] = 0; /* a second row of the same day and class adds up */
	add_row(e, false, e->street2, "2030-06-01", e->cat_env, w);
	struct figure_query x = period("2030-06-01", "2030-06-30");
	x.area_id = e->street2;
	o = CALL(e, figures_get, &e->district_staff, &x);
	assert_true(pct(o, "close_rate") == 93.72);
	assert_true(pct(o, "on_time_rate") == 75.82);
	assert_true(pct(o, "response_rate") == -1);
	json_decref(o);
}

/* --- rollup-verify ------------------------------------------------------------------------------ */

struct diffs {
	int n;
	struct rollup_diff d[64];
};

static void collect(void *ctx, const struct rollup_diff *d)
{
	struct diffs *x = ctx;
	if (x->n < 64)
		x->d[x->n] = *d;
	x->n++;
}

static struct rollup_verdict verify(struct env *e, struct diffs *out)
{
	memset(out, 0, sizeof *out);
	struct rollup_verdict v;
	struct errinfo ei;
	err_clear(&ei);
	if (rollup_verify(&e->app, collect, out, &v, &ei) != ERR_OK)
		fail_msg("rollup-verify: %s", ei.message);
	assert_int_equal(v.differences, out->n);
	return v;
}

static void test_rollup_verify(void **state)
{
	struct env *e = *state;
	struct diffs d;
	struct rollup_verdict v = verify(e, &d);
	assert_int_equal(v.days, 0);
	assert_int_equal(d.n, 0);

	closed_request(e, e->grid, 1, "satisfied");
	closed_request(e, e->grid2, 0, "dissatisfied"); /* dissatisfied: waits, not closed */
	int64_t rq = intake(e, e->cat_water, e->other_grid, "停水");
	ACT(e, &e->hotline, rq, RA_ACCEPT, NULL);
	ACT(e, &e->water_staff, rq, RA_ACKNOWLEDGE, NULL);
	v = verify(e, &d);
	assert_int_equal(d.n, 0);
	assert_int_equal(v.days, 1);
	assert_int_equal(v.events, 6 + 6 + 3);
	/* grid, grid2, community, street, district (env); other_grid … district (water) */
	assert_int_equal(v.rows, 9 + 1);

	/* an area moves to another street; the events after it go to the new chain */
	sleep(1); /* an event in the same second as a move counts after it */
	struct area_row moved;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(areas_move(&e->app, &e->cli_actor, e->community, e->street2, &moved, &ei), ERR_OK);
	sleep(1);
	e->community_staff = who(e->u_community, "community_staff", moved.code);
	closed_request(e, e->grid, 1, "satisfied");
	v = verify(e, &d);
	for (int i = 0; i < d.n && i < 64; i++)
		print_message("# %s %lld %s %lld %s: %lld ≠ %lld\n", d.d[i].unit ? "unit" : "area",
		              (long long)d.d[i].id, d.d[i].day, (long long)d.d[i].category_id, d.d[i].counter,
		              (long long)d.d[i].stored, (long long)d.d[i].recomputed);
	assert_int_equal(d.n, 0);
	/* the old street kept what came before the move, the new one got the rest */
	struct figure_query q = period(e->today, e->today);
	q.area_id = e->street;
	json_t *o = CALL(e, figures_get, &e->district_staff, &q);
	assert_int_equal(counter(o, "received"), 2);
	json_decref(o);
	q.area_id = e->street2;
	o = CALL(e, figures_get, &e->district_staff, &q);
	assert_int_equal(counter(o, "received"), 2);
	json_decref(o);

	/* tampered: one counter of one area row */
	char sql[256];
	snprintf(sql, sizeof sql,
	         "UPDATE request_rollup SET closed = closed + 5 WHERE area_id = %lld", (long long)e->street);
	exec_sql(e, sql);
	v = verify(e, &d);
	assert_int_equal(d.n, 1);
	assert_false(d.d[0].unit);
	assert_int_equal(d.d[0].id, e->street);
	assert_string_equal(d.d[0].day, e->today);
	assert_int_equal(d.d[0].category_id, e->cat_env);
	assert_string_equal(d.d[0].counter, "closed");
	assert_int_equal(d.d[0].stored, 6);
	assert_int_equal(d.d[0].recomputed, 1);
	snprintf(sql, sizeof sql,
	         "UPDATE request_rollup SET closed = closed - 5 WHERE area_id = %lld", (long long)e->street);
	exec_sql(e, sql);
	verify(e, &d);
	assert_int_equal(d.n, 0);

	/* a department's row, a missing row, a row nothing explains */
	snprintf(sql, sizeof sql, "UPDATE request_unit_rollup SET received = 7 WHERE unit_id = %lld",
	         (long long)e->water);
	exec_sql(e, sql);
	snprintf(sql, sizeof sql, "DELETE FROM request_rollup WHERE area_id = %lld", (long long)e->grid2);
	exec_sql(e, sql);
	int64_t extra[RC__MAX] = {0};
	extra[RC_OVERDUE] = 2;
	add_row(e, false, e->community2, "2031-01-05", e->cat_city, extra);
	v = verify(e, &d);
	assert_int_equal(v.days, 2);
	bool unit_seen = false, missing_seen = false, extra_seen = false;
	for (int i = 0; i < d.n && i < 64; i++) {
		if (d.d[i].unit && d.d[i].id == e->water && strcmp(d.d[i].counter, "received") == 0 &&
		    d.d[i].stored == 7 && d.d[i].recomputed == 1)
			unit_seen = true;
		if (!d.d[i].unit && d.d[i].id == e->grid2 && strcmp(d.d[i].counter, "received") == 0 &&
		    d.d[i].stored == 0 && d.d[i].recomputed == 1)
			missing_seen = true;
		if (!d.d[i].unit && d.d[i].id == e->community2 && strcmp(d.d[i].day, "2031-01-05") == 0 &&
		    strcmp(d.d[i].counter, "overdue") == 0 && d.d[i].stored == 2 && d.d[i].recomputed == 0)
			extra_seen = true;
	}
	assert_true(unit_seen && missing_seen && extra_seen);
	/* a day that is no date is compared with nothing */
	exec_sql(e, "UPDATE request_rollup SET day = '2031-1-5' WHERE day = '2031-01-05'");
	verify(e, &d);
	bool text_seen = false;
	for (int i = 0; i < d.n && i < 64; i++)
		text_seen |= strcmp(d.d[i].day, "2031-1-5") == 0 && strcmp(d.d[i].counter, "overdue") == 0;
	assert_true(text_seen);
}

int main(void)
{
	fx_print_backend("test_figures");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formulas),
		cmocka_unit_test_setup_teardown(test_lifecycle_figures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_department_and_flagged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_league_and_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trend_and_categories, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollup_verify, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
