/* Rules of units, departments, pairings and joint committees, and the
 * units register's CSV import and xlsx export (unit_io). */
#include "domain/units.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth/audit.h"
#include "domain/areas.h"
#include "domain/registers_io.h"
#include "util/clock.h"
#include "util/utf8.h"
#include "util/worktime.h"

const char *const unit_kinds[] = {"agency",           "enterprise",       "social_org",
                                  "property_company", "owners_committee", "department",
                                  NULL};
const char *const unit_kinds_zh[] = {"机关事业单位", "企业",   "社会组织",
                                     "物业公司",     "业委会", "职能部门",
                                     NULL};

const char *unit_kind_parse(const char *s)
{
	for (int i = 0; s != NULL && unit_kinds[i]; i++)
		if (strcmp(s, unit_kinds[i]) == 0 || strcmp(s, unit_kinds_zh[i]) == 0)
			return unit_kinds[i];
	return NULL;
}

const char *unit_kind_zh(const char *kind)
{
	for (int i = 0; unit_kinds[i]; i++)
		if (strcmp(kind, unit_kinds[i]) == 0)
			return unit_kinds_zh[i];
	return kind;
}

/* GB 32100-2015: the 31 characters in value order. */
static const char credit_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

const char *credit_code_check(const char *code)
{
	static const int weights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
	if (strlen(code) != CREDIT_CODE_LEN)
		return "must be 18 characters";
	int sum = 0, value[CREDIT_CODE_LEN];
	for (int i = 0; i < CREDIT_CODE_LEN; i++) {
		const char *p = code[i] ? strchr(credit_chars, code[i]) : NULL;
		if (p == NULL)
			return "may hold only 0-9 and A-Z without I, O, S, V and Z";
		value[i] = (int)(p - credit_chars);
		if (i < 17)
			sum += value[i] * weights[i];
	}
	if (value[17] != (31 - sum % 31) % 31)
		return "has a wrong check character";
	return NULL;
}

void credit_code_normalise(char *code)
{
	for (; *code; code++)
		if (*code >= 'a' && *code <= 'z')
			*code = (char)(*code - 'a' + 'A');
}

void units_today(const struct app *app, char out[DATE_TEXT])
{
	date_format(instant_local_date(clock_now(), app->office.tz_offset_min), out);
}

void units_object(const char *kind, int64_t id, char out[64])
{
	snprintf(out, 64, "%s:%lld", kind, (long long)id);
}

enum err units_area_by_code(struct store_conn *c, const struct actor *a, const char *code,
                            int min_level, int max_level, const char *field,
                            struct area_row *out, struct errinfo *ei)
{
	if (code == NULL || code[0] == '\0')
		return err_set(ei, ERR_INVALID, field, "%s is required", field);
	enum err rc = store_area_by_code(c, code, out, ei);
	if (rc == ERR_NOTFOUND)
		return err_set(ei, ERR_INVALID, field, "no area has the code %.32s", code);
	if (rc != ERR_OK)
		return rc;
	/* The rest as by id: scope, then level. */
	return area_require(c, a, out->id, min_level, max_level, field, out, ei);
}

enum err units_check_text(const char *field, const char *s, int min, int max, bool multiline,
                          struct errinfo *ei)
{
	size_t chars = 0, len = s ? strlen(s) : 0;
	if (!utf8_valid(s ? s : "", len, &chars))
		return err_set(ei, ERR_INVALID, field, "%s is not valid UTF-8", field);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if ((ch < 0x20 || ch == 0x7f) && !(multiline && (ch == '\n' || ch == '\t' || ch == '\r')))
			return err_set(ei, ERR_INVALID, field, "%s contains a control character", field);
	}
	if ((int64_t)chars < min || (int64_t)chars > max) {
		if (min > 0)
			return err_set(ei, ERR_INVALID, field, "%s must be %d to %d characters", field, min, max);
		return err_set(ei, ERR_INVALID, field, "%s must be at most %d characters", field, max);
	}
	return ERR_OK;
}

enum err units_read(struct app *app, const struct actor *a, const char *object, store_fn fn,
                    void *x, struct errinfo *ei)
{
	enum err rc = store_read(app->store, fn, x, ei);
	if (rc == ERR_FORBIDDEN)
		area_denied(app, a, object, ei);
	return rc;
}

enum err units_write(struct app *app, const struct actor *a, const char *object, store_fn fn,
                     void *x, struct errinfo *ei)
{
	enum err rc = store_write(app->store, fn, x, ei);
	if (rc == ERR_FORBIDDEN)
		area_denied(app, a, object, ei);
	return rc;
}

static bool covers(const struct actor *a, const char *code)
{
	return a->who == NULL || identity_covers(a->who, code);
}

/* --- JSON ------------------------------------------------------------------------ */

static json_t *str_or_null(const char *s)
{
	return s[0] ? json_string(s) : json_null();
}

json_t *unit_json(const struct unit_row *u)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)u->id,
	                 "kind", u->kind, "name", u->name, "credit_code", u->credit_code, "area_id",
	                 (json_int_t)u->area_id, "area_code", u->area_code, "area_name", u->area_name,
	                 "address", u->address, "created_at", u->created_at, "updated_at",
	                 u->updated_at);
}

