/* Unit tests for src/auth/audit.c (and the SQL of src/store/audit.c) on a
 * fresh migrated database of the environment's backend (../store/fixture.h:
 * PostgreSQL when LINLI_TEST_PG is set, else SQLite). Appending builds a
 * chain that verifies; changing any field of a row, removing a row, or
 * changing a hash and the next row's link names the broken row (a rewrite
 * with recomputed hashes, or the newest rows cut off, it cannot see:
 * docs/SECURITY.md); appends from many threads keep the chain whole; long
 * UTF-8 fields are cut on a character; search filters by login, action,
 * object, outcome and time, and pages backwards with before_id. */
#include "testutil.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store/fixture.h"
#include "auth/audit.c"
#include "auth/users.h"
#include "util/log.h"
#include "util/utf8.h"

/* --- helpers --------------------------------------------------------------------- */

static struct store *st_of(void **state)
{
	return ((struct fx_db *)*state)->st;
}

struct sql_ctx {
	const char *sql;
	const struct store_val *p;
	int np;
	int64_t changed;
};

static enum err sql_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct sql_ctx *x = arg;
	return store_exec(c, x->sql, x->p, x->np, &x->changed, ei);
}

/* Runs one statement in a write of its own (what an intruder with the
 * database's password could do); the rows it changed. */
static int64_t exec_sql(struct store *st, const char *sql, const struct store_val *p, int np)
{
	struct sql_ctx x = {sql, p, np, 0};
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = store_write(st, sql_fn, &x, &ei);
	if (rc != ERR_OK)
		fail_msg("%s: %d %s", sql, rc, ei.message);
	return x.changed;
}

static struct audit_verdict verify(struct store *st)
{
	struct audit_verdict v;
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = audit_verify(st, &v, &ei);
	if (rc != ERR_OK)
		fail_msg("audit_verify: %d %s", rc, ei.message);
	return v;
}

static void assert_intact(struct store *st, int64_t rows)
{
	struct audit_verdict v = verify(st);
	if (v.broken_id != 0)
		fail_msg("chain broken at %lld: %s", (long long)v.broken_id, v.reason);
	assert_int_equal(v.rows, rows);
}

static void assert_broken_at(struct store *st, int64_t id)
{
	struct audit_verdict v = verify(st);
	if (v.broken_id != id)
		fail_msg("broken_id %lld (%s), want %lld", (long long)v.broken_id, v.reason, (long long)id);
	assert_true(v.reason[0] != '\0');
	char want[32];
	snprintf(want, sizeof want, "row %lld ", (long long)id);
	if (strstr(v.reason, want) == NULL)
		fail_msg("the reason does not name row %lld: %s", (long long)id, v.reason);
}

/* Rows collected from audit_search (newest first). */
#define MAXROWS 256
struct rows {
	int n;
	struct audit_row r[MAXROWS];
};

static void collect(void *ctx, const struct audit_row *a)
{
	struct rows *rs = ctx;
	if (rs->n < MAXROWS)
		rs->r[rs->n++] = *a;
}

static struct rows *search(struct store *st, struct audit_filter f)
{
	struct rows *rs = calloc(1, sizeof *rs);
	assert_non_null(rs);
	if (f.limit == 0)
		f.limit = MAXROWS;
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = audit_search(st, &f, collect, rs, &ei);
	if (rc != ERR_OK) {
		free(rs);
		fail_msg("audit_search: %d %s", rc, ei.message);
	}
	return rs;
}

/* Every row, oldest first (ids ascending). */
static struct rows *all_rows(struct store *st)
{
	struct rows *rs = search(st, (struct audit_filter){.limit = MAXROWS});
	for (int i = 0; i < rs->n / 2; i++) {
		struct audit_row t = rs->r[i];
		rs->r[i] = rs->r[rs->n - 1 - i];
		rs->r[rs->n - 1 - i] = t;
	}
	return rs;
}

/* n rows in their own transactions, as a user, the command line and an
 * anonymous caller in turn. */
