/* Unit tests for src/domain/requests.c (with src/store/requests.c and the
 * flow table) on a fresh database of the environment's backend (SQLite, or
 * PostgreSQL when LINLI_TEST_PG is set): the lifecycle from intake to
 * archive with its events and roll-ups up the area chain, refusals by
 * state, scope and relation, the version check, pause and extensions with
 * their cap, escalation and the whistle, returns, merges, cancellation by
 * the reporter, one rating only (also through the public proof), the
 * overdue sweep (idempotent, notice, public notice), lists, queues, text
 * search and duplicates, and roll-ups equal to a recomputation after a
 * random sequence of actions. */
#include "testutil.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../store/fixture.h"
#include "app.h"
#include "auth/caps.h"
#include "auth/users.h"
#include "domain/areas.h"
#include "domain/calendar.h"
#include "domain/categories.h"
#include "domain/request_flow.h"
#include "domain/request_scheduler.h"
#include "domain/requests.h"
#include "domain/units.h"
#include "store/notifications.h"
#include "store/requests.h"
#include "util/clock.h"

struct env {
	struct fx_db fx;
	struct app app;
	char keydir[64], keypath[96];
	struct identity cli;
	struct actor cli_actor;
	int64_t district, street, street2, community, community2, grid, grid2, other_grid;
	char grid_code[AREA_CODE_MAX + 1];
	int64_t water, cityadmin;      /* departments */
	int64_t cat_env, cat_env_sub, cat_city, cat_water; /* categories */
	/* staff: real users (notifications find them), identities built from their roles */
	int64_t u_hotline, u_district, u_street, u_community, u_grid, u_water, u_cityadmin, u_other,
		u_resident, u_resident2;
	struct identity hotline, district_staff, street_staff, community_staff, grid_worker, water_staff,
		cityadmin_staff, other_staff, resident, resident2;
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

static int64_t make_unit(struct env *e, const char *name)
{
	struct unit_input in = {.kind = "department", .name = name, .area_id = e->district};
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
	snprintf(e->keydir, sizeof e->keydir, "/tmp/linli-rq-XXXXXX");
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
	e->district = make_area(e, 0, "110105", "朝阳区", NULL);
	e->street = make_area(e, e->district, "110105001", "建外街道", NULL);
	e->street2 = make_area(e, e->district, "110105002", "朝外街道", NULL);
	e->community = make_area(e, e->street, "110105001001", "永安里社区", NULL);
	e->community2 = make_area(e, e->street2, "110105002001", "吉祥里社区", NULL);
	e->grid = make_area(e, e->community, NULL, "一网格", e->grid_code);
	e->grid2 = make_area(e, e->community, NULL, "二网格", NULL);
	e->other_grid = make_area(e, e->community2, NULL, "吉祥一网格", NULL);
	e->water = make_unit(e, "区水务局");
	e->cityadmin = make_unit(e, "区城管委");
	e->cat_env = make_category(e, "01", "市容环境", 0, "community", 0, "5d");
	e->cat_env_sub = make_category(e, "0101", "占道经营", e->cat_env, NULL, 0, NULL);
	e->cat_city = make_category(e, "02", "跨区事项", 0, "city", 0, "15d");
	e->cat_water = make_category(e, "03", "供水", 0, "district", e->water, "24h");

	char unit_scope[32];
	e->u_hotline = make_user(e, "hotline", "hotline_operator", "110105");
	e->u_district = make_user(e, "district", "district_staff", "110105");
	e->u_street = make_user(e, "street", "street_staff", "110105001");
	e->u_community = make_user(e, "community", "community_staff", "110105001001");
	e->u_grid = make_user(e, "grid", "grid_worker", e->grid_code);
	snprintf(unit_scope, sizeof unit_scope, "unit:%lld", (long long)e->water);
	e->u_water = make_user(e, "water", "dept_handler", unit_scope);
	e->water_staff = who(e->u_water, "dept_handler", unit_scope);
	snprintf(unit_scope, sizeof unit_scope, "unit:%lld", (long long)e->cityadmin);
	e->u_cityadmin = make_user(e, "cityadmin", "dept_handler", unit_scope);
	e->cityadmin_staff = who(e->u_cityadmin, "dept_handler", unit_scope);
	e->u_other = make_user(e, "other", "community_staff", "110105002001");
	e->u_resident = make_user(e, "resident", "resident", "110105001001");
	e->u_resident2 = make_user(e, "resident2", "resident", "110105001001");
	e->hotline = who(e->u_hotline, "hotline_operator", "110105");
	e->district_staff = who(e->u_district, "district_staff", "110105");
	e->street_staff = who(e->u_street, "street_staff", "110105001");
	e->community_staff = who(e->u_community, "community_staff", "110105001001");
	e->grid_worker = who(e->u_grid, "grid_worker", e->grid_code);
	e->other_staff = who(e->u_other, "community_staff", "110105002001");
	e->resident = who(e->u_resident, "resident", "110105001001");
	e->resident2 = who(e->u_resident2, "resident", "110105001001");
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

/* --- helpers ------------------------------------------------------------------------------ */

static int64_t intake(struct env *e, struct identity *id, int64_t category, int64_t area,
                      const char *title, enum err want)
{
	struct actor a = as(id);
	struct request_input in = {.source = "hotline", .kind = "complaint", .category_id = category,
	                           .title = title, .area_id = area, .reporter_name = "王先生",
	                           .reporter_phone = "13812345678"};
	struct request_row *r = malloc(sizeof *r);
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = requests_create(&e->app, &a, &in, r, NULL, &ei);
	if (rc != want)
		fail_msg("intake %s: got %d (%s %s), want %d", title, rc, ei.field, ei.message, want);
	int64_t made = rc == ERR_OK ? r->id : 0;
	if (rc == ERR_OK) {
		assert_string_equal(r->state, "registered");
		assert_int_equal(strlen(r->tracking_code), RQ_TRACKING_LEN);
		assert_string_equal(r->reporter_phone_masked, "138****5678");
		assert_int_equal(r->version, 1);
	}
	free(r);
	return made;
}

static enum err act_full(struct env *e, struct identity *id, int64_t rq, enum rq_action action,
                         const struct action_input *in0, struct action_result *res,
                         struct errinfo *ei)
{
	struct actor a = as(id);
	struct action_input in = {.solved = -1};
	if (in0 != NULL)
		in = *in0;
	err_clear(ei);
	return requests_act(&e->app, &a, rq, action, &in, res, ei);
}

/* Runs an action and checks its outcome (and the field of a refusal). */
static void act_check(struct env *e, struct identity *id, int64_t rq, enum rq_action action,
                      const struct action_input *in, enum err want, const char *fld, int line)
{
	struct action_result res;
	struct errinfo ei;
	enum err rc = act_full(e, id, rq, action, in, &res, &ei);
	if (rc != want || (fld != NULL && strcmp(ei.field, fld) != 0))
		fail_msg("line %d, %s: got %d (%s: %s), want %d %s", line, rq_action_name(action), rc,
		         ei.field, ei.message, want, fld ? fld : "");
}
#define ACT(e, id, rq, action, in, want, fld) act_check(e, id, rq, action, in, want, fld, __LINE__)

static enum err get_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct request_row *r = arg;
	return store_request_get(c, r->id, r, ei);
}

static struct request_row *row_of(struct env *e, int64_t id)
{
	static struct request_row r;
	memset(&r, 0, sizeof r);
	r.id = id;
	assert_int_equal(store_read(e->app.store, get_fn, &r, NULL), ERR_OK);
	return &r;
}

static const char *state_of(struct env *e, int64_t id)
{
	return row_of(e, id)->state;
}

struct sum_ctx {
	bool unit;
	int64_t id;
	int64_t counts[RC__MAX];
};

static enum err sum_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct sum_ctx *x = arg;
	return store_request_rollup_sum(c, x->unit, x->id, "0000-01-01", "9999-12-31", 0, x->counts, ei);
}

