/* /open311/v2: Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2)
 * and FixMyStreet's servicerequestupdates. Every path ends in .json or .xml
 * (the router's ".{format}" suffix parameter); the domain answers JSON
 * values in the spec's shapes and this file writes them as JSON or as the
 * spec's XML. POST bodies are form-encoded: parsed here, checked against
 * the declared fields, attribute[code] pairs passed on to the domain.
 * Errors, including the server's own (unknown path, bad field), are the
 * spec's error array (open311_error_body). */
#include "api/open311.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app.h"
#include "domain/open311.h"
#include "store/categories.h"
#include "store/open311.h"
#include "store/requests.h"
#include "util/strbuf.h"
#include "util/xml.h"

#define OPEN311_FORM_PAIRS 128
#define OPEN311_BODY_BYTES (64 * 1024)
/* The date this implementation of the spec last changed (discovery's changeset). */
#define OPEN311_CHANGESET "2026-11-23T00:00:00Z"

static const char *const formats[] = {"json", "xml", NULL};

#define FORMAT_PARAM \
	{.name = "format", .type = FIELD_ENUM, .required = true, .values = formats, \
	 .doc = "json or xml"}
#define JURISDICTION \
	{.name = "jurisdiction_id", .type = FIELD_STRING, .min = 0, .max = 64, \
	 .doc = "accepted and ignored: one server is one jurisdiction"}

static const struct field_spec format_param[] = {FORMAT_PARAM, FIELDS_END};
static const struct field_spec service_param[] = {
	{.name = "service_code", .type = FIELD_STRING, .required = true, .min = 1,
	 .max = CATEGORY_CODE_MAX, .doc = "a category's code"},
	FORMAT_PARAM,
	FIELDS_END,
};
static const struct field_spec request_param[] = {
	{.name = "service_request_id", .type = FIELD_STRING, .required = true, .min = 1, .max = 20},
	FORMAT_PARAM,
	FIELDS_END,
};
static const struct field_spec token_param[] = {
	{.name = "token", .type = FIELD_STRING, .required = true, .min = 1, .max = 20,
	 .doc = "the tracking code"},
	FORMAT_PARAM,
	FIELDS_END,
};
static const struct field_spec plain_query[] = {JURISDICTION, FIELDS_END};
static const struct field_spec one_query[] = {
	JURISDICTION,
	{.name = "api_key", .type = FIELD_STRING, .min = 1, .max = 128,
	 .doc = "optional: a key with request.read sees its scope in full"},
	FIELDS_END,
};
static const struct field_spec list_query[] = {
	JURISDICTION,
	{.name = "api_key", .type = FIELD_STRING, .min = 1, .max = 128,
	 .doc = "optional: a key with request.read sees its scope in full"},
	{.name = "service_request_id", .type = FIELD_STRING, .min = 1, .max = 2000,
	 .doc = "comma separated ids; overrides every other parameter"},
	{.name = "service_code", .type = FIELD_STRING, .min = 1, .max = CATEGORY_CODE_MAX},
	{.name = "start_date", .type = FIELD_INSTANT, .doc = "ISO 8601 with a zone; default end_date − 90 days"},
	{.name = "end_date", .type = FIELD_INSTANT, .doc = "ISO 8601 with a zone; default now"},
	{.name = "status", .type = FIELD_STRING, .min = 1, .max = 16, .doc = "open, closed or open,closed"},
	FIELDS_END,
};
static const struct field_spec updates_query[] = {
	JURISDICTION,
	{.name = "api_key", .type = FIELD_STRING, .min = 1, .max = 128,
	 .doc = "required: a key with request.read; its scope is what it follows"},
	{.name = "start_date", .type = FIELD_INSTANT, .doc = "ISO 8601 with a zone; default end_date − 1 day"},
	{.name = "end_date", .type = FIELD_INSTANT, .doc = "ISO 8601 with a zone; default now"},
	FIELDS_END,
};
static const struct field_spec post_query[] = {
	JURISDICTION,
	{.name = "api_key", .type = FIELD_STRING, .min = 1, .max = 128, .doc = "or in the form"},
	FIELDS_END,
};
/* The form's fields (application/x-www-form-urlencoded), besides
 * attribute[code]=value and attribute[code][]=value. */
