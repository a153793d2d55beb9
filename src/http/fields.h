/* Declared fields and their validation (kcgi's validator table): every
 * route names its path parameters, query parameters and body fields with a
 * type and bounds; input is parsed once into typed values, and anything
 * undeclared or out of bounds is refused with the field's name. No HTTP
 * library here: fields.c sees JSON values and plain strings only. */
#ifndef LINLI_FIELDS_H
#define LINLI_FIELDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "util/utf8.h"

enum field_type {
	FIELD_STRING,  /* UTF-8, no control characters (unless multiline), min..max characters */
	FIELD_INT,     /* min..max */
	FIELD_BOOL,
	FIELD_ENUM,    /* one of values[]; .i gets its index */
	FIELD_DATE,    /* YYYY-MM-DD; .i gets days since 1970-01-01 */
	FIELD_INSTANT, /* ISO 8601 with a zone; .i gets Unix seconds */
	FIELD_REAL,    /* a finite number, rmin..rmax; .r gets it */
	FIELD_OBJECT,  /* a JSON object (body only), checked by the handler; .obj borrows it */
	FIELD_INTS,    /* JSON array of integers min..max (body only), at most max_items */
	FIELD_STRINGS, /* JSON array of strings (body only): each item as FIELD_STRING
	                * with min/max/check; at most max_items; .arr gets the array */
	FIELD_ARRAY,   /* a JSON array (body only), checked by the handler; .arr borrows it;
	                * at most max_items */
	FIELD__MAX
};

struct field_spec {
	const char *name;
	enum field_type type;
	bool required;
	int64_t min, max;          /* string: characters (0,0 → 0..LIMIT_STRING_CHARS); int: value */
	const char *const *values; /* FIELD_ENUM: NULL-terminated */
	bool multiline;            /* FIELD_STRING: allow \n and \t */
	/* Extra check for a string after the built-in ones; returns NULL or why it is bad. */
	const char *(*check)(const char *s, size_t len);
	const char *doc;           /* one line for the API document */
	int max_items;             /* FIELD_STRINGS, FIELD_INTS */
	double rmin, rmax;         /* FIELD_REAL */
};
/* Specs are arrays ended by a row whose name is NULL. */
#define FIELDS_END {.name = NULL}
#define LIMIT_FIELDS 32

struct field_val {
	bool present;
	const char *s; /* string, enum, date, instant: the text as given (borrowed) */
	size_t len;
	int64_t i;
	bool b;
	double r;    /* FIELD_REAL */
	json_t *arr; /* FIELD_STRINGS, FIELD_INTS (borrowed from the body) */
	json_t *obj; /* FIELD_OBJECT (borrowed from the body) */
};

/* A name=value pair from a path or query string. */
struct field_kv {
	const char *key;
	const char *value;
};

int fields_count(const struct field_spec *spec);
const char *field_type_name(enum field_type t);

/* Validates a JSON object against spec into out[count]. Strings in out
 * borrow from obj. Unknown members, wrong types, missing required fields
 * and bounds are ERR_INVALID naming the field. */
enum err fields_from_json(const struct field_spec *spec, json_t *obj, struct field_val *out,
                          struct errinfo *ei);
/* The same for name=value strings (query and path). A repeated name is refused. */
enum err fields_from_strings(const struct field_spec *spec, const struct field_kv *kv, int n,
                             struct field_val *out, struct errinfo *ei);
/* Refuses JSON nested deeper than max before jansson parses it (jansson's own
 * limit is a compile-time 2048). Scans strings correctly. */
enum err json_check_depth(const char *buf, size_t len, int max, struct errinfo *ei);

#endif