static int64_t rolled(struct env *e, bool unit, int64_t id, enum rq_counter k)
{
	struct sum_ctx x = {.unit = unit, .id = id};
	assert_int_equal(store_read(e->app.store, sum_fn, &x, NULL), ERR_OK);
	return x.counts[k];
}

static enum err unread_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	int64_t *x = arg;
	return store_notification_unread(c, x[0], &x[1], ei);
}

/* Unread notifications of a user. */
static int64_t unread(struct env *e, int64_t user)
{
	int64_t x[2] = {user, 0};
	assert_int_equal(store_read(e->app.store, unread_fn, x, NULL), ERR_OK);
	return x[1];
}

struct ev_list {
	int n;
	char action[64][24];
	char to[64][24];
	int seq[64];
	char data[64][512];
};

static void add_ev(void *ctx, const struct request_event_row *ev)
{
	struct ev_list *l = ctx;
	if (l->n < 64) {
		snprintf(l->action[l->n], 24, "%s", ev->action);
		snprintf(l->to[l->n], 24, "%s", ev->to_state);
		snprintf(l->data[l->n], 512, "%s", ev->data);
		l->seq[l->n++] = ev->seq;
	}
}

struct ev_ctx {
	int64_t id;
	struct ev_list *l;
};

static enum err ev_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct ev_ctx *x = arg;
	return store_request_events(c, x->id, add_ev, x->l, ei);
}

static struct ev_list *events_of(struct env *e, int64_t id)
{
	static struct ev_list l;
	memset(&l, 0, sizeof l);
	struct ev_ctx x = {id, &l};
	assert_int_equal(store_read(e->app.store, ev_fn, &x, NULL), ERR_OK);
	return &l;
}

/* --- the lifecycle ------------------------------------------------------------------------------ */

static void test_lifecycle(void **state)
{
	struct env *e = *state;
	int64_t rq = intake(e, &e->hotline, e->cat_env_sub, e->grid, "楼下占道经营", ERR_OK);
	/* received on the grid and every ancestor, in the top category */
	int64_t chain[] = {e->grid, e->community, e->street, e->district};
	for (int i = 0; i < 4; i++)
		assert_int_equal(rolled(e, false, chain[i], RC_RECEIVED), 1);
	assert_int_equal(rolled(e, false, e->street2, RC_RECEIVED), 0);
	assert_int_not_equal(row_of(e, rq)->due_at[0], '\0'); /* accepting has a deadline too */

	ACT(e, &e->hotline, rq, RA_ACCEPT, NULL, ERR_OK, NULL);
	struct request_row *r = row_of(e, rq);
	assert_string_equal(r->state, "dispatched"); /* the category's default: the community */
	assert_int_equal(r->owner_area_id, e->community);
	assert_string_equal(r->owner_level, "community");
	assert_true(store_time_parse(r->due_at) > clock_now());
	assert_true(unread(e, e->u_community) >= 1); /* told it was dispatched */

	/* the grid worker is not the owner; the hotline has no request.handle */
	ACT(e, &e->grid_worker, rq, RA_ACKNOWLEDGE, NULL, ERR_FORBIDDEN, "relation");
	ACT(e, &e->hotline, rq, RA_ACKNOWLEDGE, NULL, ERR_FORBIDDEN, "capability");
	ACT(e, &e->other_staff, rq, RA_ACKNOWLEDGE, NULL, ERR_FORBIDDEN, "relation");
	ACT(e, &e->community_staff, rq, RA_RESOLVE, NULL, ERR_CONFLICT, "state");
	ACT(e, &e->community_staff, rq, RA_ACKNOWLEDGE, NULL, ERR_OK, NULL);
	r = row_of(e, rq);
	assert_string_equal(r->state, "handling");
	assert_string_equal(r->handle_due_at, r->due_at);
	/* 5 working days from now: more than 4 calendar days away */
	assert_true(store_time_parse(r->handle_due_at) > clock_now() + 4 * 86400);
	struct action_input no_note = {.solved = -1};
	ACT(e, &e->community_staff, rq, RA_RESOLVE, &no_note, ERR_INVALID, "note");
	struct action_input result = {.note = "已清理,摊位已劝离", .solved = -1};
	ACT(e, &e->community_staff, rq, RA_RESOLVE, &result, ERR_OK, NULL);
	assert_string_equal(state_of(e, rq), "handled");
	ACT(e, &e->grid_worker, rq, RA_VERIFY, NULL, ERR_OK, NULL);
	assert_string_equal(state_of(e, rq), "waiting_feedback");
	/* a rating by someone who is neither the follow-up operator nor the reporter */
	struct action_input rating = {.solved = 1, .feedback = "satisfied"};
	ACT(e, &e->resident, rq, RA_RATE, &rating, ERR_FORBIDDEN, NULL);
	ACT(e, &e->hotline, rq, RA_RATE, &rating, ERR_OK, NULL);
	r = row_of(e, rq);
	assert_string_equal(r->state, "closed");
	assert_string_equal(r->feedback, "satisfied");
	assert_int_equal(r->solved, 1);
	assert_string_equal(r->handling_level, "community");
	assert_int_equal(r->due_at[0], '\0');
	ACT(e, &e->hotline, rq, RA_RATE, &rating, ERR_CONFLICT, "state");
	ACT(e, &e->district_staff, rq, RA_ARCHIVE, NULL, ERR_OK, NULL);
	/* a state that does not allow it: 409 naming the state */
	struct action_result res;
	struct errinfo ei;
	assert_int_equal(act_full(e, &e->hotline, rq, RA_ACCEPT, NULL, &res, &ei), ERR_CONFLICT);
	assert_string_equal(ei.field, "state");
	assert_string_equal(res.state, "archived");
	assert_non_null(strstr(ei.message, "archived"));

	struct ev_list *ev = events_of(e, rq);
	static const char *const want[] = {"create", "accept", "acknowledge", "resolve", "verify",
	                                   "rate", "archive"};
	assert_int_equal(ev->n, 7);
	for (int i = 0; i < 7; i++) {
		assert_int_equal(ev->seq[i], i + 1);
		assert_string_equal(ev->action[i], want[i]);
	}
	assert_int_equal(row_of(e, rq)->version, 7);
	static const struct {
		enum rq_counter k;
		int64_t n;
	} sums[] = {{RC_RECEIVED, 1}, {RC_DISPATCHED, 1}, {RC_DUE_TO_CLOSE, 1}, {RC_RESPONDED, 1},
	            {RC_RESPONDED_IN_TIME, 1}, {RC_RESOLVED, 1}, {RC_CLOSED, 1}, {RC_CLOSED_ON_TIME, 1},
	            {RC_RATED, 1}, {RC_SOLVED, 1}, {RC_SATISFIED, 1}, {RC_LEVEL_COMMUNITY, 1},
	            {RC_INVALID, 0}, {RC_REWORK, 0}, {RC_OVERDUE, 0}, {RC_LEVEL_GRID, 0}};
	for (int i = 0; i < 4; i++)
		for (size_t k = 0; k < sizeof sums / sizeof sums[0]; k++)
			if (rolled(e, false, chain[i], sums[k].k) != sums[k].n)
				fail_msg("area %lld: %s is %lld, want %lld", (long long)chain[i],
				         rq_counter_names[sums[k].k], (long long)rolled(e, false, chain[i], sums[k].k),
				         (long long)sums[k].n);

	/* refusals at intake: out of the scope, an unknown category, a closed area */
	intake(e, &e->other_staff, e->cat_env, e->grid, "别人的网格", ERR_FORBIDDEN);
	intake(e, &e->hotline, 999999, e->grid, "未知分类", ERR_INVALID);
	intake(e, &e->hotline, e->cat_env, 999999, "未知区域", ERR_INVALID);
	/* answered on the call: closed at once, counted as responded and closed */
	int64_t q = intake(e, &e->hotline, e->cat_env, e->grid2, "咨询办事时间", ERR_OK);
	struct action_input answer = {.note = "工作日 9 点到 17 点", .solved = -1};
	ACT(e, &e->hotline, q, RA_ANSWER, &answer, ERR_OK, NULL);
	assert_string_equal(state_of(e, q), "closed");
	assert_string_equal(row_of(e, q)->handling_level, "district");
	assert_int_equal(rolled(e, false, e->district, RC_CLOSED), 2);
	assert_int_equal(rolled(e, false, e->district, RC_LEVEL_DISTRICT), 1);
}

