/* Dispatch rules (派单规则): "requests of this category (and its subtree)
 * in this area (and its subtree) go to the office at this level, or to
 * this department". A user manages the rules of areas inside their scope
 * (request.dispatch, checked by the route table; the scope here) and reads
 * those inside their scope (request.read). The request lifecycle asks
 * dispatch_rule_match where a request goes when it is accepted. */
#ifndef LINLI_DOMAIN_DISPATCH_RULES_H
#define LINLI_DOMAIN_DISPATCH_RULES_H

#include <jansson.h>
#include <stdbool.h>

#include "auth/identity.h"
#include "store/categories.h"

struct app;

/* Where a request goes: an area's office (area_id > 0, unit_id 0) or a
 * department (unit_id > 0, area_id 0). */
struct dispatch_target {
	int64_t area_id;                   /* the office's area */
	char area_code[AREA_CODE_MAX + 1];
	char level[CATEGORY_LEVEL_TEXT];   /* grid, community, street, district, city; "" for a unit */
	int64_t unit_id;                   /* a unit of kind department */
	int64_t rule_id;                   /* the rule that decided; 0: the category's default */
};

/* Where a request of category_id in the area area_code (a grid or a node
 * below it; any level works) goes. The most specific dispatch rule wins:
 * the deepest category (the category itself, then its parent, …), then the
 * deepest area (the area itself, then its parent, …), then the larger
 * priority, then the older rule. Without a rule, the category's default
 * (category_effective): its department, else the office at its
 * default_level. A level resolves to the ancestor of area_code at that
 * level (the area itself when it lies above that level: a request filed on
 * a community stays with the community when the rule says grid); "city",
 * which has no area in linli, resolves to the district's area with level
 * "city" so the caller can tell. *found is false when neither a rule nor
 * a default decides (a category tree without defaults), or when the area
 * code is unknown. Callable inside any store callback. */
enum err dispatch_rule_match(struct store_conn *c, int64_t category_id, const char *area_code,
                             struct dispatch_target *out, bool *found, struct errinfo *ei);

json_t *dispatch_rule_json(const struct dispatch_rule_row *r);

struct dispatch_rule_input {
	int64_t category_id, area_id;
	const char *owner_level;   /* grid, community, street or district; or */
	int64_t owner_unit_id;     /* a department */
	int64_t priority;
};
/* Rules of areas in area_id's subtree (0: the caller's scope), of
 * category_id's subtree when > 0. */
enum err dispatch_rules_list(struct app *app, const struct actor *a, int64_t area_id,
                             int64_t category_id, dispatch_rule_fn fn, void *ctx,
                             struct errinfo *ei);
enum err dispatch_rules_create(struct app *app, const struct actor *a,
                               const struct dispatch_rule_input *in, struct dispatch_rule_row *out,
                               struct errinfo *ei);
enum err dispatch_rules_delete(struct app *app, const struct actor *a, int64_t id,
                               struct errinfo *ei);

#endif
