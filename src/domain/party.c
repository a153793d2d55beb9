/* Rules of the party registers, and their CSV import and xlsx export
 * (party_org_io, party_member_io). */
#include "domain/party.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth/audit.h"
#include "domain/areas.h"
#include "domain/registers_io.h"
#include "domain/units.h"
#include "util/worktime.h"

const char *const party_org_kinds[] = {"working_committee", "committee", "general_branch", "branch",
                                       "group", NULL};
const char *const party_org_kinds_zh[] = {"党工委", "党委", "党总支", "党支部", "党小组", NULL};
const char *const party_member_statuses[] = {"full", "probationary", NULL};
static const char *const statuses_zh[] = {"正式党员", "预备党员", NULL};
const char *const party_genders[] = {"male", "female", NULL};
static const char *const genders_zh[] = {"男", "女", NULL};
const char *const six_ones_items[] = {"meeting", "discussion", "survey", "wish", "volunteer",
                                      "pairing", NULL};
const char *const six_ones_items_zh[] = {"参加一次组织生活", "参与一次议事协商", "开展一次走访调研",
                                         "认领一个微心愿",   "参加一次志愿服务", "结对一户困难家庭",
                                         NULL};

/* Index of s in ids or labels (labels may be NULL); -1 when in neither. */
static int lookup(const char *s, const char *const *ids, const char *const *labels)
{
	for (int i = 0; s != NULL && ids[i]; i++)
		if (strcmp(s, ids[i]) == 0 || (labels && strcmp(s, labels[i]) == 0))
			return i;
	return -1;
}

int party_org_kind_rank(const char *s)
{
	return lookup(s, party_org_kinds, party_org_kinds_zh);
}

static bool covers(const struct actor *a, const char *code)
{
	return a->who == NULL || identity_covers(a->who, code);
}

static void object_of(const char *kind, int64_t id, char out[64])
{
	units_object(kind, id, out);
}

static int current_year(const char *today)
{
	return atoi(today);
}

/* A date given as text (the import's): ERR_INVALID naming field. */
static enum err check_date(const char *field, const char *s, struct errinfo *ei)
{
	int32_t d;
	if (date_parse(s, strlen(s), &d) != ERR_OK)
		return err_set(ei, ERR_INVALID, field, "%s must be a date YYYY-MM-DD", field);
	return ERR_OK;
}

/* The codes of area code and of every area above it, longest first. */
static int code_and_ancestors(const char *code, char out[AREA_LEVELS][AREA_CODE_MAX + 1],
                              const char *ptr[AREA_LEVELS])
{
	size_t n = strlen(code);
	int k = 0;
	for (int level = AREA_LEVELS; level >= 1; level--) {
		size_t len = area_code_len(level);
		if (len == 0 || len > n)
			continue;
		memcpy(out[k], code, len);
		out[k][len] = '\0';
		ptr[k] = out[k];
		k++;
	}
	return k;
}

/* --- JSON ------------------------------------------------------------------------ */

static json_t *str_or_null(const char *s)
{
	return s[0] ? json_string(s) : json_null();
}

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

json_t *party_org_json(const struct party_org_row *o)
{
	json_t *j = json_pack("{s:I, s:o, s:s, s:s, s:s, s:I, s:s, s:s, s:o, s:o, s:I, s:s, s:s}", "id",
	                      (json_int_t)o->id, "parent_id", id_or_null(o->parent_id), "kind", o->kind,
	                      "name", o->name, "path", o->path, "area_id", (json_int_t)o->area_id,
	                      "area_code", o->area_code, "area_name", o->area_name, "unit_id",
	                      id_or_null(o->unit_id), "unit_name", str_or_null(o->unit_name),
	                      "children", (json_int_t)o->children, "created_at", o->created_at,
	                      "updated_at", o->updated_at);
	json_object_set_new(j, "parent_name", str_or_null(o->parent_name));
	return j;
}

json_t *party_member_json(const struct party_member_row *m)
{
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:o, s:o, s:s}", "id",
	                      (json_int_t)m->id, "name", m->name, "gender", m->gender, "phone",
	                      m->phone_masked, "status", m->status, "org_id", (json_int_t)m->org_id,
	                      "org_name", m->org_name, "area_code", m->area_code, "joined_on",
	                      str_or_null(m->joined_on), "person_id", id_or_null(m->person_id),
	                      "created_at", m->created_at);
	json_object_set_new(j, "updated_at", json_string(m->updated_at));
	json_object_set_new(j, "work_unit_id", id_or_null(m->work_unit_id));
	json_object_set_new(j, "work_unit_name", str_or_null(m->work_unit_name));
	json_object_set_new(j, "community_id", id_or_null(m->community_id));
	json_object_set_new(j, "community_name", str_or_null(m->community_name));
	json_object_set_new(j, "report_in",
	                    m->report_in_id
	                            ? json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)m->report_in_id,
	                                        "community_id", (json_int_t)m->report_community_id,
	                                        "community_name", m->report_community_name,
	                                        "reported_on", m->reported_on)
	                            : json_null());
	json_object_set_new(j, "six_ones_done", json_integer(m->six_ones_done));
	return j;
}

json_t *report_in_json(const struct report_in_row *r)
{
	json_t *j = json_pack("{s:I, s:s, s:o, s:o, s:o, s:o, s:I, s:s, s:s, s:s, s:o, s:b, s:s}", "id",
	                      (json_int_t)r->id, "kind", r->member_id ? "member" : "org", "member_id",
	                      id_or_null(r->member_id), "member_name",
	                      r->member_id ? json_string(r->member_name) : json_null(), "org_id",
	                      id_or_null(r->org_id), "org_name",
	                      r->org_id ? json_string(r->org_name) : json_null(), "community_id",
	                      (json_int_t)r->community_id, "community_code", r->community_code,
	                      "community_name", r->community_name, "reported_on", r->reported_on,
	                      "ended_on", str_or_null(r->ended_on), "active", r->ended_on[0] == '\0',
	                      "created_at", r->created_at);
	return j;
}

json_t *center_json(const struct center_row *h)
{
	return json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:I, s:s}", "id", (json_int_t)h->id,
	                 "member_id", (json_int_t)h->member_id, "member_name", h->member_name,
	                 "household_id", (json_int_t)h->household_id, "room", h->room, "area_code",
	                 h->area_code, "area_name", h->area_name, "covers", (json_int_t)h->covers,
	                 "created_at", h->created_at);
}

static json_t *household_json(const struct household_ref *h)
{
	return json_pack("{s:I, s:s, s:I, s:s, s:s}", "id", (json_int_t)h->id, "room", h->room, "area_id",
	                 (json_int_t)h->area_id, "area_code", h->area_code, "area_name", h->area_name);
}

static void add_org(void *ctx, const struct party_org_row *o)
{
	json_array_append_new(ctx, party_org_json(o));
}

static void add_report_in(void *ctx, const struct report_in_row *r)
{
	json_array_append_new(ctx, report_in_json(r));
}

static void add_household(void *ctx, const struct household_ref *h)
{
	json_array_append_new(ctx, household_json(h));
}

/* --- references inside a callback --------------------------------------------------- */

/* Loads an organisation; with need_scope its area must lie in the scope.
 * field names the reference (ERR_INVALID when unknown) or is NULL (ERR_NOTFOUND). */
static enum err org_load(struct store_conn *c, const struct actor *a, int64_t id, bool need_scope,
                         const char *field, struct party_org_row *o, struct errinfo *ei)
{
	enum err rc = store_party_org_get(c, id, o, ei);
	if (rc == ERR_NOTFOUND)
		return err_set(ei, field ? ERR_INVALID : ERR_NOTFOUND, field, "no party organisation %lld",
		               (long long)id);
	if (rc != ERR_OK)
		return rc;
	if (need_scope && !covers(a, o->area_code))
		return err_set(ei, ERR_FORBIDDEN, field, "organisation %lld lies outside your scope",
		               (long long)id);
	return ERR_OK;
}

static enum err member_load(struct store_conn *c, const struct actor *a, int64_t id, int year,
                            const char *field, struct party_member_row *m, struct errinfo *ei)
{
	enum err rc = store_party_member_get(c, id, year, m, ei);
	if (rc == ERR_NOTFOUND)
		return err_set(ei, field ? ERR_INVALID : ERR_NOTFOUND, field, "no party member %lld",
		               (long long)id);
	if (rc != ERR_OK)
		return rc;
	if (!covers(a, m->area_code))
		return err_set(ei, ERR_FORBIDDEN, field, "member %lld lies outside your scope", (long long)id);
	return ERR_OK;
}

