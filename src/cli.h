/* Shared pieces of the command line: options, configuration and opening
 * the application (store, keys, policy). Commands live in main.c and
 * cli_users.c. */
#ifndef LINLI_CLI_H
#define LINLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "app.h"
#include "auth/identity.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
	const char *help;
};

/* Flags a command takes besides the settings. */
struct flags {
	const char *from, *to; /* migrate-data */
	bool demo;
	bool help;
	bool password_stdin;    /* user add|passwd */
	const char *name, *phone, *user; /* user add, apikey add */
	const char *roles[16], *scopes[16];
	int nroles, nscopes;
	bool dry_run;           /* import */
	const char *area;       /* export: an area code */
	const char *positional[4];
	int npositional;
};


/* Builds the configuration from defaults, file, environment and argv.
 * Returns 0, or 2 after printing what was wrong. */
int cli_load_config(const struct command *cmd, int argc, char **argv, struct config *cfg,
                    struct flags *fl);
void cli_usage_one(const struct command *c, FILE *f);
int cli_open_store(const struct config *cfg, bool create, struct store **st);
/* Opens the store and loads keys, policy and office hours into app.
 * create: make the database file and key file if missing. 0 or 1. */
int cli_app_open(const struct config *cfg, bool create, struct app *app);
void cli_app_close(struct app *app);
/* The audit actor of the command line. */
void cli_actor(struct actor *a, struct identity *id);

/* The start of every command: its configuration and flags, and --help. */
#define COMMAND_PROLOGUE(name)                                                   \
	const struct command *cmd = cli_find_command(name);                              \
	struct config cfg;                                                           \
	struct flags fl;                                                             \
	int rc = cli_load_config(cmd, argc, argv, &cfg, &fl);                            \
	if (rc != 0)                                                                 \
		return rc;                                                               \
	if (fl.help) {                                                               \
		cli_usage_one(cmd, stdout);                                                  \
		return 0;                                                                \
	}

int cmd_user(int argc, char **argv);
int cmd_apikey(int argc, char **argv);
int cmd_audit_verify(int argc, char **argv);
int cmd_rollup_verify(int argc, char **argv); /* cli_figures.c */
int cmd_import(int argc, char **argv); /* cli_registers.c */
int cmd_export(int argc, char **argv);
int cmd_openapi(int argc, char **argv); /* cli_openapi.c */
/* Creates the demo users (init --demo). */
int cli_demo_users(struct app *app);
/* The command table row of a name. */
const struct command *cli_find_command(const char *name);

#endif
