/* Command-line plumbing shared by every command. */
#include "cli.h"
#include "domain/areas.h"

#include <stdlib.h>
#include <string.h>

#include "auth/identity_cache.h"
#include "auth/users.h"
#include "util/log.h"

void cli_usage_one(const struct command *c, FILE *f)
{
	fprintf(f, "usage: %s\n\n%s\n\nsettings:\n", c->usage, c->help);
	fprintf(f, "  %-16s %s\n", "config", "read settings from this file first");
	for (const struct config_key *k = config_keys; k->name; k++)
		fprintf(f, "  %-16s %s\n", k->name, k->help);
}


/* Builds the configuration from all four sources. Returns 0, or 2 after
 * printing what was wrong. */
int cli_load_config(const struct command *cmd, int argc, char **argv, struct config *cfg,
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
		if (strcmp(a, "--dry-run") == 0 && strcmp(cmd->name, "import") == 0) {
			fl->dry_run = true;
			continue;
		}
		if (strcmp(a, "--area") == 0 && strcmp(cmd->name, "export") == 0 && i + 1 < argc) {
			fl->area = argv[++i];
			continue;
		}
		if (strcmp(a, "--password-stdin") == 0 && strcmp(cmd->name, "user") == 0) {
			fl->password_stdin = true;
			continue;
		}
		if ((strcmp(cmd->name, "user") == 0 || strcmp(cmd->name, "apikey") == 0) && i + 1 < argc) {
			if (strcmp(a, "--role") == 0 && fl->nroles < 16) {
				fl->roles[fl->nroles++] = argv[++i];
				continue;
			}
			if (strcmp(a, "--scope") == 0 && fl->nscopes < 16) {
				fl->scopes[fl->nscopes++] = argv[++i];
				continue;
			}
			if (strcmp(a, "--name") == 0 || strcmp(a, "--phone") == 0 || strcmp(a, "--user") == 0) {
				*(a[2] == 'n' ? &fl->name : a[2] == 'p' ? &fl->phone : &fl->user) = argv[++i];
				continue;
			}
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

int cli_open_store(const struct config *cfg, bool create, struct store **st)
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


int cli_app_open(const struct config *cfg, bool create, struct app *app)
{
	struct errinfo ei;
	memset(app, 0, sizeof *app);
	app->cfg = *cfg;
	if (crypto_init() != ERR_OK) {
		fprintf(stderr, "linli: libsodium failed to start\n");
		return 1;
	}
	struct errinfo wei;
	if (area_widths_set(cfg->area_widths, &wei) != ERR_OK) {
		fprintf(stderr, "linli: %s\n", wei.message);
		return 1;
	}
	if (office_hours_parse(cfg->office_hours, &app->office) != ERR_OK ||
	    tz_parse(cfg->timezone, &app->office.tz_offset_min) != ERR_OK) {
		fprintf(stderr, "linli: bad office_hours or timezone\n");
		return 1;
	}
	auth_policy_defaults(&app->policy);
	app->policy.lock_failures = cfg->lock_failures;
	app->policy.lock_window_s = cfg->lock_window * 60;
	app->policy.lock_duration_s = cfg->lock_minutes * 60;
	app->policy.session_idle_s = cfg->session_idle;
	app->policy.session_max_s = cfg->session_hours * 3600;
	/* The key file: configured, or beside a SQLite database. */
	char key_file[1100];
	if (cfg->key_file[0] != '\0')
		snprintf(key_file, sizeof key_file, "%s", cfg->key_file);
	else if (strncmp(cfg->db, "sqlite:", 7) == 0)
		snprintf(key_file, sizeof key_file, "%s.key", cfg->db + 7);
	else {
		fprintf(stderr, "linli: set key_file (the master key for personal data) for %s\n", cfg->db);
		return 1;
	}
	/* The photo directory: configured, or beside a SQLite database. Without
	 * one (PostgreSQL), uploads are refused (503) until it is set. */
	if (cfg->photo_dir[0] == '\0' && strncmp(cfg->db, "sqlite:", 7) == 0) {
		size_t n = strlen(cfg->db + 7);
		if (n + sizeof ".photos" <= sizeof app->cfg.photo_dir) {
			memcpy(app->cfg.photo_dir, cfg->db + 7, n);
			memcpy(app->cfg.photo_dir + n, ".photos", sizeof ".photos");
		}
	}
	if (cli_open_store(cfg, create, &app->store) != 0)
		return 1;
	if (crypto_keys_load(key_file, create, &app->keys, &ei) != ERR_OK) {
		fprintf(stderr, "linli: %s\n", ei.message);
		store_close(app->store);
		app->store = NULL;
		return 1;
	}
	app->idcache = identity_cache_new(); /* NULL (out of memory): no caching */
	return 0;
}

void cli_app_close(struct app *app)
{
	store_close(app->store);
	app->store = NULL;
	identity_cache_free(app->idcache);
	app->idcache = NULL;
}

void cli_actor(struct actor *a, struct identity *id)
{
	users_cli_identity(id);
	a->who = id;
	a->login = "cli";
	a->address = "";
	a->request_id = "";
}
