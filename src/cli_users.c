/* linli user …, linli apikey …, linli audit-verify, and the demo users.
 * The command line acts as "cli": every capability, scope "*", audited. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/audit.h"
#include "auth/users.h"
#include "cli.h"

/* Reads one line (the password) from standard input. */
static int read_password(char *out, size_t cap)
{
	if (fgets(out, (int)cap, stdin) == NULL) {
		fprintf(stderr, "linli: no password on standard input\n");
		return 1;
	}
	size_t n = strlen(out);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return 0;
}

static int fill_grants(const struct flags *fl, struct user_input *in)
{
	for (int i = 0; i < fl->nroles; i++)
		snprintf(in->roles[in->nroles++], CAP_NAME_MAX, "%s", fl->roles[i]);
	for (int i = 0; i < fl->nscopes; i++)
		snprintf(in->scopes[in->nscopes++], SCOPE_MAX + 1, "%s", fl->scopes[i]);
	in->set_grants = fl->nroles > 0 || fl->nscopes > 0;
	return 0;
}

static void print_user(void *ctx, const struct user_row *u)
{
	printf("%-20s %-16s %-8s %-12s", u->login, u->display_name, u->status, u->phone_masked);
	for (int i = 0; i < u->nroles; i++)
		printf("%s%s", i ? "," : " roles:", u->roles[i]);
	for (int i = 0; i < u->nscopes; i++)
		printf("%s%s", i ? "," : " scopes:", u->scopes[i]);
	printf("\n");
}

static int fail(const struct errinfo *ei)
{
	if (ei->field[0])
		fprintf(stderr, "linli: %s (field %s)\n", ei->message, ei->field);
	else
		fprintf(stderr, "linli: %s\n", ei->message);
	return 1;
}

int cmd_user(int argc, char **argv)
{
	COMMAND_PROLOGUE("user");
	const char *verb = fl.npositional > 0 ? fl.positional[0] : "";
	const char *login = fl.npositional > 1 ? fl.positional[1] : NULL;
	bool needs_login = strcmp(verb, "list") != 0;
	if (verb[0] == '\0' || (needs_login && login == NULL)) {
		cli_usage_one(cmd, stderr);
		return 2;
	}
	struct app app;
	if ((rc = cli_app_open(&cfg, false, &app)) != 0)
		return rc;
	struct identity cli;
	struct actor a;
	cli_actor(&a, &cli);
	struct errinfo ei;
	err_clear(&ei);
	struct user_input in;
	memset(&in, 0, sizeof in);
	struct user_row u;
	char password[256] = "";
	if (strcmp(verb, "add") == 0) {
		if (!fl.password_stdin) {
			fprintf(stderr, "linli user add: give the password on standard input (--password-stdin)\n");
			rc = 2;
			goto out;
		}
		if ((rc = read_password(password, sizeof password)) != 0)
			goto out;
		in.login = login;
		in.display_name = fl.name ? fl.name : login;
		in.password = password;
		in.phone = fl.phone;
		fill_grants(&fl, &in);
		if (users_create(&app, &a, &in, &u, &ei) != ERR_OK)
			rc = fail(&ei);
		else
			printf("user %s added (id %lld)\n", u.login, (long long)u.id);
	} else if (strcmp(verb, "list") == 0) {
		struct user_filter f = {.limit = 10000};
		int64_t total = 0;
		if (users_list(&app, &a, &f, print_user, NULL, &total, &ei) != ERR_OK)
			rc = fail(&ei);
		else
			printf("%lld users\n", (long long)total);
	} else if (users_find(&app, login, &u, &ei) != ERR_OK) {
		rc = fail(&ei);
	} else if (strcmp(verb, "lock") == 0 || strcmp(verb, "unlock") == 0) {
		in.status = verb[0] == 'l' ? "locked" : "active";
		if (users_update(&app, &a, u.id, &in, &u, &ei) != ERR_OK)
			rc = fail(&ei);
		else
			printf("user %s %sed\n", login, verb);
	} else if (strcmp(verb, "passwd") == 0) {
		if (!fl.password_stdin || (rc = read_password(password, sizeof password)) != 0) {
			fprintf(stderr, "linli user passwd: give the password on standard input (--password-stdin)\n");
			rc = 2;
		} else if (users_reset_password(&app, &a, u.id, password, &ei) != ERR_OK) {
			rc = fail(&ei);
		} else {
			printf("password of %s changed; their sessions ended\n", login);
		}
	} else if (strcmp(verb, "grant") == 0) {
		fill_grants(&fl, &in);
		in.set_grants = true;
		if (users_grant(&app, &a, u.id, &in, &u, &ei) != ERR_OK)
			rc = fail(&ei);
		else
			print_user(NULL, &u);
	} else {
		cli_usage_one(cmd, stderr);
		rc = 2;
	}
out:
	memset(password, 0, sizeof password);
	cli_app_close(&app);
	return rc;
}

