/* Unit tests for the pure parts of src/domain/open311.c: checking and
 * normalising a category's attribute definitions, checking the values a
 * request is filed with (required, listed values, numbers, datetimes with a
 * zone, lists only for multivaluelist, unknown and non-variable codes), and
 * the state mappings onto Open311's status and FixMyStreet's. */
#include "testutil.h"

#include <string.h>

#include "domain/open311.h"

static json_t *parse(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);
	if (j == NULL)
		fail_msg("bad JSON in the test: %s", e.text);
	return j;
}

/* ERR_INVALID naming "attributes" with why in the message. */
static void defs_refused(const char *text, const char *why)
{
	json_t *defs = parse(text), *out = (json_t *)1;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(open311_attributes_check(defs, &out, &ei), ERR_INVALID);
	assert_null(out);
	assert_string_equal(ei.field, "attributes");
	if (strstr(ei.message, why) == NULL)
		fail_msg("\"%s\" does not say \"%s\" (%s)", ei.message, why, text);
	json_decref(defs);
}

static void test_definitions_normalised(void **state)
{
	(void)state;
	json_t *defs = parse("[{\"code\":\"size\",\"datatype\":\"singlevaluelist\",\"required\":true,"
	                     "\"values\":[{\"key\":\"s\",\"name\":\"小\"},{\"key\":\"l\",\"name\":\"大\"}]},"
	                     "{\"code\":\"depth\",\"datatype\":\"number\",\"order\":7,"
	                     "\"datatype_description\":\"厘米\"},"
	                     "{\"code\":\"note\",\"datatype\":\"text\",\"variable\":false,\"values\":[]}]");
	json_t *out = NULL;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(open311_attributes_check(defs, &out, &ei), ERR_OK);
	assert_int_equal(json_array_size(out), 3);
	json_t *a = json_array_get(out, 0), *b = json_array_get(out, 1), *c = json_array_get(out, 2);
	assert_true(json_is_true(json_object_get(a, "variable")));  /* default true */
	assert_true(json_is_true(json_object_get(a, "required")));
	assert_int_equal(json_integer_value(json_object_get(a, "order")), 1); /* its position */
	assert_int_equal(json_array_size(json_object_get(a, "values")), 2);
	assert_true(json_is_null(json_object_get(a, "description")));
	assert_true(json_is_false(json_object_get(b, "required"))); /* default false */
	assert_int_equal(json_integer_value(json_object_get(b, "order")), 7);
	assert_string_equal(json_string_value(json_object_get(b, "datatype_description")), "厘米");
	assert_null(json_object_get(b, "values"));
	assert_true(json_is_false(json_object_get(c, "variable")));
	assert_null(json_object_get(c, "values")); /* an empty list on a text is dropped */
	json_decref(out);
	json_decref(defs);
}

static void test_definitions_refused(void **state)
{
	(void)state;
	defs_refused("{}", "list");
	defs_refused("[1]", "object");
	defs_refused("[{\"datatype\":\"string\"}]", "code");
	defs_refused("[{\"code\":\"a b\",\"datatype\":\"string\"}]", "code");
	defs_refused("[{\"code\":\"abcdefghijklmnopqrstuvwxyz0123456\",\"datatype\":\"string\"}]", "code");
	defs_refused("[{\"code\":\"a\",\"datatype\":\"string\"},{\"code\":\"a\",\"datatype\":\"text\"}]",
	             "twice");
	defs_refused("[{\"code\":\"a\",\"datatype\":\"colour\"}]", "datatype");
	defs_refused("[{\"code\":\"a\",\"datatype\":\"string\",\"required\":1}]", "required");
	defs_refused("[{\"code\":\"a\",\"datatype\":\"string\",\"order\":0}]", "order");
	defs_refused("[{\"code\":\"a\",\"datatype\":\"string\",\"colour\":1}]", "unknown member");
	defs_refused("[{\"code\":\"a\",\"datatype\":\"singlevaluelist\"}]", "values");
	defs_refused("[{\"code\":\"a\",\"datatype\":\"multivaluelist\",\"values\":[]}]", "values");
	defs_refused("[{\"code\":\"a\",\"datatype\":\"singlevaluelist\",\"values\":[{\"key\":\"x\"}]}]",
	             "{key, name}");
	defs_refused("[{\"code\":\"a\",\"datatype\":\"singlevaluelist\",\"values\":"
	             "[{\"key\":\"x\",\"name\":\"1\"},{\"key\":\"x\",\"name\":\"2\"}]}]",
	             "unique");
	defs_refused("[{\"code\":\"a\",\"datatype\":\"number\",\"values\":[{\"key\":\"x\",\"name\":\"y\"}]}]",
	             "values");
	/* the 21st definition */
	char big[2048] = "[";
	for (int i = 0; i < OPEN311_ATTRS_MAX + 1; i++)
		snprintf(big + strlen(big), sizeof big - strlen(big), "%s{\"code\":\"c%d\",\"datatype\":\"string\"}",
		         i ? "," : "", i);
	strcat(big, "]");
	defs_refused(big, "at most");
}

