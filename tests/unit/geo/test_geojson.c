/* Unit tests for src/geo/geojson.c: what is accepted (polygon, holes,
 * multipolygon, altitude, GCJ-02 input), every refusal with its reason and
 * field, the way back to GeoJSON (rounding, GCJ-02), and label points. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geojson.c"

static GEOSContextHandle_t h;

static int setup(void **state)
{
	(void)state;
	h = GEOS_init_r();
	return h == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	GEOS_finish_r(h);
	return 0;
}

/* Parses text as JSON (the test's own input: must be well-formed) and
 * runs it through geojson_to_geos. */
static enum err parse(const char *text, enum coord_crs crs, GEOSGeometry **g, struct errinfo *ei)
{
	json_error_t jerr;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &jerr);
	if (j == NULL)
		fail_msg("bad test JSON: %s: %s", jerr.text, text);
	err_clear(ei);
	enum err rc = geojson_to_geos(h, j, crs, g, ei);
	json_decref(j);
	return rc;
}

/* The input must be refused as ERR_INVALID on field "boundary" with a
 * message containing `want`. */
static void assert_refused(const char *text, const char *want)
{
	GEOSGeometry *g = (GEOSGeometry *)1;
	struct errinfo ei;
	enum err rc = parse(text, CRS_WGS84, &g, &ei);
	if (rc != ERR_INVALID || strstr(ei.message, want) == NULL)
		fail_msg("%s\n  -> %s \"%s\", want invalid \"%s\"", text, err_name(rc), ei.message, want);
	assert_null(g);
	assert_string_equal(ei.field, "boundary");
}

static bool covers_xy(const GEOSGeometry *g, double x, double y)
{
	GEOSGeometry *p = GEOSGeom_createPointFromXY_r(h, x, y);
	char r = GEOSCovers_r(h, g, p);
	GEOSGeom_destroy_r(h, p);
	return r == 1;
}

#define SQUARE "[[116.0,39.9],[116.1,39.9],[116.1,40.0],[116.0,40.0],[116.0,39.9]]"
#define HOLE "[[116.04,39.94],[116.04,39.96],[116.06,39.96],[116.06,39.94],[116.04,39.94]]"
#define SQUARE2 "[[117.0,39.9],[117.1,39.9],[117.1,40.0],[117.0,40.0],[117.0,39.9]]"

static void test_valid_polygon(void **state)
{
	(void)state;
	GEOSGeometry *g;
	struct errinfo ei;
	assert_int_equal(parse("{\"type\":\"Polygon\",\"coordinates\":[" SQUARE "]}", CRS_WGS84, &g, &ei),
	                 ERR_OK);
	assert_int_equal(GEOSGeomTypeId_r(h, g), GEOS_POLYGON);
	double area;
	assert_true(GEOSArea_r(h, g, &area));
	assert_true(fabs(area - 0.01) < 1e-9);
	assert_true(covers_xy(g, 116.05, 39.95));
	assert_false(covers_xy(g, 116.2, 39.95));
	GEOSGeom_destroy_r(h, g);
}

static void test_polygon_with_hole(void **state)
{
	(void)state;
	GEOSGeometry *g;
	struct errinfo ei;
	assert_int_equal(parse("{\"type\":\"Polygon\",\"coordinates\":[" SQUARE "," HOLE "]}", CRS_WGS84,
	                       &g, &ei),
	                 ERR_OK);
	assert_int_equal(GEOSGetNumInteriorRings_r(h, g), 1);
	assert_false(covers_xy(g, 116.05, 39.95)); /* in the hole */
	assert_true(covers_xy(g, 116.02, 39.95));
	GEOSGeom_destroy_r(h, g);
}

static void test_multipolygon(void **state)
{
	(void)state;
	GEOSGeometry *g;
	struct errinfo ei;
	assert_int_equal(parse("{\"type\":\"MultiPolygon\",\"coordinates\":[[" SQUARE "," HOLE "],[" SQUARE2
	                       "]]}",
	                       CRS_WGS84, &g, &ei),
	                 ERR_OK);
	assert_int_equal(GEOSGeomTypeId_r(h, g), GEOS_MULTIPOLYGON);
	assert_int_equal(GEOSGetNumGeometries_r(h, g), 2);
	assert_true(covers_xy(g, 117.05, 39.95));
	assert_true(covers_xy(g, 116.02, 39.95));
	assert_false(covers_xy(g, 116.5, 39.95));
	GEOSGeom_destroy_r(h, g);
}

