/* The linli command line: serve, init, migrate, calendar import, version.
 * Configuration comes from defaults, a file, LINLI_* variables and the
 * command line, in that order; the last one wins. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app.h"
#include "config.h"
#include "domain/calendar.h"
#include "http/server.h"
#include "limits.h"
#include "util/embedded.h"
#include "util/log.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
	const char *help;
};

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

static void usage_one(const struct command *c, FILE *f)
{
	fprintf(f, "usage: %s\n\n%s\n\nsettings:\n", c->usage, c->help);
	fprintf(f, "  %-16s %s\n", "config", "read settings from this file first");
	for (const struct config_key *k = config_keys; k->name; k++)
		fprintf(f, "  %-16s %s\n", k->name, k->help);
}

/* Flags a command takes besides the settings. */
struct flags {
	const char *from, *to; /* migrate-data */
	bool demo;
	bool help;
	const char *positional[4];
	int npositional;
};

/* Builds the configuration from all four sources. Returns 0, or 2 after
 * printing what was wrong. */
static int load_config(const struct command *cmd, int argc, char **argv, struct config *cfg,
                       struct flags *fl)
{
	struct errinfo ei;
	memset(fl, 0, sizeof *fl);
	config_defaults(cfg);
	const char *file = getenv("LINLI_CONFIG");
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			file = argv[i + 1];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			file = argv[i] + 9;
	if (file != NULL && config_load_file(cfg, file, &ei) != ERR_OK) {
		fprintf(stderr, "linli: %s\n", ei.message);
		return 2;
	}
	if (config_load_env(cfg, &ei) != ERR_OK) {
		fprintf(stderr, "linli: %s\n", ei.message);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fl->help = true;
			continue;
		}
		if (strcmp(a, "--demo") == 0 && strcmp(cmd->name, "init") == 0) {
			fl->demo = true;
			continue;
		}
		if (strcmp(cmd->name, "migrate-data") == 0 && i + 1 < argc &&
		    (strcmp(a, "--from") == 0 || strcmp(a, "--to") == 0)) {
			*(a[2] == 'f' ? &fl->from : &fl->to) = argv[++i];
			continue;
		}
		if (strncmp(a, "--", 2) != 0) {
			if (fl->npositional == 4) {
				fprintf(stderr, "linli %s: too many arguments\n", cmd->name);
				return 2;
			}
			fl->positional[fl->npositional++] = a;
			continue;
		}
		char key[64];
		const char *val = NULL;
		const char *eq = strchr(a + 2, '=');
		size_t klen = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		if (klen == 0 || klen >= sizeof key) {
			fprintf(stderr, "linli %s: bad option %s\n", cmd->name, a);
			return 2;
		}
		memcpy(key, a + 2, klen);
		key[klen] = '\0';
		for (char *p = key; *p; p++)
			if (*p == '-')
				*p = '_';
		if (eq != NULL)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		if (strcmp(key, "config") == 0)
			continue; /* read above */
		if (!config_has_key(key) || val == NULL) {
			fprintf(stderr, "linli %s: unknown option or missing value: %s\n(see linli %s --help)\n",
			        cmd->name, a, cmd->name);
			return 2;
		}
		if (config_set(cfg, key, val, &ei) != ERR_OK) {
			fprintf(stderr, "linli %s: %s\n", cmd->name, ei.message);
			return 2;
		}
	}
	enum log_level lvl = LOG_INFO;
	log_level_parse(cfg->log_level, &lvl);
	log_set_level(lvl);
	return 0;
}

static int open_store(const struct config *cfg, bool create, struct store **st)
{
	struct errinfo ei;
	struct store_options opt = {.readers = cfg->threads, .pool_size = cfg->db_pool, .create = create};
	if (store_open(cfg->db, &opt, st, &ei) != ERR_OK) {
		bool missing_file = !create && strncmp(cfg->db, "sqlite:", 7) == 0 && ei.code == ERR_UNAVAIL;
		fprintf(stderr, "linli: %s%s\n", ei.message,
		        missing_file ? "\n(create the database first: linli init --db URL)" : "");
		return 1;
	}
	return 0;
}

static int migrate_store(struct store *st)
{
	struct errinfo ei;
	int applied = 0, version = 0;
	if (store_migrate(st, &applied, &ei) != ERR_OK) {
		fprintf(stderr, "linli: %s\n", ei.message);
		return 1;
	}
	store_schema_version(st, &version, &ei);
	printf("schema at version %d (%d migration%s applied)\n", version, applied,
	       applied == 1 ? "" : "s");
	return 0;
}

static int load_demo(struct store *st)
{
	static const char prefix[] = "data/calendar/";
	for (const struct embedded_file *f = embedded_files; f->name; f++) {
		if (strncmp(f->name, prefix, sizeof prefix - 1) != 0)
			continue;
		struct errinfo ei;
		int n = 0;
		if (calendar_import_csv(st, (const char *)f->data, f->len, &n, &ei) != ERR_OK) {
			fprintf(stderr, "linli: %s: %s\n", f->name, ei.message);
			return 1;
		}
		printf("calendar: %d days from %s\n", n, f->name);
	}
	return 0;
}

