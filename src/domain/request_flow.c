/* The transition table of requests and the mechanism that reads it. The
 * rows are docs/REQUESTS.md's Actions table, row by row. */
#include "domain/request_flow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const rq_state_names[] = {
	"registered", "waiting_dispatch", "dispatched", "return_requested", "handling",
	"waiting_reporter", "extension_requested", "handled", "waiting_feedback", "dissatisfied",
	"closed", "archived", "cancelled", "invalid", "merged", NULL,
};
const char *const rq_state_names_zh[] = {
	"已登记", "待派单", "已派单待签收", "退单待审", "办理中", "待补充", "延期待批", "已办结待核查",
	"待回访", "不满意待处理", "已结案", "已归档", "已撤销", "无效", "已合并", NULL,
};

const char *const rq_action_names[] = {
	"accept", "answer", "invalidate", "dispatch", "acknowledge", "return", "approve_return",
	"refuse_return", "redispatch", "escalate", "whistle", "report_in", "part_done",
	"wait_reporter", "resume", "request_extension", "approve_extension", "refuse_extension",
	"resolve", "verify", "rework", "rate", "reopen", "close", "archive", "supervise", "cancel",
	"merge", "comment", NULL,
};
const char *const rq_action_names_zh[] = {
	"受理", "直接办结", "作废", "派单", "签收", "退单", "同意退单", "驳回退单", "改派", "上报",
	"吹哨", "报到", "完成分工", "待补充", "恢复办理", "申请延期", "批准延期", "驳回延期", "办结",
	"核查通过", "返工", "评价", "重办", "结案", "归档", "督办", "撤销", "合并", "备注", NULL,
};

const char *const rq_relation_names[] = {"intake", "dispatcher", "owner", "party", "superior",
                                         "reporter", "any", NULL};
const char *const rq_guard_names[] = {"none", "whistler", "party_summoned", "party_reported",
                                      "parties_done", "extension_room", "not_rated", "rated",
                                      "escalatable", "supervision_room", NULL};

