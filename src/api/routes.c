/* Every route, its capability and its fields, in one table: the router,
 * the access check, input validation, metrics and the API document all
 * read it. */
#include "api/api.h"
#include "limits.h"
#include "store/calendar.h"

static const char *const day_kinds[] = {"workday", "weekend", "holiday", "adjusted_workday", NULL};

static const struct field_spec calendar_list_query[] = {
	{.name = "from", .type = FIELD_DATE, .required = true, .doc = "first day, YYYY-MM-DD"},
	{.name = "to", .type = FIELD_DATE, .required = true, .doc = "last day, inclusive"},
	FIELDS_END,
};

static const struct field_spec calendar_date_param[] = {
	{.name = "date", .type = FIELD_DATE, .required = true, .doc = "the day, YYYY-MM-DD"},
	FIELDS_END,
};

static const struct field_spec calendar_put_body[] = {
	{.name = "kind", .type = FIELD_ENUM, .required = true, .values = day_kinds,
	 .doc = "workday, weekend, holiday or adjusted_workday (调休上班)"},
	{.name = "name", .type = FIELD_STRING, .min = 0, .max = CALENDAR_NAME_MAX,
	 .doc = "e.g. 国庆节"},
	FIELDS_END,
};

static const struct field_spec calendar_deadline_query[] = {
	{.name = "start", .type = FIELD_INSTANT, .required = true,
	 .doc = "when the clock starts, ISO 8601 with a zone"},
	{.name = "working_hours", .type = FIELD_INT, .min = 1, .max = LIMIT_DEADLINE_HOURS,
	 .doc = "limit in office hours"},
	{.name = "working_days", .type = FIELD_INT, .min = 1, .max = LIMIT_DEADLINE_DAYS,
	 .doc = "limit in working days"},
	FIELDS_END,
};

const struct route api_routes[] = {
	{HTTP_GET, "/api/v1/health", api_health, CAP_PUBLIC, NULL, NULL, NULL,
	 "Version, backend and whether the store answers"},
	{HTTP_GET, "/metrics", api_metrics, CAP_PUBLIC, NULL, NULL, NULL,
	 "Prometheus text: requests, latency, store queue and commit batches"},
	{HTTP_GET, "/api/v1/calendar", api_calendar_list, "calendar.read", NULL, calendar_list_query,
	 NULL, "Days in a range with their kind and name"},
	{HTTP_GET, "/api/v1/calendar/deadline", api_calendar_deadline, "calendar.read", NULL,
	 calendar_deadline_query, NULL, "When a limit in working hours or days ends"},
	{HTTP_PUT, "/api/v1/calendar/{date}", api_calendar_put, "calendar.manage", calendar_date_param,
	 NULL, calendar_put_body, "Set a day's kind and name"},
	{HTTP_DELETE, "/api/v1/calendar/{date}", api_calendar_delete, "calendar.manage",
	 calendar_date_param, NULL, NULL, "Return a day to its default kind"},
};

const int api_routes_count = (int)(sizeof api_routes / sizeof api_routes[0]);
