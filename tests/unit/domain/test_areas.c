/* Unit tests for src/domain/areas.c (with src/store/areas.c) on a fresh
 * database of the environment's backend: codes and their checks, scope,
 * moves that re-code a subtree and keep history, closing, boundaries
 * refused with GEOS's reason, and the locator. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../store/fixture.h"
#include "app.h"
#include "auth/audit.h"
#include "auth/users.h"
#include "domain/areas.h"
#include "util/log.h"

struct env;
static enum err store_read_area(struct env *e, int64_t id, struct area_row *out);

struct env {
	struct fx_db fx;
	struct app app;
	char keydir[64], keypath[96];
	struct identity cli;
	struct actor cli_actor;
	int64_t district, street, street2, community, grid1, grid2;
};

static struct identity scoped(const char *scope, const char *caps)
{
	struct identity id;
	memset(&id, 0, sizeof id);
	id.user_id = 0;
	snprintf(id.login, sizeof id.login, "t");
	snprintf(id.scopes[0], sizeof id.scopes[0], "%s", scope);
	id.nscopes = 1;
	char buf[256];
	snprintf(buf, sizeof buf, "%s", caps);
	for (char *s = NULL, *t = strtok_r(buf, " ", &s); t; t = strtok_r(NULL, " ", &s))
		snprintf(id.caps[id.ncaps++], CAP_NAME_MAX, "%s", t);
	return id;
}

static int64_t make(struct env *e, int64_t parent, const char *code, const char *name)
{
	struct area_input in = {.parent_id = parent, .code = code, .name = name};
	struct area_row out;
	struct errinfo ei;
	err_clear(&ei);
	if (areas_create(&e->app, &e->cli_actor, &in, &out, &ei) != ERR_OK)
		fail_msg("creating %s: %s", name, ei.message);
	return out.id;
}

struct read_area {
	int64_t id;
	struct area_row *out;
};

static enum err read_area_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct read_area *x = arg;
	return store_area_get(c, x->id, x->out, ei);
}

static enum err store_read_area(struct env *e, int64_t id, struct area_row *out)
{
	struct read_area x = {id, out};
	struct errinfo ei;
	return store_read(e->app.store, read_area_fn, &x, &ei);
}

static void count_area(void *ctx, const struct area_row *a)
{
	(void)a;
	(*(int *)ctx)++;
}

static json_t *square(double x0, double y0, double x1, double y1)
{
	return json_pack("{s:s, s:[[[f,f],[f,f],[f,f],[f,f],[f,f]]]}", "type", "Polygon", "coordinates",
	                 x0, y0, x1, y0, x1, y1, x0, y1, x0, y0);
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
	snprintf(e->keydir, sizeof e->keydir, "/tmp/linli-areas-XXXXXX");
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
		e->app.office.tz_offset_min = 480;
	}
	if (rc != ERR_OK) {
		print_message("# setting up %s: %d %s\n", e->fx.url, rc, ei.message);
		fx_db_destroy(&e->fx);
		free(e);
		return -1;
	}
	users_cli_identity(&e->cli);
	e->cli_actor = (struct actor){.who = &e->cli, .login = "cli", .address = "", .request_id = ""};
	*state = e;
	e->district = make(e, 0, "110105", "朝阳区");
	e->street = make(e, e->district, "110105001", "建外街道");
	e->street2 = make(e, e->district, "110105002", "朝外街道");
	e->community = make(e, e->street, "110105001001", "永安里社区");
	e->grid1 = make(e, e->community, NULL, "一网格");
	e->grid2 = make(e, e->community, NULL, "二网格");
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

static void test_code_check(void **state)
{
	(void)state;
	assert_null(area_code_check("110105", AREA_DISTRICT, NULL));
	assert_null(area_code_check("110105001", AREA_STREET, "110105"));
	assert_non_null(area_code_check("110105100", AREA_STREET, "110105")); /* 镇, not a street */
	assert_non_null(area_code_check("110105001200", AREA_COMMUNITY, "110105001")); /* 村 */
	assert_non_null(area_code_check("110106001", AREA_STREET, "110105"));  /* wrong parent */
	assert_non_null(area_code_check("11010500", AREA_STREET, "110105"));   /* too short */
	assert_non_null(area_code_check("11010500a", AREA_STREET, "110105"));  /* not digits */
	assert_non_null(area_code_check("110105000", AREA_STREET, "110105"));  /* zero segment */
	assert_int_equal(area_code_len(AREA_ENTRANCE), 23);
	struct errinfo ei;
	assert_int_equal(area_widths_set("2,2,2,2", &ei), ERR_OK);
	assert_int_equal(area_code_len(AREA_GRID), 14); /* CJ/T 213: 14 digits */
	assert_int_equal(area_code_len(AREA_ENTRANCE), 20);
	assert_int_not_equal(area_widths_set("3,3,3", &ei), ERR_OK);
	assert_int_not_equal(area_widths_set("3,3,3,9", &ei), ERR_OK);
	assert_int_equal(area_widths_set("3,3,3,2", &ei), ERR_OK);
}