json_t *unit_contact_json(const struct unit_contact_row *r)
{
	return json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)r->id, "name", r->name, "title",
	                 r->title, "phone", r->phone_masked);
}

static bool running_on(const char *starts_on, const char *ends_on, const char *day)
{
	return strcmp(starts_on, day) <= 0 && (ends_on[0] == '\0' || strcmp(ends_on, day) >= 0);
}

json_t *pairing_json(const struct pairing_row *p, const char *today)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:o, s:s, s:b, s:s}", "id",
	                      (json_int_t)p->id, "unit_id", (json_int_t)p->unit_id, "unit_name",
	                      p->unit_name, "unit_kind", p->unit_kind, "community_id",
	                      (json_int_t)p->community_id, "community_code", p->community_code,
	                      "community_name", p->community_name, "starts_on", p->starts_on,
	                      "ends_on", str_or_null(p->ends_on), "content", p->content, "active",
	                      running_on(p->starts_on, p->ends_on, today), "created_at", p->created_at);
	return o;
}

json_t *jc_member_json(const struct jc_member_row *m)
{
	return json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)m->id, "community_id",
	                 (json_int_t)m->community_id, "unit_id", (json_int_t)m->unit_id, "unit_name",
	                 m->unit_name, "name", m->name, "post", m->post, "created_at", m->created_at);
}

static json_t *served_area_json(const struct area_row *a)
{
	return json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)a->id, "code", a->code, "name",
	                 a->name, "level", area_level_name(a->level));
}

static void add_served(void *ctx, const struct area_row *a)
{
	json_array_append_new(ctx, served_area_json(a));
}

static void add_contact(void *ctx, const struct unit_contact_row *r)
{
	json_array_append_new(ctx, unit_contact_json(r));
}

struct pairing_json_ctx {
	json_t *items;
	const char *today;
};

static void add_pairing(void *ctx, const struct pairing_row *p)
{
	struct pairing_json_ctx *x = ctx;
	json_array_append_new(x->items, pairing_json(p, x->today));
}

/* --- the unit in a callback ------------------------------------------------------- */

/* Loads unit id and checks its area lies in the scope. field names the
 * reference (ERR_INVALID when unknown) or is NULL (ERR_NOTFOUND). */
static enum err unit_require(struct store_conn *c, const struct actor *a, int64_t id,
                             const char *field, struct unit_row *u, struct errinfo *ei)
{
	enum err rc = store_unit_get(c, id, u, ei);
	if (rc == ERR_NOTFOUND)
		return err_set(ei, field ? ERR_INVALID : ERR_NOTFOUND, field, "no unit %lld", (long long)id);
	if (rc != ERR_OK)
		return rc;
	if (!covers(a, u->area_code))
		return err_set(ei, ERR_FORBIDDEN, field, "unit %lld lies outside your scope", (long long)id);
	return ERR_OK;
}

/* A unit given as a reference that need not lie in the scope (a district
 * agency pairs with a street's community). */
static enum err unit_exists(struct store_conn *c, int64_t id, const char *field, struct unit_row *u,
                            struct errinfo *ei)
{
	enum err rc = store_unit_get(c, id, u, ei);
	if (rc == ERR_NOTFOUND)
		return err_set(ei, ERR_INVALID, field, "no unit %lld", (long long)id);
	return rc;
}

/* --- reads ------------------------------------------------------------------------- */

struct read_ctx {
	struct app *app;
	const struct actor *a;
	int64_t id;
	const struct unit_list_query *uq;
	const struct pairing_list_query *pq;
	unit_fn fn;
	void *ctx;
	int64_t *total;
	struct unit_detail *detail;
	json_t *items;
	char today[DATE_TEXT];
};

static enum err list_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct read_ctx *x = arg;
	struct code_ranges r;
	enum err rc = area_scope_ranges(c, x->a, x->uq->area_id, &r, ei);
	if (rc != ERR_OK)
		return rc;
	struct unit_filter f = {.r = &r, .kind = x->uq->kind, .q = x->uq->q,
	                        .offset = x->uq->offset, .limit = x->uq->limit};
	return store_unit_list(c, &f, x->fn, x->ctx, x->total, ei);
}

enum err units_list(struct app *app, const struct actor *a, const struct unit_list_query *q,
                    unit_fn fn, void *ctx, int64_t *total, struct errinfo *ei)
{
	struct read_ctx x = {.app = app, .a = a, .uq = q, .fn = fn, .ctx = ctx, .total = total};
	char object[64];
	units_object("area", q->area_id, object);
	return units_read(app, a, object, list_fn, &x, ei);
}

struct departments_ctx {
	const struct actor *a;
	unit_fn fn;
	void *ctx;
};

static enum err departments_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct departments_ctx *x = arg;
	const struct identity *id = x->a->who;
	return store_departments_for(c, (const char(*)[SCOPE_MAX + 1])id->scopes, id->nscopes, 500,
	                             x->fn, x->ctx, ei);
}

enum err departments_for_requests(struct app *app, const struct actor *a, unit_fn fn, void *ctx,
                                  struct errinfo *ei)
{
	if (a->who == NULL ||
	    (!identity_has(a->who, "request.dispatch") && !identity_has(a->who, "request.handle"))) {
		err_set(ei, ERR_FORBIDDEN, NULL, "listing departments for request work needs "
		                                 "request.dispatch or request.handle");
		area_denied(app, a, "unit:departments", ei);
		return ERR_FORBIDDEN;
	}
	struct departments_ctx x = {a, fn, ctx};
	return store_read(app->store, departments_fn, &x, ei);
}

