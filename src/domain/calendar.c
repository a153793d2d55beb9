/* Working-calendar rules on top of store/calendar.c and util/worktime.c. */
#include "domain/calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/audit.h"
#include "limits.h"
#include "util/utf8.h"

static void day_default(struct calendar_day *d, int32_t date)
{
	memset(d, 0, sizeof *d);
	d->date = date;
	d->kind = day_kind_default(date);
}

/* Which kinds a day may be given: weekend and adjusted_workday only on a
 * Saturday or Sunday (调休 moves work onto a weekend day, never the reverse). */
static enum err check_kind(int32_t date, enum day_kind kind, struct errinfo *ei)
{
	bool weekend = date_weekday(date) >= 6;
	if ((kind == DAY_WEEKEND || kind == DAY_ADJUSTED_WORKDAY) && !weekend)
		return err_set(ei, ERR_UNPROCESSABLE, "kind",
		               "%s is only possible on a Saturday or Sunday", day_kind_name(kind));
	return ERR_OK;
}

static enum err check_name(const char *name, struct errinfo *ei)
{
	size_t chars = 0;
	if (!utf8_valid(name, strlen(name), &chars))
		return err_set(ei, ERR_INVALID, "name", "name is not valid UTF-8");
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return err_set(ei, ERR_INVALID, "name", "name contains a control character");
	if (chars > CALENDAR_NAME_MAX)
		return err_set(ei, ERR_INVALID, "name", "name is longer than %d characters",
		               CALENDAR_NAME_MAX);
	return ERR_OK;
}

/* --- listing ---------------------------------------------------------------- */

struct list_ctx {
	int32_t from, to;
	struct calendar_day *out;
};

static void list_put(void *arg, const struct calendar_day *d)
{
	struct list_ctx *l = arg;
	if (d->date >= l->from && d->date <= l->to)
		l->out[d->date - l->from] = *d;
}

static enum err list_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct list_ctx *l = arg;
	return store_calendar_range(c, l->from, l->to, list_put, l, ei);
}

enum err calendar_list(struct store *st, int32_t from, int32_t to, struct calendar_day **out,
                       struct errinfo *ei)
{
	*out = NULL;
	if (to < from)
		return err_set(ei, ERR_INVALID, "to", "to is before from");
	if (to - from + 1 > LIMIT_CALENDAR_RANGE_DAYS)
		return err_set(ei, ERR_INVALID, "to", "at most %d days at once", LIMIT_CALENDAR_RANGE_DAYS);
	struct calendar_day *days = calloc((size_t)(to - from + 1), sizeof *days);
	if (days == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	for (int32_t d = from; d <= to; d++)
		day_default(&days[d - from], d);
	struct list_ctx l = {from, to, days};
	enum err rc = store_read(st, list_fn, &l, ei);
	if (rc != ERR_OK) {
		free(days);
		return rc;
	}
	*out = days;
	return ERR_OK;
}

/* --- setting ---------------------------------------------------------------- */

struct put_ctx {
	struct calendar_day *days;
	int n;
	bool reset;
	const struct actor *a;
	const char *action; /* calendar.set, calendar.reset, calendar.import */
};

static enum err put_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct put_ctx *p = arg;
	for (int i = 0; i < p->n; i++) {
		enum err rc = p->reset ? store_calendar_delete(c, p->days[i].date, NULL, ei)
		                       : store_calendar_put(c, &p->days[i], ei);
		if (rc != ERR_OK)
			return rc;
	}
	char object[32], detail[300];
	if (strcmp(p->action, "calendar.import") != 0) {
		char d[11];
		date_format(p->days[0].date, d);
		snprintf(object, sizeof object, "calendar:%s", d);
		snprintf(detail, sizeof detail, "%s %s", p->reset ? "default" : day_kind_name(p->days[0].kind),
		         p->reset ? "" : p->days[0].name);
	} else {
		snprintf(object, sizeof object, "calendar");
		snprintf(detail, sizeof detail, "%d days imported", p->n);
	}
	return audit_append(c, p->a, p->action, object, "ok", detail, ei);
}

