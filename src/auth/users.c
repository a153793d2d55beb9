/* User, role and API-key management rules. */
#include "auth/users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth/audit.h"
#include "auth/caps.h"
#include "store/units.h"
#include "util/clock.h"
#include "util/utf8.h"

void users_cli_identity(struct identity *id)
{
	memset(id, 0, sizeof *id);
	snprintf(id->login, sizeof id->login, "cli");
	for (const struct capability *c = capabilities; c->name && id->ncaps < IDENTITY_CAPS_MAX; c++)
		snprintf(id->caps[id->ncaps++], CAP_NAME_MAX, "%s", c->name);
	snprintf(id->scopes[0], sizeof id->scopes[0], "*");
	id->nscopes = 1;
}

static bool in_scope(const struct actor *a, const struct user_row *u)
{
	return identity_covers_all(a->who, (const char(*)[SCOPE_MAX + 1])u->scopes, u->nscopes);
}

static void object_of(int64_t id, char out[48])
{
	snprintf(out, 48, "user:%lld", (long long)id);
}

static enum err check_text(const char *s, const char *field, size_t max_chars, struct errinfo *ei)
{
	size_t chars = 0;
	if (!utf8_valid(s, strlen(s), &chars) || chars == 0 || chars > max_chars)
		return err_set(ei, ERR_INVALID, field, "%s must be 1 to %zu characters", field, max_chars);
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20)
			return err_set(ei, ERR_INVALID, field, "%s contains a control character", field);
	return ERR_OK;
}

/* Grants must stay inside the granter's own scope. */
static enum err check_grants(const struct actor *a, const struct user_input *in, struct errinfo *ei)
{
	if (!identity_has(a->who, "user.grant"))
		return err_set(ei, ERR_FORBIDDEN, "roles", "giving roles and scopes needs user.grant");
	for (int i = 0; i < in->nscopes; i++) {
		const char *why = scope_check(in->scopes[i], strlen(in->scopes[i]));
		if (why != NULL)
			return err_set(ei, ERR_INVALID, "scopes", "scope %s %s", in->scopes[i], why);
		/* A unit scope is checked against the unit's area where the grant
		 * is written (unit_scopes_check). */
		if (strncmp(in->scopes[i], "unit:", 5) != 0 && !identity_covers(a->who, in->scopes[i]))
			return err_set(ei, ERR_FORBIDDEN, "scopes", "scope %s lies outside your own",
			               in->scopes[i]);
	}
	return ERR_OK;
}

/* Each unit:N scope names a department whose area lies in the granter's
 * scope (or the granter holds that unit scope itself). */
static enum err unit_scopes_check(struct store_conn *c, const struct actor *a,
                                  const struct user_row *u, struct errinfo *ei)
{
	for (int i = 0; i < u->nscopes; i++) {
		if (strncmp(u->scopes[i], "unit:", 5) != 0)
			continue;
		int64_t id = strtoll(u->scopes[i] + 5, NULL, 10);
		struct unit_row unit;
		enum err rc = store_unit_get(c, id, &unit, ei);
		if (rc == ERR_NOTFOUND)
			return err_set(ei, ERR_INVALID, "scopes", "scope %s: no unit %lld", u->scopes[i],
			               (long long)id);
		if (rc != ERR_OK)
			return rc;
		if (strcmp(unit.kind, "department") != 0)
			return err_set(ei, ERR_INVALID, "scopes", "scope %s: %s is not a department",
			               u->scopes[i], unit.name);
		if (a->who != NULL && !identity_covers(a->who, unit.area_code) &&
		    !identity_covers(a->who, u->scopes[i]))
			return err_set(ei, ERR_FORBIDDEN, "scopes", "scope %s: %s lies outside your own",
			               u->scopes[i], unit.name);
	}
	return ERR_OK;
}

/* Keeps an encrypted phone, its lookup hash and its masked form. */
struct phone_cols {
	char *enc;
	char hash[CRYPTO_HASH_HEX];
};