static enum err get_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct read_ctx *x = arg;
	struct unit_detail *d = x->detail;
	enum err rc = unit_require(c, x->a, x->id, NULL, &d->unit, ei);
	if (rc != ERR_OK)
		return rc;
	if ((rc = store_unit_contacts(c, x->id, add_contact, d->contacts, ei)) != ERR_OK)
		return rc;
	if (strcmp(d->unit.kind, "department") == 0 &&
	    (rc = store_department_areas(c, x->id, add_served, d->areas, ei)) != ERR_OK)
		return rc;
	struct pairing_filter f = {.unit_id = x->id, .active = -1};
	struct pairing_json_ctx pj = {d->pairings, x->today};
	return store_pairing_list(c, &f, add_pairing, &pj, NULL, ei);
}

enum err units_get(struct app *app, const struct actor *a, int64_t id, struct unit_detail *out,
                   struct errinfo *ei)
{
	memset(out, 0, sizeof *out);
	out->contacts = json_array();
	out->areas = json_array();
	out->pairings = json_array();
	struct read_ctx x = {.app = app, .a = a, .id = id, .detail = out};
	units_today(app, x.today);
	char object[64];
	units_object("unit", id, object);
	enum err rc = units_read(app, a, object, get_fn, &x, ei);
	if (rc != ERR_OK) {
		json_decref(out->contacts);
		json_decref(out->areas);
		json_decref(out->pairings);
		out->contacts = out->areas = out->pairings = NULL;
	}
	return rc;
}

/* --- units: create and update ------------------------------------------------------ */

enum err unit_input_check(const struct unit_input *in, bool create, struct errinfo *ei)
{
	enum err rc;
	if (create && in->kind == NULL)
		return err_set(ei, ERR_INVALID, "kind", "kind is required");
	if (in->kind != NULL && unit_kind_parse(in->kind) == NULL)
		return err_set(ei, ERR_INVALID, "kind",
		               "kind must be agency, enterprise, social_org, property_company,"
		               " owners_committee or department");
	if (create && in->name == NULL)
		return err_set(ei, ERR_INVALID, "name", "name is required");
	if (in->name != NULL && (rc = units_check_text("name", in->name, 1, UNIT_NAME_MAX, false, ei)) != ERR_OK)
		return rc;
	if (in->credit_code != NULL && in->credit_code[0]) {
		char code[32];
		snprintf(code, sizeof code, "%s", in->credit_code);
		credit_code_normalise(code);
		const char *why = strlen(in->credit_code) > CREDIT_CODE_LEN ? "must be 18 characters"
		                                                            : credit_code_check(code);
		if (why != NULL)
			return err_set(ei, ERR_INVALID, "credit_code", "credit_code %s", why);
	}
	if (in->address != NULL &&
	    (rc = units_check_text("address", in->address, 0, UNIT_ADDRESS_MAX, false, ei)) != ERR_OK)
		return rc;
	if (in->contact_name != NULL &&
	    (rc = units_check_text("contact_name", in->contact_name, 0, CONTACT_NAME_MAX, false, ei)) !=
	        ERR_OK)
		return rc;
	if (in->contact_phone != NULL && in->contact_phone->enc != NULL &&
	    (in->contact_name == NULL || in->contact_name[0] == '\0'))
		return err_set(ei, ERR_INVALID, "contact_name", "a contact phone needs the contact's name");
	return ERR_OK;
}

static void set_credit_code(struct unit_row *u, const char *code)
{
	snprintf(u->credit_code, sizeof u->credit_code, "%s", code ? code : "");
	credit_code_normalise(u->credit_code);
}

/* The unit's area: by code (import) or id, in the scope and open. */
static enum err unit_area(struct store_conn *c, const struct actor *a, const struct unit_input *in,
                          struct area_row *ar, struct errinfo *ei)
{
	enum err rc = in->area_code != NULL
	                      ? units_area_by_code(c, a, in->area_code, 0, 0, "area_code", ar, ei)
	                      : area_require(c, a, in->area_id, 0, 0, "area_id", ar, ei);
	if (rc != ERR_OK)
		return rc;
	if (ar->valid_to[0])
		return err_set(ei, ERR_CONFLICT, in->area_code ? "area_code" : "area_id",
		               "area %s was closed on %s", ar->code, ar->valid_to);
	return ERR_OK;
}

/* Names are unique within an area. */
static enum err unit_name_free(struct store_conn *c, int64_t area_id, const char *name, int64_t self,
                               struct errinfo *ei)
{
	struct unit_row other;
	enum err rc = store_unit_by_name(c, area_id, name, &other, ei);
	if (rc == ERR_NOTFOUND) {
		err_clear(ei);
		return ERR_OK;
	}
	if (rc != ERR_OK)
		return rc;
	if (other.id == self)
		return ERR_OK;
	return err_set(ei, ERR_CONFLICT, "name", "the area already has a unit called %s (id %lld)", name,
	               (long long)other.id);
}

