/* Unit tests for src/util/csv.c: RFC 4180 quoting, line ends and physical
 * line numbers, trimming, BOM and encodings (UTF-8, GBK converted, neither),
 * NUL and binary input, field counts, limits, header checks, the field
 * writer, and parse speed on 50 MB (printed, never asserted). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/csv.h"

static struct csv *open_ok(const char *s, size_t len, const struct csv_limits *lim)
{
	struct csv *c = NULL;
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = csv_open(s, len, lim, &c, &ei);
	if (rc != ERR_OK)
		fail_msg("csv_open: %s", ei.message);
	assert_non_null(c);
	return c;
}

static struct csv *open_str(const char *s)
{
	return open_ok(s, strlen(s), NULL);
}

/* csv_open must fail with code and a message containing want. */
static void open_fails(const char *s, size_t len, const struct csv_limits *lim, enum err code,
                       const char *want)
{
	struct csv *c = (struct csv *)1;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(csv_open(s, len, lim, &c, &ei), code);
	assert_null(c);
	assert_int_equal(ei.code, code);
	if (strstr(ei.message, want) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", ei.message, want);
}

/* The next record must have these fields (NULL-terminated) on this line. */
static void expect_record(struct csv *c, int want_line, const char *const *want)
{
	const char **f = NULL;
	const size_t *len = NULL;
	int line = 0, n = 0;
	struct errinfo ei;
	err_clear(&ei);
	int r = csv_next(c, &f, &len, &line, &ei);
	if (r != 1)
		fail_msg("csv_next returned %d: %s", r, ei.message);
	assert_int_equal(line, want_line);
	for (; want[n] != NULL; n++) {
		assert_string_equal(f[n], want[n]);
		assert_int_equal(len[n], strlen(want[n]));
	}
	assert_int_equal(n, csv_columns(c));
}

static void expect_end(struct csv *c)
{
	const char **f = NULL;
	const size_t *len = NULL;
	int line = 0;
	assert_int_equal(csv_next(c, &f, &len, &line, NULL), 0);
	/* and stays at the end */
	assert_int_equal(csv_next(c, &f, &len, &line, NULL), 0);
}

/* csv_next must fail with code, on line, with a message containing want. */
static void expect_error(struct csv *c, enum err code, int want_line, const char *want)
{
	const char **f = NULL;
	const size_t *len = NULL;
	int line = 0;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(csv_next(c, &f, &len, &line, &ei), -1);
	assert_int_equal(ei.code, code);
	assert_int_equal(line, want_line);
	if (strstr(ei.message, want) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", ei.message, want);
}

#define REC(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_simple(void **state)
{
	(void)state;
	/* LF with a trailing newline */
	struct csv *c = open_str("name,phone\nZhang San,13800138000\nLi Si,13900139000\n");
	assert_int_equal(csv_columns(c), 2);
	assert_string_equal(csv_header(c, 0), "name");
	assert_string_equal(csv_header(c, 1), "phone");
	assert_null(csv_header(c, 2));
	assert_null(csv_header(c, -1));
	assert_int_equal(csv_column_index(c, "phone"), 1);
	assert_int_equal(csv_column_index(c, "email"), -1);
	assert_null(csv_converted_from(c));
	expect_record(c, 2, REC("Zhang San", "13800138000"));
	expect_record(c, 3, REC("Li Si", "13900139000"));
	expect_end(c);
	csv_close(c);

	/* CRLF, no trailing newline */
	c = open_str("a,b\r\n1,2\r\n3,4");
	expect_record(c, 2, REC("1", "2"));
	expect_record(c, 3, REC("3", "4"));
	expect_end(c);
	csv_close(c);

	/* a header alone; a lone CR (old Mac) ends lines too */
	c = open_str("a,b\r\n");
	expect_end(c);
	csv_close(c);
	c = open_str("a,b\r1,2\r3,4\r");
	expect_record(c, 2, REC("1", "2"));
	expect_record(c, 3, REC("3", "4"));
	expect_end(c);
	csv_close(c);
	csv_close(NULL);
}

static void test_empty_fields(void **state)
{
	(void)state;
	struct csv *c = open_str("a,b,c\n,,\n1,,\n,\"\",3\nx,y,\n");
	expect_record(c, 2, REC("", "", ""));
	expect_record(c, 3, REC("1", "", ""));
	expect_record(c, 4, REC("", "", "3"));
	/* a trailing comma is an empty last field */
	expect_record(c, 5, REC("x", "y", ""));
	expect_end(c);
	csv_close(c);
	/* one column: records are whole lines */
	c = open_str("name\n张三\n李四");
	expect_record(c, 2, REC("张三"));
	expect_record(c, 3, REC("李四"));
	expect_end(c);
	csv_close(c);
}

static void test_quotes(void **state)
{
	(void)state;
	struct csv *c = open_str("name,address,note\n"
	                         "\"Zhang, San\",\"1 \"\"Long\"\" Street\",plain\n"
	                         "\"\"\"\",\"\",\"a,b,c\"\n"
	                         "\"\"\"x\"\"\",\"y\"\"\",end\n");
	expect_record(c, 2, REC("Zhang, San", "1 \"Long\" Street", "plain"));
	expect_record(c, 3, REC("\"", "", "a,b,c"));
	expect_record(c, 4, REC("\"x\"", "y\"", "end"));
	expect_end(c);
	csv_close(c);
	/* a quote inside an unquoted field is just a character */
	c = open_str("h,w\n5'10\",x\"y\n");
	expect_record(c, 2, REC("5'10\"", "x\"y"));
	expect_end(c);
	csv_close(c);
}

/* Embedded newlines: the record keeps them, and later records still get the
 * physical line they start on. */
static void test_embedded_newlines(void **state)
{
	(void)state;
	struct csv *c = open_str("id,note\n"
	                         "1,\"first\nsecond\nthird\"\n"
	                         "2,\"crlf\r\ninside\"\r\n"
	                         "3,plain\n"
	                         "\"4\n\",\"\n\n\"\n"
	                         "5,last");
	expect_record(c, 2, REC("1", "first\nsecond\nthird"));
	expect_record(c, 5, REC("2", "crlf\r\ninside"));
	expect_record(c, 7, REC("3", "plain"));
	expect_record(c, 8, REC("4\n", "\n\n"));
	expect_record(c, 12, REC("5", "last"));
	expect_end(c);
	csv_close(c);
	/* a newline in a header name */
	c = open_str("\"a\nb\",c\n1,2\n");
	assert_string_equal(csv_header(c, 0), "a\nb");
	expect_record(c, 3, REC("1", "2"));
	csv_close(c);
}

static void test_trim(void **state)
{
	(void)state;
	struct csv *c = open_str(" name ,\tphone\t\n"
	                         "  Zhang San  , 138 \n"
	                         "\" kept \" ,  \"  kept too\"\t\n"
	                         "   ,\t\n");
	assert_string_equal(csv_header(c, 0), "name");
	assert_string_equal(csv_header(c, 1), "phone");
	expect_record(c, 2, REC("Zhang San", "138"));
	/* quoted: everything between the quotes; blanks around them dropped */
	expect_record(c, 3, REC(" kept ", "  kept too"));
	expect_record(c, 4, REC("", ""));
	expect_end(c);
	csv_close(c);
}

static void test_blank_lines(void **state)
{
	(void)state;
	struct csv *c = open_str("\n\na,b\n\n1,2\n   \n\r\n3,4\n\n\n");
	expect_record(c, 5, REC("1", "2"));
	expect_record(c, 8, REC("3", "4"));
	expect_end(c);
	csv_close(c);
	/* the header's own line appears in header messages */
	c = open_str("\na,b\n");
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(csv_expect_header(c, REC("a"), NULL, &ei), ERR_INVALID);
	assert_string_equal(ei.message, "line 2: unknown column \"b\" (column 2)");
	csv_close(c);
}

static void test_bom(void **state)
{
	(void)state;
	struct csv *c = open_str("\xEF\xBB\xBF"
	                         "姓名,电话\n张三,13800138000\n");
	assert_string_equal(csv_header(c, 0), "姓名");
	assert_null(csv_converted_from(c));
	expect_record(c, 2, REC("张三", "13800138000"));
	expect_end(c);
	csv_close(c);
	open_fails("\xEF\xBB\xBF", 3, NULL, ERR_INVALID, "the file is empty");
	open_fails("", 0, NULL, ERR_INVALID, "the file is empty");
	open_fails(NULL, 0, NULL, ERR_INVALID, "the file is empty");
	open_fails("\n\r\n  \n", 6, NULL, ERR_INVALID, "the file is empty");
}

/* Excel on Chinese Windows saves CSV in GBK: 姓名 = D0 D5 C3 FB (C6 D5 would be 普). */
static void test_gbk_converted(void **state)
{
	(void)state;
	const char gbk[] = "\xD0\xD5\xC3\xFB,\xC9\xED\xB7\xDD\xD6\xA4\xBA\xC5\r\n" /* 姓名,身份证号 */
	                   "\xD5\xC5\xC8\xFD,11010519491231002X\r\n"                 /* 张三 */
	                   "\"\xC0\xEE\xCB\xC4, \xCD\xF5\xCE\xE5\",440524188001010014\r\n"; /* 李四, 王五 */
	struct csv *c = open_ok(gbk, sizeof gbk - 1, NULL);
	assert_non_null(csv_converted_from(c));
	assert_string_equal(csv_converted_from(c), "GB18030");
	assert_string_equal(csv_header(c, 0), "姓名");
	assert_string_equal(csv_header(c, 1), "身份证号");
	assert_int_equal(csv_column_index(c, "身份证号"), 1);
	expect_record(c, 2, REC("张三", "11010519491231002X"));
	expect_record(c, 3, REC("李四, 王五", "440524188001010014"));
	expect_end(c);
	csv_close(c);

	/* a GB18030 four-byte sequence: 0x81 0x30 0x81 0x30 is U+0080 */
	const char four[] = "x\n\x81\x30\x81\x30\n";
	c = open_ok(four, sizeof four - 1, NULL);
	assert_string_equal(csv_converted_from(c), "GB18030");
	expect_record(c, 2, REC("\xC2\x80"));
	csv_close(c);
}

static void test_bad_encoding(void **state)
{
	(void)state;
	/* 0xFF is no lead byte in UTF-8 or GB18030 */
	const char ff[] = "name\nok\nbad \xFF here\n";
	open_fails(ff, sizeof ff - 1, NULL, ERR_INVALID,
	           "line 3: byte 0xFF is neither UTF-8 nor GB18030");
	/* GBK that breaks on line 3 (D5 FF): line 3, not line 1 where UTF-8 broke */
	const char gbk[] = "\xD0\xD5\xC3\xFB\n\xD5\xC5\n\xD5\xFF\n";
	open_fails(gbk, sizeof gbk - 1, NULL, ERR_INVALID, "line 3: byte 0xD5");
	/* a lead byte cut off by the end of the file */
	const char cut[] = "a\n\xD5";
	open_fails(cut, sizeof cut - 1, NULL, ERR_INVALID, "line 2: byte 0xD5");
	/* UTF-8 damaged on line 3: refused, not read as GB18030 mojibake (张三
	 * in UTF-8, E5 BC A0 E4 B8 89, happens to decode as GB18030) */
	const char damaged[] = "姓名,电话\n张三,138\n李\xFF四,139\n";
	open_fails(damaged, sizeof damaged - 1, NULL, ERR_INVALID,
	           "line 3: byte 0xFF is not UTF-8, though the text before it is");
	const char damaged2[] = "name\n张三丰\n\xB8\x89\n";
	open_fails(damaged2, sizeof damaged2 - 1, NULL, ERR_INVALID, "line 3: byte 0xB8 is not UTF-8");
	/* two wide characters are not yet evidence: GB18030 is tried */
	const char two[] = "\xC2\xA0\xC2\xA0,x\n\xD5\xC5\n";
	struct csv *c = open_ok(two, sizeof two - 1, NULL);
	assert_string_equal(csv_converted_from(c), "GB18030");
	csv_close(c);
	/* UTF-8 that is cut or overlong and GB18030 nonsense: 0x80 */
	const char mixed[] = "a\n\xE5\xBC\x80\n\x80\n";
	open_fails(mixed, sizeof mixed - 1, NULL, ERR_INVALID, "line 3: byte 0x80");
}

static void test_binary_refused(void **state)
{
	(void)state;
	const char nul[] = "a,b\n1,2\n3,\0\n";
	open_fails(nul, sizeof nul - 1, NULL, ERR_INVALID, "line 3: a NUL byte");
	const char utf16[] = "\xFF\xFE" "a\0,\0b\0";
	open_fails(utf16, sizeof utf16 - 1, NULL, ERR_INVALID, "UTF-16");
	const char utf16be[] = "\xFE\xFF\0a\0,\0b";
	open_fails(utf16be, sizeof utf16be - 1, NULL, ERR_INVALID, "UTF-16");
	const char xlsx[] = "PK\x03\x04\x14\0\0\0";
	open_fails(xlsx, sizeof xlsx - 1, NULL, ERR_INVALID, "save it as CSV");
}

static void test_unterminated_quote(void **state)
{
	(void)state;
	struct csv *c = open_str("a,b\n1,2\n3,\"open\nstill open\n4,5\n");
	expect_record(c, 2, REC("1", "2"));
	expect_error(c, ERR_INVALID, 3, "line 3: field 2 opens a quote that is never closed");
	/* the error sticks */
	expect_error(c, ERR_INVALID, 3, "line 3: field 2 opens a quote");
	csv_close(c);
	open_fails("\"a,b\n", 5, NULL, ERR_INVALID, "line 1: field 1 opens a quote");
	/* text after a closing quote */
	c = open_str("a,b\n\"x\"y,2\n");
	expect_error(c, ERR_INVALID, 2, "line 2: field 1 has text after its closing quote");
	csv_close(c);
	c = open_str("a,b\n1,\"x\n\"y\n");
	expect_error(c, ERR_INVALID, 3, "line 3: field 2 has text after its closing quote");
	csv_close(c);
}

static void test_field_count(void **state)
{
	(void)state;
	struct csv *c = open_str("a,b,c,d,e,f\n1,2,3,4,5,6\n1,2,3,4,5,6,7\n");
	expect_record(c, 2, REC("1", "2", "3", "4", "5", "6"));
	expect_error(c, ERR_INVALID, 3, "line 3: expected 6 fields, found 7");
	csv_close(c);
	c = open_str("a,b,c,d,e,f\n\"multi\nline\",2,3,4,5,6\n1,2\n");
	expect_record(c, 2, REC("multi\nline", "2", "3", "4", "5", "6"));
	expect_error(c, ERR_INVALID, 4, "line 4: expected 6 fields, found 2");
	csv_close(c);
	/* far too many: counted, not stored */
	struct strbuf sb;
	strbuf_init(&sb, 1 << 20);
	strbuf_adds(&sb, "a,b\n");
	for (int i = 0; i < 5000; i++)
		strbuf_adds(&sb, "x,");
	strbuf_adds(&sb, "x\n");
	c = open_ok(sb.buf, sb.len, NULL);
	expect_error(c, ERR_INVALID, 2, "expected 2 fields, found 5001");
	csv_close(c);
	strbuf_free(&sb);
}

static void test_limits(void **state)
{
	(void)state;
	struct csv_limits lim = {.max_rows = 2, .max_field_bytes = 6, .max_columns = 3};

	/* exactly two rows and six-byte fields pass */
	const char fit[] = "a,b,c\n123456,\"12\"\"456\",x\n1,2,3\n";
	struct csv *c = open_ok(fit, sizeof fit - 1, &lim);
	expect_record(c, 2, REC("123456", "12\"456", "x"));
	expect_record(c, 3, REC("1", "2", "3"));
	expect_end(c);
	csv_close(c);

	/* a third row */
	const char rows[] = "a,b,c\n1,2,3\n\"4\n\",5,6\n7,8,9\n";
	c = open_ok(rows, sizeof rows - 1, &lim);
	expect_record(c, 2, REC("1", "2", "3"));
	expect_record(c, 3, REC("4\n", "5", "6"));
	expect_error(c, ERR_TOO_LARGE, 5, "line 5: more than 2 rows");
	csv_close(c);

	/* a seven-byte field, measured after unquoting and trimming */
	const char field[] = "a,b,c\n  123456  ,\"1234567\",x\n";
	c = open_ok(field, sizeof field - 1, &lim);
	expect_error(c, ERR_TOO_LARGE, 2, "line 2: field 2 (b) is longer than 6 bytes");
	csv_close(c);
	const char mb[] = "a,b,c\n1,2,一二三\n";
	c = open_ok(mb, sizeof mb - 1, &lim);
	expect_error(c, ERR_TOO_LARGE, 2, "field 3 (c) is longer than 6 bytes");
	csv_close(c);

	/* the header obeys both field and column limits */
	open_fails("a,b,toolong\n", 12, &lim, ERR_TOO_LARGE, "line 1: field 3 is longer than 6");
	open_fails("a,b,c,d\n", 8, &lim, ERR_TOO_LARGE, "line 1: more than 3 columns");

	/* zero means the default */
	struct csv_limits zero = {0};
	c = open_ok("a\n1\n", 4, &zero);
	expect_record(c, 2, REC("1"));
	csv_close(c);
}

static void test_expect_header(void **state)
{
	(void)state;
	const char *const required[] = {"姓名", "身份证号", NULL};
	const char *const optional[] = {"电话", "备注", NULL};
	struct errinfo ei;
	struct csv *c;

	/* any order, optional columns present or not */
	c = open_str("身份证号,电话,姓名\n");
	assert_int_equal(csv_expect_header(c, required, optional, NULL), ERR_OK);
	csv_close(c);
	c = open_str("姓名,身份证号\n");
	assert_int_equal(csv_expect_header(c, required, optional, NULL), ERR_OK);
	assert_int_equal(csv_expect_header(c, required, NULL, NULL), ERR_OK);
	csv_close(c);

	err_clear(&ei);
	c = open_str("姓名,性别,身份证号,民族\n");
	assert_int_equal(csv_expect_header(c, required, optional, &ei), ERR_INVALID);
	assert_string_equal(ei.message, "line 1: unknown column \"性别\" (column 2)");
	csv_close(c);

	c = open_str("姓名,电话\n");
	assert_int_equal(csv_expect_header(c, required, optional, &ei), ERR_INVALID);
	assert_string_equal(ei.message, "line 1: missing column \"身份证号\"");
	csv_close(c);

	c = open_str("姓名,身份证号,姓名\n");
	assert_int_equal(csv_expect_header(c, required, optional, &ei), ERR_INVALID);
	assert_string_equal(ei.message, "line 1: column \"姓名\" appears twice (columns 1 and 3)");
	csv_close(c);

	c = open_str("姓名,,身份证号\n");
	assert_int_equal(csv_expect_header(c, required, optional, &ei), ERR_INVALID);
	assert_string_equal(ei.message, "line 1: column 2 has no name");
	csv_close(c);

	/* nothing required, nothing allowed */
	c = open_str("x\n");
	assert_int_equal(csv_expect_header(c, NULL, NULL, &ei), ERR_INVALID);
	assert_string_equal(ei.message, "line 1: unknown column \"x\" (column 1)");
	csv_close(c);

	/* a long name is cut between characters in the message */
	struct strbuf sb;
	strbuf_init(&sb, 4096);
	for (int i = 0; i < 100; i++)
		strbuf_adds(&sb, "名");
	strbuf_adds(&sb, "\n");
	c = open_ok(sb.buf, sb.len, NULL);
	assert_int_equal(csv_expect_header(c, required, NULL, &ei), ERR_INVALID);
	assert_non_null(strstr(ei.message, "unknown column \"名名"));
	assert_non_null(strstr(ei.message, "名\" (column 1)"));
	csv_close(c);
	strbuf_free(&sb);
}

static void test_write_field(void **state)
{
	(void)state;
	static const char *const values[] = {
		"plain", "", "a,b", "say \"hi\"", "two\nlines", "cr\rlf", " lead", "trail\t",
		"\"", "张三", "11010519491231002X", NULL,
	};
	struct strbuf sb;
	strbuf_init(&sb, 4096);
	for (int i = 0; values[i] != NULL; i++) {
		if (i > 0)
			strbuf_adds(&sb, ",");
		assert_int_equal(csv_write_field(&sb, values[i]), 0);
	}
	assert_string_equal(sb.buf, "plain,,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rlf\","
	                            "\" lead\",\"trail\t\",\"\"\"\",张三,11010519491231002X");
	assert_int_equal(csv_write_field(&sb, NULL), 0);

	/* what the writer writes, the reader reads back */
	struct strbuf doc;
	strbuf_init(&doc, 8192);
	for (int i = 0; values[i] != NULL; i++) {
		if (i > 0)
			strbuf_adds(&doc, ",");
		strbuf_addf(&doc, "c%d", i);
	}
	strbuf_adds(&doc, "\r\n");
	strbuf_add(&doc, sb.buf, sb.len);
	strbuf_adds(&doc, "\r\n");
	struct csv *c = open_ok(doc.buf, doc.len, NULL);
	expect_record(c, 2, values);
	expect_end(c);
	csv_close(c);
	strbuf_free(&doc);

	/* overflow is reported */
	strbuf_reset(&sb);
	sb.max = 4;
	assert_int_equal(csv_write_field(&sb, "abcdef"), -1);
	strbuf_reset(&sb);
	assert_int_equal(csv_write_field(&sb, "a\"b"), -1);
	strbuf_free(&sb);
}

/* Short random texts over the bytes that matter: every one ends in a clean
 * end or a clean error, never past the buffer (ASan watches). */
static void test_random_input(void **state)
{
	(void)state;
	static const char alphabet[] = {',', '"', '\n', '\r', ' ', '\t', 'a', 'b'};
	char buf[64];
	uint32_t seed = 12345;
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = 0;
		seed = seed * 1103515245u + 12345u;
		size_t n = (seed >> 16) % sizeof buf;
		for (; len < n; len++) {
			seed = seed * 1103515245u + 12345u;
			buf[len] = alphabet[(seed >> 16) % sizeof alphabet];
		}
		/* an exact-size heap copy, so a read past the end is caught */
		char *copy = malloc(len ? len : 1);
		assert_non_null(copy);
		memcpy(copy, buf, len);
		struct csv_limits lim = {.max_rows = 8, .max_field_bytes = 8, .max_columns = 8};
		struct csv *c = NULL;
		if (csv_open(copy, len, &lim, &c, NULL) == ERR_OK) {
			const char **f;
			const size_t *flen;
			int line, r;
			while ((r = csv_next(c, &f, &flen, &line, NULL)) == 1)
				for (int i = 0; i < csv_columns(c); i++)
					assert_int_equal(strlen(f[i]), flen[i]);
			assert_true(r == 0 || r == -1);
			csv_close(c);
		}
		free(copy);
	}
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 50 MB of register-like rows: opened and read to the end. The speed is
 * printed for people (this build has ASan and UBSan on), never asserted. */
static void test_speed(void **state)
{
	(void)state;
	const size_t target = 50u * 1024 * 1024;
	struct strbuf sb;
	strbuf_init(&sb, target + 4096);
	strbuf_adds(&sb, "姓名,身份证号,电话,地址,备注,登记日期\r\n");
	size_t rows = 0;
	while (sb.len < target) {
		strbuf_addf(&sb,
		            "张三%zu,11010519491231002X,1380013%04zu,北京市朝阳区建国路%zu号院3号楼2单元"
		            "501,\"备注, 含逗号 \"\"引号\"\"\",2024-01-%02zu\r\n",
		            rows, rows % 10000, rows % 300, rows % 28 + 1);
		rows++;
	}
	assert_false(sb.overflow);

	struct csv_limits lim = {.max_rows = rows};
	double t0 = now_s();
	struct csv *c = open_ok(sb.buf, sb.len, &lim);
	double t1 = now_s();
	const char **f;
	const size_t *len;
	int line, r;
	size_t seen = 0, bytes = 0;
	while ((r = csv_next(c, &f, &len, &line, NULL)) == 1) {
		seen++;
		bytes += len[4];
	}
	double t2 = now_s();
	assert_int_equal(r, 0);
	assert_int_equal(seen, rows);
	assert_int_equal(bytes, rows * strlen("备注, 含逗号 \"引号\""));
	assert_int_equal(line, (int)rows + 1);
	csv_close(c);

	double mb = (double)sb.len / (1024.0 * 1024.0);
	printf("# note: csv %.1f MB, %zu rows: open (copy, NUL and UTF-8 check) %.0f ms, "
	       "records %.0f ms, %.0f MB/s overall (ASan+UBSan build)\n",
	       mb, rows, (t1 - t0) * 1e3, (t2 - t1) * 1e3, mb / (t2 - t0));
	strbuf_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_empty_fields),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_embedded_newlines),
		cmocka_unit_test(test_trim),
		cmocka_unit_test(test_blank_lines),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_gbk_converted),
		cmocka_unit_test(test_bad_encoding),
		cmocka_unit_test(test_binary_refused),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_field_count),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_expect_header),
		cmocka_unit_test(test_write_field),
		cmocka_unit_test(test_random_input),
		cmocka_unit_test(test_speed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
