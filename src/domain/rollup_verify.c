/* rollup-verify: the events' recorded deltas summed day by day and merged
 * with the stored rows of that day. See rollup_verify.h. */
#include "domain/rollup_verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "store/figures.h"
#include "store/requests.h"
#include "util/worktime.h"

#define CHAIN_MAX 16 /* district … entrance is 7; a longer walk means a cycle */

/* --- one day's recomputed rows: (key, category) → counters ----------------------------------------- */

struct acc_row {
	int64_t key, cat;
	int64_t c[RC__MAX];
};

struct acc {
	struct acc_row *rows;
	size_t n, cap;
	uint32_t *slot; /* index + 1; 0 empty */
	size_t nslot;   /* a power of two */
};

static size_t hash2(int64_t a, int64_t b, size_t mask)
{
	uint64_t h = (uint64_t)a * 0x9E3779B97F4A7C15ull ^ ((uint64_t)b + 0x632BE59BD9B4E019ull) *
	                                                    0xC2B2AE3D27D4EB4Full;
	return (size_t)(h ^ (h >> 29)) & mask;
}

static bool acc_grow(struct acc *a)
{
	size_t nslot = a->nslot ? a->nslot * 2 : 1024;
	uint32_t *slot = calloc(nslot, sizeof *slot);
	if (slot == NULL)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		size_t h = hash2(a->rows[i].key, a->rows[i].cat, nslot - 1);
		while (slot[h])
			h = (h + 1) & (nslot - 1);
		slot[h] = (uint32_t)i + 1;
	}
	free(a->slot);
	a->slot = slot;
	a->nslot = nslot;
	return true;
}

static bool acc_add(struct acc *a, int64_t key, int64_t cat, const int64_t c[RC__MAX])
{
	if ((a->n + 1) * 2 > a->nslot && !acc_grow(a))
		return false;
	size_t h = hash2(key, cat, a->nslot - 1);
	while (a->slot[h]) {
		struct acc_row *r = &a->rows[a->slot[h] - 1];
		if (r->key == key && r->cat == cat) {
			for (int i = 0; i < RC__MAX; i++)
				r->c[i] += c[i];
			return true;
		}
		h = (h + 1) & (a->nslot - 1);
	}
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 512;
		struct acc_row *rows = realloc(a->rows, cap * sizeof *rows);
		if (rows == NULL)
			return false;
		a->rows = rows;
		a->cap = cap;
	}
	struct acc_row *r = &a->rows[a->n];
	r->key = key;
	r->cat = cat;
	memcpy(r->c, c, sizeof r->c);
	a->slot[h] = (uint32_t)++a->n;
	return true;
}

static void acc_reset(struct acc *a)
{
	a->n = 0;
	if (a->slot != NULL)
		memset(a->slot, 0, a->nslot * sizeof *a->slot);
}

static void acc_free(struct acc *a)
{
	free(a->rows);
	free(a->slot);
}

static int row_order(const void *pa, const void *pb)
{
	const struct acc_row *a = pa, *b = pb;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->cat < b->cat ? -1 : a->cat > b->cat;
}

/* --- the tree as it stood ----------------------------------------------------------------------- */

struct move {
	int64_t area, old_parent;
	char at[32];
};

struct parent_entry {
	int64_t id, parent; /* id 0: empty */
};

struct verify {
	struct app *app;
	void (*fn)(void *ctx, const struct rollup_diff *d);
	void *ctx;
	struct rollup_verdict *v;
	struct move *moves;    /* by time */
	struct move *by_area;  /* by area, then time */
	size_t nmoves, capmoves;
	struct parent_entry *parents; /* today's parents, read as needed */
	size_t nparents, capparents;  /* capparents: a power of two */
	struct acc area, unit;
	struct acc groups;            /* one piece's (request area, category) sums */
	bool oom;
	/* the merge of one day's stored rows with the recomputed ones */
	const struct acc *merging;
	size_t at;
	bool merging_unit;
	const char *day;
};

