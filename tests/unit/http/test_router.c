/* Unit tests for src/http/router.c: matching (literal, {param}, trailing
 * slash, 404 against 405 with its Allow mask, first row wins, limits) and
 * router_build's refusal of a table with an unchecked or malformed row.
 * The route tables here are the tests' own, with handlers that do nothing. */
#include "testutil.h"

#include <string.h>

#include "http/router.h"

static void h_a(struct req *r) { (void)r; }
static void h_b(struct req *r) { (void)r; }
static void h_c(struct req *r) { (void)r; }

static const struct field_spec p_id[] = {
	{.name = "id", .type = FIELD_INT, .min = 1, .max = 1000},
	FIELDS_END,
};
static const struct field_spec p_date[] = {
	{.name = "date", .type = FIELD_DATE, .required = true},
	FIELDS_END,
};
static const struct field_spec p_two[] = {
	{.name = "area", .type = FIELD_STRING},
	{.name = "id", .type = FIELD_INT, .min = 1, .max = 1000},
	FIELDS_END,
};

#define N(t) ((int)(sizeof(t) / sizeof((t)[0])))

static const struct route table[] = {
	/* 0 */ {HTTP_GET, "/api/v1/health", h_a, CAP_PUBLIC, NULL, NULL, NULL, "health"},
	/* 1 */ {HTTP_GET, "/api/v1/items/{id}", h_b, "items.read", p_id, NULL, NULL, NULL},
	/* 2 */ {HTTP_PUT, "/api/v1/items/{id}", h_c, "items.manage", p_id, NULL, NULL, NULL},
	/* 3 */ {HTTP_DELETE, "/api/v1/items/{id}", h_c, "items.manage", p_id, NULL, NULL, NULL},
	/* 4 */ {HTTP_GET, "/api/v1/areas/{area}/items/{id}", h_b, "items.read", p_two, NULL, NULL, NULL},
	/* 5 */ {HTTP_POST, "/api/v1/items", h_a, "items.manage", NULL, NULL, NULL, NULL},
};

static struct router *build_ok(const struct route *routes, int n)
{
	struct router *rt = NULL;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(router_build(routes, n, &rt, &ei), ERR_OK);
	assert_non_null(rt);
	return rt;
}

/* router_build must refuse the table; the message must name the pattern. */
static void build_refused(const struct route *routes, int n, const char *in_message)
{
	struct router *rt = (struct router *)(uintptr_t)1; /* build must clear it */
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(router_build(routes, n, &rt, &ei), ERR_INVALID);
	assert_null(rt);
	assert_int_equal(ei.code, ERR_INVALID);
	if (in_message != NULL && strstr(ei.message, in_message) == NULL)
		fail_msg("message \"%s\" does not mention \"%s\"", ei.message, in_message);
}

static void test_build_and_size(void **state)
{
	(void)state;
	struct router *rt = build_ok(table, N(table));
	assert_int_equal(router_size(rt), N(table));
	assert_ptr_equal(router_route(rt, 2), &table[2]);
	router_free(rt);
	router_free(NULL);
}

static void test_literal_match(void **state)
{
	(void)state;
	struct router *rt = build_ok(table, N(table));
	struct route_match m;
	unsigned allow = 99;
	assert_int_equal(router_match(rt, HTTP_GET, "/api/v1/health", &m, &allow), ERR_OK);
	assert_ptr_equal(m.route, &table[0]);
	assert_int_equal(m.index, 0);
	assert_int_equal(m.nparams, 0);
	assert_int_equal(allow, 0);
	assert_int_equal(router_match(rt, HTTP_POST, "/api/v1/items", &m, &allow), ERR_OK);
	assert_int_equal(m.index, 5);
	router_free(rt);
}

static void test_param_capture(void **state)
{
	(void)state;
	struct router *rt = build_ok(table, N(table));
	struct route_match m;
	unsigned allow;
	assert_int_equal(router_match(rt, HTTP_PUT, "/api/v1/items/42", &m, &allow), ERR_OK);
	assert_int_equal(m.index, 2);
	assert_int_equal(m.nparams, 1);
	assert_string_equal(m.params[0].key, "id");
	assert_string_equal(m.params[0].value, "42");
	/* the router does not validate: "abc" is captured, fields.c refuses it later */
	assert_int_equal(router_match(rt, HTTP_GET, "/api/v1/items/abc", &m, &allow), ERR_OK);
	assert_string_equal(m.params[0].value, "abc");
	router_free(rt);
}

