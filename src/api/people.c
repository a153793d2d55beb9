/* /api/v1/households and /api/v1/people: the registers of who lives where.
 * JSON in, domain call, JSON out; ID numbers and phones leave masked except
 * through the audited unmask route. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app.h"
#include "auth/policy.h"
#include "domain/people.h"
#include "limits.h"
#include "util/idcard.h"

static const char *check_cursor(const char *s, size_t n)
{
	size_t dashes = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '-')
			dashes++;
		else if (s[i] < '0' || s[i] > '9')
			return "must be a cursor from the previous page";
	}
	return dashes == 1 ? NULL : "must be a cursor from the previous page";
}
static const char *check_id_number(const char *s, size_t n) { return idcard_check(s, n); }
static const char *check_phone(const char *s, size_t n) { return phone_check(s, n); }
static const char *check_tag(const char *s, size_t n)
{
	for (int t = 0; t < TAG__MAX; t++)
		if (strlen(person_tag_names[t]) == n && memcmp(person_tag_names[t], s, n) == 0)
			return NULL;
	return "is not a care tag";
}
static const char *check_unmask_field(const char *s, size_t n)
{
	if ((n == 9 && memcmp(s, "id_number", 9) == 0) || (n == 5 && memcmp(s, "phone", 5) == 0))
		return NULL;
	return "must be id_number or phone";
}

static const struct field_spec id_param[] = {
	{.name = "id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX},
	FIELDS_END,
};
#define AFTER_FIELD                                                                        \
	{.name = "after", .type = FIELD_STRING, .min = 3, .max = PEOPLE_CURSOR_MAX - 1,        \
	 .check = check_cursor, .doc = "the `next` of the previous page"}
#define LIMIT_FIELD {.name = "limit", .type = FIELD_INT, .min = 1, .max = LIMIT_PAGE_SIZE}
static const struct field_spec households_query[] = {
	{.name = "area", .type = FIELD_INT, .min = 1, .max = INT64_MAX,
	 .doc = "an area id (default: the caller's scope)"},
	AFTER_FIELD,
	LIMIT_FIELD,
	FIELDS_END,
};
static const struct field_spec household_create_body[] = {
	{.name = "area_id", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX,
	 .doc = "a building or an entrance"},
	{.name = "room", .type = FIELD_STRING, .required = true, .min = 1, .max = ROOM_MAX,
	 .doc = "e.g. 1单元302, unique in the area"},
	FIELDS_END,
};
static const struct field_spec household_update_body[] = {
	{.name = "room", .type = FIELD_STRING, .required = true, .min = 1, .max = ROOM_MAX},
	FIELDS_END,
};
static const struct field_spec people_query[] = {
	{.name = "area", .type = FIELD_INT, .min = 1, .max = INT64_MAX,
	 .doc = "an area id (default: the caller's scope)"},
	{.name = "q", .type = FIELD_STRING, .min = 1, .max = PERSON_NAME_MAX, .doc = "name starts with"},
	{.name = "id_number", .type = FIELD_STRING, .min = 18, .max = 18, .check = check_id_number,
	 .doc = "the full ID number (exact match)"},
	{.name = "phone", .type = FIELD_STRING, .min = 11, .max = 11, .check = check_phone,
	 .doc = "the full mobile number (exact match)"},
	{.name = "tag", .type = FIELD_ENUM, .values = person_tag_names,
	 .doc = "a care tag; the sensitive ones need person.read_sensitive"},
	{.name = "residence", .type = FIELD_ENUM, .values = person_residences},
	AFTER_FIELD,
	LIMIT_FIELD,
	FIELDS_END,
};
#define PERSON_FIELDS(req)                                                                 \
	{.name = "area_id", .type = FIELD_INT, .min = 1, .max = INT64_MAX,                     \
	 .doc = "a community or below, for a person without a household"},                     \
	{.name = "name", .type = FIELD_STRING, .required = req, .min = 1, .max = PERSON_NAME_MAX}, \
	{.name = "gender", .type = FIELD_ENUM, .values = person_genders,                        \
	 .doc = "required without id_number; must agree with it"},                             \
	{.name = "birth_date", .type = FIELD_STRING, .min = 10, .max = 10,                     \
	 .doc = "YYYY-MM-DD; required without id_number; must agree with it"},                 \
	{.name = "residence", .type = FIELD_ENUM, .required = req, .values = person_residences}, \
	{.name = "relation", .type = FIELD_ENUM, .values = person_relations,                    \
	 .doc = "to the head of the household (default head)"},                                \
	{.name = "tags", .type = FIELD_STRINGS, .min = 1, .max = 24, .check = check_tag,        \
	 .max_items = TAG__MAX, .doc = "care tags; the sensitive ones need person.read_sensitive"}
static const struct field_spec person_create_body[] = {
	{.name = "household_id", .type = FIELD_INT, .min = 1, .max = INT64_MAX,
	 .doc = "the household (or area_id)"},
	PERSON_FIELDS(true),
	{.name = "id_number", .type = FIELD_STRING, .min = 0, .max = 18, .doc = "GB 11643"},
	{.name = "phone", .type = FIELD_STRING, .min = 0, .max = 11},
	FIELDS_END,
};
static const struct field_spec person_update_body[] = {
	{.name = "household_id", .type = FIELD_INT, .min = 0, .max = INT64_MAX,
	 .doc = "move to a household; 0 moves out of the household"},
	PERSON_FIELDS(false),
	{.name = "id_number", .type = FIELD_STRING, .min = 0, .max = 18, .doc = "\"\" clears it"},
	{.name = "phone", .type = FIELD_STRING, .min = 0, .max = 11, .doc = "\"\" clears it"},
	FIELDS_END,
};
static const struct field_spec unmask_body[] = {
	{.name = "fields", .type = FIELD_STRINGS, .required = true, .min = 5, .max = 9,
	 .check = check_unmask_field, .max_items = 2, .doc = "id_number, phone or both"},
	FIELDS_END,
};

struct collect {
	const struct app *app;
	json_t *items;
};

static bool add_person(void *ctx, const struct person_row *p)
{
	struct collect *c = ctx;
	json_array_append_new(c->items, person_json(c->app, p));
	return true;
}

static void add_household(void *ctx, const struct household_row *h)
{
	json_array_append_new(ctx, household_json(h));
}

static void reply_page(struct req *r, enum err rc, json_t *items, const char *next)
{
	if (rc != ERR_OK) {
		json_decref(items);
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next",
	                             next[0] ? json_string(next) : json_null()));
}

static void api_households_list(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	json_t *items = json_array();
	char next[PEOPLE_CURSOR_MAX];
	enum err rc = households_list(req_app(r), &a, req_int(r, "area", 0), req_str(r, "after"),
	                              (int)req_int(r, "limit", LIMIT_PAGE_DEFAULT), add_household, items,
	                              next, req_errinfo(r));
	reply_page(r, rc, items, next);
}

static void api_households_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct household_row h;
	struct collect c = {req_app(r), json_array()};
	if (households_get(req_app(r), &a, req_int(r, "id", 0), &h, add_person, &c, req_errinfo(r)) !=
	    ERR_OK) {
		json_decref(c.items);
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	json_t *o = household_json(&h);
	json_object_set_new(o, "people", c.items);
	reply_json(r, 200, o);
}

static void reply_household(struct req *r, enum err rc, const struct household_row *h,
                            unsigned status)
{
	if (rc != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, status, household_json(h));
}

static void api_households_create(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct household_row h;
	reply_household(r, households_create(req_app(r), &a, req_int(r, "area_id", 0), req_str(r, "room"),
	                                     &h, req_errinfo(r)),
	                &h, 201);
}

static void api_households_update(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct household_row h;
	reply_household(r, households_update(req_app(r), &a, req_int(r, "id", 0), req_str(r, "room"), &h,
	                                     req_errinfo(r)),
	                &h, 200);
}

static void api_people_list(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct person_filter f = {.area_id = req_int(r, "area", 0), .q = req_str(r, "q"),
	                          .id_number = req_str(r, "id_number"), .phone = req_str(r, "phone"),
	                          .tag = req_str(r, "tag"), .residence = req_str(r, "residence"),
	                          .after = req_str(r, "after"),
	                          .limit = (int)req_int(r, "limit", LIMIT_PAGE_DEFAULT)};
	struct collect c = {req_app(r), json_array()};
	char next[PEOPLE_CURSOR_MAX];
	enum err rc = people_list(req_app(r), &a, &f, add_person, &c, next, req_errinfo(r));
	reply_page(r, rc, c.items, next);
}

static void reply_person(struct req *r, enum err rc, const struct person_row *p, unsigned status)
{
	if (rc != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, status, person_json(req_app(r), p));
}

static void api_people_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct person_row p;
	reply_person(r, people_get(req_app(r), &a, req_int(r, "id", 0), &p, req_errinfo(r)), &p, 200);
}

/* The body as a person_input; tag names are known (checked by the spec). */
static void person_input_of(struct req *r, struct person_input *in)
{
	memset(in, 0, sizeof *in);
	in->set_household = req_has(r, "household_id");
	in->household_id = req_int(r, "household_id", 0);
	in->set_area = req_has(r, "area_id");
	in->area_id = req_int(r, "area_id", 0);
	in->name = req_str(r, "name");
	in->gender = req_str(r, "gender");
	in->birth_date = req_str(r, "birth_date");
	in->id_number = req_str(r, "id_number");
	in->phone = req_str(r, "phone");
	in->residence = req_str(r, "residence");
	in->relation = req_str(r, "relation");
	in->set_tags = req_has(r, "tags");
	if (in->set_tags) {
		size_t i;
		json_t *item;
		json_array_foreach(req_field(r, "tags")->arr, i, item)
		{
			int t = person_tag_parse(json_string_value(item));
			if (t >= 0)
				in->tags |= TAG_BIT(t);
		}
	}
}

