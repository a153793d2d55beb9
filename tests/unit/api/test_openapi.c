/* Unit tests for src/api/openapi.c: operation ids (words, parameters,
 * truncation, clashes), field specs as schemas (defaults, unbounded
 * integers, the control-character rule, nullable body fields), path
 * parameters the pattern names, raw bodies, which error answers an
 * operation lists, and which rows are left out. The table is the test's own. */
#include "testutil.h"

#include <string.h>

#include "api/openapi.h"
#include "auth/caps.h"
#include "limits.h"

static void h(struct req *r) { (void)r; }

static const char *const colours[] = {"red", "green", NULL};
static const struct field_spec p_id[] = {
	{.name = "id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	FIELDS_END,
};
static const struct field_spec q_list[] = {
	{.name = "colour", .type = FIELD_ENUM, .values = colours, .doc = "a colour"},
	{.name = "page", .type = FIELD_INT, .min = 1, .max = 100},
	{.name = "page_size", .type = FIELD_INT, .min = 1, .max = LIMIT_PAGE_SIZE},
	{.name = "near", .type = FIELD_REAL, .rmin = -90, .rmax = 90},
	FIELDS_END,
};
static const struct field_spec b_item[] = {
	{.name = "title", .type = FIELD_STRING, .required = true, .min = 1, .max = 20},
	{.name = "note", .type = FIELD_STRING, .multiline = true},
	{.name = "tags", .type = FIELD_STRINGS, .min = 1, .max = 8, .max_items = 5},
	{.name = "when", .type = FIELD_INSTANT},
	{.name = "day", .type = FIELD_DATE},
	{.name = "ids", .type = FIELD_INTS, .min = 1, .max = 9, .max_items = 3},
	{.name = "rows", .type = FIELD_ARRAY, .max_items = 4},
	FIELDS_END,
};

static const struct route table[] = {
	{HTTP_GET, "/api/v1/items", h, "item.read", NULL, q_list, NULL, "Items"},
	{HTTP_POST, "/api/v1/items", h, "item.manage", NULL, NULL, b_item, "Create"},
	{HTTP_GET, "/api/v1/items/{id}", h, CAP_PUBLIC, p_id, NULL, NULL, "One"},
	{HTTP_POST, "/api/v1/items/{id}/file", h, "item.manage", p_id, NULL, NULL, "Upload",
	 .raw_type = "text/csv"},
	{HTTP_GET, "/api/v1/a-b/{x}", h, "item.read", NULL, NULL, NULL, "undeclared {x}"},
	{HTTP_GET, "/api/v1/a_b/{x}", h, "item.read", NULL, NULL, NULL, "the same id"},
	{HTTP_GET, "/api/v1/doc.json", h, CAP_AUTHENTICATED, NULL, NULL, NULL, "a document"},
	{HTTP_GET, "/metrics", h, CAP_PUBLIC, NULL, NULL, NULL, "left out"},
	{HTTP_GET, "/open311/v2/services.{format}", h, CAP_PUBLIC, NULL, NULL, NULL, "left out"},
};
#define N ((int)(sizeof table / sizeof table[0]))

static json_t *doc;

static int setup(void **state)
{
	(void)state;
	doc = openapi_build(table, N);
	return doc == NULL;
}

static int teardown(void **state)
{
	(void)state;
	json_decref(doc);
	return 0;
}

static json_t *op(const char *path, const char *method)
{
	json_t *o = json_object_get(json_object_get(json_object_get(doc, "paths"), path), method);
	assert_non_null(o);
	return o;
}

static json_t *param(json_t *o, const char *name)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(o, "parameters"), i, p)
	{
		if (strcmp(json_string_value(json_object_get(p, "name")), name) == 0)
			return p;
	}
	fail_msg("no parameter %s", name);
	return NULL;
}