static enum err phone_prepare(struct app *app, const char *phone, struct user_row *u,
                              struct phone_cols *pc, struct errinfo *ei)
{
	pc->enc = NULL;
	pc->hash[0] = '\0';
	u->phone_masked[0] = '\0';
	if (phone == NULL || phone[0] == '\0')
		return ERR_OK;
	const char *why = phone_check(phone, strlen(phone));
	if (why != NULL)
		return err_set(ei, ERR_INVALID, "phone", "phone %s", why);
	pc->enc = crypto_seal(&app->keys, phone);
	if (pc->enc == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "cannot encrypt the phone");
	crypto_lookup_hex(&app->keys, phone, pc->hash);
	phone_mask(phone, u->phone_masked);
	return ERR_OK;
}

/* What an actor may do to another account. Reading needs only scope.
 * Managing (edit, lock, reset a password, end sessions, make an API key
 * that acts as it) also needs every administrative capability the account
 * has: nobody acts on an account more powerful than their own, which keeps the system
 * administrator, the security administrator and the auditor apart (三员分立). */
enum target_mode { TARGET_READ, TARGET_MANAGE };

static enum err target(struct store_conn *c, const struct actor *a, int64_t id, struct user_row *u,
                       enum target_mode mode, struct errinfo *ei)
{
	enum err rc = store_user_by_id(c, id, u, ei);
	if (rc != ERR_OK)
		return rc;
	if (!in_scope(a, u))
		return err_set(ei, ERR_FORBIDDEN, NULL, "user %lld lies outside your scope", (long long)id);
	if (mode == TARGET_READ || a->who->user_id == id)
		return ERR_OK;
	struct identity *t = calloc(1, sizeof *t);
	if (t == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	rc = store_identity_load(c, id, t, ei);
	/* Administrative powers only: the system administrator keeps the staff's
	 * accounts without holding their business capabilities (every reset is
	 * audited and ends the account's sessions). */
	for (int i = 0; rc == ERR_OK && i < t->ncaps; i++)
		if (capability_administrative(t->caps[i]) && !identity_has(a->who, t->caps[i]))
			rc = err_set(ei, ERR_FORBIDDEN, NULL,
			             "user %lld holds %s, which you do not: ask an administrator who does",
			             (long long)id, t->caps[i]);
	free(t);
	return rc;
}

/* A refusal inside a write rolls its transaction back, audit row and all;
 * record it in a transaction of its own. */
static enum err audited(struct app *app, const struct actor *a, enum err rc, const char *action,
                        int64_t id, const struct errinfo *ei)
{
	if (rc == ERR_FORBIDDEN) {
		char object[48];
		object_of(id, object);
		audit_record(app->store, a, "access.denied", object, "denied", ei ? ei->message : action);
	}
	return rc;
}

/* --- reads ------------------------------------------------------------------- */

struct list_ctx {
	struct user_filter *f;
	void (*fn)(void *ctx, const struct user_row *u);
	void *ctx;
	int64_t *total;
};

static enum err list_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct list_ctx *x = arg;
	return store_user_list(c, x->f, x->fn, x->ctx, x->total, ei);
}

enum err users_list(struct app *app, const struct actor *a, struct user_filter *f,
                    void (*fn)(void *ctx, const struct user_row *u), void *ctx, int64_t *total,
                    struct errinfo *ei)
{
	f->within = a->who;
	struct list_ctx x = {f, fn, ctx, total};
	return store_read(app->store, list_fn, &x, ei);
}

struct get_ctx {
	int64_t id;
	const char *login;
	struct user_row *u;
};

static enum err get_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct get_ctx *x = arg;
	return x->login ? store_user_by_login(c, x->login, x->u, ei) : store_user_by_id(c, x->id, x->u, ei);
}

enum err users_get(struct app *app, const struct actor *a, int64_t id, struct user_row *u,
                   struct errinfo *ei)
{
	struct get_ctx x = {.id = id, .u = u};
	enum err rc = store_read(app->store, get_fn, &x, ei);
	if (rc == ERR_OK && !in_scope(a, u))
		rc = err_set(ei, ERR_FORBIDDEN, NULL, "user %lld lies outside your scope", (long long)id);
	return audited(app, a, rc, "user.read", id, ei);
}

