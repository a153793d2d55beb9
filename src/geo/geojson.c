/* GeoJSON geometry <-> GEOS. Input is checked in one pass over the JSON
 * before anything is allocated, so a refusal names the exact ring and
 * position; GEOS then judges topology (self-intersection, holes outside
 * the shell, overlapping parts). Only *_r GEOS calls: no global context. */
#include "geo/geojson.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

#define FIELD "boundary"

/* "coordinates[2]" for a Polygon ring, "coordinates[1][2]" for a ring of
 * a MultiPolygon part (poly >= 0). */
static void ring_path(char *buf, size_t n, int poly, size_t ring)
{
	if (poly < 0)
		snprintf(buf, n, "coordinates[%zu]", ring);
	else
		snprintf(buf, n, "coordinates[%d][%zu]", poly, ring);
}

/* A position is [lng, lat] or [lng, lat, alt], all numbers. */
static int position_get(const json_t *pos, double *lng, double *lat)
{
	if (!json_is_array(pos))
		return -1;
	size_t n = json_array_size(pos);
	if (n < 2 || n > 3)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!json_is_number(json_array_get(pos, i)))
			return -1;
	*lng = json_number_value(json_array_get(pos, 0));
	*lat = json_number_value(json_array_get(pos, 1));
	return 0;
}

/* Checks one polygon's array of rings; adds its positions to *total. */
static enum err polygon_check(const json_t *rings, int poly, size_t *total, struct errinfo *ei)
{
	char path[64];
	if (poly < 0)
		snprintf(path, sizeof path, "coordinates");
	else
		snprintf(path, sizeof path, "coordinates[%d]", poly);
	if (!json_is_array(rings))
		return err_set(ei, ERR_INVALID, FIELD, "%s: a polygon must be an array of rings", path);
	if (json_array_size(rings) == 0)
		return err_set(ei, ERR_INVALID, FIELD, "%s: a polygon needs at least one ring", path);

	for (size_t r = 0; r < json_array_size(rings); r++) {
		const json_t *ring = json_array_get(rings, r);
		ring_path(path, sizeof path, poly, r);
		if (!json_is_array(ring))
			return err_set(ei, ERR_INVALID, FIELD,
			               "%s: a ring must be an array of [lng, lat] positions", path);
		size_t n = json_array_size(ring);
		/* Counted before the positions are walked, so a huge ring is
		 * refused without touching it. */
		*total += n;
		if (*total > GEOJSON_MAX_POINTS)
			return err_set(ei, ERR_INVALID, FIELD,
			               "boundary has more than %d positions", GEOJSON_MAX_POINTS);
		if (n < 4)
			return err_set(ei, ERR_INVALID, FIELD,
			               "%s: a ring needs at least 4 positions, got %zu", path, n);
		for (size_t i = 0; i < n; i++) {
			double lng, lat;
			if (position_get(json_array_get(ring, i), &lng, &lat) != 0)
				return err_set(ei, ERR_INVALID, FIELD,
				               "%s[%zu]: a position must be [lng, lat] numbers", path, i);
			const char *why = coord_check(lng, lat);
			if (why != NULL)
				return err_set(ei, ERR_INVALID, FIELD, "%s[%zu]: %s", path, i, why);
		}
		double lng0, lat0, lngn, latn;
		position_get(json_array_get(ring, 0), &lng0, &lat0);
		position_get(json_array_get(ring, n - 1), &lngn, &latn);
		if (lng0 != lngn || lat0 != latn)
			return err_set(ei, ERR_INVALID, FIELD,
			               "%s: ring does not close (first position differs from last)",
			               path);
	}
	return ERR_OK;
}

/* A linear ring from checked JSON, converted to WGS-84. Conversion is a
 * function of the position, so a closed ring stays exactly closed. */
static GEOSGeometry *ring_build(GEOSContextHandle_t h, const json_t *ring, enum coord_crs crs)
{
	size_t n = json_array_size(ring);
	GEOSCoordSequence *seq = GEOSCoordSeq_create_r(h, (unsigned)n, 2);
	if (seq == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		double lng, lat;
		position_get(json_array_get(ring, i), &lng, &lat);
		if (crs == CRS_GCJ02)
			coord_gcj02_to_wgs84(lng, lat, &lng, &lat);
		if (!GEOSCoordSeq_setXY_r(h, seq, (unsigned)i, lng, lat)) {
			GEOSCoordSeq_destroy_r(h, seq);
			return NULL;
		}
	}
	GEOSGeometry *g = GEOSGeom_createLinearRing_r(h, seq); /* takes seq */
	return g;
}