/* RFC 7946 allows an altitude; it is dropped, not refused. */
static void test_altitude_dropped(void **state)
{
	(void)state;
	GEOSGeometry *g;
	struct errinfo ei;
	assert_int_equal(parse("{\"type\":\"Polygon\",\"coordinates\":[[[116.0,39.9,50],[116.1,39.9,50],"
	                       "[116.1,40.0,50],[116.0,39.9,50]]]}",
	                       CRS_WGS84, &g, &ei),
	                 ERR_OK);
	GEOSGeom_destroy_r(h, g);
}

static void test_not_closed(void **state)
{
	(void)state;
	assert_refused("{\"type\":\"Polygon\",\"coordinates\":[[[116.0,39.9],[116.1,39.9],[116.1,40.0],"
	               "[116.0,40.0]]]}",
	               "coordinates[0]: ring does not close");
	/* the place is named inside a MultiPolygon too */
	assert_refused("{\"type\":\"MultiPolygon\",\"coordinates\":[[" SQUARE "],[" SQUARE2
	               ",[[117.01,39.91],[117.02,39.91],[117.02,39.92],[117.01,39.92001]]]]}",
	               "coordinates[1][1]: ring does not close");
}

static void test_bowtie_self_intersection(void **state)
{
	(void)state;
	assert_refused("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}",
	               "Self-intersection[0.5 0.5]");
	assert_refused("{\"type\":\"Polygon\",\"coordinates\":[[[116.0,39.9],[116.1,40.0],[116.1,39.9],"
	               "[116.0,40.0],[116.0,39.9]]]}",
	               "boundary is not a valid polygon: Self-intersection[116.05");
}

/* Topology GEOS judges beyond the bowtie: a hole outside its shell, and
 * overlapping parts of a MultiPolygon. */
static void test_other_invalid_topology(void **state)
{
	(void)state;
	assert_refused("{\"type\":\"Polygon\",\"coordinates\":[" SQUARE "," SQUARE2 "]}",
	               "boundary is not a valid polygon: Hole lies outside shell");
	assert_refused("{\"type\":\"MultiPolygon\",\"coordinates\":[[" SQUARE "],[[[116.05,39.95],"
	               "[116.15,39.95],[116.15,40.05],[116.05,40.05],[116.05,39.95]]]]}",
	               "boundary is not a valid polygon: ");
}

static void test_too_few_points(void **state)
{
	(void)state;
	assert_refused("{\"type\":\"Polygon\",\"coordinates\":[[[116.0,39.9],[116.1,39.9],[116.0,39.9]]]}",
	               "coordinates[0]: a ring needs at least 4 positions, got 3");
	assert_refused("{\"type\":\"Polygon\",\"coordinates\":[[]]}", "at least 4 positions, got 0");
	assert_refused("{\"type\":\"Polygon\",\"coordinates\":[]}", "at least one ring");
	assert_refused("{\"type\":\"MultiPolygon\",\"coordinates\":[]}", "at least one polygon");
	assert_refused("{\"type\":\"MultiPolygon\",\"coordinates\":[[]]}",
	               "coordinates[0]: a polygon needs at least one ring");
	/* 4 positions, all the same: closed and long enough, but no area */
	assert_refused("{\"type\":\"Polygon\",\"coordinates\":[[[1,1],[1,1],[1,1],[1,1]]]}",
	               "boundary is not a valid polygon");
}

static void test_wrong_type(void **state)
{
	(void)state;
	assert_refused("{\"type\":\"Point\",\"coordinates\":[116.0,39.9]}",
	               "type must be Polygon or MultiPolygon, got Point");
	assert_refused("{\"type\":\"polygon\",\"coordinates\":[" SQUARE "]}", "got polygon");
	assert_refused("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[" SQUARE
	               "]}}",
	               "got Feature");
	assert_refused("{\"coordinates\":[" SQUARE "]}", "needs a \"type\"");
	assert_refused("{\"type\":7,\"coordinates\":[" SQUARE "]}", "needs a \"type\"");
	assert_refused("{\"type\":\"Polygon\"}", "no \"coordinates\"");
	assert_refused("[" SQUARE "]", "must be a GeoJSON geometry object");
	assert_refused("\"POLYGON((0 0,1 0,1 1,0 0))\"", "must be a GeoJSON geometry object");
	assert_refused("null", "must be a GeoJSON geometry object");

	GEOSGeometry *g = (GEOSGeometry *)1;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(geojson_to_geos(h, NULL, CRS_WGS84, &g, &ei), ERR_INVALID);
	assert_null(g);
}

