/* Login, logout and per-request authentication. Password hashing runs
 * outside store callbacks (it takes ~50 ms); everything a decision depends
 * on is re-read inside the write that records it. */
#include "auth/session.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "auth/audit.h"
#include "auth/identity_cache.h"
#include "store/accounts.h"
#include "util/clock.h"
#include "util/log.h"

/* last_seen_at is written at most once a minute (a third of the idle
 * timeout when that is shorter), not on every request. */
#define TOUCH_EVERY_S 60

/* --- login ------------------------------------------------------------------ */

struct login_ctx {
	struct app *app;
	const char *login;
	const struct actor *from;
	struct user_row user;
	bool found;
	bool password_ok;
	int64_t now;
	bool locked_now;     /* this failure locked the account */
	bool locked_before;  /* a concurrent guess had locked it already */
	const char *action;  /* audit action of a failure */
	struct login_result *out;
};

static enum err read_user_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct login_ctx *x = arg;
	enum err rc = store_user_by_login(c, x->login, &x->user, ei);
	if (rc == ERR_NOTFOUND)
		return ERR_OK;
	x->found = rc == ERR_OK;
	return rc;
}

static enum err login_failed_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct login_ctx *x = arg;
	const struct auth_policy *p = &x->app->policy;
	struct user_row u;
	enum err rc = store_user_by_id(c, x->user.id, &u, ei);
	if (rc != ERR_OK)
		return rc;
	char object[96];
	snprintf(object, sizeof object, "user:%lld", (long long)u.id);
	/* Guesses sent at once all passed the first look; the ones that land
	 * after the lock are answered as locked, so no more than lock_failures
	 * of them ever learn "wrong password". */
	if (u.locked_until > x->now) {
		x->locked_before = true;
		return audit_append(c, x->from, x->action, object, "failed", "locked", ei);
	}
	if (u.failed_since < x->now - p->lock_window_s) {
		u.failed_since = x->now;
		u.failed_count = 0;
	}
	u.failed_count++;
	char detail[96] = "wrong password";
	if (u.failed_count >= p->lock_failures) {
		u.locked_until = x->now + p->lock_duration_s;
		u.failed_count = 0;
		u.failed_since = 0;
		x->locked_now = true;
		snprintf(detail, sizeof detail, "wrong password; locked for %d minutes",
		         p->lock_duration_s / 60);
	}
	if ((rc = store_user_update(c, &u, NULL, NULL, false, ei)) != ERR_OK)
		return rc;
	return audit_append(c, x->from, x->action, object, "failed", detail, ei);
}

static enum err login_ok_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct login_ctx *x = arg;
	struct user_row u;
	enum err rc = store_user_by_id(c, x->user.id, &u, ei);
	if (rc != ERR_OK)
		return rc;
	/* Guesses running at the same time may have locked it since we looked. */
	if (strcmp(u.status, "active") != 0 || u.locked_until > x->now)
		return err_set(ei, ERR_FORBIDDEN, "login", "the account is locked");
	u.failed_count = 0;
	u.failed_since = 0;
	u.locked_until = 0;
	if ((rc = store_user_update(c, &u, NULL, NULL, false, ei)) != ERR_OK)
		return rc;
	struct login_result *out = x->out;
	char token_hash[CRYPTO_HASH_HEX];
	crypto_token(out->token);
	crypto_hash_hex(out->token, strlen(out->token), token_hash);
	struct session_row s = {.user_id = u.id, .created_at = x->now, .last_seen_at = x->now};
	crypto_token(s.csrf);
	if ((rc = store_session_insert(c, token_hash, &s, x->from->address ? x->from->address : "", ei)) != ERR_OK)
		return rc;
	memset(&out->id, 0, sizeof out->id);
	if ((rc = store_identity_load(c, u.id, &out->id, ei)) != ERR_OK)
		return rc;
	memcpy(out->id.csrf, s.csrf, sizeof out->id.csrf);
	memcpy(out->id.session_hash, token_hash, sizeof out->id.session_hash);
	out->id.session_created = x->now;
	out->expires_at = x->now + x->app->policy.session_max_s;
	struct actor who = *x->from;
	who.who = &out->id;
	char object[96];
	snprintf(object, sizeof object, "user:%lld", (long long)u.id);
	return audit_append(c, &who, "session.login", object, "ok", "", ei);
}