enum err unit_create_in(struct store_conn *c, const struct actor *a, const struct unit_input *in,
                        struct unit_row *out, struct errinfo *ei)
{
	enum err rc = unit_input_check(in, true, ei);
	if (rc != ERR_OK)
		return rc;
	struct area_row ar;
	if ((rc = unit_area(c, a, in, &ar, ei)) != ERR_OK)
		return rc;
	if ((rc = unit_name_free(c, ar.id, in->name, 0, ei)) != ERR_OK)
		return rc;
	memset(out, 0, sizeof *out);
	snprintf(out->kind, sizeof out->kind, "%s", unit_kind_parse(in->kind));
	snprintf(out->name, sizeof out->name, "%s", in->name);
	set_credit_code(out, in->credit_code);
	out->area_id = ar.id;
	snprintf(out->area_code, sizeof out->area_code, "%s", ar.code);
	snprintf(out->area_name, sizeof out->area_name, "%s", ar.name);
	snprintf(out->address, sizeof out->address, "%s", in->address ? in->address : "");
	if ((rc = store_unit_insert(c, out, ei)) != ERR_OK)
		return rc;
	char object[64], detail[1024];
	units_object("unit", out->id, object);
	snprintf(detail, sizeof detail, "%s %s in %s", out->kind, out->name, out->area_code);
	if ((rc = audit_append(c, a, "unit.create", object, "ok", detail, ei)) != ERR_OK)
		return rc;
	if (in->contact_name == NULL || in->contact_name[0] == '\0')
		return ERR_OK;
	struct unit_contact_row k = {.unit_id = out->id};
	snprintf(k.name, sizeof k.name, "%s", in->contact_name);
	snprintf(k.title, sizeof k.title, "%s", in->contact_title ? in->contact_title : "");
	const struct pii *ph = in->contact_phone;
	snprintf(k.phone_masked, sizeof k.phone_masked, "%s", ph ? ph->masked : "");
	if ((rc = store_unit_contact_insert(c, &k, ph ? ph->enc : NULL, ph && ph->enc ? ph->hash : NULL,
	                                    ei)) != ERR_OK)
		return rc;
	snprintf(detail, sizeof detail, "contact:%lld %s", (long long)k.id, k.name);
	return audit_append(c, a, "unit.contact_add", object, "ok", detail, ei);
}

struct write_ctx {
	struct app *app;
	const struct actor *a;
	int64_t id, other;
	const struct unit_input *in;
	struct unit_row *out;
	const struct contact_input *cin;
	struct unit_contact_row *cout;
	struct pii phone;
	char **plain;
	const int64_t *ids;
	int nids;
	json_t *items;
	const struct pairing_input *pin;
	struct pairing_row *pout;
	const struct jc_input *jin;
	struct jc_member_row *jout;
	char today[DATE_TEXT];
};

static enum err create_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	return unit_create_in(c, x->a, x->in, x->out, ei);
}

enum err units_create(struct app *app, const struct actor *a, const struct unit_input *in,
                      struct unit_row *out, struct errinfo *ei)
{
	enum err rc = unit_input_check(in, true, ei);
	if (rc != ERR_OK)
		return rc;
	struct write_ctx x = {.app = app, .a = a, .in = in, .out = out};
	char object[64];
	units_object("area", in->area_id, object);
	return units_write(app, a, object, create_fn, &x, ei);
}

static enum err update_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	const struct unit_input *in = x->in;
	struct unit_row before, *u = x->out;
	enum err rc = unit_require(c, x->a, x->id, NULL, &before, ei);
	if (rc != ERR_OK)
		return rc;
	*u = before;
	if (in->area_id && in->area_id != before.area_id) {
		struct area_row ar;
		if ((rc = unit_area(c, x->a, in, &ar, ei)) != ERR_OK)
			return rc;
		u->area_id = ar.id;
		snprintf(u->area_code, sizeof u->area_code, "%s", ar.code);
		snprintf(u->area_name, sizeof u->area_name, "%s", ar.name);
	}
	if (in->kind)
		snprintf(u->kind, sizeof u->kind, "%s", unit_kind_parse(in->kind));
	if (in->name)
		snprintf(u->name, sizeof u->name, "%s", in->name);
	if (in->credit_code)
		set_credit_code(u, in->credit_code);
	if (in->address)
		snprintf(u->address, sizeof u->address, "%s", in->address);
	if (strcmp(before.kind, "department") == 0 && strcmp(u->kind, "department") != 0) {
		int64_t n = 0;
		if ((rc = store_department_area_count(c, u->id, &n, ei)) != ERR_OK)
			return rc;
		if (n > 0)
			return err_set(ei, ERR_CONFLICT, "kind",
			               "the department still serves %lld areas: clear them first", (long long)n);
	}
	if ((u->area_id != before.area_id || strcmp(u->name, before.name) != 0) &&
	    (rc = unit_name_free(c, u->area_id, u->name, u->id, ei)) != ERR_OK)
		return rc;
	if ((rc = store_unit_update(c, u, ei)) != ERR_OK)
		return rc;
	char object[64], detail[1024];
	units_object("unit", u->id, object);
	if (u->area_id != before.area_id)
		snprintf(detail, sizeof detail, "%s %s, %s → %s", u->kind, u->name, before.area_code,
		         u->area_code);
	else
		snprintf(detail, sizeof detail, "%s %s", u->kind, u->name);
	return audit_append(c, x->a, "unit.update", object, "ok", detail, ei);
}

