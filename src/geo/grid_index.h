/* The point -> grid locator behind GET /api/v1/areas/locate: an STRtree of
 * prepared GEOS polygons, built once from WGS-84 GeoJSON and then only
 * read, by every server thread at once. Rebuilt, not edited, when
 * boundaries change; grid_index_ref swaps the new one in under readers.
 * Each thread uses its own GEOS context (thread-local, made on first use,
 * finished when the thread exits); callers never see GEOS. */
#ifndef LINLI_GEO_GRID_INDEX_H
#define LINLI_GEO_GRID_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include <geos_c.h>

#include "util/err.h"

struct grid_index; /* opaque, immutable once built */

struct grid_shape {
	int64_t area_id;     /* > 0 */
	const char *geojson; /* WGS-84 GeoJSON Polygon/MultiPolygon text */
};

/* Builds an index over shapes (which are only read, and may be freed after
 * the call). A shape that does not parse, is not a valid polygon or has
 * area_id <= 0 is skipped, counted and logged at warn; one bad shape never
 * fails the build. ERR_INTERNAL only when memory or GEOS fails. On success
 * *out is the caller's (grid_index_free, or hand it to grid_index_ref_set).
 * The build also runs one query per shape: GEOS builds a prepared
 * geometry's point index and the tree itself lazily on first use, which is
 * not safe to race, so no reader ever sees them unbuilt (libgeos/geos#825). */
enum err grid_index_build(const struct grid_shape *shapes, size_t n, struct grid_index **out,
                          struct errinfo *ei);

/* Shapes indexed, and shapes skipped by the build. */
size_t grid_index_size(const struct grid_index *ix);
size_t grid_index_skipped(const struct grid_index *ix);

/* The area_id of the polygon covering (lng, lat), WGS-84; 0 if none, if
 * ix is NULL or the point is not finite. A point on a border (or in two
 * overlapping shapes) goes to the lowest area_id among them, so the answer
 * never depends on build order. A point in a hole is not in the holed
 * polygon. Thread-safe; allocates only GEOS's query point and GEOS's own
 * per-query scratch. */
int64_t grid_index_locate(const struct grid_index *ix, double lng, double lat);

/* Frees the index; NULL is fine. No query may be running on it. */
void grid_index_free(struct grid_index *ix);

/* A slot holding the current index for concurrent readers. A reader pins
 * the index it found (refcount taken under a short mutex), queries without
 * any lock, and unpins; a swap frees the old index when its last reader
 * unpins. All functions thread-safe except _free, which must come last. */
struct grid_index_ref;

/* NULL if out of memory. Starts empty (locate answers 0, size 0). */
struct grid_index_ref *grid_index_ref_new(void);
/* Installs ix (taking ownership; NULL empties the slot). The previous index
 * is freed now if no reader holds it, else by its last reader. */
void grid_index_ref_set(struct grid_index_ref *ref, struct grid_index *ix);
/* grid_index_locate on the current index; *size_out (if not NULL) gets
 * that same index's grid_index_size, 0 when the slot is empty. */
int64_t grid_index_ref_locate(struct grid_index_ref *ref, double lng, double lat, size_t *size_out);
/* Frees the slot and its index; NULL is fine. No reader may be running. */
void grid_index_ref_free(struct grid_index_ref *ref);

/* The calling thread's GEOS context, made on first use and finished when the
 * thread exits (GEOS contexts must not be shared; creating one takes a lock).
 * NULL if GEOS cannot start. */
GEOSContextHandle_t geo_context(void);

#endif
