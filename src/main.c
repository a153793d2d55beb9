/* The linli command line: serve, init, migrate, calendar import, version.
 * Configuration comes from defaults, a file, LINLI_* variables and the
 * command line, in that order; the last one wins. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "auth/users.h"
#include "cli.h"
#include "app.h"
#include "domain/areas.h"
#include "config.h"
#include "demo/registers.h"
#include "domain/calendar.h"
#include "domain/request_scheduler.h"
#include "domain/webhook_delivery.h"
#include "http/server.h"
#include "limits.h"
#include "util/clock.h"
#include "util/embedded.h"
#include "util/log.h"


static int cmd_serve(int argc, char **argv);
static int cmd_init(int argc, char **argv);
static int cmd_migrate(int argc, char **argv);
static int cmd_calendar(int argc, char **argv);
static int cmd_version(int argc, char **argv);
static int cmd_migrate_data(int argc, char **argv);

static const struct command commands[] = {
	{"serve", cmd_serve, "linli serve [--db URL] [--listen HOST:PORT] [--web DIR] [--threads N]",
	 "Serve the console and the API."},
	{"init", cmd_init, "linli init [--demo] [--db URL]",
	 "Create the database (or bring its schema up to date); --demo also loads demo data."},
	{"migrate", cmd_migrate, "linli migrate [--db URL]", "Apply schema migrations not yet applied."},
	{"migrate-data", cmd_migrate_data, "linli migrate-data --from URL --to URL",
	 "Copy a whole deployment to another store (e.g. SQLite to PostgreSQL) and verify it."},
	{"calendar", cmd_calendar, "linli calendar import FILE.csv [--db URL]",
	 "Load holidays and adjusted workdays (date,kind,name), all or nothing."},
	{"user", cmd_user,
	 "linli user add|list|lock|unlock|passwd|grant [LOGIN] [--role R]... [--scope CODE]...",
	 "Manage accounts (add: --name NAME --phone P --password-stdin; passwd: --password-stdin)."},
	{"apikey", cmd_apikey, "linli apikey add NAME --user LOGIN | list | revoke ID",
	 "Create (printed once), list and revoke API keys for machine clients."},
	{"import", cmd_import, "linli import REGISTER FILE.csv [--dry-run] [--db URL]",
	 "Import areas, units, party_orgs, party_members, households, people or categories: all rows or none."},
	{"export", cmd_export, "linli export REGISTER FILE.xlsx [--area CODE] [--db URL]",
	 "Export a register (or an area's part of it) to Excel, masked."},
	{"audit-verify", cmd_audit_verify, "linli audit-verify [--db URL]",
	 "Walk the audit hash chain and report the first broken link."},
	{"rollup-verify", cmd_rollup_verify, "linli rollup-verify [--db URL]",
	 "Recompute the figures' roll-ups from the request events and print every counter that differs (exit 1)."},
	{"gen", cmd_gen,
	 "linli gen --scale city|district [--districts N] [--people N] [--seed N] [--today D] [--db URL]\n"
	 "       linli gen --requests N [--days D] [--templates T] [--db URL]",
	 "Generate synthetic registers for benchmarks (city: 10 districts of about a million people), "
	 "or about N requests over the last D days (180): up to T (5000) through the real lifecycle, "
	 "the rest cloned from them onto every grid."},
	{"openapi", cmd_openapi, "linli openapi",
	 "Print the OpenAPI 3 document of /api/v1 (the one GET /api/v1/openapi.json serves)."},
	{"version", cmd_version, "linli version", "Print the version."},
	{NULL, NULL, NULL, NULL},
};

static void usage_all(FILE *f)
{
	fprintf(f, "linli %s: 党建引领基层治理 — requests, party building, deliberation and ledgers\n\n"
	           "usage:\n", LINLI_VERSION);
	for (const struct command *c = commands; c->name; c++)
		fprintf(f, "  %-62s %s\n", c->usage, c->help);
	fprintf(f, "\nsettings (--key VALUE, LINLI_KEY in the environment, or key = value in --config FILE):\n");
	for (const struct config_key *k = config_keys; k->name; k++)
		fprintf(f, "  %-16s %s\n", k->name, k->help);
	fprintf(f, "\n`linli COMMAND --help` describes one command.\n");
}

/* Migrates and makes sure the built-in roles exist. */
static int migrate_store(struct app *app)
{
	struct errinfo ei;
	int applied = 0, version = 0;
	struct store *st = app->store;
	if (store_migrate(st, &applied, &ei) != ERR_OK || roles_seed(app, &ei) != ERR_OK) {
		fprintf(stderr, "linli: %s\n", ei.message);
		return 1;
	}
	store_schema_version(st, &version, &ei);
	printf("schema at version %d (%d migration%s applied)\n", version, applied,
	       applied == 1 ? "" : "s");
	return 0;
}

