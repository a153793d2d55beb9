/* SQL of the working calendar (table calendar_day). Called inside store
 * callbacks only; dates are days since 1970-01-01. */
#ifndef LINLI_STORE_CALENDAR_H
#define LINLI_STORE_CALENDAR_H

#include "store/store.h"
#include "util/worktime.h"

#define CALENDAR_NAME_MAX 64 /* characters */

struct calendar_day {
	int32_t date;
	enum day_kind kind;
	bool stored; /* false: the default kind, nothing in the table */
	char name[CALENDAR_NAME_MAX * 4 + 1];
};

/* Calls fn for every stored day in [from, to], in date order. */
enum err store_calendar_range(struct store_conn *c, int32_t from, int32_t to,
                              void (*fn)(void *ctx, const struct calendar_day *d), void *ctx,
                              struct errinfo *ei);
/* Inserts or replaces one day. */
enum err store_calendar_put(struct store_conn *c, const struct calendar_day *d, struct errinfo *ei);
/* Removes one day (back to its default); *removed says whether it existed. */
enum err store_calendar_delete(struct store_conn *c, int32_t date, bool *removed, struct errinfo *ei);

#endif
