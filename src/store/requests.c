/* SQL of requests. Lists are paged on the primary key (newest first) and
 * filtered on indexed columns; text search is FTS5 trigram on SQLite and a
 * pg_trgm GIN index on PostgreSQL, the one place the dialects differ
 * (store_impl.h tells which backend a connection belongs to). */
#include "store/requests.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_impl.h"
#include "store/units.h"
#include "util/strbuf.h"
#include "util/worktime.h"

static bool is_pg(struct store_conn *c)
{
	return c->ops == &store_pg_ops;
}

void store_time_format(int64_t t, char out[RQ_TIME])
{
	if (t == 0) {
		out[0] = '\0';
		return;
	}
	char buf[32];
	instant_format(t, 0, buf);
	snprintf(out, RQ_TIME, "%.*s", RQ_TIME - 1, buf);
}

int64_t store_time_parse(const char *s)
{
	int64_t t = 0;
	if (s == NULL || s[0] == '\0' || instant_parse(s, strlen(s), &t) != ERR_OK)
		return 0;
	return t;
}

static struct store_val text_or_null(const char *s)
{
	return s != NULL && s[0] ? SV_TEXT(s) : SV_NULL;
}

static struct store_val id_or_null(int64_t id)
{
	return id > 0 ? SV_INT(id) : SV_NULL;
}

/* --- the request row -------------------------------------------------------------- */

#define REQ_COLS                                                                             \
	"r.id, r.tracking_code, r.source, r.kind, r.urgency, r.category_id, r.category_top_id,"  \
	" r.title, r.description, r.area_id, r.area_code, r.address, r.lng, r.lat,"              \
	" r.reporter_name, r.reporter_phone_masked, r.reporter_user_id, r.anonymous, r.state,"   \
	" r.owner_area_id, r.owner_unit_id, r.owner_level, r.handling_level, r.due_at,"          \
	" r.handle_due_at, r.sweep_at, r.overdue, r.overdue_count, r.paused_at,"                 \
	" r.paused_minutes, r.extension_days, r.extension_asked, r.supervision, r.rework_count," \
	" r.merged_into, r.solved, r.feedback, r.rated_at, r.created_at, r.dispatched_at,"       \
	" r.acknowledged_at, r.resolved_at, r.closed_at, r.updated_at, r.version,"              \
	" k.name, a.name, pa.code, COALESCE(oa.name, u.name), oa.code, opa.code, ua.code"
#define REQ_FROM                                                                             \
	" FROM request r JOIN category k ON k.id = r.category_id JOIN area a ON a.id = r.area_id" \
	" LEFT JOIN area pa ON pa.id = a.parent_id"                                              \
	" LEFT JOIN area oa ON oa.id = r.owner_area_id"                                          \
	" LEFT JOIN area opa ON opa.id = oa.parent_id"                                           \
	" LEFT JOIN unit u ON u.id = r.owner_unit_id"                                            \
	" LEFT JOIN area ua ON ua.id = u.area_id"

static int64_t col_id(struct store_stmt *s, int col)
{
	return store_col_null(s, col) ? 0 : store_col_int(s, col);
}

