/* Open311 GeoReport v2 over the category tree and the request lifecycle
 * (domain/open311.h). Filing reuses the intake's own callback
 * (requests_create_in) in one write transaction with the open311_request
 * row, so a refused attribute or scope leaves nothing behind. */
#include "domain/open311.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth/audit.h"
#include "auth/policy.h"
#include "auth/session.h"
#include "domain/areas.h"
#include "domain/categories.h"
#include "domain/request_flow.h"
#include "domain/requests.h"
#include "domain/requests_batch.h"
#include "store/open311.h"
#include "util/clock.h"
#include "util/utf8.h"
#include "util/worktime.h"

static const char *const datatypes[] = {"string", "number", "datetime", "text", "singlevaluelist",
                                        "multivaluelist", NULL};

static bool in_list(const char *const *list, const char *s)
{
	for (int i = 0; s != NULL && list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

static size_t chars_of(const char *s)
{
	size_t n = 0;
	if (s == NULL || !utf8_valid(s, strlen(s), &n))
		return (size_t)-1;
	return n;
}

static bool text_ok(const char *s, size_t min, size_t max, bool multiline)
{
	size_t n = chars_of(s);
	if (n == (size_t)-1 || n < min || n > max)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 || *p == 0x7f) && !(multiline && (*p == '\n' || *p == '\t' || *p == '\r')))
			return false;
	return true;
}

static bool code_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > OPEN311_ATTR_CODE_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

static bool is_list_type(const char *t)
{
	return strcmp(t, "singlevaluelist") == 0 || strcmp(t, "multivaluelist") == 0;
}

/* --- attribute definitions ------------------------------------------------------------------- */

static const char *const def_members[] = {"variable", "code", "datatype", "required",
                                          "datatype_description", "order", "description",
                                          "values", NULL};

static enum err bad_def(struct errinfo *ei, size_t i, const char *why)
{
	return err_set(ei, ERR_INVALID, "attributes", "attributes[%zu]: %s", i, why);
}

enum err open311_attributes_check(json_t *defs, json_t **out, struct errinfo *ei)
{
	*out = NULL;
	if (!json_is_array(defs))
		return err_set(ei, ERR_INVALID, "attributes", "attributes must be a list of definitions");
	if (json_array_size(defs) > OPEN311_ATTRS_MAX)
		return err_set(ei, ERR_INVALID, "attributes", "at most %d attributes",
		               OPEN311_ATTRS_MAX);
	json_t *norm = json_array();
	size_t i;
	json_t *d;
	json_array_foreach(defs, i, d) {
		enum err rc = ERR_OK;
		if (!json_is_object(d)) {
			rc = bad_def(ei, i, "must be an object");
			goto fail;
		}
		const char *k;
		json_t *v;
		json_object_foreach(d, k, v) {
			if (!in_list(def_members, k)) {
				char why[96];
				snprintf(why, sizeof why, "unknown member %.40s", k);
				rc = bad_def(ei, i, why);
				goto fail;
			}
		}
		const char *code = json_string_value(json_object_get(d, "code"));
		if (!code_ok(code)) {
			rc = bad_def(ei, i, "code must be 1 to 32 of A-Z a-z 0-9 _ -");
			goto fail;
		}
		size_t j;
		json_t *prev;
		json_array_foreach(norm, j, prev) {
			if (strcmp(json_string_value(json_object_get(prev, "code")), code) == 0) {
				rc = bad_def(ei, i, "code is used twice");
				goto fail;
			}
		}
		const char *type = json_string_value(json_object_get(d, "datatype"));
		if (!in_list(datatypes, type)) {
			rc = bad_def(ei, i, "datatype must be string, number, datetime, text, singlevaluelist"
			                    " or multivaluelist");
			goto fail;
		}
		json_t *req = json_object_get(d, "required"), *var = json_object_get(d, "variable");
		if ((req && !json_is_boolean(req)) || (var && !json_is_boolean(var))) {
			rc = bad_def(ei, i, "required and variable must be true or false");
			goto fail;
		}
		json_t *order = json_object_get(d, "order");
		if (order && !json_is_null(order) &&
		    (!json_is_integer(order) || json_integer_value(order) < 1 ||
		     json_integer_value(order) > 1000)) {
			rc = bad_def(ei, i, "order must be an integer 1 to 1000");
			goto fail;
		}
		const char *texts[] = {"description", "datatype_description"};
		for (int t = 0; t < 2; t++) {
			json_t *s = json_object_get(d, texts[t]);
			if (s && !json_is_null(s) &&
			    (!json_is_string(s) || !text_ok(json_string_value(s), 0, OPEN311_ATTR_TEXT_MAX, true))) {
				rc = bad_def(ei, i, "description and datatype_description must be text of at most"
				                    " 500 characters");
				goto fail;
			}
		}
		json_t *values = json_object_get(d, "values");
		json_t *nv = NULL;
		if (is_list_type(type)) {
			if (!json_is_array(values) || json_array_size(values) == 0 ||
			    json_array_size(values) > OPEN311_ATTR_VALUES_MAX) {
				rc = bad_def(ei, i, "a list datatype needs values: 1 to 50 {key, name}");
				goto fail;
			}
			nv = json_array();
			size_t m;
			json_t *val;
			json_array_foreach(values, m, val) {
				const char *key = json_string_value(json_object_get(val, "key"));
				const char *name = json_string_value(json_object_get(val, "name"));
				bool dup = false;
				size_t q;
				json_t *seen;
				json_array_foreach(nv, q, seen) {
					if (key && strcmp(json_string_value(json_object_get(seen, "key")), key) == 0)
						dup = true;
				}
				if (!json_is_object(val) || json_object_size(val) != 2 || !text_ok(key, 1, 64, false) ||
				    !text_ok(name, 1, 64, false) || dup) {
					json_decref(nv);
					rc = bad_def(ei, i, "each value is {key, name}: 1 to 64 characters each, keys"
					                    " unique");
					goto fail;
				}
				json_array_append_new(nv, json_pack("{s:s, s:s}", "key", key, "name", name));
			}
		} else if (values != NULL && !json_is_null(values) &&
		           !(json_is_array(values) && json_array_size(values) == 0)) {
			rc = bad_def(ei, i, "values belong to singlevaluelist and multivaluelist only");
			goto fail;
		}
		json_t *o = json_pack("{s:b, s:s, s:s, s:b, s:I}", "variable", var ? json_is_true(var) : 1,
		                      "code", code, "datatype", type, "required", req ? json_is_true(req) : 0,
		                      "order",
		                      (json_int_t)(order && json_is_integer(order) ? json_integer_value(order)
		                                                                   : (json_int_t)i + 1));
		json_t *dd = json_object_get(d, "datatype_description"), *de = json_object_get(d, "description");
		json_object_set_new(o, "datatype_description",
		                    json_is_string(dd) ? json_string(json_string_value(dd)) : json_null());
		json_object_set_new(o, "description",
		                    json_is_string(de) ? json_string(json_string_value(de)) : json_null());
		if (nv != NULL)
			json_object_set_new(o, "values", nv);
		json_array_append_new(norm, o);
		continue;
	fail:
		json_decref(norm);
		return rc;
	}
	*out = norm;
	return ERR_OK;
}

