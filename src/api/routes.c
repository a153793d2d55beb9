/* Every route, its capability and its fields, in one table: the router,
 * the access check, input validation, metrics and the API document all
 * read it. */
#include "api/api.h"
#include "api/openapi.h"

#include <stdlib.h>

#include "limits.h"
#include "auth/caps.h"
#include "auth/identity.h"
#include "auth/policy.h"
#include "store/calendar.h"

static const char *check_login(const char *s, size_t n) { return login_check(s, n); }
static const char *check_scope(const char *s, size_t n) { return scope_check(s, n); }
static const char *check_role_id(const char *s, size_t n) { return role_id_check(s, n); }
/* An empty phone clears it. */
static const char *check_phone(const char *s, size_t n) { return n == 0 ? NULL : phone_check(s, n); }

static const char *const user_statuses[] = {"active", "locked", "disabled", NULL};
static const char *const outcomes[] = {"ok", "denied", "failed", NULL};

static const struct field_spec session_body[] = {
	{.name = "login", .type = FIELD_STRING, .required = true, .min = 1, .max = 64},
	{.name = "password", .type = FIELD_STRING, .required = true, .min = 1, .max = 128},
	FIELDS_END,
};
static const struct field_spec session_delete_query[] = {
	{.name = "all", .type = FIELD_BOOL, .doc = "end every session of the user"},
	FIELDS_END,
};
static const struct field_spec password_change_body[] = {
	{.name = "old_password", .type = FIELD_STRING, .required = true, .min = 1, .max = 128},
	{.name = "new_password", .type = FIELD_STRING, .required = true, .min = 1, .max = 128},
	FIELDS_END,
};
static const struct field_spec id_param[] = {
	{.name = "id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	FIELDS_END,
};
static const struct field_spec users_query[] = {
	{.name = "q", .type = FIELD_STRING, .min = 1, .max = 64, .doc = "login or name contains"},
	{.name = "status", .type = FIELD_ENUM, .values = user_statuses},
	{.name = "role", .type = FIELD_STRING, .min = 2, .max = 32, .check = check_role_id},
	{.name = "page", .type = FIELD_INT, .min = 1, .max = 1000000},
	{.name = "page_size", .type = FIELD_INT, .min = 1, .max = LIMIT_PAGE_SIZE},
	FIELDS_END,
};
#define ROLES_FIELD(req) \
	{.name = "roles", .type = FIELD_STRINGS, .required = req, .min = 2, .max = 32, \
	 .check = check_role_id, .max_items = IDENTITY_ROLES_MAX}
#define SCOPES_FIELD(req) \
	{.name = "scopes", .type = FIELD_STRINGS, .required = req, .min = 1, .max = 32, \
	 .check = check_scope, .max_items = IDENTITY_SCOPES_MAX}
static const struct field_spec user_create_body[] = {
	{.name = "login", .type = FIELD_STRING, .required = true, .min = 2, .max = 64, .check = check_login},
	{.name = "display_name", .type = FIELD_STRING, .required = true, .min = 1, .max = 64},
	{.name = "password", .type = FIELD_STRING, .required = true, .min = 1, .max = 128},
	{.name = "phone", .type = FIELD_STRING, .min = 0, .max = 11, .check = check_phone},
	ROLES_FIELD(false),
	SCOPES_FIELD(false),
	FIELDS_END,
};
static const struct field_spec user_update_body[] = {
	{.name = "display_name", .type = FIELD_STRING, .min = 1, .max = 64},
	{.name = "phone", .type = FIELD_STRING, .min = 0, .max = 11, .check = check_phone},
	{.name = "status", .type = FIELD_ENUM, .values = user_statuses},
	FIELDS_END,
};
static const struct field_spec user_password_body[] = {
	{.name = "password", .type = FIELD_STRING, .required = true, .min = 1, .max = 128},
	FIELDS_END,
};
static const struct field_spec user_grants_body[] = {
	ROLES_FIELD(true),
	SCOPES_FIELD(true),
	FIELDS_END,
};
static const struct field_spec role_param[] = {
	{.name = "id", .type = FIELD_STRING, .required = true, .min = 2, .max = 32, .check = check_role_id},
	FIELDS_END,
};
#define CAPS_FIELD \
	{.name = "capabilities", .type = FIELD_STRINGS, .required = true, .min = 1, .max = 40, \
	 .max_items = IDENTITY_CAPS_MAX}
static const struct field_spec role_create_body[] = {
	{.name = "id", .type = FIELD_STRING, .required = true, .min = 2, .max = 32, .check = check_role_id},
	{.name = "name", .type = FIELD_STRING, .required = true, .min = 1, .max = 64},
	CAPS_FIELD,
	FIELDS_END,
};
static const struct field_spec role_update_body[] = {
	{.name = "name", .type = FIELD_STRING, .required = true, .min = 1, .max = 64},
	CAPS_FIELD,
	FIELDS_END,
};
static const struct field_spec apikey_body[] = {
	{.name = "name", .type = FIELD_STRING, .required = true, .min = 1, .max = 64},
	{.name = "user_id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	FIELDS_END,
};
static const struct field_spec audit_query[] = {
	{.name = "user", .type = FIELD_STRING, .min = 1, .max = 64, .doc = "login"},
	{.name = "action", .type = FIELD_STRING, .min = 1, .max = 48},
	{.name = "object", .type = FIELD_STRING, .min = 1, .max = 128},
	{.name = "outcome", .type = FIELD_ENUM, .values = outcomes},
	{.name = "from", .type = FIELD_INSTANT},
	{.name = "to", .type = FIELD_INSTANT},
	{.name = "before_id", .type = FIELD_INT, .min = 1, .max = INT64_MAX},
	{.name = "limit", .type = FIELD_INT, .min = 1, .max = LIMIT_PAGE_SIZE},
	FIELDS_END,
};

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

const struct route core_routes[] = {
	{HTTP_GET, "/api/v1/health", api_health, CAP_PUBLIC, NULL, NULL, NULL,
	 "Version, backend and whether the store answers"},
	{HTTP_GET, "/api/v1/openapi.json", api_openapi, CAP_AUTHENTICATED, NULL, NULL, NULL,
	 "The OpenAPI 3 document of /api/v1, generated from this table"},
	{HTTP_GET, "/metrics", api_metrics, CAP_PUBLIC, NULL, NULL, NULL,
	 "Prometheus text: requests, latency, store queue and commit batches"},
	{HTTP_POST, "/api/v1/session", api_session_create, CAP_PUBLIC, NULL, NULL, session_body,
	 "Log in: sets the session cookie, answers the user, capabilities and CSRF token"},
	{HTTP_GET, "/api/v1/session", api_session_get, CAP_AUTHENTICATED, NULL, NULL, NULL,
	 "Who is logged in"},
	{HTTP_DELETE, "/api/v1/session", api_session_delete, CAP_AUTHENTICATED, NULL,
	 session_delete_query, NULL, "Log out (all=true: everywhere)"},
	{HTTP_POST, "/api/v1/session/password", api_session_password, CAP_AUTHENTICATED, NULL, NULL,
	 password_change_body, "Change one's own password"},
	{HTTP_GET, "/api/v1/users", api_users_list, "user.read", NULL, users_query, NULL,
	 "Users inside the caller's scope"},
	{HTTP_POST, "/api/v1/users", api_users_create, "user.manage", NULL, NULL, user_create_body,
	 "Create a user (roles and scopes need user.grant)"},
	{HTTP_GET, "/api/v1/users/{id}", api_users_get, "user.read", id_param, NULL, NULL, "One user"},
	{HTTP_PATCH, "/api/v1/users/{id}", api_users_update, "user.manage", id_param, NULL,
	 user_update_body, "Edit name, phone or status"},
	{HTTP_POST, "/api/v1/users/{id}/password", api_users_password, "user.manage", id_param, NULL,
	 user_password_body, "Reset a user's password"},
	{HTTP_PUT, "/api/v1/users/{id}/grants", api_users_grants, "user.grant", id_param, NULL,
	 user_grants_body, "Replace a user's roles and scopes"},
	{HTTP_DELETE, "/api/v1/users/{id}/sessions", api_users_sessions_delete, "user.manage",
	 id_param, NULL, NULL, "End every session of a user"},
	{HTTP_GET, "/api/v1/users/{id}/phone", api_users_phone, "person.read_pii", id_param, NULL,
	 NULL, "Unmask a user's phone (audited)"},
	{HTTP_GET, "/api/v1/capabilities", api_capabilities, "role.read", NULL, NULL, NULL,
	 "Every capability"},
	{HTTP_GET, "/api/v1/roles", api_roles_list, "role.read", NULL, NULL, NULL,
	 "Roles with their capabilities"},
	{HTTP_POST, "/api/v1/roles", api_roles_create, "role.manage", NULL, NULL, role_create_body,
	 "Define a role"},
	{HTTP_PUT, "/api/v1/roles/{id}", api_roles_update, "role.manage", role_param, NULL,
	 role_update_body, "Change a role"},
	{HTTP_DELETE, "/api/v1/roles/{id}", api_roles_delete, "role.manage", role_param, NULL, NULL,
	 "Delete a role no one holds"},
	{HTTP_GET, "/api/v1/api-keys", api_apikeys_list, "apikey.manage", NULL, NULL, NULL,
	 "API keys"},
	{HTTP_POST, "/api/v1/api-keys", api_apikeys_create, "apikey.manage", NULL, NULL, apikey_body,
	 "Create an API key (shown once)"},
	{HTTP_DELETE, "/api/v1/api-keys/{id}", api_apikeys_revoke, "apikey.manage", id_param, NULL,
	 NULL, "Revoke an API key"},
	{HTTP_GET, "/api/v1/audit", api_audit_search, "audit.read", NULL, audit_query, NULL,
	 "Search the audit log"},
	{HTTP_GET, "/api/v1/calendar", api_calendar_list, "calendar.read", NULL, calendar_list_query,
	 NULL, "Days in a range with their kind and name"},
	{HTTP_GET, "/api/v1/calendar/deadline", api_calendar_deadline, "calendar.read", NULL,
	 calendar_deadline_query, NULL, "When a limit in working hours or days ends"},
	{HTTP_PUT, "/api/v1/calendar/{date}", api_calendar_put, "calendar.manage", calendar_date_param,
	 NULL, calendar_put_body, "Set a day's kind and name"},
	{HTTP_DELETE, "/api/v1/calendar/{date}", api_calendar_delete, "calendar.manage",
	 calendar_date_param, NULL, NULL, "Return a day to its default kind"},
	ROUTES_END,
};

/* Each resource keeps its rows and field specs beside its handlers; the
 * server sees one table. */
static const struct route *const tables[] = {core_routes, area_routes, unit_routes, party_routes,
                                             people_routes, request_routes, io_routes, category_routes,
                                             notification_routes, photo_routes, figure_routes,
                                             webhook_routes, open311_routes, NULL};

const struct route *api_routes(int *count)
{
	static struct route *all;
	static int n;
	if (all == NULL) {
		int total = 0;
		for (int t = 0; tables[t]; t++)
			for (int i = 0; tables[t][i].pattern; i++)
				total++;
		all = calloc((size_t)total, sizeof *all);
		if (all == NULL)
			return NULL;
		for (int t = 0; tables[t]; t++)
			for (int i = 0; tables[t][i].pattern; i++)
				all[n++] = tables[t][i];
	}
	*count = n;
	return all;
}