static void api_people_create(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct person_input in;
	person_input_of(r, &in);
	struct person_row p;
	reply_person(r, people_create(req_app(r), &a, &in, &p, req_errinfo(r)), &p, 201);
}

static void api_people_update(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct person_input in;
	person_input_of(r, &in);
	struct person_row p;
	reply_person(r, people_update(req_app(r), &a, req_int(r, "id", 0), &in, &p, req_errinfo(r)), &p,
	             200);
}

static void api_people_unmask(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	bool want_id = false, want_phone = false;
	size_t i;
	json_t *item;
	json_array_foreach(req_field(r, "fields")->arr, i, item)
	{
		want_id = want_id || strcmp(json_string_value(item), "id_number") == 0;
		want_phone = want_phone || strcmp(json_string_value(item), "phone") == 0;
	}
	char *id_number = NULL, *phone = NULL;
	if (people_unmask(req_app(r), &a, req_int(r, "id", 0), want_id, want_phone, &id_number, &phone,
	                  req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	json_t *o = json_object();
	if (want_id)
		json_object_set_new(o, "id_number", id_number ? json_string(id_number) : json_null());
	if (want_phone)
		json_object_set_new(o, "phone", phone ? json_string(phone) : json_null());
	free(id_number);
	free(phone);
	reply_json(r, 200, o);
}

const struct route people_routes[] = {
	{HTTP_GET, "/api/v1/households", api_households_list, "person.read", NULL, households_query,
	 NULL, "Households in an area or the caller's scope, in code order, paged by cursor"},
	{HTTP_POST, "/api/v1/households", api_households_create, "person.manage", NULL, NULL,
	 household_create_body, "Add a household (a room of a building or an entrance)"},
	{HTTP_GET, "/api/v1/households/{id}", api_households_get, "person.read", id_param, NULL, NULL,
	 "One household with its people (masked)"},
	{HTTP_PATCH, "/api/v1/households/{id}", api_households_update, "person.manage", id_param, NULL,
	 household_update_body, "Change a household's room"},
	{HTTP_GET, "/api/v1/people", api_people_list, "person.read", NULL, people_query, NULL,
	 "People by area, name prefix, ID number, phone, tag or residence, paged by cursor"},
	{HTTP_POST, "/api/v1/people", api_people_create, "person.manage", NULL, NULL,
	 person_create_body, "Register a person in a household or an area"},
	{HTTP_GET, "/api/v1/people/{id}", api_people_get, "person.read", id_param, NULL, NULL,
	 "One person (masked)"},
	{HTTP_PATCH, "/api/v1/people/{id}", api_people_update, "person.manage", id_param, NULL,
	 person_update_body, "Change a person; moving household moves them"},
	{HTTP_POST, "/api/v1/people/{id}/unmask", api_people_unmask, "person.read_pii", id_param, NULL,
	 unmask_body, "The full ID number and/or phone (audited)"},
	ROUTES_END,
};
