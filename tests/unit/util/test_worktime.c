/* Unit tests for src/util/worktime.c: civil dates, instants, office hours
 * and working-time arithmetic against a small 2026 calendar (国庆 调休).
 * The .c is included so the static helpers are reachable. */
#include "testutil.h"

#include <string.h>

#include "util/worktime.c"

/* ---- a calendar the tests control ---- */

struct cal_row {
	const char *date;
	enum day_kind kind;
};

struct cal {
	const struct cal_row *rows;
	size_t n;
	/* rows[i].date parsed once by cal_use, so the minute-by-minute
	 * reference below stays fast. */
	int32_t row_days[16];
	/* Every day before this one is a holiday (INT32_MIN: none). */
	int32_t holiday_until;
	/* Returned for fail_on (or every day when fail_all). */
	enum err fail;
	bool fail_all;
	int32_t fail_on;
	long calls;
};

/* 2026 National Day: Oct 1–7 off, Sun Sep 20 and Sat Oct 10 worked. */
static const struct cal_row national_day_2026[] = {
	{"2026-09-20", DAY_ADJUSTED_WORKDAY}, {"2026-10-01", DAY_HOLIDAY},
	{"2026-10-02", DAY_HOLIDAY},          {"2026-10-03", DAY_HOLIDAY},
	{"2026-10-04", DAY_HOLIDAY},          {"2026-10-05", DAY_HOLIDAY},
	{"2026-10-06", DAY_HOLIDAY},          {"2026-10-07", DAY_HOLIDAY},
	{"2026-10-10", DAY_ADJUSTED_WORKDAY},
};

static enum err cal_kind(void *ctx, int32_t days, enum day_kind *out)
{
	struct cal *c = ctx;

	c->calls++;
	if (c->fail != ERR_OK && (c->fail_all || days == c->fail_on))
		return c->fail;
	if (days < c->holiday_until) {
		*out = DAY_HOLIDAY;
		return ERR_OK;
	}
	for (size_t i = 0; i < c->n; i++) {
		if (c->row_days[i] == days) {
			*out = c->rows[i].kind;
			return ERR_OK;
		}
	}
	*out = day_kind_default(days);
	return ERR_OK;
}

static void cal_use(struct cal *c, const struct cal_row *rows, size_t n)
{
	assert_true(n <= sizeof c->row_days / sizeof c->row_days[0]);
	c->rows = rows;
	c->n = n;
	for (size_t i = 0; i < n; i++)
		assert_int_equal(date_parse(rows[i].date, strlen(rows[i].date), &c->row_days[i]),
		                 ERR_OK);
}

static struct cal cal_national(void)
{
	struct cal c;

	memset(&c, 0, sizeof c);
	c.holiday_until = INT32_MIN;
	c.fail = ERR_OK;
	cal_use(&c, national_day_2026, sizeof national_day_2026 / sizeof national_day_2026[0]);
	return c;
}

static struct office_hours std_hours(void)
{
	struct office_hours oh;

	memset(&oh, 0, sizeof oh);
	assert_int_equal(office_hours_parse("08:30-12:00,14:00-17:30", &oh), ERR_OK);
	assert_int_equal(tz_parse("Asia/Shanghai", &oh.tz_offset_min), ERR_OK);
	return oh;
}

static int64_t at(const char *s)
{
	int64_t t = 0;

	assert_int_equal(instant_parse(s, strlen(s), &t), ERR_OK);
	return t;
}

static int32_t day_of(const char *s)
{
	int32_t d = 0;

	assert_int_equal(date_parse(s, strlen(s), &d), ERR_OK);
	return d;
}

static void assert_local(int64_t t, const char *want)
{
	char buf[32];

	instant_format(t, 480, buf);
	assert_string_equal(buf, want);
}

static enum err add_min(struct cal *c, const char *start, int64_t minutes, int64_t *end)
{
	struct office_hours oh = std_hours();

	return worktime_add_minutes(&oh, cal_kind, c, at(start), minutes, end);
}

/* ---- civil dates ---- */

static void test_civil_known_days(void **state)
{
	int y, m, d;

	assert_int_equal(date_from_civil(1970, 1, 1), 0);
	assert_int_equal(date_from_civil(1969, 12, 31), -1);
	assert_int_equal(date_from_civil(2000, 3, 1), 11017);
	assert_int_equal(date_from_civil(2026, 10, 1), 20727);
	assert_int_equal(date_from_civil(1, 1, 1), -719162);
	assert_int_equal(date_from_civil(9999, 12, 31), DATE_MAX);
	date_to_civil(-719162, &y, &m, &d);
	assert_int_equal(y * 10000 + m * 100 + d, 10101);
	date_to_civil(11016, &y, &m, &d);
	assert_int_equal(y * 10000 + m * 100 + d, 20000229);
	assert_int_equal(date_weekday(0), 4);                           /* Thursday */
	assert_int_equal(date_weekday(-1), 3);                          /* Wednesday */
	assert_int_equal(date_weekday(date_from_civil(2026, 10, 1)), 4); /* Thursday */
	assert_int_equal(date_weekday(date_from_civil(2026, 9, 20)), 7); /* Sunday */
	assert_int_equal(date_weekday(date_from_civil(2026, 10, 10)), 6);
}

