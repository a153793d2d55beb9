/* /api/v1/units, /api/v1/pairings and /api/v1/areas/{id}/joint-committee:
 * units and departments, their contacts and served areas, pairings
 * (共驻共建) and joint committees (大党委). JSON in, domain call, JSON out. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app.h"
#include "auth/policy.h"
#include "domain/units.h"
#include "limits.h"

#define UNIT_AREAS_MAX 500 /* served areas in one PUT */

static const char *check_phone(const char *s, size_t n) { return n == 0 ? NULL : phone_check(s, n); }

static const struct field_spec id_param[] = {
	{.name = "id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	FIELDS_END,
};
static const struct field_spec contact_param[] = {
	{.name = "id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	{.name = "cid", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	FIELDS_END,
};
static const struct field_spec member_param[] = {
	{.name = "id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	{.name = "mid", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	FIELDS_END,
};
static const struct field_spec units_query[] = {
	{.name = "area", .type = FIELD_INT, .min = 1, .max = INT64_MAX,
	 .doc = "units in this area's subtree (default: the caller's scope)"},
	{.name = "kind", .type = FIELD_ENUM, .values = unit_kinds},
	{.name = "q", .type = FIELD_STRING, .min = 1, .max = UNIT_NAME_MAX, .doc = "name contains"},
	{.name = "page", .type = FIELD_INT, .min = 1, .max = 1000000},
	{.name = "page_size", .type = FIELD_INT, .min = 1, .max = LIMIT_PAGE_SIZE},
	FIELDS_END,
};
static const struct field_spec unit_create_body[] = {
	{.name = "kind", .type = FIELD_ENUM, .required = true, .values = unit_kinds},
	{.name = "name", .type = FIELD_STRING, .required = true, .min = 1, .max = UNIT_NAME_MAX},
	{.name = "credit_code", .type = FIELD_STRING, .min = 0, .max = CREDIT_CODE_LEN,
	 .doc = "统一社会信用代码, 18 characters with the GB 32100 check character"},
	{.name = "area_id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	{.name = "address", .type = FIELD_STRING, .min = 0, .max = UNIT_ADDRESS_MAX},
	FIELDS_END,
};
static const struct field_spec unit_update_body[] = {
	{.name = "kind", .type = FIELD_ENUM, .values = unit_kinds},
	{.name = "name", .type = FIELD_STRING, .min = 1, .max = UNIT_NAME_MAX},
	{.name = "credit_code", .type = FIELD_STRING, .min = 0, .max = CREDIT_CODE_LEN,
	 .doc = "\"\" clears it"},
	{.name = "area_id", .type = FIELD_INT, .min = 1, .max = INT64_MAX},
	{.name = "address", .type = FIELD_STRING, .min = 0, .max = UNIT_ADDRESS_MAX},
	FIELDS_END,
};
static const struct field_spec contact_body[] = {
	{.name = "name", .type = FIELD_STRING, .required = true, .min = 1, .max = CONTACT_NAME_MAX},
	{.name = "title", .type = FIELD_STRING, .min = 0, .max = CONTACT_TITLE_MAX},
	{.name = "phone", .type = FIELD_STRING, .min = 0, .max = 11, .check = check_phone},
	FIELDS_END,
};
static const struct field_spec areas_body[] = {
	{.name = "area_ids", .type = FIELD_INTS, .required = true, .min = 1, .max = INT64_MAX,
	 .max_items = UNIT_AREAS_MAX, .doc = "the served areas inside the caller's scope"},
	FIELDS_END,
};
static const struct field_spec pairings_query[] = {
	{.name = "community", .type = FIELD_INT, .min = 1, .max = INT64_MAX,
	 .doc = "pairings of communities in this area (default: the caller's scope)"},
	{.name = "unit", .type = FIELD_INT, .min = 1, .max = INT64_MAX},
	{.name = "active", .type = FIELD_BOOL, .doc = "true: running today; false: not running today"},
	{.name = "page", .type = FIELD_INT, .min = 1, .max = 1000000},
	{.name = "page_size", .type = FIELD_INT, .min = 1, .max = LIMIT_PAGE_SIZE},
	FIELDS_END,
};
static const struct field_spec pairing_create_body[] = {
	{.name = "unit_id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	{.name = "community_id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	{.name = "starts_on", .type = FIELD_DATE, .required = true},
	{.name = "ends_on", .type = FIELD_DATE, .doc = "absent: open-ended"},
	{.name = "content", .type = FIELD_STRING, .required = true, .min = 1, .max = PAIRING_CONTENT_MAX,
	 .multiline = true, .doc = "what the unit and the community agreed"},
	FIELDS_END,
};
static const struct field_spec pairing_update_body[] = {
	{.name = "ends_on", .type = FIELD_DATE},
	{.name = "content", .type = FIELD_STRING, .min = 1, .max = PAIRING_CONTENT_MAX,
	 .multiline = true},
	FIELDS_END,
};
static const struct field_spec jc_body[] = {
	{.name = "unit_id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX,
	 .doc = "a unit with a pairing with the community running today"},
	{.name = "name", .type = FIELD_STRING, .required = true, .min = 1, .max = JC_NAME_MAX},
	{.name = "post", .type = FIELD_STRING, .required = true, .min = 1, .max = JC_POST_MAX,
	 .doc = "e.g. 兼职委员"},
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

/* --- units ------------------------------------------------------------------------------ */

static void add_unit(void *ctx, const struct unit_row *u)
{
	json_array_append_new(ctx, unit_json(u));
}

static void api_units_list(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	int64_t page, size, total = 0;
	paging(r, &page, &size);
	struct unit_list_query q = {.area_id = req_int(r, "area", 0), .kind = req_str(r, "kind"),
	                            .q = req_str(r, "q"), .offset = (page - 1) * size, .limit = (int)size};
	json_t *items = json_array();
	if (units_list(req_app(r), &a, &q, add_unit, items, &total, req_errinfo(r)) != ERR_OK) {
		json_decref(items);
		reply_fail(r);
		return;
	}
	reply_page(r, items, total, page, size);
}

static void api_departments(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	json_t *items = json_array();
	if (departments_for_requests(req_app(r), &a, add_unit, items, req_errinfo(r)) != ERR_OK) {
		json_decref(items);
		reply_fail(r);
		return;
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void api_units_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct unit_detail d;
	if (units_get(req_app(r), &a, req_int(r, "id", 0), &d, req_errinfo(r)) != ERR_OK) {
		reply_fail(r);
		return;
	}
	json_t *o = unit_json(&d.unit);
	json_object_set_new(o, "contacts", d.contacts);
	json_object_set_new(o, "areas", d.areas);
	json_object_set_new(o, "pairings", d.pairings);
	reply_json(r, 200, o);
}

static void reply_unit(struct req *r, enum err rc, const struct unit_row *u, unsigned status)
{
	if (rc != ERR_OK) {
		reply_fail(r);
		return;
	}
	reply_json(r, status, unit_json(u));
}

static void api_units_create(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct unit_input in = {.kind = req_str(r, "kind"), .name = req_str(r, "name"),
	                        .credit_code = req_str(r, "credit_code"),
	                        .area_id = req_int(r, "area_id", 0), .address = req_str(r, "address")};
	struct unit_row out;
	reply_unit(r, units_create(req_app(r), &a, &in, &out, req_errinfo(r)), &out, 201);
}

static void api_units_update(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct unit_input in = {.kind = req_str(r, "kind"), .name = req_str(r, "name"),
	                        .credit_code = req_str(r, "credit_code"),
	                        .area_id = req_int(r, "area_id", 0), .address = req_str(r, "address")};
	struct unit_row out;
	reply_unit(r, units_update(req_app(r), &a, req_int(r, "id", 0), &in, &out, req_errinfo(r)), &out,
	           200);
}

static void api_units_contact_add(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct contact_input in = {.name = req_str(r, "name"), .title = req_str(r, "title"),
	                           .phone = req_str(r, "phone")};
	struct unit_contact_row out;
	if (units_contact_add(req_app(r), &a, req_int(r, "id", 0), &in, &out, req_errinfo(r)) != ERR_OK) {
		reply_fail(r);
		return;
	}
	reply_json(r, 201, unit_contact_json(&out));
}

static void api_units_contact_delete(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	if (units_contact_remove(req_app(r), &a, req_int(r, "id", 0), req_int(r, "cid", 0),
	                         req_errinfo(r)) != ERR_OK) {
		reply_fail(r);
		return;
	}
	reply_json(r, 200, json_pack("{s:b}", "removed", 1));
}

static void api_units_contact_phone(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	char *phone = NULL;
	if (units_contact_phone(req_app(r), &a, req_int(r, "id", 0), req_int(r, "cid", 0), &phone,
	                        req_errinfo(r)) != ERR_OK) {
		reply_fail(r);
		return;
	}
	reply_json(r, 200, json_pack("{s:s}", "phone", phone));
	free(phone);
}

static void api_units_areas(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	json_t *arr = req_field(r, "area_ids")->arr;
	size_t n = json_array_size(arr);
	int64_t *ids = calloc(n ? n : 1, sizeof *ids);
	if (ids == NULL) {
		reply_error(r, ERR_INTERNAL, NULL, "out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++)
		ids[i] = json_integer_value(json_array_get(arr, i));
	json_t *items = json_array();
	enum err rc = units_set_areas(req_app(r), &a, req_int(r, "id", 0), ids, (int)n, items,
	                              req_errinfo(r));
	free(ids);
	if (rc != ERR_OK) {
		json_decref(items);
		reply_fail(r);
		return;
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* --- pairings ---------------------------------------------------------------------------- */

static void api_pairings_list(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	int64_t page, size, total = 0;
	paging(r, &page, &size);
	struct pairing_list_query q = {.community_id = req_int(r, "community", 0),
	                               .unit_id = req_int(r, "unit", 0),
	                               .active = req_has(r, "active") ? req_field(r, "active")->b : -1,
	                               .offset = (page - 1) * size, .limit = (int)size};
	json_t *items = json_array();
	if (pairings_list(req_app(r), &a, &q, items, &total, req_errinfo(r)) != ERR_OK) {
		json_decref(items);
		reply_fail(r);
		return;
	}
	reply_page(r, items, total, page, size);
}

static void reply_pairing(struct req *r, enum err rc, const struct pairing_row *p, unsigned status)
{
	if (rc != ERR_OK) {
		reply_fail(r);
		return;
	}
	char today[DATE_TEXT];
	units_today(req_app(r), today);
	reply_json(r, status, pairing_json(p, today));
}

static void api_pairings_create(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct pairing_input in = {.unit_id = req_int(r, "unit_id", 0),
	                           .community_id = req_int(r, "community_id", 0),
	                           .starts_on = req_str(r, "starts_on"), .ends_on = req_str(r, "ends_on"),
	                           .content = req_str(r, "content")};
	struct pairing_row *out = malloc(sizeof *out);
	if (out == NULL) {
		reply_error(r, ERR_INTERNAL, NULL, "out of memory");
		return;
	}
	reply_pairing(r, pairings_create(req_app(r), &a, &in, out, req_errinfo(r)), out, 201);
	free(out);
}

static void api_pairings_update(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct pairing_input in = {.ends_on = req_str(r, "ends_on"), .content = req_str(r, "content")};
	struct pairing_row *out = malloc(sizeof *out);
	if (out == NULL) {
		reply_error(r, ERR_INTERNAL, NULL, "out of memory");
		return;
	}
	reply_pairing(r, pairings_update(req_app(r), &a, req_int(r, "id", 0), &in, out, req_errinfo(r)),
	              out, 200);
	free(out);
}

/* --- joint committee ------------------------------------------------------------------------ */

static void api_jc_list(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	json_t *items = json_array();
	if (jc_list(req_app(r), &a, req_int(r, "id", 0), items, req_errinfo(r)) != ERR_OK) {
		json_decref(items);
		reply_fail(r);
		return;
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void api_jc_add(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct jc_input in = {.unit_id = req_int(r, "unit_id", 0), .name = req_str(r, "name"),
	                      .post = req_str(r, "post")};
	struct jc_member_row out;
	if (jc_add(req_app(r), &a, req_int(r, "id", 0), &in, &out, req_errinfo(r)) != ERR_OK) {
		reply_fail(r);
		return;
	}
	reply_json(r, 201, jc_member_json(&out));
}

static void api_jc_delete(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	if (jc_remove(req_app(r), &a, req_int(r, "id", 0), req_int(r, "mid", 0), req_errinfo(r)) !=
	    ERR_OK) {
		reply_fail(r);
		return;
	}
	reply_json(r, 200, json_pack("{s:b}", "removed", 1));
}

const struct route unit_routes[] = {
	{HTTP_GET, "/api/v1/departments", api_departments, "request.handle", NULL, NULL, NULL,
	 "Departments the caller may dispatch, escalate or whistle to: those of the district, street"
	 " and community of the caller's scopes, inside them, or serving an area inside them"
	 " (at most 500)"},
	{HTTP_GET, "/api/v1/units", api_units_list, "unit.read", NULL, units_query, NULL,
	 "Units whose area lies in an area (default: the caller's scope), paged, with the total"},
	{HTTP_POST, "/api/v1/units", api_units_create, "unit.manage", NULL, NULL, unit_create_body,
	 "Register a unit or department in an area"},
	{HTTP_GET, "/api/v1/units/{id}", api_units_get, "unit.read", id_param, NULL, NULL,
	 "One unit with its contacts (phones masked), served areas and pairings"},
	{HTTP_PATCH, "/api/v1/units/{id}", api_units_update, "unit.manage", id_param, NULL,
	 unit_update_body, "Edit a unit"},
	{HTTP_POST, "/api/v1/units/{id}/contacts", api_units_contact_add, "unit.manage", id_param, NULL,
	 contact_body, "Add a contact person"},
	{HTTP_DELETE, "/api/v1/units/{id}/contacts/{cid}", api_units_contact_delete, "unit.manage",
	 contact_param, NULL, NULL, "Remove a contact person"},
	{HTTP_GET, "/api/v1/units/{id}/contacts/{cid}/phone", api_units_contact_phone,
	 "person.read_pii", contact_param, NULL, NULL, "Unmask a contact's phone (audited)"},
	{HTTP_PUT, "/api/v1/units/{id}/areas", api_units_areas, "unit.manage", id_param, NULL,
	 areas_body, "Set the areas a department serves (within the caller's scope)"},
	{HTTP_GET, "/api/v1/pairings", api_pairings_list, "unit.read", NULL, pairings_query, NULL,
	 "Pairings (共驻共建) of communities in the scope, paged"},
	{HTTP_POST, "/api/v1/pairings", api_pairings_create, "unit.manage", NULL, NULL,
	 pairing_create_body, "Record a pairing between a unit and a community"},
	{HTTP_PATCH, "/api/v1/pairings/{id}", api_pairings_update, "unit.manage", id_param, NULL,
	 pairing_update_body, "End a pairing or change its content"},
	{HTTP_GET, "/api/v1/areas/{id}/joint-committee", api_jc_list, "unit.read", id_param, NULL, NULL,
	 "A community's joint committee (大党委)"},
	{HTTP_POST, "/api/v1/areas/{id}/joint-committee", api_jc_add, "unit.manage", id_param, NULL,
	 jc_body, "Seat a member from a paired unit on the joint committee"},
	{HTTP_DELETE, "/api/v1/areas/{id}/joint-committee/{mid}", api_jc_delete, "unit.manage",
	 member_param, NULL, NULL, "Remove a member from the joint committee"},
	ROUTES_END,
};
