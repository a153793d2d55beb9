/* /api/v1/requests (接诉即办), its actions, the export, and the resident
 * pages under /api/v1/public/requests. JSON in, domain call, JSON out. The
 * actions share one route; each action's body is declared below as the
 * fields it takes and requires (a subset of action_body), checked here and
 * listed by GET …/actions so the console can draw each dialog. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app.h"
#include "auth/caps.h"
#include "auth/identity.h"
#include "auth/policy.h"
#include "domain/requests.h"
#include "limits.h"
#include "util/clock.h"

static const char *check_phone(const char *s, size_t n) { return n == 0 ? NULL : phone_check(s, n); }

static const char *check_sha(const char *s, size_t n)
{
	if (n != 64)
		return "must be a sha256: 64 hex digits";
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return "must be a sha256: 64 lower-case hex digits";
	return NULL;
}

static const char *check_digits4(const char *s, size_t n)
{
	if (n != 4)
		return "must be 4 digits";
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return "must be 4 digits";
	return NULL;
}

static const char *const crs_names[] = {"wgs84", "gcj02", NULL};

static const struct field_spec id_param[] = {
	{.name = "id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	FIELDS_END,
};
static const struct field_spec action_param[] = {
	{.name = "id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	{.name = "action", .type = FIELD_ENUM, .required = true, .values = rq_action_names,
	 .doc = "an action of the transition table (docs/REQUESTS.md)"},
	FIELDS_END,
};
static const struct field_spec code_param[] = {
	{.name = "tracking_code", .type = FIELD_STRING, .required = true, .min = RQ_TRACKING_LEN,
	 .max = RQ_TRACKING_LEN, .doc = "the 10-character tracking code"},
	FIELDS_END,
};

#define LOCATION_FIELDS                                                                          \
	{.name = "area_id", .type = FIELD_INT, .min = 1, .max = INT64_MAX,                          \
	 .doc = "where it happened (a grid or below); or give lng/lat, or an address"},             \
	{.name = "lng", .type = FIELD_REAL, .rmin = -180, .rmax = 180},                              \
	{.name = "lat", .type = FIELD_REAL, .rmin = -90, .rmax = 90},                                \
	{.name = "crs", .type = FIELD_ENUM, .values = crs_names, .doc = "of lng/lat (default wgs84)"}, \
	{.name = "address", .type = FIELD_STRING, .min = 0, .max = RQ_ADDRESS_MAX}

#define PHOTOS_FIELD                                                                           \
	{.name = "photos", .type = FIELD_STRINGS, .min = 64, .max = 64, .check = check_sha,       \
	 .max_items = RQ_PHOTOS_MAX, .doc = "sha256 of uploaded photos"}

static const struct field_spec create_body[] = {
	{.name = "source", .type = FIELD_ENUM, .required = true, .values = rq_sources},
	{.name = "kind", .type = FIELD_ENUM, .required = true, .values = rq_kinds},
	{.name = "urgency", .type = FIELD_ENUM, .values = rq_urgencies, .doc = "default normal"},
	{.name = "category_id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	{.name = "title", .type = FIELD_STRING, .required = true, .min = 1, .max = RQ_TITLE_MAX},
	{.name = "description", .type = FIELD_STRING, .min = 0, .max = RQ_DESCRIPTION_MAX,
	 .multiline = true},
	LOCATION_FIELDS,
	{.name = "reporter_name", .type = FIELD_STRING, .min = 0, .max = RQ_REPORTER_NAME_MAX},
	{.name = "reporter_phone", .type = FIELD_STRING, .min = 0, .max = 11, .check = check_phone},
	{.name = "anonymous", .type = FIELD_BOOL, .doc = "hide the reporter from the public pages"},
	PHOTOS_FIELD,
	FIELDS_END,
};
static const struct field_spec public_create_body[] = {
	{.name = "kind", .type = FIELD_ENUM, .values = rq_kinds, .doc = "default complaint"},
	{.name = "category_id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	{.name = "title", .type = FIELD_STRING, .required = true, .min = 1, .max = RQ_TITLE_MAX},
	{.name = "description", .type = FIELD_STRING, .min = 0, .max = RQ_DESCRIPTION_MAX,
	 .multiline = true},
	LOCATION_FIELDS,
	{.name = "reporter_name", .type = FIELD_STRING, .min = 0, .max = RQ_REPORTER_NAME_MAX},
	{.name = "reporter_phone", .type = FIELD_STRING, .required = true, .min = 11, .max = 11,
	 .check = check_phone, .doc = "its last 4 digits prove the reporter when rating"},
	{.name = "anonymous", .type = FIELD_BOOL},
	PHOTOS_FIELD,
	FIELDS_END,
};

#define LIST_FILTERS                                                                            \
	{.name = "state", .type = FIELD_ENUM, .values = rq_state_names},                            \
	{.name = "category", .type = FIELD_INT, .min = 1, .max = INT64_MAX,                         \
	 .doc = "the category or its top class"},                                                   \
	{.name = "area", .type = FIELD_INT, .min = 1, .max = INT64_MAX,                             \
	 .doc = "requests in this area's subtree (in the scope)"},                                  \
	{.name = "department", .type = FIELD_INT, .min = 1, .max = INT64_MAX,                       \
	 .doc = "owned by this department"},                                                        \
	{.name = "source", .type = FIELD_ENUM, .values = rq_sources},                               \
	{.name = "urgency", .type = FIELD_ENUM, .values = rq_urgencies},                            \
	{.name = "overdue", .type = FIELD_BOOL},                                                    \
	{.name = "from", .type = FIELD_DATE, .doc = "registered on or after (local date)"},         \
	{.name = "to", .type = FIELD_DATE, .doc = "registered on or before (local date)"},          \
	{.name = "q", .type = FIELD_STRING, .min = 1, .max = 100,                                   \
	 .doc = "text in the title, description or address"},                                       \
	{.name = "queue", .type = FIELD_ENUM, .values = rq_queues}

static const struct field_spec list_query[] = {
	LIST_FILTERS,
	{.name = "after", .type = FIELD_INT, .min = 1, .max = INT64_MAX,
	 .doc = "keyset: the last id of the previous page"},
	{.name = "limit", .type = FIELD_INT, .min = 1, .max = LIMIT_PAGE_SIZE},
	FIELDS_END,
};
static const struct field_spec export_query[] = {
	LIST_FILTERS,
	FIELDS_END,
};
static const struct field_spec dup_query[] = {
	{.name = "category", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	{.name = "lng", .type = FIELD_REAL, .rmin = -180, .rmax = 180},
	{.name = "lat", .type = FIELD_REAL, .rmin = -90, .rmax = 90},
	{.name = "area", .type = FIELD_INT, .min = 1, .max = INT64_MAX},
	{.name = "text", .type = FIELD_STRING, .min = 1, .max = 200},
	FIELDS_END,
};

/* Every field an action may take; action_fields says which each takes. */
static const struct field_spec action_body[] = {
	{.name = "note", .type = FIELD_STRING, .min = 0, .max = RQ_NOTE_MAX, .multiline = true},
	{.name = "reason", .type = FIELD_STRING, .min = 1, .max = 200,
	 .doc = "return: not_our_area, unclear_ownership, overlapping_duties or other"},
	{.name = "owner_area_id", .type = FIELD_INT, .min = 1, .max = INT64_MAX},
	{.name = "owner_unit_id", .type = FIELD_INT, .min = 1, .max = INT64_MAX},
	{.name = "days", .type = FIELD_INT, .min = 1, .max = RQ_EXTENSION_MAX_DAYS},
	{.name = "solved", .type = FIELD_BOOL},
	{.name = "feedback", .type = FIELD_ENUM, .values = rq_feedbacks},
	PHOTOS_FIELD,
	{.name = "lead_unit_id", .type = FIELD_INT, .min = 1, .max = INT64_MAX},
	{.name = "lead_part", .type = FIELD_STRING, .min = 0, .max = RQ_PART_MAX},
	{.name = "co_unit_ids", .type = FIELD_INTS, .min = 1, .max = INT64_MAX,
	 .max_items = RQ_CO_PARTIES_MAX},
	{.name = "co_parts", .type = FIELD_STRINGS, .min = 0, .max = RQ_PART_MAX,
	 .max_items = RQ_CO_PARTIES_MAX},
	{.name = "unit_id", .type = FIELD_INT, .min = 1, .max = INT64_MAX,
	 .doc = "report_in, part_done: which of the caller's departments"},
	{.name = "into", .type = FIELD_INT, .min = 1, .max = INT64_MAX, .doc = "merge: the request kept"},
	{.name = "version", .type = FIELD_INT, .min = 1, .max = INT64_MAX,
	 .doc = "the version read: refused with 409 if the request changed since"},
	FIELDS_END,
};

