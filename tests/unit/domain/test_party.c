/* Unit tests for src/domain/party.c (with src/store/party.c) on a fresh
 * database of the environment's backend: the order of organisation kinds,
 * materialised paths and subtree listings, members scoped by their home
 * (or organisation), one active report-in per member, six-ones only for
 * members reported in that year, centre households covering each
 * household once, refusals outside the scope with access.denied rows, and
 * the import row functions and exports of party_org_io and party_member_io. */
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
#include "domain/party.h"
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
	int64_t district, street, street2, community, community2, other_community, building,
		other_building;
	struct identity staff; /* street 110105001 */
	struct actor staff_actor;
	char today[DATE_TEXT];
	int year;
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

static int64_t make_org(struct env *e, int64_t parent, const char *kind, const char *name,
                        int64_t area)
{
	struct party_org_input in = {.parent_id = parent, .kind = kind, .name = name, .area_id = area};
	struct party_org_row out;
	struct errinfo ei;
	err_clear(&ei);
	if (party_orgs_create(&e->app, &e->cli_actor, &in, &out, &ei) != ERR_OK)
		fail_msg("creating %s: %s", name, ei.message);
	return out.id;
}

static int64_t make_member(struct env *e, const char *name, int64_t org, int64_t community)
{
	struct party_member_input in = {.name = name, .gender = "female", .status = "full",
	                                .org_id = org, .community_id = community};
	struct party_member_row *out = malloc(sizeof *out);
	struct errinfo ei;
	err_clear(&ei);
	if (party_members_create(&e->app, &e->cli_actor, &in, out, &ei) != ERR_OK)
		fail_msg("creating %s: %s", name, ei.message);
	int64_t id = out->id;
	free(out);
	return id;
}

static void report_in(struct env *e, int64_t member, int64_t community, const char *on)
{
	struct report_in_row r;
	struct errinfo ei;
	err_clear(&ei);
	if (party_member_report_in(&e->app, &e->cli_actor, member, community, on, &r, &ei) != ERR_OK)
		fail_msg("report-in: %s", ei.message);
}

struct hh {
	int64_t area_id, id;
	const char *code, *room;
};

static enum err hh_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct hh *h = arg;
	struct store_val p[] = {SV_INT(h->area_id), SV_TEXT(h->code), SV_TEXT(h->room),
	                        SV_TEXT("2026-01-01T00:00:00.000Z"), SV_TEXT("2026-01-01T00:00:00.000Z")};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "INSERT INTO household (area_id, area_code, room, created_at, updated_at)"
	                          " VALUES (?, ?, ?, ?, ?) RETURNING id",
	                          p, 5, &s, ei);
	if (rc != ERR_OK)
		return rc;
	if (store_next(s) == 1)
		h->id = store_col_int(s, 0);
	store_done(s);
	return h->id ? ERR_OK : ERR_INTERNAL;
}

