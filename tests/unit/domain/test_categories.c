/* Unit tests for src/domain/categories.c, src/domain/dispatch_rules.c (with
 * src/store/categories.c), src/domain/photos.c and src/domain/notifications.c
 * on a fresh database of the environment's backend: time-limit syntax and
 * bounds, deadlines on the working calendar, the tree's import with good
 * and bad rows (line and column), inheritance of defaults and limits,
 * inactive categories refused for new requests, rule matching by
 * specificity with the category's default as the fallback, scope checks
 * on rules, photos found by their magic bytes, and the inbox. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../store/fixture.h"
#include "app.h"
#include "auth/users.h"
#include "domain/areas.h"
#include "domain/categories.h"
#include "domain/dispatch_rules.h"
#include "domain/notifications.h"
#include "domain/photos.h"
#include "demo/categories.h"
#include "limits.h"
#include "domain/registers_io.h"
#include "domain/units.h"
#include "util/log.h"

struct env {
	struct fx_db fx;
	struct app app;
	char keydir[64], keypath[96];
	struct identity cli;
	struct actor cli_actor;
	int64_t district, street, street2, community, community2, grid, compound;
	int64_t water, city_admin; /* departments */
	struct identity staff; /* scope: street 110105001 */
	struct actor staff_actor;
};

static struct identity scoped(const char *scope)
{
	struct identity id;
	memset(&id, 0, sizeof id);
	snprintf(id.login, sizeof id.login, "staff");
	snprintf(id.scopes[0], sizeof id.scopes[0], "%s", scope);
	id.nscopes = 1;
	return id;
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

static int64_t make_unit(struct env *e, const char *kind, const char *name, int64_t area)
{
	struct unit_input in = {.kind = kind, .name = name, .area_id = area};
	struct unit_row out;
	struct errinfo ei;
	err_clear(&ei);
	if (units_create(&e->app, &e->cli_actor, &in, &out, &ei) != ERR_OK)
		fail_msg("creating unit %s: %s", name, ei.message);
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
	snprintf(e->keydir, sizeof e->keydir, "/tmp/linli-cat-XXXXXX");
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
	e->district = make_area(e, 0, "110105", "朝阳区");
	e->street = make_area(e, e->district, "110105001", "建外街道");
	e->street2 = make_area(e, e->district, "110105002", "朝外街道");
	e->community = make_area(e, e->street, "110105001001", "永安里社区");
	e->community2 = make_area(e, e->street, "110105001002", "建国里社区");
	e->grid = make_area(e, e->community, NULL, "一网格");
	e->compound = make_area(e, e->grid, NULL, "永安里小区");
	e->water = make_unit(e, "department", "区水务局", e->district);
	e->city_admin = make_unit(e, "department", "区城管委", e->district);
	e->staff = scoped("110105001");
	e->staff_actor = (struct actor){.who = &e->staff, .login = "staff", .address = "10.0.0.1",
	                                .request_id = "r1"};
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

/* --- time limits --------------------------------------------------------------------- */

static void test_time_limit_parse(void **state)
{
	(void)state;
	struct time_limit t;
	assert_int_equal(time_limit_parse("5d", &t), ERR_OK);
	assert_int_equal(t.days, 5);
	assert_int_equal(t.work_minutes + t.clock_minutes, 0);
	assert_int_equal(time_limit_parse("4wh", &t), ERR_OK);
	assert_int_equal(t.work_minutes, 240);
	assert_int_equal(t.days + t.clock_minutes, 0);
	assert_int_equal(time_limit_parse("2h", &t), ERR_OK);
	assert_int_equal(t.clock_minutes, 120);
	assert_int_equal(time_limit_parse("366d", &t), ERR_OK);   /* LIMIT_DEADLINE_DAYS */
	assert_int_equal(time_limit_parse("2000wh", &t), ERR_OK); /* LIMIT_DEADLINE_HOURS */
	char text[CATEGORY_LIMIT_TEXT];
	time_limit_format(&t, text);
	assert_string_equal(text, "2000wh");
	static const char *const bad[] = {"", "d", "0d", "05d", "5", "5 d", " 5d", "5D", "5dd", "-1d",
	                                  "367d", "2001h", "2001wh", "1.5d", "5w", "5m", "1000000d",
	                                  "5dh", NULL};
	for (int i = 0; bad[i]; i++)
		if (time_limit_parse(bad[i], &t) != ERR_INVALID)
			fail_msg("\"%s\" was taken as a limit", bad[i]);
	assert_int_equal(time_limit_parse(NULL, &t), ERR_INVALID);
}

static void test_code_check(void **state)
{
	(void)state;
	assert_null(category_code_check("01", NULL));
	assert_null(category_code_check("0103", "01"));
	assert_null(category_code_check("A1b", "A"));
	assert_non_null(category_code_check("", NULL));
	assert_non_null(category_code_check("01", "01"));   /* not longer */
	assert_non_null(category_code_check("0203", "01")); /* not under the parent */
	assert_non_null(category_code_check("01-3", NULL));
	assert_non_null(category_code_check("环境", NULL));
	assert_non_null(category_code_check("01234567890123456", NULL)); /* 17 */
	assert_string_equal(category_level_parse("社区"), "community");
	assert_string_equal(category_level_parse("city"), "city");
	assert_null(category_level_parse("compound"));
}

/* --- the tree ------------------------------------------------------------------------ */

static int64_t make_category(struct env *e, const char *code, int64_t parent, const char *name,
                             const char *level, const char *normal)
{
	struct category_input in = {.code = code, .parent_id = parent, .name = name,
	                            .default_level = level, .limit_normal = normal, .active = -1};
	struct category_row *out = malloc(sizeof *out);
	struct errinfo ei;
	err_clear(&ei);
	if (categories_create(&e->app, &e->cli_actor, &in, out, &ei) != ERR_OK)
		fail_msg("creating category %s: %s (%s)", code, ei.message, ei.field);
	int64_t id = out->id;
	free(out);
	return id;
}

static enum err import_csv(struct env *e, const char *csv, struct import_result *res)
{
	struct errinfo ei;
	err_clear(&ei);
	return register_import(&e->app, &e->cli_actor, &category_io, csv, strlen(csv), false, res, &ei);
}

struct names {
	int n;
	char code[64][CATEGORY_CODE_MAX + 1];
	int64_t id[64];
};

static void collect(void *ctx, const struct category_row *r)
{
	struct names *l = ctx;
	if (l->n < 64) {
		snprintf(l->code[l->n], sizeof l->code[0], "%s", r->code);
		l->id[l->n++] = r->id;
	}
}

static int64_t id_of(const struct names *l, const char *code)
{
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->code[i], code) == 0)
			return l->id[i];
	fail_msg("no category %s", code);
	return 0;
}