enum err units_update(struct app *app, const struct actor *a, int64_t id,
                      const struct unit_input *in, struct unit_row *out, struct errinfo *ei)
{
	enum err rc = unit_input_check(in, false, ei);
	if (rc != ERR_OK)
		return rc;
	struct write_ctx x = {.app = app, .a = a, .id = id, .in = in, .out = out};
	char object[64];
	units_object("unit", id, object);
	return units_write(app, a, object, update_fn, &x, ei);
}

/* --- contacts -------------------------------------------------------------------- */

static enum err contact_add_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	struct unit_row u;
	enum err rc = unit_require(c, x->a, x->id, NULL, &u, ei);
	if (rc != ERR_OK)
		return rc;
	struct unit_contact_row *k = x->cout;
	memset(k, 0, sizeof *k);
	k->unit_id = u.id;
	snprintf(k->name, sizeof k->name, "%s", x->cin->name);
	snprintf(k->title, sizeof k->title, "%s", x->cin->title ? x->cin->title : "");
	snprintf(k->phone_masked, sizeof k->phone_masked, "%s", x->phone.masked);
	if ((rc = store_unit_contact_insert(c, k, x->phone.enc, x->phone.enc ? x->phone.hash : NULL,
	                                    ei)) != ERR_OK)
		return rc;
	char object[64], detail[1024];
	units_object("unit", u.id, object);
	snprintf(detail, sizeof detail, "contact:%lld %s", (long long)k->id, k->name);
	return audit_append(c, x->a, "unit.contact_add", object, "ok", detail, ei);
}

enum err units_contact_add(struct app *app, const struct actor *a, int64_t unit_id,
                           const struct contact_input *in, struct unit_contact_row *out,
                           struct errinfo *ei)
{
	enum err rc;
	if ((rc = units_check_text("name", in->name, 1, CONTACT_NAME_MAX, false, ei)) != ERR_OK ||
	    (rc = units_check_text("title", in->title, 0, CONTACT_TITLE_MAX, false, ei)) != ERR_OK)
		return rc;
	struct write_ctx x = {.app = app, .a = a, .id = unit_id, .cin = in, .cout = out};
	if ((rc = pii_phone(app, in->phone, "phone", &x.phone, ei)) != ERR_OK)
		return rc;
	char object[64];
	units_object("unit", unit_id, object);
	rc = units_write(app, a, object, contact_add_fn, &x, ei);
	pii_free(&x.phone);
	return rc;
}

static enum err contact_remove_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	struct unit_row u;
	enum err rc = unit_require(c, x->a, x->id, NULL, &u, ei);
	if (rc != ERR_OK)
		return rc;
	bool found = false;
	if ((rc = store_unit_contact_delete(c, u.id, x->other, &found, ei)) != ERR_OK)
		return rc;
	if (!found)
		return err_set(ei, ERR_NOTFOUND, NULL, "no such contact of this unit");
	char object[64], detail[64];
	units_object("unit", u.id, object);
	snprintf(detail, sizeof detail, "contact:%lld", (long long)x->other);
	return audit_append(c, x->a, "unit.contact_remove", object, "ok", detail, ei);
}

enum err units_contact_remove(struct app *app, const struct actor *a, int64_t unit_id, int64_t id,
                              struct errinfo *ei)
{
	struct write_ctx x = {.app = app, .a = a, .id = unit_id, .other = id};
	char object[64];
	units_object("unit", unit_id, object);
	return units_write(app, a, object, contact_remove_fn, &x, ei);
}

static enum err contact_phone_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	struct unit_row u;
	enum err rc = unit_require(c, x->a, x->id, NULL, &u, ei);
	if (rc != ERR_OK)
		return rc;
	char *enc = NULL;
	if ((rc = store_unit_contact_phone(c, u.id, x->other, &enc, ei)) != ERR_OK)
		return rc;
	*x->plain = enc ? pii_open(x->app, enc) : strdup("");
	free(enc);
	if (*x->plain == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "cannot decrypt the phone");
	char object[64];
	units_object("unit_contact", x->other, object);
	return pii_audit_unmask(c, x->a, object, "phone", ei);
}

enum err units_contact_phone(struct app *app, const struct actor *a, int64_t unit_id, int64_t id,
                             char **phone, struct errinfo *ei)
{
	*phone = NULL;
	struct write_ctx x = {.app = app, .a = a, .id = unit_id, .other = id, .plain = phone};
	char object[64];
	units_object("unit", unit_id, object);
	enum err rc = units_write(app, a, object, contact_phone_fn, &x, ei);
	if (rc != ERR_OK) {
		free(*phone);
		*phone = NULL;
	}
	return rc;
}

/* --- served areas ---------------------------------------------------------------------- */