static const struct field_spec create_form[] = {
	JURISDICTION,
	{.name = "api_key", .type = FIELD_STRING, .min = 1, .max = 128,
	 .doc = "a linli API key whose user holds request.intake over the place"},
	{.name = "service_code", .type = FIELD_STRING, .min = 1, .max = CATEGORY_CODE_MAX},
	{.name = "lat", .type = FIELD_REAL, .rmin = -90, .rmax = 90, .doc = "WGS-84"},
	{.name = "long", .type = FIELD_REAL, .rmin = -180, .rmax = 180, .doc = "WGS-84"},
	{.name = "address_string", .type = FIELD_STRING, .min = 0, .max = RQ_ADDRESS_MAX},
	{.name = "address_id", .type = FIELD_STRING, .min = 0, .max = AREA_CODE_MAX,
	 .doc = "a linli area code"},
	{.name = "email", .type = FIELD_STRING, .min = 0, .max = 254, .doc = "checked, not kept"},
	{.name = "device_id", .type = FIELD_STRING, .min = 0, .max = OPEN311_ID_MAX},
	{.name = "account_id", .type = FIELD_STRING, .min = 0, .max = OPEN311_ID_MAX},
	{.name = "first_name", .type = FIELD_STRING, .min = 0, .max = RQ_REPORTER_NAME_MAX},
	{.name = "last_name", .type = FIELD_STRING, .min = 0, .max = RQ_REPORTER_NAME_MAX},
	{.name = "phone", .type = FIELD_STRING, .min = 0, .max = 20},
	{.name = "description", .type = FIELD_STRING, .min = 0, .max = OPEN311_DESCRIPTION_MAX,
	 .multiline = true},
	{.name = "media_url", .type = FIELD_STRING, .min = 0, .max = OPEN311_URL_MAX},
	FIELDS_END,
};

/* --- writing answers --------------------------------------------------------------------------- */

static bool is_xml_path(const char *path)
{
	size_t n = strlen(path);
	return n >= 4 && strcmp(path + n - 4, ".xml") == 0;
}

/* The element name of a list's items, by the list's own name. */
static const char *item_name(const char *list)
{
	static const char *const names[][2] = {
		{"services", "service"},   {"attributes", "attribute"},
		{"values", "value"},       {"endpoints", "endpoint"},
		{"formats", "format"},     {"service_requests", "request"},
		{"errors", "error"},       {"service_request_updates", "request_update"},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(names[i][0], list) == 0)
			return names[i][1];
	return "item";
}

static void xml_value(struct xml *x, const char *name, json_t *v)
{
	char num[48];
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		xml_open(x, name);
		const char *k;
		json_t *m;
		json_object_foreach(v, k, m) xml_value(x, k, m);
		xml_close(x);
		break;
	}
	case JSON_ARRAY: {
		xml_open(x, name);
		size_t i;
		json_t *m;
		json_array_foreach(v, i, m) xml_value(x, item_name(name), m);
		xml_close(x);
		break;
	}
	case JSON_STRING: xml_element(x, name, json_string_value(v)); break;
	case JSON_INTEGER:
		snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
		xml_element(x, name, num);
		break;
	case JSON_REAL:
		snprintf(num, sizeof num, "%.12g", json_real_value(v));
		xml_element(x, name, num);
		break;
	case JSON_TRUE: xml_element(x, name, "true"); break;
	case JSON_FALSE: xml_element(x, name, "false"); break;
	default: xml_element(x, name, NULL); break;
	}
}

/* body (reference stolen) as JSON, or as XML under root. */
static void answer(struct req *r, json_t *body, const char *root)
{
	if (strcmp(req_str(r, "format"), "xml") != 0) {
		reply_json(r, 200, body);
		return;
	}
	struct strbuf sb;
	strbuf_init(&sb, 64 * 1024 * 1024);
	struct xml x;
	xml_begin(&x, &sb);
	xml_value(&x, root, body);
	json_decref(body);
	if (!xml_end(&x)) {
		strbuf_free(&sb);
		reply_error(r, ERR_INTERNAL, NULL, "could not write the answer");
		return;
	}
	size_t len = 0;
	char *text = strbuf_detach(&sb, &len);
	reply_raw(r, 200, "text/xml; charset=utf-8", text, len);
}

