/* SQL of webhook subscriptions, the delivery outbox and its attempts.
 * The outbox insert is one INSERT … SELECT run in the request event's
 * transaction; the delivery thread leases rows with a conditional UPDATE,
 * so several processes on one database never send a row at once. */
#include "store/webhooks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"

static struct store_val id_or_null(int64_t id) { return id > 0 ? SV_INT(id) : SV_NULL; }

static enum err insert_id(struct store_conn *c, const char *sql, const struct store_val *p, int np,
                          int64_t *id, struct errinfo *ei)
{
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sql, p, np, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	if (r == 1)
		*id = store_col_int(s, 0);
	store_done(s);
	if (r == 1)
		return ERR_OK;
	return store_step_error(r < 0 ? r : -(int)ERR_INTERNAL, ei, "adding a row");
}

/* --- subscriptions ---------------------------------------------------------------------- */

#define WEBHOOK_COLS                                                                           \
	"w.id, w.url, w.events, w.area_id, w.area_code, a.name, w.active, w.description,"          \
	" w.created_by, w.created_at, w.updated_at, w.secret_enc"
#define WEBHOOK_FROM " FROM webhook w JOIN area a ON a.id = w.area_id"

struct get_ctx {
	struct webhook_row *w;
	char **secret_enc;
};

static void webhook_from_row(struct store_stmt *s, struct webhook_row *w)
{
	memset(w, 0, sizeof *w);
	w->id = store_col_int(s, 0);
	store_copy_text(w->url, sizeof w->url, store_col_text(s, 1, NULL));
	store_copy_text(w->events, sizeof w->events, store_col_text(s, 2, NULL));
	w->area_id = store_col_int(s, 3);
	store_copy_text(w->area_code, sizeof w->area_code, store_col_text(s, 4, NULL));
	store_copy_text(w->area_name, sizeof w->area_name, store_col_text(s, 5, NULL));
	w->active = store_col_int(s, 6) != 0;
	store_copy_text(w->description, sizeof w->description, store_col_text(s, 7, NULL));
	w->created_by = store_col_null(s, 8) ? 0 : store_col_int(s, 8);
	store_copy_text(w->created_at, sizeof w->created_at, store_col_text(s, 9, NULL));
	store_copy_text(w->updated_at, sizeof w->updated_at, store_col_text(s, 10, NULL));
}

static void get_fill(struct store_stmt *s, void *out)
{
	struct get_ctx *x = out;
	webhook_from_row(s, x->w);
	if (x->secret_enc != NULL)
		*x->secret_enc = strdup(store_col_text(s, 11, NULL));
}

enum err store_webhook_get(struct store_conn *c, int64_t id, struct webhook_row *w,
                           char **secret_enc, struct errinfo *ei)
{
	if (secret_enc != NULL)
		*secret_enc = NULL;
	struct get_ctx x = {w, secret_enc};
	struct store_val p[] = {SV_INT(id)};
	enum err rc = store_one_row(c, "SELECT " WEBHOOK_COLS WEBHOOK_FROM " WHERE w.id = ?", p, 1,
	                            get_fill, &x, "webhook", ei);
	if (rc == ERR_OK && secret_enc != NULL && *secret_enc == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	return rc;
}

enum err store_webhook_list(struct store_conn *c, const struct code_ranges *r, webhook_fn fn,
                            void *ctx, struct errinfo *ei)
{
	struct store_val p[40];
	int np = 0;
	struct strbuf sql;
	strbuf_init(&sql, 2048);
	/* the counts: one grouped pass over the log index per subscription */
	strbuf_adds(&sql, "SELECT " WEBHOOK_COLS ","
	                  " (SELECT COUNT(*) FROM webhook_delivery d WHERE d.webhook_id = w.id"
	                  "  AND d.status = 'pending'),"
	                  " (SELECT COUNT(*) FROM webhook_delivery d WHERE d.webhook_id = w.id"
	                  "  AND d.status = 'delivered'),"
	                  " (SELECT COUNT(*) FROM webhook_delivery d WHERE d.webhook_id = w.id"
	                  "  AND d.status = 'parked')" WEBHOOK_FROM " WHERE 1 = 1");
	code_ranges_sql(r, "w.area_code", &sql, p, &np);
	strbuf_adds(&sql, " ORDER BY w.id");
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sql.buf, p, np, &s, ei);
	strbuf_free(&sql);
	if (rc != ERR_OK)
		return rc;
	int k;
	struct webhook_row *w = malloc(sizeof *w);
	if (w == NULL) {
		store_done(s);
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	}
	while ((k = store_next(s)) == 1) {
		webhook_from_row(s, w);
		w->pending = store_col_int(s, 12);
		w->delivered = store_col_int(s, 13);
		w->parked = store_col_int(s, 14);
		fn(ctx, w);
	}
	free(w);
	store_done(s);
	return k < 0 ? store_step_error(k, ei, "listing webhooks") : ERR_OK;
}

