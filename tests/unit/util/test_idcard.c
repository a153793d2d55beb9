/* Unit tests for src/util/idcard.c: the check character, impossible and
 * future birth dates, lower-case x, gender, masking, making numbers, and
 * date_check on leap years. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "util/clock.h"
#include "util/idcard.h"
#include "util/worktime.h"

static const char *check(const char *s)
{
	return idcard_check(s, strlen(s));
}

static void test_valid_examples(void **state)
{
	(void)state;
	assert_null(check("11010519491231002X"));
	assert_null(check("440524188001010014"));
	/* lower-case x is accepted */
	assert_null(check("11010519491231002x"));
}

static void test_length(void **state)
{
	(void)state;
	assert_string_equal(check(""), "must be 18 characters");
	assert_string_equal(check("11010519491231002"), "must be 18 characters");
	assert_string_equal(check("11010519491231002X1"), "must be 18 characters");
	/* old 15-digit numbers */
	assert_string_equal(check("110105491231002"), "must be 18 characters");
	assert_string_equal(idcard_check(NULL, 18), "must be 18 characters");
	/* n rules, not the NUL: the first 18 of a longer buffer are checked */
	assert_null(idcard_check("11010519491231002X-rest", 18));
}

static void test_characters(void **state)
{
	(void)state;
	assert_string_equal(check("1101051949123100 X"), "the first 17 characters must be digits");
	assert_string_equal(check("A1010519491231002X"), "the first 17 characters must be digits");
	assert_string_equal(check("11010519491231002Y"), "the last character must be a digit or X");
	/* an embedded NUL is not a digit */
	assert_string_equal(idcard_check("1101051949\0" "1231002X", 18),
	                    "the first 17 characters must be digits");
}

static void test_check_character(void **state)
{
	(void)state;
	assert_string_equal(check("110105194912310021"), "the check character should be X");
	assert_string_equal(check("44052418800101001X"), "the check character should be 4");
	/* one digit changed: the check catches it */
	assert_string_equal(check("11010519491231003X"), "the check character should be 8");
}

static void test_dates(void **state)
{
	(void)state;
	assert_string_equal(check("110105194902310021"), "the birth date 19490231 does not exist");
	assert_string_equal(check("110105194913010021"), "the birth date 19491301 does not exist");
	assert_string_equal(check("110105194900010021"), "the birth date 19490001 does not exist");
	assert_string_equal(check("110105194901000021"), "the birth date 19490100 does not exist");
	/* 29 February: only in leap years; 1900 was not one, 2000 was */
	assert_string_equal(check("110105190002290021"), "the birth date 19000229 does not exist");
	char id[19];
	idcard_make("110105", 2000, 2, 29, 2, id);
	assert_string_not_equal(id, "");
	assert_null(check(id));
	assert_string_equal(check("110105202302290021"), "the birth date 20230229 does not exist");
	/* a typo for the century */
	idcard_make("110105", 1000, 1, 1, 2, id);
	assert_string_equal(check(id), "the birth year 1000 is before 1850");
	idcard_make("110105", 1850, 1, 1, 2, id);
	assert_null(check(id));
}

/* Today (UTC+8) is fine, tomorrow and next year are in the future. */
static void test_future(void **state)
{
	(void)state;
	int32_t today = instant_local_date(clock_now(), 8 * 60);
	int y, m, d;
	char id[19];

	date_to_civil(today, &y, &m, &d);
	idcard_make("110105", y, m, d, 1, id);
	assert_null(check(id));
	date_to_civil(today + 1, &y, &m, &d);
	idcard_make("110105", y, m, d, 1, id);
	assert_string_equal(check(id), "the birth date is in the future");
	idcard_make("110105", 2199, 1, 1, 1, id);
	assert_string_equal(check(id), "the birth date is in the future");
}

static void test_normalise(void **state)
{
	(void)state;
	char a[] = "11010519491231002x";
	idcard_normalise(a);
	assert_string_equal(a, "11010519491231002X");
	char b[] = "440524188001010014";
	idcard_normalise(b);
	assert_string_equal(b, "440524188001010014");
	char c[] = "x";
	idcard_normalise(c);
	assert_string_equal(c, "x");
	idcard_normalise(NULL);
}

