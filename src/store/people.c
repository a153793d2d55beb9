/* SQL of households and people. Lists seek on (area_code, id) with a row
 * value, so a deep page costs what the first one does; personal data
 * arrives here sealed and leaves masked (only store_person_sealed reads the
 * ciphertext, for an audited unmasking). */
#include "store/people.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/strbuf.h"

const char *const person_tag_names[TAG__MAX + 1] = {
	[TAG_LOW_INCOME] = "low_income",
	[TAG_EXTREME_POVERTY] = "extreme_poverty",
	[TAG_ELDERLY_80] = "elderly_80",
	[TAG_DISABLED] = "disabled",
	[TAG_ORPHAN] = "orphan",
	[TAG_LEFT_BEHIND_CHILD] = "left_behind_child",
	[TAG_LONE_ELDERLY] = "lone_elderly",
	[TAG_VETERAN] = "veteran",
	[TAG__MAX] = NULL,
};

int person_tag_parse(const char *s)
{
	for (int t = 0; s != NULL && t < TAG__MAX; t++)
		if (strcmp(s, person_tag_names[t]) == 0)
			return t;
	return -1;
}

/* --- households -------------------------------------------------------------- */

/* RETURNING costs SQLite dearly inside a long transaction: it runs as a
 * trigger, so the statement opens a statement journal, and releasing that
 * walks the transaction's whole in-memory sub-journal, which makes a large
 * import quadratic. Bulk callers ask for no id and look the row up by a
 * unique key instead. */
#define HOUSEHOLD_INSERT                                                                   \
	"INSERT INTO household (area_id, area_code, room, created_at, updated_at)"              \
	" VALUES (?, ?, ?, ?, ?) ON CONFLICT (area_id, room) DO NOTHING"

#define HOUSEHOLD_COLS                                                                     \
	"h.id, h.area_id, h.area_code, h.room, h.created_at, h.updated_at,"                    \
	" (SELECT COUNT(*) FROM person k WHERE k.household_id = h.id)"

static void household_from_row(struct store_stmt *s, struct household_row *h)
{
	memset(h, 0, sizeof *h);
	h->id = store_col_int(s, 0);
	h->area_id = store_col_int(s, 1);
	store_copy_text(h->area_code, sizeof h->area_code, store_col_text(s, 2, NULL));
	store_copy_text(h->room, sizeof h->room, store_col_text(s, 3, NULL));
	store_copy_text(h->created_at, sizeof h->created_at, store_col_text(s, 4, NULL));
	store_copy_text(h->updated_at, sizeof h->updated_at, store_col_text(s, 5, NULL));
	h->people = store_col_int(s, 6);
}

static void fill_household(struct store_stmt *s, void *out) { household_from_row(s, out); }

static enum err one_household(struct store_conn *c, const char *sql, const struct store_val *p,
                              int np, struct household_row *h, struct errinfo *ei)
{
	return store_one_row(c, sql, p, np, fill_household, h, "household", ei);
}

enum err store_household_get(struct store_conn *c, int64_t id, struct household_row *h,
                             struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(id)};
	return one_household(c, "SELECT " HOUSEHOLD_COLS " FROM household h WHERE h.id = ?", p, 1, h, ei);
}

enum err store_household_find(struct store_conn *c, int64_t area_id, const char *room,
                              struct household_row *h, struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(area_id), SV_TEXT(room)};
	return one_household(c,
	                     "SELECT " HOUSEHOLD_COLS " FROM household h WHERE h.area_id = ? AND h.room = ?",
	                     p, 2, h, ei);
}

/* " AND <alias>.area_code in the ranges", and past the cursor (after_code,
 * after_id) when there is one. The cursor is a row value, so both backends
 * seek the (area_code, id) index straight to it; SQLite seeks on one lower
 * bound only, so with a single range the range's own lower bound is folded
 * into the cursor instead of standing beside it. */
