/* Unit tests for src/auth/session.c on a fresh migrated database of the
 * environment's backend (../store/fixture.h): logging in (and the same
 * answer for an unknown login and a wrong password), lock-out after
 * failures and its end, disabled accounts, per-request authentication by
 * session (CSRF on unsafe requests, idle and absolute timeouts) and by API
 * key (revocation), logging out here and everywhere, and changing one's
 * own password. Every case checks the audit rows it leaves and that the
 * chain still verifies. */
#include "testutil.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../store/fixture.h"
#include "app.h"
#include "auth/audit.h"
#include "auth/identity_cache.h"
#include "auth/session.h"
#include "auth/users.h"
#include "store/audit.h"
#include "util/clock.h"
#include "util/log.h"

#define LOGIN "wangli"
#define PASSWORD "Dongcheng-2026"

struct env {
	struct fx_db fx;
	struct app app;
	char keydir[64], keypath[96];
	struct identity cli;
	struct actor cli_actor;
	struct identity anon;  /* what the HTTP layer passes before anyone logs in */
	struct actor from;     /* an anonymous caller at 10.1.2.3 */
	int64_t uid;           /* LOGIN's id */
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof *e);
	*state = NULL;
	if (e == NULL)
		return -1;
	struct store_options opt = {.readers = 2, .pool_size = 4, .create = true};
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = ERR_INTERNAL;
	snprintf(e->keydir, sizeof e->keydir, "/tmp/linli-session-XXXXXX");
	if (mkdtemp(e->keydir) == NULL) {
		free(e);
		return -1;
	}
	snprintf(e->keypath, sizeof e->keypath, "%s/master.key", e->keydir);
	if (fx_db_create(&e->fx, fx_default_backend()) == 0 &&
	    (rc = fx_db_open_opt(&e->fx, &opt, &ei)) == ERR_OK &&
	    (rc = store_migrate(e->fx.st, NULL, &ei)) == ERR_OK &&
	    (rc = crypto_keys_load(e->keypath, true, &e->app.keys, &ei)) == ERR_OK) {
		e->app.store = e->fx.st;
		auth_policy_defaults(&e->app.policy);
		rc = roles_seed(&e->app, &ei);
	}
	if (rc == ERR_OK) {
		users_cli_identity(&e->cli);
		e->cli_actor =
			(struct actor){.who = &e->cli, .login = "cli", .address = "", .request_id = ""};
		e->from = (struct actor){.who = &e->anon, .login = e->anon.login, .address = "10.1.2.3",
		                         .request_id = "req-login"};
		struct user_input in = {.login = LOGIN, .display_name = "王丽", .password = PASSWORD,
		                        .set_grants = true, .nroles = 1, .nscopes = 1};
		snprintf(in.roles[0], sizeof in.roles[0], "district_staff");
		snprintf(in.scopes[0], sizeof in.scopes[0], "110105");
		struct user_row u;
		rc = users_create(&e->app, &e->cli_actor, &in, &u, &ei);
		e->uid = u.id;
	}
	if (rc != ERR_OK) {
		print_message("# setting up %s: %d %s\n", e->fx.url, rc, ei.message);
		fx_db_destroy(&e->fx);
		unlink(e->keypath);
		rmdir(e->keydir);
		free(e);
		return -1;
	}
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	if (e == NULL)
		return 0;
	fx_db_destroy(&e->fx);
	unlink(e->keypath);
	rmdir(e->keydir);
	free(e);
	return 0;
}

/* --- helpers ---------------------------------------------------------------------- */

struct sql_ctx {
	const char *sql;
	const struct store_val *p;
	int np;
	int64_t v;
};

static enum err sql_int_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct sql_ctx *x = arg;
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, x->sql, x->p, x->np, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	x->v = r == 1 ? store_col_int(s, 0) : -1;
	store_done(s);
	return r < 0 ? (enum err)-r : ERR_OK;
}

/* A one-value query's integer (-1 for no row). */
static int64_t sql_int(struct env *e, const char *sql, const struct store_val *p, int np)
{
	struct sql_ctx x = {sql, p, np, -1};
	struct errinfo ei;
	err_clear(&ei);
	if (store_read(e->app.store, sql_int_fn, &x, &ei) != ERR_OK)
		fail_msg("%s: %s", sql, ei.message);
	return x.v;
}

static enum err sql_exec_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct sql_ctx *x = arg;
	return store_exec(c, x->sql, x->p, x->np, &x->v, ei);
}

static int64_t sql_exec(struct env *e, const char *sql, const struct store_val *p, int np)
{
	struct sql_ctx x = {sql, p, np, 0};
	struct errinfo ei;
	err_clear(&ei);
	if (store_write(e->app.store, sql_exec_fn, &x, &ei) != ERR_OK)
		fail_msg("%s: %s", sql, ei.message);
	return x.v;
}

static int64_t sessions_of(struct env *e, int64_t uid)
{
	struct store_val p[] = {SV_INT(uid)};
	return sql_int(e, "SELECT COUNT(*) FROM session WHERE user_id = ?", p, 1);
}

/* Audit rows (newest first), with a filter. */
#define MAXROWS 64
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

static struct rows *audit(struct env *e, const char *action, const char *outcome)
{
	struct rows *rs = calloc(1, sizeof *rs);
	assert_non_null(rs);
	struct audit_filter f = {.action = action, .outcome = outcome, .limit = MAXROWS};
	assert_int_equal(audit_search(e->app.store, &f, collect, rs, NULL), ERR_OK);
	return rs;
}

