/* Rules of the households and people registers: places and scope, the
 * checks of a person (one function serves the API and the CSV import),
 * sealing and unmasking of ID numbers and phones, the sensitive tags, and
 * the register_io descriptions for import and export. */
#include "domain/people.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth/audit.h"
#include "auth/pii.h"
#include "domain/areas.h"
#include "domain/registers_io.h"
#include "util/clock.h"
#include "util/idcard.h"
#include "util/utf8.h"
#include "util/worktime.h"

const char *const person_genders[] = {"male", "female", NULL};
const char *const person_residences[] = {"registered", "floating", NULL};
const char *const person_relations[] = {"head",       "spouse",      "child",   "parent",
                                        "grandchild", "grandparent", "sibling", "other", NULL};

/* Beside the tags, whether the whole birth date of a person with an ID
 * number may be shown. The masked ID number keeps its first 6 and last 4
 * characters (DESIGN.md), so the full birth date beside it would give the
 * number back without the audited unmask: everyone sees the year and the
 * age; unmasking the ID number shows the rest. */
#define VIS_BIRTH (1u << 30)

unsigned people_visible_tags(const struct actor *a)
{
	unsigned v = a->who == NULL || identity_has(a->who, CAP_PERSON_SENSITIVE)
	                 ? TAG_ALL
	                 : TAG_ALL & ~(unsigned)TAGS_SENSITIVE;
	return v; /* VIS_BIRTH is never given: exports and the command line mask it too */
}

static void today_civil(const struct app *app, int *y, int *m, int *d);

/* A row as this caller may see it. */
static void present(const struct app *app, unsigned visible, struct person_row *p)
{
	p->tags &= visible & TAG_ALL;
	p->age = 0;
	if (strlen(p->birth_date) == 10) {
		int ty, tm, td;
		today_civil(app, &ty, &tm, &td);
		int y = atoi(p->birth_date), m = atoi(p->birth_date + 5), d = atoi(p->birth_date + 8);
		p->age = ty - y - (tm < m || (tm == m && td < d) ? 1 : 0);
		if (!(visible & VIS_BIRTH) && p->id_number_masked[0] != '\0')
			memcpy(p->birth_date + 4, "-**-**", 7);
	}
}

