/* Unit tests for src/domain/request_flow.c: the transition table against
 * docs/REQUESTS.md's Actions table, restated here row by row, checked
 * exhaustively: every state × every action × every relation (alone and
 * none) × the capabilities of every default role (and all, and none) gives
 * allowed or the exact refusal (409 naming the state, 403 naming the
 * capability or the relation); every guard refuses with its own field;
 * GET …/actions (flow_allowed) lists exactly what flow_check allows; and
 * the relations of callers at each level to owned, unowned and department
 * requests. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/caps.h"
#include "domain/request_flow.h"

/* docs/REQUESTS.md, "Actions": from, action, to, capability, who, guard.
 * "open" is every state but closed, archived, cancelled, invalid, merged;
 * "every" is every state. A row with several from states is one row here
 * per the document. */
struct doc_row {
	const char *from; /* space-separated states, "open" or "every" */
	const char *action;
	const char *to;   /* a state, "same" or "decided" */
	const char *cap;  /* NULL: none */
	const char *who;  /* a relation */
	const char *guard;
};
static const struct doc_row doc[] = {
	{"registered", "accept", "decided", "request.intake", "intake", "none"},
	{"registered", "answer", "closed", "request.intake", "intake", "none"},
	{"registered", "invalidate", "invalid", "request.intake", "intake", "none"},
	{"waiting_dispatch", "dispatch", "dispatched", "request.dispatch", "dispatcher", "none"},
	{"dispatched", "acknowledge", "handling", "request.handle", "owner", "none"},
	{"dispatched handling", "return", "return_requested", "request.handle", "owner", "none"},
	{"return_requested", "approve_return", "waiting_dispatch", "request.dispatch", "dispatcher", "none"},
	{"return_requested", "refuse_return", "dispatched", "request.dispatch", "dispatcher", "none"},
	{"waiting_dispatch dispatched handling", "redispatch", "dispatched", "request.dispatch",
	 "dispatcher", "none"},
	{"dispatched handling", "escalate", "dispatched", "request.handle", "owner", "escalatable"},
	{"handling", "whistle", "handling", "request.handle", "owner", "whistler"},
	{"handling", "report_in", "handling", "request.handle", "party", "party_summoned"},
	{"handling", "part_done", "handling", "request.handle", "party", "party_reported"},
	{"handling", "wait_reporter", "waiting_reporter", "request.handle", "owner", "none"},
	{"waiting_reporter", "resume", "handling", "request.handle", "owner", "none"},
	{"handling", "request_extension", "extension_requested", "request.handle", "owner",
	 "extension_room"},
	{"extension_requested", "approve_extension", "handling", "request.approve", "superior", "none"},
	{"extension_requested", "refuse_extension", "handling", "request.approve", "superior", "none"},
	{"handling", "resolve", "handled", "request.handle", "owner", "parties_done"},
	{"handled", "verify", "waiting_feedback", "request.verify", "any", "none"},
	{"handled", "rework", "handling", "request.verify", "any", "none"},
	{"waiting_feedback", "rate", "decided", "request.followup", "any", "not_rated"},
	{"waiting_feedback", "rate", "decided", NULL, "reporter", "not_rated"},
	{"dissatisfied", "reopen", "handling", "request.dispatch", "dispatcher", "none"},
	{"dissatisfied", "close", "closed", "request.dispatch", "dispatcher", "none"},
	{"waiting_feedback", "close", "closed", "request.dispatch", "dispatcher", "rated"},
	{"closed", "archive", "archived", "request.dispatch", "dispatcher", "none"},
	{"open", "supervise", "same", "request.supervise", "superior", "supervision_room"},
	{"registered waiting_dispatch dispatched", "cancel", "cancelled", NULL, "reporter", "none"},
	{"open", "merge", "merged", "request.dispatch", "dispatcher", "none"},
	{"every", "comment", "same", "request.read", "any", "none"},
};
#define NDOC ((int)(sizeof doc / sizeof doc[0]))

