/* SQL of the households and people registers (tables household, person,
 * person_tag). Called inside store callbacks only; no rules here: scope,
 * masking and who may see which tag are decided in domain/people.c.
 * Every listing is keyset-paged on (area_code, id), the indexed columns,
 * with the scope as code ranges in the SQL. */
#ifndef LINLI_STORE_PEOPLE_H
#define LINLI_STORE_PEOPLE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/areas.h"
#include "store/store.h"

#define ROOM_MAX 16          /* characters: "1单元302" */
#define PERSON_NAME_MAX 32   /* characters */
#define PERSON_ENUM_MAX 12   /* gender, residence, relation as stored */
#define MASKED_MAX 24        /* a masked ID number or phone */
/* A page cursor: "<area_code>-<id>". */
#define PEOPLE_CURSOR_MAX (AREA_CODE_MAX + 24)

/* The care tags, in the order of their bits in a tag mask. The names are the
 * schema's CHECK list. */
enum person_tag {
	TAG_LOW_INCOME,        /* low_income 低保 */
	TAG_EXTREME_POVERTY,   /* extreme_poverty 特困 */
	TAG_ELDERLY_80,        /* elderly_80 高龄 */
	TAG_DISABLED,          /* disabled 残疾 */
	TAG_ORPHAN,            /* orphan 孤儿 */
	TAG_LEFT_BEHIND_CHILD, /* left_behind_child 留守儿童 */
	TAG_LONE_ELDERLY,      /* lone_elderly 独居老人 */
	TAG_VETERAN,           /* veteran 退役军人 */
	TAG__MAX
};
#define TAG_BIT(t) (1u << (t))
#define TAG_ALL ((1u << TAG__MAX) - 1)
extern const char *const person_tag_names[TAG__MAX + 1]; /* NULL-terminated */
/* The tag of a name, or -1. */
int person_tag_parse(const char *s);

struct household_row {
	int64_t id, area_id;
	char area_code[AREA_CODE_MAX + 1];
	char room[ROOM_MAX * 4 + 1];
	int64_t people; /* filled by listings and store_household_get */
	char created_at[32], updated_at[32];
};

struct person_row {
	int64_t id;
	int64_t household_id; /* 0: attached to an area without a household */
	int64_t area_id;
	char area_code[AREA_CODE_MAX + 1];
	char room[ROOM_MAX * 4 + 1]; /* the household's, "" without one */
	char name[PERSON_NAME_MAX * 4 + 1];
	char gender[PERSON_ENUM_MAX];    /* male | female */
	char birth_date[DATE_TEXT];      /* YYYY-MM-DD */
	char id_number_masked[MASKED_MAX];
	char phone_masked[MASKED_MAX];
	char residence[PERSON_ENUM_MAX]; /* registered | floating */
	char relation[PERSON_ENUM_MAX];  /* head, spouse, … */
	unsigned tags;                   /* TAG_BIT mask, every tag stored */
	int age;                         /* set when shown (domain/people.c: present) */
	char created_at[32], updated_at[32];
};

typedef void (*household_fn)(void *ctx, const struct household_row *h);
/* fn returns false to stop the walk early. */
typedef bool (*person_fn)(void *ctx, const struct person_row *p);

/* --- households -------------------------------------------------------------- */

enum err store_household_get(struct store_conn *c, int64_t id, struct household_row *h,
                             struct errinfo *ei);
/* The household of room in area_id; ERR_NOTFOUND if none. */
enum err store_household_find(struct store_conn *c, int64_t area_id, const char *room,
                              struct household_row *h, struct errinfo *ei);
/* Households in ranges after (after_code, after_id), in (area_code, id)
 * order, at most limit. */
enum err store_household_list(struct store_conn *c, const struct code_ranges *r,
                              const char *after_code, int64_t after_id, int limit,
                              household_fn fn, void *ctx, struct errinfo *ei);
/* Inserts h (times filled, and the id when want_id; else h->id is 0);
 * ERR_CONFLICT (field "room") when the room is taken in the area. Never
 * fails a statement on a duplicate, so it is safe inside an import's
 * transaction. Bulk callers pass want_id false and find the row after
 * (see store/people.c on RETURNING). */
enum err store_household_insert(struct store_conn *c, struct household_row *h, bool want_id,
                                struct errinfo *ei);
/* Writes room and updated_at. */
enum err store_household_update(struct store_conn *c, struct household_row *h, struct errinfo *ei);

/* --- people ------------------------------------------------------------------ */

struct people_query {
	const struct code_ranges *ranges;
	int64_t household_id;       /* 0: any */
	const char *name_prefix;    /* NULL: any */
	const char *id_number_hash; /* NULL: any */
	const char *phone_hash;     /* NULL: any */
	const char *tag;            /* NULL: any */
	const char *residence;      /* NULL: any */
	const char *after_code;     /* keyset: rows after (after_code, after_id) */
	int64_t after_id;
	int limit;
};
/* People matching q in (area_code, id) order (by id for a household). */
enum err store_people_list(struct store_conn *c, const struct people_query *q, person_fn fn,
                           void *ctx, struct errinfo *ei);
enum err store_person_get(struct store_conn *c, int64_t id, struct person_row *p,
                          struct errinfo *ei);
/* The id of the person with this ID-number hash, other than except; 0 if none. */
enum err store_person_by_id_hash(struct store_conn *c, const char *hash, int64_t except,
                                 int64_t *id, struct errinfo *ei);
/* A sealed value as stored: the ciphertext (NULL: no value), the keyed
 * lookup hash and the masked form (auth/pii.h makes them). */
struct sealed {
	const char *enc, *hash, *masked;
};
/* Inserts p with its sealed ID number and phone; times filled, and the id
 * when want_id (else p->id is 0: far cheaper for bulk imports). A taken ID
 * number is ERR_CONFLICT naming id_number, found without a failing
 * statement (safe inside an import's transaction). */
enum err store_person_insert(struct store_conn *c, struct person_row *p, const struct sealed *id_number,
                             const struct sealed *phone, bool want_id, struct errinfo *ei);
/* Writes the plain columns (place, name, gender, birth date, residence,
 * relation) and updated_at. */
enum err store_person_update(struct store_conn *c, struct person_row *p, struct errinfo *ei);
/* Replaces the sealed ID number (v->enc NULL clears it). Check for a taken
 * one first (store_person_by_id_hash). */
enum err store_person_set_id_number(struct store_conn *c, int64_t id, const struct sealed *v,
                                    struct errinfo *ei);
enum err store_person_set_phone(struct store_conn *c, int64_t id, const struct sealed *v,
                                struct errinfo *ei);
/* Makes the stored tags exactly `tags`, given the ones stored now. */
enum err store_person_tags_set(struct store_conn *c, int64_t id, unsigned before, unsigned tags,
                               struct errinfo *ei);
/* The sealed ID number and phone (malloc'd, NULL when empty). */
enum err store_person_sealed(struct store_conn *c, int64_t id, char **id_number_enc,
                             char **phone_enc, struct errinfo *ei);

#endif
