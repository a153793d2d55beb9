/* SQL of the party registers: organisations (a tree with a materialised
 * path '/1/4/9/'), members, report-ins (双报到), six-ones (六个一) and
 * centre households (党员中心户) with the households they cover. Called
 * inside store callbacks only; no rules here (domain/party.c). */
#ifndef LINLI_STORE_PARTY_H
#define LINLI_STORE_PARTY_H

#include <stdbool.h>

#include "auth/crypto.h"
#include "store/areas.h"
#include "store/store.h"
#include "store/units.h"

#define PARTY_NAME_MAX 64      /* an organisation's name, characters */
#define PARTY_KIND_MAX 20
#define PARTY_PATH_MAX 128     /* five levels of ids at most */
#define MEMBER_NAME_MAX 32     /* characters */
#define SIX_ONES_NOTE_MAX 200  /* characters */
#define HOUSEHOLD_ROOM_MAX 32  /* characters (the households register's) */

struct party_org_row {
	int64_t id, parent_id, area_id, unit_id; /* parent_id, unit_id 0: none */
	char kind[PARTY_KIND_MAX];
	char name[PARTY_NAME_MAX * 4 + 1];
	char path[PARTY_PATH_MAX];
	char area_code[AREA_CODE_MAX + 1];
	char area_name[AREA_NAME_MAX * 4 + 1];    /* read only */
	char unit_name[UNIT_NAME_MAX * 4 + 1];    /* read only */
	char parent_name[PARTY_NAME_MAX * 4 + 1]; /* read only */
	int64_t children;                         /* read only */
	char created_at[32], updated_at[32];
};
typedef void (*party_org_fn)(void *ctx, const struct party_org_row *o);

enum err store_party_org_get(struct store_conn *c, int64_t id, struct party_org_row *o,
                             struct errinfo *ei);
/* Children of parent whose area lies in r (NULL: any), by kind then id. */
enum err store_party_org_children(struct store_conn *c, int64_t parent, const struct code_ranges *r,
                                  party_org_fn fn, void *ctx, struct errinfo *ei);
/* Organisations in r whose parent is absent or lies outside r. */
enum err store_party_org_roots(struct store_conn *c, const struct code_ranges *r, party_org_fn fn,
                               void *ctx, struct errinfo *ei);
/* Organisations called name under parent (0: roots) in area_id (0: any area);
 * *n of them, *o the first by id. */
enum err store_party_org_named(struct store_conn *c, int64_t parent, int64_t area_id,
                               const char *name, struct party_org_row *o, int *n,
                               struct errinfo *ei);
/* Organisations called name whose area code is one of codes[0..ncodes). */
enum err store_party_org_named_in(struct store_conn *c, const char *name, const char *const *codes,
                                  int ncodes, struct party_org_row *o, int *n, struct errinfo *ei);
/* The highest rank (lowest kind index) among the children's kinds, by the
 * kinds table kinds[] (NULL-terminated); -1 without children. */
enum err store_party_org_child_kinds(struct store_conn *c, int64_t id, const char *const *kinds,
                                     int *highest, struct errinfo *ei);
/* Inserts and sets id and path (parent_path + id + '/'). */
enum err store_party_org_insert(struct store_conn *c, struct party_org_row *o,
                                const char *parent_path, struct errinfo *ei);
/* Writes name, kind, updated_at. */
enum err store_party_org_update(struct store_conn *c, struct party_org_row *o, struct errinfo *ei);

struct party_org_counts {
	int64_t children, members, subtree_members, reported_in;
};
enum err store_party_org_counts(struct store_conn *c, const struct party_org_row *o,
                                struct party_org_counts *n, struct errinfo *ei);
/* Export: organisations in r with their parent's name, by area code then path. */
enum err store_party_org_export(struct store_conn *c, const struct code_ranges *r, party_org_fn fn,
                                void *ctx, struct errinfo *ei);