/* Every day from 1800 to 2300 round-trips and follows its predecessor. */
static void test_civil_round_trip(void **state)
{
	int32_t first = date_from_civil(1800, 1, 1), last = date_from_civil(2300, 12, 31);
	int py, pm, pd;

	date_to_civil(first - 1, &py, &pm, &pd);
	for (int32_t z = first; z <= last; z++) {
		int y, m, d;
		date_to_civil(z, &y, &m, &d);
		assert_int_equal(date_from_civil(y, m, d), z);
		if (d == 1)
			assert_true((m == pm + 1 && y == py) || (m == 1 && pm == 12 && y == py + 1));
		else
			assert_true(d == pd + 1 && m == pm && y == py);
		assert_int_equal(date_weekday(z), (date_weekday(z - 1) % 7) + 1);
		py = y;
		pm = m;
		pd = d;
	}
}

static void test_date_parse(void **state)
{
	int32_t d = -7;
	char buf[11];

	assert_int_equal(date_parse("2026-10-01", 10, &d), ERR_OK);
	assert_int_equal(d, 20727);
	assert_int_equal(date_parse("2024-02-29", 10, &d), ERR_OK);
	date_format(d, buf);
	assert_string_equal(buf, "2024-02-29");
	assert_int_equal(date_parse("2000-02-29", 10, &d), ERR_OK);
	assert_int_equal(date_parse("1900-01-01", 10, &d), ERR_OK);
	assert_int_equal(date_parse("2199-12-31", 10, &d), ERR_OK);
	/* Length is taken from n: a longer buffer is fine if n says 10. */
	assert_int_equal(date_parse("2026-10-01T09:00Z", 10, &d), ERR_OK);
	assert_int_equal(d, 20727);

	d = -7;
	assert_int_equal(date_parse("2026-02-29", 10, &d), ERR_INVALID); /* not leap */
	assert_int_equal(date_parse("1900-02-29", 10, &d), ERR_INVALID); /* century */
	assert_int_equal(date_parse("2026-04-31", 10, &d), ERR_INVALID);
	assert_int_equal(date_parse("2026-13-01", 10, &d), ERR_INVALID);
	assert_int_equal(date_parse("2026-00-10", 10, &d), ERR_INVALID);
	assert_int_equal(date_parse("2026-01-00", 10, &d), ERR_INVALID);
	assert_int_equal(date_parse("1899-12-31", 10, &d), ERR_INVALID);
	assert_int_equal(date_parse("2200-01-01", 10, &d), ERR_INVALID);
	assert_int_equal(date_parse("2026-1-01", 9, &d), ERR_INVALID);
	assert_int_equal(date_parse("2026-10-011", 11, &d), ERR_INVALID);
	assert_int_equal(date_parse("2026-10-01", 9, &d), ERR_INVALID);
	assert_int_equal(date_parse("2026/10/01", 10, &d), ERR_INVALID);
	assert_int_equal(date_parse("2026-1a-01", 10, &d), ERR_INVALID);
	assert_int_equal(date_parse("+026-10-01", 10, &d), ERR_INVALID);
	assert_int_equal(date_parse("", 0, &d), ERR_INVALID);
	assert_int_equal(date_parse(NULL, 10, &d), ERR_INVALID);
	assert_int_equal(d, -7); /* untouched on failure */

	date_format(0, buf);
	assert_string_equal(buf, "1970-01-01");
	date_format(-1, buf);
	assert_string_equal(buf, "1969-12-31");
}

/* ---- instants ---- */

static void test_instant_parse_zones(void **state)
{
	int64_t want = at("2026-09-30T08:00Z");

	assert_int_equal(want, INT64_C(1790755200));
	assert_int_equal(at("2026-09-30T08:00:00Z"), want);
	assert_int_equal(at("2026-09-30T16:00+08:00"), want);
	assert_int_equal(at("2026-09-30T16:00+0800"), want);
	assert_int_equal(at("2026-09-30T16:00:00.999+08:00"), want); /* fraction truncated */
	assert_int_equal(at("2026-09-30T16:00:00.1234567890+0800"), want);
	assert_int_equal(at("2026-09-30T02:30-05:30"), want);
	assert_int_equal(at("2026-09-30T02:30-0530"), want);
	assert_int_equal(at("2026-09-30T08:00-00:00"), want);
	assert_int_equal(at("2026-09-30T22:00+14:00"), want);
	assert_int_equal(at("2026-09-30T16:00:59+08:00"), want + 59);
	/* The offset can move the instant to the previous UTC day. */
	assert_int_equal(at("2026-10-01T00:00+08:00"), at("2026-09-30T16:00Z"));
	assert_int_equal(at("1969-12-31T23:59:59Z"), -1);
}

