/* Unit tests for src/auth/users.c (with the SQL of src/store/accounts.c) on
 * a fresh migrated database of the environment's backend
 * (../store/fixture.h): administrators see and touch only users whose
 * every scope lies inside their own; grants need user.grant, stay inside
 * the granter's scope and never apply to oneself; unknown roles and
 * capabilities are refused; built-in and still-granted roles are not
 * deleted; search text is matched literally; personal data is kept
 * encrypted and unmasked only with an audit row. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../store/fixture.h"
#include "app.h"
#include "auth/audit.h"
#include "auth/session.h"
#include "auth/users.h"
#include "store/audit.h"
#include "util/log.h"

#define FIXTURE_PASSWORD "Fixture-2026"
static char fixture_hash[CRYPTO_PWHASH_MAX]; /* made once: argon2 is slow on purpose */

struct env {
	struct fx_db fx;
	struct app app;
	char keydir[64], keypath[96];
	struct identity cli;
	struct actor cli_actor;
	/* the street administrator (sysadmin + secadmin, scope 110105001) */
	int64_t admin_id;
	struct identity admin;
	struct actor admin_actor;
};

/* --- fixture users, inserted directly (the rules are tested through users_*) ---------------- */

struct add_ctx {
	struct user_row u;
};

static enum err add_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct add_ctx *x = arg;
	return store_user_insert(c, &x->u, NULL, NULL, ei);
}

/* A user with space-separated roles and scopes; its id. */
static int64_t add_user(struct env *e, const char *login, const char *name, const char *roles,
                        const char *scopes)
{
	struct add_ctx x;
	memset(&x, 0, sizeof x);
	snprintf(x.u.login, sizeof x.u.login, "%s", login);
	snprintf(x.u.display_name, sizeof x.u.display_name, "%s", name);
	snprintf(x.u.password_hash, sizeof x.u.password_hash, "%s", fixture_hash);
	snprintf(x.u.status, sizeof x.u.status, "active");
	char buf[256];
	snprintf(buf, sizeof buf, "%s", roles);
	for (char *s = NULL, *t = strtok_r(buf, " ", &s); t; t = strtok_r(NULL, " ", &s))
		snprintf(x.u.roles[x.u.nroles++], CAP_NAME_MAX, "%s", t);
	snprintf(buf, sizeof buf, "%s", scopes);
	for (char *s = NULL, *t = strtok_r(buf, " ", &s); t; t = strtok_r(NULL, " ", &s))
		snprintf(x.u.scopes[x.u.nscopes++], SCOPE_MAX + 1, "%s", t);
	struct errinfo ei;
	err_clear(&ei);
	if (store_write(e->app.store, add_fn, &x, &ei) != ERR_OK)
		fail_msg("adding %s: %s", login, ei.message);
	return x.u.id;
}

struct load_ctx {
	int64_t id;
	struct identity *out;
};

static enum err load_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct load_ctx *x = arg;
	memset(x->out, 0, sizeof *x->out);
	return store_identity_load(c, x->id, x->out, ei);
}

/* The identity a login of user id would have. */
static void load_identity(struct env *e, int64_t id, struct identity *out)
{
	struct load_ctx x = {id, out};
	assert_int_equal(store_read(e->app.store, load_fn, &x, NULL), ERR_OK);
}

static void count_one(void *ctx, const struct audit_row *a)
{
	(void)a;
	(*(int *)ctx)++;
}

/* Audit rows of this action and outcome. */
static int audit_count(struct env *e, const char *action, const char *outcome)
{
	struct audit_filter f = {.action = action, .outcome = outcome, .limit = 200};
	int n = 0;
	assert_int_equal(audit_search(e->app.store, &f, count_one, &n, NULL), ERR_OK);
	return n;
}

struct plain_ctx {
	const char *login, *phone;
	int64_t n;
};

static enum err plain_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct plain_ctx *x = arg;
	struct store_val p[] = {SV_TEXT(x->login), SV_TEXT(x->phone), SV_TEXT(x->phone)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "SELECT COUNT(*) FROM app_user WHERE login = ? AND"
	                          " (phone_enc IS NULL OR phone_enc = ? OR phone_hash = ?)",
	                          p, 3, &s, ei);
	if (rc != ERR_OK)
		return rc;
	x->n = store_next(s) == 1 ? store_col_int(s, 0) : -1;
	store_done(s);
	return ERR_OK;
}

/* 1 if the user's phone is not stored encrypted (missing, or the number as is). */
static int64_t phone_stored_plain(struct env *e, const char *login, const char *phone)
{
	struct plain_ctx x = {login, phone, -1};
	assert_int_equal(store_read(e->app.store, plain_fn, &x, NULL), ERR_OK);
	return x.n;
}

static struct actor actor_of(const struct identity *id)
{
	return (struct actor){.who = id, .login = id->login, .address = "10.1.2.3", .request_id = "r"};
}

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
	snprintf(e->keydir, sizeof e->keydir, "/tmp/linli-users-XXXXXX");
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
	if (rc != ERR_OK) {
		print_message("# setting up %s: %d %s\n", e->fx.url, rc, ei.message);
		fx_db_destroy(&e->fx);
		unlink(e->keypath);
		rmdir(e->keydir);
		free(e);
		return -1;
	}
	users_cli_identity(&e->cli);
	e->cli_actor = (struct actor){.who = &e->cli, .login = "cli", .address = "", .request_id = ""};
	*state = e;
	e->admin_id = add_user(e, "admin", "街道管理员", "sysadmin secadmin", "110105001");
	load_identity(e, e->admin_id, &e->admin);
	e->admin_actor = actor_of(&e->admin);
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

