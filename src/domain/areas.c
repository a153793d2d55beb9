/* Rules of the area tree: codes, scope, history, moves, boundaries and the
 * point locator. */
#include "domain/areas.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth/audit.h"
#include "auth/pii.h"
#include "geo/geojson.h"
#include "geo/grid_index.h"
#include "util/clock.h"
#include "util/utf8.h"
#include "util/worktime.h"

const char *const area_level_names[] = {"",         "district", "street",   "community", "grid",
                                        "compound", "building", "entrance", NULL};

int area_level_parse(const char *s)
{
	for (int i = 1; s != NULL && area_level_names[i]; i++)
		if (strcmp(s, area_level_names[i]) == 0)
			return i;
	return 0;
}

const char *area_level_name(int level)
{
	return level >= 1 && level <= AREA_LEVELS ? area_level_names[level] : "?";
}

/* Code length by level: the statistical code down to the community
 * (6, 9, 12), then configurable segments. */
static size_t code_len[AREA_LEVELS + 1] = {0, 6, 9, 12, 15, 18, 21, 23};

enum err area_widths_set(const char *spec, struct errinfo *ei)
{
	int w[4];
	if (spec == NULL || sscanf(spec, "%d,%d,%d,%d", &w[0], &w[1], &w[2], &w[3]) != 4)
		return err_set(ei, ERR_INVALID, "area_widths", "area_widths must be four numbers, e.g. 3,3,3,2");
	size_t len = 12;
	for (int i = 0; i < 4; i++) {
		if (w[i] < 1 || w[i] > 4)
			return err_set(ei, ERR_INVALID, "area_widths", "each width must be 1 to 4 digits");
		len += (size_t)w[i];
		code_len[AREA_GRID + i] = len;
	}
	return ERR_OK;
}

size_t area_code_len(int level)
{
	return level >= 1 && level <= AREA_LEVELS ? code_len[level] : 0;
}

const char *area_code_check(const char *code, int level, const char *parent_code)
{
	size_t n = strlen(code);
	if (n != area_code_len(level))
		return "has the wrong length for its level";
	for (size_t i = 0; i < n; i++)
		if (code[i] < '0' || code[i] > '9')
			return "must be digits only";
	if (parent_code != NULL && strncmp(code, parent_code, strlen(parent_code)) != 0)
		return "must start with its parent's code";
	size_t seg = parent_code ? strlen(parent_code) : 0;
	bool zero = true;
	for (size_t i = seg; i < n; i++)
		zero = zero && code[i] == '0';
	if (zero)
		return "has an all-zero segment";
	/* DOMAIN.md: township 001–099 are streets, village 001–199 communities. */
	if (level == AREA_STREET && atoi(code + 6) > 99)
		return "is not a street's code (001–099)";
	if (level == AREA_COMMUNITY && atoi(code + 9) > 199)
		return "is not a community's code (001–199)";
	return NULL;
}

json_t *area_json(const struct area_row *a)
{
	json_t *o = json_pack("{s:I, s:o, s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:I}", "id", (json_int_t)a->id,
	                      "parent_id", a->parent_id ? json_integer(a->parent_id) : json_null(),
	                      "level", area_level_name(a->level), "kind", a->kind, "code", a->code,
	                      "name", a->name, "valid_from", a->valid_from, "valid_to",
	                      a->valid_to[0] ? json_string(a->valid_to) : json_null(), "has_boundary",
	                      a->has_boundary, "children", (json_int_t)a->children);
	json_object_set_new(o, "lng", a->has_point ? json_real(a->lng) : json_null());
	json_object_set_new(o, "lat", a->has_point ? json_real(a->lat) : json_null());
	return o;
}

static void object_of(int64_t id, char out[48])
{
	snprintf(out, 48, "area:%lld", (long long)id);
}

void area_denied(struct app *app, const struct actor *a, const char *object, const struct errinfo *ei)
{
	audit_record(app->store, a, "access.denied", object, "denied", ei ? ei->message : "");
}

enum err area_require(struct store_conn *c, const struct actor *a, int64_t id, int min_level,
                      int max_level, const char *field, struct area_row *out, struct errinfo *ei)
{
	enum err rc = store_area_get(c, id, out, ei);
	if (rc == ERR_NOTFOUND)
		return err_set(ei, field ? ERR_INVALID : ERR_NOTFOUND, field, "no area %lld", (long long)id);
	if (rc != ERR_OK)
		return rc;
	if (a->who != NULL && !identity_covers(a->who, out->code))
		return err_set(ei, ERR_FORBIDDEN, field, "area %s lies outside your scope", out->code);
	if ((min_level && out->level < min_level) || (max_level && out->level > max_level)) {
		if (min_level == max_level)
			return err_set(ei, ERR_INVALID, field, "%s must be a %s", field ? field : "area",
			               area_level_name(min_level));
		return err_set(ei, ERR_INVALID, field, "%s must be a %s to %s", field ? field : "area",
		               area_level_name(min_level ? min_level : 1),
		               area_level_name(max_level ? max_level : AREA_LEVELS));
	}
	return ERR_OK;
}