static void print_key(void *ctx, const struct apikey_row *k)
{
	printf("%-6lld %-24s %-12s user %-6lld created %s used %s%s%s\n", (long long)k->id, k->name,
	       k->prefix, (long long)k->user_id, k->created_at, k->last_used_at[0] ? k->last_used_at : "never",
	       k->revoked_at[0] ? " revoked " : "", k->revoked_at);
}

int cmd_apikey(int argc, char **argv)
{
	COMMAND_PROLOGUE("apikey");
	const char *verb = fl.npositional > 0 ? fl.positional[0] : "";
	struct app app;
	if ((strcmp(verb, "add") == 0 && (fl.npositional < 2 || fl.user == NULL)) ||
	    (strcmp(verb, "revoke") == 0 && fl.npositional < 2) ||
	    (strcmp(verb, "add") != 0 && strcmp(verb, "list") != 0 && strcmp(verb, "revoke") != 0)) {
		cli_usage_one(cmd, stderr);
		return 2;
	}
	if ((rc = cli_app_open(&cfg, false, &app)) != 0)
		return rc;
	struct identity cli;
	struct actor a;
	cli_actor(&a, &cli);
	struct errinfo ei;
	if (strcmp(verb, "add") == 0) {
		struct user_row u;
		struct apikey_row k;
		char key[APIKEY_MAX];
		if (users_find(&app, fl.user, &u, &ei) != ERR_OK ||
		    apikeys_create(&app, &a, fl.positional[1], u.id, &k, key, &ei) != ERR_OK)
			rc = fail(&ei);
		else
			printf("%s\n", key); /* the only time it is shown */
	} else if (strcmp(verb, "list") == 0) {
		if (apikeys_list(&app, &a, print_key, NULL, &ei) != ERR_OK)
			rc = fail(&ei);
	} else {
		if (apikeys_revoke(&app, &a, strtoll(fl.positional[1], NULL, 10), &ei) != ERR_OK)
			rc = fail(&ei);
		else
			printf("key %s revoked\n", fl.positional[1]);
	}
	cli_app_close(&app);
	return rc;
}

int cmd_audit_verify(int argc, char **argv)
{
	COMMAND_PROLOGUE("audit-verify");
	struct store *st = NULL;
	if ((rc = cli_open_store(&cfg, false, &st)) != 0)
		return rc;
	struct audit_verdict v;
	struct errinfo ei;
	if (audit_verify(st, &v, &ei) != ERR_OK) {
		rc = fail(&ei);
	} else if (v.broken_id != 0) {
		printf("audit chain BROKEN at row %lld: %s (%lld rows checked)\n", (long long)v.broken_id,
		       v.reason, (long long)v.rows);
		rc = 3;
	} else {
		printf("audit chain intact: %lld rows\n", (long long)v.rows);
	}
	store_close(st);
	return rc;
}

/* The demo accounts `make run` prints. Scopes use the demo district's codes. */
#define DEMO_PASSWORD "Linli@2026"
static const struct {
	const char *login, *name, *role, *scope;
} demo_users[] = {
	{"admin", "系统管理员", "sysadmin", "*"},
	{"security", "安全管理员", "secadmin", "*"},
	{"auditor", "审计员", "auditor", "*"},
	{"district", "区指挥中心 王科长", "district_staff", "110105"},
	{"street", "街道 李主任", "street_staff", "110105001"},
	{"community", "社区 张书记", "community_staff", "110105001001"},
	{"grid", "网格员 刘敏", "grid_worker", "110105001001"},
	{"hotline", "12345 接线员 陈静", "hotline_operator", "110105"},
	{"dept", "城管局 赵科员", "dept_handler", "110105"},
	{"member", "党员 周红", "party_member", "110105001001"},
	{"resident", "居民 吴阿姨", "resident", "110105001001"},
};

int cli_demo_users(struct app *app)
{
	struct identity cli;
	struct actor a;
	cli_actor(&a, &cli);
	for (size_t i = 0; i < sizeof demo_users / sizeof demo_users[0]; i++) {
		struct user_input in;
		memset(&in, 0, sizeof in);
		in.login = demo_users[i].login;
		in.display_name = demo_users[i].name;
		in.password = DEMO_PASSWORD;
		in.set_grants = true;
		in.nroles = 1;
		snprintf(in.roles[0], CAP_NAME_MAX, "%s", demo_users[i].role);
		in.nscopes = 1;
		snprintf(in.scopes[0], SCOPE_MAX + 1, "%s", demo_users[i].scope);
		struct user_row u;
		struct errinfo ei;
		if (users_create(app, &a, &in, &u, &ei) != ERR_OK && ei.code != ERR_CONFLICT)
			return fail(&ei);
	}
	printf("demo users: %zu (password %s)\n", sizeof demo_users / sizeof demo_users[0], DEMO_PASSWORD);
	return 0;
}