static const char good_csv[] =
	"\xEF\xBB\xBF" "code,name,parent_code,kind,intake_standard,default_level,default_department,"
	"limit_normal,limit_urgent,limit_critical,closure_standard\r\n"
	"01,环境卫生,,event,垃圾堆放、暴露垃圾,community,,5d,1d,2h,清理完毕并拍照\r\n"
	"0101,垃圾堆放,01,,,,,,,,\r\n"
	"0102,道路保洁,01,事件,,街道,,3d,,,\r\n"
	"02,供水供电供气供暖,,event,停水停电,street,区水务局,24h,4wh,2h,恢复供应\r\n"
	"0201,停水,02,,,,,,,,\r\n"
	"020101,小区停水,0201,,,grid,,,,,\r\n";

static void test_import_and_inherit(void **state)
{
	struct env *e = *state;
	struct import_result res;
	assert_int_equal(import_csv(e, good_csv, &res), ERR_OK);
	assert_int_equal(res.imported, 6);
	free(res.errors);
	struct names l = {0};
	struct errinfo ei;
	assert_int_equal(categories_list(&e->app, -1, false, collect, &l, &ei), ERR_OK);
	assert_int_equal(l.n, 6);
	assert_string_equal(l.code[0], "01"); /* by code */
	assert_string_equal(l.code[5], "020101");
	struct names top = {0};
	assert_int_equal(categories_list(&e->app, 0, false, collect, &top, &ei), ERR_OK);
	assert_int_equal(top.n, 2);
	struct names kids = {0};
	assert_int_equal(categories_list(&e->app, id_of(&l, "02"), false, collect, &kids, &ei), ERR_OK);
	assert_int_equal(kids.n, 1);

	/* inherited: 0101 takes everything from 01 */
	struct category_row *c = malloc(2 * sizeof *c);
	assert_int_equal(categories_get(&e->app, id_of(&l, "0101"), &c[0], &c[1], &ei), ERR_OK);
	assert_string_equal(c[0].limit_normal, "");
	assert_string_equal(c[1].limit_normal, "5d");
	assert_string_equal(c[1].limit_urgent, "1d");
	assert_string_equal(c[1].limit_critical, "2h");
	assert_string_equal(c[1].default_level, "community");
	assert_string_equal(c[0].kind, "event");
	/* 0102 names its own level (a zh label) and normal limit, keeps 01's urgent one */
	assert_int_equal(categories_get(&e->app, id_of(&l, "0102"), &c[0], &c[1], &ei), ERR_OK);
	assert_string_equal(c[0].default_level, "street");
	assert_string_equal(c[1].limit_normal, "3d");
	assert_string_equal(c[1].limit_urgent, "1d");
	/* the department by name; 020101's own level overrides the inherited department */
	assert_int_equal(categories_get(&e->app, id_of(&l, "0201"), &c[0], &c[1], &ei), ERR_OK);
	assert_int_equal(c[1].default_department_id, e->water);
	assert_string_equal(c[1].default_department_name, "区水务局");
	assert_int_equal(categories_get(&e->app, id_of(&l, "020101"), &c[0], &c[1], &ei), ERR_OK);
	assert_int_equal(c[1].default_department_id, 0);
	assert_string_equal(c[1].default_level, "grid");
	assert_string_equal(c[1].limit_normal, "24h");
	free(c);
}

static void test_import_bad_rows(void **state)
{
	struct env *e = *state;
	static const char csv[] =
		"code,name,parent_code,kind,default_level,default_department,limit_normal\n"
		"01,环境卫生,,event,community,,5d\n"             /* 2: good */
		"0101,垃圾,01,,,,\n"                             /* 3: good */
		"0101,重复,01,,,,\n"                             /* 4: code taken */
		"0301,无上级,03,,,,\n"                           /* 5: parent unknown */
		"0201,不在上级下,01,,,,\n"                       /* 6: code not under its parent */
		"04,无层级,,event,,,5d\n"                        /* 7: top without level */
		"05,无时限,,event,street,,\n"                    /* 8: top without limit */
		"06,坏时限,,event,street,,5x\n"                  /* 9: bad limit */
		"07,坏层级,,event,compound,,5d\n"                /* 10: bad level */
		"08,无部门,,event,street,不存在的局,5d\n"        /* 11: no such department */
		"09,坏类型,,thing,street,,5d\n"                  /* 12: bad kind */
		"0102,,01,,,,\n"                                 /* 13: no name */
		"0103,部件,01,component,,,\n"                   /* 14: kind differs from the parent's */
		"011,前缀,,event,street,,5d\n";                  /* 15: looks like a child of 01 */
	struct import_result res;
	assert_int_equal(import_csv(e, csv, &res), ERR_UNPROCESSABLE);
	assert_int_equal(res.rows, 14);
	assert_int_equal(res.nerrors, 12);
	static const struct {
		int line;
		const char *column;
	} want[] = {{4, "code"},          {5, "parent_code"},        {6, "code"},
	            {7, "default_level"}, {8, "limit_normal"},       {9, "limit_normal"},
	            {10, "default_level"}, {11, "default_department"}, {12, "kind"},
	            {13, "name"},         {14, "kind"},              {15, "code"}};
	for (int i = 0; i < 12; i++) {
		if (res.errors[i].line != want[i].line || strcmp(res.errors[i].column, want[i].column) != 0)
			fail_msg("error %d: line %d column %s (%s); expected line %d column %s", i,
			         res.errors[i].line, res.errors[i].column, res.errors[i].reason, want[i].line,
			         want[i].column);
	}
	free(res.errors);
	/* nothing was written */
	struct names l = {0};
	struct errinfo ei;
	assert_int_equal(categories_list(&e->app, -1, true, collect, &l, &ei), ERR_OK);
	assert_int_equal(l.n, 0);
}

