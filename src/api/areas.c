/* /api/v1/areas: the tree, search, history, boundaries, the locator and
 * the people in charge. JSON in, domain call, JSON out. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app.h"
#include "domain/areas.h"
#include "limits.h"

static const char *const levels[] = {"district", "street", "community", "grid", "compound",
                                     "building", "entrance", NULL};
static const char *const crs_names[] = {"wgs84", "gcj02", NULL};
static const char *const grid_kinds[] = {"basic", "dedicated", NULL};
static const char *const responsible_roles[] = {"secretary",     "director",      "grid_leader",
                                                "grid_worker",   "compound_head", "building_head",
                                                "entrance_head", "police",        "property_manager",
                                                NULL};

static const char *check_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return "must be digits only";
	return NULL;
}

static const struct field_spec id_param[] = {
	{.name = "id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	FIELDS_END,
};
static const struct field_spec responsible_param[] = {
	{.name = "id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	{.name = "rid", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	FIELDS_END,
};
static const struct field_spec list_query[] = {
	{.name = "q", .type = FIELD_STRING, .min = 1, .max = 32, .doc = "name contains, or code starts with"},
	{.name = "level", .type = FIELD_ENUM, .values = levels},
	{.name = "limit", .type = FIELD_INT, .min = 1, .max = LIMIT_PAGE_SIZE},
	FIELDS_END,
};
static const struct field_spec children_query[] = {
	{.name = "include_closed", .type = FIELD_BOOL, .doc = "also closed children"},
	FIELDS_END,
};
static const struct field_spec subtree_query[] = {
	{.name = "level", .type = FIELD_ENUM, .values = levels},
	{.name = "after", .type = FIELD_STRING, .min = 1, .max = AREA_CODE_MAX, .check = check_digits,
	 .doc = "the last code of the previous page"},
	{.name = "limit", .type = FIELD_INT, .min = 1, .max = LIMIT_PAGE_SIZE},
	FIELDS_END,
};
static const struct field_spec crs_query[] = {
	{.name = "crs", .type = FIELD_ENUM, .values = crs_names, .doc = "wgs84 (default) or gcj02"},
	FIELDS_END,
};
static const struct field_spec boundaries_query[] = {
	{.name = "level", .type = FIELD_ENUM, .values = levels, .doc = "default: the children's level"},
	{.name = "crs", .type = FIELD_ENUM, .values = crs_names},
	FIELDS_END,
};
static const struct field_spec locate_query[] = {
	{.name = "lng", .type = FIELD_REAL, .required = true, .rmin = -180, .rmax = 180},
	{.name = "lat", .type = FIELD_REAL, .required = true, .rmin = -90, .rmax = 90},
	{.name = "crs", .type = FIELD_ENUM, .values = crs_names, .doc = "wgs84 (default) or gcj02 (map apps)"},
	FIELDS_END,
};
static const struct field_spec create_body[] = {
	{.name = "parent_id", .type = FIELD_INT, .min = 1, .max = INT64_MAX, .doc = "absent for a district"},
	{.name = "level", .type = FIELD_ENUM, .values = levels, .doc = "default: below the parent"},
	{.name = "code", .type = FIELD_STRING, .min = 6, .max = AREA_CODE_MAX, .check = check_digits,
	 .doc = "default: the next free code under the parent"},
	{.name = "name", .type = FIELD_STRING, .required = true, .min = 1, .max = AREA_NAME_MAX},
	{.name = "kind", .type = FIELD_ENUM, .values = grid_kinds, .doc = "grids: basic or dedicated"},
	{.name = "valid_from", .type = FIELD_DATE},
	{.name = "lng", .type = FIELD_REAL, .rmin = -180, .rmax = 180},
	{.name = "lat", .type = FIELD_REAL, .rmin = -90, .rmax = 90},
	{.name = "crs", .type = FIELD_ENUM, .values = crs_names},
	FIELDS_END,
};
static const struct field_spec update_body[] = {
	{.name = "name", .type = FIELD_STRING, .min = 1, .max = AREA_NAME_MAX},
	{.name = "kind", .type = FIELD_ENUM, .values = grid_kinds},
	{.name = "lng", .type = FIELD_REAL, .rmin = -180, .rmax = 180},
	{.name = "lat", .type = FIELD_REAL, .rmin = -90, .rmax = 90},
	{.name = "crs", .type = FIELD_ENUM, .values = crs_names},
	FIELDS_END,
};
static const struct field_spec close_body[] = {
	{.name = "valid_to", .type = FIELD_DATE, .doc = "default: today"},
	FIELDS_END,
};
static const struct field_spec move_body[] = {
	{.name = "parent_id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	FIELDS_END,
};
static const struct field_spec boundary_body[] = {
	{.name = "geometry", .type = FIELD_OBJECT, .required = true,
	 .doc = "GeoJSON Polygon or MultiPolygon"},
	{.name = "crs", .type = FIELD_ENUM, .values = crs_names},
	FIELDS_END,
};
static const struct field_spec responsible_body[] = {
	{.name = "role", .type = FIELD_ENUM, .required = true, .values = responsible_roles},
	{.name = "name", .type = FIELD_STRING, .required = true, .min = 1, .max = AREA_NAME_MAX},
	{.name = "phone", .type = FIELD_STRING, .min = 0, .max = 11},
	{.name = "user_id", .type = FIELD_INT, .min = 1, .max = INT64_MAX},
	FIELDS_END,
};

static enum coord_crs crs_of(struct req *r)
{
	return req_has(r, "crs") && strcmp(req_str(r, "crs"), "gcj02") == 0 ? CRS_GCJ02 : CRS_WGS84;
}

static void add_area(void *ctx, const struct area_row *a)
{
	json_array_append_new(ctx, area_json(a));
}

static void reply_items(struct req *r, enum err rc, json_t *items)
{
	if (rc != ERR_OK) {
		json_decref(items);
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void api_areas_list(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	json_t *items = json_array();
	enum err rc;
	if (req_has(r, "q"))
		rc = areas_search(req_app(r), &a, req_str(r, "q"), area_level_parse(req_str(r, "level")),
		                  (int)req_int(r, "limit", 50), add_area, items, req_errinfo(r));
	else
		rc = areas_roots(req_app(r), &a, add_area, items, req_errinfo(r));
	reply_items(r, rc, items);
}

static void reply_area(struct req *r, enum err rc, const struct area_row *ar, unsigned status)
{
	if (rc != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, status, area_json(ar));
}

static void api_areas_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct area_detail d;
	if (areas_get(req_app(r), &a, req_int(r, "id", 0), &d, req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	json_t *o = area_json(&d.area);
	json_object_set_new(o, "ancestors", d.ancestors);
	json_object_set_new(o, "responsible", d.responsible);
	json_object_set_new(o, "counts",
	                    json_pack("{s:I, s:I, s:I, s:I, s:I}", "children", (json_int_t)d.counts.children,
	                              "households", (json_int_t)d.counts.households, "people",
	                              (json_int_t)d.counts.people, "party_members",
	                              (json_int_t)d.counts.party_members, "units",
	                              (json_int_t)d.counts.units));
	reply_json(r, 200, o);
}

static void api_areas_children(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	json_t *items = json_array();
	enum err rc = areas_children(req_app(r), &a, req_int(r, "id", 0),
	                             req_has(r, "include_closed") && req_field(r, "include_closed")->b,
	                             add_area, items, req_errinfo(r));
	reply_items(r, rc, items);
}

static void api_areas_subtree(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	json_t *items = json_array();
	int limit = (int)req_int(r, "limit", LIMIT_PAGE_DEFAULT);
	enum err rc = areas_subtree(req_app(r), &a, req_int(r, "id", 0),
	                            area_level_parse(req_str(r, "level")), req_str(r, "after"), limit,
	                            add_area, items, req_errinfo(r));
	if (rc != ERR_OK) {
		reply_items(r, rc, items);
		return;
	}
	size_t n = json_array_size(items);
	json_t *next = (int)n == limit ? json_incref(json_object_get(json_array_get(items, n - 1), "code"))
	                               : json_null();
	reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next", next));
}

static void api_areas_ancestors(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	json_t *items = json_array();
	reply_items(r, areas_ancestors(req_app(r), &a, req_int(r, "id", 0), add_area, items, req_errinfo(r)),
	            items);
}

static void add_change(void *ctx, const struct area_change *h)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)h->id, "action",
	                      h->action, "at", h->at, "old_code", h->old_code, "new_code", h->new_code,
	                      "old_name", h->old_name, "new_name", h->new_name);
	json_object_set_new(o, "user_id", h->user_id ? json_integer(h->user_id) : json_null());
	json_object_set_new(o, "old_parent_id", h->old_parent_id ? json_integer(h->old_parent_id) : json_null());
	json_object_set_new(o, "new_parent_id", h->new_parent_id ? json_integer(h->new_parent_id) : json_null());
	json_array_append_new(ctx, o);
}

static void api_areas_history(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	json_t *items = json_array();
	reply_items(r, areas_history(req_app(r), &a, req_int(r, "id", 0), add_change, items, req_errinfo(r)),
	            items);
}

static void input_point(struct req *r, struct area_input *in)
{
	in->crs = crs_of(r);
	if (req_has(r, "lng") || req_has(r, "lat")) {
		in->set_point = true;
		in->lng = req_field(r, "lng")->r;
		in->lat = req_field(r, "lat")->r;
	}
}

static void api_areas_create(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	if (req_has(r, "lng") != req_has(r, "lat")) {
		reply_error(r, ERR_INVALID, req_has(r, "lng") ? "lat" : "lng", "give lng and lat together");
		return;
	}
	struct area_input in = {.parent_id = req_int(r, "parent_id", 0),
	                        .level = area_level_parse(req_str(r, "level")),
	                        .code = req_str(r, "code"), .name = req_str(r, "name"),
	                        .kind = req_str(r, "kind"), .valid_from = req_str(r, "valid_from")};
	input_point(r, &in);
	struct area_row out;
	reply_area(r, areas_create(req_app(r), &a, &in, &out, req_errinfo(r)), &out, 201);
}

static void api_areas_update(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	if (req_has(r, "lng") != req_has(r, "lat")) {
		reply_error(r, ERR_INVALID, req_has(r, "lng") ? "lat" : "lng", "give lng and lat together");
		return;
	}
	struct area_input in = {.name = req_str(r, "name"), .kind = req_str(r, "kind")};
	input_point(r, &in);
	struct area_row out;
	reply_area(r, areas_update(req_app(r), &a, req_int(r, "id", 0), &in, &out, req_errinfo(r)), &out, 200);
}

static void api_areas_close(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct area_row out;
	reply_area(r, areas_close(req_app(r), &a, req_int(r, "id", 0), req_str(r, "valid_to"), &out,
	                          req_errinfo(r)),
	           &out, 200);
}

static void api_areas_move(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct area_row out;
	reply_area(r, areas_move(req_app(r), &a, req_int(r, "id", 0), req_int(r, "parent_id", 0), &out,
	                         req_errinfo(r)),
	           &out, 200);
}

static void api_areas_boundary_put(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct area_row out;
	reply_area(r, areas_set_boundary(req_app(r), &a, req_int(r, "id", 0), req_field(r, "geometry")->obj,
	                                 crs_of(r), &out, req_errinfo(r)),
	           &out, 200);
}

static void api_areas_boundary_delete(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct area_row out;
	reply_area(r, areas_set_boundary(req_app(r), &a, req_int(r, "id", 0), NULL, CRS_WGS84, &out,
	                                 req_errinfo(r)),
	           &out, 200);
}

static void api_areas_boundary_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	json_t *f = NULL;
	if (areas_boundary(req_app(r), &a, req_int(r, "id", 0), crs_of(r), &f, req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, 200, f);
}

static void api_areas_boundaries(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	json_t *fc = NULL;
	if (areas_boundaries(req_app(r), &a, req_int(r, "id", 0), area_level_parse(req_str(r, "level")),
	                     crs_of(r), &fc, req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, 200, fc);
}

static void api_areas_locate(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct area_row grid;
	json_t *anc = json_array();
	if (areas_locate(req_app(r), &a, req_field(r, "lng")->r, req_field(r, "lat")->r, crs_of(r), &grid,
	                 add_area, anc, req_errinfo(r)) != ERR_OK) {
		json_decref(anc);
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, 200, json_pack("{s:o, s:o}", "grid", area_json(&grid), "ancestors", anc));
}

static void api_areas_responsible_add(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct responsible_input in = {.role = req_str(r, "role"), .name = req_str(r, "name"),
	                               .phone = req_str(r, "phone"), .user_id = req_int(r, "user_id", 0)};
	struct responsible_row out;
	if (areas_responsible_add(req_app(r), &a, req_int(r, "id", 0), &in, &out, req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)out.id, "role", out.role, "name",
	                      out.name, "phone", out.phone_masked);
	json_object_set_new(o, "user_id", out.user_id ? json_integer(out.user_id) : json_null());
	reply_json(r, 201, o);
}

static void api_areas_responsible_delete(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	if (areas_responsible_remove(req_app(r), &a, req_int(r, "id", 0), req_int(r, "rid", 0),
	                             req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, 200, json_pack("{s:b}", "removed", 1));
}

static void api_areas_responsible_phone(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	char *phone = NULL;
	if (areas_responsible_phone(req_app(r), &a, req_int(r, "id", 0), req_int(r, "rid", 0), &phone,
	                            req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, 200, json_pack("{s:s}", "phone", phone));
	free(phone);
}

const struct route area_routes[] = {
	{HTTP_GET, "/api/v1/areas", api_areas_list, "area.read", NULL, list_query, NULL,
	 "The caller's root areas, or a search by name or code (q)"},
	{HTTP_GET, "/api/v1/areas/locate", api_areas_locate, "area.read", NULL, locate_query, NULL,
	 "The grid containing a point, with its ancestors"},
	{HTTP_POST, "/api/v1/areas", api_areas_create, "area.manage", NULL, NULL, create_body,
	 "Add an area under a parent (code: the next free one unless given)"},
	{HTTP_GET, "/api/v1/areas/{id}", api_areas_get, "area.read", id_param, NULL, NULL,
	 "One area with its ancestors, people in charge and counts"},
	{HTTP_PATCH, "/api/v1/areas/{id}", api_areas_update, "area.manage", id_param, NULL, update_body,
	 "Rename an area, change a grid's kind or the label point"},
	{HTTP_GET, "/api/v1/areas/{id}/children", api_areas_children, "area.read", id_param,
	 children_query, NULL, "Children in code order"},
	{HTTP_GET, "/api/v1/areas/{id}/subtree", api_areas_subtree, "area.read", id_param, subtree_query,
	 NULL, "Open descendants in code order, paged by code (after)"},
	{HTTP_GET, "/api/v1/areas/{id}/ancestors", api_areas_ancestors, "area.read", id_param, NULL, NULL,
	 "Ancestors, district first"},
	{HTTP_GET, "/api/v1/areas/{id}/history", api_areas_history, "area.read", id_param, NULL, NULL,
	 "Creations, renames, moves, closures and boundary changes"},
	{HTTP_POST, "/api/v1/areas/{id}/close", api_areas_close, "area.manage", id_param, NULL,
	 close_body, "Close an area that has no open children"},
	{HTTP_POST, "/api/v1/areas/{id}/move", api_areas_move, "area.manage", id_param, NULL, move_body,
	 "Move a subtree under another parent (new codes; history keeps the old)"},
	{HTTP_GET, "/api/v1/areas/{id}/boundary", api_areas_boundary_get, "area.read", id_param,
	 crs_query, NULL, "The area's boundary as a GeoJSON Feature"},
	{HTTP_PUT, "/api/v1/areas/{id}/boundary", api_areas_boundary_put, "area.manage", id_param, NULL,
	 boundary_body, "Set the boundary (GeoJSON; WGS-84 or GCJ-02)"},
	{HTTP_DELETE, "/api/v1/areas/{id}/boundary", api_areas_boundary_delete, "area.manage", id_param,
	 NULL, NULL, "Remove the boundary"},
	{HTTP_GET, "/api/v1/areas/{id}/boundaries", api_areas_boundaries, "area.read", id_param,
	 boundaries_query, NULL, "GeoJSON FeatureCollection of the areas below at a level"},
	{HTTP_POST, "/api/v1/areas/{id}/responsible", api_areas_responsible_add, "area.manage", id_param,
	 NULL, responsible_body, "Name a person in charge (grid leader, building head …)"},
	{HTTP_DELETE, "/api/v1/areas/{id}/responsible/{rid}", api_areas_responsible_delete, "area.manage",
	 responsible_param, NULL, NULL, "Remove a person in charge"},
	{HTTP_GET, "/api/v1/areas/{id}/responsible/{rid}/phone", api_areas_responsible_phone,
	 "person.read_pii", responsible_param, NULL, NULL, "Unmask the phone of a person in charge (audited)"},
	ROUTES_END,
};
