/* CSV reader and field writer. The reader owns one NUL-terminated copy of the
 * text and parses it in place: a field is unescaped over its own bytes (never
 * longer than the raw form) and cut with a NUL where its delimiter was, so a
 * record costs no allocation and no copy. The input is refused if it holds a
 * NUL, so the final NUL is a sentinel the scanning loops need not bound. */
#include "util/csv.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

#define MSG_NAME_BYTES 64 /* a column name quoted in a message, cut between characters */
/* Multi-byte UTF-8 characters before a bad byte that make the file UTF-8. */
#define CSV_UTF8_EVIDENCE 3

struct csv {
	char *text; /* the whole (converted) text, NUL-terminated */
	char *p;    /* where the next record starts */
	char *end;  /* text + its length: the sentinel NUL */
	int line;   /* physical line of p */
	struct csv_limits lim;
	const char *converted_from;

	int ncols, header_line;
	const char **header; /* ncols names, pointing into text */
	const char **fields; /* lim.max_columns slots, reused per record */
	size_t *lens;
	size_t rows;

	bool failed; /* sticky: every later csv_next repeats err */
	int err_line;
	struct errinfo err;
};

/* Bytes that end an unquoted field: separator, line ends, the sentinel. */
static const unsigned char plain_stop[256] = {
	[0] = 1, [','] = 1, ['\n'] = 1, ['\r'] = 1,
};
/* Bytes a quoted field must look at: its quote, line ends (to count lines),
 * the sentinel (an unclosed quote). */
static const unsigned char quoted_stop[256] = {
	[0] = 1, ['"'] = 1, ['\n'] = 1, ['\r'] = 1,
};

/* The physical line of byte off: LF, CRLF and a lone CR each end a line,
 * as the parser counts them. */
static int line_at(const char *s, size_t len, size_t off)
{
	int line = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= len || s[i + 1] != '\n')))
			line++;
	}
	return line;
}

/* The length of the longest valid UTF-8 prefix of s[0..n) (n if all of it
 * is valid), and in *wide the number of multi-byte characters in it. Runs of
 * ASCII are checked eight bytes at a time. */
static size_t utf8_valid_prefix(const unsigned char *s, size_t n, size_t *wide)
{
	size_t i = 0;

	*wide = 0;
	while (i < n) {
		if (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if ((w & UINT64_C(0x8080808080808080)) == 0) {
				i += 8;
				continue;
			}
		}
		unsigned c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t extra;
		uint32_t cp;
		if ((c & 0xe0) == 0xc0) {
			extra = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			extra = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			extra = 3;
			cp = c & 0x07;
		} else {
			return i;
		}
		if (i + extra >= n)
			return i;
		for (size_t k = 1; k <= extra; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		/* overlong forms, surrogates, beyond Unicode */
		if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
		    (extra == 3 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += extra + 1;
		(*wide)++;
	}
	return n;
}

/* GB18030 (a superset of GBK and GB2312) to UTF-8 with glibc's iconv.
 * ERR_OK with a malloc'd NUL-terminated *out; ERR_INVALID with *bad at the
 * first byte that does not decode; ERR_INTERNAL if iconv cannot help. */
static enum err gb18030_to_utf8(const char *s, size_t n, char **out, size_t *out_len, size_t *bad)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1)
		return ERR_INTERNAL;
	/* One to four bytes become at most one and a half times as many. */
	size_t cap = n + n / 2 + 16;
	char *buf = malloc(cap + 1);
	enum err rc = ERR_INTERNAL;
	char *in = (char *)s; /* iconv's prototype lacks const; it does not write */
	size_t in_left = n;
	char *o = buf;
	size_t o_left = cap;

	if (buf == NULL)
		goto out;
	while (in_left > 0) {
		if (iconv(cd, &in, &in_left, &o, &o_left) != (size_t)-1)
			break;
		if (errno != E2BIG) {
			/* EILSEQ: a bad sequence; EINVAL: one cut off by the end */
			*bad = (size_t)(in - s);
			rc = ERR_INVALID;
			goto out;
		}
		size_t used = (size_t)(o - buf);
		char *nb = realloc(buf, cap * 2 + 1);
		if (nb == NULL)
			goto out;
		buf = nb;
		cap *= 2;
		o = buf + used;
		o_left = cap - used;
	}
	*o = '\0';
	*out_len = (size_t)(o - buf);
	*out = buf;
	buf = NULL;
	rc = ERR_OK;
out:
	free(buf);
	iconv_close(cd);
	return rc;
}