static enum err bad_attr(struct errinfo *ei, const char *code, const char *why)
{
	char field[OPEN311_ATTR_CODE_MAX + 16];
	snprintf(field, sizeof field, "attribute[%.32s]", code);
	return err_set(ei, ERR_INVALID, field, "%s %s", field, why);
}

static enum err check_value(json_t *def, const char *code, const char *type, const char *v,
                            struct errinfo *ei)
{
	if (strcmp(type, "string") == 0) {
		if (!text_ok(v, 0, OPEN311_ATTR_TEXT_MAX, false))
			return bad_attr(ei, code, "must be one line of at most 500 characters");
	} else if (strcmp(type, "text") == 0) {
		if (!text_ok(v, 0, OPEN311_DESCRIPTION_MAX, true))
			return bad_attr(ei, code, "must be text of at most 4000 characters");
	} else if (strcmp(type, "number") == 0) {
		char *end = NULL;
		double d = strtod(v, &end);
		if (v[0] == '\0' || end == NULL || *end != '\0' || !isfinite(d))
			return bad_attr(ei, code, "must be a number");
	} else if (strcmp(type, "datetime") == 0) {
		int64_t t;
		if (instant_parse(v, strlen(v), &t) != ERR_OK)
			return bad_attr(ei, code, "must be an ISO 8601 datetime with a zone");
	} else {
		size_t i;
		json_t *val;
		json_array_foreach(json_object_get(def, "values"), i, val) {
			if (strcmp(json_string_value(json_object_get(val, "key")), v) == 0)
				return ERR_OK;
		}
		return bad_attr(ei, code, "is not one of the listed values");
	}
	return ERR_OK;
}

enum err open311_attributes_validate(json_t *defs, const struct open311_attr *given, int n,
                                     json_t **out, struct errinfo *ei)
{
	*out = NULL;
	json_t *res = json_object();
	enum err rc = ERR_OK;
	/* every given code must be defined and variable */
	for (int g = 0; g < n; g++) {
		json_t *def = NULL, *d;
		size_t i;
		json_array_foreach(defs, i, d) {
			if (strcmp(json_string_value(json_object_get(d, "code")), given[g].code) == 0)
				def = d;
		}
		if (def == NULL || !json_is_true(json_object_get(def, "variable"))) {
			rc = bad_attr(ei, given[g].code, "is not an attribute of this service");
			goto fail;
		}
		const char *type = json_string_value(json_object_get(def, "datatype"));
		bool multi = strcmp(type, "multivaluelist") == 0;
		if (given[g].list && !multi) {
			rc = bad_attr(ei, given[g].code, "takes one value, not a list");
			goto fail;
		}
		if ((rc = check_value(def, given[g].code, type, given[g].value, ei)) != ERR_OK)
			goto fail;
		json_t *have = json_object_get(res, given[g].code);
		if (multi) {
			if (have == NULL) {
				have = json_array();
				json_object_set_new(res, given[g].code, have);
			}
			if (json_array_size(have) >= OPEN311_ATTR_VALUES_MAX) {
				rc = bad_attr(ei, given[g].code, "has too many values");
				goto fail;
			}
			json_array_append_new(have, json_string(given[g].value));
		} else {
			if (have != NULL) {
				rc = bad_attr(ei, given[g].code, "is given twice");
				goto fail;
			}
			json_object_set_new(res, given[g].code, json_string(given[g].value));
		}
	}
	size_t i;
	json_t *d;
	json_array_foreach(defs, i, d) {
		const char *code = json_string_value(json_object_get(d, "code"));
		if (!json_is_true(json_object_get(d, "required")) ||
		    !json_is_true(json_object_get(d, "variable")))
			continue;
		json_t *have = json_object_get(res, code);
		if (have == NULL || (json_is_string(have) && json_string_value(have)[0] == '\0')) {
			rc = bad_attr(ei, code, "is required");
			goto fail;
		}
	}
	*out = res;
	return ERR_OK;
fail:
	json_decref(res);
	return rc;
}

