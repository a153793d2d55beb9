#include "demo/request_clones.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "demo/names.h"
#include "domain/areas.h"
#include "store/areas.h"
#include "store/requests.h"
#include "util/clock.h"
#include "util/worktime.h"

/* Clones a transaction: bigger ones spent more on each statement's
 * savepoint than they saved on commits (1000: 1,310/s, 5000: 1,105/s,
 * 100: 701/s, on a district). */
#define BATCH 1000
#define CHAIN 4 /* grid, community, street, district */
#define MAX_AREAS 65536 /* the districts, streets, communities and grids of a city */

/* --- the city: each grid and its chain up to the district ------------------------------- */

struct node {
	int64_t id, parent;
	int level;
	char code[AREA_CODE_MAX + 1];
	bool has_point;
	double lng, lat;
};

struct city {
	struct node *v;
	int n;
	int *grids; /* indexes of the grids in v */
	int ngrids;
};

static void add_node(void *ctx, const struct area_row *a)
{
	struct city *w = ctx;
	if (w->n >= MAX_AREAS)
		return;
	struct node *x = &w->v[w->n++];
	x->id = a->id;
	x->parent = a->parent_id;
	x->level = a->level;
	snprintf(x->code, sizeof x->code, "%s", a->code);
	x->has_point = a->has_point;
	x->lng = a->lng;
	x->lat = a->lat;
}

static int node_of(const struct city *w, int64_t id)
{
	for (int i = 0; i < w->n; i++) /* once per grid and template at start-up */
		if (w->v[i].id == id)
			return i;
	return -1;
}

/* The ids of grid g's chain: grid, community, street, district (0 past the top). */
static void chain_of(const struct city *w, int g, int64_t out[CHAIN])
{
	int i = g;
	for (int k = 0; k < CHAIN; k++) {
		out[k] = i >= 0 ? w->v[i].id : 0;
		i = i >= 0 ? node_of(w, w->v[i].parent) : -1;
	}
}

/* --- templates ----------------------------------------------------------------------------- */

struct tevent {
	struct request_event_row row;
	char *note, *data;
	json_t *json;        /* set when data names an owner area to move with the clone */
	int64_t counts[RC__MAX], unit_counts[RC__MAX], unit;
	bool any, any_unit;
};

struct template {
	struct request_row *row;
	int64_t chain[CHAIN];
	struct tevent *ev;
	int nev, cap;
	struct request_party_row *party;
	int nparty;
};

struct load {
	struct city *w;
	struct template *t;
	int n, max;
	int64_t (*chains)[CHAIN]; /* per grid index, filled lazily: -1 marks unknown */
};

static void add_template(void *ctx, const struct request_row *r)
{
	struct load *L = ctx;
	if (L->n >= L->max || r->merged_into > 0)
		return;
	struct request_row *copy = malloc(sizeof *copy);
	if (copy == NULL)
		return;
	*copy = *r;
	L->t[L->n++].row = copy;
}

static void read_counts(json_t *obj, int64_t out[RC__MAX], bool *any)
{
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v)
	{
		for (int i = 0; i < RC__MAX; i++)
			if (strcmp(k, rq_counter_names[i]) == 0 && json_is_integer(v)) {
				out[i] += json_integer_value(v);
				*any = true;
			}
	}
}

static void add_event(void *ctx, const struct request_event_row *e)
{
	struct template *t = ctx;
	if (t->nev == t->cap) {
		int cap = t->cap ? t->cap * 2 : 8;
		struct tevent *ev = realloc(t->ev, (size_t)cap * sizeof *ev);
		if (ev == NULL)
			return;
		t->ev = ev;
		t->cap = cap;
	}
	struct tevent *x = &t->ev[t->nev];
	memset(x, 0, sizeof *x);
	x->row = *e;
	x->note = strdup(e->note ? e->note : "");
	x->data = strdup(e->data ? e->data : "{}");
	if (x->note == NULL || x->data == NULL) {
		free(x->note);
		free(x->data);
		return;
	}
	json_t *d = json_loads(x->data, 0, NULL);
	if (d != NULL) {
		json_t *c = json_object_get(d, "counts");
		if (json_is_object(c))
			read_counts(c, x->counts, &x->any);
		json_t *u = json_object_get(d, "unit");
		json_t *uc = json_object_get(d, "unit_counts");
		if (json_is_integer(u) && json_is_object(uc)) {
			x->unit = json_integer_value(u);
			read_counts(uc, x->unit_counts, &x->any_unit);
		}
		if (json_object_get(d, "owner_area_id") != NULL)
			x->json = d;
		else
			json_decref(d);
	}
	t->nev++;
}