static enum err set_areas_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	struct unit_row u;
	enum err rc = unit_require(c, x->a, x->id, NULL, &u, ei);
	if (rc != ERR_OK)
		return rc;
	if (strcmp(u.kind, "department") != 0)
		return err_set(ei, ERR_UNPROCESSABLE, "area_ids",
		               "only a department serves areas (this unit's kind is %s)", u.kind);
	for (int i = 0; i < x->nids; i++) {
		struct area_row ar;
		if ((rc = area_require(c, x->a, x->ids[i], 0, 0, "area_ids", &ar, ei)) != ERR_OK)
			return rc;
		if (ar.valid_to[0])
			return err_set(ei, ERR_CONFLICT, "area_ids", "area %s was closed on %s", ar.code,
			               ar.valid_to);
	}
	struct code_ranges r;
	if ((rc = area_scope_ranges(c, x->a, 0, &r, ei)) != ERR_OK)
		return rc;
	if ((rc = store_department_areas_clear(c, u.id, &r, ei)) != ERR_OK)
		return rc;
	for (int i = 0; i < x->nids; i++)
		if ((rc = store_department_area_add(c, u.id, x->ids[i], ei)) != ERR_OK)
			return rc;
	json_array_clear(x->items);
	if ((rc = store_department_areas(c, u.id, add_served, x->items, ei)) != ERR_OK)
		return rc;
	char object[64], detail[64];
	units_object("unit", u.id, object);
	snprintf(detail, sizeof detail, "%zu areas served", json_array_size(x->items));
	return audit_append(c, x->a, "unit.set_areas", object, "ok", detail, ei);
}

enum err units_set_areas(struct app *app, const struct actor *a, int64_t unit_id,
                         const int64_t *area_ids, int n, json_t *areas, struct errinfo *ei)
{
	struct write_ctx x = {.app = app, .a = a, .id = unit_id, .ids = area_ids, .nids = n,
	                      .items = areas};
	char object[64];
	units_object("unit", unit_id, object);
	enum err rc = units_write(app, a, object, set_areas_fn, &x, ei);
	if (rc != ERR_OK)
		json_array_clear(areas);
	return rc;
}

/* --- pairings ------------------------------------------------------------------------- */

static enum err pairings_list_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct read_ctx *x = arg;
	const struct pairing_list_query *q = x->pq;
	struct code_ranges r;
	enum err rc;
	if (q->unit_id) {
		struct unit_row u;
		if ((rc = unit_exists(c, q->unit_id, "unit", &u, ei)) != ERR_OK)
			return rc;
	}
	if ((rc = area_scope_ranges(c, x->a, q->community_id, &r, ei)) != ERR_OK) {
		if (ei != NULL && (rc == ERR_INVALID || rc == ERR_FORBIDDEN))
			snprintf(ei->field, sizeof ei->field, "community");
		return rc;
	}
	struct pairing_filter f = {.r = &r, .unit_id = q->unit_id, .today = x->today,
	                           .active = q->active, .offset = q->offset, .limit = q->limit};
	struct pairing_json_ctx pj = {x->items, x->today};
	return store_pairing_list(c, &f, add_pairing, &pj, x->total, ei);
}

enum err pairings_list(struct app *app, const struct actor *a, const struct pairing_list_query *q,
                       json_t *items, int64_t *total, struct errinfo *ei)
{
	struct read_ctx x = {.app = app, .a = a, .pq = q, .items = items, .total = total};
	units_today(app, x.today);
	char object[64];
	units_object("area", q->community_id, object);
	return units_read(app, a, object, pairings_list_fn, &x, ei);
}

static enum err pairing_check(const struct pairing_input *in, bool create, struct errinfo *ei)
{
	enum err rc;
	if (create && in->starts_on == NULL)
		return err_set(ei, ERR_INVALID, "starts_on", "starts_on is required");
	if (create && in->content == NULL)
		return err_set(ei, ERR_INVALID, "content", "content is required");
	if (in->content != NULL &&
	    (rc = units_check_text("content", in->content, 1, PAIRING_CONTENT_MAX, true, ei)) != ERR_OK)
		return rc;
	return ERR_OK;
}

static enum err pairing_create_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	const struct pairing_input *in = x->pin;
	struct pairing_row *p = x->pout;
	struct area_row com;
	struct unit_row u;
	enum err rc = area_require(c, x->a, in->community_id, AREA_COMMUNITY, AREA_COMMUNITY,
	                           "community_id", &com, ei);
	if (rc != ERR_OK)
		return rc;
	if (com.valid_to[0])
		return err_set(ei, ERR_CONFLICT, "community_id", "the community was closed on %s",
		               com.valid_to);
	if ((rc = unit_exists(c, in->unit_id, "unit_id", &u, ei)) != ERR_OK)
		return rc;
	memset(p, 0, sizeof *p);
	p->unit_id = u.id;
	p->community_id = com.id;
	snprintf(p->unit_name, sizeof p->unit_name, "%s", u.name);
	snprintf(p->unit_kind, sizeof p->unit_kind, "%s", u.kind);
	snprintf(p->community_code, sizeof p->community_code, "%s", com.code);
	snprintf(p->community_name, sizeof p->community_name, "%s", com.name);
	snprintf(p->starts_on, sizeof p->starts_on, "%s", in->starts_on);
	snprintf(p->ends_on, sizeof p->ends_on, "%s", in->ends_on ? in->ends_on : "");
	snprintf(p->content, sizeof p->content, "%s", in->content);
	int64_t n = 0;
	if ((rc = store_pairing_overlaps(c, u.id, com.id, p->starts_on, p->ends_on, 0, &n, ei)) != ERR_OK)
		return rc;
	if (n > 0)
		return err_set(ei, ERR_CONFLICT, "starts_on",
		               "the unit already has a pairing with this community in that period");
	if ((rc = store_pairing_insert(c, p, ei)) != ERR_OK)
		return rc;
	char object[64], detail[1024];
	units_object("pairing", p->id, object);
	snprintf(detail, sizeof detail, "unit:%lld %s ↔ %s %s from %s", (long long)u.id, u.name, com.code,
	         com.name, p->starts_on);
	return audit_append(c, x->a, "pairing.create", object, "ok", detail, ei);
}