enum err users_find(struct app *app, const char *login, struct user_row *u, struct errinfo *ei)
{
	struct get_ctx x = {.login = login, .u = u};
	return store_read(app->store, get_fn, &x, ei);
}

/* --- writes ------------------------------------------------------------------ */

struct write_ctx {
	struct app *app;
	const struct actor *a;
	const struct user_input *in;
	struct user_row *u;
	struct phone_cols pc;
	const char *hash; /* a new password hash */
	char masked[16];  /* the new phone, masked */
	int64_t n;
	bool grant_only;
};

static enum err create_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	enum err rc = x->in->set_grants ? unit_scopes_check(c, x->a, x->u, ei) : ERR_OK;
	if (rc != ERR_OK)
		return rc;
	rc = store_user_insert(c, x->u, x->pc.enc, x->pc.hash[0] ? x->pc.hash : NULL, ei);
	if (rc != ERR_OK)
		return rc;
	char object[48], detail[256];
	object_of(x->u->id, object);
	snprintf(detail, sizeof detail, "login %s, %d roles, %d scopes", x->u->login, x->u->nroles,
	         x->u->nscopes);
	return audit_append(c, x->a, "user.create", object, "ok", detail, ei);
}

enum err users_create(struct app *app, const struct actor *a, const struct user_input *in,
                      struct user_row *out, struct errinfo *ei)
{
	enum err rc;
	const char *why = login_check(in->login, strlen(in->login));
	if (why != NULL)
		return err_set(ei, ERR_INVALID, "login", "login %s", why);
	if ((rc = check_text(in->display_name, "display_name", DISPLAY_NAME_MAX, ei)) != ERR_OK)
		return rc;
	if ((rc = password_check(in->password, in->login, "password", ei)) != ERR_OK)
		return rc;
	if (in->set_grants && (rc = check_grants(a, in, ei)) != ERR_OK) {
		audit_record(app->store, a, "access.denied", "user.create", "denied", ei->message);
		return rc;
	}
	memset(out, 0, sizeof *out);
	snprintf(out->login, sizeof out->login, "%s", in->login);
	snprintf(out->display_name, sizeof out->display_name, "%s", in->display_name);
	snprintf(out->status, sizeof out->status, "active");
	out->nroles = in->nroles;
	memcpy(out->roles, in->roles, sizeof out->roles);
	out->nscopes = in->nscopes;
	memcpy(out->scopes, in->scopes, sizeof out->scopes);
	if (!in->set_grants && a->who->nscopes > 0 && strcmp(a->who->scopes[0], "*") != 0) {
		/* Without grants, a new user starts inside the creator's scope. */
		out->nscopes = a->who->nscopes;
		memcpy(out->scopes, a->who->scopes, sizeof out->scopes);
	}
	if (crypto_password_hash(in->password, out->password_hash) != ERR_OK)
		return err_set(ei, ERR_INTERNAL, NULL, "cannot hash the password");
	struct write_ctx x = {.app = app, .a = a, .in = in, .u = out};
	if ((rc = phone_prepare(app, in->phone, out, &x.pc, ei)) != ERR_OK)
		return rc;
	rc = store_write(app->store, create_fn, &x, ei);
	free(x.pc.enc);
	if (rc == ERR_FORBIDDEN)
		audit_record(app->store, a, "access.denied", "user.create", "denied", ei->message);
	return rc;
}