/* A community that takes report-ins: in the scope, a community, open. */
static enum err community_require(struct store_conn *c, const struct actor *a, int64_t id,
                                  const char *code, const char *field, struct area_row *out,
                                  struct errinfo *ei)
{
	enum err rc = code != NULL ? units_area_by_code(c, a, code, AREA_COMMUNITY, AREA_COMMUNITY, field,
	                                                out, ei)
	                           : area_require(c, a, id, AREA_COMMUNITY, AREA_COMMUNITY, field, out, ei);
	if (rc != ERR_OK)
		return rc;
	if (out->valid_to[0])
		return err_set(ei, ERR_CONFLICT, field, "community %s was closed on %s", out->code,
		               out->valid_to);
	return ERR_OK;
}

/* --- organisations: reads -------------------------------------------------------------- */

struct read_ctx {
	struct app *app;
	const struct actor *a;
	int64_t id;
	int year;
	json_t *items;
	int64_t *total;
	struct party_org_detail *org;
	struct party_member_detail *member;
	const struct party_member_query *mq;
	const struct report_in_query *rq;
	party_member_fn fn;
	void *ctx;
	int64_t offset;
	int limit;
	json_t **out;
	char today[DATE_TEXT];
};

static enum err orgs_list_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct read_ctx *x = arg;
	struct code_ranges r;
	enum err rc = area_scope_ranges(c, x->a, 0, &r, ei);
	if (rc != ERR_OK)
		return rc;
	if (x->id == 0)
		return store_party_org_roots(c, &r, add_org, x->items, ei);
	struct party_org_row parent;
	if ((rc = org_load(c, x->a, x->id, false, "parent", &parent, ei)) != ERR_OK)
		return rc;
	return store_party_org_children(c, parent.id, &r, add_org, x->items, ei);
}

enum err party_orgs_list(struct app *app, const struct actor *a, int64_t parent, json_t *items,
                         struct errinfo *ei)
{
	struct read_ctx x = {.app = app, .a = a, .id = parent, .items = items};
	char object[64];
	object_of("party_org", parent, object);
	return units_read(app, a, object, orgs_list_fn, &x, ei);
}

static enum err org_get_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct read_ctx *x = arg;
	struct party_org_detail *d = x->org;
	enum err rc = org_load(c, x->a, x->id, true, NULL, &d->org, ei);
	if (rc != ERR_OK)
		return rc;
	if ((rc = store_party_org_counts(c, &d->org, &d->counts, ei)) != ERR_OK)
		return rc;
	struct report_in_filter f = {.org_id = d->org.id, .kind = 2, .active = 1};
	return store_report_in_list(c, &f, add_report_in, d->report_ins, NULL, ei);
}

enum err party_orgs_get(struct app *app, const struct actor *a, int64_t id,
                        struct party_org_detail *out, struct errinfo *ei)
{
	memset(out, 0, sizeof *out);
	out->report_ins = json_array();
	struct read_ctx x = {.app = app, .a = a, .id = id, .org = out};
	char object[64];
	object_of("party_org", id, object);
	enum err rc = units_read(app, a, object, org_get_fn, &x, ei);
	if (rc != ERR_OK) {
		json_decref(out->report_ins);
		out->report_ins = NULL;
	}
	return rc;
}

/* --- organisations: writes ------------------------------------------------------------- */

static enum err org_check(const struct party_org_input *in, bool create, struct errinfo *ei)
{
	if (create && (in->kind == NULL || in->kind[0] == '\0'))
		return err_set(ei, ERR_INVALID, "kind", "kind is required");
	if (in->kind != NULL && party_org_kind_rank(in->kind) < 0)
		return err_set(ei, ERR_INVALID, "kind",
		               "kind must be working_committee, committee, general_branch, branch or group");
	if (create && in->name == NULL)
		return err_set(ei, ERR_INVALID, "name", "name is required");
	if (in->name != NULL)
		return units_check_text("name", in->name, 1, PARTY_NAME_MAX, false, ei);
	return ERR_OK;
}

/* The parent named in an import: an organisation of that name whose area
 * is the row's area or lies above it; none or several is refused. */
static enum err org_parent_by_name(struct store_conn *c, const char *name, const char *area_code,
                                   struct party_org_row *out, struct errinfo *ei)
{
	char codes[AREA_LEVELS][AREA_CODE_MAX + 1];
	const char *ptr[AREA_LEVELS];
	int k = code_and_ancestors(area_code, codes, ptr), n = 0;
	enum err rc = store_party_org_named_in(c, name, ptr, k, out, &n, ei);
	if (rc != ERR_OK)
		return rc;
	if (n == 0)
		return err_set(ei, ERR_INVALID, "parent_name",
		               "no organisation called %s in area %s or above it", name, area_code);
	if (n > 1)
		return err_set(ei, ERR_INVALID, "parent_name",
		               "%d organisations are called %s in area %s or above it: rename one first", n,
		               name, area_code);
	return ERR_OK;
}

/* A child ranks strictly lower than its parent and lies in its area. */
static enum err org_fits_parent(const struct party_org_row *parent, const char *kind,
                                const char *area_code, const char *area_field, struct errinfo *ei)
{
	int rank = party_org_kind_rank(kind), prank = party_org_kind_rank(parent->kind);
	if (rank <= prank)
		return err_set(ei, ERR_UNPROCESSABLE, "kind", "a %s cannot stand under a %s", kind,
		               parent->kind);
	if (strncmp(area_code, parent->area_code, strlen(parent->area_code)) != 0)
		return err_set(ei, ERR_UNPROCESSABLE, area_field,
		               "the area %s lies outside the parent's area %s", area_code,
		               parent->area_code);
	return ERR_OK;
}

/* Siblings have distinct names (roots: within their area). */
static enum err org_name_free(struct store_conn *c, int64_t parent, int64_t area_id,
                              const char *name, int64_t self, struct errinfo *ei)
{
	struct party_org_row other;
	int n = 0;
	enum err rc = store_party_org_named(c, parent, parent ? 0 : area_id, name, &other, &n, ei);
	if (rc != ERR_OK)
		return rc;
	if (n == 0 || (n == 1 && other.id == self))
		return ERR_OK;
	return err_set(ei, ERR_CONFLICT, "name", "%s already has an organisation called %s",
	               parent ? "the parent" : "the area", name);
}

enum err party_org_create_in(struct store_conn *c, const struct actor *a,
                             const struct party_org_input *in, struct party_org_row *out,
                             struct errinfo *ei)
{
	enum err rc = org_check(in, true, ei);
	if (rc != ERR_OK)
		return rc;
	const char *area_field = in->area_code ? "area_code" : "area_id";
	struct area_row ar;
	rc = in->area_code ? units_area_by_code(c, a, in->area_code, 0, 0, "area_code", &ar, ei)
	                   : area_require(c, a, in->area_id, 0, 0, "area_id", &ar, ei);
	if (rc != ERR_OK)
		return rc;
	if (ar.valid_to[0])
		return err_set(ei, ERR_CONFLICT, area_field, "area %s was closed on %s", ar.code, ar.valid_to);
	struct party_org_row parent;
	memset(&parent, 0, sizeof parent);
	if (in->parent_name != NULL && in->parent_name[0]) {
		if ((rc = org_parent_by_name(c, in->parent_name, ar.code, &parent, ei)) != ERR_OK)
			return rc;
	} else if (in->parent_id) {
		if ((rc = org_load(c, a, in->parent_id, false, "parent_id", &parent, ei)) != ERR_OK)
			return rc;
	}
	const char *kind = party_org_kinds[party_org_kind_rank(in->kind)];
	if (parent.id && (rc = org_fits_parent(&parent, kind, ar.code, area_field, ei)) != ERR_OK)
		return rc;
	struct unit_row u;
	if (in->unit_id) {
		rc = store_unit_get(c, in->unit_id, &u, ei);
		if (rc == ERR_NOTFOUND)
			return err_set(ei, ERR_INVALID, "unit_id", "no unit %lld", (long long)in->unit_id);
		if (rc != ERR_OK)
			return rc;
	}
	if ((rc = org_name_free(c, parent.id, ar.id, in->name, 0, ei)) != ERR_OK)
		return rc;
	memset(out, 0, sizeof *out);
	out->parent_id = parent.id;
	out->area_id = ar.id;
	out->unit_id = in->unit_id;
	snprintf(out->kind, sizeof out->kind, "%s", kind);
	snprintf(out->name, sizeof out->name, "%s", in->name);
	snprintf(out->area_code, sizeof out->area_code, "%s", ar.code);
	snprintf(out->area_name, sizeof out->area_name, "%s", ar.name);
	snprintf(out->parent_name, sizeof out->parent_name, "%s", parent.name);
	if (in->unit_id)
		snprintf(out->unit_name, sizeof out->unit_name, "%s", u.name);
	if ((rc = store_party_org_insert(c, out, parent.id ? parent.path : NULL, ei)) != ERR_OK)
		return rc;
	char object[64], detail[1024];
	object_of("party_org", out->id, object);
	snprintf(detail, sizeof detail, "%s %s in %s, path %s", out->kind, out->name, out->area_code,
	         out->path);
	return audit_append(c, a, "party_org.create", object, "ok", detail, ei);
}

