/* SQL of the area tree (tables area, area_history, area_responsible) and
 * the code-range helpers every register uses. Called inside store
 * callbacks only. A code is its parent's code plus a fixed-width segment,
 * so "everything under X" is the range [X, X + ":") of an indexed column. */
#ifndef LINLI_STORE_AREAS_H
#define LINLI_STORE_AREAS_H

#include <stdbool.h>

#include "store/store.h"
#include "util/strbuf.h"

#define AREA_CODE_MAX 32
#define AREA_NAME_MAX 64 /* characters */
#define AREA_KIND_MAX 16
#define DATE_TEXT 11     /* YYYY-MM-DD + NUL */

struct area_row {
	int64_t id, parent_id; /* parent_id 0: a district */
	int level;             /* 1 district … 7 entrance (domain/areas.h) */
	char kind[AREA_KIND_MAX];
	char code[AREA_CODE_MAX + 1];
	char name[AREA_NAME_MAX * 4 + 1];
	char valid_from[DATE_TEXT], valid_to[DATE_TEXT]; /* valid_to "" while open */
	bool has_boundary, has_point;
	double lng, lat;
	int64_t children; /* open children (filled by the listing calls) */
	char created_at[32], updated_at[32];
};

/* The code ranges of a set of prefixes, for "col in any of these subtrees".
 * No prefixes (n == 0) means no restriction; a "*" prefix likewise. */
struct code_ranges {
	int n;
	bool all;
	char lo[16][AREA_CODE_MAX + 1];
	char hi[16][AREA_CODE_MAX + 2];
};
void code_ranges_set(struct code_ranges *r, const char (*prefixes)[AREA_CODE_MAX + 1], int n);
void code_ranges_one(struct code_ranges *r, const char *prefix);
/* Appends " AND (col >= ? AND col < ? OR …)" with its parameters. */
void code_ranges_sql(const struct code_ranges *r, const char *col, struct strbuf *sb,
                     struct store_val *p, int *np);

enum err store_area_get(struct store_conn *c, int64_t id, struct area_row *a, struct errinfo *ei);
enum err store_area_by_code(struct store_conn *c, const char *code, struct area_row *a,
                            struct errinfo *ei);
typedef void (*area_fn)(void *ctx, const struct area_row *a);
/* Children of parent (0: the districts) in code order, with their open children counted. */
enum err store_area_children(struct store_conn *c, int64_t parent, bool include_closed, area_fn fn,
                             void *ctx, struct errinfo *ei);
/* Open descendants of code (not code itself), level 0 = any, code order,
 * after the code `after` (keyset paging), at most limit. */
enum err store_area_subtree(struct store_conn *c, const char *code, int level, const char *after,
                            int limit, area_fn fn, void *ctx, struct errinfo *ei);
/* The ancestors of code, district first. */
enum err store_area_ancestors(struct store_conn *c, const char *code, area_fn fn, void *ctx,
                              struct errinfo *ei);
/* Open areas whose name contains q or whose code starts with q, inside r. */
enum err store_area_search(struct store_conn *c, const char *q, int level,
                           const struct code_ranges *r, int limit, area_fn fn, void *ctx,
                           struct errinfo *ei);
enum err store_area_insert(struct store_conn *c, struct area_row *a, struct errinfo *ei);
/* Writes name, kind, lng/lat, valid_to and updated_at. */
enum err store_area_update(struct store_conn *c, const struct area_row *a, struct errinfo *ei);
/* geojson NULL clears the boundary. */
enum err store_area_set_boundary(struct store_conn *c, int64_t id, const char *geojson,
                                 struct errinfo *ei);
enum err store_area_boundary(struct store_conn *c, int64_t id, char **geojson, struct errinfo *ei);
/* The next free segment under parent_code for a child code of len characters. */
enum err store_area_next_code(struct store_conn *c, const char *parent_code, size_t len,
                              char out[AREA_CODE_MAX + 1], struct errinfo *ei);
/* Was code given up by a move (codes are never reused)? */
enum err store_area_code_retired(struct store_conn *c, const char *code, bool *retired,
                                 struct errinfo *ei);
/* Open children count of id. */
enum err store_area_open_children(struct store_conn *c, int64_t id, int64_t *n, struct errinfo *ei);
/* Gives the subtree at old_prefix the prefix new_prefix everywhere a code is
 * kept (areas, registers, user scopes), and reparents its root. */
enum err store_area_recode(struct store_conn *c, int64_t root, int64_t new_parent,
                           const char *old_prefix, const char *new_prefix, struct errinfo *ei);

struct area_counts {
	int64_t children, households, people, party_members, units;
};
enum err store_area_counts(struct store_conn *c, const struct area_row *a, struct area_counts *n,
                           struct errinfo *ei);

/* Boundaries of open descendants of code at level (with a boundary). */
typedef void (*boundary_fn)(void *ctx, const struct area_row *a, const char *geojson);
enum err store_area_boundaries(struct store_conn *c, const char *code, int level, boundary_fn fn,
                               void *ctx, struct errinfo *ei);

struct area_change {
	int64_t id, area_id, user_id, old_parent_id, new_parent_id;
	char action[16];
	char at[32];
	char old_code[AREA_CODE_MAX + 1], new_code[AREA_CODE_MAX + 1];
	char old_name[AREA_NAME_MAX * 4 + 1], new_name[AREA_NAME_MAX * 4 + 1];
};
enum err store_area_change_add(struct store_conn *c, const struct area_change *h,
                               struct errinfo *ei);
enum err store_area_changes(struct store_conn *c, int64_t area_id,
                            void (*fn)(void *ctx, const struct area_change *h), void *ctx,
                            struct errinfo *ei);

#define RESPONSIBLE_ROLE_MAX 20
struct responsible_row {
	int64_t id, area_id, user_id;
	char role[RESPONSIBLE_ROLE_MAX];
	char name[AREA_NAME_MAX * 4 + 1];
	char phone_masked[24];
};
enum err store_responsible_list(struct store_conn *c, int64_t area_id,
                                void (*fn)(void *ctx, const struct responsible_row *r), void *ctx,
                                struct errinfo *ei);
/* phone_enc and phone_hash may be NULL. */
enum err store_responsible_insert(struct store_conn *c, struct responsible_row *r,
                                  const char *phone_enc, const char *phone_hash,
                                  struct errinfo *ei);
enum err store_responsible_delete(struct store_conn *c, int64_t area_id, int64_t id, bool *found,
                                  struct errinfo *ei);
enum err store_responsible_phone(struct store_conn *c, int64_t area_id, int64_t id, char **enc,
                                 struct errinfo *ei);

#endif