static GEOSGeometry *polygon_build(GEOSContextHandle_t h, const json_t *rings, enum coord_crs crs)
{
	size_t nholes = json_array_size(rings) - 1;
	GEOSGeometry *shell = NULL, *poly = NULL;
	GEOSGeometry **holes = calloc(nholes ? nholes : 1, sizeof *holes);
	if (holes == NULL)
		return NULL;
	if ((shell = ring_build(h, json_array_get(rings, 0), crs)) == NULL)
		goto out;
	for (size_t i = 0; i < nholes; i++)
		if ((holes[i] = ring_build(h, json_array_get(rings, i + 1), crs)) == NULL)
			goto out;
	/* takes the rings (not the array) */
	poly = GEOSGeom_createPolygon_r(h, shell, holes, (unsigned)nholes);
	if (poly != NULL)
		shell = NULL, nholes = 0;
out:
	if (shell != NULL)
		GEOSGeom_destroy_r(h, shell);
	for (size_t i = 0; i < nholes; i++)
		if (holes[i] != NULL)
			GEOSGeom_destroy_r(h, holes[i]);
	free(holes);
	return poly;
}

enum err geojson_to_geos(GEOSContextHandle_t h, json_t *geometry, enum coord_crs crs,
                         GEOSGeometry **out, struct errinfo *ei)
{
	enum err rc = ERR_OK;
	GEOSGeometry *g = NULL, **parts = NULL;
	size_t nparts = 0, total = 0;
	*out = NULL;

	if ((unsigned)crs >= CRS__MAX)
		return err_set(ei, ERR_INTERNAL, FIELD, "unknown coordinate system");
	if (!json_is_object(geometry))
		return err_set(ei, ERR_INVALID, FIELD, "boundary must be a GeoJSON geometry object");
	const char *type = json_string_value(json_object_get(geometry, "type"));
	if (type == NULL)
		return err_set(ei, ERR_INVALID, FIELD,
		               "boundary needs a \"type\" of Polygon or MultiPolygon");
	bool multi = strcmp(type, "MultiPolygon") == 0;
	if (!multi && strcmp(type, "Polygon") != 0) {
		char shown[41]; /* echoed, so cut short and between characters */
		utf8_copy(shown, sizeof shown, type);
		return err_set(ei, ERR_INVALID, FIELD,
		               "boundary type must be Polygon or MultiPolygon, got %s", shown);
	}
	json_t *coords = json_object_get(geometry, "coordinates");
	if (coords == NULL)
		return err_set(ei, ERR_INVALID, FIELD, "boundary has no \"coordinates\"");

	if (!multi) {
		if ((rc = polygon_check(coords, -1, &total, ei)) != ERR_OK)
			return rc;
		if ((g = polygon_build(h, coords, crs)) == NULL)
			goto internal;
	} else {
		if (!json_is_array(coords))
			return err_set(ei, ERR_INVALID, FIELD,
			               "coordinates: a MultiPolygon must be an array of polygons");
		nparts = json_array_size(coords);
		if (nparts == 0)
			return err_set(ei, ERR_INVALID, FIELD,
			               "coordinates: a MultiPolygon needs at least one polygon");
		for (size_t p = 0; p < nparts; p++)
			if ((rc = polygon_check(json_array_get(coords, p), (int)p, &total, ei)) != ERR_OK)
				return rc;
		if ((parts = calloc(nparts, sizeof *parts)) == NULL)
			goto internal;
		for (size_t p = 0; p < nparts; p++)
			if ((parts[p] = polygon_build(h, json_array_get(coords, p), crs)) == NULL)
				goto internal;
		/* takes the parts (not the array) */
		if ((g = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, (unsigned)nparts)) == NULL)
			goto internal;
		free(parts);
		parts = NULL;
	}

	char valid = GEOSisValid_r(h, g);
	if (valid == 2)
		goto internal;
	if (valid == 0) {
		char *why = GEOSisValidReason_r(h, g);
		rc = err_set(ei, ERR_INVALID, FIELD, "boundary is not a valid polygon: %s",
		             why ? why : "unknown reason");
		if (why != NULL)
			GEOSFree_r(h, why);
		goto fail;
	}
	*out = g;
	return ERR_OK;

