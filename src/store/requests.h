/* SQL of requests (tables request, request_event, request_party,
 * request_photo, request_fts, request_rollup, request_unit_rollup). Called
 * inside store callbacks only; no rules here (domain/requests.c and
 * domain/request_flow.c hold them). Times are UTC text
 * "YYYY-MM-DDTHH:MM:SSZ" (store_time_format). */
#ifndef LINLI_STORE_REQUESTS_H
#define LINLI_STORE_REQUESTS_H

#include <stdbool.h>

#include "store/areas.h"
#include "store/store.h"

#define RQ_TRACKING_LEN 10
#define RQ_TITLE_MAX 100        /* characters */
#define RQ_DESCRIPTION_MAX 4000 /* characters: Open311's limit too */
#define RQ_ADDRESS_MAX 200      /* characters */
#define RQ_REPORTER_NAME_MAX 32 /* characters */
#define RQ_NOTE_MAX 2000        /* characters */
#define RQ_PART_MAX 200         /* characters */
#define RQ_TIME 24              /* "YYYY-MM-DDTHH:MM:SSZ" + NUL, with room */
#define RQ_NAME_TEXT (64 * 4 + 1)

/* "YYYY-MM-DDTHH:MM:SSZ" of a Unix time; "" for 0. And back (0 for ""). */
void store_time_format(int64_t t, char out[RQ_TIME]);
int64_t store_time_parse(const char *s);

struct request_row {
	int64_t id, category_id, category_top_id, area_id, reporter_user_id;
	int64_t owner_area_id, owner_unit_id, merged_into;
	char tracking_code[RQ_TRACKING_LEN + 1];
	char source[16], kind[16], urgency[12], state[24];
	char title[RQ_TITLE_MAX * 4 + 1];
	char description[RQ_DESCRIPTION_MAX * 4 + 1];
	char area_code[AREA_CODE_MAX + 1];
	char address[RQ_ADDRESS_MAX * 4 + 1];
	bool has_point;
	double lng, lat;
	char reporter_name[RQ_REPORTER_NAME_MAX * 4 + 1];
	char reporter_phone_masked[24];
	bool anonymous;
	char owner_level[12], handling_level[12]; /* "" when none */
	char due_at[RQ_TIME], handle_due_at[RQ_TIME], sweep_at[RQ_TIME], paused_at[RQ_TIME];
	bool overdue;
	int overdue_count, paused_minutes, extension_days, extension_asked, supervision, rework_count;
	int solved;                 /* -1: not rated */
	char feedback[24];          /* "" until rated */
	char rated_at[RQ_TIME], created_at[RQ_TIME], dispatched_at[RQ_TIME], acknowledged_at[RQ_TIME];
	char resolved_at[RQ_TIME], closed_at[RQ_TIME], updated_at[RQ_TIME];
	int64_t version;
	/* read only: joined names and codes */
	char category_name[RQ_NAME_TEXT];
	char area_name[AREA_NAME_MAX * 4 + 1];
	char area_parent_code[AREA_CODE_MAX + 1];
	char owner_name[RQ_NAME_TEXT];
	char owner_area_code[AREA_CODE_MAX + 1];
	char owner_parent_code[AREA_CODE_MAX + 1];
	char owner_unit_area_code[AREA_CODE_MAX + 1];
};

enum err store_request_get(struct store_conn *c, int64_t id, struct request_row *r,
                           struct errinfo *ei);
enum err store_request_by_code(struct store_conn *c, const char *tracking_code,
                               struct request_row *r, struct errinfo *ei);
enum err store_request_code_taken(struct store_conn *c, const char *tracking_code, bool *taken,
                                  struct errinfo *ei);
/* The sealed reporter phone (*enc NULL when none was given). */
enum err store_request_phone(struct store_conn *c, int64_t id, char **enc, struct errinfo *ei);
/* Inserts r (version 1) with the sealed phone (enc, hash may be NULL); sets r->id. */
enum err store_request_insert(struct store_conn *c, struct request_row *r, const char *phone_enc,
                              const char *phone_hash, struct errinfo *ei);
/* Writes every mutable column and version + 1 WHERE id = r->id AND
 * version = r->version; *won says whether the row was there at that
 * version (false: someone else's event came first). On success r->version
 * is the new version. */
enum err store_request_update(struct store_conn *c, struct request_row *r, bool *won,
                              struct errinfo *ei);

struct request_event_row {
	int64_t request_id;
	int seq;
	char at[RQ_TIME];
	char action[24], from_state[24], to_state[24];
	int64_t actor_user_id;        /* 0: none */
	char actor_name[RQ_NAME_TEXT]; /* read only */
	char actor_level[16];
	int64_t owner_area_id, owner_unit_id;
	const char *note;             /* borrowed (insert) or valid during the callback (read) */
	const char *data;             /* JSON text */
};
enum err store_request_event_add(struct store_conn *c, const struct request_event_row *e,
                                 struct errinfo *ei);
/* In seq order. */
enum err store_request_events(struct store_conn *c, int64_t request_id,
                              void (*fn)(void *ctx, const struct request_event_row *e), void *ctx,
                              struct errinfo *ei);

