/* Unit tests for the working calendar: src/domain/calendar.c's rules on top
 * of src/store/calendar.c, against a fresh migrated database on the
 * environment's backend (fixture.h: PostgreSQL if LINLI_TEST_PG is set,
 * else a SQLite file in a temporary directory). Which kinds fit which days,
 * listing with defaults, resetting, deadlines that skip a stored holiday,
 * and the all-or-nothing CSV import. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/audit.h"
#include "auth/users.h"
#include "domain/calendar.h"
#include "fixture.h"
#include "limits.h"
#include "store/audit.h"
#include "util/log.h"

struct db {
	struct fx_db fx; /* first: fx_teardown frees it */
	struct store *st;
	struct office_hours oh;
	struct identity who;  /* the command line's identity */
	struct actor actor;   /* every write is audited in its name */
};

/* A migrated database on the environment's backend, and office hours. */
static int setup(void **state)
{
	struct db *d = calloc(1, sizeof *d);
	*state = NULL;
	if (d == NULL)
		return -1;
	struct store_options opt = {.readers = 2, .pool_size = 4, .create = true};
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = ERR_INTERNAL;
	if (fx_db_create(&d->fx, fx_default_backend()) == 0 &&
	    (rc = fx_db_open_opt(&d->fx, &opt, &ei)) == ERR_OK)
		rc = store_migrate(d->fx.st, NULL, &ei);
	if (rc != ERR_OK || office_hours_parse("08:30-12:00,14:00-17:30", &d->oh) != ERR_OK ||
	    tz_parse("Asia/Shanghai", &d->oh.tz_offset_min) != ERR_OK) {
		print_message("# setting up %s: %d %s\n", d->fx.url, rc, ei.message);
		fx_db_destroy(&d->fx);
		free(d);
		return -1;
	}
	d->st = d->fx.st;
	users_cli_identity(&d->who);
	d->actor = (struct actor){.who = &d->who, .login = "cli", .address = "", .request_id = "t"};
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	return fx_teardown(state);
}

static int32_t day(const char *s)
{
	int32_t d = 0;
	assert_int_equal(date_parse(s, strlen(s), &d), ERR_OK);
	return d;
}

static int64_t at(const char *s)
{
	int64_t t = 0;
	assert_int_equal(instant_parse(s, strlen(s), &t), ERR_OK);
	return t;
}

static void assert_instant(int64_t t, const char *want)
{
	char buf[32];
	instant_format(t, 480, buf);
	assert_string_equal(buf, want);
}

/* The stored and default state of one day, read back through calendar_list. */
static struct calendar_day get_day(struct db *d, const char *date)
{
	struct calendar_day *days = NULL;
	assert_int_equal(calendar_list(d->st, day(date), day(date), &days, NULL), ERR_OK);
	struct calendar_day one = days[0];
	free(days);
	return one;
}

static enum err set(struct db *d, const char *date, enum day_kind kind, const char *name,
                    struct errinfo *ei)
{
	struct calendar_day out;
	if (ei != NULL)
		err_clear(ei);
	return calendar_set(d->st, &d->actor, day(date), kind, name, &out, ei);
}

/* --- calendar_set ------------------------------------------------------------ */

/* 2026-11-23 is a Monday, 2026-11-28 a Saturday, 2026-11-29 a Sunday. */
static void test_set_weekend_kinds_only_on_weekends(void **state)
{
	struct db *d = *state;
	struct errinfo ei;
	assert_int_equal(set(d, "2026-11-23", DAY_WEEKEND, "", &ei), ERR_UNPROCESSABLE);
	assert_string_equal(ei.field, "kind");
	assert_int_equal(set(d, "2026-11-27", DAY_ADJUSTED_WORKDAY, "调休", &ei), ERR_UNPROCESSABLE);
	assert_string_equal(ei.field, "kind");
	/* nothing was stored by the refused calls */
	assert_false(get_day(d, "2026-11-23").stored);
	assert_false(get_day(d, "2026-11-27").stored);
	/* Saturday and Sunday take both */
	assert_int_equal(set(d, "2026-11-28", DAY_ADJUSTED_WORKDAY, "调休上班", &ei), ERR_OK);
	assert_int_equal(set(d, "2026-11-29", DAY_WEEKEND, "", &ei), ERR_OK);
	struct calendar_day sat = get_day(d, "2026-11-28");
	assert_true(sat.stored);
	assert_int_equal(sat.kind, DAY_ADJUSTED_WORKDAY);
	assert_string_equal(sat.name, "调休上班");
}

