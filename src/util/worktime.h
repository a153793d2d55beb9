/* Civil dates, instants and working time: pure functions with no store,
 * no clock and no global state, so they are thread-safe and easy to test.
 * Dates are days since 1970-01-01 (int32_t); instants are Unix seconds (UTC). */
#ifndef LINLI_WORKTIME_H
#define LINLI_WORKTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* Proleptic Gregorian; valid for years 1..9999. */
int32_t date_from_civil(int y, int m, int d);
void date_to_civil(int32_t days, int *y, int *m, int *d);
/* ISO weekday: 1 = Monday … 7 = Sunday. */
int date_weekday(int32_t days);
/* Strict "YYYY-MM-DD" (exactly 10 chars, real date, year 1900..2199).
 * Returns ERR_OK or ERR_INVALID. */
enum err date_parse(const char *s, size_t n, int32_t *days);
/* Writes "YYYY-MM-DD" and a NUL into out. */
void date_format(int32_t days, char out[11]);

/* ISO 8601 instant with a zone, as the API accepts it:
 * "YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM|±HHMM)". A missing zone is ERR_INVALID. */
enum err instant_parse(const char *s, size_t n, int64_t *unix_s);
/* Writes "YYYY-MM-DDTHH:MM:SS+08:00" (or "Z" when offset is 0) and a NUL. */
void instant_format(int64_t unix_s, int offset_min, char out[32]);

enum day_kind {
	DAY_WORKDAY,          /* an ordinary Monday–Friday */
	DAY_WEEKEND,          /* an ordinary Saturday or Sunday */
	DAY_HOLIDAY,          /* statutory holiday, or a day off moved by 调休 */
	DAY_ADJUSTED_WORKDAY, /* a weekend day worked instead (调休上班) */
	DAY__MAX
};
const char *day_kind_name(enum day_kind k); /* "workday", "weekend", "holiday", "adjusted_workday" */
enum err day_kind_parse(const char *s, enum day_kind *out);
bool day_kind_is_working(enum day_kind k);
/* The kind a day has when the calendar holds nothing for it. */
enum day_kind day_kind_default(int32_t days);

#define OFFICE_PERIODS_MAX 4
/* Office hours of a working day, in minutes after local midnight, and the
 * zone's fixed offset from UTC. Periods are sorted and do not overlap. */
struct office_hours {
	int n;
	struct {
		int start, end;
	} period[OFFICE_PERIODS_MAX];
	int tz_offset_min;
};
/* "08:30-12:00,14:00-17:30" → periods. ERR_INVALID on bad syntax, overlap,
 * unsorted periods or more than OFFICE_PERIODS_MAX. */
enum err office_hours_parse(const char *s, struct office_hours *oh);
/* "Asia/Shanghai", "UTC", "Z", "+08:00", "-05:30" → offset in minutes.
 * Named zones are only those without daylight saving (China has had none since 1991). */
enum err tz_parse(const char *s, int *offset_min);
/* The local date of an instant. */
int32_t instant_local_date(int64_t unix_s, int tz_offset_min);

/* How the caller (backed by the stored calendar) answers a day's kind.
 * Returns ERR_OK or a store error, which is passed through. */
typedef enum err (*day_kind_fn)(void *ctx, int32_t days, enum day_kind *out);

/* The instant when `minutes` of office time have passed after start.
 * A start outside office hours begins at the next office period of a working
 * day; a limit that ends exactly at a period's end ends there (17:30), not at
 * the next opening. ERR_UNPROCESSABLE if no working day is found within 3660
 * days (a calendar of nothing but holidays). */
enum err worktime_add_minutes(const struct office_hours *oh, day_kind_fn kind, void *ctx,
                              int64_t start, int64_t minutes, int64_t *end);
/* The close of office hours on the Nth working day after start's local date
 * (the start day itself is not counted, as 12345 practice counts "N 个工作日"). */
enum err worktime_add_days(const struct office_hours *oh, day_kind_fn kind, void *ctx,
                           int64_t start, int days, int64_t *end);
/* Office minutes between two instants (0 if to <= from). Used to pause and
 * measure deadlines. */
enum err worktime_elapsed(const struct office_hours *oh, day_kind_fn kind, void *ctx,
                          int64_t from, int64_t to, int64_t *minutes);

#endif