static bool doc_from(const struct doc_row *d, int state)
{
	if (strcmp(d->from, "every") == 0)
		return true;
	if (strcmp(d->from, "open") == 0)
		return state < RS_CLOSED;
	char buf[128];
	snprintf(buf, sizeof buf, " %s ", d->from);
	char want[40];
	snprintf(want, sizeof want, " %s ", rq_state_names[state]);
	return strstr(buf, want) != NULL;
}

static unsigned doc_who(const struct doc_row *d)
{
	for (int i = 0; rq_relation_names[i]; i++)
		if (strcmp(rq_relation_names[i], d->who) == 0)
			return 1u << i;
	fail_msg("unknown relation %s", d->who);
	return 0;
}

static int guard_of(const char *name)
{
	for (int i = 0; rq_guard_names[i]; i++)
		if (strcmp(rq_guard_names[i], name) == 0)
			return i;
	fail_msg("unknown guard %s", name);
	return -1;
}

static struct identity with_caps(const char *const *caps)
{
	struct identity id;
	memset(&id, 0, sizeof id);
	id.user_id = 7;
	for (int i = 0; caps != NULL && caps[i] && id.ncaps < IDENTITY_CAPS_MAX; i++)
		snprintf(id.caps[id.ncaps++], CAP_NAME_MAX, "%s", caps[i]);
	return id;
}

/* A subject where every guard of the (state, action) pair holds. */
static struct flow_subject holding(int state, const char *action, unsigned relations)
{
	struct flow_subject s;
	memset(&s, 0, sizeof s);
	s.state = (enum rq_state)state;
	s.relations = relations;
	s.now = 1000;
	s.due_at = 2000;
	s.owner_level = 3; /* a community office */
	s.parties = 2;
	s.parties_done = 2;
	s.my_summoned = 1;
	s.my_reported = 1;
	for (int i = 0; i < NDOC; i++)
		if (strcmp(doc[i].action, action) == 0 && doc_from(&doc[i], state) &&
		    strcmp(doc[i].guard, "rated") == 0)
			s.rated = true;
	return s;
}

/* The table in the code is the document's: same rows, same order. */
static void test_table_is_the_document(void **state)
{
	(void)state;
	assert_int_equal(request_flow_count, NDOC);
	for (int i = 0; i < NDOC; i++) {
		const struct flow_row *f = &request_flow[i];
		const struct doc_row *d = &doc[i];
		if (strcmp(rq_action_name(f->action), d->action) != 0)
			fail_msg("row %d: %s, the document says %s", i, rq_action_name(f->action), d->action);
		for (int s = 0; s < RS__MAX; s++)
			if (((f->from >> s) & 1u) != doc_from(d, s))
				fail_msg("row %d (%s): from %s differs", i, d->action, rq_state_names[s]);
		const char *to = f->to == RQ_TO_SAME ? "same" : f->to == RQ_TO_DECIDED ? "decided"
		                                                                        : rq_state_name(f->to);
		if (strcmp(to, d->to) != 0)
			fail_msg("row %d (%s): to %s, the document says %s", i, d->action, to, d->to);
		if ((f->cap == NULL) != (d->cap == NULL) || (f->cap && strcmp(f->cap, d->cap) != 0))
			fail_msg("row %d (%s): capability %s, the document says %s", i, d->action,
			         f->cap ? f->cap : "none", d->cap ? d->cap : "none");
		if (f->who != doc_who(d))
			fail_msg("row %d (%s): relation differs", i, d->action);
		if ((int)f->guard != guard_of(d->guard))
			fail_msg("row %d (%s): guard %s, the document says %s", i, d->action,
			         rq_guard_names[f->guard], d->guard);
		if (d->cap != NULL && !capability_known(d->cap))
			fail_msg("row %d: %s is not a capability", i, d->cap);
	}
	/* every action has a row, every state a name */
	for (int a = 0; a < RA__MAX; a++) {
		bool seen = false;
		for (int i = 0; i < NDOC; i++)
			seen |= strcmp(doc[i].action, rq_action_names[a]) == 0;
		if (!seen)
			fail_msg("action %s has no row", rq_action_names[a]);
		assert_int_equal(rq_action_parse(rq_action_names[a]), a);
	}
	for (int s = 0; s < RS__MAX; s++)
		assert_int_equal(rq_state_parse(rq_state_names[s]), s);
	assert_null(rq_state_names[RS__MAX]);
	assert_null(rq_action_names[RA__MAX]);
	assert_int_equal(rq_state_parse("overdue"), -1);
	assert_int_equal(rq_action_parse("fly"), -1);
}