/* How many rows of this action and outcome. */
static int audit_count(struct env *e, const char *action, const char *outcome)
{
	struct rows *rs = audit(e, action, outcome);
	int n = rs->n;
	free(rs);
	return n;
}

static void assert_chain(struct env *e)
{
	struct audit_verdict v;
	assert_int_equal(audit_verify(e->app.store, &v, NULL), ERR_OK);
	if (v.broken_id != 0)
		fail_msg("audit chain broken at %lld: %s", (long long)v.broken_id, v.reason);
	assert_true(v.rows > 0);
}

static enum err login(struct env *e, const char *lg, const char *pw, struct login_result *out,
                      struct errinfo *ei)
{
	err_clear(ei);
	memset(out, 0, sizeof *out);
	return auth_login(&e->app, lg, pw, &e->from, out, ei);
}

static void login_ok(struct env *e, struct login_result *out)
{
	struct errinfo ei;
	enum err rc = login(e, LOGIN, PASSWORD, out, &ei);
	if (rc != ERR_OK)
		fail_msg("login: %d %s", rc, ei.message);
}

/* auth_authenticate with a session token. */
static enum err by_token(struct env *e, const char *token, bool unsafe, const char *csrf,
                         struct identity *id, struct errinfo *ei)
{
	struct credentials cr = {.session_token = token, .unsafe = unsafe, .csrf = csrf,
	                         .address = "10.1.2.3", .request_id = "req-auth"};
	err_clear(ei);
	return auth_authenticate(&e->app, &cr, id, ei);
}

static enum err by_key(struct env *e, const char *key, bool unsafe, struct identity *id,
                       struct errinfo *ei)
{
	struct credentials cr = {.bearer = key, .unsafe = unsafe, .address = "10.1.2.3",
	                         .request_id = "req-key"};
	err_clear(ei);
	return auth_authenticate(&e->app, &cr, id, ei);
}

/* The actor of a logged-in identity, as the HTTP layer builds it. */
static struct actor actor_of(const struct identity *id)
{
	return (struct actor){.who = id, .login = id->login, .address = "10.1.2.3", .request_id = "r"};
}

/* --- logging in ------------------------------------------------------------------------ */

static void test_login_ok(void **state)
{
	struct env *e = *state;
	struct login_result res;
	int64_t before = clock_now();
	login_ok(e, &res);
	assert_int_equal(strlen(res.token), 43);
	assert_int_equal(res.id.user_id, e->uid);
	assert_string_equal(res.id.login, LOGIN);
	assert_string_equal(res.id.display_name, "王丽");
	assert_false(res.id.via_key);
	assert_int_equal(strlen(res.id.csrf), 43);
	assert_string_not_equal(res.id.csrf, res.token);
	assert_true(identity_has(&res.id, "calendar.read"));
	assert_true(identity_has(&res.id, "calendar.manage"));
	assert_true(identity_has(&res.id, "user.read"));
	assert_false(identity_has(&res.id, "user.manage"));
	assert_int_equal(res.id.nroles, 1);
	assert_string_equal(res.id.roles[0], "district_staff");
	assert_int_equal(res.id.nscopes, 1);
	assert_string_equal(res.id.scopes[0], "110105");
	assert_true(res.expires_at >= before + e->app.policy.session_max_s);
	assert_true(res.expires_at <= clock_now() + e->app.policy.session_max_s);
	/* one session, stored by the token's hash, never the token */
	assert_int_equal(sessions_of(e, e->uid), 1);
	char h[CRYPTO_HASH_HEX];
	crypto_hash_hex(res.token, strlen(res.token), h);
	struct store_val p[] = {SV_TEXT(h)}, q[] = {SV_TEXT(res.token)};
	assert_int_equal(sql_int(e, "SELECT COUNT(*) FROM session WHERE token_hash = ?", p, 1), 1);
	assert_int_equal(sql_int(e, "SELECT COUNT(*) FROM session WHERE token_hash = ?", q, 1), 0);
	assert_string_equal(res.id.session_hash, h);
	/* audited as the user, from the caller's address */
	struct rows *rs = audit(e, "session.login", "ok");
	assert_int_equal(rs->n, 1);
	assert_int_equal(rs->r[0].user_id, e->uid);
	assert_string_equal(rs->r[0].login, LOGIN);
	assert_string_equal(rs->r[0].address, "10.1.2.3");
	assert_string_equal(rs->r[0].request_id, "req-login");
	char object[32];
	snprintf(object, sizeof object, "user:%lld", (long long)e->uid);
	assert_string_equal(rs->r[0].object, object);
	free(rs);
	/* a second login is a second session with other tokens */
	struct login_result res2;
	login_ok(e, &res2);
	assert_string_not_equal(res.token, res2.token);
	assert_string_not_equal(res.id.csrf, res2.id.csrf);
	assert_int_equal(sessions_of(e, e->uid), 2);
	assert_chain(e);
}

/* An unknown login and a wrong password get the same answer. */
static void test_login_wrong_password_and_unknown_login(void **state)
{
	struct env *e = *state;
	struct login_result res;
	struct errinfo wrong, unknown;
	assert_int_equal(login(e, LOGIN, "Dongcheng-2025", &res, &wrong), ERR_UNAUTHORIZED);
	assert_int_equal(login(e, "zhangsan", "Dongcheng-2026", &res, &unknown), ERR_UNAUTHORIZED);
	assert_string_equal(wrong.message, unknown.message);
	assert_string_equal(wrong.field, unknown.field);
	assert_int_equal(res.id.user_id, 0);
	assert_string_equal(res.token, "");
	assert_int_equal(sessions_of(e, e->uid), 0);
	/* the password is case-sensitive and exact */
	assert_int_equal(login(e, LOGIN, "dongcheng-2026", &res, &wrong), ERR_UNAUTHORIZED);
	assert_int_equal(login(e, LOGIN, "", &res, &wrong), ERR_UNAUTHORIZED);
	/* the failure counts on the user */
	struct store_val p[] = {SV_INT(e->uid)};
	assert_int_equal(sql_int(e, "SELECT failed_count FROM app_user WHERE id = ?", p, 1), 3);
	assert_int_equal(audit_count(e, "session.login_failed", "failed"), 4);
	assert_chain(e);
}

