/* Field validation: one function per type, shared by JSON and strings. */
#include "http/fields.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "util/utf8.h"
#include "util/worktime.h"

int fields_count(const struct field_spec *spec)
{
	int n = 0;
	while (spec != NULL && spec[n].name != NULL)
		n++;
	return n;
}

const char *field_type_name(enum field_type t)
{
	static const char *const names[FIELD__MAX] = {
		/* FIELD_STRING */ "string",
		/* FIELD_INT */ "integer",
		/* FIELD_BOOL */ "boolean",
		/* FIELD_ENUM */ "string",
		/* FIELD_DATE */ "date",
		/* FIELD_INSTANT */ "date-time",
		/* FIELD_REAL */ "number",
		/* FIELD_OBJECT */ "object",
		/* FIELD_INTS */ "array",
		/* FIELD_STRINGS */ "array",
		/* FIELD_ARRAY */ "array",
	};
	return (unsigned)t < FIELD__MAX ? names[t] : "?";
}

static enum err check_string(const struct field_spec *f, const char *s, size_t len,
                             struct errinfo *ei)
{
	size_t chars = 0;
	if (!utf8_valid(s, len, &chars))
		return err_set(ei, ERR_INVALID, f->name, "%s is not valid UTF-8", f->name);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 || c == 0x7f) && !(f->multiline && (c == '\n' || c == '\t' || c == '\r')))
			return err_set(ei, ERR_INVALID, f->name, "%s contains a control character",
			               f->name);
	}
	int64_t min = f->min, max = f->max;
	if (min == 0 && max == 0)
		max = LIMIT_STRING_CHARS;
	if ((int64_t)chars < min)
		return err_set(ei, ERR_INVALID, f->name, "%s needs at least %lld characters", f->name,
		               (long long)min);
	if ((int64_t)chars > max)
		return err_set(ei, ERR_INVALID, f->name, "%s is longer than %lld characters", f->name,
		               (long long)max);
	return ERR_OK;
}

static enum err real_in_range(const struct field_spec *f, double x, struct field_val *v,
                              struct errinfo *ei)
{
	v->present = true;
	v->r = x;
	if (!(x >= f->rmin && x <= f->rmax))
		return err_set(ei, ERR_INVALID, f->name, "%s must be between %g and %g", f->name, f->rmin,
		               f->rmax);
	return ERR_OK;
}