static void test_update_and_inactive(void **state)
{
	struct env *e = *state;
	int64_t top = make_category(e, "01", 0, "环境卫生", "community", "5d");
	int64_t sub = make_category(e, "0101", top, "垃圾堆放", NULL, NULL);
	struct category_row *c = malloc(sizeof *c);
	struct errinfo ei;
	/* a top-level class cannot lose its level or its normal limit */
	struct category_input clear = {.default_level = "", .active = -1};
	assert_int_equal(categories_update(&e->app, &e->cli_actor, top, &clear, c, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "default_level");
	struct category_input clear2 = {.limit_normal = "", .active = -1};
	assert_int_equal(categories_update(&e->app, &e->cli_actor, top, &clear2, c, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "limit_normal");
	/* a department that is not one */
	int64_t shop = make_unit(e, "enterprise", "某公司", e->community);
	struct category_input dep = {.set_department = true, .default_department_id = shop, .active = -1};
	assert_int_equal(categories_update(&e->app, &e->cli_actor, sub, &dep, c, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "default_department_id");
	dep.default_department_id = e->city_admin;
	assert_int_equal(categories_update(&e->app, &e->cli_actor, sub, &dep, c, &ei), ERR_OK);
	assert_int_equal(c->default_department_id, e->city_admin);

	/* switched off: kept, listed only on request (more in test_for_request_and_due) */
	struct category_input off = {.active = 0};
	assert_int_equal(categories_update(&e->app, &e->cli_actor, top, &off, c, &ei), ERR_OK);
	assert_false(c->active);
	free(c);
}

/* category_for_request inside a store callback, as the lifecycle calls it. */
struct fr_case {
	int64_t id, top;
	const char *urgency;
	int64_t start, due;
	struct category_row row;
	enum err rc, due_rc;
	struct errinfo ei;
	const struct office_hours *oh;
};

static enum err for_request_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct fr_case *x = arg;
	x->rc = category_for_request(c, x->id, &x->row, &x->top, &x->ei);
	if (x->rc == ERR_OK && x->urgency)
		x->due_rc = category_due_at(c, x->oh, &x->row, x->urgency, x->start, &x->due, &x->ei);
	return ERR_OK;
}

static struct fr_case *for_request(struct env *e, int64_t id, const char *urgency, int64_t start)
{
	struct fr_case *x = calloc(1, sizeof *x);
	x->id = id;
	x->urgency = urgency;
	x->start = start;
	x->oh = &e->app.office;
	struct errinfo ei;
	assert_int_equal(store_read(e->app.store, for_request_fn, x, &ei), ERR_OK);
	return x;
}

static int64_t at(const char *iso)
{
	int64_t t = 0;
	assert_int_equal(instant_parse(iso, strlen(iso), &t), ERR_OK);
	return t;
}

static void test_for_request_and_due(void **state)
{
	struct env *e = *state;
	int64_t top = make_category(e, "01", 0, "环境卫生", "community", "5d");
	struct category_row *c = malloc(sizeof *c);
	struct errinfo ei;
	struct category_input lim = {.limit_urgent = "4wh", .limit_critical = "2h", .active = -1};
	assert_int_equal(categories_update(&e->app, &e->cli_actor, top, &lim, c, &ei), ERR_OK);
	int64_t sub = make_category(e, "0101", top, "垃圾堆放", NULL, NULL);
	int64_t leaf = make_category(e, "010101", sub, "楼道堆物", NULL, "2d");

	/* Wednesday 2031-03-12 10:00 +08:00 */
	int64_t start = at("2031-03-12T10:00:00+08:00");
	struct fr_case *x = for_request(e, leaf, "normal", start);
	assert_int_equal(x->rc, ERR_OK);
	assert_int_equal(x->top, top);
	assert_int_equal(x->due_rc, ERR_OK);
	/* 2 working days: the close of office hours on Friday */
	assert_int_equal(x->due, at("2031-03-14T17:30:00+08:00"));
	free(x);
	x = for_request(e, leaf, "urgent", start);
	/* 4 working hours from 10:00: 12:00 is 2h, then 14:00-16:00 */
	assert_int_equal(x->due, at("2031-03-12T16:00:00+08:00"));
	free(x);
	x = for_request(e, leaf, "critical", start);
	assert_int_equal(x->due, start + 2 * 3600);
	free(x);
	/* Friday 17:00 + 4 working hours ends on Monday */
	x = for_request(e, leaf, "urgent", at("2031-03-14T17:00:00+08:00"));
	assert_int_equal(x->due, at("2031-03-17T12:00:00+08:00")); /* 30 min + 3.5 h */
	free(x);
	x = for_request(e, leaf, "soon", start);
	assert_int_equal(x->due_rc, ERR_INVALID);
	assert_string_equal(x->ei.field, "urgency");
	free(x);
	/* unknown, then inactive (its class switched off) */
	x = for_request(e, 999999, NULL, 0);
	assert_int_equal(x->rc, ERR_INVALID);
	assert_string_equal(x->ei.field, "category_id");
	free(x);
	struct category_input off = {.active = 0};
	assert_int_equal(categories_update(&e->app, &e->cli_actor, top, &off, c, &ei), ERR_OK);
	x = for_request(e, leaf, NULL, 0);
	assert_int_equal(x->rc, ERR_UNPROCESSABLE);
	assert_string_equal(x->ei.field, "category_id");
	free(x);
	/* listing leaves inactive ones out unless asked */
	struct names l = {0};
	assert_int_equal(categories_list(&e->app, -1, false, collect, &l, &ei), ERR_OK);
	assert_int_equal(l.n, 2);
	struct names all = {0};
	assert_int_equal(categories_list(&e->app, -1, true, collect, &all, &ei), ERR_OK);
	assert_int_equal(all.n, 3);
	free(c);
}

/* --- dispatch rules ---------------------------------------------------------------------- */

struct match_case {
	int64_t category;
	const char *area_code;
	struct dispatch_target t;
	bool found;
	enum err rc;
};

static enum err match_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct match_case *m = arg;
	m->rc = dispatch_rule_match(c, m->category, m->area_code, &m->t, &m->found, ei);
	return ERR_OK;
}

static struct match_case match(struct env *e, int64_t category, const char *area_code)
{
	struct match_case m = {.category = category, .area_code = area_code};
	struct errinfo ei;
	assert_int_equal(store_read(e->app.store, match_fn, &m, &ei), ERR_OK);
	assert_int_equal(m.rc, ERR_OK);
	return m;
}

static int64_t rule(struct env *e, const struct actor *a, int64_t category, int64_t area,
                    const char *level, int64_t unit, int64_t priority, enum err want,
                    const char *field)
{
	struct dispatch_rule_input in = {.category_id = category, .area_id = area, .owner_level = level,
	                                 .owner_unit_id = unit, .priority = priority};
	struct dispatch_rule_row out;
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = dispatch_rules_create(&e->app, a, &in, &out, &ei);
	if (rc != want)
		fail_msg("rule: got %d (%s), want %d", rc, ei.message, want);
	if (field != NULL)
		assert_string_equal(ei.field, field);
	return rc == ERR_OK ? out.id : 0;
}

static void test_rule_matching(void **state)
{
	struct env *e = *state;
	int64_t env_top = make_category(e, "01", 0, "环境卫生", "community", "5d");
	int64_t env_sub = make_category(e, "0101", env_top, "垃圾堆放", NULL, NULL);
	int64_t build = make_category(e, "03", 0, "违法建设", "grid", "15d");
	int64_t water = make_category(e, "02", 0, "供水", "district", "24h");
	struct category_row *c = malloc(sizeof *c);
	struct errinfo ei;
	struct category_input dep = {.set_department = true, .default_department_id = e->water,
	                             .active = -1};
	assert_int_equal(categories_update(&e->app, &e->cli_actor, water, &dep, c, &ei), ERR_OK);
	free(c);
	char grid_code[AREA_CODE_MAX + 1], compound_code[AREA_CODE_MAX + 1];
	{
		struct area_detail d;
		assert_int_equal(areas_get(&e->app, &e->cli_actor, e->grid, &d, &ei), ERR_OK);
		snprintf(grid_code, sizeof grid_code, "%s", d.area.code);
		json_decref(d.ancestors);
		json_decref(d.responsible);
		assert_int_equal(areas_get(&e->app, &e->cli_actor, e->compound, &d, &ei), ERR_OK);
		snprintf(compound_code, sizeof compound_code, "%s", d.area.code);
		json_decref(d.ancestors);
		json_decref(d.responsible);
	}

	/* no rules: the category's defaults */
	struct match_case m = match(e, env_sub, grid_code);
	assert_true(m.found);
	assert_int_equal(m.t.rule_id, 0);
	assert_int_equal(m.t.area_id, e->community);
	assert_string_equal(m.t.level, "community");
	assert_string_equal(m.t.area_code, "110105001001");
	m = match(e, water, compound_code); /* a department */
	assert_true(m.found);
	assert_int_equal(m.t.unit_id, e->water);
	assert_int_equal(m.t.area_id, 0);
	m = match(e, build, compound_code); /* the grid above a compound */
	assert_int_equal(m.t.area_id, e->grid);
	assert_string_equal(m.t.level, "grid");
	m = match(e, build, "110105001002"); /* filed on a community: stays there */
	assert_int_equal(m.t.area_id, e->community2);
	assert_string_equal(m.t.level, "community");
	m = match(e, env_sub, "999999999"); /* an unknown area: nothing decides */
	assert_false(m.found);

	/* district-wide: 违法建设 → the street */
	int64_t r1 = rule(e, &e->cli_actor, build, e->district, "street", 0, 0, ERR_OK, NULL);
	m = match(e, build, compound_code);
	assert_int_equal(m.t.rule_id, r1);
	assert_int_equal(m.t.area_id, e->street);
	assert_string_equal(m.t.level, "street");
	/* a deeper area wins over the district's rule */
	int64_t r2 = rule(e, &e->cli_actor, build, e->community, "community", 0, 0, ERR_OK, NULL);
	m = match(e, build, compound_code);
	assert_int_equal(m.t.rule_id, r2);
	assert_int_equal(m.t.area_id, e->community);
	m = match(e, build, "110105001002"); /* the other community keeps the district's */
	assert_int_equal(m.t.rule_id, r1);
	/* a deeper category wins over a deeper area */
	int64_t r3 = rule(e, &e->cli_actor, env_top, e->community, "grid", 0, 0, ERR_OK, NULL);
	int64_t r4 = rule(e, &e->cli_actor, env_sub, e->district, NULL, e->city_admin, 0, ERR_OK, NULL);
	m = match(e, env_sub, compound_code);
	assert_int_equal(m.t.rule_id, r4);
	assert_int_equal(m.t.unit_id, e->city_admin);
	m = match(e, env_top, compound_code);
	assert_int_equal(m.t.rule_id, r3);
	assert_int_equal(m.t.area_id, e->grid);
	/* same category and area: the larger priority, whatever the order of creation */
	int64_t r5 = rule(e, &e->cli_actor, water, e->street, "street", 0, 5, ERR_OK, NULL);
	int64_t r6 = rule(e, &e->cli_actor, water, e->street, "community", 0, 9, ERR_OK, NULL);
	int64_t r7 = rule(e, &e->cli_actor, water, e->street, "grid", 0, 1, ERR_OK, NULL);
	(void)r5;
	(void)r7;
	m = match(e, water, grid_code);
	assert_int_equal(m.t.rule_id, r6);
	assert_string_equal(m.t.level, "community");
	rule(e, &e->cli_actor, water, e->street, "grid", 0, 9, ERR_CONFLICT, NULL); /* same priority */
	/* removing the winner falls back to the next */
	assert_int_equal(dispatch_rules_delete(&e->app, &e->cli_actor, r6, &ei), ERR_OK);
	m = match(e, water, grid_code);
	assert_int_equal(m.t.rule_id, r5);
	assert_int_equal(dispatch_rules_delete(&e->app, &e->cli_actor, r6, &ei), ERR_NOTFOUND);
}

static void count_rule(void *ctx, const struct dispatch_rule_row *r)
{
	(void)r;
	(*(int *)ctx)++;
}

static void test_rule_scope(void **state)
{
	struct env *e = *state;
	int64_t top = make_category(e, "01", 0, "环境卫生", "community", "5d");
	/* street staff: rules of their street's subtree only */
	int64_t mine = rule(e, &e->staff_actor, top, e->community, "grid", 0, 0, ERR_OK, NULL);
	rule(e, &e->staff_actor, top, e->street2, "community", 0, 0, ERR_FORBIDDEN, "area_id");
	rule(e, &e->staff_actor, top, e->district, "street", 0, 0, ERR_FORBIDDEN, "area_id");
	int64_t theirs = rule(e, &e->cli_actor, top, e->street2, "community", 0, 0, ERR_OK, NULL);
	struct errinfo ei;
	assert_int_equal(dispatch_rules_delete(&e->app, &e->staff_actor, theirs, &ei), ERR_FORBIDDEN);
	/* bad rules */
	rule(e, &e->staff_actor, top, e->compound, "grid", 0, 0, ERR_INVALID, "area_id");
	rule(e, &e->staff_actor, top, e->community, "street", 0, 0, ERR_INVALID, "owner_level");
	rule(e, &e->staff_actor, top, e->community, "compound", 0, 0, ERR_INVALID, "owner_level");
	rule(e, &e->staff_actor, top, e->community, "grid", e->water, 0, ERR_INVALID, "owner_level");
	rule(e, &e->staff_actor, 99999, e->community, "grid", 0, 1, ERR_INVALID, "category_id");
	int64_t shop = make_unit(e, "enterprise", "某公司", e->community);
	rule(e, &e->staff_actor, top, e->community, NULL, shop, 2, ERR_INVALID, "owner_unit_id");
	/* the list follows the scope */
	int n = 0;
	assert_int_equal(dispatch_rules_list(&e->app, &e->staff_actor, 0, 0, count_rule, &n, &ei), ERR_OK);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(dispatch_rules_list(&e->app, &e->cli_actor, 0, top, count_rule, &n, &ei), ERR_OK);
	assert_int_equal(n, 2);
	assert_int_equal(dispatch_rules_list(&e->app, &e->staff_actor, e->street2, 0, count_rule, &n, &ei),
	                 ERR_FORBIDDEN);
	assert_int_equal(dispatch_rules_delete(&e->app, &e->staff_actor, mine, &ei), ERR_OK);
}


/* --- notifications -------------------------------------------------------------------- */

static int64_t make_user(struct env *e, const struct actor *a, const char *login, const char *role,
                         const char *scope, enum err want)
{
	struct user_input in = {.login = login, .display_name = login, .password = "Str0ng#Pass9",
	                        .set_grants = true, .nroles = 1, .nscopes = 1};
	snprintf(in.roles[0], sizeof in.roles[0], "%s", role);
	snprintf(in.scopes[0], sizeof in.scopes[0], "%s", scope);
	struct user_row out;
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = users_create(&e->app, a, &in, &out, &ei);
	if (rc != want)
		fail_msg("user %s: got %d (%s), want %d", login, rc, ei.message, want);
	return rc == ERR_OK ? out.id : 0;
}

struct notify_case {
	const char *office;
	int64_t unit, user, request;
	const char *kind, *text;
	int times;
	enum err rc;
	struct errinfo ei;
};

static enum err notify_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct notify_case *x = arg;
	for (int i = 0; i < (x->times ? x->times : 1); i++) {
		if (x->office)
			x->rc = notify_area_office(c, x->office, "request.dispatch", x->kind, x->request, x->text,
			                           &x->ei);
		else if (x->unit)
			x->rc = notify_unit(c, x->unit, "request.handle", x->kind, x->request, x->text, &x->ei);
		else
			x->rc = notify_user(c, x->user, x->kind, x->request, x->text, &x->ei);
		if (x->rc != ERR_OK)
			return x->rc;
	}
	return ERR_OK;
}