static json_t *road_defs(void)
{
	json_t *in = parse("[{\"code\":\"size\",\"datatype\":\"singlevaluelist\",\"required\":true,"
	                   "\"values\":[{\"key\":\"s\",\"name\":\"小\"},{\"key\":\"l\",\"name\":\"大\"}]},"
	                   "{\"code\":\"hz\",\"datatype\":\"multivaluelist\","
	                   "\"values\":[{\"key\":\"cars\",\"name\":\"车\"},{\"key\":\"people\",\"name\":\"人\"}]},"
	                   "{\"code\":\"depth\",\"datatype\":\"number\"},"
	                   "{\"code\":\"seen\",\"datatype\":\"datetime\"},"
	                   "{\"code\":\"info\",\"datatype\":\"text\",\"variable\":false}]");
	json_t *out = NULL;
	assert_int_equal(open311_attributes_check(in, &out, NULL), ERR_OK);
	json_decref(in);
	return out;
}

static void values_refused(const struct open311_attr *given, int n, const char *field, const char *why)
{
	json_t *defs = road_defs(), *out = (json_t *)1;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(open311_attributes_validate(defs, given, n, &out, &ei), ERR_INVALID);
	assert_null(out);
	assert_string_equal(ei.field, field);
	if (strstr(ei.message, why) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", ei.message, why);
	json_decref(defs);
}

static void test_values(void **state)
{
	(void)state;
	json_t *defs = road_defs(), *out = NULL;
	const struct open311_attr good[] = {
		{"size", "l", false}, {"hz", "cars", true}, {"hz", "people", true},
		{"depth", "-1.5e2", false}, {"seen", "2026-11-20T08:00:00+08:00", false},
	};
	assert_int_equal(open311_attributes_validate(defs, good, 5, &out, NULL), ERR_OK);
	char *text = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(text, "{\"depth\":\"-1.5e2\",\"hz\":[\"cars\",\"people\"],"
	                          "\"seen\":\"2026-11-20T08:00:00+08:00\",\"size\":\"l\"}");
	free(text);
	json_decref(out);
	/* a multivaluelist may take one value without [] */
	const struct open311_attr one[] = {{"size", "s", false}, {"hz", "cars", false}};
	assert_int_equal(open311_attributes_validate(defs, one, 2, &out, NULL), ERR_OK);
	assert_true(json_is_array(json_object_get(out, "hz")));
	json_decref(out);
	/* no definitions, no values: an empty object */
	json_t *none = json_array();
	assert_int_equal(open311_attributes_validate(none, NULL, 0, &out, NULL), ERR_OK);
	assert_int_equal(json_object_size(out), 0);
	json_decref(out);
	json_decref(none);
	json_decref(defs);

	values_refused(NULL, 0, "attribute[size]", "is required");
	values_refused((const struct open311_attr[]){{"size", "", false}}, 1, "attribute[size]",
	               "listed");
	values_refused((const struct open311_attr[]){{"size", "xl", false}}, 1, "attribute[size]",
	               "listed");
	values_refused((const struct open311_attr[]){{"size", "s", true}}, 1, "attribute[size]",
	               "not a list");
	values_refused((const struct open311_attr[]){{"size", "s", false}, {"size", "l", false}}, 2,
	               "attribute[size]", "twice");
	values_refused((const struct open311_attr[]){{"size", "s", false}, {"hz", "dogs", true}}, 2,
	               "attribute[hz]", "listed");
	values_refused((const struct open311_attr[]){{"size", "s", false}, {"depth", "deep", false}}, 2,
	               "attribute[depth]", "number");
	values_refused((const struct open311_attr[]){{"size", "s", false}, {"depth", "", false}}, 2,
	               "attribute[depth]", "number");
	values_refused((const struct open311_attr[]){{"size", "s", false}, {"depth", "inf", false}}, 2,
	               "attribute[depth]", "number");
	values_refused((const struct open311_attr[]){{"size", "s", false},
	                                             {"seen", "2026-11-20T08:00:00", false}},
	               2, "attribute[seen]", "zone");
	values_refused((const struct open311_attr[]){{"size", "s", false}, {"info", "x", false}}, 2,
	               "attribute[info]", "not an attribute");
	values_refused((const struct open311_attr[]){{"size", "s", false}, {"colour", "x", false}}, 2,
	               "attribute[colour]", "not an attribute");
}

static void test_status_maps(void **state)
{
	(void)state;
	assert_string_equal(open311_status("registered"), "open");
	assert_string_equal(open311_status("handled"), "open");
	assert_string_equal(open311_status("dissatisfied"), "open");
	assert_string_equal(open311_status("closed"), "closed");
	assert_string_equal(open311_status("merged"), "closed");
	assert_string_equal(open311_status("invalid"), "closed");
	assert_string_equal(open311_update_status("dispatched"), "action_scheduled");
	assert_string_equal(open311_update_status("handling"), "in_progress");
	assert_string_equal(open311_update_status("waiting_feedback"), "fixed");
	assert_string_equal(open311_update_status("archived"), "closed");
	assert_string_equal(open311_update_status("cancelled"), "no_further_action");
	assert_string_equal(open311_update_status("merged"), "duplicate");
	assert_string_equal(open311_update_status("nonsense"), "open");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_definitions_normalised),
		cmocka_unit_test(test_definitions_refused),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_status_maps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