/* A column name fit to quote in a message: at most MSG_NAME_BYTES, cut
 * between characters so the message stays valid UTF-8. */
static const char *msg_name(char out[MSG_NAME_BYTES], const char *s)
{
	utf8_copy(out, MSG_NAME_BYTES, s);
	return out;
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Parses the record at c->p into c->fields/c->lens (the first cap fields;
 * the rest are counted, not kept). 1 with *nfields and *start_line, 0 at the
 * end of the text, -1 on error (ei set, *start_line the error's line). */
static int parse_record(struct csv *c, int cap, int *nfields, int *start_line,
                        struct errinfo *ei)
{
	char *p = c->p;
	int n = 0;

	/* Blank and all-space lines are not records (Excel leaves them at the end). */
	for (;;) {
		char *q = p;
		while (is_blank(*q))
			q++;
		if (*q == '\n') {
			c->line++;
			p = q + 1;
		} else if (*q == '\r') {
			c->line++;
			p = q + (q[1] == '\n' ? 2 : 1);
		} else if (q == c->end) {
			c->p = q;
			return 0;
		} else {
			break;
		}
	}
	*start_line = c->line;

	for (;;) {
		char *start, *fend;
		char delim;

		while (is_blank(*p))
			p++;
		if (*p == '"') {
			int open_line = c->line;
			char *r = p + 1, *w = p + 1;
			start = w;
			for (;;) {
				while (!quoted_stop[(unsigned char)*r])
					*w++ = *r++;
				if (*r == '"') {
					if (r[1] != '"') {
						r++;
						break;
					}
					*w++ = '"';
					r += 2;
				} else if (*r == '\n') {
					c->line++;
					*w++ = *r++;
				} else if (*r == '\r') {
					if (r[1] != '\n')
						c->line++;
					*w++ = *r++;
				} else { /* the sentinel: the text ended inside the quotes */
					*start_line = open_line;
					err_set(ei, ERR_INVALID, NULL,
					        "line %d: field %d opens a quote that is never closed",
					        open_line, n + 1);
					return -1;
				}
			}
			fend = w;
			while (is_blank(*r))
				r++;
			delim = *r;
			if (delim != ',' && delim != '\n' && delim != '\r' && delim != '\0') {
				*start_line = c->line;
				err_set(ei, ERR_INVALID, NULL,
				        "line %d: field %d has text after its closing quote", c->line,
				        n + 1);
				return -1;
			}
			p = r;
		} else {
			start = p;
			while (!plain_stop[(unsigned char)*p])
				p++;
			delim = *p;
			fend = p;
			while (fend > start && is_blank(fend[-1]))
				fend--;
		}

		size_t len = (size_t)(fend - start);
		if (len > c->lim.max_field_bytes) {
			char name[MSG_NAME_BYTES];
			*start_line = c->line;
			if (c->header != NULL && n < c->ncols)
				err_set(ei, ERR_TOO_LARGE, NULL,
				        "line %d: field %d (%s) is longer than %zu bytes", c->line,
				        n + 1, msg_name(name, c->header[n]), c->lim.max_field_bytes);
			else
				err_set(ei, ERR_TOO_LARGE, NULL,
				        "line %d: field %d is longer than %zu bytes", c->line, n + 1,
				        c->lim.max_field_bytes);
			return -1;
		}
		/* delim was read first: the NUL may land on it */
		*fend = '\0';
		if (n < cap) {
			c->fields[n] = start;
			c->lens[n] = len;
		}
		n++;

		if (delim == ',') {
			p++;
			continue;
		}
		if (delim == '\n') {
			p++;
			c->line++;
		} else if (delim == '\r') {
			p += p[1] == '\n' ? 2 : 1;
			c->line++;
		}
		break; /* a line end, or the end of the text */
	}
	c->p = p;
	*nfields = n;
	return 1;
}

/* Sets *text (a malloc'd NUL-terminated UTF-8 copy, BOM dropped) from the
 * input, converting GB18030 when it is not UTF-8. */
static enum err take_text(struct csv *c, const char *buf, size_t len, size_t *text_len,
                          struct errinfo *ei)
{
	if (len >= 2 && (((unsigned char)buf[0] == 0xff && (unsigned char)buf[1] == 0xfe) ||
	                 ((unsigned char)buf[0] == 0xfe && (unsigned char)buf[1] == 0xff)))
		return err_set(ei, ERR_INVALID, NULL,
		               "the file is UTF-16; save it as CSV in UTF-8 or GB18030");
	if (len >= 4 && memcmp(buf, "PK\x03\x04", 4) == 0)
		return err_set(ei, ERR_INVALID, NULL,
		               "the file is a spreadsheet or zip archive; save it as CSV");
	const char *nul = memchr(buf, '\0', len);
	if (nul != NULL)
		return err_set(ei, ERR_INVALID, NULL,
		               "line %d: a NUL byte; the file is not CSV text",
		               line_at(buf, len, (size_t)(nul - buf)));
	if (len >= 3 && memcmp(buf, CSV_UTF8_BOM, 3) == 0) {
		buf += 3;
		len -= 3;
	}

	size_t wide;
	size_t good = utf8_valid_prefix((const unsigned char *)buf, len, &wide);
	if (good == len) {
		c->text = malloc(len + 1);
		if (c->text == NULL)
			return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		memcpy(c->text, buf, len);
		c->text[len] = '\0';
		*text_len = len;
		return ERR_OK;
	}

	/* GBK text almost never passes for UTF-8 past its first few characters,
	 * while UTF-8 with one damaged byte often decodes as GB18030 into
	 * nonsense. Text that was plainly UTF-8 before the bad byte is damaged
	 * UTF-8, not GBK. */
	if (wide >= CSV_UTF8_EVIDENCE)
		return err_set(ei, ERR_INVALID, NULL,
		               "line %d: byte 0x%02X is not UTF-8, though the text before it is",
		               line_at(buf, len, good), (unsigned char)buf[good]);
	size_t bad = 0;
	enum err rc = gb18030_to_utf8(buf, len, &c->text, text_len, &bad);
	if (rc == ERR_INTERNAL)
		return err_set(ei, ERR_INTERNAL, NULL, "cannot convert from GB18030");
	if (rc != ERR_OK) {
		/* Neither reading works; name the byte where the one that got
		 * further stopped, the likelier spot for the real damage. */
		size_t at = bad > good ? bad : good;
		return err_set(ei, ERR_INVALID, NULL,
		               "line %d: byte 0x%02X is neither UTF-8 nor GB18030; save the file "
		               "as CSV UTF-8",
		               line_at(buf, len, at), (unsigned char)buf[at]);
	}
	/* A GB18030 BOM (84 31 95 33) converts to a UTF-8 one. */
	if (*text_len >= 3 && memcmp(c->text, CSV_UTF8_BOM, 3) == 0) {
		memmove(c->text, c->text + 3, *text_len - 3 + 1);
		*text_len -= 3;
	}
	c->converted_from = "GB18030";
	return ERR_OK;
}

enum err csv_open(const char *buf, size_t len, const struct csv_limits *lim, struct csv **out,
                  struct errinfo *ei)
{
	struct csv *c = NULL;
	size_t text_len = 0;
	struct errinfo e;
	enum err rc;
	int n, line;

	*out = NULL;
	err_clear(&e);
	if (buf == NULL && len > 0)
		return err_set(ei, ERR_INTERNAL, NULL, "no buffer");
	c = calloc(1, sizeof *c);
	if (c == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	if (lim != NULL)
		c->lim = *lim;
	if (c->lim.max_rows == 0)
		c->lim.max_rows = CSV_MAX_ROWS_DEFAULT;
	if (c->lim.max_field_bytes == 0)
		c->lim.max_field_bytes = CSV_MAX_FIELD_BYTES_DEFAULT;
	if (c->lim.max_columns <= 0)
		c->lim.max_columns = CSV_MAX_COLUMNS_DEFAULT;

	rc = take_text(c, buf != NULL ? buf : "", len, &text_len, ei);
	if (rc != ERR_OK)
		goto fail;
	c->p = c->text;
	c->end = c->text + text_len;
	c->line = 1;

	c->fields = calloc((size_t)c->lim.max_columns, sizeof *c->fields);
	c->lens = calloc((size_t)c->lim.max_columns, sizeof *c->lens);
	if (c->fields == NULL || c->lens == NULL) {
		rc = err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		goto fail;
	}
	switch (parse_record(c, c->lim.max_columns, &n, &line, &e)) {
	case 0:
		rc = err_set(ei, ERR_INVALID, NULL, "the file is empty; line 1 must name the columns");
		goto fail;
	case -1:
		rc = e.code;
		if (ei != NULL)
			*ei = e;
		goto fail;
	default:
		break;
	}
	if (n > c->lim.max_columns) {
		rc = err_set(ei, ERR_TOO_LARGE, NULL, "line %d: more than %d columns", line,
		             c->lim.max_columns);
		goto fail;
	}
	c->ncols = n;
	c->header_line = line;
	c->header = malloc((size_t)n * sizeof *c->header);
	if (c->header == NULL) {
		rc = err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		goto fail;
	}
	memcpy(c->header, c->fields, (size_t)n * sizeof *c->header);
	*out = c;
	return ERR_OK;
fail:
	csv_close(c);
	return rc;
}

void csv_close(struct csv *c)
{
	if (c == NULL)
		return;
	free(c->text);
	free(c->header);
	free(c->fields);
	free(c->lens);
	free(c);
}

const char *csv_converted_from(const struct csv *c)
{
	return c->converted_from;
}

int csv_columns(const struct csv *c)
{
	return c->ncols;
}

const char *csv_header(const struct csv *c, int col)
{
	if (col < 0 || col >= c->ncols)
		return NULL;
	return c->header[col];
}

int csv_column_index(const struct csv *c, const char *name)
{
	for (int i = 0; i < c->ncols; i++)
		if (strcmp(c->header[i], name) == 0)
			return i;
	return -1;
}

static bool in_list(const char *const *list, const char *name)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

enum err csv_expect_header(const struct csv *c, const char *const *required,
                           const char *const *optional, struct errinfo *ei)
{
	char name[MSG_NAME_BYTES];

	for (int i = 0; i < c->ncols; i++) {
		const char *h = c->header[i];
		if (h[0] == '\0')
			return err_set(ei, ERR_INVALID, NULL, "line %d: column %d has no name", c->header_line, i + 1);
		if (!in_list(required, h) && !in_list(optional, h))
			return err_set(ei, ERR_INVALID, NULL, "line %d: unknown column \"%s\" (column %d)",
			               c->header_line, msg_name(name, h), i + 1);
		for (int j = 0; j < i; j++)
			if (strcmp(c->header[j], h) == 0)
				return err_set(ei, ERR_INVALID, NULL,
				               "line %d: column \"%s\" appears twice (columns %d and %d)",
				               c->header_line, msg_name(name, h), j + 1, i + 1);
	}
	for (; required != NULL && *required != NULL; required++)
		if (csv_column_index(c, *required) < 0)
			return err_set(ei, ERR_INVALID, NULL, "line %d: missing column \"%s\"",
			               c->header_line, msg_name(name, *required));
	return ERR_OK;
}

static int fail_record(struct csv *c, int line, int *line_out)
{
	c->failed = true;
	c->err_line = line;
	if (line_out != NULL)
		*line_out = line;
	return -1;
}

int csv_next(struct csv *c, const char ***fields, const size_t **lens, int *line,
             struct errinfo *ei)
{
	int n, start = c->line;

	if (c->failed) {
		if (ei != NULL)
			*ei = c->err;
		if (line != NULL)
			*line = c->err_line;
		return -1;
	}
	switch (parse_record(c, c->ncols, &n, &start, &c->err)) {
	case 0:
		return 0;
	case -1:
		break;
	default:
		if (n != c->ncols) {
			err_set(&c->err, ERR_INVALID, NULL, "line %d: expected %d fields, found %d",
			        start, c->ncols, n);
			break;
		}
		if (c->rows >= c->lim.max_rows) {
			err_set(&c->err, ERR_TOO_LARGE, NULL, "line %d: more than %zu rows", start,
			        c->lim.max_rows);
			break;
		}
		c->rows++;
		*fields = c->fields;
		*lens = c->lens;
		if (line != NULL)
			*line = start;
		return 1;
	}
	if (ei != NULL)
		*ei = c->err;
	return fail_record(c, start, line);
}

int csv_write_field(struct strbuf *sb, const char *s)
{
	if (s == NULL || s[0] == '\0')
		return strbuf_add(sb, "", 0);
	size_t n = strlen(s);
	bool quote = is_blank(s[0]) || is_blank(s[n - 1]) || strpbrk(s, ",\"\r\n") != NULL;
	if (!quote)
		return strbuf_add(sb, s, n);
	if (strbuf_add(sb, "\"", 1) != 0)
		return -1;
	for (const char *q; (q = strchr(s, '"')) != NULL; s = q + 1)
		if (strbuf_add(sb, s, (size_t)(q - s) + 1) != 0 || strbuf_add(sb, "\"", 1) != 0)
			return -1;
	if (strbuf_adds(sb, s) != 0 || strbuf_add(sb, "\"", 1) != 0)
		return -1;
	return 0;
}
