/* Dispatch rules: matching a request to its owner, and the rules' own
 * reads and writes (scope-checked on the rule's area). */
#include "domain/dispatch_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth/audit.h"
#include "domain/areas.h"
#include "domain/categories.h"
#include "domain/units.h"

#define CHAIN_MAX 16

/* --- matching ---------------------------------------------------------------------- */

struct area_chain {
	int n;
	struct area_row a[CHAIN_MAX]; /* district first, the area itself last */
};

static void chain_add(void *ctx, const struct area_row *a)
{
	struct area_chain *ch = ctx;
	if (ch->n < CHAIN_MAX)
		ch->a[ch->n++] = *a;
}

/* The office at level for a request in the last area of the chain. */
static void target_at_level(const struct area_chain *ch, const char *level,
                            struct dispatch_target *out)
{
	int want = strcmp(level, "city") == 0 ? AREA_DISTRICT : area_level_parse(level);
	/* The deepest area of the chain at or above the level asked for. */
	const struct area_row *best = &ch->a[0];
	for (int i = 0; i < ch->n; i++)
		if (ch->a[i].level <= want)
			best = &ch->a[i];
	out->area_id = best->id;
	snprintf(out->area_code, sizeof out->area_code, "%s", best->code);
	snprintf(out->level, sizeof out->level, "%s",
	         strcmp(level, "city") == 0 ? "city" : area_level_name(best->level));
	out->unit_id = 0;
}

enum err dispatch_rule_match(struct store_conn *c, int64_t category_id, const char *area_code,
                             struct dispatch_target *out, bool *found, struct errinfo *ei)
{
	memset(out, 0, sizeof *out);
	*found = false;
	struct area_chain *ch = calloc(1, sizeof *ch);
	struct category_row *cat = malloc(sizeof *cat);
	if (ch == NULL || cat == NULL) {
		free(ch);
		free(cat);
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	}
	int64_t cats[CHAIN_MAX], areas[CHAIN_MAX];
	int ncats = 0;
	struct area_row self;
	enum err rc = store_area_by_code(c, area_code ? area_code : "", &self, ei);
	if (rc == ERR_NOTFOUND) {
		err_clear(ei);
		rc = ERR_OK;
		goto out;
	}
	if (rc != ERR_OK || (rc = store_area_ancestors(c, self.code, chain_add, ch, ei)) != ERR_OK)
		goto out;
	chain_add(ch, &self);
	for (int i = 0; i < ch->n; i++)
		areas[i] = ch->a[i].id;
	/* The category and its ancestors, by parent id. */
	int64_t id = category_id;
	while (id > 0 && ncats < CHAIN_MAX) {
		if ((rc = store_category_get(c, id, cat, ei)) != ERR_OK) {
			if (rc == ERR_NOTFOUND)
				rc = err_set(ei, ERR_INVALID, "category_id", "no category %lld", (long long)id);
			goto out;
		}
		cats[ncats++] = cat->id;
		id = cat->parent_id;
	}
	struct dispatch_rule_row rule;
	bool hit = false;
	if ((rc = store_dispatch_rule_best(c, cats, ncats, areas, ch->n, &rule, &hit, ei)) != ERR_OK)
		goto out;
	if (hit) {
		if (rule.owner_unit_id > 0)
			out->unit_id = rule.owner_unit_id;
		else
			target_at_level(ch, rule.owner_level, out);
		out->rule_id = rule.id;
		*found = true;
		goto out;
	}
	if ((rc = category_effective(c, category_id, cat, NULL, ei)) != ERR_OK)
		goto out;
	if (cat->default_department_id > 0) {
		out->unit_id = cat->default_department_id;
		*found = true;
	} else if (cat->default_level[0]) {
		target_at_level(ch, cat->default_level, out);
		*found = true;
	}
out:
	free(ch);
	free(cat);
	return rc;
}

/* --- JSON --------------------------------------------------------------------------- */

