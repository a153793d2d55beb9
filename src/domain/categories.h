/* The request categories (事项分类): a tree imported from CSV or edited
 * one node at a time, each node with its intake and closure standards,
 * default owner (a level or a department) and time limits per urgency.
 * The tree is the district's, not an area's: reading it needs
 * request.read, changing it category.manage (both checked by the route
 * table). Every change appends its audit row inside its transaction.
 *
 * A child's empty default owner or limit is its parent's (inherited at
 * read time, so changing a class changes its subclasses that do not say
 * otherwise); a top-level class must give default_level and limit_normal.
 * An urgency without a limit of its own uses limit_normal. */
#ifndef LINLI_DOMAIN_CATEGORIES_H
#define LINLI_DOMAIN_CATEGORIES_H

#include <jansson.h>

#include "auth/identity.h"
#include "store/categories.h"
#include "util/worktime.h"

struct app;

/* --- time limits --------------------------------------------------------------- */

/* A time limit: exactly one member is > 0. "5d" is 5 working days (ends
 * at the close of office hours of the 5th working day after the start),
 * "4wh" 4 working hours (office hours on working days), "2h" 2 hours of
 * clock time. */
struct time_limit {
	int days;
	int work_minutes;
	int clock_minutes;
};
/* Nd (1..LIMIT_DEADLINE_DAYS), Nwh and Nh (1..LIMIT_DEADLINE_HOURS), no
 * spaces, no leading zeros. ERR_INVALID (field "limit") saying why. */
enum err time_limit_parse(const char *s, struct time_limit *out);
/* Back to its text ("5d", "4wh", "2h"); out has at least CATEGORY_LIMIT_TEXT. */
void time_limit_format(const struct time_limit *t, char *out);
/* When the limit, started at start, ends: working days and hours on the
 * working calendar read through c (callable inside any store callback),
 * clock hours as they are. */
enum err time_limit_end(struct store_conn *c, const struct office_hours *oh,
                        const struct time_limit *t, int64_t start, int64_t *end,
                        struct errinfo *ei);

/* --- vocabulary ------------------------------------------------------------------ */

extern const char *const category_kinds[];    /* event, component; NULL-terminated */
extern const char *const category_levels[];   /* grid, community, street, district, city */
extern const char *const category_levels_zh[]; /* 网格, 社区, 街道, 区, 市 */
/* The level for its identifier or zh-CN label; NULL when neither. */
const char *category_level_parse(const char *s);
/* NULL when code is a valid code (1..CATEGORY_CODE_MAX of 0-9A-Za-z) under
 * parent_code (NULL: top level; a child's code extends its parent's). */
const char *category_code_check(const char *code, const char *parent_code);

/* --- for the request lifecycle (inside its store callbacks) ------------------------ */

/* The category a new request is filed under: loads it with its inherited
 * defaults and limits filled in (default_level/default_department_id from
 * the nearest category, itself first, that names either; each empty limit
 * from the nearest that has it; urgent and critical falling back to
 * normal). *top_id (if not NULL) gets its top-level ancestor (itself at
 * the top): the figures roll up by it. Unknown id: ERR_INVALID naming
 * field "category_id"; a category that is inactive, or under an inactive
 * one: ERR_UNPROCESSABLE naming "category_id". */
enum err category_for_request(struct store_conn *c, int64_t category_id, struct category_row *out,
                              int64_t *top_id, struct errinfo *ei);
/* The same without the active check (an existing request's category). */
enum err category_effective(struct store_conn *c, int64_t category_id, struct category_row *out,
                            int64_t *top_id, struct errinfo *ei);
/* The handle deadline of a request of category cat (as filled by
 * category_for_request) and urgency ("normal", "urgent", "critical";
 * anything else is ERR_INVALID naming "urgency"), started at start (Unix
 * seconds), on the working calendar read through c. */
enum err category_due_at(struct store_conn *c, const struct office_hours *oh,
                         const struct category_row *cat, const char *urgency, int64_t start,
                         int64_t *due, struct errinfo *ei);

/* --- the API's calls ---------------------------------------------------------------- */

json_t *category_json(const struct category_row *r);

struct category_input {
	const char *code;              /* create */
	int64_t parent_id;             /* create: 0 top level */
	const char *parent_code;       /* import: the parent by code ("" top level) */
	const char *name, *kind;       /* NULL: unchanged (update); kind defaults to the parent's */
	const char *intake_standard, *closure_standard;
	const char *default_level;     /* "" clears (not at the top) */
	bool set_department;           /* update: default_department_id given (0 clears) */
	int64_t default_department_id; /* a unit of kind department */
	const char *default_department; /* import: the department by id or by its unique name */
	const char *limit_normal, *limit_urgent, *limit_critical; /* "" clears */
	int active;                    /* -1: unchanged (create: active) */
	const char *attributes;        /* Open311 attribute definitions, JSON list text
	                                * (domain/open311.h); "" or "[]" clears, NULL: unchanged */
};

/* parent < 0: the whole tree; 0: the top level; else its children. */
enum err categories_list(struct app *app, int64_t parent, bool include_inactive, category_fn fn,
                         void *ctx, struct errinfo *ei);
/* The categories a new request may be filed under: active, and under no
 * inactive class; by code (the public report page's list). */
enum err categories_usable(struct app *app, category_fn fn, void *ctx, struct errinfo *ei);
/* One category as stored; *effective (if not NULL) as category_effective fills it. */
enum err categories_get(struct app *app, int64_t id, struct category_row *out,
                        struct category_row *effective, struct errinfo *ei);
/* The one function behind POST /categories and a CSV row, inside the
 * caller's transaction. */
enum err category_create_in(struct store_conn *c, const struct actor *a,
                            const struct category_input *in, struct category_row *out,
                            struct errinfo *ei);
enum err categories_create(struct app *app, const struct actor *a, const struct category_input *in,
                           struct category_row *out, struct errinfo *ei);
enum err categories_update(struct app *app, const struct actor *a, int64_t id,
                           const struct category_input *in, struct category_row *out,
                           struct errinfo *ei);

#endif