static void test_set_holiday_any_day(void **state)
{
	struct db *d = *state;
	static const char *const dates[] = {"2026-11-23", "2026-11-25", "2026-11-27", "2026-11-28",
	                                    "2026-11-29", NULL};
	struct calendar_day out;
	for (const char *const *p = dates; *p != NULL; p++) {
		memset(&out, 0, sizeof out);
		assert_int_equal(calendar_set(d->st, &d->actor, day(*p), DAY_HOLIDAY, "假日", &out, NULL),
		                 ERR_OK);
		assert_int_equal(out.date, day(*p));
		assert_int_equal(out.kind, DAY_HOLIDAY);
		assert_true(out.stored);
		assert_string_equal(out.name, "假日");
		assert_int_equal(get_day(d, *p).kind, DAY_HOLIDAY);
	}
}

/* Setting a day again replaces it (one row per date). */
static void test_set_replaces(void **state)
{
	struct db *d = *state;
	assert_int_equal(set(d, "2026-10-01", DAY_HOLIDAY, "国庆节", NULL), ERR_OK);
	assert_int_equal(set(d, "2026-10-01", DAY_WORKDAY, "", NULL), ERR_OK);
	struct calendar_day got = get_day(d, "2026-10-01");
	assert_true(got.stored);
	assert_int_equal(got.kind, DAY_WORKDAY);
	assert_string_equal(got.name, "");
	/* a NULL name is an empty name */
	assert_int_equal(set(d, "2026-10-02", DAY_HOLIDAY, NULL, NULL), ERR_OK);
	assert_string_equal(get_day(d, "2026-10-02").name, "");
}

