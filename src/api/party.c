/* /api/v1/party: organisations, members, report-ins (双报到), six-ones
 * (六个一) and centre households (党员中心户). JSON in, domain call, JSON out. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app.h"
#include "auth/policy.h"
#include "domain/party.h"
#include "domain/units.h"
#include "limits.h"

#define CENTER_COVERS_MAX 200 /* households one centre covers (about 50 in practice) */

static const char *check_phone(const char *s, size_t n) { return n == 0 ? NULL : phone_check(s, n); }
static const char *const report_kinds[] = {"member", "org", NULL};

static const struct field_spec id_param[] = {
	{.name = "id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	FIELDS_END,
};
static const struct field_spec six_param[] = {
	{.name = "id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	{.name = "year", .type = FIELD_INT, .required = true, .min = 2000, .max = 2100},
	{.name = "item", .type = FIELD_ENUM, .required = true, .values = six_ones_items},
	FIELDS_END,
};
static const struct field_spec orgs_query[] = {
	{.name = "parent", .type = FIELD_INT, .min = 1, .max = INT64_MAX,
	 .doc = "its children; absent: the roots of the caller's scope"},
	FIELDS_END,
};
static const struct field_spec org_create_body[] = {
	{.name = "parent_id", .type = FIELD_INT, .min = 1, .max = INT64_MAX, .doc = "absent: a root"},
	{.name = "kind", .type = FIELD_ENUM, .required = true, .values = party_org_kinds,
	 .doc = "lower than the parent's: working_committee > committee > general_branch > branch > group"},
	{.name = "name", .type = FIELD_STRING, .required = true, .min = 1, .max = PARTY_NAME_MAX},
	{.name = "area_id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX,
	 .doc = "inside the parent's area"},
	{.name = "unit_id", .type = FIELD_INT, .min = 1, .max = INT64_MAX,
	 .doc = "the unit the organisation belongs to"},
	FIELDS_END,
};
static const struct field_spec org_update_body[] = {
	{.name = "name", .type = FIELD_STRING, .min = 1, .max = PARTY_NAME_MAX},
	{.name = "kind", .type = FIELD_ENUM, .values = party_org_kinds},
	FIELDS_END,
};
static const struct field_spec report_body[] = {
	{.name = "community_id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	{.name = "reported_on", .type = FIELD_DATE, .required = true},
	FIELDS_END,
};
static const struct field_spec members_query[] = {
	{.name = "org", .type = FIELD_INT, .min = 1, .max = INT64_MAX,
	 .doc = "members of this organisation and those below it"},
	{.name = "community", .type = FIELD_INT, .min = 1, .max = INT64_MAX,
	 .doc = "members whose home (or, without one, organisation) lies in this area"},
	{.name = "status", .type = FIELD_ENUM, .values = party_member_statuses},
	{.name = "reported", .type = FIELD_BOOL, .doc = "with (true) or without (false) an active report-in"},
	{.name = "q", .type = FIELD_STRING, .min = 1, .max = MEMBER_NAME_MAX, .doc = "name contains"},
	{.name = "page", .type = FIELD_INT, .min = 1, .max = 1000000},
	{.name = "page_size", .type = FIELD_INT, .min = 1, .max = LIMIT_PAGE_SIZE},
	FIELDS_END,
};
static const struct field_spec member_create_body[] = {
	{.name = "name", .type = FIELD_STRING, .required = true, .min = 1, .max = MEMBER_NAME_MAX},
	{.name = "gender", .type = FIELD_ENUM, .required = true, .values = party_genders},
	{.name = "phone", .type = FIELD_STRING, .min = 0, .max = 11, .check = check_phone},
	{.name = "status", .type = FIELD_ENUM, .required = true, .values = party_member_statuses},
	{.name = "org_id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	{.name = "work_unit_id", .type = FIELD_INT, .min = 1, .max = INT64_MAX,
	 .doc = "in-service members: where they work"},
	{.name = "community_id", .type = FIELD_INT, .min = 1, .max = INT64_MAX,
	 .doc = "the home community"},
	{.name = "joined_on", .type = FIELD_DATE},
	{.name = "person_id", .type = FIELD_INT, .min = 1, .max = INT64_MAX},
	FIELDS_END,
};
static const struct field_spec member_update_body[] = {
	{.name = "name", .type = FIELD_STRING, .min = 1, .max = MEMBER_NAME_MAX},
	{.name = "gender", .type = FIELD_ENUM, .values = party_genders},
	{.name = "phone", .type = FIELD_STRING, .min = 0, .max = 11, .check = check_phone,
	 .doc = "\"\" clears it"},
	{.name = "status", .type = FIELD_ENUM, .values = party_member_statuses},
	{.name = "org_id", .type = FIELD_INT, .min = 1, .max = INT64_MAX},
	{.name = "work_unit_id", .type = FIELD_INT, .min = 0, .max = INT64_MAX, .doc = "0 clears it"},
	{.name = "community_id", .type = FIELD_INT, .min = 0, .max = INT64_MAX, .doc = "0 clears it"},
	{.name = "joined_on", .type = FIELD_DATE},
	{.name = "person_id", .type = FIELD_INT, .min = 0, .max = INT64_MAX, .doc = "0 clears it"},
	FIELDS_END,
};
static const struct field_spec six_query[] = {
	{.name = "year", .type = FIELD_INT, .min = 2000, .max = 2100, .doc = "default: this year"},
	FIELDS_END,
};
static const struct field_spec six_body[] = {
	{.name = "done_on", .type = FIELD_DATE, .required = true, .doc = "inside the year"},
	{.name = "note", .type = FIELD_STRING, .min = 0, .max = SIX_ONES_NOTE_MAX, .multiline = true},
	FIELDS_END,
};
static const struct field_spec end_body[] = {
	{.name = "ended_on", .type = FIELD_DATE, .required = true},
	FIELDS_END,
};
static const struct field_spec reports_query[] = {
	{.name = "community", .type = FIELD_INT, .min = 1, .max = INT64_MAX,
	 .doc = "report-ins to communities in this area (default: the caller's scope)"},
	{.name = "kind", .type = FIELD_ENUM, .values = report_kinds},
	{.name = "active", .type = FIELD_BOOL},
	{.name = "page", .type = FIELD_INT, .min = 1, .max = 1000000},
	{.name = "page_size", .type = FIELD_INT, .min = 1, .max = LIMIT_PAGE_SIZE},
	FIELDS_END,
};
static const struct field_spec centers_query[] = {
	{.name = "area", .type = FIELD_INT, .min = 1, .max = INT64_MAX,
	 .doc = "centres whose household lies in this area (default: the caller's scope)"},
	{.name = "page", .type = FIELD_INT, .min = 1, .max = 1000000},
	{.name = "page_size", .type = FIELD_INT, .min = 1, .max = LIMIT_PAGE_SIZE},
	FIELDS_END,
};
static const struct field_spec center_create_body[] = {
	{.name = "member_id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	{.name = "household_id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX,
	 .doc = "the member's household"},
	{.name = "covers", .type = FIELD_INTS, .required = true, .min = 1, .max = INT64_MAX,
	 .max_items = CENTER_COVERS_MAX, .doc = "the households it serves"},
	FIELDS_END,
};
static const struct field_spec center_covers_body[] = {
	{.name = "household_ids", .type = FIELD_INTS, .required = true, .min = 1, .max = INT64_MAX,
	 .max_items = CENTER_COVERS_MAX},
	FIELDS_END,
};

static void reply_fail(struct req *r)
{
	reply_errinfo(r, req_errinfo(r));
}

static void paging(struct req *r, int64_t *page, int64_t *size)
{
	*page = req_int(r, "page", 1);
	*size = req_int(r, "page_size", LIMIT_PAGE_DEFAULT);
}

static void reply_page(struct req *r, json_t *items, int64_t total, int64_t page, int64_t size)
{
	reply_json(r, 200, json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)total,
	                             "page", (json_int_t)page, "page_size", (json_int_t)size));
}

static int tri(struct req *r, const char *name)
{
	return req_has(r, name) ? req_field(r, name)->b : -1;
}

/* The ids of a FIELD_INTS field (malloc'd; at least one slot). */
static int64_t *ids_of(struct req *r, const char *name, int *n)
{
	json_t *arr = req_field(r, name)->arr;
	size_t k = json_array_size(arr);
	int64_t *ids = calloc(k ? k : 1, sizeof *ids);
	for (size_t i = 0; ids && i < k; i++)
		ids[i] = json_integer_value(json_array_get(arr, i));
	*n = (int)k;
	return ids;
}

/* --- organisations --------------------------------------------------------------------- */

static void api_orgs_list(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	json_t *items = json_array();
	if (party_orgs_list(req_app(r), &a, req_int(r, "parent", 0), items, req_errinfo(r)) != ERR_OK) {
		json_decref(items);
		reply_fail(r);
		return;
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void api_orgs_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct party_org_detail d;
	if (party_orgs_get(req_app(r), &a, req_int(r, "id", 0), &d, req_errinfo(r)) != ERR_OK) {
		reply_fail(r);
		return;
	}
	json_t *o = party_org_json(&d.org);
	json_object_set_new(o, "counts",
	                    json_pack("{s:I, s:I, s:I, s:I}", "children", (json_int_t)d.counts.children,
	                              "members", (json_int_t)d.counts.members, "subtree_members",
	                              (json_int_t)d.counts.subtree_members, "reported_in",
	                              (json_int_t)d.counts.reported_in));
	json_object_set_new(o, "report_ins", d.report_ins);
	reply_json(r, 200, o);
}

static void reply_org(struct req *r, enum err rc, const struct party_org_row *o, unsigned status)
{
	if (rc != ERR_OK) {
		reply_fail(r);
		return;
	}
	reply_json(r, status, party_org_json(o));
}

static void api_orgs_create(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct party_org_input in = {.parent_id = req_int(r, "parent_id", 0), .kind = req_str(r, "kind"),
	                             .name = req_str(r, "name"), .area_id = req_int(r, "area_id", 0),
	                             .unit_id = req_int(r, "unit_id", 0)};
	struct party_org_row out;
	reply_org(r, party_orgs_create(req_app(r), &a, &in, &out, req_errinfo(r)), &out, 201);
}

static void api_orgs_update(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct party_org_input in = {.kind = req_str(r, "kind"), .name = req_str(r, "name")};
	struct party_org_row out;
	reply_org(r, party_orgs_update(req_app(r), &a, req_int(r, "id", 0), &in, &out, req_errinfo(r)),
	          &out, 200);
}

static void reply_report(struct req *r, enum err rc, const struct report_in_row *ri, unsigned status)
{
	if (rc != ERR_OK) {
		reply_fail(r);
		return;
	}
	reply_json(r, status, report_in_json(ri));
}

static void api_orgs_report_in(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct report_in_row out;
	reply_report(r,
	             party_org_report_in(req_app(r), &a, req_int(r, "id", 0), req_int(r, "community_id", 0),
	                                 req_str(r, "reported_on"), &out, req_errinfo(r)),
	             &out, 201);
}

/* --- members ----------------------------------------------------------------------------- */

static void add_member(void *ctx, const struct party_member_row *m)
{
	json_array_append_new(ctx, party_member_json(m));
}

static void api_members_list(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	int64_t page, size, total = 0;
	paging(r, &page, &size);
	struct party_member_query q = {.org_id = req_int(r, "org", 0),
	                               .community_id = req_int(r, "community", 0),
	                               .status = req_str(r, "status"), .q = req_str(r, "q"),
	                               .reported = tri(r, "reported"), .offset = (page - 1) * size,
	                               .limit = (int)size};
	json_t *items = json_array();
	if (party_members_list(req_app(r), &a, &q, add_member, items, &total, req_errinfo(r)) != ERR_OK) {
		json_decref(items);
		reply_fail(r);
		return;
	}
	reply_page(r, items, total, page, size);
}

static void api_members_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct party_member_detail *d = malloc(sizeof *d);
	if (d == NULL) {
		reply_error(r, ERR_INTERNAL, NULL, "out of memory");
		return;
	}
	if (party_members_get(req_app(r), &a, req_int(r, "id", 0), d, req_errinfo(r)) != ERR_OK) {
		free(d);
		reply_fail(r);
		return;
	}
	json_t *o = party_member_json(&d->member);
	json_object_set_new(o, "report_ins", d->report_ins);
	json_object_set_new(o, "six_ones", d->six_ones);
	free(d);
	reply_json(r, 200, o);
}

static void reply_member(struct req *r, enum err rc, const struct party_member_row *m,
                         unsigned status)
{
	if (rc != ERR_OK) {
		reply_fail(r);
		return;
	}
	reply_json(r, status, party_member_json(m));
}

static void api_members_create(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct party_member_input in = {
		.name = req_str(r, "name"), .gender = req_str(r, "gender"), .status = req_str(r, "status"),
		.joined_on = req_str(r, "joined_on"), .phone_text = req_str(r, "phone"),
		.org_id = req_int(r, "org_id", 0), .work_unit_id = req_int(r, "work_unit_id", 0),
		.community_id = req_int(r, "community_id", 0), .person_id = req_int(r, "person_id", 0)};
	struct party_member_row *out = malloc(sizeof *out);
	if (out == NULL) {
		reply_error(r, ERR_INTERNAL, NULL, "out of memory");
		return;
	}
	reply_member(r, party_members_create(req_app(r), &a, &in, out, req_errinfo(r)), out, 201);
	free(out);
}

static void api_members_update(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct party_member_input in = {
		.name = req_str(r, "name"), .gender = req_str(r, "gender"), .status = req_str(r, "status"),
		.joined_on = req_str(r, "joined_on"), .phone_text = req_str(r, "phone"),
		.org_id = req_int(r, "org_id", 0),
		.set_work_unit = req_has(r, "work_unit_id"), .work_unit_id = req_int(r, "work_unit_id", 0),
		.set_community = req_has(r, "community_id"), .community_id = req_int(r, "community_id", 0),
		.set_person = req_has(r, "person_id"), .person_id = req_int(r, "person_id", 0)};
	struct party_member_row *out = malloc(sizeof *out);
	if (out == NULL) {
		reply_error(r, ERR_INTERNAL, NULL, "out of memory");
		return;
	}
	reply_member(r, party_members_update(req_app(r), &a, req_int(r, "id", 0), &in, out, req_errinfo(r)),
	             out, 200);
	free(out);
}

static void api_members_phone(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	char *phone = NULL;
	if (party_members_phone(req_app(r), &a, req_int(r, "id", 0), &phone, req_errinfo(r)) != ERR_OK) {
		reply_fail(r);
		return;
	}
	reply_json(r, 200, json_pack("{s:s}", "phone", phone));
	free(phone);
}

static void api_members_report_in(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct report_in_row out;
	reply_report(r,
	             party_member_report_in(req_app(r), &a, req_int(r, "id", 0),
	                                    req_int(r, "community_id", 0), req_str(r, "reported_on"),
	                                    &out, req_errinfo(r)),
	             &out, 201);
}

/* --- six-ones ------------------------------------------------------------------------------ */

/* o is read after the call that fills it (not as an argument beside it). */
static void reply_six(struct req *r, enum err rc, json_t *const *o)
{
	if (rc != ERR_OK) {
		reply_fail(r);
		return;
	}
	reply_json(r, 200, *o);
}

static void api_six_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	json_t *o = NULL;
	reply_six(r,
	          party_six_ones_get(req_app(r), &a, req_int(r, "id", 0), (int)req_int(r, "year", 0), &o,
	                             req_errinfo(r)),
	          &o);
}

