/* /api/v1/roles, /api/v1/capabilities, /api/v1/api-keys, /api/v1/audit. */
#include <stdio.h>
#include <string.h>

#include "api/accounts_json.h"
#include "api/api.h"
#include "app.h"
#include "auth/caps.h"
#include "auth/users.h"
#include "auth/audit.h"
#include "store/audit.h"

void api_capabilities(struct req *r)
{
	json_t *items = json_array();
	for (const struct capability *c = capabilities; c->name; c++)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s}", "name", c->name, "zh", c->zh,
		                                       "en", c->en));
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static json_t *role_json(const struct role_row *ro)
{
	json_t *caps = json_array();
	for (int i = 0; i < ro->ncaps; i++)
		json_array_append_new(caps, json_string(ro->caps[i]));
	return json_pack("{s:s, s:s, s:b, s:o}", "id", ro->id, "name", ro->name, "builtin", ro->builtin,
	                 "capabilities", caps);
}

static void add_role(void *ctx, const struct role_row *ro)
{
	json_array_append_new((json_t *)ctx, role_json(ro));
}

void api_roles_list(struct req *r)
{
	json_t *items = json_array();
	if (roles_list(req_app(r), add_role, items, req_errinfo(r)) != ERR_OK) {
		json_decref(items);
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void role_put(struct req *r, bool create)
{
	struct actor a;
	req_actor(r, &a);
	struct role_row ro;
	memset(&ro, 0, sizeof ro);
	snprintf(ro.id, sizeof ro.id, "%s", req_str(r, "id"));
	snprintf(ro.name, sizeof ro.name, "%s", req_str(r, "name"));
	ro.ncaps = strings_from_json(req_field(r, "capabilities")->arr, ro.caps[0], CAP_NAME_MAX,
	                             IDENTITY_CAPS_MAX);
	if (roles_put(req_app(r), &a, &ro, create, req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, create ? 201 : 200, role_json(&ro));
}

void api_roles_create(struct req *r) { role_put(r, true); }
void api_roles_update(struct req *r) { role_put(r, false); }

void api_roles_delete(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	if (roles_delete(req_app(r), &a, req_str(r, "id"), req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, 200, json_pack("{s:b}", "deleted", 1));
}

static json_t *key_json(const struct apikey_row *k)
{
	return json_pack("{s:I, s:s, s:s, s:I, s:s, s:o, s:o}", "id", (json_int_t)k->id, "name", k->name,
	                 "prefix", k->prefix, "user_id", (json_int_t)k->user_id, "created_at",
	                 k->created_at, "last_used_at",
	                 k->last_used_at[0] ? json_string(k->last_used_at) : json_null(), "revoked_at",
	                 k->revoked_at[0] ? json_string(k->revoked_at) : json_null());
}

static void add_key(void *ctx, const struct apikey_row *k)
{
	json_array_append_new((json_t *)ctx, key_json(k));
}

void api_apikeys_list(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	json_t *items = json_array();
	if (apikeys_list(req_app(r), &a, add_key, items, req_errinfo(r)) != ERR_OK) {
		json_decref(items);
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void api_apikeys_create(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	struct apikey_row k;
	char key[APIKEY_MAX];
	if (apikeys_create(req_app(r), &a, req_str(r, "name"), req_int(r, "user_id", 0), &k, key,
	                   req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	json_t *body = key_json(&k);
	json_object_set_new(body, "key", json_string(key));
	reply_json(r, 201, body);
}

void api_apikeys_revoke(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	if (apikeys_revoke(req_app(r), &a, req_int(r, "id", 0), req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, 200, json_pack("{s:b}", "revoked", 1));
}

/* --- audit --------------------------------------------------------------------- */

struct audit_page {
	json_t *items;
	int64_t last_id;
	int n;
};

static void add_audit(void *ctx, const struct audit_row *a)
{
	struct audit_page *p = ctx;
	json_array_append_new(
		p->items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)a->id,
		                    "at", a->at, "user", a->login, "address", a->address, "action", a->action,
		                    "object", a->object, "outcome", a->outcome, "request_id", a->request_id,
		                    "detail", a->detail));
	p->last_id = a->id;
	p->n++;
}

void api_audit_search(struct req *r)
{
	/* Times compare as stored text: UTC ISO 8601, so convert the zone first. */
	char from[32] = "", to[32] = "";
	if (req_has(r, "from"))
		instant_format(req_int(r, "from", 0), 0, from);
	if (req_has(r, "to"))
		instant_format(req_int(r, "to", 0), 0, to);
	struct audit_page p = {json_array(), 0, 0};
	struct {
		struct audit_filter f;
	} x = {.f = {.login = req_str(r, "user"), .action = req_str(r, "action"),
	                             .object = req_str(r, "object"), .outcome = req_str(r, "outcome"),
	                             .from = from[0] ? from : NULL, .to = to[0] ? to : NULL,
	                             .before_id = req_int(r, "before_id", 0),
	                             .limit = (int)req_int(r, "limit", 50)}};
	if (x.f.to != NULL) {
		/* "…Z" sorts before "…Z.123"? Stored times carry milliseconds: widen the end. */
		size_t n = strlen(to);
		if (n > 0 && to[n - 1] == 'Z')
			snprintf(to + n - 1, sizeof to - (n - 1), ".999Z");
	}
	if (x.f.from != NULL) {
		size_t n = strlen(from);
		if (n > 0 && from[n - 1] == 'Z')
			snprintf(from + n - 1, sizeof from - (n - 1), ".000Z");
	}
	if (audit_search(req_app(r)->store, &x.f, add_audit, &p, req_errinfo(r)) != ERR_OK) {
		json_decref(p.items);
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_json(r, 200, json_pack("{s:o, s:o}", "items", p.items, "next_before_id",
	                             p.n == x.f.limit ? json_integer(p.last_id) : json_null()));
}