struct write_ctx {
	struct app *app;
	const struct actor *a;
	int64_t id, other;
	const struct party_org_input *oin;
	struct party_org_row *oout;
	const struct party_member_input *min;
	struct party_member_row *mout;
	struct report_in_row *rout;
	const char *date, *item, *note;
	int year;
	const int64_t *ids;
	int nids;
	json_t **out;
	char **plain;
	char today[DATE_TEXT];
};

static enum err org_create_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	return party_org_create_in(c, x->a, x->oin, x->oout, ei);
}

enum err party_orgs_create(struct app *app, const struct actor *a, const struct party_org_input *in,
                           struct party_org_row *out, struct errinfo *ei)
{
	enum err rc = org_check(in, true, ei);
	if (rc != ERR_OK)
		return rc;
	struct write_ctx x = {.app = app, .a = a, .oin = in, .oout = out};
	char object[64];
	object_of("area", in->area_id, object);
	return units_write(app, a, object, org_create_fn, &x, ei);
}

static enum err org_update_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	struct party_org_row before, *o = x->oout;
	enum err rc = org_load(c, x->a, x->id, true, NULL, &before, ei);
	if (rc != ERR_OK)
		return rc;
	*o = before;
	if (x->oin->name)
		snprintf(o->name, sizeof o->name, "%s", x->oin->name);
	if (x->oin->kind)
		snprintf(o->kind, sizeof o->kind, "%s", party_org_kinds[party_org_kind_rank(x->oin->kind)]);
	if (strcmp(o->kind, before.kind) != 0) {
		int rank = party_org_kind_rank(o->kind), highest = -1;
		if (before.parent_id) {
			struct party_org_row parent;
			if ((rc = org_load(c, x->a, before.parent_id, false, NULL, &parent, ei)) != ERR_OK)
				return rc;
			if ((rc = org_fits_parent(&parent, o->kind, o->area_code, "area_id", ei)) != ERR_OK)
				return rc;
		}
		if ((rc = store_party_org_child_kinds(c, o->id, party_org_kinds, &highest, ei)) != ERR_OK)
			return rc;
		if (highest >= 0 && highest <= rank)
			return err_set(ei, ERR_UNPROCESSABLE, "kind", "a %s cannot hold the %s below it",
			               o->kind, party_org_kinds[highest]);
	}
	if (strcmp(o->name, before.name) != 0 &&
	    (rc = org_name_free(c, o->parent_id, o->area_id, o->name, o->id, ei)) != ERR_OK)
		return rc;
	if ((rc = store_party_org_update(c, o, ei)) != ERR_OK)
		return rc;
	char object[64], detail[1024];
	object_of("party_org", o->id, object);
	snprintf(detail, sizeof detail, "%s %s", o->kind, o->name);
	return audit_append(c, x->a, "party_org.update", object, "ok", detail, ei);
}

enum err party_orgs_update(struct app *app, const struct actor *a, int64_t id,
                           const struct party_org_input *in, struct party_org_row *out,
                           struct errinfo *ei)
{
	enum err rc = org_check(in, false, ei);
	if (rc != ERR_OK)
		return rc;
	struct write_ctx x = {.app = app, .a = a, .id = id, .oin = in, .oout = out};
	char object[64];
	object_of("party_org", id, object);
	return units_write(app, a, object, org_update_fn, &x, ei);
}

/* --- members: reads ------------------------------------------------------------------- */

static enum err members_list_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct read_ctx *x = arg;
	const struct party_member_query *q = x->mq;
	struct code_ranges r, home;
	enum err rc = area_scope_ranges(c, x->a, 0, &r, ei);
	if (rc != ERR_OK)
		return rc;
	if (q->community_id) {
		if ((rc = area_scope_ranges(c, x->a, q->community_id, &home, ei)) != ERR_OK) {
			if (ei != NULL)
				snprintf(ei->field, sizeof ei->field, "community");
			return rc;
		}
	}
	struct party_org_row org;
	if (q->org_id && (rc = org_load(c, x->a, q->org_id, false, "org", &org, ei)) != ERR_OK)
		return rc;
	struct party_member_filter f = {.r = &r, .org_path = q->org_id ? org.path : NULL,
	                                .home = q->community_id ? &home : NULL, .status = q->status,
	                                .reported = q->reported, .q = q->q,
	                                .year = current_year(x->today), .offset = q->offset,
	                                .limit = q->limit};
	return store_party_member_list(c, &f, x->fn, x->ctx, x->total, ei);
}

enum err party_members_list(struct app *app, const struct actor *a,
                            const struct party_member_query *q, party_member_fn fn, void *ctx,
                            int64_t *total, struct errinfo *ei)
{
	struct read_ctx x = {.app = app, .a = a, .mq = q, .fn = fn, .ctx = ctx, .total = total};
	units_today(app, x.today);
	char object[64];
	object_of("area", q->community_id, object);
	return units_read(app, a, object, members_list_fn, &x, ei);
}

struct six_build {
	json_t *items; /* six objects in checklist order */
	int done;
};

static void six_fill(void *ctx, const struct six_ones_row *s)
{
	struct six_build *b = ctx;
	int i = lookup(s->item, six_ones_items, NULL);
	if (i < 0)
		return;
	json_t *o = json_array_get(b->items, (size_t)i);
	json_object_set_new(o, "done_on", json_string(s->done_on));
	json_object_set_new(o, "note", json_string(s->note));
	b->done++;
}

/* The year's checklist of a member, inside a callback. */
static enum err six_ones_build(struct store_conn *c, int64_t member_id, int year, json_t **out,
                               struct errinfo *ei)
{
	char from[DATE_TEXT], to[DATE_TEXT];
	snprintf(from, sizeof from, "%04d-01-01", year);
	snprintf(to, sizeof to, "%04d-12-31", year);
	int64_t reported = 0;
	enum err rc = store_report_in_during(c, member_id, from, to, &reported, ei);
	if (rc != ERR_OK)
		return rc;
	struct six_build b = {json_array(), 0};
	for (int i = 0; six_ones_items[i]; i++)
		json_array_append_new(b.items, json_pack("{s:s, s:s, s:n, s:s}", "item", six_ones_items[i],
		                                         "label", six_ones_items_zh[i], "done_on", "note",
		                                         ""));
	if ((rc = store_six_ones(c, member_id, year, six_fill, &b, ei)) != ERR_OK) {
		json_decref(b.items);
		return rc;
	}
	*out = json_pack("{s:i, s:o, s:i, s:i, s:b}", "year", year, "items", b.items, "done", b.done,
	                 "of", SIX_ONES_ITEMS, "reported_in", reported > 0);
	return ERR_OK;
}

static enum err member_get_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct read_ctx *x = arg;
	struct party_member_detail *d = x->member;
	int year = current_year(x->today);
	enum err rc = member_load(c, x->a, x->id, year, NULL, &d->member, ei);
	if (rc != ERR_OK)
		return rc;
	struct report_in_filter f = {.member_id = d->member.id, .kind = 1, .active = -1};
	if ((rc = store_report_in_list(c, &f, add_report_in, d->report_ins, NULL, ei)) != ERR_OK)
		return rc;
	return six_ones_build(c, d->member.id, year, &d->six_ones, ei);
}

enum err party_members_get(struct app *app, const struct actor *a, int64_t id,
                           struct party_member_detail *out, struct errinfo *ei)
{
	memset(out, 0, sizeof *out);
	out->report_ins = json_array();
	struct read_ctx x = {.app = app, .a = a, .id = id, .member = out};
	units_today(app, x.today);
	char object[64];
	object_of("party_member", id, object);
	enum err rc = units_read(app, a, object, member_get_fn, &x, ei);
	if (rc != ERR_OK) {
		json_decref(out->report_ins);
		json_decref(out->six_ones);
		out->report_ins = out->six_ones = NULL;
	}
	return rc;
}

/* --- members: writes ---------------------------------------------------------------------- */