static void test_birth_and_gender(void **state)
{
	(void)state;
	int y = 0, m = 0, d = 0;
	assert_true(idcard_birth("11010519491231002X", &y, &m, &d));
	assert_int_equal(y, 1949);
	assert_int_equal(m, 12);
	assert_int_equal(d, 31);
	assert_true(idcard_birth("440524188001010014", &y, &m, &d));
	assert_int_equal(y, 1880);
	assert_int_equal(m, 1);
	assert_int_equal(d, 1);
	/* impossible or short: false, outputs untouched */
	y = m = d = -1;
	assert_false(idcard_birth("110105194902310021", &y, &m, &d));
	assert_false(idcard_birth("1101051949", &y, &m, &d));
	assert_false(idcard_birth("1101051949AB310021", &y, &m, &d));
	assert_false(idcard_birth(NULL, &y, &m, &d));
	assert_int_equal(y, -1);

	/* 17th character: 2 even → female, 1 odd → male */
	assert_int_equal(idcard_gender("11010519491231002X"), 'f');
	assert_int_equal(idcard_gender("440524188001010014"), 'm');
	assert_int_equal(idcard_gender("4405241880010100"), '\0');
	assert_int_equal(idcard_gender("4405241880010100A4"), '\0');
	assert_int_equal(idcard_gender(NULL), '\0');
}

static void test_mask(void **state)
{
	(void)state;
	char out[19];
	idcard_mask("11010519491231002X", out);
	assert_string_equal(out, "110105********002X");
	idcard_mask("440524188001010014", out);
	assert_string_equal(out, "440524********0014");
	/* anything not 18 long shows nothing of itself */
	idcard_mask("110105491231002", out);
	assert_string_equal(out, "");
	idcard_mask("11010519491231002X9", out);
	assert_string_equal(out, "");
	idcard_mask(NULL, out);
	assert_string_equal(out, "");
}

static void test_make(void **state)
{
	(void)state;
	char out[19];
	idcard_make("110105", 1949, 12, 31, 2, out);
	assert_string_equal(out, "11010519491231002X");
	idcard_make("440524", 1880, 1, 1, 1, out);
	assert_string_equal(out, "440524188001010014");
	/* every sequence makes a valid number of the right gender */
	for (int seq = 0; seq <= 999; seq++) {
		idcard_make("320508", 1990, 6, 15, seq, out);
		assert_null(check(out));
		assert_int_equal(idcard_gender(out), seq % 2 ? 'm' : 'f');
	}
	/* bad input: empty output */
	idcard_make("110105", 1949, 2, 30, 1, out);
	assert_string_equal(out, "");
	idcard_make("110105", 1949, 1, 1, 1000, out);
	assert_string_equal(out, "");
	idcard_make("110105", 1949, 1, 1, -1, out);
	assert_string_equal(out, "");
	idcard_make("11010", 1949, 1, 1, 1, out);
	assert_string_equal(out, "");
	idcard_make("1101050", 1949, 1, 1, 1, out);
	assert_string_equal(out, "");
	idcard_make("11A105", 1949, 1, 1, 1, out);
	assert_string_equal(out, "");
	idcard_make(NULL, 1949, 1, 1, 1, out);
	assert_string_equal(out, "");
	idcard_make("110105", 10000, 1, 1, 1, out);
	assert_string_equal(out, "");
}

static void test_date_check(void **state)
{
	(void)state;
	assert_null(date_check(2024, 2, 29));
	assert_null(date_check(2000, 2, 29));
	assert_null(date_check(1, 1, 1));
	assert_null(date_check(9999, 12, 31));
	assert_string_equal(date_check(2023, 2, 29), "February 2023 has only 28 days");
	assert_string_equal(date_check(1900, 2, 29), "February 1900 has only 28 days");
	assert_string_equal(date_check(2024, 2, 30), "February 2024 has only 29 days");
	assert_string_equal(date_check(2024, 4, 31), "April has only 30 days");
	assert_string_equal(date_check(2024, 12, 32), "December has only 31 days");
	assert_string_equal(date_check(2024, 1, 0), "January has only 31 days");
	assert_string_equal(date_check(2024, 13, 1), "month 13 does not exist");
	assert_string_equal(date_check(2024, 0, 1), "month 0 does not exist");
	assert_string_equal(date_check(0, 1, 1), "the year 0 is out of range");
	assert_string_equal(date_check(10000, 1, 1), "the year 10000 is out of range");
	/* every day of a 400-year cycle agrees with date_from_civil/date_to_civil */
	int32_t start = date_from_civil(2000, 1, 1), end = date_from_civil(2400, 1, 1);
	for (int32_t day = start; day < end; day++) {
		int y, m, d;
		date_to_civil(day, &y, &m, &d);
		assert_null(date_check(y, m, d));
	}
	int32_t days;
	/* YYYY-MM-DD parsing is worktime.h's date_parse */
	assert_int_equal(date_parse("2024-02-29", 10, &days), ERR_OK);
	assert_int_equal(date_parse("2023-02-29", 10, &days), ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_examples),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_characters),
		cmocka_unit_test(test_check_character),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_future),
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_birth_and_gender),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_make),
		cmocka_unit_test(test_date_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
