/* Unit tests for src/http/fields.c: JSON bodies and name=value strings
 * validated against declared fields (unknown, missing, wrong type, bounds,
 * characters counted not bytes), UTF-8 checking and the JSON depth scan. */
#include "testutil.h"

#include <string.h>

#include "http/fields.h"
#include "limits.h"
#include "util/worktime.h"

static const char *const colours[] = {"red", "green", "blue", NULL};

static const char *no_x(const char *s, size_t len)
{
	return memchr(s, 'x', len) != NULL ? "must not contain x" : NULL;
}

/* One spec with every type; indexes below follow the rows. */
enum { F_NAME, F_NOTE, F_COUNT, F_FLAG, F_COLOUR, F_DAY, F_AT, F_TAG, F_TEXT, F_N };
static const struct field_spec spec[] = {
	/* F_NAME */ {.name = "name", .type = FIELD_STRING, .required = true, .min = 1, .max = 64},
	/* F_NOTE */ {.name = "note", .type = FIELD_STRING, .max = 10, .multiline = true},
	/* F_COUNT */ {.name = "count", .type = FIELD_INT, .min = 1, .max = 100},
	/* F_FLAG */ {.name = "flag", .type = FIELD_BOOL},
	/* F_COLOUR */ {.name = "colour", .type = FIELD_ENUM, .values = colours},
	/* F_DAY */ {.name = "day", .type = FIELD_DATE},
	/* F_AT */ {.name = "at", .type = FIELD_INSTANT},
	/* F_TAG */ {.name = "tag", .type = FIELD_STRING, .max = 20, .check = no_x},
	/* F_TEXT */ {.name = "text", .type = FIELD_STRING}, /* 0,0: default limit */
	FIELDS_END,
};

/* Parses text, validates it against spec and returns the code; ei and out
 * are filled. The JSON value is released before returning, so only codes,
 * field names and numbers may be checked afterwards. */
static enum err check_json(const char *text, struct field_val *out, struct errinfo *ei)
{
	json_error_t jerr;
	/* JSON_ALLOW_NUL lets "\u0000" reach the control-character check */
	json_t *obj = json_loads(text, JSON_ALLOW_NUL, &jerr);
	if (obj == NULL)
		fail_msg("test JSON does not parse: %s: %s", text, jerr.text);
	err_clear(ei);
	enum err rc = fields_from_json(spec, obj, out, ei);
	json_decref(obj);
	return rc;
}

static void json_fails(const char *text, const char *field)
{
	struct field_val out[F_N];
	struct errinfo ei;
	enum err rc = check_json(text, out, &ei);
	if (rc != ERR_INVALID)
		fail_msg("%s: expected ERR_INVALID, got %d", text, rc);
	assert_int_equal(ei.code, ERR_INVALID);
	if (strcmp(ei.field, field) != 0)
		fail_msg("%s: expected field \"%s\", got \"%s\" (%s)", text, field, ei.field, ei.message);
	assert_true(ei.message[0] != '\0');
}

static void json_passes(const char *text, struct field_val *out)
{
	struct errinfo ei;
	enum err rc = check_json(text, out, &ei);
	if (rc != ERR_OK)
		fail_msg("%s: expected ERR_OK, got %d: %s (field %s)", text, rc, ei.message, ei.field);
}

static void test_fields_count(void **state)
{
	(void)state;
	assert_int_equal(fields_count(spec), F_N);
	assert_int_equal(fields_count(NULL), 0);
	assert_string_equal(field_type_name(FIELD_INSTANT), "date-time");
	assert_string_equal(field_type_name(FIELD__MAX), "?");
}

static void test_json_minimal_ok(void **state)
{
	(void)state;
	struct field_val out[F_N];
	json_passes("{\"name\":\"x\"}", out);
	assert_true(out[F_NAME].present);
	assert_int_equal(out[F_NAME].len, 1);
	for (int i = F_NOTE; i < F_N; i++)
		assert_false(out[i].present);
}

static void test_json_unknown_member_named(void **state)
{
	(void)state;
	json_fails("{\"name\":\"x\",\"nmae\":\"y\"}", "nmae");
	json_fails("{\"role\":\"admin\",\"name\":\"x\"}", "role");
	/* names are exact: case matters */
	json_fails("{\"Name\":\"x\"}", "Name");
}