static void scope_sql(const struct code_ranges *r, const char *alias, const char *after_code,
                      int64_t after_id, struct strbuf *sb, struct store_val *p, int *np)
{
	char col[32];
	snprintf(col, sizeof col, "%s.area_code", alias);
	if (after_code == NULL) {
		code_ranges_sql(r, col, sb, p, np);
		return;
	}
	if (r != NULL && !r->all && r->n == 1) {
		bool before_range = strcmp(after_code, r->lo[0]) < 0;
		strbuf_addf(sb, " AND (%s.area_code, %s.id) > (?, ?) AND %s.area_code < ?", alias, alias,
		            alias);
		p[(*np)++] = SV_TEXT(before_range ? r->lo[0] : after_code);
		p[(*np)++] = SV_INT(before_range ? 0 : after_id);
		p[(*np)++] = SV_TEXT(r->hi[0]);
		return;
	}
	code_ranges_sql(r, col, sb, p, np);
	strbuf_addf(sb, " AND (%s.area_code, %s.id) > (?, ?)", alias, alias);
	p[(*np)++] = SV_TEXT(after_code);
	p[(*np)++] = SV_INT(after_id);
}

enum err store_household_list(struct store_conn *c, const struct code_ranges *r,
                              const char *after_code, int64_t after_id, int limit,
                              household_fn fn, void *ctx, struct errinfo *ei)
{
	struct store_val p[48];
	int np = 0;
	struct strbuf sb;
	strbuf_init(&sb, 4096);
	strbuf_adds(&sb, "SELECT " HOUSEHOLD_COLS " FROM household h WHERE 1 = 1");
	scope_sql(r, "h", after_code, after_id, &sb, p, &np);
	strbuf_adds(&sb, " ORDER BY h.area_code, h.id LIMIT ?");
	p[np++] = SV_INT(limit);
	enum err rc = ERR_OK;
	struct store_stmt *s = NULL;
	if (sb.overflow)
		rc = err_set(ei, ERR_INTERNAL, NULL, "query too long");
	else
		rc = store_query(c, sb.buf, p, np, &s, ei);
	strbuf_free(&sb);
	if (rc != ERR_OK)
		return rc;
	int st;
	struct household_row h;
	while ((st = store_next(s)) == 1) {
		household_from_row(s, &h);
		fn(ctx, &h);
	}
	store_done(s);
	return st < 0 ? store_step_error(st, ei, "listing households") : ERR_OK;
}

enum err store_household_insert(struct store_conn *c, struct household_row *h, bool want_id,
                                struct errinfo *ei)
{
	clock_now_iso(h->created_at);
	memcpy(h->updated_at, h->created_at, sizeof h->updated_at);
	struct store_val p[] = {SV_INT(h->area_id), SV_TEXT(h->area_code), SV_TEXT(h->room),
	                        SV_TEXT(h->created_at), SV_TEXT(h->updated_at)};
	int r;
	h->id = 0;
	if (want_id) {
		struct store_stmt *s = NULL;
		enum err rc = store_query(c, HOUSEHOLD_INSERT " RETURNING id", p, 5, &s, ei);
		if (rc != ERR_OK)
			return rc;
		r = store_next(s);
		if (r == 1)
			h->id = store_col_int(s, 0);
		store_done(s);
		if (r < 0)
			return store_step_error(r, ei, "adding a household");
	} else {
		int64_t changes = 0;
		enum err rc = store_exec(c, HOUSEHOLD_INSERT, p, 5, &changes, ei);
		if (rc != ERR_OK)
			return rc;
		r = changes > 0;
	}
	if (r == 0)
		return err_set(ei, ERR_CONFLICT, "room", "room %s is already a household here", h->room);
	h->people = 0;
	return ERR_OK;
}

enum err store_household_update(struct store_conn *c, struct household_row *h, struct errinfo *ei)
{
	clock_now_iso(h->updated_at);
	struct store_val p[] = {SV_TEXT(h->room), SV_TEXT(h->updated_at), SV_INT(h->id)};
	return store_exec(c, "UPDATE household SET room = ?, updated_at = ? WHERE id = ?", p, 3, NULL, ei);
}

/* --- people ------------------------------------------------------------------ */

/* The tags as one mask: (person_id, tag) is the key, so no bit counts twice. */
#define TAG_MASK_COL                                                                       \
	" (SELECT COALESCE(SUM(CASE t.tag WHEN 'low_income' THEN 1 WHEN 'extreme_poverty' THEN 2" \
	" WHEN 'elderly_80' THEN 4 WHEN 'disabled' THEN 8 WHEN 'orphan' THEN 16"                  \
	" WHEN 'left_behind_child' THEN 32 WHEN 'lone_elderly' THEN 64 WHEN 'veteran' THEN 128"   \
	" ELSE 0 END), 0) FROM person_tag t WHERE t.person_id = p.id)"