json_t *dispatch_rule_json(const struct dispatch_rule_row *r)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:I, s:s}", "id",
	                      (json_int_t)r->id, "category_id", (json_int_t)r->category_id,
	                      "category_code", r->category_code, "category_name", r->category_name,
	                      "area_id", (json_int_t)r->area_id, "area_code", r->area_code, "area_name",
	                      r->area_name, "area_level", r->area_level, "priority",
	                      (json_int_t)r->priority, "created_at", r->created_at);
	json_object_set_new(o, "owner_level", r->owner_level[0] ? json_string(r->owner_level) : json_null());
	json_object_set_new(o, "owner_unit_id",
	                    r->owner_unit_id > 0 ? json_integer(r->owner_unit_id) : json_null());
	json_object_set_new(o, "owner_unit_name",
	                    r->owner_unit_id > 0 ? json_string(r->owner_unit_name) : json_null());
	return o;
}

/* --- reads and writes ------------------------------------------------------------------ */

struct rules_ctx {
	const struct actor *a;
	int64_t id, area_id, category_id;
	dispatch_rule_fn fn;
	void *ctx;
	const struct dispatch_rule_input *in;
	struct dispatch_rule_row *out;
};

static enum err list_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct rules_ctx *x = arg;
	struct code_ranges r;
	enum err rc = area_scope_ranges(c, x->a, x->area_id, &r, ei);
	if (rc != ERR_OK)
		return rc;
	struct category_row *cat = NULL;
	if (x->category_id > 0) {
		if ((cat = malloc(sizeof *cat)) == NULL)
			return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		rc = store_category_get(c, x->category_id, cat, ei);
		if (rc == ERR_NOTFOUND)
			rc = err_set(ei, ERR_INVALID, "category", "no category %lld", (long long)x->category_id);
	}
	if (rc == ERR_OK)
		rc = store_dispatch_rule_list(c, &r, cat ? cat->code : NULL, x->fn, x->ctx, ei);
	free(cat);
	return rc;
}

enum err dispatch_rules_list(struct app *app, const struct actor *a, int64_t area_id,
                             int64_t category_id, dispatch_rule_fn fn, void *ctx,
                             struct errinfo *ei)
{
	struct rules_ctx x = {.a = a, .area_id = area_id, .category_id = category_id, .fn = fn,
	                      .ctx = ctx};
	char object[64];
	units_object("area", area_id, object);
	return units_read(app, a, object, list_fn, &x, ei);
}