static void test_json_missing_required(void **state)
{
	(void)state;
	json_fails("{}", "name");
	json_fails("{\"count\":3}", "name");
	/* null on a required field is not a value */
	json_fails("{\"name\":null}", "name");
}

static void test_json_not_an_object(void **state)
{
	(void)state;
	struct field_val out[F_N];
	struct errinfo ei;
	assert_int_equal(check_json("[1,2]", out, &ei), ERR_INVALID);
	json_t *str = json_string("name");
	err_clear(&ei);
	assert_int_equal(fields_from_json(spec, str, out, &ei), ERR_INVALID);
	json_decref(str);
	err_clear(&ei);
	assert_int_equal(fields_from_json(spec, NULL, out, &ei), ERR_INVALID);
}

static void test_json_wrong_types(void **state)
{
	(void)state;
	json_fails("{\"name\":5}", "name");
	json_fails("{\"name\":[\"x\"]}", "name");
	json_fails("{\"name\":\"x\",\"count\":\"5\"}", "count");
	json_fails("{\"name\":\"x\",\"count\":5.0}", "count");
	json_fails("{\"name\":\"x\",\"count\":true}", "count");
	json_fails("{\"name\":\"x\",\"flag\":1}", "flag");
	json_fails("{\"name\":\"x\",\"flag\":\"true\"}", "flag");
	json_fails("{\"name\":\"x\",\"colour\":0}", "colour");
	json_fails("{\"name\":\"x\",\"day\":20260101}", "day");
	json_fails("{\"name\":\"x\",\"at\":{}}", "at");
}

static void test_json_null_optional_is_absent(void **state)
{
	(void)state;
	struct field_val out[F_N];
	json_passes("{\"name\":\"x\",\"count\":null,\"flag\":null,\"colour\":null,\"day\":null}", out);
	assert_false(out[F_COUNT].present);
	assert_false(out[F_FLAG].present);
	assert_false(out[F_COLOUR].present);
	assert_false(out[F_DAY].present);
}

static void test_json_values(void **state)
{
	(void)state;
	struct field_val out[F_N];
	json_passes("{\"name\":\"x\",\"count\":7,\"flag\":false,\"note\":\"a\\nb\"}", out);
	assert_true(out[F_COUNT].present);
	assert_int_equal(out[F_COUNT].i, 7);
	assert_true(out[F_FLAG].present);
	assert_false(out[F_FLAG].b);
	assert_true(out[F_NOTE].present);
	assert_int_equal(out[F_NOTE].len, 3);
	json_passes("{\"name\":\"x\",\"flag\":true}", out);
	assert_true(out[F_FLAG].b);
}

static void test_json_enum_index(void **state)
{
	(void)state;
	struct field_val out[F_N];
	json_passes("{\"name\":\"x\",\"colour\":\"red\"}", out);
	assert_int_equal(out[F_COLOUR].i, 0);
	json_passes("{\"name\":\"x\",\"colour\":\"blue\"}", out);
	assert_int_equal(out[F_COLOUR].i, 2);
	json_fails("{\"name\":\"x\",\"colour\":\"Blue\"}", "colour");
	json_fails("{\"name\":\"x\",\"colour\":\"\"}", "colour");
	/* a prefix of a value is not the value */
	json_fails("{\"name\":\"x\",\"colour\":\"gree\"}", "colour");
	json_fails("{\"name\":\"x\",\"colour\":\"greenish\"}", "colour");
}

/* Repeats s n times into a JSON object {"name":"…"}; returns a test_malloc'd text. */
static char *name_repeated(const char *s, int n)
{
	size_t sl = strlen(s), cap = sl * (size_t)n + 32;
	char *t = test_malloc(cap);
	strcpy(t, "{\"name\":\"");
	for (int i = 0; i < n; i++)
		strcat(t, s);
	strcat(t, "\"}");
	return t;
}

/* Boundary: max 64 counts characters, so 64 Chinese characters (192 bytes)
 * pass and 65 fail; the same for ASCII. */
