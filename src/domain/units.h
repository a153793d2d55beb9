/* Units (驻区单位) and departments (职能部门), their contacts and served
 * areas, pairings with communities (共驻共建) and the joint committees
 * (大党委) built from them. A unit lies in the caller's scope when its
 * area's code does; a pairing and a committee seat belong to their
 * community. Capabilities are checked by the route table; the scope here.
 * Every write appends its audit row inside its transaction; a refusal
 * outside the scope is ERR_FORBIDDEN with an access.denied row. */
#ifndef LINLI_DOMAIN_UNITS_H
#define LINLI_DOMAIN_UNITS_H

#include <jansson.h>

#include "auth/identity.h"
#include "auth/pii.h"
#include "store/units.h"

struct app;

/* The kinds, in the schema's words, and their zh-CN labels. */
extern const char *const unit_kinds[];     /* NULL-terminated */
extern const char *const unit_kinds_zh[];  /* same order */
/* The identifier for an identifier or a zh-CN label; NULL when neither. */
const char *unit_kind_parse(const char *s);
const char *unit_kind_zh(const char *kind);

/* GB 32100-2015 统一社会信用代码: 18 characters from 0-9A-HJ-NPQRTUWXY
 * (no I, O, S, V, Z), the last a check character over the first 17
 * (weights 3^i mod 31). NULL when valid, else why not. Upper case only:
 * callers upper-case what people type (credit_code_normalise). */
const char *credit_code_check(const char *code);
/* Upper-cases ASCII letters in place. */
void credit_code_normalise(char *code);

/* Today in the office's time zone, YYYY-MM-DD. */
void units_today(const struct app *app, char out[DATE_TEXT]);

/* An area given by code, as area_require does by id: ERR_INVALID naming
 * field when unknown or of the wrong level, ERR_FORBIDDEN outside the scope. */
enum err units_area_by_code(struct store_conn *c, const struct actor *a, const char *code,
                            int min_level, int max_level, const char *field,
                            struct area_row *out, struct errinfo *ei);
/* Text of 0 or min..max characters (min 0: may be empty), valid UTF-8, no
 * control characters unless multiline; ERR_INVALID naming field. Shared by
 * the registers' checks, for input that did not come through a field spec
 * (CSV rows). */
enum err units_check_text(const char *field, const char *s, int min, int max, bool multiline,
                          struct errinfo *ei);
/* store_read / store_write that record a refusal (ERR_FORBIDDEN) as an
 * access.denied audit row on object. */
enum err units_read(struct app *app, const struct actor *a, const char *object, store_fn fn,
                    void *x, struct errinfo *ei);
enum err units_write(struct app *app, const struct actor *a, const char *object, store_fn fn,
                     void *x, struct errinfo *ei);
/* "object" for audit rows: "unit:12". */
void units_object(const char *kind, int64_t id, char out[64]);

json_t *unit_json(const struct unit_row *u);
json_t *unit_contact_json(const struct unit_contact_row *r);
json_t *pairing_json(const struct pairing_row *p, const char *today);
json_t *jc_member_json(const struct jc_member_row *m);

/* --- units ------------------------------------------------------------------ */

struct unit_input {
	const char *kind, *name, *credit_code, *address; /* NULL: unchanged (update) */
	int64_t area_id;        /* 0: unchanged (update); create needs it or area_code */
	const char *area_code;  /* import: the area by code instead of area_id */
	const char *contact_name, *contact_title; /* create/import: a first contact */
	const struct pii *contact_phone;          /* sealed already; may be NULL */
};

struct unit_list_query {
	int64_t area_id; /* 0: the caller's scope */
	const char *kind, *q;
	int64_t offset;
	int limit;
};
enum err units_list(struct app *app, const struct actor *a, const struct unit_list_query *q,
                    unit_fn fn, void *ctx, int64_t *total, struct errinfo *ei);

/* The departments the caller may dispatch, escalate or whistle to (see
 * store_departments_for), for holders of request.dispatch or request.handle:
 * at most 500. */
