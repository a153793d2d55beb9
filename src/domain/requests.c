/* The request lifecycle: intake, the actions of the transition table, the
 * deadlines of each stage, the roll-ups and notifications each event
 * moves, reads and lists. See requests.h and docs/REQUESTS.md. */
#include "domain/requests.h"
#include "domain/requests_batch.h"

#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth/audit.h"
#include "auth/pii.h"
#include "domain/areas.h"
#include "domain/calendar.h"
#include "domain/categories.h"
#include "domain/dispatch_rules.h"
#include "domain/notifications.h"
#include "domain/photos.h"
#include "domain/webhooks.h"
#include "store/calendar.h"
#include "store/units.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/utf8.h"
#include "util/worktime.h"
#include "util/xlsx.h"

const char *const rq_sources[] = {"hotline", "web", "grid_report", "one_tap", "walk_in", "open311",
                                  NULL};
const char *const rq_kinds[] = {"consultation", "help",       "complaint",
                                "report",       "suggestion", "praise", NULL};
const char *const rq_urgencies[] = {"normal", "urgent", "critical", NULL};
const char *const rq_return_reasons[] = {"not_our_area", "unclear_ownership", "overlapping_duties",
                                         "other", NULL};
const char *const rq_feedbacks[] = {"satisfied", "basically_satisfied", "dissatisfied", NULL};
const char *const rq_queues[] = {"mine",       "to_dispatch", "overdue", "supervised",
                                 "to_verify",  "to_approve",  NULL};

/* Stage limits besides the category's handle limit (docs/REQUESTS.md "Deadlines"). */
#define STAGE_WORK_MINUTES 60 /* accept, dispatch, acknowledge, review a return */
#define STAGE_WORK_DAYS 1     /* verify, call back, decide on a dissatisfied rating */
#define NOTICE_AFTER_DAYS 1   /* overdue → notice (督办) one working day past the deadline */
#define PUBLIC_AFTER_DAYS 5   /* notice → public notice (通报) five working days later */
#define REWORK_FLAG 3
#define PARTIES_MAX 32
#define PROOF_TRIES 5         /* wrong phone digits per tracking code per hour */

static bool in_list(const char *const *list, const char *s)
{
	for (int i = 0; s != NULL && list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

static enum rq_state state_of(const struct request_row *r)
{
	int s = rq_state_parse(r->state);
	return s < 0 ? RS_REGISTERED : (enum rq_state)s;
}

static void set_state(struct request_row *r, enum rq_state s)
{
	snprintf(r->state, sizeof r->state, "%s", rq_state_name(s));
}

static void local_day(const struct app *app, int64_t t, char out[DATE_TEXT])
{
	date_format(instant_local_date(t, app->office.tz_offset_min), out);
}

/* --- JSON --------------------------------------------------------------------------- */

static json_t *str_or_null(const char *s)
{
	return s[0] ? json_string(s) : json_null();
}

static json_t *id_or_null(int64_t id)
{
	return id > 0 ? json_integer(id) : json_null();
}

/* A stored UTC time in the district's zone (deadlines are for people). */
static json_t *local_time(const struct app *app, const char *utc)
{
	int64_t t = store_time_parse(utc);
	if (t == 0)
		return json_null();
	char buf[32];
	instant_format(t, app->office.tz_offset_min, buf);
	return json_string(buf);
}

static bool is_overdue(const struct request_row *r, int64_t now)
{
	int64_t due = store_time_parse(r->due_at);
	return rq_state_open(state_of(r)) && due > 0 && due < now && r->paused_at[0] == '\0';
}

json_t *request_json(const struct app *app, const struct request_row *r, int64_t now)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "tracking_code", json_string(r->tracking_code));
	json_object_set_new(o, "source", json_string(r->source));
	json_object_set_new(o, "kind", json_string(r->kind));
	json_object_set_new(o, "urgency", json_string(r->urgency));
	json_object_set_new(o, "category_id", json_integer(r->category_id));
	json_object_set_new(o, "category_name", json_string(r->category_name));
	json_object_set_new(o, "category_top_id", json_integer(r->category_top_id));
	json_object_set_new(o, "title", json_string(r->title));
	json_object_set_new(o, "description", json_string(r->description));
	json_object_set_new(o, "area_id", json_integer(r->area_id));
	json_object_set_new(o, "area_code", json_string(r->area_code));
	json_object_set_new(o, "area_name", json_string(r->area_name));
	json_object_set_new(o, "address", json_string(r->address));
	json_object_set_new(o, "lng", r->has_point ? json_real(r->lng) : json_null());
	json_object_set_new(o, "lat", r->has_point ? json_real(r->lat) : json_null());
	json_object_set_new(o, "reporter_name", json_string(r->reporter_name));
	json_object_set_new(o, "reporter_phone", json_string(r->reporter_phone_masked));
	json_object_set_new(o, "reporter_user_id", id_or_null(r->reporter_user_id));
	json_object_set_new(o, "anonymous", json_boolean(r->anonymous));
	json_object_set_new(o, "state", json_string(r->state));
	json_object_set_new(o, "state_class", json_string(rq_state_class(state_of(r))));
	json_object_set_new(o, "owner_area_id", id_or_null(r->owner_area_id));
	json_object_set_new(o, "owner_unit_id", id_or_null(r->owner_unit_id));
	json_object_set_new(o, "owner_level", str_or_null(r->owner_level));
	json_object_set_new(o, "owner_name", str_or_null(r->owner_name));
	json_object_set_new(o, "handling_level", str_or_null(r->handling_level));
	json_object_set_new(o, "due_at", local_time(app, r->due_at));
	json_object_set_new(o, "handle_due_at", local_time(app, r->handle_due_at));
	json_object_set_new(o, "overdue", json_boolean(is_overdue(r, now)));
	json_object_set_new(o, "paused_at", local_time(app, r->paused_at));
	json_object_set_new(o, "paused_minutes", json_integer(r->paused_minutes));
	json_object_set_new(o, "extension_days", json_integer(r->extension_days));
	json_object_set_new(o, "extension_asked", json_integer(r->extension_asked));
	json_object_set_new(o, "supervision", json_integer(r->supervision));
	json_object_set_new(o, "rework_count", json_integer(r->rework_count));
	json_object_set_new(o, "rework_flagged", json_boolean(r->rework_count >= REWORK_FLAG));
	json_object_set_new(o, "merged_into", id_or_null(r->merged_into));
	json_object_set_new(o, "solved", r->solved < 0 ? json_null() : json_boolean(r->solved));
	json_object_set_new(o, "feedback", str_or_null(r->feedback));
	json_object_set_new(o, "rated_at", str_or_null(r->rated_at));
	json_object_set_new(o, "created_at", json_string(r->created_at));
	json_object_set_new(o, "dispatched_at", str_or_null(r->dispatched_at));
	json_object_set_new(o, "acknowledged_at", str_or_null(r->acknowledged_at));
	json_object_set_new(o, "resolved_at", str_or_null(r->resolved_at));
	json_object_set_new(o, "closed_at", str_or_null(r->closed_at));
	json_object_set_new(o, "updated_at", json_string(r->updated_at));
	json_object_set_new(o, "version", json_integer(r->version));
	return o;
}

/* --- working time inside a transaction ------------------------------------------------ */

static enum err add_work_minutes(struct store_conn *c, const struct app *app, int64_t start,
                                 int64_t minutes, int64_t *end, struct errinfo *ei)
{
	if (minutes <= 0) {
		*end = start;
		return ERR_OK;
	}
	return calendar_deadline_in(c, &app->office, start, minutes, 0, end, ei);
}

static enum err add_work_days(struct store_conn *c, const struct app *app, int64_t start, int days,
                              int64_t *end, struct errinfo *ei)
{
	return calendar_deadline_in(c, &app->office, start, 0, days, end, ei);
}

/* worktime_elapsed answered from the stored calendar, a window of days at a time. */
#define KIND_WINDOW 64
struct kind_window {
	struct store_conn *c;
	struct errinfo *ei;
	int32_t from;
	bool loaded;
	enum day_kind kind[KIND_WINDOW];
};

static void window_put(void *arg, const struct calendar_day *d)
{
	struct kind_window *w = arg;
	if (d->date >= w->from && d->date < w->from + KIND_WINDOW)
		w->kind[d->date - w->from] = d->kind;
}

static enum err window_kind(void *arg, int32_t date, enum day_kind *out)
{
	struct kind_window *w = arg;
	if (!w->loaded || date < w->from || date >= w->from + KIND_WINDOW) {
		w->from = date;
		for (int i = 0; i < KIND_WINDOW; i++)
			w->kind[i] = day_kind_default(date + i);
		enum err rc = store_calendar_range(w->c, date, date + KIND_WINDOW - 1, window_put, w, w->ei);
		if (rc != ERR_OK)
			return rc;
		w->loaded = true;
	}
	*out = w->kind[date - w->from];
	return ERR_OK;
}

static enum err work_minutes_between(struct store_conn *c, const struct app *app, int64_t from,
                                     int64_t to, int64_t *minutes, struct errinfo *ei)
{
	struct kind_window w = {.c = c, .ei = ei};
	enum err rc = worktime_elapsed(&app->office, window_kind, &w, from, to, minutes);
	if (rc != ERR_OK && ei != NULL && ei->code == ERR_OK)
		err_set(ei, rc, NULL, "the working calendar cannot be read");
	return rc;
}

/* --- who is acting ---------------------------------------------------------------------- */

/* The level an actor acts at: their scope's (the first that covers code). */
static const char *actor_level(const struct identity *id, const char *code)
{
	if (id == NULL)
		return "public";
	const char *pick = NULL;
	for (int i = 0; i < id->nscopes && pick == NULL; i++) {
		const char *s = id->scopes[i];
		if (strcmp(s, "*") == 0 || (code && strncmp(s, code, strlen(s)) == 0))
			pick = s;
	}
	if (pick == NULL && id->nscopes > 0)
		pick = id->scopes[0];
	if (pick == NULL)
		return "";
	if (strcmp(pick, "*") == 0)
		return "city";
	if (strncmp(pick, "unit:", 5) == 0)
		return "department";
	size_t n = strlen(pick);
	return n <= 6 ? "district" : n <= 9 ? "street" : n <= 12 ? "community" : "grid";
}

/* The rollup level of an office (grid … district) or of a department (city). */
static const char *office_level(int area_level)
{
	switch (area_level) {
	case AREA_DISTRICT: return "district";
	case AREA_STREET: return "street";
	case AREA_COMMUNITY: return "community";
	default: return "grid";
	}
}

static int level_rank(const char *level)
{
	static const char *const names[] = {"", "district", "street", "community", "grid", NULL};
	for (int i = 1; names[i]; i++)
		if (strcmp(names[i], level) == 0)
			return i;
	return 0;
}

static void unit_district(const struct request_row *r, char out[AREA_CODE_MAX + 1])
{
	snprintf(out, AREA_CODE_MAX + 1, "%.6s", r->owner_unit_area_code);
}

/* --- the request inside a callback ----------------------------------------------------------- */

struct loaded {
	struct request_row *r;
	struct request_party_row *parties; /* PARTIES_MAX */
	int nparties;
	int64_t party_units[PARTIES_MAX];
};

static void add_party(void *ctx, const struct request_party_row *p)
{
	struct loaded *l = ctx;
	if (l->nparties < PARTIES_MAX) {
		l->parties[l->nparties] = *p;
		l->party_units[l->nparties] = p->unit_id;
		l->nparties++;
	}
}

static enum err load(struct store_conn *c, int64_t id, const char *code, struct loaded *l,
                     struct errinfo *ei)
{
	l->nparties = 0;
	enum err rc = code ? store_request_by_code(c, code, l->r, ei) : store_request_get(c, id, l->r, ei);
	if (rc != ERR_OK)
		return rc;
	return store_request_parties(c, l->r->id, add_party, l, ei);
}

static bool loaded_new(struct loaded *l)
{
	memset(l, 0, sizeof *l);
	l->r = malloc(sizeof *l->r);
	l->parties = malloc(sizeof *l->parties * PARTIES_MAX);
	return l->r != NULL && l->parties != NULL;
}

static void loaded_free(struct loaded *l)
{
	free(l->r);
	free(l->parties);
}

static unsigned relations_of(const struct identity *id, const struct loaded *l)
{
	char district[AREA_CODE_MAX + 1];
	unit_district(l->r, district);
	struct flow_place p = {.area_code = l->r->area_code,
	                       .area_parent_code = l->r->area_parent_code,
	                       .owner_area_code = l->r->owner_area_code,
	                       .owner_parent_code = l->r->owner_parent_code,
	                       .owner_unit_id = l->r->owner_unit_id,
	                       .owner_unit_district = district,
	                       .reporter_user_id = l->r->reporter_user_id,
	                       .party_units = l->party_units,
	                       .nparties = l->nparties};
	return request_relations(id, &p);
}

