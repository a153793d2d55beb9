/* Runs a register's CSV import (all or nothing) and its xlsx export. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth/audit.h"
#include "domain/areas.h"
#include "domain/registers_io.h"
#include "util/csv.h"
#include "util/xlsx.h"

const struct register_io *const register_ios[] = {&area_io,          &unit_io,      &party_org_io,
                                                   &party_member_io,  &household_io, &person_io,
                                                   &category_io,      NULL};

const struct register_io *register_io_find(const char *name)
{
	for (int i = 0; name && register_ios[i]; i++)
		if (strcmp(register_ios[i]->name, name) == 0)
			return register_ios[i];
	return NULL;
}

const char *import_get(const struct import_row *r, int k)
{
	int i = r->col[k];
	return i < 0 ? "" : r->field[i];
}

static int count(const char *const *v)
{
	int n = 0;
	while (v && v[n])
		n++;
	return n;
}

static enum err require_cap(struct app *app, const struct actor *a, const char *cap,
                            const char *what, struct errinfo *ei)
{
	if (a->who == NULL || identity_has(a->who, cap))
		return ERR_OK;
	err_set(ei, ERR_FORBIDDEN, NULL, "%s needs %s", what, cap);
	audit_record(app->store, a, "access.denied", what, "denied", cap);
	return ERR_FORBIDDEN;
}

struct run_ctx {
	struct app *app;
	const struct actor *a;
	const struct register_io *io;
	const char *buf;
	size_t len;
	bool dry_run;
	struct import_result *res;
	bool on_purpose; /* the rollback is the dry run's or the bad rows', not a failure */
};

static void add_error(struct import_result *res, int line, const char *column, const char *reason)
{
	res->nerrors++;
	if (res->nerrors > IMPORT_ERRORS_MAX)
		return;
	struct import_error *e = &res->errors[res->nerrors - 1];
	e->line = line;
	snprintf(e->column, sizeof e->column, "%s", column ? column : "");
	snprintf(e->reason, sizeof e->reason, "%s", reason);
}

/* A row's own fault, reported beside its line; anything else stops the import. */
static bool row_fault(enum err rc)
{
	return rc == ERR_INVALID || rc == ERR_FORBIDDEN || rc == ERR_CONFLICT || rc == ERR_NOTFOUND ||
	       rc == ERR_UNPROCESSABLE || rc == ERR_TOO_LARGE;
}

static enum err import_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct run_ctx *x = arg;
	struct import_result *res = x->res;
	/* PostgreSQL may run this again after a serialisation failure: start clean. */
	res->rows = res->imported = res->nerrors = 0;
	struct csv *csv = NULL;
	enum err rc = csv_open(x->buf, x->len, NULL, &csv, ei);
	if (rc != ERR_OK)
		return rc;
	int ncols = count(x->io->columns);
	int col[64];
	for (int k = 0; k < ncols && k < 64; k++)
		col[k] = csv_column_index(csv, x->io->columns[k]);
	struct import_ctx ix = {.app = x->app, .actor = x->a};
	ix.state = x->io->begin ? x->io->begin(&ix) : NULL;
	const char **fields;
	const size_t *lens;
	int line = 0, r;
	while ((r = csv_next(csv, &fields, &lens, &line, ei)) == 1) {
		struct import_row row = {.line = line, .field = fields, .len = lens, .col = col};
		struct errinfo rei;
		err_clear(&rei);
		res->rows++;
		rc = x->io->row(&ix, c, &row, &rei);
		if (rc == ERR_OK) {
			res->imported++;
			continue;
		}
		if (!row_fault(rc)) {
			*ei = rei;
			goto out;
		}
		add_error(res, line, rei.field[0] ? rei.field : NULL, rei.message);
	}
	if (r < 0) {
		/* Past a limit the file as a whole is refused (413); a broken record
		 * is reported at its line like a bad row. */
		enum err why = ei->code;
		if (why == ERR_TOO_LARGE) {
			snprintf(ei->field, sizeof ei->field, "body");
			rc = why;
			goto out;
		}
		add_error(res, line, NULL, ei->message);
		err_clear(ei);
	}
	if (res->nerrors > 0 || x->dry_run) {
		x->on_purpose = true;
		rc = err_set(ei, ERR_UNPROCESSABLE, "body", "%d of %d rows have errors", res->nerrors,
		             res->rows);
		goto out;
	}
	char object[64], detail[96];
	snprintf(object, sizeof object, "register:%s", x->io->name);
	snprintf(detail, sizeof detail, "%d rows imported", res->imported);
	rc = audit_append(c, x->a, "register.import", object, "ok", detail, ei);