/* The failed-login rows name the login that was tried, so an auditor's
 * search by user finds them: for an unknown login and for a wrong password. */
static void test_login_failed_rows_name_the_login(void **state)
{
	struct env *e = *state;
	struct login_result res;
	struct errinfo ei;
	assert_int_equal(login(e, "zhangsan", PASSWORD, &res, &ei), ERR_UNAUTHORIZED);
	assert_int_equal(login(e, LOGIN, "Dongcheng-2025", &res, &ei), ERR_UNAUTHORIZED);
	struct rows *rs = audit(e, "session.login_failed", "failed");
	assert_int_equal(rs->n, 2);
	char login1[300], login0[300], addr[80];
	snprintf(login1, sizeof login1, "%s", rs->r[1].login);
	snprintf(login0, sizeof login0, "%s", rs->r[0].login);
	snprintf(addr, sizeof addr, "%s", rs->r[0].address);
	free(rs);
	assert_string_equal(login1, "zhangsan");
	assert_string_equal(addr, "10.1.2.3");
	if (strcmp(login0, LOGIN) != 0)
		fail_msg("the wrong-password row names login \"%s\", not \"%s\"", login0, LOGIN);
}

/* Five failures lock; then even the right password is refused with
 * ERR_FORBIDDEN on "login", and nothing counts while locked. */
static void test_lockout(void **state)
{
	struct env *e = *state;
	struct login_result res, before;
	struct errinfo ei;
	struct apikey_row k;
	char key[APIKEY_MAX];
	login_ok(e, &before); /* a session from before the guessing */
	assert_int_equal(apikeys_create(&e->app, &e->cli_actor, "sync", e->uid, &k, key, NULL), ERR_OK);
	for (int i = 0; i < 4; i++)
		assert_int_equal(login(e, LOGIN, "Wrong-pass-1", &res, &ei), ERR_UNAUTHORIZED);
	/* four failures: not locked yet */
	struct store_val p[] = {SV_INT(e->uid)};
	assert_int_equal(sql_int(e, "SELECT locked_until FROM app_user WHERE id = ?", p, 1), 0);
	int64_t now = clock_now();
	assert_int_equal(login(e, LOGIN, "Wrong-pass-1", &res, &ei), ERR_UNAUTHORIZED); /* the fifth */
	int64_t until = sql_int(e, "SELECT locked_until FROM app_user WHERE id = ?", p, 1);
	assert_true(until >= now + e->app.policy.lock_duration_s);
	assert_true(until <= clock_now() + e->app.policy.lock_duration_s);
	struct rows *rs = audit(e, "session.login_failed", "failed");
	assert_int_equal(rs->n, 5);
	assert_non_null(strstr(rs->r[0].detail, "locked"));
	free(rs);
	/* locked: the right password is refused, and says why */
	assert_int_equal(login(e, LOGIN, PASSWORD, &res, &ei), ERR_FORBIDDEN);
	assert_string_equal(ei.field, "login");
	assert_int_equal(res.id.user_id, 0);
	assert_int_equal(sessions_of(e, e->uid), 1); /* only the one from before */
	assert_int_equal(login(e, LOGIN, "Wrong-pass-1", &res, &ei), ERR_FORBIDDEN);
	assert_string_equal(ei.field, "login");
	/* the lock is not extended by attempts while locked */
	assert_int_equal(sql_int(e, "SELECT locked_until FROM app_user WHERE id = ?", p, 1), until);
	assert_int_equal(audit_count(e, "session.login_failed", "failed"), 7);
	assert_int_equal(audit_count(e, "session.login", "ok"), 1);
	/* the lock stops new logins only: anyone could otherwise cut off a user
	 * or an integration by guessing five times */
	struct identity id;
	assert_int_equal(by_token(e, before.token, false, NULL, &id, &ei), ERR_OK);
	assert_int_equal(by_key(e, key, false, &id, &ei), ERR_OK);
	/* an administrator unlocks (audited as an unlock): the failures are cleared */
	struct user_input in = {.status = "active"};
	struct user_row u;
	assert_int_equal(users_update(&e->app, &e->cli_actor, e->uid, &in, &u, NULL), ERR_OK);
	assert_int_equal(audit_count(e, "user.unlock", "ok"), 1);
	assert_int_equal(sql_int(e, "SELECT locked_until FROM app_user WHERE id = ?", p, 1), 0);
	login_ok(e, &res);
	assert_chain(e);
}

/* The lock ends by itself after lock_duration_s; failures spread wider than
 * lock_window_s never lock. */
