/* Unit tests for src/auth/access.c on a fresh migrated database of the
 * environment's backend (../store/fixture.h): "public" needs nothing,
 * "authenticated" any login, a capability exactly that capability; a
 * refusal to a logged-in caller leaves an access.denied row naming the
 * capability and the object, a refusal to nobody ("log in first") none. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "../store/fixture.h"
#include "app.h"
#include "auth/access.c"
#include "store/audit.h"
#include "util/log.h"

static void keep_newest(void *ctx, const struct audit_row *a)
{
	struct audit_row *out = ctx;
	if (out->id == 0)
		*out = *a;
}

static int64_t denials(struct store *st, struct audit_row *newest)
{
	struct audit_verdict v;
	assert_int_equal(audit_verify(st, &v, NULL), ERR_OK);
	assert_int_equal(v.broken_id, 0);
	memset(newest, 0, sizeof *newest);
	struct audit_filter f = {.action = "access.denied", .limit = 1};
	assert_int_equal(audit_search(st, &f, keep_newest, newest, NULL), ERR_OK);
	return v.rows;
}

static void test_access(void **state)
{
	struct fx_db *d = *state;
	struct app app;
	memset(&app, 0, sizeof app);
	app.store = d->st;
	struct identity nobody, user;
	memset(&nobody, 0, sizeof nobody);
	memset(&user, 0, sizeof user);
	user.user_id = 9;
	snprintf(user.login, sizeof user.login, "wangli");
	user.ncaps = 1;
	snprintf(user.caps[0], CAP_NAME_MAX, "calendar.read");
	struct actor anon = {.who = &nobody, .login = "", .address = "10.0.0.1", .request_id = "r1"};
	struct actor none = {.who = NULL, .address = "10.0.0.1"};
	struct actor wl = {.who = &user, .login = "wangli", .address = "10.0.0.2", .request_id = "r2"};
	struct errinfo ei;
	struct audit_row last;

	/* public: anyone */
	assert_int_equal(access_check(&app, &anon, "public", "/x", NULL), ERR_OK);
	assert_int_equal(access_check(&app, &none, "public", "/x", NULL), ERR_OK);
	assert_int_equal(access_check(&app, &wl, "public", "/x", NULL), ERR_OK);
	/* no capability declared: refused, whoever asks */
	assert_int_equal(access_check(&app, &wl, NULL, "/x", NULL), ERR_FORBIDDEN);
	assert_int_equal(access_check(&app, &wl, "", "/x", NULL), ERR_FORBIDDEN);
	/* nobody logged in: 401, no audit row */
	err_clear(&ei);
	assert_int_equal(access_check(&app, &anon, "authenticated", "/x", &ei), ERR_UNAUTHORIZED);
	assert_int_equal(access_check(&app, &none, "calendar.read", "/x", NULL), ERR_UNAUTHORIZED);
	assert_int_equal(access_check(&app, &anon, "calendar.read", "/x", NULL), ERR_UNAUTHORIZED);
	assert_int_equal(denials(d->st, &last), 0);
	/* logged in */
	assert_int_equal(access_check(&app, &wl, "authenticated", "/x", NULL), ERR_OK);
	assert_int_equal(access_check(&app, &wl, "calendar.read", "/x", NULL), ERR_OK);
	assert_int_equal(denials(d->st, &last), 0);
	err_clear(&ei);
	assert_int_equal(access_check(&app, &wl, "calendar.manage", "/api/v1/calendar/{date}", &ei),
	                 ERR_FORBIDDEN);
	assert_non_null(strstr(ei.message, "calendar.manage"));
	assert_int_equal(denials(d->st, &last), 1);
	assert_string_equal(last.outcome, "denied");
	assert_string_equal(last.login, "wangli");
	assert_int_equal(last.user_id, 9);
	assert_string_equal(last.object, "/api/v1/calendar/{date}");
	assert_string_equal(last.detail, "calendar.manage");
	assert_string_equal(last.address, "10.0.0.2");
	assert_string_equal(last.request_id, "r2");
	/* a capability is matched whole */
	assert_int_equal(access_check(&app, &wl, "calendar", "/x", NULL), ERR_FORBIDDEN);
	assert_int_equal(access_check(&app, &wl, "calendar.read.all", "/x", NULL), ERR_FORBIDDEN);
	assert_int_equal(denials(d->st, &last), 3);
}

int main(void)
{
	log_set_level(LOG_ERROR);
	fx_print_backend("test_access");
	if (crypto_init() != ERR_OK)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_access, fx_setup_migrated, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