static void move_row(void *ctx, int64_t area, const char *at, int64_t old_parent, int64_t new_parent)
{
	struct verify *x = ctx;
	(void)new_parent;
	if (x->nmoves == x->capmoves) {
		size_t cap = x->capmoves ? x->capmoves * 2 : 16;
		struct move *m = realloc(x->moves, cap * sizeof *m);
		if (m == NULL) {
			x->oom = true;
			return;
		}
		x->moves = m;
		x->capmoves = cap;
	}
	struct move *m = &x->moves[x->nmoves++];
	m->area = area;
	m->old_parent = old_parent;
	snprintf(m->at, sizeof m->at, "%s", at);
}

static int move_by_area(const void *pa, const void *pb)
{
	const struct move *a = pa, *b = pb;
	if (a->area != b->area)
		return a->area < b->area ? -1 : 1;
	return strcmp(a->at, b->at);
}

static bool parent_put(struct verify *x, int64_t id, int64_t parent)
{
	if ((x->nparents + 1) * 2 > x->capparents) {
		size_t cap = x->capparents ? x->capparents * 2 : 4096;
		struct parent_entry *t = calloc(cap, sizeof *t);
		if (t == NULL)
			return false;
		for (size_t i = 0; i < x->capparents; i++)
			if (x->parents[i].id) {
				size_t h = hash2(x->parents[i].id, 0, cap - 1);
				while (t[h].id)
					h = (h + 1) & (cap - 1);
				t[h] = x->parents[i];
			}
		free(x->parents);
		x->parents = t;
		x->capparents = cap;
	}
	size_t h = hash2(id, 0, x->capparents - 1);
	while (x->parents[h].id && x->parents[h].id != id)
		h = (h + 1) & (x->capparents - 1);
	if (!x->parents[h].id)
		x->nparents++;
	x->parents[h] = (struct parent_entry){id, parent};
	return true;
}

static enum err parent_today(struct store_conn *c, struct verify *x, int64_t id, int64_t *parent,
                             struct errinfo *ei)
{
	if (x->capparents) {
		size_t h = hash2(id, 0, x->capparents - 1);
		while (x->parents[h].id) {
			if (x->parents[h].id == id) {
				*parent = x->parents[h].parent;
				return ERR_OK;
			}
			h = (h + 1) & (x->capparents - 1);
		}
	}
	enum err rc = store_rollup_parent(c, id, parent, ei);
	if (rc == ERR_NOTFOUND) { /* an event of a request whose area is gone: only itself */
		*parent = 0;
		rc = ERR_OK;
	}
	if (rc == ERR_OK && !parent_put(x, id, *parent))
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	return rc;
}

/* The parent of id at time `at`: the old parent of its first move after at,
 * else today's. */
