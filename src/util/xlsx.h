/* A one-sheet .xlsx export (a register, a list) over libxlsxwriter, built in
 * a private temporary file and handed back as bytes. Every cell is text, so
 * ID numbers, phones and codes never turn into numbers or lose leading zeros.
 * Rows are streamed (constant memory): a million rows cost no more memory
 * than ten. A struct xlsx is used by one thread at a time. */
#ifndef LINLI_XLSX_H
#define LINLI_XLSX_H

#include <stddef.h>

#include "util/err.h"

/* Excel's sheet: 1,048,576 rows (the header included) and 16,384 columns. */
#define XLSX_MAX_ROWS 1048576
#define XLSX_MAX_COLUMNS 16384

struct xlsx;

/* Starts a workbook with one sheet (NULL → "Sheet1") in a mkstemp file under
 * $TMPDIR or /tmp. ERR_INVALID for a sheet name Excel refuses (over 31
 * characters, or one of []:*?/\), ERR_INTERNAL if no file can be made. */
enum err xlsx_open(const char *sheet_name, struct xlsx **out, struct errinfo *ei);
/* The first row: bold, frozen, with an autofilter over the data below it.
 * Only before any xlsx_row (else ERR_INTERNAL). */
enum err xlsx_header(struct xlsx *x, const char *const *titles, int n);
/* One row of n cells (a NULL cell stays blank). ERR_TOO_LARGE past Excel's
 * rows or columns or for a cell over 32,767 characters; ERR_INVALID for a
 * cell that is not UTF-8. After an error the caller aborts. */
enum err xlsx_row(struct xlsx *x, const char *const *cells, int n);
/* Sets column widths from what was written, closes the workbook and gives
 * its bytes in *data (malloc'd; the caller frees) and *len. The file is
 * removed and x freed whatever the result. */
enum err xlsx_finish(struct xlsx *x, char **data, size_t *len, struct errinfo *ei);
/* Drops the workbook and its files; x may be NULL. */
void xlsx_abort(struct xlsx *x);

#endif
