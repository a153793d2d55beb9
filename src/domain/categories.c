/* Rules of the category tree, its time limits and deadlines, and its CSV
 * import and xlsx export (category_io). */
#include "domain/categories.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth/audit.h"
#include "domain/calendar.h"
#include "domain/open311.h"
#include "domain/registers_io.h"
#include "domain/units.h"
#include "limits.h"

#define CATEGORY_DEPTH_MAX 8 /* a loop guard: city taxonomies are 2 or 3 deep */

/* --- time limits ----------------------------------------------------------------- */

static enum err limit_parse_field(const char *s, const char *field, struct time_limit *out,
                                  struct errinfo *ei)
{
	memset(out, 0, sizeof *out);
	if (s == NULL)
		s = "";
	const char *p = s;
	long n = 0;
	int digits = 0;
	while (*p >= '0' && *p <= '9' && digits < 6) {
		n = n * 10 + (*p - '0');
		p++;
		digits++;
	}
	if (digits == 0 || s[0] == '0')
		return err_set(ei, ERR_INVALID, field,
		               "%s must be a number and a unit: 5d (working days), 4wh (working hours)"
		               " or 2h (hours)", field);
	if (strcmp(p, "d") == 0) {
		if (n > LIMIT_DEADLINE_DAYS)
			return err_set(ei, ERR_INVALID, field, "%s is at most %dd", field, LIMIT_DEADLINE_DAYS);
		out->days = (int)n;
	} else if (strcmp(p, "wh") == 0 || strcmp(p, "h") == 0) {
		if (n > LIMIT_DEADLINE_HOURS)
			return err_set(ei, ERR_INVALID, field, "%s is at most %d%s", field, LIMIT_DEADLINE_HOURS, p);
		if (p[0] == 'w')
			out->work_minutes = (int)n * 60;
		else
			out->clock_minutes = (int)n * 60;
	} else {
		return err_set(ei, ERR_INVALID, field,
		               "%s must end in d (working days), wh (working hours) or h (hours)", field);
	}
	return ERR_OK;
}

enum err time_limit_parse(const char *s, struct time_limit *out)
{
	return limit_parse_field(s, "limit", out, NULL);
}

void time_limit_format(const struct time_limit *t, char *out)
{
	if (t->days > 0)
		snprintf(out, CATEGORY_LIMIT_TEXT, "%dd", t->days);
	else if (t->work_minutes > 0)
		snprintf(out, CATEGORY_LIMIT_TEXT, "%dwh", t->work_minutes / 60);
	else
		snprintf(out, CATEGORY_LIMIT_TEXT, "%dh", t->clock_minutes / 60);
}

enum err time_limit_end(struct store_conn *c, const struct office_hours *oh,
                        const struct time_limit *t, int64_t start, int64_t *end,
                        struct errinfo *ei)
{
	if (t->days > 0)
		return calendar_deadline_in(c, oh, start, 0, t->days, end, ei);
	if (t->work_minutes > 0)
		return calendar_deadline_in(c, oh, start, t->work_minutes, 0, end, ei);
	if (t->clock_minutes > 0) {
		*end = start + (int64_t)t->clock_minutes * 60;
		return ERR_OK;
	}
	return err_set(ei, ERR_INVALID, "limit", "an empty time limit");
}

/* --- vocabulary ---------------------------------------------------------------------- */

const char *const category_kinds[] = {"event", "component", NULL};
static const char *const category_kinds_zh[] = {"事件", "部件", NULL};
const char *const category_levels[] = {"grid", "community", "street", "district", "city", NULL};
const char *const category_levels_zh[] = {"网格", "社区", "街道", "区", "市", NULL};

const char *category_level_parse(const char *s)
{
	for (int i = 0; s != NULL && category_levels[i]; i++)
		if (strcmp(s, category_levels[i]) == 0 || strcmp(s, category_levels_zh[i]) == 0)
			return category_levels[i];
	return NULL;
}

static const char *kind_parse(const char *s)
{
	for (int i = 0; s != NULL && category_kinds[i]; i++)
		if (strcmp(s, category_kinds[i]) == 0 || strcmp(s, category_kinds_zh[i]) == 0)
			return category_kinds[i];
	return NULL;
}

