/* Unit tests for src/util/xlsx.c: a Chinese export read back with unzip,
 * text cells for IDs and phones, the header's bold, freeze and autofilter,
 * Excel's limits, bad input, temporary files cleaned up, and a 100,000-row
 * export. The .c is included to reach the row counter for the row limit. */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/strbuf.h"
#include "util/xlsx.c"

static char tmpdir[64];

static int set_tmpdir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/linli-test-xlsx-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	return setenv("TMPDIR", tmpdir, 1);
}

static int remove_tmpdir(void **state)
{
	(void)state;
	return rmdir(tmpdir);
}

/* Entries in a directory, "." and ".." aside. */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	if (d == NULL)
		return -1;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* Open descriptors of this process. */
static int count_fds(void)
{
	return count_entries("/proc/self/fd");
}

static struct xlsx *open_ok(const char *name)
{
	struct xlsx *x = NULL;
	struct errinfo ei;
	err_clear(&ei);
	if (xlsx_open(name, &x, &ei) != ERR_OK)
		fail_msg("xlsx_open: %s", ei.message);
	return x;
}

static void finish_ok(struct xlsx *x, char **data, size_t *len)
{
	struct errinfo ei;
	err_clear(&ei);
	if (xlsx_finish(x, data, len, &ei) != ERR_OK)
		fail_msg("xlsx_finish: %s", ei.message);
	assert_non_null(*data);
	assert_true(*len > 4);
	assert_memory_equal(*data, "PK\x03\x04", 4);
}

/* One member of the zip in data, through unzip -p; false without unzip. */
static bool unzip_member(const char *data, size_t len, const char *member, struct strbuf *out)
{
	if (access("/usr/bin/unzip", X_OK) != 0)
		return false;
	char path[128], cmd[256];
	snprintf(path, sizeof path, "%s/check.xlsx", tmpdir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	snprintf(cmd, sizeof cmd, "/usr/bin/unzip -p '%s' '%s' 2>/dev/null", path, member);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, p)) > 0)
		assert_int_equal(strbuf_add(out, buf, n), 0);
	pclose(p);
	unlink(path);
	return true;
}

static void assert_contains(const struct strbuf *sb, const char *want)
{
	if (sb->buf == NULL || strstr(sb->buf, want) == NULL)
		fail_msg("missing: %s", want);
}

static void test_chinese_export(void **state)
{
	(void)state;
	static const char *const titles[] = {"姓名", "身份证号", "电话", "地址"};
	static const char *const rows[3][4] = {
		{"张三", "11010519491231002X", "13800138000", "北京市朝阳区建国路1号"},
		{"李四", "440524188001010014", "13900139000", "广东省汕头市"},
		{"王五", "000123", NULL, "<&> \"引号\""},
	};
	struct xlsx *x = open_ok("居民登记");
	assert_int_equal(xlsx_header(x, titles, 4), ERR_OK);
	for (int i = 0; i < 3; i++)
		assert_int_equal(xlsx_row(x, rows[i], 4), ERR_OK);
	char *data = NULL;
	size_t len = 0;
	finish_ok(x, &data, &len);
	/* the temporary file is gone */
	assert_int_equal(count_entries(tmpdir), 0);

	struct strbuf sheet, styles, book;
	strbuf_init(&sheet, 1 << 20);
	strbuf_init(&styles, 1 << 20);
	strbuf_init(&book, 1 << 20);
	if (!unzip_member(data, len, "xl/worksheets/sheet1.xml", &sheet)) {
		printf("# note: no /usr/bin/unzip; the contents are not checked\n");
	} else {
		/* Constant-memory mode writes strings inline in the sheet, not in
		 * xl/sharedStrings.xml, so the sheet is where they are. */
		for (int i = 0; i < 4; i++)
			assert_contains(&sheet, titles[i]);
		assert_contains(&sheet, "<t>张三</t>");
		assert_contains(&sheet, "<t>北京市朝阳区建国路1号</t>");
		assert_contains(&sheet, "&lt;&amp;&gt; \"引号\"");
		/* IDs, phones and leading zeros stay text */
		assert_contains(&sheet, "t=\"inlineStr\"><is><t>11010519491231002X</t>");
		assert_contains(&sheet, "t=\"inlineStr\"><is><t>13800138000</t>");
		assert_contains(&sheet, "t=\"inlineStr\"><is><t>000123</t>");
		assert_null(strstr(sheet.buf, "<v>"));
		/* the header: frozen, filtered over all rows, bold (style 1) */
		assert_contains(&sheet, "state=\"frozen\"");
		assert_contains(&sheet, "<autoFilter ref=\"A1:D4\"/>");
		assert_contains(&sheet, "<c r=\"A1\" s=\"1\" t=\"inlineStr\">");
		assert_contains(&sheet, "numberStoredAsText=\"1\"");
		/* widths: 身份证号 (18 characters + 2) and a CJK address */
		assert_contains(&sheet, "<col min=\"2\" max=\"2\" width=\"20.");
		assert_contains(&sheet, "<col min=\"4\" max=\"4\" width=\"23.");
		assert_true(unzip_member(data, len, "xl/styles.xml", &styles));
		assert_contains(&styles, "<b/>");
		assert_true(unzip_member(data, len, "xl/workbook.xml", &book));
		assert_contains(&book, "name=\"居民登记\"");
	}
	strbuf_free(&sheet);
	strbuf_free(&styles);
	strbuf_free(&book);
	free(data);
}