static void subject_of(const struct identity *id, const struct loaded *l, unsigned relations,
                       int64_t now, struct flow_subject *s)
{
	const struct request_row *r = l->r;
	memset(s, 0, sizeof *s);
	s->state = state_of(r);
	s->relations = relations;
	s->now = now;
	s->due_at = store_time_parse(r->due_at);
	s->extension_days = r->extension_days;
	s->supervision = r->supervision;
	s->rated = r->rated_at[0] != '\0';
	s->owner_unit = r->owner_unit_id > 0;
	s->owner_level = r->owner_area_id > 0 ? level_rank(r->owner_level) : 0;
	s->parties = l->nparties;
	for (int i = 0; i < l->nparties; i++) {
		const struct request_party_row *p = &l->parties[i];
		if (strcmp(p->state, "done") == 0)
			s->parties_done++;
		if (identity_has_unit(id, p->unit_id)) {
			if (strcmp(p->state, "summoned") == 0)
				s->my_summoned++;
			else if (strcmp(p->state, "reported_in") == 0)
				s->my_reported++;
		}
	}
}

/* May the caller see the request? request.read and a relation that sees
 * it, or its reporter. */
static enum err may_see(const struct identity *id, unsigned rel, struct errinfo *ei)
{
	if (rel & REL_REPORTER)
		return ERR_OK;
	if (id == NULL || !identity_has(id, "request.read"))
		return err_set(ei, ERR_FORBIDDEN, "capability", "seeing requests needs the capability request.read");
	if (!(rel & (REL_ANY | REL_OWNER | REL_PARTY | REL_DISPATCHER | REL_SUPERIOR)))
		return err_set(ei, ERR_FORBIDDEN, "relation", "the request lies outside your scope");
	return ERR_OK;
}

/* The audit row of a refusal: the missing capability's name when it was
 * the capability (the messages end with it), else why. */
static void denied(struct app *app, const struct actor *a, int64_t id, const struct errinfo *ei)
{
	char object[48];
	snprintf(object, sizeof object, "request:%lld", (long long)id);
	const char *detail = ei ? ei->message : "";
	if (ei && strcmp(ei->field, "capability") == 0 && strrchr(ei->message, ' ') != NULL)
		detail = strrchr(ei->message, ' ') + 1;
	audit_record(app->store, a, "access.denied", object, "denied", detail);
}

/* --- roll-ups ------------------------------------------------------------------------------------ */

struct counts {
	int64_t area[RC__MAX];
	int64_t unit[RC__MAX];
	int64_t unit_id; /* the department whose roll-up gets unit[] */
};

static bool counts_any(const int64_t *v)
{
	for (int i = 0; i < RC__MAX; i++)
		if (v[i] != 0)
			return true;
	return false;
}

static json_t *counts_json(const int64_t *v)
{
	json_t *o = json_object();
	for (int i = 0; i < RC__MAX; i++)
		if (v[i] != 0)
			json_object_set_new(o, rq_counter_names[i], json_integer(v[i]));
	return o;
}

struct chain {
	int64_t ids[ROLLUP_IDS_MAX];
	int n;
};

static void add_ancestor(void *ctx, const struct area_row *a)
{
	struct chain *ch = ctx;
	if (ch->n < ROLLUP_IDS_MAX)
		ch->ids[ch->n++] = a->id;
}

/* Adds the event's deltas to the request's area and every ancestor of it,
 * and to the department; all in the event's transaction. */
static enum err rollup(struct store_conn *c, const struct app *app, const struct request_row *r,
                       int64_t now, const struct counts *k, struct errinfo *ei)
{
	char day[DATE_TEXT];
	local_day(app, now, day);
	enum err rc;
	if (counts_any(k->area)) {
		struct chain ch = {0};
		if ((rc = store_area_ancestors(c, r->area_code, add_ancestor, &ch, ei)) != ERR_OK)
			return rc;
		ch.ids[ch.n < ROLLUP_IDS_MAX ? ch.n++ : ROLLUP_IDS_MAX - 1] = r->area_id;
		if ((rc = store_request_rollup_add(c, false, ch.ids, ch.n, day, r->category_top_id, k->area,
		                                   ei)) != ERR_OK)
			return rc;
	}
	if (k->unit_id > 0 && counts_any(k->unit) &&
	    (rc = store_request_rollup_add(c, true, &k->unit_id, 1, day, r->category_top_id, k->unit,
	                                   ei)) != ERR_OK)
		return rc;
	return ERR_OK;
}

/* The counters of a first arrival in closed (docs/REQUESTS.md; the migration). */
static void count_closed(struct counts *k, const struct request_row *r, int64_t now)
{
	if (r->closed_at[0])
		return;
	k->area[RC_CLOSED]++;
	int64_t resolved = store_time_parse(r->resolved_at);
	int64_t handle_due = store_time_parse(r->handle_due_at);
	if (handle_due == 0 || (resolved > 0 && resolved <= handle_due))
		k->area[RC_CLOSED_ON_TIME]++;
	int64_t created = store_time_parse(r->created_at);
	k->area[RC_HANDLE_MINUTES] += created > 0 && now > created ? (now - created) / 60 : 0;
	const char *lv = r->handling_level[0] ? r->handling_level : r->owner_level;
	static const struct {
		const char *level;
		enum rq_counter c;
	} levels[] = {{"grid", RC_LEVEL_GRID},         {"community", RC_LEVEL_COMMUNITY},
	              {"street", RC_LEVEL_STREET},     {"district", RC_LEVEL_DISTRICT},
	              {"city", RC_LEVEL_CITY}};
	for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
		if (strcmp(lv, levels[i].level) == 0)
			k->area[levels[i].c]++;
}

/* --- notifications ------------------------------------------------------------------------------- */

/* The office that owns the request, or its department. */
static enum err tell_owner(struct store_conn *c, const struct request_row *r, const char *kind,
                           const char *text, struct errinfo *ei)
{
	if (r->owner_unit_id > 0)
		return notify_unit(c, r->owner_unit_id, "request.handle", kind, r->id, text, ei);
	if (r->owner_area_code[0])
		return notify_area_office(c, r->owner_area_code, "request.handle", kind, r->id, text, ei);
	return ERR_OK;
}

/* The office above the owner (a department's: its district) with cap. */
static enum err tell_above(struct store_conn *c, const struct request_row *r, const char *cap,
                           const char *kind, const char *text, struct errinfo *ei)
{
	char code[AREA_CODE_MAX + 1];
	if (r->owner_unit_id > 0)
		unit_district(r, code);
	else if (r->owner_area_id > 0)
		snprintf(code, sizeof code, "%s", r->owner_parent_code);
	else
		snprintf(code, sizeof code, "%s", r->area_parent_code);
	if (code[0] == '\0')
		return ERR_OK;
	return notify_area_office(c, code, cap, kind, r->id, text, ei);
}

/* --- photos ------------------------------------------------------------------------------------- */

static enum err check_photos(struct store_conn *c, const char *const *photos, int n,
                             struct errinfo *ei)
{
	if (n > RQ_PHOTOS_MAX)
		return err_set(ei, ERR_INVALID, "photos", "at most %d photos", RQ_PHOTOS_MAX);
	for (int i = 0; i < n; i++) {
		if (photos[i] == NULL || !photo_sha_valid(photos[i]))
			return err_set(ei, ERR_INVALID, "photos", "photos are given by their sha256 (64 hex digits)");
		if (!photo_known(c, photos[i], NULL))
			return err_set(ei, ERR_INVALID, "photos", "no photo %.12s… was uploaded", photos[i]);
	}
	return ERR_OK;
}

static enum err add_photos(struct store_conn *c, int64_t id, const char *stage, int seq,
                           const char *const *photos, int n, json_t *data, struct errinfo *ei)
{
	if (n == 0)
		return ERR_OK;
	json_t *arr = json_array();
	for (int i = 0; i < n; i++) {
		struct request_photo_row p = {.request_id = id, .event_seq = seq};
		snprintf(p.sha256, sizeof p.sha256, "%s", photos[i]);
		snprintf(p.stage, sizeof p.stage, "%s", stage);
		enum err rc = store_request_photo_add(c, &p, ei);
		if (rc != ERR_OK) {
			json_decref(arr);
			return rc;
		}
		json_array_append_new(arr, json_string(photos[i]));
	}
	json_object_set_new(data, "photos", arr);
	return ERR_OK;
}

/* --- intake ------------------------------------------------------------------------------------- */

static const char tracking_alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

static enum err new_tracking_code(struct store_conn *c, char out[RQ_TRACKING_LEN + 1],
                                  struct errinfo *ei)
{
	for (int attempt = 0; attempt < 8; attempt++) {
		for (int i = 0; i < RQ_TRACKING_LEN; i++)
			out[i] = tracking_alphabet[randombytes_uniform(sizeof tracking_alphabet - 1)];
		out[RQ_TRACKING_LEN] = '\0';
		bool taken = true;
		enum err rc = store_request_code_taken(c, out, &taken, ei);
		if (rc != ERR_OK)
			return rc;
		if (!taken)
			return ERR_OK;
	}
	return err_set(ei, ERR_INTERNAL, NULL, "no free tracking code");
}

static enum err check_text(const char *field, const char *s, int min, int max, bool multiline,
                           struct errinfo *ei)
{
	size_t chars = 0, len = s ? strlen(s) : 0;
	if (!utf8_valid(s ? s : "", len, &chars))
		return err_set(ei, ERR_INVALID, field, "%s is not valid UTF-8", field);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if ((ch < 0x20 || ch == 0x7f) && !(multiline && (ch == '\n' || ch == '\t' || ch == '\r')))
			return err_set(ei, ERR_INVALID, field, "%s contains a control character", field);
	}
	if ((int64_t)chars < min || (int64_t)chars > max)
		return err_set(ei, ERR_INVALID, field, "%s must be %d to %d characters", field, min, max);
	return ERR_OK;
}

static enum err input_check(const struct request_input *in, bool public_page, struct errinfo *ei)
{
	enum err rc;
	if (!in_list(rq_sources, in->source))
		return err_set(ei, ERR_INVALID, "source", "source must be one of hotline, web, grid_report,"
		                                          " one_tap, walk_in, open311");
	if (!in_list(rq_kinds, in->kind))
		return err_set(ei, ERR_INVALID, "kind", "kind must be consultation, help, complaint, report,"
		                                        " suggestion or praise");
	if (in->urgency != NULL && !in_list(rq_urgencies, in->urgency))
		return err_set(ei, ERR_INVALID, "urgency", "urgency must be normal, urgent or critical");
	if (in->category_id <= 0)
		return err_set(ei, ERR_INVALID, "category_id", "category_id is required");
	if ((rc = check_text("title", in->title, 1, RQ_TITLE_MAX, false, ei)) != ERR_OK)
		return rc;
	if (in->description &&
	    (rc = check_text("description", in->description, 0, RQ_DESCRIPTION_MAX, true, ei)) != ERR_OK)
		return rc;
	if (in->address && (rc = check_text("address", in->address, 0, RQ_ADDRESS_MAX, false, ei)) != ERR_OK)
		return rc;
	if (in->reporter_name &&
	    (rc = check_text("reporter_name", in->reporter_name, 0, RQ_REPORTER_NAME_MAX, false, ei)) !=
	        ERR_OK)
		return rc;
	if (in->area_id <= 0 && !in->has_point && (in->address == NULL || in->address[0] == '\0'))
		return err_set(ei, ERR_INVALID, "area_id", "give area_id, a point (lng, lat) or an address");
	if (public_page && (in->reporter_phone == NULL || in->reporter_phone[0] == '\0'))
		return err_set(ei, ERR_INVALID, "reporter_phone",
		               "reporter_phone is required: its last 4 digits prove you are the reporter");
	if (in->nphotos > RQ_PHOTOS_MAX)
		return err_set(ei, ERR_INVALID, "photos", "at most %d photos", RQ_PHOTOS_MAX);
	return ERR_OK;
}

struct create_ctx {
	struct app *app;
	const struct actor *a;
	const struct request_input *in;
	bool public_page;
	int64_t located;       /* the grid holding the point, 0 none */
	struct pii phone;
	struct request_row *r;
	struct category_row *cat;
};

/* The area of an intake given by an address alone: the caller's own area
 * (a single area scope), or the only district there is. */