static void test_non_numeric(void **state)
{
	(void)state;
	assert_refused("{\"type\":\"Polygon\",\"coordinates\":[[[\"116.0\",\"39.9\"],[116.1,39.9],[116.1,40.0],"
	               "[116.0,39.9]]]}",
	               "coordinates[0][0]: a position must be [lng, lat] numbers");
	assert_refused("{\"type\":\"Polygon\",\"coordinates\":[[[116.0,39.9],[116.1],[116.1,40.0],"
	               "[116.0,39.9]]]}",
	               "coordinates[0][1]: a position must be");
	assert_refused("{\"type\":\"Polygon\",\"coordinates\":[[[116.0,39.9],[116.1,39.9,1,2],[116.1,40.0],"
	               "[116.0,39.9]]]}",
	               "coordinates[0][1]: a position must be");
	assert_refused("{\"type\":\"Polygon\",\"coordinates\":[[[116.0,39.9],{\"x\":1},[116.1,40.0],"
	               "[116.0,39.9]]]}",
	               "coordinates[0][1]: a position must be");
	assert_refused("{\"type\":\"Polygon\",\"coordinates\":[[[116.0,39.9],[116.1,null],[116.1,40.0],"
	               "[116.0,39.9]]]}",
	               "coordinates[0][1]: a position must be");
	assert_refused("{\"type\":\"Polygon\",\"coordinates\":[[[116.0,39.9],[true,39.9],[116.1,40.0],"
	               "[116.0,39.9]]]}",
	               "coordinates[0][1]: a position must be");
	assert_refused("{\"type\":\"Polygon\",\"coordinates\":[\"ring\"]}",
	               "coordinates[0]: a ring must be an array");
	assert_refused("{\"type\":\"Polygon\",\"coordinates\":{}}", "a polygon must be an array of rings");
	assert_refused("{\"type\":\"MultiPolygon\",\"coordinates\":" SQUARE "}",
	               "coordinates[0][0]: a ring must be an array");
	assert_refused("{\"type\":\"MultiPolygon\",\"coordinates\":7}", "must be an array of polygons");
}

static void test_out_of_range(void **state)
{
	(void)state;
	assert_refused("{\"type\":\"Polygon\",\"coordinates\":[[[116.0,39.9],[116.1,91],[116.1,40.0],"
	               "[116.0,39.9]]]}",
	               "coordinates[0][1]: latitude out of range");
	assert_refused("{\"type\":\"Polygon\",\"coordinates\":[[[180.5,39.9],[116.1,39.9],[116.1,40.0],"
	               "[180.5,39.9]]]}",
	               "coordinates[0][0]: longitude out of range");
	/* lat/lng swapped, the usual mistake */
	assert_refused("{\"type\":\"Polygon\",\"coordinates\":[[[39.9,116.0],[39.9,116.1],[40.0,116.1],"
	               "[39.9,116.0]]]}",
	               "latitude out of range");
	/* jansson parses 1e400 as a real only if it fits; huge but finite is
	 * still out of range */
	assert_refused("{\"type\":\"Polygon\",\"coordinates\":[[[1e300,39.9],[116.1,39.9],[116.1,40.0],"
	               "[1e300,39.9]]]}",
	               "longitude out of range");
}

/* Builds a closed circle of n positions (n-1 distinct) as GeoJSON text. */
static char *circle_json(size_t n)
{
	size_t cap = n * 40 + 64, len = 0;
	char *s = malloc(cap);
	assert_non_null(s);
	len += (size_t)snprintf(s + len, cap - len, "{\"type\":\"Polygon\",\"coordinates\":[[");
	for (size_t i = 0; i < n; i++) {
		double a = 2 * M_PI * (double)(i % (n - 1)) / (double)(n - 1);
		len += (size_t)snprintf(s + len, cap - len, "%s[%.9f,%.9f]", i ? "," : "",
		                        116.4 + 0.1 * cos(a), 39.9 + 0.1 * sin(a));
	}
	snprintf(s + len, cap - len, "]]}");
	return s;
}