static void test_json_string_max_in_characters(void **state)
{
	(void)state;
	struct field_val out[F_N];
	char *t = name_repeated("中", 64);
	json_passes(t, out);
	assert_int_equal(out[F_NAME].len, 192);
	test_free(t);
	t = name_repeated("中", 65);
	json_fails(t, "name");
	test_free(t);
	t = name_repeated("a", 64);
	json_passes(t, out);
	test_free(t);
	t = name_repeated("a", 65);
	json_fails(t, "name");
	test_free(t);
	/* 4-byte characters count once too */
	t = name_repeated("😀", 64);
	json_passes(t, out);
	test_free(t);
}

static void test_json_string_min(void **state)
{
	(void)state;
	json_fails("{\"name\":\"\"}", "name");
}

/* With min = max = 0 the limit is LIMIT_STRING_CHARS. */
static void test_json_string_default_limit(void **state)
{
	(void)state;
	struct field_val out[F_N];
	char *t = test_malloc(LIMIT_STRING_CHARS + 64);
	strcpy(t, "{\"name\":\"x\",\"text\":\"");
	size_t p = strlen(t);
	memset(t + p, 'a', LIMIT_STRING_CHARS);
	strcpy(t + p + LIMIT_STRING_CHARS, "\"}");
	json_passes(t, out);
	assert_int_equal(out[F_TEXT].len, LIMIT_STRING_CHARS);
	t[p + LIMIT_STRING_CHARS] = 'a';
	strcpy(t + p + LIMIT_STRING_CHARS + 1, "\"}");
	json_fails(t, "text");
	test_free(t);
}

static void test_json_control_characters(void **state)
{
	(void)state;
	struct field_val out[F_N];
	/* single-line field: newline, tab, CR, U+0001, DEL and NUL refused */
	json_fails("{\"name\":\"a\\nb\"}", "name");
	json_fails("{\"name\":\"a\\tb\"}", "name");
	json_fails("{\"name\":\"a\\rb\"}", "name");
	json_fails("{\"name\":\"a\\u0001b\"}", "name");
	json_fails("{\"name\":\"a\\u007fb\"}", "name");
	json_fails("{\"name\":\"a\\u0000b\"}", "name");
	/* multiline field: newline, tab and CR allowed, other controls not */
	json_passes("{\"name\":\"x\",\"note\":\"a\\n\\tb\\r\\n\"}", out);
	json_fails("{\"name\":\"x\",\"note\":\"a\\u0001\"}", "note");
	json_fails("{\"name\":\"x\",\"note\":\"a\\u0000\"}", "note");
}

static void test_json_string_check_callback(void **state)
{
	(void)state;
	struct field_val out[F_N];
	json_passes("{\"name\":\"x\",\"tag\":\"abc\"}", out);
	json_fails("{\"name\":\"x\",\"tag\":\"axc\"}", "tag");
}

/* Boundary: min and max are inclusive. */
static void test_json_integer_bounds(void **state)
{
	(void)state;
	struct field_val out[F_N];
	json_passes("{\"name\":\"x\",\"count\":1}", out);
	assert_int_equal(out[F_COUNT].i, 1);
	json_passes("{\"name\":\"x\",\"count\":100}", out);
	assert_int_equal(out[F_COUNT].i, 100);
	json_fails("{\"name\":\"x\",\"count\":0}", "count");
	json_fails("{\"name\":\"x\",\"count\":101}", "count");
	json_fails("{\"name\":\"x\",\"count\":-1}", "count");
	json_fails("{\"name\":\"x\",\"count\":9223372036854775807}", "count");
}

static void test_json_date(void **state)
{
	(void)state;
	struct field_val out[F_N];
	json_passes("{\"name\":\"x\",\"day\":\"2024-02-29\"}", out);
	assert_int_equal(out[F_DAY].i, date_from_civil(2024, 2, 29));
	assert_int_equal(out[F_DAY].len, 10);
	json_fails("{\"name\":\"x\",\"day\":\"2026-02-29\"}", "day"); /* not a leap year */
	json_fails("{\"name\":\"x\",\"day\":\"2026-13-01\"}", "day");
	json_fails("{\"name\":\"x\",\"day\":\"2026-1-01\"}", "day");
	json_fails("{\"name\":\"x\",\"day\":\"2026-01-01T00:00\"}", "day");
}