static enum err update_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	const struct user_input *in = x->in;
	struct user_row *u = x->u;
	int64_t id = u->id;
	enum err rc = target(c, x->a, id, u, TARGET_MANAGE, ei);
	if (rc != ERR_OK)
		return rc;
	const char *action = "user.update";
	bool was_locked = strcmp(u->status, "active") != 0 || u->locked_until > clock_now();
	if (in->display_name != NULL)
		snprintf(u->display_name, sizeof u->display_name, "%s", in->display_name);
	if (in->status != NULL) {
		if (strcmp(in->status, "active") == 0 && was_locked)
			action = "user.unlock";
		else if (strcmp(in->status, "active") != 0 && strcmp(u->status, in->status) != 0)
			action = "user.lock";
		if (strcmp(in->status, "active") == 0) {
			u->locked_until = 0;
			u->failed_count = 0;
			u->failed_since = 0;
		}
		snprintf(u->status, sizeof u->status, "%s", in->status);
	}
	if (in->set_phone)
		memcpy(u->phone_masked, x->masked, sizeof u->phone_masked);
	rc = store_user_update(c, u, x->pc.enc, x->pc.hash[0] ? x->pc.hash : NULL, in->set_phone, ei);
	if (rc == ERR_OK && in->status != NULL && strcmp(in->status, "active") != 0)
		rc = store_session_delete_user(c, u->id, NULL, ei);
	if (rc != ERR_OK)
		return rc;
	char object[48], detail[128];
	object_of(u->id, object);
	snprintf(detail, sizeof detail, "%s%s%s", in->display_name ? "name " : "",
	         in->set_phone ? "phone " : "", in->status ? in->status : "");
	return audit_append(c, x->a, action, object, "ok", detail, ei);
}

enum err users_update(struct app *app, const struct actor *a, int64_t id,
                      const struct user_input *in, struct user_row *out, struct errinfo *ei)
{
	enum err rc;
	if (in->display_name != NULL &&
	    (rc = check_text(in->display_name, "display_name", DISPLAY_NAME_MAX, ei)) != ERR_OK)
		return rc;
	if (in->status != NULL && id == a->who->user_id && strcmp(in->status, "active") != 0)
		return err_set(ei, ERR_UNPROCESSABLE, "status", "you cannot lock or disable yourself");
	memset(out, 0, sizeof *out);
	out->id = id;
	struct write_ctx x = {.app = app, .a = a, .in = in, .u = out};
	if (in->set_phone) {
		struct user_row tmp;
		if ((rc = phone_prepare(app, in->phone, &tmp, &x.pc, ei)) != ERR_OK)
			return rc;
		memcpy(x.masked, tmp.phone_masked, sizeof x.masked);
	}
	rc = store_write(app->store, update_fn, &x, ei);
	free(x.pc.enc);
	return audited(app, a, rc, "user.update", id, ei);
}

static enum err reset_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	int64_t id = x->u->id;
	enum err rc = target(c, x->a, id, x->u, TARGET_MANAGE, ei);
	if (rc == ERR_OK)
		rc = store_user_set_password(c, id, x->hash, ei);
	if (rc == ERR_OK)
		rc = store_session_delete_user(c, id, NULL, ei);
	if (rc != ERR_OK)
		return rc;
	char object[48];
	object_of(id, object);
	return audit_append(c, x->a, "user.password", object, "ok", "reset by an administrator", ei);
}

struct check_ctx {
	const struct actor *a;
	int64_t id;
	struct user_row *u;
};

static enum err manage_check_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct check_ctx *x = arg;
	return target(c, x->a, x->id, x->u, TARGET_MANAGE, ei);
}

enum err users_reset_password(struct app *app, const struct actor *a, int64_t id,
                              const char *password, struct errinfo *ei)
{
	/* Permission first: the policy's answer must not tell an outsider
	 * anything about an account they may not touch. */
	struct user_row u = {.id = id};
	struct check_ctx g = {a, id, &u};
	enum err rc = audited(app, a, store_read(app->store, manage_check_fn, &g, ei), "user.password",
	                      id, ei);
	if (rc != ERR_OK)
		return rc;
	if ((rc = password_check(password, u.login, "password", ei)) != ERR_OK)
		return rc;
	char hash[CRYPTO_PWHASH_MAX];
	if (crypto_password_hash(password, hash) != ERR_OK)
		return err_set(ei, ERR_INTERNAL, NULL, "cannot hash the password");
	u.id = id;
	struct write_ctx x = {.app = app, .a = a, .u = &u, .hash = hash};
	return audited(app, a, store_write(app->store, reset_fn, &x, ei), "user.password", id, ei);
}