static void append_rows(struct store *st, int n)
{
	struct identity user;
	memset(&user, 0, sizeof user);
	user.user_id = 42;
	snprintf(user.login, sizeof user.login, "wangli");
	struct identity cli;
	users_cli_identity(&cli);
	for (int i = 0; i < n; i++) {
		struct actor a = {.address = "10.0.0.9", .request_id = "req-1"};
		switch (i % 3) {
		case 0: a.who = &user; break;
		case 1: a.who = &cli; a.login = "cli"; break;
		default: a.login = "nobody-tried"; break;
		}
		char object[32], detail[64];
		snprintf(object, sizeof object, "calendar:2026-10-%02d", i % 28 + 1);
		snprintf(detail, sizeof detail, "row %d", i);
		assert_int_equal(audit_record(st, &a, i % 2 ? "calendar.set" : "session.login", object,
		                              i % 4 == 3 ? "denied" : "ok", detail),
		                 ERR_OK);
	}
}

/* --- appending and verifying -------------------------------------------------------- */

static void test_verify_empty(void **state)
{
	assert_intact(st_of(state), 0);
}

static void test_append_chain(void **state)
{
	struct store *st = st_of(state);
	append_rows(st, 12);
	assert_intact(st, 12);
	struct rows *rs = all_rows(st);
	assert_int_equal(rs->n, 12);
	char zeros[CRYPTO_HASH_HEX];
	memset(zeros, '0', 64);
	zeros[64] = '\0';
	assert_string_equal(rs->r[0].prev_hash, zeros);
	for (int i = 0; i < rs->n; i++) {
		const struct audit_row *a = &rs->r[i];
		assert_int_equal(strlen(a->hash), 64);
		if (i > 0) {
			assert_string_equal(a->prev_hash, rs->r[i - 1].hash);
			assert_true(a->id > rs->r[i - 1].id);
		}
		char detail[64];
		snprintf(detail, sizeof detail, "row %d", i);
		assert_string_equal(a->detail, detail);
		assert_string_equal(a->address, "10.0.0.9");
		assert_string_equal(a->request_id, "req-1");
		assert_int_equal(strlen(a->at), 24); /* 2026-11-23T08:00:00.123Z */
		assert_int_equal(a->at[23], 'Z');
		switch (i % 3) {
		case 0:
			assert_int_equal(a->user_id, 42);
			assert_string_equal(a->login, "wangli");
			break;
		case 1: /* the command line: no user id, login "cli" */
			assert_int_equal(a->user_id, 0);
			assert_string_equal(a->login, "cli");
			break;
		default:
			assert_int_equal(a->user_id, 0);
			assert_string_equal(a->login, "nobody-tried");
		}
	}
	free(rs);
}

/* A NULL actor, object and detail are empty text, and still chain. */
static void test_append_nulls(void **state)
{
	struct store *st = st_of(state);
	assert_int_equal(audit_record(st, NULL, "system.start", NULL, "ok", NULL), ERR_OK);
	struct actor a = {0};
	assert_int_equal(audit_record(st, &a, "system.stop", NULL, "ok", NULL), ERR_OK);
	assert_intact(st, 2);
	struct rows *rs = all_rows(st);
	assert_string_equal(rs->r[0].login, "");
	assert_string_equal(rs->r[0].object, "");
	assert_string_equal(rs->r[0].detail, "");
	assert_string_equal(rs->r[1].address, "");
	free(rs);
}

struct append_then_fail {
	bool fail;
};

static enum err append_then_fail_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct append_then_fail *x = arg;
	struct actor a = {.login = "cli"};
	enum err rc = audit_append(c, &a, "calendar.set", "calendar:2026-10-01", "ok", "", ei);
	if (rc != ERR_OK)
		return rc;
	return x->fail ? err_set(ei, ERR_UNPROCESSABLE, NULL, "the change itself failed") : ERR_OK;
}

/* audit_append commits or rolls back with the caller's transaction. */
static void test_append_in_callers_transaction(void **state)
{
	struct store *st = st_of(state);
	struct append_then_fail ok = {false}, bad = {true};
	assert_int_equal(store_write(st, append_then_fail_fn, &ok, NULL), ERR_OK);
	assert_int_equal(store_write(st, append_then_fail_fn, &bad, NULL), ERR_UNPROCESSABLE);
	assert_int_equal(store_write(st, append_then_fail_fn, &ok, NULL), ERR_OK);
	assert_intact(st, 2);
}