static enum err notify(struct env *e, struct notify_case x)
{
	struct errinfo ei;
	err_clear(&x.ei);
	enum err rc = store_write(e->app.store, notify_fn, &x, &ei);
	return rc;
}

static int64_t unread_of(struct env *e, int64_t user)
{
	struct identity id = scoped("110105");
	id.user_id = user;
	struct actor a = {.who = &id, .login = "u", .address = "", .request_id = ""};
	int64_t n = -1;
	struct errinfo ei;
	assert_int_equal(notifications_unread(&e->app, &a, &n, &ei), ERR_OK);
	return n;
}

static void test_notifications(void **state)
{
	struct env *e = *state;
	struct errinfo ei;
	assert_int_equal(roles_seed(&e->app, &ei), ERR_OK);
	int64_t comm = make_user(e, &e->cli_actor, "comm", "community_staff", "110105001001", ERR_OK);
	int64_t head = make_user(e, &e->cli_actor, "head", "building_head", "110105001001", ERR_OK);
	int64_t street = make_user(e, &e->cli_actor, "street", "street_staff", "110105001", ERR_OK);
	int64_t dept = make_user(e, &e->cli_actor, "dept", "dept_handler", "110105", ERR_OK);
	/* unit:N scopes: a department that exists, granted from a scope covering its area */
	char unit_scope[32];
	snprintf(unit_scope, sizeof unit_scope, "unit:%lld", (long long)e->water);
	struct user_input g = {.set_grants = true, .nroles = 1, .nscopes = 1};
	snprintf(g.roles[0], sizeof g.roles[0], "dept_handler");
	snprintf(g.scopes[0], sizeof g.scopes[0], "%s", unit_scope);
	struct user_row u;
	assert_int_equal(users_grant(&e->app, &e->cli_actor, dept, &g, &u, &ei), ERR_OK);
	int64_t shop = make_unit(e, "enterprise", "某公司", e->community);
	char bad[32];
	snprintf(bad, sizeof bad, "unit:%lld", (long long)shop);
	make_user(e, &e->cli_actor, "notdept", "dept_handler", bad, ERR_INVALID);
	make_user(e, &e->cli_actor, "nounit", "dept_handler", "unit:99999", ERR_INVALID);
	struct identity granter = scoped("110105001");
	snprintf(granter.caps[0], sizeof granter.caps[0], "user.grant");
	granter.ncaps = 1;
	struct actor ga = {.who = &granter, .login = "granter", .address = "", .request_id = ""};
	make_user(e, &ga, "outside", "dept_handler", unit_scope, ERR_FORBIDDEN); /* a district unit */
	int64_t local = make_unit(e, "department", "街道城管队", e->street);
	char local_scope[32];
	snprintf(local_scope, sizeof local_scope, "unit:%lld", (long long)local);
	make_user(e, &ga, "inside", "dept_handler", local_scope, ERR_OK);
	/* a unit scope covers no area */
	struct identity d = scoped(unit_scope);
	assert_false(identity_covers(&d, "110105"));
	assert_false(identity_covers(&d, "unit:999"));
	assert_true(identity_covers(&d, unit_scope));
	char longer[40];
	snprintf(longer, sizeof longer, "%s1", unit_scope);
	assert_false(identity_covers(&d, longer));

	/* the community office (exact scope, holding request.dispatch) */
	assert_int_equal(notify(e, (struct notify_case){.office = "110105001001", .kind = "dispatched",
	                                                 .request = 42, .text = "新派单"}),
	                 ERR_OK);
	assert_int_equal(unread_of(e, comm), 1);
	assert_int_equal(unread_of(e, head), 0);   /* no request.dispatch */
	assert_int_equal(unread_of(e, street), 0); /* the street is not the community's office */
	/* the department, and one user */
	assert_int_equal(notify(e, (struct notify_case){.unit = e->water, .kind = "dispatched",
	                                                 .request = 42, .text = "请签收"}),
	                 ERR_OK);
	assert_int_equal(unread_of(e, dept), 1);
	assert_int_equal(notify(e, (struct notify_case){.user = street, .kind = "overdue", .text = "超期"}),
	                 ERR_OK);
	assert_int_equal(unread_of(e, street), 1);
	assert_int_equal(notify(e, (struct notify_case){.user = 999999, .kind = "overdue", .text = "x"}),
	                 ERR_OK);
	assert_int_equal(notify(e, (struct notify_case){.user = street, .kind = "party", .text = "x"}),
	                 ERR_INVALID);
	/* a long text is cut between characters */
	char big[1200] = "";
	for (int i = 0; i < 300; i++)
		strcat(big, "长");
	assert_int_equal(notify(e, (struct notify_case){.user = head, .kind = "supervised", .text = big}),
	                 ERR_OK);
	struct identity hid = scoped("110105001001");
	hid.user_id = head;
	struct actor ha = {.who = &hid, .login = "head", .address = "", .request_id = ""};
	json_t *items = json_array();
	int64_t next = -1;
	assert_int_equal(notifications_list(&e->app, &ha, false, 0, 10, items, &next, &ei), ERR_OK);
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(strlen(json_string_value(json_object_get(json_array_get(items, 0), "text"))),
	                 200 * 3);
	assert_true(json_is_null(json_object_get(json_array_get(items, 0), "request_id")));
	assert_int_equal(next, 0);
	json_decref(items);

	/* reading: one's own only */
	struct identity cid = scoped("110105001001");
	cid.user_id = comm;
	struct actor ca = {.who = &cid, .login = "comm", .address = "", .request_id = ""};
	items = json_array();
	assert_int_equal(notifications_list(&e->app, &ca, true, 0, 10, items, &next, &ei), ERR_OK);
	int64_t first = json_integer_value(json_object_get(json_array_get(items, 0), "id"));
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "request_id")), 42);
	json_decref(items);
	assert_int_equal(notifications_read(&e->app, &ha, first, &ei), ERR_NOTFOUND);
	assert_int_equal(notifications_read(&e->app, &ca, first, &ei), ERR_OK);
	assert_int_equal(notifications_read(&e->app, &ca, first, &ei), ERR_OK); /* again: fine */
	assert_int_equal(unread_of(e, comm), 0);
	/* paging: 25 more, newest first, 10 a page */
	assert_int_equal(notify(e, (struct notify_case){.office = "110105001001", .kind = "returned",
	                                                 .text = "退单", .times = 25}),
	                 ERR_OK);
	assert_int_equal(unread_of(e, comm), 25);
	int64_t before = 0, seen = 0, last = INT64_MAX;
	int pages = 0;
	do {
		items = json_array();
		assert_int_equal(notifications_list(&e->app, &ca, false, before, 10, items, &next, &ei), ERR_OK);
		for (size_t i = 0; i < json_array_size(items); i++) {
			int64_t id = json_integer_value(json_object_get(json_array_get(items, i), "id"));
			assert_true(id < last);
			last = id;
			seen++;
		}
		json_decref(items);
		before = next;
		pages++;
	} while (next > 0 && pages < 10);
	assert_int_equal(seen, 26);
	assert_int_equal(pages, 3);
	items = json_array();
	assert_int_equal(notifications_list(&e->app, &ca, true, 0, 200, items, &next, &ei), ERR_OK);
	assert_int_equal(json_array_size(items), 25);
	json_decref(items);
	int64_t marked = 0;
	assert_int_equal(notifications_read_all(&e->app, &ca, &marked, &ei), ERR_OK);
	assert_int_equal(marked, 25);
	assert_int_equal(unread_of(e, comm), 0);
	assert_int_equal(unread_of(e, dept), 1); /* others' untouched */
	/* the command line has no inbox */
	assert_int_equal(notifications_unread(&e->app, &e->cli_actor, &marked, &ei), ERR_FORBIDDEN);
}