/* --- services ------------------------------------------------------------------------------------ */

struct services_ctx {
	json_t *rows; /* every usable category: {id, parent_id, code, name, standard, attributes} */
};

static void add_usable(void *ctx, const struct category_row *r)
{
	struct services_ctx *x = ctx;
	json_array_append_new(x->rows,
	                      json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)r->id,
	                                "parent_id", (json_int_t)r->parent_id, "children",
	                                (json_int_t)r->children, "code", r->code, "name", r->name,
	                                "standard", r->intake_standard, "attributes", r->attributes));
}

static json_t *row_by_id(json_t *rows, json_int_t id)
{
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		if (json_integer_value(json_object_get(r, "id")) == id)
			return r;
	}
	return NULL;
}

static bool has_attributes(const char *text)
{
	json_t *a = text && text[0] ? json_loads(text, 0, NULL) : NULL;
	bool yes = json_is_array(a) && json_array_size(a) > 0;
	json_decref(a);
	return yes;
}

enum err open311_services(struct app *app, json_t **out, struct errinfo *ei)
{
	*out = NULL;
	struct services_ctx x = {.rows = json_array()};
	enum err rc = categories_usable(app, add_usable, &x, ei);
	if (rc != ERR_OK) {
		json_decref(x.rows);
		return rc;
	}
	json_t *list = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(x.rows, i, r) {
		/* a leaf: no children at all (an inactive child still makes a class),
		 * as service_of decides for filing */
		if (json_integer_value(json_object_get(r, "children")) > 0)
			continue;
		/* keywords: the names from the top class down; group: the parent's name */
		json_t *parent = row_by_id(x.rows, json_integer_value(json_object_get(r, "parent_id")));
		char keywords[1024] = "";
		const char *chain[8];
		int n = 0;
		for (json_t *p = r; p != NULL && n < 8;
		     p = row_by_id(x.rows, json_integer_value(json_object_get(p, "parent_id"))))
			chain[n++] = json_string_value(json_object_get(p, "name"));
		for (int k = n - 1; k >= 0; k--)
			snprintf(keywords + strlen(keywords), sizeof keywords - strlen(keywords), "%s%s",
			         k == n - 1 ? "" : ",", chain[k]);
		const char *standard = json_string_value(json_object_get(r, "standard"));
		json_array_append_new(
			list, json_pack("{s:s, s:s, s:o, s:b, s:s, s:s, s:o}", "service_code",
		                    json_string_value(json_object_get(r, "code")), "service_name",
		                    json_string_value(json_object_get(r, "name")), "description",
		                    standard && standard[0] ? json_string(standard) : json_null(),
		                    "metadata",
		                    has_attributes(json_string_value(json_object_get(r, "attributes"))),
		                    "type", "realtime", "keywords", keywords, "group",
		                    parent ? json_string(json_string_value(json_object_get(parent, "name")))
		                           : json_null()));
	}
	json_decref(x.rows);
	*out = list;
	return ERR_OK;
}

/* A service: an active leaf category (no children at all). */
static enum err service_of(struct store_conn *c, const char *code, struct category_row *cat,
                           const char *field, enum err missing, struct errinfo *ei)
{
	enum err rc = code && code[0] ? store_category_by_code(c, code, cat, ei) : ERR_NOTFOUND;
	if (rc == ERR_OK) {
		struct category_row eff;
		rc = category_for_request(c, cat->id, &eff, NULL, ei);
		if (rc == ERR_UNPROCESSABLE || rc == ERR_INVALID)
			rc = ERR_NOTFOUND;
		else if (rc == ERR_OK && cat->children > 0)
			rc = ERR_NOTFOUND;
	}
	if (rc == ERR_NOTFOUND)
		return err_set(ei, missing, field, "no service has service_code %.32s", code ? code : "");
	return rc;
}

struct def_ctx {
	const char *code;
	struct category_row cat;
};

static enum err def_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct def_ctx *x = arg;
	return service_of(c, x->code, &x->cat, "service_code", ERR_NOTFOUND, ei);
}

