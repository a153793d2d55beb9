/* Configuration keys and the three sources that set them. */
#include "config.h"
#include "domain/areas.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "util/log.h"
#include "util/worktime.h"

const struct config_key config_keys[] = {
	{"db", "database URL: sqlite:PATH or postgres://USER@HOST:PORT/DB (default sqlite:var/linli.db)"},
	{"db_pool", "PostgreSQL connections per process (default 16)"},
	{"listen", "address to serve on, host:port (default 127.0.0.1:8080; port 0 picks one)"},
	{"web", "directory of the built console (default web/dist)"},
	{"threads", "HTTP worker threads (default 16)"},
	{"max_connections", "simultaneous connections (default 1024)"},
	{"rate_limit", "API requests per second per client address, 0 = off (default 0; nginx limits in front)"},
	{"log_level", "debug, info, warn or error (default info)"},
	{"office_hours", "office hours of a working day (default 08:30-12:00,14:00-17:30)"},
	{"timezone", "the district's zone (default Asia/Shanghai)"},
	{"area_widths", "digits of the grid, compound, building and entrance code segments (default 3,3,3,2)"},
	{"key_file", "master key for personal data (default: the SQLite file's path + .key; required for PostgreSQL)"},
	{"photo_dir", "directory of uploaded photos (default: the SQLite file's path + .photos; required for PostgreSQL); back it up with the database"},
	{"lock_failures", "failed logins that lock an account (default 5)"},
	{"lock_window", "… within this many minutes (default 15)"},
	{"lock_minutes", "… for this many minutes (default 30)"},
	{"session_idle", "how long a session may sit idle: 30m, 90s, 1h; a plain number is minutes (default 30m)"},
	{"session_hours", "hours a session lives at most (default 12)"},
	{"public_requests_per_hour", "requests residents may submit from one address per hour on the public pages, 0 = no limit (default 30)"},
	{"figure_weights", "the composite's weights of response, solve and satisfaction rates, summing to 1 (default 0.1,0.5,0.4)"},
	{"satisfaction_weight_basic", "weight of a basically satisfied rating in the satisfaction rate, 0 to 1 (default 0.9)"},
	{"league_min_rated", "rated requests a unit needs to be ranked in a league table (default 10)"},
	{"webhook_connect_timeout", "seconds to connect to a webhook receiver (default 3)"},
	{"webhook_timeout", "seconds a webhook delivery may take in all, then it counts as failed (default 10)"},
	{"webhook_retry_base", "seconds before a failed webhook delivery is retried; later retries wait 3, 6, 30, 120, 360, 1440, 2880 times as long, ±20 % (default 10)"},
	{"webhook_max_attempts", "attempts before a webhook delivery is parked (default 8)"},
	{"webhook_keep_days", "days a delivered webhook delivery stays in the delivery log, 0 = for ever; pending and parked ones always stay (default 30)"},
	{"webhook_proxy", "HTTP proxy for webhook deliveries, e.g. http://proxy:3128; none means direct, whatever the environment says (default none)"},
	{NULL, NULL},
};

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->db, sizeof c->db, "sqlite:var/linli.db");
	snprintf(c->listen, sizeof c->listen, "127.0.0.1:8080");
	snprintf(c->web, sizeof c->web, "web/dist");
	c->threads = 16;
	c->db_pool = 16;
	c->max_connections = LIMIT_CONNECTIONS;
	snprintf(c->log_level, sizeof c->log_level, "info");
	snprintf(c->office_hours, sizeof c->office_hours, "08:30-12:00,14:00-17:30");
	snprintf(c->timezone, sizeof c->timezone, "Asia/Shanghai");
	snprintf(c->area_widths, sizeof c->area_widths, "3,3,3,2");
	c->lock_failures = 5;
	c->lock_window = 15;
	c->lock_minutes = 30;
	c->session_idle = 30 * 60;
	c->session_hours = 12;
	c->public_requests_per_hour = 30;
	c->figure_weights[0] = 0.1;
	c->figure_weights[1] = 0.5;
	c->figure_weights[2] = 0.4;
	c->satisfaction_weight_basic = 0.9;
	c->league_min_rated = 10;
	c->webhook_connect_timeout = 3;
	c->webhook_timeout = 10;
	c->webhook_retry_base = 10;
	c->webhook_max_attempts = 8;
	c->webhook_keep_days = 30;
}

bool config_has_key(const char *key)
{
	for (const struct config_key *k = config_keys; k->name; k++)
		if (strcmp(k->name, key) == 0)
			return true;
	return false;
}