static enum err member_check(const struct party_member_input *in, bool create, const char *today,
                             struct errinfo *ei)
{
	enum err rc;
	if (create && in->name == NULL)
		return err_set(ei, ERR_INVALID, "name", "name is required");
	if (in->name != NULL &&
	    (rc = units_check_text("name", in->name, 1, MEMBER_NAME_MAX, false, ei)) != ERR_OK)
		return rc;
	if ((create || in->gender) && lookup(in->gender, party_genders, genders_zh) < 0)
		return err_set(ei, ERR_INVALID, "gender", "gender must be male or female");
	if ((create || in->status) && lookup(in->status, party_member_statuses, statuses_zh) < 0)
		return err_set(ei, ERR_INVALID, "status", "status must be full or probationary");
	if (in->joined_on != NULL && in->joined_on[0]) {
		if ((rc = check_date("joined_on", in->joined_on, ei)) != ERR_OK)
			return rc;
		if (strcmp(in->joined_on, today) > 0)
			return err_set(ei, ERR_INVALID, "joined_on", "joined_on is after today");
	}
	if (in->reported_on != NULL && in->reported_on[0]) {
		if ((rc = check_date("reported_on", in->reported_on, ei)) != ERR_OK)
			return rc;
		if (in->community_code == NULL || in->community_code[0] == '\0')
			return err_set(ei, ERR_INVALID, "reported_on",
			               "a report-in needs the home community (community_code)");
	}
	if (create && in->org_id == 0 && (in->org_name == NULL || in->org_name[0] == '\0'))
		return err_set(ei, ERR_INVALID, in->org_name ? "org_name" : "org_id",
		               "the organisation is required");
	return ERR_OK;
}

/* The organisation of an import row: by name in exactly that area. */
static enum err org_by_name(struct store_conn *c, const char *name, const char *area_code,
                            struct party_org_row *o, struct errinfo *ei)
{
	if (area_code == NULL || area_code[0] == '\0')
		return err_set(ei, ERR_INVALID, "org_area_code", "org_area_code is required");
	const char *codes[] = {area_code};
	int n = 0;
	enum err rc = store_party_org_named_in(c, name, codes, 1, o, &n, ei);
	if (rc != ERR_OK)
		return rc;
	if (n == 0)
		return err_set(ei, ERR_INVALID, "org_name", "no organisation called %s in area %s", name,
		               area_code);
	if (n > 1)
		return err_set(ei, ERR_INVALID, "org_name", "%d organisations are called %s in area %s", n,
		               name, area_code);
	return ERR_OK;
}

/* The work unit of an import row: by name among the units of the member's
 * area, the organisation's area and the areas above them. */
static enum err work_unit_by_name(struct store_conn *c, const char *name, const char *home_code,
                                  const char *org_code, struct unit_row *u, struct errinfo *ei)
{
	char codes[2 * AREA_LEVELS][AREA_CODE_MAX + 1];
	const char *ptr[2 * AREA_LEVELS];
	int k = code_and_ancestors(org_code, codes, ptr);
	if (home_code[0]) {
		char more[AREA_LEVELS][AREA_CODE_MAX + 1];
		const char *mp[AREA_LEVELS];
		int m = code_and_ancestors(home_code, more, mp);
		for (int i = 0; i < m; i++) {
			bool seen = false;
			for (int j = 0; j < k; j++)
				seen = seen || strcmp(ptr[j], mp[i]) == 0;
			if (!seen) {
				memcpy(codes[k], more[i], sizeof codes[k]);
				ptr[k] = codes[k];
				k++;
			}
		}
	}
	int n = 0;
	enum err rc = store_unit_named_in(c, name, ptr, k, u, &n, ei);
	if (rc != ERR_OK)
		return rc;
	if (n == 0)
		return err_set(ei, ERR_INVALID, "work_unit_name",
		               "no unit called %s in the member's or the organisation's area or above", name);
	if (n > 1)
		return err_set(ei, ERR_INVALID, "work_unit_name",
		               "%d units are called %s around the member: give a unique name", n, name);
	return ERR_OK;
}

/* Members of one organisation are told apart by name and phone. */
static enum err member_unique(struct store_conn *c, const struct party_member_row *m,
                              const char *phone_hash, struct errinfo *ei)
{
	int64_t n = 0;
	enum err rc = store_party_member_same(c, m->org_id, m->name, phone_hash, m->id, &n, ei);
	if (rc != ERR_OK)
		return rc;
	return n > 0 ? err_set(ei, ERR_CONFLICT, "name",
	                       "%s with this phone is already a member of %s", m->name, m->org_name)
	             : ERR_OK;
}

/* Writes a member's report-in with its audit row (the member is checked). */
static enum err report_in_member(struct store_conn *c, const struct actor *a,
                                 const struct party_member_row *m, const struct area_row *com,
                                 const char *reported_on, const char *today,
                                 struct report_in_row *r, struct errinfo *ei)
{
	if (strcmp(reported_on, today) > 0)
		return err_set(ei, ERR_INVALID, "reported_on", "reported_on is after today");
	int64_t n = 0;
	enum err rc = store_report_in_active(c, m->id, 0, 0, &n, ei);
	if (rc != ERR_OK)
		return rc;
	if (n > 0)
		return err_set(ei, ERR_CONFLICT, "community_id",
		               "%s has an active report-in: end it before reporting in again", m->name);
	memset(r, 0, sizeof *r);
	r->member_id = m->id;
	r->community_id = com->id;
	snprintf(r->member_name, sizeof r->member_name, "%s", m->name);
	snprintf(r->community_code, sizeof r->community_code, "%s", com->code);
	snprintf(r->community_name, sizeof r->community_name, "%s", com->name);
	snprintf(r->reported_on, sizeof r->reported_on, "%s", reported_on);
	if ((rc = store_report_in_insert(c, r, ei)) != ERR_OK)
		return rc;
	char object[64], detail[1024];
	object_of("party_member", m->id, object);
	snprintf(detail, sizeof detail, "report_in:%lld to %s %s on %s", (long long)r->id, com->code,
	         com->name, reported_on);
	return audit_append(c, a, "party_member.report_in", object, "ok", detail, ei);
}

enum err party_member_create_in(struct store_conn *c, struct app *app, const struct actor *a,
                                const struct party_member_input *in, struct party_member_row *out,
                                struct errinfo *ei)
{
	char today[DATE_TEXT];
	units_today(app, today);
	enum err rc = member_check(in, true, today, ei);
	if (rc != ERR_OK)
		return rc;
	struct party_org_row org;
	rc = in->org_name != NULL && in->org_name[0]
	             ? org_by_name(c, in->org_name, in->org_area_code, &org, ei)
	             : org_load(c, a, in->org_id, false, "org_id", &org, ei);
	if (rc != ERR_OK)
		return rc;
	struct area_row com;
	memset(&com, 0, sizeof com);
	bool by_code = in->community_code != NULL && in->community_code[0];
	if (by_code || in->community_id) {
		if ((rc = community_require(c, a, in->community_id, by_code ? in->community_code : NULL,
		                            by_code ? "community_code" : "community_id", &com, ei)) != ERR_OK)
			return rc;
	} else if (!covers(a, org.area_code)) {
		return err_set(ei, ERR_FORBIDDEN, in->org_name ? "org_area_code" : "org_id",
		               "a member without a home community belongs to the organisation's area %s,"
		               " outside your scope",
		               org.area_code);
	}
	memset(out, 0, sizeof *out);
	struct unit_row u;
	if (in->work_unit_name != NULL && in->work_unit_name[0]) {
		if ((rc = work_unit_by_name(c, in->work_unit_name, com.code, org.area_code, &u, ei)) != ERR_OK)
			return rc;
		out->work_unit_id = u.id;
	} else if (in->work_unit_id) {
		rc = store_unit_get(c, in->work_unit_id, &u, ei);
		if (rc == ERR_NOTFOUND)
			return err_set(ei, ERR_INVALID, "work_unit_id", "no unit %lld", (long long)in->work_unit_id);
		if (rc != ERR_OK)
			return rc;
		out->work_unit_id = u.id;
	}
	if (out->work_unit_id)
		snprintf(out->work_unit_name, sizeof out->work_unit_name, "%s", u.name);
	if (in->person_id) {
		bool found = false;
		if ((rc = store_person_exists(c, in->person_id, &found, ei)) != ERR_OK)
			return rc;
		if (!found)
			return err_set(ei, ERR_INVALID, "person_id", "no person %lld", (long long)in->person_id);
		out->person_id = in->person_id;
	}
	snprintf(out->name, sizeof out->name, "%s", in->name);
	snprintf(out->gender, sizeof out->gender, "%s",
	         party_genders[lookup(in->gender, party_genders, genders_zh)]);
	snprintf(out->status, sizeof out->status, "%s",
	         party_member_statuses[lookup(in->status, party_member_statuses, statuses_zh)]);
	const struct pii *ph = in->phone;
	snprintf(out->phone_masked, sizeof out->phone_masked, "%s", ph ? ph->masked : "");
	out->org_id = org.id;
	snprintf(out->org_name, sizeof out->org_name, "%s", org.name);
	snprintf(out->org_area_code, sizeof out->org_area_code, "%s", org.area_code);
	out->community_id = com.id;
	snprintf(out->community_code, sizeof out->community_code, "%s", com.code);
	snprintf(out->community_name, sizeof out->community_name, "%s", com.name);
	snprintf(out->area_code, sizeof out->area_code, "%s", com.id ? com.code : org.area_code);
	snprintf(out->joined_on, sizeof out->joined_on, "%s", in->joined_on ? in->joined_on : "");
	const char *hash = ph && ph->enc ? ph->hash : NULL;
	if ((rc = member_unique(c, out, hash ? hash : "", ei)) != ERR_OK)
		return rc;
	if ((rc = store_party_member_insert(c, out, ph ? ph->enc : NULL, hash, ei)) != ERR_OK)
		return rc;
	char object[64], detail[1024];
	object_of("party_member", out->id, object);
	snprintf(detail, sizeof detail, "%s of party_org:%lld %s", out->name, (long long)org.id, org.name);
	if ((rc = audit_append(c, a, "party_member.create", object, "ok", detail, ei)) != ERR_OK)
		return rc;
	if (in->reported_on == NULL || in->reported_on[0] == '\0')
		return ERR_OK;
	struct report_in_row r;
	if ((rc = report_in_member(c, a, out, &com, in->reported_on, today, &r, ei)) != ERR_OK)
		return rc;
	out->report_in_id = r.id;
	out->report_community_id = com.id;
	snprintf(out->report_community_name, sizeof out->report_community_name, "%s", com.name);
	snprintf(out->reported_on, sizeof out->reported_on, "%s", r.reported_on);
	return ERR_OK;
}