static enum err grant_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	int64_t id = x->u->id;
	enum err rc = target(c, x->a, id, x->u, TARGET_READ, ei);
	if (rc != ERR_OK)
		return rc;
	x->u->nroles = x->in->nroles;
	memcpy(x->u->roles, x->in->roles, sizeof x->u->roles);
	x->u->nscopes = x->in->nscopes;
	memcpy(x->u->scopes, x->in->scopes, sizeof x->u->scopes);
	if ((rc = unit_scopes_check(c, x->a, x->u, ei)) != ERR_OK)
		return rc;
	if ((rc = store_user_set_grants(c, x->u, ei)) != ERR_OK)
		return rc;
	char object[48], detail[512] = "";
	object_of(id, object);
	size_t n = 0;
	for (int i = 0; i < x->u->nroles && n < sizeof detail - 40; i++)
		n += (size_t)snprintf(detail + n, sizeof detail - n, "%s%s", i ? "," : "roles ", x->u->roles[i]);
	for (int i = 0; i < x->u->nscopes && n < sizeof detail - 40; i++)
		n += (size_t)snprintf(detail + n, sizeof detail - n, "%s%s", i ? "," : "; scopes ", x->u->scopes[i]);
	return audit_append(c, x->a, "user.grant", object, "ok", detail, ei);
}

enum err users_grant(struct app *app, const struct actor *a, int64_t id,
                     const struct user_input *in, struct user_row *out, struct errinfo *ei)
{
	enum err rc;
	if (id == a->who->user_id) {
		audit_record(app->store, a, "access.denied", "user.grant", "denied", "own grants");
		return err_set(ei, ERR_FORBIDDEN, "roles", "nobody changes their own roles or scopes");
	}
	if ((rc = check_grants(a, in, ei)) != ERR_OK) {
		audit_record(app->store, a, "access.denied", "user.grant", "denied", ei->message);
		return rc;
	}
	memset(out, 0, sizeof *out);
	out->id = id;
	struct write_ctx x = {.app = app, .a = a, .in = in, .u = out};
	return audited(app, a, store_write(app->store, grant_fn, &x, ei), "user.grant", id, ei);
}

static enum err end_sessions_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	int64_t id = x->u->id;
	enum err rc = target(c, x->a, id, x->u, TARGET_MANAGE, ei);
	if (rc == ERR_OK)
		rc = store_session_delete_user(c, id, &x->n, ei);
	if (rc != ERR_OK)
		return rc;
	char object[48];
	object_of(id, object);
	return audit_append(c, x->a, "session.logout", object, "ok", "ended by an administrator", ei);
}

enum err users_end_sessions(struct app *app, const struct actor *a, int64_t id, int64_t *n,
                            struct errinfo *ei)
{
	struct user_row u = {.id = id};
	struct write_ctx x = {.app = app, .a = a, .u = &u};
	enum err rc = store_write(app->store, end_sessions_fn, &x, ei);
	*n = x.n;
	return audited(app, a, rc, "session.logout", id, ei);
}

struct phone_ctx {
	const struct actor *a;
	int64_t id;
	char *enc;
};

static enum err phone_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct phone_ctx *x = arg;
	struct user_row u;
	enum err rc = target(c, x->a, x->id, &u, TARGET_READ, ei);
	if (rc != ERR_OK)
		return rc;
	struct store_val p[] = {SV_INT(x->id)};
	struct store_stmt *s = NULL;
	if ((rc = store_query(c, "SELECT COALESCE(phone_enc, '') FROM app_user WHERE id = ?", p, 1, &s, ei)) != ERR_OK)
		return rc;
	if (store_next(s) == 1)
		x->enc = strdup(store_col_text(s, 0, NULL));
	store_done(s);
	char object[48];
	object_of(x->id, object);
	return audit_append(c, x->a, "pii.unmask", object, "ok", "phone", ei);
}

enum err users_phone(struct app *app, const struct actor *a, int64_t id, char *out, size_t cap,
                     struct errinfo *ei)
{
	struct phone_ctx x = {a, id, NULL};
	enum err rc = audited(app, a, store_write(app->store, phone_fn, &x, ei), "pii.unmask", id, ei);
	out[0] = '\0';
	if (rc == ERR_OK && x.enc != NULL && x.enc[0] != '\0') {
		char *plain = crypto_open(&app->keys, x.enc);
		if (plain == NULL)
			rc = err_set(ei, ERR_INTERNAL, NULL, "the stored phone cannot be decrypted");
		else
			snprintf(out, cap, "%s", plain);
		free(plain);
	}
	free(x.enc);
	return rc;
}

