/* .xlsx export through libxlsxwriter in constant-memory mode. The library
 * writes to a file name, so the workbook goes to a mkstemp file whose
 * descriptor we keep, read back after the close, then unlink. Nothing here
 * knows what is being exported. */
#include "util/xlsx.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "util/utf8.h"

/* Column widths in Excel's character units: wide enough for short titles,
 * never so wide one long note hides the rest. */
#define XLSX_WIDTH_MIN 8
#define XLSX_WIDTH_MAX 60
/* Linux's PATH_MAX; <limits.h> is src/limits.h under -Isrc, so it is not
 * taken from there. */
#define XLSX_PATH_BYTES 4096
/* Excel's limit on one cell's text, in characters. */
#define XLSX_CELL_CHARS_MAX 32767

struct xlsx {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold;
	int fd;
	char path[XLSX_PATH_BYTES];
	char tmpdir[XLSX_PATH_BYTES];
	uint32_t rows;  /* rows written, the header included */
	bool header;    /* row 0 is a header */
	int ncols;      /* widest row so far */
	int width_cap;  /* slots in width */
	int *width;     /* display width per column, in character cells */
};

/* The display width of s in Excel's units, stopping at XLSX_WIDTH_MAX:
 * CJK and other characters of three or more UTF-8 bytes take two cells. */
static int text_width(const char *s)
{
	int w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0' && w < XLSX_WIDTH_MAX;
	     p++) {
		if (*p < 0x80)
			w++;
		else if (*p >= 0xe0)
			w += 2;
		else if (*p >= 0xc0)
			w++;
	}
	return w;
}

static int note_widths(struct xlsx *x, const char *const *cells, int n)
{
	if (n > x->width_cap) {
		int cap = x->width_cap ? x->width_cap : 16;
		while (cap < n)
			cap *= 2;
		int *w = realloc(x->width, (size_t)cap * sizeof *w);
		if (w == NULL)
			return -1;
		memset(w + x->width_cap, 0, (size_t)(cap - x->width_cap) * sizeof *w);
		x->width = w;
		x->width_cap = cap;
	}
	for (int i = 0; i < n; i++) {
		if (cells[i] == NULL)
			continue;
		int w = text_width(cells[i]);
		if (w > x->width[i])
			x->width[i] = w;
	}
	if (n > x->ncols)
		x->ncols = n;
	return 0;
}

static void xlsx_free(struct xlsx *x)
{
	if (x->fd >= 0) {
		close(x->fd);
		unlink(x->path);
	}
	free(x->width);
	free(x);
}

enum err xlsx_open(const char *sheet_name, struct xlsx **out, struct errinfo *ei)
{
	struct xlsx *x = NULL;
	const char *dir = getenv("TMPDIR");
	enum err rc;

	*out = NULL;
	x = calloc(1, sizeof *x);
	if (x == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	x->fd = -1;
	if (dir == NULL || dir[0] == '\0')
		dir = "/tmp";
	int n = snprintf(x->path, sizeof x->path, "%s/linli-xlsx-XXXXXX", dir);
	if (n < 0 || (size_t)n >= sizeof x->path) {
		rc = err_set(ei, ERR_INTERNAL, NULL, "TMPDIR is too long");
		goto fail;
	}
	snprintf(x->tmpdir, sizeof x->tmpdir, "%s", dir);
	/* mkstemp makes the file 0600 and ours alone; the library reopens it by
	 * name to write, and we read it back through this descriptor. */
	x->fd = mkstemp(x->path);
	if (x->fd < 0) {
		rc = err_set(ei, ERR_INTERNAL, NULL, "cannot create a file in %s: %s", dir,
		             strerror(errno));
		goto fail;
	}

	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = x->tmpdir};
	x->wb = workbook_new_opt(x->path, &opt);
	if (x->wb == NULL) {
		rc = err_set(ei, ERR_INTERNAL, NULL, "cannot start a workbook");
		goto fail;
	}
	if (sheet_name != NULL) {
		lxw_error le = workbook_validate_sheet_name(x->wb, sheet_name);
		if (le != LXW_NO_ERROR) {
			rc = err_set(ei, ERR_INVALID, "sheet_name", "bad sheet name: %s",
			             lxw_strerror(le));
			goto fail;
		}
	}
	x->ws = workbook_add_worksheet(x->wb, sheet_name);
	x->bold = workbook_add_format(x->wb);
	if (x->ws == NULL || x->bold == NULL) {
		rc = err_set(ei, ERR_INTERNAL, NULL, "cannot add a worksheet");
		goto fail;
	}
	format_set_bold(x->bold);
	/* Every cell is text on purpose; without this Excel flags each
	 * numeric-looking one with a green "number stored as text" triangle. */
	worksheet_ignore_errors(x->ws, LXW_IGNORE_NUMBER_STORED_AS_TEXT, "A1:XFD1048576");
	*out = x;
	return ERR_OK;
fail:
	xlsx_abort(x);
	return rc;
}