/* The version: a stale one is refused; a lost race writes nothing. */
struct race {
	int64_t id;
	bool won1, won2;
};

static enum err race_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct race *x = arg;
	struct request_row *a = malloc(sizeof *a), *b = malloc(sizeof *b);
	enum err rc = store_request_get(c, x->id, a, ei);
	if (rc == ERR_OK)
		rc = store_request_get(c, x->id, b, ei);
	snprintf(a->urgency, sizeof a->urgency, "urgent");
	if (rc == ERR_OK)
		rc = store_request_update(c, a, &x->won1, ei);
	if (rc == ERR_OK)
		rc = store_request_update(c, b, &x->won2, ei); /* read at the same version */
	free(a);
	free(b);
	return rc;
}

static void test_version(void **state)
{
	struct env *e = *state;
	int64_t rq = intake(e, &e->hotline, e->cat_env, e->grid, "版本", ERR_OK);
	struct action_input stale = {.solved = -1, .version = 5};
	ACT(e, &e->hotline, rq, RA_ACCEPT, &stale, ERR_CONFLICT, "version");
	struct action_input fresh = {.solved = -1, .version = 1};
	ACT(e, &e->hotline, rq, RA_ACCEPT, &fresh, ERR_OK, NULL);
	ACT(e, &e->hotline, rq, RA_ACCEPT, &fresh, ERR_CONFLICT, NULL);
	struct race x = {.id = rq};
	assert_int_equal(store_write(e->app.store, race_fn, &x, NULL), ERR_OK);
	assert_true(x.won1);
	assert_false(x.won2);
	struct request_row *r = row_of(e, rq);
	assert_int_equal(r->version, 3);
	assert_string_equal(r->urgency, "urgent");
}

/* waiting_reporter stops the clock; extensions move the handle deadline, 10 working days at most. */
static void test_pause_and_extensions(void **state)
{
	struct env *e = *state;
	int64_t rq = intake(e, &e->hotline, e->cat_env, e->grid, "延期", ERR_OK);
	ACT(e, &e->hotline, rq, RA_ACCEPT, NULL, ERR_OK, NULL);
	ACT(e, &e->community_staff, rq, RA_ACKNOWLEDGE, NULL, ERR_OK, NULL);
	int64_t due0 = store_time_parse(row_of(e, rq)->handle_due_at);
	struct action_input ask = {.note = "请补充具体门牌号", .solved = -1};
	ACT(e, &e->community_staff, rq, RA_WAIT_REPORTER, &ask, ERR_OK, NULL);
	struct request_row *r = row_of(e, rq);
	assert_string_equal(r->state, "waiting_reporter");
	assert_int_not_equal(r->paused_at[0], '\0');
	assert_int_equal(r->sweep_at[0], '\0'); /* the scheduler does not look at a paused request */
	ACT(e, &e->community_staff, rq, RA_RESUME, NULL, ERR_OK, NULL);
	r = row_of(e, rq);
	assert_int_equal(r->paused_at[0], '\0');
	assert_true(store_time_parse(r->handle_due_at) >= due0);

	struct action_input six = {.days = 6, .reason = "需协调物业", .solved = -1};
	ACT(e, &e->community_staff, rq, RA_REQUEST_EXTENSION, &six, ERR_OK, NULL);
	assert_int_equal(row_of(e, rq)->extension_asked, 6);
	assert_true(unread(e, e->u_street) >= 1); /* the office above approves */
	/* the superior approves: the street above the community; not the community itself */
	ACT(e, &e->community_staff, rq, RA_APPROVE_EXTENSION, NULL, ERR_FORBIDDEN, "relation");
	int64_t before = store_time_parse(row_of(e, rq)->handle_due_at);
	ACT(e, &e->street_staff, rq, RA_APPROVE_EXTENSION, NULL, ERR_OK, NULL);
	r = row_of(e, rq);
	assert_int_equal(r->extension_days, 6);
	assert_int_equal(r->extension_asked, 0);
	int64_t want = 0;
	struct errinfo ei;
	assert_int_equal(calendar_deadline(e->app.store, &e->app.office, before, 0, 6, &want, &ei), ERR_OK);
	assert_int_equal(store_time_parse(r->handle_due_at), want);
	assert_int_equal(rolled(e, false, e->district, RC_HELD_OVER), 1);
	/* past the cap: 5 more would make 11 */
	struct action_input five = {.days = 5, .reason = "还要更久", .solved = -1};
	ACT(e, &e->community_staff, rq, RA_REQUEST_EXTENSION, &five, ERR_UNPROCESSABLE, "days");
	struct action_input four = {.days = 4, .reason = "最后一次", .solved = -1};
	ACT(e, &e->community_staff, rq, RA_REQUEST_EXTENSION, &four, ERR_OK, NULL);
	struct action_input no = {.note = "不予延期", .solved = -1};
	ACT(e, &e->street_staff, rq, RA_REFUSE_EXTENSION, &no, ERR_OK, NULL);
	assert_int_equal(row_of(e, rq)->extension_days, 6);
	ACT(e, &e->community_staff, rq, RA_REQUEST_EXTENSION, &four, ERR_OK, NULL);
	ACT(e, &e->street_staff, rq, RA_APPROVE_EXTENSION, NULL, ERR_OK, NULL);
	assert_int_equal(row_of(e, rq)->extension_days, 10);
	struct action_input one = {.days = 1, .reason = "再延一天", .solved = -1};
	ACT(e, &e->community_staff, rq, RA_REQUEST_EXTENSION, &one, ERR_UNPROCESSABLE, "extension_days");
	assert_int_equal(rolled(e, false, e->district, RC_HELD_OVER), 1); /* counted once */
}

