/* Configuration: defaults, then a file (`--config PATH` or LINLI_CONFIG),
 * then LINLI_* environment variables, then the command line, which wins.
 * One table of keys serves all four, so a key cannot exist in one and not
 * another. Not thread-safe while loading; read-only afterwards. */
#ifndef LINLI_CONFIG_H
#define LINLI_CONFIG_H

#include <stdbool.h>

#include "util/err.h"

struct config {
	char db[1024];          /* sqlite:PATH or postgres://… */
	int db_pool;            /* PostgreSQL connections per process */
	char listen[128];       /* host:port; port 0 picks a free one */
	char web[1024];         /* directory of the built console */
	int threads;            /* HTTP worker threads */
	int max_connections;
	int rate_limit;         /* API requests per second per client address; 0 = off */
	char log_level[16];
	char office_hours[128]; /* "08:30-12:00,14:00-17:30" */
	char timezone[64];      /* "Asia/Shanghai" or "+08:00" */
	char area_widths[32];   /* "3,3,3,2": code segments below the community */
	char key_file[1024];    /* master key for personal data; default beside a SQLite file */
	char photo_dir[1024];   /* content-addressed photos; default beside a SQLite file (DB.photos) */
	int lock_failures;      /* failed logins that lock an account */
	int lock_window;        /* … within this many minutes */
	int lock_minutes;       /* … for this many minutes */
	int session_idle;       /* seconds a session may sit idle ("30m", "90s"; a plain number is minutes) */
	int session_hours;      /* hours a session lives at most */
	int public_requests_per_hour; /* resident submissions per client address per hour; 0 = no limit */
	double figure_weights[3];     /* the composite's weights of response, solve, satisfaction (sum 1) */
	double satisfaction_weight_basic; /* a basically_satisfied rating's weight in satisfaction */
	int league_min_rated;         /* rated requests a unit needs to be ranked in a league table */
	int webhook_connect_timeout;  /* seconds to connect to a webhook receiver */
	int webhook_timeout;          /* seconds a whole webhook POST may take */
	int webhook_retry_base;       /* seconds before the first retry; later ones are multiples */
	int webhook_max_attempts;     /* attempts before a delivery is parked */
	char webhook_proxy[256];      /* proxy for deliveries ("" : direct, environment ignored) */
	int webhook_keep_days;        /* days a delivered delivery stays in the log; 0: for ever */
};

struct config_key {
	const char *name; /* file key, --name, LINLI_NAME */
	const char *help;
};
/* NULL-terminated list, for --help. */
extern const struct config_key config_keys[];

void config_defaults(struct config *c);
/* Sets one key from text; ERR_INVALID naming the key for unknown keys or bad values. */
enum err config_set(struct config *c, const char *key, const char *value, struct errinfo *ei);
bool config_has_key(const char *key);
/* Reads "key = value" lines; '#' starts a comment. */
enum err config_load_file(struct config *c, const char *path, struct errinfo *ei);
/* Applies every LINLI_<KEY> variable that is set. */
enum err config_load_env(struct config *c, struct errinfo *ei);

#endif
