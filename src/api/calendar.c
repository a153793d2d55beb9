/* The working calendar's HTTP face: JSON in, domain call, JSON out. */
#include <stdlib.h>

#include "api/api.h"
#include "app.h"
#include "auth/identity.h"
#include "domain/calendar.h"

static json_t *day_json(const struct calendar_day *d)
{
	char date[11];
	date_format(d->date, date);
	return json_pack("{s:s, s:s, s:s, s:b, s:i}", "date", date, "kind", day_kind_name(d->kind),
	                 "name", d->name, "working", day_kind_is_working(d->kind), "weekday",
	                 date_weekday(d->date));
}

void api_calendar_list(struct req *r)
{
	int32_t from = (int32_t)req_int(r, "from", 0), to = (int32_t)req_int(r, "to", 0);
	struct errinfo *ei = req_errinfo(r);
	struct calendar_day *days = NULL;
	if (calendar_list(req_app(r)->store, from, to, &days, ei) != ERR_OK) {
		reply_errinfo(r, ei);
		return;
	}
	json_t *arr = json_array();
	for (int32_t i = 0; i <= to - from; i++)
		json_array_append_new(arr, day_json(&days[i]));
	free(days);
	reply_json(r, 200, json_pack("{s:s, s:s, s:o}", "from", req_str(r, "from"), "to",
	                             req_str(r, "to"), "days", arr));
}

void api_calendar_put(struct req *r)
{
	struct calendar_day d;
	struct errinfo *ei = req_errinfo(r);
	const char *name = req_str(r, "name");
	struct actor a;
	req_actor(r, &a);
	if (calendar_set(req_app(r)->store, &a, (int32_t)req_int(r, "date", 0),
	                 (enum day_kind)req_int(r, "kind", 0), name ? name : "", &d, ei) != ERR_OK) {
		reply_errinfo(r, ei);
		return;
	}
	reply_json(r, 200, day_json(&d));
}

void api_calendar_delete(struct req *r)
{
	struct calendar_day d;
	struct errinfo *ei = req_errinfo(r);
	struct actor a;
	req_actor(r, &a);
	if (calendar_reset(req_app(r)->store, &a, (int32_t)req_int(r, "date", 0), &d, ei) != ERR_OK) {
		reply_errinfo(r, ei);
		return;
	}
	reply_json(r, 200, day_json(&d));
}

void api_calendar_deadline(struct req *r)
{
	struct app *app = req_app(r);
	struct errinfo *ei = req_errinfo(r);
	int64_t hours = req_int(r, "working_hours", 0);
	int days = (int)req_int(r, "working_days", 0);
	int64_t end = 0;
	if (calendar_deadline(app->store, &app->office, req_int(r, "start", 0), hours * 60, days,
	                      &end, ei) != ERR_OK) {
		reply_errinfo(r, ei);
		return;
	}
	char start_s[32], end_s[32];
	instant_format(req_int(r, "start", 0), app->office.tz_offset_min, start_s);
	instant_format(end, app->office.tz_offset_min, end_s);
	json_t *body = json_pack("{s:s, s:s, s:s, s:s}", "start", start_s, "deadline", end_s,
	                         "office_hours", app->cfg.office_hours, "timezone", app->cfg.timezone);
	if (hours > 0)
		json_object_set_new(body, "working_hours", json_integer(hours));
	else
		json_object_set_new(body, "working_days", json_integer(days));
	reply_json(r, 200, body);
}
