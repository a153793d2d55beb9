/* The request lifecycle as data: the transition table of docs/REQUESTS.md
 * ("Actions") and the one mechanism that reads it. Each row says from
 * which states an action may be taken, to which state it leads, which
 * capability and which relation of the caller to the request it needs, and
 * which guard must hold. The same rows answer GET …/actions (the console's
 * buttons), run POST …/actions/{action} and drive the tests. Pure: no
 * store, no clock, no HTTP; thread-safe. */
#ifndef LINLI_DOMAIN_REQUEST_FLOW_H
#define LINLI_DOMAIN_REQUEST_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/identity.h"
#include "util/err.h"

enum rq_state {
	RS_REGISTERED,
	RS_WAITING_DISPATCH,
	RS_DISPATCHED,
	RS_RETURN_REQUESTED,
	RS_HANDLING,
	RS_WAITING_REPORTER,
	RS_EXTENSION_REQUESTED,
	RS_HANDLED,
	RS_WAITING_FEEDBACK,
	RS_DISSATISFIED,
	RS_CLOSED,
	RS_ARCHIVED,
	RS_CANCELLED,
	RS_INVALID,
	RS_MERGED,
	RS__MAX
};
extern const char *const rq_state_names[];    /* NULL-terminated, enum order */
extern const char *const rq_state_names_zh[];  /* same order */
/* -1 when unknown. */
int rq_state_parse(const char *s);
const char *rq_state_name(enum rq_state s);
/* Every state but closed, archived, cancelled, invalid and merged. */
bool rq_state_open(enum rq_state s);
/* The UI tag class: "open", "waiting", "refused" or "done". */
const char *rq_state_class(enum rq_state s);

enum rq_action {
	RA_ACCEPT,
	RA_ANSWER,
	RA_INVALIDATE,
	RA_DISPATCH,
	RA_ACKNOWLEDGE,
	RA_RETURN,
	RA_APPROVE_RETURN,
	RA_REFUSE_RETURN,
	RA_REDISPATCH,
	RA_ESCALATE,
	RA_WHISTLE,
	RA_REPORT_IN,
	RA_PART_DONE,
	RA_WAIT_REPORTER,
	RA_RESUME,
	RA_REQUEST_EXTENSION,
	RA_APPROVE_EXTENSION,
	RA_REFUSE_EXTENSION,
	RA_RESOLVE,
	RA_VERIFY,
	RA_REWORK,
	RA_RATE,
	RA_REOPEN,
	RA_CLOSE,
	RA_ARCHIVE,
	RA_SUPERVISE,
	RA_CANCEL,
	RA_MERGE,
	RA_COMMENT,
	RA__MAX
};
extern const char *const rq_action_names[];    /* NULL-terminated, enum order */
extern const char *const rq_action_names_zh[]; /* button labels, same order */
int rq_action_parse(const char *s);
const char *rq_action_name(enum rq_action a);

/* The caller's relations to one request, as bits (docs/REQUESTS.md). */
enum rq_relation {
	REL_INTAKE = 1u << 0,     /* covers the request's area */
	REL_DISPATCHER = 1u << 1, /* covers the owner's area (unowned: the request's) from community level up */
	REL_OWNER = 1u << 2,      /* covers the owner area, or holds the owner unit's unit:N scope */
	REL_PARTY = 1u << 3,      /* holds the unit:N scope of a summoned department */
	REL_SUPERIOR = 1u << 4,   /* covers the owner's parent area; a department's: its district */
	REL_REPORTER = 1u << 5,   /* the reporter (their account, or the public proof) */
	REL_ANY = 1u << 6,        /* sees the request: covers its area, or owner, or party */
};
#define REL__COUNT 7
extern const char *const rq_relation_names[]; /* by bit index, NULL-terminated */

enum rq_guard {
	G_NONE,
	G_WHISTLER,         /* the owner is an office at community level or above (not a grid, not a department) */
	G_PARTY_SUMMONED,   /* one of the caller's departments is summoned and has not reported in */
	G_PARTY_REPORTED,   /* one of the caller's departments reported in and is not done */
	G_PARTIES_DONE,     /* every summoned department is done */
	G_EXTENSION_ROOM,   /* before the deadline, and fewer than 10 working days granted */
	G_NOT_RATED,        /* no rating yet (a rating is given once) */
	G_RATED,            /* rated already (closing after a reopen) */
	G_ESCALATABLE,      /* the owner is an office (a department has no level above) */
	G_SUPERVISION_ROOM, /* supervision below public notice */
	G__MAX
};
extern const char *const rq_guard_names[]; /* NULL-terminated */

#define RQ_TO_SAME (-1)    /* the state does not change */
#define RQ_TO_DECIDED (-2) /* decided when applied: accept (dispatched when a rule matches), rate */

/* One row of the table. */
struct flow_row {
	uint32_t from;            /* bit per enum rq_state */
	enum rq_action action;
	int to;                   /* an enum rq_state, RQ_TO_SAME or RQ_TO_DECIDED */
	const char *cap;          /* NULL: none needed */
	unsigned who;             /* relations, any of which will do */
	enum rq_guard guard;
};
extern const struct flow_row request_flow[];
extern const int request_flow_count;

#define RQ_EXTENSION_MAX_DAYS 10
#define RQ_SUPERVISION_MAX 3

/* What the checks read of one request and one caller. */
struct flow_subject {
	enum rq_state state;
	unsigned relations;       /* request_relations() */
	int64_t now, due_at;      /* Unix seconds; due_at 0: no deadline */
	int extension_days;       /* approved so far */
	int supervision;
	bool rated;
	bool owner_unit;          /* owned by a department */
	int owner_level;          /* enum area_level of the owner office; 0 unowned or a department */
	int parties, parties_done;
	int my_summoned, my_reported; /* the caller's departments among the parties, by state */
};

/* Where a request sits, for computing relations. Codes are area codes
 * ("" when there is none). */
struct flow_place {
	const char *area_code;          /* where it happened */
	const char *area_parent_code;   /* its parent (the superior of an unowned request) */
	const char *owner_area_code;    /* the owner office */
	const char *owner_parent_code;  /* the office above it ("" for a district: the city) */
	int64_t owner_unit_id;          /* the owner department, 0 none */
	const char *owner_unit_district;/* the department's district code */
	int64_t reporter_user_id;
	const int64_t *party_units;     /* summoned departments */
	int nparties;
};
/* The caller's relations (REL_* bits). id may be NULL (nobody). */
unsigned request_relations(const struct identity *id, const struct flow_place *p);
/* Does the identity hold the scope "unit:N" for this unit? */
bool identity_has_unit(const struct identity *id, int64_t unit_id);

/* Checks one action: ERR_OK with *row the row that allows it;
 * ERR_CONFLICT field "state" when no row leaves the current state (the
 * message names the state); ERR_FORBIDDEN when rows leave this state but
 * the caller lacks each one's capability or relation (field "capability"
 * when it is the capability that is missing, else "relation"); a failing
 * guard: ERR_CONFLICT field "rating" (rated already), else
 * ERR_UNPROCESSABLE naming the guard's field ("parties", "due_at",
 * "extension_days", "owner", "supervision"). */
enum err flow_check(const struct identity *id, const struct flow_subject *s, enum rq_action a,
                    const struct flow_row **row, struct errinfo *ei);
/* The actions flow_check allows now, in table order, each once; returns
 * how many (at most RA__MAX). */
int flow_allowed(const struct identity *id, const struct flow_subject *s,
                 enum rq_action out[RA__MAX]);

#endif