enum err store_webhook_insert(struct store_conn *c, struct webhook_row *w, const char *secret_enc,
                              struct errinfo *ei)
{
	struct store_val p[] = {SV_TEXT(w->url),        SV_TEXT(w->events),     SV_INT(w->area_id),
	                        SV_TEXT(w->area_code),  SV_TEXT(secret_enc),    SV_INT(w->active ? 1 : 0),
	                        SV_TEXT(w->description), id_or_null(w->created_by), SV_TEXT(w->created_at),
	                        SV_TEXT(w->updated_at)};
	return insert_id(c,
	                 "INSERT INTO webhook (url, events, area_id, area_code, secret_enc, active,"
	                 " description, created_by, created_at, updated_at)"
	                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                 p, 10, &w->id, ei);
}

enum err store_webhook_update(struct store_conn *c, const struct webhook_row *w,
                              const char *secret_enc, struct errinfo *ei)
{
	struct store_val p[] = {SV_TEXT(w->url),         SV_TEXT(w->events),
	                        SV_INT(w->area_id),      SV_TEXT(w->area_code),
	                        SV_INT(w->active ? 1 : 0), SV_TEXT(w->description),
	                        SV_TEXT(w->updated_at),  secret_enc ? SV_TEXT(secret_enc) : SV_NULL,
	                        SV_INT(w->id)};
	return store_exec(c,
	                  "UPDATE webhook SET url = ?, events = ?, area_id = ?, area_code = ?, active = ?,"
	                  " description = ?, updated_at = ?, secret_enc = COALESCE(?, secret_enc)"
	                  " WHERE id = ?",
	                  p, 9, NULL, ei);
}

enum err store_webhook_delete(struct store_conn *c, int64_t id, bool *found, struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(id)};
	int64_t n = 0;
	/* children first: no reliance on either backend's cascade settings */
	enum err rc = store_exec(c,
	                         "DELETE FROM webhook_attempt WHERE delivery_id IN"
	                         " (SELECT id FROM webhook_delivery WHERE webhook_id = ?)",
	                         p, 1, NULL, ei);
	if (rc == ERR_OK)
		rc = store_exec(c, "DELETE FROM webhook_delivery WHERE webhook_id = ?", p, 1, NULL, ei);
	if (rc == ERR_OK)
		rc = store_exec(c, "DELETE FROM webhook WHERE id = ?", p, 1, &n, ei);
	*found = n == 1;
	return rc;
}