/* The fixture population around the administrator's scope 110105001. */
struct people {
	int64_t in, in2, mixed, out, none, parent, star;
};

static struct people populate(struct env *e)
{
	struct people p;
	p.in = add_user(e, "u_in", "社区甲", "grid_worker", "110105001002");
	p.in2 = add_user(e, "u_in2", "街道乙", "street_staff", "110105001 110105001003");
	p.mixed = add_user(e, "u_mixed", "跨街道", "grid_worker", "110105001002 110105002");
	p.out = add_user(e, "u_out", "外街道", "grid_worker", "110105002");
	p.none = add_user(e, "u_none", "无范围", "", "");
	p.parent = add_user(e, "u_parent", "区级", "district_staff", "110105");
	p.star = add_user(e, "u_star", "全市", "sysadmin", "*");
	return p;
}

/* --- listing and reading ------------------------------------------------------------------- */

#define MAXLIST 32
struct list {
	int n;
	char logins[MAXLIST][LOGIN_MAX + 1];
};

static void list_collect(void *ctx, const struct user_row *u)
{
	struct list *l = ctx;
	if (l->n < MAXLIST)
		snprintf(l->logins[l->n++], LOGIN_MAX + 1, "%s", u->login);
}

/* The logins a listing gives, space-separated in order; *total gets the count. */
static void list_as(struct env *e, const struct actor *a, const char *q, char *out, size_t cap,
                    int64_t *total)
{
	struct user_filter f = {.q = q, .limit = MAXLIST};
	struct list l = {0};
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = users_list(&e->app, a, &f, list_collect, &l, total, &ei);
	if (rc != ERR_OK)
		fail_msg("users_list: %d %s", rc, ei.message);
	out[0] = '\0';
	for (int i = 0; i < l.n; i++) {
		if (i)
			strncat(out, " ", cap - strlen(out) - 1);
		strncat(out, l.logins[i], cap - strlen(out) - 1);
	}
}

static void test_list_scope(void **state)
{
	struct env *e = *state;
	populate(e);
	char got[512];
	int64_t total = -1;
	/* the street administrator: users whose every scope is under 110105001 */
	list_as(e, &e->admin_actor, NULL, got, sizeof got, &total);
	assert_string_equal(got, "admin u_in u_in2");
	assert_int_equal(total, 3);
	/* the command line ("*") sees everyone, also those with no scope */
	list_as(e, &e->cli_actor, NULL, got, sizeof got, &total);
	assert_string_equal(got, "admin u_in u_in2 u_mixed u_none u_out u_parent u_star");
	assert_int_equal(total, 8);
	/* two scopes: the union */
	struct identity two = e->admin;
	two.nscopes = 2;
	snprintf(two.scopes[1], sizeof two.scopes[1], "110105002");
	struct actor a2 = actor_of(&two);
	list_as(e, &a2, NULL, got, sizeof got, &total);
	assert_string_equal(got, "admin u_in u_in2 u_mixed u_out");
	/* the district: everything under 110105, but not the unscoped nor "*" */
	struct identity district = e->admin;
	snprintf(district.scopes[0], sizeof district.scopes[0], "110105");
	struct actor a3 = actor_of(&district);
	list_as(e, &a3, NULL, got, sizeof got, &total);
	assert_string_equal(got, "admin u_in u_in2 u_mixed u_out u_parent");
	/* "11" does not cover "12…" */
	add_user(e, "u_tianjin", "天津", "grid_worker", "120101");
	struct identity bj = e->admin;
	snprintf(bj.scopes[0], sizeof bj.scopes[0], "11");
	struct actor a4 = actor_of(&bj);
	list_as(e, &a4, NULL, got, sizeof got, &total);
	assert_null(strstr(got, "u_tianjin"));
	/* no scope at all: nobody */
	struct identity noscope = e->admin;
	noscope.nscopes = 0;
	struct actor a5 = actor_of(&noscope);
	list_as(e, &a5, NULL, got, sizeof got, &total);
	assert_string_equal(got, "");
	assert_int_equal(total, 0);
}

/* Paging: limit and offset over the scoped list, total unchanged. */
static void test_list_paging(void **state)
{
	struct env *e = *state;
	populate(e);
	struct user_filter f = {.limit = 2, .offset = 1};
	struct list l = {0};
	int64_t total = -1;
	assert_int_equal(users_list(&e->app, &e->admin_actor, &f, list_collect, &l, &total, NULL),
	                 ERR_OK);
	assert_int_equal(total, 3);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.logins[0], "u_in");
	assert_string_equal(l.logins[1], "u_in2");
}

/* Reading a user outside the scope is refused (403) with an access.denied
 * row; a user that does not exist is simply not found. */