struct party_member_row {
	int64_t id, person_id, org_id, work_unit_id, community_id; /* 0: none */
	char name[MEMBER_NAME_MAX * 4 + 1];
	char gender[8];
	char phone_masked[24];
	char status[16];
	char area_code[AREA_CODE_MAX + 1];
	char joined_on[DATE_TEXT]; /* "" when unknown */
	char created_at[32], updated_at[32];
	/* read only: */
	char org_name[PARTY_NAME_MAX * 4 + 1];
	char org_area_code[AREA_CODE_MAX + 1];
	char work_unit_name[UNIT_NAME_MAX * 4 + 1];
	char community_code[AREA_CODE_MAX + 1];
	char community_name[AREA_NAME_MAX * 4 + 1];
	int64_t report_in_id, report_community_id; /* the active report-in, 0: none */
	char report_community_name[AREA_NAME_MAX * 4 + 1];
	char reported_on[DATE_TEXT];
	int six_ones_done; /* in the year asked for */
};
typedef void (*party_member_fn)(void *ctx, const struct party_member_row *m);

/* year: the six-ones year counted into six_ones_done. */
enum err store_party_member_get(struct store_conn *c, int64_t id, int year,
                                struct party_member_row *m, struct errinfo *ei);
struct party_member_filter {
	const struct code_ranges *r;  /* member's area_code */
	const char *org_path;         /* the organisation's subtree; NULL: any */
	const struct code_ranges *home; /* area_code also in these; NULL: any */
	const char *status;           /* NULL: any */
	int reported;                 /* -1 any, 1 with an active report-in, 0 without */
	const char *q;                /* name contains */
	int year;                     /* six-ones year */
	int64_t offset;
	int limit;
};
enum err store_party_member_list(struct store_conn *c, const struct party_member_filter *f,
                                 party_member_fn fn, void *ctx, int64_t *total,
                                 struct errinfo *ei);
/* Members of org called name with this phone hash ("" : without a phone). */
enum err store_party_member_same(struct store_conn *c, int64_t org_id, const char *name,
                                 const char *phone_hash, int64_t except, int64_t *n,
                                 struct errinfo *ei);
/* phone_enc/phone_hash NULL: no phone. Sets id and the times. */
enum err store_party_member_insert(struct store_conn *c, struct party_member_row *m,
                                   const char *phone_enc, const char *phone_hash,
                                   struct errinfo *ei);
/* Writes every column; set_phone false keeps the stored phone. */
enum err store_party_member_update(struct store_conn *c, struct party_member_row *m,
                                   bool set_phone, const char *phone_enc, const char *phone_hash,
                                   struct errinfo *ei);
/* The sealed phone (*enc NULL when none) and its lookup hash ("" when
 * none); either out may be NULL. */
enum err store_party_member_phone(struct store_conn *c, int64_t id, char **enc,
                                  char hash[CRYPTO_HASH_HEX], struct errinfo *ei);
/* Export: members in r, with organisation, unit and active report-in. */
enum err store_party_member_export(struct store_conn *c, const struct code_ranges *r,
                                   party_member_fn fn, void *ctx, struct errinfo *ei);
/* Does person id exist? */
enum err store_person_exists(struct store_conn *c, int64_t id, bool *found, struct errinfo *ei);

struct report_in_row {
	int64_t id, member_id, org_id, community_id; /* one of member_id, org_id is 0 */
	char member_name[MEMBER_NAME_MAX * 4 + 1];   /* read only */
	char org_name[PARTY_NAME_MAX * 4 + 1];       /* read only: the organisation reporting in */
	char community_code[AREA_CODE_MAX + 1];
	char community_name[AREA_NAME_MAX * 4 + 1];  /* read only */
	char reported_on[DATE_TEXT], ended_on[DATE_TEXT]; /* ended_on "" while active */
	char created_at[32];
};
typedef void (*report_in_fn)(void *ctx, const struct report_in_row *r);
enum err store_report_in_get(struct store_conn *c, int64_t id, struct report_in_row *r,
                             struct errinfo *ei);