enum err area_scope_ranges(struct store_conn *c, const struct actor *a, int64_t area_id,
                           struct code_ranges *r, struct errinfo *ei)
{
	if (area_id > 0) {
		struct area_row ar;
		enum err rc = area_require(c, a, area_id, 0, 0, "area", &ar, ei);
		if (rc != ERR_OK)
			return rc;
		code_ranges_one(r, ar.code);
		return ERR_OK;
	}
	if (a->who == NULL) {
		code_ranges_set(r, NULL, 0);
		return ERR_OK;
	}
	char pre[IDENTITY_SCOPES_MAX][AREA_CODE_MAX + 1];
	for (int i = 0; i < a->who->nscopes; i++)
		snprintf(pre[i], sizeof pre[i], "%s", a->who->scopes[i]);
	code_ranges_set(r, (const char(*)[AREA_CODE_MAX + 1])pre, a->who->nscopes);
	if (a->who->nscopes == 0) { /* nothing: no scope, no rows */
		r->all = false;
		r->n = 0;
	}
	return ERR_OK;
}

/* --- reads ------------------------------------------------------------------ */

struct read_ctx {
	const struct actor *a;
	int64_t id;
	int level, limit;
	bool include_closed;
	const char *q, *after;
	area_fn fn;
	void *ctx;
	struct area_detail *detail;
	void (*hfn)(void *ctx, const struct area_change *h);
	struct area_row row;
};

static void add_json(void *ctx, const struct area_row *a)
{
	json_array_append_new(ctx, area_json(a));
}

static void add_responsible(void *ctx, const struct responsible_row *r)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)r->id, "role", r->role, "name",
	                      r->name, "phone", r->phone_masked);
	json_object_set_new(o, "user_id", r->user_id ? json_integer(r->user_id) : json_null());
	json_array_append_new(ctx, o);
}

static enum err get_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct read_ctx *x = arg;
	struct area_detail *d = x->detail;
	enum err rc = area_require(c, x->a, x->id, 0, 0, NULL, &d->area, ei);
	if (rc != ERR_OK)
		return rc;
	if ((rc = store_area_counts(c, &d->area, &d->counts, ei)) != ERR_OK)
		return rc;
	if ((rc = store_area_ancestors(c, d->area.code, add_json, d->ancestors, ei)) != ERR_OK)
		return rc;
	return store_responsible_list(c, d->area.id, add_responsible, d->responsible, ei);
}

/* Runs a read and audits a refusal. */
static enum err read_checked(struct app *app, const struct actor *a, int64_t id, store_fn fn,
                             void *x, struct errinfo *ei)
{
	enum err rc = store_read(app->store, fn, x, ei);
	if (rc == ERR_FORBIDDEN) {
		char object[48];
		object_of(id, object);
		area_denied(app, a, object, ei);
	}
	return rc;
}

enum err areas_get(struct app *app, const struct actor *a, int64_t id, struct area_detail *out,
                   struct errinfo *ei)
{
	memset(out, 0, sizeof *out);
	out->ancestors = json_array();
	out->responsible = json_array();
	struct read_ctx x = {.a = a, .id = id, .detail = out};
	enum err rc = read_checked(app, a, id, get_fn, &x, ei);
	if (rc != ERR_OK) {
		json_decref(out->ancestors);
		json_decref(out->responsible);
		out->ancestors = out->responsible = NULL;
	}
	return rc;
}

static enum err roots_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct read_ctx *x = arg;
	const struct identity *who = x->a->who;
	bool all = who == NULL;
	for (int i = 0; who && i < who->nscopes; i++)
		all = all || strcmp(who->scopes[i], "*") == 0;
	if (all)
		return store_area_children(c, 0, false, x->fn, x->ctx, ei);
	for (int i = 0; i < who->nscopes; i++) {
		struct area_row r;
		enum err rc = store_area_by_code(c, who->scopes[i], &r, ei);
		if (rc == ERR_NOTFOUND) {
			err_clear(ei);
			continue; /* a scope naming no area yet */
		}
		if (rc != ERR_OK)
			return rc;
		x->fn(x->ctx, &r);
	}
	return ERR_OK;
}

enum err areas_roots(struct app *app, const struct actor *a, area_fn fn, void *ctx, struct errinfo *ei)
{
	struct read_ctx x = {.a = a, .fn = fn, .ctx = ctx};
	return store_read(app->store, roots_fn, &x, ei);
}

static enum err children_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct read_ctx *x = arg;
	enum err rc = area_require(c, x->a, x->id, 0, 0, NULL, &x->row, ei);
	if (rc != ERR_OK)
		return rc;
	return store_area_children(c, x->id, x->include_closed, x->fn, x->ctx, ei);
}

enum err areas_children(struct app *app, const struct actor *a, int64_t id, bool include_closed,
                        area_fn fn, void *ctx, struct errinfo *ei)
{
	struct read_ctx x = {.a = a, .id = id, .include_closed = include_closed, .fn = fn, .ctx = ctx};
	return read_checked(app, a, id, children_fn, &x, ei);
}