/* Every state × action × relation × capability set: allowed, or the exact refusal. */
static void test_exhaustive(void **state)
{
	(void)state;
	static const char *const all_caps[] = {
		"request.read", "request.intake", "request.dispatch", "request.handle", "request.verify",
		"request.approve", "request.supervise", "request.followup", NULL};
	/* the default roles' capabilities, and all, and none */
	const char *const *sets[32];
	const char *set_names[32];
	int nsets = 0;
	for (const struct default_role *r = default_roles; r->id && nsets < 30; r++) {
		set_names[nsets] = r->id;
		sets[nsets++] = r->caps;
	}
	set_names[nsets] = "all";
	sets[nsets++] = all_caps;
	set_names[nsets] = "none";
	sets[nsets++] = NULL;
	long checked = 0, allowed = 0;
	for (int ci = 0; ci < nsets; ci++) {
		struct identity id = with_caps(sets[ci]);
		for (int st = 0; st < RS__MAX; st++)
			for (int a = 0; a < RA__MAX; a++)
				for (int rb = -1; rb < REL__COUNT; rb++) {
					unsigned rel = rb < 0 ? 0 : 1u << rb;
					const char *action = rq_action_names[a];
					struct flow_subject s = holding(st, action, rel);
					/* the expectation, from the document's rows */
					bool from_state = false, cap_held = false, ok = false;
					for (int i = 0; i < NDOC; i++) {
						const struct doc_row *d = &doc[i];
						if (strcmp(d->action, action) != 0 || !doc_from(d, st))
							continue;
						from_state = true;
						bool cap = d->cap == NULL || identity_has(&id, d->cap);
						cap_held |= cap;
						if (cap && (doc_who(d) & rel))
							ok = true;
					}
					const struct flow_row *row = NULL;
					struct errinfo ei;
					err_clear(&ei);
					enum err rc = flow_check(&id, &s, (enum rq_action)a, &row, &ei);
					checked++;
					const char *want_field = !from_state ? "state"
					                         : ok        ? ""
					                         : !cap_held ? "capability"
					                                     : "relation";
					enum err want = !from_state ? ERR_CONFLICT : ok ? ERR_OK : ERR_FORBIDDEN;
					if (rc != want || (want != ERR_OK && strcmp(ei.field, want_field) != 0))
						fail_msg("%s with %s as %s in %s: got %d (%s: %s), want %d (%s)",
						         action, set_names[ci], rb < 0 ? "nobody" : rq_relation_names[rb],
						         rq_state_names[st], rc, ei.field, ei.message, want, want_field);
					if (want == ERR_CONFLICT && strstr(ei.message, rq_state_names[st]) == NULL)
						fail_msg("the refusal of %s does not name the state %s: %s", action,
						         rq_state_names[st], ei.message);
					if (rc == ERR_OK) {
						allowed++;
						assert_non_null(row);
						assert_int_equal(row->action, a);
						assert_true(row->from & (1u << st));
					}
				}
	}
	print_message("# %ld combinations checked, %ld allowed\n", checked, allowed);
	assert_int_equal(checked, (long)nsets * RS__MAX * RA__MAX * (REL__COUNT + 1));
	assert_true(allowed > 100);
}