static enum err member_create_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	return party_member_create_in(c, x->app, x->a, x->min, x->mout, ei);
}

enum err party_members_create(struct app *app, const struct actor *a,
                              const struct party_member_input *in, struct party_member_row *out,
                              struct errinfo *ei)
{
	char today[DATE_TEXT];
	units_today(app, today);
	enum err rc = member_check(in, true, today, ei);
	if (rc != ERR_OK)
		return rc;
	struct party_member_input sealed = *in;
	struct pii phone = {0};
	if (in->phone_text != NULL) {
		if ((rc = pii_phone(app, in->phone_text, "phone", &phone, ei)) != ERR_OK)
			return rc;
		sealed.set_phone = true;
		sealed.phone = &phone;
	}
	struct write_ctx x = {.app = app, .a = a, .min = &sealed, .mout = out};
	char object[64];
	object_of("area", in->community_id, object);
	rc = units_write(app, a, object, member_create_fn, &x, ei);
	pii_free(&phone);
	return rc;
}

static enum err member_update_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	const struct party_member_input *in = x->min;
	struct party_member_row before, *m = x->mout;
	enum err rc = member_load(c, x->a, x->id, current_year(x->today), NULL, &before, ei);
	if (rc != ERR_OK)
		return rc;
	*m = before;
	if (in->name)
		snprintf(m->name, sizeof m->name, "%s", in->name);
	if (in->gender)
		snprintf(m->gender, sizeof m->gender, "%s",
		         party_genders[lookup(in->gender, party_genders, genders_zh)]);
	if (in->status)
		snprintf(m->status, sizeof m->status, "%s",
		         party_member_statuses[lookup(in->status, party_member_statuses, statuses_zh)]);
	if (in->joined_on)
		snprintf(m->joined_on, sizeof m->joined_on, "%s", in->joined_on);
	if (in->org_id && in->org_id != before.org_id) {
		struct party_org_row org;
		if ((rc = org_load(c, x->a, in->org_id, false, "org_id", &org, ei)) != ERR_OK)
			return rc;
		m->org_id = org.id;
		snprintf(m->org_name, sizeof m->org_name, "%s", org.name);
		snprintf(m->org_area_code, sizeof m->org_area_code, "%s", org.area_code);
	}
	if (in->set_community && in->community_id != before.community_id) {
		struct area_row com;
		memset(&com, 0, sizeof com);
		if (in->community_id &&
		    (rc = community_require(c, x->a, in->community_id, NULL, "community_id", &com, ei)) !=
		            ERR_OK)
			return rc;
		m->community_id = com.id;
		snprintf(m->community_code, sizeof m->community_code, "%s", com.code);
		snprintf(m->community_name, sizeof m->community_name, "%s", com.name);
	}
	if (in->set_work_unit && in->work_unit_id != before.work_unit_id) {
		struct unit_row u;
		memset(&u, 0, sizeof u);
		if (in->work_unit_id) {
			rc = store_unit_get(c, in->work_unit_id, &u, ei);
			if (rc == ERR_NOTFOUND)
				return err_set(ei, ERR_INVALID, "work_unit_id", "no unit %lld",
				               (long long)in->work_unit_id);
			if (rc != ERR_OK)
				return rc;
		}
		m->work_unit_id = u.id;
		snprintf(m->work_unit_name, sizeof m->work_unit_name, "%s", u.name);
	}
	if (in->set_person && in->person_id != before.person_id) {
		if (in->person_id) {
			bool found = false;
			if ((rc = store_person_exists(c, in->person_id, &found, ei)) != ERR_OK)
				return rc;
			if (!found)
				return err_set(ei, ERR_INVALID, "person_id", "no person %lld",
				               (long long)in->person_id);
		}
		m->person_id = in->person_id;
	}
	snprintf(m->area_code, sizeof m->area_code, "%s",
	         m->community_id ? m->community_code : m->org_area_code);
	if (!covers(x->a, m->area_code))
		return err_set(ei, ERR_FORBIDDEN, m->community_id ? "community_id" : "org_id",
		               "the member would belong to area %s, outside your scope", m->area_code);
	const struct pii *ph = in->set_phone ? in->phone : NULL;
	if (in->set_phone)
		snprintf(m->phone_masked, sizeof m->phone_masked, "%s", ph ? ph->masked : "");
	if (strcmp(m->name, before.name) != 0 || m->org_id != before.org_id || in->set_phone) {
		/* Without a new phone the stored one's hash decides. */
		char hash[CRYPTO_HASH_HEX] = "";
		if (in->set_phone && ph && ph->enc)
			snprintf(hash, sizeof hash, "%s", ph->hash);
		else if (!in->set_phone &&
		         (rc = store_party_member_phone(c, m->id, NULL, hash, ei)) != ERR_OK)
			return rc;
		if ((rc = member_unique(c, m, hash, ei)) != ERR_OK)
			return rc;
	}
	if ((rc = store_party_member_update(c, m, in->set_phone, ph ? ph->enc : NULL,
	                                    ph && ph->enc ? ph->hash : NULL, ei)) != ERR_OK)
		return rc;
	char object[64], detail[1024];
	object_of("party_member", m->id, object);
	if (strcmp(m->area_code, before.area_code) != 0)
		snprintf(detail, sizeof detail, "%s, %s → %s", m->name, before.area_code, m->area_code);
	else
		snprintf(detail, sizeof detail, "%s", m->name);
	return audit_append(c, x->a, "party_member.update", object, "ok", detail, ei);
}

enum err party_members_update(struct app *app, const struct actor *a, int64_t id,
                              const struct party_member_input *in, struct party_member_row *out,
                              struct errinfo *ei)
{
	struct party_member_input sealed = *in;
	struct write_ctx x = {.app = app, .a = a, .id = id, .min = &sealed, .mout = out};
	units_today(app, x.today);
	enum err rc = member_check(in, false, x.today, ei);
	if (rc != ERR_OK)
		return rc;
	struct pii phone = {0};
	if (in->phone_text != NULL) {
		if ((rc = pii_phone(app, in->phone_text, "phone", &phone, ei)) != ERR_OK)
			return rc;
		sealed.set_phone = true;
		sealed.phone = &phone;
	}
	char object[64];
	object_of("party_member", id, object);
	rc = units_write(app, a, object, member_update_fn, &x, ei);
	pii_free(&phone);
	return rc;
}

static enum err member_phone_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	struct party_member_row m;
	enum err rc = member_load(c, x->a, x->id, 0, NULL, &m, ei);
	if (rc != ERR_OK)
		return rc;
	char *enc = NULL;
	if ((rc = store_party_member_phone(c, m.id, &enc, NULL, ei)) != ERR_OK)
		return rc;
	*x->plain = enc ? pii_open(x->app, enc) : strdup("");
	free(enc);
	if (*x->plain == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "cannot decrypt the phone");
	char object[64];
	object_of("party_member", m.id, object);
	return pii_audit_unmask(c, x->a, object, "phone", ei);
}

