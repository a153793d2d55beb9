/* Unit tests for src/domain/units.c (with src/store/units.c) on a fresh
 * database of the environment's backend: the credit-code check, units
 * listed and refused by scope (with access.denied rows), names unique per
 * area, departments' served areas, pairings and their periods, the joint
 * committee that seats only units paired today, contacts with sealed
 * phones, and the import row function and export of unit_io. */
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
#include "domain/registers_io.h"
#include "domain/units.h"
#include "store/audit.h"
#include "util/log.h"

struct env {
	struct fx_db fx;
	struct app app;
	char keydir[64], keypath[96];
	struct identity cli;
	struct actor cli_actor;
	int64_t district, street, street2, community, community2, other_community, grid;
	/* a street administrator of 110105001 */
	struct identity staff;
	struct actor staff_actor;
};

static struct identity scoped(const char *scope)
{
	struct identity id;
	memset(&id, 0, sizeof id);
	id.user_id = 0;
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

static int64_t make_pairing(struct env *e, int64_t unit, int64_t community, const char *from,
                            const char *to)
{
	struct pairing_input in = {.unit_id = unit, .community_id = community, .starts_on = from,
	                           .ends_on = to, .content = "共建协议"};
	struct pairing_row *out = malloc(sizeof *out);
	struct errinfo ei;
	err_clear(&ei);
	if (pairings_create(&e->app, &e->cli_actor, &in, out, &ei) != ERR_OK)
		fail_msg("pairing: %s", ei.message);
	int64_t id = out->id;
	free(out);
	return id;
}

static void count_one(void *ctx, const struct audit_row *a)
{
	(void)a;
	(*(int *)ctx)++;
}

static int audit_count(struct env *e, const char *action, const char *outcome)
{
	struct audit_filter f = {.action = action, .outcome = outcome, .limit = 200};
	int n = 0;
	assert_int_equal(audit_search(e->app.store, &f, count_one, &n, NULL), ERR_OK);
	return n;
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
	snprintf(e->keydir, sizeof e->keydir, "/tmp/linli-units-XXXXXX");
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
	e->other_community = make_area(e, e->street2, "110105002001", "吉祥里社区");
	e->grid = make_area(e, e->community, NULL, "一网格");
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

/* GB 32100: the check character over the first 17, the charset without I, O, S, V, Z. */
static void test_credit_code(void **state)
{
	(void)state;
	assert_null(credit_code_check("91350100M000100Y43"));
	assert_null(credit_code_check("91110108551385082Q"));
	assert_null(credit_code_check("91110000600037341L"));
	assert_non_null(credit_code_check("91350100M000100Y44")); /* wrong check character */
	assert_non_null(credit_code_check("911101087177629537"));
	assert_non_null(credit_code_check("91350100M000100Y4"));  /* 17 characters */
	assert_non_null(credit_code_check("91350100M000100Y433"));
	assert_non_null(credit_code_check(""));
	/* I, O, S, V and Z are not in the set, even where the sum would fit */
	const char *bad[] = {"91350100I000100Y43", "91350100O000100Y43", "91350100S000100Y43",
	                     "91350100V000100Y43", "91350100Z000100Y43", "91350100m000100Y43",
	                     "91350100-000100Y43"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_non_null(credit_code_check(bad[i]));
	/* lower case is normalised by the callers */
	char code[] = "91350100m000100y43";
	credit_code_normalise(code);
	assert_string_equal(code, "91350100M000100Y43");
	assert_null(credit_code_check(code));
	/* a check value of 0 is written '0' (31 - 0 would be out of range) */
	static const char cs[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	char probe[19] = "91110000600037341L";
	for (int i = 0; i < 31; i++) {
		probe[16] = cs[i];
		int ok = 0;
		for (int k = 0; k < 31; k++) {
			probe[17] = cs[k];
			ok += credit_code_check(probe) == NULL;
		}
		assert_int_equal(ok, 1); /* exactly one check character fits */
	}
}

struct names {
	int n;
	char v[32][UNIT_NAME_MAX * 4 + 1];
};

static void collect_unit(void *ctx, const struct unit_row *u)
{
	struct names *l = ctx;
	if (l->n < 32)
		snprintf(l->v[l->n++], sizeof l->v[0], "%s", u->name);
}

static void test_units_scope(void **state)
{
	struct env *e = *state;
	struct errinfo ei;
	make_unit(e, "agency", "建外街道办事处", e->street);
	int64_t in_com = make_unit(e, "enterprise", "永安物业 100%", e->community);
	make_unit(e, "property_company", "建国物业", e->community2);
	int64_t out = make_unit(e, "agency", "朝外街道办事处", e->street2);
	/* the street administrator sees the three under 110105001, in code order */
	struct unit_list_query q = {.limit = 20};
	struct names l = {0};
	int64_t total = -1;
	assert_int_equal(units_list(&e->app, &e->staff_actor, &q, collect_unit, &l, &total, &ei), ERR_OK);
	assert_int_equal(total, 3);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0], "建外街道办事处");
	/* kind and name filters, the name matched literally */
	struct unit_list_query qk = {.kind = "property_company", .limit = 20};
	memset(&l, 0, sizeof l);
	assert_int_equal(units_list(&e->app, &e->staff_actor, &qk, collect_unit, &l, &total, &ei), ERR_OK);
	assert_int_equal(total, 1);
	assert_string_equal(l.v[0], "建国物业");
	struct unit_list_query qq = {.q = "100%", .limit = 20};
	memset(&l, 0, sizeof l);
	assert_int_equal(units_list(&e->app, &e->staff_actor, &qq, collect_unit, &l, &total, &ei), ERR_OK);
	assert_int_equal(total, 1);
	struct unit_list_query q_ = {.q = "_", .limit = 20};
	assert_int_equal(units_list(&e->app, &e->staff_actor, &q_, collect_unit, &l, &total, &ei), ERR_OK);
	assert_int_equal(total, 0);
	/* paging keeps the total */
	struct unit_list_query qp = {.limit = 1, .offset = 2};
	memset(&l, 0, sizeof l);
	assert_int_equal(units_list(&e->app, &e->staff_actor, &qp, collect_unit, &l, &total, &ei), ERR_OK);
	assert_int_equal(total, 3);
	assert_int_equal(l.n, 1);
	/* an area filter inside the scope narrows; outside it is refused and audited */
	struct unit_list_query qa = {.area_id = e->community, .limit = 20};
	memset(&l, 0, sizeof l);
	assert_int_equal(units_list(&e->app, &e->staff_actor, &qa, collect_unit, &l, &total, &ei), ERR_OK);
	assert_int_equal(total, 1);
	assert_int_equal(audit_count(e, "access.denied", "denied"), 0);
	struct unit_list_query qo = {.area_id = e->street2, .limit = 20};
	assert_int_equal(units_list(&e->app, &e->staff_actor, &qo, collect_unit, &l, &total, &ei),
	                 ERR_FORBIDDEN);
	assert_int_equal(audit_count(e, "access.denied", "denied"), 1);
	/* one unit: inside, outside (403 and a row), unknown (404, no row) */
	struct unit_detail d;
	assert_int_equal(units_get(&e->app, &e->staff_actor, in_com, &d, &ei), ERR_OK);
	assert_string_equal(d.unit.area_code, "110105001001");
	json_decref(d.contacts);
	json_decref(d.areas);
	json_decref(d.pairings);
	assert_int_equal(units_get(&e->app, &e->staff_actor, out, &d, &ei), ERR_FORBIDDEN);
	assert_null(d.contacts);
	assert_int_equal(audit_count(e, "access.denied", "denied"), 2);
	assert_int_equal(units_get(&e->app, &e->staff_actor, out + 100, &d, &ei), ERR_NOTFOUND);
	assert_int_equal(audit_count(e, "access.denied", "denied"), 2);
	/* creating in another street: 403 with a row; editing a unit there too */
	struct unit_input in = {.kind = "agency", .name = "外来单位", .area_id = e->street2};
	struct unit_row u;
	assert_int_equal(units_create(&e->app, &e->staff_actor, &in, &u, &ei), ERR_FORBIDDEN);
	assert_string_equal(ei.field, "area_id");
	assert_int_equal(audit_count(e, "access.denied", "denied"), 3);
	struct unit_input rename = {.name = "改名"};
	assert_int_equal(units_update(&e->app, &e->staff_actor, out, &rename, &u, &ei), ERR_FORBIDDEN);
	assert_int_equal(audit_count(e, "access.denied", "denied"), 4);
	/* moving one's own unit out of the scope is refused too */
	struct unit_input move = {.area_id = e->street2};
	assert_int_equal(units_update(&e->app, &e->staff_actor, in_com, &move, &u, &ei), ERR_FORBIDDEN);
	assert_int_equal(audit_count(e, "unit.create", "ok"), 4);
}

static void test_units_rules(void **state)
{
	struct env *e = *state;
	struct errinfo ei;
	struct unit_row u;
	/* a good credit code is kept upper-cased; a bad one names the field */
	struct unit_input in = {.kind = "enterprise", .name = "甲公司", .credit_code = "91350100m000100y43",
	                        .area_id = e->community, .address = "建国门外大街1号"};
	assert_int_equal(units_create(&e->app, &e->staff_actor, &in, &u, &ei), ERR_OK);
	assert_string_equal(u.credit_code, "91350100M000100Y43");
	assert_string_equal(u.area_name, "永安里社区");
	in.name = "乙公司";
	in.credit_code = "91350100M000100Y44";
	assert_int_equal(units_create(&e->app, &e->staff_actor, &in, &u, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "credit_code");
	/* names are unique within an area, not across areas */
	in.name = "甲公司";
	in.credit_code = NULL;
	assert_int_equal(units_create(&e->app, &e->staff_actor, &in, &u, &ei), ERR_CONFLICT);
	assert_string_equal(ei.field, "name");
	in.area_id = e->community2;
	assert_int_equal(units_create(&e->app, &e->staff_actor, &in, &u, &ei), ERR_OK);
	/* renaming onto a neighbour's name is a conflict too */
	int64_t other = make_unit(e, "enterprise", "丙公司", e->community2);
	struct unit_input rn = {.name = "甲公司"};
	assert_int_equal(units_update(&e->app, &e->staff_actor, other, &rn, &u, &ei), ERR_CONFLICT);
	/* unknown references and kinds name their field */
	struct unit_input bad = {.kind = "shop", .name = "x", .area_id = e->community};
	assert_int_equal(units_create(&e->app, &e->staff_actor, &bad, &u, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "kind");
	struct unit_input noarea = {.kind = "agency", .name = "x", .area_id = 9999};
	assert_int_equal(units_create(&e->app, &e->staff_actor, &noarea, &u, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "area_id");
	/* the audit trail has the creations and no refusals */
	assert_int_equal(audit_count(e, "unit.create", "ok"), 3);
	assert_int_equal(audit_count(e, "access.denied", "denied"), 0);
}

static void test_departments(void **state)
{
	struct env *e = *state;
	struct errinfo ei;
	int64_t dept = make_unit(e, "department", "城管执法队", e->street);
	int64_t firm = make_unit(e, "enterprise", "某公司", e->street);
	json_t *items = json_array();
	int64_t ids[] = {e->community, e->community2};
	/* only departments serve areas */
	assert_int_equal(units_set_areas(&e->app, &e->staff_actor, firm, ids, 2, items, &ei),
	                 ERR_UNPROCESSABLE);
	assert_int_equal(units_set_areas(&e->app, &e->staff_actor, dept, ids, 2, items, &ei), ERR_OK);
	assert_int_equal(json_array_size(items), 2);
	/* an area outside the scope is refused with a row */
	int64_t outside[] = {e->other_community};
	assert_int_equal(units_set_areas(&e->app, &e->staff_actor, dept, outside, 1, items, &ei),
	                 ERR_FORBIDDEN);
	assert_string_equal(ei.field, "area_ids");
	assert_int_equal(audit_count(e, "access.denied", "denied"), 1);
	/* the district adds one outside the street; the street's replace keeps it */
	int64_t three[] = {e->community, e->community2, e->other_community};
	assert_int_equal(units_set_areas(&e->app, &e->cli_actor, dept, three, 3, items, &ei), ERR_OK);
	assert_int_equal(json_array_size(items), 3);
	int64_t one[] = {e->grid};
	assert_int_equal(units_set_areas(&e->app, &e->staff_actor, dept, one, 1, items, &ei), ERR_OK);
	assert_int_equal(json_array_size(items), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "code")),
	                    "110105001001001");
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 1), "code")),
	                    "110105002001");
	/* the detail shows them; a department with served areas keeps its kind */
	struct unit_detail d;
	assert_int_equal(units_get(&e->app, &e->cli_actor, dept, &d, &ei), ERR_OK);
	assert_int_equal(json_array_size(d.areas), 2);
	json_decref(d.contacts);
	json_decref(d.areas);
	json_decref(d.pairings);
	struct unit_input k = {.kind = "agency"};
	struct unit_row u;
	assert_int_equal(units_update(&e->app, &e->cli_actor, dept, &k, &u, &ei), ERR_CONFLICT);
	assert_string_equal(ei.field, "kind");
	json_decref(items);
}