static enum err subtree_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct read_ctx *x = arg;
	enum err rc = area_require(c, x->a, x->id, 0, 0, NULL, &x->row, ei);
	if (rc != ERR_OK)
		return rc;
	return store_area_subtree(c, x->row.code, x->level, x->after, x->limit, x->fn, x->ctx, ei);
}

enum err areas_subtree(struct app *app, const struct actor *a, int64_t id, int level,
                       const char *after, int limit, area_fn fn, void *ctx, struct errinfo *ei)
{
	struct read_ctx x = {.a = a, .id = id, .level = level, .after = after, .limit = limit,
	                     .fn = fn, .ctx = ctx};
	return read_checked(app, a, id, subtree_fn, &x, ei);
}

static enum err ancestors_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct read_ctx *x = arg;
	enum err rc = area_require(c, x->a, x->id, 0, 0, NULL, &x->row, ei);
	if (rc != ERR_OK)
		return rc;
	return store_area_ancestors(c, x->row.code, x->fn, x->ctx, ei);
}

enum err areas_ancestors(struct app *app, const struct actor *a, int64_t id, area_fn fn, void *ctx,
                         struct errinfo *ei)
{
	struct read_ctx x = {.a = a, .id = id, .fn = fn, .ctx = ctx};
	return read_checked(app, a, id, ancestors_fn, &x, ei);
}

static enum err search_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct read_ctx *x = arg;
	struct code_ranges r;
	enum err rc = area_scope_ranges(c, x->a, 0, &r, ei);
	if (rc != ERR_OK)
		return rc;
	return store_area_search(c, x->q, x->level, &r, x->limit, x->fn, x->ctx, ei);
}

enum err areas_search(struct app *app, const struct actor *a, const char *q, int level, int limit,
                      area_fn fn, void *ctx, struct errinfo *ei)
{
	struct read_ctx x = {.a = a, .q = q, .level = level, .limit = limit, .fn = fn, .ctx = ctx};
	return store_read(app->store, search_fn, &x, ei);
}

static enum err history_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct read_ctx *x = arg;
	enum err rc = area_require(c, x->a, x->id, 0, 0, NULL, &x->row, ei);
	if (rc != ERR_OK)
		return rc;
	return store_area_changes(c, x->id, x->hfn, x->ctx, ei);
}

enum err areas_history(struct app *app, const struct actor *a, int64_t id,
                       void (*fn)(void *ctx, const struct area_change *h), void *ctx,
                       struct errinfo *ei)
{
	struct read_ctx x = {.a = a, .id = id, .hfn = fn, .ctx = ctx};
	return read_checked(app, a, id, history_fn, &x, ei);
}

/* --- writes ------------------------------------------------------------------ */

struct write_ctx {
	struct app *app;
	const struct actor *a;
	int64_t id, other;
	const struct area_input *in;
	const char *date;
	struct area_row *out;
	const char *geojson;
	double lng, lat;
	bool grid_changed;
	const struct responsible_input *rin;
	struct responsible_row *rout;
	struct pii phone;
	char **plain;
};

static int64_t actor_user(const struct actor *a)
{
	return a->who ? a->who->user_id : 0;
}

static enum err change(struct store_conn *c, const struct actor *a, const char *action,
                       const struct area_row *before, const struct area_row *after,
                       struct errinfo *ei)
{
	struct area_change h = {.area_id = after->id, .user_id = actor_user(a),
	                        .old_parent_id = before ? before->parent_id : 0,
	                        .new_parent_id = after->parent_id};
	snprintf(h.action, sizeof h.action, "%s", action);
	clock_now_iso(h.at);
	snprintf(h.old_code, sizeof h.old_code, "%s", before ? before->code : "");
	snprintf(h.new_code, sizeof h.new_code, "%s", after->code);
	snprintf(h.old_name, sizeof h.old_name, "%s", before ? before->name : "");
	snprintf(h.new_name, sizeof h.new_name, "%s", after->name);
	enum err rc = store_area_change_add(c, &h, ei);
	if (rc != ERR_OK)
		return rc;
	char object[48], detail[400];
	object_of(after->id, object);
	if (before && strcmp(before->code, after->code) != 0)
		snprintf(detail, sizeof detail, "%s → %s", before->code, after->code);
	else
		snprintf(detail, sizeof detail, "%s %s", after->code, after->name);
	char act[32];
	snprintf(act, sizeof act, "area.%s", action);
	return audit_append(c, a, act, object, "ok", detail, ei);
}

static enum err check_name(const char *name, struct errinfo *ei)
{
	size_t chars = 0;
	if (!utf8_valid(name, strlen(name), &chars) || chars == 0 || chars > AREA_NAME_MAX)
		return err_set(ei, ERR_INVALID, "name", "name must be 1 to %d characters", AREA_NAME_MAX);
	return ERR_OK;
}