static enum err default_area(struct store_conn *c, const struct actor *a, struct area_row *ar,
                             struct errinfo *ei)
{
	const struct identity *id = a->who;
	if (id != NULL)
		for (int i = 0; i < id->nscopes; i++)
			if (strcmp(id->scopes[i], "*") != 0 && strncmp(id->scopes[i], "unit:", 5) != 0 &&
			    store_area_by_code(c, id->scopes[i], ar, NULL) == ERR_OK)
				return ERR_OK;
	struct chain ch = {0};
	enum err rc = store_area_children(c, 0, false, add_ancestor, &ch, ei);
	if (rc != ERR_OK)
		return rc;
	if (ch.n != 1)
		return err_set(ei, ERR_INVALID, "area_id",
		               "an address alone does not say which district: give area_id or a point");
	return store_area_get(c, ch.ids[0], ar, ei);
}

static enum err create_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct create_ctx *x = arg;
	const struct request_input *in = x->in;
	struct app *app = x->app;
	int64_t top = 0;
	enum err rc = category_for_request(c, in->category_id, x->cat, &top, ei);
	if (rc != ERR_OK)
		return rc;
	struct area_row ar;
	int64_t area_id = in->area_id > 0 ? in->area_id : x->located;
	if (area_id > 0) {
		rc = store_area_get(c, area_id, &ar, ei);
		if (rc == ERR_NOTFOUND)
			return err_set(ei, ERR_INVALID, in->area_id > 0 ? "area_id" : "lng", "no area %lld",
			               (long long)area_id);
		if (rc != ERR_OK)
			return rc;
	} else if ((rc = default_area(c, x->a, &ar, ei)) != ERR_OK) {
		return rc;
	}
	if (ar.valid_to[0])
		return err_set(ei, ERR_CONFLICT, "area_id", "area %s was closed on %s", ar.code, ar.valid_to);
	if (!x->public_page && (x->a->who == NULL || !identity_covers(x->a->who, ar.code)))
		return err_set(ei, ERR_FORBIDDEN, in->area_id > 0 ? "area_id" : "lng",
		               "area %s lies outside your scope", ar.code);
	if ((rc = check_photos(c, in->photos, in->nphotos, ei)) != ERR_OK)
		return rc;

	struct request_row *r = x->r;
	memset(r, 0, sizeof *r);
	if ((rc = new_tracking_code(c, r->tracking_code, ei)) != ERR_OK)
		return rc;
	int64_t now = clock_now();
	snprintf(r->source, sizeof r->source, "%s", in->source);
	snprintf(r->kind, sizeof r->kind, "%s", in->kind);
	snprintf(r->urgency, sizeof r->urgency, "%s", in->urgency ? in->urgency : "normal");
	r->category_id = in->category_id;
	r->category_top_id = top;
	utf8_copy(r->title, sizeof r->title, in->title);
	utf8_copy(r->description, sizeof r->description, in->description ? in->description : "");
	r->area_id = ar.id;
	snprintf(r->area_code, sizeof r->area_code, "%s", ar.code);
	utf8_copy(r->address, sizeof r->address, in->address ? in->address : "");
	r->has_point = in->has_point;
	r->lng = in->lng;
	r->lat = in->lat;
	utf8_copy(r->reporter_name, sizeof r->reporter_name, in->reporter_name ? in->reporter_name : "");
	snprintf(r->reporter_phone_masked, sizeof r->reporter_phone_masked, "%s", x->phone.masked);
	/* A resident's own account reporting (they hold no staff scope). */
	if (x->a->who != NULL && x->a->who->user_id > 0 && x->public_page)
		r->reporter_user_id = x->a->who->user_id;
	r->anonymous = in->anonymous;
	set_state(r, RS_REGISTERED);
	int64_t due = 0;
	if ((rc = add_work_minutes(c, app, now, STAGE_WORK_MINUTES, &due, ei)) != ERR_OK)
		return rc;
	store_time_format(due, r->due_at);
	snprintf(r->sweep_at, sizeof r->sweep_at, "%s", r->due_at);
	store_time_format(now, r->created_at);
	snprintf(r->updated_at, sizeof r->updated_at, "%s", r->created_at);
	if ((rc = store_request_insert(c, r, x->phone.enc, x->phone.enc ? x->phone.hash : NULL, ei)) !=
	    ERR_OK)
		return rc;

	struct counts k = {0};
	k.area[RC_RECEIVED] = 1;
	json_t *data = json_pack("{s:s, s:s, s:s}", "source", r->source, "kind", r->kind, "urgency",
	                         r->urgency);
	if ((rc = add_photos(c, r->id, "intake", 1, in->photos, in->nphotos, data, ei)) != ERR_OK) {
		json_decref(data);
		return rc;
	}
	json_object_set_new(data, "counts", counts_json(k.area));
	char *text = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(data);
	struct request_event_row e = {.request_id = r->id, .seq = 1, .note = "", .data = text};
	snprintf(e.at, sizeof e.at, "%s", r->created_at);
	snprintf(e.action, sizeof e.action, "create");
	snprintf(e.to_state, sizeof e.to_state, "registered");
	e.actor_user_id = x->a->who ? x->a->who->user_id : 0;
	snprintf(e.actor_level, sizeof e.actor_level, "%s",
	         x->public_page ? "public" : actor_level(x->a->who, r->area_code));
	rc = store_request_event_add(c, &e, ei);
	if (rc == ERR_OK) /* the outbox, in the event's own transaction */
		rc = webhooks_enqueue(c, r, &e, ei);
	free(text);
	if (rc != ERR_OK)
		return rc;
	if ((rc = rollup(c, app, r, now, &k, ei)) != ERR_OK)
		return rc;
	char object[48], detail[96];
	snprintf(object, sizeof object, "request:%lld", (long long)r->id);
	snprintf(detail, sizeof detail, "%s %s", r->tracking_code, r->source);
	if ((rc = audit_append(c, x->a, "request.create", object, "ok", detail, ei)) != ERR_OK)
		return rc;
	/* the joined names of the row as read back */
	return store_request_get(c, r->id, r, ei);
}

static void add_json_row(void *ctx, const struct request_row *r);

struct dup_ctx {
	struct app *app;
	const struct dup_query *q;
	int64_t except;
	json_t *items;
	int64_t now;
};

struct json_list {
	const struct app *app;
	json_t *items;
	int64_t now;
};

static void add_json_row(void *ctx, const struct request_row *r)
{
	struct json_list *l = ctx;
	json_array_append_new(l->items, request_json(l->app, r, l->now));
}

static enum err dup_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct dup_ctx *x = arg;
	char since[RQ_TIME];
	store_time_format(x->now - RQ_DUP_DAYS * 86400, since);
	double dlat = RQ_DUP_RADIUS_M / 111320.0;
	double cosl = cos(x->q->lat * M_PI / 180.0);
	/* the same grid: the area's own grid when it lies at or below one, else the area */
	char code[AREA_CODE_MAX + 1] = "";
	bool exact = false;
	if (x->q->area_id > 0) {
		struct area_row ar;
		enum err rc = store_area_get(c, x->q->area_id, &ar, ei);
		if (rc == ERR_NOTFOUND)
			return err_set(ei, ERR_INVALID, "area", "no area %lld", (long long)x->q->area_id);
		if (rc != ERR_OK)
			return rc;
		snprintf(code, sizeof code, "%s", ar.code);
		exact = ar.level < AREA_GRID; /* a community's requests are not all one place */
		if (ar.level > AREA_GRID) {
			struct chain ch = {0};
			struct area_row up;
			if ((rc = store_area_ancestors(c, ar.code, add_ancestor, &ch, ei)) != ERR_OK)
				return rc;
			for (int i = 0; i < ch.n; i++)
				if (store_area_get(c, ch.ids[i], &up, NULL) == ERR_OK && up.level == AREA_GRID)
					snprintf(code, sizeof code, "%s", up.code);
		}
	}
	struct request_dup_query q = {.category_id = x->q->category_id, .area_code = code,
	                              .area_exact = exact,
	                              .has_point = x->q->has_point, .lng = x->q->lng, .lat = x->q->lat,
	                              .dlat = dlat, .dlng = dlat / (cosl > 0.01 ? cosl : 0.01),
	                              .text = x->q->text, .since = since, .except = x->except,
	                              .limit = 10};
	struct json_list l = {x->app, x->items, x->now};
	return store_request_duplicates(c, &q, add_json_row, &l, ei);
}

static enum err create(struct app *app, const struct actor *a, const struct request_input *in,
                       bool public_page, struct request_row *out, json_t *dups, struct errinfo *ei)
{
	enum err rc = input_check(in, public_page, ei);
	if (rc != ERR_OK)
		return rc;
	struct create_ctx x = {.app = app, .a = a, .in = in, .public_page = public_page, .r = out};
	if (in->area_id <= 0 && in->has_point) {
		/* located without the caller's scope; the scope is checked on the grid found */
		struct actor nobody = {.who = NULL, .login = a->login, .address = a->address,
		                       .request_id = a->request_id};
		struct area_row grid;
		rc = areas_locate(app, &nobody, in->lng, in->lat, in->crs, &grid, NULL, NULL, ei);
		if (rc == ERR_NOTFOUND)
			return err_set(ei, ERR_UNPROCESSABLE, "lng", "the point lies in no grid");
		if (rc != ERR_OK)
			return rc;
		x.located = grid.id;
	}
	if ((rc = pii_phone(app, in->reporter_phone, "reporter_phone", &x.phone, ei)) != ERR_OK)
		return rc;
	x.cat = malloc(sizeof *x.cat);
	if (x.cat == NULL) {
		pii_free(&x.phone);
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	}
	rc = store_write(app->store, create_fn, &x, ei);
	free(x.cat);
	pii_free(&x.phone);
	if (rc == ERR_FORBIDDEN) {
		char object[48];
		snprintf(object, sizeof object, "area:%lld", (long long)in->area_id);
		area_denied(app, a, object, ei);
	}
	if (rc != ERR_OK || dups == NULL)
		return rc;
	struct dup_query q = {.category_id = out->category_id, .area_id = out->area_id,
	                      .has_point = out->has_point, .lng = out->lng, .lat = out->lat,
	                      .text = out->title};
	struct dup_ctx d = {.app = app, .q = &q, .except = out->id, .items = dups, .now = clock_now()};
	struct errinfo e2;
	err_clear(&e2);
	if (store_read(app->store, dup_fn, &d, &e2) != ERR_OK)
		log_warn("duplicates not found", "\"request\":%lld,\"error\":\"%s\"", (long long)out->id,
		         e2.message);
	return ERR_OK;
}

enum err requests_create(struct app *app, const struct actor *a, const struct request_input *in,
                         struct request_row *out, json_t *dups, struct errinfo *ei)
{
	return create(app, a, in, false, out, dups, ei);
}

/* Submissions per client address per hour on the public page: a small
 * table of fixed windows (a collision only shares a count). */
#define PUBLIC_SLOTS 4096
static struct {
	pthread_mutex_t lock;
	struct {
		uint64_t key;
		int64_t window;
		int count;
	} slot[PUBLIC_SLOTS];
} limiter = {.lock = PTHREAD_MUTEX_INITIALIZER};

static uint64_t key_of(const char *s, char salt)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)(unsigned char)salt;
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h ? h : 1;
}

/* Counts one try of key this hour; false past limit. peek: count nothing. */
static bool limiter_take(uint64_t key, int limit, bool peek)
{
	if (limit <= 0)
		return true;
	int64_t window = clock_now() / 3600;
	pthread_mutex_lock(&limiter.lock);
	__typeof__(limiter.slot[0]) *s = &limiter.slot[key % PUBLIC_SLOTS];
	if (s->key != key || s->window != window) {
		s->key = key;
		s->window = window;
		s->count = 0;
	}
	bool ok = s->count < limit;
	if (ok && !peek)
		s->count++;
	pthread_mutex_unlock(&limiter.lock);
	return ok;
}

enum err requests_create_public(struct app *app, const struct actor *a,
                                const struct request_input *in, struct request_row *out,
                                struct errinfo *ei)
{
	if (!limiter_take(key_of(a->address, 'p'), app->cfg.public_requests_per_hour, false))
		return err_set(ei, ERR_RATE, NULL, "too many requests from this address this hour");
	return create(app, a, in, true, out, NULL, ei);
}

enum err requests_duplicates(struct app *app, const struct actor *a, const struct dup_query *q,
                             json_t *items, struct errinfo *ei)
{
	(void)a;
	if (q->category_id <= 0)
		return err_set(ei, ERR_INVALID, "category", "category is required");
	struct dup_ctx d = {.app = app, .q = q, .items = items, .now = clock_now()};
	return store_read(app->store, dup_fn, &d, ei);
}