/* Validates a textual value of any type (query, path, or a JSON string). */
static enum err parse_text(const struct field_spec *f, const char *s, size_t len,
                           struct field_val *v, struct errinfo *ei)
{
	v->present = true;
	v->s = s;
	v->len = len;
	switch (f->type) {
	case FIELD_STRING: {
		enum err rc = check_string(f, s, len, ei);
		if (rc != ERR_OK)
			return rc;
		break;
	}
	case FIELD_INT: {
		char buf[24];
		char *end = NULL;
		if (len == 0 || len >= sizeof buf)
			return err_set(ei, ERR_INVALID, f->name, "%s must be an integer", f->name);
		memcpy(buf, s, len);
		buf[len] = '\0';
		errno = 0;
		long long x = strtoll(buf, &end, 10);
		if (errno != 0 || *end != '\0' || !(buf[0] == '-' || (buf[0] >= '0' && buf[0] <= '9')))
			return err_set(ei, ERR_INVALID, f->name, "%s must be an integer", f->name);
		v->i = x;
		if (x < f->min || x > f->max)
			return err_set(ei, ERR_INVALID, f->name, "%s must be between %lld and %lld",
			               f->name, (long long)f->min, (long long)f->max);
		return ERR_OK;
	}
	case FIELD_BOOL:
		if (len == 4 && memcmp(s, "true", 4) == 0)
			v->b = true;
		else if (len == 5 && memcmp(s, "false", 5) == 0)
			v->b = false;
		else
			return err_set(ei, ERR_INVALID, f->name, "%s must be true or false", f->name);
		return ERR_OK;
	case FIELD_ENUM:
		for (int k = 0; f->values[k] != NULL; k++)
			if (strlen(f->values[k]) == len && memcmp(f->values[k], s, len) == 0) {
				v->i = k;
				return ERR_OK;
			}
		return err_set(ei, ERR_INVALID, f->name, "%s must be one of the listed values", f->name);
	case FIELD_DATE: {
		int32_t d;
		if (date_parse(s, len, &d) != ERR_OK)
			return err_set(ei, ERR_INVALID, f->name, "%s must be a date YYYY-MM-DD", f->name);
		v->i = d;
		return ERR_OK;
	}
	case FIELD_REAL: {
		char buf[40];
		char *end = NULL;
		if (len == 0 || len >= sizeof buf)
			return err_set(ei, ERR_INVALID, f->name, "%s must be a number", f->name);
		memcpy(buf, s, len);
		buf[len] = '\0';
		errno = 0;
		double x = strtod(buf, &end);
		if (errno != 0 || *end != '\0' || !isfinite(x) || !(buf[0] == '-' || (buf[0] >= '0' && buf[0] <= '9')))
			return err_set(ei, ERR_INVALID, f->name, "%s must be a number", f->name);
		return real_in_range(f, x, v, ei);
	}
	case FIELD_INSTANT: {
		int64_t t;
		if (instant_parse(s, len, &t) != ERR_OK)
			return err_set(ei, ERR_INVALID, f->name,
			               "%s must be an ISO 8601 time with a zone, e.g. 2026-10-08T09:00:00+08:00",
			               f->name);
		v->i = t;
		return ERR_OK;
	}
	default:
		return err_set(ei, ERR_INTERNAL, f->name, "field type not handled");
	}
	if (f->check != NULL) {
		const char *why = f->check(s, len);
		if (why != NULL)
			return err_set(ei, ERR_INVALID, f->name, "%s: %s", f->name, why);
	}
	return ERR_OK;
}

static int spec_find(const struct field_spec *spec, const char *name)
{
	for (int i = 0; spec != NULL && spec[i].name != NULL; i++)
		if (strcmp(spec[i].name, name) == 0)
			return i;
	return -1;
}

static enum err check_required(const struct field_spec *spec, const struct field_val *out,
                               struct errinfo *ei)
{
	for (int i = 0; spec != NULL && spec[i].name != NULL; i++)
		if (spec[i].required && !out[i].present)
			return err_set(ei, ERR_INVALID, spec[i].name, "%s is required", spec[i].name);
	return ERR_OK;
}

