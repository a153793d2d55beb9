/* GeoJSON Polygon/MultiPolygon <-> GEOS geometry, with the CRS conversion
 * at the edge so that every stored geometry is WGS-84. Uses only the
 * re-entrant GEOS API: the caller passes its own thread's context handle.
 * Thread-safe as long as each thread uses its own handle. */
#ifndef LINLI_GEO_GEOJSON_H
#define LINLI_GEO_GEOJSON_H

#include <geos_c.h>
#include <jansson.h>

#include "geo/coord.h"
#include "util/err.h"

/* Positions in one geometry, all rings together: refused past it. */
#define GEOJSON_MAX_POINTS 100000

/* Parses a GeoJSON geometry object ({"type": "Polygon"|"MultiPolygon",
 * "coordinates": ...}) given in `crs` into a valid WGS-84 GEOS geometry.
 * Positions are [lng, lat] numbers (a third, altitude, is allowed by RFC
 * 7946 and dropped). On success *out is the caller's (GEOSGeom_destroy_r).
 * On bad input returns ERR_INVALID with field "boundary" and a reason that
 * names the place (e.g. "coordinates[0][1]: ring does not close") or, for
 * a geometry GEOS finds invalid, GEOS's reason ("Self-intersection[x y]",
 * in WGS-84); ERR_INTERNAL if GEOS itself fails. *out is NULL on error. */
enum err geojson_to_geos(GEOSContextHandle_t h, json_t *geometry, enum coord_crs crs,
                         GEOSGeometry **out, struct errinfo *ei);

/* A new GeoJSON geometry object for a Polygon or MultiPolygon (converted
 * to GCJ-02 if crs says so), coordinates rounded to 7 decimals (~1 cm).
 * The caller owns the reference (json_decref). NULL for another geometry
 * type or on failure. */
json_t *geojson_from_geos(GEOSContextHandle_t h, const GEOSGeometry *g, enum coord_crs crs);

/* A label point of g in WGS-84 that is guaranteed to lie inside it (GEOS's
 * point on surface, not the centre of mass, which can fall in a hole or
 * outside a crescent). ERR_INVALID for an empty geometry, ERR_INTERNAL if
 * GEOS fails. */
enum err geojson_centroid(GEOSContextHandle_t h, const GEOSGeometry *g, double *lng, double *lat,
                          struct errinfo *ei);

#endif