static void test_json_instant_needs_zone(void **state)
{
	(void)state;
	struct field_val out[F_N];
	json_passes("{\"name\":\"x\",\"at\":\"2026-10-08T09:00:00+08:00\"}", out);
	assert_int_equal(out[F_AT].i, 1791421200); /* 2026-10-08T01:00:00Z */
	json_passes("{\"name\":\"x\",\"at\":\"2026-10-08T01:00Z\"}", out);
	assert_int_equal(out[F_AT].i, 1791421200);
	json_fails("{\"name\":\"x\",\"at\":\"2026-10-08T09:00:00\"}", "at");
	json_fails("{\"name\":\"x\",\"at\":\"2026-10-08\"}", "at");
}

/* --- strings (query and path) ------------------------------------------------ */

static enum err check_strings(const struct field_kv *kv, int n, struct field_val *out,
                              struct errinfo *ei)
{
	err_clear(ei);
	return fields_from_strings(spec, kv, n, out, ei);
}

static void strings_fail(const struct field_kv *kv, int n, const char *field)
{
	struct field_val out[F_N];
	struct errinfo ei;
	assert_int_equal(check_strings(kv, n, out, &ei), ERR_INVALID);
	if (strcmp(ei.field, field) != 0)
		fail_msg("expected field \"%s\", got \"%s\" (%s)", field, ei.field, ei.message);
}

static void test_strings_ok(void **state)
{
	(void)state;
	struct field_val out[F_N];
	struct errinfo ei;
	const struct field_kv kv[] = {
		{"name", "东城"}, {"count", "12"}, {"flag", "true"}, {"colour", "green"},
		{"day", "2024-02-29"},
	};
	assert_int_equal(check_strings(kv, 5, out, &ei), ERR_OK);
	assert_string_equal(out[F_NAME].s, "东城");
	assert_int_equal(out[F_COUNT].i, 12);
	assert_true(out[F_FLAG].b);
	assert_int_equal(out[F_COLOUR].i, 1);
	assert_int_equal(out[F_DAY].i, date_from_civil(2024, 2, 29));
}

static void test_strings_repeated_refused(void **state)
{
	(void)state;
	const struct field_kv kv[] = {{"name", "a"}, {"count", "1"}, {"count", "2"}};
	strings_fail(kv, 3, "count");
	const struct field_kv same[] = {{"name", "a"}, {"name", "a"}};
	strings_fail(same, 2, "name");
}

static void test_strings_unknown_refused(void **state)
{
	(void)state;
	const struct field_kv kv[] = {{"name", "a"}, {"page", "2"}};
	strings_fail(kv, 2, "page");
	const struct field_kv none[] = {{"page", "2"}};
	/* against a spec with no fields at all */
	struct field_val out[1];
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(fields_from_strings(NULL, none, 1, out, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "page");
}

static void test_strings_missing_required(void **state)
{
	(void)state;
	const struct field_kv kv[] = {{"count", "5"}};
	strings_fail(kv, 1, "name");
	strings_fail(NULL, 0, "name");
}

static void test_strings_int_parsing(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"12x", "", "-3", "0", "101", " 12", "12 ", "+3", "0x10", "1e2", "1.0",
		"99999999999999999999", "-", "１２", /* full-width digits */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const struct field_kv kv[] = {{"name", "a"}, {"count", bad[i]}};
		struct field_val out[F_N];
		struct errinfo ei;
		if (check_strings(kv, 2, out, &ei) != ERR_INVALID)
			fail_msg("count=\"%s\" was accepted", bad[i]);
		assert_string_equal(ei.field, "count");
	}
	/* leading zeros are still decimal */
	const struct field_kv kv[] = {{"name", "a"}, {"count", "010"}};
	struct field_val out[F_N];
	struct errinfo ei;
	assert_int_equal(check_strings(kv, 2, out, &ei), ERR_OK);
	assert_int_equal(out[F_COUNT].i, 10);
}

/* A parameter without a value ("?count") arrives as NULL: treated as "". */
static void test_strings_null_value(void **state)
{
	(void)state;
	const struct field_kv kv[] = {{"name", "a"}, {"count", NULL}};
	strings_fail(kv, 2, "count");
	const struct field_kv flag[] = {{"name", "a"}, {"flag", NULL}};
	strings_fail(flag, 2, "flag");
}