static void test_no_header(void **state)
{
	(void)state;
	struct xlsx *x = open_ok(NULL);
	static const char *const row[] = {"a", "b"};
	assert_int_equal(xlsx_row(x, row, 2), ERR_OK);
	/* a header after rows is a programming error, refused */
	assert_int_equal(xlsx_header(x, row, 2), ERR_INTERNAL);
	assert_int_equal(xlsx_row(x, row, 0), ERR_OK);
	char *data;
	size_t len;
	finish_ok(x, &data, &len);
	struct strbuf sheet, book;
	strbuf_init(&sheet, 1 << 20);
	strbuf_init(&book, 1 << 20);
	if (unzip_member(data, len, "xl/worksheets/sheet1.xml", &sheet)) {
		assert_null(strstr(sheet.buf, "autoFilter"));
		assert_null(strstr(sheet.buf, "frozen"));
		assert_true(unzip_member(data, len, "xl/workbook.xml", &book));
		assert_contains(&book, "name=\"Sheet1\"");
	}
	strbuf_free(&sheet);
	strbuf_free(&book);
	free(data);
	assert_int_equal(count_entries(tmpdir), 0);
}

static void test_bad_input(void **state)
{
	(void)state;
	struct xlsx *x = NULL;
	struct errinfo ei;

	/* sheet names Excel refuses */
	err_clear(&ei);
	assert_int_equal(xlsx_open("a/b", &x, &ei), ERR_INVALID);
	assert_null(x);
	assert_string_equal(ei.field, "sheet_name");
	assert_int_equal(xlsx_open("0123456789012345678901234567890123", &x, NULL), ERR_INVALID);
	assert_int_equal(count_entries(tmpdir), 0);

	x = open_ok("s");
	static const char *const bad_utf8[] = {"ok", "\xC3\x28"};
	assert_int_equal(xlsx_row(x, bad_utf8, 2), ERR_INVALID);
	assert_int_equal(xlsx_row(x, NULL, -1), ERR_INTERNAL);
	assert_int_equal(xlsx_row(x, NULL, 1), ERR_INTERNAL);

	/* Excel's 32,767 characters per cell, counted in characters */
	struct strbuf sb;
	strbuf_init(&sb, 1 << 20);
	for (int i = 0; i < XLSX_CELL_CHARS_MAX; i++)
		strbuf_adds(&sb, "字");
	const char *cell[] = {sb.buf};
	assert_int_equal(xlsx_row(x, cell, 1), ERR_OK);
	strbuf_adds(&sb, "字");
	cell[0] = sb.buf;
	assert_int_equal(xlsx_row(x, cell, 1), ERR_TOO_LARGE);
	strbuf_free(&sb);

	/* 16,384 columns fit, one more does not */
	const char **wide = calloc(XLSX_MAX_COLUMNS + 1, sizeof *wide);
	assert_non_null(wide);
	wide[0] = "first";
	wide[XLSX_MAX_COLUMNS - 1] = "last";
	assert_int_equal(xlsx_row(x, wide, XLSX_MAX_COLUMNS), ERR_OK);
	assert_int_equal(xlsx_row(x, wide, XLSX_MAX_COLUMNS + 1), ERR_TOO_LARGE);
	free(wide);

	xlsx_abort(x);
	xlsx_abort(NULL);
	assert_int_equal(count_entries(tmpdir), 0);
}