static void test_instant_parse_invalid(void **state)
{
	static const char *const bad[] = {
		"2026-09-30T16:00",          /* no zone */
		"2026-09-30T16:00:00",       /* no zone */
		"2026-09-30T16:00:00.5",     /* no zone */
		"2026-09-30 16:00Z",         /* space for T */
		"2026-09-30T24:00Z",         /* hour 24 */
		"2026-09-30T16:60Z",         /* minute 60 */
		"2026-09-30T16:00:60Z",      /* leap second */
		"2026-09-30T16:00:5Z",       /* one-digit second */
		"2026-09-30T16:00:00.Z",     /* fraction with no digits */
		"2026-09-30T16:00.5Z",       /* fraction without seconds */
		"2026-09-30T16:00ZZ",        /* trailing garbage */
		"2026-09-30T16:00Z ",        /* trailing space */
		"2026-09-30T16:00+08:00x",   /* trailing garbage */
		"2026-09-30T16:00+08",       /* short offset */
		"2026-09-30T16:00+8:00",     /* short offset */
		"2026-09-30T16:00+08:0",     /* short offset */
		"2026-09-30T16:00+08:60",    /* offset minutes */
		"2026-09-30T16:00+15:00",    /* offset beyond ±14:00 */
		"2026-09-30T16:00+14:01",    /* offset beyond ±14:00 */
		"2026-09-30T16:00 +08:00",   /* space before zone */
		"2026-09-30T16:00z",         /* lowercase zone */
		"2026-02-29T16:00Z",         /* not a leap year */
		"2026-09-30T1:00Z",          /* one-digit hour */
		"2026-09-30",                /* date only */
		"",
	};
	int64_t t = 42;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (instant_parse(bad[i], strlen(bad[i]), &t) != ERR_INVALID)
			fail_msg("accepted \"%s\"", bad[i]);
	}
	assert_int_equal(instant_parse(NULL, 17, &t), ERR_INVALID);
	/* n shorter than the string cuts the zone off. */
	assert_int_equal(instant_parse("2026-09-30T16:00Z", 16, &t), ERR_INVALID);
	assert_int_equal(instant_parse("2026-09-30T16:00+08:00", 21, &t), ERR_INVALID);
	assert_int_equal(t, 42);
}

static void test_instant_format(void **state)
{
	char buf[32];
	int64_t t = at("2026-09-30T16:00:07+08:00");

	instant_format(t, 480, buf);
	assert_string_equal(buf, "2026-09-30T16:00:07+08:00");
	instant_format(t, 0, buf);
	assert_string_equal(buf, "2026-09-30T08:00:07Z");
	instant_format(t, -330, buf);
	assert_string_equal(buf, "2026-09-30T02:30:07-05:30");
	instant_format(t, 360, buf);
	assert_string_equal(buf, "2026-09-30T14:00:07+06:00");
	instant_format(-1, 0, buf);
	assert_string_equal(buf, "1969-12-31T23:59:59Z");
	instant_format(at("2026-10-01T00:00+08:00"), 480, buf);
	assert_string_equal(buf, "2026-10-01T00:00:00+08:00");

	/* Round trip through parse for several zones and instants. */
	static const int offs[] = {0, 480, 360, -330, 840, -720};
	static const int64_t ts[] = {0, -1, 951782400 /* 2000-02-29 */, 1790755207, 4102444799};
	for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
		for (size_t j = 0; j < sizeof ts / sizeof ts[0]; j++) {
			int64_t back = 0;
			instant_format(ts[j], offs[i], buf);
			assert_int_equal(instant_parse(buf, strlen(buf), &back), ERR_OK);
			assert_int_equal(back, ts[j]);
		}
	}
}

static void test_instant_local_date(void **state)
{
	assert_int_equal(instant_local_date(at("2026-09-30T16:00Z"), 480), day_of("2026-10-01"));
	assert_int_equal(instant_local_date(at("2026-09-30T15:59:59Z"), 480), day_of("2026-09-30"));
	assert_int_equal(instant_local_date(at("2026-09-30T03:00Z"), -300), day_of("2026-09-29"));
	assert_int_equal(instant_local_date(-1, 0), -1);
	assert_int_equal(instant_local_date(-86400, 0), -1);
	assert_int_equal(instant_local_date(-86401, 0), -2);
}

/* ---- day kinds ---- */

static void test_day_kind(void **state)
{
	enum day_kind k = DAY_WEEKEND;

	assert_string_equal(day_kind_name(DAY_WORKDAY), "workday");
	assert_string_equal(day_kind_name(DAY_WEEKEND), "weekend");
	assert_string_equal(day_kind_name(DAY_HOLIDAY), "holiday");
	assert_string_equal(day_kind_name(DAY_ADJUSTED_WORKDAY), "adjusted_workday");
	for (int i = 0; i < DAY__MAX; i++) {
		assert_int_equal(day_kind_parse(day_kind_name((enum day_kind)i), &k), ERR_OK);
		assert_int_equal(k, i);
	}
	assert_int_equal(day_kind_parse("Workday", &k), ERR_INVALID);
	assert_int_equal(day_kind_parse("adjusted", &k), ERR_INVALID);
	assert_int_equal(day_kind_parse("", &k), ERR_INVALID);
	assert_int_equal(day_kind_parse(NULL, &k), ERR_INVALID);

	assert_true(day_kind_is_working(DAY_WORKDAY));
	assert_true(day_kind_is_working(DAY_ADJUSTED_WORKDAY));
	assert_false(day_kind_is_working(DAY_WEEKEND));
	assert_false(day_kind_is_working(DAY_HOLIDAY));

	assert_int_equal(day_kind_default(day_of("2026-09-28")), DAY_WORKDAY); /* Mon */
	assert_int_equal(day_kind_default(day_of("2026-10-02")), DAY_WORKDAY); /* Fri */
	assert_int_equal(day_kind_default(day_of("2026-10-03")), DAY_WEEKEND); /* Sat */
	assert_int_equal(day_kind_default(day_of("2026-10-04")), DAY_WEEKEND); /* Sun */
}