const char *category_code_check(const char *code, const char *parent_code)
{
	size_t n = strlen(code);
	if (n == 0 || n > CATEGORY_CODE_MAX)
		return "must be 1 to 16 characters";
	for (size_t i = 0; i < n; i++) {
		char ch = code[i];
		if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z')))
			return "may hold only 0-9, A-Z and a-z";
	}
	if (parent_code != NULL && parent_code[0] != '\0') {
		size_t pn = strlen(parent_code);
		if (n <= pn || strncmp(code, parent_code, pn) != 0)
			return "must start with its parent's code and be longer";
	}
	return NULL;
}

/* --- the effective category ---------------------------------------------------------- */

static bool names_owner(const struct category_row *r)
{
	return r->default_level[0] != '\0' || r->default_department_id > 0;
}

/* Fills what out leaves empty from its ancestors; *chain_active says
 * whether out and every ancestor are active. */
static enum err inherit(struct store_conn *c, struct category_row *out, int64_t *top_id,
                        bool *chain_active, struct errinfo *ei)
{
	bool owner = names_owner(out);
	*chain_active = out->active;
	int64_t top = out->id, parent = out->parent_id;
	struct category_row *anc = malloc(sizeof *anc);
	if (anc == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	enum err rc = ERR_OK;
	for (int depth = 0; parent > 0 && depth < CATEGORY_DEPTH_MAX; depth++) {
		if ((rc = store_category_get(c, parent, anc, ei)) != ERR_OK)
			break;
		top = anc->id;
		*chain_active = *chain_active && anc->active;
		if (!owner && names_owner(anc)) {
			memcpy(out->default_level, anc->default_level, sizeof out->default_level);
			out->default_department_id = anc->default_department_id;
			memcpy(out->default_department_name, anc->default_department_name,
			       sizeof out->default_department_name);
			owner = true;
		}
		if (out->limit_normal[0] == '\0')
			memcpy(out->limit_normal, anc->limit_normal, sizeof out->limit_normal);
		if (out->limit_urgent[0] == '\0')
			memcpy(out->limit_urgent, anc->limit_urgent, sizeof out->limit_urgent);
		if (out->limit_critical[0] == '\0')
			memcpy(out->limit_critical, anc->limit_critical, sizeof out->limit_critical);
		parent = anc->parent_id;
	}
	free(anc);
	if (rc != ERR_OK)
		return rc;
	if (out->limit_urgent[0] == '\0')
		memcpy(out->limit_urgent, out->limit_normal, sizeof out->limit_urgent);
	if (out->limit_critical[0] == '\0')
		memcpy(out->limit_critical, out->limit_normal, sizeof out->limit_critical);
	if (top_id != NULL)
		*top_id = top;
	return ERR_OK;
}

enum err category_effective(struct store_conn *c, int64_t category_id, struct category_row *out,
                            int64_t *top_id, struct errinfo *ei)
{
	enum err rc = store_category_get(c, category_id, out, ei);
	if (rc == ERR_NOTFOUND)
		return err_set(ei, ERR_INVALID, "category_id", "no category %lld", (long long)category_id);
	if (rc != ERR_OK)
		return rc;
	bool active;
	return inherit(c, out, top_id, &active, ei);
}

enum err category_for_request(struct store_conn *c, int64_t category_id, struct category_row *out,
                              int64_t *top_id, struct errinfo *ei)
{
	enum err rc = store_category_get(c, category_id, out, ei);
	if (rc == ERR_NOTFOUND)
		return err_set(ei, ERR_INVALID, "category_id", "no category %lld", (long long)category_id);
	if (rc != ERR_OK)
		return rc;
	bool active;
	if ((rc = inherit(c, out, top_id, &active, ei)) != ERR_OK)
		return rc;
	if (!active)
		return err_set(ei, ERR_UNPROCESSABLE, "category_id",
		               "category %s %s is not in use any more", out->code, out->name);
	return ERR_OK;
}

enum err category_due_at(struct store_conn *c, const struct office_hours *oh,
                         const struct category_row *cat, const char *urgency, int64_t start,
                         int64_t *due, struct errinfo *ei)
{
	const char *text;
	if (urgency != NULL && strcmp(urgency, "normal") == 0)
		text = cat->limit_normal;
	else if (urgency != NULL && strcmp(urgency, "urgent") == 0)
		text = cat->limit_urgent[0] ? cat->limit_urgent : cat->limit_normal;
	else if (urgency != NULL && strcmp(urgency, "critical") == 0)
		text = cat->limit_critical[0] ? cat->limit_critical : cat->limit_normal;
	else
		return err_set(ei, ERR_INVALID, "urgency", "urgency must be normal, urgent or critical");
	struct time_limit t;
	struct errinfo e2;
	if (limit_parse_field(text, "limit", &t, &e2) != ERR_OK)
		return err_set(ei, ERR_UNPROCESSABLE, "category_id",
		               "category %s has no usable %s time limit (%s): fix the category", cat->code,
		               urgency, text[0] ? text : "none");
	return time_limit_end(c, oh, &t, start, due, ei);
}

/* --- JSON ------------------------------------------------------------------------------ */

static json_t *str_or_null(const char *s)
{
	return s[0] ? json_string(s) : json_null();
}

static json_t *id_or_null(int64_t id)
{
	return id > 0 ? json_integer(id) : json_null();
}

json_t *category_json(const struct category_row *r)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:I, s:s, s:s}", "id",
	                      (json_int_t)r->id, "code", r->code, "name", r->name, "kind", r->kind,
	                      "intake_standard", r->intake_standard, "closure_standard",
	                      r->closure_standard, "active", r->active, "children",
	                      (json_int_t)r->children, "created_at", r->created_at, "updated_at",
	                      r->updated_at);
	json_object_set_new(o, "parent_id", id_or_null(r->parent_id));
	json_object_set_new(o, "parent_code", str_or_null(r->parent_code));
	json_object_set_new(o, "default_level", str_or_null(r->default_level));
	json_object_set_new(o, "default_department_id", id_or_null(r->default_department_id));
	json_object_set_new(o, "default_department_name", str_or_null(r->default_department_name));
	json_object_set_new(o, "limit_normal", str_or_null(r->limit_normal));
	json_object_set_new(o, "limit_urgent", str_or_null(r->limit_urgent));
	json_object_set_new(o, "limit_critical", str_or_null(r->limit_critical));
	json_t *attrs = r->attributes[0] ? json_loads(r->attributes, 0, NULL) : NULL;
	json_object_set_new(o, "attributes", attrs ? attrs : json_null());
	return o;
}