enum err party_members_phone(struct app *app, const struct actor *a, int64_t id, char **phone,
                             struct errinfo *ei)
{
	*phone = NULL;
	struct write_ctx x = {.app = app, .a = a, .id = id, .plain = phone};
	char object[64];
	object_of("party_member", id, object);
	enum err rc = units_write(app, a, object, member_phone_fn, &x, ei);
	if (rc != ERR_OK) {
		free(*phone);
		*phone = NULL;
	}
	return rc;
}

/* --- report-ins ------------------------------------------------------------------------ */

static enum err member_report_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	struct party_member_row *m = calloc(1, sizeof *m);
	if (m == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	struct area_row com;
	enum err rc = member_load(c, x->a, x->id, 0, NULL, m, ei);
	if (rc == ERR_OK)
		rc = community_require(c, x->a, x->other, NULL, "community_id", &com, ei);
	if (rc == ERR_OK)
		rc = report_in_member(c, x->a, m, &com, x->date, x->today, x->rout, ei);
	free(m);
	return rc;
}

enum err party_member_report_in(struct app *app, const struct actor *a, int64_t member_id,
                                int64_t community_id, const char *reported_on,
                                struct report_in_row *out, struct errinfo *ei)
{
	enum err rc = check_date("reported_on", reported_on ? reported_on : "", ei);
	if (rc != ERR_OK)
		return rc;
	struct write_ctx x = {.app = app, .a = a, .id = member_id, .other = community_id,
	                      .date = reported_on, .rout = out};
	units_today(app, x.today);
	char object[64];
	object_of("party_member", member_id, object);
	return units_write(app, a, object, member_report_fn, &x, ei);
}

static enum err org_report_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	struct party_org_row org;
	struct area_row com;
	enum err rc = org_load(c, x->a, x->id, false, NULL, &org, ei);
	if (rc != ERR_OK)
		return rc;
	if ((rc = community_require(c, x->a, x->other, NULL, "community_id", &com, ei)) != ERR_OK)
		return rc;
	if (strcmp(x->date, x->today) > 0)
		return err_set(ei, ERR_INVALID, "reported_on", "reported_on is after today");
	int64_t n = 0;
	if ((rc = store_report_in_active(c, 0, org.id, com.id, &n, ei)) != ERR_OK)
		return rc;
	if (n > 0)
		return err_set(ei, ERR_CONFLICT, "community_id", "%s has already reported in to %s",
		               org.name, com.name);
	struct report_in_row *r = x->rout;
	memset(r, 0, sizeof *r);
	r->org_id = org.id;
	r->community_id = com.id;
	snprintf(r->org_name, sizeof r->org_name, "%s", org.name);
	snprintf(r->community_code, sizeof r->community_code, "%s", com.code);
	snprintf(r->community_name, sizeof r->community_name, "%s", com.name);
	snprintf(r->reported_on, sizeof r->reported_on, "%s", x->date);
	if ((rc = store_report_in_insert(c, r, ei)) != ERR_OK)
		return rc;
	char object[64], detail[1024];
	object_of("party_org", org.id, object);
	snprintf(detail, sizeof detail, "report_in:%lld to %s %s on %s", (long long)r->id, com.code,
	         com.name, x->date);
	return audit_append(c, x->a, "party_org.report_in", object, "ok", detail, ei);
}

enum err party_org_report_in(struct app *app, const struct actor *a, int64_t org_id,
                             int64_t community_id, const char *reported_on,
                             struct report_in_row *out, struct errinfo *ei)
{
	enum err rc = check_date("reported_on", reported_on ? reported_on : "", ei);
	if (rc != ERR_OK)
		return rc;
	struct write_ctx x = {.app = app, .a = a, .id = org_id, .other = community_id,
	                      .date = reported_on, .rout = out};
	units_today(app, x.today);
	char object[64];
	object_of("area", community_id, object);
	return units_write(app, a, object, org_report_fn, &x, ei);
}

static enum err report_end_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	struct report_in_row *r = x->rout;
	enum err rc = store_report_in_get(c, x->id, r, ei);
	if (rc != ERR_OK)
		return rc;
	if (!covers(x->a, r->community_code))
		return err_set(ei, ERR_FORBIDDEN, NULL, "the report-in's community lies outside your scope");
	if (r->ended_on[0])
		return err_set(ei, ERR_CONFLICT, NULL, "the report-in ended on %s", r->ended_on);
	if (strcmp(x->date, r->reported_on) < 0)
		return err_set(ei, ERR_INVALID, "ended_on", "ended_on is before reported_on %s",
		               r->reported_on);
	if (strcmp(x->date, x->today) > 0)
		return err_set(ei, ERR_INVALID, "ended_on", "ended_on is after today");
	if ((rc = store_report_in_end(c, r->id, x->date, ei)) != ERR_OK)
		return rc;
	snprintf(r->ended_on, sizeof r->ended_on, "%s", x->date);
	char object[64], detail[1024];
	object_of("report_in", r->id, object);
	snprintf(detail, sizeof detail, "%s:%lld left %s on %s", r->member_id ? "party_member" : "party_org",
	         (long long)(r->member_id ? r->member_id : r->org_id), r->community_code, x->date);
	return audit_append(c, x->a, "report_in.end", object, "ok", detail, ei);
}

enum err party_report_in_end(struct app *app, const struct actor *a, int64_t id,
                             const char *ended_on, struct report_in_row *out, struct errinfo *ei)
{
	enum err rc = check_date("ended_on", ended_on ? ended_on : "", ei);
	if (rc != ERR_OK)
		return rc;
	struct write_ctx x = {.app = app, .a = a, .id = id, .date = ended_on, .rout = out};
	units_today(app, x.today);
	char object[64];
	object_of("report_in", id, object);
	return units_write(app, a, object, report_end_fn, &x, ei);
}

static enum err report_list_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct read_ctx *x = arg;
	struct code_ranges r;
	enum err rc = area_scope_ranges(c, x->a, x->rq->community_id, &r, ei);
	if (rc != ERR_OK) {
		if (ei != NULL)
			snprintf(ei->field, sizeof ei->field, "community");
		return rc;
	}
	struct report_in_filter f = {.r = &r, .kind = x->rq->kind, .active = x->rq->active,
	                             .offset = x->rq->offset, .limit = x->rq->limit};
	return store_report_in_list(c, &f, add_report_in, x->items, x->total, ei);
}

enum err party_report_ins_list(struct app *app, const struct actor *a,
                               const struct report_in_query *q, json_t *items, int64_t *total,
                               struct errinfo *ei)
{
	struct read_ctx x = {.app = app, .a = a, .rq = q, .items = items, .total = total};
	char object[64];
	object_of("area", q->community_id, object);
	return units_read(app, a, object, report_list_fn, &x, ei);
}

/* --- six-ones ----------------------------------------------------------------------------- */

static enum err six_get_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct read_ctx *x = arg;
	struct party_member_row m;
	enum err rc = member_load(c, x->a, x->id, x->year, NULL, &m, ei);
	if (rc != ERR_OK)
		return rc;
	return six_ones_build(c, m.id, x->year, x->out, ei);
}

enum err party_six_ones_get(struct app *app, const struct actor *a, int64_t member_id, int year,
                            json_t **out, struct errinfo *ei)
{
	*out = NULL;
	struct read_ctx x = {.app = app, .a = a, .id = member_id, .year = year, .out = out};
	units_today(app, x.today);
	if (x.year == 0)
		x.year = current_year(x.today);
	char object[64];
	object_of("party_member", member_id, object);
	return units_read(app, a, object, six_get_fn, &x, ei);
}

static enum err six_put_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	struct party_member_row m;
	enum err rc = member_load(c, x->a, x->id, x->year, NULL, &m, ei);
	if (rc != ERR_OK)
		return rc;
	char from[DATE_TEXT], to[DATE_TEXT];
	snprintf(from, sizeof from, "%04d-01-01", x->year);
	snprintf(to, sizeof to, "%04d-12-31", x->year);
	int64_t n = 0;
	if ((rc = store_report_in_during(c, m.id, from, to, &n, ei)) != ERR_OK)
		return rc;
	if (n == 0)
		return err_set(ei, ERR_UNPROCESSABLE, "year",
		               "%s was not reported in to a community in %d: the six-ones follow a report-in",
		               m.name, x->year);
	struct six_ones_row s;
	memset(&s, 0, sizeof s);
	snprintf(s.item, sizeof s.item, "%s", x->item);
	snprintf(s.done_on, sizeof s.done_on, "%s", x->date);
	snprintf(s.note, sizeof s.note, "%s", x->note ? x->note : "");
	if ((rc = store_six_ones_put(c, m.id, x->year, &s, ei)) != ERR_OK)
		return rc;
	char object[64], detail[1024];
	object_of("party_member", m.id, object);
	snprintf(detail, sizeof detail, "%d %s done on %s", x->year, s.item, s.done_on);
	if ((rc = audit_append(c, x->a, "party_member.six_ones", object, "ok", detail, ei)) != ERR_OK)
		return rc;
	return six_ones_build(c, m.id, x->year, x->out, ei);
}

