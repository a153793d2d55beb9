/* Civil dates, ISO instants, office hours and working-time arithmetic for
 * 12345 deadlines. Pure functions: no store, no clock, no global state; the
 * calendar reaches us only through the caller's day_kind_fn. */
#include "util/worktime.h"

#include <string.h>

#define SECS_PER_DAY 86400
#define MINS_PER_DAY 1440
/* Zone offsets in use run from -12:00 to +14:00; anything wider is a typo. */
#define TZ_OFFSET_MAX_MIN (14 * 60)
/* A calendar with no working day for ten years is broken, not sparse. */
#define WORKTIME_IDLE_DAYS_MAX 3660
/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the range date_from_civil
 * promises, and bounds that keep every sum below far from int64 overflow. */
#define INSTANT_MIN INT64_C(-62135596800)
#define INSTANT_MAX INT64_C(253402300799)
/* date_from_civil(9999, 12, 31): walks stop here rather than run forever. */
#define DATE_MAX 2932896

/* Floor division and modulo, so instants before 1970 land on the right day. */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
	return a - floor_div(a, b) * b;
}

/* Howard Hinnant's days_from_civil, in int64 so no input overflows. */
int32_t date_from_civil(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (int64_t)(m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

/* Howard Hinnant's civil_from_days. */
void date_to_civil(int32_t days, int *y, int *m, int *d)
{
	int64_t z = (int64_t)days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (mm <= 2));
	*m = mm;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
}

int date_weekday(int32_t days)
{
	/* 1970-01-01 was a Thursday (ISO 4). */
	return (int)floor_mod((int64_t)days + 3, 7) + 1;
}

static bool year_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && year_is_leap(y))
		return 29;
	return len[m - 1];
}