char *open311_error_body(const char *path, unsigned status, const char *message,
                         const char **content_type)
{
	if (is_xml_path(path)) {
		struct strbuf sb;
		strbuf_init(&sb, 8192);
		struct xml x;
		xml_begin(&x, &sb);
		xml_open(&x, "errors");
		xml_open(&x, "error");
		char code[16];
		snprintf(code, sizeof code, "%u", status);
		xml_element(&x, "code", code);
		xml_element(&x, "description", message);
		if (!xml_end(&x)) {
			strbuf_free(&sb);
			return NULL;
		}
		*content_type = "text/xml; charset=utf-8";
		return strbuf_detach(&sb, NULL);
	}
	json_t *doc = json_pack("[{s:I, s:s}]", "code", (json_int_t)status, "description", message);
	char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	*content_type = "application/json";
	return text;
}

/* The spec knows 400, 403 and 404 (and our own 5xx, 429): a refusal for
 * the state of things (409, 422) is a 400 to an Open311 client. */
static void fail(struct req *r)
{
	struct errinfo *ei = req_errinfo(r);
	if (ei->code == ERR_CONFLICT || ei->code == ERR_UNPROCESSABLE || ei->code == ERR_UNAUTHORIZED)
		ei->code = ei->code == ERR_UNAUTHORIZED ? ERR_FORBIDDEN : ERR_INVALID;
	reply_errinfo(r, ei);
}

/* "scheme://host" of this request, for absolute URLs; "" when the Host
 * header is missing or odd. */
static void base_url(struct req *r, char *out, size_t n)
{
	const char *host = req_header(r, "Host");
	out[0] = '\0';
	if (host == NULL || host[0] == '\0' || strlen(host) > 255)
		return;
	for (const char *p = host; *p; p++)
		if (!isalnum((unsigned char)*p) && strchr(".-:[]", *p) == NULL)
			return;
	snprintf(out, n, "%s://%s", req_tls(r) ? "https" : "http", host);
}

/* Our photo paths made absolute (the spec's media_url is a URL). */
static void absolute_media(struct req *r, json_t *items)
{
	char base[300];
	base_url(r, base, sizeof base);
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) {
		const char *m = json_string_value(json_object_get(o, "media_url"));
		if (m != NULL && m[0] == '/' && base[0]) {
			char url[512];
			snprintf(url, sizeof url, "%s%s", base, m);
			json_object_set_new(o, "media_url", json_string(url));
		}
	}
}

/* --- handlers ------------------------------------------------------------------------------------ */

static void api_open311_discovery(struct req *r)
{
	char base[300], url[400];
	base_url(r, base, sizeof base);
	snprintf(url, sizeof url, "%s/open311/v2", base);
	json_t *d = json_pack(
		"{s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:[s, s]}]}", "changeset", OPEN311_CHANGESET,
		"contact", "the district's 12345 centre and system administrator (系统管理员)",
		"key_service",
		"API keys are issued in the console (系统管理 → API 密钥) to a user whose roles and area"
		" scope say what the key may file and read",
		"endpoints", "specification", "http://wiki.open311.org/GeoReport_v2", "url", url,
		"changeset", OPEN311_CHANGESET, "type", "production", "formats", "application/json",
		"text/xml");
	answer(r, d, "discovery");
}

static void api_open311_services(struct req *r)
{
	json_t *list = NULL;
	if (open311_services(req_app(r), &list, req_errinfo(r)) != ERR_OK) {
		fail(r);
		return;
	}
	answer(r, list, "services");
}

static void api_open311_service(struct req *r)
{
	json_t *def = NULL;
	if (open311_service_definition(req_app(r), req_str(r, "service_code"), &def, req_errinfo(r)) !=
	    ERR_OK) {
		fail(r);
		return;
	}
	answer(r, def, "service_definition");
}