static int load_demo(struct app *app)
{
	static const char prefix[] = "data/calendar/";
	struct identity cli;
	struct actor a;
	cli_actor(&a, &cli);
	for (const struct embedded_file *f = embedded_files; f->name; f++) {
		if (strncmp(f->name, prefix, sizeof prefix - 1) != 0)
			continue;
		struct errinfo ei;
		int n = 0;
		if (calendar_import_csv(app->store, &a, (const char *)f->data, f->len, &n, &ei) != ERR_OK) {
			fprintf(stderr, "linli: %s: %s\n", f->name, ei.message);
			return 1;
		}
		printf("calendar: %d days from %s\n", n, f->name);
	}
	int rc = cli_demo_users(app);
	return rc != 0 ? rc : demo_cli_load(app); /* after the users: it links the demo accounts */
}

const struct command *cli_find_command(const char *name)
{
	for (const struct command *c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static int cmd_init(int argc, char **argv)
{
	COMMAND_PROLOGUE("init");
	struct app app;
	if (fl.npositional > 0) {
		fprintf(stderr, "linli init: unexpected argument %s\n", fl.positional[0]);
		return 2;
	}
	if ((rc = cli_app_open(&cfg, true, &app)) != 0)
		return rc;
	rc = migrate_store(&app);
	if (rc == 0 && fl.demo)
		rc = load_demo(&app);
	cli_app_close(&app);
	return rc;
}

static int cmd_migrate(int argc, char **argv)
{
	COMMAND_PROLOGUE("migrate");
	struct app app;
	/* create: a database from before accounts gets its key file now */
	if ((rc = cli_app_open(&cfg, true, &app)) != 0)
		return rc;
	rc = migrate_store(&app);
	cli_app_close(&app);
	return rc;
}

static int cmd_calendar(int argc, char **argv)
{
	COMMAND_PROLOGUE("calendar");
	if (fl.npositional != 2 || strcmp(fl.positional[0], "import") != 0) {
		cli_usage_one(cmd, stderr);
		return 2;
	}
	FILE *f = fopen(fl.positional[1], "rb");
	if (f == NULL) {
		perror(fl.positional[1]);
		return 1;
	}
	char *buf = malloc(LIMIT_BODY_BYTES + 1);
	size_t n = buf ? fread(buf, 1, LIMIT_BODY_BYTES + 1, f) : 0;
	fclose(f);
	if (buf == NULL || n > LIMIT_BODY_BYTES) {
		fprintf(stderr, "linli: %s is larger than %d bytes\n", fl.positional[1], LIMIT_BODY_BYTES);
		free(buf);
		return 1;
	}
	struct app app;
	if ((rc = cli_app_open(&cfg, false, &app)) == 0) {
		struct errinfo ei;
		struct identity cli;
		struct actor a;
		cli_actor(&a, &cli);
		int count = 0;
		if (calendar_import_csv(app.store, &a, buf, n, &count, &ei) != ERR_OK) {
			fprintf(stderr, "linli: %s: %s (nothing was imported)\n", fl.positional[1], ei.message);
			rc = 1;
		} else {
			printf("calendar: %d days imported\n", count);
		}
		cli_app_close(&app);
	}
	free(buf);
	return rc;
}

static void copy_report(void *ctx, const char *table, int64_t rows)
{
	printf("  %-32s %lld rows\n", table, (long long)rows);
}

static int cmd_migrate_data(int argc, char **argv)
{
	COMMAND_PROLOGUE("migrate-data");
	if (fl.from == NULL || fl.to == NULL) {
		cli_usage_one(cmd, stderr);
		return 2;
	}
	struct store *src = NULL, *dst = NULL;
	struct config c2 = cfg;
	snprintf(c2.db, sizeof c2.db, "%s", fl.from);
	if ((rc = cli_open_store(&c2, false, &src)) != 0)
		return rc;
	snprintf(c2.db, sizeof c2.db, "%s", fl.to);
	if ((rc = cli_open_store(&c2, true, &dst)) != 0) {
		store_close(src);
		return rc;
	}
	struct errinfo ei;
	printf("copying %s → %s\n", store_backend(src), store_backend(dst));
	if (store_copy(src, dst, copy_report, NULL, &ei) != ERR_OK) {
		fprintf(stderr, "linli migrate-data: %s (nothing was copied)\n", ei.message);
		rc = 1;
	} else {
		printf("row counts verified\n");
	}
	store_close(dst);
	store_close(src);
	return rc;
}

static int cmd_version(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		cli_usage_one(cli_find_command("version"), stdout);
		return 0;
	}
	printf("linli %s\n", LINLI_VERSION);
	return 0;
}

static int cmd_serve(int argc, char **argv)
{
	COMMAND_PROLOGUE("serve");
	struct errinfo ei;
	struct app app;
	struct server *srv = NULL;
	/* Signals are taken by sigwait on this thread only: block them before
	 * any thread starts (the SQLite writer starts in cli_app_open) so every
	 * thread inherits the mask. A SIGTERM that came before sigwait was
	 * otherwise delivered to the writer thread, and killed the process. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((rc = cli_app_open(&cfg, false, &app)) != 0)
		return rc;
	int version = 0;
	if (store_schema_version(app.store, &version, &ei) != ERR_OK ||
	    version < store_schema_latest(app.store)) {
		fprintf(stderr, "linli: the database schema is at version %d, this binary needs %d: run "
		                "linli migrate --db %s\n",
		        version, store_schema_latest(app.store), cfg.db);
		cli_app_close(&app);
		return 1;
	}

	int64_t t0 = clock_mono_ns();
	if (areas_index_rebuild(&app, &ei) != ERR_OK) {
		fprintf(stderr, "linli: cannot build the grid locator: %s\n", ei.message);
		cli_app_close(&app);
		return 1;
	}
	log_info("grid locator built", "\"ms\":%lld", (long long)((clock_mono_ns() - t0) / 1000000));


	struct server_options so = {.listen = cfg.listen, .web_root = cfg.web,
	                            .threads = cfg.threads, .max_connections = cfg.max_connections,
	                            .rate_limit = cfg.rate_limit};
	int nroutes = 0;
	const struct route *routes = api_routes(&nroutes);
	if (routes == NULL || server_start(&app, routes, nroutes, &so, &srv, &ei) != ERR_OK) {
		fprintf(stderr, "linli: %s\n", ei.message);
		cli_app_close(&app);
		return 1;
	}
	/* Background work starts after the signal mask is set, like the server's threads. */
	struct request_scheduler *sched = NULL;
	if (request_scheduler_start(&app, REQUEST_SWEEP_INTERVAL_S, &sched, &ei) != ERR_OK) {
		fprintf(stderr, "linli: %s\n", ei.message);
		server_stop(srv, LIMIT_SHUTDOWN_S);
		cli_app_close(&app);
		return 1;
	}
	struct webhook_sender *sender = NULL;
	if (webhook_sender_start(&app, &sender, &ei) != ERR_OK) {
		fprintf(stderr, "linli: %s\n", ei.message);
		request_scheduler_stop(sched);
		server_stop(srv, LIMIT_SHUTDOWN_S);
		cli_app_close(&app);
		return 1;
	}
	log_info("listening", "\"listen\":\"%s\",\"backend\":\"%s\",\"threads\":%d,\"version\":\"%s\"",
	         server_address(srv), store_backend(app.store), cfg.threads, LINLI_VERSION);
	int sig = 0;
	sigwait(&set, &sig);
	log_info("shutting down", "\"signal\":%d,\"in_flight\":%d", sig, server_active(srv));
	request_scheduler_stop(sched);
	webhook_sender_stop(sender);
	server_stop(srv, LIMIT_SHUTDOWN_S);
	cli_app_close(&app);
	log_info("stopped", NULL);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage_all(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(1, argv);
	const struct command *c = cli_find_command(argv[1]);
	if (c == NULL) {
		fprintf(stderr, "linli: unknown command %s\n\n", argv[1]);
		usage_all(stderr);
		return 2;
	}
	return c->run(argc - 1, argv + 1);
}