/* The value of exactly k decimal digits at s, or -1 if any is not a digit. */
static int parse_digits(const char *s, size_t k)
{
	int v = 0;
	for (size_t i = 0; i < k; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

enum err date_parse(const char *s, size_t n, int32_t *days)
{
	int y, m, d;

	if (s == NULL || n != 10 || s[4] != '-' || s[7] != '-')
		return err_set(NULL, ERR_INVALID, "date", "not YYYY-MM-DD");
	y = parse_digits(s, 4);
	m = parse_digits(s + 5, 2);
	d = parse_digits(s + 8, 2);
	if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return err_set(NULL, ERR_INVALID, "date", "not a calendar date");
	*days = date_from_civil(y, m, d);
	return ERR_OK;
}

/* Writes v as exactly width decimal digits (v must fit) and returns the end. */
static char *put_digits(char *p, unsigned v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

/* "YYYY-MM-DD" without a NUL; years outside 0..9999 are clamped rather than
 * cut into something that reads as a different valid date. */
static char *put_date(char *p, int64_t days)
{
	int y, m, d;

	date_to_civil((int32_t)days, &y, &m, &d);
	if (y < 0)
		y = 0;
	if (y > 9999)
		y = 9999;
	p = put_digits(p, (unsigned)y, 4);
	*p++ = '-';
	p = put_digits(p, (unsigned)m, 2);
	*p++ = '-';
	return put_digits(p, (unsigned)d, 2);
}

void date_format(int32_t days, char out[11])
{
	*put_date(out, days) = '\0';
}

/* "±HH:MM" (colon) or "±HHMM" (no colon) filling exactly n bytes at s.
 * Returns the signed offset in minutes through *off. */
static enum err offset_parse(const char *s, size_t n, bool colon_optional, int *off)
{
	int sign, h, m;

	if (n < 1 || (s[0] != '+' && s[0] != '-'))
		return ERR_INVALID;
	sign = s[0] == '-' ? -1 : 1;
	if (n == 6 && s[3] == ':') {
		h = parse_digits(s + 1, 2);
		m = parse_digits(s + 4, 2);
	} else if (n == 5 && colon_optional) {
		h = parse_digits(s + 1, 2);
		m = parse_digits(s + 3, 2);
	} else {
		return ERR_INVALID;
	}
	if (h < 0 || m < 0 || m > 59 || h * 60 + m > TZ_OFFSET_MAX_MIN)
		return ERR_INVALID;
	*off = sign * (h * 60 + m);
	return ERR_OK;
}

enum err instant_parse(const char *s, size_t n, int64_t *unix_s)
{
	int32_t days;
	int h, mi, sec = 0, off = 0;
	size_t pos;

	/* The shortest form is "YYYY-MM-DDTHH:MMZ". */
	if (s == NULL || n < 17 || date_parse(s, 10, &days) != ERR_OK || s[10] != 'T' ||
	    s[13] != ':')
		goto fail;
	h = parse_digits(s + 11, 2);
	mi = parse_digits(s + 14, 2);
	if (h < 0 || h > 23 || mi < 0 || mi > 59)
		goto fail;
	pos = 16;
	if (s[pos] == ':') {
		/* A leap second (60) cannot be placed on Unix time; refuse it. */
		if (n - pos < 3 || (sec = parse_digits(s + pos + 1, 2)) < 0 || sec > 59)
			goto fail;
		pos += 3;
		if (pos < n && s[pos] == '.') {
			size_t digits = 0;
			pos++;
			/* Sub-second precision is accepted and dropped. */
			while (pos < n && s[pos] >= '0' && s[pos] <= '9') {
				pos++;
				digits++;
			}
			if (digits == 0)
				goto fail;
		}
	}
	if (pos >= n)
		goto fail;
	if (s[pos] == 'Z') {
		if (pos + 1 != n)
			goto fail;
	} else if (offset_parse(s + pos, n - pos, true, &off) != ERR_OK) {
		goto fail;
	}
	*unix_s = (int64_t)days * SECS_PER_DAY + h * 3600 + mi * 60 + sec - (int64_t)off * 60;
	return ERR_OK;
fail:
	return err_set(NULL, ERR_INVALID, "instant", "not an ISO 8601 instant with a zone");
}

void instant_format(int64_t unix_s, int offset_min, char out[32])
{
	int64_t days, secs, aoff;
	unsigned sod;
	char *p = out;

	/* Split before adding the offset so huge instants cannot overflow. */
	days = floor_div(unix_s, SECS_PER_DAY);
	secs = floor_mod(unix_s, SECS_PER_DAY) + (int64_t)offset_min * 60;
	days += floor_div(secs, SECS_PER_DAY);
	sod = (unsigned)floor_mod(secs, SECS_PER_DAY);
	p = put_date(p, days);
	*p++ = 'T';
	p = put_digits(p, sod / 3600, 2);
	*p++ = ':';
	p = put_digits(p, sod / 60 % 60, 2);
	*p++ = ':';
	p = put_digits(p, sod % 60, 2);
	if (offset_min == 0) {
		*p++ = 'Z';
	} else {
		aoff = offset_min < 0 ? -(int64_t)offset_min : offset_min;
		*p++ = offset_min < 0 ? '-' : '+';
		p = put_digits(p, (unsigned)(aoff / 60 % 100), 2);
		*p++ = ':';
		p = put_digits(p, (unsigned)(aoff % 60), 2);
	}
	*p = '\0';
}

static const char *const day_kind_names[DAY__MAX] = {
	/* DAY_WORKDAY */ "workday",
	/* DAY_WEEKEND */ "weekend",
	/* DAY_HOLIDAY */ "holiday",
	/* DAY_ADJUSTED_WORKDAY */ "adjusted_workday",
};

const char *day_kind_name(enum day_kind k)
{
	if ((unsigned)k >= DAY__MAX)
		return "unknown";
	return day_kind_names[k];
}

enum err day_kind_parse(const char *s, enum day_kind *out)
{
	if (s == NULL)
		return err_set(NULL, ERR_INVALID, "kind", "missing day kind");
	for (int k = 0; k < DAY__MAX; k++) {
		if (strcmp(s, day_kind_names[k]) == 0) {
			*out = (enum day_kind)k;
			return ERR_OK;
		}
	}
	return err_set(NULL, ERR_INVALID, "kind", "unknown day kind");
}

bool day_kind_is_working(enum day_kind k)
{
	return k == DAY_WORKDAY || k == DAY_ADJUSTED_WORKDAY;
}

enum day_kind day_kind_default(int32_t days)
{
	return date_weekday(days) >= 6 ? DAY_WEEKEND : DAY_WORKDAY;
}

/* "HH:MM" with HH 00..24 and 24 allowed only as 24:00; minutes after midnight. */
static int clock_parse(const char *s)
{
	int h, m;

	if (s[2] != ':')
		return -1;
	h = parse_digits(s, 2);
	m = parse_digits(s + 3, 2);
	if (h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	return h * 60 + m;
}

enum err office_hours_parse(const char *s, struct office_hours *oh)
{
	struct office_hours tmp;
	const char *p = s;
	int n = 0;

	if (s == NULL || oh == NULL)
		goto fail;
	memset(&tmp, 0, sizeof tmp);
	/* Parse into tmp so a failure leaves *oh as it was; tz_offset_min
	 * belongs to tz_parse and is never written here. */
	for (;;) {
		int start, end;

		/* strnlen guards the fixed-width reads below against a short tail. */
		if (n == OFFICE_PERIODS_MAX || strnlen(p, 11) < 11 || p[5] != '-')
			goto fail;
		start = clock_parse(p);
		end = clock_parse(p + 6);
		if (start < 0 || end < 0 || start >= end)
			goto fail;
		if (n > 0 && start < tmp.period[n - 1].end)
			goto fail;
		tmp.period[n].start = start;
		tmp.period[n].end = end;
		n++;
		p += 11;
		if (*p == '\0')
			break;
		if (*p != ',')
			goto fail;
		p++;
	}
	oh->n = n;
	memcpy(oh->period, tmp.period, sizeof oh->period);
	return ERR_OK;
fail:
	return err_set(NULL, ERR_INVALID, "office_hours", "not HH:MM-HH:MM[,HH:MM-HH:MM…]");
}

enum err tz_parse(const char *s, int *offset_min)
{
	static const struct {
		const char *name;
		int offset_min;
	} zones[] = {
		{"Asia/Shanghai", 480}, {"Asia/Chongqing", 480}, {"Asia/Hong_Kong", 480},
		{"Asia/Macau", 480},    {"Asia/Taipei", 480},    {"Asia/Urumqi", 360},
		{"UTC", 0},             {"Etc/UTC", 0},          {"Z", 0},
	};

	if (s == NULL)
		goto fail;
	for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
		if (strcmp(s, zones[i].name) == 0) {
			*offset_min = zones[i].offset_min;
			return ERR_OK;
		}
	}
	if (offset_parse(s, strlen(s), false, offset_min) == ERR_OK)
		return ERR_OK;
fail:
	return err_set(NULL, ERR_INVALID, "tz", "unknown time zone");
}

/* Local day and second of day of an instant, split before the offset is
 * added so no sum can overflow. */
static void instant_local_split(int64_t unix_s, int tz_offset_min, int64_t *day, int64_t *sod)
{
	int64_t secs = floor_mod(unix_s, SECS_PER_DAY) + (int64_t)tz_offset_min * 60;

	*day = floor_div(unix_s, SECS_PER_DAY) + floor_div(secs, SECS_PER_DAY);
	*sod = floor_mod(secs, SECS_PER_DAY);
}

int32_t instant_local_date(int64_t unix_s, int tz_offset_min)
{
	int64_t day, sod;

	instant_local_split(unix_s, tz_offset_min, &day, &sod);
	return (int32_t)day;
}

/* The arithmetic below loops once per day and trusts the periods to be
 * sorted and in range; a hand-built or zeroed struct must not make it spin. */
static bool office_hours_valid(const struct office_hours *oh)
{
	if (oh == NULL || oh->n < 1 || oh->n > OFFICE_PERIODS_MAX ||
	    oh->tz_offset_min < -TZ_OFFSET_MAX_MIN || oh->tz_offset_min > TZ_OFFSET_MAX_MIN)
		return false;
	for (int i = 0; i < oh->n; i++) {
		if (oh->period[i].start < 0 || oh->period[i].start >= oh->period[i].end ||
		    oh->period[i].end > MINS_PER_DAY)
			return false;
		if (i > 0 && oh->period[i].start < oh->period[i - 1].end)
			return false;
	}
	return true;
}

static bool instant_valid(int64_t t)
{
	return t >= INSTANT_MIN && t <= INSTANT_MAX;
}

/* Office seconds in a working day. */
static int64_t office_hours_day_secs(const struct office_hours *oh)
{
	int64_t sum = 0;

	for (int i = 0; i < oh->n; i++)
		sum += (int64_t)(oh->period[i].end - oh->period[i].start) * 60;
	return sum;
}

static int64_t local_to_instant(const struct office_hours *oh, int64_t day, int64_t sod)
{
	return day * SECS_PER_DAY + sod - (int64_t)oh->tz_offset_min * 60;
}

/* Asks the calendar whether day is a working day. */
static enum err day_is_working(day_kind_fn kind, void *ctx, int64_t day, bool *working)
{
	enum day_kind k;
	enum err rc;

	rc = kind(ctx, (int32_t)day, &k);
	if (rc != ERR_OK)
		return rc;
	*working = day_kind_is_working(k);
	return ERR_OK;
}

enum err worktime_add_minutes(const struct office_hours *oh, day_kind_fn kind, void *ctx,
                              int64_t start, int64_t minutes, int64_t *end)
{
	int64_t day, sod, remaining, day_secs;
	int idle = 0;
	enum err rc;

	if (!office_hours_valid(oh) || kind == NULL || end == NULL || !instant_valid(start) ||
	    minutes < 0 || minutes > (INSTANT_MAX - INSTANT_MIN) / 60)
		return err_set(NULL, ERR_INVALID, "minutes", "bad office hours, start or minutes");
	instant_local_split(start, oh->tz_offset_min, &day, &sod);
	remaining = minutes * 60;
	day_secs = office_hours_day_secs(oh);

	for (;; day++, sod = 0) {
		bool working;

		if (day > DATE_MAX)
			return err_set(NULL, ERR_UNPROCESSABLE, "minutes", "past year 9999");
		rc = day_is_working(kind, ctx, day, &working);
		if (rc != ERR_OK)
			return rc;
		if (!working) {
			if (++idle >= WORKTIME_IDLE_DAYS_MAX)
				return err_set(NULL, ERR_UNPROCESSABLE, "calendar",
				               "no working day within %d days", WORKTIME_IDLE_DAYS_MAX);
			continue;
		}
		idle = 0;
		/* A whole working day that cannot hold the rest is skipped in
		 * one step. Strictly greater: a remainder equal to the day's
		 * total ends at this day's close, not the next opening. */
		if (sod == 0 && remaining > day_secs) {
			remaining -= day_secs;
			continue;
		}
		for (int i = 0; i < oh->n; i++) {
			int64_t ps = (int64_t)oh->period[i].start * 60;
			int64_t pe = (int64_t)oh->period[i].end * 60;
			int64_t from = sod > ps ? sod : ps;

			/* Period ends are exclusive: a start at 17:30 is after hours. */
			if (from >= pe)
				continue;
			/* "<=" so a limit that uses up a period ends at its close;
			 * zero minutes lands on the first office moment. */
			if (remaining <= pe - from) {
				*end = local_to_instant(oh, day, from + remaining);
				return ERR_OK;
			}
			remaining -= pe - from;
		}
	}
}

enum err worktime_add_days(const struct office_hours *oh, day_kind_fn kind, void *ctx,
                           int64_t start, int days, int64_t *end)
{
	int64_t day, sod;
	int idle = 0, left = days;
	enum err rc;

	if (!office_hours_valid(oh) || kind == NULL || end == NULL || !instant_valid(start) ||
	    days < 1)
		return err_set(NULL, ERR_INVALID, "days", "bad office hours, start or days");
	instant_local_split(start, oh->tz_offset_min, &day, &sod);

	/* The start day never counts, whatever the hour (12345 practice). */
	for (;;) {
		bool working;

		day++;
		if (day > DATE_MAX)
			return err_set(NULL, ERR_UNPROCESSABLE, "days", "past year 9999");
		rc = day_is_working(kind, ctx, day, &working);
		if (rc != ERR_OK)
			return rc;
		if (!working) {
			if (++idle >= WORKTIME_IDLE_DAYS_MAX)
				return err_set(NULL, ERR_UNPROCESSABLE, "calendar",
				               "no working day within %d days", WORKTIME_IDLE_DAYS_MAX);
			continue;
		}
		idle = 0;
		if (--left == 0) {
			*end = local_to_instant(oh, day, (int64_t)oh->period[oh->n - 1].end * 60);
			return ERR_OK;
		}
	}
}

enum err worktime_elapsed(const struct office_hours *oh, day_kind_fn kind, void *ctx,
                          int64_t from, int64_t to, int64_t *minutes)
{
	int64_t day, sod_from, last_day, sod_to, secs = 0;
	enum err rc;

	if (!office_hours_valid(oh) || kind == NULL || minutes == NULL || !instant_valid(from) ||
	    !instant_valid(to))
		return err_set(NULL, ERR_INVALID, "from", "bad office hours or instants");
	if (to <= from) {
		*minutes = 0;
		return ERR_OK;
	}
	instant_local_split(from, oh->tz_offset_min, &day, &sod_from);
	instant_local_split(to, oh->tz_offset_min, &last_day, &sod_to);

	for (; day <= last_day; day++) {
		/* Clip the interval to this day: [lo, hi) in seconds of day. */
		int64_t lo = sod_from, hi = day == last_day ? sod_to : SECS_PER_DAY;
		bool working;

		sod_from = 0;
		if (hi <= lo)
			continue;
		rc = day_is_working(kind, ctx, day, &working);
		if (rc != ERR_OK)
			return rc;
		if (!working)
			continue;
		for (int i = 0; i < oh->n; i++) {
			int64_t ps = (int64_t)oh->period[i].start * 60;
			int64_t pe = (int64_t)oh->period[i].end * 60;
			int64_t a = lo > ps ? lo : ps, b = hi < pe ? hi : pe;

			if (b > a)
				secs += b - a;
		}
	}
	/* Partial minutes are dropped, as a deadline counts whole minutes. */
	*minutes = secs / 60;
	return ERR_OK;
}