enum err store_webhook_count(struct store_conn *c, int64_t *n, struct errinfo *ei)
{
	struct store_stmt *s = NULL;
	*n = 0;
	enum err rc = store_query(c, "SELECT COUNT(*) FROM webhook", NULL, 0, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	if (r == 1)
		*n = store_col_int(s, 0);
	store_done(s);
	return r < 0 ? store_step_error(r, ei, "counting webhooks") : ERR_OK;
}

/* --- the outbox ------------------------------------------------------------------------- */

enum err store_webhook_outbox_add(struct store_conn *c, const char *id_prefix, const char *event,
                                  int64_t request_id, const char *area_code, const char *payload,
                                  const char *due, int64_t *added, struct errinfo *ei)
{
	/* ",event," anywhere in the list; the names hold '_', LIKE's one-character wildcard */
	char like[160];
	size_t w = 0;
	like[w++] = '%';
	like[w++] = ',';
	for (const char *q = event; *q && w + 6 < sizeof like; q++) {
		if (*q == '_' || *q == '%' || *q == '\\')
			like[w++] = '\\';
		like[w++] = *q;
	}
	like[w++] = ',';
	like[w++] = '%';
	like[w] = '\0';
	struct store_val p[] = {SV_TEXT(id_prefix), SV_TEXT(event),    id_or_null(request_id),
	                        SV_TEXT(payload),   SV_TEXT(due),      SV_TEXT(due),
	                        SV_TEXT(due),       SV_TEXT(like),     SV_TEXT(area_code)};
	/* The area test is "the subscription's code is a prefix of the
	 * request's": the few active subscriptions are read whole, no range
	 * over the request's side is needed. */
	return store_exec(c,
	                  "INSERT INTO webhook_delivery (delivery_id, webhook_id, event, request_id,"
	                  " payload, status, attempts, next_attempt_at, created_at, updated_at)"
	                  " SELECT CAST(? AS TEXT) || CAST(w.id AS TEXT), w.id, CAST(? AS TEXT),"
	                  " CAST(? AS BIGINT), CAST(? AS TEXT), 'pending', 0, CAST(? AS TEXT),"
	                  " CAST(? AS TEXT), CAST(? AS TEXT) FROM webhook w"
	                  " WHERE (w.events LIKE ? ESCAPE '\\' OR w.events LIKE '%,request.*,%')"
	                  " AND substr(CAST(? AS TEXT), 1, length(w.area_code)) = w.area_code",
	                  p, 9, added, ei);
}

enum err store_webhook_delivery_insert(struct store_conn *c, struct webhook_delivery_row *d,
                                       struct errinfo *ei)
{
	struct store_val p[] = {SV_TEXT(d->delivery_id), SV_INT(d->webhook_id), SV_TEXT(d->event),
	                        id_or_null(d->request_id), SV_TEXT(d->payload),
	                        SV_TEXT(d->next_attempt_at), SV_TEXT(d->created_at),
	                        SV_TEXT(d->updated_at)};
	return insert_id(c,
	                 "INSERT INTO webhook_delivery (delivery_id, webhook_id, event, request_id,"
	                 " payload, status, attempts, next_attempt_at, created_at, updated_at)"
	                 " VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?) RETURNING id",
	                 p, 8, &d->id, ei);
}

void webhook_delivery_row_clear(struct webhook_delivery_row *d)
{
	free(d->payload);
	d->payload = NULL;
}

#define DELIVERY_COLS                                                                          \
	"d.id, d.webhook_id, d.request_id, d.delivery_id, d.event, d.payload, d.status,"           \
	" d.attempts, d.next_attempt_at, d.lease_until, d.last_status, d.last_error,"              \
	" d.last_response, d.last_duration_ms, d.created_at, d.updated_at, d.delivered_at"

static void delivery_from_row(struct store_stmt *s, struct webhook_delivery_row *d)
{
	memset(d, 0, sizeof *d);
	d->id = store_col_int(s, 0);
	d->webhook_id = store_col_int(s, 1);
	d->request_id = store_col_null(s, 2) ? 0 : store_col_int(s, 2);
	store_copy_text(d->delivery_id, sizeof d->delivery_id, store_col_text(s, 3, NULL));
	store_copy_text(d->event, sizeof d->event, store_col_text(s, 4, NULL));
	d->payload = strdup(store_col_text(s, 5, NULL));
	store_copy_text(d->status, sizeof d->status, store_col_text(s, 6, NULL));
	d->attempts = (int)store_col_int(s, 7);
	store_copy_text(d->next_attempt_at, sizeof d->next_attempt_at, store_col_text(s, 8, NULL));
	store_copy_text(d->lease_until, sizeof d->lease_until, store_col_text(s, 9, NULL));
	d->last_status = store_col_null(s, 10) ? 0 : (int)store_col_int(s, 10);
	store_copy_text(d->last_error, sizeof d->last_error, store_col_text(s, 11, NULL));
	store_copy_text(d->last_response, sizeof d->last_response, store_col_text(s, 12, NULL));
	d->last_duration_ms = store_col_null(s, 13) ? -1 : store_col_int(s, 13);
	store_copy_text(d->created_at, sizeof d->created_at, store_col_text(s, 14, NULL));
	store_copy_text(d->updated_at, sizeof d->updated_at, store_col_text(s, 15, NULL));
	store_copy_text(d->delivered_at, sizeof d->delivered_at, store_col_text(s, 16, NULL));
}

enum err store_webhook_deliveries(struct store_conn *c, const struct webhook_delivery_filter *f,
                                  webhook_delivery_fn fn, void *ctx, int64_t *total,
                                  struct errinfo *ei)
{
	struct store_val p[5];
	int np = 0;
	const char *where = f->status ? " WHERE d.webhook_id = ? AND d.status = ?"
	                              : " WHERE d.webhook_id = ?";
	p[np++] = SV_INT(f->webhook_id);
	if (f->status)
		p[np++] = SV_TEXT(f->status);
	char sql[1024];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM webhook_delivery d%s", where);
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sql, p, np, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r = store_next(s);
	*total = r == 1 ? store_col_int(s, 0) : 0;
	store_done(s);
	if (r < 0)
		return store_step_error(r, ei, "counting deliveries");
	snprintf(sql, sizeof sql,
	         "SELECT " DELIVERY_COLS " FROM webhook_delivery d%s ORDER BY d.id DESC LIMIT ? OFFSET ?",
	         where);
	p[np++] = SV_INT(f->limit);
	p[np++] = SV_INT(f->offset);
	if ((rc = store_query(c, sql, p, np, &s, ei)) != ERR_OK)
		return rc;
	struct webhook_delivery_row d;
	while ((r = store_next(s)) == 1) {
		delivery_from_row(s, &d);
		fn(ctx, &d);
		webhook_delivery_row_clear(&d);
	}
	store_done(s);
	return r < 0 ? store_step_error(r, ei, "listing deliveries") : ERR_OK;
}

static void delivery_fill(struct store_stmt *s, void *out)
{
	delivery_from_row(s, out);
}

enum err store_webhook_delivery_get(struct store_conn *c, int64_t webhook_id, int64_t id,
                                    struct webhook_delivery_row *d, struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(id), SV_INT(webhook_id)};
	memset(d, 0, sizeof *d);
	return store_one_row(c,
	                     "SELECT " DELIVERY_COLS " FROM webhook_delivery d"
	                     " WHERE d.id = ? AND d.webhook_id = ?",
	                     p, 2, delivery_fill, d, "delivery", ei);
}