/* Up one level at a time; a whistle summons departments who must finish before resolving. */
static void test_escalate_and_whistle(void **state)
{
	struct env *e = *state;
	int64_t rq = intake(e, &e->hotline, e->cat_env, e->grid, "多部门", ERR_OK);
	ACT(e, &e->hotline, rq, RA_ACCEPT, NULL, ERR_OK, NULL);
	struct action_input why = {.reason = "超出社区能力", .solved = -1};
	ACT(e, &e->community_staff, rq, RA_ESCALATE, NULL, ERR_INVALID, "reason");
	ACT(e, &e->community_staff, rq, RA_ESCALATE, &why, ERR_OK, NULL);
	struct request_row *r = row_of(e, rq);
	assert_string_equal(r->state, "dispatched");
	assert_int_equal(r->owner_area_id, e->street);
	assert_string_equal(r->owner_level, "street");
	ACT(e, &e->street_staff, rq, RA_ACKNOWLEDGE, NULL, ERR_OK, NULL);
	/* the whistle: one lead, co-handlers, each with a part */
	int64_t co[] = {e->cityadmin};
	const char *parts[] = {"拆除违建"};
	struct action_input none = {.solved = -1};
	ACT(e, &e->street_staff, rq, RA_WHISTLE, &none, ERR_INVALID, "lead_unit_id");
	struct action_input w = {.lead_unit_id = e->water, .lead_part = "管网抢修", .co_unit_ids = co,
	                         .co_parts = parts, .nco = 1, .nco_parts = 1, .solved = -1};
	ACT(e, &e->street_staff, rq, RA_WHISTLE, &w, ERR_OK, NULL);
	ACT(e, &e->street_staff, rq, RA_WHISTLE, &w, ERR_CONFLICT, "lead_unit_id");
	assert_true(unread(e, e->u_water) >= 1);
	assert_true(unread(e, e->u_cityadmin) >= 1);
	struct action_input result = {.note = "已处置", .solved = -1};
	ACT(e, &e->street_staff, rq, RA_RESOLVE, &result, ERR_UNPROCESSABLE, "parties");
	/* the departments report in and finish their parts; the others are no party */
	ACT(e, &e->water_staff, rq, RA_PART_DONE, &result, ERR_UNPROCESSABLE, "parties");
	ACT(e, &e->water_staff, rq, RA_REPORT_IN, NULL, ERR_OK, NULL);
	ACT(e, &e->water_staff, rq, RA_REPORT_IN, NULL, ERR_UNPROCESSABLE, "parties");
	ACT(e, &e->grid_worker, rq, RA_REPORT_IN, NULL, ERR_FORBIDDEN, NULL);
	struct action_input done = {.note = "管网已修复", .solved = -1};
	ACT(e, &e->water_staff, rq, RA_PART_DONE, &done, ERR_OK, NULL);
	ACT(e, &e->cityadmin_staff, rq, RA_REPORT_IN, NULL, ERR_OK, NULL);
	ACT(e, &e->street_staff, rq, RA_RESOLVE, &result, ERR_UNPROCESSABLE, "parties");
	ACT(e, &e->cityadmin_staff, rq, RA_PART_DONE, &done, ERR_OK, NULL);
	ACT(e, &e->street_staff, rq, RA_RESOLVE, &result, ERR_OK, NULL);
	assert_string_equal(row_of(e, rq)->handling_level, "street");

	/* up from a district: to a department, the category's own or the one named */
	int64_t q = intake(e, &e->hotline, e->cat_env, e->grid, "上报到区", ERR_OK);
	struct action_input to_district = {.owner_area_id = e->district, .solved = -1};
	ACT(e, &e->hotline, q, RA_ACCEPT, NULL, ERR_OK, NULL);
	ACT(e, &e->district_staff, q, RA_REDISPATCH, &to_district, ERR_OK, NULL);
	assert_int_equal(row_of(e, q)->owner_area_id, e->district);
	ACT(e, &e->district_staff, q, RA_ESCALATE, &why, ERR_UNPROCESSABLE, "owner_unit_id");
	struct action_input to_dept = {.reason = "属部门职责", .owner_unit_id = e->water, .solved = -1};
	ACT(e, &e->district_staff, q, RA_ESCALATE, &to_dept, ERR_OK, NULL);
	struct request_row *rr = row_of(e, q);
	assert_int_equal(rr->owner_unit_id, e->water);
	assert_string_equal(rr->owner_level, "city");
	assert_int_equal(rolled(e, true, e->water, RC_RECEIVED), 1);
	/* a department has nothing above it */
	ACT(e, &e->water_staff, q, RA_ESCALATE, &why, ERR_UNPROCESSABLE, "owner");
	ACT(e, &e->water_staff, q, RA_ACKNOWLEDGE, NULL, ERR_OK, NULL);
	assert_int_equal(rolled(e, true, e->water, RC_RESPONDED), 1);
}