static void api_six_put(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	json_t *o = NULL;
	reply_six(r,
	          party_six_ones_put(req_app(r), &a, req_int(r, "id", 0), (int)req_int(r, "year", 0),
	                             req_str(r, "item"), req_str(r, "done_on"), req_str(r, "note"), &o,
	                             req_errinfo(r)),
	          &o);
}

static void api_six_delete(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	json_t *o = NULL;
	reply_six(r,
	          party_six_ones_delete(req_app(r), &a, req_int(r, "id", 0), (int)req_int(r, "year", 0),
	                                req_str(r, "item"), &o, req_errinfo(r)),
	          &o);
}

/* --- report-ins --------------------------------------------------------------------------- */

static void api_reports_list(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	int64_t page, size, total = 0;
	paging(r, &page, &size);
	const char *kind = req_str(r, "kind");
	struct report_in_query q = {.community_id = req_int(r, "community", 0),
	                            .kind = kind == NULL ? 0 : strcmp(kind, "member") == 0 ? 1 : 2,
	                            .active = tri(r, "active"), .offset = (page - 1) * size,
	                            .limit = (int)size};
	json_t *items = json_array();
	if (party_report_ins_list(req_app(r), &a, &q, items, &total, req_errinfo(r)) != ERR_OK) {
		json_decref(items);
		reply_fail(r);
		return;
	}
	reply_page(r, items, total, page, size);
}