static bool in_list(const char *const *list, const char *s)
{
	for (int i = 0; list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

static bool covers(const struct actor *a, const char *code)
{
	return a->who == NULL || identity_covers(a->who, code);
}

static void today_civil(const struct app *app, int *y, int *m, int *d)
{
	date_to_civil(instant_local_date(clock_now(), app->office.tz_offset_min), y, m, d);
}

/* --- cursors: "<area_code>-<id>" ---------------------------------------------------- */

static void cursor_format(char out[PEOPLE_CURSOR_MAX], const char *code, int64_t id)
{
	snprintf(out, PEOPLE_CURSOR_MAX, "%s-%lld", code, (long long)id);
}

static enum err cursor_parse(const char *s, char code[AREA_CODE_MAX + 1], int64_t *id,
                             struct errinfo *ei)
{
	const char *dash = s ? strchr(s, '-') : NULL;
	size_t n = dash ? (size_t)(dash - s) : 0;
	bool ok = dash != NULL && n >= 1 && n <= AREA_CODE_MAX && dash[1] != '\0' && strlen(dash + 1) <= 18;
	for (size_t i = 0; ok && s[i]; i++)
		ok = (s[i] >= '0' && s[i] <= '9') || s + i == dash;
	if (!ok)
		return err_set(ei, ERR_INVALID, "after", "after must be a cursor from the previous page");
	memcpy(code, s, n);
	code[n] = '\0';
	*id = strtoll(dash + 1, NULL, 10);
	return ERR_OK;
}

/* --- the checks, shared by the API and the import ------------------------------------ */

/* Text a person typed: valid UTF-8, no control characters, 1..max characters. */
static enum err check_text(const char *s, size_t max, const char *field, struct errinfo *ei)
{
	size_t chars = 0;
	if (!utf8_valid(s, strlen(s), &chars) || chars == 0 || chars > max)
		return err_set(ei, ERR_INVALID, field, "%s must be 1 to %zu characters", field, max);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return err_set(ei, ERR_INVALID, field, "%s holds a control character", field);
	return ERR_OK;
}

static enum err check_room(const char *room, struct errinfo *ei)
{
	return check_text(room, ROOM_MAX, "room", ei);
}

/* A household lives in an open building or entrance of the actor's scope. */
static enum err check_household_area(const struct actor *a, const struct area_row *ar,
                                     const char *field, struct errinfo *ei)
{
	if (!covers(a, ar->code))
		return err_set(ei, ERR_FORBIDDEN, field, "area %s lies outside your scope", ar->code);
	if (ar->level != AREA_BUILDING && ar->level != AREA_ENTRANCE)
		return err_set(ei, ERR_INVALID, field, "a household belongs to a building or an entrance");
	if (ar->valid_to[0])
		return err_set(ei, ERR_CONFLICT, field, "area %s was closed on %s", ar->code, ar->valid_to);
	return ERR_OK;
}

/* A person without a household is placed at a community or below. */
static enum err check_person_area(const struct actor *a, const struct area_row *ar,
                                  const char *field, struct errinfo *ei)
{
	if (!covers(a, ar->code))
		return err_set(ei, ERR_FORBIDDEN, field, "area %s lies outside your scope", ar->code);
	if (ar->level < AREA_COMMUNITY)
		return err_set(ei, ERR_INVALID, field, "a person lives in a community or below");
	if (ar->valid_to[0])
		return err_set(ei, ERR_CONFLICT, field, "area %s was closed on %s", ar->code, ar->valid_to);
	return ERR_OK;
}

/* "YYYY-MM-DD", a real day, not before IDCARD_YEAR_MIN, not in the future. */
static enum err check_birth_date(const struct app *app, const char *s, struct errinfo *ei)
{
	bool shape = strlen(s) == 10 && s[4] == '-' && s[7] == '-';
	for (int i = 0; shape && i < 10; i++)
		shape = i == 4 || i == 7 || (s[i] >= '0' && s[i] <= '9');
	if (!shape)
		return err_set(ei, ERR_INVALID, "birth_date", "birth_date must be a date YYYY-MM-DD");
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	const char *why = date_check(y, m, d);
	if (why != NULL)
		return err_set(ei, ERR_INVALID, "birth_date", "birth_date %s does not exist: %s", s, why);
	if (y < IDCARD_YEAR_MIN)
		return err_set(ei, ERR_INVALID, "birth_date", "birth_date is before %d", IDCARD_YEAR_MIN);
	int ty, tm, td;
	today_civil(app, &ty, &tm, &td);
	if (date_from_civil(y, m, d) > date_from_civil(ty, tm, td))
		return err_set(ei, ERR_INVALID, "birth_date", "birth_date %s is in the future", s);
	return ERR_OK;
}

/* What a person write changed, for the audit row. */
enum {
	CH_PLACE = 1 << 0,
	CH_NAME = 1 << 1,
	CH_GENDER = 1 << 2,
	CH_BIRTH = 1 << 3,
	CH_ID = 1 << 4,
	CH_PHONE = 1 << 5,
	CH_RESIDENCE = 1 << 6,
	CH_RELATION = 1 << 7,
	CH_TAGS = 1 << 8,
};
static const char *const change_names[] = {"place",  "name",      "gender",   "birth_date", "id_number",
                                           "phone", "residence", "relation", "tags"};

static void changes_text(unsigned ch, char *out, size_t cap)
{
	size_t off = 0;
	out[0] = '\0';
	for (size_t i = 0; i < sizeof change_names / sizeof change_names[0]; i++)
		if ((ch & (1u << i)) && off < cap)
			off += (size_t)snprintf(out + off, cap - off, "%s%s", off ? "," : "", change_names[i]);
}

static const char *gender_of_char(char g)
{
	return g == 'm' ? "male" : g == 'f' ? "female" : "";
}

/* The one check of a person's fields, for the API and the import alike.
 * out holds the place (and, on a change, the person as they were, before);
 * the fields of in are checked and written over it. The ID number and
 * phone are sealed into idn and phone when given (the caller frees them).
 * *ch gets what changed. Touches no store. */
static enum err person_check(const struct app *app, const struct actor *a,
                             const struct person_input *in, const struct person_row *before,
                             struct person_row *out, struct pii *idn, struct pii *phone,
                             unsigned *ch, struct errinfo *ei)
{
	enum err rc;
	memset(idn, 0, sizeof *idn);
	memset(phone, 0, sizeof *phone);
	if (in->name != NULL) {
		if ((rc = check_text(in->name, PERSON_NAME_MAX, "name", ei)) != ERR_OK)
			return rc;
		if (before == NULL || strcmp(before->name, in->name) != 0)
			*ch |= CH_NAME;
		snprintf(out->name, sizeof out->name, "%s", in->name);
	} else if (before == NULL) {
		return err_set(ei, ERR_INVALID, "name", "name is required");
	}

	/* The ID number, and what it says of gender and birth. */
	const char *dgender = NULL;
	char dbirth[DATE_TEXT] = "";
	if (in->id_number != NULL && in->id_number[0] != '\0') {
		if ((rc = pii_id_number(app, in->id_number, "id_number", idn, ei)) != ERR_OK)
			return rc;
		int y, m, d;
		if (!idcard_birth(in->id_number, &y, &m, &d))
			return err_set(ei, ERR_INVALID, "id_number", "id_number holds no birth date");
		date_format(date_from_civil(y, m, d), dbirth);
		dgender = gender_of_char(idcard_gender(in->id_number));
		snprintf(out->id_number_masked, sizeof out->id_number_masked, "%s", idn->masked);
		*ch |= CH_ID;
	} else if (in->id_number != NULL) { /* "": clear */
		if (before != NULL && before->id_number_masked[0])
			*ch |= CH_ID;
		out->id_number_masked[0] = '\0';
	} else if (before != NULL && before->id_number_masked[0]) {
		/* The mask keeps the 17th character, the sequence's last digit. */
		dgender = gender_of_char(idcard_gender(before->id_number_masked));
		snprintf(dbirth, sizeof dbirth, "%s", before->birth_date);
	}

	if (in->gender != NULL && !in_list(person_genders, in->gender))
		return err_set(ei, ERR_INVALID, "gender", "gender must be male or female");
	if (in->birth_date != NULL && (rc = check_birth_date(app, in->birth_date, ei)) != ERR_OK)
		return rc;
	const char *gender = in->gender, *birth = in->birth_date;
	if (dgender != NULL && dgender[0]) {
		if (gender != NULL && strcmp(gender, dgender) != 0)
			return err_set(ei, ERR_INVALID, "gender",
			               "gender %s does not agree with the ID number (%s)", gender, dgender);
		if (birth != NULL && strcmp(birth, dbirth) != 0)
			return err_set(ei, ERR_INVALID, "birth_date",
			               "birth_date %s does not agree with the ID number (%s)", birth, dbirth);
		gender = dgender;
		birth = dbirth;
	} else if (before == NULL) {
		if (gender == NULL)
			return err_set(ei, ERR_INVALID, "gender", "gender is required without an ID number");
		if (birth == NULL)
			return err_set(ei, ERR_INVALID, "birth_date",
			               "birth_date is required without an ID number");
	}
	if (gender != NULL) {
		if (before == NULL || strcmp(before->gender, gender) != 0)
			*ch |= CH_GENDER;
		snprintf(out->gender, sizeof out->gender, "%s", gender);
	}
	if (birth != NULL) {
		if (before == NULL || strcmp(before->birth_date, birth) != 0)
			*ch |= CH_BIRTH;
		snprintf(out->birth_date, sizeof out->birth_date, "%s", birth);
	}

	if (in->phone != NULL && in->phone[0] != '\0') {
		if ((rc = pii_phone(app, in->phone, "phone", phone, ei)) != ERR_OK)
			return rc;
		snprintf(out->phone_masked, sizeof out->phone_masked, "%s", phone->masked);
		*ch |= CH_PHONE;
	} else if (in->phone != NULL) {
		if (before != NULL && before->phone_masked[0])
			*ch |= CH_PHONE;
		out->phone_masked[0] = '\0';
	}

	if (in->residence != NULL) {
		if (!in_list(person_residences, in->residence))
			return err_set(ei, ERR_INVALID, "residence", "residence must be registered or floating");
		if (before == NULL || strcmp(before->residence, in->residence) != 0)
			*ch |= CH_RESIDENCE;
		snprintf(out->residence, sizeof out->residence, "%s", in->residence);
	} else if (before == NULL) {
		return err_set(ei, ERR_INVALID, "residence", "residence is required");
	}
	const char *relation = in->relation ? in->relation : before ? NULL : "head";
	if (relation != NULL) {
		if (!in_list(person_relations, relation))
			return err_set(ei, ERR_INVALID, "relation", "relation must be one of the listed values");
		if (before == NULL || strcmp(before->relation, relation) != 0)
			*ch |= CH_RELATION;
		snprintf(out->relation, sizeof out->relation, "%s", relation);
	}

	/* Tags: a caller who may not see a sensitive tag may not set it either,
	 * and a change keeps the ones they cannot see. */
	unsigned visible = people_visible_tags(a), old = before ? before->tags : 0;
	if (in->set_tags) {
		if (in->tags & ~visible)
			return err_set(ei, ERR_FORBIDDEN, "tags",
			               "setting low_income, extreme_poverty, disabled, orphan or"
			               " left_behind_child needs person.read_sensitive");
		out->tags = (in->tags & visible) | (old & ~visible);
		if (out->tags != old)
			*ch |= CH_TAGS;
	} else {
		out->tags = old;
	}
	return ERR_OK;
}

static struct sealed sealed_of(const struct pii *p)
{
	return (struct sealed){.enc = p->enc, .hash = p->enc ? p->hash : NULL, .masked = p->masked};
}

/* Writes a new person checked by person_check, with their tags; p->id is
 * filled when want_id or when there are tags to write. An import asks for
 * no id: a tagged person with an ID number is found again by its hash, so
 * only a tagged person without one costs an insert with RETURNING. */
static enum err person_insert(struct store_conn *c, struct person_row *p, const struct pii *idn,
                              const struct pii *phone, bool want_id, struct errinfo *ei)
{
	struct sealed si = sealed_of(idn), sp = sealed_of(phone);
	bool by_hash = !want_id && p->tags != 0 && idn->enc != NULL;
	enum err rc = store_person_insert(c, p, &si, &sp, !by_hash && (want_id || p->tags != 0), ei);
	if (rc == ERR_OK && by_hash)
		rc = store_person_by_id_hash(c, idn->hash, 0, &p->id, ei);
	if (rc == ERR_OK && p->tags)
		rc = store_person_tags_set(c, p->id, 0, p->tags, ei);
	return rc;
}

/* --- JSON ------------------------------------------------------------------------- */

json_t *household_json(const struct household_row *h)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:I, s:s, s:s}", "id", (json_int_t)h->id, "area_id",
	                 (json_int_t)h->area_id, "area_code", h->area_code, "room", h->room,
	                 "people_count", (json_int_t)h->people, "created_at", h->created_at,
	                 "updated_at", h->updated_at);
}