static void test_two_params_in_order(void **state)
{
	(void)state;
	struct router *rt = build_ok(table, N(table));
	struct route_match m;
	unsigned allow;
	assert_int_equal(router_match(rt, HTTP_GET, "/api/v1/areas/东城/items/7", &m, &allow), ERR_OK);
	assert_int_equal(m.index, 4);
	assert_int_equal(m.nparams, 2);
	assert_string_equal(m.params[0].key, "area");
	assert_string_equal(m.params[0].value, "东城");
	assert_string_equal(m.params[1].key, "id");
	assert_string_equal(m.params[1].value, "7");
	router_free(rt);
}

/* A parameter matches one whole, non-empty segment. */
static void test_param_not_empty_nor_multi(void **state)
{
	(void)state;
	struct router *rt = build_ok(table, N(table));
	struct route_match m;
	unsigned allow;
	assert_int_equal(router_match(rt, HTTP_GET, "/api/v1/items/", &m, &allow), ERR_NOTFOUND);
	assert_int_equal(router_match(rt, HTTP_GET, "/api/v1/items/4/2", &m, &allow), ERR_NOTFOUND);
	router_free(rt);
}

static void test_trailing_slash_no_match(void **state)
{
	(void)state;
	struct router *rt = build_ok(table, N(table));
	struct route_match m;
	unsigned allow = 99;
	assert_int_equal(router_match(rt, HTTP_GET, "/api/v1/health/", &m, &allow), ERR_NOTFOUND);
	assert_int_equal(allow, 0);
	assert_int_equal(router_match(rt, HTTP_POST, "/api/v1/items/", &m, &allow), ERR_NOTFOUND);
	assert_int_equal(router_match(rt, HTTP_GET, "/api/v1//health", &m, &allow), ERR_NOTFOUND);
	router_free(rt);
}

static void test_unknown_path_notfound(void **state)
{
	(void)state;
	struct router *rt = build_ok(table, N(table));
	struct route_match m;
	unsigned allow = 99;
	assert_int_equal(router_match(rt, HTTP_GET, "/api/x", &m, &allow), ERR_NOTFOUND);
	assert_int_equal(allow, 0);
	assert_int_equal(router_match(rt, HTTP_GET, "/api/v1/HEALTH", &m, &allow), ERR_NOTFOUND);
	assert_int_equal(router_match(rt, HTTP_GET, "/api/v1/healthz", &m, &allow), ERR_NOTFOUND);
	assert_int_equal(router_match(rt, HTTP_GET, "/api/v1", &m, &allow), ERR_NOTFOUND);
	/* not a path at all */
	assert_int_equal(router_match(rt, HTTP_GET, "api/v1/health", &m, &allow), ERR_NOTFOUND);
	assert_int_equal(router_match(rt, HTTP_GET, "", &m, &allow), ERR_NOTFOUND);
	router_free(rt);
}

static void test_wrong_method_allow_mask(void **state)
{
	(void)state;
	struct router *rt = build_ok(table, N(table));
	struct route_match m;
	unsigned allow = 0;
	assert_int_equal(router_match(rt, HTTP_POST, "/api/v1/items/9", &m, &allow), ERR_METHOD);
	assert_int_equal(allow, (1u << HTTP_GET) | (1u << HTTP_PUT) | (1u << HTTP_DELETE));
	assert_int_equal(router_match(rt, HTTP_DELETE, "/api/v1/health", &m, &allow), ERR_METHOD);
	assert_int_equal(allow, 1u << HTTP_GET);
	assert_int_equal(router_match(rt, HTTP_GET, "/api/v1/items", &m, &allow), ERR_METHOD);
	assert_int_equal(allow, 1u << HTTP_POST);
	router_free(rt);
}

/* Rows with a literal and a parameter in the same place do not clash; the
 * first that matches wins, so the order of the table decides. */
static void test_first_row_wins(void **state)
{
	(void)state;
	static const struct route literal_first[] = {
		{HTTP_GET, "/cal/deadline", h_a, CAP_PUBLIC, NULL, NULL, NULL, NULL},
		{HTTP_GET, "/cal/{date}", h_b, CAP_PUBLIC, p_date, NULL, NULL, NULL},
	};
	static const struct route param_first[] = {
		{HTTP_GET, "/cal/{date}", h_b, CAP_PUBLIC, p_date, NULL, NULL, NULL},
		{HTTP_GET, "/cal/deadline", h_a, CAP_PUBLIC, NULL, NULL, NULL, NULL},
	};
	struct route_match m;
	unsigned allow;
	struct router *rt = build_ok(literal_first, 2);
	assert_int_equal(router_match(rt, HTTP_GET, "/cal/deadline", &m, &allow), ERR_OK);
	assert_int_equal(m.index, 0);
	assert_ptr_equal(m.route->handler, h_a);
	assert_int_equal(router_match(rt, HTTP_GET, "/cal/2026-10-01", &m, &allow), ERR_OK);
	assert_int_equal(m.index, 1);
	router_free(rt);

	rt = build_ok(param_first, 2);
	assert_int_equal(router_match(rt, HTTP_GET, "/cal/deadline", &m, &allow), ERR_OK);
	assert_int_equal(m.index, 0);
	assert_string_equal(m.params[0].value, "deadline");
	router_free(rt);
}