static enum err set_text(char *dst, size_t cap, const char *key, const char *v, struct errinfo *ei)
{
	size_t n = strlen(v);
	if (n == 0 || n >= cap)
		return err_set(ei, ERR_INVALID, key, "%s must be 1..%zu characters", key, cap - 1);
	memcpy(dst, v, n + 1);
	return ERR_OK;
}

static enum err set_int(int *dst, const char *key, const char *v, long lo, long hi,
                        struct errinfo *ei)
{
	char *end = NULL;
	errno = 0;
	long x = strtol(v, &end, 10);
	if (errno || end == v || *end != '\0' || x < lo || x > hi)
		return err_set(ei, ERR_INVALID, key, "%s must be an integer %ld..%ld", key, lo, hi);
	*dst = (int)x;
	return ERR_OK;
}

enum err config_set(struct config *c, const char *key, const char *v, struct errinfo *ei)
{
	if (strcmp(key, "db") == 0)
		return set_text(c->db, sizeof c->db, key, v, ei);
	if (strcmp(key, "listen") == 0)
		return set_text(c->listen, sizeof c->listen, key, v, ei);
	if (strcmp(key, "web") == 0)
		return set_text(c->web, sizeof c->web, key, v, ei);
	if (strcmp(key, "db_pool") == 0)
		return set_int(&c->db_pool, key, v, 1, 1000, ei);
	if (strcmp(key, "threads") == 0)
		return set_int(&c->threads, key, v, 1, 256, ei);
	if (strcmp(key, "max_connections") == 0)
		return set_int(&c->max_connections, key, v, 1, 65536, ei);
	if (strcmp(key, "key_file") == 0)
		return set_text(c->key_file, sizeof c->key_file, key, v, ei);
	if (strcmp(key, "photo_dir") == 0)
		return set_text(c->photo_dir, sizeof c->photo_dir, key, v, ei);
	if (strcmp(key, "lock_failures") == 0)
		return set_int(&c->lock_failures, key, v, 1, 100, ei);
	if (strcmp(key, "lock_window") == 0)
		return set_int(&c->lock_window, key, v, 1, 1440, ei);
	if (strcmp(key, "lock_minutes") == 0)
		return set_int(&c->lock_minutes, key, v, 1, 10080, ei);
	if (strcmp(key, "session_idle") == 0) {
		/* A number with an optional unit: s, m (the default) or h. */
		char *end = NULL;
		errno = 0;
		long x = strtol(v, &end, 10);
		long mult = *end == '\0' || strcmp(end, "m") == 0 ? 60 : strcmp(end, "s") == 0 ? 1
		          : strcmp(end, "h") == 0 ? 3600 : 0;
		if (errno || end == v || mult == 0 || x < 1 || x * mult > 24 * 3600)
			return err_set(ei, ERR_INVALID, key, "session_idle must be like 30m, 90s or 1h (up to 24h)");
		c->session_idle = (int)(x * mult);
		return ERR_OK;
	}
	if (strcmp(key, "session_hours") == 0)
		return set_int(&c->session_hours, key, v, 1, 168, ei);
	if (strcmp(key, "public_requests_per_hour") == 0)
		return set_int(&c->public_requests_per_hour, key, v, 0, 1000000, ei);
	if (strcmp(key, "figure_weights") == 0) {
		/* three weights in [0, 1] adding up to 1, so the composite is a rate too */
		double w[3];
		char *end = NULL;
		const char *p = v;
		int n = 0;
		for (; n < 3; n++) {
			errno = 0;
			w[n] = strtod(p, &end);
			if (errno || end == p || !(w[n] >= 0 && w[n] <= 1))
				break;
			p = end;
			if (n < 2 && *p++ != ',')
				break;
		}
		if (n != 3 || *end != '\0' || w[0] + w[1] + w[2] < 0.999 || w[0] + w[1] + w[2] > 1.001)
			return err_set(ei, ERR_INVALID, key,
			               "figure_weights must be three weights 0..1 adding up to 1, like 0.1,0.5,0.4");
		memcpy(c->figure_weights, w, sizeof w);
		return ERR_OK;
	}
	if (strcmp(key, "satisfaction_weight_basic") == 0) {
		char *end = NULL;
		errno = 0;
		double x = strtod(v, &end);
		if (errno || end == v || *end != '\0' || !(x >= 0 && x <= 1))
			return err_set(ei, ERR_INVALID, key, "satisfaction_weight_basic must be a number 0..1");
		c->satisfaction_weight_basic = x;
		return ERR_OK;
	}
	if (strcmp(key, "league_min_rated") == 0)
		return set_int(&c->league_min_rated, key, v, 0, 1000000, ei);
	if (strcmp(key, "webhook_connect_timeout") == 0)
		return set_int(&c->webhook_connect_timeout, key, v, 1, 60, ei);
	if (strcmp(key, "webhook_timeout") == 0)
		return set_int(&c->webhook_timeout, key, v, 1, 120, ei);
	if (strcmp(key, "webhook_retry_base") == 0)
		return set_int(&c->webhook_retry_base, key, v, 1, 3600, ei);
	if (strcmp(key, "webhook_max_attempts") == 0)
		return set_int(&c->webhook_max_attempts, key, v, 1, 50, ei);
	if (strcmp(key, "webhook_keep_days") == 0)
		return set_int(&c->webhook_keep_days, key, v, 0, 3650, ei);
	if (strcmp(key, "webhook_proxy") == 0) {
		if (strcmp(v, "none") == 0) {
			c->webhook_proxy[0] = '\0';
			return ERR_OK;
		}
		if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0 &&
		    strncmp(v, "socks5://", 9) != 0)
			return err_set(ei, ERR_INVALID, key, "webhook_proxy must be none or a proxy URL (http://, https://, socks5://)");
		return set_text(c->webhook_proxy, sizeof c->webhook_proxy, key, v, ei);
	}
	if (strcmp(key, "rate_limit") == 0)
		return set_int(&c->rate_limit, key, v, 0, 1000000, ei);
	if (strcmp(key, "log_level") == 0) {
		enum log_level l;
		if (log_level_parse(v, &l) != 0)
			return err_set(ei, ERR_INVALID, key, "log_level must be debug, info, warn or error");
		return set_text(c->log_level, sizeof c->log_level, key, v, ei);
	}
	if (strcmp(key, "office_hours") == 0) {
		struct office_hours oh;
		if (office_hours_parse(v, &oh) != ERR_OK)
			return err_set(ei, ERR_INVALID, key, "office_hours must look like 08:30-12:00,14:00-17:30");
		return set_text(c->office_hours, sizeof c->office_hours, key, v, ei);
	}
	if (strcmp(key, "area_widths") == 0) {
		if (area_widths_set(v, ei) != ERR_OK)
			return ERR_INVALID;
		return set_text(c->area_widths, sizeof c->area_widths, key, v, ei);
	}
	if (strcmp(key, "timezone") == 0) {
		int off;
		if (tz_parse(v, &off) != ERR_OK)
			return err_set(ei, ERR_INVALID, key, "timezone must be Asia/Shanghai, UTC or an offset like +08:00");
		return set_text(c->timezone, sizeof c->timezone, key, v, ei);
	}
	return err_set(ei, ERR_INVALID, key, "unknown setting %s", key);
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

