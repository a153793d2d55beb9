/* The party registers: organisations (党工委 > 党委 > 党总支 > 党支部 >
 * 党小组, each bound to an area), members, report-ins (双报到), the yearly
 * six-ones (六个一) and centre households (党员中心户).
 *
 * Scope: an organisation lies where its area does; a member where their
 * home community does, or, without one, where their organisation's area
 * does; a report-in and a centre household where their community or
 * household does. Capabilities are checked by the route table; the scope
 * here. Every write appends its audit row inside its transaction; a
 * refusal outside the scope is ERR_FORBIDDEN with an access.denied row. */
#ifndef LINLI_DOMAIN_PARTY_H
#define LINLI_DOMAIN_PARTY_H

#include <jansson.h>

#include "auth/identity.h"
#include "auth/pii.h"
#include "store/party.h"

struct app;

/* Organisation kinds from the highest rank down; a child's kind ranks
 * strictly lower than its parent's. */
extern const char *const party_org_kinds[];    /* NULL-terminated */
extern const char *const party_org_kinds_zh[]; /* same order */
/* 0 (working_committee) … 4 (group); -1 when s is neither an identifier nor a label. */
int party_org_kind_rank(const char *s);
extern const char *const party_member_statuses[]; /* full, probationary */
extern const char *const party_genders[];         /* male, female */
/* The six items, in checklist order, and their labels. */
#define SIX_ONES_ITEMS 6
extern const char *const six_ones_items[];    /* NULL-terminated */
extern const char *const six_ones_items_zh[];

json_t *party_org_json(const struct party_org_row *o);
json_t *party_member_json(const struct party_member_row *m);
json_t *report_in_json(const struct report_in_row *r);
json_t *center_json(const struct center_row *h);

/* --- organisations ------------------------------------------------------------ */

struct party_org_input {
	int64_t parent_id;       /* 0: a root (create) */
	const char *parent_name; /* import: the parent by name at or above the area */
	const char *kind, *name; /* NULL: unchanged (update) */
	int64_t area_id;         /* create */
	const char *area_code;   /* import: the area by code */
	int64_t unit_id;         /* 0: none */
};
/* Children of parent (in the scope), or with parent 0 the roots of the
 * scope: organisations in it whose parent is absent or outside it. */
enum err party_orgs_list(struct app *app, const struct actor *a, int64_t parent, json_t *items,
                         struct errinfo *ei);
struct party_org_detail {
	struct party_org_row org;
	struct party_org_counts counts;
	json_t *report_ins; /* the organisation's active report-ins */
};
enum err party_orgs_get(struct app *app, const struct actor *a, int64_t id,
                        struct party_org_detail *out, struct errinfo *ei);
/* The one function behind POST /party/orgs and the CSV import. */
enum err party_org_create_in(struct store_conn *c, const struct actor *a,
                             const struct party_org_input *in, struct party_org_row *out,
                             struct errinfo *ei);
enum err party_orgs_create(struct app *app, const struct actor *a, const struct party_org_input *in,
                           struct party_org_row *out, struct errinfo *ei);
enum err party_orgs_update(struct app *app, const struct actor *a, int64_t id,
                           const struct party_org_input *in, struct party_org_row *out,
                           struct errinfo *ei);

/* --- members --------------------------------------------------------------------- */

struct party_member_input {
	const char *name, *gender, *status, *joined_on; /* NULL: unchanged (update) */
	const char *phone_text;    /* the API's: sealed by create/update; "" clears; NULL: unchanged */
	bool set_phone;
	const struct pii *phone;   /* sealed already, with set_phone (NULL or empty: none) */
	int64_t org_id;            /* create: required unless org_name */
	bool set_work_unit, set_community, set_person; /* update: the id (0 clears) applies */
	int64_t work_unit_id, community_id, person_id;
	/* import: references by name and code */
	const char *org_name, *org_area_code, *community_code, *work_unit_name;
	const char *reported_on;   /* import: also report in to the home community that day */
};
struct party_member_query {
	int64_t org_id;       /* the organisation's subtree; 0: any */
	int64_t community_id; /* home area; 0: the caller's scope */
	const char *status, *q;
	int reported;         /* -1 any, 1 with an active report-in, 0 without */
	int64_t offset;
	int limit;
};
/* Each member with organisation, active report-in and this year's six-ones count. */
enum err party_members_list(struct app *app, const struct actor *a,
                            const struct party_member_query *q, party_member_fn fn, void *ctx,
                            int64_t *total, struct errinfo *ei);