/* A ".{name}" suffix parameter (Open311's "services.{format}" and
 * "services/{code}.{format}"): split at the segment's last dot, both
 * sides non-empty; a literal base must match exactly. */
static const struct field_spec p_fmt[] = {
	{.name = "format", .type = FIELD_STRING},
	FIELDS_END,
};
static const struct field_spec p_code_fmt[] = {
	{.name = "code", .type = FIELD_STRING},
	{.name = "format", .type = FIELD_STRING},
	FIELDS_END,
};
static void test_suffix_param(void **state)
{
	(void)state;
	static const struct route t[] = {
		{HTTP_GET, "/o/services.{format}", h_a, CAP_PUBLIC, p_fmt, NULL, NULL, NULL},
		{HTTP_GET, "/o/services/{code}.{format}", h_b, CAP_PUBLIC, p_code_fmt, NULL, NULL, NULL},
	};
	struct route_match m;
	unsigned allow;
	struct router *rt = build_ok(t, N(t));
	assert_int_equal(router_match(rt, HTTP_GET, "/o/services.json", &m, &allow), ERR_OK);
	assert_int_equal(m.index, 0);
	assert_int_equal(m.nparams, 1);
	assert_string_equal(m.params[0].key, "format");
	assert_string_equal(m.params[0].value, "json");
	assert_int_equal(router_match(rt, HTTP_GET, "/o/services/01.02.xml", &m, &allow), ERR_OK);
	assert_int_equal(m.index, 1);
	assert_int_equal(m.nparams, 2);
	assert_string_equal(m.params[0].key, "code");
	assert_string_equal(m.params[0].value, "01.02"); /* the last dot splits */
	assert_string_equal(m.params[1].key, "format");
	assert_string_equal(m.params[1].value, "xml");
	/* no dot, an empty side, or another base: no match */
	assert_int_equal(router_match(rt, HTTP_GET, "/o/services", &m, &allow), ERR_NOTFOUND);
	assert_int_equal(router_match(rt, HTTP_GET, "/o/services.", &m, &allow), ERR_NOTFOUND);
	assert_int_equal(router_match(rt, HTTP_GET, "/o/services/.json", &m, &allow), ERR_NOTFOUND);
	assert_int_equal(router_match(rt, HTTP_GET, "/o/servicesx.json", &m, &allow), ERR_NOTFOUND);
	assert_int_equal(router_match(rt, HTTP_GET, "/o/services/01", &m, &allow), ERR_NOTFOUND);
	router_free(rt);

	static const struct route undeclared[] = {
		{HTTP_GET, "/o/services.{fmt}", h_a, CAP_PUBLIC, p_fmt, NULL, NULL, NULL},
	};
	build_refused(undeclared, N(undeclared), "/o/services.{fmt}");
	static const struct route empty_base[] = {
		{HTTP_GET, "/o/.{format}", h_a, CAP_PUBLIC, p_fmt, NULL, NULL, NULL},
	};
	build_refused(empty_base, N(empty_base), "/o/.{format}");
}

/* "Nothing ships unchecked": a row without a capability fails the build. */
static void test_build_refuses_null_cap(void **state)
{
	(void)state;
	static const struct route t[] = {
		{HTTP_GET, "/a", h_a, CAP_PUBLIC, NULL, NULL, NULL, NULL},
		{HTTP_GET, "/b", h_a, NULL, NULL, NULL, NULL, NULL},
	};
	build_refused(t, N(t), "/b");
	static const struct route empty_cap[] = {
		{HTTP_GET, "/c", h_a, "", NULL, NULL, NULL, NULL},
	};
	build_refused(empty_cap, N(empty_cap), "/c");
}

static void test_build_refuses_no_handler_or_bad_method(void **state)
{
	(void)state;
	static const struct route no_handler[] = {
		{HTTP_GET, "/a", NULL, CAP_PUBLIC, NULL, NULL, NULL, NULL},
	};
	build_refused(no_handler, N(no_handler), "/a");
	static const struct route bad_method[] = {
		{HTTP__MAX, "/a", h_a, CAP_PUBLIC, NULL, NULL, NULL, NULL},
	};
	build_refused(bad_method, N(bad_method), "/a");
}