/* Aborting after rows leaves no file and no descriptor behind. */
static void test_abort_cleans_up(void **state)
{
	(void)state;
	static const char *const row[] = {"张三", "11010519491231002X"};
	int before = count_fds();
	for (int k = 0; k < 5; k++) {
		struct xlsx *x = open_ok("s");
		assert_int_equal(xlsx_header(x, row, 2), ERR_OK);
		for (int i = 0; i < 100; i++)
			assert_int_equal(xlsx_row(x, row, 2), ERR_OK);
		xlsx_abort(x);
	}
	assert_int_equal(count_fds(), before);
	assert_int_equal(count_entries(tmpdir), 0);
	/* and finishing leaves none either */
	struct xlsx *x = open_ok("s");
	assert_int_equal(xlsx_row(x, row, 2), ERR_OK);
	char *data;
	size_t len;
	finish_ok(x, &data, &len);
	free(data);
	assert_int_equal(count_fds(), before);
}

/* Row 1,048,576 is Excel's last; the counter is moved there rather than
 * writing a million rows. */
static void test_row_limit(void **state)
{
	(void)state;
	static const char *const titles[] = {"姓名"};
	static const char *const row[] = {"张三"};
	struct xlsx *x = open_ok("big");
	assert_int_equal(xlsx_header(x, titles, 1), ERR_OK);
	assert_int_equal(xlsx_row(x, row, 1), ERR_OK);
	x->rows = XLSX_MAX_ROWS - 1;
	assert_int_equal(xlsx_row(x, row, 1), ERR_OK);
	assert_int_equal(xlsx_row(x, row, 1), ERR_TOO_LARGE);
	char *data;
	size_t len;
	finish_ok(x, &data, &len);
	struct strbuf sheet;
	strbuf_init(&sheet, 1 << 20);
	if (unzip_member(data, len, "xl/worksheets/sheet1.xml", &sheet)) {
		assert_contains(&sheet, "<row r=\"1048576\"");
		assert_contains(&sheet, "<autoFilter ref=\"A1:A1048576\"/>");
	}
	strbuf_free(&sheet);
	free(data);
}

static void test_no_tmpdir(void **state)
{
	(void)state;
	struct xlsx *x = NULL;
	struct errinfo ei;
	err_clear(&ei);
	setenv("TMPDIR", "/nonexistent/linli", 1);
	assert_int_equal(xlsx_open("s", &x, &ei), ERR_INTERNAL);
	assert_null(x);
	assert_non_null(strstr(ei.message, "/nonexistent/linli"));
	setenv("TMPDIR", tmpdir, 1);
}

static void test_100k_rows(void **state)
{
	(void)state;
	static const char *const titles[] = {"姓名", "身份证号", "电话", "地址", "网格"};
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct xlsx *x = open_ok("居民");
	assert_int_equal(xlsx_header(x, titles, 5), ERR_OK);
	for (unsigned i = 0; i < 100000; i++) {
		char name[32], id[32], phone[32], addr[96], grid[32];
		snprintf(name, sizeof name, "居民%u", i);
		snprintf(id, sizeof id, "110105199%07u", i);
		snprintf(phone, sizeof phone, "138%08u", i);
		snprintf(addr, sizeof addr, "北京市朝阳区建国路%u号院%u号楼", i % 500, i % 20);
		snprintf(grid, sizeof grid, "110105001001%03u", i % 1000);
		const char *row[] = {name, id, phone, addr, grid};
		assert_int_equal(xlsx_row(x, row, 5), ERR_OK);
	}
	char *data;
	size_t len;
	finish_ok(x, &data, &len);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("# note: xlsx 100,000 rows x 5 cells: %.2f s, %.1f MB (ASan+UBSan build)\n", s,
	       (double)len / (1024.0 * 1024.0));
	free(data);
	assert_int_equal(count_entries(tmpdir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chinese_export),
		cmocka_unit_test(test_no_header),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_abort_cleans_up),
		cmocka_unit_test(test_row_limit),
		cmocka_unit_test(test_no_tmpdir),
		cmocka_unit_test(test_100k_rows),
	};

	return cmocka_run_group_tests(tests, set_tmpdir, remove_tmpdir);
}
