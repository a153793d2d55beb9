/* /api/v1/users: list, create, view, edit, reset password, grants, sessions. */
#include <stdio.h>
#include <string.h>

#include "api/accounts_json.h"
#include "api/api.h"
#include "app.h"
#include "auth/users.h"
#include "limits.h"
#include "util/clock.h"

json_t *user_json(const struct user_row *u)
{
	json_t *roles = json_array(), *scopes = json_array();
	for (int i = 0; i < u->nroles; i++)
		json_array_append_new(roles, json_string(u->roles[i]));
	for (int i = 0; i < u->nscopes; i++)
		json_array_append_new(scopes, json_string(u->scopes[i]));
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:b, s:s, s:s}", "id", (json_int_t)u->id,
	                 "login", u->login, "display_name", u->display_name, "phone", u->phone_masked,
	                 "status", u->status, "roles", roles, "scopes", scopes, "locked_out",
	                 u->locked_until > clock_now(), "created_at", u->created_at, "updated_at", u->updated_at);
}

int strings_from_json(json_t *arr, char *dst, size_t width, int max)
{
	size_t i;
	json_t *v;
	int n = 0;
	json_array_foreach(arr, i, v)
	{
		if (n == max)
			break;
		snprintf(dst + (size_t)n * width, width, "%s", json_string_value(v));
		n++;
	}
	return n;
}

struct page {
	json_t *items;
};

static void add_user(void *ctx, const struct user_row *u)
{
	json_array_append_new(((struct page *)ctx)->items, user_json(u));
}

void api_users_list(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	int64_t page = req_int(r, "page", 1), size = req_int(r, "page_size", LIMIT_PAGE_DEFAULT);
	struct user_filter f = {.q = req_str(r, "q"), .status = req_str(r, "status"),
	                        .role = req_str(r, "role"), .offset = (page - 1) * size, .limit = size};
	struct page p = {json_array()};
	int64_t total = 0;
	if (users_list(req_app(r), &a, &f, add_user, &p, &total, req_errinfo(r)) != ERR_OK) {
		json_decref(p.items);
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, 200, json_pack("{s:o, s:I, s:I, s:I}", "items", p.items, "total", (json_int_t)total,
	                             "page", (json_int_t)page, "page_size", (json_int_t)size));
}

/* Reads the body's grants into in (roles and scopes; absent → empty). */
static void grants_from_body(struct req *r, struct user_input *in)
{
	const struct field_val *roles = req_field(r, "roles"), *scopes = req_field(r, "scopes");
	in->set_grants = roles->present || scopes->present;
	if (roles->present)
		in->nroles = strings_from_json(roles->arr, in->roles[0], CAP_NAME_MAX, IDENTITY_ROLES_MAX);
	if (scopes->present)
		in->nscopes = strings_from_json(scopes->arr, in->scopes[0], SCOPE_MAX + 1, IDENTITY_SCOPES_MAX);
}

void api_users_create(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct user_input in;
	memset(&in, 0, sizeof in);
	in.login = req_str(r, "login");
	in.display_name = req_str(r, "display_name");
	in.password = req_str(r, "password");
	in.phone = req_str(r, "phone");
	grants_from_body(r, &in);
	struct user_row u;
	if (users_create(req_app(r), &a, &in, &u, req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, 201, user_json(&u));
}

void api_users_get(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct user_row u;
	if (users_get(req_app(r), &a, req_int(r, "id", 0), &u, req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, 200, user_json(&u));
}

void api_users_update(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct user_input in;
	memset(&in, 0, sizeof in);
	in.display_name = req_str(r, "display_name");
	in.status = req_str(r, "status");
	in.set_phone = req_has(r, "phone");
	in.phone = req_str(r, "phone");
	struct user_row u;
	struct app *app = req_app(r);
	int64_t id = req_int(r, "id", 0);
	if (users_update(app, &a, id, &in, &u, req_errinfo(r)) != ERR_OK ||
	    users_get(app, &a, id, &u, req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, 200, user_json(&u));
}

void api_users_password(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	if (users_reset_password(req_app(r), &a, req_int(r, "id", 0), req_str(r, "password"),
	                         req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, 200, json_pack("{s:b}", "changed", 1));
}

void api_users_grants(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct user_input in;
	memset(&in, 0, sizeof in);
	grants_from_body(r, &in);
	in.set_grants = true;
	struct user_row u;
	struct app *app = req_app(r);
	int64_t id = req_int(r, "id", 0);
	if (users_grant(app, &a, id, &in, &u, req_errinfo(r)) != ERR_OK ||
	    users_get(app, &a, id, &u, req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, 200, user_json(&u));
}

void api_users_sessions_delete(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	int64_t n = 0;
	if (users_end_sessions(req_app(r), &a, req_int(r, "id", 0), &n, req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, 200, json_pack("{s:I}", "ended", (json_int_t)n));
}

void api_users_phone(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	char phone[32];
	if (users_phone(req_app(r), &a, req_int(r, "id", 0), phone, sizeof phone, req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, 200, json_pack("{s:s}", "phone", phone));
}