static void test_build_refuses_bad_pattern(void **state)
{
	(void)state;
	static const struct route no_slash[] = {
		{HTTP_GET, "api/v1/x", h_a, CAP_PUBLIC, NULL, NULL, NULL, NULL},
	};
	build_refused(no_slash, N(no_slash), NULL);
	static const struct route null_pattern[] = {
		{HTTP_GET, NULL, h_a, CAP_PUBLIC, NULL, NULL, NULL, NULL},
	};
	build_refused(null_pattern, N(null_pattern), NULL);
	static const struct route empty_seg[] = {
		{HTTP_GET, "/a//b", h_a, CAP_PUBLIC, NULL, NULL, NULL, NULL},
	};
	build_refused(empty_seg, N(empty_seg), "/a//b");
	static const struct route trailing[] = {
		{HTTP_GET, "/a/", h_a, CAP_PUBLIC, NULL, NULL, NULL, NULL},
	};
	build_refused(trailing, N(trailing), "/a/");
	static const struct route bad_param[] = {
		{HTTP_GET, "/a/{id", h_a, CAP_PUBLIC, p_id, NULL, NULL, NULL},
	};
	build_refused(bad_param, N(bad_param), "/a/{id");
	static const struct route empty_param[] = {
		{HTTP_GET, "/a/{}", h_a, CAP_PUBLIC, p_id, NULL, NULL, NULL},
	};
	build_refused(empty_param, N(empty_param), "/a/{}");
}

static void test_build_refuses_undeclared_param(void **state)
{
	(void)state;
	static const struct route none_declared[] = {
		{HTTP_GET, "/items/{id}", h_a, CAP_PUBLIC, NULL, NULL, NULL, NULL},
	};
	build_refused(none_declared, N(none_declared), "/items/{id}");
	static const struct route other_declared[] = {
		{HTTP_GET, "/items/{date}", h_a, CAP_PUBLIC, p_id, NULL, NULL, NULL},
	};
	build_refused(other_declared, N(other_declared), "/items/{date}");
}

static void test_build_refuses_declared_param_missing(void **state)
{
	(void)state;
	static const struct route t[] = {
		{HTTP_GET, "/items", h_a, CAP_PUBLIC, p_id, NULL, NULL, NULL},
	};
	build_refused(t, N(t), "/items");
	/* two declared, one used */
	static const struct route t2[] = {
		{HTTP_GET, "/areas/{area}", h_a, CAP_PUBLIC, p_two, NULL, NULL, NULL},
	};
	build_refused(t2, N(t2), "/areas/{area}");
}

/* Same method and the same shape (parameter names do not matter) clash. */
static void test_build_refuses_clash(void **state)
{
	(void)state;
	static const struct route same[] = {
		{HTTP_GET, "/a/b", h_a, CAP_PUBLIC, NULL, NULL, NULL, NULL},
		{HTTP_GET, "/a/c", h_a, CAP_PUBLIC, NULL, NULL, NULL, NULL},
		{HTTP_GET, "/a/b", h_b, CAP_PUBLIC, NULL, NULL, NULL, NULL},
	};
	build_refused(same, N(same), "clash");
	static const struct route params[] = {
		{HTTP_GET, "/items/{id}", h_a, CAP_PUBLIC, p_id, NULL, NULL, NULL},
		{HTTP_GET, "/items/{date}", h_b, CAP_PUBLIC, p_date, NULL, NULL, NULL},
	};
	build_refused(params, N(params), "clash");
	/* the same shape under different methods is fine */
	static const struct route methods[] = {
		{HTTP_GET, "/items/{id}", h_a, CAP_PUBLIC, p_id, NULL, NULL, NULL},
		{HTTP_PUT, "/items/{id}", h_b, CAP_PUBLIC, p_id, NULL, NULL, NULL},
	};
	router_free(build_ok(methods, N(methods)));
}