/* ---- office hours and zones ---- */

static void test_office_hours_parse(void **state)
{
	struct office_hours oh;

	memset(&oh, 0, sizeof oh);
	oh.tz_offset_min = 12345;
	assert_int_equal(office_hours_parse("08:30-12:00,14:00-17:30", &oh), ERR_OK);
	assert_int_equal(oh.n, 2);
	assert_int_equal(oh.period[0].start, 510);
	assert_int_equal(oh.period[0].end, 720);
	assert_int_equal(oh.period[1].start, 840);
	assert_int_equal(oh.period[1].end, 1050);
	assert_int_equal(oh.tz_offset_min, 12345); /* the zone is tz_parse's */

	assert_int_equal(office_hours_parse("00:00-24:00", &oh), ERR_OK);
	assert_int_equal(oh.n, 1);
	assert_int_equal(oh.period[0].end, 1440);
	/* Touching periods do not overlap. */
	assert_int_equal(office_hours_parse("08:00-10:00,10:00-12:00,13:00-15:00,15:30-23:59", &oh),
	                 ERR_OK);
	assert_int_equal(oh.n, 4);
	assert_int_equal(oh.period[3].end, 1439);
	assert_int_equal(oh.tz_offset_min, 12345);
}

static void test_office_hours_parse_invalid(void **state)
{
	static const char *const bad[] = {
		"",                                    /* empty */
		"08:30-12:00,11:00-17:30",             /* overlap */
		"14:00-17:30,08:30-12:00",             /* unsorted */
		"08:30-25:00",                         /* hour 25 */
		"08:30-24:30",                         /* past 24:00 */
		"24:00-24:00",                         /* empty period at midnight */
		"08:60-12:00",                         /* minute 60 */
		"12:00-12:00",                         /* empty period */
		"12:00-08:30",                         /* backwards */
		"8:30-12:00",                          /* one-digit hour */
		"08:30-12:00,",                        /* trailing comma */
		",08:30-12:00",                        /* leading comma */
		"08:30-12:00;14:00-17:30",             /* wrong separator */
		"08:30-12:00, 14:00-17:30",            /* space */
		"08:30 - 12:00",                       /* spaces */
		"08:30-12:00x",                        /* trailing garbage */
		"08:30-12",                            /* truncated */
		"08:30",                               /* no end */
		"01:00-02:00,03:00-04:00,05:00-06:00,07:00-08:00,09:00-10:00", /* 5 > MAX */
	};
	struct office_hours oh, before;

	memset(&oh, 0, sizeof oh);
	assert_int_equal(office_hours_parse("09:00-17:00", &oh), ERR_OK);
	oh.tz_offset_min = 480;
	before = oh;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (office_hours_parse(bad[i], &oh) != ERR_INVALID)
			fail_msg("accepted \"%s\"", bad[i]);
		/* A failed parse leaves the struct as it was. */
		assert_memory_equal(&oh, &before, sizeof oh);
	}
	assert_int_equal(office_hours_parse(NULL, &oh), ERR_INVALID);
	assert_int_equal(office_hours_parse("09:00-17:00", NULL), ERR_INVALID);
}

static void test_tz_parse(void **state)
{
	static const struct {
		const char *s;
		int off;
	} good[] = {
		{"Asia/Shanghai", 480}, {"Asia/Chongqing", 480}, {"Asia/Hong_Kong", 480},
		{"Asia/Macau", 480},    {"Asia/Taipei", 480},    {"Asia/Urumqi", 360},
		{"UTC", 0},             {"Etc/UTC", 0},          {"Z", 0},
		{"+08:00", 480},        {"-05:30", -330},        {"+14:00", 840},
		{"-14:00", -840},       {"+00:00", 0},           {"-00:00", 0},
	};
	static const char *const bad[] = {
		"asia/shanghai", "Asia/Beijing", "America/New_York", "utc", "",
		"+15:00",        "+14:01",       "+0800",            "+8:00", "08:00",
		"+08:60",        "+08:00 ",      "GMT",
	};
	int off;

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		off = 9999;
		if (tz_parse(good[i].s, &off) != ERR_OK)
			fail_msg("refused \"%s\"", good[i].s);
		assert_int_equal(off, good[i].off);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		off = 9999;
		if (tz_parse(bad[i], &off) != ERR_INVALID)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(off, 9999);
	}
	assert_int_equal(tz_parse(NULL, &off), ERR_INVALID);
}

/* ---- worktime_add_minutes ---- */

/* The brief's example: 1.5 h left on Sep 30 until 17:30, the holiday week
 * is skipped, and the last 0.5 h runs from 08:30 on Oct 8. */