enum err calendar_set(struct store *st, const struct actor *a, int32_t date, enum day_kind kind,
                      const char *name, struct calendar_day *out, struct errinfo *ei)
{
	enum err rc;
	if ((unsigned)kind >= DAY__MAX)
		return err_set(ei, ERR_INVALID, "kind", "unknown kind");
	if ((rc = check_kind(date, kind, ei)) != ERR_OK)
		return rc;
	if ((rc = check_name(name ? name : "", ei)) != ERR_OK)
		return rc;
	struct calendar_day d = {.date = date, .kind = kind, .stored = true};
	snprintf(d.name, sizeof d.name, "%s", name ? name : "");
	struct put_ctx p = {&d, 1, false, a, "calendar.set"};
	if ((rc = store_write(st, put_fn, &p, ei)) != ERR_OK)
		return rc;
	*out = d;
	return ERR_OK;
}

enum err calendar_reset(struct store *st, const struct actor *a, int32_t date,
                        struct calendar_day *out, struct errinfo *ei)
{
	struct calendar_day d;
	day_default(&d, date);
	struct put_ctx p = {&d, 1, true, a, "calendar.reset"};
	enum err rc = store_write(st, put_fn, &p, ei);
	if (rc == ERR_OK)
		*out = d;
	return rc;
}

/* --- deadlines -------------------------------------------------------------- */

/* The deadline walk asks for one day at a time; this answers from a window
 * of days loaded with one range query, loading the next window when the
 * walk leaves it. */
#define WINDOW_DAYS 96

struct walk_ctx {
	struct store_conn *conn;
	int32_t from;
	bool loaded;
	enum day_kind kind[WINDOW_DAYS];
	struct errinfo *ei;
	const struct office_hours *oh;
	int64_t start, minutes;
	int days;
	int64_t end;
};

static void walk_put(void *arg, const struct calendar_day *d)
{
	struct walk_ctx *w = arg;
	if (d->date >= w->from && d->date < w->from + WINDOW_DAYS)
		w->kind[d->date - w->from] = d->kind;
}

static enum err walk_kind(void *arg, int32_t date, enum day_kind *out)
{
	struct walk_ctx *w = arg;
	if (!w->loaded || date < w->from || date >= w->from + WINDOW_DAYS) {
		w->from = date;
		for (int i = 0; i < WINDOW_DAYS; i++)
			w->kind[i] = day_kind_default(date + i);
		enum err rc = store_calendar_range(w->conn, date, date + WINDOW_DAYS - 1, walk_put, w,
		                                   w->ei);
		if (rc != ERR_OK)
			return rc;
		w->loaded = true;
	}
	*out = w->kind[date - w->from];
	return ERR_OK;
}

static enum err deadline_walk(struct store_conn *c, struct walk_ctx *w, struct errinfo *ei)
{
	w->conn = c;
	w->ei = ei;
	enum err rc = w->days > 0
		? worktime_add_days(w->oh, walk_kind, w, w->start, w->days, &w->end)
		: worktime_add_minutes(w->oh, walk_kind, w, w->start, w->minutes, &w->end);
	if (rc == ERR_UNPROCESSABLE)
		return err_set(ei, rc, NULL, "no working day found: check the calendar");
	if (rc == ERR_INVALID)
		return err_set(ei, rc, NULL, "the limit cannot be computed from these values");
	return rc;
}

static enum err deadline_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	return deadline_walk(c, arg, ei);
}