/* A household in a building (the households register is another's: rows by SQL). */
static int64_t make_household(struct env *e, int64_t building, const char *room)
{
	struct area_row b;
	struct errinfo ei;
	struct area_detail d;
	assert_int_equal(areas_get(&e->app, &e->cli_actor, building, &d, &ei), ERR_OK);
	b = d.area;
	json_decref(d.ancestors);
	json_decref(d.responsible);
	struct hh h = {building, 0, b.code, room};
	assert_int_equal(store_write(e->app.store, hh_fn, &h, &ei), ERR_OK);
	return h.id;
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
	snprintf(e->keydir, sizeof e->keydir, "/tmp/linli-party-XXXXXX");
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
	int64_t grid = make_area(e, e->community, NULL, "一网格");
	int64_t compound = make_area(e, grid, NULL, "永安小区");
	e->building = make_area(e, compound, NULL, "1号楼");
	int64_t grid2 = make_area(e, e->other_community, NULL, "一网格");
	int64_t compound2 = make_area(e, grid2, NULL, "吉祥小区");
	e->other_building = make_area(e, compound2, NULL, "9号楼");
	e->staff = scoped("110105001");
	e->staff_actor = (struct actor){.who = &e->staff, .login = "staff", .address = "10.0.0.1",
	                                .request_id = "r1"};
	units_today(&e->app, e->today);
	e->year = atoi(e->today);
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

/* --- organisations ----------------------------------------------------------------------- */

static void test_kind_order(void **state)
{
	struct env *e = *state;
	struct errinfo ei;
	assert_int_equal(party_org_kind_rank("working_committee"), 0);
	assert_int_equal(party_org_kind_rank("group"), 4);
	assert_int_equal(party_org_kind_rank("党支部"), 3);
	assert_int_equal(party_org_kind_rank("cell"), -1);
	int64_t wc = make_org(e, 0, "working_committee", "建外街道党工委", e->street);
	int64_t com = make_org(e, wc, "committee", "永安里社区党委", e->community);
	int64_t br = make_org(e, com, "branch", "一支部", e->community);
	make_org(e, br, "group", "一小组", e->community);
	struct party_org_row out;
	/* a child's kind ranks lower than its parent's: equal or higher is 422 */
	struct party_org_input in = {.parent_id = br, .kind = "branch", .name = "二支部",
	                             .area_id = e->community};
	assert_int_equal(party_orgs_create(&e->app, &e->staff_actor, &in, &out, &ei), ERR_UNPROCESSABLE);
	assert_string_equal(ei.field, "kind");
	in.kind = "committee";
	assert_int_equal(party_orgs_create(&e->app, &e->staff_actor, &in, &out, &ei), ERR_UNPROCESSABLE);
	/* a general branch between committee and branch is fine */
	in.parent_id = com;
	in.kind = "general_branch";
	in.name = "总支";
	assert_int_equal(party_orgs_create(&e->app, &e->staff_actor, &in, &out, &ei), ERR_OK);
	/* the child's area lies inside the parent's */
	in.name = "外区支部";
	in.kind = "branch";
	in.area_id = e->community2;
	assert_int_equal(party_orgs_create(&e->app, &e->staff_actor, &in, &out, &ei), ERR_UNPROCESSABLE);
	assert_string_equal(ei.field, "area_id");
	/* siblings have distinct names */
	in.area_id = e->community;
	in.name = "一支部";
	assert_int_equal(party_orgs_create(&e->app, &e->staff_actor, &in, &out, &ei), ERR_CONFLICT);
	assert_string_equal(ei.field, "name");
	/* an unknown parent names parent_id */
	in.parent_id = 9999;
	assert_int_equal(party_orgs_create(&e->app, &e->staff_actor, &in, &out, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "parent_id");
	/* changing a kind keeps the order both ways */
	struct party_org_input k = {.kind = "group"};
	assert_int_equal(party_orgs_update(&e->app, &e->staff_actor, com, &k, &out, &ei),
	                 ERR_UNPROCESSABLE); /* it holds a branch */
	k.kind = "working_committee";
	assert_int_equal(party_orgs_update(&e->app, &e->staff_actor, com, &k, &out, &ei),
	                 ERR_UNPROCESSABLE); /* its parent is one */
	k.kind = "general_branch";
	assert_int_equal(party_orgs_update(&e->app, &e->staff_actor, br, &k, &out, &ei), ERR_OK);
	assert_string_equal(out.kind, "general_branch");
	/* outside the scope: refused with a row */
	struct party_org_input far = {.kind = "committee", .name = "吉祥里社区党委",
	                              .area_id = e->other_community};
	assert_int_equal(party_orgs_create(&e->app, &e->staff_actor, &far, &out, &ei), ERR_FORBIDDEN);
	assert_int_equal(audit_count(e, "access.denied", "denied"), 1);
	assert_int_equal(audit_count(e, "party_org.create", "ok"), 5);
	assert_int_equal(audit_count(e, "party_org.update", "ok"), 1);
}

struct ids {
	int n;
	int64_t v[64];
};

static void collect_member(void *ctx, const struct party_member_row *m)
{
	struct ids *l = ctx;
	if (l->n < 64)
		l->v[l->n++] = m->id;
}

static bool has(const struct ids *l, int64_t id)
{
	for (int i = 0; i < l->n; i++)
		if (l->v[i] == id)
			return true;
	return false;
}

static void test_paths_and_subtree(void **state)
{
	struct env *e = *state;
	struct errinfo ei;
	/* enough roots that one id's digits start another's (1 and 10, …) */
	int64_t roots[12];
	char name[32];
	for (int i = 0; i < 12; i++) {
		snprintf(name, sizeof name, "党委%d", i);
		roots[i] = make_org(e, 0, "committee", name, e->community);
	}
	int a = -1, b = -1;
	for (int i = 0; i < 12 && a < 0; i++)
		for (int j = 0; j < 12; j++) {
			char si[24], sj[24];
			snprintf(si, sizeof si, "%lld", (long long)roots[i]);
			snprintf(sj, sizeof sj, "%lld", (long long)roots[j]);
			if (i != j && strncmp(sj, si, strlen(si)) == 0) {
				a = i;
				b = j;
				break;
			}
		}
	assert_true(a >= 0);
	int64_t br = make_org(e, roots[a], "branch", "支部", e->community);
	int64_t grp = make_org(e, br, "group", "小组", e->community);
	int64_t other = make_org(e, roots[b], "branch", "支部", e->community);
	struct party_org_detail d;
	assert_int_equal(party_orgs_get(&e->app, &e->staff_actor, grp, &d, &ei), ERR_OK);
	char want[96];
	snprintf(want, sizeof want, "/%lld/%lld/%lld/", (long long)roots[a], (long long)br, (long long)grp);
	assert_string_equal(d.org.path, want);
	json_decref(d.report_ins);
	int64_t m1 = make_member(e, "甲", roots[a], e->community);
	int64_t m2 = make_member(e, "乙", br, e->community);
	int64_t m3 = make_member(e, "丙", grp, e->community2);
	int64_t m4 = make_member(e, "丁", other, e->community);
	/* the subtree of roots[a]: its own and below, never the look-alike id's */
	struct party_member_query q = {.org_id = roots[a], .reported = -1, .limit = 50};
	struct ids l = {0};
	int64_t total = 0;
	assert_int_equal(party_members_list(&e->app, &e->staff_actor, &q, collect_member, &l, &total, &ei),
	                 ERR_OK);
	assert_int_equal(total, 3);
	assert_true(has(&l, m1) && has(&l, m2) && has(&l, m3) && !has(&l, m4));
	q.org_id = br;
	memset(&l, 0, sizeof l);
	assert_int_equal(party_members_list(&e->app, &e->staff_actor, &q, collect_member, &l, &total, &ei),
	                 ERR_OK);
	assert_int_equal(total, 2);
	/* and with the home filter */
	q.org_id = roots[a];
	q.community_id = e->community2;
	memset(&l, 0, sizeof l);
	assert_int_equal(party_members_list(&e->app, &e->staff_actor, &q, collect_member, &l, &total, &ei),
	                 ERR_OK);
	assert_int_equal(total, 1);
	assert_int_equal(l.v[0], m3);
	/* counts: direct and subtree members, children */
	assert_int_equal(party_orgs_get(&e->app, &e->staff_actor, roots[a], &d, &ei), ERR_OK);
	assert_int_equal(d.counts.children, 1);
	assert_int_equal(d.counts.members, 1);
	assert_int_equal(d.counts.subtree_members, 3);
	assert_int_equal(d.counts.reported_in, 0);
	json_decref(d.report_ins);
	/* children listing */
	json_t *items = json_array();
	assert_int_equal(party_orgs_list(&e->app, &e->staff_actor, roots[a], items, &ei), ERR_OK);
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "children")), 1);
	json_decref(items);
}