static json_t *text_or_null(const char *s)
{
	return s[0] ? json_string(s) : json_null();
}

json_t *person_json(const struct app *app, const struct person_row *p)
{
	int age = p->age;
	json_t *tags = json_array();
	for (int t = 0; t < TAG__MAX; t++)
		if (p->tags & TAG_BIT(t))
			json_array_append_new(tags, json_string(person_tag_names[t]));
	json_t *o = json_pack("{s:I, s:o, s:o, s:I, s:s, s:s, s:s, s:s, s:i}", "id", (json_int_t)p->id,
	                      "household_id", p->household_id ? json_integer(p->household_id) : json_null(),
	                      "room", text_or_null(p->room), "area_id", (json_int_t)p->area_id,
	                      "area_code", p->area_code, "name", p->name, "gender", p->gender,
	                      "birth_date", p->birth_date, "age", age);
	json_object_set_new(o, "id_number", text_or_null(p->id_number_masked));
	json_object_set_new(o, "phone", text_or_null(p->phone_masked));
	json_object_set_new(o, "residence", json_string(p->residence));
	json_object_set_new(o, "relation", json_string(p->relation));
	json_object_set_new(o, "tags", tags);
	json_object_set_new(o, "created_at", json_string(p->created_at));
	json_object_set_new(o, "updated_at", json_string(p->updated_at));
	return o;
}

/* --- running with refusals audited ------------------------------------------------ */

static enum err run_checked(struct app *app, const struct actor *a, bool write, const char *kind,
                            int64_t id, store_fn fn, void *x, struct errinfo *ei)
{
	enum err rc = write ? store_write(app->store, fn, x, ei) : store_read(app->store, fn, x, ei);
	if (rc == ERR_FORBIDDEN) {
		char object[48];
		snprintf(object, sizeof object, "%s:%lld", kind, (long long)id);
		area_denied(app, a, object, ei);
	}
	return rc;
}

/* A person or household read for the actor: found, and in scope. */
static enum err person_load(struct store_conn *c, const struct actor *a, int64_t id,
                            struct person_row *p, struct errinfo *ei)
{
	enum err rc = store_person_get(c, id, p, ei);
	if (rc != ERR_OK)
		return rc;
	if (!covers(a, p->area_code))
		return err_set(ei, ERR_FORBIDDEN, NULL, "the person lives outside your scope");
	return ERR_OK;
}

static enum err household_load(struct store_conn *c, const struct actor *a, int64_t id,
                               struct household_row *h, struct errinfo *ei)
{
	enum err rc = store_household_get(c, id, h, ei);
	if (rc != ERR_OK)
		return rc;
	if (!covers(a, h->area_code))
		return err_set(ei, ERR_FORBIDDEN, NULL, "the household lies outside your scope");
	return ERR_OK;
}

/* --- listings ------------------------------------------------------------------- */

/* Passes on the first limit rows (tags cut to what the actor sees) and
 * notes from the one after them that there is a next page. */
struct page_ctx {
	const struct app *app;
	int limit, n;
	unsigned visible;
	person_fn pfn;
	household_fn hfn;
	void *ctx;
	char last_code[AREA_CODE_MAX + 1];
	int64_t last_id;
	bool more;
};

static bool page_person(void *arg, const struct person_row *p)
{
	struct page_ctx *g = arg;
	if (g->n == g->limit) {
		g->more = true;
		return false;
	}
	struct person_row shown = *p;
	present(g->app, g->visible, &shown);
	g->n++;
	snprintf(g->last_code, sizeof g->last_code, "%s", p->area_code);
	g->last_id = p->id;
	return g->pfn ? g->pfn(g->ctx, &shown) : true;
}

static void page_household(void *arg, const struct household_row *h)
{
	struct page_ctx *g = arg;
	if (g->n == g->limit) {
		g->more = true;
		return;
	}
	g->n++;
	snprintf(g->last_code, sizeof g->last_code, "%s", h->area_code);
	g->last_id = h->id;
	g->hfn(g->ctx, h);
}

struct list_ctx {
	struct app *app;
	const struct actor *a;
	const struct person_filter *f;
	int64_t area_id;
	const char *after;
	struct page_ctx page;
};

static enum err households_list_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct list_ctx *x = arg;
	struct code_ranges r;
	char code[AREA_CODE_MAX + 1];
	int64_t after_id = 0;
	enum err rc = area_scope_ranges(c, x->a, x->area_id, &r, ei);
	if (rc != ERR_OK)
		return rc;
	if (x->after != NULL && (rc = cursor_parse(x->after, code, &after_id, ei)) != ERR_OK)
		return rc;
	x->page.n = 0;
	x->page.more = false;
	return store_household_list(c, &r, x->after ? code : NULL, after_id, x->page.limit + 1,
	                            page_household, &x->page, ei);
}