static void test_strings_bool_and_instant(void **state)
{
	(void)state;
	const struct field_kv b[] = {{"name", "a"}, {"flag", "1"}};
	strings_fail(b, 2, "flag");
	const struct field_kv t[] = {{"name", "a"}, {"at", "2026-10-08T09:00"}};
	strings_fail(t, 2, "at");
	const struct field_kv d[] = {{"name", "a"}, {"day", "2026-02-29"}};
	strings_fail(d, 2, "day");
}

/* --- utf8_valid ------------------------------------------------------------- */

static bool utf8(const char *s, size_t *chars) { return utf8_valid(s, strlen(s), chars); }

static void test_utf8_valid_counts(void **state)
{
	(void)state;
	size_t n = 99;
	assert_true(utf8_valid("", 0, &n));
	assert_int_equal(n, 0);
	assert_true(utf8("abc", &n));
	assert_int_equal(n, 3);
	assert_true(utf8("国庆节", &n));
	assert_int_equal(n, 3);
	assert_true(utf8("é😀a", &n));
	assert_int_equal(n, 3);
	/* boundaries of each length */
	assert_true(utf8("\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80", &n));
	assert_int_equal(n, 6);
	assert_true(utf8("\xf4\x8f\xbf\xbf", &n)); /* U+10FFFF */
	assert_int_equal(n, 1);
	assert_true(utf8("\xed\x9f\xbf\xee\x80\x80", &n)); /* U+D7FF, U+E000 around the surrogates */
	assert_true(utf8_valid("a", 1, NULL));
}

static void test_utf8_overlong_refused(void **state)
{
	(void)state;
	assert_false(utf8("\xc0\xaf", NULL));          /* '/' in 2 bytes */
	assert_false(utf8("\xc1\xbf", NULL));
	assert_false(utf8("\xe0\x80\xaf", NULL));      /* '/' in 3 bytes */
	assert_false(utf8("\xe0\x9f\xbf", NULL));      /* U+07FF in 3 bytes */
	assert_false(utf8("\xf0\x80\x80\xaf", NULL));  /* '/' in 4 bytes */
	assert_false(utf8("\xf0\x8f\xbf\xbf", NULL));  /* U+FFFF in 4 bytes */
}

static void test_utf8_surrogates_refused(void **state)
{
	(void)state;
	assert_false(utf8("\xed\xa0\x80", NULL)); /* U+D800 */
	assert_false(utf8("\xed\xbf\xbf", NULL)); /* U+DFFF */
	assert_false(utf8("\xed\xa0\xbd\xed\xb8\x80", NULL)); /* CESU-8 pair */
}

static void test_utf8_truncated_refused(void **state)
{
	(void)state;
	const char zh[] = "中"; /* e4 b8 ad */
	assert_true(utf8_valid(zh, 3, NULL));
	assert_false(utf8_valid(zh, 2, NULL));
	assert_false(utf8_valid(zh, 1, NULL));
	assert_false(utf8("a\xf0\x9f\x98", NULL));
	assert_false(utf8("\xc2", NULL));
	/* a lead byte followed by a non-continuation byte */
	assert_false(utf8("\xe4\xb8" "a", NULL));
	assert_false(utf8("\xc2" "a", NULL));
}

static void test_utf8_other_bad_bytes(void **state)
{
	(void)state;
	assert_false(utf8("\x80", NULL));             /* lone continuation */
	assert_false(utf8("a\xbf", NULL));
	assert_false(utf8("\xf4\x90\x80\x80", NULL)); /* U+110000 */
	assert_false(utf8("\xf5\x80\x80\x80", NULL));
	assert_false(utf8("\xf8\x88\x80\x80\x80", NULL)); /* 5-byte form */
	assert_false(utf8("\xfe", NULL));
	assert_false(utf8("\xff", NULL));
}

/* Invalid UTF-8 in a query string is refused with the field's name. */
static void test_strings_invalid_utf8(void **state)
{
	(void)state;
	const struct field_kv kv[] = {{"name", "\xc0\xaf"}};
	strings_fail(kv, 1, "name");
}

/* --- json_check_depth --------------------------------------------------------- */