static int parse(const char *const *names, const char *s)
{
	for (int i = 0; s != NULL && names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

int rq_state_parse(const char *s) { return parse(rq_state_names, s); }
int rq_action_parse(const char *s) { return parse(rq_action_names, s); }

const char *rq_state_name(enum rq_state s)
{
	return (unsigned)s < RS__MAX ? rq_state_names[s] : "?";
}

const char *rq_action_name(enum rq_action a)
{
	return (unsigned)a < RA__MAX ? rq_action_names[a] : "?";
}

bool rq_state_open(enum rq_state s)
{
	return s < RS_CLOSED;
}

const char *rq_state_class(enum rq_state s)
{
	switch (s) {
	case RS_WAITING_DISPATCH:
	case RS_DISPATCHED:
	case RS_RETURN_REQUESTED:
	case RS_WAITING_REPORTER:
	case RS_EXTENSION_REQUESTED:
	case RS_WAITING_FEEDBACK:
		return "waiting";
	case RS_DISSATISFIED:
	case RS_INVALID:
		return "refused";
	case RS_CLOSED:
	case RS_ARCHIVED:
	case RS_CANCELLED:
	case RS_MERGED:
		return "done";
	default:
		return "open";
	}
}

#define B(s) (1u << (s))
#define OPEN (B(RS_CLOSED) - 1u)
#define EVERY (B(RS__MAX) - 1u)

/* docs/REQUESTS.md, Actions: from, action, to, capability, who, guard. */
const struct flow_row request_flow[] = {
	{B(RS_REGISTERED), RA_ACCEPT, RQ_TO_DECIDED, "request.intake", REL_INTAKE, G_NONE},
	{B(RS_REGISTERED), RA_ANSWER, RS_CLOSED, "request.intake", REL_INTAKE, G_NONE},
	{B(RS_REGISTERED), RA_INVALIDATE, RS_INVALID, "request.intake", REL_INTAKE, G_NONE},
	{B(RS_WAITING_DISPATCH), RA_DISPATCH, RS_DISPATCHED, "request.dispatch", REL_DISPATCHER, G_NONE},
	{B(RS_DISPATCHED), RA_ACKNOWLEDGE, RS_HANDLING, "request.handle", REL_OWNER, G_NONE},
	{B(RS_DISPATCHED) | B(RS_HANDLING), RA_RETURN, RS_RETURN_REQUESTED, "request.handle", REL_OWNER,
	 G_NONE},
	{B(RS_RETURN_REQUESTED), RA_APPROVE_RETURN, RS_WAITING_DISPATCH, "request.dispatch",
	 REL_DISPATCHER, G_NONE},
	{B(RS_RETURN_REQUESTED), RA_REFUSE_RETURN, RS_DISPATCHED, "request.dispatch", REL_DISPATCHER,
	 G_NONE},
	{B(RS_WAITING_DISPATCH) | B(RS_DISPATCHED) | B(RS_HANDLING), RA_REDISPATCH, RS_DISPATCHED,
	 "request.dispatch", REL_DISPATCHER, G_NONE},
	{B(RS_DISPATCHED) | B(RS_HANDLING), RA_ESCALATE, RS_DISPATCHED, "request.handle", REL_OWNER,
	 G_ESCALATABLE},
	{B(RS_HANDLING), RA_WHISTLE, RS_HANDLING, "request.handle", REL_OWNER, G_WHISTLER},
	{B(RS_HANDLING), RA_REPORT_IN, RS_HANDLING, "request.handle", REL_PARTY, G_PARTY_SUMMONED},
	{B(RS_HANDLING), RA_PART_DONE, RS_HANDLING, "request.handle", REL_PARTY, G_PARTY_REPORTED},
	{B(RS_HANDLING), RA_WAIT_REPORTER, RS_WAITING_REPORTER, "request.handle", REL_OWNER, G_NONE},
	{B(RS_WAITING_REPORTER), RA_RESUME, RS_HANDLING, "request.handle", REL_OWNER, G_NONE},
	{B(RS_HANDLING), RA_REQUEST_EXTENSION, RS_EXTENSION_REQUESTED, "request.handle", REL_OWNER,
	 G_EXTENSION_ROOM},
	{B(RS_EXTENSION_REQUESTED), RA_APPROVE_EXTENSION, RS_HANDLING, "request.approve",
	 REL_SUPERIOR, G_NONE},
	{B(RS_EXTENSION_REQUESTED), RA_REFUSE_EXTENSION, RS_HANDLING, "request.approve", REL_SUPERIOR,
	 G_NONE},
	{B(RS_HANDLING), RA_RESOLVE, RS_HANDLED, "request.handle", REL_OWNER, G_PARTIES_DONE},
	{B(RS_HANDLED), RA_VERIFY, RS_WAITING_FEEDBACK, "request.verify", REL_ANY, G_NONE},
	{B(RS_HANDLED), RA_REWORK, RS_HANDLING, "request.verify", REL_ANY, G_NONE},
	/* closed, or dissatisfied for a "dissatisfied" rating */
	{B(RS_WAITING_FEEDBACK), RA_RATE, RQ_TO_DECIDED, "request.followup", REL_ANY, G_NOT_RATED},
	{B(RS_WAITING_FEEDBACK), RA_RATE, RQ_TO_DECIDED, NULL, REL_REPORTER, G_NOT_RATED},
	{B(RS_DISSATISFIED), RA_REOPEN, RS_HANDLING, "request.dispatch", REL_DISPATCHER, G_NONE},
	{B(RS_DISSATISFIED), RA_CLOSE, RS_CLOSED, "request.dispatch", REL_DISPATCHER, G_NONE},
	/* after a reopen the rating given before stays: the dispatcher closes */
	{B(RS_WAITING_FEEDBACK), RA_CLOSE, RS_CLOSED, "request.dispatch", REL_DISPATCHER, G_RATED},
	{B(RS_CLOSED), RA_ARCHIVE, RS_ARCHIVED, "request.dispatch", REL_DISPATCHER, G_NONE},
	{OPEN, RA_SUPERVISE, RQ_TO_SAME, "request.supervise", REL_SUPERIOR, G_SUPERVISION_ROOM},
	{B(RS_REGISTERED) | B(RS_WAITING_DISPATCH) | B(RS_DISPATCHED), RA_CANCEL, RS_CANCELLED, NULL,
	 REL_REPORTER, G_NONE},
	{OPEN, RA_MERGE, RS_MERGED, "request.dispatch", REL_DISPATCHER, G_NONE},
	{EVERY, RA_COMMENT, RQ_TO_SAME, "request.read", REL_ANY, G_NONE},
};
const int request_flow_count = (int)(sizeof request_flow / sizeof request_flow[0]);

/* --- relations ------------------------------------------------------------- */

static bool all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Does one scope cover code? Area scopes are code prefixes; "*" covers all. */
static bool scope_covers(const char *scope, const char *code)
{
	if (strcmp(scope, "*") == 0)
		return true;
	if (!all_digits(scope) || code == NULL || code[0] == '\0')
		return false;
	return strncmp(scope, code, strlen(scope)) == 0;
}

static bool covers(const struct identity *id, const char *code)
{
	if (code == NULL || code[0] == '\0')
		return false;
	for (int i = 0; i < id->nscopes; i++)
		if (scope_covers(id->scopes[i], code))
			return true;
	return false;
}

/* The city above a district: only "*" covers it. */
static bool covers_parent(const struct identity *id, const char *parent_code)
{
	if (parent_code != NULL && parent_code[0])
		return covers(id, parent_code);
	for (int i = 0; i < id->nscopes; i++)
		if (strcmp(id->scopes[i], "*") == 0)
			return true;
	return false;
}

/* A dispatcher works from a community office or above: a scope of 12
 * digits or fewer (district 6, street 9, community 12), or "*". */
static bool covers_as_dispatcher(const struct identity *id, const char *code)
{
	for (int i = 0; i < id->nscopes; i++)
		if (scope_covers(id->scopes[i], code ? code : "") &&
		    (strcmp(id->scopes[i], "*") == 0 || strlen(id->scopes[i]) <= 12))
			return true;
	return false;
}

bool identity_has_unit(const struct identity *id, int64_t unit_id)
{
	if (id == NULL || unit_id <= 0)
		return false;
	char want[32];
	snprintf(want, sizeof want, "unit:%lld", (long long)unit_id);
	for (int i = 0; i < id->nscopes; i++)
		if (strcmp(id->scopes[i], want) == 0)
			return true;
	return false;
}

unsigned request_relations(const struct identity *id, const struct flow_place *p)
{
	if (id == NULL)
		return 0;
	unsigned r = 0;
	bool owned = p->owner_unit_id > 0 || (p->owner_area_code && p->owner_area_code[0]);
	if (covers(id, p->area_code))
		r |= REL_INTAKE | REL_ANY;
	if (p->owner_unit_id > 0) {
		if (identity_has_unit(id, p->owner_unit_id))
			r |= REL_OWNER | REL_ANY;
		if (covers(id, p->owner_unit_district))
			r |= REL_SUPERIOR;
	} else if (owned) {
		if (covers(id, p->owner_area_code))
			r |= REL_OWNER | REL_ANY;
		if (covers_parent(id, p->owner_parent_code))
			r |= REL_SUPERIOR;
	} else if (covers_parent(id, p->area_parent_code)) {
		r |= REL_SUPERIOR;
	}
	const char *dispatch_code = p->owner_unit_id > 0 ? p->owner_unit_district
	                            : owned              ? p->owner_area_code
	                                                 : p->area_code;
	if (covers_as_dispatcher(id, dispatch_code))
		r |= REL_DISPATCHER;
	for (int i = 0; i < p->nparties; i++)
		if (identity_has_unit(id, p->party_units[i]))
			r |= REL_PARTY | REL_ANY;
	if (id->user_id > 0 && p->reporter_user_id == id->user_id)
		r |= REL_REPORTER;
	return r;
}

/* --- the mechanism --------------------------------------------------------------- */

static bool has_cap(const struct identity *id, const char *cap)
{
	return cap == NULL || (id != NULL && identity_has(id, cap));
}

static bool guard_holds(enum rq_guard g, const struct flow_subject *s)
{
	switch (g) {
	case G_NONE: return true;
	case G_WHISTLER:
		return !s->owner_unit && (s->owner_level == 2 || s->owner_level == 3); /* street, community */
	case G_PARTY_SUMMONED: return s->my_summoned > 0;
	case G_PARTY_REPORTED: return s->my_reported > 0;
	case G_PARTIES_DONE: return s->parties_done == s->parties;
	case G_EXTENSION_ROOM:
		return (s->due_at == 0 || s->now < s->due_at) && s->extension_days < RQ_EXTENSION_MAX_DAYS;
	case G_NOT_RATED: return !s->rated;
	case G_RATED: return s->rated;
	case G_ESCALATABLE: return !s->owner_unit && s->owner_level >= 1;
	case G_SUPERVISION_ROOM: return s->supervision < RQ_SUPERVISION_MAX;
	default: return false;
	}
}

static enum err guard_refusal(enum rq_guard g, const struct flow_subject *s, struct errinfo *ei)
{
	switch (g) {
	case G_WHISTLER:
		return err_set(ei, ERR_UNPROCESSABLE, "owner",
		               "only a community or street office that owns the request may whistle");
	case G_PARTY_SUMMONED:
		return err_set(ei, ERR_UNPROCESSABLE, "parties",
		               "none of your departments is summoned and waiting to report in");
	case G_PARTY_REPORTED:
		return err_set(ei, ERR_UNPROCESSABLE, "parties",
		               "none of your departments has reported in with its part open");
	case G_PARTIES_DONE:
		return err_set(ei, ERR_UNPROCESSABLE, "parties",
		               "%d of %d summoned departments have not finished their part",
		               s->parties - s->parties_done, s->parties);
	case G_EXTENSION_ROOM:
		if (s->extension_days >= RQ_EXTENSION_MAX_DAYS)
			return err_set(ei, ERR_UNPROCESSABLE, "extension_days",
			               "%d working days of extension were granted already: the most there is",
			               s->extension_days);
		return err_set(ei, ERR_UNPROCESSABLE, "due_at",
		               "an extension is asked for before the deadline, which has passed");
	case G_NOT_RATED:
		return err_set(ei, ERR_CONFLICT, "rating", "the request was rated already; a rating is given once");
	case G_RATED:
		return err_set(ei, ERR_UNPROCESSABLE, "rating", "the request has no rating yet: rate it");
	case G_ESCALATABLE:
		return err_set(ei, ERR_UNPROCESSABLE, "owner", "a department has no office above it to escalate to");
	case G_SUPERVISION_ROOM:
		return err_set(ei, ERR_UNPROCESSABLE, "supervision", "supervision is at public notice already");
	default:
		return err_set(ei, ERR_INTERNAL, NULL, "unknown guard");
	}
}

static void relation_list(unsigned who, char *out, size_t cap)
{
	size_t w = 0;
	out[0] = '\0';
	for (int i = 0; rq_relation_names[i] && w < cap; i++)
		if (who & (1u << i))
			w += (size_t)snprintf(out + w, cap - w, "%s%s", w ? " or " : "", rq_relation_names[i]);
}

enum err flow_check(const struct identity *id, const struct flow_subject *s, enum rq_action a,
                    const struct flow_row **row, struct errinfo *ei)
{
	*row = NULL;
	if ((unsigned)a >= RA__MAX || (unsigned)s->state >= RS__MAX)
		return err_set(ei, ERR_INVALID, "action", "unknown action");
	const struct flow_row *from_state = NULL, *with_cap = NULL, *allowed = NULL;
	for (int i = 0; i < request_flow_count; i++) {
		const struct flow_row *f = &request_flow[i];
		if (f->action != a || !(f->from & B(s->state)))
			continue;
		if (from_state == NULL)
			from_state = f;
		if (!has_cap(id, f->cap))
			continue;
		if (with_cap == NULL)
			with_cap = f;
		if (!(f->who & s->relations))
			continue;
		if (guard_holds(f->guard, s)) {
			*row = f;
			return ERR_OK;
		}
		if (allowed == NULL)
			allowed = f;
	}
	if (from_state == NULL)
		return err_set(ei, ERR_CONFLICT, "state", "a request that is %s cannot be given %s",
		               rq_state_name(s->state), rq_action_name(a));
	if (allowed != NULL)
		return guard_refusal(allowed->guard, s, ei);
	if (with_cap == NULL)
		return err_set(ei, ERR_FORBIDDEN, "capability", "%s needs the capability %s",
		               rq_action_name(a), from_state->cap ? from_state->cap : "?");
	char rel[96];
	relation_list(with_cap->who, rel, sizeof rel);
	return err_set(ei, ERR_FORBIDDEN, "relation", "%s is for the request's %s", rq_action_name(a),
	               rel);
}

int flow_allowed(const struct identity *id, const struct flow_subject *s,
                 enum rq_action out[RA__MAX])
{
	int n = 0;
	for (int a = 0; a < RA__MAX; a++) {
		const struct flow_row *row;
		if (flow_check(id, s, (enum rq_action)a, &row, NULL) == ERR_OK)
			out[n++] = (enum rq_action)a;
	}
	return n;
}
