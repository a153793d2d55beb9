/* /api/v1/categories (the request category tree) and /api/v1/dispatch-rules.
 * JSON in, domain call, JSON out. The tree's CSV import and xlsx export
 * run through /api/v1/imports/categories and /api/v1/exports/categories
 * (imports.c). */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app.h"
#include "domain/categories.h"
#include "domain/dispatch_rules.h"
#include "domain/open311.h"
#include "limits.h"

static const char *const owner_levels[] = {"grid", "community", "street", "district", NULL};

static const char *check_code(const char *s, size_t n) { return category_code_check(s, NULL); }

static const char *check_limit(const char *s, size_t n)
{
	struct time_limit t;
	if (n == 0)
		return NULL; /* "" clears it */
	return time_limit_parse(s, &t) == ERR_OK
	               ? NULL
	               : "must be a number and a unit: 5d (working days), 4wh (working hours) or 2h (hours), within the deadline limits";
}

static const struct field_spec id_param[] = {
	{.name = "id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	FIELDS_END,
};
static const struct field_spec categories_query[] = {
	{.name = "parent", .type = FIELD_INT, .min = 0, .max = INT64_MAX,
	 .doc = "the children of this category (0: the top level); absent: the whole tree"},
	{.name = "include_inactive", .type = FIELD_BOOL, .doc = "list categories out of use too"},
	FIELDS_END,
};
#define CATEGORY_TEXT_FIELDS                                                                     \
	{.name = "intake_standard", .type = FIELD_STRING, .min = 0, .max = CATEGORY_STANDARD_MAX,     \
	 .multiline = true, .doc = "立案标准"},                                                        \
	{.name = "closure_standard", .type = FIELD_STRING, .min = 0, .max = CATEGORY_STANDARD_MAX,    \
	 .multiline = true, .doc = "结案标准"},                                                        \
	{.name = "default_level", .type = FIELD_STRING, .min = 0, .max = 10,                          \
	 .doc = "grid, community, street, district or city; \"\": the parent's"},                     \
	{.name = "default_department_id", .type = FIELD_INT, .min = 0, .max = INT64_MAX,              \
	 .doc = "a unit of kind department; 0: none"},                                                 \
	{.name = "limit_normal", .type = FIELD_STRING, .min = 0, .max = 8, .check = check_limit,      \
	 .doc = "5d working days, 4wh working hours, 2h hours; \"\": the parent's"},                  \
	{.name = "limit_urgent", .type = FIELD_STRING, .min = 0, .max = 8, .check = check_limit},     \
	{.name = "limit_critical", .type = FIELD_STRING, .min = 0, .max = 8, .check = check_limit},    \
	{.name = "attributes", .type = FIELD_ARRAY, .max_items = OPEN311_ATTRS_MAX,                  \
	 .doc = "Open311 attribute definitions: [{code, datatype, required, variable, order,"         \
	        " description, datatype_description, values: [{key, name}]}]; []: none"}
static const struct field_spec category_create_body[] = {
	{.name = "code", .type = FIELD_STRING, .required = true, .min = 1, .max = CATEGORY_CODE_MAX,
	 .check = check_code, .doc = "the parent's code and more, 0-9A-Za-z"},
	{.name = "name", .type = FIELD_STRING, .required = true, .min = 1, .max = CATEGORY_NAME_MAX},
	{.name = "parent_id", .type = FIELD_INT, .min = 1, .max = INT64_MAX, .doc = "absent: top level"},
	{.name = "kind", .type = FIELD_ENUM, .values = category_kinds,
	 .doc = "event or component; default the parent's"},
	CATEGORY_TEXT_FIELDS,
	FIELDS_END,
};
static const struct field_spec category_update_body[] = {
	{.name = "name", .type = FIELD_STRING, .min = 1, .max = CATEGORY_NAME_MAX},
	{.name = "kind", .type = FIELD_ENUM, .values = category_kinds},
	CATEGORY_TEXT_FIELDS,
	{.name = "active", .type = FIELD_BOOL, .doc = "false: no new requests under it or its subtree"},
	FIELDS_END,
};
static const struct field_spec rules_query[] = {
	{.name = "area", .type = FIELD_INT, .min = 1, .max = INT64_MAX,
	 .doc = "rules of areas in this subtree (default: the caller's scope)"},
	{.name = "category", .type = FIELD_INT, .min = 1, .max = INT64_MAX,
	 .doc = "rules of this category's subtree"},
	FIELDS_END,
};
static const struct field_spec rule_create_body[] = {
	{.name = "category_id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX,
	 .doc = "the rule holds for this category and its subtree"},
	{.name = "area_id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX,
	 .doc = "… in this area (district to grid, in the caller's scope) and its subtree"},
	{.name = "owner_level", .type = FIELD_ENUM, .values = owner_levels,
	 .doc = "the office at this level owns the request; or"},
	{.name = "owner_unit_id", .type = FIELD_INT, .min = 1, .max = INT64_MAX,
	 .doc = "this department owns it"},
	{.name = "priority", .type = FIELD_INT, .min = -1000, .max = 1000,
	 .doc = "between rules of the same category and area depth, the larger wins (default 0)"},
	FIELDS_END,
};

static void reply_fail(struct req *r)
{
	reply_errinfo(r, req_errinfo(r));
}

/* --- categories --------------------------------------------------------------------- */

static void add_category(void *ctx, const struct category_row *c)
{
	json_array_append_new(ctx, category_json(c));
}

static void api_categories_list(struct req *r)
{
	json_t *items = json_array();
	bool inactive = req_has(r, "include_inactive") && req_field(r, "include_inactive")->b;
	if (categories_list(req_app(r), req_int(r, "parent", -1), inactive, add_category, items,
	                    req_errinfo(r)) != ERR_OK) {
		json_decref(items);
		reply_fail(r);
		return;
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void add_public(void *ctx, const struct category_row *c)
{
	json_t *o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)c->id, "code", c->code, "name", c->name);
	json_object_set_new(o, "parent_id", c->parent_id > 0 ? json_integer(c->parent_id) : json_null());
	json_array_append_new(ctx, o);
}

static void api_categories_public(struct req *r)
{
	json_t *items = json_array();
	if (categories_usable(req_app(r), add_public, items, req_errinfo(r)) != ERR_OK) {
		json_decref(items);
		reply_fail(r);
		return;
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void api_categories_get(struct req *r)
{
	struct category_row *c = malloc(2 * sizeof *c);
	if (c == NULL) {
		reply_error(r, ERR_INTERNAL, NULL, "out of memory");
		return;
	}
	if (categories_get(req_app(r), req_int(r, "id", 0), &c[0], &c[1], req_errinfo(r)) != ERR_OK) {
		free(c);
		reply_fail(r);
		return;
	}
	json_t *o = category_json(&c[0]);
	const struct category_row *e = &c[1];
	json_t *eff = json_pack("{s:s, s:s, s:s}", "limit_normal", e->limit_normal, "limit_urgent",
	                        e->limit_urgent, "limit_critical", e->limit_critical);
	json_object_set_new(eff, "default_level",
	                    e->default_level[0] ? json_string(e->default_level) : json_null());
	json_object_set_new(eff, "default_department_id",
	                    e->default_department_id ? json_integer(e->default_department_id) : json_null());
	json_object_set_new(eff, "default_department_name",
	                    e->default_department_id ? json_string(e->default_department_name)
	                                             : json_null());
	json_object_set_new(o, "effective", eff);
	free(c);
	reply_json(r, 200, o);
}

/* *attrs (freed by the caller) holds the attributes' text the input points at. */
static void category_input_of(struct req *r, struct category_input *in, char **attrs)
{
	memset(in, 0, sizeof *in);
	const struct field_val *av = req_field(r, "attributes");
	*attrs = av && av->present ? json_dumps(av->arr, JSON_COMPACT) : NULL;
	in->attributes = *attrs;
	in->code = req_str(r, "code");
	in->parent_id = req_int(r, "parent_id", 0);
	in->name = req_str(r, "name");
	in->kind = req_str(r, "kind");
	in->intake_standard = req_str(r, "intake_standard");
	in->closure_standard = req_str(r, "closure_standard");
	in->default_level = req_str(r, "default_level");
	in->set_department = req_has(r, "default_department_id");
	in->default_department_id = req_int(r, "default_department_id", 0);
	in->limit_normal = req_str(r, "limit_normal");
	in->limit_urgent = req_str(r, "limit_urgent");
	in->limit_critical = req_str(r, "limit_critical");
	in->active = req_has(r, "active") ? req_field(r, "active")->b : -1;
}

static void reply_category(struct req *r, enum err rc, const struct category_row *c,
                           unsigned status)
{
	if (rc != ERR_OK)
		reply_fail(r);
	else
		reply_json(r, status, category_json(c));
}

static void api_categories_create(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct category_input in;
	char *attrs = NULL;
	category_input_of(r, &in, &attrs);
	struct category_row *out = malloc(sizeof *out);
	if (out == NULL) {
		free(attrs);
		reply_error(r, ERR_INTERNAL, NULL, "out of memory");
		return;
	}
	reply_category(r, categories_create(req_app(r), &a, &in, out, req_errinfo(r)), out, 201);
	free(out);
	free(attrs);
}

static void api_categories_update(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct category_input in;
	char *attrs = NULL;
	category_input_of(r, &in, &attrs);
	struct category_row *out = malloc(sizeof *out);
	if (out == NULL) {
		free(attrs);
		reply_error(r, ERR_INTERNAL, NULL, "out of memory");
		return;
	}
	reply_category(r, categories_update(req_app(r), &a, req_int(r, "id", 0), &in, out, req_errinfo(r)),
	               out, 200);
	free(out);
	free(attrs);
}

/* --- dispatch rules ---------------------------------------------------------------------- */

static void add_rule(void *ctx, const struct dispatch_rule_row *x)
{
	json_array_append_new(ctx, dispatch_rule_json(x));
}

static void api_rules_list(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	json_t *items = json_array();
	if (dispatch_rules_list(req_app(r), &a, req_int(r, "area", 0), req_int(r, "category", 0),
	                        add_rule, items, req_errinfo(r)) != ERR_OK) {
		json_decref(items);
		reply_fail(r);
		return;
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void api_rules_create(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct dispatch_rule_input in = {.category_id = req_int(r, "category_id", 0),
	                                 .area_id = req_int(r, "area_id", 0),
	                                 .owner_level = req_str(r, "owner_level"),
	                                 .owner_unit_id = req_int(r, "owner_unit_id", 0),
	                                 .priority = req_int(r, "priority", 0)};
	struct dispatch_rule_row out;
	if (dispatch_rules_create(req_app(r), &a, &in, &out, req_errinfo(r)) != ERR_OK) {
		reply_fail(r);
		return;
	}
	reply_json(r, 201, dispatch_rule_json(&out));
}

static void api_rules_delete(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	if (dispatch_rules_delete(req_app(r), &a, req_int(r, "id", 0), req_errinfo(r)) != ERR_OK) {
		reply_fail(r);
		return;
	}
	reply_json(r, 200, json_pack("{s:b}", "removed", 1));
}

const struct route category_routes[] = {
	{HTTP_GET, "/api/v1/categories", api_categories_list, "request.read", NULL, categories_query,
	 NULL, "The category tree by code (or one level of it), with child counts"},
	{HTTP_POST, "/api/v1/categories", api_categories_create, "category.manage", NULL, NULL,
	 category_create_body, "Add a category (a top-level one needs default_level and limit_normal)"},
	{HTTP_GET, "/api/v1/categories/{id}", api_categories_get, "request.read", id_param, NULL, NULL,
	 "One category, with the defaults and limits it inherits (effective)"},
	{HTTP_PATCH, "/api/v1/categories/{id}", api_categories_update, "category.manage", id_param,
	 NULL, category_update_body, "Edit a category's name, standards, limits, defaults or active flag"},
	{HTTP_GET, "/api/v1/public/categories", api_categories_public, CAP_PUBLIC, NULL, NULL, NULL,
	 "The categories a resident may report under (active ones: id, code, name, parent_id)"},
	{HTTP_GET, "/api/v1/dispatch-rules", api_rules_list, "request.read", NULL, rules_query, NULL,
	 "Dispatch rules of areas in the scope"},
	{HTTP_POST, "/api/v1/dispatch-rules", api_rules_create, "request.dispatch", NULL, NULL,
	 rule_create_body, "Add a dispatch rule for an area in the scope"},
	{HTTP_DELETE, "/api/v1/dispatch-rules/{id}", api_rules_delete, "request.dispatch", id_param,
	 NULL, NULL, "Remove a dispatch rule of an area in the scope"},
	ROUTES_END,
};
