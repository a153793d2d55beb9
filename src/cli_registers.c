/* linli import / export: the registers' CSV import and xlsx export from
 * the command line, as the command-line actor (every capability, all areas). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "domain/registers_io.h"
#include "limits.h"

static const struct register_io *find(const char *name)
{
	const struct register_io *io = register_io_find(name);
	if (io == NULL) {
		fprintf(stderr, "linli: no register %s; one of:", name);
		for (int i = 0; register_ios[i]; i++)
			fprintf(stderr, " %s", register_ios[i]->name);
		fprintf(stderr, "\n");
	}
	return io;
}

/* The whole file, up to max bytes. */
static char *slurp(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		perror(path);
		return NULL;
	}
	char *buf = malloc(max + 1);
	*len = buf ? fread(buf, 1, max + 1, f) : 0;
	fclose(f);
	if (buf != NULL && *len > max) {
		fprintf(stderr, "linli: %s is larger than %zu bytes\n", path, max);
		free(buf);
		return NULL;
	}
	return buf;
}

int cmd_import(int argc, char **argv)
{
	COMMAND_PROLOGUE("import");
	if (fl.npositional != 2) {
		cli_usage_one(cmd, stderr);
		return 2;
	}
	const struct register_io *io = find(fl.positional[0]);
	if (io == NULL)
		return 2;
	size_t len = 0;
	/* The command line takes bigger files than an upload: a city's people. */
	char *buf = slurp(fl.positional[1], (size_t)4 << 30, &len);
	if (buf == NULL)
		return 1;
	struct app app;
	if ((rc = cli_app_open(&cfg, false, &app)) == 0) {
		struct errinfo ei;
		struct identity cli;
		struct actor a;
		cli_actor(&a, &cli);
		struct import_result res;
		enum err e = register_import(&app, &a, io, buf, len, fl.dry_run, &res, &ei);
		if (res.converted_from)
			printf("%s: converted from %s\n", fl.positional[1], res.converted_from);
		int shown = res.nerrors < 50 ? res.nerrors : 50;
		for (int i = 0; i < shown; i++)
			fprintf(stderr, "%s:%d: %s%s%s\n", fl.positional[1], res.errors[i].line,
			        res.errors[i].column, res.errors[i].column[0] ? ": " : "", res.errors[i].reason);
		if (res.nerrors > shown)
			fprintf(stderr, "… and %d more\n", res.nerrors - shown);
		if (e != ERR_OK) {
			fprintf(stderr, "linli: %s (nothing was imported)\n", ei.message);
			rc = 1;
		} else {
			printf("%s: %d rows %s\n", io->name, res.rows, fl.dry_run ? "checked, all good (dry run)" : "imported");
		}
		free(res.errors);
		cli_app_close(&app);
	}
	free(buf);
	return rc;
}

struct code_lookup {
	const char *code;
	int64_t id;
};

static enum err area_by_code_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct code_lookup *x = arg;
	struct area_row r;
	enum err rc = store_area_by_code(c, x->code, &r, ei);
	x->id = rc == ERR_OK ? r.id : 0;
	return rc == ERR_NOTFOUND ? ERR_OK : rc;
}

static int64_t cli_area_id(struct app *app, const char *code)
{
	struct code_lookup x = {.code = code};
	struct errinfo ei;
	return store_read(app->store, area_by_code_fn, &x, &ei) == ERR_OK ? x.id : 0;
}

int cmd_export(int argc, char **argv)
{
	COMMAND_PROLOGUE("export");
	if (fl.npositional != 2) {
		cli_usage_one(cmd, stderr);
		return 2;
	}
	const struct register_io *io = find(fl.positional[0]);
	if (io == NULL)
		return 2;
	struct app app;
	if ((rc = cli_app_open(&cfg, false, &app)) != 0)
		return rc;
	struct errinfo ei;
	struct identity cli;
	struct actor a;
	cli_actor(&a, &cli);
	int64_t area = 0;
	if (fl.area != NULL) {
		area = cli_area_id(&app, fl.area);
		if (area == 0) {
			fprintf(stderr, "linli: no area with code %s\n", fl.area);
			cli_app_close(&app);
			return 1;
		}
	}
	char *data = NULL;
	size_t len = 0;
	if (register_export(&app, &a, io, area, &data, &len, &ei) != ERR_OK) {
		fprintf(stderr, "linli: %s\n", ei.message);
		rc = 1;
	} else {
		FILE *f = fopen(fl.positional[1], "wb");
		if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
			perror(fl.positional[1]);
			rc = 1;
		} else {
			printf("%s: %zu bytes written to %s\n", io->name, len, fl.positional[1]);
		}
	}
	free(data);
	cli_app_close(&app);
	return rc;
}