static void add_party(void *ctx, const struct request_party_row *p)
{
	struct template *t = ctx;
	struct request_party_row *v = realloc(t->party, (size_t)(t->nparty + 1) * sizeof *v);
	if (v == NULL)
		return;
	t->party = v;
	t->party[t->nparty++] = *p;
}

static void template_free(struct template *t)
{
	for (int i = 0; i < t->nev; i++) {
		free(t->ev[i].note);
		free(t->ev[i].data);
		json_decref(t->ev[i].json);
	}
	free(t->ev);
	free(t->party);
	free(t->row);
}

static enum err load_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct load *L = arg;
	enum err rc;
	/* districts, streets, communities and grids (not the buildings below) */
	for (int level = AREA_DISTRICT; level <= AREA_GRID; level++)
		if ((rc = store_area_subtree(c, "", level, NULL, MAX_AREAS, add_node, L->w, ei)) != ERR_OK)
			return rc;
	for (int i = 0; i < L->w->n; i++)
		if (L->w->v[i].level == AREA_GRID)
			L->w->grids[L->w->ngrids++] = i;
	struct request_filter f = {.everything = true, .overdue = -1, .supervised = -1, .limit = L->max};
	if ((rc = store_request_list(c, &f, add_template, L, ei)) != ERR_OK)
		return rc;
	for (int i = 0; i < L->n; i++) {
		struct template *t = &L->t[i];
		if ((rc = store_request_events(c, t->row->id, add_event, t, ei)) != ERR_OK ||
		    (rc = store_request_parties(c, t->row->id, add_party, t, ei)) != ERR_OK)
			return rc;
	}
	return ERR_OK;
}

/* --- roll-up deltas of a batch, summed by (area or department, day, category) ------------- */

struct sum {
	bool used, unit;
	int64_t id, cat;
	int32_t day;
	int64_t counts[RC__MAX];
};

struct sums {
	struct sum *v;
	size_t mask;
	size_t *used; /* the slots taken, in order: cleared and written without a walk of all */
	size_t nused;
};

static struct sum *sum_at(struct sums *s, bool unit, int64_t id, int32_t day, int64_t cat)
{
	uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ULL ^ (uint64_t)day * 0xC2B2AE3D27D4EB4FULL ^
	             (uint64_t)cat * 0x165667B19E3779F9ULL ^ (unit ? 0xABCDEFULL : 0);
	for (size_t i = h & s->mask;; i = (i + 1) & s->mask) {
		struct sum *x = &s->v[i];
		if (!x->used) {
			x->used = true;
			x->unit = unit;
			x->id = id;
			x->day = day;
			x->cat = cat;
			memset(x->counts, 0, sizeof x->counts);
			s->used[s->nused++] = i;
			return x;
		}
		if (x->unit == unit && x->id == id && x->day == day && x->cat == cat)
			return x;
	}
}

static void sum_add(int64_t to[RC__MAX], const int64_t d[RC__MAX])
{
	for (int i = 0; i < RC__MAX; i++)
		to[i] += d[i];
}

/* --- cloning ------------------------------------------------------------------------------------ */

struct batch {
	struct app *app;
	const struct city *w;
	struct template *t;
	int nt;
	int64_t (*grid_chain)[CHAIN];
	struct demo_rng *r;
	int shift_days;
	int64_t n, code_next;
	struct sums sums;
	int64_t events;
};

static void shift(char at[RQ_TIME], int64_t by)
{
	int64_t t = at[0] ? store_time_parse(at) : 0;
	if (t > 0)
		store_time_format(t + by, at);
}

/* A tracking code from a counter: the counter times a number prime to
 * 31^10, written in the code's 31 letters, is a different code each time. */