static void test_lock_expires_and_window(void **state)
{
	struct env *e = *state;
	e->app.policy.lock_failures = 2;
	e->app.policy.lock_duration_s = 2; /* 1 s could end before the next ~70 ms attempt */
	struct login_result res;
	struct errinfo ei;
	assert_int_equal(login(e, LOGIN, "Wrong-pass-1", &res, &ei), ERR_UNAUTHORIZED);
	assert_int_equal(login(e, LOGIN, "Wrong-pass-1", &res, &ei), ERR_UNAUTHORIZED);
	assert_int_equal(login(e, LOGIN, PASSWORD, &res, &ei), ERR_FORBIDDEN);
	sleep(3);
	login_ok(e, &res);
	/* the count starts again after a success */
	struct store_val p[] = {SV_INT(e->uid)};
	assert_int_equal(sql_int(e, "SELECT failed_count FROM app_user WHERE id = ?", p, 1), 0);
	/* failures older than the window are forgotten */
	e->app.policy.lock_window_s = 60;
	assert_int_equal(login(e, LOGIN, "Wrong-pass-1", &res, &ei), ERR_UNAUTHORIZED);
	sql_exec(e, "UPDATE app_user SET failed_since = failed_since - 61 WHERE id = ?", p, 1);
	assert_int_equal(login(e, LOGIN, "Wrong-pass-1", &res, &ei), ERR_UNAUTHORIZED);
	assert_int_equal(sql_int(e, "SELECT locked_until FROM app_user WHERE id = ?", p, 1), 0);
	login_ok(e, &res);
	assert_chain(e);
}

/* A disabled (or administratively locked) account: refused with the right
 * password, its sessions ended, its API keys refused. */
static void test_disabled_refused(void **state)
{
	struct env *e = *state;
	struct login_result res;
	struct errinfo ei;
	login_ok(e, &res);
	struct apikey_row k;
	char key[APIKEY_MAX];
	assert_int_equal(apikeys_create(&e->app, &e->cli_actor, "sync", e->uid, &k, key, NULL), ERR_OK);
	struct user_input in = {.status = "disabled"};
	struct user_row u;
	assert_int_equal(users_update(&e->app, &e->cli_actor, e->uid, &in, &u, NULL), ERR_OK);
	assert_int_equal(login(e, LOGIN, PASSWORD, &res, &ei), ERR_FORBIDDEN);
	assert_string_equal(ei.field, "login");
	assert_int_equal(sessions_of(e, e->uid), 0);
	struct identity id;
	assert_int_equal(by_key(e, key, false, &id, &ei), ERR_UNAUTHORIZED);
	assert_int_equal(id.user_id, 0);
	/* locked by an administrator: the same */
	in.status = "locked";
	assert_int_equal(users_update(&e->app, &e->cli_actor, e->uid, &in, &u, NULL), ERR_OK);
	assert_int_equal(login(e, LOGIN, PASSWORD, &res, &ei), ERR_FORBIDDEN);
	assert_string_equal(ei.field, "login");
	/* active again */
	in.status = "active";
	assert_int_equal(users_update(&e->app, &e->cli_actor, e->uid, &in, &u, NULL), ERR_OK);
	login_ok(e, &res);
	assert_int_equal(by_key(e, key, false, &id, &ei), ERR_OK);
	assert_int_equal(audit_count(e, "user.lock", "ok"), 2);
	assert_int_equal(audit_count(e, "user.unlock", "ok"), 1);
	assert_int_equal(audit_count(e, "session.login_failed", "failed"), 2);
	assert_chain(e);
}

/* --- per-request authentication: sessions ----------------------------------------------- */

static void test_authenticate_session(void **state)
{
	struct env *e = *state;
	struct login_result res;
	struct identity id;
	struct errinfo ei;
	login_ok(e, &res);
	assert_int_equal(by_token(e, res.token, false, NULL, &id, &ei), ERR_OK);
	assert_int_equal(id.user_id, e->uid);
	assert_string_equal(id.login, LOGIN);
	assert_false(id.via_key);
	assert_true(identity_has(&id, "calendar.manage"));
	assert_string_equal(id.csrf, res.id.csrf);
	assert_string_equal(id.session_hash, res.id.session_hash);
	assert_int_equal(auth_session_expires(&e->app, &id), res.expires_at);
	/* no credentials: nobody, and no error */
	struct credentials none = {.address = "10.1.2.3"};
	memset(&id, 0x55, sizeof id);
	assert_int_equal(auth_authenticate(&e->app, &none, &id, NULL), ERR_OK);
	assert_int_equal(id.user_id, 0);
	assert_int_equal(id.ncaps, 0);
	/* an unknown token, a token's hash, an empty token */
	char other[CRYPTO_TOKEN_CHARS];
	crypto_token(other);
	assert_int_equal(by_token(e, other, false, NULL, &id, &ei), ERR_UNAUTHORIZED);
	assert_int_equal(id.user_id, 0);
	assert_int_equal(id.ncaps, 0);
	assert_int_equal(by_token(e, res.id.session_hash, false, NULL, &id, &ei), ERR_UNAUTHORIZED);
	assert_int_equal(by_token(e, "", false, NULL, &id, &ei), ERR_UNAUTHORIZED);
	assert_chain(e);
}

