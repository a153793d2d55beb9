/* SQL of the request categories (事项分类) and the dispatch rules (派单规则).
 * Called inside store callbacks only; no rules here (domain/categories.c
 * holds them). A category's code is its parent's code plus more characters,
 * so a category's ancestors are the categories whose code is a prefix of
 * its own. */
#ifndef LINLI_STORE_CATEGORIES_H
#define LINLI_STORE_CATEGORIES_H

#include <stdbool.h>

#include "store/areas.h"
#include "store/store.h"
#include "store/units.h"

#define CATEGORY_CODE_MAX 16      /* characters, [0-9A-Za-z] */
#define CATEGORY_NAME_MAX 64      /* characters */
#define CATEGORY_STANDARD_MAX 500 /* characters, intake and closure standards */
#define CATEGORY_LIMIT_TEXT 16    /* "15d", "4wh", "2h" + NUL */
#define CATEGORY_LEVEL_TEXT 12    /* "community" + NUL */
#define CATEGORY_ATTRIBUTES_MAX 4000 /* bytes of JSON */

struct category_row {
	int64_t id, parent_id;                    /* parent_id 0: a top-level class */
	char code[CATEGORY_CODE_MAX + 1];
	char parent_code[CATEGORY_CODE_MAX + 1];  /* read only; "" at the top */
	char name[CATEGORY_NAME_MAX * 4 + 1];
	char kind[12];                            /* event, component */
	char intake_standard[CATEGORY_STANDARD_MAX * 4 + 1];
	char default_level[CATEGORY_LEVEL_TEXT];  /* "" : the parent's */
	int64_t default_department_id;            /* 0: none */
	char default_department_name[UNIT_NAME_MAX * 4 + 1]; /* read only */
	char limit_normal[CATEGORY_LIMIT_TEXT];   /* "" : the parent's */
	char limit_urgent[CATEGORY_LIMIT_TEXT];
	char limit_critical[CATEGORY_LIMIT_TEXT];
	char closure_standard[CATEGORY_STANDARD_MAX * 4 + 1];
	char attributes[CATEGORY_ATTRIBUTES_MAX + 1]; /* JSON text, "" for NULL */
	bool active;
	int64_t children;                         /* read only: direct children */
	char created_at[32], updated_at[32];
};

enum err store_category_get(struct store_conn *c, int64_t id, struct category_row *r,
                            struct errinfo *ei);
enum err store_category_by_code(struct store_conn *c, const char *code, struct category_row *r,
                                struct errinfo *ei);
typedef void (*category_fn)(void *ctx, const struct category_row *r);
/* parent < 0: the whole tree; 0: the top level; else that category's
 * children. By code. Inactive ones only with include_inactive. */
enum err store_category_list(struct store_conn *c, int64_t parent, bool include_inactive,
                             category_fn fn, void *ctx, struct errinfo *ei);
/* Sets id, created_at and updated_at. */
enum err store_category_insert(struct store_conn *c, struct category_row *r, struct errinfo *ei);
/* Writes everything but id, code, parent_id and created_at; sets updated_at. */
enum err store_category_update(struct store_conn *c, struct category_row *r, struct errinfo *ei);

/* Keeping codes a materialised path: *prefix_id gets the category with
 * the longest code that is a proper prefix of code (0: none), *extending
 * how many categories have code as a proper prefix. */
enum err store_category_code_neighbours(struct store_conn *c, const char *code, int64_t *prefix_id,
                                        int64_t *extending, struct errinfo *ei);
/* Units of kind department called name: *count of them, *id the first. */
enum err store_department_by_name(struct store_conn *c, const char *name, int64_t *id, int *count,
                                  struct errinfo *ei);

struct dispatch_rule_row {
	int64_t id, category_id, area_id, owner_unit_id, created_by; /* owner_unit_id 0: by level */
	int64_t priority;
	char owner_level[CATEGORY_LEVEL_TEXT];    /* "" when owner_unit_id is set */
	char category_code[CATEGORY_CODE_MAX + 1];        /* read only, like the names */
	char category_name[CATEGORY_NAME_MAX * 4 + 1];
	char area_code[AREA_CODE_MAX + 1];
	char area_name[AREA_NAME_MAX * 4 + 1];
	char area_level[16];
	char owner_unit_name[UNIT_NAME_MAX * 4 + 1];
	char created_at[32];
};
enum err store_dispatch_rule_get(struct store_conn *c, int64_t id, struct dispatch_rule_row *r,
                                 struct errinfo *ei);
typedef void (*dispatch_rule_fn)(void *ctx, const struct dispatch_rule_row *r);
/* Rules whose area lies in r (NULL: all), of category_id's subtree when
 * category_code is not NULL; by area code, category code, priority (larger
 * first). */
enum err store_dispatch_rule_list(struct store_conn *c, const struct code_ranges *r,
                                  const char *category_code, dispatch_rule_fn fn, void *ctx,
                                  struct errinfo *ei);
/* The most specific rule among the rules of the categories cats[0..ncats)
 * and the areas areas[0..nareas) (a category and its ancestors, an area and
 * its ancestors; at most 16 each): the deepest category wins (longest
 * code), then the deepest area, then the larger priority, then the older
 * rule. *found false when none. */
enum err store_dispatch_rule_best(struct store_conn *c, const int64_t *cats, int ncats,
                                  const int64_t *areas, int nareas, struct dispatch_rule_row *r,
                                  bool *found, struct errinfo *ei);
/* Sets id and created_at. A rule of the same category, area and priority
 * is ERR_CONFLICT. */
enum err store_dispatch_rule_insert(struct store_conn *c, struct dispatch_rule_row *r,
                                    struct errinfo *ei);
enum err store_dispatch_rule_delete(struct store_conn *c, int64_t id, bool *found,
                                    struct errinfo *ei);

#endif
