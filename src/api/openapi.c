/* The OpenAPI 3.0.3 document of /api/v1, generated from the route table:
 * paths and methods, capabilities, path and query parameters and JSON
 * bodies all come from the rows and their field specs, the same data the
 * server validates with. Only what the rows cannot say (which handlers
 * answer 201 or a file) is listed here, and tests/api/openapi.test.mjs
 * checks that list against what the server answers. */
#include "api/openapi.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app.h"
#include "auth/caps.h"
#include "limits.h"

#define API_PREFIX "/api/v1"

/* Answers other than "200 with a JSON body", read off the handlers. A new
 * route that answers 201 or a file adds its row here. */
static const struct answer {
	enum http_method method;
	const char *pattern;
	unsigned status;   /* the success status */
	bool or_200;       /* 201 for a new object, 200 when it already existed */
	const char *media; /* a file of this type instead of JSON */
} answers[] = {
	{HTTP_POST, "/api/v1/users", 201, false, NULL},
	{HTTP_POST, "/api/v1/roles", 201, false, NULL},
	{HTTP_POST, "/api/v1/api-keys", 201, false, NULL},
	{HTTP_POST, "/api/v1/areas", 201, false, NULL},
	{HTTP_POST, "/api/v1/areas/{id}/responsible", 201, false, NULL},
	{HTTP_POST, "/api/v1/areas/{id}/joint-committee", 201, false, NULL},
	{HTTP_POST, "/api/v1/units", 201, false, NULL},
	{HTTP_POST, "/api/v1/units/{id}/contacts", 201, false, NULL},
	{HTTP_POST, "/api/v1/pairings", 201, false, NULL},
	{HTTP_POST, "/api/v1/party/orgs", 201, false, NULL},
	{HTTP_POST, "/api/v1/party/orgs/{id}/report-in", 201, false, NULL},
	{HTTP_POST, "/api/v1/party/members", 201, false, NULL},
	{HTTP_POST, "/api/v1/party/members/{id}/report-in", 201, false, NULL},
	{HTTP_POST, "/api/v1/party/center-households", 201, false, NULL},
	{HTTP_POST, "/api/v1/households", 201, false, NULL},
	{HTTP_POST, "/api/v1/people", 201, false, NULL},
	{HTTP_POST, "/api/v1/categories", 201, false, NULL},
	{HTTP_POST, "/api/v1/dispatch-rules", 201, false, NULL},
	{HTTP_POST, "/api/v1/requests", 201, false, NULL},
	{HTTP_POST, "/api/v1/public/requests", 201, false, NULL},
	{HTTP_POST, "/api/v1/webhooks", 201, false, NULL},
	/* a delivery queued, not yet made */
	{HTTP_POST, "/api/v1/webhooks/{id}/deliveries/{did}/redeliver", 202, false, NULL},
	{HTTP_POST, "/api/v1/webhooks/{id}/ping", 202, false, NULL},
	/* photos are stored by content: the same bytes again answer 200 */
	{HTTP_POST, "/api/v1/photos", 201, true, NULL},
	{HTTP_POST, "/api/v1/public/photos", 201, true, NULL},
	{HTTP_GET, "/api/v1/photos/{sha256}", 200, false, "image/*"},
	{HTTP_GET, "/api/v1/imports/{register}/template", 200, false, "text/csv"},
	{HTTP_GET, "/api/v1/exports/{register}", 200, false,
	 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	{HTTP_GET, "/api/v1/exports/requests", 200, false,
	 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
};

static const struct answer *answer_of(const struct route *rt)
{
	for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++)
		if (answers[i].method == rt->method && strcmp(answers[i].pattern, rt->pattern) == 0)
			return &answers[i];
	return NULL;
}

/* --- operation ids -------------------------------------------------------- */

static size_t put_word(const char *w, size_t n, bool cap, char *out, size_t size, size_t at)
{
	for (size_t i = 0; i < n; i++) {
		char c = w[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum) {
			cap = true; /* "-", "_", "." start a new word */
			continue;
		}
		if (cap && c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		cap = false;
		if (at + 1 < size)
			out[at] = c;
		at++;
	}
	return at;
}

size_t openapi_operation_id(enum http_method m, const char *pattern, char *out, size_t size)
{
	size_t at = 0;
	const char *name = http_method_name(m);
	for (const char *p = name; *p; p++) {
		char c = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		if (at + 1 < size)
			out[at] = c;
		at++;
	}
	const char *p = pattern;
	if (strncmp(p, API_PREFIX "/", strlen(API_PREFIX) + 1) == 0)
		p += strlen(API_PREFIX);
	while (*p) {
		if (*p == '/') {
			p++;
			continue;
		}
		size_t n = strcspn(p, "/");
		if (p[0] == '{' && n >= 2 && p[n - 1] == '}') {
			at = put_word("By", 2, true, out, size, at);
			at = put_word(p + 1, n - 2, true, out, size, at);
		} else {
			at = put_word(p, n, true, out, size, at);
		}
		p += n;
	}
	if (size > 0)
		out[at < size ? at : size - 1] = '\0';
	return at;
}

/* --- schemas of declared fields ------------------------------------------- */

static void set_int(json_t *o, const char *key, int64_t v)
{
	json_object_set_new(o, key, json_integer((json_int_t)v));
}

/* Characters bounds and the control-character rule of a string field. */
static void string_schema(json_t *s, const struct field_spec *f)
{
	int64_t min = f->min, max = f->max;
	if (min == 0 && max == 0)
		max = LIMIT_STRING_CHARS;
	json_object_set_new(s, "type", json_string("string"));
	if (min > 0)
		set_int(s, "minLength", min);
	set_int(s, "maxLength", max);
	/* fields.c refuses control characters; a multiline field allows \t \n \r */
	json_object_set_new(s, "pattern",
	                    json_string(f->multiline ? "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$"
	                                             : "^[^\\u0000-\\u001f\\u007f]*$"));
}

static void int_bounds(json_t *s, int64_t min, int64_t max)
{
	json_object_set_new(s, "type", json_string("integer"));
	json_object_set_new(s, "format", json_string("int64"));
	if (min != INT64_MIN)
		set_int(s, "minimum", min);
	if (max != INT64_MAX)
		set_int(s, "maximum", max);
}

static json_t *field_schema(const struct field_spec *f, bool in_body)
{
	json_t *s = json_object();
	switch (f->type) {
	case FIELD_STRING:
		string_schema(s, f);
		break;
	case FIELD_INT:
		int_bounds(s, f->min, f->max);
		break;
	case FIELD_BOOL:
		json_object_set_new(s, "type", json_string("boolean"));
		break;
	case FIELD_ENUM: {
		json_t *values = json_array();
		for (int k = 0; f->values != NULL && f->values[k] != NULL; k++)
			json_array_append_new(values, json_string(f->values[k]));
		json_object_set_new(s, "type", json_string("string"));
		json_object_set_new(s, "enum", values);
		break;
	}
	case FIELD_DATE:
		json_object_set_new(s, "type", json_string("string"));
		json_object_set_new(s, "format", json_string("date"));
		break;
	case FIELD_INSTANT:
		json_object_set_new(s, "type", json_string("string"));
		json_object_set_new(s, "format", json_string("date-time"));
		break;
	case FIELD_REAL:
		json_object_set_new(s, "type", json_string("number"));
		if (isfinite(f->rmin))
			json_object_set_new(s, "minimum", json_real(f->rmin));
		if (isfinite(f->rmax))
			json_object_set_new(s, "maximum", json_real(f->rmax));
		break;
	case FIELD_OBJECT:
		json_object_set_new(s, "type", json_string("object"));
		break;
	case FIELD_INTS: {
		json_t *items = json_object();
		int_bounds(items, f->min, f->max);
		json_object_set_new(s, "type", json_string("array"));
		json_object_set_new(s, "items", items);
		set_int(s, "maxItems", f->max_items);
		break;
	}
	case FIELD_STRINGS: {
		json_t *items = json_object();
		string_schema(items, f);
		json_object_set_new(s, "type", json_string("array"));
		json_object_set_new(s, "items", items);
		set_int(s, "maxItems", f->max_items);
		break;
	}
	case FIELD_ARRAY:
		json_object_set_new(s, "type", json_string("array"));
		json_object_set_new(s, "items", json_object());
		if (f->max_items > 0)
			set_int(s, "maxItems", f->max_items);
		break;
	case FIELD__MAX: /* no default: a new field type fails to compile until described here */
		break;
	}
	/* The description: the row's doc, and what the schema cannot say. */
	char desc[512] = "";
	size_t at = 0;
	if (f->doc != NULL)
		at += (size_t)snprintf(desc, sizeof desc, "%s", f->doc);
	if (f->type == FIELD_OBJECT && at < sizeof desc)
		at += (size_t)snprintf(desc + at, sizeof desc - at, "%sa JSON object the handler checks",
		                       at ? "; " : "");
	if (f->type == FIELD_ARRAY && at < sizeof desc)
		at += (size_t)snprintf(desc + at, sizeof desc - at, "%sa JSON array the handler checks",
		                       at ? "; " : "");
	if (f->check != NULL && at < sizeof desc)
		at += (size_t)snprintf(desc + at, sizeof desc - at, "%sthe server also checks its form",
		                       at ? "; " : "");
	if (at > 0)
		json_object_set_new(s, "description", json_string(desc));
	/* fields_from_json takes null as absent */
	if (in_body && !f->required)
		json_object_set_new(s, "nullable", json_true());
	return s;
}

static json_t *parameter(const struct field_spec *f, const char *in)
{
	json_t *p = json_pack("{s:s, s:s, s:b}", "name", f->name, "in", in, "required",
	                      f->required || strcmp(in, "path") == 0);
	json_t *schema = field_schema(f, false);
	json_t *desc = json_object_get(schema, "description");
	if (desc != NULL) {
		json_object_set(p, "description", desc);
		json_object_del(schema, "description"); /* said once, on the parameter */
	}
	json_object_set_new(p, "schema", schema);
	return p;
}

static const struct field_spec *spec_find(const struct field_spec *spec, const char *name, size_t n)
{
	for (int i = 0; spec != NULL && spec[i].name != NULL; i++)
		if (strlen(spec[i].name) == n && strncmp(spec[i].name, name, n) == 0)
			return &spec[i];
	return NULL;
}

/* Path parameters in the order the pattern names them. */
static json_t *path_parameters(const struct route *rt)
{
	json_t *out = json_array();
	for (const char *p = strchr(rt->pattern, '{'); p != NULL; p = strchr(p + 1, '{')) {
		size_t n = strcspn(p + 1, "}");
		const struct field_spec *f = spec_find(rt->params, p + 1, n);
		if (f != NULL) {
			json_array_append_new(out, parameter(f, "path"));
		} else {
			/* the router would refuse such a row; describe it anyway */
			char name[64];
			snprintf(name, sizeof name, "%.*s", (int)(n < 63 ? n : 63), p + 1);
			json_array_append_new(out, json_pack("{s:s, s:s, s:b, s:{s:s}}", "name", name, "in",
			                                     "path", "required", 1, "schema", "type", "string"));
		}
	}
	return out;
}

static json_t *request_body(const struct route *rt)
{
	if (rt->raw_type != NULL) {
		size_t max = rt->raw_max > 0 ? rt->raw_max : LIMIT_UPLOAD_BYTES;
		char desc[128];
		snprintf(desc, sizeof desc, "The raw %s body, at most %zu bytes.", rt->raw_type, max);
		json_t *schema = json_pack("{s:s, s:s}", "type", "string", "format", "binary");
		set_int(schema, "maxLength", (int64_t)max);
		return json_pack("{s:s, s:b, s:{s:{s:o}}}", "description", desc, "required", 1, "content",
		                 rt->raw_type, "schema", schema);
	}
	if (rt->body == NULL)
		return NULL;
	json_t *props = json_object();
	json_t *required = json_array();
	for (int i = 0; rt->body[i].name != NULL; i++) {
		json_object_set_new(props, rt->body[i].name, field_schema(&rt->body[i], true));
		if (rt->body[i].required)
			json_array_append_new(required, json_string(rt->body[i].name));
	}
	json_t *schema = json_pack("{s:s, s:o, s:b}", "type", "object", "properties", props,
	                           "additionalProperties", 0);
	if (json_array_size(required) > 0)
		json_object_set_new(schema, "required", required);
	else
		json_decref(required);
	char desc[128];
	snprintf(desc, sizeof desc,
	         "A JSON object of the listed fields, at most %d bytes; an unknown field is refused.",
	         LIMIT_BODY_BYTES);
	return json_pack("{s:s, s:b, s:{s:{s:o}}}", "description", desc, "required", 1, "content",
	                 "application/json", "schema", schema);
}

/* --- responses -------------------------------------------------------------- */

static bool has_field(const struct field_spec *spec, const char *name)
{
	return spec_find(spec, name, strlen(name)) != NULL;
}

static json_t *success(const struct route *rt, const char *media, unsigned status)
{
	json_t *content;
	if (media != NULL) {
		content = json_pack("{s:{s:{s:s, s:s}}}", media, "schema", "type", "string", "format",
		                    "binary");
	} else {
		/* a paged list answers the Page shape (docs/API.md) */
		bool paged = has_field(rt->query, "page") && has_field(rt->query, "page_size");
		json_t *schema = paged ? json_pack("{s:s}", "$ref", "#/components/schemas/Page")
		                       : json_object();
		content = json_pack("{s:{s:o}}", "application/json", "schema", schema);
	}
	const char *desc = media          ? "The file."
	                   : status == 201 ? "Created; the shape is described in docs/API.md."
	                   : status == 202 ? "Accepted (queued); the shape is described in docs/API.md."
	                                   : "Success; the shape is described in docs/API.md.";
	return json_pack("{s:s, s:o}", "description", desc, "content", content);
}

static void add_ref(json_t *responses, const char *status, const char *name)
{
	char ref[96];
	snprintf(ref, sizeof ref, "#/components/responses/%s", name);
	json_object_set_new(responses, status, json_pack("{s:s}", "$ref", ref));
}

static json_t *responses(const struct route *rt)
{
	json_t *out = json_object();
	const struct answer *a = answer_of(rt);
	unsigned status = a ? a->status : 200;
	char code[8];
	snprintf(code, sizeof code, "%u", status);
	if (a != NULL && a->or_200)
		json_object_set_new(out, "200", success(rt, a->media, 200));
	json_object_set_new(out, code, success(rt, a ? a->media : NULL, status));
	bool is_public = strcmp(rt->cap, CAP_PUBLIC) == 0;
	bool unsafe = rt->method != HTTP_GET;
	add_ref(out, "400", "Invalid");
	if (!is_public)
		add_ref(out, "401", "Unauthorized");
	if (!is_public || unsafe)
		add_ref(out, "403", "Forbidden");
	if (strchr(rt->pattern, '{') != NULL)
		add_ref(out, "404", "NotFound");
	if (unsafe)
		add_ref(out, "409", "Conflict");
	if (rt->body != NULL || rt->raw_type != NULL) {
		add_ref(out, "413", "TooLarge");
		add_ref(out, "415", "UnsupportedMediaType");
	}
	if (unsafe)
		add_ref(out, "422", "Unprocessable");
	add_ref(out, "429", "RateLimited");
	add_ref(out, "default", "Failure");
	return out;
}

static json_t *security(const struct route *rt)
{
	if (strcmp(rt->cap, CAP_PUBLIC) == 0)
		return json_array();
	json_t *session = json_pack("{s:[]}", "session");
	if (rt->method != HTTP_GET)
		json_object_set_new(session, "csrf", json_array());
	return json_pack("[o, {s:[]}]", session, "apiKey");
}

static json_t *operation(const struct route *rt, const char *op_id, const char *tag)
{
	char desc[512];
	if (strcmp(rt->cap, CAP_PUBLIC) == 0) {
		snprintf(desc, sizeof desc, "Public: no credentials needed.");
	} else if (strcmp(rt->cap, CAP_AUTHENTICATED) == 0) {
		snprintf(desc, sizeof desc, "Any logged-in caller (session or API key).");
	} else {
		const struct capability *c = capabilities;
		while (c->name != NULL && strcmp(c->name, rt->cap) != 0)
			c++;
		if (c->name != NULL)
			snprintf(desc, sizeof desc,
			         "Needs the capability `%s` (%s; %s), and the object inside the caller's area "
			         "scope.", rt->cap, c->en, c->zh);
		else
			snprintf(desc, sizeof desc,
			         "Needs the capability `%s`, and the object inside the caller's area scope.",
			         rt->cap);
	}
	if (rt->method != HTTP_GET && strcmp(rt->cap, CAP_PUBLIC) != 0) {
		size_t at = strlen(desc);
		snprintf(desc + at, sizeof desc - at,
		         " A session caller sends the X-CSRF-Token header; an API key needs none.");
	}
	json_t *op = json_pack("{s:[s], s:s, s:s, s:s, s:s}", "tags", tag, "summary",
	                       rt->summary ? rt->summary : "", "description", desc, "operationId", op_id,
	                       "x-linli-capability", rt->cap);
	json_t *params = path_parameters(rt);
	for (int i = 0; rt->query != NULL && rt->query[i].name != NULL; i++)
		json_array_append_new(params, parameter(&rt->query[i], "query"));
	if (json_array_size(params) > 0)
		json_object_set_new(op, "parameters", params);
	else
		json_decref(params);
	json_t *body = request_body(rt);
	if (body != NULL)
		json_object_set_new(op, "requestBody", body);
	json_object_set_new(op, "responses", responses(rt));
	json_object_set_new(op, "security", security(rt));
	return op;
}

/* --- the shared parts ------------------------------------------------------- */

static json_t *components(void)
{
	json_t *codes = json_array();
	for (int e = ERR_OK + 1; e < ERR__MAX; e++)
		json_array_append_new(codes, json_string(err_name((enum err)e)));
	json_t *error = json_pack(
		"{s:s, s:[s], s:{s:{s:s, s:[s,s], s:{s:{s:s, s:o}, s:{s:s}, s:{s:s, s:s}}}}}", "type",
		"object", "required", "error", "properties", "error", "type", "object", "required", "code",
		"message", "properties", "code", "type", "string", "enum", codes, "message", "type",
		"string", "field", "type", "string", "description",
		"the request field the error is about: a parameter, a body field, \"body\", "
		"\"content-type\", \"x-csrf-token\" or \"authorization\"");
	json_t *page = json_pack("{s:s, s:[s,s,s,s], s:{s:{s:s, s:{}}, s:{s:s}, s:{s:s}, s:{s:s}}}",
	                         "type", "object", "required", "items", "total", "page", "page_size",
	                         "properties", "items", "type", "array", "items", "total", "type",
	                         "integer", "page", "type", "integer", "page_size", "type", "integer");
	static const struct {
		const char *name, *text;
	} errs[] = {
		{"Invalid", "invalid: a parameter or body field failed validation (named in `field`), "
		            "malformed JSON, or an unknown field or parameter"},
		{"Unauthorized", "unauthorized: no, expired or bad credentials"},
		{"Forbidden", "forbidden: the capability or the area scope does not allow it, or the "
		              "X-CSRF-Token header is missing or wrong"},
		{"NotFound", "not_found: no such object"},
		{"Conflict", "conflict: it already exists, or the object's state forbids it"},
		{"TooLarge", "too_large: the body is over its limit"},
		{"UnsupportedMediaType", "unsupported_media_type: the body is not of the declared type"},
		{"Unprocessable", "unprocessable: well-formed but against a rule"},
		{"RateLimited", "rate_limited: too many requests from this address (see Retry-After)"},
		{"Failure", "internal (500, quote X-Request-Id) or unavailable (503, retry after "
		            "Retry-After)"},
	};
	json_t *resps = json_object();
	for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++)
		json_object_set_new(resps, errs[i].name,
		                    json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", errs[i].text,
		                              "content", "application/json", "schema", "$ref",
		                              "#/components/schemas/Error"));
	json_t *schemes = json_pack(
		"{s:{s:s, s:s, s:s, s:s}, s:{s:s, s:s, s:s, s:s}, s:{s:s, s:s, s:s}}",
		"session", "type", "apiKey", "in", "cookie", "name", SESSION_COOKIE, "description",
		"The console's session cookie, set by POST /api/v1/session.",
		"csrf", "type", "apiKey", "in", "header", "name", "X-CSRF-Token", "description",
		"The csrf_token POST /api/v1/session answers; every unsafe request with the session "
		"cookie sends it.",
		"apiKey", "type", "http", "scheme", "bearer", "description",
		"An API key (Authorization: Bearer lk_…), made by an administrator and scoped like a user.");
	return json_pack("{s:{s:o, s:o}, s:o, s:o}", "schemas", "Error", error, "Page", page,
	                 "responses", resps, "securitySchemes", schemes);
}