static int page_limit(int limit)
{
	return limit < 1 ? 20 : limit > 1000 ? 1000 : limit;
}

enum err households_list(struct app *app, const struct actor *a, int64_t area_id,
                         const char *after, int limit, household_fn fn, void *ctx,
                         char next[PEOPLE_CURSOR_MAX], struct errinfo *ei)
{
	struct list_ctx x = {.app = app, .a = a, .area_id = area_id, .after = after,
	                     .page = {.limit = page_limit(limit), .hfn = fn, .ctx = ctx}};
	next[0] = '\0';
	enum err rc = run_checked(app, a, false, "area", area_id, households_list_fn, &x, ei);
	if (rc == ERR_OK && x.page.more)
		cursor_format(next, x.page.last_code, x.page.last_id);
	return rc;
}

static enum err people_list_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct list_ctx *x = arg;
	const struct person_filter *f = x->f;
	struct code_ranges r;
	char code[AREA_CODE_MAX + 1], idh[CRYPTO_HASH_HEX], phh[CRYPTO_HASH_HEX];
	int64_t after_id = 0;
	enum err rc = area_scope_ranges(c, x->a, f->area_id, &r, ei);
	if (rc != ERR_OK)
		return rc;
	if (f->after != NULL && (rc = cursor_parse(f->after, code, &after_id, ei)) != ERR_OK)
		return rc;
	struct people_query q = {.ranges = &r, .name_prefix = f->q, .tag = f->tag,
	                         .residence = f->residence, .after_code = f->after ? code : NULL,
	                         .after_id = after_id, .limit = x->page.limit + 1};
	if (f->id_number != NULL) {
		pii_lookup(x->app, f->id_number, idh);
		q.id_number_hash = idh;
	}
	if (f->phone != NULL) {
		pii_lookup(x->app, f->phone, phh);
		q.phone_hash = phh;
	}
	x->page.n = 0;
	x->page.more = false;
	return store_people_list(c, &q, page_person, &x->page, ei);
}

enum err people_list(struct app *app, const struct actor *a, const struct person_filter *f,
                     person_fn fn, void *ctx, char next[PEOPLE_CURSOR_MAX], struct errinfo *ei)
{
	next[0] = '\0';
	unsigned visible = people_visible_tags(a);
	if (f->tag != NULL) {
		int t = person_tag_parse(f->tag);
		if (t < 0)
			return err_set(ei, ERR_INVALID, "tag", "tag must be one of the care tags");
		if (!(visible & TAG_BIT(t))) {
			err_set(ei, ERR_FORBIDDEN, "tag", "filtering on %s needs person.read_sensitive", f->tag);
			area_denied(app, a, "person_tag", ei);
			return ERR_FORBIDDEN;
		}
	}
	if (f->residence != NULL && !in_list(person_residences, f->residence))
		return err_set(ei, ERR_INVALID, "residence", "residence must be registered or floating");
	struct list_ctx x = {.app = app, .a = a, .f = f,
	                     .page = {.app = app, .limit = page_limit(f->limit), .visible = visible, .pfn = fn,
	                              .ctx = ctx}};
	enum err rc = run_checked(app, a, false, "area", f->area_id, people_list_fn, &x, ei);
	if (rc == ERR_OK && x.page.more)
		cursor_format(next, x.page.last_code, x.page.last_id);
	return rc;
}

/* --- one household, one person --------------------------------------------------- */

struct one_ctx {
	struct app *app;
	const struct actor *a;
	int64_t id;
	struct household_row *h;
	struct person_row *p;
	person_fn fn;
	void *ctx;
	const char *room;
	const struct person_input *in;
	bool want_id, want_phone;
	char *plain_id, *plain_phone;
};

static enum err household_get_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct one_ctx *x = arg;
	enum err rc = household_load(c, x->a, x->id, x->h, ei);
	if (rc != ERR_OK)
		return rc;
	struct code_ranges all;
	code_ranges_set(&all, NULL, 0);
	struct page_ctx page = {.app = x->app, .limit = 10000, .visible = people_visible_tags(x->a), .pfn = x->fn,
	                        .ctx = x->ctx};
	struct people_query q = {.ranges = &all, .household_id = x->h->id, .limit = page.limit};
	return store_people_list(c, &q, page_person, &page, ei);
}

enum err households_get(struct app *app, const struct actor *a, int64_t id,
                        struct household_row *out, person_fn fn, void *ctx, struct errinfo *ei)
{
	struct one_ctx x = {.app = app, .a = a, .id = id, .h = out, .fn = fn, .ctx = ctx};
	return run_checked(app, a, false, "household", id, household_get_fn, &x, ei);
}

static enum err household_create_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct one_ctx *x = arg;
	struct area_row ar;
	enum err rc = store_area_get(c, x->id, &ar, ei);
	if (rc == ERR_NOTFOUND)
		return err_set(ei, ERR_INVALID, "area_id", "no area %lld", (long long)x->id);
	if (rc != ERR_OK || (rc = check_household_area(x->a, &ar, "area_id", ei)) != ERR_OK ||
	    (rc = check_room(x->room, ei)) != ERR_OK)
		return rc;
	struct household_row *h = x->h;
	memset(h, 0, sizeof *h);
	h->area_id = ar.id;
	snprintf(h->area_code, sizeof h->area_code, "%s", ar.code);
	utf8_copy(h->room, sizeof h->room, x->room);
	if ((rc = store_household_insert(c, h, true, ei)) != ERR_OK)
		return rc;
	char object[48], detail[200];
	snprintf(object, sizeof object, "household:%lld", (long long)h->id);
	snprintf(detail, sizeof detail, "%s %s", h->area_code, h->room);
	return audit_append(c, x->a, "household.create", object, "ok", detail, ei);
}

enum err households_create(struct app *app, const struct actor *a, int64_t area_id,
                           const char *room, struct household_row *out, struct errinfo *ei)
{
	struct one_ctx x = {.app = app, .a = a, .id = area_id, .h = out, .room = room};
	return run_checked(app, a, true, "area", area_id, household_create_fn, &x, ei);
}