enum err open311_service_definition(struct app *app, const char *code, json_t **out,
                                    struct errinfo *ei)
{
	*out = NULL;
	struct def_ctx *x = calloc(1, sizeof *x);
	if (x == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	x->code = code;
	enum err rc = store_read(app->store, def_fn, x, ei);
	if (rc == ERR_OK) {
		json_t *attrs = x->cat.attributes[0] ? json_loads(x->cat.attributes, 0, NULL) : NULL;
		if (!json_is_array(attrs)) {
			json_decref(attrs);
			attrs = json_array();
		}
		*out = json_pack("{s:s, s:o}", "service_code", x->cat.code, "attributes", attrs);
	}
	free(x);
	return rc;
}

/* --- the API key ------------------------------------------------------------------------------------ */

/* The key's identity, or ERR_FORBIDDEN naming api_key: the spec answers
 * 403 for a missing or bad key. A missing capability is audited. */
static enum err key_identity(struct app *app, const struct actor *from, const char *key,
                             const char *cap, struct identity *id, struct errinfo *ei)
{
	memset(id, 0, sizeof *id);
	if (key == NULL || key[0] == '\0')
		return err_set(ei, ERR_FORBIDDEN, "api_key", "api_key is required");
	if (strlen(key) > 128)
		return err_set(ei, ERR_FORBIDDEN, "api_key", "api_key is not a valid key");
	struct credentials cr = {.bearer = key, .address = from->address, .request_id = from->request_id};
	struct errinfo e2;
	err_clear(&e2);
	enum err rc = auth_authenticate(app, &cr, id, &e2);
	if (rc == ERR_UNAVAIL || rc == ERR_INTERNAL) {
		*ei = e2;
		return rc;
	}
	if (rc != ERR_OK || id->user_id == 0)
		return err_set(ei, ERR_FORBIDDEN, "api_key", "api_key is not a valid key (unknown or revoked)");
	if (!identity_has(id, cap)) {
		struct actor a = {.who = id, .login = id->login, .address = from->address,
		                  .request_id = from->request_id};
		audit_record(app->store, &a, "access.denied", "open311", "denied", cap);
		return err_set(ei, ERR_FORBIDDEN, "api_key", "the key's user lacks %s", cap);
	}
	return ERR_OK;
}

/* --- filing ------------------------------------------------------------------------------------------- */

struct create_ctx {
	struct app *app;
	const struct actor *a;
	const struct open311_input *in;
	int64_t located; /* the grid holding the point, 0 none */
	char reporter_name[RQ_REPORTER_NAME_MAX * 4 + 1];
	struct category_row cat;
	struct request_row r;
	struct open311_row o;
};

static enum err create_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct create_ctx *x = arg;
	const struct open311_input *in = x->in;
	enum err rc = service_of(c, in->service_code, &x->cat, "service_code", ERR_INVALID, ei);
	if (rc != ERR_OK)
		return rc;
	/* attributes against the category's own definitions */
	json_t *defs = x->cat.attributes[0] ? json_loads(x->cat.attributes, 0, NULL) : NULL;
	if (!json_is_array(defs)) {
		json_decref(defs);
		defs = json_array(); /* none: every given attribute is unknown */
	}
	json_t *values = NULL;
	rc = open311_attributes_validate(defs, in->attrs, in->nattrs, &values, ei);
	json_decref(defs);
	if (rc != ERR_OK)
		return rc;
	char *attrs = json_dumps(values, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(values);
	if (attrs == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	if (strlen(attrs) > OPEN311_ATTRIBUTES_MAX) {
		free(attrs);
		return err_set(ei, ERR_INVALID, "attribute", "the attributes are too long");
	}
	snprintf(x->o.attributes, sizeof x->o.attributes, "%s", attrs);
	free(attrs);

	/* where: the grid of the point, the area of address_id, or the key's own area */
	int64_t area_id = x->located;
	struct area_row ar;
	if (area_id == 0 && in->address_id != NULL && in->address_id[0]) {
		rc = store_area_by_code(c, in->address_id, &ar, ei);
		if (rc == ERR_NOTFOUND)
			return err_set(ei, ERR_INVALID, "address_id", "address_id is no area code");
		if (rc != ERR_OK)
			return rc;
		area_id = ar.id;
	}
	for (int i = 0; area_id == 0 && i < x->a->who->nscopes; i++)
		if (strcmp(x->a->who->scopes[i], "*") != 0 && strncmp(x->a->who->scopes[i], "unit:", 5) != 0 &&
		    store_area_by_code(c, x->a->who->scopes[i], &ar, NULL) == ERR_OK)
			area_id = ar.id;
	if (area_id == 0)
		return err_set(ei, ERR_INVALID, "address_string",
		               "an address alone does not say where: give lat and long, or address_id");

	struct request_input ri = {
		.source = "open311", .kind = "report", .category_id = x->cat.id, .title = x->cat.name,
		.description = in->description, .address = in->address_string, .area_id = area_id,
		.has_point = in->has_point, .lng = in->lng, .lat = in->lat, .crs = CRS_WGS84,
		.reporter_name = x->reporter_name[0] ? x->reporter_name : NULL,
		.reporter_phone = in->phone && in->phone[0] ? in->phone : NULL,
	};
	if ((rc = requests_create_in(c, x->app, x->a, &ri, &x->r, ei)) != ERR_OK)
		return rc;
	x->o.request_id = x->r.id;
	x->o.api_key_id = x->a->who->api_key_id;
	snprintf(x->o.service_code, sizeof x->o.service_code, "%s", x->cat.code);
	utf8_copy(x->o.account_id, sizeof x->o.account_id, in->account_id ? in->account_id : "");
	utf8_copy(x->o.device_id, sizeof x->o.device_id, in->device_id ? in->device_id : "");
	utf8_copy(x->o.media_url, sizeof x->o.media_url, in->media_url ? in->media_url : "");
	snprintf(x->o.created_at, sizeof x->o.created_at, "%s", x->r.created_at);
	return store_open311_insert(c, &x->o, ei);
}

static bool email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	return text_ok(s, 3, 254, false) && at != NULL && at != s && strchr(at + 1, '.') != NULL &&
	       strchr(at + 1, '@') == NULL && strchr(s, ' ') == NULL;
}

static bool url_ok(const char *s)
{
	return text_ok(s, 8, OPEN311_URL_MAX, false) && strchr(s, ' ') == NULL &&
	       (strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0);
}

enum err open311_create(struct app *app, const struct actor *from, const struct open311_input *in,
                        json_t **out, struct errinfo *ei)
{
	*out = NULL;
	struct identity *id = calloc(1, sizeof *id);
	struct create_ctx *x = calloc(1, sizeof *x);
	enum err rc = ERR_OK;
	if (id == NULL || x == NULL) {
		rc = err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		goto out;
	}
	if ((rc = key_identity(app, from, in->api_key, "request.intake", id, ei)) != ERR_OK)
		goto out;
	struct actor a = {.who = id, .login = id->login, .address = from->address,
	                  .request_id = from->request_id};
	/* the spec's checks first, each naming its field */
	if (in->service_code == NULL || in->service_code[0] == '\0') {
		rc = err_set(ei, ERR_INVALID, "service_code", "service_code is required");
		goto out;
	}
	if (!in->has_point && (in->address_string == NULL || in->address_string[0] == '\0') &&
	    (in->address_id == NULL || in->address_id[0] == '\0')) {
		rc = err_set(ei, ERR_INVALID, "lat",
		             "a location is required: lat and long, address_string or address_id");
		goto out;
	}
	if (in->description != NULL) {
		size_t n = chars_of(in->description);
		if (n == (size_t)-1 || n > OPEN311_DESCRIPTION_MAX) {
			rc = err_set(ei, ERR_INVALID, "description",
			             "description must be UTF-8 text of at most 4000 characters");
			goto out;
		}
	}
	if (in->email && in->email[0] && !email_ok(in->email)) {
		rc = err_set(ei, ERR_INVALID, "email", "email is not an address");
		goto out;
	}
	if (in->phone && in->phone[0] && phone_check(in->phone, strlen(in->phone)) != NULL) {
		rc = err_set(ei, ERR_INVALID, "phone", "phone must be a mainland mobile or landline number");
		goto out;
	}
	if (in->media_url && in->media_url[0] && !url_ok(in->media_url)) {
		rc = err_set(ei, ERR_INVALID, "media_url", "media_url must be an http(s) URL");
		goto out;
	}
	const char *ids[] = {in->account_id, in->device_id};
	const char *id_names[] = {"account_id", "device_id"};
	for (int k = 0; k < 2; k++)
		if (ids[k] && !text_ok(ids[k], 0, OPEN311_ID_MAX, false)) {
			rc = err_set(ei, ERR_INVALID, id_names[k], "%s must be at most %d characters",
			             id_names[k], OPEN311_ID_MAX);
			goto out;
		}
	/* the reporter's name: family name first when it is written in Chinese */
	const char *first = in->first_name ? in->first_name : "", *last = in->last_name ? in->last_name : "";
	bool ascii = true;
	for (const char *p = first; *p; p++)
		ascii = ascii && (unsigned char)*p < 0x80;
	for (const char *p = last; *p; p++)
		ascii = ascii && (unsigned char)*p < 0x80;
	snprintf(x->reporter_name, sizeof x->reporter_name, "%s%s%s", ascii ? first : last,
	         ascii && first[0] && last[0] ? " " : "", ascii ? last : first);
	if (!text_ok(x->reporter_name, 0, RQ_REPORTER_NAME_MAX, false)) {
		rc = err_set(ei, ERR_INVALID, "first_name", "first_name and last_name: at most %d characters",
		             RQ_REPORTER_NAME_MAX);
		goto out;
	}
	if (in->address_string && !text_ok(in->address_string, 0, RQ_ADDRESS_MAX, false)) {
		rc = err_set(ei, ERR_INVALID, "address_string", "address_string: at most %d characters",
		             RQ_ADDRESS_MAX);
		goto out;
	}
	x->app = app;
	x->a = &a;
	x->in = in;
	if (in->has_point) {
		/* located without the key's scope; the scope is checked on the grid found */
		struct actor nobody = {.who = NULL, .login = a.login, .address = a.address,
		                       .request_id = a.request_id};
		struct area_row grid;
		rc = areas_locate(app, &nobody, in->lng, in->lat, CRS_WGS84, &grid, NULL, NULL, ei);
		if (rc == ERR_NOTFOUND) {
			rc = err_set(ei, ERR_INVALID, "lat", "the point lies in no grid of this jurisdiction");
			goto out;
		}
		if (rc != ERR_OK)
			goto out;
		x->located = grid.id;
	}
	rc = store_write(app->store, create_fn, x, ei);
	if (rc == ERR_FORBIDDEN)
		audit_record(app->store, &a, "access.denied", "open311", "denied", ei->message);
	if (rc != ERR_OK)
		goto out;
	char sid[24], notice[160];
	snprintf(sid, sizeof sid, "%lld", (long long)x->r.id);
	snprintf(notice, sizeof notice, "已登记，查询码 %s (registered; tracking code %s)",
	         x->r.tracking_code, x->r.tracking_code);
	*out = json_pack("[{s:s, s:s, s:o}]", "service_request_id", sid, "service_notice", notice,
	                 "account_id",
	                 in->account_id && in->account_id[0] ? json_string(in->account_id) : json_null());
out:
	free(x);
	free(id);
	return rc;
}

/* --- reading ---------------------------------------------------------------------------------------- */

const char *open311_status(const char *state)
{
	int st = rq_state_parse(state);
	return st >= 0 && rq_state_open((enum rq_state)st) ? "open" : "closed";
}

const char *open311_update_status(const char *state)
{
	static const char *const map[RS__MAX] = {
		/* RS_REGISTERED */ "open",
		/* RS_WAITING_DISPATCH */ "open",
		/* RS_DISPATCHED */ "action_scheduled",
		/* RS_RETURN_REQUESTED */ "investigating",
		/* RS_HANDLING */ "in_progress",
		/* RS_WAITING_REPORTER */ "investigating",
		/* RS_EXTENSION_REQUESTED */ "in_progress",
		/* RS_HANDLED */ "fixed",
		/* RS_WAITING_FEEDBACK */ "fixed",
		/* RS_DISSATISFIED */ "in_progress",
		/* RS_CLOSED */ "closed",
		/* RS_ARCHIVED */ "closed",
		/* RS_CANCELLED */ "no_further_action",
		/* RS_INVALID */ "no_further_action",
		/* RS_MERGED */ "duplicate",
	};
	int st = rq_state_parse(state);
	return st >= 0 ? map[st] : "open";
}

/* Events the public page leaves out: the offices' own business. */
static bool internal_action(const char *action)
{
	static const char *const internal[] = {"comment", "overdue", "supervise", "report_in",
	                                       "part_done", NULL};
	return in_list(internal, action);
}

struct notes_ctx {
	char note[RQ_NOTE_MAX * 4 + 1];
};

static void last_note(void *ctx, const struct request_event_row *e)
{
	struct notes_ctx *x = ctx;
	/* the reply to the resident, as the public page shows it */
	if ((strcmp(e->action, "answer") == 0 || strcmp(e->action, "resolve") == 0) && e->note &&
	    e->note[0])
		utf8_copy(x->note, sizeof x->note, e->note);
}

struct photo_ctx {
	char sha256[65];
};

static void first_photo(void *ctx, const struct request_photo_row *p)
{
	struct photo_ctx *x = ctx;
	if (x->sha256[0] == '\0' && strcmp(p->stage, "intake") == 0)
		snprintf(x->sha256, sizeof x->sha256, "%s", p->sha256);
}

struct read_ctx {
	struct app *app;
	const struct identity *key; /* NULL: the public view only */
	const struct open311_query *q;
	const char *one;            /* open311_request_get's id */
	json_t *items;
	struct code_ranges scope;
	int64_t cat_ids[64];
	char cat_codes[64][CATEGORY_CODE_MAX + 1];
	int ncats;
	int64_t filter_category;
	bool no_such_service;
	enum err rc;
	struct errinfo *ei;
	struct store_conn *c;
	struct request_row *r;
};

static const char *code_of(struct read_ctx *x, int64_t category_id)
{
	for (int i = 0; i < x->ncats; i++)
		if (x->cat_ids[i] == category_id)
			return x->cat_codes[i];
	struct category_row *cat = malloc(sizeof *cat);
	const char *code = "";
	if (cat != NULL && store_category_get(x->c, category_id, cat, NULL) == ERR_OK) {
		int k = x->ncats < 64 ? x->ncats++ : 63;
		x->cat_ids[k] = category_id;
		snprintf(x->cat_codes[k], sizeof x->cat_codes[k], "%s", cat->code);
		code = x->cat_codes[k];
	}
	free(cat);
	return code;
}

static json_t *str_or_null(const char *s) { return s && s[0] ? json_string(s) : json_null(); }

/* The spec's request object; the full view (description, place, photo)
 * only for a key with request.read whose scope covers the request. */
static void add_request(void *ctx, const struct request_row *r)
{
	struct read_ctx *x = ctx;
	if (x->rc != ERR_OK)
		return;
	bool full = x->key != NULL && identity_has(x->key, "request.read") &&
	            identity_covers(x->key, r->area_code);
	if (!full && r->anonymous)
		return; /* anonymous: hidden from the public, never from staff */
	struct notes_ctx *n = calloc(1, sizeof *n);
	if (n == NULL) {
		x->rc = err_set(x->ei, ERR_INTERNAL, NULL, "out of memory");
		return;
	}
	enum err rc = store_request_events(x->c, r->id, last_note, n, x->ei);
	if (rc != ERR_OK) {
		free(n);
		x->rc = rc;
		return;
	}
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)r->id);
	int st = rq_state_parse(r->state);
	bool open = st >= 0 && rq_state_open((enum rq_state)st);
	json_t *o = json_pack("{s:s, s:s, s:o, s:s, s:s}", "service_request_id", sid, "status",
	                      open ? "open" : "closed", "status_notes", str_or_null(n->note),
	                      "service_name", r->category_name, "service_code",
	                      code_of(x, r->category_id));
	free(n);
	json_object_set_new(o, "description",
	                    full ? str_or_null(r->description) : str_or_null(r->title));
	json_object_set_new(o, "agency_responsible", str_or_null(r->owner_name));
	json_object_set_new(o, "service_notice",
	                    json_string(st >= 0 ? rq_state_names_zh[st] : r->state));
	json_object_set_new(o, "requested_datetime", json_string(r->created_at));
	json_object_set_new(o, "updated_datetime",
	                    str_or_null(!open && r->closed_at[0] ? r->closed_at : r->updated_at));
	json_object_set_new(o, "expected_datetime", open ? str_or_null(r->due_at) : json_null());
	json_object_set_new(o, "address", full ? str_or_null(r->address) : json_null());
	json_object_set_new(o, "address_id", full ? str_or_null(r->area_code) : json_null());
	json_object_set_new(o, "zipcode", json_null());
	json_object_set_new(o, "lat", full && r->has_point ? json_real(r->lat) : json_null());
	json_object_set_new(o, "long", full && r->has_point ? json_real(r->lng) : json_null());
	json_t *media = json_null();
	if (full) {
		struct photo_ctx p = {""};
		struct open311_row *o3 = malloc(sizeof *o3);
		bool filed = o3 != NULL && store_open311_get(x->c, r->id, o3, NULL) == ERR_OK;
		if (store_request_photos(x->c, r->id, first_photo, &p, NULL) == ERR_OK && p.sha256[0]) {
			char path[128];
			snprintf(path, sizeof path, "/api/v1/photos/%s", p.sha256);
			media = json_string(path); /* made absolute by the API layer */
		} else if (filed && o3->media_url[0]) {
			media = json_string(o3->media_url);
		}
		/* linli's extension: the attribute values it was filed with, as a
		 * list (codes need not be XML names) */
		if (filed) {
			json_t *vals = json_loads(o3->attributes, 0, NULL), *list = json_array();
			const char *k;
			json_t *v;
			json_object_foreach(vals, k, v) {
				json_array_append_new(list, json_is_array(v)
				                                ? json_pack("{s:s, s:O}", "code", k, "values", v)
				                                : json_pack("{s:s, s:O}", "code", k, "value", v));
			}
			json_decref(vals);
			json_object_set_new(o, "attributes", list);
		}
		free(o3);
	}
	json_object_set_new(o, "media_url", media);
	json_array_append_new(x->items, o);
}