/* --- reads ------------------------------------------------------------------------------ */

struct read_ctx {
	int64_t id, parent;
	bool include_inactive;
	category_fn fn;
	void *ctx;
	struct category_row *out, *effective;
};

static enum err list_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct read_ctx *x = arg;
	if (x->parent > 0) {
		enum err rc = store_category_get(c, x->parent, x->out, ei);
		if (rc == ERR_NOTFOUND)
			return err_set(ei, ERR_INVALID, "parent", "no category %lld", (long long)x->parent);
		if (rc != ERR_OK)
			return rc;
	}
	return store_category_list(c, x->parent, x->include_inactive, x->fn, x->ctx, ei);
}

enum err categories_list(struct app *app, int64_t parent, bool include_inactive, category_fn fn,
                         void *ctx, struct errinfo *ei)
{
	struct category_row *scratch = malloc(sizeof *scratch);
	if (scratch == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	struct read_ctx x = {.parent = parent, .include_inactive = include_inactive, .fn = fn,
	                     .ctx = ctx, .out = scratch};
	enum err rc = store_read(app->store, list_fn, &x, ei);
	free(scratch);
	return rc;
}

/* In code order a class comes before its subclasses, so the inactive
 * codes seen so far are every inactive ancestor a row can have. */
struct usable_ctx {
	category_fn fn;
	void *ctx;
	int n;
	char off[256][CATEGORY_CODE_MAX + 1];
};

static void usable_one(void *arg, const struct category_row *r)
{
	struct usable_ctx *u = arg;
	for (int i = 0; i < u->n; i++)
		if (strncmp(r->code, u->off[i], strlen(u->off[i])) == 0)
			return;
	if (!r->active) {
		if (u->n < 256)
			snprintf(u->off[u->n++], sizeof u->off[0], "%s", r->code);
		return;
	}
	u->fn(u->ctx, r);
}

enum err categories_usable(struct app *app, category_fn fn, void *ctx, struct errinfo *ei)
{
	struct usable_ctx *u = calloc(1, sizeof *u);
	if (u == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	u->fn = fn;
	u->ctx = ctx;
	enum err rc = categories_list(app, -1, true, usable_one, u, ei);
	free(u);
	return rc;
}

static enum err get_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct read_ctx *x = arg;
	enum err rc = store_category_get(c, x->id, x->out, ei);
	if (rc != ERR_OK || x->effective == NULL)
		return rc;
	*x->effective = *x->out;
	bool active;
	return inherit(c, x->effective, NULL, &active, ei);
}

enum err categories_get(struct app *app, int64_t id, struct category_row *out,
                        struct category_row *effective, struct errinfo *ei)
{
	struct read_ctx x = {.id = id, .out = out, .effective = effective};
	return store_read(app->store, get_fn, &x, ei);
}

/* --- create and update ---------------------------------------------------------------------- */

/* The Open311 attribute definitions as stored: checked and normalised
 * (domain/open311.c), "" for none. */
static enum err attributes_normal(const char *text, char *out, size_t n, struct errinfo *ei)
{
	out[0] = '\0';
	if (text == NULL || text[0] == '\0')
		return ERR_OK;
	json_error_t jerr;
	json_t *defs = json_loads(text, JSON_REJECT_DUPLICATES, &jerr), *norm = NULL;
	if (defs == NULL)
		return err_set(ei, ERR_INVALID, "attributes", "attributes is not JSON: %s", jerr.text);
	enum err rc = open311_attributes_check(defs, &norm, ei);
	json_decref(defs);
	if (rc != ERR_OK)
		return rc;
	char *dump = json_array_size(norm) > 0 ? json_dumps(norm, JSON_COMPACT) : NULL;
	json_decref(norm);
	if (dump != NULL && strlen(dump) >= n)
		rc = err_set(ei, ERR_INVALID, "attributes", "the attribute definitions exceed %zu bytes",
		             n - 1);
	else if (dump != NULL)
		snprintf(out, n, "%s", dump);
	free(dump);
	return rc;
}

static enum err input_check(const struct category_input *in, bool create, struct errinfo *ei)
{
	enum err rc;
	if (in->attributes != NULL) {
		char *buf = malloc(CATEGORY_ATTRIBUTES_MAX + 1);
		rc = buf ? attributes_normal(in->attributes, buf, CATEGORY_ATTRIBUTES_MAX + 1, ei)
		         : err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		free(buf);
		if (rc != ERR_OK)
			return rc;
	}
	if (create && (in->name == NULL || in->name[0] == '\0'))
		return err_set(ei, ERR_INVALID, "name", "name is required");
	if (in->name != NULL &&
	    (rc = units_check_text("name", in->name, 1, CATEGORY_NAME_MAX, false, ei)) != ERR_OK)
		return rc;
	if (in->kind != NULL && in->kind[0] && kind_parse(in->kind) == NULL)
		return err_set(ei, ERR_INVALID, "kind", "kind must be event or component");
	if (in->intake_standard != NULL &&
	    (rc = units_check_text("intake_standard", in->intake_standard, 0, CATEGORY_STANDARD_MAX,
	                           true, ei)) != ERR_OK)
		return rc;
	if (in->closure_standard != NULL &&
	    (rc = units_check_text("closure_standard", in->closure_standard, 0, CATEGORY_STANDARD_MAX,
	                           true, ei)) != ERR_OK)
		return rc;
	if (in->default_level != NULL && in->default_level[0] &&
	    category_level_parse(in->default_level) == NULL)
		return err_set(ei, ERR_INVALID, "default_level",
		               "default_level must be grid, community, street, district or city");
	const char *limits[] = {in->limit_normal, in->limit_urgent, in->limit_critical};
	const char *names[] = {"limit_normal", "limit_urgent", "limit_critical"};
	for (int i = 0; i < 3; i++) {
		struct time_limit t;
		if (limits[i] != NULL && limits[i][0] &&
		    (rc = limit_parse_field(limits[i], names[i], &t, ei)) != ERR_OK)
			return rc;
	}
	return ERR_OK;
}

static void set_text(char *dst, size_t n, const char *src)
{
	if (src != NULL)
		snprintf(dst, n, "%s", src);
}

/* A top-level class decides for its subtree: it must name a level and a normal limit. */
static enum err top_complete(const struct category_row *r, struct errinfo *ei)
{
	if (r->parent_id != 0)
		return ERR_OK;
	if (r->default_level[0] == '\0')
		return err_set(ei, ERR_INVALID, "default_level",
		               "a top-level category needs default_level (its subclasses inherit it)");
	if (r->limit_normal[0] == '\0')
		return err_set(ei, ERR_INVALID, "limit_normal",
		               "a top-level category needs limit_normal (its subclasses inherit it)");
	return ERR_OK;
}

/* The default department: by id, or (import) by id or unique name. */
static enum err resolve_department(struct store_conn *c, const struct category_input *in,
                                   struct category_row *r, struct errinfo *ei)
{
	const char *field = "default_department_id";
	int64_t id = in->default_department_id;
	if (in->default_department != NULL) {
		field = "default_department";
		const char *s = in->default_department;
		if (s[0] == '\0') {
			id = 0;
		} else if (strspn(s, "0123456789") == strlen(s) && strlen(s) < 18) {
			id = atoll(s);
		} else {
			int n = 0;
			enum err rc = store_department_by_name(c, s, &id, &n, ei);
			if (rc != ERR_OK)
				return rc;
			if (n == 0)
				return err_set(ei, ERR_INVALID, field, "no department is called %.64s", s);
			if (n > 1)
				return err_set(ei, ERR_INVALID, field,
				               "%d departments are called %.64s: give the unit's id", n, s);
		}
	} else if (!in->set_department) {
		return ERR_OK;
	}
	r->default_department_id = 0;
	r->default_department_name[0] = '\0';
	if (id == 0)
		return ERR_OK;
	struct unit_row u;
	enum err rc = store_unit_get(c, id, &u, ei);
	if (rc == ERR_NOTFOUND)
		return err_set(ei, ERR_INVALID, field, "no unit %lld", (long long)id);
	if (rc != ERR_OK)
		return rc;
	if (strcmp(u.kind, "department") != 0)
		return err_set(ei, ERR_INVALID, field, "%s is not a department (its kind is %s)", u.name,
		               u.kind);
	r->default_department_id = u.id;
	snprintf(r->default_department_name, sizeof r->default_department_name, "%s", u.name);
	return ERR_OK;
}

static void apply_common(struct category_row *r, const struct category_input *in)
{
	set_text(r->name, sizeof r->name, in->name);
	set_text(r->intake_standard, sizeof r->intake_standard, in->intake_standard);
	set_text(r->closure_standard, sizeof r->closure_standard, in->closure_standard);
	if (in->default_level != NULL)
		snprintf(r->default_level, sizeof r->default_level, "%s",
		         in->default_level[0] ? category_level_parse(in->default_level) : "");
	set_text(r->limit_normal, sizeof r->limit_normal, in->limit_normal);
	set_text(r->limit_urgent, sizeof r->limit_urgent, in->limit_urgent);
	set_text(r->limit_critical, sizeof r->limit_critical, in->limit_critical);
	if (in->active >= 0)
		r->active = in->active != 0;
	/* checked by input_check already */
	if (in->attributes != NULL &&
	    attributes_normal(in->attributes, r->attributes, sizeof r->attributes, NULL) != ERR_OK)
		r->attributes[0] = '\0';
}

static void object_of(int64_t id, char out[64])
{
	snprintf(out, 64, "category:%lld", (long long)id);
}

enum err category_create_in(struct store_conn *c, const struct actor *a,
                            const struct category_input *in, struct category_row *out,
                            struct errinfo *ei)
{
	enum err rc = input_check(in, true, ei);
	if (rc != ERR_OK)
		return rc;
	bool by_code = in->parent_code != NULL;
	const char *parent_field = by_code ? "parent_code" : "parent_id";
	struct category_row *parent = calloc(1, sizeof *parent);
	if (parent == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	if (by_code && in->parent_code[0])
		rc = store_category_by_code(c, in->parent_code, parent, ei);
	else if (!by_code && in->parent_id > 0)
		rc = store_category_get(c, in->parent_id, parent, ei);
	if (rc == ERR_NOTFOUND)
		rc = by_code ? err_set(ei, ERR_INVALID, parent_field,
		                       "no category has the code %.16s (a parent comes before its children)",
		                       in->parent_code)
		             : err_set(ei, ERR_INVALID, parent_field, "no category %lld",
		                       (long long)in->parent_id);
	if (rc != ERR_OK)
		goto out;
	const char *code = in->code ? in->code : "";
	const char *why = category_code_check(code, parent->id ? parent->code : NULL);
	if (why != NULL) {
		rc = err_set(ei, ERR_INVALID, "code", "code %.20s %s", code, why);
		goto out;
	}
	const char *kind = in->kind && in->kind[0] ? kind_parse(in->kind) : NULL;
	if (parent->id && kind != NULL && strcmp(kind, parent->kind) != 0) {
		rc = err_set(ei, ERR_INVALID, "kind", "kind must be its parent's (%s)", parent->kind);
		goto out;
	}
	/* Codes are unique: checked before the insert (a failed statement ends
	 * a PostgreSQL transaction, and the import goes on with the next row). */
	rc = store_category_by_code(c, code, out, ei);
	if (rc == ERR_OK) {
		rc = err_set(ei, ERR_CONFLICT, "code", "code %s is taken by %s", code, out->name);
		goto out;
	}
	if (rc != ERR_NOTFOUND)
		goto out;
	err_clear(ei);
	/* A code starts with its ancestors' codes and with no other's: a
	 * subtree is then a range of codes. */
	int64_t prefix_id = 0, extending = 0;
	if ((rc = store_category_code_neighbours(c, code, &prefix_id, &extending, ei)) != ERR_OK)
		goto out;
	if (prefix_id != parent->id || extending > 0) {
		rc = err_set(ei, ERR_INVALID, "code",
		             "code %s would make it look like %s of another category: a code starts with"
		             " its parent's code and with no other category's",
		             code, extending > 0 ? "the parent" : "a child");
		goto out;
	}
	memset(out, 0, sizeof *out);
	out->parent_id = parent->id;
	snprintf(out->parent_code, sizeof out->parent_code, "%s", parent->id ? parent->code : "");
	snprintf(out->code, sizeof out->code, "%s", code);
	snprintf(out->kind, sizeof out->kind, "%s", kind ? kind : parent->id ? parent->kind : "event");
	out->active = true;
	apply_common(out, in);
	if ((rc = resolve_department(c, in, out, ei)) != ERR_OK)
		goto out;
	if ((rc = top_complete(out, ei)) != ERR_OK)
		goto out;
	if ((rc = store_category_insert(c, out, ei)) != ERR_OK)
		goto out;
	char object[64], detail[512];
	object_of(out->id, object);
	snprintf(detail, sizeof detail, "%s %s", out->code, out->name);
	rc = audit_append(c, a, "category.create", object, "ok", detail, ei);
out:
	free(parent);
	return rc;
}

struct write_ctx {
	const struct actor *a;
	int64_t id;
	const struct category_input *in;
	struct category_row *out;
};

static enum err create_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	return category_create_in(c, x->a, x->in, x->out, ei);
}

enum err categories_create(struct app *app, const struct actor *a, const struct category_input *in,
                           struct category_row *out, struct errinfo *ei)
{
	enum err rc = input_check(in, true, ei);
	if (rc != ERR_OK)
		return rc;
	struct write_ctx x = {.a = a, .in = in, .out = out};
	return store_write(app->store, create_fn, &x, ei);
}

static enum err update_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct write_ctx *x = arg;
	const struct category_input *in = x->in;
	struct category_row *r = x->out;
	enum err rc = store_category_get(c, x->id, r, ei);
	if (rc != ERR_OK)
		return rc;
	if (in->kind != NULL && in->kind[0]) {
		const char *kind = kind_parse(in->kind);
		if (strcmp(kind, r->kind) != 0 && (r->parent_id != 0 || r->children > 0))
			return err_set(ei, ERR_CONFLICT, "kind",
			               "only a top-level category without subclasses changes its kind");
		snprintf(r->kind, sizeof r->kind, "%s", kind);
	}
	apply_common(r, in);
	if ((rc = resolve_department(c, in, r, ei)) != ERR_OK)
		return rc;
	if ((rc = top_complete(r, ei)) != ERR_OK)
		return rc;
	if ((rc = store_category_update(c, r, ei)) != ERR_OK)
		return rc;
	char object[64], detail[512];
	object_of(r->id, object);
	snprintf(detail, sizeof detail, "%s %s%s", r->code, r->name, r->active ? "" : " (inactive)");
	return audit_append(c, x->a, "category.update", object, "ok", detail, ei);
}