/* --- reads ----------------------------------------------------------------------------------------- */

struct get_ctx {
	struct app *app;
	const struct actor *a;
	int64_t id;
	struct loaded l;
	json_t *out;
	struct allowed_action *allowed;
	int nallowed;
	int64_t now;
};

static void add_event(void *ctx, const struct request_event_row *e)
{
	json_t *data = json_loads(e->data ? e->data : "{}", 0, NULL);
	json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:s, s:o}", "seq",
	                      e->seq, "at", e->at, "action", e->action, "from_state", e->from_state,
	                      "to_state", e->to_state, "actor_user_id", id_or_null(e->actor_user_id),
	                      "actor_name", e->actor_name, "actor_level", e->actor_level,
	                      "owner_area_id", id_or_null(e->owner_area_id), "owner_unit_id",
	                      id_or_null(e->owner_unit_id), "note", e->note ? e->note : "", "data",
	                      data ? data : json_object());
	json_array_append_new(ctx, o);
}

static void add_photo(void *ctx, const struct request_photo_row *p)
{
	char url[128];
	snprintf(url, sizeof url, "/api/v1/photos/%s", p->sha256);
	json_array_append_new(ctx, json_pack("{s:s, s:s, s:i, s:s}", "sha256", p->sha256, "stage",
	                                     p->stage, "event_seq", p->event_seq, "url", url));
}

static json_t *party_json(const struct request_party_row *p)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "unit_id", (json_int_t)p->unit_id,
	                 "unit_name", p->unit_name, "role", p->role, "part", p->part, "state", p->state,
	                 "result", p->result, "created_at", p->created_at, "updated_at", p->updated_at);
}

static int allowed_of(const struct identity *id, const struct loaded *l, unsigned rel, int64_t now,
                      struct allowed_action *out)
{
	struct flow_subject s;
	subject_of(id, l, rel, now, &s);
	int n = 0;
	for (int a = 0; a < RA__MAX; a++) {
		const struct flow_row *row;
		if (flow_check(id, &s, (enum rq_action)a, &row, NULL) == ERR_OK)
			out[n++] = (struct allowed_action){(enum rq_action)a, row->to};
	}
	return n;
}

static enum err get_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct get_ctx *x = arg;
	enum err rc = load(c, x->id, NULL, &x->l, ei);
	if (rc != ERR_OK)
		return rc;
	unsigned rel = relations_of(x->a->who, &x->l);
	if ((rc = may_see(x->a->who, rel, ei)) != ERR_OK)
		return rc;
	struct allowed_action acts[RA__MAX];
	int n = allowed_of(x->a->who, &x->l, rel, x->now, acts);
	if (x->allowed != NULL) {
		memcpy(x->allowed, acts, sizeof acts[0] * (size_t)n);
		x->nallowed = n;
		return ERR_OK;
	}
	json_t *o = request_json(x->app, x->l.r, x->now);
	json_t *events = json_array(), *photos = json_array(), *parties = json_array();
	json_object_set_new(o, "events", events);
	json_object_set_new(o, "photos", photos);
	json_object_set_new(o, "parties", parties);
	json_t *names = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(names, json_string(rq_action_name(acts[i].action)));
	json_object_set_new(o, "actions", names);
	x->out = o;
	for (int i = 0; i < x->l.nparties; i++)
		json_array_append_new(parties, party_json(&x->l.parties[i]));
	if ((rc = store_request_events(c, x->id, add_event, events, ei)) != ERR_OK)
		return rc;
	return store_request_photos(c, x->id, add_photo, photos, ei);
}

enum err requests_get(struct app *app, const struct actor *a, int64_t id, json_t **out,
                      struct errinfo *ei)
{
	*out = NULL;
	struct get_ctx x = {.app = app, .a = a, .id = id, .now = clock_now()};
	if (!loaded_new(&x.l)) {
		loaded_free(&x.l);
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	}
	enum err rc = store_read(app->store, get_fn, &x, ei);
	loaded_free(&x.l);
	if (rc == ERR_FORBIDDEN)
		denied(app, a, id, ei);
	if (rc != ERR_OK) {
		json_decref(x.out);
		return rc;
	}
	*out = x.out;
	return ERR_OK;
}

int requests_actions(struct app *app, const struct actor *a, int64_t id,
                     struct allowed_action out[RA__MAX], struct errinfo *ei)
{
	struct get_ctx x = {.app = app, .a = a, .id = id, .now = clock_now(), .allowed = out};
	if (!loaded_new(&x.l)) {
		loaded_free(&x.l);
		err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		return -1;
	}
	enum err rc = store_read(app->store, get_fn, &x, ei);
	loaded_free(&x.l);
	if (rc == ERR_FORBIDDEN)
		denied(app, a, id, ei);
	return rc == ERR_OK ? x.nallowed : -1;
}

struct phone_ctx {
	struct app *app;
	const struct actor *a;
	int64_t id;
	struct loaded l;
	char *plain;
};

static enum err phone_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct phone_ctx *x = arg;
	const struct identity *id = x->a->who;
	enum err rc = load(c, x->id, NULL, &x->l, ei);
	if (rc != ERR_OK)
		return rc;
	if (id == NULL || (!identity_has(id, "request.followup") && !identity_has(id, "person.read_pii")))
		return err_set(ei, ERR_FORBIDDEN, "capability",
		               "calling the reporter back needs the capability request.followup");
	if ((rc = may_see(id, relations_of(id, &x->l), ei)) != ERR_OK)
		return rc;
	char *enc = NULL;
	if ((rc = store_request_phone(c, x->id, &enc, ei)) != ERR_OK)
		return rc;
	x->plain = enc ? pii_open(x->app, enc) : strdup("");
	free(enc);
	if (x->plain == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "cannot decrypt the phone");
	char object[48];
	snprintf(object, sizeof object, "request:%lld", (long long)x->id);
	return pii_audit_unmask(c, x->a, object, "reporter_phone", ei);
}

enum err requests_reporter_phone(struct app *app, const struct actor *a, int64_t id, char **phone,
                                 struct errinfo *ei)
{
	*phone = NULL;
	struct phone_ctx x = {.app = app, .a = a, .id = id};
	if (!loaded_new(&x.l)) {
		loaded_free(&x.l);
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	}
	enum err rc = store_write(app->store, phone_fn, &x, ei);
	loaded_free(&x.l);
	if (rc == ERR_FORBIDDEN)
		denied(app, a, id, ei);
	if (rc != ERR_OK) {
		free(x.plain);
		return rc;
	}
	*phone = x.plain;
	return ERR_OK;
}

/* --- lists ------------------------------------------------------------------------------------------- */

static const char *const open_states[] = {
	"registered",          "waiting_dispatch", "dispatched",       "return_requested", "handling",
	"waiting_reporter",    "extension_requested", "handled",       "waiting_feedback", "dissatisfied",
	NULL};
static const char *const dispatch_states[] = {"registered", "waiting_dispatch", "return_requested",
                                              NULL};
static const char *const verify_states[] = {"handled", NULL};
static const char *const approve_states[] = {"extension_requested", NULL};

struct list_ctx {
	struct app *app;
	const struct actor *a;
	const struct request_query *q;
	request_fn fn;
	void *ctx;
	int64_t last, count;
	int64_t *next_after;
	int limit;
	bool export_all;
};

static void count_row(void *ctx, const struct request_row *r)
{
	struct list_ctx *x = ctx;
	x->last = r->id;
	x->count++;
	x->fn(x->ctx, r);
}

/* The caller's area scopes as code ranges, and their unit:N departments. */
static void scope_of(const struct identity *id, struct code_ranges *r, int64_t *units, int *nunits)
{
	char pre[IDENTITY_SCOPES_MAX][AREA_CODE_MAX + 1];
	int n = 0;
	*nunits = 0;
	for (int i = 0; id != NULL && i < id->nscopes; i++) {
		if (strncmp(id->scopes[i], "unit:", 5) == 0) {
			int64_t u = strtoll(id->scopes[i] + 5, NULL, 10);
			if (u > 0)
				units[(*nunits)++] = u;
		} else {
			snprintf(pre[n++], sizeof pre[0], "%s", id->scopes[i]);
		}
	}
	code_ranges_set(r, (const char(*)[AREA_CODE_MAX + 1])pre, n);
	if (n == 0) {
		r->all = false;
		r->n = 0;
	}
}

static enum err list_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct list_ctx *x = arg;
	const struct request_query *q = x->q;
	const struct identity *id = x->a->who;
	struct code_ranges scope, area;
	int64_t units[IDENTITY_SCOPES_MAX];
	int nunits = 0;
	scope_of(id, &scope, units, &nunits);
	struct request_filter f = {.scope = &scope, .units = units, .nunits = nunits,
	                           .reporter_user_id = id ? id->user_id : 0, .overdue = q->overdue,
	                           .supervised = -1, .category_id = q->category_id,
	                           .department_id = q->department_id, .source = q->source,
	                           .urgency = q->urgency, .q = q->q, .after = q->after,
	                           .limit = x->limit};
	if (q->area_id > 0) {
		enum err rc = area_scope_ranges(c, x->a, q->area_id, &area, ei);
		if (rc != ERR_OK)
			return rc;
		f.area = &area;
	}
	const char *one[2] = {q->state, NULL};
	if (q->state != NULL)
		f.states = one;
	char now[RQ_TIME], from[RQ_TIME], to[RQ_TIME];
	store_time_format(clock_now(), now);
	f.now = now;
	int32_t d;
	if (q->from != NULL && date_parse(q->from, strlen(q->from), &d) == ERR_OK) {
		store_time_format((int64_t)d * 86400 - x->app->office.tz_offset_min * 60, from);
		f.from = from;
	}
	if (q->to != NULL && date_parse(q->to, strlen(q->to), &d) == ERR_OK) {
		store_time_format((int64_t)(d + 1) * 86400 - x->app->office.tz_offset_min * 60, to);
		f.to = to;
	}
	int64_t owners[IDENTITY_SCOPES_MAX];
	if (q->queue != NULL) {
		if (q->state == NULL)
			f.states = open_states;
		if (strcmp(q->queue, "mine") == 0) {
			/* owned by the caller's own office (the area of a scope) or department */
			int n = 0;
			for (int i = 0; id != NULL && i < id->nscopes; i++) {
				struct area_row ar;
				if (strncmp(id->scopes[i], "unit:", 5) != 0 && strcmp(id->scopes[i], "*") != 0 &&
				    store_area_by_code(c, id->scopes[i], &ar, NULL) == ERR_OK)
					owners[n++] = ar.id;
			}
			f.mine = true;
			f.owner_areas = owners;
			f.nowner_areas = n;
			f.owner_units = units;
			f.nowner_units = nunits;
		} else if (strcmp(q->queue, "to_dispatch") == 0) {
			if (q->state == NULL)
				f.states = dispatch_states;
		} else if (strcmp(q->queue, "overdue") == 0) {
			f.overdue = 1;
		} else if (strcmp(q->queue, "supervised") == 0) {
			f.supervised = 1;
		} else if (strcmp(q->queue, "to_verify") == 0) {
			if (q->state == NULL)
				f.states = verify_states;
		} else if (strcmp(q->queue, "to_approve") == 0) {
			if (q->state == NULL)
				f.states = approve_states;
		}
	}
	return store_request_list(c, &f, count_row, x, ei);
}

enum err requests_list(struct app *app, const struct actor *a, const struct request_query *q,
                       request_fn fn, void *ctx, int64_t *next_after, struct errinfo *ei)
{
	if (q->state != NULL && rq_state_parse(q->state) < 0)
		return err_set(ei, ERR_INVALID, "state", "unknown state");
	if (q->queue != NULL && !in_list(rq_queues, q->queue))
		return err_set(ei, ERR_INVALID, "queue", "unknown queue");
	struct list_ctx x = {.app = app, .a = a, .q = q, .fn = fn, .ctx = ctx,
	                     .limit = q->limit > 0 ? q->limit : 20};
	enum err rc = store_read(app->store, list_fn, &x, ei);
	if (rc == ERR_FORBIDDEN) {
		char object[48];
		snprintf(object, sizeof object, "area:%lld", (long long)q->area_id);
		area_denied(app, a, object, ei);
	}
	if (next_after != NULL)
		*next_after = rc == ERR_OK && x.count == x.limit ? x.last : 0;
	return rc;
}

/* --- export ------------------------------------------------------------------------------------------- */