static enum err check_kind(int level, const char *kind, struct errinfo *ei)
{
	if (level == AREA_GRID) {
		if (strcmp(kind, "basic") != 0 && strcmp(kind, "dedicated") != 0)
			return err_set(ei, ERR_INVALID, "kind", "a grid's kind is basic or dedicated");
	} else if (kind[0] != '\0') {
		return err_set(ei, ERR_INVALID, "kind", "only grids have a kind");
	}
	return ERR_OK;
}

static enum err set_point(const struct area_input *in, struct area_row *r, struct errinfo *ei)
{
	if (!in->set_point)
		return ERR_OK;
	if (coord_check(in->lng, 0) != NULL)
		return err_set(ei, ERR_INVALID, "lng", "lng must be between -180 and 180");
	if (coord_check(0, in->lat) != NULL)
		return err_set(ei, ERR_INVALID, "lat", "lat must be between -90 and 90");
	r->has_point = true;
	if (in->crs == CRS_GCJ02)
		coord_gcj02_to_wgs84(in->lng, in->lat, &r->lng, &r->lat);
	else {
		r->lng = in->lng;
		r->lat = in->lat;
	}
	return ERR_OK;
}

static void today(char out[DATE_TEXT], const struct app *app)
{
	date_format(instant_local_date(clock_now(), app->office.tz_offset_min), out);
}

enum err area_create_tx(struct store_conn *c, struct app *app, const struct actor *a,
                        const struct area_input *in, struct area_row *r, struct errinfo *ei)
{
	struct area_row parent;
	memset(r, 0, sizeof *r);
	enum err rc;
	if (in->parent_id) {
		if ((rc = area_require(c, a, in->parent_id, 0, AREA_LEVELS - 1, "parent_id", &parent, ei)) !=
		    ERR_OK)
			return rc;
		if (parent.valid_to[0])
			return err_set(ei, ERR_CONFLICT, "parent_id", "the parent was closed on %s",
			               parent.valid_to);
		r->level = in->level ? in->level : parent.level + 1;
		if (r->level != parent.level + 1)
			return err_set(ei, ERR_INVALID, "level", "below a %s comes a %s",
			               area_level_name(parent.level), area_level_name(parent.level + 1));
		r->parent_id = parent.id;
	} else {
		r->level = in->level ? in->level : AREA_DISTRICT;
		if (r->level != AREA_DISTRICT)
			return err_set(ei, ERR_INVALID, "parent_id", "only a district has no parent");
		if (a->who != NULL && !identity_covers(a->who, "*"))
			return err_set(ei, ERR_FORBIDDEN, "parent_id", "only a city-wide scope adds districts");
		if (in->code == NULL)
			return err_set(ei, ERR_INVALID, "code", "a district needs its GB/T 2260 code");
	}
	if (in->code != NULL) {
		const char *why = area_code_check(in->code, r->level, in->parent_id ? parent.code : NULL);
		if (why != NULL)
			return err_set(ei, ERR_INVALID, "code", "code %s %s", in->code, why);
		snprintf(r->code, sizeof r->code, "%s", in->code);
	} else {
		if ((rc = store_area_next_code(c, parent.code, area_code_len(r->level), r->code, ei)) != ERR_OK)
			return rc;
		/* Streets are 001–099 and communities 001–199 (DOMAIN.md). */
		if (area_code_check(r->code, r->level, parent.code) != NULL)
			return err_set(ei, ERR_CONFLICT, "code", "no free %s code is left under %s",
			               area_level_name(r->level), parent.code);
	}
	/* Checked first: a failed INSERT would spoil a PostgreSQL transaction (imports). */
	struct area_row taken;
	rc = store_area_by_code(c, r->code, &taken, ei);
	if (rc == ERR_OK)
		return err_set(ei, ERR_CONFLICT, "code", "the code %s is taken", r->code);
	if (rc != ERR_NOTFOUND)
		return rc;
	err_clear(ei);
	bool retired = false;
	if ((rc = store_area_code_retired(c, r->code, &retired, ei)) != ERR_OK)
		return rc;
	if (retired)
		return err_set(ei, ERR_CONFLICT, "code", "the code %s was given up by a move and is never reused",
		               r->code);
	snprintf(r->name, sizeof r->name, "%s", in->name ? in->name : "");
	snprintf(r->kind, sizeof r->kind, "%s", in->kind ? in->kind : (r->level == AREA_GRID ? "basic" : ""));
	if ((rc = check_name(r->name, ei)) != ERR_OK || (rc = check_kind(r->level, r->kind, ei)) != ERR_OK ||
	    (rc = set_point(in, r, ei)) != ERR_OK)
		return rc;
	if (in->valid_from)
		snprintf(r->valid_from, sizeof r->valid_from, "%s", in->valid_from);
	else
		today(r->valid_from, app);
	if ((rc = store_area_insert(c, r, ei)) != ERR_OK)
		return rc;
	return change(c, a, "create", NULL, r, ei);
}