struct report_in_filter {
	const struct code_ranges *r; /* community_code */
	int64_t member_id, org_id;   /* 0: any */
	int kind;                    /* 0 any, 1 members, 2 organisations */
	int active;                  /* -1 any, 1 active, 0 ended */
	int64_t offset;
	int limit;                   /* 0: all */
};
/* Newest first. *total (if not NULL) counts them all. */
enum err store_report_in_list(struct store_conn *c, const struct report_in_filter *f,
                              report_in_fn fn, void *ctx, int64_t *total, struct errinfo *ei);
/* Active report-ins of member (org 0) or of org into community (0: any). */
enum err store_report_in_active(struct store_conn *c, int64_t member_id, int64_t org_id,
                                int64_t community_id, int64_t *n, struct errinfo *ei);
/* Report-ins of member whose period meets [from, to]. */
enum err store_report_in_during(struct store_conn *c, int64_t member_id, const char *from,
                                const char *to, int64_t *n, struct errinfo *ei);
enum err store_report_in_insert(struct store_conn *c, struct report_in_row *r, struct errinfo *ei);
enum err store_report_in_end(struct store_conn *c, int64_t id, const char *ended_on,
                             struct errinfo *ei);

struct six_ones_row {
	char item[16];
	char done_on[DATE_TEXT];
	char note[SIX_ONES_NOTE_MAX * 4 + 1];
};
enum err store_six_ones(struct store_conn *c, int64_t member_id, int year,
                        void (*fn)(void *ctx, const struct six_ones_row *s), void *ctx,
                        struct errinfo *ei);
/* Inserts or replaces the item's row. */
enum err store_six_ones_put(struct store_conn *c, int64_t member_id, int year,
                            const struct six_ones_row *s, struct errinfo *ei);
enum err store_six_ones_delete(struct store_conn *c, int64_t member_id, int year, const char *item,
                               bool *found, struct errinfo *ei);

struct household_ref {
	int64_t id, area_id;
	char area_code[AREA_CODE_MAX + 1];
	char area_name[AREA_NAME_MAX * 4 + 1];
	char room[HOUSEHOLD_ROOM_MAX * 4 + 1];
	int64_t center_id;       /* the centre household that covers it, 0: none */
	int64_t own_center_id;   /* the centre household it is, 0: none */
};
enum err store_household_ref(struct store_conn *c, int64_t id, struct household_ref *h,
                             struct errinfo *ei);

struct center_row {
	int64_t id, member_id, household_id;
	char member_name[MEMBER_NAME_MAX * 4 + 1];  /* read only */
	char room[HOUSEHOLD_ROOM_MAX * 4 + 1];      /* read only */
	char area_code[AREA_CODE_MAX + 1];
	char area_name[AREA_NAME_MAX * 4 + 1];      /* read only */
	int64_t covers;                             /* read only */
	char created_at[32];
};
typedef void (*center_fn)(void *ctx, const struct center_row *h);
enum err store_center_get(struct store_conn *c, int64_t id, struct center_row *h,
                          struct errinfo *ei);
enum err store_center_list(struct store_conn *c, const struct code_ranges *r, int64_t offset,
                           int limit, center_fn fn, void *ctx, int64_t *total, struct errinfo *ei);
enum err store_center_insert(struct store_conn *c, struct center_row *h, struct errinfo *ei);
enum err store_center_delete(struct store_conn *c, int64_t id, struct errinfo *ei);
enum err store_center_covers(struct store_conn *c, int64_t center_id,
                             void (*fn)(void *ctx, const struct household_ref *h), void *ctx,
                             struct errinfo *ei);
enum err store_center_covers_clear(struct store_conn *c, int64_t center_id, struct errinfo *ei);
enum err store_center_cover_add(struct store_conn *c, int64_t center_id, int64_t household_id,
                                struct errinfo *ei);

#endif