/* Fields longer than their columns are cut, but on a character boundary:
 * a login typed at the login form (up to 64 characters, so up to 256
 * bytes) or a long detail must still give a row, valid UTF-8, on both
 * backends (PostgreSQL refuses a cut multi-byte character outright). */
static void test_append_long_utf8_fields(void **state)
{
	struct store *st = st_of(state);
	char login[64 * 3 + 1] = "", detail[300 * 3 + 1] = "";
	for (int i = 0; i < 64; i++)
		strcat(login, "王");
	for (int i = 0; i < 300; i++)
		strcat(detail, "节");
	struct actor a = {.login = login, .address = "10.0.0.1"};
	enum err rc = audit_record(st, &a, "session.login_failed", "", "failed", detail);
	if (rc != ERR_OK)
		fail_msg("a row with a long UTF-8 login was not written: %d", rc);
	struct rows *rs = all_rows(st);
	assert_int_equal(rs->n, 1);
	bool login_ok = utf8_valid(rs->r[0].login, strlen(rs->r[0].login), NULL);
	bool detail_ok = utf8_valid(rs->r[0].detail, strlen(rs->r[0].detail), NULL);
	size_t ll = strlen(rs->r[0].login);
	free(rs);
	if (!login_ok || !detail_ok)
		fail_msg("stored login (%zu bytes) or detail is cut inside a character", ll);
	assert_intact(st, 1);
}

struct appender {
	struct store *st;
	int id, n;
	int failed;
};

static void *appender_main(void *arg)
{
	struct appender *x = arg;
	char login[16];
	snprintf(login, sizeof login, "t%d", x->id);
	struct actor a = {.login = login};
	for (int i = 0; i < x->n; i++) {
		char detail[32];
		snprintf(detail, sizeof detail, "%d/%d", x->id, i);
		if (audit_record(x->st, &a, "calendar.set", "", "ok", detail) != ERR_OK)
			x->failed++;
	}
	return NULL;
}

/* Appends from many threads at once still form one chain: every row links
 * to the row before it in id order. */
static void test_concurrent_appends(void **state)
{
	struct store *st = st_of(state);
	enum { NT = 8, PER = 25 };
	pthread_t t[NT];
	struct appender x[NT];
	for (int i = 0; i < NT; i++) {
		x[i] = (struct appender){st, i, PER, 0};
		assert_int_equal(pthread_create(&t[i], NULL, appender_main, &x[i]), 0);
	}
	int failed = 0;
	for (int i = 0; i < NT; i++) {
		pthread_join(t[i], NULL);
		failed += x[i].failed;
	}
	assert_int_equal(failed, 0);
	assert_intact(st, NT * PER);
}

/* --- tampering ----------------------------------------------------------------------- */

/* The id of the k-th row (1-based, in id order). */
static int64_t id_at(struct store *st, int k)
{
	struct rows *rs = all_rows(st);
	assert_true(k >= 1 && k <= rs->n);
	int64_t id = rs->r[k - 1].id;
	free(rs);
	return id;
}

static void test_tamper_detail(void **state)
{
	struct store *st = st_of(state);
	append_rows(st, 10);
	int64_t id = id_at(st, 5);
	struct store_val p[] = {SV_TEXT("row 4, but nicer"), SV_INT(id)};
	assert_int_equal(exec_sql(st, "UPDATE audit_log SET detail = ? WHERE id = ?", p, 2), 1);
	assert_broken_at(st, id);
}

/* Every hashed column: a change to any of them is seen, and putting the
 * value back makes the chain whole again. */