static enum err write_row(struct xlsx *x, const char *const *cells, int n, lxw_format *fmt)
{
	if (n < 0 || (cells == NULL && n > 0))
		return ERR_INTERNAL;
	if (x->rows >= XLSX_MAX_ROWS || n > XLSX_MAX_COLUMNS)
		return ERR_TOO_LARGE;
	for (int i = 0; i < n; i++) {
		size_t chars;
		if (cells[i] == NULL)
			continue;
		if (!utf8_valid(cells[i], strlen(cells[i]), &chars))
			return ERR_INVALID;
		if (chars > XLSX_CELL_CHARS_MAX)
			return ERR_TOO_LARGE;
	}
	if (note_widths(x, cells, n) != 0)
		return ERR_INTERNAL;
	for (int i = 0; i < n; i++) {
		if (cells[i] == NULL || cells[i][0] == '\0')
			continue;
		lxw_error le = worksheet_write_string(x->ws, x->rows, (lxw_col_t)i, cells[i], fmt);
		if (le == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED)
			return ERR_TOO_LARGE;
		if (le != LXW_NO_ERROR)
			return ERR_INTERNAL;
	}
	x->rows++;
	return ERR_OK;
}

enum err xlsx_header(struct xlsx *x, const char *const *titles, int n)
{
	if (x->rows != 0)
		return ERR_INTERNAL;
	enum err rc = write_row(x, titles, n, x->bold);
	if (rc != ERR_OK)
		return rc;
	x->header = true;
	worksheet_freeze_panes(x->ws, 1, 0);
	return ERR_OK;
}

enum err xlsx_row(struct xlsx *x, const char *const *cells, int n)
{
	return write_row(x, cells, n, NULL);
}

/* The whole file behind fd, in a malloc'd buffer. */
static enum err read_all(int fd, char **data, size_t *len)
{
	struct stat st;
	if (fstat(fd, &st) != 0 || st.st_size <= 0)
		return ERR_INTERNAL;
	size_t size = (size_t)st.st_size;
	char *buf = malloc(size);
	if (buf == NULL)
		return ERR_INTERNAL;
	size_t got = 0;
	while (got < size) {
		ssize_t r = pread(fd, buf + got, size - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(buf);
			return ERR_INTERNAL;
		}
		got += (size_t)r;
	}
	*data = buf;
	*len = size;
	return ERR_OK;
}

enum err xlsx_finish(struct xlsx *x, char **data, size_t *len, struct errinfo *ei)
{
	enum err rc = ERR_OK;

	*data = NULL;
	*len = 0;
	for (int i = 0; i < x->ncols; i++) {
		int w = x->width[i] + 2;
		if (w < XLSX_WIDTH_MIN)
			w = XLSX_WIDTH_MIN;
		if (w > XLSX_WIDTH_MAX)
			w = XLSX_WIDTH_MAX;
		worksheet_set_column(x->ws, (lxw_col_t)i, (lxw_col_t)i, w, NULL);
	}
	if (x->header && x->ncols > 0)
		worksheet_autofilter(x->ws, 0, 0, x->rows - 1, (lxw_col_t)(x->ncols - 1));
	/* workbook_close frees the workbook whatever it returns. */
	lxw_error le = workbook_close(x->wb);
	x->wb = NULL;
	if (le != LXW_NO_ERROR) {
		rc = err_set(ei, ERR_INTERNAL, NULL, "cannot write the workbook: %s", lxw_strerror(le));
		goto out;
	}
	if (read_all(x->fd, data, len) != ERR_OK)
		rc = err_set(ei, ERR_INTERNAL, NULL, "cannot read the workbook back: %s",
		             strerror(errno));
out:
	xlsx_free(x);
	return rc;
}

void xlsx_abort(struct xlsx *x)
{
	if (x == NULL)
		return;
	/* lxw_workbook_free (1.1.4) leaves the constant-memory row file open;
	 * close it first, or each aborted export leaks a descriptor. */
	if (x->ws != NULL && x->ws->optimize_tmpfile != NULL) {
		fclose(x->ws->optimize_tmpfile);
		x->ws->optimize_tmpfile = NULL;
	}
	if (x->wb != NULL)
		lxw_workbook_free(x->wb);
	xlsx_free(x);
}