static void test_roots_by_scope(void **state)
{
	struct env *e = *state;
	struct errinfo ei;
	int64_t wc = make_org(e, 0, "working_committee", "建外街道党工委", e->street);
	int64_t c1 = make_org(e, wc, "committee", "永安里社区党委", e->community);
	make_org(e, wc, "committee", "建国里社区党委", e->community2);
	int64_t far = make_org(e, 0, "working_committee", "朝外街道党工委", e->street2);
	make_org(e, far, "committee", "吉祥里社区党委", e->other_community);
	/* the street: its working committee; a community: its own committee */
	json_t *items = json_array();
	assert_int_equal(party_orgs_list(&e->app, &e->staff_actor, 0, items, &ei), ERR_OK);
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), wc);
	json_array_clear(items);
	struct identity ci = scoped("110105001001");
	struct actor ca = {.who = &ci, .login = "c", .address = "", .request_id = ""};
	assert_int_equal(party_orgs_list(&e->app, &ca, 0, items, &ei), ERR_OK);
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), c1);
	/* the parent outside the scope lists only the children inside it */
	json_array_clear(items);
	assert_int_equal(party_orgs_list(&e->app, &ca, wc, items, &ei), ERR_OK);
	assert_int_equal(json_array_size(items), 1);
	/* everything: the two roots */
	json_array_clear(items);
	assert_int_equal(party_orgs_list(&e->app, &e->cli_actor, 0, items, &ei), ERR_OK);
	assert_int_equal(json_array_size(items), 2);
	/* reading one outside the scope: 403 with a row */
	struct party_org_detail d;
	assert_int_equal(party_orgs_get(&e->app, &ca, wc, &d, &ei), ERR_FORBIDDEN);
	assert_int_equal(audit_count(e, "access.denied", "denied"), 1);
	json_decref(items);
}

/* --- members ---------------------------------------------------------------------------- */

