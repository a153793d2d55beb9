/* /api/v1/imports/{register} (CSV in, all or nothing, with a dry run) and
 * /api/v1/exports/{register} (xlsx out, masked as on screen). */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app.h"
#include "auth/caps.h"
#include "domain/registers_io.h"
#include "util/csv.h"
#include "util/strbuf.h"

static const char *const registers[] = {"areas",         "units",      "party_orgs",
                                        "party_members", "households", "people",
                                        "categories",    NULL};

static const struct field_spec register_param[] = {
	{.name = "register", .type = FIELD_ENUM, .required = true, .values = registers},
	FIELDS_END,
};
static const struct field_spec import_query[] = {
	{.name = "dry_run", .type = FIELD_BOOL, .doc = "check every row, write nothing"},
	FIELDS_END,
};
static const struct field_spec export_query[] = {
	{.name = "area", .type = FIELD_INT, .min = 1, .max = INT64_MAX,
	 .doc = "the area whose subtree is exported (default: the caller's scope)"},
	FIELDS_END,
};

/* A register named in the enum but not built into this binary is a 404. */
static const struct register_io *io_of(struct req *r)
{
	const struct register_io *io = register_io_find(req_str(r, "register"));
	if (io == NULL)
		reply_error(r, ERR_NOTFOUND, "register", "this register cannot be imported or exported yet");
	return io;
}

static json_t *result_json(const struct register_io *io, const struct import_result *res)
{
	json_t *errs = json_array();
	int n = res->nerrors < IMPORT_ERRORS_MAX ? res->nerrors : IMPORT_ERRORS_MAX;
	for (int i = 0; i < n; i++) {
		const struct import_error *e = &res->errors[i];
		json_t *o = json_pack("{s:i, s:s}", "line", e->line, "reason", e->reason);
		json_object_set_new(o, "column", e->column[0] ? json_string(e->column) : json_null());
		json_array_append_new(errs, o);
	}
	json_t *o = json_pack("{s:s, s:b, s:i, s:i, s:i, s:o}", "register", io->name, "dry_run",
	                      res->dry_run, "rows", res->rows, "imported",
	                      res->dry_run || res->nerrors > 0 ? 0 : res->imported,
	                      "error_count", res->nerrors, "errors", errs);
	json_object_set_new(o, "converted_from",
	                    res->converted_from ? json_string(res->converted_from) : json_null());
	return o;
}

static void api_import(struct req *r)
{
	const struct register_io *io = io_of(r);
	if (io == NULL)
		return;
	struct actor a;
	req_actor(r, &a);
	size_t len = 0;
	const char *buf = req_raw(r, &len);
	bool dry = req_has(r, "dry_run") && req_field(r, "dry_run")->b;
	struct import_result res;
	enum err rc = register_import(req_app(r), &a, io, buf, len, dry, &res, req_errinfo(r));
	if (rc == ERR_OK) {
		reply_json(r, 200, result_json(io, &res));
	} else if (rc == ERR_UNPROCESSABLE && res.errors != NULL) {
		json_t *o = result_json(io, &res);
		const struct errinfo *ei = req_errinfo(r);
		json_object_set_new(o, "error", json_pack("{s:s, s:s, s:s}", "code", "unprocessable",
		                                          "message", ei->message, "field", "body"));
		reply_json(r, 422, o);
	} else {
		reply_errinfo(r, req_errinfo(r));
	}
	free(res.errors);
}

static void api_import_template(struct req *r)
{
	const struct register_io *io = io_of(r);
	if (io == NULL)
		return;
	struct strbuf sb;
	strbuf_init(&sb, 4096);
	strbuf_adds(&sb, CSV_UTF8_BOM);
	for (int k = 0; io->columns[k]; k++) {
		if (k)
			strbuf_adds(&sb, ",");
		csv_write_field(&sb, io->columns[k]);
	}
	strbuf_adds(&sb, "\r\n");
	char name[96];
	snprintf(name, sizeof name, "%s-template.csv", io->name);
	reply_file(r, "text/csv; charset=utf-8", name, sb.buf, sb.len); /* takes the buffer */
}

static void api_export(struct req *r)
{
	const struct register_io *io = io_of(r);
	if (io == NULL)
		return;
	struct actor a;
	req_actor(r, &a);
	char *data = NULL;
	size_t len = 0;
	if (register_export(req_app(r), &a, io, req_int(r, "area", 0), &data, &len, req_errinfo(r)) !=
	    ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	char name[128];
	snprintf(name, sizeof name, "%s.xlsx", io->title_zh);
	reply_file(r, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name, data, len);
}

const struct route io_routes[] = {
	{HTTP_POST, "/api/v1/imports/{register}", api_import, "register.import", register_param,
	 import_query, NULL, "Import a register from CSV (text/csv; UTF-8 or GBK): all rows or none",
	 .raw_type = "text/csv"},
	{HTTP_GET, "/api/v1/imports/{register}/template", api_import_template, "register.import",
	 register_param, NULL, NULL, "The CSV header a register's import expects"},
	{HTTP_GET, "/api/v1/exports/{register}", api_export, CAP_AUTHENTICATED, register_param,
	 export_query, NULL, "A register as an Excel sheet, masked as on screen (needs its read capability)"},
	ROUTES_END,
};