out:
	if (x->io->end)
		x->io->end(ix.state);
	csv_close(csv);
	return rc;
}

enum err register_import(struct app *app, const struct actor *a, const struct register_io *io,
                         const char *buf, size_t len, bool dry_run, struct import_result *res,
                         struct errinfo *ei)
{
	memset(res, 0, sizeof *res);
	res->dry_run = dry_run;
	enum err rc;
	if ((rc = require_cap(app, a, "register.import", "register.import", ei)) != ERR_OK ||
	    (rc = require_cap(app, a, io->manage_cap, io->name, ei)) != ERR_OK)
		return rc;
	/* The header and the encoding are checked before the writer is taken. */
	struct csv *csv = NULL;
	if ((rc = csv_open(buf, len, NULL, &csv, ei)) != ERR_OK)
		return rc;
	const char *conv = csv_converted_from(csv);
	res->converted_from = conv; /* a static string */
	const char *optional[64];
	int n = 0;
	for (int k = 0; io->columns[k] && n < 63; k++) {
		bool req = false;
		for (int j = 0; io->required[j]; j++)
			req = req || strcmp(io->required[j], io->columns[k]) == 0;
		if (!req)
			optional[n++] = io->columns[k];
	}
	optional[n] = NULL;
	rc = csv_expect_header(csv, io->required, optional, ei);
	csv_close(csv);
	if (rc != ERR_OK) {
		if (ei->field[0] == '\0' || strcmp(ei->field, "body") != 0)
			snprintf(ei->field, sizeof ei->field, "header");
		return rc;
	}
	res->errors = calloc(IMPORT_ERRORS_MAX, sizeof *res->errors);
	if (res->errors == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	struct run_ctx x = {.app = app, .a = a, .io = io, .buf = buf, .len = len, .dry_run = dry_run,
	                    .res = res};
	rc = store_write(app->store, import_fn, &x, ei);
	if (rc != ERR_OK && x.on_purpose && res->nerrors == 0) { /* a clean dry run */
		err_clear(ei);
		return ERR_OK;
	}
	return rc;
}

/* --- export ------------------------------------------------------------------ */

struct export_ctx {
	struct app *app;
	const struct actor *a;
	const struct register_io *io;
	int64_t area_id;
	struct xlsx *x;
	int ncols;
	enum err failed;
};

static void emit(void *ctx, const char *const *cells)
{
	struct export_ctx *e = ctx;
	if (e->failed == ERR_OK)
		e->failed = xlsx_row(e->x, cells, e->ncols);
}

static enum err export_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct export_ctx *e = arg;
	struct code_ranges r;
	enum err rc = area_scope_ranges(c, e->a, e->area_id, &r, ei);
	if (rc != ERR_OK)
		return rc;
	struct import_ctx ix = {.app = e->app, .actor = e->a};
	rc = e->io->export_rows(&ix, c, &r, emit, e, ei);
	if (rc == ERR_OK && e->failed != ERR_OK)
		rc = err_set(ei, e->failed, NULL, e->failed == ERR_TOO_LARGE
		                                      ? "more rows than a sheet holds: export a smaller area"
		                                      : "cannot write the sheet");
	return rc;
}

enum err register_export(struct app *app, const struct actor *a, const struct register_io *io,
                         int64_t area_id, char **data, size_t *len, struct errinfo *ei)
{
	*data = NULL;
	*len = 0;
	enum err rc = require_cap(app, a, io->read_cap, io->name, ei);
	if (rc != ERR_OK)
		return rc;
	struct export_ctx e = {.app = app, .a = a, .io = io, .area_id = area_id,
	                       .ncols = count(io->export_titles)};
	if ((rc = xlsx_open(io->title_zh, &e.x, ei)) != ERR_OK)
		return rc;
	if ((rc = xlsx_header(e.x, io->export_titles, e.ncols)) != ERR_OK) {
		xlsx_abort(e.x);
		return err_set(ei, rc, NULL, "cannot write the sheet");
	}
	rc = store_read(app->store, export_fn, &e, ei);
	if (rc != ERR_OK) {
		xlsx_abort(e.x);
		if (rc == ERR_FORBIDDEN) {
			char object[64];
			snprintf(object, sizeof object, "area:%lld", (long long)area_id);
			audit_record(app->store, a, "access.denied", object, "denied", ei->message);
		}
		return rc;
	}
	if ((rc = xlsx_finish(e.x, data, len, ei)) != ERR_OK)
		return rc;
	char object[64], detail[64];
	snprintf(object, sizeof object, "register:%s", io->name);
	snprintf(detail, sizeof detail, "area:%lld", (long long)area_id);
	audit_record(app->store, a, "register.export", object, "ok", detail);
	return ERR_OK;
}