enum err categories_update(struct app *app, const struct actor *a, int64_t id,
                           const struct category_input *in, struct category_row *out,
                           struct errinfo *ei)
{
	enum err rc = input_check(in, false, ei);
	if (rc != ERR_OK)
		return rc;
	struct write_ctx x = {.a = a, .id = id, .in = in, .out = out};
	return store_write(app->store, update_fn, &x, ei);
}

/* --- import and export (domain/registers_io.h) ---------------------------------------------- */

static const char *const columns[] = {"code",           "name",          "parent_code",
                                      "kind",           "intake_standard", "default_level",
                                      "default_department", "limit_normal", "limit_urgent",
                                      "limit_critical", "closure_standard", "attributes",
                                      NULL};
enum { CC_CODE, CC_NAME, CC_PARENT, CC_KIND, CC_INTAKE, CC_LEVEL, CC_DEPT, CC_NORMAL, CC_URGENT,
       CC_CRITICAL, CC_CLOSURE, CC_ATTRIBUTES };
static const char *const required[] = {"code", "name", NULL};
static const char *const titles[] = {"分类代码", "分类名称",   "上级代码",   "类型",
                                     "立案标准", "默认处置层级", "默认责任部门", "一般时限",
                                     "紧急时限", "特急时限",   "结案标准",   "启用",
                                     "Open311 属性", NULL};

