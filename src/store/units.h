/* SQL of units (驻区单位, departments), their contacts and served areas,
 * pairings (共驻共建) and joint-committee members (大党委). Called inside
 * store callbacks only; no rules here (domain/units.c holds them). */
#ifndef LINLI_STORE_UNITS_H
#define LINLI_STORE_UNITS_H

#include <stdbool.h>

#include "store/areas.h"
#include "auth/identity.h"
#include "store/store.h"

#define UNIT_NAME_MAX 64      /* characters */
#define UNIT_ADDRESS_MAX 128  /* characters */
#define UNIT_KIND_MAX 20
#define CREDIT_CODE_LEN 18
#define CONTACT_NAME_MAX 32   /* characters */
#define CONTACT_TITLE_MAX 32  /* characters */
#define PAIRING_CONTENT_MAX 1000 /* characters */
#define JC_NAME_MAX 32        /* characters */
#define JC_POST_MAX 32        /* characters */

/* A LIKE pattern matching text that contains q as typed (wildcards escaped;
 * use with ESCAPE '\\'). */
void store_like_contains(const char *q, char *out, size_t cap);

struct unit_row {
	int64_t id, area_id;
	char kind[UNIT_KIND_MAX];
	char name[UNIT_NAME_MAX * 4 + 1];
	char credit_code[CREDIT_CODE_LEN + 1]; /* "" when not known */
	char area_code[AREA_CODE_MAX + 1];
	char area_name[AREA_NAME_MAX * 4 + 1]; /* read only */
	char address[UNIT_ADDRESS_MAX * 4 + 1];
	char created_at[32], updated_at[32];
};

enum err store_unit_get(struct store_conn *c, int64_t id, struct unit_row *u, struct errinfo *ei);
/* The unit called name in area_id (names are unique per area); ERR_NOTFOUND. */
enum err store_unit_by_name(struct store_conn *c, int64_t area_id, const char *name,
                            struct unit_row *u, struct errinfo *ei);
/* Units called name whose area_code is one of codes[0..n): *count of them,
 * *u the first (by id). */
enum err store_unit_named_in(struct store_conn *c, const char *name, const char *const *codes,
                             int n, struct unit_row *u, int *count, struct errinfo *ei);

struct unit_filter {
	const struct code_ranges *r; /* area_code in these subtrees */
	const char *kind;            /* NULL: any */
	const char *q;               /* name contains, matched literally; NULL: any */
	int64_t offset;
	int limit;
};
typedef void (*unit_fn)(void *ctx, const struct unit_row *u);
/* Units in f's ranges, by area code then id; *total counts them all. */
enum err store_unit_list(struct store_conn *c, const struct unit_filter *f, unit_fn fn, void *ctx,
                         int64_t *total, struct errinfo *ei);
/* Sets id, created_at and updated_at. */
/* The departments an office covering `scopes` may send work to or summon:
 * those registered at the district, street or community of a scope, or
 * inside it, or serving an area inside it; "*" gives all; "unit:N" gives
 * department N. At most `limit`, by area code and name. */
enum err store_departments_for(struct store_conn *c, const char (*scopes)[SCOPE_MAX + 1], int n,
                               int limit, unit_fn fn, void *ctx, struct errinfo *ei);
enum err store_unit_insert(struct store_conn *c, struct unit_row *u, struct errinfo *ei);
/* Writes kind, name, credit_code, area_id, area_code, address, updated_at. */
enum err store_unit_update(struct store_conn *c, struct unit_row *u, struct errinfo *ei);

/* Export: units in r with their first contact, by area code then id.
 * fn gets the unit and the contact's name and masked phone ("" if none). */
enum err store_unit_export(struct store_conn *c, const struct code_ranges *r,
                           void (*fn)(void *ctx, const struct unit_row *u, const char *contact,
                                      const char *phone_masked),
                           void *ctx, struct errinfo *ei);

struct unit_contact_row {
	int64_t id, unit_id;
	char name[CONTACT_NAME_MAX * 4 + 1];
	char title[CONTACT_TITLE_MAX * 4 + 1];
	char phone_masked[24];
};
enum err store_unit_contacts(struct store_conn *c, int64_t unit_id,
                             void (*fn)(void *ctx, const struct unit_contact_row *r), void *ctx,
                             struct errinfo *ei);