enum err departments_for_requests(struct app *app, const struct actor *a, unit_fn fn, void *ctx,
                                  struct errinfo *ei);

struct unit_detail {
	struct unit_row unit;
	json_t *contacts; /* array of unit_contact_json */
	json_t *areas;    /* served areas (departments): [{id, code, name, level}] */
	json_t *pairings; /* array of pairing_json */
};
enum err units_get(struct app *app, const struct actor *a, int64_t id, struct unit_detail *out,
                   struct errinfo *ei);
/* The checks of a unit's own fields, shared by the API and the import. */
enum err unit_input_check(const struct unit_input *in, bool create, struct errinfo *ei);
/* Creates a unit (and a first contact when contact_name is given) inside
 * the caller's transaction, with its audit rows: the one function behind
 * POST /units and the CSV import. Field names are the API's; the import
 * maps them to its columns. */
enum err unit_create_in(struct store_conn *c, const struct actor *a, const struct unit_input *in,
                        struct unit_row *out, struct errinfo *ei);
enum err units_create(struct app *app, const struct actor *a, const struct unit_input *in,
                      struct unit_row *out, struct errinfo *ei);
enum err units_update(struct app *app, const struct actor *a, int64_t id,
                      const struct unit_input *in, struct unit_row *out, struct errinfo *ei);

struct contact_input {
	const char *name, *title, *phone;
};
enum err units_contact_add(struct app *app, const struct actor *a, int64_t unit_id,
                           const struct contact_input *in, struct unit_contact_row *out,
                           struct errinfo *ei);
enum err units_contact_remove(struct app *app, const struct actor *a, int64_t unit_id, int64_t id,
                              struct errinfo *ei);
/* Decrypts a contact's phone (person.read_pii by the route; audited). */
enum err units_contact_phone(struct app *app, const struct actor *a, int64_t unit_id, int64_t id,
                             char **phone, struct errinfo *ei);
/* Replaces the department's served areas that lie in the caller's scope
 * with area_ids (each in the scope); served areas outside the scope stay.
 * ERR_UNPROCESSABLE for a unit that is not a department. areas gets the
 * full list after the change. */
enum err units_set_areas(struct app *app, const struct actor *a, int64_t unit_id,
                         const int64_t *area_ids, int n, json_t *areas, struct errinfo *ei);

/* --- pairings ------------------------------------------------------------------ */

struct pairing_input {
	int64_t unit_id, community_id;    /* create */
	const char *starts_on, *ends_on;  /* ends_on NULL: open-ended (create) / unchanged (update) */
	const char *content;              /* NULL: unchanged (update) */
};
struct pairing_list_query {
	int64_t community_id; /* 0: the caller's scope */
	int64_t unit_id;      /* 0: any */
	int active;           /* -1 any, 1 running today, 0 not running today */
	int64_t offset;
	int limit;
};
enum err pairings_list(struct app *app, const struct actor *a, const struct pairing_list_query *q,
                       json_t *items, int64_t *total, struct errinfo *ei);
enum err pairings_create(struct app *app, const struct actor *a, const struct pairing_input *in,
                         struct pairing_row *out, struct errinfo *ei);
enum err pairings_update(struct app *app, const struct actor *a, int64_t id,
                         const struct pairing_input *in, struct pairing_row *out,
                         struct errinfo *ei);

/* --- joint committee ---------------------------------------------------------------- */

struct jc_input {
	int64_t unit_id;
	const char *name, *post;
};
enum err jc_list(struct app *app, const struct actor *a, int64_t community_id, json_t *items,
                 struct errinfo *ei);
/* ERR_UNPROCESSABLE unless the unit has a pairing with the community running today. */
enum err jc_add(struct app *app, const struct actor *a, int64_t community_id,
                const struct jc_input *in, struct jc_member_row *out, struct errinfo *ei);
enum err jc_remove(struct app *app, const struct actor *a, int64_t community_id, int64_t id,
                   struct errinfo *ei);

#endif