static const char *const closed_states[] = {"closed", "archived", "cancelled", "invalid", "merged",
                                            NULL};

static enum err read_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct read_ctx *x = arg;
	x->c = c;
	x->ei = ei;
	x->rc = ERR_OK;
	const struct open311_query *q = x->q;
	const char *ids = x->one ? x->one : q->ids;
	if (ids != NULL) {
		/* service_request_id=1,2,3 overrides every other argument */
		int n = 0;
		for (const char *p = ids; *p && x->rc == ERR_OK;) {
			size_t len = strcspn(p, ",");
			char buf[24];
			char *end = NULL;
			if (len == 0 || len >= sizeof buf)
				return err_set(ei, ERR_INVALID, "service_request_id",
				               "service_request_id is a comma separated list of ids");
			memcpy(buf, p, len);
			buf[len] = '\0';
			long long id = strtoll(buf, &end, 10);
			if (end == NULL || *end != '\0' || id <= 0 || strspn(buf, "0123456789") != len)
				return err_set(ei, x->one ? ERR_NOTFOUND : ERR_INVALID, "service_request_id",
				               "service_request_id %.24s is no service request id", buf);
			if (++n > OPEN311_IDS_MAX)
				return err_set(ei, ERR_INVALID, "service_request_id", "at most %d ids",
				               OPEN311_IDS_MAX);
			enum err rc = store_request_get(c, id, x->r, ei);
			if (rc == ERR_NOTFOUND && x->one)
				return err_set(ei, ERR_NOTFOUND, "service_request_id", "no service request %lld", id);
			if (rc == ERR_NOTFOUND) {
				err_clear(ei);
			} else if (rc != ERR_OK) {
				return rc;
			} else {
				add_request(x, x->r);
			}
			p += len;
			if (*p == ',')
				p++;
		}
		return x->rc;
	}
	struct request_filter f = {.everything = true, .overdue = -1, .supervised = -1,
	                           .limit = OPEN311_LIST_MAX};
	if (q->service_code != NULL && q->service_code[0]) {
		struct category_row *cat = malloc(sizeof *cat);
		enum err rc = cat ? store_category_by_code(c, q->service_code, cat, ei)
		                  : err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		int64_t cid = rc == ERR_OK ? cat->id : 0;
		free(cat);
		if (rc == ERR_NOTFOUND) {
			err_clear(ei);
			return ERR_OK; /* an unknown service has no requests */
		}
		if (rc != ERR_OK)
			return rc;
		f.category_id = cid;
	}
	static const char *const open_states[] = {"registered", "waiting_dispatch", "dispatched",
	                                          "return_requested", "handling", "waiting_reporter",
	                                          "extension_requested", "handled", "waiting_feedback",
	                                          "dissatisfied", NULL};
	if (q->status != NULL) {
		bool want_open = false, want_closed = false;
		for (const char *p = q->status; *p;) {
			size_t len = strcspn(p, ",");
			if (len == 4 && strncmp(p, "open", 4) == 0)
				want_open = true;
			else if (len == 6 && strncmp(p, "closed", 6) == 0)
				want_closed = true;
			else
				return err_set(ei, ERR_INVALID, "status", "status must be open, closed or both");
			p += len;
			if (*p == ',')
				p++;
		}
		if (want_open != want_closed)
			f.states = want_open ? open_states : closed_states;
	}
	int64_t end = q->has_end ? q->end : clock_now();
	int64_t start = q->has_start ? q->start : end - OPEN311_WINDOW_DAYS * 86400;
	if (start > end)
		return err_set(ei, ERR_INVALID, "start_date", "start_date is after end_date");
	if (end - start > (int64_t)OPEN311_WINDOW_DAYS * 86400)
		return err_set(ei, ERR_INVALID, "start_date", "start_date to end_date spans more than %d days",
		               OPEN311_WINDOW_DAYS);
	char from[RQ_TIME], to[RQ_TIME];
	store_time_format(start, from);
	store_time_format(end + 1, to); /* end_date is inclusive to the second */
	f.from = from;
	f.to = to;
	enum err rc = store_request_list(c, &f, add_request, x, ei);
	return rc != ERR_OK ? rc : x->rc;
}