/* phone_enc and phone_hash may be NULL. Sets id. */
enum err store_unit_contact_insert(struct store_conn *c, struct unit_contact_row *r,
                                   const char *phone_enc, const char *phone_hash,
                                   struct errinfo *ei);
enum err store_unit_contact_delete(struct store_conn *c, int64_t unit_id, int64_t id, bool *found,
                                   struct errinfo *ei);
/* The sealed phone (*enc NULL when none); ERR_NOTFOUND for no such contact. */
enum err store_unit_contact_phone(struct store_conn *c, int64_t unit_id, int64_t id, char **enc,
                                  struct errinfo *ei);

/* The areas a department serves, by code (id, level, code, name filled). */
enum err store_department_areas(struct store_conn *c, int64_t unit_id, area_fn fn, void *ctx,
                                struct errinfo *ei);
enum err store_department_area_count(struct store_conn *c, int64_t unit_id, int64_t *n,
                                     struct errinfo *ei);
/* Removes the served areas whose code lies in r (all of them for r NULL). */
enum err store_department_areas_clear(struct store_conn *c, int64_t unit_id,
                                      const struct code_ranges *r, struct errinfo *ei);
/* Adds one (an existing pair is kept). */
enum err store_department_area_add(struct store_conn *c, int64_t unit_id, int64_t area_id,
                                   struct errinfo *ei);

struct pairing_row {
	int64_t id, unit_id, community_id;
	char unit_name[UNIT_NAME_MAX * 4 + 1]; /* read only */
	char unit_kind[UNIT_KIND_MAX];         /* read only */
	char community_code[AREA_CODE_MAX + 1];
	char community_name[AREA_NAME_MAX * 4 + 1]; /* read only */
	char starts_on[DATE_TEXT], ends_on[DATE_TEXT]; /* ends_on "" while open-ended */
	char content[PAIRING_CONTENT_MAX * 4 + 1];
	char created_at[32];
};
enum err store_pairing_get(struct store_conn *c, int64_t id, struct pairing_row *p,
                           struct errinfo *ei);
struct pairing_filter {
	const struct code_ranges *r; /* community_code in these; NULL: any */
	int64_t unit_id;             /* 0: any */
	const char *today;           /* with active: the day that decides "running" */
	int active;                  /* -1: any; 1: running on today; 0: not running on today */
	int64_t offset;
	int limit;
};
typedef void (*pairing_fn)(void *ctx, const struct pairing_row *p);
/* By community code, then newest first. *total (if not NULL) counts them all. */
enum err store_pairing_list(struct store_conn *c, const struct pairing_filter *f, pairing_fn fn,
                            void *ctx, int64_t *total, struct errinfo *ei);
/* Pairings of unit and community whose period meets [starts_on, ends_on]
 * (ends_on "" : open-ended), leaving out the pairing except. */
enum err store_pairing_overlaps(struct store_conn *c, int64_t unit_id, int64_t community_id,
                                const char *starts_on, const char *ends_on, int64_t except,
                                int64_t *n, struct errinfo *ei);
enum err store_pairing_insert(struct store_conn *c, struct pairing_row *p, struct errinfo *ei);
/* Writes ends_on and content. */
enum err store_pairing_update(struct store_conn *c, const struct pairing_row *p,
                              struct errinfo *ei);

struct jc_member_row {
	int64_t id, community_id, unit_id;
	char unit_name[UNIT_NAME_MAX * 4 + 1]; /* read only */
	char name[JC_NAME_MAX * 4 + 1];
	char post[JC_POST_MAX * 4 + 1];
	char created_at[32];
};
enum err store_jc_list(struct store_conn *c, int64_t community_id,
                       void (*fn)(void *ctx, const struct jc_member_row *m), void *ctx,
                       struct errinfo *ei);
/* Members of the community's committee with this unit and name. */
enum err store_jc_count(struct store_conn *c, int64_t community_id, int64_t unit_id,
                        const char *name, int64_t *n, struct errinfo *ei);
enum err store_jc_insert(struct store_conn *c, struct jc_member_row *m, struct errinfo *ei);
enum err store_jc_delete(struct store_conn *c, int64_t community_id, int64_t id, bool *found,
                         struct errinfo *ei);

#endif