static void api_reports_end(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct report_in_row out;
	reply_report(r,
	             party_report_in_end(req_app(r), &a, req_int(r, "id", 0), req_str(r, "ended_on"), &out,
	                                 req_errinfo(r)),
	             &out, 200);
}

/* --- centre households ------------------------------------------------------------------------ */

static void api_centers_list(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	int64_t page, size, total = 0;
	paging(r, &page, &size);
	json_t *items = json_array();
	if (party_centers_list(req_app(r), &a, req_int(r, "area", 0), (page - 1) * size, (int)size, items,
	                       &total, req_errinfo(r)) != ERR_OK) {
		json_decref(items);
		reply_fail(r);
		return;
	}
	reply_page(r, items, total, page, size);
}

static void reply_center(struct req *r, enum err rc, json_t *const *o, unsigned status)
{
	if (rc != ERR_OK) {
		reply_fail(r);
		return;
	}
	reply_json(r, status, *o);
}

static void api_centers_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	json_t *o = NULL;
	reply_center(r, party_centers_get(req_app(r), &a, req_int(r, "id", 0), &o, req_errinfo(r)), &o, 200);
}

static void api_centers_create(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	int n = 0;
	int64_t *ids = ids_of(r, "covers", &n);
	if (ids == NULL) {
		reply_error(r, ERR_INTERNAL, NULL, "out of memory");
		return;
	}
	json_t *o = NULL;
	enum err rc = party_centers_create(req_app(r), &a, req_int(r, "member_id", 0),
	                                   req_int(r, "household_id", 0), ids, n, &o, req_errinfo(r));
	free(ids);
	reply_center(r, rc, &o, 201);
}