static void test_member_scope(void **state)
{
	struct env *e = *state;
	struct errinfo ei;
	int64_t wc = make_org(e, 0, "working_committee", "区委组织部党委", e->district);
	int64_t street_org = make_org(e, 0, "committee", "建外街道党委", e->street);
	struct party_member_row *m = malloc(sizeof *m);
	/* the home community decides the scope, even under a district organisation */
	struct party_member_input in = {.name = "张三", .gender = "male", .status = "full",
	                                .org_id = wc, .community_id = e->community,
	                                .phone_text = "13912345678", .joined_on = "2001-07-01"};
	assert_int_equal(party_members_create(&e->app, &e->staff_actor, &in, m, &ei), ERR_OK);
	assert_string_equal(m->area_code, "110105001001");
	assert_string_equal(m->phone_masked, "139****5678");
	int64_t zhang = m->id;
	/* without a home, the organisation's area: the district's is outside the street */
	in.name = "李四";
	in.community_id = 0;
	assert_int_equal(party_members_create(&e->app, &e->staff_actor, &in, m, &ei), ERR_FORBIDDEN);
	assert_int_equal(audit_count(e, "access.denied", "denied"), 1);
	in.org_id = street_org;
	assert_int_equal(party_members_create(&e->app, &e->staff_actor, &in, m, &ei), ERR_OK);
	assert_string_equal(m->area_code, "110105001");
	/* the same name and phone in one organisation is one member */
	assert_int_equal(party_members_create(&e->app, &e->staff_actor, &in, m, &ei), ERR_CONFLICT);
	assert_string_equal(ei.field, "name");
	in.phone_text = "13900000000";
	assert_int_equal(party_members_create(&e->app, &e->staff_actor, &in, m, &ei), ERR_OK);
	/* bad input names the field */
	in.phone_text = "1390000";
	assert_int_equal(party_members_create(&e->app, &e->staff_actor, &in, m, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "phone");
	in.phone_text = NULL;
	in.joined_on = "2999-01-01";
	assert_int_equal(party_members_create(&e->app, &e->staff_actor, &in, m, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "joined_on");
	in.joined_on = NULL;
	in.org_id = 9999;
	assert_int_equal(party_members_create(&e->app, &e->staff_actor, &in, m, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "org_id");
	in.org_id = street_org;
	in.community_id = e->street;
	assert_int_equal(party_members_create(&e->app, &e->staff_actor, &in, m, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "community_id");
	/* someone living in another street */
	int64_t far = make_member(e, "王五", wc, e->other_community);
	struct party_member_query q = {.reported = -1, .limit = 50};
	struct ids l = {0};
	int64_t total = 0;
	assert_int_equal(party_members_list(&e->app, &e->staff_actor, &q, collect_member, &l, &total, &ei),
	                 ERR_OK);
	assert_int_equal(total, 3);
	assert_false(has(&l, far));
	struct party_member_detail *d = malloc(sizeof *d);
	assert_int_equal(party_members_get(&e->app, &e->staff_actor, far, d, &ei), ERR_FORBIDDEN);
	assert_int_equal(audit_count(e, "access.denied", "denied"), 2);
	assert_int_equal(party_members_get(&e->app, &e->staff_actor, zhang, d, &ei), ERR_OK);
	assert_int_equal(json_array_size(json_object_get(d->six_ones, "items")), 6);
	json_decref(d->report_ins);
	json_decref(d->six_ones);
	/* moving a member's home out of the scope is refused; clearing it keeps the organisation's */
	struct party_member_input mv = {.set_community = true, .community_id = e->other_community};
	assert_int_equal(party_members_update(&e->app, &e->staff_actor, zhang, &mv, m, &ei), ERR_FORBIDDEN);
	mv.community_id = e->community2;
	assert_int_equal(party_members_update(&e->app, &e->staff_actor, zhang, &mv, m, &ei), ERR_OK);
	assert_string_equal(m->area_code, "110105001002");
	assert_string_equal(m->phone_masked, "139****5678");
	/* the phone, unmasked with an audit row */
	char *phone = NULL;
	assert_int_equal(party_members_phone(&e->app, &e->staff_actor, zhang, &phone, &ei), ERR_OK);
	assert_string_equal(phone, "13912345678");
	free(phone);
	assert_int_equal(audit_count(e, "pii.unmask", "ok"), 1);
	/* a status filter and a name search */
	struct party_member_query qs = {.status = "probationary", .reported = -1, .limit = 50};
	assert_int_equal(party_members_list(&e->app, &e->staff_actor, &qs, collect_member, &l, &total, &ei),
	                 ERR_OK);
	assert_int_equal(total, 0);
	struct party_member_query qn = {.q = "张", .reported = -1, .limit = 50};
	assert_int_equal(party_members_list(&e->app, &e->staff_actor, &qn, collect_member, &l, &total, &ei),
	                 ERR_OK);
	assert_int_equal(total, 1);
	free(d);
	free(m);
}

static void test_report_in_unique(void **state)
{
	struct env *e = *state;
	struct errinfo ei;
	int64_t org = make_org(e, 0, "committee", "永安里社区党委", e->community);
	int64_t agency = make_org(e, 0, "committee", "市城管委机关党委", e->district);
	int64_t m = make_member(e, "赵六", org, e->community);
	struct report_in_row r;
	assert_int_equal(party_member_report_in(&e->app, &e->staff_actor, m, e->community, "2024-03-01",
	                                        &r, &ei), ERR_OK);
	int64_t first = r.id;
	/* one active report-in per member, whichever community */
	assert_int_equal(party_member_report_in(&e->app, &e->staff_actor, m, e->community2, "2024-04-01",
	                                        &r, &ei), ERR_CONFLICT);
	/* a community outside the scope, a street, a future day */
	assert_int_equal(party_member_report_in(&e->app, &e->staff_actor, m, e->other_community,
	                                        "2024-04-01", &r, &ei), ERR_FORBIDDEN);
	assert_int_equal(audit_count(e, "access.denied", "denied"), 1);
	assert_int_equal(party_member_report_in(&e->app, &e->staff_actor, m, e->street, "2024-04-01", &r,
	                                        &ei), ERR_INVALID);
	assert_string_equal(ei.field, "community_id");
	assert_int_equal(party_member_report_in(&e->app, &e->staff_actor, m, e->community, "not a day", &r,
	                                        &ei), ERR_INVALID);
	assert_string_equal(ei.field, "reported_on");
	/* the reported filter */
	struct party_member_query q = {.reported = 1, .limit = 50};
	struct ids l = {0};
	int64_t total = 0;
	int64_t m2 = make_member(e, "钱七", org, e->community);
	assert_int_equal(party_members_list(&e->app, &e->staff_actor, &q, collect_member, &l, &total, &ei),
	                 ERR_OK);
	assert_int_equal(total, 1);
	assert_int_equal(l.v[0], m);
	q.reported = 0;
	memset(&l, 0, sizeof l);
	assert_int_equal(party_members_list(&e->app, &e->staff_actor, &q, collect_member, &l, &total, &ei),
	                 ERR_OK);
	assert_int_equal(total, 1);
	assert_int_equal(l.v[0], m2);
	/* ending: not before it began, once */
	assert_int_equal(party_report_in_end(&e->app, &e->staff_actor, first, "2024-02-01", &r, &ei),
	                 ERR_INVALID);
	assert_string_equal(ei.field, "ended_on");
	assert_int_equal(party_report_in_end(&e->app, &e->staff_actor, first, "2024-12-31", &r, &ei), ERR_OK);
	assert_string_equal(r.ended_on, "2024-12-31");
	assert_int_equal(party_report_in_end(&e->app, &e->staff_actor, first, "2024-12-31", &r, &ei),
	                 ERR_CONFLICT);
	/* then a new one is allowed */
	assert_int_equal(party_member_report_in(&e->app, &e->staff_actor, m, e->community2, "2025-01-02",
	                                        &r, &ei), ERR_OK);
	/* organisations: one active per community, several communities allowed */
	assert_int_equal(party_org_report_in(&e->app, &e->staff_actor, agency, e->community, "2024-01-01",
	                                     &r, &ei), ERR_OK);
	assert_string_equal(r.org_name, "市城管委机关党委");
	assert_int_equal(party_org_report_in(&e->app, &e->staff_actor, agency, e->community, "2024-02-01",
	                                     &r, &ei), ERR_CONFLICT);
	assert_int_equal(party_org_report_in(&e->app, &e->staff_actor, agency, e->community2, "2024-02-01",
	                                     &r, &ei), ERR_OK);
	/* the listing by kind and activity */
	struct report_in_query rq = {.kind = 1, .active = -1, .limit = 50};
	json_t *items = json_array();
	assert_int_equal(party_report_ins_list(&e->app, &e->staff_actor, &rq, items, &total, &ei), ERR_OK);
	assert_int_equal(total, 2);
	rq.kind = 2;
	assert_int_equal(party_report_ins_list(&e->app, &e->staff_actor, &rq, items, &total, &ei), ERR_OK);
	assert_int_equal(total, 2);
	rq.kind = 0;
	rq.active = 1;
	rq.community_id = e->community;
	assert_int_equal(party_report_ins_list(&e->app, &e->staff_actor, &rq, items, &total, &ei), ERR_OK);
	assert_int_equal(total, 1);
	rq.community_id = e->other_community;
	assert_int_equal(party_report_ins_list(&e->app, &e->staff_actor, &rq, items, &total, &ei),
	                 ERR_FORBIDDEN);
	assert_int_equal(audit_count(e, "party_member.report_in", "ok"), 2);
	assert_int_equal(audit_count(e, "party_org.report_in", "ok"), 2);
	assert_int_equal(audit_count(e, "report_in.end", "ok"), 1);
	json_decref(items);
}

static void test_six_ones(void **state)
{
	struct env *e = *state;
	struct errinfo ei;
	int64_t org = make_org(e, 0, "committee", "永安里社区党委", e->community);
	int64_t m = make_member(e, "孙八", org, e->community);
	json_t *o = NULL;
	/* not reported in: refused */
	assert_int_equal(party_six_ones_put(&e->app, &e->staff_actor, m, e->year, "meeting", e->today,
	                                    NULL, &o, &ei), ERR_UNPROCESSABLE);
	assert_null(o);
	/* reported in last year and still active: this year counts, the year before it does not */
	char last[DATE_TEXT];
	snprintf(last, sizeof last, "%04d-06-01", e->year - 1);
	report_in(e, m, e->community, last);
	assert_int_equal(party_six_ones_put(&e->app, &e->staff_actor, m, e->year, "meeting", e->today,
	                                    "组织生活会", &o, &ei), ERR_OK);
	assert_int_equal(json_integer_value(json_object_get(o, "done")), 1);
	assert_int_equal(json_integer_value(json_object_get(o, "of")), 6);
	json_decref(o);
	char before[DATE_TEXT];
	snprintf(before, sizeof before, "%04d-03-01", e->year - 2);
	assert_int_equal(party_six_ones_put(&e->app, &e->staff_actor, m, e->year - 2, "survey", before, NULL,
	                                    &o, &ei), ERR_UNPROCESSABLE);
	/* done_on inside the year, not after today; items from the list */
	assert_int_equal(party_six_ones_put(&e->app, &e->staff_actor, m, e->year, "survey", last, NULL, &o,
	                                    &ei), ERR_INVALID);
	assert_string_equal(ei.field, "done_on");
	char future[DATE_TEXT];
	snprintf(future, sizeof future, "%04d-12-31", e->year + 1);
	assert_int_equal(party_six_ones_put(&e->app, &e->staff_actor, m, e->year + 1, "survey", future,
	                                    NULL, &o, &ei), ERR_INVALID);
	assert_int_equal(party_six_ones_put(&e->app, &e->staff_actor, m, e->year, "dance", e->today, NULL,
	                                    &o, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "item");
	/* the year's checklist: six items, one done, the rest null */
	assert_int_equal(party_six_ones_get(&e->app, &e->staff_actor, m, 0, &o, &ei), ERR_OK);
	json_t *items = json_object_get(o, "items");
	assert_int_equal(json_array_size(items), 6);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "item")), "meeting");
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "note")),
	                    "组织生活会");
	assert_true(json_is_null(json_object_get(json_array_get(items, 1), "done_on")));
	assert_true(json_is_true(json_object_get(o, "reported_in")));
	json_decref(o);
	/* the member list counts it */
	struct party_member_query q = {.reported = -1, .limit = 50};
	struct ids l = {0};
	int64_t total = 0;
	assert_int_equal(party_members_list(&e->app, &e->staff_actor, &q, collect_member, &l, &total, &ei),
	                 ERR_OK);
	struct party_member_detail *d = malloc(sizeof *d);
	assert_int_equal(party_members_get(&e->app, &e->staff_actor, m, d, &ei), ERR_OK);
	assert_int_equal(d->member.six_ones_done, 1);
	assert_true(d->member.report_in_id != 0);
	json_decref(d->report_ins);
	json_decref(d->six_ones);
	free(d);
	/* removing it, once */
	assert_int_equal(party_six_ones_delete(&e->app, &e->staff_actor, m, e->year, "meeting", &o, &ei),
	                 ERR_OK);
	assert_int_equal(json_integer_value(json_object_get(o, "done")), 0);
	json_decref(o);
	assert_int_equal(party_six_ones_delete(&e->app, &e->staff_actor, m, e->year, "meeting", &o, &ei),
	                 ERR_NOTFOUND);
	/* outside the scope: refused with a row */
	struct identity far = scoped("110105002");
	struct actor fa = {.who = &far, .login = "far", .address = "", .request_id = ""};
	assert_int_equal(party_six_ones_get(&e->app, &fa, m, e->year, &o, &ei), ERR_FORBIDDEN);
	assert_int_equal(audit_count(e, "access.denied", "denied"), 1);
	assert_int_equal(audit_count(e, "party_member.six_ones", "ok"), 1);
	assert_int_equal(audit_count(e, "party_member.six_ones_remove", "ok"), 1);
}

