/* RFC 4180 CSV reading for imports, and quoting for writing. The reader takes
 * a whole uploaded buffer, settles its encoding once (UTF-8, or GB18030/GBK
 * converted to UTF-8), then hands out one record at a time with the physical
 * line it starts on, so every refusal can name a line. No store, no I/O.
 * A struct csv is used by one thread at a time. */
#ifndef LINLI_CSV_H
#define LINLI_CSV_H

#include <stddef.h>

#include "util/err.h"
#include "util/strbuf.h"

/* Excel opens a UTF-8 CSV as the local code page unless it starts with this. */
#define CSV_UTF8_BOM "\xEF\xBB\xBF"

/* Defaults for a limit left at 0. */
#define CSV_MAX_ROWS_DEFAULT 1000000
#define CSV_MAX_FIELD_BYTES_DEFAULT 4096
#define CSV_MAX_COLUMNS_DEFAULT 256

struct csv_limits {
	size_t max_rows;        /* data records after the header: ERR_TOO_LARGE past it */
	size_t max_field_bytes; /* one field, unquoted, in UTF-8: ERR_TOO_LARGE past it */
	int max_columns;        /* header fields: ERR_TOO_LARGE past it */
};

struct csv;

/* Reads the header of buf[0..len). The buffer is copied (converted if it was
 * GB18030), so the caller may free it at once. A UTF-8 BOM is dropped.
 * Refused with ERR_INVALID, the message naming the line: NUL bytes, UTF-16,
 * bytes that are neither UTF-8 nor GB18030, an empty file, or a bad header
 * record. ERR_TOO_LARGE: too many columns or a header field too long.
 * lim may be NULL; a zero member takes its default. */
enum err csv_open(const char *buf, size_t len, const struct csv_limits *lim, struct csv **out,
                  struct errinfo *ei);
void csv_close(struct csv *c);

/* "GB18030" if the input was converted, NULL if it was UTF-8 already. */
const char *csv_converted_from(const struct csv *c);
int csv_columns(const struct csv *c);
/* The header's name of column col (trimmed), or NULL out of range. */
const char *csv_header(const struct csv *c, int col);
/* The first column called name, or -1. */
int csv_column_index(const struct csv *c, const char *name);
/* The header must hold every name in required, may hold those in optional
 * (either list NULL-terminated, or NULL for none), and nothing else, in any
 * order, each name once. ERR_INVALID naming the first unnamed, unknown or
 * repeated column in header order, else the first missing required one. */
enum err csv_expect_header(const struct csv *c, const char *const *required,
                           const char *const *optional, struct errinfo *ei);

/* The next data record: 1 with *fields and *lens holding csv_columns(c)
 * NUL-terminated UTF-8 fields, 0 at the end, -1 on error (ei says why and
 * names the line; ERR_INVALID or ERR_TOO_LARGE). *line is the physical line
 * the record starts on (the header's is 1), or the error's line. Blank lines
 * are skipped. Unquoted fields lose leading and trailing spaces and tabs;
 * quoted ones keep everything between the quotes. The two arrays are
 * rewritten by the next call; the strings stay valid until csv_close. After
 * an error every later call returns -1 with the same error. */
int csv_next(struct csv *c, const char ***fields, const size_t **lens, int *line,
             struct errinfo *ei);

/* Appends s as one CSV field, quoted when it holds a comma, quote, CR or LF,
 * or starts or ends with a space or tab (which the reader would trim).
 * Separators and the line end are the caller's. 0, or -1 when sb overflows. */
int csv_write_field(struct strbuf *sb, const char *s);

#endif