/* An optional key: absent is the public view, a bad one is refused. */
static enum err optional_key(struct app *app, const struct actor *from, const char *key,
                             struct identity **out, struct errinfo *ei)
{
	*out = NULL;
	if (key == NULL || key[0] == '\0')
		return ERR_OK;
	struct identity *id = calloc(1, sizeof *id);
	if (id == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	enum err rc = key_identity(app, from, key, "request.read", id, ei);
	if (rc != ERR_OK) {
		free(id);
		return rc;
	}
	*out = id;
	return ERR_OK;
}

static enum err read_requests(struct app *app, const struct actor *from,
                              const struct open311_query *q, const char *one, json_t **out,
                              struct errinfo *ei)
{
	*out = NULL;
	struct identity *key = NULL;
	enum err rc = optional_key(app, from, q->api_key, &key, ei);
	if (rc != ERR_OK)
		return rc;
	struct read_ctx *x = calloc(1, sizeof *x);
	struct request_row *r = malloc(sizeof *r);
	if (x == NULL || r == NULL) {
		rc = err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	} else {
		x->app = app;
		x->key = key;
		x->q = q;
		x->one = one;
		x->r = r;
		x->items = json_array();
		rc = store_read(app->store, read_fn, x, ei);
		if (rc == ERR_OK)
			*out = x->items;
		else
			json_decref(x->items);
	}
	free(r);
	free(x);
	free(key);
	return rc;
}

enum err open311_requests(struct app *app, const struct actor *from, const struct open311_query *q,
                          json_t **out, struct errinfo *ei)
{
	return read_requests(app, from, q, NULL, out, ei);
}

enum err open311_request_get(struct app *app, const struct actor *from, const char *api_key,
                             const char *id, json_t **out, struct errinfo *ei)
{
	struct open311_query q = {.api_key = api_key};
	if (id == NULL || id[0] == '\0' || strchr(id, ',') != NULL)
		return err_set(ei, ERR_NOTFOUND, "service_request_id", "no such service request");
	return read_requests(app, from, &q, id, out, ei);
}

struct token_ctx {
	const char *token;
	struct request_row r;
};

static enum err token_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct token_ctx *x = arg;
	return store_request_by_code(c, x->token, &x->r, ei);
}