static void test_tamper_each_column(void **state)
{
	struct store *st = st_of(state);
	append_rows(st, 6);
	int64_t id = id_at(st, 3); /* an anonymous caller's row (i = 2) */
	/* column, a changed value, the original value (SQL literals) */
	static const struct {
		const char *col, *set, *restore;
	} cols[] = {
		{"at", "'2020-01-01T00:00:00.000Z'", NULL},
		{"user_id", "1", "NULL"},
		{"login", "'wangli'", "'nobody-tried'"},
		{"address", "'10.0.0.8'", "'10.0.0.9'"},
		{"action", "'calendar.get'", "'session.login'"},
		{"object", "'calendar:2026-10-04'", "'calendar:2026-10-03'"},
		{"outcome", "'denied'", "'ok'"},
		{"request_id", "'req-2'", "'req-1'"},
		{"detail", "'row 3'", "'row 2'"},
	};
	struct rows *rs = all_rows(st);
	char at[40];
	snprintf(at, sizeof at, "'%s'", rs->r[2].at);
	free(rs);
	struct store_val p[] = {SV_INT(id)};
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
		char sql[160];
		snprintf(sql, sizeof sql, "UPDATE audit_log SET %s = %s WHERE id = ?", cols[i].col,
		         cols[i].set);
		assert_int_equal(exec_sql(st, sql, p, 1), 1);
		struct audit_verdict v = verify(st);
		if (v.broken_id != id)
			fail_msg("after \"%s\": broken_id %lld, want %lld", sql, (long long)v.broken_id,
			         (long long)id);
		snprintf(sql, sizeof sql, "UPDATE audit_log SET %s = %s WHERE id = ?", cols[i].col,
		         cols[i].restore ? cols[i].restore : at);
		assert_int_equal(exec_sql(st, sql, p, 1), 1);
		assert_intact(st, 6);
	}
}

/* A row removed from the middle: the next row no longer follows. */
static void test_delete_middle_row(void **state)
{
	struct store *st = st_of(state);
	append_rows(st, 10);
	int64_t id = id_at(st, 4), next = id_at(st, 5);
	struct store_val p[] = {SV_INT(id)};
	assert_int_equal(exec_sql(st, "DELETE FROM audit_log WHERE id = ?", p, 1), 1);
	assert_broken_at(st, next);
	struct audit_verdict v = verify(st);
	assert_non_null(strstr(v.reason, "does not follow"));
	/* the first row removed: the new first row does not start the chain */
	int64_t first = id_at(st, 1), second = id_at(st, 2);
	struct store_val q[] = {SV_INT(first)};
	assert_int_equal(exec_sql(st, "DELETE FROM audit_log WHERE id = ?", q, 1), 1);
	assert_broken_at(st, second);
}

/* A row's hash changed, and the next row's link changed to match: the row
 * no longer hashes to its hash. */
static void test_hash_changed_consistently(void **state)
{
	struct store *st = st_of(state);
	append_rows(st, 8);
	int64_t id = id_at(st, 3), next = id_at(st, 4);
	char fake[CRYPTO_HASH_HEX];
	crypto_hash_hex("forged", 6, fake);
	struct store_val p[] = {SV_TEXT(fake), SV_INT(id)};
	assert_int_equal(exec_sql(st, "UPDATE audit_log SET hash = ? WHERE id = ?", p, 2), 1);
	struct store_val q[] = {SV_TEXT(fake), SV_INT(next)};
	assert_int_equal(exec_sql(st, "UPDATE audit_log SET prev_hash = ? WHERE id = ?", q, 2), 1);
	assert_broken_at(st, id);
	struct audit_verdict v = verify(st);
	assert_non_null(strstr(v.reason, "changed"));
}

/* What the chain does not prove (docs/SECURITY.md): the hash is BLAKE2b
 * without a key, over fields and a format anyone can read here, so whoever
 * may write the database can change a row and recompute every hash after
 * it, and the chain verifies. Recorded so nobody relies on audit_verify for
 * that; only a copy of the newest hash kept outside the database shows it.
 * (A keyed chain would turn this test around.) */