static void test_pairings(void **state)
{
	struct env *e = *state;
	struct errinfo ei;
	struct pairing_row *p = malloc(sizeof *p);
	int64_t agency = make_unit(e, "agency", "市城管委", e->district);
	/* ends_on before starts_on */
	struct pairing_input in = {.unit_id = agency, .community_id = e->community,
	                           .starts_on = "2024-05-01", .ends_on = "2024-04-30", .content = "共建"};
	assert_int_equal(pairings_create(&e->app, &e->staff_actor, &in, p, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "ends_on");
	/* a street is not a community */
	in.ends_on = NULL;
	in.community_id = e->street;
	assert_int_equal(pairings_create(&e->app, &e->staff_actor, &in, p, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "community_id");
	/* an unknown unit names unit_id; a district agency outside the scope may pair */
	in.community_id = e->community;
	in.unit_id = agency + 100;
	assert_int_equal(pairings_create(&e->app, &e->staff_actor, &in, p, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "unit_id");
	in.unit_id = agency;
	assert_int_equal(pairings_create(&e->app, &e->staff_actor, &in, p, &ei), ERR_OK);
	assert_string_equal(p->unit_name, "市城管委");
	assert_string_equal(p->community_code, "110105001001");
	int64_t first = p->id;
	/* overlapping periods of the same pair conflict */
	in.starts_on = "2025-01-01";
	assert_int_equal(pairings_create(&e->app, &e->staff_actor, &in, p, &ei), ERR_CONFLICT);
	/* a community outside the scope: 403 with a row */
	in.community_id = e->other_community;
	assert_int_equal(pairings_create(&e->app, &e->staff_actor, &in, p, &ei), ERR_FORBIDDEN);
	assert_int_equal(audit_count(e, "access.denied", "denied"), 1);
	make_pairing(e, agency, e->other_community, "2024-01-01", NULL);
	/* the street sees its own; active and unit filters */
	struct pairing_list_query q = {.active = -1, .limit = 20};
	json_t *items = json_array();
	int64_t total = -1;
	assert_int_equal(pairings_list(&e->app, &e->staff_actor, &q, items, &total, &ei), ERR_OK);
	assert_int_equal(total, 1);
	assert_true(json_is_true(json_object_get(json_array_get(items, 0), "active")));
	json_array_clear(items);
	assert_int_equal(pairings_list(&e->app, &e->cli_actor, &q, items, &total, &ei), ERR_OK);
	assert_int_equal(total, 2);
	json_array_clear(items);
	struct pairing_list_query qc = {.community_id = e->other_community, .active = -1, .limit = 20};
	assert_int_equal(pairings_list(&e->app, &e->staff_actor, &qc, items, &total, &ei), ERR_FORBIDDEN);
	assert_string_equal(ei.field, "community");
	/* ending it: before its start refused, then ended and no longer active */
	struct pairing_input end = {.ends_on = "2024-01-01"};
	assert_int_equal(pairings_update(&e->app, &e->staff_actor, first, &end, p, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "ends_on");
	end.ends_on = "2024-06-30";
	assert_int_equal(pairings_update(&e->app, &e->staff_actor, first, &end, p, &ei), ERR_OK);
	assert_string_equal(p->ends_on, "2024-06-30");
	struct pairing_list_query qa = {.active = 1, .limit = 20};
	json_array_clear(items);
	assert_int_equal(pairings_list(&e->app, &e->staff_actor, &qa, items, &total, &ei), ERR_OK);
	assert_int_equal(total, 0);
	qa.active = 0;
	assert_int_equal(pairings_list(&e->app, &e->staff_actor, &qa, items, &total, &ei), ERR_OK);
	assert_int_equal(total, 1);
	/* after it ended, a new period may start */
	in.community_id = e->community;
	in.starts_on = "2024-07-01";
	assert_int_equal(pairings_create(&e->app, &e->staff_actor, &in, p, &ei), ERR_OK);
	assert_int_equal(audit_count(e, "pairing.create", "ok"), 3);
	assert_int_equal(audit_count(e, "pairing.update", "ok"), 1);
	json_decref(items);
	free(p);
}

static void test_joint_committee(void **state)
{
	struct env *e = *state;
	struct errinfo ei;
	struct jc_member_row m;
	int64_t paired = make_unit(e, "agency", "区侨联", e->district);
	int64_t ended = make_unit(e, "agency", "区工商联", e->district);
	int64_t future = make_unit(e, "agency", "区民宗局", e->district);
	int64_t none = make_unit(e, "enterprise", "合力公司", e->community);
	make_pairing(e, paired, e->community, "2020-01-01", NULL);
	make_pairing(e, ended, e->community, "2020-01-01", "2021-12-31");
	make_pairing(e, future, e->community, "2099-01-01", NULL);
	make_pairing(e, none, e->community2, "2020-01-01", NULL); /* another community's */
	struct jc_input in = {.unit_id = paired, .name = "王某", .post = "兼职委员"};
	assert_int_equal(jc_add(&e->app, &e->staff_actor, e->community, &in, &m, &ei), ERR_OK);
	assert_string_equal(m.unit_name, "区侨联");
	/* no pairing running today: ended, not yet started, or with another community */
	int64_t refused[] = {ended, future, none};
	for (int i = 0; i < 3; i++) {
		in.unit_id = refused[i];
		assert_int_equal(jc_add(&e->app, &e->staff_actor, e->community, &in, &m, &ei),
		                 ERR_UNPROCESSABLE);
		assert_string_equal(ei.field, "unit_id");
	}
	/* the same person of the same unit once */
	in.unit_id = paired;
	assert_int_equal(jc_add(&e->app, &e->staff_actor, e->community, &in, &m, &ei), ERR_CONFLICT);
	/* only communities have one; outside the scope refused with a row */
	assert_int_equal(jc_add(&e->app, &e->staff_actor, e->street, &in, &m, &ei), ERR_INVALID);
	json_t *items = json_array();
	assert_int_equal(jc_list(&e->app, &e->staff_actor, e->other_community, items, &ei), ERR_FORBIDDEN);
	assert_int_equal(audit_count(e, "access.denied", "denied"), 1);
	assert_int_equal(jc_list(&e->app, &e->staff_actor, e->community, items, &ei), ERR_OK);
	assert_int_equal(json_array_size(items), 1);
	int64_t mid = json_integer_value(json_object_get(json_array_get(items, 0), "id"));
	assert_int_equal(jc_remove(&e->app, &e->staff_actor, e->community2, mid, &ei), ERR_NOTFOUND);
	assert_int_equal(jc_remove(&e->app, &e->staff_actor, e->community, mid, &ei), ERR_OK);
	assert_int_equal(jc_remove(&e->app, &e->staff_actor, e->community, mid, &ei), ERR_NOTFOUND);
	assert_int_equal(audit_count(e, "joint_committee.add", "ok"), 1);
	assert_int_equal(audit_count(e, "joint_committee.remove", "ok"), 1);
	json_decref(items);
}

static void test_contacts(void **state)
{
	struct env *e = *state;
	struct errinfo ei;
	int64_t unit = make_unit(e, "social_org", "社工站", e->community);
	struct contact_input in = {.name = "李四", .title = "站长", .phone = "13812345678"};
	struct unit_contact_row k;
	assert_int_equal(units_contact_add(&e->app, &e->staff_actor, unit, &in, &k, &ei), ERR_OK);
	assert_string_equal(k.phone_masked, "138****5678");
	struct contact_input bad = {.name = "x", .phone = "12345"};
	assert_int_equal(units_contact_add(&e->app, &e->staff_actor, unit, &bad, &k, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "phone");
	struct unit_detail d;
	assert_int_equal(units_get(&e->app, &e->staff_actor, unit, &d, &ei), ERR_OK);
	json_t *c0 = json_array_get(d.contacts, 0);
	assert_string_equal(json_string_value(json_object_get(c0, "phone")), "138****5678");
	int64_t cid = json_integer_value(json_object_get(c0, "id"));
	json_decref(d.contacts);
	json_decref(d.areas);
	json_decref(d.pairings);
	char *phone = NULL;
	assert_int_equal(units_contact_phone(&e->app, &e->staff_actor, unit, cid, &phone, &ei), ERR_OK);
	assert_string_equal(phone, "13812345678");
	free(phone);
	assert_int_equal(audit_count(e, "pii.unmask", "ok"), 1);
	struct identity far = scoped("110105002");
	struct actor fa = {.who = &far, .login = "far", .address = "", .request_id = ""};
	assert_int_equal(units_contact_phone(&e->app, &fa, unit, cid, &phone, &ei), ERR_FORBIDDEN);
	assert_null(phone);
	assert_int_equal(audit_count(e, "pii.unmask", "ok"), 1);
	assert_int_equal(audit_count(e, "access.denied", "denied"), 1);
	assert_int_equal(units_contact_remove(&e->app, &e->staff_actor, unit, cid, &ei), ERR_OK);
	assert_int_equal(units_contact_remove(&e->app, &e->staff_actor, unit, cid, &ei), ERR_NOTFOUND);
}

/* --- the import row function and the export --------------------------------------------- */

#define ROWS_MAX 8
struct import_case {
	struct app *app;
	const struct actor *a;
	const char *const (*rows)[7];
	int n;
	enum err rc[ROWS_MAX];
	struct errinfo ei[ROWS_MAX];
};

/* Runs every row in one transaction, as the runner does, and commits what
 * succeeded: a failed SELECT-checked row must leave the transaction usable. */
static enum err import_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct import_case *x = arg;
	struct import_ctx ix = {.app = x->app, .actor = x->a};
	int col[7] = {0, 1, 2, 3, 4, 5, 6};
	size_t lens[7] = {0};
	for (int i = 0; i < x->n; i++) {
		struct import_row r = {.line = i + 2, .field = x->rows[i], .len = lens, .col = col};
		err_clear(&x->ei[i]);
		x->rc[i] = unit_io.row(&ix, c, &r, &x->ei[i]);
	}
	return ERR_OK;
}

struct sheet {
	int n;
	char cells[8][8][64];
};

static void emit_row(void *ctx, const char *const *cells)
{
	struct sheet *s = ctx;
	if (s->n >= 8)
		return;
	for (int i = 0; i < 8; i++)
		snprintf(s->cells[s->n][i], sizeof s->cells[0][0], "%s", cells[i] ? cells[i] : "");
	s->n++;
}

struct export_case {
	struct app *app;
	const struct actor *a;
	const char *prefix;
	struct sheet *s;
};

static enum err export_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct export_case *x = arg;
	struct code_ranges r;
	code_ranges_one(&r, x->prefix);
	struct import_ctx ix = {.app = x->app, .actor = x->a};
	return unit_io.export_rows(&ix, c, &r, emit_row, x->s, ei);
}

static void test_import_rows(void **state)
{
	struct env *e = *state;
	/* kind, name, credit_code, area_code, address, contact_name, contact_phone */
	static const char *const rows[][7] = {
		{"agency", "建外街道办事处", "", "110105001", "", "张三", "13900001111"},
		{"企业", "永安物业", "91350100m000100y43", "110105001001", "永安里1号", "", ""},
		{"agency", "建外街道办事处", "", "110105001", "", "", ""},       /* seen above: 409 */
		{"enterprise", "坏代码", "91350100M000100Y44", "110105001001", "", "", ""},
		{"enterprise", "无区域", "", "110105001999", "", "", ""},
		{"shop", "无类型", "", "110105001", "", "", ""},
		{"enterprise", "外街道", "", "110105002", "", "", ""},
		{"enterprise", "坏电话", "", "110105001", "", "王五", "1234"},
	};
	struct import_case x = {.app = &e->app, .a = &e->staff_actor, .rows = rows, .n = 8};
	struct errinfo ei;
	assert_int_equal(store_write(e->app.store, import_fn, &x, &ei), ERR_OK);
	assert_int_equal(x.rc[0], ERR_OK);
	assert_int_equal(x.rc[1], ERR_OK);
	assert_int_equal(x.rc[2], ERR_CONFLICT);
	assert_string_equal(x.ei[2].field, "name");
	assert_int_equal(x.rc[3], ERR_INVALID);
	assert_string_equal(x.ei[3].field, "credit_code");
	assert_int_equal(x.rc[4], ERR_INVALID);
	assert_string_equal(x.ei[4].field, "area_code");
	assert_int_equal(x.rc[5], ERR_INVALID);
	assert_string_equal(x.ei[5].field, "kind");
	assert_int_equal(x.rc[6], ERR_FORBIDDEN);
	assert_string_equal(x.ei[6].field, "area_code");
	assert_int_equal(x.rc[7], ERR_INVALID);
	assert_string_equal(x.ei[7].field, "contact_phone");
	/* what committed: two units (rows 1 and 2), the first with its contact */
	struct unit_list_query q = {.limit = 20};
	struct names l = {0};
	int64_t total = 0;
	assert_int_equal(units_list(&e->app, &e->staff_actor, &q, collect_unit, &l, &total, &ei), ERR_OK);
	assert_int_equal(total, 2);
	assert_int_equal(audit_count(e, "unit.create", "ok"), 2);
	assert_int_equal(audit_count(e, "unit.contact_add", "ok"), 1);
	/* the export: zh-CN kinds, masked phones, only inside the ranges */
	make_unit(e, "agency", "朝外街道办事处", e->street2);
	struct sheet s = {0};
	struct export_case xc = {&e->app, &e->staff_actor, "110105001", &s};
	assert_int_equal(store_read(e->app.store, export_fn, &xc, &ei), ERR_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.cells[0][0], "机关事业单位");
	assert_string_equal(s.cells[0][1], "建外街道办事处");
	assert_string_equal(s.cells[0][6], "张三");
	assert_string_equal(s.cells[0][7], "139****1111");
	assert_string_equal(s.cells[1][0], "企业");
	assert_string_equal(s.cells[1][2], "91350100M000100Y43");
	assert_string_equal(s.cells[1][4], "永安里社区");
	int titles = 0;
	while (unit_io.export_titles[titles])
		titles++;
	assert_int_equal(titles, 8);
}

int main(void)
{
	log_set_level(LOG_ERROR);
	fx_print_backend("test_units");
	if (crypto_init() != ERR_OK)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_credit_code),
		cmocka_unit_test_setup_teardown(test_units_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_units_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_departments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pairings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_joint_committee, setup, teardown),
		cmocka_unit_test_setup_teardown(test_contacts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_rows, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