/* --- roles ------------------------------------------------------------------- */

static enum err seed_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	for (const struct default_role *d = default_roles; d->id; d++) {
		struct role_row r;
		memset(&r, 0, sizeof r);
		snprintf(r.id, sizeof r.id, "%s", d->id);
		snprintf(r.name, sizeof r.name, "%s", d->name);
		r.builtin = true;
		for (int i = 0; d->caps[i] && r.ncaps < IDENTITY_CAPS_MAX; i++)
			snprintf(r.caps[r.ncaps++], CAP_NAME_MAX, "%s", d->caps[i]);
		enum err rc = store_role_put(c, &r, true, ei);
		if (rc != ERR_OK)
			return rc;
	}
	return ERR_OK;
}

enum err roles_seed(struct app *app, struct errinfo *ei)
{
	return store_write(app->store, seed_fn, NULL, ei);
}

struct roles_ctx {
	void (*fn)(void *ctx, const struct role_row *r);
	void *ctx;
	struct role_row *r;
	const struct actor *a;
	const char *id;
	bool create;
};

static enum err roles_list_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct roles_ctx *x = arg;
	return store_role_list(c, x->fn, x->ctx, ei);
}

enum err roles_list(struct app *app, void (*fn)(void *ctx, const struct role_row *r), void *ctx,
                    struct errinfo *ei)
{
	struct roles_ctx x = {.fn = fn, .ctx = ctx};
	return store_read(app->store, roles_list_fn, &x, ei);
}

/* Changing or deleting a role one holds would be changing one's own grants. */
static bool holds_role(const struct actor *a, const char *id)
{
	for (int i = 0; i < a->who->nroles; i++)
		if (strcmp(a->who->roles[i], id) == 0)
			return true;
	return false;
}

static enum err role_put_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct roles_ctx *x = arg;
	struct role_row old;
	enum err rc = store_role_get(c, x->r->id, &old, ei);
	if (x->create && rc == ERR_OK)
		return err_set(ei, ERR_CONFLICT, "id", "a role with this id exists");
	if (!x->create && rc != ERR_OK)
		return rc;
	if (rc != ERR_OK && rc != ERR_NOTFOUND)
		return rc;
	x->r->builtin = !x->create && old.builtin;
	if ((rc = store_role_put(c, x->r, false, ei)) != ERR_OK)
		return rc;
	struct role_row r = *x->r;
	char object[64];
	snprintf(object, sizeof object, "role:%s", r.id);
	return audit_append(c, x->a, x->create ? "role.create" : "role.update", object, "ok", "", ei);
}

enum err roles_put(struct app *app, const struct actor *a, struct role_row *r, bool create,
                   struct errinfo *ei)
{
	if (!create && holds_role(a, r->id)) {
		audit_record(app->store, a, "access.denied", r->id, "denied", "a role one holds");
		return err_set(ei, ERR_FORBIDDEN, "id", "you cannot change a role you hold");
	}
	const char *why = role_id_check(r->id, strlen(r->id));
	if (why != NULL)
		return err_set(ei, ERR_INVALID, "id", "id %s", why);
	enum err rc = check_text(r->name, "name", 64, ei);
	if (rc != ERR_OK)
		return rc;
	for (int i = 0; i < r->ncaps; i++)
		if (!capability_known(r->caps[i]))
			return err_set(ei, ERR_INVALID, "capabilities", "unknown capability %s", r->caps[i]);
	struct roles_ctx x = {.r = r, .a = a, .create = create};
	return store_write(app->store, role_put_fn, &x, ei);
}

static enum err role_delete_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct roles_ctx *x = arg;
	struct role_row old;
	enum err rc = store_role_get(c, x->id, &old, ei);
	if (rc != ERR_OK)
		return rc;
	if (old.builtin)
		return err_set(ei, ERR_UNPROCESSABLE, "id", "built-in roles cannot be deleted");
	if (holds_role(x->a, x->id))
		return err_set(ei, ERR_FORBIDDEN, "id", "you cannot delete a role you hold");
	if ((rc = store_role_delete(c, x->id, ei)) != ERR_OK)
		return rc;
	char object[64];
	snprintf(object, sizeof object, "role:%s", x->id);
	return audit_append(c, x->a, "role.delete", object, "ok", "", ei);
}

