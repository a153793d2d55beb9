/* Unit tests for src/auth/caps.c: the capability list and the default
 * roles, against the tables of docs/API.md, and the separation of the
 * three administrators (等保 2.0 三员分立). */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "auth/caps.c"
#include "auth/identity.h"

static const struct default_role *role_of(const char *id)
{
	for (const struct default_role *d = default_roles; d->id; d++)
		if (strcmp(d->id, id) == 0)
			return d;
	return NULL;
}

static bool role_has(const char *id, const char *cap)
{
	const struct default_role *d = role_of(id);
	assert_non_null(d);
	for (int i = 0; d->caps[i]; i++)
		if (strcmp(d->caps[i], cap) == 0)
			return true;
	return false;
}

/* The capabilities of docs/API.md, each once, each described in both languages. */
static void test_capabilities(void **state)
{
	(void)state;
	static const char *const documented[] = {
		"calendar.read", "calendar.manage", "user.read",  "user.manage",
		"user.grant",    "role.read",       "role.manage", "apikey.manage",
		"audit.read",    "system.read",     "person.read_pii", "area.read", "area.manage",
		"unit.read",     "unit.manage",     "party.read",  "party.manage", "person.read",
		"person.manage", "person.read_sensitive", "register.import", "request.read",
		"request.intake", "request.dispatch", "request.handle", "request.verify",
		"request.approve", "request.supervise", "request.followup", "category.manage",
		"figure.read", "webhook.manage", NULL};
	int n = 0;
	for (const struct capability *c = capabilities; c->name; c++, n++) {
		assert_true(c->zh != NULL && c->zh[0] != '\0');
		assert_true(c->en != NULL && c->en[0] != '\0');
		assert_true(strlen(c->name) < CAP_NAME_MAX);
		for (const struct capability *o = capabilities; o < c; o++)
			assert_string_not_equal(o->name, c->name);
	}
	int m = 0;
	for (const char *const *d = documented; *d; d++, m++)
		if (!capability_known(*d))
			fail_msg("documented capability %s is unknown", *d);
	assert_int_equal(n, m);
	/* the pseudo-capabilities are not capabilities a role can hold */
	assert_false(capability_known(CAP_AUTHENTICATED));
	assert_false(capability_known("public"));
	assert_false(capability_known(""));
	assert_false(capability_known("user"));
	assert_false(capability_known("USER.READ"));
}

/* The default roles of docs/API.md, with exactly the documented capabilities. */
static void test_default_roles_as_documented(void **state)
{
	(void)state;
	static const struct {
		const char *id, *caps;
	} doc[] = {
		{"sysadmin", "user.read user.manage role.read apikey.manage calendar.read calendar.manage "
		             "system.read webhook.manage"},
		{"secadmin", "user.read user.grant role.read role.manage"},
		{"auditor", "audit.read user.read role.read"},
		{"district_staff", "calendar.read calendar.manage user.read area.read area.manage unit.read "
		                   "unit.manage party.read party.manage person.read person.manage "
		                   "register.import request.read request.intake request.dispatch "
		                   "request.handle request.verify request.approve request.supervise "
		                   "request.followup category.manage figure.read webhook.manage"},
		{"street_staff", "calendar.read user.read area.read area.manage unit.read unit.manage "
		                 "party.read party.manage person.read person.manage register.import "
		                 "request.read request.intake request.dispatch request.handle "
		                 "request.verify request.approve request.supervise figure.read"},
		{"community_staff", "calendar.read area.read area.manage unit.read unit.manage party.read "
		                    "party.manage person.read person.manage person.read_pii "
		                    "person.read_sensitive register.import request.read request.intake "
		                    "request.dispatch request.handle request.verify request.approve "
		                    "request.supervise figure.read"},
		{"grid_worker", "calendar.read area.read unit.read party.read person.read person.manage "
		                "person.read_pii person.read_sensitive request.read request.intake "
		                "request.handle request.verify"},
		{"building_head", "calendar.read area.read person.read"},
		{"hotline_operator", "calendar.read area.read request.read request.intake request.followup"},
		{"dept_handler", "calendar.read area.read unit.read request.read request.handle"},
		{"party_member", "calendar.read area.read party.read"},
		{"resident", ""},
	};
	int nroles = 0;
	for (const struct default_role *d = default_roles; d->id; d++)
		nroles++;
	assert_int_equal(nroles, (int)(sizeof doc / sizeof doc[0]));
	for (size_t i = 0; i < sizeof doc / sizeof doc[0]; i++) {
		const struct default_role *d = role_of(doc[i].id);
		if (d == NULL)
			fail_msg("documented role %s missing", doc[i].id);
		assert_true(d->name != NULL && d->name[0] != '\0');
		int want = 0;
		char buf[1024];
		snprintf(buf, sizeof buf, "%s", doc[i].caps);
		for (char *s = NULL, *t = strtok_r(buf, " ", &s); t; t = strtok_r(NULL, " ", &s), want++)
			if (!role_has(d->id, t))
				fail_msg("role %s lacks %s", d->id, t);
		int have = 0;
		for (int k = 0; d->caps[k]; k++, have++)
			if (!capability_known(d->caps[k]))
				fail_msg("role %s holds unknown capability %s", d->id, d->caps[k]);
		if (have != want)
			fail_msg("role %s has %d capabilities, the documentation %d", d->id, have, want);
	}
}

/* 三员分立: what makes each of the three administrators is held by no other. */
static void test_three_administrators_separate(void **state)
{
	(void)state;
	static const char *const sys_only[] = {"user.manage", "apikey.manage", "system.read", NULL};
	static const char *const sec_only[] = {"user.grant", "role.manage", NULL};
	static const char *const audit_only[] = {"audit.read", NULL};
	for (const char *const *c = sys_only; *c; c++) {
		assert_false(role_has("secadmin", *c));
		assert_false(role_has("auditor", *c));
	}
	for (const char *const *c = sec_only; *c; c++) {
		assert_false(role_has("sysadmin", *c));
		assert_false(role_has("auditor", *c));
	}
	for (const char *const *c = audit_only; *c; c++) {
		assert_false(role_has("sysadmin", *c));
		assert_false(role_has("secadmin", *c));
	}
	/* and no other default role holds an administrator's power (unmasking
	 * personal data is not one: the community and grid staff who serve the
	 * residents hold it, every use audited) */
	static const char *const admin_caps[] = {"user.manage", "user.grant", "role.manage",
	                                         "apikey.manage", "audit.read", NULL};
	for (const struct default_role *d = default_roles; d->id; d++) {
		if (strcmp(d->id, "sysadmin") == 0 || strcmp(d->id, "secadmin") == 0 ||
		    strcmp(d->id, "auditor") == 0)
			continue;
		for (const char *const *c = admin_caps; *c; c++)
			if (role_has(d->id, *c))
				fail_msg("default role %s holds %s", d->id, *c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capabilities),
		cmocka_unit_test(test_default_roles_as_documented),
		cmocka_unit_test(test_three_administrators_separate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