/* Boundary: exactly GEOJSON_MAX_POINTS is accepted, one more refused; the
 * count runs over all rings together. */
static void test_point_limit(void **state)
{
	(void)state;
	GEOSGeometry *g;
	struct errinfo ei;
	char *s = circle_json(GEOJSON_MAX_POINTS);
	assert_int_equal(parse(s, CRS_WGS84, &g, &ei), ERR_OK);
	GEOSGeom_destroy_r(h, g);
	free(s);

	s = circle_json(GEOJSON_MAX_POINTS + 1);
	assert_refused(s, "more than 100000 positions");
	free(s);
}

/* GCJ-02 input is stored as WGS-84: each vertex is the inverse transform of
 * the one given, and asking for GCJ-02 back gives the input again. */
static void test_gcj02_input_converted(void **state)
{
	(void)state;
	static const double in[5][2] = {
		{116.397590, 39.908776}, {116.407590, 39.908776}, {116.407590, 39.918776},
		{116.397590, 39.918776}, {116.397590, 39.908776},
	};
	char text[512];
	snprintf(text, sizeof text,
	         "{\"type\":\"Polygon\",\"coordinates\":[[[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f],"
	         "[%.6f,%.6f]]]}",
	         in[0][0], in[0][1], in[1][0], in[1][1], in[2][0], in[2][1], in[3][0], in[3][1], in[4][0],
	         in[4][1]);
	GEOSGeometry *g;
	struct errinfo ei;
	assert_int_equal(parse(text, CRS_GCJ02, &g, &ei), ERR_OK);

	const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(h, GEOSGetExteriorRing_r(h, g));
	for (unsigned i = 0; i < 5; i++) {
		double x, y, wx, wy;
		assert_true(GEOSCoordSeq_getXY_r(h, seq, i, &x, &y));
		coord_gcj02_to_wgs84(in[i][0], in[i][1], &wx, &wy);
		assert_true(x == wx && y == wy);
		/* the offset near Tiananmen is about 600 m east */
		assert_true(in[i][0] - x > 0.005 && in[i][0] - x < 0.007);
	}
	/* Tiananmen (WGS-84) is inside the stored polygon */
	assert_true(covers_xy(g, 116.391349 + 0.005, 39.907375 + 0.005));

	json_t *back = geojson_from_geos(h, g, CRS_GCJ02);
	assert_non_null(back);
	json_t *ring = json_array_get(json_object_get(back, "coordinates"), 0);
	assert_int_equal(json_array_size(ring), 5);
	for (size_t i = 0; i < 5; i++) {
		json_t *pos = json_array_get(ring, i);
		assert_true(fabs(json_real_value(json_array_get(pos, 0)) - in[i][0]) < 1e-7);
		assert_true(fabs(json_real_value(json_array_get(pos, 1)) - in[i][1]) < 1e-7);
	}
	json_decref(back);
	GEOSGeom_destroy_r(h, g);
}

/* WGS-84 in, WGS-84 out: the same JSON (7-decimal input survives exactly),
 * and parsing the output again gives the same geometry. */
static void test_round_trip(void **state)
{
	(void)state;
	const char *texts[] = {
		"{\"type\":\"Polygon\",\"coordinates\":[" SQUARE "," HOLE "]}",
		"{\"type\":\"MultiPolygon\",\"coordinates\":[[" SQUARE "," HOLE "],[" SQUARE2 "]]}",
	};
	for (size_t t = 0; t < 2; t++) {
		GEOSGeometry *g, *g2;
		struct errinfo ei;
		assert_int_equal(parse(texts[t], CRS_WGS84, &g, &ei), ERR_OK);
		json_t *out = geojson_from_geos(h, g, CRS_WGS84);
		assert_non_null(out);
		json_t *want = json_loads(texts[t], 0, NULL);
		assert_true(json_equal(out, want));
		json_decref(want);

		err_clear(&ei);
		assert_int_equal(geojson_to_geos(h, out, CRS_WGS84, &g2, &ei), ERR_OK);
		assert_int_equal(GEOSEqualsExact_r(h, g, g2, 0), 1);
		GEOSGeom_destroy_r(h, g2);
		json_decref(out);
		GEOSGeom_destroy_r(h, g);
	}
}