static const char *const export_titles[] = {
	"受理编号", "来源", "类型", "紧急程度", "事项分类", "标题", "诉求内容", "所在区域", "区域代码",
	"地址", "诉求人", "联系电话", "状态", "责任单位", "办理层级", "办理时限", "是否超期", "督办",
	"返工次数", "是否解决", "满意度", "登记时间", "办结时间", "结案时间", NULL};

struct export_ctx {
	struct app *app;
	struct xlsx *x;
	enum err rc;
	int64_t now;
	int rows;
};

static const char *zh_of(const char *const *names, const char *const *zh, const char *s)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return zh[i];
	return s;
}

static void export_row(void *ctx, const struct request_row *r)
{
	struct export_ctx *e = ctx;
	if (e->rc != ERR_OK)
		return;
	static const char *const sources_zh[] = {"12345热线", "网上", "网格员上报", "一键呼叫", "来访",
	                                         "Open311", NULL};
	static const char *const kinds_zh[] = {"咨询", "求助", "投诉", "举报", "建议", "表扬", NULL};
	static const char *const urgencies_zh[] = {"一般", "紧急", "特急", NULL};
	static const char *const feedbacks_zh[] = {"满意", "基本满意", "不满意", NULL};
	static const char *const levels[] = {"grid", "community", "street", "district", "city", NULL};
	static const char *const levels_zh[] = {"网格", "社区", "街道", "区", "市", NULL};
	char due[32] = "", sup[4], rework[12];
	int64_t t = store_time_parse(r->due_at);
	if (t > 0)
		instant_format(t, e->app->office.tz_offset_min, due);
	snprintf(sup, sizeof sup, "%d", r->supervision);
	snprintf(rework, sizeof rework, "%d", r->rework_count);
	int st = rq_state_parse(r->state);
	const char *cells[] = {
		r->tracking_code,
		zh_of(rq_sources, sources_zh, r->source),
		zh_of(rq_kinds, kinds_zh, r->kind),
		zh_of(rq_urgencies, urgencies_zh, r->urgency),
		r->category_name,
		r->title,
		r->description,
		r->area_name,
		r->area_code,
		r->address,
		r->reporter_name,
		r->reporter_phone_masked,
		st >= 0 ? rq_state_names_zh[st] : r->state,
		r->owner_name,
		r->handling_level[0] ? zh_of(levels, levels_zh, r->handling_level) : "",
		due,
		is_overdue(r, e->now) ? "是" : "否",
		sup,
		rework,
		r->solved < 0 ? "" : r->solved ? "是" : "否",
		r->feedback[0] ? zh_of(rq_feedbacks, feedbacks_zh, r->feedback) : "",
		r->created_at,
		r->resolved_at,
		r->closed_at,
	};
	e->rc = xlsx_row(e->x, cells, (int)(sizeof cells / sizeof cells[0]));
	e->rows++;
}

enum err requests_export(struct app *app, const struct actor *a, const struct request_query *q,
                         char **data, size_t *len, struct errinfo *ei)
{
	*data = NULL;
	*len = 0;
	struct export_ctx e = {.app = app, .now = clock_now()};
	enum err rc = xlsx_open("诉求清单", &e.x, ei);
	if (rc != ERR_OK)
		return rc;
	int n = 0;
	while (export_titles[n])
		n++;
	if ((rc = xlsx_header(e.x, export_titles, n)) != ERR_OK) {
		xlsx_abort(e.x);
		return err_set(ei, rc, NULL, "cannot write the sheet");
	}
	struct request_query q2 = *q;
	q2.after = 0;
	q2.limit = RQ_EXPORT_MAX;
	rc = requests_list(app, a, &q2, export_row, &e, NULL, ei);
	if (rc == ERR_OK && e.rc != ERR_OK)
		rc = err_set(ei, e.rc, NULL, "cannot write the sheet");
	if (rc != ERR_OK) {
		xlsx_abort(e.x);
		return rc;
	}
	if ((rc = xlsx_finish(e.x, data, len, ei)) != ERR_OK)
		return rc;
	char detail[64];
	snprintf(detail, sizeof detail, "%d rows", e.rows);
	audit_record(app->store, a, "request.export", "requests", "ok", detail);
	return ERR_OK;
}

/* --- actions ---------------------------------------------------------------------------------------- */

struct act_ctx {
	struct app *app;
	const struct actor *a;
	int64_t id;
	const char *code;        /* the public rating: by tracking code */
	enum rq_action action;
	const struct action_input *in;
	struct action_result *res;
	bool public_reporter;    /* proved by the phone's last 4 digits */
	bool proof_failed;
	struct loaded l;
	struct category_row *cat;
};

static enum err need_note(const struct action_input *in, struct errinfo *ei)
{
	if (in->note == NULL || in->note[0] == '\0')
		return err_set(ei, ERR_INVALID, "note", "note is required for this action");
	return ERR_OK;
}

static enum err need_reason(const struct action_input *in, struct errinfo *ei)
{
	if (in->reason == NULL || in->reason[0] == '\0')
		return err_set(ei, ERR_INVALID, "reason", "reason is required for this action");
	return check_text("reason", in->reason, 1, 200, false, ei);
}

/* The new owner of a dispatch: an office (grid … district) in the caller's
 * scope, or a department. */
static enum err owner_target(struct store_conn *c, const struct actor *a,
                             const struct action_input *in, struct request_row *r,
                             json_t *data, struct errinfo *ei)
{
	if ((in->owner_area_id > 0) == (in->owner_unit_id > 0))
		return err_set(ei, ERR_INVALID, "owner_area_id", "give owner_area_id or owner_unit_id");
	enum err rc;
	if (in->owner_area_id > 0) {
		struct area_row ar;
		if ((rc = area_require(c, a, in->owner_area_id, AREA_DISTRICT, AREA_GRID, "owner_area_id", &ar,
		                       ei)) != ERR_OK)
			return rc;
		if (ar.valid_to[0])
			return err_set(ei, ERR_CONFLICT, "owner_area_id", "area %s was closed on %s", ar.code,
			               ar.valid_to);
		r->owner_area_id = ar.id;
		r->owner_unit_id = 0;
		snprintf(r->owner_level, sizeof r->owner_level, "%s", office_level(ar.level));
		snprintf(r->owner_area_code, sizeof r->owner_area_code, "%s", ar.code);
		snprintf(r->owner_name, sizeof r->owner_name, "%s", ar.name);
		r->owner_parent_code[0] = '\0';
		if (ar.parent_id > 0) {
			struct area_row parent;
			if (store_area_get(c, ar.parent_id, &parent, ei) == ERR_OK)
				snprintf(r->owner_parent_code, sizeof r->owner_parent_code, "%s", parent.code);
		}
		json_object_set_new(data, "owner_area_id", json_integer(ar.id));
		return ERR_OK;
	}
	struct unit_row u;
	rc = store_unit_get(c, in->owner_unit_id, &u, ei);
	if (rc == ERR_NOTFOUND)
		return err_set(ei, ERR_INVALID, "owner_unit_id", "no unit %lld", (long long)in->owner_unit_id);
	if (rc != ERR_OK)
		return rc;
	if (strcmp(u.kind, "department") != 0)
		return err_set(ei, ERR_UNPROCESSABLE, "owner_unit_id", "%s is not a department", u.name);
	r->owner_unit_id = u.id;
	r->owner_area_id = 0;
	snprintf(r->owner_level, sizeof r->owner_level, "city");
	snprintf(r->owner_unit_area_code, sizeof r->owner_unit_area_code, "%s", u.area_code);
	snprintf(r->owner_name, sizeof r->owner_name, "%s", u.name);
	r->owner_area_code[0] = r->owner_parent_code[0] = '\0';
	json_object_set_new(data, "owner_unit_id", json_integer(u.id));
	return ERR_OK;
}

/* Sets the current stage's deadline: a new stage is not overdue (yet). */
static void set_due(struct request_row *r, int64_t due)
{
	store_time_format(due, r->due_at);
	snprintf(r->sweep_at, sizeof r->sweep_at, "%s", r->due_at);
	r->overdue = false;
}

static void clear_due(struct request_row *r)
{
	r->due_at[0] = r->sweep_at[0] = '\0';
	r->overdue = false;
}

static enum err stage_minutes(struct store_conn *c, const struct app *app, struct request_row *r,
                              int64_t now, struct errinfo *ei)
{
	int64_t due;
	enum err rc = add_work_minutes(c, app, now, STAGE_WORK_MINUTES, &due, ei);
	if (rc == ERR_OK)
		set_due(r, due);
	return rc;
}

static enum err stage_days(struct store_conn *c, const struct app *app, struct request_row *r,
                           int64_t now, struct errinfo *ei)
{
	int64_t due;
	enum err rc = add_work_days(c, app, now, STAGE_WORK_DAYS, &due, ei);
	if (rc == ERR_OK)
		set_due(r, due);
	return rc;
}

/* The handle deadline from start by the category's limit for the urgency. */
static enum err handle_deadline(struct store_conn *c, struct act_ctx *x, int64_t start,
                                struct errinfo *ei)
{
	struct request_row *r = x->l.r;
	enum err rc = category_effective(c, r->category_id, x->cat, NULL, ei);
	int64_t due = 0;
	if (rc == ERR_OK)
		rc = category_due_at(c, &x->app->office, x->cat, r->urgency, start, &due, ei);
	if (rc != ERR_OK)
		return rc;
	store_time_format(due, r->handle_due_at);
	set_due(r, due);
	return ERR_OK;
}

/* The department among the caller's that acts as party, in state want. */
static struct request_party_row *my_party(struct act_ctx *x, const char *want, struct errinfo *ei)
{
	const struct identity *id = x->a->who;
	for (int i = 0; i < x->l.nparties; i++) {
		struct request_party_row *p = &x->l.parties[i];
		if (!identity_has_unit(id, p->unit_id) || strcmp(p->state, want) != 0)
			continue;
		if (x->in->unit_id > 0 && x->in->unit_id != p->unit_id)
			continue;
		return p;
	}
	err_set(ei, ERR_UNPROCESSABLE, "unit_id", "none of your departments is a party in that state");
	return NULL;
}

static enum err summon(struct store_conn *c, struct act_ctx *x, int64_t unit_id, const char *role,
                       const char *part, int64_t now, json_t *summoned, struct errinfo *ei)
{
	struct unit_row u;
	enum err rc = store_unit_get(c, unit_id, &u, ei);
	const char *field = strcmp(role, "lead") == 0 ? "lead_unit_id" : "co_unit_ids";
	if (rc == ERR_NOTFOUND)
		return err_set(ei, ERR_INVALID, field, "no unit %lld", (long long)unit_id);
	if (rc != ERR_OK)
		return rc;
	if (strcmp(u.kind, "department") != 0)
		return err_set(ei, ERR_UNPROCESSABLE, field, "%s is not a department", u.name);
	for (int i = 0; i < x->l.nparties; i++)
		if (x->l.parties[i].unit_id == unit_id)
			return err_set(ei, ERR_CONFLICT, field, "%s is summoned already", u.name);
	if (part != NULL && (rc = check_text(strcmp(role, "lead") == 0 ? "lead_part" : "co_parts", part,
	                                     0, RQ_PART_MAX, false, ei)) != ERR_OK)
		return rc;
	if (x->l.nparties >= PARTIES_MAX)
		return err_set(ei, ERR_UNPROCESSABLE, field, "at most %d departments", PARTIES_MAX);
	struct request_party_row *p = &x->l.parties[x->l.nparties];
	memset(p, 0, sizeof *p);
	p->request_id = x->l.r->id;
	p->unit_id = unit_id;
	snprintf(p->role, sizeof p->role, "%s", role);
	snprintf(p->state, sizeof p->state, "summoned");
	utf8_copy(p->part, sizeof p->part, part ? part : "");
	store_time_format(now, p->created_at);
	snprintf(p->updated_at, sizeof p->updated_at, "%s", p->created_at);
	snprintf(p->unit_name, sizeof p->unit_name, "%s", u.name);
	if ((rc = store_request_party_add(c, p, ei)) != ERR_OK)
		return rc;
	x->l.party_units[x->l.nparties++] = unit_id;
	json_array_append_new(summoned, json_pack("{s:I, s:s, s:s}", "unit_id", (json_int_t)unit_id,
	                                          "role", role, "part", p->part));
	char text[256];
	snprintf(text, sizeof text, "诉求 %s 吹哨:请报到参与办理(%s)", x->l.r->tracking_code,
	         strcmp(role, "lead") == 0 ? "牵头" : "协办");
	return notify_unit(c, unit_id, "request.handle", "whistled", x->l.r->id, text, ei);
}