enum err roles_delete(struct app *app, const struct actor *a, const char *id, struct errinfo *ei)
{
	struct roles_ctx x = {.a = a, .id = id};
	return store_write(app->store, role_delete_fn, &x, ei);
}

/* --- API keys ------------------------------------------------------------------ */

struct key_ctx {
	const struct actor *a;
	struct apikey_row *k;
	const char *hash;
	void (*fn)(void *ctx, const struct apikey_row *k);
	void *ctx;
};

static enum err key_create_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct key_ctx *x = arg;
	struct user_row u;
	enum err rc = target(c, x->a, x->k->user_id, &u, TARGET_MANAGE, ei);
	if (rc == ERR_NOTFOUND)
		return err_set(ei, ERR_INVALID, "user_id", "no such user");
	if (rc == ERR_FORBIDDEN)
		snprintf(ei->field, sizeof ei->field, "user_id");
	if (rc == ERR_OK)
		rc = store_apikey_insert(c, x->k, x->hash, ei);
	if (rc != ERR_OK)
		return rc;
	char object[48];
	snprintf(object, sizeof object, "apikey:%lld", (long long)x->k->id);
	return audit_append(c, x->a, "apikey.create", object, "ok", x->k->name, ei);
}

enum err apikeys_create(struct app *app, const struct actor *a, const char *name, int64_t user_id,
                        struct apikey_row *out, char key[APIKEY_MAX], struct errinfo *ei)
{
	enum err rc = check_text(name, "name", 64, ei);
	if (rc != ERR_OK)
		return rc;
	char token[CRYPTO_TOKEN_CHARS], hash[CRYPTO_HASH_HEX];
	crypto_token(token);
	/* lk_ + 8 visible characters to recognise it + _ + the secret */
	snprintf(key, APIKEY_MAX, "lk_%.8s_%s", token + 32, token);
	crypto_hash_hex(key, strlen(key), hash);
	memset(out, 0, sizeof *out);
	snprintf(out->name, sizeof out->name, "%s", name);
	snprintf(out->prefix, sizeof out->prefix, "lk_%.8s", token + 32);
	out->user_id = user_id;
	out->created_by = a->who->user_id;
	struct key_ctx x = {.a = a, .k = out, .hash = hash};
	return audited(app, a, store_write(app->store, key_create_fn, &x, ei), "apikey.create", user_id, ei);
}

static enum err key_list_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct key_ctx *x = arg;
	return store_apikey_list(c, x->a->who, x->fn, x->ctx, ei);
}

enum err apikeys_list(struct app *app, const struct actor *a,
                      void (*fn)(void *ctx, const struct apikey_row *k), void *ctx,
                      struct errinfo *ei)
{
	struct key_ctx x = {.a = a, .fn = fn, .ctx = ctx};
	return store_read(app->store, key_list_fn, &x, ei);
}

static enum err key_revoke_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct key_ctx *x = arg;
	char now[32], object[48];
	clock_now_iso(now);
	struct apikey_row k;
	struct user_row u;
	enum err rc = store_apikey_get(c, x->k->id, &k, ei);
	if (rc == ERR_OK)
		rc = target(c, x->a, k.user_id, &u, TARGET_MANAGE, ei);
	if (rc == ERR_OK)
		rc = store_apikey_revoke(c, x->k->id, now, ei);
	if (rc != ERR_OK)
		return rc;
	snprintf(object, sizeof object, "apikey:%lld", (long long)x->k->id);
	return audit_append(c, x->a, "apikey.revoke", object, "ok", "", ei);
}

enum err apikeys_revoke(struct app *app, const struct actor *a, int64_t id, struct errinfo *ei)
{
	struct apikey_row k = {.id = id};
	struct key_ctx x = {.a = a, .k = &k};
	return audited(app, a, store_write(app->store, key_revoke_fn, &x, ei), "apikey.revoke", 0, ei);
}