/* Decodes %XX and + in place; false for a bad escape or a NUL. */
static bool form_decode(char *s)
{
	char *w = s;
	for (char *p = s; *p; p++) {
		if (*p == '+') {
			*w++ = ' ';
		} else if (*p == '%') {
			if (!isxdigit((unsigned char)p[1]) || !isxdigit((unsigned char)p[2]))
				return false;
			char hex[3] = {p[1], p[2], 0};
			long v = strtol(hex, NULL, 16);
			if (v == 0)
				return false;
			*w++ = (char)v;
			p += 2;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	return true;
}

static void api_open311_create(struct req *r)
{
	size_t len = 0;
	const char *raw = req_raw(r, &len);
	char *body = malloc(len + 1);
	struct field_kv *kv = calloc(OPEN311_FORM_PAIRS, sizeof *kv);
	struct open311_attr *attrs = calloc(OPEN311_FORM_PAIRS, sizeof *attrs);
	struct field_val vals[LIMIT_FIELDS];
	struct errinfo *ei = req_errinfo(r);
	int nkv = 0, nattrs = 0;
	if (body == NULL || kv == NULL || attrs == NULL) {
		err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		goto fail;
	}
	memcpy(body, raw, len);
	body[len] = '\0';
	if (strlen(body) != len) {
		err_set(ei, ERR_INVALID, "body", "the form holds a NUL byte");
		goto fail;
	}
	for (char *save = NULL, *pair = strtok_r(body, "&", &save); pair != NULL;
	     pair = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(pair, '=');
		char *value = eq ? eq + 1 : pair + strlen(pair);
		if (eq)
			*eq = '\0';
		if (!form_decode(pair) || !form_decode(value)) {
			err_set(ei, ERR_INVALID, "body", "the form is not valid application/x-www-form-urlencoded");
			goto fail;
		}
		if (nkv + nattrs >= OPEN311_FORM_PAIRS) {
			err_set(ei, ERR_INVALID, "body", "more than %d form fields", OPEN311_FORM_PAIRS);
			goto fail;
		}
		/* attribute[code]=v and attribute[code][]=v */
		if (strncmp(pair, "attribute[", 10) == 0) {
			char *code = pair + 10, *close = strchr(code, ']');
			bool list = close && strcmp(close, "][]") == 0;
			if (close == NULL || (close[1] != '\0' && !list) || close == code) {
				err_set(ei, ERR_INVALID, "attribute", "attribute[%.40s is not attribute[code]", code);
				goto fail;
			}
			*close = '\0';
			attrs[nattrs++] = (struct open311_attr){.code = code, .value = value, .list = list};
			continue;
		}
		kv[nkv++] = (struct field_kv){.key = pair, .value = value};
	}
	if (fields_from_strings(create_form, kv, nkv, vals, ei) != ERR_OK)
		goto fail;
	const struct field_val *v = vals;
#define FORM_STR(i) (v[i].present ? v[i].s : NULL)
	struct open311_input in = {
		.api_key = FORM_STR(1) ? FORM_STR(1) : req_str(r, "api_key"),
		.service_code = FORM_STR(2),
		.address_string = FORM_STR(5), .address_id = FORM_STR(6), .email = FORM_STR(7),
		.device_id = FORM_STR(8), .account_id = FORM_STR(9), .first_name = FORM_STR(10),
		.last_name = FORM_STR(11), .phone = FORM_STR(12), .description = FORM_STR(13),
		.media_url = FORM_STR(14), .attrs = attrs, .nattrs = nattrs,
	};
#undef FORM_STR
	if (v[3].present != v[4].present) {
		err_set(ei, ERR_INVALID, v[3].present ? "long" : "lat", "lat and long go together");
		goto fail;
	}
	in.has_point = v[3].present;
	in.lat = v[3].r;
	in.lng = v[4].r;
	struct actor a;
	req_actor(r, &a);
	json_t *out = NULL;
	if (open311_create(req_app(r), &a, &in, &out, ei) != ERR_OK)
		goto fail;
	free(body);
	free(kv);
	free(attrs);
	answer(r, out, "service_requests");
	return;
fail:
	free(body);
	free(kv);
	free(attrs);
	fail(r);
}

static void api_open311_requests(struct req *r)
{
	struct open311_query q = {
		.api_key = req_str(r, "api_key"), .ids = req_str(r, "service_request_id"),
		.service_code = req_str(r, "service_code"), .status = req_str(r, "status"),
		.has_start = req_has(r, "start_date"), .start = req_int(r, "start_date", 0),
		.has_end = req_has(r, "end_date"), .end = req_int(r, "end_date", 0),
	};
	struct actor a;
	req_actor(r, &a);
	json_t *list = NULL;
	if (open311_requests(req_app(r), &a, &q, &list, req_errinfo(r)) != ERR_OK) {
		fail(r);
		return;
	}
	absolute_media(r, list);
	answer(r, list, "service_requests");
}

static void api_open311_request(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	json_t *list = NULL;
	if (open311_request_get(req_app(r), &a, req_str(r, "api_key"), req_str(r, "service_request_id"),
	                        &list, req_errinfo(r)) != ERR_OK) {
		fail(r);
		return;
	}
	if (json_array_size(list) == 0) {
		json_decref(list);
		reply_error(r, ERR_NOTFOUND, "service_request_id", "no such service request");
		return;
	}
	absolute_media(r, list);
	answer(r, list, "service_requests");
}

static void api_open311_token(struct req *r)
{
	json_t *list = NULL;
	if (open311_token(req_app(r), req_str(r, "token"), &list, req_errinfo(r)) != ERR_OK) {
		fail(r);
		return;
	}
	answer(r, list, "service_requests");
}

static void api_open311_updates(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	json_t *list = NULL;
	if (open311_updates(req_app(r), &a, req_str(r, "api_key"), req_has(r, "start_date"),
	                    req_int(r, "start_date", 0), req_has(r, "end_date"),
	                    req_int(r, "end_date", 0), &list, req_errinfo(r)) != ERR_OK) {
		fail(r);
		return;
	}
	absolute_media(r, list);
	answer(r, list, "service_request_updates");
}

#define FORM_TYPE "application/x-www-form-urlencoded"

const struct route open311_routes[] = {
	{HTTP_GET, "/open311/v2/discovery.{format}", api_open311_discovery, CAP_PUBLIC, format_param,
	 plain_query, NULL, "Open311: the endpoint, its formats and where keys come from"},
	{HTTP_GET, "/open311/v2/services.{format}", api_open311_services, CAP_PUBLIC, format_param,
	 plain_query, NULL, "Open311: the services (leaf categories) a request may be filed under"},
	{HTTP_GET, "/open311/v2/services/{service_code}.{format}", api_open311_service, CAP_PUBLIC,
	 service_param, plain_query, NULL, "Open311: a service's attribute definitions"},
	{HTTP_POST, "/open311/v2/requests.{format}", api_open311_create, CAP_PUBLIC, format_param,
	 post_query, create_form,
	 "Open311: file a request (form-encoded, api_key with request.intake; attribute[code]=…)",
	 FORM_TYPE, OPEN311_BODY_BYTES},
	{HTTP_GET, "/open311/v2/requests.{format}", api_open311_requests, CAP_PUBLIC, format_param,
	 list_query, NULL, "Open311: requests by ids, service, window (default 90 days) and status"},
	{HTTP_GET, "/open311/v2/requests/{service_request_id}.{format}", api_open311_request,
	 CAP_PUBLIC, request_param, one_query, NULL, "Open311: one request"},
	{HTTP_GET, "/open311/v2/tokens/{token}.{format}", api_open311_token, CAP_PUBLIC, token_param,
	 plain_query, NULL, "Open311: the service_request_id of a token (the tracking code)"},
	{HTTP_GET, "/open311/v2/servicerequestupdates.{format}", api_open311_updates, CAP_PUBLIC,
	 format_param, updates_query, NULL,
	 "Open311 (FixMyStreet): every change of state in a window, for a key with request.read"},
	ROUTES_END,
};