static enum err household_update_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct one_ctx *x = arg;
	struct household_row before, other;
	enum err rc = household_load(c, x->a, x->id, &before, ei);
	if (rc != ERR_OK || (rc = check_room(x->room, ei)) != ERR_OK)
		return rc;
	*x->h = before;
	if (strcmp(before.room, x->room) == 0)
		return ERR_OK;
	rc = store_household_find(c, before.area_id, x->room, &other, ei);
	if (rc == ERR_OK)
		return err_set(ei, ERR_CONFLICT, "room", "room %s is already a household here", x->room);
	if (rc != ERR_NOTFOUND)
		return rc;
	err_clear(ei);
	utf8_copy(x->h->room, sizeof x->h->room, x->room);
	if ((rc = store_household_update(c, x->h, ei)) != ERR_OK)
		return rc;
	char object[48], detail[200];
	snprintf(object, sizeof object, "household:%lld", (long long)before.id);
	snprintf(detail, sizeof detail, "room %s → %s", before.room, x->h->room);
	return audit_append(c, x->a, "household.update", object, "ok", detail, ei);
}

enum err households_update(struct app *app, const struct actor *a, int64_t id, const char *room,
                           struct household_row *out, struct errinfo *ei)
{
	struct one_ctx x = {.app = app, .a = a, .id = id, .h = out, .room = room};
	return run_checked(app, a, true, "household", id, household_update_fn, &x, ei);
}

static enum err person_get_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct one_ctx *x = arg;
	enum err rc = person_load(c, x->a, x->id, x->p, ei);
	if (rc == ERR_OK)
		present(x->app, people_visible_tags(x->a), x->p);
	return rc;
}

enum err people_get(struct app *app, const struct actor *a, int64_t id, struct person_row *out,
                    struct errinfo *ei)
{
	struct one_ctx x = {.app = app, .a = a, .id = id, .p = out};
	return run_checked(app, a, false, "person", id, person_get_fn, &x, ei);
}

/* The place the API asks for: a household (its area follows) or an area.
 * out holds the person as they were on a change. */
static enum err person_place(struct store_conn *c, const struct actor *a,
                             const struct person_input *in, const struct person_row *before,
                             struct person_row *out, unsigned *ch, struct errinfo *ei)
{
	enum err rc;
	if (in->set_household && in->household_id > 0) {
		struct household_row h;
		rc = store_household_get(c, in->household_id, &h, ei);
		if (rc == ERR_NOTFOUND)
			return err_set(ei, ERR_INVALID, "household_id", "no household %lld",
			               (long long)in->household_id);
		if (rc != ERR_OK)
			return rc;
		if (!covers(a, h.area_code))
			return err_set(ei, ERR_FORBIDDEN, "household_id", "the household lies outside your scope");
		if (in->set_area && in->area_id != h.area_id)
			return err_set(ei, ERR_INVALID, "area_id", "the household lies in area %lld",
			               (long long)h.area_id);
		out->household_id = h.id;
		out->area_id = h.area_id;
		snprintf(out->area_code, sizeof out->area_code, "%s", h.area_code);
		utf8_copy(out->room, sizeof out->room, h.room);
	} else if (in->set_area) {
		struct area_row ar;
		rc = store_area_get(c, in->area_id, &ar, ei);
		if (rc == ERR_NOTFOUND)
			return err_set(ei, ERR_INVALID, "area_id", "no area %lld", (long long)in->area_id);
		if (rc != ERR_OK || (rc = check_person_area(a, &ar, "area_id", ei)) != ERR_OK)
			return rc;
		/* Staying in the same area keeps the household unless told to leave it. */
		bool keep = before != NULL && !in->set_household && before->area_id == ar.id;
		if (!keep) {
			out->household_id = 0;
			out->room[0] = '\0';
		}
		out->area_id = ar.id;
		snprintf(out->area_code, sizeof out->area_code, "%s", ar.code);
	} else if (in->set_household) { /* household_id 0: moves out, stays in the area */
		if (before == NULL)
			return err_set(ei, ERR_INVALID, "household_id", "give household_id or area_id");
		out->household_id = 0;
		out->room[0] = '\0';
	} else if (before == NULL) {
		return err_set(ei, ERR_INVALID, "household_id", "give household_id or area_id");
	}
	if (before == NULL || before->household_id != out->household_id ||
	    before->area_id != out->area_id)
		*ch |= CH_PLACE;
	return ERR_OK;
}

static enum err person_create_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct one_ctx *x = arg;
	struct person_row *p = x->p;
	struct pii idn, phone;
	unsigned ch = 0;
	memset(p, 0, sizeof *p);
	enum err rc = person_place(c, x->a, x->in, NULL, p, &ch, ei);
	if (rc != ERR_OK)
		return rc;
	rc = person_check(x->app, x->a, x->in, NULL, p, &idn, &phone, &ch, ei);
	if (rc == ERR_OK)
		rc = person_insert(c, p, &idn, &phone, true, ei);
	pii_free(&idn);
	pii_free(&phone);
	if (rc != ERR_OK)
		return rc;
	char object[48], detail[80];
	snprintf(object, sizeof object, "person:%lld", (long long)p->id);
	snprintf(detail, sizeof detail, "area %s", p->area_code);
	present(x->app, people_visible_tags(x->a), p);
	return audit_append(c, x->a, "person.create", object, "ok", detail, ei);
}

enum err people_create(struct app *app, const struct actor *a, const struct person_input *in,
                       struct person_row *out, struct errinfo *ei)
{
	struct one_ctx x = {.app = app, .a = a, .p = out, .in = in};
	int64_t where = in->set_household && in->household_id ? in->household_id : in->area_id;
	return run_checked(app, a, true, in->set_household && in->household_id ? "household" : "area",
	                   where, person_create_fn, &x, ei);
}

static enum err person_update_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct one_ctx *x = arg;
	struct person_row before, *p = x->p;
	struct pii idn, phone;
	unsigned ch = 0;
	enum err rc = person_load(c, x->a, x->id, &before, ei);
	if (rc != ERR_OK)
		return rc;
	*p = before;
	if ((rc = person_place(c, x->a, x->in, &before, p, &ch, ei)) != ERR_OK)
		return rc;
	if ((rc = person_check(x->app, x->a, x->in, &before, p, &idn, &phone, &ch, ei)) != ERR_OK)
		goto out;
	if (idn.enc != NULL) {
		int64_t other = 0;
		if ((rc = store_person_by_id_hash(c, idn.hash, p->id, &other, ei)) != ERR_OK)
			goto out;
		if (other != 0) {
			rc = err_set(ei, ERR_CONFLICT, "id_number", "a person with this ID number is registered");
			goto out;
		}
	}
	if (ch == 0)
		goto out;
	struct sealed si = sealed_of(&idn), sp = sealed_of(&phone);
	if ((rc = store_person_update(c, p, ei)) != ERR_OK ||
	    ((ch & CH_ID) && (rc = store_person_set_id_number(c, p->id, &si, ei)) != ERR_OK) ||
	    ((ch & CH_PHONE) && (rc = store_person_set_phone(c, p->id, &sp, ei)) != ERR_OK) ||
	    ((ch & CH_TAGS) && (rc = store_person_tags_set(c, p->id, before.tags, p->tags, ei)) != ERR_OK))
		goto out;
	char object[48], detail[160];
	snprintf(object, sizeof object, "person:%lld", (long long)p->id);
	changes_text(ch, detail, sizeof detail);
	rc = audit_append(c, x->a, "person.update", object, "ok", detail, ei);