static void test_center_households(void **state)
{
	struct env *e = *state;
	struct errinfo ei;
	int64_t org = make_org(e, 0, "committee", "永安里社区党委", e->community);
	int64_t m = make_member(e, "周九", org, e->community);
	int64_t m2 = make_member(e, "吴十", org, e->community);
	int64_t home = make_household(e, e->building, "101");
	int64_t home2 = make_household(e, e->building, "102");
	int64_t h[4];
	for (int i = 0; i < 4; i++) {
		char room[16];
		snprintf(room, sizeof room, "%d", 201 + i);
		h[i] = make_household(e, e->building, room);
	}
	int64_t far = make_household(e, e->other_building, "101");
	json_t *o = NULL;
	int64_t covers[] = {h[0], h[1]};
	assert_int_equal(party_centers_create(&e->app, &e->staff_actor, m, home, covers, 2, &o, &ei), ERR_OK);
	assert_int_equal(json_integer_value(json_object_get(o, "covers")), 2);
	assert_int_equal(json_array_size(json_object_get(o, "households")), 2);
	int64_t center = json_integer_value(json_object_get(o, "id"));
	json_decref(o);
	/* a second centre may not cover the same household: 409 naming it */
	int64_t clash[] = {h[2], h[1]};
	assert_int_equal(party_centers_create(&e->app, &e->staff_actor, m2, home2, clash, 2, &o, &ei),
	                 ERR_CONFLICT);
	assert_string_equal(ei.field, "covers");
	char named[32];
	snprintf(named, sizeof named, "household %lld", (long long)h[1]);
	assert_non_null(strstr(ei.message, named));
	assert_non_null(strstr(ei.message, "202"));
	/* nor be a household that is a centre already */
	int64_t none[] = {h[3]};
	assert_int_equal(party_centers_create(&e->app, &e->staff_actor, m2, home, none, 1, &o, &ei),
	                 ERR_CONFLICT);
	assert_string_equal(ei.field, "household_id");
	/* households outside the scope, unknown, or listed twice */
	int64_t outside[] = {far};
	assert_int_equal(party_centers_create(&e->app, &e->staff_actor, m2, home2, outside, 1, &o, &ei),
	                 ERR_FORBIDDEN);
	assert_int_equal(audit_count(e, "access.denied", "denied"), 1);
	int64_t unknown[] = {far + 100};
	assert_int_equal(party_centers_create(&e->app, &e->staff_actor, m2, home2, unknown, 1, &o, &ei),
	                 ERR_INVALID);
	assert_string_equal(ei.field, "covers");
	int64_t twice[] = {h[2], h[2]};
	assert_int_equal(party_centers_create(&e->app, &e->staff_actor, m2, home2, twice, 2, &o, &ei),
	                 ERR_INVALID);
	/* the second centre with free households; nothing of the refused ones stayed */
	int64_t free2[] = {h[2], h[3]};
	assert_int_equal(party_centers_create(&e->app, &e->staff_actor, m2, home2, free2, 2, &o, &ei),
	                 ERR_OK);
	int64_t center2 = json_integer_value(json_object_get(o, "id"));
	json_decref(o);
	/* replacing covers: the centre's own may stay, the other centre's may not */
	int64_t again[] = {h[1], h[0]};
	assert_int_equal(party_centers_set_covers(&e->app, &e->staff_actor, center, again, 2, &o, &ei),
	                 ERR_OK);
	json_decref(o);
	int64_t steal[] = {h[0], h[3]};
	assert_int_equal(party_centers_set_covers(&e->app, &e->staff_actor, center, steal, 2, &o, &ei),
	                 ERR_CONFLICT);
	/* deleting the second frees its households */
	assert_int_equal(party_centers_delete(&e->app, &e->staff_actor, center2, &ei), ERR_OK);
	assert_int_equal(party_centers_set_covers(&e->app, &e->staff_actor, center, steal, 2, &o, &ei),
	                 ERR_OK);
	json_decref(o);
	json_t *items = json_array();
	int64_t total = 0;
	assert_int_equal(party_centers_list(&e->app, &e->staff_actor, 0, 0, 20, items, &total, &ei), ERR_OK);
	assert_int_equal(total, 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "covers")), 2);
	json_decref(items);
	assert_int_equal(audit_count(e, "center_household.create", "ok"), 2);
	assert_int_equal(audit_count(e, "center_household.delete", "ok"), 1);
}