/* The first segment after /api/v1, without an extension: "users", "party",
 * "public", "openapi" … */
static void tag_of(const char *pattern, char *out, size_t size)
{
	const char *p = pattern + strlen(API_PREFIX);
	if (*p == '/')
		p++;
	size_t n = strcspn(p, "/.");
	snprintf(out, size, "%.*s", (int)n, p);
}

json_t *openapi_build(const struct route *routes, int n)
{
	json_t *paths = json_object();
	json_t *tags = json_array();
	json_t *tag_seen = json_object();
	json_t *ids = json_object();
	for (int i = 0; i < n; i++) {
		const struct route *rt = &routes[i];
		if (strncmp(rt->pattern, API_PREFIX "/", strlen(API_PREFIX) + 1) != 0)
			continue;
		char tag[64];
		tag_of(rt->pattern, tag, sizeof tag);
		if (json_object_get(tag_seen, tag) == NULL) {
			json_object_set_new(tag_seen, tag, json_true());
			json_array_append_new(tags, json_pack("{s:s}", "name", tag));
		}
		char id[160];
		openapi_operation_id(rt->method, rt->pattern, id, sizeof id);
		/* ids are unique while patterns differ in more than punctuation;
		 * a clash still gets a stable suffix, in table order */
		for (int k = 2; json_object_get(ids, id) != NULL && k < 100; k++) {
			size_t len = strcspn(id, "_");
			snprintf(id + len, sizeof id - len, "_%d", k);
		}
		json_object_set_new(ids, id, json_true());
		json_t *item = json_object_get(paths, rt->pattern);
		if (item == NULL) {
			item = json_object();
			json_object_set_new(paths, rt->pattern, item);
		}
		char method[8];
		const char *m = http_method_name(rt->method);
		size_t k = 0;
		for (; m[k] && k + 1 < sizeof method; k++)
			method[k] = (char)(m[k] >= 'A' && m[k] <= 'Z' ? m[k] - 'A' + 'a' : m[k]);
		method[k] = '\0';
		json_object_set_new(item, method, operation(rt, id, tag));
	}
	json_decref(tag_seen);
	json_decref(ids);
	json_t *info = json_pack(
		"{s:s, s:s, s:s}", "title", "linli (邻里) API", "version", LINLI_VERSION, "description",
		"The JSON API of linli, generated by the server from its route table: every path, "
		"method, capability, parameter and body field here is the data the server validates "
		"requests with. Errors answer {\"error\":{\"code\",\"message\",\"field\"}}; lists are paged "
		"with page and page_size. Answers' shapes are described in docs/API.md.");
	json_t *doc = json_pack("{s:s, s:o, s:[{s:s, s:s}], s:o, s:o, s:o}", "openapi", "3.0.3",
	                        "info", info, "servers", "url", "/", "description",
	                        "this server (paths carry the /api/v1 prefix)", "tags", tags, "paths",
	                        paths, "components", components());
	return doc;
}

/* --- GET /api/v1/openapi.json ---------------------------------------------- */

static pthread_once_t doc_once = PTHREAD_ONCE_INIT;
static char *doc_text;
static size_t doc_len;

static void doc_build(void)
{
	int n = 0;
	const struct route *routes = api_routes(&n);
	if (routes == NULL)
		return;
	json_t *doc = openapi_build(routes, n);
	if (doc == NULL)
		return;
	doc_text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	if (doc_text != NULL)
		doc_len = strlen(doc_text);
}

void api_openapi(struct req *r)
{
	pthread_once(&doc_once, doc_build);
	char *copy = doc_text ? malloc(doc_len) : NULL;
	if (copy == NULL) {
		reply_error(r, ERR_INTERNAL, NULL, "the API document could not be built");
		return;
	}
	memcpy(copy, doc_text, doc_len);
	reply_raw(r, 200, "application/json", copy, doc_len);
}