static const struct command *find_command(const char *name)
{
	for (const struct command *c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

#define COMMAND_PROLOGUE(name)                                                   \
	const struct command *cmd = find_command(name);                              \
	struct config cfg;                                                           \
	struct flags fl;                                                             \
	int rc = load_config(cmd, argc, argv, &cfg, &fl);                            \
	if (rc != 0)                                                                 \
		return rc;                                                               \
	if (fl.help) {                                                               \
		usage_one(cmd, stdout);                                                  \
		return 0;                                                                \
	}

static int cmd_init(int argc, char **argv)
{
	COMMAND_PROLOGUE("init");
	struct store *st = NULL;
	if (fl.npositional > 0) {
		fprintf(stderr, "linli init: unexpected argument %s\n", fl.positional[0]);
		return 2;
	}
	if ((rc = open_store(&cfg, true, &st)) != 0)
		return rc;
	rc = migrate_store(st);
	if (rc == 0 && fl.demo)
		rc = load_demo(st);
	store_close(st);
	return rc;
}

static int cmd_migrate(int argc, char **argv)
{
	COMMAND_PROLOGUE("migrate");
	struct store *st = NULL;
	if ((rc = open_store(&cfg, false, &st)) != 0)
		return rc;
	rc = migrate_store(st);
	store_close(st);
	return rc;
}

static int cmd_calendar(int argc, char **argv)
{
	COMMAND_PROLOGUE("calendar");
	if (fl.npositional != 2 || strcmp(fl.positional[0], "import") != 0) {
		usage_one(cmd, stderr);
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
	struct store *st = NULL;
	if ((rc = open_store(&cfg, false, &st)) == 0) {
		struct errinfo ei;
		int count = 0;
		if (calendar_import_csv(st, buf, n, &count, &ei) != ERR_OK) {
			fprintf(stderr, "linli: %s: %s (nothing was imported)\n", fl.positional[1], ei.message);
			rc = 1;
		} else {
			printf("calendar: %d days imported\n", count);
		}
		store_close(st);
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
		usage_one(cmd, stderr);
		return 2;
	}
	struct store *src = NULL, *dst = NULL;
	struct config c2 = cfg;
	snprintf(c2.db, sizeof c2.db, "%s", fl.from);
	if ((rc = open_store(&c2, false, &src)) != 0)
		return rc;
	snprintf(c2.db, sizeof c2.db, "%s", fl.to);
	if ((rc = open_store(&c2, true, &dst)) != 0) {
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
		usage_one(find_command("version"), stdout);
		return 0;
	}
	printf("linli %s\n", LINLI_VERSION);
	return 0;
}

static int cmd_serve(int argc, char **argv)
{
	COMMAND_PROLOGUE("serve");
	struct errinfo ei;
	struct app app = {.cfg = cfg};
	struct server *srv = NULL;
	if (office_hours_parse(cfg.office_hours, &app.office) != ERR_OK ||
	    tz_parse(cfg.timezone, &app.office.tz_offset_min) != ERR_OK) {
		fprintf(stderr, "linli: bad office_hours or timezone\n");
		return 2;
	}
	if ((rc = open_store(&cfg, false, &app.store)) != 0)
		return rc;
	int version = 0;
	if (store_schema_version(app.store, &version, &ei) != ERR_OK ||
	    version < store_schema_latest(app.store)) {
		fprintf(stderr, "linli: the database schema is at version %d, this binary needs %d: run "
		                "linli migrate --db %s\n",
		        version, store_schema_latest(app.store), cfg.db);
		store_close(app.store);
		return 1;
	}

	/* Signals are taken by sigwait on this thread only: block them before
	 * any thread starts so every thread inherits the mask. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct server_options so = {.listen = cfg.listen, .web_root = cfg.web,
	                            .threads = cfg.threads, .max_connections = cfg.max_connections,
	                            .rate_limit = cfg.rate_limit};
	if (server_start(&app, api_routes, api_routes_count, &so, &srv, &ei) != ERR_OK) {
		fprintf(stderr, "linli: %s\n", ei.message);
		store_close(app.store);
		return 1;
	}
	log_info("listening", "\"listen\":\"%s\",\"backend\":\"%s\",\"threads\":%d,\"version\":\"%s\"",
	         server_address(srv), store_backend(app.store), cfg.threads, LINLI_VERSION);
	int sig = 0;
	sigwait(&set, &sig);
	log_info("shutting down", "\"signal\":%d,\"in_flight\":%d", sig, server_active(srv));
	server_stop(srv, LIMIT_SHUTDOWN_S);
	store_close(app.store);
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
	const struct command *c = find_command(argv[1]);
	if (c == NULL) {
		fprintf(stderr, "linli: unknown command %s\n\n", argv[1]);
		usage_all(stderr);
		return 2;
	}
	return c->run(argc - 1, argv + 1);
}