internal:
	rc = err_set(ei, ERR_INTERNAL, FIELD, "geometry library failed to build the boundary");
fail:
	if (g != NULL)
		GEOSGeom_destroy_r(h, g);
	if (parts != NULL) {
		for (size_t p = 0; p < nparts; p++)
			if (parts[p] != NULL)
				GEOSGeom_destroy_r(h, parts[p]);
		free(parts);
	}
	return rc;
}

/* 7 decimals of a degree is about 1 cm: finer is noise from conversion. */
static double round7(double v)
{
	return round(v * 1e7) / 1e7;
}

static json_t *ring_to_json(GEOSContextHandle_t h, const GEOSGeometry *ring, enum coord_crs crs)
{
	const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(h, ring);
	unsigned n = 0;
	if (seq == NULL || !GEOSCoordSeq_getSize_r(h, seq, &n))
		return NULL;
	json_t *arr = json_array();
	for (unsigned i = 0; arr != NULL && i < n; i++) {
		double x, y;
		if (!GEOSCoordSeq_getXY_r(h, seq, i, &x, &y))
			goto fail;
		if (crs == CRS_GCJ02)
			coord_wgs84_to_gcj02(x, y, &x, &y);
		json_t *pos = json_pack("[ff]", round7(x), round7(y));
		if (pos == NULL || json_array_append_new(arr, pos) != 0)
			goto fail;
	}
	return arr;
fail:
	json_decref(arr);
	return NULL;
}

static json_t *polygon_to_json(GEOSContextHandle_t h, const GEOSGeometry *poly, enum coord_crs crs)
{
	int nholes = GEOSGetNumInteriorRings_r(h, poly);
	const GEOSGeometry *shell = GEOSGetExteriorRing_r(h, poly);
	json_t *rings = json_array();
	if (rings == NULL || nholes < 0 || shell == NULL)
		goto fail;
	if (json_array_append_new(rings, ring_to_json(h, shell, crs)) != 0)
		goto fail;
	for (int i = 0; i < nholes; i++) {
		const GEOSGeometry *hole = GEOSGetInteriorRingN_r(h, poly, i);
		if (hole == NULL || json_array_append_new(rings, ring_to_json(h, hole, crs)) != 0)
			goto fail;
	}
	return rings;
fail:
	json_decref(rings);
	return NULL;
}

json_t *geojson_from_geos(GEOSContextHandle_t h, const GEOSGeometry *g, enum coord_crs crs)
{
	if (g == NULL || (unsigned)crs >= CRS__MAX)
		return NULL;
	json_t *coords = NULL;
	int type = GEOSGeomTypeId_r(h, g);
	if (type == GEOS_POLYGON) {
		coords = polygon_to_json(h, g, crs);
	} else if (type == GEOS_MULTIPOLYGON) {
		int n = GEOSGetNumGeometries_r(h, g);
		coords = n >= 0 ? json_array() : NULL;
		for (int i = 0; coords != NULL && i < n; i++) {
			const GEOSGeometry *part = GEOSGetGeometryN_r(h, g, i);
			/* append_new takes (and on failure drops) the reference */
			if (part == NULL || json_array_append_new(coords, polygon_to_json(h, part, crs)) != 0) {
				json_decref(coords);
				coords = NULL;
			}
		}
	}
	if (coords == NULL)
		return NULL;
	return json_pack("{s:s, s:o}", "type", type == GEOS_POLYGON ? "Polygon" : "MultiPolygon",
	                 "coordinates", coords);
}

enum err geojson_centroid(GEOSContextHandle_t h, const GEOSGeometry *g, double *lng, double *lat,
                          struct errinfo *ei)
{
	if (g == NULL)
		return err_set(ei, ERR_INTERNAL, FIELD, "no geometry");
	char empty = GEOSisEmpty_r(h, g);
	if (empty == 1)
		return err_set(ei, ERR_INVALID, FIELD, "boundary is empty");
	GEOSGeometry *p = empty == 0 ? GEOSPointOnSurface_r(h, g) : NULL;
	enum err rc = ERR_OK;
	if (p == NULL || !GEOSGeomGetX_r(h, p, lng) || !GEOSGeomGetY_r(h, p, lat))
		rc = err_set(ei, ERR_INTERNAL, FIELD, "geometry library failed to find a label point");
	if (p != NULL)
		GEOSGeom_destroy_r(h, p);
	return rc;
}
