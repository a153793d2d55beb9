/* The working calendar's rules: which days work, what may be set on which
 * day, and when a time limit counted in working hours or days ends. Every
 * deadline in linli is computed here. Every change is audited in its own
 * transaction. Thread-safe; no HTTP. */
#ifndef LINLI_DOMAIN_CALENDAR_H
#define LINLI_DOMAIN_CALENDAR_H

#include "auth/identity.h"
#include "store/calendar.h"
#include "store/store.h"
#include "util/worktime.h"

/* Every day in [from, to], defaults included, into a malloc'd array of
 * to-from+1 days (*out; the caller frees it). ERR_INVALID (field "to") if
 * to < from or the range is over LIMIT_CALENDAR_RANGE_DAYS. */
enum err calendar_list(struct store *st, int32_t from, int32_t to, struct calendar_day **out,
                       struct errinfo *ei);
/* Sets a day. A weekend or adjusted workday must fall on a Saturday or
 * Sunday (ERR_UNPROCESSABLE, field "kind"). *out gets the day as stored. */
enum err calendar_set(struct store *st, const struct actor *a, int32_t date, enum day_kind kind,
                      const char *name, struct calendar_day *out, struct errinfo *ei);
/* Returns a day to its default; *out gets it. */
enum err calendar_reset(struct store *st, const struct actor *a, int32_t date,
                        struct calendar_day *out, struct errinfo *ei);
/* When a limit of `minutes` office minutes, or of `days` working days
 * (exactly one of them > 0), started at `start` ends. */
enum err calendar_deadline(struct store *st, const struct office_hours *oh, int64_t start,
                           int64_t minutes, int days, int64_t *end, struct errinfo *ei);
/* The same on the connection of a store callback already running (a
 * request's write transaction sets its deadlines with it). */
enum err calendar_deadline_in(struct store_conn *c, const struct office_hours *oh, int64_t start,
                              int64_t minutes, int days, int64_t *end, struct errinfo *ei);
/* Loads "date,kind,name" lines (a header line and # comments allowed), all
 * or nothing: any bad line is ERR_INVALID naming its line number, and nothing
 * is written. *count gets the number of days written. */
enum err calendar_import_csv(struct store *st, const struct actor *a, const char *text,
                             size_t len, int *count, struct errinfo *ei);

#endif