enum err fields_from_json(const struct field_spec *spec, json_t *obj, struct field_val *out,
                          struct errinfo *ei)
{
	memset(out, 0, sizeof *out * (size_t)fields_count(spec));
	if (!json_is_object(obj))
		return err_set(ei, ERR_INVALID, NULL, "the body must be a JSON object");
	const char *key;
	json_t *val;
	json_object_foreach(obj, key, val)
	{
		int i = spec_find(spec, key);
		if (i < 0)
			return err_set(ei, ERR_INVALID, key, "unknown field %.40s", key);
		const struct field_spec *f = &spec[i];
		struct field_val *v = &out[i];
		if (json_is_null(val)) {
			if (f->required)
				return err_set(ei, ERR_INVALID, f->name, "%s is required", f->name);
			continue; /* null means absent */
		}
		enum err rc = ERR_OK;
		switch (f->type) {
		case FIELD_INT: {
			if (!json_is_integer(val))
				return err_set(ei, ERR_INVALID, f->name, "%s must be an integer", f->name);
			v->present = true;
			v->i = json_integer_value(val);
			if (v->i < f->min || v->i > f->max)
				return err_set(ei, ERR_INVALID, f->name, "%s must be between %lld and %lld",
				               f->name, (long long)f->min, (long long)f->max);
			break;
		}
		case FIELD_REAL:
			if (!json_is_number(val))
				return err_set(ei, ERR_INVALID, f->name, "%s must be a number", f->name);
			if ((rc = real_in_range(f, json_number_value(val), v, ei)) != ERR_OK)
				return rc;
			break;
		case FIELD_OBJECT:
			if (!json_is_object(val))
				return err_set(ei, ERR_INVALID, f->name, "%s must be a JSON object", f->name);
			v->present = true;
			v->obj = val;
			break;
		case FIELD_ARRAY:
			if (!json_is_array(val))
				return err_set(ei, ERR_INVALID, f->name, "%s must be a JSON array", f->name);
			if (f->max_items > 0 && json_array_size(val) > (size_t)f->max_items)
				return err_set(ei, ERR_INVALID, f->name, "%s: at most %d items", f->name,
				               f->max_items);
			v->present = true;
			v->arr = val;
			break;
		case FIELD_INTS: {
			if (!json_is_array(val))
				return err_set(ei, ERR_INVALID, f->name, "%s must be an array of integers", f->name);
			if (json_array_size(val) > (size_t)f->max_items)
				return err_set(ei, ERR_INVALID, f->name, "%s holds more than %d items", f->name,
				               f->max_items);
			size_t k;
			json_t *item;
			json_array_foreach(val, k, item)
			{
				if (!json_is_integer(item) || json_integer_value(item) < f->min ||
				    json_integer_value(item) > f->max)
					return err_set(ei, ERR_INVALID, f->name,
					               "%s must hold integers between %lld and %lld", f->name,
					               (long long)f->min, (long long)f->max);
			}
			v->present = true;
			v->arr = val;
			break;
		}
		case FIELD_STRINGS: {
			if (!json_is_array(val))
				return err_set(ei, ERR_INVALID, f->name, "%s must be an array of strings", f->name);
			if (json_array_size(val) > (size_t)f->max_items)
				return err_set(ei, ERR_INVALID, f->name, "%s holds more than %d items", f->name,
				               f->max_items);
			size_t k;
			json_t *item;
			json_array_foreach(val, k, item)
			{
				if (!json_is_string(item))
					return err_set(ei, ERR_INVALID, f->name, "%s must hold strings only", f->name);
				struct field_val tmp = {0};
				struct field_spec one = *f;
				one.type = FIELD_STRING;
				rc = parse_text(&one, json_string_value(item), json_string_length(item), &tmp, ei);
				if (rc != ERR_OK)
					return rc;
			}
			v->present = true;
			v->arr = val;
			break;
		}
		case FIELD_BOOL:
			if (!json_is_boolean(val))
				return err_set(ei, ERR_INVALID, f->name, "%s must be true or false", f->name);
			v->present = true;
			v->b = json_is_true(val);
			break;
		default:
			if (!json_is_string(val))
				return err_set(ei, ERR_INVALID, f->name, "%s must be a string", f->name);
			rc = parse_text(f, json_string_value(val), json_string_length(val), v, ei);
			if (rc != ERR_OK)
				return rc;
		}
	}
	return check_required(spec, out, ei);
}

enum err fields_from_strings(const struct field_spec *spec, const struct field_kv *kv, int n,
                             struct field_val *out, struct errinfo *ei)
{
	memset(out, 0, sizeof *out * (size_t)fields_count(spec));
	for (int k = 0; k < n; k++) {
		int i = spec_find(spec, kv[k].key);
		if (i < 0)
			return err_set(ei, ERR_INVALID, kv[k].key, "unknown parameter %.40s", kv[k].key);
		if (out[i].present)
			return err_set(ei, ERR_INVALID, kv[k].key, "%s given twice", kv[k].key);
		const char *value = kv[k].value ? kv[k].value : "";
		enum err rc = parse_text(&spec[i], value, strlen(value), &out[i], ei);
		if (rc != ERR_OK)
			return rc;
	}
	return check_required(spec, out, ei);
}

enum err json_check_depth(const char *buf, size_t len, int max, struct errinfo *ei)
{
	int depth = 0;
	bool in_str = false;
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"')
			in_str = true;
		else if (c == '{' || c == '[') {
			if (++depth > max)
				return err_set(ei, ERR_INVALID, NULL,
				               "JSON nested deeper than %d levels", max);
		} else if (c == '}' || c == ']')
			depth--;
	}
	return ERR_OK;
}