/* Each action's body: the fields it takes and those it requires
 * (space-separated names of action_body; "version" is always taken). */
static const struct {
	const char *takes, *requires;
} action_fields[RA__MAX] = {
	[RA_ACCEPT] = {"note", ""},
	[RA_ANSWER] = {"note", "note"},
	[RA_INVALIDATE] = {"reason note", "reason"},
	[RA_DISPATCH] = {"owner_area_id owner_unit_id note", ""},
	[RA_ACKNOWLEDGE] = {"note", ""},
	[RA_RETURN] = {"reason note", "reason note"},
	[RA_APPROVE_RETURN] = {"note", ""},
	[RA_REFUSE_RETURN] = {"note", "note"},
	[RA_REDISPATCH] = {"owner_area_id owner_unit_id note", ""},
	[RA_ESCALATE] = {"reason owner_unit_id note", "reason"},
	[RA_WHISTLE] = {"lead_unit_id lead_part co_unit_ids co_parts note", ""},
	[RA_REPORT_IN] = {"unit_id note", ""},
	[RA_PART_DONE] = {"unit_id note photos", "note"},
	[RA_WAIT_REPORTER] = {"note", "note"},
	[RA_RESUME] = {"note", ""},
	[RA_REQUEST_EXTENSION] = {"days reason", "days reason"},
	[RA_APPROVE_EXTENSION] = {"note", ""},
	[RA_REFUSE_EXTENSION] = {"note", "note"},
	[RA_RESOLVE] = {"note photos", "note"},
	[RA_VERIFY] = {"note photos", ""},
	[RA_REWORK] = {"note photos", "note"},
	[RA_RATE] = {"solved feedback note", "solved feedback"},
	[RA_REOPEN] = {"note", "note"},
	[RA_CLOSE] = {"note", ""},
	[RA_ARCHIVE] = {"", ""},
	[RA_SUPERVISE] = {"note", "note"},
	[RA_CANCEL] = {"note", ""},
	[RA_MERGE] = {"into note", "into"},
	[RA_COMMENT] = {"note", "note"},
};