/* Boundary: LIMIT_PATH_SEGMENTS segments build, one more is refused. */
static void test_build_segment_limit(void **state)
{
	(void)state;
	char max[LIMIT_PATH_SEGMENTS * 2 + 1] = "", over[LIMIT_PATH_SEGMENTS * 2 + 3] = "";
	for (int i = 0; i < LIMIT_PATH_SEGMENTS; i++)
		strcat(max, "/s");
	strcpy(over, max);
	strcat(over, "/s");
	struct route t[] = {{HTTP_GET, max, h_a, CAP_PUBLIC, NULL, NULL, NULL, NULL}};
	struct router *rt = build_ok(t, 1);
	struct route_match m;
	unsigned allow;
	assert_int_equal(router_match(rt, HTTP_GET, max, &m, &allow), ERR_OK);
	/* a request path with more segments than any pattern can hold */
	assert_int_equal(router_match(rt, HTTP_GET, over, &m, &allow), ERR_NOTFOUND);
	char many[256] = "";
	for (int i = 0; i < 40; i++)
		strcat(many, "/s");
	assert_int_equal(router_match(rt, HTTP_GET, many, &m, &allow), ERR_NOTFOUND);
	router_free(rt);
	t[0].pattern = over;
	build_refused(t, 1, "too many segments");
}

static void test_build_param_limit(void **state)
{
	(void)state;
	static const struct field_spec five[] = {
		{.name = "a", .type = FIELD_STRING}, {.name = "b", .type = FIELD_STRING},
		{.name = "c", .type = FIELD_STRING}, {.name = "d", .type = FIELD_STRING},
		{.name = "e", .type = FIELD_STRING}, FIELDS_END,
	};
	static const struct route t[] = {
		{HTTP_GET, "/{a}/{b}/{c}/{d}/{e}", h_a, CAP_PUBLIC, five, NULL, NULL, NULL},
	};
	build_refused(t, N(t), "too many parameters");
	/* LIMIT_ROUTE_PARAMS (4) is fine */
	static const struct route four[] = {
		{HTTP_GET, "/{a}/{b}/{c}/{d}", h_a, CAP_PUBLIC, five, NULL, NULL, NULL},
	};
	/* five declared, four used: refused for the unused one, not the count */
	build_refused(four, N(four), "not in the pattern");
}

/* A path as long as the match buffer cannot be copied: not found, no overflow. */
static void test_path_longer_than_buffer(void **state)
{
	(void)state;
	static const struct route t[] = {
		{HTTP_GET, "/items/{id}", h_a, CAP_PUBLIC, p_id, NULL, NULL, NULL},
	};
	struct router *rt = build_ok(t, 1);
	struct route_match m;
	unsigned allow = 99;
	char *path = test_malloc(sizeof m.buf + 2);
	memcpy(path, "/items/", 7);
	/* exactly sizeof buf - 1 bytes: the longest that fits */
	memset(path + 7, 'x', sizeof m.buf - 1 - 7);
	path[sizeof m.buf - 1] = '\0';
	assert_int_equal(router_match(rt, HTTP_GET, path, &m, &allow), ERR_OK);
	assert_int_equal(strlen(m.params[0].value), sizeof m.buf - 1 - 7);
	/* one more byte does not fit */
	path[sizeof m.buf - 1] = 'x';
	path[sizeof m.buf] = '\0';
	assert_int_equal(router_match(rt, HTTP_GET, path, &m, &allow), ERR_NOTFOUND);
	assert_int_equal(allow, 0);
	test_free(path);
	router_free(rt);
}

static void test_method_names(void **state)
{
	(void)state;
	assert_string_equal(http_method_name(HTTP_GET), "GET");
	assert_string_equal(http_method_name(HTTP_POST), "POST");
	assert_string_equal(http_method_name(HTTP_PUT), "PUT");
	assert_string_equal(http_method_name(HTTP_PATCH), "PATCH");
	assert_string_equal(http_method_name(HTTP_DELETE), "DELETE");
	assert_string_equal(http_method_name(HTTP__MAX), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_and_size),
		cmocka_unit_test(test_literal_match),
		cmocka_unit_test(test_param_capture),
		cmocka_unit_test(test_two_params_in_order),
		cmocka_unit_test(test_param_not_empty_nor_multi),
		cmocka_unit_test(test_trailing_slash_no_match),
		cmocka_unit_test(test_unknown_path_notfound),
		cmocka_unit_test(test_wrong_method_allow_mask),
		cmocka_unit_test(test_first_row_wins),
		cmocka_unit_test(test_suffix_param),
		cmocka_unit_test(test_build_refuses_null_cap),
		cmocka_unit_test(test_build_refuses_no_handler_or_bad_method),
		cmocka_unit_test(test_build_refuses_bad_pattern),
		cmocka_unit_test(test_build_refuses_undeclared_param),
		cmocka_unit_test(test_build_refuses_declared_param_missing),
		cmocka_unit_test(test_build_refuses_clash),
		cmocka_unit_test(test_build_segment_limit),
		cmocka_unit_test(test_build_param_limit),
		cmocka_unit_test(test_path_longer_than_buffer),
		cmocka_unit_test(test_method_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