struct party_member_detail {
	struct party_member_row member;
	json_t *report_ins; /* every report-in, newest first */
	json_t *six_ones;   /* this year's, as party_six_ones_get */
};
enum err party_members_get(struct app *app, const struct actor *a, int64_t id,
                           struct party_member_detail *out, struct errinfo *ei);
/* The one function behind POST /party/members and the CSV import. */
enum err party_member_create_in(struct store_conn *c, struct app *app, const struct actor *a,
                                const struct party_member_input *in, struct party_member_row *out,
                                struct errinfo *ei);
enum err party_members_create(struct app *app, const struct actor *a,
                              const struct party_member_input *in, struct party_member_row *out,
                              struct errinfo *ei);
enum err party_members_update(struct app *app, const struct actor *a, int64_t id,
                              const struct party_member_input *in, struct party_member_row *out,
                              struct errinfo *ei);
/* Decrypts a member's phone (person.read_pii by the route; audited). */
enum err party_members_phone(struct app *app, const struct actor *a, int64_t id, char **phone,
                             struct errinfo *ei);

/* --- report-ins --------------------------------------------------------------------- */

/* A member reports in to a community (both in the scope). ERR_CONFLICT
 * while the member has an active report-in. */
enum err party_member_report_in(struct app *app, const struct actor *a, int64_t member_id,
                                int64_t community_id, const char *reported_on,
                                struct report_in_row *out, struct errinfo *ei);
/* An organisation reports in to a community in the scope (the
 * organisation may lie outside it). ERR_CONFLICT while it has an active
 * report-in there. */
enum err party_org_report_in(struct app *app, const struct actor *a, int64_t org_id,
                             int64_t community_id, const char *reported_on,
                             struct report_in_row *out, struct errinfo *ei);
enum err party_report_in_end(struct app *app, const struct actor *a, int64_t id,
                             const char *ended_on, struct report_in_row *out, struct errinfo *ei);
struct report_in_query {
	int64_t community_id; /* 0: the caller's scope */
	int kind;             /* 0 any, 1 members, 2 organisations */
	int active;           /* -1 any, 1 active, 0 ended */
	int64_t offset;
	int limit;
};
enum err party_report_ins_list(struct app *app, const struct actor *a,
                               const struct report_in_query *q, json_t *items, int64_t *total,
                               struct errinfo *ei);

/* --- six-ones ------------------------------------------------------------------------- */

/* {year, items: [{item, done_on|null, note}] × 6, done, of: 6, reported_in}. */
enum err party_six_ones_get(struct app *app, const struct actor *a, int64_t member_id, int year,
                            json_t **out, struct errinfo *ei);
/* Records an item done. ERR_UNPROCESSABLE unless the member was reported in
 * during that year; done_on must lie inside the year and not after today. */
enum err party_six_ones_put(struct app *app, const struct actor *a, int64_t member_id, int year,
                            const char *item, const char *done_on, const char *note, json_t **out,
                            struct errinfo *ei);
enum err party_six_ones_delete(struct app *app, const struct actor *a, int64_t member_id, int year,
                               const char *item, json_t **out, struct errinfo *ei);

/* --- centre households ---------------------------------------------------------------- */

enum err party_centers_list(struct app *app, const struct actor *a, int64_t area_id,
                            int64_t offset, int limit, json_t *items, int64_t *total,
                            struct errinfo *ei);
/* The centre with "households": the households it covers. */
enum err party_centers_get(struct app *app, const struct actor *a, int64_t id, json_t **out,
                           struct errinfo *ei);
/* Households in the scope; each covered by at most one centre (ERR_CONFLICT
 * naming the household). */
enum err party_centers_create(struct app *app, const struct actor *a, int64_t member_id,
                              int64_t household_id, const int64_t *covers, int n, json_t **out,
                              struct errinfo *ei);
enum err party_centers_set_covers(struct app *app, const struct actor *a, int64_t id,
                                  const int64_t *covers, int n, json_t **out, struct errinfo *ei);
enum err party_centers_delete(struct app *app, const struct actor *a, int64_t id,
                              struct errinfo *ei);

#endif