/* Applies the action to the row: inputs, fields, deadlines, event data,
 * counters and notifications that need the row before it is written are
 * prepared here; *to is the state it leads to. */
static enum err apply(struct store_conn *c, struct act_ctx *x, const struct flow_row *row,
                      int64_t now, json_t *data, struct counts *k, enum rq_state *to,
                      struct errinfo *ei)
{
	struct request_row *r = x->l.r;
	const struct action_input *in = x->in;
	const struct actor *a = x->a;
	struct app *app = x->app;
	enum rq_state from = state_of(r);
	enum err rc = ERR_OK;
	*to = row->to >= 0 ? (enum rq_state)row->to : from;
	if (in->note != NULL && (rc = check_text("note", in->note, 0, RQ_NOTE_MAX, true, ei)) != ERR_OK)
		return rc;
	char now_text[RQ_TIME];
	store_time_format(now, now_text);

	switch (x->action) {
	case RA_ACCEPT: {
		k->area[RC_DUE_TO_CLOSE]++;
		struct dispatch_target t;
		bool found = false;
		if ((rc = dispatch_rule_match(c, r->category_id, r->area_code, &t, &found, ei)) != ERR_OK)
			return rc;
		/* "city" without a department has no office in linli: a dispatcher decides */
		if (found && (t.unit_id > 0 || (t.area_id > 0 && strcmp(t.level, "city") != 0))) {
			struct action_input by_rule = {.owner_area_id = t.unit_id > 0 ? 0 : t.area_id,
			                               .owner_unit_id = t.unit_id};
			struct actor anyone = {.who = NULL};
			if ((rc = owner_target(c, &anyone, &by_rule, r, data, ei)) != ERR_OK)
				return rc;
			json_object_set_new(data, "rule_id", json_integer(t.rule_id));
			*to = RS_DISPATCHED;
			k->area[RC_DISPATCHED]++;
			if (!r->dispatched_at[0])
				snprintf(r->dispatched_at, sizeof r->dispatched_at, "%s", now_text);
			rc = stage_minutes(c, app, r, now, ei);
		} else {
			*to = RS_WAITING_DISPATCH;
			rc = stage_minutes(c, app, r, now, ei);
		}
		break;
	}
	case RA_ANSWER:
		if ((rc = need_note(in, ei)) != ERR_OK)
			return rc;
		k->area[RC_DUE_TO_CLOSE]++;
		k->area[RC_RESPONDED]++;
		k->area[RC_RESPONDED_IN_TIME]++;
		k->area[RC_RESOLVED]++;
		{
			/* answered at the intake's own level */
			const char *lv = actor_level(a->who, r->area_code);
			if (strcmp(lv, "city") != 0 && level_rank(lv) == 0)
				lv = "community";
			snprintf(r->handling_level, sizeof r->handling_level, "%s", lv);
		}
		snprintf(r->resolved_at, sizeof r->resolved_at, "%s", now_text);
		if (!r->acknowledged_at[0])
			snprintf(r->acknowledged_at, sizeof r->acknowledged_at, "%s", now_text);
		r->handle_due_at[0] = '\0';
		count_closed(k, r, now);
		break;
	case RA_INVALIDATE:
	case RA_ESCALATE:
		if ((rc = need_reason(in, ei)) != ERR_OK)
			return rc;
		json_object_set_new(data, "reason", json_string(in->reason));
		if (x->action == RA_INVALIDATE) {
			k->area[RC_INVALID]++;
			break;
		}
		/* one office up; from a district to a department */
		{
			struct action_input up = {0};
			if (r->owner_area_id > 0 && strcmp(r->owner_level, "district") != 0) {
				struct area_row own;
				if ((rc = store_area_get(c, r->owner_area_id, &own, ei)) != ERR_OK)
					return rc;
				if (own.parent_id <= 0)
					return err_set(ei, ERR_UNPROCESSABLE, "owner", "the owner has no office above it");
				up.owner_area_id = own.parent_id;
			} else {
				int64_t dept = in->owner_unit_id;
				if (dept <= 0) {
					if ((rc = category_effective(c, r->category_id, x->cat, NULL, ei)) != ERR_OK)
						return rc;
					dept = x->cat->default_department_id;
				}
				if (dept <= 0)
					return err_set(ei, ERR_UNPROCESSABLE, "owner_unit_id",
					               "a district escalates to a department: give owner_unit_id");
				up.owner_unit_id = dept;
			}
			struct actor anyone = {.who = NULL};
			if ((rc = owner_target(c, &anyone, &up, r, data, ei)) != ERR_OK)
				return rc;
			k->area[RC_DISPATCHED]++;
			rc = stage_minutes(c, app, r, now, ei);
		}
		break;
	case RA_DISPATCH:
	case RA_REDISPATCH:
		if ((rc = owner_target(c, a, in, r, data, ei)) != ERR_OK)
			return rc;
		k->area[RC_DISPATCHED]++;
		if (!r->dispatched_at[0])
			snprintf(r->dispatched_at, sizeof r->dispatched_at, "%s", now_text);
		r->handle_due_at[0] = '\0';
		rc = stage_minutes(c, app, r, now, ei);
		break;
	case RA_ACKNOWLEDGE:
		if (!r->acknowledged_at[0]) {
			k->area[RC_RESPONDED]++;
			int64_t due = store_time_parse(r->due_at);
			if (due == 0 || now <= due)
				k->area[RC_RESPONDED_IN_TIME]++;
			snprintf(r->acknowledged_at, sizeof r->acknowledged_at, "%s", now_text);
		}
		rc = handle_deadline(c, x, now, ei);
		break;
	case RA_RETURN:
		if (!in_list(rq_return_reasons, in->reason))
			return err_set(ei, ERR_INVALID, "reason",
			               "reason must be not_our_area, unclear_ownership, overlapping_duties or other");
		if ((rc = need_note(in, ei)) != ERR_OK)
			return rc;
		json_object_set_new(data, "reason", json_string(in->reason));
		rc = stage_minutes(c, app, r, now, ei);
		break;
	case RA_APPROVE_RETURN:
		/* the department that gave it back did not own it after all */
		if (r->owner_unit_id > 0) {
			k->unit_id = r->owner_unit_id;
			k->unit[RC_INVALID]++;
		}
		json_object_set_new(data, "returned_by", r->owner_unit_id > 0
		                                                 ? json_pack("{s:I}", "unit_id", (json_int_t)r->owner_unit_id)
		                                                 : json_pack("{s:I}", "area_id", (json_int_t)r->owner_area_id));
		r->owner_area_id = r->owner_unit_id = 0;
		r->owner_level[0] = r->owner_area_code[0] = r->owner_parent_code[0] = '\0';
		r->owner_name[0] = r->owner_unit_area_code[0] = '\0';
		r->handle_due_at[0] = '\0';
		rc = stage_minutes(c, app, r, now, ei);
		break;
	case RA_REFUSE_RETURN:
		if ((rc = need_note(in, ei)) != ERR_OK)
			return rc;
		rc = stage_minutes(c, app, r, now, ei);
		break;
	case RA_WHISTLE: {
		bool has_lead = false;
		for (int i = 0; i < x->l.nparties; i++)
			has_lead |= strcmp(x->l.parties[i].role, "lead") == 0;
		if (in->lead_unit_id > 0 && has_lead)
			return err_set(ei, ERR_CONFLICT, "lead_unit_id", "the request has a lead department already");
		if (in->lead_unit_id <= 0 && !has_lead)
			return err_set(ei, ERR_INVALID, "lead_unit_id", "a whistle names one lead department");
		if (in->nco_parts > 0 && in->nco_parts != in->nco)
			return err_set(ei, ERR_INVALID, "co_parts", "co_parts gives one part per co_unit_ids item");
		if (in->lead_unit_id <= 0 && in->nco == 0)
			return err_set(ei, ERR_INVALID, "co_unit_ids", "name the departments to summon");
		if (in->nco > RQ_CO_PARTIES_MAX)
			return err_set(ei, ERR_INVALID, "co_unit_ids", "at most %d co-handlers", RQ_CO_PARTIES_MAX);
		json_t *summoned = json_array();
		json_object_set_new(data, "parties", summoned);
		if (in->lead_unit_id > 0 &&
		    (rc = summon(c, x, in->lead_unit_id, "lead", in->lead_part, now, summoned, ei)) != ERR_OK)
			return rc;
		for (int i = 0; i < in->nco; i++) {
			if (in->co_unit_ids[i] == in->lead_unit_id)
				return err_set(ei, ERR_INVALID, "co_unit_ids", "the lead is not a co-handler too");
			if ((rc = summon(c, x, in->co_unit_ids[i], "co", in->nco_parts ? in->co_parts[i] : NULL,
			                 now, summoned, ei)) != ERR_OK)
				return rc;
		}
		break;
	}
	case RA_REPORT_IN:
	case RA_PART_DONE: {
		bool done = x->action == RA_PART_DONE;
		if (done && (rc = need_note(in, ei)) != ERR_OK)
			return rc;
		struct request_party_row *p = my_party(x, done ? "reported_in" : "summoned", ei);
		if (p == NULL)
			return ERR_UNPROCESSABLE;
		snprintf(p->state, sizeof p->state, "%s", done ? "done" : "reported_in");
		if (done)
			utf8_copy(p->result, sizeof p->result, in->note);
		snprintf(p->updated_at, sizeof p->updated_at, "%s", now_text);
		json_object_set_new(data, "unit_id", json_integer(p->unit_id));
		if ((rc = store_request_party_update(c, p, ei)) != ERR_OK)
			return rc;
		break;
	}
	case RA_WAIT_REPORTER:
		if ((rc = need_note(in, ei)) != ERR_OK)
			return rc;
		snprintf(r->paused_at, sizeof r->paused_at, "%s", now_text);
		r->sweep_at[0] = '\0'; /* the clock stops */
		break;
	case RA_RESUME: {
		int64_t paused = 0, since = store_time_parse(r->paused_at);
		if (since > 0 && (rc = work_minutes_between(c, app, since, now, &paused, ei)) != ERR_OK)
			return rc;
		r->paused_minutes += (int)paused;
		r->paused_at[0] = '\0';
		json_object_set_new(data, "paused_minutes", json_integer(paused));
		int64_t due = store_time_parse(r->due_at), hdue = store_time_parse(r->handle_due_at);
		if (hdue > 0) {
			if ((rc = add_work_minutes(c, app, hdue, paused, &hdue, ei)) != ERR_OK)
				return rc;
			store_time_format(hdue, r->handle_due_at);
		}
		if (due > 0) {
			if ((rc = add_work_minutes(c, app, due, paused, &due, ei)) != ERR_OK)
				return rc;
			set_due(r, due);
		}
		break;
	}
	case RA_REQUEST_EXTENSION:
		if ((rc = need_reason(in, ei)) != ERR_OK)
			return rc;
		if (in->days < 1)
			return err_set(ei, ERR_INVALID, "days", "days is required (1 to %d working days)",
			               RQ_EXTENSION_MAX_DAYS);
		if (r->extension_days + in->days > RQ_EXTENSION_MAX_DAYS)
			return err_set(ei, ERR_UNPROCESSABLE, "days",
			               "%d more working days would pass the limit of %d in all (%d granted)",
			               in->days, RQ_EXTENSION_MAX_DAYS, r->extension_days);
		r->extension_asked = in->days;
		json_object_set_new(data, "days", json_integer(in->days));
		json_object_set_new(data, "reason", json_string(in->reason));
		break;
	case RA_APPROVE_EXTENSION: {
		int days = r->extension_asked;
		if (r->extension_days == 0)
			k->area[RC_HELD_OVER]++;
		int64_t hdue = store_time_parse(r->handle_due_at);
		if (hdue == 0)
			hdue = store_time_parse(r->due_at);
		if (hdue == 0)
			hdue = now;
		if ((rc = add_work_days(c, app, hdue, days, &hdue, ei)) != ERR_OK)
			return rc;
		store_time_format(hdue, r->handle_due_at);
		set_due(r, hdue);
		r->extension_days += days;
		r->extension_asked = 0;
		json_object_set_new(data, "days", json_integer(days));
		break;
	}
	case RA_REFUSE_EXTENSION:
		if ((rc = need_note(in, ei)) != ERR_OK)
			return rc;
		json_object_set_new(data, "days", json_integer(r->extension_asked));
		r->extension_asked = 0;
		break;
	case RA_RESOLVE:
		if ((rc = need_note(in, ei)) != ERR_OK)
			return rc;
		if (!r->resolved_at[0])
			k->area[RC_RESOLVED]++;
		snprintf(r->resolved_at, sizeof r->resolved_at, "%s", now_text);
		snprintf(r->handling_level, sizeof r->handling_level, "%s", r->owner_level);
		rc = stage_days(c, app, r, now, ei);
		break;
	case RA_VERIFY:
		rc = stage_days(c, app, r, now, ei);
		break;
	case RA_REWORK: {
		if ((rc = need_note(in, ei)) != ERR_OK)
			return rc;
		r->rework_count++;
		k->area[RC_REWORK]++;
		json_object_set_new(data, "rework_count", json_integer(r->rework_count));
		int64_t hdue = store_time_parse(r->handle_due_at);
		if (hdue > 0)
			set_due(r, hdue);
		else
			rc = stage_days(c, app, r, now, ei);
		break;
	}
	case RA_RATE:
		if (in->solved < 0)
			return err_set(ei, ERR_INVALID, "solved", "solved is required (true or false)");
		if (!in_list(rq_feedbacks, in->feedback))
			return err_set(ei, ERR_INVALID, "feedback",
			               "feedback must be satisfied, basically_satisfied or dissatisfied");
		r->solved = in->solved ? 1 : 0;
		snprintf(r->feedback, sizeof r->feedback, "%s", in->feedback);
		snprintf(r->rated_at, sizeof r->rated_at, "%s", now_text);
		k->area[RC_RATED]++;
		if (in->solved)
			k->area[RC_SOLVED]++;
		k->area[strcmp(in->feedback, "satisfied") == 0             ? RC_SATISFIED
		        : strcmp(in->feedback, "basically_satisfied") == 0 ? RC_BASICALLY_SATISFIED
		                                                           : RC_DISSATISFIED]++;
		json_object_set_new(data, "solved", json_boolean(in->solved));
		json_object_set_new(data, "feedback", json_string(in->feedback));
		json_object_set_new(data, "by", json_string(row->cap == NULL ? "reporter" : "followup"));
		if (strcmp(in->feedback, "dissatisfied") == 0) {
			*to = RS_DISSATISFIED;
			rc = stage_days(c, app, r, now, ei);
		} else {
			*to = RS_CLOSED;
			count_closed(k, r, now);
		}
		break;
	case RA_REOPEN:
		if ((rc = need_note(in, ei)) != ERR_OK)
			return rc;
		rc = handle_deadline(c, x, now, ei);
		break;
	case RA_CLOSE:
		count_closed(k, r, now);
		break;
	case RA_ARCHIVE:
		break;
	case RA_SUPERVISE:
		if ((rc = need_note(in, ei)) != ERR_OK)
			return rc;
		if (r->supervision == 0)
			k->area[RC_SUPERVISED]++;
		r->supervision++;
		json_object_set_new(data, "supervision", json_integer(r->supervision));
		break;
	case RA_CANCEL:
		k->area[RC_INVALID]++;
		break;
	case RA_MERGE: {
		if (in->into <= 0)
			return err_set(ei, ERR_INVALID, "into", "into (the request to merge into) is required");
		if (in->into == r->id)
			return err_set(ei, ERR_INVALID, "into", "a request does not merge into itself");
		struct request_row *t = malloc(sizeof *t);
		if (t == NULL)
			return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		rc = store_request_get(c, in->into, t, ei);
		if (rc == ERR_NOTFOUND)
			rc = err_set(ei, ERR_INVALID, "into", "no request %lld", (long long)in->into);
		else if (rc == ERR_OK && !rq_state_open(state_of(t)))
			rc = err_set(ei, ERR_CONFLICT, "into", "request %s is %s, not open", t->tracking_code,
			             t->state);
		else if (rc == ERR_OK && a->who != NULL && !identity_covers(a->who, t->area_code))
			rc = err_set(ei, ERR_FORBIDDEN, "into", "request %s lies outside your scope",
			             t->tracking_code);
		if (rc == ERR_OK) {
			r->merged_into = t->id;
			json_object_set_new(data, "into", json_pack("{s:I, s:s}", "id", (json_int_t)t->id,
			                                            "tracking_code", t->tracking_code));
			k->area[RC_INVALID]++;
		}
		free(t);
		if (rc != ERR_OK)
			return rc;
		break;
	}
	case RA_COMMENT:
		if ((rc = need_note(in, ei)) != ERR_OK)
			return rc;
		break;
	default:
		return err_set(ei, ERR_INTERNAL, NULL, "no rule for this action");
	}
	if (rc != ERR_OK)
		return rc;
	if (x->action == RA_RESOLVE || x->action == RA_VERIFY || x->action == RA_REWORK)
		if ((rc = check_photos(c, in->photos, in->nphotos, ei)) != ERR_OK)
			return rc;
	if (x->action == RA_PART_DONE && (rc = check_photos(c, in->photos, in->nphotos, ei)) != ERR_OK)
		return rc;
	if (*to == RS_CLOSED || !rq_state_open(*to)) {
		clear_due(r);
		r->paused_at[0] = '\0';
	}
	if (*to == RS_CLOSED && !r->closed_at[0])
		snprintf(r->closed_at, sizeof r->closed_at, "%s", now_text);
	return ERR_OK;
}