/* Returns are reviewed; the reporter withdraws; duplicates merge; answers go to the reporter. */
static void test_return_cancel_merge(void **state)
{
	struct env *e = *state;
	int64_t rq = intake(e, &e->hotline, e->cat_water, e->grid, "停水", ERR_OK);
	ACT(e, &e->hotline, rq, RA_ACCEPT, NULL, ERR_OK, NULL);
	assert_int_equal(row_of(e, rq)->owner_unit_id, e->water); /* the category's department */
	struct action_input bad = {.reason = "nope", .note = "x", .solved = -1};
	ACT(e, &e->water_staff, rq, RA_RETURN, &bad, ERR_INVALID, "reason");
	struct action_input back = {.reason = "not_our_area", .note = "属自来水公司产权", .solved = -1};
	ACT(e, &e->water_staff, rq, RA_RETURN, &back, ERR_OK, NULL);
	assert_true(unread(e, e->u_district) >= 1); /* the district reviews a department's return */
	/* a refused return: the owner must take it */
	struct action_input must = {.note = "终审:请承办", .solved = -1};
	ACT(e, &e->community_staff, rq, RA_REFUSE_RETURN, &must, ERR_FORBIDDEN, NULL);
	ACT(e, &e->district_staff, rq, RA_REFUSE_RETURN, &must, ERR_OK, NULL);
	assert_string_equal(state_of(e, rq), "dispatched");
	ACT(e, &e->water_staff, rq, RA_RETURN, &back, ERR_OK, NULL);
	ACT(e, &e->district_staff, rq, RA_APPROVE_RETURN, NULL, ERR_OK, NULL);
	struct request_row *r = row_of(e, rq);
	assert_string_equal(r->state, "waiting_dispatch");
	assert_int_equal(r->owner_unit_id, 0);
	assert_int_equal(rolled(e, true, e->water, RC_INVALID), 1);
	struct action_input to_grid = {.owner_area_id = e->grid, .solved = -1};
	ACT(e, &e->grid_worker, rq, RA_DISPATCH, &to_grid, ERR_FORBIDDEN, NULL); /* no request.dispatch */
	struct action_input elsewhere = {.owner_area_id = e->other_grid, .solved = -1};
	ACT(e, &e->community_staff, rq, RA_DISPATCH, &elsewhere, ERR_FORBIDDEN, "owner_area_id");
	ACT(e, &e->community_staff, rq, RA_DISPATCH, &to_grid, ERR_OK, NULL);
	assert_string_equal(row_of(e, rq)->owner_level, "grid");

	/* the reporter's own account withdraws; another resident may not */
	struct actor ra = as(&e->resident);
	struct request_input in = {.source = "web", .kind = "help", .category_id = e->cat_env,
	                           .title = "路灯不亮", .area_id = e->grid, .reporter_phone = "13900001234"};
	struct request_row *own = malloc(sizeof *own);
	struct errinfo ei;
	assert_int_equal(requests_create_public(&e->app, &ra, &in, own, &ei), ERR_OK);
	assert_int_equal(own->reporter_user_id, e->u_resident);
	ACT(e, &e->resident2, own->id, RA_CANCEL, NULL, ERR_FORBIDDEN, NULL);
	ACT(e, &e->resident, own->id, RA_CANCEL, NULL, ERR_OK, NULL);
	assert_string_equal(state_of(e, own->id), "cancelled");
	/* the public page requires a phone */
	in.reporter_phone = NULL;
	assert_int_equal(requests_create_public(&e->app, &ra, &in, own, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "reporter_phone");
	free(own);

	/* a duplicate merges into the request kept */
	int64_t first = intake(e, &e->hotline, e->cat_env, e->grid2, "垃圾满溢", ERR_OK);
	int64_t dup = intake(e, &e->hotline, e->cat_env, e->grid2, "垃圾满溢又来了", ERR_OK);
	struct action_input self = {.into = dup, .solved = -1};
	ACT(e, &e->community_staff, dup, RA_MERGE, &self, ERR_INVALID, "into");
	struct action_input into = {.into = first, .solved = -1};
	ACT(e, &e->community_staff, dup, RA_MERGE, &into, ERR_OK, NULL);
	r = row_of(e, dup);
	assert_string_equal(r->state, "merged");
	assert_int_equal(r->merged_into, first);
	struct action_input into_merged = {.into = dup, .solved = -1};
	ACT(e, &e->community_staff, first, RA_MERGE, &into_merged, ERR_CONFLICT, "into");
}

/* One rating: the operator or the reporter; dissatisfied → reopen → close with the rating kept. */
static void test_rating_once(void **state)
{
	struct env *e = *state;
	struct actor ra = as(&e->resident);
	struct request_input in = {.source = "web", .kind = "complaint", .category_id = e->cat_env,
	                           .title = "噪音扰民", .area_id = e->grid, .reporter_phone = "13900004321"};
	struct request_row *own = malloc(sizeof *own);
	struct errinfo ei;
	assert_int_equal(requests_create_public(&e->app, &ra, &in, own, &ei), ERR_OK);
	int64_t rq = own->id;
	char code[RQ_TRACKING_LEN + 1];
	snprintf(code, sizeof code, "%s", own->tracking_code);
	free(own);
	ACT(e, &e->hotline, rq, RA_ACCEPT, NULL, ERR_OK, NULL);
	ACT(e, &e->community_staff, rq, RA_ACKNOWLEDGE, NULL, ERR_OK, NULL);
	struct action_input result = {.note = "已协调", .solved = -1};
	ACT(e, &e->community_staff, rq, RA_RESOLVE, &result, ERR_OK, NULL);
	ACT(e, &e->grid_worker, rq, RA_VERIFY, NULL, ERR_OK, NULL);
	/* the public proof: the phone's last 4 digits */
	struct actor anon = {.who = NULL, .login = "public", .address = "10.1.1.1", .request_id = "p"};
	struct action_input bad = {.solved = 0, .feedback = "dissatisfied", .phone_last4 = "0000"};
	struct action_result res;
	err_clear(&ei);
	assert_int_equal(requests_public_rate(&e->app, &anon, code, &bad, &res, &ei), ERR_FORBIDDEN);
	assert_string_equal(ei.field, "phone_last4");
	struct action_input good = {.solved = 0, .feedback = "dissatisfied", .note = "没解决",
	                            .phone_last4 = "4321"};
	assert_int_equal(requests_public_rate(&e->app, &anon, code, &good, &res, &ei), ERR_OK);
	assert_string_equal(res.state, "dissatisfied");
	assert_true(unread(e, e->u_community) >= 1);
	/* once only: neither the reporter nor the operator rates again */
	assert_int_equal(requests_public_rate(&e->app, &anon, code, &good, &res, &ei), ERR_CONFLICT);
	ACT(e, &e->community_staff, rq, RA_REOPEN, NULL, ERR_INVALID, "note");
	struct action_input again = {.note = "重办", .solved = -1};
	ACT(e, &e->community_staff, rq, RA_REOPEN, &again, ERR_OK, NULL);
	ACT(e, &e->community_staff, rq, RA_RESOLVE, &result, ERR_OK, NULL);
	struct action_input redo = {.note = "现场未清理", .solved = -1};
	ACT(e, &e->grid_worker, rq, RA_REWORK, &redo, ERR_OK, NULL);
	assert_int_equal(row_of(e, rq)->rework_count, 1);
	ACT(e, &e->community_staff, rq, RA_RESOLVE, &result, ERR_OK, NULL);
	ACT(e, &e->grid_worker, rq, RA_VERIFY, NULL, ERR_OK, NULL);
	struct action_input rating = {.solved = 1, .feedback = "satisfied"};
	ACT(e, &e->resident, rq, RA_RATE, &rating, ERR_CONFLICT, "rating");
	ACT(e, &e->hotline, rq, RA_RATE, &rating, ERR_CONFLICT, "rating");
	ACT(e, &e->community_staff, rq, RA_CLOSE, NULL, ERR_OK, NULL);
	struct request_row *r = row_of(e, rq);
	assert_string_equal(r->state, "closed");
	assert_string_equal(r->feedback, "dissatisfied"); /* the rating kept */
	assert_int_equal(rolled(e, false, e->grid, RC_DISSATISFIED), 1);
	assert_int_equal(rolled(e, false, e->grid, RC_REWORK), 1);
	/* the public view: no names, no phone; the result is there */
	json_t *pub = NULL;
	assert_int_equal(requests_public_get(&e->app, code, &pub, &ei), ERR_OK);
	char *text = json_dumps(pub, 0);
	assert_null(strstr(text, "4321"));
	assert_null(strstr(text, "community"));
	assert_non_null(strstr(text, "已协调"));
	free(text);
	json_decref(pub);
	assert_int_equal(requests_public_get(&e->app, "AAAAAAAAAA", &pub, &ei), ERR_NOTFOUND);
}

/* The scheduler's step: overdue, then notice, then public notice, each once. */
static void test_sweep(void **state)
{
	struct env *e = *state;
	int64_t rq = intake(e, &e->hotline, e->cat_env, e->grid, "超期", ERR_OK);
	ACT(e, &e->hotline, rq, RA_ACCEPT, NULL, ERR_OK, NULL);
	int64_t due = store_time_parse(row_of(e, rq)->due_at);
	int64_t before = unread(e, e->u_community);
	int done = 0;
	struct errinfo ei;
	/* nothing is due yet */
	assert_int_equal(requests_sweep(&e->app, due - 60, &done, &ei), ERR_OK);
	assert_int_equal(done, 0);
	assert_int_equal(requests_sweep(&e->app, due + 1, &done, &ei), ERR_OK);
	assert_true(done >= 1);
	struct request_row *r = row_of(e, rq);
	assert_true(r->overdue);
	assert_int_equal(r->supervision, 1);
	assert_true(unread(e, e->u_community) > before);
	assert_true(unread(e, e->u_street) >= 1); /* the superior is told */
	int64_t v = r->version;
	/* idempotent: the same moment again changes nothing */
	assert_int_equal(requests_sweep(&e->app, due + 1, &done, &ei), ERR_OK);
	assert_int_equal(row_of(e, rq)->version, v);
	/* a working day later: notice; five more: public notice; then nothing */
	assert_int_equal(requests_sweep(&e->app, due + 3 * 86400 + 3600, &done, &ei), ERR_OK);
	assert_int_equal(row_of(e, rq)->supervision, 2);
	assert_int_equal(requests_sweep(&e->app, due + 12 * 86400, &done, &ei), ERR_OK);
	assert_int_equal(row_of(e, rq)->supervision, 3);
	v = row_of(e, rq)->version;
	assert_int_equal(requests_sweep(&e->app, due + 60 * 86400, &done, &ei), ERR_OK);
	assert_int_equal(row_of(e, rq)->version, v);
	assert_int_equal(row_of(e, rq)->sweep_at[0], '\0');
	struct ev_list *ev = events_of(e, rq);
	int overdue = 0;
	for (int i = 0; i < ev->n; i++)
		overdue += strcmp(ev->action[i], "overdue") == 0;
	assert_int_equal(overdue, 3);
	assert_int_equal(rolled(e, false, e->district, RC_OVERDUE) >= 1, 1);
	/* a new stage is not overdue; supervision stays */
	ACT(e, &e->community_staff, rq, RA_ACKNOWLEDGE, NULL, ERR_OK, NULL);
	r = row_of(e, rq);
	assert_false(r->overdue);
	assert_int_equal(r->supervision, 3);
	/* supervision at public notice cannot be raised */
	struct action_input chase = {.note = "督办", .solved = -1};
	ACT(e, &e->street_staff, rq, RA_SUPERVISE, &chase, ERR_UNPROCESSABLE, "supervision");
}

/* --- lists, search, duplicates ---------------------------------------------------------------------- */

struct collect {
	int n;
	int64_t ids[64];
};

static void collect(void *ctx, const struct request_row *r)
{
	struct collect *c = ctx;
	if (c->n < 64)
		c->ids[c->n++] = r->id;
}

static int listed(struct env *e, struct identity *id, struct request_query *q, int64_t *next)
{
	struct actor a = as(id);
	struct collect c = {0};
	struct errinfo ei;
	err_clear(&ei);
	if (q->limit == 0)
		q->limit = 50;
	enum err rc = requests_list(&e->app, &a, q, collect, &c, next, &ei);
	if (rc != ERR_OK)
		fail_msg("list: %d %s", rc, ei.message);
	return c.n;
}

static void test_lists(void **state)
{
	struct env *e = *state;
	int64_t a = intake(e, &e->hotline, e->cat_env, e->grid, "小区门口共享单车乱停", ERR_OK);
	int64_t b = intake(e, &e->hotline, e->cat_env, e->grid2, "楼道堆放杂物", ERR_OK);
	intake(e, &e->hotline, e->cat_city, e->other_grid, "跨区道路破损", ERR_OK);
	struct request_query q = {.overdue = -1};
	assert_int_equal(listed(e, &e->district_staff, &q, NULL), 3);
	assert_int_equal(listed(e, &e->community_staff, &q, NULL), 2);
	assert_int_equal(listed(e, &e->grid_worker, &q, NULL), 1);
	assert_int_equal(listed(e, &e->water_staff, &q, NULL), 0);
	/* keyset pages, newest first */
	int64_t next = 0;
	q.limit = 2;
	assert_int_equal(listed(e, &e->district_staff, &q, &next), 2);
	assert_true(next > 0);
	q.after = next;
	assert_int_equal(listed(e, &e->district_staff, &q, &next), 1);
	assert_int_equal(next, 0);
	/* text: three characters and more through the trigram index, fewer literally */
	struct request_query t = {.overdue = -1, .q = "共享单车"};
	assert_int_equal(listed(e, &e->district_staff, &t, NULL), 1);
	t.q = "杂物";
	assert_int_equal(listed(e, &e->district_staff, &t, NULL), 1);
	t.q = "不存在的内容";
	assert_int_equal(listed(e, &e->district_staff, &t, NULL), 0);
	/* queues */
	struct request_query d = {.overdue = -1, .queue = "to_dispatch"};
	assert_int_equal(listed(e, &e->district_staff, &d, NULL), 3);
	ACT(e, &e->hotline, a, RA_ACCEPT, NULL, ERR_OK, NULL);
	assert_int_equal(listed(e, &e->district_staff, &d, NULL), 2);
	struct request_query mine = {.overdue = -1, .queue = "mine"};
	assert_int_equal(listed(e, &e->community_staff, &mine, NULL), 1);
	assert_int_equal(listed(e, &e->street_staff, &mine, NULL), 0);
	struct request_query in_area = {.overdue = -1, .area_id = e->grid2};
	assert_int_equal(listed(e, &e->district_staff, &in_area, NULL), 1);
	struct actor oa = as(&e->other_staff);
	struct collect c = {0};
	struct errinfo ei;
	assert_int_equal(requests_list(&e->app, &oa, &in_area, collect, &c, NULL, &ei), ERR_FORBIDDEN);
	struct request_query by_state = {.overdue = -1, .state = "dispatched"};
	assert_int_equal(listed(e, &e->district_staff, &by_state, NULL), 1);
	struct request_query by_cat = {.overdue = -1, .category_id = e->cat_env};
	assert_int_equal(listed(e, &e->district_staff, &by_cat, NULL), 2);

	/* duplicates: same category, open, same area or similar text */
	struct dup_query dq = {.category_id = e->cat_env, .area_id = e->grid2};
	json_t *items = json_array();
	struct actor da = as(&e->district_staff);
	assert_int_equal(requests_duplicates(&e->app, &da, &dq, items, &ei), ERR_OK);
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), b);
	json_array_clear(items);
	struct dup_query tq = {.category_id = e->cat_env, .text = "共享单车乱停放"};
	assert_int_equal(requests_duplicates(&e->app, &da, &tq, items, &ei), ERR_OK);
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), a);
	json_decref(items);
	/* the export */
	char *data = NULL;
	size_t len = 0;
	struct request_query all = {.overdue = -1};
	assert_int_equal(requests_export(&e->app, &da, &all, &data, &len, &ei), ERR_OK);
	assert_true(len > 100);
	assert_int_equal(memcmp(data, "PK", 2), 0);
	free(data);
	/* the same grid: a request in a compound of grid 2 meets grid 2's */
	int64_t compound = make_area(e, e->grid2, NULL, "永安小区", NULL);
	int64_t c2 = intake(e, &e->hotline, e->cat_env, compound, "小区内堆物", ERR_OK);
	items = json_array();
	struct dup_query cq = {.category_id = e->cat_env, .area_id = compound};
	assert_int_equal(requests_duplicates(&e->app, &da, &cq, items, &ei), ERR_OK);
	assert_int_equal(json_array_size(items), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), c2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 1), "id")), b);
	/* a community is not one place: only what was filed on it */
	json_array_clear(items);
	struct dup_query wide = {.category_id = e->cat_env, .area_id = e->community};
	assert_int_equal(requests_duplicates(&e->app, &da, &wide, items, &ei), ERR_OK);
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);
}