#define PERSON_COLS                                                                        \
	"p.id, p.household_id, p.area_id, p.area_code, COALESCE(h.room, ''), p.name, p.gender,"  \
	" p.birth_date, p.id_number_masked, p.phone_masked, p.residence, p.relation,"           \
	" p.created_at, p.updated_at," TAG_MASK_COL
#define PERSON_FROM " FROM person p LEFT JOIN household h ON h.id = p.household_id"

_Static_assert(TAG__MAX == 8, "TAG_MASK_COL names every tag with its bit");

static void person_from_row(struct store_stmt *s, struct person_row *x)
{
	memset(x, 0, sizeof *x);
	x->id = store_col_int(s, 0);
	x->household_id = store_col_null(s, 1) ? 0 : store_col_int(s, 1);
	x->area_id = store_col_int(s, 2);
	store_copy_text(x->area_code, sizeof x->area_code, store_col_text(s, 3, NULL));
	store_copy_text(x->room, sizeof x->room, store_col_text(s, 4, NULL));
	store_copy_text(x->name, sizeof x->name, store_col_text(s, 5, NULL));
	store_copy_text(x->gender, sizeof x->gender, store_col_text(s, 6, NULL));
	store_copy_text(x->birth_date, sizeof x->birth_date, store_col_text(s, 7, NULL));
	store_copy_text(x->id_number_masked, sizeof x->id_number_masked, store_col_text(s, 8, NULL));
	store_copy_text(x->phone_masked, sizeof x->phone_masked, store_col_text(s, 9, NULL));
	store_copy_text(x->residence, sizeof x->residence, store_col_text(s, 10, NULL));
	store_copy_text(x->relation, sizeof x->relation, store_col_text(s, 11, NULL));
	store_copy_text(x->created_at, sizeof x->created_at, store_col_text(s, 12, NULL));
	store_copy_text(x->updated_at, sizeof x->updated_at, store_col_text(s, 13, NULL));
	x->tags = (unsigned)store_col_int(s, 14) & TAG_ALL;
}

enum err store_people_list(struct store_conn *c, const struct people_query *q, person_fn fn,
                           void *ctx, struct errinfo *ei)
{
	/* The upper end of a name prefix: U+10FFFF sorts after every character. */
	char hi[PERSON_NAME_MAX * 4 + 8];
	struct store_val p[56];
	int np = 0;
	struct strbuf sb;
	strbuf_init(&sb, 8192);
	strbuf_adds(&sb, "SELECT " PERSON_COLS PERSON_FROM " WHERE 1 = 1");
	scope_sql(q->ranges, "p", q->after_code, q->after_id, &sb, p, &np);
	if (q->household_id > 0) {
		strbuf_adds(&sb, " AND p.household_id = ?");
		p[np++] = SV_INT(q->household_id);
	}
	if (q->name_prefix != NULL && q->name_prefix[0] != '\0') {
		/* The range can use person_by_name; substr keeps it exact whatever
		 * the collation. Lengths are in characters on both backends. */
		snprintf(hi, sizeof hi, "%s\xf4\x8f\xbf\xbf", q->name_prefix);
		size_t chars = 0;
		for (const char *s = q->name_prefix; *s; s++)
			chars += ((unsigned char)*s & 0xc0) != 0x80;
		strbuf_adds(&sb, " AND p.name >= ? AND p.name < ? AND substr(p.name, 1, ?) = ?");
		p[np++] = SV_TEXT(q->name_prefix);
		p[np++] = SV_TEXT(hi);
		p[np++] = SV_INT((int64_t)chars);
		p[np++] = SV_TEXT(q->name_prefix);
	}
	if (q->id_number_hash != NULL) {
		strbuf_adds(&sb, " AND p.id_number_hash = ?");
		p[np++] = SV_TEXT(q->id_number_hash);
	}
	if (q->phone_hash != NULL) {
		strbuf_adds(&sb, " AND p.phone_hash = ?");
		p[np++] = SV_TEXT(q->phone_hash);
	}
	if (q->tag != NULL) {
		strbuf_adds(&sb, " AND EXISTS (SELECT 1 FROM person_tag g WHERE g.person_id = p.id"
		                 " AND g.tag = ?)");
		p[np++] = SV_TEXT(q->tag);
	}
	if (q->residence != NULL) {
		strbuf_adds(&sb, " AND p.residence = ?");
		p[np++] = SV_TEXT(q->residence);
	}
	strbuf_adds(&sb, " ORDER BY p.area_code, p.id LIMIT ?");
	p[np++] = SV_INT(q->limit);
	enum err rc = ERR_OK;
	struct store_stmt *s = NULL;
	if (sb.overflow)
		rc = err_set(ei, ERR_INTERNAL, NULL, "query too long");
	else
		rc = store_query(c, sb.buf, p, np, &s, ei);
	strbuf_free(&sb);
	if (rc != ERR_OK)
		return rc;
	int st;
	struct person_row x;
	while ((st = store_next(s)) == 1) {
		person_from_row(s, &x);
		if (!fn(ctx, &x))
			break;
	}
	store_done(s);
	return st < 0 ? store_step_error(st, ei, "listing people") : ERR_OK;
}