static enum err refuse_login(struct app *app, const struct actor *from, const struct user_row *u,
                             const char *why, enum err code, struct errinfo *ei)
{
	char object[96] = "";
	if (u != NULL)
		snprintf(object, sizeof object, "user:%lld", (long long)u->id);
	audit_record(app->store, from, "session.login_failed", object, "failed", why);
	if (code == ERR_FORBIDDEN)
		return err_set(ei, code, "login", "%s", why);
	return err_set(ei, ERR_UNAUTHORIZED, NULL, "wrong login or password");
}

enum err auth_login(struct app *app, const char *login, const char *password,
                    const struct actor *from, struct login_result *out, struct errinfo *ei)
{
	struct login_ctx x = {.app = app, .login = login, .from = from, .now = clock_now(), .out = out,
	                      .action = "session.login_failed"};
	struct actor tried = *from;
	tried.who = NULL;
	tried.login = login;
	enum err rc = store_read(app->store, read_user_fn, &x, ei);
	if (rc != ERR_OK)
		return rc;
	if (!x.found) {
		crypto_password_verify_dummy(password); /* same cost as a real check */
		return refuse_login(app, &tried, NULL, "unknown login", ERR_UNAUTHORIZED, ei);
	}
	bool ok = crypto_password_verify(x.user.password_hash, password);
	if (strcmp(x.user.status, "disabled") == 0)
		return refuse_login(app, &tried, &x.user, "the account is disabled", ERR_FORBIDDEN, ei);
	if (strcmp(x.user.status, "locked") == 0)
		return refuse_login(app, &tried, &x.user, "the account is locked by an administrator",
		                    ERR_FORBIDDEN, ei);
	if (x.user.locked_until > x.now) {
		char why[96];
		snprintf(why, sizeof why, "too many failed logins: locked for %lld more minutes",
		         (long long)((x.user.locked_until - x.now + 59) / 60));
		return refuse_login(app, &tried, &x.user, why, ERR_FORBIDDEN, ei);
	}
	if (!ok) {
		struct errinfo e2;
		x.from = &tried; /* the row names the login that was tried */
		rc = store_write(app->store, login_failed_fn, &x, &e2);
		if (rc != ERR_OK)
			return err_set(ei, rc, NULL, "%s", e2.message);
		if (x.locked_before)
			return err_set(ei, ERR_FORBIDDEN, "login", "too many failed logins: the account is locked");
		return err_set(ei, ERR_UNAUTHORIZED, NULL, "wrong login or password");
	}
	x.from = &tried;
	rc = store_write(app->store, login_ok_fn, &x, ei);
	if (rc == ERR_FORBIDDEN)
		audit_record(app->store, &tried, "session.login_failed", "", "failed", ei->message);
	return rc;
}

/* --- per-request authentication ---------------------------------------------- */

struct auth_ctx {
	struct app *app;
	const struct credentials *cr;
	char hash[CRYPTO_HASH_HEX];
	struct identity *id;
	struct session_row s;
	struct apikey_row k;
	bool found;
	bool inactive; /* the user is locked or disabled */
	int64_t now;
};

/* A lock-out after failed logins stops new logins only: existing sessions
 * and API keys go on, or anyone could cut off an integration by guessing
 * its user's password five times. An administrator's lock stops them all. */
static bool user_usable(const struct user_row *u, int64_t now)
{
	return strcmp(u->status, "active") == 0;
}

static enum err session_read_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct auth_ctx *x = arg;
	enum err rc = store_session_get(c, x->hash, &x->s, ei);
	if (rc == ERR_NOTFOUND)
		return ERR_OK;
	if (rc != ERR_OK)
		return rc;
	x->found = true;
	struct user_row u;
	if ((rc = store_user_by_id(c, x->s.user_id, &u, ei)) != ERR_OK)
		return rc;
	x->inactive = !user_usable(&u, x->now);
	return store_identity_load(c, x->s.user_id, x->id, ei);
}

static enum err key_read_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct auth_ctx *x = arg;
	enum err rc = store_apikey_by_hash(c, x->hash, &x->k, ei);
	if (rc == ERR_NOTFOUND)
		return ERR_OK;
	if (rc != ERR_OK)
		return rc;
	x->found = true;
	struct user_row u;
	if ((rc = store_user_by_id(c, x->k.user_id, &u, ei)) != ERR_OK)
		return rc;
	x->inactive = !user_usable(&u, x->now);
	return store_identity_load(c, x->k.user_id, x->id, ei);
}

static enum err session_end_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct auth_ctx *x = arg;
	enum err rc = store_session_delete(c, x->hash, ei);
	if (rc != ERR_OK)
		return rc;
	struct actor a = {.who = x->id, .address = x->cr->address, .request_id = x->cr->request_id};
	return audit_append(c, &a, "session.expired", "", "ok", "", ei);
}