static void request_from_row(struct store_stmt *s, struct request_row *r)
{
	memset(r, 0, sizeof *r);
	int k = 0;
	r->id = store_col_int(s, k++);
	store_copy_text(r->tracking_code, sizeof r->tracking_code, store_col_text(s, k++, NULL));
	store_copy_text(r->source, sizeof r->source, store_col_text(s, k++, NULL));
	store_copy_text(r->kind, sizeof r->kind, store_col_text(s, k++, NULL));
	store_copy_text(r->urgency, sizeof r->urgency, store_col_text(s, k++, NULL));
	r->category_id = store_col_int(s, k++);
	r->category_top_id = store_col_int(s, k++);
	store_copy_text(r->title, sizeof r->title, store_col_text(s, k++, NULL));
	store_copy_text(r->description, sizeof r->description, store_col_text(s, k++, NULL));
	r->area_id = store_col_int(s, k++);
	store_copy_text(r->area_code, sizeof r->area_code, store_col_text(s, k++, NULL));
	store_copy_text(r->address, sizeof r->address, store_col_text(s, k++, NULL));
	r->has_point = !store_col_null(s, k);
	r->lng = store_col_real(s, k++);
	r->lat = store_col_real(s, k++);
	store_copy_text(r->reporter_name, sizeof r->reporter_name, store_col_text(s, k++, NULL));
	store_copy_text(r->reporter_phone_masked, sizeof r->reporter_phone_masked, store_col_text(s, k++, NULL));
	r->reporter_user_id = col_id(s, k++);
	r->anonymous = store_col_int(s, k++) != 0;
	store_copy_text(r->state, sizeof r->state, store_col_text(s, k++, NULL));
	r->owner_area_id = col_id(s, k++);
	r->owner_unit_id = col_id(s, k++);
	store_copy_text(r->owner_level, sizeof r->owner_level, store_col_text(s, k++, NULL));
	store_copy_text(r->handling_level, sizeof r->handling_level, store_col_text(s, k++, NULL));
	store_copy_text(r->due_at, sizeof r->due_at, store_col_text(s, k++, NULL));
	store_copy_text(r->handle_due_at, sizeof r->handle_due_at, store_col_text(s, k++, NULL));
	store_copy_text(r->sweep_at, sizeof r->sweep_at, store_col_text(s, k++, NULL));
	r->overdue = store_col_int(s, k++) != 0;
	r->overdue_count = (int)store_col_int(s, k++);
	store_copy_text(r->paused_at, sizeof r->paused_at, store_col_text(s, k++, NULL));
	r->paused_minutes = (int)store_col_int(s, k++);
	r->extension_days = (int)store_col_int(s, k++);
	r->extension_asked = (int)store_col_int(s, k++);
	r->supervision = (int)store_col_int(s, k++);
	r->rework_count = (int)store_col_int(s, k++);
	r->merged_into = col_id(s, k++);
	r->solved = store_col_null(s, k) ? -1 : (int)store_col_int(s, k);
	k++;
	store_copy_text(r->feedback, sizeof r->feedback, store_col_text(s, k++, NULL));
	store_copy_text(r->rated_at, sizeof r->rated_at, store_col_text(s, k++, NULL));
	store_copy_text(r->created_at, sizeof r->created_at, store_col_text(s, k++, NULL));
	store_copy_text(r->dispatched_at, sizeof r->dispatched_at, store_col_text(s, k++, NULL));
	store_copy_text(r->acknowledged_at, sizeof r->acknowledged_at, store_col_text(s, k++, NULL));
	store_copy_text(r->resolved_at, sizeof r->resolved_at, store_col_text(s, k++, NULL));
	store_copy_text(r->closed_at, sizeof r->closed_at, store_col_text(s, k++, NULL));
	store_copy_text(r->updated_at, sizeof r->updated_at, store_col_text(s, k++, NULL));
	r->version = store_col_int(s, k++);
	store_copy_text(r->category_name, sizeof r->category_name, store_col_text(s, k++, NULL));
	store_copy_text(r->area_name, sizeof r->area_name, store_col_text(s, k++, NULL));
	store_copy_text(r->area_parent_code, sizeof r->area_parent_code, store_col_text(s, k++, NULL));
	store_copy_text(r->owner_name, sizeof r->owner_name, store_col_text(s, k++, NULL));
	store_copy_text(r->owner_area_code, sizeof r->owner_area_code, store_col_text(s, k++, NULL));
	store_copy_text(r->owner_parent_code, sizeof r->owner_parent_code, store_col_text(s, k++, NULL));
	store_copy_text(r->owner_unit_area_code, sizeof r->owner_unit_area_code, store_col_text(s, k++, NULL));
}

static void fill_request(struct store_stmt *s, void *out) { request_from_row(s, out); }

static enum err one_request(struct store_conn *c, const char *sql, struct store_val p,
                            struct request_row *r, struct errinfo *ei)
{
	return store_one_row(c, sql, &p, 1, fill_request, r, "request", ei);
}

enum err store_request_get(struct store_conn *c, int64_t id, struct request_row *r,
                           struct errinfo *ei)
{
	return one_request(c, "SELECT " REQ_COLS REQ_FROM " WHERE r.id = ?", SV_INT(id), r, ei);
}

enum err store_request_by_code(struct store_conn *c, const char *tracking_code,
                               struct request_row *r, struct errinfo *ei)
{
	return one_request(c, "SELECT " REQ_COLS REQ_FROM " WHERE r.tracking_code = ?",
	                   SV_TEXT(tracking_code), r, ei);
}

