/* Unit tests for src/util/strbuf.c: growth, the hard maximum and its sticky
 * overflow flag, JSON string escaping, and handing the buffer over. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"

static void test_empty(void **state)
{
	(void)state;
	struct strbuf sb;
	strbuf_init(&sb, 100);
	assert_int_equal(sb.len, 0);
	assert_false(sb.overflow);
	/* adding nothing still leaves a terminated buffer */
	assert_int_equal(strbuf_add(&sb, "", 0), 0);
	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, "");
	strbuf_free(&sb);
	assert_null(sb.buf);
}

/* Many small appends grow the buffer well past its first allocation. */
static void test_growth(void **state)
{
	(void)state;
	struct strbuf sb;
	strbuf_init(&sb, 1 << 20);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(strbuf_addf(&sb, "%d,", i % 10), 0);
	assert_int_equal(sb.len, 20000);
	assert_true(sb.cap > sb.len);
	assert_int_equal(strlen(sb.buf), 20000);
	assert_memory_equal(sb.buf, "0,1,2,3,", 8);
	assert_memory_equal(sb.buf + 19996, "8,9,", 4);
	assert_false(sb.overflow);
	strbuf_free(&sb);
}

static void test_adds_and_addf(void **state)
{
	(void)state;
	struct strbuf sb;
	strbuf_init(&sb, 64);
	assert_int_equal(strbuf_adds(&sb, "id="), 0);
	assert_int_equal(strbuf_addf(&sb, "%s-%03d", "req", 7), 0);
	assert_string_equal(sb.buf, "id=req-007");
	assert_int_equal(sb.len, 10);
	strbuf_free(&sb);
}

/* Boundary: exactly max bytes fit; one more sets overflow. */
static void test_max_exact_fits(void **state)
{
	(void)state;
	struct strbuf sb;
	strbuf_init(&sb, 8);
	assert_int_equal(strbuf_adds(&sb, "12345678"), 0);
	assert_int_equal(sb.len, 8);
	assert_false(sb.overflow);
	assert_string_equal(sb.buf, "12345678");
	assert_true(sb.cap <= 9); /* never allocates past max + 1 */
	assert_int_equal(strbuf_adds(&sb, "9"), -1);
	assert_true(sb.overflow);
	assert_int_equal(sb.len, 8);
	assert_string_equal(sb.buf, "12345678");
	strbuf_free(&sb);
}

/* After an overflow every later append fails, even one that would fit. */
static void test_overflow_sticky(void **state)
{
	(void)state;
	struct strbuf sb;
	strbuf_init(&sb, 10);
	assert_int_equal(strbuf_adds(&sb, "abc"), 0);
	assert_int_equal(strbuf_adds(&sb, "this does not fit"), -1);
	assert_true(sb.overflow);
	assert_string_equal(sb.buf, "abc");
	assert_int_equal(strbuf_adds(&sb, "d"), -1);
	assert_int_equal(strbuf_addf(&sb, "%d", 1), -1);
	assert_int_equal(strbuf_add_json_str(&sb, "e", 1), -1);
	assert_int_equal(sb.len, 3);
	/* reset clears the flag and the content */
	strbuf_reset(&sb);
	assert_false(sb.overflow);
	assert_int_equal(sb.len, 0);
	assert_int_equal(strbuf_adds(&sb, "0123456789"), 0);
	strbuf_free(&sb);
}

static void test_addf_over_max(void **state)
{
	(void)state;
	struct strbuf sb;
	strbuf_init(&sb, 5);
	assert_int_equal(strbuf_addf(&sb, "%s", "123456"), -1);
	assert_true(sb.overflow);
	assert_int_equal(sb.len, 0);
	strbuf_free(&sb);
}