static void test_output_rounded_to_7_decimals(void **state)
{
	(void)state;
	GEOSGeometry *g;
	struct errinfo ei;
	assert_int_equal(parse("{\"type\":\"Polygon\",\"coordinates\":[[[116.123456789,39.98765432],"
	                       "[116.2,39.9],[116.2,40.1],[116.123456789,39.98765432]]]}",
	                       CRS_WGS84, &g, &ei),
	                 ERR_OK);
	json_t *out = geojson_from_geos(h, g, CRS_WGS84);
	json_t *pos = json_array_get(json_array_get(json_object_get(out, "coordinates"), 0), 0);
	assert_true(json_real_value(json_array_get(pos, 0)) == 116.1234568);
	assert_true(json_real_value(json_array_get(pos, 1)) == 39.9876543);
	assert_string_equal(json_string_value(json_object_get(out, "type")), "Polygon");
	json_decref(out);
	GEOSGeom_destroy_r(h, g);
}

static void test_from_geos_other_types(void **state)
{
	(void)state;
	GEOSGeometry *p = GEOSGeom_createPointFromXY_r(h, 116.4, 39.9);
	assert_null(geojson_from_geos(h, p, CRS_WGS84));
	assert_null(geojson_from_geos(h, NULL, CRS_WGS84));
	GEOSGeom_destroy_r(h, p);
}

/* A C shape whose centre of mass lies in the gap: the label point must
 * still be inside. Likewise a ring-shaped polygon (hole in the middle). */
static void test_centroid_inside(void **state)
{
	(void)state;
	const char *texts[] = {
		"{\"type\":\"Polygon\",\"coordinates\":[[[116.0,39.0],[117.0,39.0],[117.0,39.1],[116.1,39.1],"
		"[116.1,39.9],[117.0,39.9],[117.0,40.0],[116.0,40.0],[116.0,39.0]]]}",
		"{\"type\":\"Polygon\",\"coordinates\":[[[116.0,39.0],[117.0,39.0],[117.0,40.0],[116.0,40.0],"
		"[116.0,39.0]],[[116.1,39.1],[116.9,39.1],[116.9,39.9],[116.1,39.9],[116.1,39.1]]]}",
		"{\"type\":\"MultiPolygon\",\"coordinates\":[[" SQUARE "],[" SQUARE2 "]]}",
	};
	for (size_t t = 0; t < 3; t++) {
		GEOSGeometry *g;
		struct errinfo ei;
		assert_int_equal(parse(texts[t], CRS_WGS84, &g, &ei), ERR_OK);
		double lng = NAN, lat = NAN;
		assert_int_equal(geojson_centroid(h, g, &lng, &lat, &ei), ERR_OK);
		assert_true(covers_xy(g, lng, lat));
		if (t < 2) { /* the mass centroid is outside: that is the point */
			GEOSGeometry *c = GEOSGetCentroid_r(h, g);
			double cx, cy;
			GEOSGeomGetX_r(h, c, &cx);
			GEOSGeomGetY_r(h, c, &cy);
			assert_false(covers_xy(g, cx, cy));
			GEOSGeom_destroy_r(h, c);
		}
		GEOSGeom_destroy_r(h, g);
	}
}

static void test_centroid_empty(void **state)
{
	(void)state;
	GEOSGeometry *e = GEOSGeom_createEmptyPolygon_r(h);
	double lng, lat;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(geojson_centroid(h, e, &lng, &lat, &ei), ERR_INVALID);
	assert_string_equal(ei.field, "boundary");
	GEOSGeom_destroy_r(h, e);
	assert_int_equal(geojson_centroid(h, NULL, &lng, &lat, &ei), ERR_INTERNAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_polygon),
		cmocka_unit_test(test_polygon_with_hole),
		cmocka_unit_test(test_multipolygon),
		cmocka_unit_test(test_altitude_dropped),
		cmocka_unit_test(test_not_closed),
		cmocka_unit_test(test_bowtie_self_intersection),
		cmocka_unit_test(test_other_invalid_topology),
		cmocka_unit_test(test_too_few_points),
		cmocka_unit_test(test_wrong_type),
		cmocka_unit_test(test_non_numeric),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_point_limit),
		cmocka_unit_test(test_gcj02_input_converted),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_output_rounded_to_7_decimals),
		cmocka_unit_test(test_from_geos_other_types),
		cmocka_unit_test(test_centroid_inside),
		cmocka_unit_test(test_centroid_empty),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