out:
	pii_free(&idn);
	pii_free(&phone);
	present(x->app, people_visible_tags(x->a), p);
	return rc;
}

enum err people_update(struct app *app, const struct actor *a, int64_t id,
                       const struct person_input *in, struct person_row *out, struct errinfo *ei)
{
	struct one_ctx x = {.app = app, .a = a, .id = id, .p = out, .in = in};
	return run_checked(app, a, true, "person", id, person_update_fn, &x, ei);
}

static enum err unmask_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct one_ctx *x = arg;
	struct person_row p;
	char *enc_id = NULL, *enc_phone = NULL;
	/* A retried transaction starts again from nothing. */
	free(x->plain_id);
	free(x->plain_phone);
	x->plain_id = x->plain_phone = NULL;
	enum err rc = person_load(c, x->a, x->id, &p, ei);
	if (rc != ERR_OK || (rc = store_person_sealed(c, x->id, &enc_id, &enc_phone, ei)) != ERR_OK)
		goto out;
	if (x->want_id && enc_id != NULL && (x->plain_id = pii_open(x->app, enc_id)) == NULL) {
		rc = err_set(ei, ERR_INTERNAL, NULL, "cannot decrypt the ID number");
		goto out;
	}
	if (x->want_phone && enc_phone != NULL && (x->plain_phone = pii_open(x->app, enc_phone)) == NULL) {
		rc = err_set(ei, ERR_INTERNAL, NULL, "cannot decrypt the phone");
		goto out;
	}
	char object[48], fields[32];
	snprintf(object, sizeof object, "person:%lld", (long long)x->id);
	snprintf(fields, sizeof fields, "%s%s%s", x->want_id ? "id_number" : "",
	         x->want_id && x->want_phone ? "," : "", x->want_phone ? "phone" : "");
	rc = pii_audit_unmask(c, x->a, object, fields, ei);
out:
	free(enc_id);
	free(enc_phone);
	return rc;
}

enum err people_unmask(struct app *app, const struct actor *a, int64_t id, bool id_number,
                       bool phone, char **id_number_out, char **phone_out, struct errinfo *ei)
{
	*id_number_out = *phone_out = NULL;
	if (!id_number && !phone)
		return err_set(ei, ERR_INVALID, "fields", "name id_number, phone or both");
	struct one_ctx x = {.app = app, .a = a, .id = id, .want_id = id_number, .want_phone = phone};
	enum err rc = run_checked(app, a, true, "person", id, unmask_fn, &x, ei);
	if (rc != ERR_OK) {
		free(x.plain_id);
		free(x.plain_phone);
		return rc;
	}
	*id_number_out = x.plain_id;
	*phone_out = x.plain_phone;
	return ERR_OK;
}

/* --- CSV import and xlsx export (domain/registers_io.h) --------------------------------- */

/* Spreadsheet words for the stored values, both ways: imports take either. */
struct label {
	const char *id, *zh, *alt;
};
static const struct label gender_labels[] = {{"male", "男", NULL}, {"female", "女", NULL}, {NULL}};
static const struct label residence_labels[] = {
	{"registered", "户籍", "户籍人口"}, {"floating", "流动", "流动人口"}, {NULL}};
static const struct label relation_labels[] = {
	{"head", "户主", "本人"},     {"spouse", "配偶", NULL},      {"child", "子女", NULL},
	{"parent", "父母", NULL},     {"grandchild", "孙子女", NULL}, {"grandparent", "祖父母", NULL},
	{"sibling", "兄弟姐妹", NULL}, {"other", "其他", NULL},       {NULL}};
static const struct label tag_labels[] = {
	{"low_income", "低保", NULL},       {"extreme_poverty", "特困", NULL},
	{"elderly_80", "高龄", NULL},       {"disabled", "残疾", NULL},
	{"orphan", "孤儿", NULL},           {"left_behind_child", "留守儿童", NULL},
	{"lone_elderly", "独居老人", "空巢老人"}, {"veteran", "退役军人", NULL},
	{NULL}};

/* The identifier of a cell written either way; the cell itself when no
 * label matches, so the shared check reports it. */
static const char *label_id(const struct label *l, const char *cell)
{
	for (; l->id; l++)
		if (strcmp(cell, l->id) == 0 || strcmp(cell, l->zh) == 0 || (l->alt && strcmp(cell, l->alt) == 0))
			return l->id;
	return cell;
}

static const char *label_zh(const struct label *l, const char *id)
{
	for (; l->id; l++)
		if (strcmp(id, l->id) == 0)
			return l->zh;
	return id;
}

enum { HC_AREA_CODE, HC_ROOM, HC__MAX };
static const char *const household_columns[] = {[HC_AREA_CODE] = "area_code", [HC_ROOM] = "room",
                                                [HC__MAX] = NULL};
static const char *const household_required[] = {"area_code", "room", NULL};
static const char *const household_titles[] = {"区域编码", "房号", NULL};

enum {
	PC_AREA_CODE,
	PC_ROOM,
	PC_NAME,
	PC_GENDER,
	PC_BIRTH_DATE,
	PC_ID_NUMBER,
	PC_PHONE,
	PC_RESIDENCE,
	PC_RELATION,
	PC_TAGS,
	PC__MAX
};
static const char *const person_columns[] = {
	[PC_AREA_CODE] = "area_code", [PC_ROOM] = "room",           [PC_NAME] = "name",
	[PC_GENDER] = "gender",       [PC_BIRTH_DATE] = "birth_date", [PC_ID_NUMBER] = "id_number",
	[PC_PHONE] = "phone",         [PC_RESIDENCE] = "residence",  [PC_RELATION] = "relation",
	[PC_TAGS] = "tags",           [PC__MAX] = NULL};
static const char *const person_required[] = {"area_code", "name", "residence", NULL};
static const char *const person_titles[] = {"区域编码", "房号",    "姓名",     "性别",       "出生日期",
                                            "身份证号", "手机号", "户籍类型", "与户主关系", "标签",
                                            NULL};