/* An unsafe request with the cookie needs the session's CSRF token. */
static void test_csrf(void **state)
{
	struct env *e = *state;
	struct login_result res, res2;
	struct identity id;
	struct errinfo ei;
	login_ok(e, &res);
	login_ok(e, &res2);
	assert_int_equal(by_token(e, res.token, true, NULL, &id, &ei), ERR_FORBIDDEN);
	assert_string_equal(ei.field, "x-csrf-token");
	assert_int_equal(by_token(e, res.token, true, "", &id, &ei), ERR_FORBIDDEN);
	assert_string_equal(ei.field, "x-csrf-token");
	assert_int_equal(by_token(e, res.token, true, res2.id.csrf, &id, &ei), ERR_FORBIDDEN);
	assert_string_equal(ei.field, "x-csrf-token"); /* another session's token */
	char cut[CRYPTO_TOKEN_CHARS];
	snprintf(cut, sizeof cut, "%.42s", res.id.csrf);
	assert_int_equal(by_token(e, res.token, true, cut, &id, &ei), ERR_FORBIDDEN);
	assert_int_equal(by_token(e, res.token, true, res.id.csrf, &id, &ei), ERR_OK);
	assert_int_equal(id.user_id, e->uid);
	/* safe requests need none */
	assert_int_equal(by_token(e, res.token, false, NULL, &id, &ei), ERR_OK);
	struct rows *rs = audit(e, "access.denied", "denied");
	assert_int_equal(rs->n, 4);
	assert_int_equal(rs->r[0].user_id, e->uid);
	assert_string_equal(rs->r[0].request_id, "req-auth");
	free(rs);
	assert_chain(e);
}

/* Idle for longer than session_idle_s: refused, the session row removed,
 * and the expiry audited. */
static void test_idle_timeout(void **state)
{
	struct env *e = *state;
	e->app.policy.session_idle_s = 1;
	struct login_result res;
	struct identity id;
	struct errinfo ei;
	login_ok(e, &res);
	assert_int_equal(by_token(e, res.token, false, NULL, &id, &ei), ERR_OK);
	sleep(2);
	assert_int_equal(by_token(e, res.token, false, NULL, &id, &ei), ERR_UNAUTHORIZED);
	assert_int_equal(id.user_id, 0);
	assert_int_equal(sessions_of(e, e->uid), 0);
	struct rows *rs = audit(e, "session.expired", "ok");
	assert_int_equal(rs->n, 1);
	assert_int_equal(rs->r[0].user_id, e->uid);
	free(rs);
	/* and stays refused */
	e->app.policy.session_idle_s = 3600;
	assert_int_equal(by_token(e, res.token, false, NULL, &id, &ei), ERR_UNAUTHORIZED);
	assert_chain(e);
}

/* The boundary, with the clock moved in the database instead of waiting:
 * idle a second under session_idle_s is still alive (and the use moves
 * last_seen_at on), two seconds over is not. */
static void test_idle_boundary(void **state)
{
	struct env *e = *state;
	struct login_result a, b;
	struct identity id;
	struct errinfo ei;
	login_ok(e, &a);
	login_ok(e, &b);
	int64_t idle = e->app.policy.session_idle_s;
	struct store_val pa[] = {SV_INT(idle - 1), SV_TEXT(a.id.session_hash)};
	sql_exec(e, "UPDATE session SET last_seen_at = last_seen_at - ? WHERE token_hash = ?", pa, 2);
	assert_int_equal(by_token(e, a.token, false, NULL, &id, &ei), ERR_OK);
	/* used: last_seen_at moved on (touched at most once a minute; this was ~idle ago) */
	struct store_val pw[] = {SV_TEXT(a.id.session_hash)};
	assert_true(sql_int(e, "SELECT last_seen_at FROM session WHERE token_hash = ?", pw, 1) >=
	            clock_now() - 1);
	struct store_val pb[] = {SV_INT(idle + 2), SV_TEXT(b.id.session_hash)};
	sql_exec(e, "UPDATE session SET last_seen_at = last_seen_at - ? WHERE token_hash = ?", pb, 2);
	assert_int_equal(by_token(e, b.token, false, NULL, &id, &ei), ERR_UNAUTHORIZED);
	assert_int_equal(by_token(e, a.token, false, NULL, &id, &ei), ERR_OK);
	assert_int_equal(sessions_of(e, e->uid), 1);
	assert_chain(e);
}

/* "Idle" is time since the last request. With a short idle timeout (the
 * configuration allows down to 1 s, e.g. session_idle=90s), a session used
 * every 50 seconds must stay alive; last_seen_at written only once a
 * minute would end it 90 s after the login. The clock is moved in the
 * database: 50 s pass, a request, 50 s more, a request. */
static void test_idle_timer_restarts_on_every_use(void **state)
{
	struct env *e = *state;
	e->app.policy.session_idle_s = 90;
	struct login_result res;
	struct identity id;
	struct errinfo ei;
	login_ok(e, &res);
	struct store_val p[] = {SV_TEXT(res.id.session_hash)};
	static const char pass50[] = "UPDATE session SET last_seen_at = last_seen_at - 50,"
	                             " created_at = created_at - 50 WHERE token_hash = ?";
	sql_exec(e, pass50, p, 1);
	assert_int_equal(by_token(e, res.token, false, NULL, &id, &ei), ERR_OK);
	sql_exec(e, pass50, p, 1);
	enum err rc = by_token(e, res.token, false, NULL, &id, &ei);
	if (rc != ERR_OK)
		fail_msg("a session used 50 s ago ended with idle timeout 90 s: %s", ei.message);
}

