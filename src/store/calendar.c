/* calendar_day SQL, portable between SQLite and PostgreSQL. */
#include "store/calendar.h"

#include <stdio.h>
#include <string.h>

#include "util/clock.h"

enum err store_calendar_range(struct store_conn *c, int32_t from, int32_t to,
                              void (*fn)(void *ctx, const struct calendar_day *d), void *ctx,
                              struct errinfo *ei)
{
	char a[11], b[11];
	date_format(from, a);
	date_format(to, b);
	struct store_val p[] = {SV_TEXT(a), SV_TEXT(b)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "SELECT date, kind, name FROM calendar_day"
	                          " WHERE date >= ? AND date <= ? ORDER BY date",
	                          p, 2, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r;
	while ((r = store_next(s)) == 1) {
		struct calendar_day d = {.stored = true};
		size_t len = 0;
		const char *t = store_col_text(s, 0, &len);
		if (date_parse(t, len, &d.date) != ERR_OK ||
		    day_kind_parse(store_col_text(s, 1, NULL), &d.kind) != ERR_OK)
			continue; /* the CHECK constraint keeps this from happening */
		snprintf(d.name, sizeof d.name, "%s", store_col_text(s, 2, NULL));
		fn(ctx, &d);
	}
	store_done(s);
	return r < 0 ? err_set(ei, (enum err)-r, NULL, "reading the calendar failed") : ERR_OK;
}

enum err store_calendar_put(struct store_conn *c, const struct calendar_day *d, struct errinfo *ei)
{
	char date[11], now[32];
	date_format(d->date, date);
	clock_now_iso(now);
	struct store_val p[] = {SV_TEXT(date), SV_TEXT(day_kind_name(d->kind)), SV_TEXT(d->name),
	                        SV_TEXT(now)};
	return store_exec(c,
	                  "INSERT INTO calendar_day (date, kind, name, updated_at) VALUES (?, ?, ?, ?)"
	                  " ON CONFLICT (date) DO UPDATE SET kind = excluded.kind,"
	                  " name = excluded.name, updated_at = excluded.updated_at",
	                  p, 4, NULL, ei);
}

enum err store_calendar_delete(struct store_conn *c, int32_t date, bool *removed,
                               struct errinfo *ei)
{
	char d[11];
	date_format(date, d);
	struct store_val p[] = {SV_TEXT(d)};
	int64_t n = 0;
	enum err rc = store_exec(c, "DELETE FROM calendar_day WHERE date = ?", p, 1, &n, ei);
	if (removed != NULL)
		*removed = n > 0;
	return rc;
}