static enum err parent_at(struct store_conn *c, struct verify *x, int64_t id, const char *at,
                          int64_t *parent, struct errinfo *ei)
{
	size_t lo = 0, hi = x->nmoves;
	while (lo < hi) { /* the first move of id */
		size_t mid = (lo + hi) / 2;
		if (x->by_area[mid].area < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < x->nmoves && x->by_area[i].area == id; i++)
		if (strcmp(x->by_area[i].at, at) > 0) {
			*parent = x->by_area[i].old_parent;
			return ERR_OK;
		}
	return parent_today(c, x, id, parent, ei);
}

/* --- one day ---------------------------------------------------------------------------------------- */

static void group_row(void *ctx, int64_t key, int64_t cat, const int64_t counts[RC__MAX])
{
	struct verify *x = ctx;
	if (!x->oom && !acc_add(&x->groups, key, cat, counts))
		x->oom = true;
}

static void unit_row(void *ctx, int64_t key, int64_t cat, const int64_t counts[RC__MAX])
{
	struct verify *x = ctx;
	if (!x->oom && !acc_add(&x->unit, key, cat, counts))
		x->oom = true;
}

/* The events of [lo, hi), a piece of a day in which the tree stood still. */
static enum err replay_piece(struct store_conn *c, struct verify *x, const char *lo, const char *hi,
                             struct errinfo *ei)
{
	acc_reset(&x->groups);
	enum err rc = store_rollup_replay(c, false, lo, hi, group_row, x, &x->v->events, ei);
	if (rc == ERR_OK)
		rc = store_rollup_replay(c, true, lo, hi, unit_row, x, NULL, ei);
	if (rc == ERR_OK && x->oom)
		rc = err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	/* each request area's sums go to it and to its ancestors of then */
	for (size_t i = 0; rc == ERR_OK && i < x->groups.n; i++) {
		const struct acc_row *g = &x->groups.rows[i];
		int64_t id = g->key;
		for (int depth = 0; rc == ERR_OK && id > 0; depth++) {
			if (depth == CHAIN_MAX)
				return err_set(ei, ERR_INTERNAL, NULL, "the area tree has a cycle above area %lld",
				               (long long)g->key);
			if (!acc_add(&x->area, id, g->cat, g->c))
				return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
			rc = parent_at(c, x, id, lo, &id, ei);
		}
	}
	return rc;
}

static void report(struct verify *x, int64_t key, int64_t cat, const int64_t *stored,
                   const int64_t *recomputed)
{
	for (int i = 0; i < RC__MAX; i++) {
		int64_t s = stored ? stored[i] : 0, r = recomputed ? recomputed[i] : 0;
		if (s == r)
			continue;
		struct rollup_diff d = {.unit = x->merging_unit, .id = key, .category_id = cat,
		                        .counter = rq_counter_names[i], .stored = s, .recomputed = r};
		snprintf(d.day, sizeof d.day, "%s", x->day);
		x->v->differences++;
		x->fn(x->ctx, &d);
	}
}

/* A stored row, in (key, category) order: the recomputed rows before it
 * were never stored; the one equal to it is compared. */
static void stored_row(void *ctx, int64_t key, int64_t cat, const int64_t counts[RC__MAX])
{
	struct verify *x = ctx;
	const struct acc *a = x->merging;
	struct acc_row want = {.key = key, .cat = cat};
	x->v->rows++;
	while (x->at < a->n && row_order(&a->rows[x->at], &want) < 0) {
		report(x, a->rows[x->at].key, a->rows[x->at].cat, NULL, a->rows[x->at].c);
		x->at++;
	}
	if (x->at < a->n && row_order(&a->rows[x->at], &want) == 0) {
		report(x, key, cat, counts, a->rows[x->at].c);
		x->at++;
	} else {
		report(x, key, cat, counts, NULL);
	}
}

static enum err merge(struct store_conn *c, struct verify *x, bool unit, const char *day,
                      struct errinfo *ei)
{
	struct acc *a = unit ? &x->unit : &x->area;
	if (a->n > 1)
		qsort(a->rows, a->n, sizeof *a->rows, row_order);
	x->merging = a;
	x->at = 0;
	x->merging_unit = unit;
	x->day = day;
	enum err rc = store_rollup_rows(c, unit, day, stored_row, x, ei);
	for (; rc == ERR_OK && x->at < a->n; x->at++)
		report(x, a->rows[x->at].key, a->rows[x->at].cat, NULL, a->rows[x->at].c);
	return rc;
}

static void day_start(const struct app *app, int32_t day, char out[RQ_TIME])
{
	store_time_format((int64_t)day * 86400 - (int64_t)app->office.tz_offset_min * 60, out);
}

/* Replays the day's events (in pieces split at the tree's moves) and
 * compares both tables' rows of the day. A stored day that is no date has
 * no events: its rows are compared with nothing. */
static enum err verify_day(struct store_conn *c, struct verify *x, const char *day, bool is_date,
                           int32_t d, struct errinfo *ei)
{
	acc_reset(&x->area);
	acc_reset(&x->unit);
	enum err rc = ERR_OK;
	if (is_date) {
		char lo[RQ_TIME], hi[RQ_TIME];
		day_start(x->app, d, lo);
		day_start(x->app, d + 1, hi);
		const char *from = lo;
		for (size_t i = 0; rc == ERR_OK && i < x->nmoves; i++)
			if (strcmp(x->moves[i].at, lo) > 0 && strcmp(x->moves[i].at, hi) < 0) {
				rc = replay_piece(c, x, from, x->moves[i].at, ei);
				from = x->moves[i].at;
			}
		if (rc == ERR_OK)
			rc = replay_piece(c, x, from, hi, ei);
	}
	x->v->days++;
	if (rc == ERR_OK)
		rc = merge(c, x, false, day, ei);
	if (rc == ERR_OK)
		rc = merge(c, x, true, day, ei);
	return rc;
}

static enum err verify_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct verify *x = arg;
	enum err rc = store_rollup_moves(c, move_row, x, ei);
	if (rc == ERR_OK && x->oom)
		rc = err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	if (rc != ERR_OK)
		return rc;
	if (x->nmoves > 0) {
		x->by_area = malloc(x->nmoves * sizeof *x->by_area);
		if (x->by_area == NULL)
			return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		memcpy(x->by_area, x->moves, x->nmoves * sizeof *x->by_area);
		qsort(x->by_area, x->nmoves, sizeof *x->by_area, move_by_area);
	}
	/* day by day, skipping the days with neither events nor stored rows */
	char at_from[RQ_TIME] = "", day_after[ROLLUP_DAY_MAX] = "";
	for (;;) {
		char next_at[RQ_TIME], next_day[ROLLUP_DAY_MAX];
		if ((rc = store_rollup_next(c, at_from, day_after, next_at, next_day, ei)) != ERR_OK)
			return rc;
		if (!next_at[0] && !next_day[0])
			return ERR_OK;
		if (next_day[0] && strcmp(next_day, day_after) <= 0) /* cut short: it would come again */
			return err_set(ei, ERR_INTERNAL, NULL, "a stored roll-up day is too long to be a day: %s…",
			               next_day);
		int32_t d_row = INT32_MAX, d_event = INT32_MAX;
		if (next_day[0] && date_parse(next_day, strlen(next_day), &d_row) != ERR_OK) {
			/* not a date: its rows stand alone */
			if ((rc = verify_day(c, x, next_day, false, 0, ei)) != ERR_OK)
				return rc;
			snprintf(day_after, sizeof day_after, "%s", next_day);
			continue;
		}
		if (next_at[0]) {
			int64_t t = store_time_parse(next_at);
			if (t == 0)
				return err_set(ei, ERR_INTERNAL, NULL, "an event's time is no time: %s", next_at);
			d_event = instant_local_date(t, x->app->office.tz_offset_min);
		}
		int32_t d = d_row < d_event ? d_row : d_event;
		char day[DATE_TEXT];
		date_format(d, day);
		if ((rc = verify_day(c, x, day, true, d, ei)) != ERR_OK)
			return rc;
		day_start(x->app, d + 1, at_from);
		snprintf(day_after, sizeof day_after, "%s", day);
	}
}

enum err rollup_verify(struct app *app, void (*fn)(void *ctx, const struct rollup_diff *d),
                       void *ctx, struct rollup_verdict *v, struct errinfo *ei)
{
	memset(v, 0, sizeof *v);
	struct verify *x = calloc(1, sizeof *x);
	if (x == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	x->app = app;
	x->fn = fn;
	x->ctx = ctx;
	x->v = v;
	enum err rc = store_read(app->store, verify_fn, x, ei);
	free(x->moves);
	free(x->by_area);
	free(x->parents);
	acc_free(&x->area);
	acc_free(&x->unit);
	acc_free(&x->groups);
	free(x);
	return rc;
}