/* Older than session_max_s: refused however recently it was used. */
static void test_absolute_lifetime(void **state)
{
	struct env *e = *state;
	struct login_result res, fresh;
	struct identity id;
	struct errinfo ei;
	login_ok(e, &res);
	login_ok(e, &fresh);
	/* by waiting: a lifetime of 1 s */
	e->app.policy.session_max_s = 1;
	sleep(2);
	assert_int_equal(by_token(e, res.token, false, NULL, &id, &ei), ERR_UNAUTHORIZED);
	assert_int_equal(id.user_id, 0);
	assert_int_equal(sessions_of(e, e->uid), 1);
	/* by the clock in the database: created long ago, seen just now */
	e->app.policy.session_max_s = 12 * 3600;
	struct store_val p[] = {SV_INT(12 * 3600 + 1), SV_TEXT(fresh.id.session_hash)};
	sql_exec(e, "UPDATE session SET created_at = created_at - ? WHERE token_hash = ?", p, 2);
	assert_int_equal(by_token(e, fresh.token, false, NULL, &id, &ei), ERR_UNAUTHORIZED);
	assert_int_equal(sessions_of(e, e->uid), 0);
	assert_int_equal(audit_count(e, "session.expired", "ok"), 2);
	assert_chain(e);
}

/* --- per-request authentication: API keys ------------------------------------------------- */

static void test_api_key(void **state)
{
	struct env *e = *state;
	struct apikey_row k;
	char key[APIKEY_MAX];
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(apikeys_create(&e->app, &e->cli_actor, "hotline sync", e->uid, &k, key, &ei),
	                 ERR_OK);
	assert_true(k.id > 0);
	assert_true(strncmp(key, "lk_", 3) == 0);
	assert_true(strncmp(key, k.prefix, strlen(k.prefix)) == 0);
	assert_int_equal(strlen(k.prefix), 11);
	/* stored by hash only */
	char h[CRYPTO_HASH_HEX];
	crypto_hash_hex(key, strlen(key), h);
	struct store_val p[] = {SV_TEXT(h)}, q[] = {SV_TEXT(key)};
	assert_int_equal(sql_int(e, "SELECT COUNT(*) FROM api_key WHERE key_hash = ?", p, 1), 1);
	assert_int_equal(sql_int(e, "SELECT COUNT(*) FROM api_key WHERE key_hash = ?", q, 1), 0);

	struct identity id;
	assert_int_equal(by_key(e, key, false, &id, &ei), ERR_OK);
	assert_int_equal(id.user_id, e->uid);
	assert_true(id.via_key);
	assert_int_equal(id.api_key_id, k.id);
	assert_true(identity_has(&id, "calendar.manage"));
	assert_string_equal(id.scopes[0], "110105");
	/* no CSRF token with a key */
	assert_int_equal(by_key(e, key, true, &id, &ei), ERR_OK);
	/* last use recorded */
	struct store_val pk[] = {SV_INT(k.id)};
	assert_int_equal(sql_int(e, "SELECT COUNT(*) FROM api_key"
	                            " WHERE id = ? AND last_used_at IS NOT NULL", pk, 1),
	                 1);
	/* a wrong key, a key's prefix, a key with one character changed */
	assert_int_equal(by_key(e, "lk_nothing_here", false, &id, &ei), ERR_UNAUTHORIZED);
	assert_int_equal(id.user_id, 0);
	assert_int_equal(by_key(e, k.prefix, false, &id, &ei), ERR_UNAUTHORIZED);
	char changed[APIKEY_MAX];
	snprintf(changed, sizeof changed, "%s", key);
	size_t n = strlen(changed);
	changed[n - 1] = changed[n - 1] == 'A' ? 'B' : 'A';
	assert_int_equal(by_key(e, changed, false, &id, &ei), ERR_UNAUTHORIZED);
	/* a key and a cookie: the key decides */
	struct login_result res;
	login_ok(e, &res);
	struct credentials both = {.bearer = "lk_nothing_here", .session_token = res.token};
	assert_int_equal(auth_authenticate(&e->app, &both, &id, NULL), ERR_UNAUTHORIZED);
	/* revoked */
	assert_int_equal(apikeys_revoke(&e->app, &e->cli_actor, k.id, NULL), ERR_OK);
	assert_int_equal(by_key(e, key, false, &id, &ei), ERR_UNAUTHORIZED);
	assert_int_equal(id.user_id, 0);
	assert_int_equal(id.ncaps, 0);
	/* revoking twice: no such live key */
	assert_int_equal(apikeys_revoke(&e->app, &e->cli_actor, k.id, NULL), ERR_NOTFOUND);
	assert_int_equal(audit_count(e, "apikey.create", "ok"), 1);
	assert_int_equal(audit_count(e, "apikey.revoke", "ok"), 1);
	assert_chain(e);
}

