/* CSV import and xlsx export of the registers. Each register (areas,
 * units, party_orgs, party_members, households, people) describes itself
 * with one struct register_io in its own domain file; domain/imports.c
 * runs them all the same way:
 *
 *  - import: the whole file in one write transaction. Every row is checked
 *    and written through the register's row function; a bad row adds an
 *    error (line, column, reason) and the import goes on checking the rest.
 *    Any error, or a dry run, rolls the whole transaction back: nothing
 *    half-written is ever left. Row functions must check with SELECTs
 *    before they INSERT (a failed statement poisons a PostgreSQL
 *    transaction), and see the rows of earlier lines of the same file.
 *  - export: the rows inside the caller's scope, masked as on screen. */
#ifndef LINLI_REGISTERS_IO_H
#define LINLI_REGISTERS_IO_H

#include <stdbool.h>
#include <stddef.h>

#include "auth/identity.h"
#include "store/areas.h"
#include "store/store.h"

struct app;

/* One CSV record, by column name (the header decides the order). */
struct import_row {
	int line;
	const char *const *field; /* by csv column index */
	const size_t *len;
	const int *col;           /* register column k → csv index, -1 when absent */
};
/* The k-th column of the register's columns list ("" when absent). */
const char *import_get(const struct import_row *r, int k);

struct import_ctx {
	struct app *app;
	const struct actor *actor;
	void *state; /* the register's own, from begin() */
};

struct register_io {
	const char *name;        /* URL segment: /api/v1/imports/{name} */
	const char *title_zh;    /* sheet name and file name */
	const char *read_cap;    /* export needs it */
	const char *manage_cap;  /* import needs it (and register.import) */
	const char *const *columns;   /* every CSV column, NULL-terminated */
	const char *const *required;  /* the ones that must be in the header */
	/* Checks and writes one row inside the import's transaction. A bad value
	 * is ERR_INVALID (or ERR_FORBIDDEN for a row outside the scope, or
	 * ERR_CONFLICT for a duplicate) with ei->field naming the CSV column. */
	enum err (*row)(struct import_ctx *x, struct store_conn *c, const struct import_row *r,
	                struct errinfo *ei);
	/* Optional per-import state (e.g. caches); end() frees it. */
	void *(*begin)(struct import_ctx *x);
	void (*end)(void *state);
	/* Export: column titles (zh-CN) and a walk over the rows in ranges,
	 * calling emit with one cell per title. Personal data masked unless
	 * the actor may unmask (then still masked: exports follow the screen). */
	const char *const *export_titles;
	enum err (*export_rows)(struct import_ctx *x, struct store_conn *c, const struct code_ranges *r,
	                        void (*emit)(void *ctx, const char *const *cells), void *ctx,
	                        struct errinfo *ei);
};

extern const struct register_io area_io, unit_io, party_org_io, party_member_io, household_io,
	person_io, category_io;
/* NULL-terminated list of every register, and the one named. */
extern const struct register_io *const register_ios[];
const struct register_io *register_io_find(const char *name);

struct import_error {
	int line;
	char column[40];
	char reason[200];
};
struct import_result {
	int rows, imported;
	bool dry_run;
	const char *converted_from; /* "GB18030" or NULL */
	int nerrors;                /* all of them; errors[] keeps the first IMPORT_ERRORS_MAX */
	struct import_error *errors;
};
#define IMPORT_ERRORS_MAX 1000

/* Imports buf (a CSV file) into the register. ERR_OK with nerrors == 0 when
 * written (or would be, on a dry run); ERR_UNPROCESSABLE when rows were bad
 * (nothing written); other errors for a bad file (header, encoding, size)
 * or access. result->errors is the caller's to free. */
enum err register_import(struct app *app, const struct actor *a, const struct register_io *io,
                         const char *buf, size_t len, bool dry_run, struct import_result *result,
                         struct errinfo *ei);
/* Exports the register under area_id (0: the actor's scope) as xlsx bytes. */
enum err register_export(struct app *app, const struct actor *a, const struct register_io *io,
                         int64_t area_id, char **data, size_t *len, struct errinfo *ei);

#endif