enum err pairings_create(struct app *app, const struct actor *a, const struct pairing_input *in,
                         struct pairing_row *out, struct errinfo *ei)
{
	enum err rc = pairing_check(in, true, ei);
	if (rc != ERR_OK)
		return rc;
	if (in->ends_on != NULL && strcmp(in->ends_on, in->starts_on) < 0)
		return err_set(ei, ERR_INVALID, "ends_on", "ends_on is before starts_on");
	struct write_ctx x = {.app = app, .a = a, .pin = in, .pout = out};
	char object[64];
	units_object("area", in->community_id, object);
	return units_write(app, a, object, pairing_create_fn, &x, ei);
}

static enum err pairing_update_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	struct pairing_row *p = x->pout;
	enum err rc = store_pairing_get(c, x->id, p, ei);
	if (rc != ERR_OK)
		return rc;
	if (!covers(x->a, p->community_code))
		return err_set(ei, ERR_FORBIDDEN, NULL, "the pairing's community lies outside your scope");
	if (x->pin->ends_on)
		snprintf(p->ends_on, sizeof p->ends_on, "%s", x->pin->ends_on);
	if (x->pin->content)
		snprintf(p->content, sizeof p->content, "%s", x->pin->content);
	if (p->ends_on[0] && strcmp(p->ends_on, p->starts_on) < 0)
		return err_set(ei, ERR_INVALID, "ends_on", "ends_on is before starts_on %s", p->starts_on);
	int64_t n = 0;
	if ((rc = store_pairing_overlaps(c, p->unit_id, p->community_id, p->starts_on, p->ends_on, p->id,
	                                 &n, ei)) != ERR_OK)
		return rc;
	if (n > 0)
		return err_set(ei, ERR_CONFLICT, "ends_on",
		               "the unit has another pairing with this community in that period");
	if ((rc = store_pairing_update(c, p, ei)) != ERR_OK)
		return rc;
	char object[64], detail[1024];
	units_object("pairing", p->id, object);
	snprintf(detail, sizeof detail, "ends_on %s", p->ends_on[0] ? p->ends_on : "open");
	return audit_append(c, x->a, "pairing.update", object, "ok", detail, ei);
}

enum err pairings_update(struct app *app, const struct actor *a, int64_t id,
                         const struct pairing_input *in, struct pairing_row *out,
                         struct errinfo *ei)
{
	enum err rc = pairing_check(in, false, ei);
	if (rc != ERR_OK)
		return rc;
	struct write_ctx x = {.app = app, .a = a, .id = id, .pin = in, .pout = out};
	char object[64];
	units_object("pairing", id, object);
	return units_write(app, a, object, pairing_update_fn, &x, ei);
}

/* --- joint committee -------------------------------------------------------------------- */

static void add_jc(void *ctx, const struct jc_member_row *m)
{
	json_array_append_new(ctx, jc_member_json(m));
}

static enum err jc_list_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct read_ctx *x = arg;
	struct area_row com;
	enum err rc = area_require(c, x->a, x->id, AREA_COMMUNITY, AREA_COMMUNITY, NULL, &com, ei);
	if (rc != ERR_OK)
		return rc;
	return store_jc_list(c, com.id, add_jc, x->items, ei);
}

enum err jc_list(struct app *app, const struct actor *a, int64_t community_id, json_t *items,
                 struct errinfo *ei)
{
	struct read_ctx x = {.app = app, .a = a, .id = community_id, .items = items};
	char object[64];
	units_object("area", community_id, object);
	return units_read(app, a, object, jc_list_fn, &x, ei);
}

static enum err jc_add_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	struct area_row com;
	struct unit_row u;
	enum err rc = area_require(c, x->a, x->id, AREA_COMMUNITY, AREA_COMMUNITY, NULL, &com, ei);
	if (rc != ERR_OK)
		return rc;
	if ((rc = unit_exists(c, x->jin->unit_id, "unit_id", &u, ei)) != ERR_OK)
		return rc;
	int64_t n = 0;
	/* A pairing running today is one whose period meets [today, today]. */
	if ((rc = store_pairing_overlaps(c, u.id, com.id, x->today, x->today, 0, &n, ei)) != ERR_OK)
		return rc;
	if (n == 0)
		return err_set(ei, ERR_UNPROCESSABLE, "unit_id",
		               "%s has no pairing with %s running today: seats go to paired units", u.name,
		               com.name);
	if ((rc = store_jc_count(c, com.id, u.id, x->jin->name, &n, ei)) != ERR_OK)
		return rc;
	if (n > 0)
		return err_set(ei, ERR_CONFLICT, "name", "%s of %s already sits on the committee",
		               x->jin->name, u.name);
	struct jc_member_row *m = x->jout;
	memset(m, 0, sizeof *m);
	m->community_id = com.id;
	m->unit_id = u.id;
	snprintf(m->unit_name, sizeof m->unit_name, "%s", u.name);
	snprintf(m->name, sizeof m->name, "%s", x->jin->name);
	snprintf(m->post, sizeof m->post, "%s", x->jin->post);
	if ((rc = store_jc_insert(c, m, ei)) != ERR_OK)
		return rc;
	char object[64], detail[1024];
	units_object("area", com.id, object);
	snprintf(detail, sizeof detail, "member:%lld %s (%s, %s)", (long long)m->id, m->name, u.name,
	         m->post);
	return audit_append(c, x->a, "joint_committee.add", object, "ok", detail, ei);
}

