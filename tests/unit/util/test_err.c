/* Unit tests for src/util/err.c: every code has its own stable name and the
 * right HTTP status, err_set fills an errinfo (or tolerates none), and a
 * code outside the enum is treated as our own failure. */
#include "testutil.h"

#include <string.h>

#include "util/err.h"

static const struct {
	enum err code;
	const char *name;
	unsigned status;
} expected[] = {
	{ERR_OK, "ok", 200},
	{ERR_INVALID, "invalid", 400},
	{ERR_UNAUTHORIZED, "unauthorized", 401},
	{ERR_FORBIDDEN, "forbidden", 403},
	{ERR_NOTFOUND, "not_found", 404},
	{ERR_METHOD, "method_not_allowed", 405},
	{ERR_CONFLICT, "conflict", 409},
	{ERR_TOO_LARGE, "too_large", 413},
	{ERR_MEDIA_TYPE, "unsupported_media_type", 415},
	{ERR_UNPROCESSABLE, "unprocessable", 422},
	{ERR_RATE, "rate_limited", 429},
	{ERR_HEADERS, "headers_too_large", 431},
	{ERR_INTERNAL, "internal", 500},
	{ERR_UNAVAIL, "unavailable", 503},
};
#define NEXPECTED (sizeof expected / sizeof expected[0])

/* The table above covers the whole enum: adding a code without a row here
 * fails this test, as a missing row in err.c fails the build. */
static void test_every_code_listed(void **state)
{
	(void)state;
	assert_int_equal(NEXPECTED, ERR__MAX);
	for (size_t i = 0; i < NEXPECTED; i++)
		assert_int_equal(expected[i].code, (int)i);
}

static void test_status_per_code(void **state)
{
	(void)state;
	for (size_t i = 0; i < NEXPECTED; i++)
		assert_int_equal(err_http_status(expected[i].code), expected[i].status);
}

static void test_names_stable_and_distinct(void **state)
{
	(void)state;
	for (size_t i = 0; i < NEXPECTED; i++) {
		const char *n = err_name(expected[i].code);
		assert_non_null(n);
		assert_string_equal(n, expected[i].name);
		/* lowercase with underscores: the "code" members of error JSON */
		for (const char *p = n; *p; p++)
			assert_true((*p >= 'a' && *p <= 'z') || *p == '_');
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(n, err_name(expected[j].code));
	}
}

static void test_statuses_distinct_for_errors(void **state)
{
	(void)state;
	for (size_t i = 1; i < NEXPECTED; i++)
		for (size_t j = 1; j < i; j++)
			assert_int_not_equal(err_http_status(expected[i].code),
			                     err_http_status(expected[j].code));
}

/* Boundary: ERR__MAX itself and values past it, and a negative value. */
static void test_out_of_range_is_internal(void **state)
{
	(void)state;
	const int bad[] = {ERR__MAX, ERR__MAX + 1, 1000, -1};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_string_equal(err_name((enum err)bad[i]), "internal");
		assert_int_equal(err_http_status((enum err)bad[i]), 500);
	}
}

static void test_err_set_fills(void **state)
{
	(void)state;
	struct errinfo ei;
	memset(&ei, 'x', sizeof ei);
	assert_int_equal(err_set(&ei, ERR_INVALID, "date", "not a date: %s (%d)", "2026-13-01", 7),
	                 ERR_INVALID);
	assert_int_equal(ei.code, ERR_INVALID);
	assert_string_equal(ei.field, "date");
	assert_string_equal(ei.message, "not a date: 2026-13-01 (7)");
}

static void test_err_set_null_field_and_fmt(void **state)
{
	(void)state;
	struct errinfo ei;
	err_set(&ei, ERR_CONFLICT, "old", "old message");
	assert_int_equal(err_set(&ei, ERR_NOTFOUND, NULL, NULL), ERR_NOTFOUND);
	assert_int_equal(ei.code, ERR_NOTFOUND);
	assert_string_equal(ei.field, "");
	assert_string_equal(ei.message, "");
}

static void test_err_set_tolerates_null(void **state)
{
	(void)state;
	assert_int_equal(err_set(NULL, ERR_UNAVAIL, "db", "busy %d", 1), ERR_UNAVAIL);
	err_clear(NULL);
}

/* Long field names and messages are cut to their buffers, NUL-terminated. */
static void test_err_set_truncates(void **state)
{
	(void)state;
	struct errinfo ei;
	char longs[600];
	memset(longs, 'a', sizeof longs - 1);
	longs[sizeof longs - 1] = '\0';
	err_set(&ei, ERR_INVALID, longs, "%s", longs);
	assert_int_equal(strlen(ei.field), sizeof ei.field - 1);
	assert_int_equal(strlen(ei.message), sizeof ei.message - 1);
}

static void test_err_clear(void **state)
{
	(void)state;
	struct errinfo ei;
	err_set(&ei, ERR_INVALID, "x", "y");
	err_clear(&ei);
	assert_int_equal(ei.code, ERR_OK);
	assert_string_equal(ei.field, "");
	assert_string_equal(ei.message, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_code_listed),
		cmocka_unit_test(test_status_per_code),
		cmocka_unit_test(test_names_stable_and_distinct),
		cmocka_unit_test(test_statuses_distinct_for_errors),
		cmocka_unit_test(test_out_of_range_is_internal),
		cmocka_unit_test(test_err_set_fills),
		cmocka_unit_test(test_err_set_null_field_and_fmt),
		cmocka_unit_test(test_err_set_tolerates_null),
		cmocka_unit_test(test_err_set_truncates),
		cmocka_unit_test(test_err_clear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