static enum err session_touch_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct auth_ctx *x = arg;
	return store_session_touch(c, x->hash, x->now, ei);
}

static enum err key_touch_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct auth_ctx *x = arg;
	char now[32];
	clock_now_iso(now);
	return store_apikey_touch(c, x->k.id, now, ei);
}

/* Reads what the credential in x->hash resolves to through fn, from the
 * identity cache when it holds a current entry and `fresh` is false. */
static enum err resolve(struct auth_ctx *x, store_fn fn, bool fresh, bool *cached,
                        struct errinfo *ei)
{
	struct app *app = x->app;
	struct identity_cache *ic = app->idcache;
	uint64_t gen = ic ? store_accounts_generation(app->store) : 0;
	*cached = false;
	if (ic != NULL && !fresh) {
		struct cached_auth ca;
		if (identity_cache_get(ic, x->hash, gen, x->now, &ca)) {
			*x->id = ca.id;
			x->s = ca.s;
			x->k = ca.k;
			x->inactive = ca.inactive;
			x->found = true;
			*cached = true;
			return ERR_OK;
		}
	}
	x->found = false;
	x->inactive = false;
	memset(x->id, 0, sizeof *x->id);
	enum err rc = store_read(app->store, fn, x, ei);
	if (rc == ERR_OK && x->found && ic != NULL) {
		struct cached_auth ca = {.id = *x->id, .s = x->s, .k = x->k, .inactive = x->inactive};
		identity_cache_put(ic, x->hash, gen, x->now, &ca);
	}
	return rc;
}

static bool session_over(const struct auth_ctx *x)
{
	const struct auth_policy *p = &x->app->policy;
	return x->inactive || x->now - x->s.last_seen_at > p->session_idle_s ||
	       x->now - x->s.created_at > p->session_max_s;
}

enum err auth_authenticate(struct app *app, const struct credentials *cr, struct identity *id,
                           struct errinfo *ei)
{
	memset(id, 0, sizeof *id);
	struct auth_ctx x = {.app = app, .cr = cr, .id = id, .now = clock_now()};
	enum err rc;
	bool cached;
	if (cr->bearer != NULL) {
		crypto_hash_hex(cr->bearer, strlen(cr->bearer), x.hash);
		if ((rc = resolve(&x, key_read_fn, false, &cached, ei)) != ERR_OK)
			return rc;
		/* A refusal is never decided on a cached entry. */
		if (cached && x.inactive && (rc = resolve(&x, key_read_fn, true, &cached, ei)) != ERR_OK)
			return rc;
		if (!x.found || x.inactive) {
			memset(id, 0, sizeof *id);
			return err_set(ei, ERR_UNAUTHORIZED, NULL, "unknown or revoked API key");
		}
		id->via_key = true;
		id->api_key_id = x.k.id;
		/* last_used_at to the minute: one write a minute per key, not per request. */
		char cutoff[32];
		clock_now_iso(cutoff);
		if (x.k.last_used_at[0] == '\0' || strncmp(x.k.last_used_at, cutoff, 16) != 0) {
			store_write(app->store, key_touch_fn, &x, NULL);
			if (app->idcache != NULL)
				identity_cache_touched(app->idcache, x.hash, 0, cutoff);
		}
		return ERR_OK;
	}
	if (cr->session_token == NULL)
		return ERR_OK;
	crypto_hash_hex(cr->session_token, strlen(cr->session_token), x.hash);
	if ((rc = resolve(&x, session_read_fn, false, &cached, ei)) != ERR_OK)
		return rc;
	/* Another node may have touched the session since the entry was read. */
	if (cached && session_over(&x) && (rc = resolve(&x, session_read_fn, true, &cached, ei)) != ERR_OK)
		return rc;
	if (!x.found) {
		memset(id, 0, sizeof *id);
		return err_set(ei, ERR_UNAUTHORIZED, NULL, "not logged in, or the session has ended");
	}
	const struct auth_policy *p = &app->policy;
	if (session_over(&x)) {
		store_write(app->store, session_end_fn, &x, NULL);
		memset(id, 0, sizeof *id);
		return err_set(ei, ERR_UNAUTHORIZED, NULL, "the session has ended; log in again");
	}
	memcpy(id->session_hash, x.hash, sizeof id->session_hash);
	memcpy(id->csrf, x.s.csrf, sizeof id->csrf);
	id->session_created = x.s.created_at;
	if (cr->unsafe && (cr->csrf == NULL || !crypto_equal(cr->csrf, x.s.csrf))) {
		struct actor a = {.who = id, .address = cr->address, .request_id = cr->request_id};
		audit_record(app->store, &a, "access.denied", "", "denied", "missing or wrong CSRF token");
		return err_set(ei, ERR_FORBIDDEN, "x-csrf-token", "missing or wrong X-CSRF-Token header");
	}
	int64_t every = p->session_idle_s / 3 < TOUCH_EVERY_S ? p->session_idle_s / 3 : TOUCH_EVERY_S;
	if (x.now - x.s.last_seen_at >= every) {
		store_write(app->store, session_touch_fn, &x, NULL);
		if (app->idcache != NULL)
			identity_cache_touched(app->idcache, x.hash, x.now, NULL);
	}
	return ERR_OK;
}