static void test_add_minutes_national_day(void **state)
{
	struct cal c = cal_national();
	int64_t end = 0;

	assert_int_equal(add_min(&c, "2026-09-30T16:00+08:00", 120, &end), ERR_OK);
	assert_local(end, "2026-10-08T09:00:00+08:00");
	/* The same start written in UTC gives the same answer. */
	assert_int_equal(add_min(&c, "2026-09-30T08:00Z", 120, &end), ERR_OK);
	assert_local(end, "2026-10-08T09:00:00+08:00");
	/* Exactly the rest of Sep 30 ends at its close, not on Oct 8. */
	assert_int_equal(add_min(&c, "2026-09-30T16:00+08:00", 90, &end), ERR_OK);
	assert_local(end, "2026-09-30T17:30:00+08:00");
	assert_int_equal(add_min(&c, "2026-09-30T16:00+08:00", 91, &end), ERR_OK);
	assert_local(end, "2026-10-08T08:31:00+08:00");
	/* Starting inside the holiday begins on Oct 8. */
	assert_int_equal(add_min(&c, "2026-10-03T10:00+08:00", 60, &end), ERR_OK);
	assert_local(end, "2026-10-08T09:30:00+08:00");
	/* Two full days from Oct 8 reach Sat Oct 10, an adjusted workday. */
	assert_int_equal(add_min(&c, "2026-10-08T08:30+08:00", 2 * 420 + 30, &end), ERR_OK);
	assert_local(end, "2026-10-10T09:00:00+08:00");
}

static void test_add_minutes_saturday_start(void **state)
{
	struct cal c = cal_national();
	int64_t end = 0;

	/* Sat Sep 26 is an ordinary weekend: begin Monday 08:30. */
	assert_int_equal(add_min(&c, "2026-09-26T10:00+08:00", 60, &end), ERR_OK);
	assert_local(end, "2026-09-28T09:30:00+08:00");
	/* Fri evening after close, too. */
	assert_int_equal(add_min(&c, "2026-09-25T18:00+08:00", 240, &end), ERR_OK);
	assert_local(end, "2026-09-28T14:30:00+08:00");
}

static void test_add_minutes_lunch_and_edges(void **state)
{
	struct cal c = cal_national();
	int64_t end = 0;

	/* At lunch, counting starts at 14:00. */
	assert_int_equal(add_min(&c, "2026-09-29T12:30+08:00", 30, &end), ERR_OK);
	assert_local(end, "2026-09-29T14:30:00+08:00");
	/* Ending exactly at the morning's close stays at 12:00. */
	assert_int_equal(add_min(&c, "2026-09-29T11:00+08:00", 60, &end), ERR_OK);
	assert_local(end, "2026-09-29T12:00:00+08:00");
	assert_int_equal(add_min(&c, "2026-09-29T11:00+08:00", 61, &end), ERR_OK);
	assert_local(end, "2026-09-29T14:01:00+08:00");
	/* Ending exactly at the afternoon's close stays at 17:30. */
	assert_int_equal(add_min(&c, "2026-09-29T16:30+08:00", 60, &end), ERR_OK);
	assert_local(end, "2026-09-29T17:30:00+08:00");
	/* Seven hours from opening is the whole day: 17:30 the same day. */
	assert_int_equal(add_min(&c, "2026-09-29T08:30+08:00", 420, &end), ERR_OK);
	assert_local(end, "2026-09-29T17:30:00+08:00");
	assert_int_equal(add_min(&c, "2026-09-29T08:30+08:00", 421, &end), ERR_OK);
	assert_local(end, "2026-09-30T08:31:00+08:00");
	/* Before opening, begin at 08:30; seconds in the start are kept. */
	assert_int_equal(add_min(&c, "2026-09-29T06:00+08:00", 10, &end), ERR_OK);
	assert_local(end, "2026-09-29T08:40:00+08:00");
	assert_int_equal(add_min(&c, "2026-09-29T09:00:30+08:00", 10, &end), ERR_OK);
	assert_local(end, "2026-09-29T09:10:30+08:00");
	/* Ten full working days from Monday 08:30 close the second Friday. */
	assert_int_equal(add_min(&c, "2026-09-07T08:30+08:00", 10 * 420, &end), ERR_OK);
	assert_local(end, "2026-09-18T17:30:00+08:00");
}

static void test_add_minutes_zero(void **state)
{
	struct cal c = cal_national();
	int64_t end = 0;

	assert_int_equal(add_min(&c, "2026-09-29T10:15:30+08:00", 0, &end), ERR_OK);
	assert_local(end, "2026-09-29T10:15:30+08:00");
	assert_int_equal(add_min(&c, "2026-09-29T08:30+08:00", 0, &end), ERR_OK);
	assert_local(end, "2026-09-29T08:30:00+08:00");
	assert_int_equal(add_min(&c, "2026-09-29T12:00+08:00", 0, &end), ERR_OK);
	assert_local(end, "2026-09-29T14:00:00+08:00");
	assert_int_equal(add_min(&c, "2026-09-29T17:30+08:00", 0, &end), ERR_OK);
	assert_local(end, "2026-09-30T08:30:00+08:00");
	assert_int_equal(add_min(&c, "2026-09-30T17:30+08:00", 0, &end), ERR_OK);
	assert_local(end, "2026-10-08T08:30:00+08:00");
}