static enum err create_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	return area_create_tx(c, x->app, x->a, x->in, x->out, ei);
}

/* Runs a write and audits a refusal. */
static enum err write_checked(struct app *app, const struct actor *a, int64_t id, store_fn fn,
                              void *x, struct errinfo *ei)
{
	enum err rc = store_write(app->store, fn, x, ei);
	if (rc == ERR_FORBIDDEN) {
		char object[48];
		object_of(id, object);
		area_denied(app, a, object, ei);
	}
	return rc;
}

enum err areas_create(struct app *app, const struct actor *a, const struct area_input *in,
                      struct area_row *out, struct errinfo *ei)
{
	struct write_ctx x = {.app = app, .a = a, .in = in, .out = out};
	return write_checked(app, a, in->parent_id, create_fn, &x, ei);
}

static enum err update_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	struct area_row before, *r = x->out;
	enum err rc = area_require(c, x->a, x->id, 0, 0, NULL, &before, ei);
	if (rc != ERR_OK)
		return rc;
	*r = before;
	if (x->in->name)
		snprintf(r->name, sizeof r->name, "%s", x->in->name);
	if (x->in->kind)
		snprintf(r->kind, sizeof r->kind, "%s", x->in->kind);
	if ((rc = check_name(r->name, ei)) != ERR_OK || (rc = check_kind(r->level, r->kind, ei)) != ERR_OK ||
	    (rc = set_point(x->in, r, ei)) != ERR_OK)
		return rc;
	if ((rc = store_area_update(c, r, ei)) != ERR_OK)
		return rc;
	return change(c, x->a, strcmp(before.name, r->name) ? "rename" : "update", &before, r, ei);
}

enum err areas_update(struct app *app, const struct actor *a, int64_t id,
                      const struct area_input *in, struct area_row *out, struct errinfo *ei)
{
	struct write_ctx x = {.app = app, .a = a, .id = id, .in = in, .out = out};
	return write_checked(app, a, id, update_fn, &x, ei);
}

static enum err close_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	struct area_row before, *r = x->out;
	enum err rc = area_require(c, x->a, x->id, 0, 0, NULL, &before, ei);
	if (rc != ERR_OK)
		return rc;
	if (before.valid_to[0])
		return err_set(ei, ERR_CONFLICT, NULL, "the area was closed on %s", before.valid_to);
	int64_t open = 0;
	if ((rc = store_area_open_children(c, x->id, &open, ei)) != ERR_OK)
		return rc;
	if (open > 0)
		return err_set(ei, ERR_CONFLICT, NULL, "close or move its %lld open children first",
		               (long long)open);
	*r = before;
	if (x->date)
		snprintf(r->valid_to, sizeof r->valid_to, "%s", x->date);
	else
		today(r->valid_to, x->app);
	if (strcmp(r->valid_to, r->valid_from) < 0)
		return err_set(ei, ERR_INVALID, "valid_to", "valid_to is before valid_from %s", r->valid_from);
	if ((rc = store_area_update(c, r, ei)) != ERR_OK)
		return rc;
	x->grid_changed = r->level == AREA_GRID && r->has_boundary;
	return change(c, x->a, "close", &before, r, ei);
}

enum err areas_close(struct app *app, const struct actor *a, int64_t id, const char *valid_to,
                     struct area_row *out, struct errinfo *ei)
{
	struct write_ctx x = {.app = app, .a = a, .id = id, .date = valid_to, .out = out};
	enum err rc = write_checked(app, a, id, close_fn, &x, ei);
	if (rc == ERR_OK && x.grid_changed) {
		struct errinfo e2;
		areas_index_rebuild(app, &e2);
	}
	return rc;
}

static enum err move_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	struct area_row before, parent, *r = x->out;
	enum err rc = area_require(c, x->a, x->id, AREA_STREET, 0, NULL, &before, ei);
	if (rc != ERR_OK)
		return rc;
	if ((rc = area_require(c, x->a, x->other, before.level - 1, before.level - 1, "parent_id", &parent,
	                       ei)) != ERR_OK)
		return rc;
	if (before.valid_to[0] || parent.valid_to[0])
		return err_set(ei, ERR_CONFLICT, "parent_id", "closed areas do not move");
	if (strncmp(parent.code, before.code, strlen(before.code)) == 0)
		return err_set(ei, ERR_INVALID, "parent_id", "an area cannot move under itself");
	if (parent.id == before.parent_id)
		return err_set(ei, ERR_INVALID, "parent_id", "the area is already there");
	*r = before;
	if ((rc = store_area_next_code(c, parent.code, strlen(before.code), r->code, ei)) != ERR_OK)
		return rc;
	r->parent_id = parent.id;
	if ((rc = store_area_recode(c, before.id, parent.id, before.code, r->code, ei)) != ERR_OK)
		return rc;
	x->grid_changed = true;
	return change(c, x->a, "move", &before, r, ei);
}