static void test_get_scope(void **state)
{
	struct env *e = *state;
	struct people p = populate(e);
	struct user_row u;
	struct errinfo ei;
	assert_int_equal(users_get(&e->app, &e->admin_actor, p.in, &u, NULL), ERR_OK);
	assert_string_equal(u.login, "u_in");
	assert_int_equal(u.nscopes, 1);
	assert_string_equal(u.scopes[0], "110105001002");
	assert_int_equal(u.nroles, 1);
	int64_t hidden[] = {p.mixed, p.out, p.none, p.parent, p.star};
	for (size_t i = 0; i < sizeof hidden / sizeof hidden[0]; i++) {
		err_clear(&ei);
		enum err rc = users_get(&e->app, &e->admin_actor, hidden[i], &u, &ei);
		if (rc != ERR_FORBIDDEN)
			fail_msg("user %lld outside the scope gave %d", (long long)hidden[i], rc);
	}
	assert_int_equal(audit_count(e, "access.denied", "denied"), 5);
	err_clear(&ei);
	assert_int_equal(users_get(&e->app, &e->admin_actor, p.star + 100, &u, &ei), ERR_NOTFOUND);
	assert_int_equal(audit_count(e, "access.denied", "denied"), 5);
	/* the command line sees them all */
	for (size_t i = 0; i < sizeof hidden / sizeof hidden[0]; i++)
		assert_int_equal(users_get(&e->app, &e->cli_actor, hidden[i], &u, NULL), ERR_OK);
}

/* Every write on a user outside the scope is refused, audited, and changes nothing. */
static void test_writes_outside_scope(void **state)
{
	struct env *e = *state;
	struct people p = populate(e);
	struct user_row u;
	struct errinfo ei;
	struct user_input upd = {.display_name = "改名"};
	err_clear(&ei);
	assert_int_equal(users_update(&e->app, &e->admin_actor, p.out, &upd, &u, &ei), ERR_FORBIDDEN);
	struct user_input lock = {.status = "locked"};
	assert_int_equal(users_update(&e->app, &e->admin_actor, p.star, &lock, &u, &ei), ERR_FORBIDDEN);
	assert_int_equal(users_reset_password(&e->app, &e->admin_actor, p.out, "Another-2026", &ei),
	                 ERR_FORBIDDEN);
	struct user_input g = {.set_grants = true, .nroles = 1};
	snprintf(g.roles[0], sizeof g.roles[0], "grid_worker");
	assert_int_equal(users_grant(&e->app, &e->admin_actor, p.none, &g, &u, &ei), ERR_FORBIDDEN);
	int64_t n = -1;
	assert_int_equal(users_end_sessions(&e->app, &e->admin_actor, p.parent, &n, &ei),
	                 ERR_FORBIDDEN);
	char phone[16];
	assert_int_equal(users_phone(&e->app, &e->admin_actor, p.out, phone, sizeof phone, &ei),
	                 ERR_FORBIDDEN);
	assert_string_equal(phone, "");
	struct apikey_row k;
	char key[APIKEY_MAX];
	err_clear(&ei);
	assert_int_equal(apikeys_create(&e->app, &e->admin_actor, "k", p.out, &k, key, &ei),
	                 ERR_FORBIDDEN);
	assert_string_equal(ei.field, "user_id");
	assert_int_equal(audit_count(e, "access.denied", "denied"), 7);
	/* and nothing changed */
	assert_int_equal(users_get(&e->app, &e->cli_actor, p.out, &u, NULL), ERR_OK);
	assert_string_equal(u.display_name, "外街道");
	assert_int_equal(users_get(&e->app, &e->cli_actor, p.star, &u, NULL), ERR_OK);
	assert_string_equal(u.status, "active");
	assert_int_equal(users_get(&e->app, &e->cli_actor, p.none, &u, NULL), ERR_OK);
	assert_int_equal(u.nroles, 0);
	assert_int_equal(audit_count(e, "user.update", "ok") + audit_count(e, "user.lock", "ok") +
	                     audit_count(e, "user.password", "ok") + audit_count(e, "user.grant", "ok") +
	                     audit_count(e, "apikey.create", "ok"),
	                 0);
}

/* A password reset on a user outside the scope is refused for the scope
 * (403, audited) before the password is looked at: the policy's answer
 * ("must not contain the login name") would otherwise tell the caller
 * about the login of a user they may not see, and go unaudited. */
static void test_reset_password_outside_scope_checks_scope_first(void **state)
{
	struct env *e = *state;
	struct people p = populate(e);
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = users_reset_password(&e->app, &e->admin_actor, p.out, "Probe-u_out-1", &ei);
	if (rc != ERR_FORBIDDEN)
		fail_msg("reset on a user outside the scope gave %d (%s: %s), want ERR_FORBIDDEN", rc,
		         ei.field, ei.message);
	err_clear(&ei);
	assert_int_equal(users_reset_password(&e->app, &e->admin_actor, p.out, "weak", &ei),
	                 ERR_FORBIDDEN);
}

/* --- creating ------------------------------------------------------------------------------ */

static struct user_input new_user(const char *login)
{
	struct user_input in = {.login = login, .display_name = "新用户", .password = "Beijing-2026!"};
	return in;
}

