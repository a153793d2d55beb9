/* The households and people registers: who lives where, with their ID
 * numbers and phones sealed (auth/pii.h) and their care tags. Every call
 * checks the caller's scope against the row's area code here; the route
 * table checks capabilities, except the one rule that lives in the data:
 * the sensitive identity tags (低保, 特困, 残疾, 孤儿, 留守儿童) are shown,
 * filtered on and set only for a caller holding person.read_sensitive.
 * CSV import and xlsx export: household_io and person_io
 * (domain/registers_io.h). */
#ifndef LINLI_DOMAIN_PEOPLE_H
#define LINLI_DOMAIN_PEOPLE_H

#include <jansson.h>

#include "auth/identity.h"
#include "store/people.h"

struct app;

#define CAP_PERSON_SENSITIVE "person.read_sensitive"
/* The tags that mark a sensitive identity (PIPL): hidden without CAP_PERSON_SENSITIVE. */
#define TAGS_SENSITIVE                                                                     \
	(TAG_BIT(TAG_LOW_INCOME) | TAG_BIT(TAG_EXTREME_POVERTY) | TAG_BIT(TAG_DISABLED) |       \
	 TAG_BIT(TAG_ORPHAN) | TAG_BIT(TAG_LEFT_BEHIND_CHILD))
/* The tags the actor may see and set (the command line, who == NULL: all). */
unsigned people_visible_tags(const struct actor *a);

extern const char *const person_genders[];    /* male, female; NULL-terminated */
extern const char *const person_residences[]; /* registered, floating */
extern const char *const person_relations[];  /* head, spouse, child, parent, grandchild,
                                                * grandparent, sibling, other */

/* JSON of a household (without its people). */
json_t *household_json(const struct household_row *h);
/* JSON of a person as the API shows it: masked ID number and phone, age
 * today (office time zone), tags as names. The row's tags must already be
 * cut to what the caller may see (every call below does that). */
json_t *person_json(const struct app *app, const struct person_row *p);

/* --- households ---------------------------------------------------------------- */

/* Households under area_id (0: the actor's scope), in code order after the
 * cursor (NULL: from the start), at most limit; *next gets the cursor of
 * the next page, "" when this is the last. */
enum err households_list(struct app *app, const struct actor *a, int64_t area_id,
                         const char *after, int limit, household_fn fn, void *ctx,
                         char next[PEOPLE_CURSOR_MAX], struct errinfo *ei);
/* One household and its people (masked, fn per person, by id). */
enum err households_get(struct app *app, const struct actor *a, int64_t id,
                        struct household_row *out, person_fn fn, void *ctx, struct errinfo *ei);
/* A household of room in area_id, a building or an entrance. */
enum err households_create(struct app *app, const struct actor *a, int64_t area_id,
                           const char *room, struct household_row *out, struct errinfo *ei);
/* Renames the room. */
enum err households_update(struct app *app, const struct actor *a, int64_t id, const char *room,
                           struct household_row *out, struct errinfo *ei);

/* --- people ---------------------------------------------------------------------- */

struct person_filter {
	int64_t area_id;       /* 0: the actor's scope */
	const char *q;         /* name prefix */
	const char *id_number; /* the full number: exact match through the keyed hash */
	const char *phone;     /* the full number, likewise */
	const char *tag;       /* a tag name; a sensitive one needs CAP_PERSON_SENSITIVE */
	const char *residence; /* registered | floating */
	const char *after;     /* cursor from the previous page */
	int limit;
};
enum err people_list(struct app *app, const struct actor *a, const struct person_filter *f,
                     person_fn fn, void *ctx, char next[PEOPLE_CURSOR_MAX], struct errinfo *ei);
enum err people_get(struct app *app, const struct actor *a, int64_t id, struct person_row *out,
                    struct errinfo *ei);

/* A create or a change. Strings: NULL = not given (unchanged); on a change
 * "" clears an ID number or a phone. With an ID number, gender and birth
 * date come from it and must agree when given; without one both are
 * required. Place: a household (its area follows), or an area (a community
 * or below) without a household; on a change household_id 0 with
 * set_household moves the person out of their household. */
struct person_input {
	bool set_household;
	int64_t household_id;
	bool set_area;
	int64_t area_id;
	const char *name, *gender, *birth_date, *id_number, *phone, *residence, *relation;
	bool set_tags;
	unsigned tags; /* TAG_BIT mask */
};
enum err people_create(struct app *app, const struct actor *a, const struct person_input *in,
                       struct person_row *out, struct errinfo *ei);
enum err people_update(struct app *app, const struct actor *a, int64_t id,
                       const struct person_input *in, struct person_row *out, struct errinfo *ei);

/* Decrypts the fields asked for and writes one "pii.unmask" audit row
 * naming the person and the fields, in the same transaction, before the
 * values are returned. *id_number and *phone (malloc'd) are NULL when not
 * asked for or empty. */
enum err people_unmask(struct app *app, const struct actor *a, int64_t id, bool id_number,
                       bool phone, char **id_number_out, char **phone_out, struct errinfo *ei);

#endif
