/* Point -> grid locator: prepared polygons in a GEOS STRtree, a
 * thread-local GEOS context per thread, and a refcounted slot to swap
 * indexes under readers. Knows nothing of HTTP or the store. */
#include "geo/grid_index.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geojson.h"
#include "util/log.h"
#include "util/strbuf.h"

/* Children per STRtree node; GEOS's own default. */
#define GRID_TREE_NODE_CAPACITY 10

struct grid_entry {
	int64_t area_id;
	GEOSGeometry *geom;
	const GEOSPreparedGeometry *prep;
};

struct grid_index {
	struct grid_entry *entries; /* fixed once built: the tree points into it */
	size_t n, skipped;
	GEOSSTRtree *tree; /* NULL when n == 0 */
	/* Readers pinning this index in a grid_index_ref, plus one for the
	 * slot itself. Bookkeeping only: the spatial part never changes. */
	atomic_size_t refs;
};

/* --- the thread's GEOS context ------------------------------------- */

/* GEOS contexts must not be shared between threads. _Thread_local gives
 * the fast lookup; the pthread key exists only for its destructor, which
 * finishes the context when the thread exits (C11 has no TLS destructor). */
static _Thread_local GEOSContextHandle_t tls_geos;
static pthread_key_t geos_key;
static pthread_once_t geos_key_once = PTHREAD_ONCE_INIT;
static bool geos_key_ok;
/* GEOS_init_r writes a process-wide flag without a lock (libgeos/geos
 * #1311): serialise the rare creations. */
static pthread_mutex_t geos_init_lock = PTHREAD_MUTEX_INITIALIZER;

static void geos_ctx_destroy(void *h)
{
	GEOS_finish_r(h);
	tls_geos = NULL;
}

static void geos_key_create(void)
{
	geos_key_ok = pthread_key_create(&geos_key, geos_ctx_destroy) == 0;
}

GEOSContextHandle_t geo_context(void)
{
	if (tls_geos != NULL)
		return tls_geos;
	pthread_once(&geos_key_once, geos_key_create);
	pthread_mutex_lock(&geos_init_lock);
	GEOSContextHandle_t h = GEOS_init_r();
	pthread_mutex_unlock(&geos_init_lock);
	if (h == NULL)
		return NULL;
	if (!geos_key_ok || pthread_setspecific(geos_key, h) != 0) {
		/* without a destructor it would leak once per thread: refuse */
		GEOS_finish_r(h);
		return NULL;
	}
	tls_geos = h;
	return h;
}

/* --- build ------------------------------------------------------------ */

static void log_skipped(int64_t area_id, const char *why)
{
	struct strbuf sb;
	strbuf_init(&sb, 512);
	strbuf_add_json_str(&sb, why, strlen(why));
	log_warn("grid shape skipped", "\"area_id\":%lld,\"reason\":\"%s\"", (long long)area_id,
	         sb.buf != NULL ? sb.buf : "");
	strbuf_free(&sb);
}

/* Parses and prepares one shape; returns false (after logging) to skip. */
static bool entry_make(GEOSContextHandle_t h, const struct grid_shape *s, struct grid_entry *e)
{
	struct errinfo ei;
	if (s->area_id <= 0 || s->geojson == NULL) {
		log_skipped(s->area_id, s->area_id <= 0 ? "area_id must be > 0" : "no boundary");
		return false;
	}
	json_error_t jerr;
	json_t *j = json_loads(s->geojson, 0, &jerr);
	if (j == NULL) {
		log_skipped(s->area_id, jerr.text);
		return false;
	}
	err_clear(&ei);
	GEOSGeometry *g = NULL;
	enum err rc = geojson_to_geos(h, j, CRS_WGS84, &g, &ei);
	json_decref(j);
	if (rc != ERR_OK) {
		log_skipped(s->area_id, ei.message);
		return false;
	}
	const GEOSPreparedGeometry *prep = GEOSPrepare_r(h, g);
	if (prep == NULL) {
		GEOSGeom_destroy_r(h, g);
		log_skipped(s->area_id, "geometry library failed to prepare the boundary");
		return false;
	}
	*e = (struct grid_entry){s->area_id, g, prep};
	return true;
}

/* Runs the hot-path predicate once on a point inside the shape, so that
 * GEOS's lazily built parts (the point-in-area index of a prepared polygon,
 * a MultiPolygon's cached envelope) exist before any reader shares them.
 * Checked under helgrind with GEOS 3.11.1: without this, concurrent first
 * queries race in PreparedPolygon::getPointLocator and
 * IndexedPointInAreaLocator::buildIndex; with it, what remains is GEOS's
 * own default-factory refcount and interrupt flag (benign, in every
 * threaded GEOS 3.11 user) and our frees, which helgrind cannot see are
 * ordered by the atomic refcount below. */
static void entry_warm(GEOSContextHandle_t h, const struct grid_entry *e)
{
	GEOSGeometry *p = GEOSPointOnSurface_r(h, e->geom);
	if (p != NULL) {
		(void)GEOSPreparedCovers_r(h, e->prep, p);
		GEOSGeom_destroy_r(h, p);
	}
}

static void noop_visit(void *item, void *userdata)
{
	(void)item;
	(void)userdata;
}

enum err grid_index_build(const struct grid_shape *shapes, size_t n, struct grid_index **out,
                          struct errinfo *ei)
{
	*out = NULL;
	GEOSContextHandle_t h = geo_context();
	struct grid_index *ix = calloc(1, sizeof *ix);
	if (h == NULL || ix == NULL)
		goto internal;
	atomic_init(&ix->refs, 0);
	if ((ix->entries = calloc(n ? n : 1, sizeof *ix->entries)) == NULL)
		goto internal;
	for (size_t i = 0; i < n; i++) {
		if (entry_make(h, &shapes[i], &ix->entries[ix->n]))
			ix->n++;
		else
			ix->skipped++;
	}
	if (ix->n == 0)
		goto done;