/* --- roll-ups against a recomputation ------------------------------------------------------------ */

static unsigned rnd_state = 12345;
static unsigned rnd(unsigned n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

/* Replays the event log twice: the deltas each event recorded, and the
 * documented rules applied to the actions themselves. */
struct replay {
	struct env *e;
	int64_t area[8];              /* the tree's areas */
	int64_t by_deltas[8][RC__MAX];
	int64_t by_rules[RC__MAX];    /* the district's, from the rules */
	int64_t unit_ids[2];
	int64_t unit_deltas[2][RC__MAX];
	/* per request, as the replay goes (ids are small in a fresh database) */
	struct {
		bool acked, resolved, closed, extended, supervised, overdue;
	} seen[512];
};

static int64_t ancestors_of(struct env *e, int64_t area, int64_t out[8])
{
	/* the tree of setup(): grid → community → street → district */
	int n = 0;
	out[n++] = area;
	if (area == e->grid || area == e->grid2) {
		out[n++] = e->community;
		out[n++] = e->street;
	} else if (area == e->other_grid) {
		out[n++] = e->community2;
		out[n++] = e->street2;
	}
	out[n++] = e->district;
	return n;
}

static void counts_into(json_t *counts, int64_t *into)
{
	for (int k = 0; k < RC__MAX; k++)
		into[k] += json_integer_value(json_object_get(counts, rq_counter_names[k]));
}

static enum err replay_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct replay *x = arg;
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "SELECT e.request_id, r.area_id, e.action, e.from_state, e.to_state,"
	                          " e.data FROM request_event e JOIN request r ON r.id = e.request_id"
	                          " ORDER BY e.request_id, e.seq",
	                          NULL, 0, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int k;
	while ((k = store_next(s)) == 1) {
		int64_t id = store_col_int(s, 0), area = store_col_int(s, 1);
		const char *action = store_col_text(s, 2, NULL);
		const char *to = store_col_text(s, 4, NULL);
		json_t *data = json_loads(store_col_text(s, 5, NULL), 0, NULL);
		assert_non_null(data);
		int64_t chain[8];
		int n = (int)ancestors_of(x->e, area, chain);
		for (int i = 0; i < n; i++)
			for (int j = 0; j < 8; j++)
				if (x->area[j] == chain[i])
					counts_into(json_object_get(data, "counts"), x->by_deltas[j]);
		int64_t unit = json_integer_value(json_object_get(data, "unit"));
		for (int j = 0; j < 2; j++)
			if (unit == x->unit_ids[j])
				counts_into(json_object_get(data, "unit_counts"), x->unit_deltas[j]);
		assert_true(id < 512);
		int64_t *c2 = x->by_rules;
		__typeof__(x->seen[0]) *sn = &x->seen[id];
		if (strcmp(action, "create") == 0)
			c2[RC_RECEIVED]++;
		else if (strcmp(action, "accept") == 0) {
			c2[RC_DUE_TO_CLOSE]++;
			c2[RC_DISPATCHED] += strcmp(to, "dispatched") == 0;
		} else if (strcmp(action, "answer") == 0) {
			c2[RC_DUE_TO_CLOSE]++;
			c2[RC_RESPONDED]++;
			c2[RC_RESOLVED]++;
			c2[RC_CLOSED] += !sn->closed;
			sn->closed = true;
		} else if (!strcmp(action, "invalidate") || !strcmp(action, "cancel") ||
		           !strcmp(action, "merge"))
			c2[RC_INVALID]++;
		else if (!strcmp(action, "dispatch") || !strcmp(action, "redispatch") ||
		         !strcmp(action, "escalate"))
			c2[RC_DISPATCHED]++;
		else if (strcmp(action, "acknowledge") == 0) {
			c2[RC_RESPONDED] += !sn->acked;
			sn->acked = true;
		} else if (strcmp(action, "resolve") == 0) {
			c2[RC_RESOLVED] += !sn->resolved;
			sn->resolved = true;
		} else if (strcmp(action, "rate") == 0) {
			c2[RC_RATED]++;
			c2[RC_SOLVED] += json_is_true(json_object_get(data, "solved"));
			const char *fb = json_string_value(json_object_get(data, "feedback"));
			c2[!strcmp(fb, "satisfied")             ? RC_SATISFIED
			   : !strcmp(fb, "basically_satisfied") ? RC_BASICALLY_SATISFIED
			                                        : RC_DISSATISFIED]++;
			if (strcmp(to, "closed") == 0) {
				c2[RC_CLOSED] += !sn->closed;
				sn->closed = true;
			}
		} else if (strcmp(action, "close") == 0) {
			c2[RC_CLOSED] += !sn->closed;
			sn->closed = true;
		} else if (strcmp(action, "approve_extension") == 0) {
			c2[RC_HELD_OVER] += !sn->extended;
			sn->extended = true;
		} else if (strcmp(action, "rework") == 0)
			c2[RC_REWORK]++;
		else if (strcmp(action, "supervise") == 0) {
			c2[RC_SUPERVISED] += !sn->supervised;
			sn->supervised = true;
		} else if (strcmp(action, "overdue") == 0) {
			if (strcmp(json_string_value(json_object_get(data, "step")), "overdue") == 0) {
				c2[RC_OVERDUE] += !sn->overdue;
				sn->overdue = true;
				c2[RC_SUPERVISED] += !sn->supervised;
				sn->supervised = true;
			}
		}
		json_decref(data);
	}
	store_done(s);
	return k < 0 ? (enum err)-k : ERR_OK;
}