enum err party_six_ones_put(struct app *app, const struct actor *a, int64_t member_id, int year,
                            const char *item, const char *done_on, const char *note, json_t **out,
                            struct errinfo *ei)
{
	*out = NULL;
	if (lookup(item, six_ones_items, NULL) < 0)
		return err_set(ei, ERR_INVALID, "item",
		               "item must be meeting, discussion, survey, wish, volunteer or pairing");
	enum err rc = check_date("done_on", done_on ? done_on : "", ei);
	if (rc != ERR_OK)
		return rc;
	if (atoi(done_on) != year)
		return err_set(ei, ERR_INVALID, "done_on", "done_on must lie in %d", year);
	if (note != NULL &&
	    (rc = units_check_text("note", note, 0, SIX_ONES_NOTE_MAX, true, ei)) != ERR_OK)
		return rc;
	struct write_ctx x = {.app = app, .a = a, .id = member_id, .year = year, .item = item,
	                      .date = done_on, .note = note, .out = out};
	units_today(app, x.today);
	if (strcmp(done_on, x.today) > 0)
		return err_set(ei, ERR_INVALID, "done_on", "done_on is after today");
	char object[64];
	object_of("party_member", member_id, object);
	rc = units_write(app, a, object, six_put_fn, &x, ei);
	if (rc != ERR_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

static enum err six_delete_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	struct party_member_row m;
	enum err rc = member_load(c, x->a, x->id, x->year, NULL, &m, ei);
	if (rc != ERR_OK)
		return rc;
	bool found = false;
	if ((rc = store_six_ones_delete(c, m.id, x->year, x->item, &found, ei)) != ERR_OK)
		return rc;
	if (!found)
		return err_set(ei, ERR_NOTFOUND, NULL, "%s is not recorded for %d", x->item, x->year);
	char object[64], detail[1024];
	object_of("party_member", m.id, object);
	snprintf(detail, sizeof detail, "%d %s removed", x->year, x->item);
	if ((rc = audit_append(c, x->a, "party_member.six_ones_remove", object, "ok", detail, ei)) !=
	    ERR_OK)
		return rc;
	return six_ones_build(c, m.id, x->year, x->out, ei);
}

enum err party_six_ones_delete(struct app *app, const struct actor *a, int64_t member_id, int year,
                               const char *item, json_t **out, struct errinfo *ei)
{
	*out = NULL;
	if (lookup(item, six_ones_items, NULL) < 0)
		return err_set(ei, ERR_INVALID, "item",
		               "item must be meeting, discussion, survey, wish, volunteer or pairing");
	struct write_ctx x = {.app = app, .a = a, .id = member_id, .year = year, .item = item,
	                      .out = out};
	char object[64];
	object_of("party_member", member_id, object);
	enum err rc = units_write(app, a, object, six_delete_fn, &x, ei);
	if (rc != ERR_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* --- centre households ------------------------------------------------------------------ */

static void add_center(void *ctx, const struct center_row *h)
{
	json_array_append_new(ctx, center_json(h));
}

static enum err center_list_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct read_ctx *x = arg;
	struct code_ranges r;
	enum err rc = area_scope_ranges(c, x->a, x->id, &r, ei);
	if (rc != ERR_OK)
		return rc;
	return store_center_list(c, &r, x->offset, x->limit, add_center, x->items, x->total, ei);
}

enum err party_centers_list(struct app *app, const struct actor *a, int64_t area_id,
                            int64_t offset, int limit, json_t *items, int64_t *total,
                            struct errinfo *ei)
{
	struct read_ctx x = {.app = app, .a = a, .id = area_id, .offset = offset, .limit = limit,
	                     .items = items, .total = total};
	char object[64];
	object_of("area", area_id, object);
	return units_read(app, a, object, center_list_fn, &x, ei);
}

/* The centre as JSON with the households it covers. */
static enum err center_out(struct store_conn *c, int64_t id, json_t **out, struct errinfo *ei)
{
	struct center_row h;
	enum err rc = store_center_get(c, id, &h, ei);
	if (rc != ERR_OK)
		return rc;
	json_t *list = json_array();
	if ((rc = store_center_covers(c, id, add_household, list, ei)) != ERR_OK) {
		json_decref(list);
		return rc;
	}
	*out = center_json(&h);
	json_object_set_new(*out, "households", list);
	return ERR_OK;
}

static enum err center_load(struct store_conn *c, const struct actor *a, int64_t id,
                            struct center_row *h, struct errinfo *ei)
{
	enum err rc = store_center_get(c, id, h, ei);
	if (rc != ERR_OK)
		return rc;
	if (!covers(a, h->area_code))
		return err_set(ei, ERR_FORBIDDEN, NULL, "the centre household lies outside your scope");
	return ERR_OK;
}

static enum err center_get_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct read_ctx *x = arg;
	struct center_row h;
	enum err rc = center_load(c, x->a, x->id, &h, ei);
	if (rc != ERR_OK)
		return rc;
	return center_out(c, h.id, x->out, ei);
}

enum err party_centers_get(struct app *app, const struct actor *a, int64_t id, json_t **out,
                           struct errinfo *ei)
{
	*out = NULL;
	struct read_ctx x = {.app = app, .a = a, .id = id, .out = out};
	char object[64];
	object_of("center_household", id, object);
	return units_read(app, a, object, center_get_fn, &x, ei);
}

/* A household referenced by id: known (field), in the scope. */
static enum err household_require(struct store_conn *c, const struct actor *a, int64_t id,
                                  const char *field, struct household_ref *h, struct errinfo *ei)
{
	enum err rc = store_household_ref(c, id, h, ei);
	if (rc == ERR_NOTFOUND)
		return err_set(ei, ERR_INVALID, field, "no household %lld", (long long)id);
	if (rc != ERR_OK)
		return rc;
	if (!covers(a, h->area_code))
		return err_set(ei, ERR_FORBIDDEN, field, "household %lld lies outside your scope",
		               (long long)id);
	return ERR_OK;
}

/* Checks and writes the covered households of centre (its old ones cleared). */
static enum err covers_set(struct store_conn *c, const struct actor *a, int64_t center,
                           const int64_t *ids, int n, struct errinfo *ei)
{
	enum err rc;
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < i; j++)
			if (ids[j] == ids[i])
				return err_set(ei, ERR_INVALID, "covers", "household %lld is listed twice",
				               (long long)ids[i]);
		struct household_ref h;
		if ((rc = household_require(c, a, ids[i], "covers", &h, ei)) != ERR_OK)
			return rc;
		if (h.center_id && h.center_id != center)
			return err_set(ei, ERR_CONFLICT, "covers",
			               "household %lld (%s %s) is already covered by centre household %lld",
			               (long long)h.id, h.area_name, h.room, (long long)h.center_id);
	}
	if ((rc = store_center_covers_clear(c, center, ei)) != ERR_OK)
		return rc;
	for (int i = 0; i < n; i++)
		if ((rc = store_center_cover_add(c, center, ids[i], ei)) != ERR_OK)
			return rc;
	return ERR_OK;
}

static enum err center_create_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	struct party_member_row *m = calloc(1, sizeof *m);
	if (m == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	enum err rc = member_load(c, x->a, x->id, 0, "member_id", m, ei);
	struct center_row h;
	memset(&h, 0, sizeof h);
	if (rc == ERR_OK) {
		h.member_id = m->id;
		snprintf(h.member_name, sizeof h.member_name, "%s", m->name);
	}
	free(m);
	if (rc != ERR_OK)
		return rc;
	struct household_ref home;
	if ((rc = household_require(c, x->a, x->other, "household_id", &home, ei)) != ERR_OK)
		return rc;
	if (home.own_center_id)
		return err_set(ei, ERR_CONFLICT, "household_id",
		               "household %lld (%s %s) is already centre household %lld", (long long)home.id,
		               home.area_name, home.room, (long long)home.own_center_id);
	h.household_id = home.id;
	snprintf(h.area_code, sizeof h.area_code, "%s", home.area_code);
	if ((rc = store_center_insert(c, &h, ei)) != ERR_OK)
		return rc;
	if ((rc = covers_set(c, x->a, h.id, x->ids, x->nids, ei)) != ERR_OK)
		return rc;
	char object[64], detail[1024];
	object_of("center_household", h.id, object);
	snprintf(detail, sizeof detail, "party_member:%lld %s at household:%lld, %d households covered",
	         (long long)h.member_id, h.member_name, (long long)h.household_id, x->nids);
	if ((rc = audit_append(c, x->a, "center_household.create", object, "ok", detail, ei)) != ERR_OK)
		return rc;
	return center_out(c, h.id, x->out, ei);
}