enum err store_webhook_attempts(struct store_conn *c, int64_t delivery_id,
                                void (*fn)(void *ctx, const struct webhook_attempt_row *a),
                                void *ctx, struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(delivery_id)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "SELECT id, delivery_id, at, status, duration_ms, error, response"
	                          " FROM webhook_attempt WHERE delivery_id = ? ORDER BY id",
	                          p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r;
	struct webhook_attempt_row a;
	while ((r = store_next(s)) == 1) {
		memset(&a, 0, sizeof a);
		a.id = store_col_int(s, 0);
		a.delivery_id = store_col_int(s, 1);
		store_copy_text(a.at, sizeof a.at, store_col_text(s, 2, NULL));
		a.status = store_col_null(s, 3) ? 0 : (int)store_col_int(s, 3);
		a.duration_ms = store_col_int(s, 4);
		store_copy_text(a.error, sizeof a.error, store_col_text(s, 5, NULL));
		store_copy_text(a.response, sizeof a.response, store_col_text(s, 6, NULL));
		fn(ctx, &a);
	}
	store_done(s);
	return r < 0 ? store_step_error(r, ei, "listing attempts") : ERR_OK;
}

/* --- the delivery thread ---------------------------------------------------------------- */

enum err store_webhook_due(struct store_conn *c, const char *now, int limit, int64_t *ids,
                           int64_t *hooks, int *n, struct errinfo *ei)
{
	*n = 0;
	struct store_val p[] = {SV_TEXT(now), SV_TEXT(now), SV_INT(limit)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "SELECT d.id, d.webhook_id FROM webhook_delivery d JOIN webhook w ON w.id = d.webhook_id"
	                          " WHERE d.status = 'pending' AND d.next_attempt_at <= ?"
	                          " AND (d.lease_until IS NULL OR d.lease_until < ?) AND w.active = 1"
	                          " ORDER BY d.next_attempt_at, d.id LIMIT ?",
	                          p, 3, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int r;
	while ((r = store_next(s)) == 1 && *n < limit) {
		ids[*n] = store_col_int(s, 0);
		hooks[(*n)++] = store_col_int(s, 1);
	}
	store_done(s);
	return r < 0 ? store_step_error(r, ei, "finding due deliveries") : ERR_OK;
}

enum err store_webhook_claim(struct store_conn *c, int64_t id, const char *now,
                             const char *lease_until, bool *won, struct errinfo *ei)
{
	struct store_val p[] = {SV_TEXT(lease_until), SV_INT(id), SV_TEXT(now)};
	int64_t n = 0;
	enum err rc = store_exec(c,
	                         "UPDATE webhook_delivery SET lease_until = ? WHERE id = ?"
	                         " AND status = 'pending' AND (lease_until IS NULL OR lease_until < ?)",
	                         p, 3, &n, ei);
	*won = rc == ERR_OK && n == 1;
	return rc;
}

enum err store_webhook_release(struct store_conn *c, int64_t id, struct errinfo *ei)
{
	struct store_val p[] = {SV_INT(id)};
	return store_exec(c, "UPDATE webhook_delivery SET lease_until = NULL WHERE id = ?", p, 1, NULL,
	                  ei);
}

struct outgoing_ctx {
	struct webhook_delivery_row *d;
	char *url;
	char **secret_enc;
};

static void outgoing_fill(struct store_stmt *s, void *out)
{
	struct outgoing_ctx *x = out;
	delivery_from_row(s, x->d);
	store_copy_text(x->url, WEBHOOK_URL_MAX + 1, store_col_text(s, 17, NULL));
	*x->secret_enc = strdup(store_col_text(s, 18, NULL));
}

enum err store_webhook_outgoing(struct store_conn *c, int64_t id, struct webhook_delivery_row *d,
                                char url[WEBHOOK_URL_MAX + 1], char **secret_enc,
                                struct errinfo *ei)
{
	*secret_enc = NULL;
	struct outgoing_ctx x = {d, url, secret_enc};
	struct store_val p[] = {SV_INT(id)};
	return store_one_row(c,
	                     "SELECT " DELIVERY_COLS ", w.url, w.secret_enc FROM webhook_delivery d"
	                     " JOIN webhook w ON w.id = d.webhook_id WHERE d.id = ?",
	                     p, 1, outgoing_fill, &x, "delivery", ei);
}

enum err store_webhook_record(struct store_conn *c, const struct webhook_delivery_row *d,
                              const struct webhook_attempt_row *a, struct errinfo *ei)
{
	struct store_val pa[] = {SV_INT(d->id), SV_TEXT(a->at),
	                         a->status > 0 ? SV_INT(a->status) : SV_NULL, SV_INT(a->duration_ms),
	                         SV_TEXT(a->error), SV_TEXT(a->response)};
	enum err rc = store_exec(c,
	                         "INSERT INTO webhook_attempt (delivery_id, at, status, duration_ms,"
	                         " error, response) VALUES (?, ?, ?, ?, ?, ?)",
	                         pa, 6, NULL, ei);
	if (rc != ERR_OK)
		return rc;
	struct store_val p[] = {SV_TEXT(d->status),
	                        SV_INT(d->attempts),
	                        SV_TEXT(d->next_attempt_at),
	                        d->last_status > 0 ? SV_INT(d->last_status) : SV_NULL,
	                        SV_TEXT(d->last_error),
	                        SV_TEXT(d->last_response),
	                        SV_INT(d->last_duration_ms),
	                        SV_TEXT(d->updated_at),
	                        d->delivered_at[0] ? SV_TEXT(d->delivered_at) : SV_NULL,
	                        SV_INT(d->id)};
	return store_exec(c,
	                  "UPDATE webhook_delivery SET status = ?, attempts = ?, next_attempt_at = ?,"
	                  " lease_until = NULL, last_status = ?, last_error = ?, last_response = ?,"
	                  " last_duration_ms = ?, updated_at = ?, delivered_at = ? WHERE id = ?",
	                  p, 10, NULL, ei);
}

enum err store_webhook_requeue(struct store_conn *c, int64_t webhook_id, int64_t id,
                               const char *now, bool *found, struct errinfo *ei)
{
	struct store_val p[] = {SV_TEXT(now), SV_TEXT(now), SV_INT(id), SV_INT(webhook_id)};
	int64_t n = 0;
	enum err rc = store_exec(c,
	                         "UPDATE webhook_delivery SET status = 'pending', attempts = 0,"
	                         " next_attempt_at = ?, updated_at = ?, lease_until = NULL"
	                         " WHERE id = ? AND webhook_id = ? AND status = 'parked'",
	                         p, 4, &n, ei);
	*found = n == 1;
	return rc;
}

enum err store_webhook_purge(struct store_conn *c, const char *before, int limit, int64_t *n,
                             struct errinfo *ei)
{
	/* the same rows twice: the ordering is total (delivered_at, id) */
#define OLDEST                                                                                   \
	"SELECT id FROM webhook_delivery WHERE status = 'delivered' AND delivered_at < ?"            \
	" ORDER BY delivered_at, id LIMIT ?"
	struct store_val p[] = {SV_TEXT(before), SV_INT(limit)};
	*n = 0;
	enum err rc = store_exec(c, "DELETE FROM webhook_attempt WHERE delivery_id IN (" OLDEST ")", p,
	                         2, NULL, ei);
	if (rc == ERR_OK)
		rc = store_exec(c, "DELETE FROM webhook_delivery WHERE id IN (" OLDEST ")", p, 2, n, ei);
#undef OLDEST
	return rc;
}