static void test_rewrite_with_recomputed_hashes_not_visible_to_chain(void **state)
{
	struct store *st = st_of(state);
	append_rows(st, 6);
	struct rows *rs = all_rows(st);
	char head_before[CRYPTO_HASH_HEX];
	memcpy(head_before, rs->r[rs->n - 1].hash, sizeof head_before);
	/* rewrite row 3's detail, then re-link rows 3..6 exactly as the code does */
	snprintf(rs->r[2].detail, sizeof rs->r[2].detail, "nothing happened here");
	for (int i = 2; i < rs->n; i++) {
		struct audit_row *a = &rs->r[i];
		memcpy(a->prev_hash, rs->r[i - 1].hash, sizeof a->prev_hash);
		row_hash(a, a->hash);
		struct store_val p[] = {SV_TEXT(a->detail), SV_TEXT(a->prev_hash), SV_TEXT(a->hash),
		                        SV_INT(a->id)};
		assert_int_equal(exec_sql(st, "UPDATE audit_log SET detail = ?, prev_hash = ?, hash = ?"
		                              " WHERE id = ?",
		                          p, 4),
		                 1);
	}
	char head_after[CRYPTO_HASH_HEX];
	memcpy(head_after, rs->r[rs->n - 1].hash, sizeof head_after);
	free(rs);
	assert_intact(st, 6);
	/* what does show it: the newest hash differs from one recorded before */
	assert_string_not_equal(head_before, head_after);
}

/* What a chain alone cannot see either: the newest rows cut off
 * (docs/SECURITY.md; only a recorded newest hash shows it). */
static void test_truncation_not_visible_to_chain(void **state)
{
	struct store *st = st_of(state);
	append_rows(st, 5);
	int64_t last = id_at(st, 5);
	struct store_val p[] = {SV_INT(last)};
	assert_int_equal(exec_sql(st, "DELETE FROM audit_log WHERE id = ?", p, 1), 1);
	assert_intact(st, 4);
}

/* --- search ------------------------------------------------------------------------- */

/* Sets the time of the row with this id (search does not check hashes). */
static void set_at(struct store *st, int64_t id, const char *at)
{
	struct store_val p[] = {SV_TEXT(at), SV_INT(id)};
	assert_int_equal(exec_sql(st, "UPDATE audit_log SET at = ? WHERE id = ?", p, 2), 1);
}

static void test_search_filters(void **state)
{
	struct store *st = st_of(state);
	append_rows(st, 12); /* logins wangli/cli/nobody-tried by i % 3 */
	struct rows *rs = search(st, (struct audit_filter){0});
	assert_int_equal(rs->n, 12);
	for (int i = 1; i < rs->n; i++)
		assert_true(rs->r[i].id < rs->r[i - 1].id); /* newest first */
	free(rs);

	rs = search(st, (struct audit_filter){.login = "wangli"});
	assert_int_equal(rs->n, 4);
	for (int i = 0; i < rs->n; i++)
		assert_string_equal(rs->r[i].login, "wangli");
	free(rs);

	rs = search(st, (struct audit_filter){.action = "calendar.set"});
	assert_int_equal(rs->n, 6);
	for (int i = 0; i < rs->n; i++)
		assert_string_equal(rs->r[i].action, "calendar.set");
	free(rs);

	rs = search(st, (struct audit_filter){.outcome = "denied"}); /* i % 4 == 3: 3, 7, 11 */
	assert_int_equal(rs->n, 3);
	assert_string_equal(rs->r[0].detail, "row 11");
	free(rs);

	rs = search(st, (struct audit_filter){.object = "calendar:2026-10-05"});
	assert_int_equal(rs->n, 1);
	assert_string_equal(rs->r[0].detail, "row 4");
	free(rs);

	/* combined: AND */
	rs = search(st, (struct audit_filter){.login = "cli", .action = "calendar.set"}); /* 1, 7 */
	assert_int_equal(rs->n, 2);
	assert_string_equal(rs->r[0].detail, "row 7");
	assert_string_equal(rs->r[1].detail, "row 1");
	free(rs);

	/* exact matches only: no prefix, no wildcard */
	rs = search(st, (struct audit_filter){.login = "wang"});
	assert_int_equal(rs->n, 0);
	free(rs);
	rs = search(st, (struct audit_filter){.login = "%"});
	assert_int_equal(rs->n, 0);
	free(rs);
	rs = search(st, (struct audit_filter){.action = "calendar.%"});
	assert_int_equal(rs->n, 0);
	free(rs);
	rs = search(st, (struct audit_filter){.login = "' OR '1'='1"});
	assert_int_equal(rs->n, 0);
	free(rs);
}