#define CELL_MAX 256 /* bytes of one cell; longer is refused */

/* Cell k of the row, trimmed of spaces, copied into buf; "" when the column
 * is absent. ERR_INVALID naming the column when it is too long. */
static enum err cell(const struct import_row *r, int k, const char *const *columns, char *buf,
                     size_t cap, struct errinfo *ei)
{
	buf[0] = '\0';
	int i = r->col[k];
	if (i < 0)
		return ERR_OK;
	const char *s = r->field[i];
	size_t n = r->len[i];
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (n >= cap)
		return err_set(ei, ERR_INVALID, columns[k], "%s is too long", columns[k]);
	memcpy(buf, s, n);
	buf[n] = '\0';
	return ERR_OK;
}

/* Caches of one import: rows of a file come grouped by building and
 * household, so a small direct-mapped table saves nearly every lookup. All
 * entries come from the import's own transaction. */
#define AREA_CACHE 256
#define HOUSEHOLD_CACHE 1024
struct io_state {
	int last_line;
	bool area_used[AREA_CACHE];
	struct area_row areas[AREA_CACHE];
	struct {
		int64_t area_id, id;
		char room[ROOM_MAX * 4 + 1];
	} households[HOUSEHOLD_CACHE];
};

static uint32_t fnv(const char *s, uint32_t h)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void *io_begin(struct import_ctx *x)
{
	(void)x;
	return calloc(1, sizeof(struct io_state));
}

static void io_end(void *state)
{
	free(state);
}

/* Forgets everything when the lines start again: the runner's transaction
 * was retried, and what the cache holds was rolled back. */
static void io_line(struct io_state *st, int line)
{
	if (st != NULL && line <= st->last_line)
		memset(st, 0, sizeof *st);
	if (st != NULL)
		st->last_line = line;
}

static enum err io_area(struct io_state *st, struct store_conn *c, const char *code,
                        struct area_row *out, struct errinfo *ei)
{
	if (code[0] == '\0')
		return err_set(ei, ERR_INVALID, "area_code", "area_code is required");
	uint32_t k = fnv(code, 2166136261u) % AREA_CACHE;
	if (st != NULL && st->area_used[k] && strcmp(st->areas[k].code, code) == 0) {
		*out = st->areas[k];
		return ERR_OK;
	}
	enum err rc = store_area_by_code(c, code, out, ei);
	if (rc == ERR_NOTFOUND)
		return err_set(ei, ERR_INVALID, "area_code", "no area has the code %s", code);
	if (rc == ERR_OK && st != NULL) {
		st->areas[k] = *out;
		st->area_used[k] = true;
	}
	return rc;
}

/* The household of room in ar (checked), created when absent if create. */
static enum err io_household(struct io_state *st, struct store_conn *c, const struct actor *a,
                             const struct area_row *ar, const char *room, bool create,
                             struct household_row *h, struct errinfo *ei)
{
	enum err rc;
	if ((rc = check_household_area(a, ar, "area_code", ei)) != ERR_OK || (rc = check_room(room, ei)) != ERR_OK)
		return rc;
	char key[32];
	snprintf(key, sizeof key, "%lld/", (long long)ar->id);
	uint32_t k = fnv(room, fnv(key, 2166136261u)) % HOUSEHOLD_CACHE;
	memset(h, 0, sizeof *h);
	h->area_id = ar->id;
	snprintf(h->area_code, sizeof h->area_code, "%s", ar->code);
	utf8_copy(h->room, sizeof h->room, room);
	if (st != NULL && st->households[k].id && st->households[k].area_id == ar->id &&
	    strcmp(st->households[k].room, room) == 0) {
		h->id = st->households[k].id;
		return ERR_OK;
	}
	rc = store_household_find(c, ar->id, room, h, ei);
	if (rc == ERR_NOTFOUND && create) {
		err_clear(ei);
		if ((rc = store_household_insert(c, h, false, ei)) == ERR_OK)
			rc = store_household_find(c, ar->id, room, h, ei);
	}
	if (rc == ERR_OK && st != NULL) {
		st->households[k].area_id = ar->id;
		st->households[k].id = h->id;
		utf8_copy(st->households[k].room, sizeof st->households[k].room, room);
	}
	return rc;
}

static enum err household_row_fn(struct import_ctx *x, struct store_conn *c,
                                 const struct import_row *r, struct errinfo *ei)
{
	struct io_state *st = x->state;
	char code[CELL_MAX], room[CELL_MAX];
	io_line(st, r->line);
	enum err rc;
	if ((rc = cell(r, HC_AREA_CODE, household_columns, code, sizeof code, ei)) != ERR_OK ||
	    (rc = cell(r, HC_ROOM, household_columns, room, sizeof room, ei)) != ERR_OK)
		return rc;
	struct area_row ar;
	if ((rc = io_area(st, c, code, &ar, ei)) != ERR_OK ||
	    (rc = check_household_area(x->actor, &ar, "area_code", ei)) != ERR_OK ||
	    (rc = check_room(room, ei)) != ERR_OK)
		return rc;
	struct household_row h;
	memset(&h, 0, sizeof h);
	h.area_id = ar.id;
	snprintf(h.area_code, sizeof h.area_code, "%s", ar.code);
	utf8_copy(h.room, sizeof h.room, room);
	return store_household_insert(c, &h, false, ei);
}