/* Boundary: a name of CALENDAR_NAME_MAX characters (not bytes) is kept whole. */
static void test_set_name_length(void **state)
{
	struct db *d = *state;
	char name[CALENDAR_NAME_MAX * 3 + 4] = "";
	for (int i = 0; i < CALENDAR_NAME_MAX; i++)
		strcat(name, "节");
	assert_int_equal(set(d, "2026-10-01", DAY_HOLIDAY, name, NULL), ERR_OK);
	assert_string_equal(get_day(d, "2026-10-01").name, name);
	strcat(name, "节");
	struct errinfo ei;
	assert_int_equal(set(d, "2026-10-02", DAY_HOLIDAY, name, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "name");
	assert_false(get_day(d, "2026-10-02").stored);
}

static void test_set_unknown_kind(void **state)
{
	struct db *d = *state;
	struct errinfo ei;
	assert_int_equal(set(d, "2026-10-01", DAY__MAX, "", &ei), ERR_INVALID);
	assert_string_equal(ei.field, "kind");
}

/* --- calendar_list and calendar_reset -------------------------------------------- */

static void test_list_defaults_and_stored(void **state)
{
	struct db *d = *state;
	assert_int_equal(set(d, "2026-11-24", DAY_HOLIDAY, "测试假日", NULL), ERR_OK);
	struct calendar_day *days = NULL;
	assert_int_equal(calendar_list(d->st, day("2026-11-23"), day("2026-11-29"), &days, NULL),
	                 ERR_OK);
	assert_non_null(days);
	static const enum day_kind want[7] = {DAY_WORKDAY, DAY_HOLIDAY, DAY_WORKDAY, DAY_WORKDAY,
	                                      DAY_WORKDAY, DAY_WEEKEND, DAY_WEEKEND};
	for (int i = 0; i < 7; i++) {
		assert_int_equal(days[i].date, day("2026-11-23") + i);
		assert_int_equal(days[i].kind, want[i]);
		assert_int_equal(days[i].stored, i == 1);
	}
	assert_string_equal(days[1].name, "测试假日");
	assert_string_equal(days[0].name, "");
	free(days);
}

/* Boundary: LIMIT_CALENDAR_RANGE_DAYS days at once, and one more is refused. */
static void test_list_range_limit(void **state)
{
	struct db *d = *state;
	struct calendar_day *days = NULL;
	struct errinfo ei;
	int32_t from = day("2026-01-01");
	assert_int_equal(calendar_list(d->st, from, from + LIMIT_CALENDAR_RANGE_DAYS - 1, &days, NULL),
	                 ERR_OK);
	assert_int_equal(days[LIMIT_CALENDAR_RANGE_DAYS - 1].date, from + LIMIT_CALENDAR_RANGE_DAYS - 1);
	free(days);
	days = (struct calendar_day *)(uintptr_t)1;
	err_clear(&ei);
	assert_int_equal(calendar_list(d->st, from, from + LIMIT_CALENDAR_RANGE_DAYS, &days, &ei),
	                 ERR_INVALID);
	assert_string_equal(ei.field, "to");
	assert_null(days);
	/* to before from */
	err_clear(&ei);
	assert_int_equal(calendar_list(d->st, from, from - 1, &days, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "to");
	/* a single day */
	assert_int_equal(calendar_list(d->st, from, from, &days, NULL), ERR_OK);
	assert_int_equal(days[0].kind, DAY_WORKDAY); /* a Thursday */
	assert_false(days[0].stored);
	free(days);
}

static void test_reset(void **state)
{
	struct db *d = *state;
	struct calendar_day out;
	assert_int_equal(set(d, "2026-11-28", DAY_ADJUSTED_WORKDAY, "调休", NULL), ERR_OK);
	memset(&out, 0x55, sizeof out);
	assert_int_equal(calendar_reset(d->st, &d->actor, day("2026-11-28"), &out, NULL), ERR_OK);
	assert_int_equal(out.date, day("2026-11-28"));
	assert_int_equal(out.kind, DAY_WEEKEND);
	assert_false(out.stored);
	assert_string_equal(out.name, "");
	struct calendar_day got = get_day(d, "2026-11-28");
	assert_false(got.stored);
	assert_int_equal(got.kind, DAY_WEEKEND);
	/* resetting a day that was never set is fine */
	assert_int_equal(calendar_reset(d->st, &d->actor, day("2026-11-23"), &out, NULL), ERR_OK);
	assert_int_equal(out.kind, DAY_WORKDAY);
}

/* --- calendar_deadline ------------------------------------------------------------- */

static void test_deadline_skips_stored_holiday(void **state)
{
	struct db *d = *state;
	int64_t end = 0;
	int64_t start = at("2026-11-23T16:00+08:00"); /* Monday */
	/* without the holiday: 90 minutes on Monday, 30 on Tuesday */
	assert_int_equal(calendar_deadline(d->st, &d->oh, start, 120, 0, &end, NULL), ERR_OK);
	assert_instant(end, "2026-11-24T09:00:00+08:00");
	assert_int_equal(set(d, "2026-11-24", DAY_HOLIDAY, "", NULL), ERR_OK);
	assert_int_equal(calendar_deadline(d->st, &d->oh, start, 120, 0, &end, NULL), ERR_OK);
	assert_instant(end, "2026-11-25T09:00:00+08:00");
	/* in working days: the close of Wednesday, not Tuesday */
	assert_int_equal(calendar_deadline(d->st, &d->oh, start, 0, 1, &end, NULL), ERR_OK);
	assert_instant(end, "2026-11-25T17:30:00+08:00");
	/* an adjusted Saturday counts as a working day */
	assert_int_equal(set(d, "2026-11-28", DAY_ADJUSTED_WORKDAY, "", NULL), ERR_OK);
	assert_int_equal(calendar_deadline(d->st, &d->oh, at("2026-11-27T17:00+08:00"), 60, 0, &end,
	                                   NULL),
	                 ERR_OK);
	assert_instant(end, "2026-11-28T09:00:00+08:00");
}

static void test_deadline_needs_one_limit(void **state)
{
	struct db *d = *state;
	int64_t end = 0;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(calendar_deadline(d->st, &d->oh, at("2026-11-23T09:00+08:00"), 60, 1, &end,
	                                   &ei),
	                 ERR_INVALID);
	assert_string_equal(ei.field, "working_hours");
	assert_int_equal(calendar_deadline(d->st, &d->oh, at("2026-11-23T09:00+08:00"), 0, 0, &end,
	                                   NULL),
	                 ERR_INVALID);
}

/* The walk loads the calendar in windows of days; holidays beyond the first
 * window still count. The reference answers from an in-memory list. */
static const char *const far_holidays[] = {"2026-12-01", "2027-02-15", "2027-02-16",
                                           "2027-03-31", "2027-05-04", NULL};

static enum err far_kind(void *ctx, int32_t date, enum day_kind *out)
{
	(void)ctx;
	for (const char *const *p = far_holidays; *p != NULL; p++)
		if (day(*p) == date) {
			*out = DAY_HOLIDAY;
			return ERR_OK;
		}
	*out = day_kind_default(date);
	return ERR_OK;
}

static void test_deadline_beyond_first_window(void **state)
{
	struct db *d = *state;
	for (const char *const *p = far_holidays; *p != NULL; p++)
		assert_int_equal(set(d, *p, DAY_HOLIDAY, "", NULL), ERR_OK);
	int64_t start = at("2026-11-23T10:00+08:00");
	int64_t end = 0, want = 0;
	for (int days = 1; days <= 150; days += 7) {
		assert_int_equal(calendar_deadline(d->st, &d->oh, start, 0, days, &end, NULL), ERR_OK);
		assert_int_equal(worktime_add_days(&d->oh, far_kind, NULL, start, days, &want), ERR_OK);
		assert_int_equal(end, want);
	}
	assert_int_equal(calendar_deadline(d->st, &d->oh, start, 2000 * 60, 0, &end, NULL), ERR_OK);
	assert_int_equal(worktime_add_minutes(&d->oh, far_kind, NULL, start, 2000 * 60, &want), ERR_OK);
	assert_int_equal(end, want);
}

/* --- calendar_import_csv --------------------------------------------------------------- */

static int count_stored(struct db *d, const char *from, const char *to)
{
	struct calendar_day *days = NULL;
	assert_int_equal(calendar_list(d->st, day(from), day(to), &days, NULL), ERR_OK);
	int n = 0;
	for (int32_t i = 0; i <= day(to) - day(from); i++)
		n += days[i].stored;
	free(days);
	return n;
}

static void test_import_ok_with_header_and_comments(void **state)
{
	struct db *d = *state;
	static const char csv[] = "date,kind,name\n"
	                          "# 2026 国庆节\n"
	                          "2026-09-20,adjusted_workday,国庆节调休\n"
	                          "\n"
	                          "2026-10-01,holiday,国庆节\r\n"
	                          "2026-10-02,holiday\n"
	                          "# done\n"
	                          "2026-10-10,adjusted_workday,";
	int count = -1;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(calendar_import_csv(d->st, &d->actor, csv, strlen(csv), &count, &ei), ERR_OK);
	assert_int_equal(count, 4);
	assert_int_equal(count_stored(d, "2026-09-01", "2026-10-31"), 4);
	struct calendar_day got = get_day(d, "2026-10-01");
	assert_int_equal(got.kind, DAY_HOLIDAY);
	assert_string_equal(got.name, "国庆节"); /* the \r is not part of the name */
	assert_string_equal(get_day(d, "2026-10-02").name, "");
	assert_int_equal(get_day(d, "2026-09-20").kind, DAY_ADJUSTED_WORKDAY);
}

/* A bad line anywhere means nothing is written, and the error names the line. */
static void test_import_all_or_nothing(void **state)
{
	struct db *d = *state;
	static const char csv[] = "date,kind,name\n"
	                          "2026-10-01,holiday,国庆节\n"
	                          "2026-10-02,vacation,国庆节\n"
	                          "2026-10-03,holiday,国庆节\n";
	int count = -1;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(calendar_import_csv(d->st, &d->actor, csv, strlen(csv), &count, &ei),
	                 ERR_INVALID);
	assert_int_equal(count, 0);
	if (strstr(ei.message, "line 3") == NULL)
		fail_msg("the error does not name line 3: %s", ei.message);
	assert_int_equal(count_stored(d, "2026-09-01", "2026-10-31"), 0);
}

static void import_fails_on_line(struct db *d, const char *csv, const char *line,
                                 const char *field)
{
	int count = -1;
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = calendar_import_csv(d->st, &d->actor, csv, strlen(csv), &count, &ei);
	if (rc != ERR_INVALID)
		fail_msg("import gave %d (%d days written), want ERR_INVALID at %s", rc, count, line);
	assert_int_equal(count, 0);
	if (strstr(ei.message, line) == NULL)
		fail_msg("the error does not name %s: %s", line, ei.message);
	if (field != NULL)
		assert_string_equal(ei.field, field);
}

static void test_import_bad_lines(void **state)
{
	struct db *d = *state;
	/* a bad date, a missing comma, a rule broken, a name too long */
	import_fails_on_line(d, "2026-10-01,holiday,a\n2026-02-29,holiday,b\n", "line 2", "date");
	import_fails_on_line(d, "# c\n2026-10-01 holiday\n", "line 2", "line");
	import_fails_on_line(d, "2026-10-01,holiday,\n2026-11-23,weekend,\n", "line 2", "kind");
	char csv[600] = "date,kind,name\n2026-10-01,holiday,";
	for (int i = 0; i <= CALENDAR_NAME_MAX; i++)
		strcat(csv, "节");
	strcat(csv, "\n");
	import_fails_on_line(d, csv, "line 2", "name");
	/* the header is only skipped as the first line */
	import_fails_on_line(d, "2026-10-01,holiday,a\ndate,kind,name\n", "line 2", "date");
	assert_int_equal(count_stored(d, "2026-09-01", "2026-11-30"), 0);
}

/* Names from the file reach JSON replies later: invalid UTF-8 must be
 * refused here, as the API refuses it, naming the line. */
static void test_import_refuses_invalid_utf8_name(void **state)
{
	struct db *d = *state;
	import_fails_on_line(d, "2026-10-01,holiday,国庆节\n2026-10-02,holiday,\xe5\x9b\n", "line 2",
	                     "name");
	import_fails_on_line(d, "2026-10-01,holiday,\xc0\xaf\n", "line 1", "name");
	assert_int_equal(count_stored(d, "2026-09-01", "2026-10-31"), 0);
}

/* Writes n lines "date,holiday," for n consecutive days from 1950-01-01. */
static char *many_days_csv(int n, size_t *len)
{
	char *t = malloc((size_t)n * 24 + 1);
	assert_non_null(t);
	size_t p = 0;
	int32_t first = day("1950-01-01");
	for (int i = 0; i < n; i++) {
		date_format(first + i, t + p);
		p += 10;
		memcpy(t + p, ",holiday,\n", 10);
		p += 10;
	}
	t[p] = '\0';
	*len = p;
	return t;
}

/* Boundary: the import takes up to 20000 days ("more than 20000" is the
 * refusal); 20001 is ERR_TOO_LARGE and writes nothing. */
static void test_import_size_limit(void **state)
{
	struct db *d = *state;
	size_t len = 0;
	int count = -1;
	struct errinfo ei;
	char *csv = many_days_csv(20001, &len);
	err_clear(&ei);
	assert_int_equal(calendar_import_csv(d->st, &d->actor, csv, len, &count, &ei), ERR_TOO_LARGE);
	assert_int_equal(count, 0);
	assert_int_equal(count_stored(d, "1950-01-01", "1950-12-31"), 0);
	free(csv);
	csv = many_days_csv(20000, &len);
	err_clear(&ei);
	enum err rc = calendar_import_csv(d->st, &d->actor, csv, len, &count, &ei);
	free(csv);
	if (rc != ERR_OK)
		fail_msg("20000 days refused (%d): %s", rc, ei.message);
	assert_int_equal(count, 20000);
}

static void test_import_empty(void **state)
{
	struct db *d = *state;
	int count = -1;
	assert_int_equal(calendar_import_csv(d->st, &d->actor, "", 0, &count, NULL), ERR_OK);
	assert_int_equal(count, 0);
	static const char only_header[] = "date,kind,name\n# nothing yet\n";
	assert_int_equal(calendar_import_csv(d->st, &d->actor, only_header, strlen(only_header),
	                                     &count, NULL),
	                 ERR_OK);
	assert_int_equal(count, 0);
}

/* --- audit -------------------------------------------------------------------------------- */

#define MAXAUDIT 16
struct audit_rows {
	int n;
	struct audit_row r[MAXAUDIT];
};

static void audit_collect(void *ctx, const struct audit_row *a)
{
	struct audit_rows *rs = ctx;
	if (rs->n < MAXAUDIT)
		rs->r[rs->n++] = *a;
}

/* Every change leaves one audit row in the actor's name (in the same
 * transaction); a refused change, or an import with a bad line, leaves none;
 * the chain verifies. */
static void test_writes_are_audited(void **state)
{
	struct db *d = *state;
	struct calendar_day out;
	int count = 0;
	struct errinfo ei;
	assert_int_equal(set(d, "2026-10-01", DAY_HOLIDAY, "国庆节", NULL), ERR_OK);
	assert_int_equal(set(d, "2026-11-23", DAY_WEEKEND, "", &ei), ERR_UNPROCESSABLE);
	assert_int_equal(calendar_reset(d->st, &d->actor, day("2026-10-01"), &out, NULL), ERR_OK);
	static const char bad[] = "2026-10-02,holiday,a\n2026-10-03,vacation,b\n";
	assert_int_equal(calendar_import_csv(d->st, &d->actor, bad, strlen(bad), &count, NULL),
	                 ERR_INVALID);
	static const char good[] = "2026-10-02,holiday,a\n2026-10-03,holiday,b\n";
	assert_int_equal(calendar_import_csv(d->st, &d->actor, good, strlen(good), &count, NULL),
	                 ERR_OK);
	struct audit_rows *rs = calloc(1, sizeof *rs);
	assert_non_null(rs);
	struct audit_filter f = {.limit = MAXAUDIT};
	assert_int_equal(audit_search(d->st, &f, audit_collect, rs, NULL), ERR_OK);
	assert_int_equal(rs->n, 3); /* newest first */
	assert_string_equal(rs->r[0].action, "calendar.import");
	assert_non_null(strstr(rs->r[0].detail, "2"));
	assert_string_equal(rs->r[1].action, "calendar.reset");
	assert_string_equal(rs->r[1].object, "calendar:2026-10-01");
	assert_string_equal(rs->r[2].action, "calendar.set");
	assert_string_equal(rs->r[2].object, "calendar:2026-10-01");
	assert_non_null(strstr(rs->r[2].detail, "国庆节"));
	for (int i = 0; i < rs->n; i++) {
		assert_string_equal(rs->r[i].login, "cli");
		assert_string_equal(rs->r[i].outcome, "ok");
		assert_string_equal(rs->r[i].request_id, "t");
	}
	free(rs);
	struct audit_verdict v;
	assert_int_equal(audit_verify(d->st, &v, NULL), ERR_OK);
	assert_int_equal(v.broken_id, 0);
	assert_int_equal(v.rows, 3);
}

/* An import of one day is still an import in the audit log, not a "set" by
 * hand: an auditor searching action=calendar.import must find it. */
static void test_import_of_one_day_audited_as_import(void **state)
{
	struct db *d = *state;
	int count = 0;
	static const char one[] = "date,kind,name\n2026-10-01,holiday,国庆节\n";
	assert_int_equal(calendar_import_csv(d->st, &d->actor, one, strlen(one), &count, NULL), ERR_OK);
	assert_int_equal(count, 1);
	struct audit_rows *rs = calloc(1, sizeof *rs);
	assert_non_null(rs);
	struct audit_filter f = {.limit = MAXAUDIT};
	assert_int_equal(audit_search(d->st, &f, audit_collect, rs, NULL), ERR_OK);
	assert_int_equal(rs->n, 1);
	char action[48];
	snprintf(action, sizeof action, "%s", rs->r[0].action);
	free(rs);
	assert_string_equal(action, "calendar.import");
}

int main(void)
{
	log_set_level(LOG_ERROR);
	fx_print_backend("test_calendar");
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_set_weekend_kinds_only_on_weekends),
		T(test_set_holiday_any_day),
		T(test_set_replaces),
		T(test_set_name_length),
		T(test_set_unknown_kind),
		T(test_list_defaults_and_stored),
		T(test_list_range_limit),
		T(test_reset),
		T(test_deadline_skips_stored_holiday),
		T(test_deadline_needs_one_limit),
		T(test_deadline_beyond_first_window),
		T(test_import_ok_with_header_and_comments),
		T(test_import_all_or_nothing),
		T(test_import_bad_lines),
		T(test_import_refuses_invalid_utf8_name),
		T(test_import_size_limit),
		T(test_import_empty),
		T(test_writes_are_audited),
		T(test_import_of_one_day_audited_as_import),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