static void api_centers_covers(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	int n = 0;
	int64_t *ids = ids_of(r, "household_ids", &n);
	if (ids == NULL) {
		reply_error(r, ERR_INTERNAL, NULL, "out of memory");
		return;
	}
	json_t *o = NULL;
	enum err rc = party_centers_set_covers(req_app(r), &a, req_int(r, "id", 0), ids, n, &o,
	                                       req_errinfo(r));
	free(ids);
	reply_center(r, rc, &o, 200);
}

static void api_centers_delete(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	if (party_centers_delete(req_app(r), &a, req_int(r, "id", 0), req_errinfo(r)) != ERR_OK) {
		reply_fail(r);
		return;
	}
	reply_json(r, 200, json_pack("{s:b}", "removed", 1));
}

const struct route party_routes[] = {
	{HTTP_GET, "/api/v1/party/orgs", api_orgs_list, "party.read", NULL, orgs_query, NULL,
	 "Children of an organisation, or the roots of the caller's scope"},
	{HTTP_POST, "/api/v1/party/orgs", api_orgs_create, "party.manage", NULL, NULL, org_create_body,
	 "Add an organisation (its kind below its parent's)"},
	{HTTP_GET, "/api/v1/party/orgs/{id}", api_orgs_get, "party.read", id_param, NULL, NULL,
	 "One organisation with counts (children, members, subtree, reported in) and its report-ins"},
	{HTTP_PATCH, "/api/v1/party/orgs/{id}", api_orgs_update, "party.manage", id_param, NULL,
	 org_update_body, "Rename an organisation or change its kind"},
	{HTTP_POST, "/api/v1/party/orgs/{id}/report-in", api_orgs_report_in, "party.manage", id_param,
	 NULL, report_body, "An organisation reports in to a community (双报到)"},
	{HTTP_GET, "/api/v1/party/members", api_members_list, "party.read", NULL, members_query, NULL,
	 "Members in the scope, paged, with organisation, report-in and this year's six-ones"},
	{HTTP_POST, "/api/v1/party/members", api_members_create, "party.manage", NULL, NULL,
	 member_create_body, "Register a party member"},
	{HTTP_GET, "/api/v1/party/members/{id}", api_members_get, "party.read", id_param, NULL, NULL,
	 "One member with report-ins and this year's six-ones"},
	{HTTP_PATCH, "/api/v1/party/members/{id}", api_members_update, "party.manage", id_param, NULL,
	 member_update_body, "Edit a member"},
	{HTTP_GET, "/api/v1/party/members/{id}/phone", api_members_phone, "person.read_pii", id_param,
	 NULL, NULL, "Unmask a member's phone (audited)"},
	{HTTP_POST, "/api/v1/party/members/{id}/report-in", api_members_report_in, "party.manage",
	 id_param, NULL, report_body, "A member reports in to a community (one active at a time)"},
	{HTTP_GET, "/api/v1/party/members/{id}/six-ones", api_six_get, "party.read", id_param, six_query,
	 NULL, "A member's six-ones (六个一) of a year"},
	{HTTP_PUT, "/api/v1/party/members/{id}/six-ones/{year}/{item}", api_six_put, "party.manage",
	 six_param, NULL, six_body, "Record an item done (members reported in that year)"},
	{HTTP_DELETE, "/api/v1/party/members/{id}/six-ones/{year}/{item}", api_six_delete,
	 "party.manage", six_param, NULL, NULL, "Remove an item's record"},
	{HTTP_GET, "/api/v1/party/report-ins", api_reports_list, "party.read", NULL, reports_query, NULL,
	 "Report-ins to communities in the scope, newest first, paged"},
	{HTTP_POST, "/api/v1/party/report-ins/{id}/end", api_reports_end, "party.manage", id_param, NULL,
	 end_body, "End a report-in"},
	{HTTP_GET, "/api/v1/party/center-households", api_centers_list, "party.read", NULL,
	 centers_query, NULL, "Centre households (党员中心户) in the scope, paged"},
	{HTTP_POST, "/api/v1/party/center-households", api_centers_create, "party.manage", NULL, NULL,
	 center_create_body, "Make a member's household a centre serving the households listed"},
	{HTTP_GET, "/api/v1/party/center-households/{id}", api_centers_get, "party.read", id_param, NULL,
	 NULL, "One centre household with the households it covers"},
	{HTTP_PUT, "/api/v1/party/center-households/{id}/covers", api_centers_covers, "party.manage",
	 id_param, NULL, center_covers_body, "Replace the households a centre covers"},
	{HTTP_DELETE, "/api/v1/party/center-households/{id}", api_centers_delete, "party.manage",
	 id_param, NULL, NULL, "Remove a centre household"},
	ROUTES_END,
};