static void test_add_minutes_adjusted_saturday(void **state)
{
	struct cal c = cal_national();
	int64_t end = 0;

	/* Sat Sep 19 is off, Sun Sep 20 is worked. */
	assert_int_equal(add_min(&c, "2026-09-18T17:00+08:00", 60, &end), ERR_OK);
	assert_local(end, "2026-09-20T09:00:00+08:00");
	/* Fri Oct 9 → Sat Oct 10 (worked) rather than Monday. */
	assert_int_equal(add_min(&c, "2026-10-09T17:00+08:00", 60, &end), ERR_OK);
	assert_local(end, "2026-10-10T09:00:00+08:00");
}

static void test_add_minutes_invalid(void **state)
{
	struct cal c = cal_national();
	struct office_hours oh = std_hours(), zero;
	int64_t end = 77;

	assert_int_equal(add_min(&c, "2026-09-29T10:00+08:00", -1, &end), ERR_INVALID);
	assert_int_equal(add_min(&c, "2026-09-29T10:00+08:00", INT64_MAX, &end), ERR_INVALID);
	memset(&zero, 0, sizeof zero);
	assert_int_equal(worktime_add_minutes(&zero, cal_kind, &c, 0, 10, &end), ERR_INVALID);
	assert_int_equal(worktime_add_minutes(&oh, NULL, &c, 0, 10, &end), ERR_INVALID);
	assert_int_equal(worktime_add_minutes(&oh, cal_kind, &c, INT64_MAX, 10, &end), ERR_INVALID);
	assert_int_equal(end, 77);
	assert_int_equal(c.calls, 0);
}

/* Minute-by-minute reference, for minute-aligned starts. */
static bool ref_is_office(const struct office_hours *oh, struct cal *c, int64_t t)
{
	int64_t day, sod;
	enum day_kind k;

	instant_local_split(t, oh->tz_offset_min, &day, &sod);
	assert_int_equal(cal_kind(c, (int32_t)day, &k), ERR_OK);
	if (!day_kind_is_working(k))
		return false;
	for (int i = 0; i < oh->n; i++)
		if (sod >= oh->period[i].start * 60 && sod < oh->period[i].end * 60)
			return true;
	return false;
}

static int64_t ref_add_minutes(const struct office_hours *oh, struct cal *c, int64_t t,
                               int64_t minutes)
{
	if (minutes == 0) {
		while (!ref_is_office(oh, c, t))
			t += 60;
		return t;
	}
	while (minutes > 0) {
		if (ref_is_office(oh, c, t))
			minutes--;
		t += 60;
	}
	return t;
}

/* Random starts over Sep–Oct 2026 agree with the reference, and elapsed
 * measures back exactly what was added. */
static void test_add_minutes_matches_reference(void **state)
{
	struct cal c = cal_national();
	struct office_hours oh = std_hours();
	int64_t base = at("2026-09-14T00:00+08:00");
	uint32_t seed = 12345;

	for (int i = 0; i < 300; i++) {
		int64_t start, minutes, end = 0, back = -1;

		seed = seed * 1103515245u + 12345u;
		start = base + (int64_t)((seed >> 8) % (40 * 1440)) * 60;
		seed = seed * 1103515245u + 12345u;
		minutes = (seed >> 8) % 2500;
		if (i % 10 == 0)
			minutes = 0;
		assert_int_equal(worktime_add_minutes(&oh, cal_kind, &c, start, minutes, &end), ERR_OK);
		assert_int_equal(end, ref_add_minutes(&oh, &c, start, minutes));
		assert_int_equal(worktime_elapsed(&oh, cal_kind, &c, start, end, &back), ERR_OK);
		assert_int_equal(back, minutes);
	}
}

/* A million minutes (≈ 2381 working days) costs one callback per calendar
 * day, not one per minute. */
static void test_add_minutes_skips_whole_days(void **state)
{
	struct cal c = cal_national();
	struct office_hours oh = std_hours();
	int64_t start = at("2026-09-29T10:00+08:00"), end = 0, back = 0;

	assert_int_equal(worktime_add_minutes(&oh, cal_kind, &c, start, 1000000, &end), ERR_OK);
	assert_true(c.calls < 3400);
	assert_true(end - start > INT64_C(3300) * 86400);
	assert_int_equal(worktime_elapsed(&oh, cal_kind, &c, start, end, &back), ERR_OK);
	assert_int_equal(back, 1000000);
}

/* ---- worktime_add_days ---- */