enum err open311_token(struct app *app, const char *token, json_t **out, struct errinfo *ei)
{
	*out = NULL;
	if (token == NULL || strlen(token) != RQ_TRACKING_LEN)
		return err_set(ei, ERR_NOTFOUND, "token", "no request has this token");
	struct token_ctx *x = calloc(1, sizeof *x);
	if (x == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	x->token = token;
	enum err rc = store_read(app->store, token_fn, x, ei);
	if (rc == ERR_NOTFOUND)
		err_set(ei, ERR_NOTFOUND, "token", "no request has this token");
	if (rc == ERR_OK) {
		char sid[24];
		snprintf(sid, sizeof sid, "%lld", (long long)x->r.id);
		*out = json_pack("[{s:s, s:s}]", "service_request_id", sid, "token", x->r.tracking_code);
	}
	free(x);
	return rc;
}

/* --- the update feed ------------------------------------------------------------------------------- */

struct updates_ctx {
	const struct actor *a;
	const char *from, *to;
	json_t *items;
};

static void add_update(void *ctx, const struct open311_update_row *u)
{
	struct updates_ctx *x = ctx;
	if (internal_action(u->action))
		return;
	char uid[48], sid[24];
	snprintf(uid, sizeof uid, "%lld-%d", (long long)u->request_id, u->seq);
	snprintf(sid, sizeof sid, "%lld", (long long)u->request_id);
	int st = rq_state_parse(u->to_state);
	/* the reply to the resident where there is one, else the state in words */
	bool replied = (strcmp(u->action, "answer") == 0 || strcmp(u->action, "resolve") == 0) &&
	               u->note[0];
	json_t *media = json_null();
	json_t *data = json_loads(u->data, 0, NULL);
	json_t *photos = json_object_get(data, "photos");
	if (json_is_array(photos) && json_is_string(json_array_get(photos, 0))) {
		char path[128];
		snprintf(path, sizeof path, "/api/v1/photos/%s",
		         json_string_value(json_array_get(photos, 0)));
		media = json_string(path);
	}
	json_decref(data);
	json_array_append_new(
		x->items,
		json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:s}", "update_id", uid, "service_request_id",
	              sid, "status", open311_update_status(u->to_state), "updated_datetime", u->at,
	              "description", replied ? u->note : (st >= 0 ? rq_state_names_zh[st] : u->to_state),
	              "media_url", media, "external_status_code", u->to_state));
}

