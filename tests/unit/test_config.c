/* Unit tests for src/config.c: defaults, config_set for every key (good and
 * bad values), the "key = value" file with comments and its line-numbered
 * errors, LINLI_* environment variables and the file < env precedence.
 * The command line (main.c) is not covered here. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "limits.h"

/* Every LINLI_<KEY> unset, so the environment of the run does not leak in. */
static int clear_env(void **state)
{
	(void)state;
	for (const struct config_key *k = config_keys; k->name != NULL; k++) {
		char var[64] = "LINLI_";
		size_t n = strlen(var);
		for (const char *p = k->name; *p; p++)
			var[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
		var[n] = '\0';
		unsetenv(var);
	}
	return 0;
}

/* A temporary file holding text; the caller unlinks path. */
static void write_file(char path[64], const char *text)
{
	snprintf(path, 64, "/tmp/linli-config-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t n = strlen(text);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
}

static void set_ok(struct config *c, const char *key, const char *value)
{
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = config_set(c, key, value, &ei);
	if (rc != ERR_OK)
		fail_msg("%s = \"%s\" refused: %s", key, value, ei.message);
}

/* A bad value is ERR_INVALID naming the key, and the old value stays. */
static void set_bad(struct config *c, const char *key, const char *value)
{
	struct config before = *c;
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = config_set(c, key, value, &ei);
	if (rc != ERR_INVALID)
		fail_msg("%s = \"%s\" accepted (%d)", key, value, rc);
	assert_string_equal(ei.field, key);
	assert_true(ei.message[0] != '\0');
	assert_memory_equal(&before, c, sizeof before);
}

static void test_defaults(void **state)
{
	(void)state;
	struct config c;
	memset(&c, 0x5a, sizeof c);
	config_defaults(&c);
	assert_string_equal(c.db, "sqlite:var/linli.db");
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_string_equal(c.web, "web/dist");
	assert_int_equal(c.threads, 16);
	assert_int_equal(c.db_pool, 16);
	assert_int_equal(c.max_connections, LIMIT_CONNECTIONS);
	assert_int_equal(c.rate_limit, 0); /* off */
	assert_string_equal(c.log_level, "info");
	assert_string_equal(c.office_hours, "08:30-12:00,14:00-17:30");
	assert_string_equal(c.timezone, "Asia/Shanghai");
}

/* One table serves file, env and command line: every listed key is one
 * config_set knows (a bad value is refused for the value, not as an unknown
 * setting), and the keys tested here are all listed. */
static void test_key_table_consistent(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	for (const struct config_key *k = config_keys; k->name != NULL; k++) {
		assert_true(config_has_key(k->name));
		assert_non_null(k->help);
		struct errinfo ei;
		err_clear(&ei);
		if (config_set(&c, k->name, "", &ei) != ERR_OK) {
			assert_string_equal(ei.field, k->name);
			if (strstr(ei.message, "unknown") != NULL)
				fail_msg("listed key %s is unknown to config_set: %s", k->name, ei.message);
		}
	}
	static const char *const tested[] = {"db", "db_pool", "listen", "web", "threads",
	                                     "max_connections", "rate_limit", "log_level",
	                                     "office_hours", "timezone"};
	for (size_t i = 0; i < sizeof tested / sizeof tested[0]; i++)
		assert_true(config_has_key(tested[i]));
	assert_false(config_has_key("thread"));
	assert_false(config_has_key("THREADS"));
	assert_false(config_has_key(""));
}

static void test_set_text_keys(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	set_ok(&c, "db", "sqlite:/var/lib/linli/linli.db");
	assert_string_equal(c.db, "sqlite:/var/lib/linli/linli.db");
	set_ok(&c, "listen", "[::1]:0");
	assert_string_equal(c.listen, "[::1]:0");
	set_ok(&c, "web", "/srv/linli/web");
	assert_string_equal(c.web, "/srv/linli/web");
	set_bad(&c, "db", "");
	set_bad(&c, "listen", "");
	/* Boundary: sizeof - 1 characters fit, sizeof does not. */
	char longv[sizeof c.listen + 1];
	memset(longv, 'a', sizeof longv);
	longv[sizeof c.listen - 1] = '\0';
	set_ok(&c, "listen", longv);
	assert_int_equal(strlen(c.listen), sizeof c.listen - 1);
	config_defaults(&c);
	longv[sizeof c.listen - 1] = 'a';
	longv[sizeof c.listen] = '\0';
	set_bad(&c, "listen", longv);
}

static void test_set_threads(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	set_ok(&c, "threads", "1");
	assert_int_equal(c.threads, 1);
	set_ok(&c, "threads", "256");
	assert_int_equal(c.threads, 256);
	set_bad(&c, "threads", "0");
	set_bad(&c, "threads", "257");
	set_bad(&c, "threads", "-4");
	set_bad(&c, "threads", "");
	set_bad(&c, "threads", "8x");
	set_bad(&c, "threads", "eight");
	set_bad(&c, "threads", "99999999999999999999999");
	assert_int_equal(c.threads, 256);
}

static void test_set_max_connections(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	set_ok(&c, "max_connections", "65536");
	assert_int_equal(c.max_connections, 65536);
	set_bad(&c, "max_connections", "65537");
	set_bad(&c, "max_connections", "0");
}

static void test_set_db_pool(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	set_ok(&c, "db_pool", "1");
	assert_int_equal(c.db_pool, 1);
	set_ok(&c, "db_pool", "1000");
	assert_int_equal(c.db_pool, 1000);
	set_bad(&c, "db_pool", "0");
	set_bad(&c, "db_pool", "1001");
	set_bad(&c, "db_pool", "");
}

/* 0 is a legal value here: it turns the limit off. */
static void test_set_rate_limit(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	set_ok(&c, "rate_limit", "50");
	assert_int_equal(c.rate_limit, 50);
	set_ok(&c, "rate_limit", "0");
	assert_int_equal(c.rate_limit, 0);
	set_ok(&c, "rate_limit", "1000000");
	set_bad(&c, "rate_limit", "1000001");
	set_bad(&c, "rate_limit", "-1");
	set_bad(&c, "rate_limit", "10/s");
}

static void test_set_log_level(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	static const char *const good[] = {"debug", "info", "warn", "error"};
	for (size_t i = 0; i < 4; i++) {
		set_ok(&c, "log_level", good[i]);
		assert_string_equal(c.log_level, good[i]);
	}
	set_bad(&c, "log_level", "verbose");
	set_bad(&c, "log_level", "");
}

static void test_set_office_hours(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	set_ok(&c, "office_hours", "09:00-17:00");
	assert_string_equal(c.office_hours, "09:00-17:00");
	set_bad(&c, "office_hours", "9-5");
	set_bad(&c, "office_hours", "08:30-12:00,11:00-17:30"); /* overlap */
	set_bad(&c, "office_hours", "14:00-17:30,08:30-12:00"); /* unsorted */
	set_bad(&c, "office_hours", "17:00-09:00");
	set_bad(&c, "office_hours", "");
	assert_string_equal(c.office_hours, "09:00-17:00");
}

static void test_set_timezone(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	set_ok(&c, "timezone", "+08:00");
	set_ok(&c, "timezone", "UTC");
	set_ok(&c, "timezone", "-05:30");
	set_ok(&c, "timezone", "Asia/Shanghai");
	set_bad(&c, "timezone", "Mars/Olympus_Mons");
	set_bad(&c, "timezone", "Europe/Berlin"); /* daylight saving: not supported */
	set_bad(&c, "timezone", "+25:00");
	set_bad(&c, "timezone", "");
	assert_string_equal(c.timezone, "Asia/Shanghai");
}

static void test_set_unknown_key(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	set_bad(&c, "thread", "4");
	set_bad(&c, "Threads", "4");
	set_bad(&c, "", "x");
}

/* --- the file ----------------------------------------------------------------- */

static void test_load_file(void **state)
{
	(void)state;
	char path[64];
	write_file(path, "# linli configuration\n"
	                 "\n"
	                 "threads = 4\n"
	                 "   listen=127.0.0.1:9090   \n"
	                 "log_level = debug   # talkative\n"
	                 "\t# indented comment\n"
	                 "office_hours = 09:00-12:00,13:00-17:00\n"
	                 "timezone = +08:00");
	struct config c;
	config_defaults(&c);
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(config_load_file(&c, path, &ei), ERR_OK);
	unlink(path);
	assert_int_equal(c.threads, 4);
	assert_string_equal(c.listen, "127.0.0.1:9090");
	assert_string_equal(c.log_level, "debug");
	assert_string_equal(c.office_hours, "09:00-12:00,13:00-17:00");
	assert_string_equal(c.timezone, "+08:00"); /* last line without a newline */
	assert_string_equal(c.db, "sqlite:var/linli.db"); /* untouched keys keep defaults */
}

static void load_file_fails(const char *text, const char *at_line, const char *field)
{
	char path[64];
	write_file(path, text);
	struct config c;
	config_defaults(&c);
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = config_load_file(&c, path, &ei);
	char want[96];
	snprintf(want, sizeof want, "%s:%s:", path, at_line);
	unlink(path);
	assert_int_equal(rc, ERR_INVALID);
	if (strstr(ei.message, want) == NULL)
		fail_msg("the error does not start with %s: %s", want, ei.message);
	assert_string_equal(ei.field, field);
}

static void test_load_file_errors_name_path_line(void **state)
{
	(void)state;
	load_file_fails("# ok\nthreads = 4\nthreads 8\n", "3", "config");
	load_file_fails("threads = 0\n", "1", "threads");
	load_file_fails("\n\n\n\nwho = me\n", "5", "who");
	load_file_fails("listen = \n", "1", "listen");
	load_file_fails("timezone = Europe/Berlin # has DST\n", "1", "timezone");
}

/* '#' starts a comment of any length: a comment longer than the line
 * buffer must not turn its tail into a "key = value" line. */
static void test_load_file_long_comment(void **state)
{
	(void)state;
	size_t clen = 3000;
	char *text = malloc(clen + 64);
	assert_non_null(text);
	strcpy(text, "threads = 4\n# ");
	size_t p = strlen(text);
	memset(text + p, 'x', clen);
	strcpy(text + p + clen, "\nlog_level = warn\n");
	char path[64];
	write_file(path, text);
	free(text);
	struct config c;
	config_defaults(&c);
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = config_load_file(&c, path, &ei);
	unlink(path);
	if (rc != ERR_OK)
		fail_msg("a valid file with a long comment was refused: %s", ei.message);
	assert_int_equal(c.threads, 4);
	assert_string_equal(c.log_level, "warn");
}

static void test_load_file_missing(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(config_load_file(&c, "/nonexistent/linli.conf", &ei), ERR_INVALID);
	assert_string_equal(ei.field, "config");
	assert_non_null(strstr(ei.message, "/nonexistent/linli.conf"));
}

/* --- the environment ------------------------------------------------------------ */

static void test_load_env(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	assert_int_equal(config_load_env(&c, NULL), ERR_OK); /* nothing set: nothing changes */
	assert_int_equal(c.threads, 16);
	setenv("LINLI_THREADS", "8", 1);
	setenv("LINLI_MAX_CONNECTIONS", "100", 1);
	setenv("LINLI_RATE_LIMIT", "20", 1);
	setenv("LINLI_OFFICE_HOURS", "09:00-17:00", 1);
	assert_int_equal(config_load_env(&c, NULL), ERR_OK);
	assert_int_equal(c.threads, 8);
	assert_int_equal(c.max_connections, 100);
	assert_int_equal(c.rate_limit, 20);
	assert_string_equal(c.office_hours, "09:00-17:00");
	/* only the LINLI_ prefix in capitals counts */
	unsetenv("LINLI_THREADS");
	setenv("linli_threads", "3", 1);
	setenv("THREADS", "3", 1);
	assert_int_equal(config_load_env(&c, NULL), ERR_OK);
	assert_int_equal(c.threads, 8);
	unsetenv("linli_threads");
	unsetenv("THREADS");
	clear_env(NULL);
}

static void test_load_env_bad_value(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	setenv("LINLI_THREADS", "0", 1);
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(config_load_env(&c, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "threads");
	assert_non_null(strstr(ei.message, "LINLI_THREADS"));
	assert_int_equal(c.threads, 16);
	clear_env(NULL);
}

/* Defaults, then the file, then the environment: env wins where both set. */
static void test_precedence_file_then_env(void **state)
{
	(void)state;
	char path[64];
	write_file(path, "threads = 4\nlog_level = warn\n");
	setenv("LINLI_THREADS", "8", 1);
	struct config c;
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, path, NULL), ERR_OK);
	assert_int_equal(config_load_env(&c, NULL), ERR_OK);
	unlink(path);
	clear_env(NULL);
	assert_int_equal(c.threads, 8);            /* env over file */
	assert_string_equal(c.log_level, "warn");  /* file over default */
	assert_int_equal(c.max_connections, LIMIT_CONNECTIONS); /* default */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_key_table_consistent),
		cmocka_unit_test(test_set_text_keys),
		cmocka_unit_test(test_set_threads),
		cmocka_unit_test(test_set_max_connections),
		cmocka_unit_test(test_set_db_pool),
		cmocka_unit_test(test_set_rate_limit),
		cmocka_unit_test(test_set_log_level),
		cmocka_unit_test(test_set_office_hours),
		cmocka_unit_test(test_set_timezone),
		cmocka_unit_test(test_set_unknown_key),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_load_file_errors_name_path_line),
		cmocka_unit_test(test_load_file_long_comment),
		cmocka_unit_test(test_load_file_missing),
		cmocka_unit_test_setup(test_load_env, clear_env),
		cmocka_unit_test_setup(test_load_env_bad_value, clear_env),
		cmocka_unit_test_setup(test_precedence_file_then_env, clear_env),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
