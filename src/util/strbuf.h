/* A growable byte buffer with a hard maximum (curl's habit: every dynamic
 * buffer has one). Appends past the maximum fail and set `overflow`, so a
 * caller checks once at the end. Always NUL-terminated when len > 0.
 * Not thread-safe; the owner frees with strbuf_free. */
#ifndef LINLI_STRBUF_H
#define LINLI_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len, cap, max;
	bool overflow;
};

void strbuf_init(struct strbuf *sb, size_t max);
void strbuf_free(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
/* Returns 0, or -1 (and sets overflow) past max or on allocation failure. */
int strbuf_add(struct strbuf *sb, const void *data, size_t n);
int strbuf_adds(struct strbuf *sb, const char *s);
int strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as the inside of a JSON string: quotes, backslashes and control
 * characters escaped; bytes are copied as they are (input is UTF-8). */
int strbuf_add_json_str(struct strbuf *sb, const char *s, size_t n);
/* Gives the buffer to the caller (free() it) and leaves sb empty. */
char *strbuf_detach(struct strbuf *sb, size_t *len);

#endif