/* --- photos ------------------------------------------------------------------------------ */

/* The smallest headers that say what they are: a JPEG with a SOF0 of
 * 640×480, a PNG IHDR of 32×16, WebP VP8X 100×50, VP8L 7×9 and VP8 321×123. */
static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J',  'F',  'I',  'F',  0x00,
                                     0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xC0,
                                     0x00, 0x11, 0x08, 0x01, 0xE0, 0x02, 0x80, 0x03, 0x01, 0x22, 0x00,
                                     0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xFF, 0xD9};
static const unsigned char png[] = {0x89, 'P',  'N',  'G',  0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00,
                                    0x0D, 'I',  'H',  'D',  'R',  0x00, 0x00, 0x00, 0x20, 0x00, 0x00,
                                    0x00, 0x10, 0x08, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
static const unsigned char webp_x[] = {'R', 'I', 'F', 'F', 0x16, 0x00, 0x00, 0x00, 'W', 'E', 'B',
                                       'P', 'V', 'P', '8', 'X', 0x0A, 0x00, 0x00, 0x00, 0x00, 0x00,
                                       0x00, 0x00, 0x63, 0x00, 0x00, 0x31, 0x00, 0x00};
static const unsigned char webp_l[] = {'R', 'I', 'F', 'F', 0x16, 0x00, 0x00, 0x00, 'W', 'E', 'B',
                                       'P', 'V', 'P', '8', 'L', 0x0A, 0x00, 0x00, 0x00, 0x2F, 0x06,
                                       0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
static const unsigned char webp_v[] = {'R', 'I', 'F', 'F', 0x16, 0x00, 0x00, 0x00, 'W', 'E', 'B',
                                       'P', 'V', 'P', '8', ' ', 0x0A, 0x00, 0x00, 0x00, 0x00, 0x00,
                                       0x00, 0x9D, 0x01, 0x2A, 0x41, 0x01, 0x7B, 0x00};

static void test_photo_sniff(void **state)
{
	(void)state;
	int w, h;
	assert_string_equal(photo_sniff(jpeg, sizeof jpeg), "image/jpeg");
	photo_dimensions("image/jpeg", jpeg, sizeof jpeg, &w, &h);
	assert_int_equal(w, 640);
	assert_int_equal(h, 480);
	assert_string_equal(photo_sniff(png, sizeof png), "image/png");
	photo_dimensions("image/png", png, sizeof png, &w, &h);
	assert_int_equal(w, 32);
	assert_int_equal(h, 16);
	assert_string_equal(photo_sniff(webp_x, sizeof webp_x), "image/webp");
	photo_dimensions("image/webp", webp_x, sizeof webp_x, &w, &h);
	assert_int_equal(w, 100);
	assert_int_equal(h, 50);
	photo_dimensions("image/webp", webp_l, sizeof webp_l, &w, &h);
	assert_int_equal(w, 7);
	assert_int_equal(h, 9);
	photo_dimensions("image/webp", webp_v, sizeof webp_v, &w, &h);
	assert_int_equal(w, 321);
	assert_int_equal(h, 123);
	/* a JPEG cut before its SOF: known type, unknown size */
	assert_string_equal(photo_sniff(jpeg, 3), "image/jpeg");
	photo_dimensions("image/jpeg", jpeg, 22, &w, &h);
	assert_int_equal(w + h, 0);
	/* what is not one of the three */
	static const char *const forged[] = {"GIF89a\x01\x00\x01\x00", "<?php echo 1; ?>", "%PDF-1.7",
	                                     "\xFF\xD8", "RIFF\x10\x00\x00\x00WAVEfmt ",
	                                     "\x89PNG\r\n\x1a", "BM\x3a\x00\x00\x00", ""};
	for (size_t i = 0; i < sizeof forged / sizeof forged[0]; i++)
		if (photo_sniff(forged[i], strlen(forged[i])) != NULL)
			fail_msg("forged %zu taken as an image", i);
	assert_null(photo_sniff(png + 1, sizeof png - 1)); /* one byte off */
	assert_true(photo_sha_valid("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
	assert_false(photo_sha_valid("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"));
	assert_false(photo_sha_valid("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85"));
	assert_false(photo_sha_valid("../../etc/passwd"));
}

struct known_case {
	const char *sha;
	bool known;
	struct photo_row row;
};

static enum err known_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct known_case *k = arg;
	k->known = photo_known(c, k->sha, &k->row);
	return ERR_OK;
}

static void test_photos(void **state)
{
	struct env *e = *state;
	struct photo_row p, q;
	bool created = true;
	struct errinfo ei;
	/* no directory: refused, nothing stored */
	assert_int_equal(photos_put(&e->app, &e->cli_actor, jpeg, sizeof jpeg, &p, &created, &ei),
	                 ERR_UNAVAIL);
	assert_string_equal(ei.field, "photo_dir");
	snprintf(e->app.cfg.photo_dir, sizeof e->app.cfg.photo_dir, "%s/photos", e->keydir);
	assert_int_equal(photos_put(&e->app, &e->cli_actor, jpeg, sizeof jpeg, &p, &created, &ei), ERR_OK);
	assert_true(created);
	assert_string_equal(p.mime, "image/jpeg");
	assert_int_equal(p.bytes, sizeof jpeg);
	assert_int_equal(p.width, 640);
	char path[400];
	snprintf(path, sizeof path, "%s/photos/%.2s/%s", e->keydir, p.sha256, p.sha256);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, sizeof jpeg);
	/* the same bytes again: the same photo, not a new one */
	assert_int_equal(photos_put(&e->app, &e->cli_actor, jpeg, sizeof jpeg, &q, &created, &ei), ERR_OK);
	assert_false(created);
	assert_string_equal(q.sha256, p.sha256);
	assert_string_equal(q.created_at, p.created_at);
	/* read back */
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(photos_get(&e->app, p.sha256, &q, &data, &len, &ei), ERR_OK);
	assert_int_equal(len, sizeof jpeg);
	assert_memory_equal(data, jpeg, sizeof jpeg);
	free(data);
	assert_int_equal(photos_get(&e->app, "0000000000000000000000000000000000000000000000000000000000000000",
	                            &q, &data, &len, &ei),
	                 ERR_NOTFOUND);
	/* refused: forged, empty, too large */
	assert_int_equal(photos_put(&e->app, &e->cli_actor, "GIF89a....", 10, &q, &created, &ei),
	                 ERR_MEDIA_TYPE);
	assert_string_equal(ei.field, "body");
	assert_int_equal(photos_put(&e->app, &e->cli_actor, "", 0, &q, &created, &ei), ERR_INVALID);
	unsigned char *big = calloc(1, LIMIT_PHOTO_BYTES + 1);
	memcpy(big, jpeg, sizeof jpeg);
	assert_int_equal(photos_put(&e->app, &e->cli_actor, big, LIMIT_PHOTO_BYTES + 1, &q, &created, &ei),
	                 ERR_TOO_LARGE);
	/* exactly the limit is fine */
	assert_int_equal(photos_put(&e->app, &e->cli_actor, big, LIMIT_PHOTO_BYTES, &q, &created, &ei),
	                 ERR_OK);
	assert_int_equal(q.bytes, LIMIT_PHOTO_BYTES);
	free(big);
	/* a lost file is written again by the next upload of the same bytes */
	unlink(path);
	assert_int_equal(photos_get(&e->app, p.sha256, &q, &data, &len, &ei), ERR_INTERNAL);
	assert_int_equal(photos_put(&e->app, &e->cli_actor, jpeg, sizeof jpeg, &q, &created, &ei), ERR_OK);
	assert_false(created);
	assert_int_equal(stat(path, &st), 0);
	/* the lifecycle's check */
	struct known_case k = {.sha = p.sha256};
	assert_int_equal(store_read(e->app.store, known_fn, &k, &ei), ERR_OK);
	assert_true(k.known);
	assert_string_equal(k.row.mime, "image/jpeg");
	k.sha = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
	assert_int_equal(store_read(e->app.store, known_fn, &k, &ei), ERR_OK);
	assert_false(k.known);
	k.sha = "nonsense";
	assert_int_equal(store_read(e->app.store, known_fn, &k, &ei), ERR_OK);
	assert_false(k.known);
	/* tidy the directory for teardown */
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s/photos'", e->keydir);
	assert_int_equal(system(cmd), 0);
}

/* --- the demo taxonomy ------------------------------------------------------------------- */

static int64_t code_id(struct env *e, const char *code)
{
	struct names l = {0};
	struct errinfo ei;
	assert_int_equal(categories_list(&e->app, -1, true, collect, &l, &ei), ERR_OK);
	return id_of(&l, code);
}

static void test_demo_taxonomy(void **state)
{
	struct env *e = *state;
	/* the demo's departments, by the names the demo registers give them */
	int64_t water = make_unit(e, "department", "北京市朝阳区水务局", e->district);
	int64_t green = make_unit(e, "department", "北京市朝阳区园林绿化局", e->district);
	int64_t team = make_unit(e, "department", "建外街道综合行政执法队", e->street);
	assert_int_equal(demo_categories_load(&e->app), 0);
	struct names l = {0}, top = {0};
	struct errinfo ei;
	assert_int_equal(categories_list(&e->app, -1, false, collect, &l, &ei), ERR_OK);
	assert_int_equal(categories_list(&e->app, 0, false, collect, &top, &ei), ERR_OK);
	assert_int_equal(top.n, 12);
	assert_true(l.n >= 52 && l.n <= 72);
	/* every category has a usable deadline for every urgency */
	for (int i = 0; i < l.n; i++) {
		static const char *const urgencies[] = {"normal", "urgent", "critical"};
		for (int u = 0; u < 3; u++) {
			struct fr_case *x = for_request(e, l.id[i], urgencies[u], at("2031-03-12T10:00:00+08:00"));
			if (x->rc != ERR_OK || x->due_rc != ERR_OK)
				fail_msg("%s %s: %s", l.code[i], urgencies[u], x->ei.message);
			free(x);
		}
	}
	/* DOMAIN.md's limits: safety 2 hours, utilities 24 hours, general 5 days, complex 15 */
	struct fr_case *x = for_request(e, code_id(e, "0602"), "normal", 0);
	assert_string_equal(x->row.limit_normal, "2h");
	free(x);
	x = for_request(e, code_id(e, "1001"), "normal", 0);
	assert_string_equal(x->row.limit_normal, "24h");
	free(x);
	x = for_request(e, code_id(e, "0101"), "normal", 0);
	assert_string_equal(x->row.limit_normal, "5d");
	free(x);
	x = for_request(e, code_id(e, "0301"), "normal", 0);
	assert_string_equal(x->row.limit_normal, "15d");
	free(x);
	/* the rules: vending to the street's team, water and greenery to departments,
	 * illegal building to the street; the rest by the taxonomy's defaults */
	char grid_code[AREA_CODE_MAX + 1];
	{
		struct area_detail d;
		assert_int_equal(areas_get(&e->app, &e->cli_actor, e->grid, &d, &ei), ERR_OK);
		snprintf(grid_code, sizeof grid_code, "%s", d.area.code);
		json_decref(d.ancestors);
		json_decref(d.responsible);
	}
	struct match_case m = match(e, code_id(e, "0201"), grid_code);
	assert_int_equal(m.t.unit_id, team);
	m = match(e, code_id(e, "1001"), grid_code);
	assert_int_equal(m.t.unit_id, water);
	m = match(e, code_id(e, "1101"), grid_code);
	assert_int_equal(m.t.unit_id, green);
	m = match(e, code_id(e, "0301"), grid_code);
	assert_int_equal(m.t.area_id, e->street);
	m = match(e, code_id(e, "0101"), grid_code);
	assert_int_equal(m.t.area_id, e->community);
	m = match(e, code_id(e, "0602"), grid_code); /* 电动车飞线充电: the grid */
	assert_int_equal(m.t.area_id, e->grid);
	m = match(e, code_id(e, "1002"), grid_code); /* 停电: the district's office */
	assert_int_equal(m.t.area_id, e->district);
	m = match(e, code_id(e, "0201"), "110105002"); /* the other street has no team: its default */
	assert_int_equal(m.t.area_id, e->street2);
	assert_string_equal(m.t.level, "street");
	/* loading again changes nothing */
	int n = 0;
	assert_int_equal(dispatch_rules_list(&e->app, &e->cli_actor, 0, 0, count_rule, &n, &ei), ERR_OK);
	assert_int_equal(n, 4);
	assert_int_equal(demo_categories_load(&e->app), 0);
	int n2 = 0;
	assert_int_equal(dispatch_rules_list(&e->app, &e->cli_actor, 0, 0, count_rule, &n2, &ei), ERR_OK);
	assert_int_equal(n2, 4);
}

int main(void)
{
	log_set_level(LOG_ERROR);
	fx_print_backend("test_categories");
	if (crypto_init() != ERR_OK)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_limit_parse),
		cmocka_unit_test(test_code_check),
		cmocka_unit_test_setup_teardown(test_import_and_inherit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_bad_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_and_inactive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_for_request_and_due, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rule_matching, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rule_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notifications, setup, teardown),
		cmocka_unit_test(test_photo_sniff),
		cmocka_unit_test_setup_teardown(test_photos, setup, teardown),
		cmocka_unit_test_setup_teardown(test_demo_taxonomy, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