static json_t *prop(const char *name)
{
	json_t *schema = json_object_get(
		json_object_get(json_object_get(json_object_get(op("/api/v1/items", "post"), "requestBody"),
		                                "content"),
		                "application/json"),
		"schema");
	return json_object_get(json_object_get(schema, "properties"), name);
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void test_operation_ids(void **state)
{
	(void)state;
	char id[64];
	assert_int_equal(openapi_operation_id(HTTP_GET, "/api/v1/users/{id}/phone", id, sizeof id), 17);
	assert_string_equal(id, "getUsersByIdPhone");
	openapi_operation_id(HTTP_POST, "/api/v1/public/requests/{tracking_code}/rating", id, sizeof id);
	assert_string_equal(id, "postPublicRequestsByTrackingCodeRating");
	openapi_operation_id(HTTP_DELETE, "/api/v1/api-keys/{id}", id, sizeof id);
	assert_string_equal(id, "deleteApiKeysById");
	/* a short buffer is cut, NUL-terminated, and the length needed reported */
	char small[8];
	assert_int_equal(openapi_operation_id(HTTP_PATCH, "/api/v1/people/{id}", small, sizeof small),
	                 strlen("patchPeopleById"));
	assert_string_equal(small, "patchPe");
	/* ids in the document; a clash in punctuation only gets a suffix, in table order */
	assert_string_equal(str(op("/api/v1/a-b/{x}", "get"), "operationId"), "getABByX");
	assert_string_equal(str(op("/api/v1/a_b/{x}", "get"), "operationId"), "getABByX_2");
}

static void test_query_schemas(void **state)
{
	(void)state;
	json_t *list = op("/api/v1/items", "get");
	json_t *colour = param(list, "colour");
	assert_string_equal(str(colour, "in"), "query");
	assert_false(json_is_true(json_object_get(colour, "required")));
	assert_string_equal(str(colour, "description"), "a colour");
	json_t *schema = json_object_get(colour, "schema");
	assert_int_equal(json_array_size(json_object_get(schema, "enum")), 2);
	assert_null(json_object_get(schema, "description")); /* said once, on the parameter */
	json_t *near = json_object_get(param(list, "near"), "schema");
	assert_string_equal(str(near, "type"), "number");
	assert_true(json_real_value(json_object_get(near, "minimum")) == -90.0);
	/* a paged list answers the Page schema */
	json_t *ok = json_object_get(json_object_get(list, "responses"), "200");
	assert_string_equal(
		str(json_object_get(json_object_get(json_object_get(ok, "content"), "application/json"), "schema"),
		    "$ref"),
		"#/components/schemas/Page");
	assert_string_equal(str(list, "x-linli-capability"), "item.read");
	assert_string_equal(json_string_value(json_array_get(json_object_get(list, "tags"), 0)), "items");
}

static void test_body_schema(void **state)
{
	(void)state;
	json_t *schema = json_object_get(prop("title"), "type");
	assert_string_equal(json_string_value(schema), "string");
	assert_int_equal(json_integer_value(json_object_get(prop("title"), "maxLength")), 20);
	assert_null(json_object_get(prop("title"), "nullable")); /* required: null is refused */
	/* 0,0 is the default limit; multiline allows \n but not other controls */
	assert_int_equal(json_integer_value(json_object_get(prop("note"), "maxLength")), LIMIT_STRING_CHARS);
	assert_null(json_object_get(prop("note"), "minLength"));
	assert_non_null(strstr(str(prop("note"), "pattern"), "\\u000b"));
	assert_true(json_is_true(json_object_get(prop("note"), "nullable")));
	json_t *tags = prop("tags");
	assert_int_equal(json_integer_value(json_object_get(tags, "maxItems")), 5);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(tags, "items"), "maxLength")), 8);
	assert_string_equal(str(prop("when"), "format"), "date-time");
	assert_string_equal(str(prop("day"), "format"), "date");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(prop("ids"), "items"), "maximum")), 9);
	/* an array the handler checks: any items, its count bounded */
	assert_string_equal(str(prop("rows"), "type"), "array");
	assert_int_equal(json_object_size(json_object_get(prop("rows"), "items")), 0);
	assert_int_equal(json_integer_value(json_object_get(prop("rows"), "maxItems")), 4);
	assert_non_null(strstr(str(prop("rows"), "description"), "handler checks"));
	json_t *body = json_object_get(
		json_object_get(json_object_get(op("/api/v1/items", "post"), "requestBody"), "content"),
		"application/json");
	json_t *s = json_object_get(body, "schema");
	assert_true(json_is_false(json_object_get(s, "additionalProperties")));
	assert_int_equal(json_array_size(json_object_get(s, "required")), 1);
	/* a write with a session needs the CSRF header */
	json_t *sec = json_object_get(op("/api/v1/items", "post"), "security");
	assert_non_null(json_object_get(json_array_get(sec, 0), "csrf"));
	assert_non_null(json_object_get(json_array_get(sec, 1), "apiKey"));
}

static void test_path_params_and_raw(void **state)
{
	(void)state;
	json_t *one = op("/api/v1/items/{id}", "get");
	json_t *id = param(one, "id");
	assert_string_equal(str(id, "in"), "path");
	assert_true(json_is_true(json_object_get(id, "required")));
	/* INT64_MAX is no bound worth printing */
	assert_null(json_object_get(json_object_get(id, "schema"), "maximum"));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(id, "schema"), "minimum")), 1);
	/* a public read: no security, no 401, but a 404 for its parameter */
	assert_int_equal(json_array_size(json_object_get(one, "security")), 0);
	json_t *resp = json_object_get(one, "responses");
	assert_null(json_object_get(resp, "401"));
	assert_non_null(json_object_get(resp, "404"));
	assert_null(json_object_get(resp, "409"));
	/* an undeclared parameter is still described */
	assert_string_equal(str(json_object_get(param(op("/api/v1/a-b/{x}", "get"), "x"), "schema"), "type"),
	                    "string");
	json_t *raw = json_object_get(
		json_object_get(json_object_get(op("/api/v1/items/{id}/file", "post"), "requestBody"), "content"),
		"text/csv");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(raw, "schema"), "maxLength")),
	                 LIMIT_UPLOAD_BYTES);
	assert_non_null(json_object_get(json_object_get(op("/api/v1/items/{id}/file", "post"), "responses"), "415"));
}

static void test_left_out_and_tags(void **state)
{
	(void)state;
	json_t *paths = json_object_get(doc, "paths");
	assert_int_equal(json_object_size(paths), 6);
	assert_null(json_object_get(paths, "/metrics"));
	assert_string_equal(
		json_string_value(json_array_get(json_object_get(op("/api/v1/doc.json", "get"), "tags"), 0)),
		"doc");
	assert_string_equal(str(doc, "openapi"), "3.0.3");
	/* tags once each, in table order */
	json_t *tags = json_object_get(doc, "tags");
	assert_int_equal(json_array_size(tags), 4);
	assert_string_equal(str(json_array_get(tags, 0), "name"), "items");
	assert_string_equal(str(json_array_get(tags, 3), "name"), "doc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_operation_ids),
		cmocka_unit_test(test_query_schemas),
		cmocka_unit_test(test_body_schema),
		cmocka_unit_test(test_path_params_and_raw),
		cmocka_unit_test(test_left_out_and_tags),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