/* n opening brackets (alternating [ and {"k":), then the matching closers. */
static char *nested(int n)
{
	char *t = test_malloc((size_t)n * 8 + 1);
	char *p = t;
	for (int i = 0; i < n; i++) {
		if (i % 2 == 0) {
			*p++ = '[';
		} else {
			memcpy(p, "{\"k\":", 5);
			p += 5;
		}
	}
	*p++ = '1';
	for (int i = n - 1; i >= 0; i--)
		*p++ = i % 2 == 0 ? ']' : '}';
	*p = '\0';
	return t;
}

static enum err depth(const char *s, int max)
{
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = json_check_depth(s, strlen(s), max, &ei);
	if (rc != ERR_OK)
		assert_int_equal(ei.code, rc);
	return rc;
}

/* Boundary: exactly LIMIT_JSON_DEPTH levels pass, one more is refused. */
static void test_depth_limit(void **state)
{
	(void)state;
	char *t = nested(16);
	assert_int_equal(depth(t, LIMIT_JSON_DEPTH), ERR_OK);
	test_free(t);
	t = nested(17);
	assert_int_equal(depth(t, LIMIT_JSON_DEPTH), ERR_INVALID);
	test_free(t);
	/* depth is nesting, not a count of brackets */
	assert_int_equal(depth("[[],[],[],[],[],[],[],[],[],[],[],[],[],[],[],[],[],[],[]]", 2),
	                 ERR_OK);
	assert_int_equal(depth("[[[]]]", 2), ERR_INVALID);
	assert_int_equal(depth("", 0), ERR_OK);
	assert_int_equal(depth("{}", 0), ERR_INVALID);
}

static void test_depth_ignores_strings(void **state)
{
	(void)state;
	/* brackets inside a string are text */
	assert_int_equal(depth("[\"[[[[[[[[[[[[[[[[[[[[{{{{{{{\"]", 1), ERR_OK);
	assert_int_equal(depth("{\"[[[[\":\"{{{{\"}", 1), ERR_OK);
	/* an escaped quote does not end the string */
	assert_int_equal(depth("[\"\\\"[[[[[[[[\"]", 1), ERR_OK);
	assert_int_equal(depth("[\"a\\\\\\\"[[[\"]", 1), ERR_OK);
	/* an escaped backslash does: the brackets after it count again */
	assert_int_equal(depth("[\"a\\\\\",[[]]]", 2), ERR_INVALID);
	assert_int_equal(depth("[\"a\\\\\",[]]", 2), ERR_OK);
	/* closing brackets inside strings do not lower the depth either */
	assert_int_equal(depth("[\"]]]]\",[[]]]", 2), ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields_count),
		cmocka_unit_test(test_json_minimal_ok),
		cmocka_unit_test(test_json_unknown_member_named),
		cmocka_unit_test(test_json_missing_required),
		cmocka_unit_test(test_json_not_an_object),
		cmocka_unit_test(test_json_wrong_types),
		cmocka_unit_test(test_json_null_optional_is_absent),
		cmocka_unit_test(test_json_values),
		cmocka_unit_test(test_json_enum_index),
		cmocka_unit_test(test_json_string_max_in_characters),
		cmocka_unit_test(test_json_string_min),
		cmocka_unit_test(test_json_string_default_limit),
		cmocka_unit_test(test_json_control_characters),
		cmocka_unit_test(test_json_string_check_callback),
		cmocka_unit_test(test_json_integer_bounds),
		cmocka_unit_test(test_json_date),
		cmocka_unit_test(test_json_instant_needs_zone),
		cmocka_unit_test(test_strings_ok),
		cmocka_unit_test(test_strings_repeated_refused),
		cmocka_unit_test(test_strings_unknown_refused),
		cmocka_unit_test(test_strings_missing_required),
		cmocka_unit_test(test_strings_int_parsing),
		cmocka_unit_test(test_strings_null_value),
		cmocka_unit_test(test_strings_bool_and_instant),
		cmocka_unit_test(test_strings_invalid_utf8),
		cmocka_unit_test(test_utf8_valid_counts),
		cmocka_unit_test(test_utf8_overlong_refused),
		cmocka_unit_test(test_utf8_surrogates_refused),
		cmocka_unit_test(test_utf8_truncated_refused),
		cmocka_unit_test(test_utf8_other_bad_bytes),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_depth_ignores_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