static bool word_in(const char *words, const char *w)
{
	size_t n = strlen(w);
	for (const char *p = words; (p = strstr(p, w)) != NULL; p += n)
		if ((p == words || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

static const char *const return_reasons_doc[] = {"not_our_area", "unclear_ownership",
                                                 "overlapping_duties", "other", NULL};

/* The body fields of an action, for GET …/actions. */
static json_t *fields_json(enum rq_action a)
{
	json_t *arr = json_array();
	for (const struct field_spec *f = action_body; f->name; f++) {
		if (!word_in(action_fields[a].takes, f->name))
			continue;
		json_t *o = json_pack("{s:s, s:s, s:b}", "name", f->name, "type",
		                      field_type_name(f->type), "required",
		                      word_in(action_fields[a].requires, f->name));
		const char *const *values = f->values;
		if (a == RA_RETURN && strcmp(f->name, "reason") == 0)
			values = return_reasons_doc;
		if (values != NULL) {
			json_t *v = json_array();
			for (int i = 0; values[i]; i++)
				json_array_append_new(v, json_string(values[i]));
			json_object_set_new(o, "values", v);
			json_object_set_new(o, "type", json_string("enum"));
		} else if (f->type == FIELD_INT || f->type == FIELD_STRING) {
			json_object_set_new(o, "min", json_integer(f->min));
			json_object_set_new(o, "max", json_integer(f->max));
		}
		json_array_append_new(arr, o);
	}
	return arr;
}

static void reply_fail(struct req *r)
{
	reply_errinfo(r, req_errinfo(r));
}

static const char **strings_of(json_t *arr, int *n)
{
	*n = 0;
	size_t k = json_array_size(arr);
	if (k == 0)
		return NULL;
	const char **v = calloc(k, sizeof *v);
	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < k; i++)
		v[i] = json_string_value(json_array_get(arr, i));
	*n = (int)k;
	return v;
}

/* --- reads ------------------------------------------------------------------------------ */

struct list_out {
	struct app *app;
	json_t *items;
	int64_t now;
};

static void add_request(void *ctx, const struct request_row *row)
{
	struct list_out *l = ctx;
	json_array_append_new(l->items, request_json(l->app, row, l->now));
}

static void query_of(struct req *r, struct request_query *q)
{
	memset(q, 0, sizeof *q);
	q->state = req_str(r, "state");
	q->category_id = req_int(r, "category", 0);
	q->area_id = req_int(r, "area", 0);
	q->department_id = req_int(r, "department", 0);
	q->source = req_str(r, "source");
	q->urgency = req_str(r, "urgency");
	q->overdue = req_has(r, "overdue") ? req_field(r, "overdue")->b : -1;
	q->from = req_str(r, "from");
	q->to = req_str(r, "to");
	q->q = req_str(r, "q");
	q->queue = req_str(r, "queue");
}

static void api_requests_list(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct request_query q;
	query_of(r, &q);
	q.after = req_int(r, "after", 0);
	q.limit = (int)req_int(r, "limit", LIMIT_PAGE_DEFAULT);
	struct list_out l = {req_app(r), json_array(), clock_now()};
	int64_t next = 0;
	if (requests_list(req_app(r), &a, &q, add_request, &l, &next, req_errinfo(r)) != ERR_OK) {
		json_decref(l.items);
		reply_fail(r);
		return;
	}
	reply_json(r, 200, json_pack("{s:o, s:o}", "items", l.items, "next_after",
	                             next > 0 ? json_integer(next) : json_null()));
}

static void api_requests_export(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct request_query q;
	query_of(r, &q);
	char *data = NULL;
	size_t len = 0;
	if (requests_export(req_app(r), &a, &q, &data, &len, req_errinfo(r)) != ERR_OK) {
		reply_fail(r);
		return;
	}
	reply_file(r, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	           "诉求清单.xlsx", data, len);
}

static void api_requests_duplicates(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct dup_query q = {.category_id = req_int(r, "category", 0), .area_id = req_int(r, "area", 0),
	                      .text = req_str(r, "text")};
	if (req_has(r, "lng") != req_has(r, "lat")) {
		reply_error(r, ERR_INVALID, req_has(r, "lng") ? "lat" : "lng", "give lng and lat together");
		return;
	}
	if (req_has(r, "lng")) {
		q.has_point = true;
		q.lng = req_field(r, "lng")->r;
		q.lat = req_field(r, "lat")->r;
	}
	json_t *items = json_array();
	if (requests_duplicates(req_app(r), &a, &q, items, req_errinfo(r)) != ERR_OK) {
		json_decref(items);
		reply_fail(r);
		return;
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void api_requests_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	json_t *o = NULL;
	if (requests_get(req_app(r), &a, req_int(r, "id", 0), &o, req_errinfo(r)) != ERR_OK) {
		reply_fail(r);
		return;
	}
	reply_json(r, 200, o);
}

static void api_requests_actions(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct allowed_action acts[RA__MAX];
	int n = requests_actions(req_app(r), &a, req_int(r, "id", 0), acts, req_errinfo(r));
	if (n < 0) {
		reply_fail(r);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		enum rq_action act = acts[i].action;
		json_t *to = acts[i].to >= 0                  ? json_string(rq_state_name(acts[i].to))
		             : acts[i].to == RQ_TO_DECIDED ? json_string("decided")
		                                           : json_null();
		json_array_append_new(items, json_pack("{s:s, s:s, s:o, s:o}", "action", rq_action_name(act),
		                                       "label", rq_action_names_zh[act], "to", to, "fields",
		                                       fields_json(act)));
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void api_requests_phone(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	char *phone = NULL;
	if (requests_reporter_phone(req_app(r), &a, req_int(r, "id", 0), &phone, req_errinfo(r)) !=
	    ERR_OK) {
		reply_fail(r);
		return;
	}
	reply_json(r, 200, json_pack("{s:s}", "phone", phone));
	free(phone);
}

/* --- intake ------------------------------------------------------------------------------ */

static bool location_of(struct req *r, struct request_input *in)
{
	in->area_id = req_int(r, "area_id", 0);
	in->address = req_str(r, "address");
	if (req_has(r, "lng") != req_has(r, "lat")) {
		reply_error(r, ERR_INVALID, req_has(r, "lng") ? "lat" : "lng", "give lng and lat together");
		return false;
	}
	if (req_has(r, "lng")) {
		in->has_point = true;
		in->lng = req_field(r, "lng")->r;
		in->lat = req_field(r, "lat")->r;
		const char *crs = req_str(r, "crs");
		in->crs = crs != NULL && strcmp(crs, "gcj02") == 0 ? CRS_GCJ02 : CRS_WGS84;
	}
	return true;
}

static void api_requests_create(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct request_input in = {.source = req_str(r, "source"), .kind = req_str(r, "kind"),
	                           .urgency = req_str(r, "urgency"),
	                           .category_id = req_int(r, "category_id", 0),
	                           .title = req_str(r, "title"), .description = req_str(r, "description"),
	                           .reporter_name = req_str(r, "reporter_name"),
	                           .reporter_phone = req_str(r, "reporter_phone"),
	                           .anonymous = req_has(r, "anonymous") && req_field(r, "anonymous")->b};
	if (!location_of(r, &in))
		return;
	const char **photos = strings_of(req_has(r, "photos") ? req_field(r, "photos")->arr : NULL,
	                                 &in.nphotos);
	in.photos = photos;
	struct request_row *row = malloc(sizeof *row);
	json_t *dups = json_array();
	if (row == NULL) {
		free(photos);
		json_decref(dups);
		reply_error(r, ERR_INTERNAL, NULL, "out of memory");
		return;
	}
	enum err rc = requests_create(req_app(r), &a, &in, row, dups, req_errinfo(r));
	free(photos);
	if (rc != ERR_OK) {
		free(row);
		json_decref(dups);
		reply_fail(r);
		return;
	}
	json_t *o = request_json(req_app(r), row, clock_now());
	json_object_set_new(o, "duplicates", dups);
	free(row);
	reply_json(r, 201, o);
}

/* --- actions -------------------------------------------------------------------------------- */

/* 409 with the request's state beside the usual error. */
static void reply_refusal(struct req *r, const struct action_result *res)
{
	const struct errinfo *ei = req_errinfo(r);
	if (ei->code == ERR_CONFLICT && res->state[0] &&
	    (strcmp(ei->field, "state") == 0 || strcmp(ei->field, "version") == 0)) {
		reply_json(r, 409, json_pack("{s:{s:s, s:s, s:s, s:s}}", "error", "code",
		                             err_name(ERR_CONFLICT), "message", ei->message, "field",
		                             ei->field, "state", res->state));
		return;
	}
	reply_fail(r);
}

/* The body given against what the action takes and requires. */
static bool body_fits(struct req *r, enum rq_action act)
{
	for (const struct field_spec *f = action_body; f->name; f++) {
		bool given = req_has(r, f->name);
		if (strcmp(f->name, "version") == 0)
			continue;
		if (given && !word_in(action_fields[act].takes, f->name)) {
			reply_error(r, ERR_INVALID, f->name, "%s takes no %s", rq_action_name(act), f->name);
			return false;
		}
		if (!given && word_in(action_fields[act].requires, f->name)) {
			reply_error(r, ERR_INVALID, f->name, "%s needs %s", rq_action_name(act), f->name);
			return false;
		}
	}
	return true;
}

static void api_requests_act(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	int act = rq_action_parse(req_str(r, "action"));
	if (act < 0) {
		reply_error(r, ERR_INVALID, "action", "unknown action");
		return;
	}
	if (!body_fits(r, (enum rq_action)act))
		return;
	struct action_input in = {.note = req_str(r, "note"), .reason = req_str(r, "reason"),
	                          .owner_area_id = req_int(r, "owner_area_id", 0),
	                          .owner_unit_id = req_int(r, "owner_unit_id", 0),
	                          .days = (int)req_int(r, "days", 0),
	                          .solved = req_has(r, "solved") ? req_field(r, "solved")->b : -1,
	                          .feedback = req_str(r, "feedback"),
	                          .lead_unit_id = req_int(r, "lead_unit_id", 0),
	                          .lead_part = req_str(r, "lead_part"),
	                          .unit_id = req_int(r, "unit_id", 0), .into = req_int(r, "into", 0),
	                          .version = req_int(r, "version", 0)};
	const char **photos = strings_of(req_has(r, "photos") ? req_field(r, "photos")->arr : NULL,
	                                 &in.nphotos);
	in.photos = photos;
	const char **parts = strings_of(req_has(r, "co_parts") ? req_field(r, "co_parts")->arr : NULL,
	                                &in.nco_parts);
	in.co_parts = parts;
	json_t *co = req_has(r, "co_unit_ids") ? req_field(r, "co_unit_ids")->arr : NULL;
	int64_t *co_ids = NULL;
	if (json_array_size(co) > 0 && (co_ids = calloc(json_array_size(co), sizeof *co_ids)) != NULL) {
		for (size_t i = 0; i < json_array_size(co); i++)
			co_ids[i] = json_integer_value(json_array_get(co, i));
		in.nco = (int)json_array_size(co);
	}
	in.co_unit_ids = co_ids;
	struct action_result res;
	int64_t id = req_int(r, "id", 0);
	enum err rc = requests_act(req_app(r), &a, id, (enum rq_action)act, &in, &res, req_errinfo(r));
	free(photos);
	free(parts);
	free(co_ids);
	if (rc != ERR_OK) {
		reply_refusal(r, &res);
		return;
	}
	json_t *o = NULL;
	if (requests_get(req_app(r), &a, id, &o, req_errinfo(r)) != ERR_OK) {
		/* done, but no longer visible to the caller (a reporter who cancelled sees it still) */
		reply_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)id, "state", res.state));
		return;
	}
	reply_json(r, 200, o);
}

/* --- resident pages ------------------------------------------------------------------------- */

static void api_public_create(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct request_input in = {.source = "web",
	                           .kind = req_str(r, "kind") ? req_str(r, "kind") : "complaint",
	                           .category_id = req_int(r, "category_id", 0),
	                           .title = req_str(r, "title"), .description = req_str(r, "description"),
	                           .reporter_name = req_str(r, "reporter_name"),
	                           .reporter_phone = req_str(r, "reporter_phone"),
	                           .anonymous = req_has(r, "anonymous") && req_field(r, "anonymous")->b};
	if (!location_of(r, &in))
		return;
	const char **photos = strings_of(req_has(r, "photos") ? req_field(r, "photos")->arr : NULL,
	                                 &in.nphotos);
	in.photos = photos;
	struct request_row *row = malloc(sizeof *row);
	if (row == NULL) {
		free(photos);
		reply_error(r, ERR_INTERNAL, NULL, "out of memory");
		return;
	}
	enum err rc = requests_create_public(req_app(r), &a, &in, row, req_errinfo(r));
	free(photos);
	if (rc != ERR_OK) {
		free(row);
		reply_fail(r);
		return;
	}
	json_t *o = json_pack("{s:s, s:s, s:s}", "tracking_code", row->tracking_code, "state",
	                      row->state, "created_at", row->created_at);
	free(row);
	reply_json(r, 201, o);
}

static void api_public_get(struct req *r)
{
	json_t *o = NULL;
	if (requests_public_get(req_app(r), req_str(r, "tracking_code"), &o, req_errinfo(r)) != ERR_OK) {
		reply_fail(r);
		return;
	}
	reply_json(r, 200, o);
}

static const struct field_spec rating_body[] = {
	{.name = "phone_last4", .type = FIELD_STRING, .required = true, .min = 4, .max = 4,
	 .check = check_digits4, .doc = "the last 4 digits of the phone given when reporting"},
	{.name = "solved", .type = FIELD_BOOL, .required = true},
	{.name = "feedback", .type = FIELD_ENUM, .required = true, .values = rq_feedbacks},
	{.name = "note", .type = FIELD_STRING, .min = 0, .max = 500, .multiline = true},
	FIELDS_END,
};

static void api_public_rate(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct action_input in = {.note = req_str(r, "note"), .solved = req_field(r, "solved")->b,
	                          .feedback = req_str(r, "feedback"),
	                          .phone_last4 = req_str(r, "phone_last4")};
	struct action_result res;
	const char *code = req_str(r, "tracking_code");
	if (requests_public_rate(req_app(r), &a, code, &in, &res, req_errinfo(r)) != ERR_OK) {
		reply_refusal(r, &res);
		return;
	}
	reply_json(r, 200, json_pack("{s:s, s:s, s:b}", "tracking_code", code, "state", res.state,
	                             "rated", 1));
}

const struct route request_routes[] = {
	{HTTP_GET, "/api/v1/requests", api_requests_list, "request.read", NULL, list_query, NULL,
	 "Requests in the scope (filters, queues, full text), newest first, keyset-paged"},
	{HTTP_POST, "/api/v1/requests", api_requests_create, "request.intake", NULL, NULL, create_body,
	 "Register a request; answers it with its possible duplicates"},
	{HTTP_GET, "/api/v1/requests/duplicates", api_requests_duplicates, "request.intake", NULL,
	 dup_query, NULL, "Possible duplicates while typing: same category, open, near or similar"},
	{HTTP_GET, "/api/v1/requests/{id}", api_requests_get, CAP_AUTHENTICATED, id_param, NULL, NULL,
	 "One request with its events, photos, parties and the caller's actions (request.read, or its reporter)"},
	{HTTP_GET, "/api/v1/requests/{id}/actions", api_requests_actions, CAP_AUTHENTICATED, id_param,
	 NULL, NULL, "The actions the caller may run now, with the body each takes"},
	{HTTP_GET, "/api/v1/requests/{id}/reporter-phone", api_requests_phone, "request.read", id_param,
	 NULL, NULL, "Unmask the reporter's phone to call back (request.followup or person.read_pii; audited)"},
	{HTTP_POST, "/api/v1/requests/{id}/actions/{action}", api_requests_act, CAP_AUTHENTICATED,
	 action_param, NULL, action_body,
	 "Run one action of the lifecycle (its capability and relation are checked)"},
	{HTTP_GET, "/api/v1/exports/requests", api_requests_export, "request.read", NULL, export_query,
	 NULL, "The filtered list as an Excel sheet (phones masked)"},
	{HTTP_POST, "/api/v1/public/requests", api_public_create, CAP_PUBLIC, NULL, NULL,
	 public_create_body, "A resident's request from the public page (rate-limited per address)"},
	{HTTP_GET, "/api/v1/public/requests/{tracking_code}", api_public_get, CAP_PUBLIC, code_param,
	 NULL, NULL, "A request's progress by tracking code: no names, no personal data"},
	{HTTP_POST, "/api/v1/public/requests/{tracking_code}/rating", api_public_rate, CAP_PUBLIC,
	 code_param, NULL, rating_body, "The reporter's rating, proved by the phone's last 4 digits"},
	ROUTES_END,
};