enum err areas_move(struct app *app, const struct actor *a, int64_t id, int64_t new_parent,
                    struct area_row *out, struct errinfo *ei)
{
	struct write_ctx x = {.app = app, .a = a, .id = id, .other = new_parent, .out = out};
	enum err rc = write_checked(app, a, id, move_fn, &x, ei);
	if (rc == ERR_OK) {
		struct errinfo e2;
		areas_index_rebuild(app, &e2);
	}
	return rc;
}

static enum err boundary_fn_w(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	struct area_row before, *r = x->out;
	enum err rc = area_require(c, x->a, x->id, 0, 0, NULL, &before, ei);
	if (rc != ERR_OK)
		return rc;
	if (before.level > AREA_COMPOUND)
		return err_set(ei, ERR_INVALID, "geometry", "buildings and entrances are points, not areas");
	*r = before;
	if ((rc = store_area_set_boundary(c, r->id, x->geojson, ei)) != ERR_OK)
		return rc;
	r->has_boundary = x->geojson != NULL;
	if (x->geojson != NULL) {
		r->has_point = true;
		r->lng = x->lng;
		r->lat = x->lat;
		if ((rc = store_area_update(c, r, ei)) != ERR_OK)
			return rc;
	}
	x->grid_changed = r->level == AREA_GRID;
	return change(c, x->a, "boundary", &before, r, ei);
}

enum err areas_set_boundary(struct app *app, const struct actor *a, int64_t id, json_t *geometry,
                            enum coord_crs crs, struct area_row *out, struct errinfo *ei)
{
	struct write_ctx x = {.app = app, .a = a, .id = id, .out = out};
	char *text = NULL;
	if (geometry != NULL) {
		GEOSContextHandle_t h = geo_context();
		if (h == NULL)
			return err_set(ei, ERR_INTERNAL, NULL, "GEOS cannot start");
		GEOSGeometry *g = NULL;
		enum err rc = geojson_to_geos(h, geometry, crs, &g, ei);
		if (rc == ERR_OK)
			rc = geojson_centroid(h, g, &x.lng, &x.lat, ei);
		json_t *wgs = rc == ERR_OK ? geojson_from_geos(h, g, CRS_WGS84) : NULL;
		if (g)
			GEOSGeom_destroy_r(h, g);
		if (rc != ERR_OK) {
			if (strcmp(ei->field, "boundary") == 0)
				snprintf(ei->field, sizeof ei->field, "geometry"); /* the request's name */
			return rc;
		}
		if (wgs == NULL)
			return err_set(ei, ERR_INTERNAL, "geometry", "cannot write the geometry");
		text = json_dumps(wgs, JSON_COMPACT);
		json_decref(wgs);
		if (text == NULL)
			return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	}
	x.geojson = text;
	enum err rc = write_checked(app, a, id, boundary_fn_w, &x, ei);
	if (rc == ERR_INVALID && strcmp(ei->field, "boundary") == 0)
		snprintf(ei->field, sizeof ei->field, "geometry"); /* the request's name for it */
	free(text);
	if (rc == ERR_OK && x.grid_changed) {
		struct errinfo e2;
		areas_index_rebuild(app, &e2);
	}
	return rc;
}

/* --- boundaries out, and the locator ------------------------------------------ */

struct fc_ctx {
	json_t *features;
	GEOSContextHandle_t h;
	enum coord_crs crs;
};

/* Stored geometries are WGS-84; only a GCJ-02 answer needs GEOS. */
static json_t *geometry_out(struct fc_ctx *f, const char *geojson)
{
	json_error_t jerr;
	json_t *g = json_loads(geojson, 0, &jerr);
	if (g == NULL || f->crs == CRS_WGS84 || f->h == NULL)
		return g;
	GEOSGeometry *geom = NULL;
	struct errinfo ei;
	json_t *out = NULL;
	if (geojson_to_geos(f->h, g, CRS_WGS84, &geom, &ei) == ERR_OK) {
		out = geojson_from_geos(f->h, geom, f->crs);
		GEOSGeom_destroy_r(f->h, geom);
	}
	json_decref(g);
	return out;
}

static void add_feature(void *ctx, const struct area_row *a, const char *geojson)
{
	struct fc_ctx *f = ctx;
	json_t *g = geometry_out(f, geojson);
	if (g == NULL)
		return;
	json_t *props = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)a->id, "code", a->code,
	                          "name", a->name, "level", area_level_name(a->level), "kind", a->kind);
	json_array_append_new(f->features, json_pack("{s:s, s:I, s:o, s:o}", "type", "Feature", "id",
	                                             (json_int_t)a->id, "properties", props, "geometry", g));
}

struct bounds_ctx {
	const struct actor *a;
	int64_t id;
	int level;
	struct fc_ctx f;
	struct area_row row;
	char *one;
};

static enum err boundaries_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct bounds_ctx *x = arg;
	enum err rc = area_require(c, x->a, x->id, 0, 0, NULL, &x->row, ei);
	if (rc != ERR_OK)
		return rc;
	int level = x->level ? x->level : (x->row.level < AREA_LEVELS ? x->row.level + 1 : x->row.level);
	return store_area_boundaries(c, x->row.code, level, add_feature, &x->f, ei);
}