static void test_add_days(void **state)
{
	struct cal c = cal_national();
	struct office_hours oh = std_hours();
	int64_t end = 0;

	/* 5 working days from Fri Sep 4: Mon 7 … Fri 11, close at 17:30. */
	assert_int_equal(worktime_add_days(&oh, cal_kind, &c, at("2026-09-04T10:00+08:00"), 5, &end),
	                 ERR_OK);
	assert_local(end, "2026-09-11T17:30:00+08:00");
	/* The local date counts: 00:30 Friday Beijing is Thursday in UTC. */
	assert_int_equal(worktime_add_days(&oh, cal_kind, &c, at("2026-09-03T16:30Z"), 1, &end),
	                 ERR_OK);
	assert_local(end, "2026-09-07T17:30:00+08:00");
	/* A Sunday start counts from Monday. */
	assert_int_equal(worktime_add_days(&oh, cal_kind, &c, at("2026-09-06T10:00+08:00"), 1, &end),
	                 ERR_OK);
	assert_local(end, "2026-09-07T17:30:00+08:00");
	/* Sat Sep 19 off, Sun Sep 20 worked. */
	assert_int_equal(worktime_add_days(&oh, cal_kind, &c, at("2026-09-18T09:00+08:00"), 1, &end),
	                 ERR_OK);
	assert_local(end, "2026-09-20T17:30:00+08:00");
	/* Over National Day: Oct 8, Oct 9, then Sat Oct 10 (worked). */
	assert_int_equal(worktime_add_days(&oh, cal_kind, &c, at("2026-09-30T16:00+08:00"), 1, &end),
	                 ERR_OK);
	assert_local(end, "2026-10-08T17:30:00+08:00");
	assert_int_equal(worktime_add_days(&oh, cal_kind, &c, at("2026-09-30T16:00+08:00"), 3, &end),
	                 ERR_OK);
	assert_local(end, "2026-10-10T17:30:00+08:00");
	assert_int_equal(worktime_add_days(&oh, cal_kind, &c, at("2026-09-30T16:00+08:00"), 4, &end),
	                 ERR_OK);
	assert_local(end, "2026-10-12T17:30:00+08:00");

	end = 77;
	assert_int_equal(worktime_add_days(&oh, cal_kind, &c, at("2026-09-04T10:00+08:00"), 0, &end),
	                 ERR_INVALID);
	assert_int_equal(worktime_add_days(&oh, cal_kind, &c, at("2026-09-04T10:00+08:00"), -3, &end),
	                 ERR_INVALID);
	assert_int_equal(end, 77);
}

/* ---- worktime_elapsed ---- */

static void test_elapsed(void **state)
{
	struct cal c = cal_national();
	struct office_hours oh = std_hours();
	int64_t m = -1;

	/* Fri 16:00–17:30 and Mon 08:30–10:00; the weekend adds nothing. */
	assert_int_equal(worktime_elapsed(&oh, cal_kind, &c, at("2026-09-04T16:00+08:00"),
	                                  at("2026-09-07T10:00+08:00"), &m),
	                 ERR_OK);
	assert_int_equal(m, 180);
	/* Across lunch. */
	assert_int_equal(worktime_elapsed(&oh, cal_kind, &c, at("2026-09-29T11:00+08:00"),
	                                  at("2026-09-29T15:00+08:00"), &m),
	                 ERR_OK);
	assert_int_equal(m, 120);
	/* Across National Day. */
	assert_int_equal(worktime_elapsed(&oh, cal_kind, &c, at("2026-09-30T16:00+08:00"),
	                                  at("2026-10-08T09:00+08:00"), &m),
	                 ERR_OK);
	assert_int_equal(m, 120);
	/* A full working week. */
	assert_int_equal(worktime_elapsed(&oh, cal_kind, &c, at("2026-09-07T00:00+08:00"),
	                                  at("2026-09-14T00:00+08:00"), &m),
	                 ERR_OK);
	assert_int_equal(m, 5 * 420);
	/* Partial minutes are dropped. */
	assert_int_equal(worktime_elapsed(&oh, cal_kind, &c, at("2026-09-29T09:00:30+08:00"),
	                                  at("2026-09-29T09:02:00+08:00"), &m),
	                 ERR_OK);
	assert_int_equal(m, 1);
	/* Empty and reversed intervals. */
	assert_int_equal(worktime_elapsed(&oh, cal_kind, &c, at("2026-09-29T10:00+08:00"),
	                                  at("2026-09-29T10:00+08:00"), &m),
	                 ERR_OK);
	assert_int_equal(m, 0);
	m = -1;
	assert_int_equal(worktime_elapsed(&oh, cal_kind, &c, at("2026-09-29T11:00+08:00"),
	                                  at("2026-09-29T10:00+08:00"), &m),
	                 ERR_OK);
	assert_int_equal(m, 0);
}

/* ---- calendar failures ---- */

static void test_callback_error_passes_through(void **state)
{
	struct cal c = cal_national();
	struct office_hours oh = std_hours();
	int64_t start = at("2026-09-30T16:00+08:00"), out = 0;

	c.fail = ERR_UNAVAIL;
	c.fail_all = true;
	assert_int_equal(worktime_add_minutes(&oh, cal_kind, &c, start, 10, &out), ERR_UNAVAIL);
	assert_int_equal(worktime_add_days(&oh, cal_kind, &c, start, 1, &out), ERR_UNAVAIL);
	assert_int_equal(worktime_elapsed(&oh, cal_kind, &c, start, start + 3600, &out),
	                 ERR_UNAVAIL);

	/* A failure on a day the walk reaches is returned; one it never
	 * reaches does not matter. */
	c.fail = ERR_INTERNAL;
	c.fail_all = false;
	c.fail_on = day_of("2026-10-08");
	assert_int_equal(worktime_add_minutes(&oh, cal_kind, &c, start, 60, &out), ERR_OK);
	assert_local(out, "2026-09-30T17:00:00+08:00");
	assert_int_equal(worktime_add_minutes(&oh, cal_kind, &c, start, 120, &out), ERR_INTERNAL);
	assert_int_equal(worktime_add_days(&oh, cal_kind, &c, start, 1, &out), ERR_INTERNAL);
	assert_int_equal(
		worktime_elapsed(&oh, cal_kind, &c, start, at("2026-10-09T09:00+08:00"), &out),
		ERR_INTERNAL);
}