enum err config_load_file(struct config *c, const char *path, struct errinfo *ei)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return err_set(ei, ERR_INVALID, "config", "cannot read %s: %s", path, strerror(errno));
	/* getline: a long comment must not split into a bogus second line. */
	char *buf = NULL;
	size_t cap = 0;
	int lineno = 0;
	enum err rc = ERR_OK;
	while (rc == ERR_OK && getline(&buf, &cap, f) != -1) {
		lineno++;
		char *hash = strchr(buf, '#');
		if (hash != NULL)
			*hash = '\0';
		char *s = trim(buf);
		if (*s == '\0')
			continue;
		char *eq = strchr(s, '=');
		if (eq == NULL) {
			rc = err_set(ei, ERR_INVALID, "config", "%s:%d: expected key = value", path, lineno);
			break;
		}
		*eq = '\0';
		char *key = trim(s), *val = trim(eq + 1);
		struct errinfo e2;
		rc = config_set(c, key, val, &e2);
		if (rc != ERR_OK)
			rc = err_set(ei, rc, e2.field, "%s:%d: %s", path, lineno, e2.message);
	}
	free(buf);
	fclose(f);
	return rc;
}

enum err config_load_env(struct config *c, struct errinfo *ei)
{
	for (const struct config_key *k = config_keys; k->name; k++) {
		char var[64] = "LINLI_";
		size_t n = strlen(var);
		for (const char *p = k->name; *p && n < sizeof var - 1; p++)
			var[n++] = (char)toupper((unsigned char)*p);
		var[n] = '\0';
		const char *v = getenv(var);
		if (v == NULL)
			continue;
		struct errinfo e2;
		enum err rc = config_set(c, k->name, v, &e2);
		if (rc != ERR_OK)
			return err_set(ei, rc, e2.field, "%s: %s", var, e2.message);
	}
	return ERR_OK;
}