static void test_search_time_range(void **state)
{
	struct store *st = st_of(state);
	append_rows(st, 5);
	static const char *const at[] = {"2026-01-01T00:00:00.000Z", "2026-01-02T00:00:00.000Z",
	                                 "2026-01-02T12:30:00.500Z", "2026-01-03T00:00:00.000Z",
	                                 "2026-01-04T00:00:00.000Z"};
	for (int k = 0; k < 5; k++)
		set_at(st, id_at(st, k + 1), at[k]);
	/* inclusive at both ends */
	struct rows *rs = search(st, (struct audit_filter){.from = "2026-01-02T00:00:00.000Z",
	                                                   .to = "2026-01-03T00:00:00.000Z"});
	assert_int_equal(rs->n, 3);
	assert_string_equal(rs->r[0].at, at[3]);
	assert_string_equal(rs->r[2].at, at[1]);
	free(rs);
	rs = search(st, (struct audit_filter){.from = "2026-01-02T12:30:00.501Z"});
	assert_int_equal(rs->n, 2);
	free(rs);
	rs = search(st, (struct audit_filter){.to = "2026-01-01T23:59:59.999Z"});
	assert_int_equal(rs->n, 1);
	assert_string_equal(rs->r[0].at, at[0]);
	free(rs);
	rs = search(st, (struct audit_filter){.from = "2027-01-01T00:00:00.000Z"});
	assert_int_equal(rs->n, 0);
	free(rs);
	/* from after to: nothing */
	rs = search(st, (struct audit_filter){.from = "2026-01-03T00:00:00.000Z",
	                                      .to = "2026-01-02T00:00:00.000Z"});
	assert_int_equal(rs->n, 0);
	free(rs);
}

/* Pages of limit rows backwards: before_id = the last id of the page before. */
static void test_search_paging(void **state)
{
	struct store *st = st_of(state);
	append_rows(st, 11);
	int64_t before = 0;
	int pages = 0, total = 0;
	int64_t prev_id = INT64_MAX;
	for (;;) {
		struct rows *rs = search(st, (struct audit_filter){.before_id = before, .limit = 4});
		assert_true(rs->n <= 4);
		for (int i = 0; i < rs->n; i++) {
			assert_true(rs->r[i].id < prev_id); /* no row twice, none out of order */
			prev_id = rs->r[i].id;
		}
		total += rs->n;
		int n = rs->n;
		if (n > 0)
			before = rs->r[n - 1].id;
		free(rs);
		if (n == 0)
			break;
		pages++;
		assert_true(pages <= 3);
	}
	assert_int_equal(pages, 3);
	assert_int_equal(total, 11);
	/* limit 1 is the newest row; paging combines with a filter */
	struct rows *rs = search(st, (struct audit_filter){.limit = 1});
	assert_int_equal(rs->n, 1);
	assert_string_equal(rs->r[0].detail, "row 10");
	int64_t newest = rs->r[0].id;
	free(rs);
	rs = search(st, (struct audit_filter){.login = "wangli", .before_id = newest, .limit = 2});
	assert_int_equal(rs->n, 2); /* wangli's rows are 0, 3, 6, 9 */
	assert_string_equal(rs->r[0].detail, "row 9");
	assert_string_equal(rs->r[1].detail, "row 6");
	free(rs);
}

int main(void)
{
	log_set_level(LOG_ERROR);
	fx_print_backend("test_audit");
	if (crypto_init() != ERR_OK)
		return 1;
#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup_migrated, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_verify_empty),
		T(test_append_chain),
		T(test_append_nulls),
		T(test_append_in_callers_transaction),
		T(test_append_long_utf8_fields),
		T(test_concurrent_appends),
		T(test_tamper_detail),
		T(test_tamper_each_column),
		T(test_delete_middle_row),
		T(test_hash_changed_consistently),
		T(test_rewrite_with_recomputed_hashes_not_visible_to_chain),
		T(test_truncation_not_visible_to_chain),
		T(test_search_filters),
		T(test_search_time_range),
		T(test_search_paging),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