static enum err walk_new(const struct office_hours *oh, int64_t start, int64_t minutes, int days,
                         struct walk_ctx **out, struct errinfo *ei)
{
	if ((minutes > 0) == (days > 0))
		return err_set(ei, ERR_INVALID, "working_hours", "give either working_hours or working_days");
	struct walk_ctx *w = calloc(1, sizeof *w);
	if (w == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	w->oh = oh;
	w->start = start;
	w->minutes = minutes;
	w->days = days;
	*out = w;
	return ERR_OK;
}

enum err calendar_deadline(struct store *st, const struct office_hours *oh, int64_t start,
                           int64_t minutes, int days, int64_t *end, struct errinfo *ei)
{
	struct walk_ctx *w = NULL;
	enum err rc = walk_new(oh, start, minutes, days, &w, ei);
	if (rc != ERR_OK)
		return rc;
	rc = store_read(st, deadline_fn, w, ei);
	if (rc == ERR_OK)
		*end = w->end;
	free(w);
	return rc;
}

enum err calendar_deadline_in(struct store_conn *c, const struct office_hours *oh, int64_t start,
                              int64_t minutes, int days, int64_t *end, struct errinfo *ei)
{
	struct walk_ctx *w = NULL;
	enum err rc = walk_new(oh, start, minutes, days, &w, ei);
	if (rc != ERR_OK)
		return rc;
	rc = deadline_walk(c, w, ei);
	if (rc == ERR_OK)
		*end = w->end;
	free(w);
	return rc;
}

/* --- import ----------------------------------------------------------------- */

#define IMPORT_MAX_DAYS 20000

enum err calendar_import_csv(struct store *st, const struct actor *a, const char *text,
                             size_t len, int *count, struct errinfo *ei)
{
	struct calendar_day *days = calloc(IMPORT_MAX_DAYS, sizeof *days);
	if (days == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	enum err rc = ERR_OK;
	int n = 0, lineno = 0;
	const char *p = text, *endp = text + len;
	while (p < endp && rc == ERR_OK) {
		const char *nl = memchr(p, '\n', (size_t)(endp - p));
		const char *le = nl ? nl : endp;
		lineno++;
		char line[512];
		size_t ll = (size_t)(le - p);
		if (ll >= sizeof line) {
			rc = err_set(ei, ERR_INVALID, "line", "line %d: too long", lineno);
			break;
		}
		memcpy(line, p, ll);
		line[ll] = '\0';
		p = nl ? nl + 1 : endp;
		if (ll > 0 && line[ll - 1] == '\r')
			line[--ll] = '\0';
		if (ll == 0 || line[0] == '#' || (lineno == 1 && strncmp(line, "date,", 5) == 0))
			continue;
		char *c1 = strchr(line, ',');
		char *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
		if (c1 == NULL) {
			rc = err_set(ei, ERR_INVALID, "line", "line %d: expected date,kind,name", lineno);
			break;
		}
		*c1 = '\0';
		if (c2 != NULL)
			*c2 = '\0';
		if (n == IMPORT_MAX_DAYS) {
			rc = err_set(ei, ERR_TOO_LARGE, NULL, "line %d: more than %d days", lineno,
			             IMPORT_MAX_DAYS);
			break;
		}
		struct calendar_day *d = &days[n];
		struct errinfo e2;
		if (date_parse(line, strlen(line), &d->date) != ERR_OK) {
			rc = err_set(ei, ERR_INVALID, "date", "line %d: bad date %.20s", lineno, line);
		} else if (day_kind_parse(c1 + 1, &d->kind) != ERR_OK) {
			rc = err_set(ei, ERR_INVALID, "kind", "line %d: bad kind %.30s", lineno, c1 + 1);
		} else if (check_kind(d->date, d->kind, &e2) != ERR_OK ||
		           check_name(c2 ? c2 + 1 : "", &e2) != ERR_OK) {
			rc = err_set(ei, ERR_INVALID, e2.field, "line %d: %s", lineno, e2.message);
		} else {
			snprintf(d->name, sizeof d->name, "%s", c2 ? c2 + 1 : "");
			d->stored = true;
			n++;
		}
	}
	if (rc == ERR_OK) {
		struct put_ctx pc = {days, n, false, a, "calendar.import"};
		rc = store_write(st, put_fn, &pc, ei);
	}
	if (count != NULL)
		*count = rc == ERR_OK ? n : 0;
	free(days);
	return rc;
}