enum err areas_boundaries(struct app *app, const struct actor *a, int64_t id, int level,
                          enum coord_crs crs, json_t **out, struct errinfo *ei)
{
	struct bounds_ctx x = {.a = a, .id = id, .level = level,
	                       .f = {.features = json_array(), .crs = crs}};
	x.f.h = crs == CRS_WGS84 ? NULL : geo_context();
	enum err rc = read_checked(app, a, id, boundaries_fn, &x, ei);
	if (rc != ERR_OK) {
		json_decref(x.f.features);
		return rc;
	}
	*out = json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", x.f.features);
	return ERR_OK;
}

static enum err one_boundary_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct bounds_ctx *x = arg;
	enum err rc = area_require(c, x->a, x->id, 0, 0, NULL, &x->row, ei);
	if (rc != ERR_OK)
		return rc;
	if ((rc = store_area_boundary(c, x->id, &x->one, ei)) != ERR_OK)
		return rc;
	return x->one ? ERR_OK : err_set(ei, ERR_NOTFOUND, NULL, "the area has no boundary");
}

enum err areas_boundary(struct app *app, const struct actor *a, int64_t id, enum coord_crs crs,
                        json_t **out, struct errinfo *ei)
{
	struct bounds_ctx x = {.a = a, .id = id, .f = {.features = json_array(), .crs = crs}};
	x.f.h = crs == CRS_WGS84 ? NULL : geo_context();
	enum err rc = read_checked(app, a, id, one_boundary_fn, &x, ei);
	if (rc == ERR_OK) {
		add_feature(&x.f, &x.row, x.one);
		*out = json_incref(json_array_get(x.f.features, 0));
		if (*out == NULL)
			rc = err_set(ei, ERR_INTERNAL, NULL, "the stored boundary cannot be read");
	}
	free(x.one);
	json_decref(x.f.features);
	return rc;
}

/* The locator is process-wide: one per app would need app.h to know GEOS. */
static struct grid_index_ref *locator;
static pthread_once_t locator_once = PTHREAD_ONCE_INIT;
static void locator_init(void) { locator = grid_index_ref_new(); }

struct shapes_ctx {
	struct grid_shape *v;
	size_t n, cap;
	bool oom;
};

static void add_shape(void *ctx, const struct area_row *a, const char *geojson)
{
	struct shapes_ctx *s = ctx;
	if (s->oom)
		return;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		struct grid_shape *v = realloc(s->v, cap * sizeof *v);
		if (v == NULL) {
			s->oom = true;
			return;
		}
		s->v = v;
		s->cap = cap;
	}
	char *copy = strdup(geojson);
	if (copy == NULL) {
		s->oom = true;
		return;
	}
	s->v[s->n++] = (struct grid_shape){.area_id = a->id, .geojson = copy};
}

static enum err all_grids_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	/* Every district's grids: the root range "" covers every code. */
	return store_area_boundaries(c, "", AREA_GRID, add_shape, arg, ei);
}

enum err areas_index_rebuild(struct app *app, struct errinfo *ei)
{
	pthread_once(&locator_once, locator_init);
	struct shapes_ctx s = {0};
	enum err rc = store_read(app->store, all_grids_fn, &s, ei);
	if (rc == ERR_OK && s.oom)
		rc = err_set(ei, ERR_INTERNAL, NULL, "out of memory reading grid boundaries");
	struct grid_index *ix = NULL;
	if (rc == ERR_OK)
		rc = grid_index_build(s.v, s.n, &ix, ei);
	for (size_t i = 0; i < s.n; i++)
		free((char *)s.v[i].geojson);
	free(s.v);
	if (rc == ERR_OK)
		grid_index_ref_set(locator, ix);
	return rc;
}

struct locate_ctx {
	const struct actor *a;
	int64_t id;
	struct area_row *grid;
	area_fn fn;
	void *ctx;
};

static enum err locate_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct locate_ctx *x = arg;
	enum err rc = store_area_get(c, x->id, x->grid, ei);
	if (rc != ERR_OK)
		return rc;
	if (x->a->who != NULL && !identity_covers(x->a->who, x->grid->code))
		return err_set(ei, ERR_NOTFOUND, "lng", "the point lies in no grid of your scope");
	return x->fn ? store_area_ancestors(c, x->grid->code, x->fn, x->ctx, ei) : ERR_OK;
}

enum err areas_locate(struct app *app, const struct actor *a, double lng, double lat,
                      enum coord_crs crs, struct area_row *grid, area_fn ancestors, void *ctx,
                      struct errinfo *ei)
{
	if (coord_check(lng, 0) != NULL)
		return err_set(ei, ERR_INVALID, "lng", "lng must be between -180 and 180");
	if (coord_check(0, lat) != NULL)
		return err_set(ei, ERR_INVALID, "lat", "lat must be between -90 and 90");
	if (crs == CRS_GCJ02)
		coord_gcj02_to_wgs84(lng, lat, &lng, &lat);
	pthread_once(&locator_once, locator_init);
	size_t size = 0;
	int64_t id = grid_index_ref_locate(locator, lng, lat, &size);
	if (id == 0)
		return err_set(ei, ERR_NOTFOUND, "lng", "the point lies in no grid");
	struct locate_ctx x = {.a = a, .id = id, .grid = grid, .fn = ancestors, .ctx = ctx};
	return store_read(app->store, locate_fn, &x, ei);
}

