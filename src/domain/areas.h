/* The area tree: district → street → community → grid → compound →
 * building → entrance. Every call checks the caller's capability-free
 * part of access here: the scope (an area-code prefix) against the node's
 * code. Capabilities are checked by the route table (auth/access.c).
 * The other registers use area_require() to bind their rows to an area. */
#ifndef LINLI_DOMAIN_AREAS_H
#define LINLI_DOMAIN_AREAS_H

#include <jansson.h>

#include "auth/identity.h"
#include "geo/coord.h"
#include "store/areas.h"

struct app;

enum area_level {
	AREA_DISTRICT = 1,
	AREA_STREET,
	AREA_COMMUNITY,
	AREA_GRID,
	AREA_COMPOUND,
	AREA_BUILDING,
	AREA_ENTRANCE,
	AREA_LEVELS = AREA_ENTRANCE
};
extern const char *const area_level_names[]; /* [1..7], NULL-terminated from [1] */
int area_level_parse(const char *s);          /* 0 when unknown */
const char *area_level_name(int level);

/* Segment widths below the community (config area_widths, default 3,3,3,2). */
enum err area_widths_set(const char *spec, struct errinfo *ei);
size_t area_code_len(int level);
/* NULL when code is a valid code of level under parent_code (NULL for a
 * district), else why not. */
const char *area_code_check(const char *code, int level, const char *parent_code);

/* Loads area id inside a store callback and checks it lies in the actor's
 * scope and between the levels given (0: any). Errors name field: an
 * unknown id is ERR_INVALID (it was given as a reference), outside the
 * scope ERR_FORBIDDEN. */
enum err area_require(struct store_conn *c, const struct actor *a, int64_t id, int min_level,
                      int max_level, const char *field, struct area_row *out, struct errinfo *ei);
/* The scope of a listing: the area asked for (checked) or the actor's own. */
enum err area_scope_ranges(struct store_conn *c, const struct actor *a, int64_t area_id,
                           struct code_ranges *r, struct errinfo *ei);
/* Records a refusal in the audit log (outside any transaction). */
void area_denied(struct app *app, const struct actor *a, const char *object, const struct errinfo *ei);

struct area_detail {
	struct area_row area;
	struct area_counts counts;
	json_t *ancestors;   /* array of area objects (area_json) */
	json_t *responsible; /* array */
};
json_t *area_json(const struct area_row *a);

enum err areas_get(struct app *app, const struct actor *a, int64_t id, struct area_detail *out,
                   struct errinfo *ei);
/* The roots the actor may see: the areas named by their scopes (all districts for "*"). */
enum err areas_roots(struct app *app, const struct actor *a, area_fn fn, void *ctx, struct errinfo *ei);
enum err areas_children(struct app *app, const struct actor *a, int64_t id, bool include_closed,
                        area_fn fn, void *ctx, struct errinfo *ei);
enum err areas_subtree(struct app *app, const struct actor *a, int64_t id, int level,
                       const char *after, int limit, area_fn fn, void *ctx, struct errinfo *ei);
enum err areas_ancestors(struct app *app, const struct actor *a, int64_t id, area_fn fn, void *ctx,
                         struct errinfo *ei);
enum err areas_search(struct app *app, const struct actor *a, const char *q, int level, int limit,
                      area_fn fn, void *ctx, struct errinfo *ei);
enum err areas_history(struct app *app, const struct actor *a, int64_t id,
                       void (*fn)(void *ctx, const struct area_change *h), void *ctx,
                       struct errinfo *ei);

struct area_input {
	int64_t parent_id;           /* create: 0 for a district */
	int level;                   /* create: 0 → the level below the parent */
	const char *code;            /* create: NULL → the next free code */
	const char *name, *kind;     /* NULL: unchanged */
	const char *valid_from;      /* create: NULL → today */
	bool set_point;
	double lng, lat;             /* WGS-84 unless crs says otherwise */
	enum coord_crs crs;
};
enum err areas_create(struct app *app, const struct actor *a, const struct area_input *in,
                      struct area_row *out, struct errinfo *ei);
/* The same inside the caller's write transaction (imports). */
enum err area_create_tx(struct store_conn *c, struct app *app, const struct actor *a,
                        const struct area_input *in, struct area_row *out, struct errinfo *ei);
enum err areas_update(struct app *app, const struct actor *a, int64_t id,
                      const struct area_input *in, struct area_row *out, struct errinfo *ei);
/* Closes an area with no open children on valid_to (NULL: today). */
enum err areas_close(struct app *app, const struct actor *a, int64_t id, const char *valid_to,
                     struct area_row *out, struct errinfo *ei);
/* Moves a subtree under new_parent (社区拆分): the node and its subtree get
 * new codes, history rows keep the old ones, registers follow. */
enum err areas_move(struct app *app, const struct actor *a, int64_t id, int64_t new_parent,
                    struct area_row *out, struct errinfo *ei);
/* geometry NULL removes the boundary. Grids' boundaries feed the locator. */
enum err areas_set_boundary(struct app *app, const struct actor *a, int64_t id, json_t *geometry,
                            enum coord_crs crs, struct area_row *out, struct errinfo *ei);
/* A GeoJSON FeatureCollection of the open areas at level under id that have a boundary. */
enum err areas_boundaries(struct app *app, const struct actor *a, int64_t id, int level,
                          enum coord_crs crs, json_t **out, struct errinfo *ei);
enum err areas_boundary(struct app *app, const struct actor *a, int64_t id, enum coord_crs crs,
                        json_t **out, struct errinfo *ei);

/* The grid containing a point, and its ancestors (district first). ERR_NOTFOUND outside every grid. */
enum err areas_locate(struct app *app, const struct actor *a, double lng, double lat,
                      enum coord_crs crs, struct area_row *grid, area_fn ancestors, void *ctx,
                      struct errinfo *ei);
/* Builds the locator from every open grid's boundary (start-up, and after a change). */
enum err areas_index_rebuild(struct app *app, struct errinfo *ei);

struct responsible_input {
	const char *role, *name, *phone;
	int64_t user_id;
};
enum err areas_responsible_add(struct app *app, const struct actor *a, int64_t id,
                               const struct responsible_input *in, struct responsible_row *out,
                               struct errinfo *ei);
enum err areas_responsible_remove(struct app *app, const struct actor *a, int64_t id, int64_t rid,
                                  struct errinfo *ei);
/* Decrypts the phone of a person in charge (needs person.read_pii; audited). */
enum err areas_responsible_phone(struct app *app, const struct actor *a, int64_t id, int64_t rid,
                                 char **phone, struct errinfo *ei);

#endif