static void test_create(void **state)
{
	struct env *e = *state;
	struct user_input in = new_user("zhang.san");
	in.phone = "13812345678";
	in.set_grants = true;
	in.nroles = 1;
	in.nscopes = 1;
	snprintf(in.roles[0], sizeof in.roles[0], "grid_worker");
	snprintf(in.scopes[0], sizeof in.scopes[0], "110105001007");
	struct user_row u;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(users_create(&e->app, &e->admin_actor, &in, &u, &ei), ERR_OK);
	assert_true(u.id > 0);
	assert_string_equal(u.phone_masked, "138****5678");
	struct user_row got;
	assert_int_equal(users_get(&e->app, &e->admin_actor, u.id, &got, NULL), ERR_OK);
	assert_string_equal(got.login, "zhang.san");
	assert_string_equal(got.phone_masked, "138****5678");
	assert_string_equal(got.status, "active");
	assert_string_equal(got.roles[0], "grid_worker");
	assert_string_equal(got.scopes[0], "110105001007");
	assert_true(strncmp(got.password_hash, "$argon2id$", 10) == 0);
	/* unmasked on request, with an audit row */
	char phone[16];
	assert_int_equal(users_phone(&e->app, &e->admin_actor, u.id, phone, sizeof phone, NULL),
	                 ERR_OK);
	assert_string_equal(phone, "13812345678");
	/* audited, and the phone is stored encrypted */
	assert_int_equal(audit_count(e, "user.create", "ok"), 1);
	assert_int_equal(audit_count(e, "pii.unmask", "ok"), 1);
	assert_int_equal(phone_stored_plain(e, "zhang.san", "13812345678"), 0);
}

/* Without grants a new user starts inside the creator's scope, with no role. */
static void test_create_without_grants_inherits_scope(void **state)
{
	struct env *e = *state;
	struct identity sys = e->admin;
	sys.ncaps = 0;
	snprintf(sys.caps[sys.ncaps++], CAP_NAME_MAX, "user.manage");
	snprintf(sys.caps[sys.ncaps++], CAP_NAME_MAX, "user.read");
	struct actor a = actor_of(&sys);
	struct user_input in = new_user("li.si");
	struct user_row u;
	assert_int_equal(users_create(&e->app, &a, &in, &u, NULL), ERR_OK);
	struct user_row got;
	assert_int_equal(users_get(&e->app, &a, u.id, &got, NULL), ERR_OK);
	assert_int_equal(got.nroles, 0);
	assert_int_equal(got.nscopes, 1);
	assert_string_equal(got.scopes[0], "110105001");
}

/* Roles or scopes at creation need user.grant. */
static void test_create_with_roles_needs_grant(void **state)
{
	struct env *e = *state;
	struct identity sys = e->admin;
	sys.ncaps = 0;
	snprintf(sys.caps[sys.ncaps++], CAP_NAME_MAX, "user.manage");
	struct actor a = actor_of(&sys);
	struct user_input in = new_user("wang.wu");
	in.set_grants = true;
	in.nroles = 1;
	snprintf(in.roles[0], sizeof in.roles[0], "grid_worker");
	struct user_row u;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(users_create(&e->app, &a, &in, &u, &ei), ERR_FORBIDDEN);
	assert_string_equal(ei.field, "roles");
	/* scopes alone as well */
	in.nroles = 0;
	in.nscopes = 1;
	snprintf(in.scopes[0], sizeof in.scopes[0], "110105001");
	err_clear(&ei);
	assert_int_equal(users_create(&e->app, &a, &in, &u, &ei), ERR_FORBIDDEN);
	assert_string_equal(ei.field, "roles");
	assert_int_equal(users_find(&e->app, "wang.wu", &u, NULL), ERR_NOTFOUND);
	/* each refusal audited */
	assert_int_equal(audit_count(e, "access.denied", "denied"), 2);
}