static void clone_code(int64_t k, char out[RQ_TRACKING_LEN + 1])
{
	static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
	const unsigned __int128 space = 819628286980801ULL; /* 31^10 */
	uint64_t v = (uint64_t)(((unsigned __int128)(uint64_t)k * 2654435761ULL + 97) % space);
	for (int i = RQ_TRACKING_LEN - 1; i >= 0; i--) {
		out[i] = alphabet[v % 31];
		v /= 31;
	}
	out[RQ_TRACKING_LEN] = '\0';
}

static int64_t remap(int64_t id, const int64_t from[CHAIN], const int64_t to[CHAIN])
{
	for (int k = 0; k < CHAIN; k++)
		if (id != 0 && id == from[k])
			return to[k];
	return id;
}

static enum err clone_one(struct store_conn *c, struct batch *b, struct request_row *row,
                          struct errinfo *ei)
{
	const struct template *t = &b->t[demo_rng_int(b->r, 0, b->nt - 1)];
	int g = demo_rng_int(b->r, 0, b->w->ngrids - 1);
	const struct node *grid = &b->w->v[b->w->grids[g]];
	const int64_t *to = b->grid_chain[g];
	int64_t by = -(int64_t)demo_rng_int(b->r, 0, b->shift_days) * 86400;
	*row = *t->row;
	row->id = 0;
	clone_code(b->code_next++, row->tracking_code);
	row->area_id = grid->id;
	snprintf(row->area_code, sizeof row->area_code, "%s", grid->code);
	row->has_point = grid->has_point;
	row->lng = grid->lng;
	row->lat = grid->lat;
	row->owner_area_id = remap(row->owner_area_id, t->chain, to);
	char *times[] = {row->due_at,      row->handle_due_at,   row->sweep_at,    row->paused_at,
	                 row->rated_at,    row->created_at,      row->dispatched_at, row->acknowledged_at,
	                 row->resolved_at, row->closed_at,       row->updated_at};
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
		shift(times[i], by);
	enum err rc = store_request_insert(c, row, NULL, NULL, ei);
	bool won = false;
	if (rc == ERR_OK && (rc = store_request_update(c, row, &won, ei)) == ERR_OK && !won)
		rc = err_set(ei, ERR_INTERNAL, NULL, "a clone changed under its own transaction");
	if (rc != ERR_OK)
		return rc;
	for (int i = 0; i < t->nev; i++) {
		const struct tevent *x = &t->ev[i];
		struct request_event_row e = x->row;
		e.request_id = row->id;
		shift(e.at, by);
		e.owner_area_id = remap(e.owner_area_id, t->chain, to);
		e.note = x->note;
		e.data = x->data;
		char *moved = NULL;
		if (x->json != NULL) {
			json_t *d = json_deep_copy(x->json);
			json_t *o = d ? json_object_get(d, "owner_area_id") : NULL;
			if (json_is_integer(o))
				json_object_set_new(d, "owner_area_id",
				                    json_integer(remap(json_integer_value(o), t->chain, to)));
			moved = d ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
			json_decref(d);
			if (moved == NULL)
				return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
			e.data = moved;
		}
		rc = store_request_event_add(c, &e, ei);
		free(moved);
		if (rc != ERR_OK)
			return rc;
		b->events++;
		/* the deltas, on the event's local day, to the grid and every ancestor */
		int32_t day = instant_local_date(store_time_parse(e.at), b->app->office.tz_offset_min);
		if (x->any)
			for (int k = 0; k < CHAIN && to[k] != 0; k++)
				sum_add(sum_at(&b->sums, false, to[k], day, row->category_top_id)->counts, x->counts);
		if (x->any_unit)
			sum_add(sum_at(&b->sums, true, x->unit, day, row->category_top_id)->counts,
			        x->unit_counts);
	}
	for (int i = 0; i < t->nparty; i++) {
		struct request_party_row p = t->party[i];
		p.request_id = row->id;
		shift(p.created_at, by);
		shift(p.updated_at, by);
		if ((rc = store_request_party_add(c, &p, ei)) != ERR_OK)
			return rc;
	}
	return ERR_OK;
}

static enum err batch_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct batch *b = arg;
	struct request_row *row = malloc(sizeof *row);
	if (row == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	enum err rc = ERR_OK;
	for (int64_t i = 0; i < b->n && rc == ERR_OK; i++)
		rc = clone_one(c, b, row, ei);
	free(row);
	for (size_t i = 0; rc == ERR_OK && i < b->sums.nused; i++) {
		struct sum *s = &b->sums.v[b->sums.used[i]];
		char day[11];
		date_format(s->day, day);
		rc = store_request_rollup_add(c, s->unit, &s->id, 1, day, s->cat, s->counts, ei);
	}
	return rc;
}

