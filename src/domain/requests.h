/* Requests (接诉即办): intake, the actions of the transition table
 * (domain/request_flow.h), reads, lists, duplicates, exports and the
 * resident pages. Every action is one write transaction: the request is
 * read with its version, the table is checked, the new row is written
 * WHERE version = the one read, and the event, photos, parties, roll-ups
 * (the request's area and every ancestor, and the owner department),
 * notifications and the audit row go in the same transaction. Capabilities
 * and relations are checked here; a refusal is ERR_FORBIDDEN with an
 * access.denied audit row. No HTTP. */
#ifndef LINLI_DOMAIN_REQUESTS_H
#define LINLI_DOMAIN_REQUESTS_H

#include <jansson.h>

#include "auth/identity.h"
#include "domain/request_flow.h"
#include "geo/coord.h"
#include "store/requests.h"

struct app;

extern const char *const rq_sources[];    /* NULL-terminated */
extern const char *const rq_kinds[];
extern const char *const rq_urgencies[];
extern const char *const rq_return_reasons[];
extern const char *const rq_feedbacks[];
extern const char *const rq_queues[];     /* mine, to_dispatch, overdue, supervised, to_verify, to_approve */

#define RQ_PHOTOS_MAX 9
#define RQ_CO_PARTIES_MAX 10
#define RQ_DUP_RADIUS_M 200
#define RQ_DUP_DAYS 7
#define RQ_EXPORT_MAX 100000

/* The staff view of a request (phones masked). now: for "overdue". */
json_t *request_json(const struct app *app, const struct request_row *r, int64_t now);

/* --- intake --------------------------------------------------------------------- */

struct request_input {
	const char *source, *kind, *urgency;   /* urgency NULL: normal */
	int64_t category_id;
	const char *title, *description, *address;
	int64_t area_id;                       /* 0: by the point, else by the address */
	bool has_point;
	double lng, lat;
	enum coord_crs crs;
	const char *reporter_name, *reporter_phone;
	bool anonymous;
	const char *const *photos;             /* sha256 each */
	int nphotos;
};
/* Registers a request (state registered). The caller needs request.intake
 * (by the route) and the intake relation (its scope covers the area).
 * out gets the request; dups (if not NULL) an array of possible duplicates. */
enum err requests_create(struct app *app, const struct actor *a, const struct request_input *in,
                         struct request_row *out, json_t *dups, struct errinfo *ei);
/* The public page's intake: source web, no scope, reporter_phone required,
 * rate-limited per address (ERR_RATE). */
enum err requests_create_public(struct app *app, const struct actor *a,
                                const struct request_input *in, struct request_row *out,
                                struct errinfo *ei);

struct dup_query {
	int64_t category_id, area_id;
	bool has_point;
	double lng, lat;
	const char *text;
};
/* Possible duplicates (at most 10) as request JSON, appended to items. */
enum err requests_duplicates(struct app *app, const struct actor *a, const struct dup_query *q,
                             json_t *items, struct errinfo *ei);

/* --- reads ------------------------------------------------------------------------ */

/* The request with "events", "photos", "parties" and "actions". The
 * caller needs request.read and to see it (covers its area, owns it, is
 * summoned), or to be its reporter. */
enum err requests_get(struct app *app, const struct actor *a, int64_t id, json_t **out,
                      struct errinfo *ei);
/* The actions the caller may run now, with their labels and targets:
 * fills out[] and returns how many (≥ 0), or -1 with ei set. */
struct allowed_action {
	enum rq_action action;
	int to; /* enum rq_state, RQ_TO_SAME or RQ_TO_DECIDED */
};
int requests_actions(struct app *app, const struct actor *a, int64_t id,
                     struct allowed_action out[RA__MAX], struct errinfo *ei);

/* Unmasks the reporter's phone for a call back (audited as pii.unmask on
 * request:ID): the caller needs request.followup or person.read_pii and to
 * see the request. *phone is "" when none was given; the caller frees it. */
enum err requests_reporter_phone(struct app *app, const struct actor *a, int64_t id, char **phone,
                                 struct errinfo *ei);

struct request_query {
	int64_t area_id, category_id, department_id;
	const char *state, *source, *urgency, *queue, *q;
	int overdue;             /* -1 any */
	const char *from, *to;   /* local dates YYYY-MM-DD, to inclusive; NULL: open */
	int64_t after;
	int limit;
};
/* Calls fn for each request in the caller's scope matching q, newest first;
 * *next_after gets the id to continue after (0: the last page). */
enum err requests_list(struct app *app, const struct actor *a, const struct request_query *q,
                       request_fn fn, void *ctx, int64_t *next_after, struct errinfo *ei);
/* The same list as an .xlsx (at most RQ_EXPORT_MAX rows); audited. */
enum err requests_export(struct app *app, const struct actor *a, const struct request_query *q,
                         char **data, size_t *len, struct errinfo *ei);

/* --- actions --------------------------------------------------------------------------- */

struct action_input {
	const char *note;
	const char *reason;                 /* invalidate, escalate, request_extension; return's enum */
	int64_t owner_area_id, owner_unit_id; /* dispatch, redispatch; escalate's department */
	int days;                           /* request_extension */
	int solved;                         /* rate: -1 not given */
	const char *feedback;               /* rate */
	const char *const *photos;
	int nphotos;
	int64_t lead_unit_id;               /* whistle */
	const char *lead_part;
	const int64_t *co_unit_ids;
	const char *const *co_parts;
	int nco, nco_parts;
	int64_t unit_id;                    /* report_in, part_done: which of the caller's departments */
	int64_t into;                       /* merge */
	int64_t version;                    /* 0: not given */
	const char *phone_last4;            /* the public rating's proof */
};

/* What an action refused for the state reports besides the error. */
struct action_result {
	char state[24]; /* the request's state when refused (409) or after the action */
};

/* Runs one action of the table. ERR_CONFLICT field "state" (res->state
 * named) for a state that does not allow it, field "version" when another
 * action came first; ERR_FORBIDDEN (audited) for a capability or relation
 * that does not hold; guards as flow_check says; ERR_INVALID naming a bad
 * field of the body. */
enum err requests_act(struct app *app, const struct actor *a, int64_t id, enum rq_action action,
                      const struct action_input *in, struct action_result *res,
                      struct errinfo *ei);

/* --- resident pages ----------------------------------------------------------------------- */

/* The public view by tracking code: no staff names, no personal data. */
enum err requests_public_get(struct app *app, const char *tracking_code, json_t **out,
                             struct errinfo *ei);
/* The reporter's rating, proved by the last 4 digits of their phone
 * (ERR_FORBIDDEN field "phone_last4"; repeated failures ERR_RATE). */
enum err requests_public_rate(struct app *app, const struct actor *a, const char *tracking_code,
                              const struct action_input *in, struct action_result *res,
                              struct errinfo *ei);

/* --- the scheduler's step ----------------------------------------------------------------- */

/* Flags the requests whose sweep time has come (overdue, then notice one
 * working day later, public notice five after that): each in its own
 * transaction, checked by version, so several processes may run it at once.
 * *done gets how many were changed. */
enum err requests_sweep(struct app *app, int64_t now, int *done, struct errinfo *ei);

#endif