/* Granted scopes must lie inside the granter's own. */
static void test_grant_scope_outside_own(void **state)
{
	struct env *e = *state;
	static const char *const outside[] = {"110105002", "110105", "11", "*", "120105001", NULL};
	struct user_row u;
	struct errinfo ei;
	for (const char *const *s = outside; *s; s++) {
		struct user_input in = new_user("zhao.liu");
		in.set_grants = true;
		in.nscopes = 1;
		snprintf(in.scopes[0], sizeof in.scopes[0], "%s", *s);
		err_clear(&ei);
		enum err rc = users_create(&e->app, &e->admin_actor, &in, &u, &ei);
		if (rc != ERR_FORBIDDEN)
			fail_msg("scope %s granted by a 110105001 administrator (%d)", *s, rc);
		assert_string_equal(ei.field, "scopes");
	}
	/* not a scope at all */
	struct user_input in = new_user("zhao.liu");
	in.set_grants = true;
	in.nscopes = 1;
	snprintf(in.scopes[0], sizeof in.scopes[0], "11010500%%");
	err_clear(&ei);
	assert_int_equal(users_create(&e->app, &e->admin_actor, &in, &u, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "scopes");
	/* inside: fine, also through users_grant */
	snprintf(in.scopes[0], sizeof in.scopes[0], "110105001009");
	assert_int_equal(users_create(&e->app, &e->admin_actor, &in, &u, NULL), ERR_OK);
	struct user_input g = {.set_grants = true, .nroles = 1, .nscopes = 2};
	snprintf(g.roles[0], sizeof g.roles[0], "community_staff");
	snprintf(g.scopes[0], sizeof g.scopes[0], "110105001009");
	snprintf(g.scopes[1], sizeof g.scopes[1], "110105002");
	err_clear(&ei);
	assert_int_equal(users_grant(&e->app, &e->admin_actor, u.id, &g, &u, &ei), ERR_FORBIDDEN);
	assert_string_equal(ei.field, "scopes");
	g.nscopes = 1;
	assert_int_equal(users_grant(&e->app, &e->admin_actor, u.id, &g, &u, NULL), ERR_OK);
	struct user_row got;
	assert_int_equal(users_get(&e->app, &e->admin_actor, u.id, &got, NULL), ERR_OK);
	assert_int_equal(got.nroles, 1);
	assert_string_equal(got.roles[0], "community_staff");
	assert_int_equal(got.nscopes, 1);
}

static void test_own_grants_refused(void **state)
{
	struct env *e = *state;
	struct user_input g = {.set_grants = true, .nroles = 1, .nscopes = 1};
	snprintf(g.roles[0], sizeof g.roles[0], "auditor");
	snprintf(g.scopes[0], sizeof g.scopes[0], "110105001");
	struct user_row u;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(users_grant(&e->app, &e->admin_actor, e->admin_id, &g, &u, &ei),
	                 ERR_FORBIDDEN);
	assert_string_equal(ei.field, "roles");
	/* an API key acting as oneself is oneself */
	struct identity viakey = e->admin;
	viakey.via_key = true;
	struct actor a = actor_of(&viakey);
	assert_int_equal(users_grant(&e->app, &a, e->admin_id, &g, &u, &ei), ERR_FORBIDDEN);
	struct user_row got;
	assert_int_equal(users_get(&e->app, &e->cli_actor, e->admin_id, &got, NULL), ERR_OK);
	assert_int_equal(got.nroles, 2);
	assert_string_equal(got.roles[0], "secadmin");
	assert_string_equal(got.roles[1], "sysadmin");
	assert_int_equal(audit_count(e, "access.denied", "denied"), 2);
}

/* Nobody locks or disables themselves (an administrator locking out the last administrator). */
static void test_cannot_lock_self(void **state)
{
	struct env *e = *state;
	struct user_input in = {.status = "disabled"};
	struct user_row u;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(users_update(&e->app, &e->admin_actor, e->admin_id, &in, &u, &ei),
	                 ERR_UNPROCESSABLE);
	assert_string_equal(ei.field, "status");
}

static void test_unknown_or_repeated_role(void **state)
{
	struct env *e = *state;
	struct user_input in = new_user("qian.qi");
	in.set_grants = true;
	in.nroles = 1;
	in.nscopes = 1;
	snprintf(in.roles[0], sizeof in.roles[0], "nosuchrole");
	snprintf(in.scopes[0], sizeof in.scopes[0], "110105001");
	struct user_row u;
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = users_create(&e->app, &e->admin_actor, &in, &u, &ei);
	if (rc != ERR_INVALID)
		fail_msg("an unknown role gave %d (%s)", rc, ei.message);
	assert_string_equal(ei.field, "roles");
	assert_int_equal(users_find(&e->app, "qian.qi", &u, NULL), ERR_NOTFOUND); /* all or nothing */
	/* listed twice */
	in.nroles = 2;
	snprintf(in.roles[0], sizeof in.roles[0], "grid_worker");
	snprintf(in.roles[1], sizeof in.roles[1], "grid_worker");
	err_clear(&ei);
	assert_int_equal(users_create(&e->app, &e->admin_actor, &in, &u, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "roles");
	/* through users_grant */
	in.nroles = 1;
	assert_int_equal(users_create(&e->app, &e->admin_actor, &in, &u, NULL), ERR_OK);
	struct user_input g = {.set_grants = true, .nroles = 1};
	snprintf(g.roles[0], sizeof g.roles[0], "nosuchrole");
	err_clear(&ei);
	int64_t id = u.id;
	assert_int_equal(users_grant(&e->app, &e->admin_actor, id, &g, &u, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "roles");
	struct user_row got;
	assert_int_equal(users_get(&e->app, &e->admin_actor, id, &got, NULL), ERR_OK);
	assert_int_equal(got.nroles, 1); /* unchanged */
	assert_string_equal(got.roles[0], "grid_worker");
}

static void test_duplicate_login(void **state)
{
	struct env *e = *state;
	struct user_input in = new_user("admin");
	struct user_row u;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(users_create(&e->app, &e->admin_actor, &in, &u, &ei), ERR_CONFLICT);
	if (strcmp(ei.field, "login") != 0)
		fail_msg("a taken login gave field \"%s\" (%s), want \"login\"", ei.field, ei.message);
	/* logins are lower case only, so no case-twin can be made */
	in.login = "Admin";
	err_clear(&ei);
	assert_int_equal(users_create(&e->app, &e->admin_actor, &in, &u, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "login");
}

/* Boundary: a display name of 64 characters (CJK: 192 bytes) is kept whole;
 * 65 are refused, as are empty names, control characters and bad UTF-8. */
static void test_display_name(void **state)
{
	struct env *e = *state;
	char name[65 * 3 + 1] = "";
	for (int i = 0; i < 64; i++)
		strcat(name, "丽");
	struct user_input in = new_user("sun.ba");
	in.display_name = name;
	struct user_row u;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(users_create(&e->app, &e->admin_actor, &in, &u, &ei), ERR_OK);
	struct user_row got;
	assert_int_equal(users_get(&e->app, &e->admin_actor, u.id, &got, NULL), ERR_OK);
	assert_string_equal(got.display_name, name);
	strcat(name, "丽");
	static const char *const bad_names[] = {NULL, "", "a\tb", "a\nb", "\xe4\xb8", "\xc0\xaf"};
	for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
		struct user_input b = new_user("zhou.jiu");
		b.display_name = bad_names[i] ? bad_names[i] : name;
		err_clear(&ei);
		enum err rc = users_create(&e->app, &e->admin_actor, &b, &u, &ei);
		if (rc != ERR_INVALID)
			fail_msg("display name %zu accepted (%d)", i, rc);
		assert_string_equal(ei.field, "display_name");
	}
	/* the same rule when renaming */
	struct user_input upd = {.display_name = name};
	err_clear(&ei);
	assert_int_equal(users_update(&e->app, &e->admin_actor, got.id, &upd, &u, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "display_name");
}

static void test_weak_password_and_bad_phone(void **state)
{
	struct env *e = *state;
	struct user_input in = new_user("wu.shi");
	in.password = "wu.shi-2026A";
	struct user_row u;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(users_create(&e->app, &e->admin_actor, &in, &u, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "password");
	in = new_user("wu.shi");
	in.phone = "12812345678";
	err_clear(&ei);
	assert_int_equal(users_create(&e->app, &e->admin_actor, &in, &u, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "phone");
	assert_int_equal(users_find(&e->app, "wu.shi", &u, NULL), ERR_NOTFOUND);
}

/* --- search text ---------------------------------------------------------------------------- */

static void test_q_matches_literally(void **state)
{
	struct env *e = *state;
	add_user(e, "pct", "100%满意", "", "110105001");
	add_user(e, "under_score", "下划线", "", "110105001");
	add_user(e, "plain", "普通", "", "110105001");
	add_user(e, "quote", "O'Brien", "", "110105001");
	add_user(e, "slash", "a\\b", "", "110105001");
	char got[512];
	int64_t total;
	list_as(e, &e->admin_actor, "%", got, sizeof got, &total);
	assert_string_equal(got, "pct");
	list_as(e, &e->admin_actor, "_", got, sizeof got, &total);
	assert_string_equal(got, "under_score");
	list_as(e, &e->admin_actor, "' OR 1=1 --", got, sizeof got, &total);
	assert_string_equal(got, "");
	assert_int_equal(total, 0);
	list_as(e, &e->admin_actor, "'", got, sizeof got, &total);
	assert_string_equal(got, "quote");
	list_as(e, &e->admin_actor, "\\", got, sizeof got, &total);
	assert_string_equal(got, "slash");
	list_as(e, &e->admin_actor, "a\\b", got, sizeof got, &total);
	assert_string_equal(got, "slash");
	/* substrings of login or name */
	list_as(e, &e->admin_actor, "满意", got, sizeof got, &total);
	assert_string_equal(got, "pct");
	list_as(e, &e->admin_actor, "dmi", got, sizeof got, &total);
	assert_string_equal(got, "admin");
	list_as(e, &e->admin_actor, "通", got, sizeof got, &total);
	assert_string_equal(got, "plain");
	/* scope still applies to a search */
	add_user(e, "plain2", "普通", "", "110105002");
	list_as(e, &e->admin_actor, "plain", got, sizeof got, &total);
	assert_string_equal(got, "plain");
}

/* --- roles ---------------------------------------------------------------------------------- */

static struct role_row role(const char *id, const char *name, const char *caps)
{
	struct role_row r;
	memset(&r, 0, sizeof r);
	snprintf(r.id, sizeof r.id, "%s", id);
	snprintf(r.name, sizeof r.name, "%s", name);
	char buf[256];
	snprintf(buf, sizeof buf, "%s", caps);
	for (char *s = NULL, *t = strtok_r(buf, " ", &s); t; t = strtok_r(NULL, " ", &s))
		snprintf(r.caps[r.ncaps++], CAP_NAME_MAX, "%s", t);
	return r;
}

struct role_list {
	int n;
	struct role_row r[32];
};

static void role_collect(void *ctx, const struct role_row *r)
{
	struct role_list *l = ctx;
	if (l->n < 32)
		l->r[l->n++] = *r;
}

static const struct role_row *find_role(struct role_list *l, const char *id)
{
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->r[i].id, id) == 0)
			return &l->r[i];
	return NULL;
}

static void test_roles_put(void **state)
{
	struct env *e = *state;
	struct errinfo ei;
	struct role_row r = role("night_watch", "夜间值班", "calendar.read person.read_pii");
	assert_int_equal(roles_put(&e->app, &e->admin_actor, &r, true, NULL), ERR_OK);
	/* an unknown capability */
	struct role_row bad = role("night_watch2", "x", "calendar.read calendar.delete");
	err_clear(&ei);
	assert_int_equal(roles_put(&e->app, &e->admin_actor, &bad, true, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "capabilities");
	/* "authenticated" and "public" are not capabilities a role can hold */
	bad = role("night_watch2", "x", "public");
	assert_int_equal(roles_put(&e->app, &e->admin_actor, &bad, true, NULL), ERR_INVALID);
	/* a bad id, an empty name */
	bad = role("Night", "x", "");
	err_clear(&ei);
	assert_int_equal(roles_put(&e->app, &e->admin_actor, &bad, true, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "id");
	bad = role("night_watch2", "", "");
	err_clear(&ei);
	assert_int_equal(roles_put(&e->app, &e->admin_actor, &bad, true, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "name");
	/* twice */
	err_clear(&ei);
	assert_int_equal(roles_put(&e->app, &e->admin_actor, &r, true, &ei), ERR_CONFLICT);
	assert_string_equal(ei.field, "id");
	/* updating a role that does not exist */
	bad = role("no_such_role", "x", "");
	assert_int_equal(roles_put(&e->app, &e->admin_actor, &bad, false, NULL), ERR_NOTFOUND);
	/* updating replaces the capabilities; a built-in role stays built-in */
	r = role("night_watch", "夜班", "calendar.read");
	assert_int_equal(roles_put(&e->app, &e->admin_actor, &r, false, NULL), ERR_OK);
	struct role_row gw = role("grid_worker", "网格员", "calendar.read system.read");
	assert_int_equal(roles_put(&e->app, &e->admin_actor, &gw, false, NULL), ERR_OK);
	struct role_list *l = calloc(1, sizeof *l);
	assert_non_null(l);
	assert_int_equal(roles_list(&e->app, role_collect, l, NULL), ERR_OK);
	const struct role_row *nw = find_role(l, "night_watch"), *g = find_role(l, "grid_worker");
	assert_non_null(nw);
	assert_non_null(g);
	assert_string_equal(nw->name, "夜班");
	assert_int_equal(nw->ncaps, 1);
	assert_false(nw->builtin);
	assert_true(g->builtin);
	assert_int_equal(g->ncaps, 2);
	free(l);
	assert_int_equal(audit_count(e, "role.create", "ok"), 1);
	assert_int_equal(audit_count(e, "role.update", "ok"), 2);
}

static void test_roles_delete(void **state)
{
	struct env *e = *state;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(roles_delete(&e->app, &e->admin_actor, "grid_worker", &ei), ERR_UNPROCESSABLE);
	assert_int_equal(roles_delete(&e->app, &e->admin_actor, "no_such_role", NULL), ERR_NOTFOUND);
	struct role_row r = role("night_watch", "夜间值班", "calendar.read");
	assert_int_equal(roles_put(&e->app, &e->admin_actor, &r, true, NULL), ERR_OK);
	int64_t id = add_user(e, "watcher", "值班员", "night_watch", "110105001001");
	err_clear(&ei);
	enum err rc = roles_delete(&e->app, &e->admin_actor, "night_watch", &ei);
	if (rc != ERR_CONFLICT)
		fail_msg("deleting a role still granted gave %d (%s)", rc, ei.message);
	struct user_row got;
	assert_int_equal(users_get(&e->app, &e->admin_actor, id, &got, NULL), ERR_OK);
	assert_int_equal(got.nroles, 1); /* still granted */
	struct user_input g = {.set_grants = true, .nscopes = 1};
	snprintf(g.scopes[0], sizeof g.scopes[0], "110105001001");
	assert_int_equal(users_grant(&e->app, &e->admin_actor, id, &g, &got, NULL), ERR_OK);
	assert_int_equal(roles_delete(&e->app, &e->admin_actor, "night_watch", NULL), ERR_OK);
	struct role_list *l = calloc(1, sizeof *l);
	assert_non_null(l);
	assert_int_equal(roles_list(&e->app, role_collect, l, NULL), ERR_OK);
	assert_null(find_role(l, "night_watch"));
	free(l);
	assert_int_equal(audit_count(e, "role.delete", "ok"), 1);
}

/* 三员分立 (docs/API.md): managing an account needs every capability it
 * holds. A sysadmin (user.manage, apikey.manage) must not mint an API key
 * for a secadmin in the same scope or reset their password (and then grant
 * roles as them), nor may the secadmin do so to the sysadmin or the
 * auditor. Reading stays possible. */
static void test_no_management_of_stronger_accounts(void **state)
{
	struct env *e = *state;
	int64_t sys_id = add_user(e, "sys", "系统管理员", "sysadmin", "110105001");
	int64_t sec_id = add_user(e, "sec", "安全管理员", "secadmin", "110105001");
	int64_t aud_id = add_user(e, "aud", "审计员", "auditor", "110105001");
	int64_t weak_id = add_user(e, "weak", "网格员", "grid_worker", "110105001");
	struct identity sys, sec;
	load_identity(e, sys_id, &sys);
	load_identity(e, sec_id, &sec);
	assert_false(identity_has(&sys, "user.grant"));
	struct actor as = actor_of(&sys), ac = actor_of(&sec);
	struct apikey_row k;
	char key[APIKEY_MAX];
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(apikeys_create(&e->app, &as, "takeover", sec_id, &k, key, &ei), ERR_FORBIDDEN);
	assert_string_equal(ei.field, "user_id");
	assert_int_equal(users_reset_password(&e->app, &as, sec_id, "Taken-Over-2026", &ei),
	                 ERR_FORBIDDEN);
	assert_int_equal(users_reset_password(&e->app, &as, aud_id, "Taken-Over-2026", &ei),
	                 ERR_FORBIDDEN);
	struct user_input lock = {.status = "disabled"};
	struct user_row u;
	assert_int_equal(users_update(&e->app, &as, sec_id, &lock, &u, &ei), ERR_FORBIDDEN);
	int64_t n;
	assert_int_equal(users_end_sessions(&e->app, &as, aud_id, &n, &ei), ERR_FORBIDDEN);
	/* the security administrator: no user.manage, so no reset of the sysadmin either */
	assert_int_equal(users_reset_password(&e->app, &ac, sys_id, "Taken-Over-2026", &ei),
	                 ERR_FORBIDDEN);
	/* reading is scope only */
	assert_int_equal(users_get(&e->app, &as, sec_id, &u, NULL), ERR_OK);
	/* an account holding nothing the sysadmin lacks is theirs to manage */
	assert_int_equal(apikeys_create(&e->app, &as, "sync", weak_id, &k, key, &ei), ERR_OK);
	assert_int_equal(users_reset_password(&e->app, &as, weak_id, "Reset-By-Sys-1", &ei), ERR_OK);
	assert_int_equal(audit_count(e, "access.denied", "denied"), 6);
}

/* Nobody changes or deletes a role they hold (that would be changing
 * their own grants). */
static void test_role_held_not_changed(void **state)
{
	struct env *e = *state;
	struct errinfo ei;
	struct role_row r = role("secadmin", "安全管理员", "user.read user.grant role.read role.manage "
	                                                  "audit.read");
	err_clear(&ei);
	assert_int_equal(roles_put(&e->app, &e->admin_actor, &r, false, &ei), ERR_FORBIDDEN);
	assert_string_equal(ei.field, "id");
	struct role_row mine = role("street_admin", "街道管理", "calendar.read");
	assert_int_equal(roles_put(&e->app, &e->cli_actor, &mine, true, NULL), ERR_OK);
	struct user_input g = {.set_grants = true, .nroles = 3, .nscopes = 1};
	snprintf(g.roles[0], sizeof g.roles[0], "sysadmin");
	snprintf(g.roles[1], sizeof g.roles[1], "secadmin");
	snprintf(g.roles[2], sizeof g.roles[2], "street_admin");
	snprintf(g.scopes[0], sizeof g.scopes[0], "110105001");
	struct user_row u;
	assert_int_equal(users_grant(&e->app, &e->cli_actor, e->admin_id, &g, &u, NULL), ERR_OK);
	load_identity(e, e->admin_id, &e->admin);
	err_clear(&ei);
	assert_int_equal(roles_delete(&e->app, &e->admin_actor, "street_admin", &ei), ERR_FORBIDDEN);
	mine = role("street_admin", "街道管理", "calendar.read audit.read");
	assert_int_equal(roles_put(&e->app, &e->admin_actor, &mine, false, &ei), ERR_FORBIDDEN);
	/* the role is as it was */
	struct role_list *l = calloc(1, sizeof *l);
	assert_non_null(l);
	assert_int_equal(roles_list(&e->app, role_collect, l, NULL), ERR_OK);
	const struct role_row *got = find_role(l, "street_admin"), *sa = find_role(l, "secadmin");
	assert_non_null(got);
	assert_int_equal(got->ncaps, 1);
	assert_int_equal(sa->ncaps, 4);
	free(l);
}

struct key_list {
	int n;
	int64_t user[16];
};

static void key_collect(void *ctx, const struct apikey_row *k)
{
	struct key_list *l = ctx;
	if (l->n < 16)
		l->user[l->n++] = k->user_id;
}

/* API keys are listed and revoked within the scope only. */
static void test_apikeys_within_scope(void **state)
{
	struct env *e = *state;
	struct people p = populate(e);
	struct apikey_row in_key, out_key;
	char key[APIKEY_MAX];
	assert_int_equal(apikeys_create(&e->app, &e->cli_actor, "in", p.in, &in_key, key, NULL), ERR_OK);
	assert_int_equal(apikeys_create(&e->app, &e->cli_actor, "out", p.out, &out_key, key, NULL),
	                 ERR_OK);
	struct key_list l = {0};
	assert_int_equal(apikeys_list(&e->app, &e->admin_actor, key_collect, &l, NULL), ERR_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.user[0], p.in);
	memset(&l, 0, sizeof l);
	assert_int_equal(apikeys_list(&e->app, &e->cli_actor, key_collect, &l, NULL), ERR_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(apikeys_revoke(&e->app, &e->admin_actor, out_key.id, NULL), ERR_FORBIDDEN);
	assert_int_equal(apikeys_revoke(&e->app, &e->admin_actor, in_key.id, NULL), ERR_OK);
	assert_int_equal(apikeys_revoke(&e->app, &e->admin_actor, out_key.id + 100, NULL),
	                 ERR_NOTFOUND);
	assert_int_equal(audit_count(e, "apikey.revoke", "ok"), 1);
}

int main(void)
{
	log_set_level(LOG_ERROR);
	fx_print_backend("test_users");
	if (crypto_init() != ERR_OK || crypto_password_hash(FIXTURE_PASSWORD, fixture_hash) != ERR_OK)
		return 1;
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_list_scope),
		T(test_list_paging),
		T(test_get_scope),
		T(test_writes_outside_scope),
		T(test_reset_password_outside_scope_checks_scope_first),
		T(test_create),
		T(test_create_without_grants_inherits_scope),
		T(test_create_with_roles_needs_grant),
		T(test_grant_scope_outside_own),
		T(test_own_grants_refused),
		T(test_cannot_lock_self),
		T(test_unknown_or_repeated_role),
		T(test_duplicate_login),
		T(test_display_name),
		T(test_weak_password_and_bad_phone),
		T(test_q_matches_literally),
		T(test_roles_put),
		T(test_roles_delete),
		T(test_no_management_of_stronger_accounts),
		T(test_role_held_not_changed),
		T(test_apikeys_within_scope),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
