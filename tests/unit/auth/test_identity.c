/* Unit tests for src/auth/identity.c: capabilities by exact name, scopes as
 * area-code prefixes ("*" covers everything, "11" does not cover "12…"),
 * and covering a whole list of scopes (an empty list only for "*"). */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "auth/identity.c"

static void with(struct identity *id, const char *caps, const char *scopes)
{
	memset(id, 0, sizeof *id);
	id->user_id = 7;
	char buf[512];
	snprintf(buf, sizeof buf, "%s", caps);
	for (char *save = NULL, *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
		snprintf(id->caps[id->ncaps++], CAP_NAME_MAX, "%s", t);
	snprintf(buf, sizeof buf, "%s", scopes);
	for (char *save = NULL, *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
		snprintf(id->scopes[id->nscopes++], SCOPE_MAX + 1, "%s", t);
}

static void test_has(void **state)
{
	(void)state;
	struct identity id;
	with(&id, "calendar.read user.read", "");
	assert_true(identity_has(&id, "calendar.read"));
	assert_true(identity_has(&id, "user.read"));
	assert_false(identity_has(&id, "user.manage"));
	assert_false(identity_has(&id, "user"));           /* no prefix match */
	assert_false(identity_has(&id, "calendar.read.x")); /* nor the other way */
	assert_false(identity_has(&id, ""));
	assert_false(identity_has(&id, "Calendar.read"));
	assert_false(identity_has(NULL, "calendar.read"));
	with(&id, "", "*");
	assert_false(identity_has(&id, "calendar.read")); /* scope "*" grants no capability */
}

static void test_covers(void **state)
{
	(void)state;
	struct identity id;
	with(&id, "", "110105");
	assert_true(identity_covers(&id, "110105"));          /* itself */
	assert_true(identity_covers(&id, "110105001"));       /* a street under it */
	assert_true(identity_covers(&id, "110105001002"));
	assert_false(identity_covers(&id, "110106001"));      /* a sibling */
	assert_false(identity_covers(&id, "1101"));           /* the parent */
	assert_false(identity_covers(&id, "11010"));
	assert_false(identity_covers(&id, ""));
	assert_false(identity_covers(&id, "*"));              /* "everything" is not under 110105 */
	with(&id, "", "11");
	assert_true(identity_covers(&id, "110105"));
	assert_false(identity_covers(&id, "120105"));         /* "11" does not cover "12…" */
	assert_false(identity_covers(&id, "1"));
	with(&id, "", "*");
	assert_true(identity_covers(&id, "110105001"));
	assert_true(identity_covers(&id, "650000"));
	assert_true(identity_covers(&id, "*"));
	assert_true(identity_covers(&id, ""));
	/* several scopes: any one covering is enough */
	with(&id, "", "110101 110105");
	assert_true(identity_covers(&id, "110101007"));
	assert_true(identity_covers(&id, "110105001"));
	assert_false(identity_covers(&id, "110102001"));
	/* nobody, no scope, or an empty scope string covers nothing */
	with(&id, "", "");
	assert_false(identity_covers(&id, "110105"));
	assert_false(identity_covers(&id, ""));
	assert_false(identity_covers(NULL, "110105"));
	id.nscopes = 1;
	id.scopes[0][0] = '\0';
	assert_false(identity_covers(&id, "110105"));
}

static void test_covers_all(void **state)
{
	(void)state;
	struct identity id;
	char list[3][SCOPE_MAX + 1] = {"110105001", "110105002", "110101"};
	with(&id, "", "110105");
	assert_true(identity_covers_all(&id, (const char(*)[SCOPE_MAX + 1])list, 2));
	assert_false(identity_covers_all(&id, (const char(*)[SCOPE_MAX + 1])list, 3));
	/* an empty list (a user with no scope) only for "*" */
	assert_false(identity_covers_all(&id, (const char(*)[SCOPE_MAX + 1])list, 0));
	with(&id, "", "110105 110101");
	assert_true(identity_covers_all(&id, (const char(*)[SCOPE_MAX + 1])list, 3));
	assert_false(identity_covers_all(&id, (const char(*)[SCOPE_MAX + 1])list, 0));
	with(&id, "", "*");
	assert_true(identity_covers_all(&id, (const char(*)[SCOPE_MAX + 1])list, 3));
	assert_true(identity_covers_all(&id, (const char(*)[SCOPE_MAX + 1])list, 0));
	/* a target scoped "*" is covered only by "*" */
	char star[1][SCOPE_MAX + 1] = {"*"};
	assert_true(identity_covers_all(&id, (const char(*)[SCOPE_MAX + 1])star, 1));
	with(&id, "", "11");
	assert_false(identity_covers_all(&id, (const char(*)[SCOPE_MAX + 1])star, 1));
	with(&id, "", "");
	assert_false(identity_covers_all(&id, (const char(*)[SCOPE_MAX + 1])list, 0));
	assert_false(identity_covers_all(&id, (const char(*)[SCOPE_MAX + 1])list, 1));
	assert_false(identity_covers_all(NULL, (const char(*)[SCOPE_MAX + 1])list, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_has),
		cmocka_unit_test(test_covers),
		cmocka_unit_test(test_covers_all),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