/* --- the import row functions and the exports -------------------------------------------------- */

struct import_case {
	struct app *app;
	const struct actor *a;
	const struct register_io *io;
	const char *const *rows; /* n rows of ncols cells */
	int n, ncols;
	enum err rc[16];
	struct errinfo ei[16];
};

static enum err import_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct import_case *x = arg;
	struct import_ctx ix = {.app = x->app, .actor = x->a};
	int col[16];
	size_t lens[16] = {0};
	for (int k = 0; k < x->ncols; k++)
		col[k] = k;
	for (int i = 0; i < x->n; i++) {
		struct import_row r = {.line = i + 2, .field = x->rows + i * x->ncols, .len = lens, .col = col};
		err_clear(&x->ei[i]);
		x->rc[i] = x->io->row(&ix, c, &r, &x->ei[i]);
	}
	return ERR_OK;
}

struct sheet {
	int n, ncols;
	char cells[8][12][64];
};

static void emit_row(void *ctx, const char *const *cells)
{
	struct sheet *s = ctx;
	if (s->n >= 8)
		return;
	for (int i = 0; i < s->ncols; i++)
		snprintf(s->cells[s->n][i], sizeof s->cells[0][0], "%s", cells[i] ? cells[i] : "");
	s->n++;
}

struct export_case {
	struct app *app;
	const struct actor *a;
	const struct register_io *io;
	struct sheet *s;
};