/* Each guard, failing, refuses with its own status and field. */
static void test_guards(void **state)
{
	(void)state;
	static const char *const all_caps[] = {
		"request.read", "request.intake", "request.dispatch", "request.handle", "request.verify",
		"request.approve", "request.supervise", "request.followup", NULL};
	struct identity id = with_caps(all_caps);
	const unsigned everyone = (1u << REL__COUNT) - 1u;
	const struct flow_row *row;
	struct errinfo ei;
	struct flow_subject s;

#define REFUSED(act, st, edit, want, fld)                                                  \
	do {                                                                                 \
		s = holding(st, act, everyone);                                                  \
		edit;                                                                            \
		err_clear(&ei);                                                                  \
		enum err rc_ = flow_check(&id, &s, (enum rq_action)rq_action_parse(act), &row, &ei); \
		if (rc_ != (want) || strcmp(ei.field, fld) != 0)                                 \
			fail_msg("%s: got %d %s (%s), want %d %s", act, rc_, ei.field, ei.message,    \
			         want, fld);                                                         \
	} while (0)

	REFUSED("escalate", RS_HANDLING, s.owner_unit = true, ERR_UNPROCESSABLE, "owner");
	REFUSED("escalate", RS_DISPATCHED, s.owner_level = 0, ERR_UNPROCESSABLE, "owner");
	REFUSED("whistle", RS_HANDLING, s.owner_level = 4, ERR_UNPROCESSABLE, "owner");   /* a grid */
	REFUSED("whistle", RS_HANDLING, s.owner_level = 1, ERR_UNPROCESSABLE, "owner");   /* a district */
	REFUSED("whistle", RS_HANDLING, s.owner_unit = true, ERR_UNPROCESSABLE, "owner");
	REFUSED("report_in", RS_HANDLING, s.my_summoned = 0, ERR_UNPROCESSABLE, "parties");
	REFUSED("part_done", RS_HANDLING, s.my_reported = 0, ERR_UNPROCESSABLE, "parties");
	REFUSED("resolve", RS_HANDLING, s.parties_done = 1, ERR_UNPROCESSABLE, "parties");
	REFUSED("request_extension", RS_HANDLING, s.now = 3000, ERR_UNPROCESSABLE, "due_at");
	REFUSED("request_extension", RS_HANDLING, s.extension_days = 10, ERR_UNPROCESSABLE,
	        "extension_days");
	REFUSED("rate", RS_WAITING_FEEDBACK, s.rated = true, ERR_CONFLICT, "rating");
	REFUSED("close", RS_WAITING_FEEDBACK, s.rated = false, ERR_UNPROCESSABLE, "rating");
	REFUSED("supervise", RS_HANDLING, s.supervision = 3, ERR_UNPROCESSABLE, "supervision");
	/* and holding, they allow */
	s = holding(RS_HANDLING, "whistle", everyone);
	s.owner_level = 2; /* a street whistles too */
	assert_int_equal(flow_check(&id, &s, RA_WHISTLE, &row, NULL), ERR_OK);
	s = holding(RS_HANDLING, "request_extension", everyone);
	s.extension_days = 9;
	assert_int_equal(flow_check(&id, &s, RA_REQUEST_EXTENSION, &row, NULL), ERR_OK);
	s.due_at = 0; /* no deadline: nothing to be late for */
	assert_int_equal(flow_check(&id, &s, RA_REQUEST_EXTENSION, &row, NULL), ERR_OK);
	/* the reporter rates without any capability; closing with the rating kept needs one */
	struct identity nobody = with_caps(NULL);
	s = holding(RS_WAITING_FEEDBACK, "rate", REL_REPORTER);
	assert_int_equal(flow_check(&nobody, &s, RA_RATE, &row, NULL), ERR_OK);
	assert_null(row->cap);
	assert_int_equal(flow_check(NULL, &s, RA_RATE, &row, NULL), ERR_OK);
	s.rated = true;
	err_clear(&ei);
	assert_int_equal(flow_check(&nobody, &s, RA_RATE, &row, &ei), ERR_CONFLICT);
	assert_string_equal(ei.field, "rating");
	/* an operator rates a follow-up call as "any" */
	s = holding(RS_WAITING_FEEDBACK, "rate", REL_ANY);
	assert_int_equal(flow_check(&id, &s, RA_RATE, &row, NULL), ERR_OK);
	assert_string_equal(row->cap, "request.followup");
}