/* A key can only be made for a user that exists (inside the caller's scope). */
static void test_api_key_for_unknown_user(void **state)
{
	struct env *e = *state;
	struct apikey_row k;
	char key[APIKEY_MAX];
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(apikeys_create(&e->app, &e->cli_actor, "x", e->uid + 1000, &k, key, &ei),
	                 ERR_INVALID);
	assert_string_equal(ei.field, "user_id");
	err_clear(&ei);
	assert_int_equal(apikeys_create(&e->app, &e->cli_actor, "", e->uid, &k, key, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "name");
}

/* --- logging out ------------------------------------------------------------------------------ */

static void test_logout(void **state)
{
	struct env *e = *state;
	struct login_result a, b, c;
	struct identity id;
	struct errinfo ei;
	login_ok(e, &a);
	login_ok(e, &b);
	login_ok(e, &c);
	assert_int_equal(sessions_of(e, e->uid), 3);
	/* this session only */
	assert_int_equal(by_token(e, a.token, true, a.id.csrf, &id, &ei), ERR_OK);
	struct actor act = actor_of(&id);
	int64_t ended = -1;
	assert_int_equal(auth_logout(&e->app, &act, false, &ended, &ei), ERR_OK);
	assert_int_equal(ended, 1);
	assert_int_equal(by_token(e, a.token, false, NULL, &id, &ei), ERR_UNAUTHORIZED);
	assert_int_equal(by_token(e, b.token, false, NULL, &id, &ei), ERR_OK);
	assert_int_equal(sessions_of(e, e->uid), 2);
	/* everywhere */
	act = actor_of(&id);
	assert_int_equal(auth_logout(&e->app, &act, true, &ended, &ei), ERR_OK);
	assert_int_equal(ended, 2);
	assert_int_equal(by_token(e, b.token, false, NULL, &id, &ei), ERR_UNAUTHORIZED);
	assert_int_equal(by_token(e, c.token, false, NULL, &id, &ei), ERR_UNAUTHORIZED);
	assert_int_equal(sessions_of(e, e->uid), 0);
	struct rows *rs = audit(e, "session.logout", "ok");
	assert_int_equal(rs->n, 2);
	assert_string_equal(rs->r[0].detail, "everywhere");
	assert_string_equal(rs->r[1].detail, "");
	assert_int_equal(rs->r[1].user_id, e->uid);
	free(rs);
	assert_chain(e);
}

/* An API key has no session: only "everywhere" applies to it. */
static void test_logout_with_key(void **state)
{
	struct env *e = *state;
	struct apikey_row k;
	char key[APIKEY_MAX];
	struct identity id;
	struct errinfo ei;
	assert_int_equal(apikeys_create(&e->app, &e->cli_actor, "k", e->uid, &k, key, NULL), ERR_OK);
	assert_int_equal(by_key(e, key, true, &id, &ei), ERR_OK);
	struct login_result a;
	login_ok(e, &a);
	struct actor act = actor_of(&id);
	int64_t ended = -1;
	err_clear(&ei);
	assert_int_equal(auth_logout(&e->app, &act, false, &ended, &ei), ERR_INVALID);
	assert_int_equal(sessions_of(e, e->uid), 1);
	assert_int_equal(auth_logout(&e->app, &act, true, &ended, &ei), ERR_OK);
	assert_int_equal(ended, 1);
	assert_int_equal(sessions_of(e, e->uid), 0);
	assert_chain(e);
}

/* --- changing one's own password -------------------------------------------------------------- */

static void test_change_password(void **state)
{
	struct env *e = *state;
	struct login_result a, b;
	struct identity id;
	struct errinfo ei;
	login_ok(e, &a);
	login_ok(e, &b);
	assert_int_equal(by_token(e, a.token, true, a.id.csrf, &id, &ei), ERR_OK);
	struct actor act = actor_of(&id);
	/* wrong old password */
	err_clear(&ei);
	assert_int_equal(auth_change_password(&e->app, &act, "Dongcheng-2025", "Xicheng-2027!", &ei),
	                 ERR_UNAUTHORIZED);
	assert_string_equal(ei.field, "old_password");
	assert_int_equal(audit_count(e, "user.password", "failed"), 1);
	/* new password against the policy */
	static const char *const weak[] = {"short1A", "alllowercase", "Wangli-2027", NULL};
	for (const char *const *w = weak; *w; w++) {
		err_clear(&ei);
		assert_int_equal(auth_change_password(&e->app, &act, PASSWORD, *w, &ei), ERR_INVALID);
		assert_string_equal(ei.field, "new_password");
	}
	/* nothing changed so far */
	assert_int_equal(sessions_of(e, e->uid), 2);
	struct login_result c;
	login_ok(e, &c);
	assert_int_equal(sessions_of(e, e->uid), 3);
	/* changed: this session stays, the others end */
	err_clear(&ei);
	assert_int_equal(auth_change_password(&e->app, &act, PASSWORD, "Xicheng-2027!", &ei), ERR_OK);
	assert_int_equal(by_token(e, a.token, false, NULL, &id, &ei), ERR_OK);
	assert_int_equal(by_token(e, b.token, false, NULL, &id, &ei), ERR_UNAUTHORIZED);
	assert_int_equal(by_token(e, c.token, false, NULL, &id, &ei), ERR_UNAUTHORIZED);
	assert_int_equal(sessions_of(e, e->uid), 1);
	/* the old password no longer works, the new one does */
	assert_int_equal(login(e, LOGIN, PASSWORD, &c, &ei), ERR_UNAUTHORIZED);
	assert_int_equal(login(e, LOGIN, "Xicheng-2027!", &c, &ei), ERR_OK);
	struct rows *rs = audit(e, "user.password", "ok");
	assert_int_equal(rs->n, 1);
	assert_int_equal(rs->r[0].user_id, e->uid);
	free(rs);
	assert_chain(e);
}

/* Guessing the old password through the change-password call must count as
 * failed logins: otherwise a stolen session cookie gives unlimited guesses
 * at the password, with no lock-out. */
static void test_change_password_guesses_lock(void **state)
{
	struct env *e = *state;
	struct login_result a;
	struct identity id;
	struct errinfo ei;
	login_ok(e, &a);
	assert_int_equal(by_token(e, a.token, true, a.id.csrf, &id, &ei), ERR_OK);
	struct actor act = actor_of(&id);
	for (int i = 0; i < e->app.policy.lock_failures; i++)
		assert_int_equal(auth_change_password(&e->app, &act, "Guess-0000", "Xicheng-2027!", &ei),
		                 ERR_UNAUTHORIZED);
	enum err rc = login(e, LOGIN, PASSWORD, &a, &ei);
	if (rc != ERR_FORBIDDEN)
		fail_msg("%d wrong old passwords did not lock the account (login gave %d)",
		         e->app.policy.lock_failures, rc);
}

struct guesser {
	struct env *e;
	pthread_barrier_t *start;
	const char *password;
	enum err rc;
};

static void *guesser_main(void *arg)
{
	struct guesser *g = arg;
	struct login_result res;
	struct errinfo ei;
	pthread_barrier_wait(g->start);
	g->rc = login(g->e, LOGIN, g->password, &res, &ei);
	return NULL;
}

/* Guesses sent all at once are bounded by the lock-out too: at most
 * lock_failures of them may be answered "wrong password" (the rest see the
 * lock), and the right password does not log in afterwards. The lock is
 * decided on a read made before the ~70 ms password check, so it must be
 * checked again inside the write that records the outcome. (The right
 * password is not sent among them: a success resets the count, so where it
 * lands would decide how many wrong guesses are allowed.) */
static void test_concurrent_guesses_bounded_by_lockout(void **state)
{
	struct env *e = *state;
	enum { N = 10 };
	pthread_t t[N];
	struct guesser g[N];
	pthread_barrier_t start;
	pthread_barrier_init(&start, NULL, N);
	for (int i = 0; i < N; i++) {
		g[i] = (struct guesser){e, &start, "Wrong-pass-1", ERR_INTERNAL};
		assert_int_equal(pthread_create(&t[i], NULL, guesser_main, &g[i]), 0);
	}
	int wrong = 0, locked = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		wrong += g[i].rc == ERR_UNAUTHORIZED;
		locked += g[i].rc == ERR_FORBIDDEN;
	}
	pthread_barrier_destroy(&start);
	print_message("# %d guesses answered \"wrong password\", %d \"locked\"\n", wrong, locked);
	assert_int_equal(wrong + locked, N);
	if (wrong != e->app.policy.lock_failures)
		fail_msg("%d concurrent guesses were checked against the password; the lock-out allows %d",
		         wrong, e->app.policy.lock_failures);
	struct login_result res;
	struct errinfo ei;
	assert_int_equal(login(e, LOGIN, PASSWORD, &res, &ei), ERR_FORBIDDEN);
	assert_chain(e);
}