struct request_party_row {
	int64_t request_id, unit_id;
	char unit_name[RQ_NAME_TEXT]; /* read only */
	char role[8], state[16];
	char part[RQ_PART_MAX * 4 + 1];
	char result[RQ_NOTE_MAX * 4 + 1];
	char created_at[RQ_TIME], updated_at[RQ_TIME];
};
enum err store_request_parties(struct store_conn *c, int64_t request_id,
                               void (*fn)(void *ctx, const struct request_party_row *p), void *ctx,
                               struct errinfo *ei);
/* ERR_CONFLICT when the unit is summoned already. */
enum err store_request_party_add(struct store_conn *c, const struct request_party_row *p,
                                 struct errinfo *ei);
enum err store_request_party_update(struct store_conn *c, const struct request_party_row *p,
                                    struct errinfo *ei);

struct request_photo_row {
	int64_t request_id;
	char sha256[65];
	char stage[8];
	int event_seq;
};
enum err store_request_photo_add(struct store_conn *c, const struct request_photo_row *p,
                                 struct errinfo *ei);
enum err store_request_photos(struct store_conn *c, int64_t request_id,
                              void (*fn)(void *ctx, const struct request_photo_row *p), void *ctx,
                              struct errinfo *ei);

/* A list's filter. Every condition is ANDed; the scope is an OR of the
 * area ranges, the owner units and the party units. */
struct request_filter {
	const struct code_ranges *scope; /* request area_code in these (NULL: no area part) */
	const int64_t *units;            /* owned by, or summoned, one of these departments */
	int nunits;
	bool everything;                 /* no scope restriction at all */
	const struct code_ranges *area;  /* within this subtree as well (NULL: any) */
	int64_t reporter_user_id;        /* 0: any */
	const char *const *states;       /* NULL-terminated; NULL: any */
	int64_t category_id;             /* the category or its top: 0 any */
	int64_t department_id;           /* owner unit: 0 any */
	bool mine;                       /* owned by one of owner_areas or owner_units */
	const int64_t *owner_areas, *owner_units;
	int nowner_areas, nowner_units;
	const char *source, *urgency;
	int overdue;                     /* -1 any, 1 due_at passed in an open state, 0 not */
	int supervised;                  /* -1 any, 1 supervision > 0 */
	const char *now;                 /* for overdue */
	const char *from, *to;           /* created_at in [from, to) */
	const char *q;                   /* text contained in title, description or address */
	int64_t after;                   /* keyset: ids below this (0: from the newest) */
	int limit;                       /* 0: no limit (exports) */
};
typedef void (*request_fn)(void *ctx, const struct request_row *r);
/* Newest first (id descending). */
enum err store_request_list(struct store_conn *c, const struct request_filter *f, request_fn fn,
                            void *ctx, struct errinfo *ei);

/* Possible duplicates: same category, open, created since `since`, and
 * near the point (a box of the given degrees), or in the area's subtree, or
 * with text sharing trigrams with text; up to limit, newest first. */
struct request_dup_query {
	int64_t category_id;
	const char *area_code;    /* in this subtree (the grid and below); NULL: none */
	bool area_exact;          /* that area only, not its subtree */
	bool has_point;
	double lng, lat, dlng, dlat;
	const char *text;         /* NULL or "": none */
	const char *since;
	int64_t except;           /* leave out this request */
	int limit;
};
enum err store_request_duplicates(struct store_conn *c, const struct request_dup_query *q,
                                  request_fn fn, void *ctx, struct errinfo *ei);

/* Moves only the scheduler's next look (no event, no new version). */
enum err store_request_set_sweep(struct store_conn *c, int64_t id, int64_t version,
                                 const char *sweep_at, struct errinfo *ei);

/* Requests whose sweep_at has come (at most limit ids, earliest first). */
enum err store_request_due(struct store_conn *c, const char *now, int limit, int64_t *ids, int *n,
                           struct errinfo *ei);

/* The roll-up counters, in the tables' column order. */
enum rq_counter {
	RC_RECEIVED,
	RC_INVALID,
	RC_DISPATCHED,
	RC_RESPONDED,
	RC_RESPONDED_IN_TIME,
	RC_RESOLVED,
	RC_CLOSED,
	RC_CLOSED_ON_TIME,
	RC_DUE_TO_CLOSE,
	RC_HELD_OVER,
	RC_RATED,
	RC_SOLVED,
	RC_SATISFIED,
	RC_BASICALLY_SATISFIED,
	RC_DISSATISFIED,
	RC_REWORK,
	RC_HANDLE_MINUTES,
	RC_LEVEL_GRID,
	RC_LEVEL_COMMUNITY,
	RC_LEVEL_STREET,
	RC_LEVEL_DISTRICT,
	RC_LEVEL_CITY,
	RC_SUPERVISED,
	RC_OVERDUE,
	RC__MAX
};
extern const char *const rq_counter_names[]; /* NULL-terminated */

/* Adds counts to the rows (area or unit, day, category) of each of the n
 * distinct ids (at most ROLLUP_IDS_MAX), creating them: one statement. */
#define ROLLUP_IDS_MAX 12
enum err store_request_rollup_add(struct store_conn *c, bool unit, const int64_t *ids, int n,
                                  const char *day, int64_t category_id,
                                  const int64_t counts[RC__MAX], struct errinfo *ei);
/* Sums of a node's rows over [from, to] days (inclusive), one category or all (0). */
enum err store_request_rollup_sum(struct store_conn *c, bool unit, int64_t id, const char *from,
                                  const char *to, int64_t category_id, int64_t counts[RC__MAX],
                                  struct errinfo *ei);

#endif