static void random_step(struct env *e, int64_t *ids, int n, int *done)
{
	struct identity *pool[] = {&e->district_staff, &e->street_staff, &e->community_staff,
	                           &e->grid_worker, &e->hotline, &e->water_staff, &e->cityadmin_staff};
	struct identity *id = pool[rnd(7)];
	int64_t rq = ids[rnd((unsigned)n)];
	struct actor a = as(id);
	struct allowed_action acts[RA__MAX];
	struct errinfo ei;
	err_clear(&ei);
	int k = requests_actions(&e->app, &a, rq, acts, &ei);
	if (k <= 0)
		return;
	enum rq_action act = acts[rnd((unsigned)k)].action;
	static const char *const feedbacks[] = {"satisfied", "basically_satisfied", "dissatisfied"};
	int64_t owners[] = {e->grid, e->grid2, e->community, e->street, e->district};
	int64_t co[] = {e->cityadmin};
	struct action_input in = {.note = "随机", .reason = "other", .solved = -1};
	switch (act) {
	case RA_DISPATCH:
	case RA_REDISPATCH:
		if (rnd(4) == 0)
			in.owner_unit_id = rnd(2) ? e->water : e->cityadmin;
		else
			in.owner_area_id = owners[rnd(5)];
		break;
	case RA_ESCALATE:
		in.owner_unit_id = e->water;
		break;
	case RA_WHISTLE:
		in.lead_unit_id = e->water;
		in.co_unit_ids = co;
		in.nco = 1;
		break;
	case RA_REQUEST_EXTENSION:
		in.days = 1 + (int)rnd(4);
		break;
	case RA_RATE:
		in.solved = (int)rnd(2);
		in.feedback = feedbacks[rnd(3)];
		in.note = NULL;
		break;
	case RA_MERGE:
		in.into = ids[rnd((unsigned)n)];
		break;
	case RA_RETURN:
		in.reason = "unclear_ownership";
		break;
	default:
		break;
	}
	struct action_result res;
	if (requests_act(&e->app, &a, rq, act, &in, &res, &ei) == ERR_OK)
		(*done)++;
}