/* --- people in charge ------------------------------------------------------ */

static const char *const responsible_roles[] = {"secretary",     "director",      "grid_leader",
                                                "grid_worker",   "compound_head", "building_head",
                                                "entrance_head", "police",        "property_manager",
                                                NULL};

static enum err responsible_add_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	struct area_row ar;
	enum err rc = area_require(c, x->a, x->id, 0, 0, NULL, &ar, ei);
	if (rc != ERR_OK)
		return rc;
	struct responsible_row *r = x->rout;
	memset(r, 0, sizeof *r);
	r->area_id = ar.id;
	r->user_id = x->rin->user_id;
	snprintf(r->role, sizeof r->role, "%s", x->rin->role);
	snprintf(r->name, sizeof r->name, "%s", x->rin->name);
	snprintf(r->phone_masked, sizeof r->phone_masked, "%s", x->phone.masked);
	if ((rc = store_responsible_insert(c, r, x->phone.enc, x->phone.enc ? x->phone.hash : NULL, ei)) !=
	    ERR_OK)
		return rc;
	char object[48], detail[400];
	object_of(ar.id, object);
	snprintf(detail, sizeof detail, "%s %s", r->role, r->name);
	return audit_append(c, x->a, "area.responsible_add", object, "ok", detail, ei);
}

enum err areas_responsible_add(struct app *app, const struct actor *a, int64_t id,
                               const struct responsible_input *in, struct responsible_row *out,
                               struct errinfo *ei)
{
	bool known = false;
	for (int i = 0; responsible_roles[i]; i++)
		known = known || strcmp(in->role, responsible_roles[i]) == 0;
	if (!known)
		return err_set(ei, ERR_INVALID, "role", "role must be one of the listed values");
	enum err rc = check_name(in->name, ei);
	if (rc != ERR_OK)
		return rc;
	struct write_ctx x = {.app = app, .a = a, .id = id, .rin = in, .rout = out};
	if ((rc = pii_phone(app, in->phone, "phone", &x.phone, ei)) != ERR_OK)
		return rc;
	rc = write_checked(app, a, id, responsible_add_fn, &x, ei);
	if (rc == ERR_CONFLICT || rc == ERR_INVALID) /* user_id names no user */
		rc = err_set(ei, ERR_INVALID, "user_id", "no such user");
	pii_free(&x.phone);
	return rc;
}

static enum err responsible_remove_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	struct area_row ar;
	enum err rc = area_require(c, x->a, x->id, 0, 0, NULL, &ar, ei);
	if (rc != ERR_OK)
		return rc;
	bool found = false;
	if ((rc = store_responsible_delete(c, x->id, x->other, &found, ei)) != ERR_OK)
		return rc;
	if (!found)
		return err_set(ei, ERR_NOTFOUND, NULL, "no such person in charge here");
	char object[48], detail[48];
	object_of(ar.id, object);
	snprintf(detail, sizeof detail, "responsible:%lld", (long long)x->other);
	return audit_append(c, x->a, "area.responsible_remove", object, "ok", detail, ei);
}

enum err areas_responsible_remove(struct app *app, const struct actor *a, int64_t id, int64_t rid,
                                  struct errinfo *ei)
{
	struct write_ctx x = {.app = app, .a = a, .id = id, .other = rid};
	return write_checked(app, a, id, responsible_remove_fn, &x, ei);
}

static enum err responsible_phone_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	struct area_row ar;
	enum err rc = area_require(c, x->a, x->id, 0, 0, NULL, &ar, ei);
	if (rc != ERR_OK)
		return rc;
	char *enc = NULL;
	if ((rc = store_responsible_phone(c, x->id, x->other, &enc, ei)) != ERR_OK)
		return rc;
	*x->plain = enc ? pii_open(x->app, enc) : strdup("");
	free(enc);
	if (*x->plain == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "cannot decrypt the phone");
	char object[64];
	snprintf(object, sizeof object, "area_responsible:%lld", (long long)x->other);
	return pii_audit_unmask(c, x->a, object, "phone", ei);
}

enum err areas_responsible_phone(struct app *app, const struct actor *a, int64_t id, int64_t rid,
                                 char **phone, struct errinfo *ei)
{
	*phone = NULL;
	struct write_ctx x = {.app = app, .a = a, .id = id, .other = rid, .plain = phone};
	enum err rc = write_checked(app, a, id, responsible_phone_fn, &x, ei);
	if (rc != ERR_OK) {
		free(*phone);
		*phone = NULL;
	}
	return rc;
}