/* A huge length must not wrap len + n around and slip past the check. */
static void test_add_huge_length(void **state)
{
	(void)state;
	struct strbuf sb;
	strbuf_init(&sb, 100);
	assert_int_equal(strbuf_adds(&sb, "ab"), 0);
	assert_int_equal(strbuf_add(&sb, "x", SIZE_MAX), -1);
	assert_true(sb.overflow);
	assert_int_equal(sb.len, 2);
	strbuf_free(&sb);
}

static void json_is(const char *in, size_t n, const char *want)
{
	struct strbuf sb;
	strbuf_init(&sb, 1024);
	assert_int_equal(strbuf_add_json_str(&sb, in, n), 0);
	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, want);
	assert_int_equal(sb.len, strlen(want));
	strbuf_free(&sb);
}

static void test_json_plain(void **state)
{
	(void)state;
	json_is("hello", 5, "hello");
	json_is("", 0, "");
	json_is("国庆节", strlen("国庆节"), "国庆节"); /* UTF-8 bytes copied as they are */
}

static void test_json_quotes_backslash(void **state)
{
	(void)state;
	json_is("say \"hi\"", 8, "say \\\"hi\\\"");
	json_is("a\\b", 3, "a\\\\b");
	json_is("\"", 1, "\\\"");
	json_is("\\\"\\", 3, "\\\\\\\"\\\\");
}

static void test_json_control_chars(void **state)
{
	(void)state;
	json_is("a\nb\rc\td", 7, "a\\nb\\rc\\td");
	json_is("\x01", 1, "\\u0001");
	json_is("x\x1fy", 3, "x\\u001fy");
	json_is("\b\f", 2, "\\u0008\\u000c");
	/* 0x7f and 0x20 are not control characters for JSON */
	json_is(" \x7f", 2, " \x7f");
}

/* An embedded NUL is escaped, not a terminator: n counts, not strlen. */
static void test_json_embedded_nul(void **state)
{
	(void)state;
	json_is("a\0b", 3, "a\\u0000b");
}

static void test_json_respects_max(void **state)
{
	(void)state;
	struct strbuf sb;
	strbuf_init(&sb, 6);
	/* "\u0001" is 6 bytes: fits exactly */
	assert_int_equal(strbuf_add_json_str(&sb, "\x01", 1), 0);
	assert_string_equal(sb.buf, "\\u0001");
	assert_int_equal(strbuf_add_json_str(&sb, "\"", 1), -1);
	assert_true(sb.overflow);
	strbuf_free(&sb);
}

static void test_detach(void **state)
{
	(void)state;
	struct strbuf sb;
	strbuf_init(&sb, 100);
	strbuf_adds(&sb, "owned");
	size_t len = 0;
	char *p = strbuf_detach(&sb, &len);
	assert_string_equal(p, "owned");
	assert_int_equal(len, 5);
	/* sb is empty and reusable; freeing it does not free p */
	assert_null(sb.buf);
	assert_int_equal(sb.len, 0);
	strbuf_free(&sb);
	assert_string_equal(p, "owned");
	free(p);
}

/* Detaching a buffer that never allocated still gives a freeable "". */
static void test_detach_empty(void **state)
{
	(void)state;
	struct strbuf sb;
	strbuf_init(&sb, 100);
	size_t len = 99;
	char *p = strbuf_detach(&sb, &len);
	assert_non_null(p);
	assert_string_equal(p, "");
	assert_int_equal(len, 0);
	free(p);
	p = strbuf_detach(&sb, NULL);
	assert_non_null(p);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_adds_and_addf),
		cmocka_unit_test(test_max_exact_fits),
		cmocka_unit_test(test_overflow_sticky),
		cmocka_unit_test(test_addf_over_max),
		cmocka_unit_test(test_add_huge_length),
		cmocka_unit_test(test_json_plain),
		cmocka_unit_test(test_json_quotes_backslash),
		cmocka_unit_test(test_json_control_chars),
		cmocka_unit_test(test_json_embedded_nul),
		cmocka_unit_test(test_json_respects_max),
		cmocka_unit_test(test_detach),
		cmocka_unit_test(test_detach_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