static enum err person_row_fn(struct import_ctx *x, struct store_conn *c,
                              const struct import_row *r, struct errinfo *ei)
{
	struct io_state *st = x->state;
	char v[PC__MAX][CELL_MAX];
	io_line(st, r->line);
	enum err rc;
	for (int k = 0; k < PC__MAX; k++)
		if ((rc = cell(r, k, person_columns, v[k], sizeof v[k], ei)) != ERR_OK)
			return rc;
	/* Empty cells are fields not given; labels become identifiers. */
	struct person_input in = {
		.name = v[PC_NAME][0] ? v[PC_NAME] : NULL,
		.gender = v[PC_GENDER][0] ? label_id(gender_labels, v[PC_GENDER]) : NULL,
		.birth_date = v[PC_BIRTH_DATE][0] ? v[PC_BIRTH_DATE] : NULL,
		.id_number = v[PC_ID_NUMBER][0] ? v[PC_ID_NUMBER] : NULL,
		.phone = v[PC_PHONE][0] ? v[PC_PHONE] : NULL,
		.residence = v[PC_RESIDENCE][0] ? label_id(residence_labels, v[PC_RESIDENCE]) : NULL,
		.relation = v[PC_RELATION][0] ? label_id(relation_labels, v[PC_RELATION]) : NULL,
		.set_tags = true,
	};
	/* tags: "低保;高龄" or "low_income;elderly_80" (；、, also separate) */
	for (char *s = v[PC_TAGS], *end; *s; s = end) {
		size_t n = strcspn(s, ";,");
		const char *seps[] = {"；", "、", "，"};
		for (size_t i = 0; i < 3; i++) {
			char *w = strstr(s, seps[i]);
			if (w != NULL && (size_t)(w - s) < n)
				n = (size_t)(w - s);
		}
		end = s + n;
		char tok[64];
		size_t len = n < sizeof tok - 1 ? n : sizeof tok - 1;
		memcpy(tok, s, len);
		tok[len] = '\0';
		if (*end == ';' || *end == ',')
			end++;
		else if (*end != '\0')
			end += 3; /* a full-width separator: three bytes */
		char *t = tok;
		while (*t == ' ')
			t++;
		for (size_t m = strlen(t); m > 0 && t[m - 1] == ' '; m--)
			t[m - 1] = '\0';
		if (*t == '\0')
			continue;
		int tag = person_tag_parse(label_id(tag_labels, t));
		if (tag < 0)
			return err_set(ei, ERR_INVALID, "tags", "%s is not a care tag", t);
		in.tags |= TAG_BIT(tag);
	}
	struct person_row p;
	struct pii idn, phone;
	unsigned ch = 0;
	memset(&p, 0, sizeof p);
	/* person_check zeroes idn and phone first and may seal them before it fails. */
	if ((rc = person_check(x->app, x->actor, &in, NULL, &p, &idn, &phone, &ch, ei)) != ERR_OK)
		goto out;
	/* The place: the household of the room (made when new), or the area. */
	struct area_row ar;
	if ((rc = io_area(st, c, v[PC_AREA_CODE], &ar, ei)) != ERR_OK)
		goto out;
	if (v[PC_ROOM][0]) {
		struct household_row h;
		if ((rc = io_household(st, c, x->actor, &ar, v[PC_ROOM], true, &h, ei)) != ERR_OK)
			goto out;
		p.household_id = h.id;
		utf8_copy(p.room, sizeof p.room, h.room);
	} else if ((rc = check_person_area(x->actor, &ar, "area_code", ei)) != ERR_OK) {
		goto out;
	}
	p.area_id = ar.id;
	snprintf(p.area_code, sizeof p.area_code, "%s", ar.code);
	rc = person_insert(c, &p, &idn, &phone, false, ei);
out:
	pii_free(&idn);
	pii_free(&phone);
	return rc;
}

/* Exports walk the ranges a page at a time on the index, so memory stays
 * flat however large the register (PostgreSQL hands a result over whole). */
#define EXPORT_PAGE 1000

struct export_ctx {
	const struct app *app;
	void (*emit)(void *ctx, const char *const *cells);
	void *ctx;
	unsigned visible;
	int n;
	char last_code[AREA_CODE_MAX + 1];
	int64_t last_id;
};

static void export_household(void *arg, const struct household_row *h)
{
	struct export_ctx *e = arg;
	const char *cells[] = {h->area_code, h->room};
	e->emit(e->ctx, cells);
	e->n++;
	snprintf(e->last_code, sizeof e->last_code, "%s", h->area_code);
	e->last_id = h->id;
}

static enum err household_export(struct import_ctx *x, struct store_conn *c,
                                 const struct code_ranges *r,
                                 void (*emit)(void *ctx, const char *const *cells), void *ctx,
                                 struct errinfo *ei)
{
	struct export_ctx e = {.emit = emit, .ctx = ctx};
	char after[AREA_CODE_MAX + 1] = "";
	enum err rc;
	do {
		/* A bound parameter is not copied: the cursor must not change under
		 * the running query, so it is read from its own buffer. */
		memcpy(after, e.last_code, sizeof after);
		e.n = 0;
		rc = store_household_list(c, r, after[0] ? after : NULL, e.last_id, EXPORT_PAGE,
		                          export_household, &e, ei);
	} while (rc == ERR_OK && e.n == EXPORT_PAGE);
	return rc;
}

static bool export_person(void *arg, const struct person_row *row)
{
	struct export_ctx *e = arg;
	struct person_row shown = *row, *p = &shown;
	present(e->app, e->visible, p);
	char tags[160] = "";
	size_t off = 0;
	for (int t = 0; t < TAG__MAX; t++)
		if ((p->tags & e->visible & TAG_BIT(t)) && off < sizeof tags)
			off += (size_t)snprintf(tags + off, sizeof tags - off, "%s%s", off ? ";" : "",
			                        label_zh(tag_labels, person_tag_names[t]));
	const char *cells[] = {p->area_code,
	                       p->room,
	                       p->name,
	                       label_zh(gender_labels, p->gender),
	                       p->birth_date,
	                       p->id_number_masked,
	                       p->phone_masked,
	                       label_zh(residence_labels, p->residence),
	                       label_zh(relation_labels, p->relation),
	                       tags};
	e->emit(e->ctx, cells);
	e->n++;
	memcpy(e->last_code, row->area_code, sizeof e->last_code);
	e->last_id = row->id;
	return true;
}

static enum err person_export(struct import_ctx *x, struct store_conn *c,
                              const struct code_ranges *r,
                              void (*emit)(void *ctx, const char *const *cells), void *ctx,
                              struct errinfo *ei)
{
	struct export_ctx e = {.app = x->app, .emit = emit, .ctx = ctx,
	                       .visible = people_visible_tags(x->actor)};
	char after[AREA_CODE_MAX + 1] = "";
	enum err rc;
	do {
		memcpy(after, e.last_code, sizeof after); /* see household_export */
		e.n = 0;
		struct people_query q = {.ranges = r, .after_code = after[0] ? after : NULL,
		                         .after_id = e.last_id, .limit = EXPORT_PAGE};
		rc = store_people_list(c, &q, export_person, &e, ei);
	} while (rc == ERR_OK && e.n == EXPORT_PAGE);
	return rc;
}

const struct register_io household_io = {
	.name = "households",
	.title_zh = "住户",
	.read_cap = "person.read",
	.manage_cap = "person.manage",
	.columns = household_columns,
	.required = household_required,
	.row = household_row_fn,
	.begin = io_begin,
	.end = io_end,
	.export_titles = household_titles,
	.export_rows = household_export,
};

const struct register_io person_io = {
	.name = "people",
	.title_zh = "居民",
	.read_cap = "person.read",
	.manage_cap = "person.manage",
	.columns = person_columns,
	.required = person_required,
	.row = person_row_fn,
	.begin = io_begin,
	.end = io_end,
	.export_titles = person_titles,
	.export_rows = person_export,
};