/* With the identity cache on: a repeat request is answered from the cache
 * (a change behind the store's back is not seen), but every change made
 * through the store's accounts functions is seen at once: it moves the
 * accounts generation on. */
static void test_identity_cache(void **state)
{
	struct env *e = *state;
	e->app.idcache = identity_cache_new();
	assert_non_null(e->app.idcache);
	struct errinfo ei;
	struct apikey_row k;
	char key[APIKEY_MAX];
	assert_int_equal(apikeys_create(&e->app, &e->cli_actor, "cache", e->uid, &k, key, &ei), ERR_OK);
	struct identity id;
	assert_int_equal(by_key(e, key, false, &id, &ei), ERR_OK);
	char name[sizeof id.display_name];
	snprintf(name, sizeof name, "%s", id.display_name);
	/* behind the store's back: the cached identity is still answered */
	struct store_val pu[] = {SV_INT(e->uid)};
	sql_exec(e, "UPDATE app_user SET display_name = 'changed behind its back' WHERE id = ?", pu, 1);
	assert_int_equal(by_key(e, key, false, &id, &ei), ERR_OK);
	assert_string_equal(id.display_name, name);
	assert_true(id.via_key);
	assert_int_equal(id.api_key_id, k.id);
	/* a revocation through the store is seen by the very next request */
	uint64_t g0 = store_accounts_generation(e->app.store);
	assert_int_equal(apikeys_revoke(&e->app, &e->cli_actor, k.id, NULL), ERR_OK);
	assert_true(store_accounts_generation(e->app.store) > g0);
	assert_int_equal(by_key(e, key, false, &id, &ei), ERR_UNAUTHORIZED);
	/* sessions: logging out ends a cached session at once */
	struct login_result res;
	login_ok(e, &res);
	assert_int_equal(by_token(e, res.token, false, NULL, &id, &ei), ERR_OK);
	assert_int_equal(by_token(e, res.token, false, NULL, &id, &ei), ERR_OK);
	assert_string_equal(id.csrf, res.id.csrf);
	struct actor a = actor_of(&id);
	int64_t ended = 0;
	assert_int_equal(auth_logout(&e->app, &a, false, &ended, &ei), ERR_OK);
	assert_int_equal(by_token(e, res.token, false, NULL, &id, &ei), ERR_UNAUTHORIZED);
	/* a write that touches no account leaves the generation alone */
	uint64_t g1 = store_accounts_generation(e->app.store);
	sql_exec(e, "UPDATE app_user SET display_name = display_name WHERE id = ?", pu, 1);
	assert_int_equal(store_accounts_generation(e->app.store), g1);
	identity_cache_free(e->app.idcache);
	e->app.idcache = NULL;
}

int main(void)
{
	log_set_level(LOG_ERROR);
	fx_print_backend("test_session");
	if (crypto_init() != ERR_OK)
		return 1;
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_login_ok),
		T(test_login_wrong_password_and_unknown_login),
		T(test_login_failed_rows_name_the_login),
		T(test_lockout),
		T(test_lock_expires_and_window),
		T(test_disabled_refused),
		T(test_authenticate_session),
		T(test_csrf),
		T(test_idle_timeout),
		T(test_idle_boundary),
		T(test_idle_timer_restarts_on_every_use),
		T(test_absolute_lifetime),
		T(test_api_key),
		T(test_api_key_for_unknown_user),
		T(test_logout),
		T(test_logout_with_key),
		T(test_change_password),
		T(test_change_password_guesses_lock),
		T(test_concurrent_guesses_bounded_by_lockout),
		T(test_identity_cache),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