	if ((ix->tree = GEOSSTRtree_create_r(h, GRID_TREE_NODE_CAPACITY)) == NULL)
		goto internal;
	for (size_t i = 0; i < ix->n; i++)
		GEOSSTRtree_insert_r(h, ix->tree, ix->entries[i].geom, &ix->entries[i]);
	/* the tree packs itself on its first query: do that one here */
	GEOSSTRtree_query_r(h, ix->tree, ix->entries[0].geom, noop_visit, NULL);
	for (size_t i = 0; i < ix->n; i++)
		entry_warm(h, &ix->entries[i]);
done:
	if (ix->skipped > 0)
		log_warn("grid index built with shapes skipped", "\"indexed\":%zu,\"skipped\":%zu", ix->n,
		         ix->skipped);
	*out = ix;
	return ERR_OK;
internal:
	grid_index_free(ix);
	return err_set(ei, ERR_INTERNAL, NULL, "could not build the grid index");
}

size_t grid_index_size(const struct grid_index *ix)
{
	return ix != NULL ? ix->n : 0;
}

size_t grid_index_skipped(const struct grid_index *ix)
{
	return ix != NULL ? ix->skipped : 0;
}

/* --- locate ----------------------------------------------------------- */

struct locate_query {
	GEOSContextHandle_t h;
	const GEOSGeometry *pt;
	int64_t best; /* lowest covering area_id so far, 0 for none */
};

/* Called for each shape whose envelope holds the point. Every candidate is
 * visited (tree order is not id order), keeping the lowest id that covers
 * the point; covers, not contains, so a border point belongs somewhere. */
static void locate_visit(void *item, void *userdata)
{
	const struct grid_entry *e = item;
	struct locate_query *q = userdata;
	if (q->best != 0 && e->area_id >= q->best)
		return; /* cannot win: skip the test */
	if (GEOSPreparedCovers_r(q->h, e->prep, q->pt) == 1)
		q->best = e->area_id;
}

int64_t grid_index_locate(const struct grid_index *ix, double lng, double lat)
{
	if (ix == NULL || ix->tree == NULL || !isfinite(lng) || !isfinite(lat))
		return 0;
	GEOSContextHandle_t h = geo_context();
	if (h == NULL)
		return 0;
	GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, lng, lat);
	if (pt == NULL)
		return 0;
	struct locate_query q = {h, pt, 0};
	GEOSSTRtree_query_r(h, ix->tree, pt, locate_visit, &q);
	GEOSGeom_destroy_r(h, pt);
	return q.best;
}

void grid_index_free(struct grid_index *ix)
{
	if (ix == NULL)
		return;
	GEOSContextHandle_t h = geo_context();
	/* Without a context nothing can be freed through GEOS; leaking beats
	 * crashing, and geos_ctx fails only when memory is gone. */
	if (h != NULL) {
		if (ix->tree != NULL)
			GEOSSTRtree_destroy_r(h, ix->tree);
		for (size_t i = 0; ix->entries != NULL && i < ix->n; i++) {
			GEOSPreparedGeom_destroy_r(h, ix->entries[i].prep);
			GEOSGeom_destroy_r(h, ix->entries[i].geom);
		}
	}
	free(ix->entries);
	free(ix);
}

/* --- the swappable slot ----------------------------------------------- */

struct grid_index_ref {
	pthread_mutex_t lock; /* guards cur and taking a reference to it */
	struct grid_index *cur;
};

struct grid_index_ref *grid_index_ref_new(void)
{
	struct grid_index_ref *ref = calloc(1, sizeof *ref);
	if (ref == NULL)
		return NULL;
	if (pthread_mutex_init(&ref->lock, NULL) != 0) {
		free(ref);
		return NULL;
	}
	return ref;
}

static void index_unpin(struct grid_index *ix)
{
	/* the last one out frees; acq_rel orders every reader's queries
	 * before the free */
	if (ix != NULL && atomic_fetch_sub_explicit(&ix->refs, 1, memory_order_acq_rel) == 1)
		grid_index_free(ix);
}

void grid_index_ref_set(struct grid_index_ref *ref, struct grid_index *ix)
{
	if (ix != NULL)
		atomic_store(&ix->refs, 1); /* the slot's own reference */
	pthread_mutex_lock(&ref->lock);
	struct grid_index *old = ref->cur;
	ref->cur = ix;
	pthread_mutex_unlock(&ref->lock);
	index_unpin(old); /* outside the lock: freeing 10,000 shapes takes a while */
}

int64_t grid_index_ref_locate(struct grid_index_ref *ref, double lng, double lat, size_t *size_out)
{
	/* The mutex covers only reading the pointer and pinning it, so a swap
	 * never waits on a query and a query never waits on a free. */
	pthread_mutex_lock(&ref->lock);
	struct grid_index *ix = ref->cur;
	if (ix != NULL)
		atomic_fetch_add_explicit(&ix->refs, 1, memory_order_relaxed);
	pthread_mutex_unlock(&ref->lock);

	int64_t id = grid_index_locate(ix, lng, lat);
	if (size_out != NULL)
		*size_out = grid_index_size(ix);
	index_unpin(ix);
	return id;
}

void grid_index_ref_free(struct grid_index_ref *ref)
{
	if (ref == NULL)
		return;
	index_unpin(ref->cur);
	pthread_mutex_destroy(&ref->lock);
	free(ref);
}