/* What the owner and the offices around it are told after the event. */
static enum err notify_after(struct store_conn *c, struct act_ctx *x, enum rq_state from,
                             enum rq_state to, struct errinfo *ei)
{
	struct request_row *r = x->l.r;
	char text[1024];
	const char *code = r->tracking_code;
	switch (x->action) {
	case RA_ACCEPT:
		if (to != RS_DISPATCHED)
			return ERR_OK;
		/* fall through */
	case RA_DISPATCH:
	case RA_REDISPATCH:
	case RA_REFUSE_RETURN:
		snprintf(text, sizeof text, "诉求 %s 已派至本单位,请签收:%s", code, r->title);
		return tell_owner(c, r, "dispatched", text, ei);
	case RA_ESCALATE:
		snprintf(text, sizeof text, "诉求 %s 由下级上报至本单位,请签收:%s", code, r->title);
		return tell_owner(c, r, "escalated", text, ei);
	case RA_RETURN:
		snprintf(text, sizeof text, "诉求 %s 申请退单(%s),请审核", code, x->in->reason);
		return tell_above(c, r, "request.dispatch", "returned", text, ei);
	case RA_REQUEST_EXTENSION:
		snprintf(text, sizeof text, "诉求 %s 申请延期 %d 个工作日,请审批", code, r->extension_asked);
		return tell_above(c, r, "request.approve", "extension", text, ei);
	case RA_APPROVE_EXTENSION:
	case RA_REFUSE_EXTENSION:
		snprintf(text, sizeof text, "诉求 %s 的延期申请%s", code,
		         x->action == RA_APPROVE_EXTENSION ? "已批准" : "未获批准");
		return tell_owner(c, r, "extension", text, ei);
	case RA_REWORK:
		snprintf(text, sizeof text, "诉求 %s 核查未通过,请返工(第 %d 次)", code, r->rework_count);
		return tell_owner(c, r, "rework", text, ei);
	case RA_SUPERVISE:
		snprintf(text, sizeof text, "诉求 %s 被%s", code,
		         r->supervision >= 3 ? "通报" : r->supervision == 2 ? "督办" : "催办");
		return tell_owner(c, r, "supervised", text, ei);
	case RA_RATE: {
		if (to != RS_DISSATISFIED)
			return ERR_OK;
		snprintf(text, sizeof text, "诉求 %s 回访不满意,请处理", code);
		enum err rc = tell_owner(c, r, "rated_badly", text, ei);
		return rc == ERR_OK ? tell_above(c, r, "request.dispatch", "rated_badly", text, ei) : rc;
	}
	case RA_MERGE:
		if (r->reporter_user_id <= 0)
			return ERR_OK;
		snprintf(text, sizeof text, "您的诉求 %s 与同一问题合并办理", code);
		return notify_user(c, r->reporter_user_id, "merged", r->id, text, ei);
	default:
		(void)from;
		return ERR_OK;
	}
}

static enum err act_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct act_ctx *x = arg;
	struct app *app = x->app;
	const struct identity *id = x->a->who;
	enum err rc = load(c, x->id, x->code, &x->l, ei);
	if (rc != ERR_OK)
		return rc;
	struct request_row *r = x->l.r;
	x->id = r->id;
	snprintf(x->res->state, sizeof x->res->state, "%s", r->state);
	int64_t now = clock_now();
	unsigned rel;
	if (x->code != NULL) {
		/* the public rating: the phone's last 4 digits prove the reporter */
		size_t n = strlen(r->reporter_phone_masked);
		const char *proof = x->in->phone_last4 ? x->in->phone_last4 : "";
		if (n < 4 || strlen(proof) != 4 || strcmp(r->reporter_phone_masked + n - 4, proof) != 0) {
			x->proof_failed = true;
			return err_set(ei, ERR_FORBIDDEN, "phone_last4",
			               "the digits do not match the reporter's phone");
		}
		rel = REL_REPORTER;
		id = NULL;
	} else {
		rel = relations_of(id, &x->l);
		/* nobody acts on what they may not see */
		if ((rc = may_see(id, rel, ei)) != ERR_OK)
			return rc;
	}
	struct flow_subject s;
	subject_of(id, &x->l, rel, now, &s);
	const struct flow_row *row = NULL;
	if ((rc = flow_check(id, &s, x->action, &row, ei)) != ERR_OK)
		return rc;
	if (x->in->version > 0 && x->in->version != r->version)
		return err_set(ei, ERR_CONFLICT, "version",
		               "the request changed since you read it (version %lld, now %lld): reload it",
		               (long long)x->in->version, (long long)r->version);

	enum rq_state from = state_of(r), to = from;
	int64_t seq = r->version + 1;
	struct counts k = {0};
	json_t *data = json_object();
	if ((rc = apply(c, x, row, now, data, &k, &to, ei)) != ERR_OK) {
		json_decref(data);
		return rc;
	}
	set_state(r, to);
	store_time_format(now, r->updated_at);
	bool won = false;
	if ((rc = store_request_update(c, r, &won, ei)) != ERR_OK) {
		json_decref(data);
		return rc;
	}
	if (!won) {
		json_decref(data);
		return err_set(ei, ERR_CONFLICT, "version",
		               "another action on this request came first: reload it");
	}
	/* photos of the stage */
	const char *stage = x->action == RA_VERIFY || x->action == RA_REWORK ? "verify" : "resolve";
	if ((x->action == RA_RESOLVE || x->action == RA_VERIFY || x->action == RA_REWORK ||
	     x->action == RA_PART_DONE) &&
	    (rc = add_photos(c, r->id, stage, (int)seq, x->in->photos, x->in->nphotos, data, ei)) != ERR_OK) {
		json_decref(data);
		return rc;
	}
	/* the department's roll-up: the owner after the event, or as apply chose */
	if (k.unit_id == 0 && r->owner_unit_id > 0) {
		k.unit_id = r->owner_unit_id;
		memcpy(k.unit, k.area, sizeof k.unit);
		if (k.area[RC_DISPATCHED] > 0) {
			k.unit[RC_RECEIVED]++;
			k.unit[RC_DUE_TO_CLOSE] += x->action == RA_ACCEPT ? 0 : 1;
		}
	}
	if (counts_any(k.area))
		json_object_set_new(data, "counts", counts_json(k.area));
	if (k.unit_id > 0 && counts_any(k.unit)) {
		json_object_set_new(data, "unit", json_integer(k.unit_id));
		json_object_set_new(data, "unit_counts", counts_json(k.unit));
	}
	char *text = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(data);
	struct request_event_row e = {.request_id = r->id, .seq = (int)seq,
	                              .actor_user_id = id ? id->user_id : 0,
	                              .owner_area_id = r->owner_area_id,
	                              .owner_unit_id = r->owner_unit_id,
	                              .note = x->in->note ? x->in->note : "", .data = text};
	snprintf(e.at, sizeof e.at, "%s", r->updated_at);
	snprintf(e.action, sizeof e.action, "%s", rq_action_name(x->action));
	snprintf(e.from_state, sizeof e.from_state, "%s", rq_state_name(from));
	snprintf(e.to_state, sizeof e.to_state, "%s", rq_state_name(to));
	snprintf(e.actor_level, sizeof e.actor_level, "%s",
	         x->code ? "public" : actor_level(id, r->area_code));
	rc = store_request_event_add(c, &e, ei);
	if (rc == ERR_OK) /* the outbox, in the event's own transaction */
		rc = webhooks_enqueue(c, r, &e, ei);
	free(text);
	if (rc != ERR_OK)
		return rc;
	if ((rc = rollup(c, app, r, now, &k, ei)) != ERR_OK)
		return rc;
	if ((rc = notify_after(c, x, from, to, ei)) != ERR_OK)
		return rc;
	snprintf(x->res->state, sizeof x->res->state, "%s", r->state);
	char object[48], detail[96];
	snprintf(object, sizeof object, "request:%lld", (long long)r->id);
	snprintf(detail, sizeof detail, "%s → %s", rq_state_name(from), rq_state_name(to));
	char action[48];
	snprintf(action, sizeof action, "request.%s", rq_action_name(x->action));
	return audit_append(c, x->a, action, object, "ok", detail, ei);
}