static enum err create_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct rules_ctx *x = arg;
	const struct dispatch_rule_input *in = x->in;
	struct dispatch_rule_row *r = x->out;
	struct area_row ar;
	/* Rules are set for an office's area: a grid and above. */
	enum err rc = area_require(c, x->a, in->area_id, AREA_DISTRICT, AREA_GRID, "area_id", &ar, ei);
	if (rc != ERR_OK)
		return rc;
	if (ar.valid_to[0])
		return err_set(ei, ERR_CONFLICT, "area_id", "area %s was closed on %s", ar.code, ar.valid_to);
	struct category_row *cat = malloc(sizeof *cat);
	if (cat == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	rc = store_category_get(c, in->category_id, cat, ei);
	if (rc == ERR_NOTFOUND)
		rc = err_set(ei, ERR_INVALID, "category_id", "no category %lld", (long long)in->category_id);
	memset(r, 0, sizeof *r);
	if (rc == ERR_OK) {
		r->category_id = cat->id;
		snprintf(r->category_code, sizeof r->category_code, "%s", cat->code);
		snprintf(r->category_name, sizeof r->category_name, "%s", cat->name);
	}
	free(cat);
	if (rc != ERR_OK)
		return rc;
	r->area_id = ar.id;
	snprintf(r->area_code, sizeof r->area_code, "%s", ar.code);
	snprintf(r->area_name, sizeof r->area_name, "%s", ar.name);
	snprintf(r->area_level, sizeof r->area_level, "%s", area_level_name(ar.level));
	r->priority = in->priority;
	r->created_by = x->a->who ? x->a->who->user_id : 0;
	if (in->owner_unit_id > 0) {
		struct unit_row u;
		rc = store_unit_get(c, in->owner_unit_id, &u, ei);
		if (rc == ERR_NOTFOUND)
			return err_set(ei, ERR_INVALID, "owner_unit_id", "no unit %lld",
			               (long long)in->owner_unit_id);
		if (rc != ERR_OK)
			return rc;
		if (strcmp(u.kind, "department") != 0)
			return err_set(ei, ERR_INVALID, "owner_unit_id", "%s is not a department", u.name);
		r->owner_unit_id = u.id;
		snprintf(r->owner_unit_name, sizeof r->owner_unit_name, "%s", u.name);
	} else {
		int lv = area_level_parse(in->owner_level ? in->owner_level : "");
		if (lv < AREA_DISTRICT || lv > AREA_GRID)
			return err_set(ei, ERR_INVALID, "owner_level",
			               "owner_level must be grid, community, street or district");
		/* The owner is an office the rule's area lies in or under: a
		 * street's rule cannot hand work up to the district. */
		if (lv < ar.level)
			return err_set(ei, ERR_INVALID, "owner_level",
			               "a rule of a %s cannot send requests to the %s above it",
			               area_level_name(ar.level), area_level_name(lv));
		snprintf(r->owner_level, sizeof r->owner_level, "%s", area_level_name(lv));
	}
	/* A rule of the same category, area and priority: the insert's
	 * conflict (409), the last statement of this transaction anyway. */
	if ((rc = store_dispatch_rule_insert(c, r, ei)) != ERR_OK)
		return rc;
	char object[64], detail[512];
	units_object("dispatch_rule", r->id, object);
	snprintf(detail, sizeof detail, "%s × %s → %s%s (priority %lld)", r->category_code, r->area_code,
	         r->owner_unit_id ? "unit:" : "", r->owner_unit_id ? r->owner_unit_name : r->owner_level,
	         (long long)r->priority);
	return audit_append(c, x->a, "dispatch_rule.create", object, "ok", detail, ei);
}

enum err dispatch_rules_create(struct app *app, const struct actor *a,
                               const struct dispatch_rule_input *in, struct dispatch_rule_row *out,
                               struct errinfo *ei)
{
	if ((in->owner_unit_id > 0) == (in->owner_level != NULL))
		return err_set(ei, ERR_INVALID, "owner_level", "give either owner_level or owner_unit_id");
	struct rules_ctx x = {.a = a, .in = in, .out = out};
	char object[64];
	units_object("area", in->area_id, object);
	return units_write(app, a, object, create_fn, &x, ei);
}

static enum err delete_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct rules_ctx *x = arg;
	struct dispatch_rule_row r;
	enum err rc = store_dispatch_rule_get(c, x->id, &r, ei);
	if (rc != ERR_OK)
		return rc;
	if (x->a->who != NULL && !identity_covers(x->a->who, r.area_code))
		return err_set(ei, ERR_FORBIDDEN, NULL, "the rule's area %s lies outside your scope",
		               r.area_code);
	bool found = false;
	if ((rc = store_dispatch_rule_delete(c, r.id, &found, ei)) != ERR_OK)
		return rc;
	char object[64], detail[256];
	units_object("dispatch_rule", r.id, object);
	snprintf(detail, sizeof detail, "%s × %s", r.category_code, r.area_code);
	return audit_append(c, x->a, "dispatch_rule.delete", object, "ok", detail, ei);
}

enum err dispatch_rules_delete(struct app *app, const struct actor *a, int64_t id,
                               struct errinfo *ei)
{
	struct rules_ctx x = {.a = a, .id = id};
	char object[64];
	units_object("dispatch_rule", id, object);
	return units_write(app, a, object, delete_fn, &x, ei);
}