enum err store_person_get(struct store_conn *c, int64_t id, struct person_row *x,
                          struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(id)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT " PERSON_COLS PERSON_FROM " WHERE p.id = ?", p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	if (r == 1)
		person_from_row(s, x);
	store_done(s);
	if (r < 0)
		return store_step_error(r, ei, "reading a person");
	return r == 0 ? err_set(ei, ERR_NOTFOUND, NULL, "no such person") : ERR_OK;
}

enum err store_person_by_id_hash(struct store_conn *c, const char *hash, int64_t except,
                                 int64_t *id, struct errinfo *ei)
{
	*id = 0;
	struct store_val p[] = {SV_TEXT(hash), SV_INT(except)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT id FROM person WHERE id_number_hash = ? AND id <> ?", p, 2,
	                          &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	if (r == 1)
		*id = store_col_int(s, 0);
	store_done(s);
	return r < 0 ? store_step_error(r, ei, "looking up an ID number") : ERR_OK;
}

static struct store_val opt_text(const char *s)
{
	return s != NULL ? SV_TEXT(s) : SV_NULL;
}

/* Without RETURNING when the caller needs no id (see HOUSEHOLD_INSERT). */
#define PERSON_INSERT                                                                      \
	"INSERT INTO person (household_id, area_id, area_code, name, gender, birth_date,"        \
	" id_number_enc, id_number_hash, id_number_masked, phone_enc, phone_hash, phone_masked,"  \
	" residence, relation, created_at, updated_at)"                                          \
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"                                \
	" ON CONFLICT (id_number_hash) DO NOTHING"

enum err store_person_insert(struct store_conn *c, struct person_row *x, const struct sealed *idn,
                             const struct sealed *phone, bool want_id, struct errinfo *ei)
{
	clock_now_iso(x->created_at);
	memcpy(x->updated_at, x->created_at, sizeof x->updated_at);
	bool has_id = idn != NULL && idn->enc != NULL, has_phone = phone != NULL && phone->enc != NULL;
	struct store_val p[] = {
		x->household_id ? SV_INT(x->household_id) : SV_NULL,
		SV_INT(x->area_id),
		SV_TEXT(x->area_code),
		SV_TEXT(x->name),
		SV_TEXT(x->gender),
		SV_TEXT(x->birth_date),
		has_id ? SV_TEXT(idn->enc) : SV_NULL,
		has_id ? opt_text(idn->hash) : SV_NULL,
		SV_TEXT(has_id ? x->id_number_masked : ""),
		has_phone ? SV_TEXT(phone->enc) : SV_NULL,
		has_phone ? opt_text(phone->hash) : SV_NULL,
		SV_TEXT(has_phone ? x->phone_masked : ""),
		SV_TEXT(x->residence),
		SV_TEXT(x->relation),
		SV_TEXT(x->created_at),
		SV_TEXT(x->updated_at),
	};
	int r;
	x->id = 0;
	if (want_id) {
		struct store_stmt *s = NULL;
		enum err rc = store_query(c, PERSON_INSERT " RETURNING id", p, 16, &s, ei);
		if (rc != ERR_OK)
			return rc;
		r = store_next(s);
		if (r == 1)
			x->id = store_col_int(s, 0);
		store_done(s);
		if (r < 0)
			return store_step_error(r, ei, "adding a person");
	} else {
		int64_t changes = 0;
		enum err rc = store_exec(c, PERSON_INSERT, p, 16, &changes, ei);
		if (rc != ERR_OK)
			return rc;
		r = changes > 0;
	}
	if (r == 0)
		return err_set(ei, ERR_CONFLICT, "id_number", "a person with this ID number is registered");
	return ERR_OK;
}

enum err store_person_update(struct store_conn *c, struct person_row *x, struct errinfo *ei)
{
	clock_now_iso(x->updated_at);
	struct store_val p[] = {
		x->household_id ? SV_INT(x->household_id) : SV_NULL,
		SV_INT(x->area_id),
		SV_TEXT(x->area_code),
		SV_TEXT(x->name),
		SV_TEXT(x->gender),
		SV_TEXT(x->birth_date),
		SV_TEXT(x->residence),
		SV_TEXT(x->relation),
		SV_TEXT(x->updated_at),
		SV_INT(x->id),
	};
	return store_exec(c,
	                  "UPDATE person SET household_id = ?, area_id = ?, area_code = ?, name = ?,"
	                  " gender = ?, birth_date = ?, residence = ?, relation = ?, updated_at = ?"
	                  " WHERE id = ?",
	                  p, 10, NULL, ei);
}

static enum err set_sealed(struct store_conn *c, const char *sql, int64_t id, const struct sealed *v,
                           struct errinfo *ei)
{
	bool has = v != NULL && v->enc != NULL;
	char now[32];
	clock_now_iso(now);
	struct store_val p[] = {has ? SV_TEXT(v->enc) : SV_NULL, has ? opt_text(v->hash) : SV_NULL,
	                        SV_TEXT(has && v->masked ? v->masked : ""), SV_TEXT(now), SV_INT(id)};
	return store_exec(c, sql, p, 5, NULL, ei);
}

enum err store_person_set_id_number(struct store_conn *c, int64_t id, const struct sealed *v,
                                    struct errinfo *ei)
{
	return set_sealed(c,
	                  "UPDATE person SET id_number_enc = ?, id_number_hash = ?, id_number_masked = ?,"
	                  " updated_at = ? WHERE id = ?",
	                  id, v, ei);
}

enum err store_person_set_phone(struct store_conn *c, int64_t id, const struct sealed *v,
                                struct errinfo *ei)
{
	return set_sealed(c,
	                  "UPDATE person SET phone_enc = ?, phone_hash = ?, phone_masked = ?,"
	                  " updated_at = ? WHERE id = ?",
	                  id, v, ei);
}

enum err store_person_tags_set(struct store_conn *c, int64_t id, unsigned before, unsigned tags,
                               struct errinfo *ei)
{
	enum err rc = ERR_OK;
	for (int t = 0; t < TAG__MAX && rc == ERR_OK; t++) {
		bool had = before & TAG_BIT(t), has = tags & TAG_BIT(t);
		struct store_val p[] = {SV_INT(id), SV_TEXT(person_tag_names[t])};
		if (has && !had)
			rc = store_exec(c, "INSERT INTO person_tag (person_id, tag) VALUES (?, ?)", p, 2, NULL,
			                ei);
		else if (had && !has)
			rc = store_exec(c, "DELETE FROM person_tag WHERE person_id = ? AND tag = ?", p, 2, NULL,
			                ei);
	}
	return rc;
}

enum err store_person_sealed(struct store_conn *c, int64_t id, char **id_number_enc,
                             char **phone_enc, struct errinfo *ei)
{
	*id_number_enc = *phone_enc = NULL;
	struct store_val p[] = {SV_INT(id)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT id_number_enc, phone_enc FROM person WHERE id = ?", p, 1,
	                          &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	if (r == 1) {
		if (!store_col_null(s, 0))
			*id_number_enc = strdup(store_col_text(s, 0, NULL));
		if (!store_col_null(s, 1))
			*phone_enc = strdup(store_col_text(s, 1, NULL));
	}
	store_done(s);
	if (r < 0)
		return store_step_error(r, ei, "reading personal data");
	return r == 0 ? err_set(ei, ERR_NOTFOUND, NULL, "no such person") : ERR_OK;
}
