/* POST/GET/DELETE /api/v1/session, POST /api/v1/session/password. */
#include <stdio.h>
#include <string.h>

#include "api/accounts_json.h"
#include "api/api.h"
#include "app.h"
#include "auth/session.h"
#include "auth/users.h"

/* {"user","capabilities","csrf_token","expires_at","idle_timeout_s"} */
static void reply_session(struct req *r, unsigned status, const struct identity *id, int64_t expires)
{
	struct app *app = req_app(r);
	struct user_row u;
	struct errinfo ei;
	if (users_find(app, id->login, &u, &ei) != ERR_OK) {
		reply_errinfo(r, &ei);
		return;
	}
	json_t *caps = json_array();
	for (int i = 0; i < id->ncaps; i++)
		json_array_append_new(caps, json_string(id->caps[i]));
	char exp[32];
	instant_format(expires, app->office.tz_offset_min, exp);
	reply_json(r, status,
	           json_pack("{s:o, s:o, s:s, s:s, s:i}", "user", user_json(&u), "capabilities", caps,
	                     "csrf_token", id->via_key ? "" : id->csrf, "expires_at", exp,
	                     "idle_timeout_s", app->policy.session_idle_s));
}

void api_session_create(struct req *r)
{
	struct app *app = req_app(r);
	struct actor a;
	req_actor(r, &a);
	struct login_result res;
	if (auth_login(app, req_str(r, "login"), req_str(r, "password"), &a, &res, req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	char cookie[256];
	snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s",
	         SESSION_COOKIE, res.token, app->policy.session_max_s, req_tls(r) ? "; Secure" : "");
	reply_set_cookie(r, cookie);
	reply_session(r, 200, &res.id, res.expires_at);
}

void api_session_get(struct req *r)
{
	const struct identity *id = req_identity(r);
	reply_session(r, 200, id, id->via_key ? 0 : auth_session_expires(req_app(r), id));
}

void api_session_delete(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	int64_t ended = 0;
	const struct field_val *all = req_field(r, "all");
	if (auth_logout(req_app(r), &a, all->present && all->b, &ended, req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	char cookie[160];
	snprintf(cookie, sizeof cookie, "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
	         SESSION_COOKIE, req_tls(r) ? "; Secure" : "");
	reply_set_cookie(r, cookie);
	reply_json(r, 200, json_pack("{s:I}", "ended", (json_int_t)ended));
}

void api_session_password(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	if (req_identity(r)->via_key) {
		reply_error(r, ERR_FORBIDDEN, NULL, "an API key cannot change a password");
		return;
	}
	if (auth_change_password(req_app(r), &a, req_str(r, "old_password"), req_str(r, "new_password"),
	                         req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, 200, json_pack("{s:b}", "changed", 1));
}