static enum err row_import(struct import_ctx *x, struct store_conn *c, const struct import_row *r,
                           struct errinfo *ei)
{
	struct category_input in = {
		.code = import_get(r, CC_CODE),
		.name = import_get(r, CC_NAME),
		.parent_code = import_get(r, CC_PARENT),
		.kind = import_get(r, CC_KIND),
		.intake_standard = import_get(r, CC_INTAKE),
		.default_level = import_get(r, CC_LEVEL),
		.default_department = import_get(r, CC_DEPT),
		.limit_normal = import_get(r, CC_NORMAL),
		.limit_urgent = import_get(r, CC_URGENT),
		.limit_critical = import_get(r, CC_CRITICAL),
		.closure_standard = import_get(r, CC_CLOSURE),
		.attributes = import_get(r, CC_ATTRIBUTES), /* JSON text, as the API takes it */
		.active = -1,
	};
	struct category_row *out = malloc(sizeof *out);
	if (out == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	enum err rc = category_create_in(c, x->actor, &in, out, ei);
	free(out);
	return rc;
}

struct emit_ctx {
	void (*emit)(void *ctx, const char *const *cells);
	void *ctx;
};

static const char *level_zh(const char *level)
{
	for (int i = 0; category_levels[i]; i++)
		if (strcmp(level, category_levels[i]) == 0)
			return category_levels_zh[i];
	return level;
}

static void export_one(void *ctx, const struct category_row *r)
{
	struct emit_ctx *e = ctx;
	const char *cells[] = {r->code,
	                       r->name,
	                       r->parent_code,
	                       strcmp(r->kind, "component") == 0 ? "部件" : "事件",
	                       r->intake_standard,
	                       level_zh(r->default_level),
	                       r->default_department_name,
	                       r->limit_normal,
	                       r->limit_urgent,
	                       r->limit_critical,
	                       r->closure_standard,
	                       r->active ? "是" : "否",
	                       r->attributes};
	e->emit(e->ctx, cells);
}

static enum err export_rows(struct import_ctx *x, struct store_conn *c, const struct code_ranges *r,
                            void (*emit)(void *ctx, const char *const *cells), void *ctx,
                            struct errinfo *ei)
{
	/* The tree is the district's, not an area's: the scope does not cut it. */
	struct emit_ctx e = {emit, ctx};
	return store_category_list(c, -1, true, export_one, &e, ei);
}

const struct register_io category_io = {
	.name = "categories",
	.title_zh = "事项分类",
	.read_cap = "request.read",
	.manage_cap = "category.manage",
	.columns = columns,
	.required = required,
	.row = row_import,
	.export_titles = titles,
	.export_rows = export_rows,
};