/* GET …/actions: exactly the actions flow_check allows, in table order. */
static void test_allowed_matches_check(void **state)
{
	(void)state;
	for (const struct default_role *r = default_roles; r->id; r++) {
		struct identity id = with_caps(r->caps);
		for (int st = 0; st < RS__MAX; st++)
			for (unsigned rel = 0; rel < (1u << REL__COUNT); rel += 5) {
				struct flow_subject s = holding(st, "", rel);
				enum rq_action out[RA__MAX];
				int n = flow_allowed(&id, &s, out);
				int k = 0;
				for (int a = 0; a < RA__MAX; a++) {
					const struct flow_row *row;
					if (flow_check(&id, &s, (enum rq_action)a, &row, NULL) == ERR_OK) {
						assert_true(k < n);
						assert_int_equal(out[k], a);
						k++;
					}
				}
				assert_int_equal(k, n);
			}
	}
	/* a closed request offers the dispatcher archive and comment only */
	static const char *const caps[] = {"request.read", "request.dispatch", NULL};
	struct identity id = with_caps(caps);
	struct flow_subject s = holding(RS_CLOSED, "", REL_DISPATCHER | REL_ANY);
	enum rq_action out[RA__MAX];
	assert_int_equal(flow_allowed(&id, &s, out), 2);
	assert_int_equal(out[0], RA_ARCHIVE);
	assert_int_equal(out[1], RA_COMMENT);
}

static struct identity scoped(const char *scope, const char *const *caps)
{
	struct identity id = with_caps(caps);
	snprintf(id.scopes[id.nscopes++], SCOPE_MAX + 1, "%s", scope);
	return id;
}