static enum err act(struct app *app, struct act_ctx *x, struct errinfo *ei)
{
	if (!loaded_new(&x->l) || (x->cat = malloc(sizeof *x->cat)) == NULL) {
		loaded_free(&x->l);
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	}
	enum err rc = store_write(app->store, act_fn, x, ei);
	loaded_free(&x->l);
	free(x->cat);
	return rc;
}

enum err requests_act(struct app *app, const struct actor *a, int64_t id, enum rq_action action,
                      const struct action_input *in, struct action_result *res,
                      struct errinfo *ei)
{
	memset(res, 0, sizeof *res);
	struct act_ctx x = {.app = app, .a = a, .id = id, .action = action, .in = in, .res = res};
	enum err rc = act(app, &x, ei);
	if (rc == ERR_FORBIDDEN)
		denied(app, a, id, ei);
	return rc;
}

/* The demo generator's entry points (domain/requests_batch.h): the same
 * callbacks, on the caller's write connection. */
enum err requests_create_in(struct store_conn *c, struct app *app, const struct actor *a,
                            const struct request_input *in, struct request_row *out,
                            struct errinfo *ei)
{
	enum err rc = input_check(in, false, ei);
	if (rc != ERR_OK)
		return rc;
	if (in->area_id <= 0)
		return err_set(ei, ERR_INVALID, "area_id", "area_id is required here");
	struct create_ctx x = {.app = app, .a = a, .in = in, .r = out};
	if ((rc = pii_phone(app, in->reporter_phone, "reporter_phone", &x.phone, ei)) != ERR_OK)
		return rc;
	x.cat = malloc(sizeof *x.cat);
	rc = x.cat ? create_fn(c, &x, ei) : err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	free(x.cat);
	pii_free(&x.phone);
	return rc;
}

enum err requests_act_in(struct store_conn *c, struct app *app, const struct actor *a, int64_t id,
                         enum rq_action action, const struct action_input *in,
                         struct action_result *res, struct errinfo *ei)
{
	memset(res, 0, sizeof *res);
	struct act_ctx x = {.app = app, .a = a, .id = id, .action = action, .in = in, .res = res};
	if (!loaded_new(&x.l) || (x.cat = malloc(sizeof *x.cat)) == NULL) {
		loaded_free(&x.l);
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	}
	enum err rc = act_fn(c, &x, ei);
	loaded_free(&x.l);
	free(x.cat);
	return rc;
}

/* --- resident pages ------------------------------------------------------------------------------------ */

struct public_ctx {
	const char *code;
	struct request_row *r;
	json_t *timeline;
};

static void add_public_event(void *ctx, const struct request_event_row *e)
{
	struct public_ctx *x = ctx;
	if (strcmp(e->action, "comment") == 0 || strcmp(e->action, "overdue") == 0 ||
	    strcmp(e->action, "supervise") == 0 || strcmp(e->action, "report_in") == 0 ||
	    strcmp(e->action, "part_done") == 0)
		return; /* the office's own business */
	json_t *o = json_pack("{s:s, s:s, s:s}", "at", e->at, "action", e->action, "state", e->to_state);
	/* the reply to the resident: the answer and the result */
	if ((strcmp(e->action, "answer") == 0 || strcmp(e->action, "resolve") == 0) && e->note)
		json_object_set_new(o, "note", json_string(e->note));
	json_array_append_new(x->timeline, o);
}

static enum err public_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct public_ctx *x = arg;
	enum err rc = store_request_by_code(c, x->code, x->r, ei);
	if (rc != ERR_OK)
		return rc;
	return store_request_events(c, x->r->id, add_public_event, x, ei);
}

static bool tracking_shaped(const char *s)
{
	if (s == NULL || strlen(s) != RQ_TRACKING_LEN)
		return false;
	for (; *s; s++)
		if (strchr(tracking_alphabet, *s) == NULL)
			return false;
	return true;
}

enum err requests_public_get(struct app *app, const char *tracking_code, json_t **out,
                             struct errinfo *ei)
{
	*out = NULL;
	if (!tracking_shaped(tracking_code))
		return err_set(ei, ERR_NOTFOUND, "tracking_code", "no request has this tracking code");
	struct public_ctx x = {.code = tracking_code, .r = malloc(sizeof *x.r), .timeline = json_array()};
	if (x.r == NULL) {
		json_decref(x.timeline);
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	}
	enum err rc = store_read(app->store, public_fn, &x, ei);
	if (rc == ERR_NOTFOUND)
		err_set(ei, ERR_NOTFOUND, "tracking_code", "no request has this tracking code");
	if (rc == ERR_OK) {
		const struct request_row *r = x.r;
		int st = rq_state_parse(r->state);
		*out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:b, s:o}", "tracking_code",
		                 r->tracking_code, "kind", r->kind, "category_name", r->category_name,
		                 "title", r->title, "state", r->state, "state_class",
		                 rq_state_class(st < 0 ? RS_REGISTERED : (enum rq_state)st), "created_at",
		                 r->created_at, "closed_at", str_or_null(r->closed_at), "rated",
		                 r->rated_at[0] != '\0', "can_rate",
		                 st == RS_WAITING_FEEDBACK && r->rated_at[0] == '\0', "timeline",
		                 x.timeline);
		x.timeline = NULL;
	}
	json_decref(x.timeline);
	free(x.r);
	return rc;
}

enum err requests_public_rate(struct app *app, const struct actor *a, const char *tracking_code,
                              const struct action_input *in, struct action_result *res,
                              struct errinfo *ei)
{
	memset(res, 0, sizeof *res);
	if (!tracking_shaped(tracking_code))
		return err_set(ei, ERR_NOTFOUND, "tracking_code", "no request has this tracking code");
	uint64_t key = key_of(tracking_code, 'r');
	if (!limiter_take(key, PROOF_TRIES, true))
		return err_set(ei, ERR_RATE, "phone_last4", "too many wrong tries for this request: try in an hour");
	struct act_ctx x = {.app = app, .a = a, .code = tracking_code, .action = RA_RATE, .in = in,
	                    .res = res};
	enum err rc = act(app, &x, ei);
	if (rc == ERR_NOTFOUND)
		err_set(ei, ERR_NOTFOUND, "tracking_code", "no request has this tracking code");
	if (x.proof_failed) {
		limiter_take(key, PROOF_TRIES, false);
		char object[48];
		snprintf(object, sizeof object, "request:%lld", (long long)x.id);
		audit_record(app->store, a, "access.denied", object, "denied", "public rating: wrong phone digits");
	}
	return rc;
}

/* --- the scheduler's step ----------------------------------------------------------------------------- */

struct sweep_ctx {
	struct app *app;
	int64_t id, now;
	bool changed;
	struct request_row *r;
};

static enum err sweep_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct sweep_ctx *x = arg;
	struct request_row *r = x->r;
	enum err rc = store_request_get(c, x->id, r, ei);
	if (rc != ERR_OK)
		return rc;
	int64_t sweep = store_time_parse(r->sweep_at), due = store_time_parse(r->due_at);
	enum rq_state st = state_of(r);
	x->changed = false;
	if (sweep == 0 || sweep > x->now)
		return ERR_OK; /* another process came first, or the stage moved on */
	if (!rq_state_open(st) || due == 0 || r->paused_at[0]) {
		r->sweep_at[0] = '\0';
	} else {
		struct counts k = {0};
		const char *step = "overdue";
		int64_t next = 0;
		if (!r->overdue) {
			r->overdue = true;
			if (r->overdue_count++ == 0)
				k.area[RC_OVERDUE]++;
			if (r->supervision < 1) {
				if (r->supervision == 0)
					k.area[RC_SUPERVISED]++;
				r->supervision = 1;
			}
			rc = add_work_days(c, x->app, due, NOTICE_AFTER_DAYS, &next, ei);
		} else if (r->supervision < 2) {
			step = "notice";
			r->supervision = 2;
			rc = add_work_days(c, x->app, sweep, PUBLIC_AFTER_DAYS, &next, ei);
		} else if (r->supervision < 3) {
			step = "public_notice";
			r->supervision = 3;
		} else {
			step = NULL; /* at the top already: nothing more to raise */
		}
		if (rc != ERR_OK)
			return rc;
		store_time_format(next, r->sweep_at);
		if (step != NULL) {
			x->changed = true;
			json_t *data = json_pack("{s:s, s:i, s:s}", "step", step, "supervision",
			                         r->supervision, "due_at", r->due_at);
			if (counts_any(k.area))
				json_object_set_new(data, "counts", counts_json(k.area));
			if (r->owner_unit_id > 0 && counts_any(k.area)) {
				k.unit_id = r->owner_unit_id;
				memcpy(k.unit, k.area, sizeof k.unit);
				json_object_set_new(data, "unit", json_integer(k.unit_id));
				json_object_set_new(data, "unit_counts", counts_json(k.unit));
			}
			char *text = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
			json_decref(data);
			struct request_event_row e = {.request_id = r->id, .seq = (int)r->version + 1,
			                              .owner_area_id = r->owner_area_id,
			                              .owner_unit_id = r->owner_unit_id, .note = "",
			                              .data = text};
			store_time_format(x->now, e.at);
			snprintf(e.action, sizeof e.action, "overdue");
			snprintf(e.from_state, sizeof e.from_state, "%s", r->state);
			snprintf(e.to_state, sizeof e.to_state, "%s", r->state);
			snprintf(e.actor_level, sizeof e.actor_level, "system");
			rc = store_request_event_add(c, &e, ei);
			if (rc == ERR_OK)
				rc = webhooks_enqueue(c, r, &e, ei);
			free(text);
			if (rc != ERR_OK)
				return rc;
			if ((rc = rollup(c, x->app, r, x->now, &k, ei)) != ERR_OK)
				return rc;
			char msg[1024];
			snprintf(msg, sizeof msg, "诉求 %s 已超期(%s):%s", r->tracking_code,
			         r->supervision >= 3 ? "通报" : r->supervision == 2 ? "督办" : "催办", r->title);
			if ((rc = tell_owner(c, r, "overdue", msg, ei)) != ERR_OK ||
			    (rc = tell_above(c, r, "request.supervise", "overdue", msg, ei)) != ERR_OK)
				return rc;
		}
	}
	bool won = false;
	if (!x->changed) /* nothing happened: only the next look moves */
		return store_request_set_sweep(c, r->id, r->version, r->sweep_at, ei);
	store_time_format(x->now, r->updated_at);
	if ((rc = store_request_update(c, r, &won, ei)) != ERR_OK)
		return rc;
	x->changed = won;
	return ERR_OK;
}

struct due_ctx {
	const char *now;
	int64_t ids[100];
	int n;
};

static enum err due_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct due_ctx *d = arg;
	return store_request_due(c, d->now, 100, d->ids, &d->n, ei);
}

enum err requests_sweep(struct app *app, int64_t now, int *done, struct errinfo *ei)
{
	*done = 0;
	char now_text[RQ_TIME];
	store_time_format(now, now_text);
	struct sweep_ctx x = {.app = app, .now = now, .r = malloc(sizeof *x.r)};
	if (x.r == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	enum err rc = ERR_OK;
	for (int round = 0; round < 50; round++) { /* at most 5,000 per call */
		struct due_ctx d = {.now = now_text};
		if ((rc = store_read(app->store, due_fn, &d, ei)) != ERR_OK || d.n == 0)
			break;
		int changed = 0;
		for (int i = 0; i < d.n; i++) {
			x.id = d.ids[i];
			struct errinfo e2;
			err_clear(&e2);
			enum err r2 = store_write(app->store, sweep_fn, &x, &e2);
			if (r2 != ERR_OK) {
				log_warn("overdue sweep failed", "\"request\":%lld,\"error\":\"%s\"",
				         (long long)x.id, e2.message);
				continue;
			}
			changed += x.changed;
		}
		*done += changed;
		if (d.n < 100 || changed == 0)
			break;
	}
	free(x.r);
	return rc;
}