static void test_all_holidays_unprocessable(void **state)
{
	struct cal c = cal_national();
	struct office_hours oh = std_hours();
	int64_t start = at("2026-09-30T16:00+08:00"), out = 0;

	c.holiday_until = INT32_MAX;
	assert_int_equal(worktime_add_minutes(&oh, cal_kind, &c, start, 10, &out),
	                 ERR_UNPROCESSABLE);
	assert_int_equal(c.calls, WORKTIME_IDLE_DAYS_MAX);
	assert_int_equal(worktime_add_minutes(&oh, cal_kind, &c, start, 0, &out), ERR_UNPROCESSABLE);
	assert_int_equal(worktime_add_days(&oh, cal_kind, &c, start, 1, &out), ERR_UNPROCESSABLE);
	/* Nothing to count is not an error. */
	assert_int_equal(worktime_elapsed(&oh, cal_kind, &c, start, start + 86400 * 30, &out),
	                 ERR_OK);
	assert_int_equal(out, 0);
}

/* The limit's boundary: 3659 idle days then a working day is still found;
 * 3660 idle days is not. */
static void test_idle_limit_boundary(void **state)
{
	struct cal c = cal_national();
	struct office_hours oh = std_hours();
	int32_t d0 = day_of("2030-01-01");
	int64_t start = at("2030-01-01T10:00+08:00"), out = 0;

	c.holiday_until = d0 + 3659;
	/* d0 + 3659 = 2040-01-08, a Sunday; make it a worked one. */
	static const struct cal_row sun[] = {{"2040-01-08", DAY_ADJUSTED_WORKDAY}};
	assert_int_equal(date_weekday(d0 + 3659), 7);
	cal_use(&c, sun, 1);
	assert_int_equal(worktime_add_minutes(&oh, cal_kind, &c, start, 0, &out), ERR_OK);
	assert_local(out, "2040-01-08T08:30:00+08:00");
	assert_int_equal(worktime_add_days(&oh, cal_kind, &c, start, 1, &out), ERR_OK);
	assert_local(out, "2040-01-08T17:30:00+08:00");

	c.holiday_until = d0 + 3660;
	assert_int_equal(worktime_add_minutes(&oh, cal_kind, &c, start, 0, &out), ERR_UNPROCESSABLE);
	/* add_days does not count the start day, so one more idle day fits. */
	c.holiday_until = d0 + 3661;
	assert_int_equal(worktime_add_days(&oh, cal_kind, &c, start, 1, &out), ERR_UNPROCESSABLE);
}

/* Office hours in another zone: a UTC desk open 09:00-17:00. */
static void test_other_zone(void **state)
{
	struct cal c = cal_national();
	struct office_hours oh;
	int64_t end = 0;
	char buf[32];

	memset(&oh, 0, sizeof oh);
	assert_int_equal(office_hours_parse("09:00-17:00", &oh), ERR_OK);
	assert_int_equal(tz_parse("UTC", &oh.tz_offset_min), ERR_OK);
	/* 16:00 Beijing Friday is 08:00 UTC Friday: opens at 09:00 UTC. */
	assert_int_equal(
		worktime_add_minutes(&oh, cal_kind, &c, at("2026-09-25T16:00+08:00"), 480, &end),
		ERR_OK);
	instant_format(end, 0, buf);
	assert_string_equal(buf, "2026-09-25T17:00:00Z");
	assert_int_equal(
		worktime_add_minutes(&oh, cal_kind, &c, at("2026-09-25T16:00+08:00"), 481, &end),
		ERR_OK);
	instant_format(end, 0, buf);
	assert_string_equal(buf, "2026-09-28T09:01:00Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_civil_known_days),
		cmocka_unit_test(test_civil_round_trip),
		cmocka_unit_test(test_date_parse),
		cmocka_unit_test(test_instant_parse_zones),
		cmocka_unit_test(test_instant_parse_invalid),
		cmocka_unit_test(test_instant_format),
		cmocka_unit_test(test_instant_local_date),
		cmocka_unit_test(test_day_kind),
		cmocka_unit_test(test_office_hours_parse),
		cmocka_unit_test(test_office_hours_parse_invalid),
		cmocka_unit_test(test_tz_parse),
		cmocka_unit_test(test_add_minutes_national_day),
		cmocka_unit_test(test_add_minutes_saturday_start),
		cmocka_unit_test(test_add_minutes_lunch_and_edges),
		cmocka_unit_test(test_add_minutes_zero),
		cmocka_unit_test(test_add_minutes_adjusted_saturday),
		cmocka_unit_test(test_add_minutes_invalid),
		cmocka_unit_test(test_add_minutes_matches_reference),
		cmocka_unit_test(test_add_minutes_skips_whole_days),
		cmocka_unit_test(test_add_days),
		cmocka_unit_test(test_elapsed),
		cmocka_unit_test(test_callback_error_passes_through),
		cmocka_unit_test(test_all_holidays_unprocessable),
		cmocka_unit_test(test_idle_limit_boundary),
		cmocka_unit_test(test_other_zone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