static void test_auto_codes_and_refusals(void **state)
{
	struct env *e = *state;
	struct area_row g1, g2;
	struct errinfo ei;
	assert_int_equal(store_read_area(e, e->grid1, &g1), ERR_OK);
	assert_int_equal(store_read_area(e, e->grid2, &g2), ERR_OK);
	assert_string_equal(g1.code, "110105001001001");
	assert_string_equal(g2.code, "110105001001002");
	assert_string_equal(g1.kind, "basic");
	/* a code whose prefix disagrees with its parent */
	struct area_input in = {.parent_id = e->community, .code = "110105002001003", .name = "错"};
	struct area_row out;
	assert_int_equal(areas_create(&e->app, &e->cli_actor, &in, &out, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "code");
	/* duplicate code */
	in.code = "110105001001001";
	assert_int_equal(areas_create(&e->app, &e->cli_actor, &in, &out, &ei), ERR_CONFLICT);
	assert_string_equal(ei.field, "code");
	/* wrong level under the parent */
	in = (struct area_input){.parent_id = e->community, .level = AREA_BUILDING, .name = "楼"};
	assert_int_equal(areas_create(&e->app, &e->cli_actor, &in, &out, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "level");
	/* a kind only grids have */
	in = (struct area_input){.parent_id = e->street, .name = "社区", .kind = "basic"};
	assert_int_equal(areas_create(&e->app, &e->cli_actor, &in, &out, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "kind");
	/* unknown parent names the field */
	in = (struct area_input){.parent_id = 99999, .name = "x"};
	assert_int_equal(areas_create(&e->app, &e->cli_actor, &in, &out, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "parent_id");
}

static void test_scope(void **state)
{
	struct env *e = *state;
	struct identity other = scoped("110105002", "area.read area.manage");
	struct actor a = {.who = &other, .login = "t", .address = "", .request_id = ""};
	struct area_detail d;
	struct errinfo ei;
	assert_int_equal(areas_get(&e->app, &a, e->community, &d, &ei), ERR_FORBIDDEN);
	struct area_input in = {.parent_id = e->community, .name = "越权"};
	struct area_row out;
	assert_int_equal(areas_create(&e->app, &a, &in, &out, &ei), ERR_FORBIDDEN);
	assert_int_equal(areas_get(&e->app, &a, e->street2, &d, &ei), ERR_OK);
	json_decref(d.ancestors);
	json_decref(d.responsible);
	/* the refusals were audited */
	struct identity mine = scoped("110105001", "area.read");
	a.who = &mine;
	assert_int_equal(areas_get(&e->app, &a, e->community, &d, &ei), ERR_OK);
	assert_int_equal(json_array_size(d.ancestors), 2);
	json_decref(d.ancestors);
	json_decref(d.responsible);
}

static void test_move_recodes_and_keeps_history(void **state)
{
	struct env *e = *state;
	struct area_row out, g1;
	struct errinfo ei;
	/* under its own descendant */
	assert_int_equal(areas_move(&e->app, &e->cli_actor, e->street, e->grid1, &out, &ei), ERR_INVALID);
	/* a community to another street */
	assert_int_equal(areas_move(&e->app, &e->cli_actor, e->community, e->street2, &out, &ei), ERR_OK);
	assert_string_equal(out.code, "110105002001");
	assert_int_equal(store_read_area(e, e->grid1, &g1), ERR_OK);
	assert_string_equal(g1.code, "110105002001001");
	assert_int_equal(g1.parent_id, e->community);
	/* a new community under the old street does not take the old code */
	struct area_input in = {.parent_id = e->street, .name = "新社区"};
	assert_int_equal(areas_create(&e->app, &e->cli_actor, &in, &out, &ei), ERR_OK);
	assert_string_equal(out.code, "110105001002");
	/* nor can anyone give it by hand */
	in.code = "110105001001";
	assert_int_equal(areas_create(&e->app, &e->cli_actor, &in, &out, &ei), ERR_CONFLICT);
	assert_string_equal(ei.field, "code");
}

struct hist {
	int n;
	char last_old[40], last_new[40], last_action[16];
};

static void on_change(void *ctx, const struct area_change *h)
{
	struct hist *x = ctx;
	x->n++;
	snprintf(x->last_old, sizeof x->last_old, "%s", h->old_code);
	snprintf(x->last_new, sizeof x->last_new, "%s", h->new_code);
	snprintf(x->last_action, sizeof x->last_action, "%s", h->action);
}

static void test_history(void **state)
{
	struct env *e = *state;
	struct area_row out;
	struct errinfo ei;
	assert_int_equal(areas_move(&e->app, &e->cli_actor, e->community, e->street2, &out, &ei), ERR_OK);
	struct hist h = {0};
	assert_int_equal(areas_history(&e->app, &e->cli_actor, e->community, on_change, &h, &ei), ERR_OK);
	assert_int_equal(h.n, 2); /* create, move */
	assert_string_equal(h.last_action, "move");
	assert_string_equal(h.last_old, "110105001001");
	assert_string_equal(h.last_new, "110105002001");
}

static void test_close(void **state)
{
	struct env *e = *state;
	struct area_row out;
	struct errinfo ei;
	assert_int_equal(areas_close(&e->app, &e->cli_actor, e->community, NULL, &out, &ei), ERR_CONFLICT);
	assert_int_equal(areas_close(&e->app, &e->cli_actor, e->grid2, "2030-01-01", &out, &ei), ERR_OK);
	assert_string_equal(out.valid_to, "2030-01-01");
	assert_int_equal(areas_close(&e->app, &e->cli_actor, e->grid2, NULL, &out, &ei), ERR_CONFLICT);
	/* its code is not given out again */
	struct area_input in = {.parent_id = e->community, .name = "三网格"};
	assert_int_equal(areas_create(&e->app, &e->cli_actor, &in, &out, &ei), ERR_OK);
	assert_string_equal(out.code, "110105001001003");
}

static void test_boundaries_and_locate(void **state)
{
	struct env *e = *state;
	struct area_row out, grid;
	struct errinfo ei;
	json_t *s1 = square(116.40, 39.90, 116.41, 39.91), *s2 = square(116.41, 39.90, 116.42, 39.91);
	assert_int_equal(areas_set_boundary(&e->app, &e->cli_actor, e->grid1, s1, CRS_WGS84, &out, &ei), ERR_OK);
	assert_int_equal(areas_set_boundary(&e->app, &e->cli_actor, e->grid2, s2, CRS_WGS84, &out, &ei), ERR_OK);
	json_decref(s1);
	json_decref(s2);
	int ancestors = 0;
	assert_int_equal(areas_locate(&e->app, &e->cli_actor, 116.405, 39.905, CRS_WGS84, &grid,
	                              count_area, &ancestors, &ei), ERR_OK);
	assert_int_equal(grid.id, e->grid1);
	assert_int_equal(ancestors, 3); /* district, street, community */
	assert_int_equal(areas_locate(&e->app, &e->cli_actor, 116.415, 39.905, CRS_WGS84, &grid, NULL, NULL,
	                              &ei), ERR_OK);
	assert_int_equal(grid.id, e->grid2);
	/* the shared border belongs to one of them, the same every time */
	assert_int_equal(areas_locate(&e->app, &e->cli_actor, 116.41, 39.905, CRS_WGS84, &grid, NULL, NULL,
	                              &ei), ERR_OK);
	int64_t first = grid.id;
	assert_int_equal(areas_locate(&e->app, &e->cli_actor, 116.41, 39.905, CRS_WGS84, &grid, NULL, NULL,
	                              &ei), ERR_OK);
	assert_int_equal(grid.id, first);
	assert_int_equal(areas_locate(&e->app, &e->cli_actor, 116.50, 39.905, CRS_WGS84, &grid, NULL, NULL,
	                              &ei), ERR_NOTFOUND);
	/* a GCJ-02 point from a map app lands in the same grid as its WGS-84 twin */
	double glng, glat;
	coord_wgs84_to_gcj02(116.405, 39.905, &glng, &glat);
	assert_int_equal(areas_locate(&e->app, &e->cli_actor, glng, glat, CRS_GCJ02, &grid, NULL, NULL, &ei),
	                 ERR_OK);
	assert_int_equal(grid.id, e->grid1);
	/* outside the caller's scope the point is in no grid */
	struct identity other = scoped("110105002", "area.read");
	struct actor a = {.who = &other, .login = "t", .address = "", .request_id = ""};
	assert_int_equal(areas_locate(&e->app, &a, 116.405, 39.905, CRS_WGS84, &grid, NULL, NULL, &ei),
	                 ERR_NOTFOUND);
	/* a bow tie is refused with GEOS's reason; a ring that does not close too */
	json_t *bow = json_pack("{s:s, s:[[[f,f],[f,f],[f,f],[f,f],[f,f]]]}", "type", "Polygon",
	                        "coordinates", 116.4, 39.9, 116.41, 39.91, 116.41, 39.9, 116.4, 39.91, 116.4, 39.9);
	assert_int_equal(areas_set_boundary(&e->app, &e->cli_actor, e->grid1, bow, CRS_WGS84, &out, &ei),
	                 ERR_INVALID);
	assert_non_null(strstr(ei.message, "Self-intersection"));
	json_decref(bow);
	json_t *open = json_pack("{s:s, s:[[[f,f],[f,f],[f,f],[f,f]]]}", "type", "Polygon", "coordinates",
	                         116.4, 39.9, 116.41, 39.9, 116.41, 39.91, 116.4, 39.91);
	assert_int_equal(areas_set_boundary(&e->app, &e->cli_actor, e->grid1, open, CRS_WGS84, &out, &ei),
	                 ERR_INVALID);
	json_decref(open);
	/* after a move the locator answers the grid under its new code */
	assert_int_equal(areas_move(&e->app, &e->cli_actor, e->community, e->street2, &out, &ei), ERR_OK);
	assert_int_equal(areas_locate(&e->app, &e->cli_actor, 116.415, 39.905, CRS_WGS84, &grid, NULL, NULL,
	                              &ei), ERR_OK);
	assert_string_equal(grid.code, "110105002001002");
}

int main(void)
{
	log_set_level(LOG_ERROR);
	fx_print_backend("test_areas");
	if (crypto_init() != ERR_OK)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_code_check),
		cmocka_unit_test_setup_teardown(test_auto_codes_and_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_recodes_and_keeps_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boundaries_and_locate, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