static enum err export_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct export_case *x = arg;
	struct code_ranges r;
	code_ranges_one(&r, "110105001");
	struct import_ctx ix = {.app = x->app, .actor = x->a};
	return x->io->export_rows(&ix, c, &r, emit_row, x->s, ei);
}

static void test_import_rows(void **state)
{
	struct env *e = *state;
	struct errinfo ei;
	/* name, kind, parent_name, area_code */
	static const char *const orgs[] = {
		"建外街道党工委", "working_committee", "", "110105001",
		"永安里社区党委", "党委", "建外街道党工委", "110105001001",   /* parent from line 2 */
		"第一党支部", "branch", "永安里社区党委", "110105001001",
		"建国里社区党委", "committee", "建外街道党工委", "110105001002",
		"第一党支部", "branch", "建国里社区党委", "110105001002",     /* same name, other parent */
		"孤儿支部", "branch", "不存在的党委", "110105001001",          /* no such parent */
		"第二党支部", "branch", "第一党支部", "110105001001",          /* a branch under a branch */
		"外街道党委", "committee", "", "110105002001",                /* outside the scope */
		"永安里社区党委", "committee", "建外街道党工委", "110105001001", /* again: 409 */
	};
	struct import_case x = {.app = &e->app, .a = &e->staff_actor, .io = &party_org_io, .rows = orgs,
	                        .n = 9, .ncols = 4};
	assert_int_equal(store_write(e->app.store, import_fn, &x, &ei), ERR_OK);
	for (int i = 0; i < 5; i++)
		if (x.rc[i] != ERR_OK)
			fail_msg("org row %d: %d %s %s", i, x.rc[i], x.ei[i].field, x.ei[i].message);
	assert_int_equal(x.rc[5], ERR_INVALID);
	assert_string_equal(x.ei[5].field, "parent_name");
	assert_int_equal(x.rc[6], ERR_UNPROCESSABLE);
	assert_string_equal(x.ei[6].field, "kind");
	assert_int_equal(x.rc[7], ERR_FORBIDDEN);
	assert_int_equal(x.rc[8], ERR_CONFLICT);
	/* two organisations called 第一党支部 above a grid: the name is ambiguous there */
	int64_t grid = make_area(e, e->community, NULL, "二网格");
	int64_t other_first = make_org(e, 0, "branch", "第一党支部", e->street);
	(void)other_first;
	char grid_code[AREA_CODE_MAX + 1];
	{
		struct area_detail d;
		assert_int_equal(areas_get(&e->app, &e->cli_actor, grid, &d, &ei), ERR_OK);
		snprintf(grid_code, sizeof grid_code, "%s", d.area.code);
		json_decref(d.ancestors);
		json_decref(d.responsible);
	}
	const char *amb[] = {"网格党小组", "group", "第一党支部", grid_code};
	struct import_case y = {.app = &e->app, .a = &e->staff_actor, .io = &party_org_io, .rows = amb,
	                        .n = 1, .ncols = 4};
	assert_int_equal(store_write(e->app.store, import_fn, &y, &ei), ERR_OK);
	assert_int_equal(y.rc[0], ERR_INVALID);
	assert_string_equal(y.ei[0].field, "parent_name");
	assert_non_null(strstr(y.ei[0].message, "2 organisations"));

	/* members: name, gender, phone, status, org_name, org_area_code, community_code,
	 * work_unit_name, joined_on, reported_on */
	struct unit_input ui = {.kind = "agency", .name = "区城管局", .area_id = e->district};
	struct unit_row u;
	assert_int_equal(units_create(&e->app, &e->cli_actor, &ui, &u, &ei), ERR_OK);
	static const char *const members[] = {
		"郑一", "男", "13811112222", "正式党员", "第一党支部", "110105001001", "110105001001",
		"区城管局", "1998-07-01", "2024-03-05",
		"郑二", "female", "", "probationary", "第一党支部", "110105001002", "", "", "", "",
		"郑一", "male", "13811112222", "full", "第一党支部", "110105001001", "", "", "", "",
		"郑三", "male", "", "full", "第九党支部", "110105001001", "", "", "", "",
		"郑四", "male", "", "full", "第一党支部", "110105001001", "", "", "", "2024-01-01",
		"郑五", "unknown", "", "full", "第一党支部", "110105001001", "", "", "", "",
		"郑六", "male", "", "full", "第一党支部", "110105001001", "", "无此单位", "", "",
		"郑七", "male", "", "full", "第一党支部", "110105001001", "110105002001", "", "", "",
		"郑八", "male", "123", "full", "第一党支部", "110105001001", "", "", "", "",
	};
	struct import_case z = {.app = &e->app, .a = &e->staff_actor, .io = &party_member_io,
	                        .rows = members, .n = 9, .ncols = 10};
	assert_int_equal(store_write(e->app.store, import_fn, &z, &ei), ERR_OK);
	for (int i = 0; i < 2; i++)
		if (z.rc[i] != ERR_OK)
			fail_msg("member row %d: %d %s %s", i, z.rc[i], z.ei[i].field, z.ei[i].message);
	assert_int_equal(z.rc[2], ERR_CONFLICT);      /* 郑一 again, same phone, same branch */
	assert_int_equal(z.rc[3], ERR_INVALID);       /* no such organisation in that area */
	assert_string_equal(z.ei[3].field, "org_name");
	assert_int_equal(z.rc[4], ERR_INVALID);       /* a report-in without a home community */
	assert_string_equal(z.ei[4].field, "reported_on");
	assert_int_equal(z.rc[5], ERR_INVALID);
	assert_string_equal(z.ei[5].field, "gender");
	assert_int_equal(z.rc[6], ERR_INVALID);
	assert_string_equal(z.ei[6].field, "work_unit_name");
	assert_int_equal(z.rc[7], ERR_FORBIDDEN);
	assert_string_equal(z.ei[7].field, "community_code");
	assert_int_equal(z.rc[8], ERR_INVALID);
	assert_string_equal(z.ei[8].field, "phone");
	/* 郑一 came with a report-in and the district's unit */
	struct party_member_query q = {.reported = 1, .limit = 50};
	struct ids l = {0};
	int64_t total = 0;
	assert_int_equal(party_members_list(&e->app, &e->staff_actor, &q, collect_member, &l, &total, &ei),
	                 ERR_OK);
	assert_int_equal(total, 1);
	assert_int_equal(audit_count(e, "party_member.report_in", "ok"), 1);

	/* exports: zh-CN labels, masked phones, the report-in */
	struct sheet s = {.ncols = 12};
	struct export_case xe = {&e->app, &e->staff_actor, &party_member_io, &s};
	assert_int_equal(store_read(e->app.store, export_fn, &xe, &ei), ERR_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.cells[0][0], "郑一");
	assert_string_equal(s.cells[0][1], "男");
	assert_string_equal(s.cells[0][2], "138****2222");
	assert_string_equal(s.cells[0][3], "正式党员");
	assert_string_equal(s.cells[0][8], "区城管局");
	assert_string_equal(s.cells[0][10], "永安里社区");
	assert_string_equal(s.cells[0][11], "2024-03-05");
	assert_string_equal(s.cells[1][3], "预备党员");
	struct sheet so = {.ncols = 6};
	struct export_case xo = {&e->app, &e->staff_actor, &party_org_io, &so};
	assert_int_equal(store_read(e->app.store, export_fn, &xo, &ei), ERR_OK);
	assert_int_equal(so.n, 6);
	assert_string_equal(so.cells[0][1], "党工委");
}

int main(void)
{
	log_set_level(LOG_ERROR);
	fx_print_backend("test_party");
	if (crypto_init() != ERR_OK)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kind_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths_and_subtree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roots_by_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_member_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_in_unique, setup, teardown),
		cmocka_unit_test_setup_teardown(test_six_ones, setup, teardown),
		cmocka_unit_test_setup_teardown(test_center_households, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_rows, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