enum err jc_add(struct app *app, const struct actor *a, int64_t community_id,
                const struct jc_input *in, struct jc_member_row *out, struct errinfo *ei)
{
	enum err rc;
	if ((rc = units_check_text("name", in->name, 1, JC_NAME_MAX, false, ei)) != ERR_OK ||
	    (rc = units_check_text("post", in->post, 1, JC_POST_MAX, false, ei)) != ERR_OK)
		return rc;
	struct write_ctx x = {.app = app, .a = a, .id = community_id, .jin = in, .jout = out};
	units_today(app, x.today);
	char object[64];
	units_object("area", community_id, object);
	return units_write(app, a, object, jc_add_fn, &x, ei);
}

static enum err jc_remove_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	struct area_row com;
	enum err rc = area_require(c, x->a, x->id, AREA_COMMUNITY, AREA_COMMUNITY, NULL, &com, ei);
	if (rc != ERR_OK)
		return rc;
	bool found = false;
	if ((rc = store_jc_delete(c, com.id, x->other, &found, ei)) != ERR_OK)
		return rc;
	if (!found)
		return err_set(ei, ERR_NOTFOUND, NULL, "no such member of this joint committee");
	char object[64], detail[64];
	units_object("area", com.id, object);
	snprintf(detail, sizeof detail, "member:%lld", (long long)x->other);
	return audit_append(c, x->a, "joint_committee.remove", object, "ok", detail, ei);
}

enum err jc_remove(struct app *app, const struct actor *a, int64_t community_id, int64_t id,
                   struct errinfo *ei)
{
	struct write_ctx x = {.app = app, .a = a, .id = community_id, .other = id};
	char object[64];
	units_object("area", community_id, object);
	return units_write(app, a, object, jc_remove_fn, &x, ei);
}

/* --- import and export (domain/registers_io.h) ------------------------------------------ */

static const char *const unit_columns[] = {"kind",    "name",         "credit_code", "area_code",
                                           "address", "contact_name", "contact_phone", NULL};
enum { UC_KIND, UC_NAME, UC_CREDIT, UC_AREA, UC_ADDRESS, UC_CONTACT, UC_PHONE };
static const char *const unit_required[] = {"kind", "name", "area_code", NULL};
static const char *const unit_titles[] = {"单位类型", "单位名称", "统一社会信用代码", "区域代码",
                                          "所在区域", "地址",     "联系人",           "联系电话",
                                          NULL};

static enum err unit_row_import(struct import_ctx *x, struct store_conn *c,
                                const struct import_row *r, struct errinfo *ei)
{
	struct pii phone;
	enum err rc = pii_phone(x->app, import_get(r, UC_PHONE), "contact_phone", &phone, ei);
	if (rc != ERR_OK)
		return rc;
	const char *kind = import_get(r, UC_KIND);
	struct unit_input in = {.kind = kind, .name = import_get(r, UC_NAME),
	                        .credit_code = import_get(r, UC_CREDIT), .area_code = import_get(r, UC_AREA),
	                        .address = import_get(r, UC_ADDRESS), .contact_name = import_get(r, UC_CONTACT),
	                        .contact_phone = &phone};
	struct unit_row out;
	rc = unit_create_in(c, x->actor, &in, &out, ei);
	pii_free(&phone);
	return rc;
}

struct unit_emit {
	void (*emit)(void *ctx, const char *const *cells);
	void *ctx;
};

static void unit_export_one(void *ctx, const struct unit_row *u, const char *contact,
                            const char *phone_masked)
{
	struct unit_emit *e = ctx;
	const char *cells[] = {unit_kind_zh(u->kind), u->name,  u->credit_code, u->area_code,
	                       u->area_name,          u->address, contact,        phone_masked};
	e->emit(e->ctx, cells);
}

static enum err unit_export_rows(struct import_ctx *x, struct store_conn *c,
                                 const struct code_ranges *r,
                                 void (*emit)(void *ctx, const char *const *cells), void *ctx,
                                 struct errinfo *ei)
{
	struct unit_emit e = {emit, ctx};
	return store_unit_export(c, r, unit_export_one, &e, ei);
}

const struct register_io unit_io = {
	.name = "units",
	.title_zh = "驻区单位",
	.read_cap = "unit.read",
	.manage_cap = "unit.manage",
	.columns = unit_columns,
	.required = unit_required,
	.row = unit_row_import,
	.export_titles = unit_titles,
	.export_rows = unit_export_rows,
};