/* Who stands in which relation to a request of grid 110105001001001. */
static void test_relations(void **state)
{
	(void)state;
	int64_t parties[] = {31};
	struct flow_place owned = {.area_code = "110105001001001",
	                           .area_parent_code = "110105001001",
	                           .owner_area_code = "110105001001001",
	                           .owner_parent_code = "110105001001",
	                           .reporter_user_id = 99,
	                           .party_units = parties,
	                           .nparties = 1};
	struct identity grid = scoped("110105001001001", NULL);
	struct identity community = scoped("110105001001", NULL);
	struct identity street = scoped("110105001", NULL);
	struct identity other = scoped("110105002", NULL);
	struct identity star = scoped("*", NULL);
	struct identity dept = scoped("unit:31", NULL);
	struct identity dept2 = scoped("unit:3", NULL);
	struct identity reporter = with_caps(NULL);
	reporter.user_id = 99;

	assert_int_equal(request_relations(&grid, &owned), REL_INTAKE | REL_ANY | REL_OWNER);
	assert_int_equal(request_relations(&community, &owned),
	                 REL_INTAKE | REL_ANY | REL_OWNER | REL_SUPERIOR | REL_DISPATCHER);
	assert_int_equal(request_relations(&street, &owned),
	                 REL_INTAKE | REL_ANY | REL_OWNER | REL_SUPERIOR | REL_DISPATCHER);
	assert_int_equal(request_relations(&other, &owned), 0);
	assert_int_equal(request_relations(&dept, &owned), REL_PARTY | REL_ANY);
	assert_int_equal(request_relations(&dept2, &owned), 0); /* unit:3 is not unit:31 */
	assert_int_equal(request_relations(&reporter, &owned), REL_REPORTER);
	assert_int_equal(request_relations(NULL, &owned), 0);
	assert_int_equal(request_relations(&star, &owned),
	                 REL_INTAKE | REL_ANY | REL_OWNER | REL_SUPERIOR | REL_DISPATCHER);

	/* owned by the community: the grid is no longer owner, nor dispatcher */
	struct flow_place by_community = owned;
	by_community.owner_area_code = "110105001001";
	by_community.owner_parent_code = "110105001";
	assert_int_equal(request_relations(&grid, &by_community), REL_INTAKE | REL_ANY);
	assert_int_equal(request_relations(&community, &by_community),
	                 REL_INTAKE | REL_ANY | REL_OWNER | REL_DISPATCHER);
	assert_int_equal(request_relations(&street, &by_community),
	                 REL_INTAKE | REL_ANY | REL_OWNER | REL_SUPERIOR | REL_DISPATCHER);

	/* owned by a district: only "*" (the city) is above it */
	struct flow_place by_district = owned;
	by_district.owner_area_code = "110105";
	by_district.owner_parent_code = "";
	assert_false(request_relations(&street, &by_district) & REL_SUPERIOR);
	assert_true(request_relations(&star, &by_district) & REL_SUPERIOR);

	/* unowned: dispatchers cover the request's own area from community level up */
	struct flow_place unowned = owned;
	unowned.owner_area_code = unowned.owner_parent_code = "";
	assert_int_equal(request_relations(&grid, &unowned), REL_INTAKE | REL_ANY);
	assert_int_equal(request_relations(&community, &unowned),
	                 REL_INTAKE | REL_ANY | REL_DISPATCHER | REL_SUPERIOR);

	/* owned by a department: its unit:N holders own it, its district is above */
	struct flow_place by_dept = owned;
	by_dept.owner_area_code = by_dept.owner_parent_code = "";
	by_dept.owner_unit_id = 3;
	by_dept.owner_unit_district = "110105";
	by_dept.nparties = 0;
	assert_int_equal(request_relations(&dept2, &by_dept), REL_OWNER | REL_ANY);
	assert_int_equal(request_relations(&dept, &by_dept), 0);
	struct identity district = scoped("110105", NULL);
	assert_int_equal(request_relations(&district, &by_dept),
	                 REL_INTAKE | REL_ANY | REL_SUPERIOR | REL_DISPATCHER);
	assert_int_equal(request_relations(&street, &by_dept), REL_INTAKE | REL_ANY);
	assert_true(identity_has_unit(&dept2, 3));
	assert_false(identity_has_unit(&dept2, 31));
	assert_false(identity_has_unit(NULL, 3));
}

static void test_states(void **state)
{
	(void)state;
	int open = 0;
	for (int s = 0; s < RS__MAX; s++) {
		open += rq_state_open((enum rq_state)s);
		assert_non_null(rq_state_names_zh[s]);
	}
	assert_int_equal(open, 10);
	assert_string_equal(rq_state_class(RS_REGISTERED), "open");
	assert_string_equal(rq_state_class(RS_WAITING_FEEDBACK), "waiting");
	assert_string_equal(rq_state_class(RS_DISSATISFIED), "refused");
	assert_string_equal(rq_state_class(RS_INVALID), "refused");
	assert_string_equal(rq_state_class(RS_MERGED), "done");
	for (int a = 0; a < RA__MAX; a++)
		assert_non_null(rq_action_names_zh[a]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_is_the_document),
		cmocka_unit_test(test_exhaustive),
		cmocka_unit_test(test_guards),
		cmocka_unit_test(test_allowed_matches_check),
		cmocka_unit_test(test_relations),
		cmocka_unit_test(test_states),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