static void test_rollups_random(void **state)
{
	struct env *e = *state;
	enum { N = 10, STEPS = 260 };
	int64_t ids[N];
	int64_t areas[] = {e->grid, e->grid2, e->other_grid};
	int64_t cats[] = {e->cat_env, e->cat_env_sub, e->cat_city, e->cat_water};
	for (int i = 0; i < N; i++) {
		char title[32];
		snprintf(title, sizeof title, "随机诉求 %d", i);
		ids[i] = intake(e, &e->district_staff, cats[rnd(4)], areas[rnd(3)], title, ERR_OK);
	}
	int done = 0, swept = 0;
	int64_t t0 = clock_now();
	for (int step = 0; step < STEPS; step++) {
		random_step(e, ids, N, &done);
		if (step % 40 == 39) {
			int k = 0;
			struct errinfo ei;
			assert_int_equal(requests_sweep(&e->app, t0 + (step / 40 + 1) * 2 * 86400, &k, &ei), ERR_OK);
			swept += k;
		}
	}
	print_message("# %d of %d random actions ran, %d sweeps changed requests\n", done, STEPS, swept);
	assert_true(done > STEPS / 4);
	struct replay *x = calloc(1, sizeof *x);
	x->e = e;
	int64_t tree[] = {e->district, e->street, e->street2, e->community, e->community2, e->grid,
	                  e->grid2, e->other_grid};
	memcpy(x->area, tree, sizeof tree);
	x->unit_ids[0] = e->water;
	x->unit_ids[1] = e->cityadmin;
	assert_int_equal(store_read(e->app.store, replay_fn, x, NULL), ERR_OK);
	/* every area's roll-up is the sum of the deltas its requests' events recorded */
	for (int j = 0; j < 8; j++)
		for (int k = 0; k < RC__MAX; k++)
			if (rolled(e, false, x->area[j], (enum rq_counter)k) != x->by_deltas[j][k])
				fail_msg("area %lld %s: roll-up %lld, events %lld", (long long)x->area[j],
				         rq_counter_names[k], (long long)rolled(e, false, x->area[j], (enum rq_counter)k),
				         (long long)x->by_deltas[j][k]);
	for (int j = 0; j < 2; j++)
		for (int k = 0; k < RC__MAX; k++)
			if (rolled(e, true, x->unit_ids[j], (enum rq_counter)k) != x->unit_deltas[j][k])
				fail_msg("unit %lld %s: roll-up %lld, events %lld", (long long)x->unit_ids[j],
				         rq_counter_names[k],
				         (long long)rolled(e, true, x->unit_ids[j], (enum rq_counter)k),
				         (long long)x->unit_deltas[j][k]);
	/* and the district's counters are what the rules give, replayed from the actions */
	static const enum rq_counter ruled[] = {
		RC_RECEIVED, RC_INVALID, RC_DISPATCHED, RC_RESPONDED, RC_RESOLVED, RC_CLOSED,
		RC_DUE_TO_CLOSE, RC_HELD_OVER, RC_RATED, RC_SOLVED, RC_SATISFIED, RC_BASICALLY_SATISFIED,
		RC_DISSATISFIED, RC_REWORK, RC_SUPERVISED, RC_OVERDUE};
	for (size_t i = 0; i < sizeof ruled / sizeof ruled[0]; i++)
		if (rolled(e, false, e->district, ruled[i]) != x->by_rules[ruled[i]])
			fail_msg("district %s: roll-up %lld, the rules give %lld", rq_counter_names[ruled[i]],
			         (long long)rolled(e, false, e->district, ruled[i]),
			         (long long)x->by_rules[ruled[i]]);
	/* level shares add up to the closed requests */
	int64_t levels = 0;
	for (int k = RC_LEVEL_GRID; k <= RC_LEVEL_CITY; k++)
		levels += rolled(e, false, e->district, (enum rq_counter)k);
	assert_int_equal(levels, rolled(e, false, e->district, RC_CLOSED));
	free(x);
}

/* A community moved to another street takes its requests' codes along. */
static void test_area_move(void **state)
{
	struct env *e = *state;
	int64_t rq = intake(e, &e->hotline, e->cat_env, e->grid, "搬迁", ERR_OK);
	struct area_row moved;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(areas_move(&e->app, &e->cli_actor, e->community, e->street2, &moved, &ei), ERR_OK);
	struct request_row *r = row_of(e, rq);
	assert_int_equal(strncmp(r->area_code, "110105002", 9), 0);
	/* the old street's staff no longer see it, the new one's do */
	struct request_query q = {.overdue = -1};
	struct identity street2 = who(0, "street_staff", "110105002");
	assert_int_equal(listed(e, &e->street_staff, &q, NULL), 0);
	assert_int_equal(listed(e, &street2, &q, NULL), 1);
}

static enum err past_due_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	int64_t *id = arg;
	char past[RQ_TIME];
	store_time_format(clock_now() - 3600, past);
	struct store_val p[] = {SV_TEXT(past), SV_TEXT(past), SV_INT(*id)};
	return store_exec(c, "UPDATE request SET due_at = ?, sweep_at = ? WHERE id = ?", p, 3, NULL, ei);
}

/* The scheduler's thread sweeps at start, and stops when told. */
static void test_scheduler_thread(void **state)
{
	struct env *e = *state;
	int64_t rq = intake(e, &e->hotline, e->cat_env, e->grid, "线程", ERR_OK);
	ACT(e, &e->hotline, rq, RA_ACCEPT, NULL, ERR_OK, NULL);
	assert_int_equal(store_write(e->app.store, past_due_fn, &rq, NULL), ERR_OK);
	struct request_scheduler *s = NULL;
	struct errinfo ei;
	assert_int_equal(request_scheduler_start(&e->app, 3600, &s, &ei), ERR_OK);
	long sweeps = 0, changed = 0;
	for (int i = 0; i < 500 && sweeps == 0; i++) {
		usleep(10000);
		request_scheduler_counts(s, &sweeps, &changed);
	}
	request_scheduler_stop(s); /* returns at once: the thread sleeps on its interval */
	assert_int_equal(sweeps, 1);
	assert_int_equal(changed, 1);
	struct request_row *r = row_of(e, rq);
	assert_true(r->overdue);
	assert_int_equal(r->supervision, 1);
	request_scheduler_stop(NULL);
}

struct sweeper {
	struct env *e;
	int64_t now;
	int done;
	enum err rc;
};

static void *sweep_thread(void *arg)
{
	struct sweeper *w = arg;
	struct errinfo ei;
	w->rc = requests_sweep(&w->e->app, w->now, &w->done, &ei);
	return NULL;
}

/* Several schedulers at once (several processes on PostgreSQL): each
 * overdue request gets its event once. */
static void test_sweep_concurrent(void **state)
{
	struct env *e = *state;
	enum { N = 6, T = 3 };
	int64_t ids[N], due = 0;
	for (int i = 0; i < N; i++) {
		ids[i] = intake(e, &e->hotline, e->cat_env, e->grid, "并发督办", ERR_OK);
		ACT(e, &e->hotline, ids[i], RA_ACCEPT, NULL, ERR_OK, NULL);
		int64_t d = store_time_parse(row_of(e, ids[i])->due_at);
		if (d > due)
			due = d;
	}
	struct sweeper w[T];
	pthread_t th[T];
	for (int i = 0; i < T; i++) {
		w[i] = (struct sweeper){.e = e, .now = due + 60};
		assert_int_equal(pthread_create(&th[i], NULL, sweep_thread, &w[i]), 0);
	}
	int changed = 0;
	for (int i = 0; i < T; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].rc, ERR_OK);
		changed += w[i].done;
	}
	assert_int_equal(changed, N);
	for (int i = 0; i < N; i++) {
		struct ev_list *ev = events_of(e, ids[i]);
		int overdue = 0;
		for (int k = 0; k < ev->n; k++)
			overdue += strcmp(ev->action[k], "overdue") == 0;
		assert_int_equal(overdue, 1);
		assert_int_equal(row_of(e, ids[i])->supervision, 1);
	}
	assert_int_equal(rolled(e, false, e->district, RC_OVERDUE), N);
}

int main(void)
{
	fx_print_backend("test_requests");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pause_and_extensions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escalate_and_whistle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_return_cancel_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rating_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sweep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollups_random, setup, teardown),
		cmocka_unit_test_setup_teardown(test_area_move, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scheduler_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sweep_concurrent, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