enum err party_centers_create(struct app *app, const struct actor *a, int64_t member_id,
                              int64_t household_id, const int64_t *covers_ids, int n, json_t **out,
                              struct errinfo *ei)
{
	*out = NULL;
	struct write_ctx x = {.app = app, .a = a, .id = member_id, .other = household_id,
	                      .ids = covers_ids, .nids = n, .out = out};
	char object[64];
	object_of("household", household_id, object);
	enum err rc = units_write(app, a, object, center_create_fn, &x, ei);
	if (rc != ERR_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

static enum err center_covers_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	struct center_row h;
	enum err rc = center_load(c, x->a, x->id, &h, ei);
	if (rc != ERR_OK)
		return rc;
	if ((rc = covers_set(c, x->a, h.id, x->ids, x->nids, ei)) != ERR_OK)
		return rc;
	char object[64], detail[64];
	object_of("center_household", h.id, object);
	snprintf(detail, sizeof detail, "%d households covered", x->nids);
	if ((rc = audit_append(c, x->a, "center_household.covers", object, "ok", detail, ei)) != ERR_OK)
		return rc;
	return center_out(c, h.id, x->out, ei);
}

enum err party_centers_set_covers(struct app *app, const struct actor *a, int64_t id,
                                  const int64_t *covers_ids, int n, json_t **out,
                                  struct errinfo *ei)
{
	*out = NULL;
	struct write_ctx x = {.app = app, .a = a, .id = id, .ids = covers_ids, .nids = n, .out = out};
	char object[64];
	object_of("center_household", id, object);
	enum err rc = units_write(app, a, object, center_covers_fn, &x, ei);
	if (rc != ERR_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

static enum err center_delete_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	struct center_row h;
	enum err rc = center_load(c, x->a, x->id, &h, ei);
	if (rc != ERR_OK)
		return rc;
	if ((rc = store_center_delete(c, h.id, ei)) != ERR_OK)
		return rc;
	char object[64], detail[1024];
	object_of("center_household", h.id, object);
	snprintf(detail, sizeof detail, "party_member:%lld %s at household:%lld", (long long)h.member_id,
	         h.member_name, (long long)h.household_id);
	return audit_append(c, x->a, "center_household.delete", object, "ok", detail, ei);
}

enum err party_centers_delete(struct app *app, const struct actor *a, int64_t id,
                              struct errinfo *ei)
{
	struct write_ctx x = {.app = app, .a = a, .id = id};
	char object[64];
	object_of("center_household", id, object);
	return units_write(app, a, object, center_delete_fn, &x, ei);
}

/* --- import and export (domain/registers_io.h) ------------------------------------------- */

static const char *const org_columns[] = {"name", "kind", "parent_name", "area_code", NULL};
enum { OC_NAME, OC_KIND, OC_PARENT, OC_AREA };
static const char *const org_required[] = {"name", "kind", "area_code", NULL};
static const char *const org_titles[] = {"组织名称", "组织类型", "上级组织", "区域代码",
                                         "所在区域", "所属单位", NULL};

static enum err org_row_import(struct import_ctx *x, struct store_conn *c, const struct import_row *r,
                               struct errinfo *ei)
{
	struct party_org_input in = {.name = import_get(r, OC_NAME), .kind = import_get(r, OC_KIND),
	                             .parent_name = import_get(r, OC_PARENT), .area_code = import_get(r, OC_AREA)};
	struct party_org_row out;
	return party_org_create_in(c, x->actor, &in, &out, ei);
}

struct emit_ctx {
	void (*emit)(void *ctx, const char *const *cells);
	void *ctx;
};

static void org_export_one(void *ctx, const struct party_org_row *o)
{
	struct emit_ctx *e = ctx;
	int rank = party_org_kind_rank(o->kind);
	const char *cells[] = {o->name,      rank >= 0 ? party_org_kinds_zh[rank] : o->kind,
	                       o->parent_name, o->area_code, o->area_name, o->unit_name};
	e->emit(e->ctx, cells);
}

static enum err org_export_rows(struct import_ctx *x, struct store_conn *c,
                                const struct code_ranges *r,
                                void (*emit)(void *ctx, const char *const *cells), void *ctx,
                                struct errinfo *ei)
{
	struct emit_ctx e = {emit, ctx};
	return store_party_org_export(c, r, org_export_one, &e, ei);
}

const struct register_io party_org_io = {
	.name = "party_orgs",
	.title_zh = "党组织",
	.read_cap = "party.read",
	.manage_cap = "party.manage",
	.columns = org_columns,
	.required = org_required,
	.row = org_row_import,
	.export_titles = org_titles,
	.export_rows = org_export_rows,
};

static const char *const member_columns[] = {"name",           "gender",        "phone",
                                             "status",         "org_name",      "org_area_code",
                                             "community_code", "work_unit_name", "joined_on",
                                             "reported_on",    NULL};
enum { MC_NAME, MC_GENDER, MC_PHONE, MC_STATUS, MC_ORG, MC_ORG_AREA, MC_COMMUNITY, MC_UNIT,
       MC_JOINED, MC_REPORTED };
static const char *const member_required[] = {"name", "gender", "status", "org_name",
                                              "org_area_code", NULL};
static const char *const member_titles[] = {"姓名",       "性别",     "手机号",     "党员类别",
                                            "所属组织",   "组织区域代码", "居住社区代码", "居住社区",
                                            "工作单位",   "入党日期", "报到社区",   "报到日期",
                                            NULL};

static enum err member_row_import(struct import_ctx *x, struct store_conn *c,
                                  const struct import_row *r, struct errinfo *ei)
{
	struct pii phone;
	enum err rc = pii_phone(x->app, import_get(r, MC_PHONE), "phone", &phone, ei);
	if (rc != ERR_OK)
		return rc;
	struct party_member_input in = {
		.name = import_get(r, MC_NAME), .gender = import_get(r, MC_GENDER), .status = import_get(r, MC_STATUS),
		.joined_on = import_get(r, MC_JOINED), .set_phone = true, .phone = &phone,
		.org_name = import_get(r, MC_ORG), .org_area_code = import_get(r, MC_ORG_AREA),
		.community_code = import_get(r, MC_COMMUNITY), .work_unit_name = import_get(r, MC_UNIT),
		.reported_on = import_get(r, MC_REPORTED)};
	struct party_member_row *out = malloc(sizeof *out);
	if (out == NULL)
		rc = err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	if (rc == ERR_OK)
		rc = party_member_create_in(c, x->app, x->actor, &in, out, ei);
	free(out);
	pii_free(&phone);
	return rc;
}

static void member_export_one(void *ctx, const struct party_member_row *m)
{
	struct emit_ctx *e = ctx;
	int g = lookup(m->gender, party_genders, NULL), s = lookup(m->status, party_member_statuses, NULL);
	const char *cells[] = {m->name,
	                       g >= 0 ? genders_zh[g] : m->gender,
	                       m->phone_masked,
	                       s >= 0 ? statuses_zh[s] : m->status,
	                       m->org_name,
	                       m->org_area_code,
	                       m->community_code,
	                       m->community_name,
	                       m->work_unit_name,
	                       m->joined_on,
	                       m->report_community_name,
	                       m->reported_on};
	e->emit(e->ctx, cells);
}

static enum err member_export_rows(struct import_ctx *x, struct store_conn *c,
                                   const struct code_ranges *r,
                                   void (*emit)(void *ctx, const char *const *cells), void *ctx,
                                   struct errinfo *ei)
{
	struct emit_ctx e = {emit, ctx};
	return store_party_member_export(c, r, member_export_one, &e, ei);
}

const struct register_io party_member_io = {
	.name = "party_members",
	.title_zh = "党员",
	.read_cap = "party.read",
	.manage_cap = "party.manage",
	.columns = member_columns,
	.required = member_required,
	.row = member_row_import,
	.export_titles = member_titles,
	.export_rows = member_export_rows,
};