enum err store_request_code_taken(struct store_conn *c, const char *tracking_code, bool *taken,
                                  struct errinfo *ei)
{
	struct store_val p[] = {SV_TEXT(tracking_code)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT 1 FROM request WHERE tracking_code = ?", p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int k = store_next(s);
	store_done(s);
	*taken = k == 1;
	return k < 0 ? store_step_error(k, ei, "checking a tracking code") : ERR_OK;
}

enum err store_request_phone(struct store_conn *c, int64_t id, char **enc, struct errinfo *ei)
{
	*enc = NULL;
	struct store_val p[] = {SV_INT(id)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, "SELECT reporter_phone_enc FROM request WHERE id = ?", p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int k = store_next(s);
	if (k == 1 && !store_col_null(s, 0))
		*enc = strdup(store_col_text(s, 0, NULL));
	store_done(s);
	if (k < 0)
		return store_step_error(k, ei, "reading a phone");
	return k == 0 ? err_set(ei, ERR_NOTFOUND, NULL, "no such request") : ERR_OK;
}

enum err store_request_insert(struct store_conn *c, struct request_row *r, const char *phone_enc,
                              const char *phone_hash, struct errinfo *ei)
{
	r->version = 1;
	struct store_val p[] = {
		SV_TEXT(r->tracking_code),        SV_TEXT(r->source),
		SV_TEXT(r->kind),                 SV_TEXT(r->urgency),
		SV_INT(r->category_id),           SV_INT(r->category_top_id),
		SV_TEXT(r->title),                SV_TEXT(r->description),
		SV_INT(r->area_id),               SV_TEXT(r->area_code),
		SV_TEXT(r->address),              r->has_point ? SV_REAL(r->lng) : SV_NULL,
		r->has_point ? SV_REAL(r->lat) : SV_NULL, SV_TEXT(r->reporter_name),
		text_or_null(phone_enc),          text_or_null(phone_hash),
		SV_TEXT(r->reporter_phone_masked), id_or_null(r->reporter_user_id),
		SV_INT(r->anonymous),             SV_TEXT(r->state),
		text_or_null(r->due_at),          text_or_null(r->sweep_at),
		SV_TEXT(r->created_at),           SV_TEXT(r->updated_at),
	};
	struct store_stmt *s = NULL;
	enum err rc = store_query(
		c,
		"INSERT INTO request (tracking_code, source, kind, urgency, category_id, category_top_id,"
		" title, description, area_id, area_code, address, lng, lat, reporter_name,"
		" reporter_phone_enc, reporter_phone_hash, reporter_phone_masked, reporter_user_id,"
		" anonymous, state, due_at, sweep_at, created_at, updated_at, version)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)"
		" RETURNING id",
		p, (int)(sizeof p / sizeof p[0]), &s, ei);
	if (rc != ERR_OK)
		return rc;
	int k = store_next(s);
	if (k == 1)
		r->id = store_col_int(s, 0);
	store_done(s);
	if (k == 1)
		return ERR_OK;
	return store_step_error(k < 0 ? k : -(int)ERR_INTERNAL, ei, "adding a request");
}

enum err store_request_update(struct store_conn *c, struct request_row *r, bool *won,
                              struct errinfo *ei)
{
	struct store_val p[] = {
		SV_TEXT(r->urgency),              SV_TEXT(r->state),
		id_or_null(r->owner_area_id),     id_or_null(r->owner_unit_id),
		text_or_null(r->owner_level),     text_or_null(r->handling_level),
		text_or_null(r->due_at),          text_or_null(r->handle_due_at),
		text_or_null(r->sweep_at),        SV_INT(r->overdue),
		SV_INT(r->overdue_count),         text_or_null(r->paused_at),
		SV_INT(r->paused_minutes),        SV_INT(r->extension_days),
		SV_INT(r->extension_asked),       SV_INT(r->supervision),
		SV_INT(r->rework_count),          id_or_null(r->merged_into),
		r->solved < 0 ? SV_NULL : SV_INT(r->solved), text_or_null(r->feedback),
		text_or_null(r->rated_at),        text_or_null(r->dispatched_at),
		text_or_null(r->acknowledged_at), text_or_null(r->resolved_at),
		text_or_null(r->closed_at),       SV_TEXT(r->updated_at),
		SV_INT(r->id),                    SV_INT(r->version),
	};
	int64_t n = 0;
	enum err rc = store_exec(
		c,
		"UPDATE request SET urgency = ?, state = ?, owner_area_id = ?, owner_unit_id = ?,"
		" owner_level = ?, handling_level = ?, due_at = ?, handle_due_at = ?, sweep_at = ?,"
		" overdue = ?, overdue_count = ?, paused_at = ?, paused_minutes = ?, extension_days = ?,"
		" extension_asked = ?, supervision = ?, rework_count = ?, merged_into = ?, solved = ?,"
		" feedback = ?, rated_at = ?, dispatched_at = ?, acknowledged_at = ?, resolved_at = ?,"
		" closed_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
		p, (int)(sizeof p / sizeof p[0]), &n, ei);
	*won = rc == ERR_OK && n == 1;
	if (*won)
		r->version++;
	return rc;
}

/* --- events ----------------------------------------------------------------------------- */

enum err store_request_event_add(struct store_conn *c, const struct request_event_row *e,
                                 struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(e->request_id),       SV_INT(e->seq),
	                        SV_TEXT(e->at),              SV_TEXT(e->action),
	                        SV_TEXT(e->from_state),      SV_TEXT(e->to_state),
	                        id_or_null(e->actor_user_id), SV_TEXT(e->actor_level),
	                        id_or_null(e->owner_area_id), id_or_null(e->owner_unit_id),
	                        SV_TEXT(e->note ? e->note : ""), SV_TEXT(e->data ? e->data : "{}")};
	return store_exec(c,
	                  "INSERT INTO request_event (request_id, seq, at, action, from_state, to_state,"
	                  " actor_user_id, actor_level, owner_area_id, owner_unit_id, note, data)"
	                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                  p, 12, NULL, ei);
}

enum err store_request_events(struct store_conn *c, int64_t request_id,
                              void (*fn)(void *ctx, const struct request_event_row *e), void *ctx,
                              struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(request_id)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "SELECT e.request_id, e.seq, e.at, e.action, e.from_state, e.to_state,"
	                          " e.actor_user_id, COALESCE(u.display_name, ''), e.actor_level,"
	                          " e.owner_area_id, e.owner_unit_id, e.note, e.data"
	                          " FROM request_event e LEFT JOIN app_user u ON u.id = e.actor_user_id"
	                          " WHERE e.request_id = ? ORDER BY e.seq",
	                          p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int k;
	struct request_event_row e;
	while ((k = store_next(s)) == 1) {
		memset(&e, 0, sizeof e);
		e.request_id = store_col_int(s, 0);
		e.seq = (int)store_col_int(s, 1);
		store_copy_text(e.at, sizeof e.at, store_col_text(s, 2, NULL));
		store_copy_text(e.action, sizeof e.action, store_col_text(s, 3, NULL));
		store_copy_text(e.from_state, sizeof e.from_state, store_col_text(s, 4, NULL));
		store_copy_text(e.to_state, sizeof e.to_state, store_col_text(s, 5, NULL));
		e.actor_user_id = col_id(s, 6);
		store_copy_text(e.actor_name, sizeof e.actor_name, store_col_text(s, 7, NULL));
		store_copy_text(e.actor_level, sizeof e.actor_level, store_col_text(s, 8, NULL));
		e.owner_area_id = col_id(s, 9);
		e.owner_unit_id = col_id(s, 10);
		e.note = store_col_text(s, 11, NULL);
		e.data = store_col_text(s, 12, NULL);
		fn(ctx, &e);
	}
	store_done(s);
	return k < 0 ? store_step_error(k, ei, "reading events") : ERR_OK;
}

/* --- parties and photos -------------------------------------------------------------------- */

enum err store_request_parties(struct store_conn *c, int64_t request_id,
                               void (*fn)(void *ctx, const struct request_party_row *p), void *ctx,
                               struct errinfo *ei)
{
	struct store_val v[] = {SV_INT(request_id)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "SELECT p.request_id, p.unit_id, u.name, p.role, p.state, p.part,"
	                          " p.result, p.created_at, p.updated_at FROM request_party p"
	                          " JOIN unit u ON u.id = p.unit_id WHERE p.request_id = ?"
	                          " ORDER BY p.role DESC, p.created_at, p.unit_id",
	                          v, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int k;
	struct request_party_row *p = malloc(sizeof *p);
	if (p == NULL) {
		store_done(s);
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	}
	while ((k = store_next(s)) == 1) {
		memset(p, 0, sizeof *p);
		p->request_id = store_col_int(s, 0);
		p->unit_id = store_col_int(s, 1);
		store_copy_text(p->unit_name, sizeof p->unit_name, store_col_text(s, 2, NULL));
		store_copy_text(p->role, sizeof p->role, store_col_text(s, 3, NULL));
		store_copy_text(p->state, sizeof p->state, store_col_text(s, 4, NULL));
		store_copy_text(p->part, sizeof p->part, store_col_text(s, 5, NULL));
		store_copy_text(p->result, sizeof p->result, store_col_text(s, 6, NULL));
		store_copy_text(p->created_at, sizeof p->created_at, store_col_text(s, 7, NULL));
		store_copy_text(p->updated_at, sizeof p->updated_at, store_col_text(s, 8, NULL));
		fn(ctx, p);
	}
	store_done(s);
	free(p);
	return k < 0 ? store_step_error(k, ei, "reading parties") : ERR_OK;
}

enum err store_request_party_add(struct store_conn *c, const struct request_party_row *p,
                                 struct errinfo *ei)
{
	struct store_val v[] = {SV_INT(p->request_id), SV_INT(p->unit_id),     SV_TEXT(p->role),
	                        SV_TEXT(p->part),      SV_TEXT(p->state),       SV_TEXT(p->result),
	                        SV_TEXT(p->created_at), SV_TEXT(p->updated_at)};
	return store_exec(c,
	                  "INSERT INTO request_party (request_id, unit_id, role, part, state, result,"
	                  " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	                  v, 8, NULL, ei);
}

enum err store_request_party_update(struct store_conn *c, const struct request_party_row *p,
                                    struct errinfo *ei)
{
	struct store_val v[] = {SV_TEXT(p->state), SV_TEXT(p->result), SV_TEXT(p->updated_at),
	                        SV_INT(p->request_id), SV_INT(p->unit_id)};
	return store_exec(c,
	                  "UPDATE request_party SET state = ?, result = ?, updated_at = ?"
	                  " WHERE request_id = ? AND unit_id = ?",
	                  v, 5, NULL, ei);
}

enum err store_request_photo_add(struct store_conn *c, const struct request_photo_row *p,
                                 struct errinfo *ei)
{
	struct store_val v[] = {SV_INT(p->request_id), SV_TEXT(p->sha256), SV_TEXT(p->stage),
	                        SV_INT(p->event_seq)};
	return store_exec(c,
	                  "INSERT INTO request_photo (request_id, sha256, stage, event_seq)"
	                  " VALUES (?, ?, ?, ?) ON CONFLICT (request_id, sha256, stage) DO NOTHING",
	                  v, 4, NULL, ei);
}

enum err store_request_photos(struct store_conn *c, int64_t request_id,
                              void (*fn)(void *ctx, const struct request_photo_row *p), void *ctx,
                              struct errinfo *ei)
{
	struct store_val v[] = {SV_INT(request_id)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "SELECT request_id, sha256, stage, event_seq FROM request_photo"
	                          " WHERE request_id = ? ORDER BY event_seq, sha256",
	                          v, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int k;
	struct request_photo_row p;
	while ((k = store_next(s)) == 1) {
		memset(&p, 0, sizeof p);
		p.request_id = store_col_int(s, 0);
		store_copy_text(p.sha256, sizeof p.sha256, store_col_text(s, 1, NULL));
		store_copy_text(p.stage, sizeof p.stage, store_col_text(s, 2, NULL));
		p.event_seq = (int)store_col_int(s, 3);
		fn(ctx, &p);
	}
	store_done(s);
	return k < 0 ? store_step_error(k, ei, "reading photos") : ERR_OK;
}

/* --- lists ------------------------------------------------------------------------------------- */

#define MAX_PARAMS 96

static const char open_states_sql[] =
	"('registered', 'waiting_dispatch', 'dispatched', 'return_requested', 'handling',"
	" 'waiting_reporter', 'extension_requested', 'handled', 'waiting_feedback', 'dissatisfied')";

static void add_ranges(const struct code_ranges *r, const char *col, struct strbuf *sb,
                       struct store_val *p, int *np, bool *first)
{
	for (int i = 0; r != NULL && i < r->n; i++) {
		strbuf_addf(sb, "%s(%s >= ? AND %s < ?)", *first ? "" : " OR ", col, col);
		p[(*np)++] = SV_TEXT(r->lo[i]);
		p[(*np)++] = SV_TEXT(r->hi[i]);
		*first = false;
	}
}

static void add_id_list(const int64_t *ids, int n, struct strbuf *sb, struct store_val *p, int *np)
{
	for (int i = 0; i < n; i++) {
		strbuf_adds(sb, i ? ", ?" : "?");
		p[(*np)++] = SV_INT(ids[i]);
	}
}

/* The text condition: FTS5 trigram (3 characters or more) or LIKE on
 * SQLite; ILIKE on the trigram-indexed expression on PostgreSQL. like and
 * match are buffers the parameters point into. */
static void text_sql(struct store_conn *c, const char *q, struct strbuf *sb, struct store_val *p,
                     int *np, char *like, size_t like_cap, char *match, size_t match_cap)
{
	store_like_contains(q, like, like_cap);
	if (is_pg(c)) {
		strbuf_adds(sb, " AND (r.title || ' ' || r.description || ' ' || r.address) ILIKE ?"
		                " ESCAPE '\\'");
		p[(*np)++] = SV_TEXT(like);
		return;
	}
	size_t chars = 0;
	for (const unsigned char *t = (const unsigned char *)q; *t; t++)
		chars += (*t & 0xC0) != 0x80;
	if (chars >= 3) {
		/* one phrase: the text as typed, quotes doubled */
		size_t w = 0;
		match[w++] = '"';
		for (const char *t = q; *t && w + 3 < match_cap; t++) {
			if (*t == '"')
				match[w++] = '"';
			match[w++] = *t;
		}
		match[w++] = '"';
		match[w] = '\0';
		strbuf_adds(sb, " AND r.id IN (SELECT rowid FROM request_fts WHERE request_fts MATCH ?)");
		p[(*np)++] = SV_TEXT(match);
		return;
	}
	strbuf_adds(sb, " AND (r.title LIKE ? ESCAPE '\\' OR r.description LIKE ? ESCAPE '\\'"
	                " OR r.address LIKE ? ESCAPE '\\')");
	p[(*np)++] = SV_TEXT(like);
	p[(*np)++] = SV_TEXT(like);
	p[(*np)++] = SV_TEXT(like);
}

static enum err run_list(struct store_conn *c, const char *sql, struct store_val *p, int np,
                         request_fn fn, void *ctx, struct errinfo *ei)
{
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sql, p, np, &s, ei);
	if (rc != ERR_OK)
		return rc;
	struct request_row *row = malloc(sizeof *row);
	if (row == NULL) {
		store_done(s);
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	}
	int k;
	while ((k = store_next(s)) == 1) {
		request_from_row(s, row);
		fn(ctx, row);
	}
	store_done(s);
	free(row);
	return k < 0 ? store_step_error(k, ei, "listing requests") : ERR_OK;
}

/* Is every range a street's or wider? Newest first over so many rows is
 * best read backwards along the primary key, stopping at the page's end;
 * the area index would sort the whole subtree first. */
static bool broad(const struct code_ranges *r)
{
	if (r == NULL || r->all)
		return true;
	for (int i = 0; i < r->n; i++)
		if (strlen(r->lo[i]) > 9)
			return false;
	return true;
}

enum err store_request_list(struct store_conn *c, const struct request_filter *f, request_fn fn,
                            void *ctx, struct errinfo *ei)
{
	struct store_val p[MAX_PARAMS];
	int np = 0;
	struct strbuf sb;
	strbuf_init(&sb, 16384);
	strbuf_adds(&sb, "SELECT " REQ_COLS REQ_FROM " WHERE 1 = 1");
	/* SQLite plans without statistics: a unary plus keeps it off the area
	 * index when the scope is broad (PostgreSQL's planner has its own). */
	const char *col = !is_pg(c) && broad(f->scope) && broad(f->area) ? "+r.area_code"
	                                                                  : "r.area_code";
	if (!f->everything) {
		bool first = true;
		strbuf_adds(&sb, " AND (");
		if (f->scope != NULL && f->scope->all) {
			strbuf_adds(&sb, "1 = 1");
			first = false;
		}
		add_ranges(f->scope, col, &sb, p, &np, &first);
		if (f->nunits > 0) {
			strbuf_addf(&sb, "%sr.owner_unit_id IN (", first ? "" : " OR ");
			add_id_list(f->units, f->nunits, &sb, p, &np);
			strbuf_adds(&sb, ") OR r.id IN (SELECT x.request_id FROM request_party x WHERE"
			                 " x.unit_id IN (");
			add_id_list(f->units, f->nunits, &sb, p, &np);
			strbuf_adds(&sb, "))");
			first = false;
		}
		if (f->reporter_user_id > 0) {
			strbuf_addf(&sb, "%sr.reporter_user_id = ?", first ? "" : " OR ");
			p[np++] = SV_INT(f->reporter_user_id);
			first = false;
		}
		if (first)
			strbuf_adds(&sb, "1 = 0");
		strbuf_adds(&sb, ")");
	}
	if (f->area != NULL)
		code_ranges_sql(f->area, col, &sb, p, &np);
	if (f->states != NULL) {
		strbuf_adds(&sb, " AND r.state IN (");
		for (int i = 0; f->states[i]; i++) {
			strbuf_adds(&sb, i ? ", ?" : "?");
			p[np++] = SV_TEXT(f->states[i]);
		}
		strbuf_adds(&sb, ")");
	}
	if (f->category_id > 0) {
		strbuf_adds(&sb, " AND (r.category_id = ? OR r.category_top_id = ?)");
		p[np++] = SV_INT(f->category_id);
		p[np++] = SV_INT(f->category_id);
	}
	if (f->department_id > 0) {
		strbuf_adds(&sb, " AND r.owner_unit_id = ?");
		p[np++] = SV_INT(f->department_id);
	}
	if (f->mine) {
		/* no constant "1 = 0 OR" in front: SQLite then scanned every open
		 * request of the city by state instead of the owner indexes */
		strbuf_adds(&sb, " AND (");
		if (f->nowner_areas > 0) {
			strbuf_adds(&sb, "r.owner_area_id IN (");
			add_id_list(f->owner_areas, f->nowner_areas, &sb, p, &np);
			strbuf_adds(&sb, ")");
		}
		if (f->nowner_units > 0) {
			strbuf_adds(&sb, f->nowner_areas > 0 ? " OR r.owner_unit_id IN (" : "r.owner_unit_id IN (");
			add_id_list(f->owner_units, f->nowner_units, &sb, p, &np);
			strbuf_adds(&sb, ")");
		}
		if (f->nowner_areas == 0 && f->nowner_units == 0)
			strbuf_adds(&sb, "1 = 0");
		strbuf_adds(&sb, ")");
	}
	if (f->source != NULL) {
		strbuf_adds(&sb, " AND r.source = ?");
		p[np++] = SV_TEXT(f->source);
	}
	if (f->urgency != NULL) {
		strbuf_adds(&sb, " AND r.urgency = ?");
		p[np++] = SV_TEXT(f->urgency);
	}
	/* overdue: an open state whose deadline passed, the clock not paused */
	if (f->overdue == 1) {
		strbuf_addf(&sb, " AND r.state IN %s AND r.due_at < ? AND r.paused_at IS NULL",
		            open_states_sql);
		p[np++] = SV_TEXT(f->now);
	} else if (f->overdue == 0) {
		strbuf_addf(&sb, " AND NOT (r.state IN %s AND r.due_at IS NOT NULL AND r.due_at < ?"
		                 " AND r.paused_at IS NULL)",
		            open_states_sql);
		p[np++] = SV_TEXT(f->now);
	}
	if (f->supervised == 1)
		strbuf_adds(&sb, " AND r.supervision > 0");
	if (f->from != NULL) {
		strbuf_adds(&sb, " AND r.created_at >= ?");
		p[np++] = SV_TEXT(f->from);
	}
	if (f->to != NULL) {
		strbuf_adds(&sb, " AND r.created_at < ?");
		p[np++] = SV_TEXT(f->to);
	}
	char like[700], match[900];
	if (f->q != NULL && f->q[0])
		text_sql(c, f->q, &sb, p, &np, like, sizeof like, match, sizeof match);
	if (f->after > 0) {
		strbuf_adds(&sb, " AND r.id < ?");
		p[np++] = SV_INT(f->after);
	}
	strbuf_adds(&sb, " ORDER BY r.id DESC");
	if (f->limit > 0) {
		strbuf_adds(&sb, " LIMIT ?");
		p[np++] = SV_INT(f->limit);
	}
	enum err rc = sb.overflow ? err_set(ei, ERR_INTERNAL, NULL, "query too long")
	                          : run_list(c, sb.buf, p, np, fn, ctx, ei);
	strbuf_free(&sb);
	return rc;
}

enum err store_request_duplicates(struct store_conn *c, const struct request_dup_query *q,
                                  request_fn fn, void *ctx, struct errinfo *ei)
{
	struct store_val p[24];
	int np = 0;
	struct strbuf sb;
	strbuf_init(&sb, 8192);
	strbuf_addf(&sb, "SELECT " REQ_COLS REQ_FROM " WHERE r.category_id = ? AND r.state IN %s"
	                 " AND r.created_at >= ? AND r.id <> ? AND (1 = 0",
	            open_states_sql);
	p[np++] = SV_INT(q->category_id);
	p[np++] = SV_TEXT(q->since);
	p[np++] = SV_INT(q->except);
	if (q->has_point) {
		strbuf_adds(&sb, " OR (r.lng BETWEEN ? AND ? AND r.lat BETWEEN ? AND ?)");
		p[np++] = SV_REAL(q->lng - q->dlng);
		p[np++] = SV_REAL(q->lng + q->dlng);
		p[np++] = SV_REAL(q->lat - q->dlat);
		p[np++] = SV_REAL(q->lat + q->dlat);
	}
	char hi[AREA_CODE_MAX + 2];
	if (q->area_code != NULL && q->area_code[0]) {
		snprintf(hi, sizeof hi, "%s:", q->area_code);
		if (q->area_exact) {
			strbuf_adds(&sb, " OR r.area_code = ?");
			p[np++] = SV_TEXT(q->area_code);
		} else {
			strbuf_adds(&sb, " OR (r.area_code >= ? AND r.area_code < ?)");
			p[np++] = SV_TEXT(q->area_code);
			p[np++] = SV_TEXT(hi);
		}
	}
	if (q->text != NULL && q->text[0]) {
		/* similarity of the text to each candidate left by the conditions
		 * above (same category, open, recent: the partial index of
		 * migration 0010), never a search of every request: a full-text
		 * query of a sentence's trigrams matched most of a million and
		 * ranked them all on each intake. Chinese has no spaces: a whole
		 * sentence is one "word", so pg_trgm's default threshold of 0.6
		 * would miss most (util/trigram.h is SQLite's word_similarity). */
		strbuf_adds(&sb, " OR word_similarity(?, r.title || ' ' || r.description || ' ' ||"
		                 " r.address) >= 0.3");
		p[np++] = SV_TEXT(q->text);
	}
	strbuf_adds(&sb, ") ORDER BY r.id DESC LIMIT ?");
	p[np++] = SV_INT(q->limit);
	enum err rc = run_list(c, sb.buf, p, np, fn, ctx, ei);
	strbuf_free(&sb);
	return rc;
}

enum err store_request_set_sweep(struct store_conn *c, int64_t id, int64_t version,
                                 const char *sweep_at, struct errinfo *ei)
{
	struct store_val p[] = {text_or_null(sweep_at), SV_INT(id), SV_INT(version)};
	return store_exec(c, "UPDATE request SET sweep_at = ? WHERE id = ? AND version = ?", p, 3, NULL,
	                  ei);
}

enum err store_request_due(struct store_conn *c, const char *now, int limit, int64_t *ids, int *n,
                           struct errinfo *ei)
{
	*n = 0;
	struct store_val p[] = {SV_TEXT(now), SV_INT(limit)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "SELECT id FROM request WHERE sweep_at <= ? ORDER BY sweep_at, id LIMIT ?",
	                          p, 2, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int k;
	while ((k = store_next(s)) == 1 && *n < limit)
		ids[(*n)++] = store_col_int(s, 0);
	store_done(s);
	return k < 0 ? store_step_error(k, ei, "finding due requests") : ERR_OK;
}

/* --- roll-ups ---------------------------------------------------------------------------------------- */

const char *const rq_counter_names[] = {
	"received",    "invalid",   "dispatched",        "responded",    "responded_in_time",
	"resolved",    "closed",    "closed_on_time",    "due_to_close", "held_over",
	"rated",       "solved",    "satisfied",         "basically_satisfied", "dissatisfied",
	"rework",      "handle_minutes", "level_grid",   "level_community", "level_street",
	"level_district", "level_city", "supervised",    "overdue",      NULL,
};

/* The upserts' text, one per table and row count, built once: every event
 * writes one, and building 2 KB of SQL with printf each time cost more
 * than running it. */
static char *rollup_sql[2][ROLLUP_IDS_MAX + 1];
static pthread_once_t rollup_sql_once = PTHREAD_ONCE_INIT;

static void rollup_sql_build(void)
{
	for (int unit = 0; unit < 2; unit++) {
		const char *table = unit ? "request_unit_rollup" : "request_rollup";
		const char *key = unit ? "unit_id" : "area_id";
		for (int n = 1; n <= ROLLUP_IDS_MAX; n++) {
			struct strbuf sb;
			strbuf_init(&sb, 8192);
			strbuf_addf(&sb, "INSERT INTO %s (%s, day, category_id", table, key);
			for (int i = 0; i < RC__MAX; i++)
				strbuf_addf(&sb, ", %s", rq_counter_names[i]);
			strbuf_adds(&sb, ") VALUES ");
			for (int row = 0; row < n; row++) {
				strbuf_adds(&sb, row ? ", (?, ?, ?" : "(?, ?, ?");
				for (int i = 0; i < RC__MAX; i++)
					strbuf_adds(&sb, ", ?");
				strbuf_adds(&sb, ")");
			}
			strbuf_addf(&sb, " ON CONFLICT (%s, day, category_id) DO UPDATE SET ", key);
			for (int i = 0; i < RC__MAX; i++)
				strbuf_addf(&sb, "%s%s = %s.%s + excluded.%s", i ? ", " : "", rq_counter_names[i],
				            table, rq_counter_names[i], rq_counter_names[i]);
			rollup_sql[unit][n] = sb.buf; /* kept for the process's life */
		}
	}
}

enum err store_request_rollup_add(struct store_conn *c, bool unit, const int64_t *ids, int n,
                                  const char *day, int64_t category_id,
                                  const int64_t counts[RC__MAX], struct errinfo *ei)
{
	if (n < 1 || n > ROLLUP_IDS_MAX)
		return err_set(ei, ERR_INTERNAL, NULL, "roll-up rows: %d", n);
	pthread_once(&rollup_sql_once, rollup_sql_build);
	const char *sql = rollup_sql[unit][n];
	if (sql == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	struct store_val p[ROLLUP_IDS_MAX * (3 + RC__MAX)];
	int np = 0;
	for (int row = 0; row < n; row++) {
		p[np++] = SV_INT(ids[row]);
		p[np++] = SV_TEXT(day);
		p[np++] = SV_INT(category_id);
		for (int i = 0; i < RC__MAX; i++)
			p[np++] = SV_INT(counts[i]);
	}
	return store_exec(c, sql, p, np, NULL, ei);
}

enum err store_request_rollup_sum(struct store_conn *c, bool unit, int64_t id, const char *from,
                                  const char *to, int64_t category_id, int64_t counts[RC__MAX],
                                  struct errinfo *ei)
{
	memset(counts, 0, sizeof(int64_t) * RC__MAX);
	struct strbuf sb;
	strbuf_init(&sb, 4096);
	strbuf_adds(&sb, "SELECT ");
	for (int i = 0; i < RC__MAX; i++)
		strbuf_addf(&sb, "%sCOALESCE(SUM(%s), 0)", i ? ", " : "", rq_counter_names[i]);
	strbuf_addf(&sb, " FROM %s WHERE %s = ? AND day >= ? AND day <= ?",
	            unit ? "request_unit_rollup" : "request_rollup", unit ? "unit_id" : "area_id");
	struct store_val p[4] = {SV_INT(id), SV_TEXT(from), SV_TEXT(to)};
	int np = 3;
	if (category_id > 0) {
		strbuf_adds(&sb, " AND category_id = ?");
		p[np++] = SV_INT(category_id);
	}
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sb.buf, p, np, &s, ei);
	strbuf_free(&sb);
	if (rc != ERR_OK)
		return rc;
	int k = store_next(s);
	if (k == 1)
		for (int i = 0; i < RC__MAX; i++)
			counts[i] = store_col_int(s, i);
	store_done(s);
	return k < 0 ? store_step_error(k, ei, "summing roll-ups") : ERR_OK;
}