enum err demo_request_clones(struct app *app, int64_t n, int max_templates, int shift_days,
                             uint64_t seed, void (*progress)(void *ctx, int64_t done),
                             void *progress_ctx, struct request_clone_stats *out,
                             struct errinfo *ei)
{
	memset(out, 0, sizeof *out);
	if (max_templates <= 0 || n < 0 || shift_days < 0)
		return err_set(ei, ERR_INVALID, "templates", "clones need at least one template");
	int64_t t0 = clock_mono_ns();
	struct city w = {.v = calloc(MAX_AREAS, sizeof(struct node)),
	                 .grids = calloc(MAX_AREAS, sizeof(int))};
	struct load L = {.w = &w, .max = max_templates,
	                 .t = calloc((size_t)max_templates, sizeof(struct template))};
	struct batch b = {.app = app, .w = &w, .shift_days = shift_days};
	enum err rc = ERR_OK;
	if (w.v == NULL || w.grids == NULL || L.t == NULL) {
		rc = err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		goto done;
	}
	if ((rc = store_read(app->store, load_fn, &L, ei)) != ERR_OK)
		goto done;
	if (w.ngrids == 0 || L.n == 0) {
		rc = err_set(ei, ERR_INVALID, "requests", "cloning needs grids and requests made before");
		goto done;
	}
	/* the templates' own chains (a template filed below a grid is left out) */
	int nt = 0;
	for (int i = 0; i < L.n; i++) {
		int g = node_of(&w, L.t[i].row->area_id);
		if (g >= 0 && w.v[g].level == AREA_GRID) {
			chain_of(&w, g, L.t[i].chain);
			L.t[nt++] = L.t[i];
		} else {
			template_free(&L.t[i]);
		}
	}
	L.n = nt;
	if (nt == 0) {
		rc = err_set(ei, ERR_INVALID, "requests", "no request on a grid to clone");
		goto done;
	}
	/* a batch's sums: each event adds to at most CHAIN areas and a
	 * department; the table stays at most half full */
	int maxev = 1;
	for (int i = 0; i < nt; i++)
		maxev = L.t[i].nev > maxev ? L.t[i].nev : maxev;
	size_t most = (size_t)BATCH * (size_t)maxev * (CHAIN + 1), slots = 64;
	while (slots < most * 2)
		slots *= 2;
	b.sums.v = calloc(slots, sizeof *b.sums.v);
	b.sums.used = calloc(most, sizeof *b.sums.used);
	b.sums.mask = slots - 1;
	b.grid_chain = calloc((size_t)w.ngrids, sizeof *b.grid_chain);
	if (b.grid_chain == NULL || b.sums.v == NULL || b.sums.used == NULL) {
		rc = err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		goto done;
	}
	for (int g = 0; g < w.ngrids; g++)
		chain_of(&w, w.grids[g], b.grid_chain[g]);
	out->templates = nt;
	b.t = L.t;
	b.nt = nt;
	struct demo_rng r;
	demo_rng_seed(&r, seed, 0xC10E);
	b.r = &r;
	b.code_next = (int64_t)(seed % 1000003) * 1000000007LL;
	for (int64_t done = 0; done < n;) {
		b.n = n - done < BATCH ? n - done : BATCH;
		for (size_t i = 0; i < b.sums.nused; i++)
			b.sums.v[b.sums.used[i]].used = false;
		b.sums.nused = 0;
		int64_t events = b.events;
		if ((rc = store_write(app->store, batch_fn, &b, ei)) != ERR_OK) {
			b.events = events;
			goto done;
		}
		done += b.n;
		out->requests = done;
		out->events = b.events;
		if (progress)
			progress(progress_ctx, done);
	}
done:
	for (int i = 0; i < L.n; i++)
		template_free(&L.t[i]);
	free(L.t);
	free(b.grid_chain);
	free(b.sums.v);
	free(b.sums.used);
	free(w.v);
	free(w.grids);
	out->seconds = (double)(clock_mono_ns() - t0) / 1e9;
	return rc;
}