int64_t auth_session_expires(const struct app *app, const struct identity *id)
{
	return id->session_created + app->policy.session_max_s;
}

/* --- logout and own password ------------------------------------------------- */

struct logout_ctx {
	const struct actor *a;
	bool everywhere;
	int64_t ended;
};

static enum err logout_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct logout_ctx *x = arg;
	enum err rc;
	if (x->everywhere) {
		rc = store_session_delete_user(c, x->a->who->user_id, &x->ended, ei);
	} else {
		rc = store_session_delete(c, x->a->who->session_hash, ei);
		x->ended = 1;
	}
	if (rc != ERR_OK)
		return rc;
	return audit_append(c, x->a, "session.logout", "", "ok", x->everywhere ? "everywhere" : "", ei);
}

enum err auth_logout(struct app *app, const struct actor *a, bool everywhere, int64_t *ended,
                     struct errinfo *ei)
{
	if (a->who->via_key && !everywhere)
		return err_set(ei, ERR_INVALID, NULL, "an API key has no session to end");
	struct logout_ctx x = {a, everywhere, 0};
	enum err rc = store_write(app->store, logout_fn, &x, ei);
	*ended = x.ended;
	return rc;
}

struct passwd_ctx {
	const struct actor *a;
	const char *hash;
};

static enum err passwd_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct passwd_ctx *x = arg;
	const struct identity *id = x->a->who;
	enum err rc = store_user_set_password(c, id->user_id, x->hash, ei);
	if (rc != ERR_OK)
		return rc;
	/* Other sessions end; this one stays. */
	struct store_val p[] = {SV_INT(id->user_id), SV_TEXT(id->session_hash)};
	store_mark_accounts(c);
	rc = store_exec(c, "DELETE FROM session WHERE user_id = ? AND token_hash <> ?", p, 2, NULL, ei);
	if (rc != ERR_OK)
		return rc;
	char object[96];
	snprintf(object, sizeof object, "user:%lld", (long long)id->user_id);
	return audit_append(c, x->a, "user.password", object, "ok", "own password", ei);
}

enum err auth_change_password(struct app *app, const struct actor *a, const char *old_password,
                              const char *new_password, struct errinfo *ei)
{
	struct login_ctx x = {.app = app, .login = a->who->login, .from = a, .now = clock_now(),
	                      .action = "user.password"};
	enum err rc = store_read(app->store, read_user_fn, &x, ei);
	if (rc != ERR_OK)
		return rc;
	if (!x.found)
		return err_set(ei, ERR_UNAUTHORIZED, NULL, "no such user");
	/* A stolen session must not give unlimited guesses: a wrong old
	 * password counts like a failed login, and a lock-out stops this too. */
	if (x.user.locked_until > x.now)
		return err_set(ei, ERR_FORBIDDEN, "old_password", "too many wrong passwords: try later");
	if (!crypto_password_verify(x.user.password_hash, old_password)) {
		struct errinfo e2;
		if (store_write(app->store, login_failed_fn, &x, &e2) != ERR_OK)
			return err_set(ei, e2.code, NULL, "%s", e2.message);
		if (x.locked_before)
			return err_set(ei, ERR_FORBIDDEN, "old_password", "too many wrong passwords: try later");
		return err_set(ei, ERR_UNAUTHORIZED, "old_password", "the old password is wrong");
	}
	if ((rc = password_check(new_password, a->who->login, "new_password", ei)) != ERR_OK)
		return rc;
	char hash[CRYPTO_PWHASH_MAX];
	if (crypto_password_hash(new_password, hash) != ERR_OK)
		return err_set(ei, ERR_INTERNAL, NULL, "cannot hash the password");
	struct passwd_ctx p = {a, hash};
	return store_write(app->store, passwd_fn, &p, ei);
}