static enum err updates_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct updates_ctx *x = arg;
	struct code_ranges scope;
	enum err rc = area_scope_ranges(c, x->a, 0, &scope, ei);
	if (rc != ERR_OK)
		return rc;
	return store_open311_updates(c, &scope, x->from, x->to, OPEN311_UPDATES_MAX, add_update, x, ei);
}

enum err open311_updates(struct app *app, const struct actor *from, const char *api_key,
                         bool has_start, int64_t start, bool has_end, int64_t end, json_t **out,
                         struct errinfo *ei)
{
	*out = NULL;
	struct identity *id = calloc(1, sizeof *id);
	if (id == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	enum err rc = key_identity(app, from, api_key, "request.read", id, ei);
	if (rc != ERR_OK) {
		free(id);
		return rc;
	}
	if (!has_end)
		end = clock_now();
	if (!has_start)
		start = end - 86400;
	if (start > end)
		rc = err_set(ei, ERR_INVALID, "start_date", "start_date is after end_date");
	else if (end - start > (int64_t)OPEN311_WINDOW_DAYS * 86400)
		rc = err_set(ei, ERR_INVALID, "start_date", "start_date to end_date spans more than %d days",
		             OPEN311_WINDOW_DAYS);
	if (rc == ERR_OK) {
		struct actor a = {.who = id, .login = id->login, .address = from->address,
		                  .request_id = from->request_id};
		char f[RQ_TIME], t[RQ_TIME];
		store_time_format(start, f);
		store_time_format(end + 1, t);
		struct updates_ctx x = {.a = &a, .from = f, .to = t, .items = json_array()};
		rc = store_read(app->store, updates_fn, &x, ei);
		if (rc == ERR_OK)
			*out = x.items;
		else
			json_decref(x.items);
	}
	free(id);
	return rc;
}
