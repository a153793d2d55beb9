/* Unit tests for src/geo/coord.c: the GCJ-02 forward formula against
 * published and independently computed pairs, the iterative inverse as a
 * round trip across China, identity outside China, CRS names and ranges. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>

#include "geo/coord.c"

static void assert_near(double got, double want, double tol)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("got %.10f, want %.10f (tolerance %g)", got, want, tol);
}

/* The test vector printed in wandergis/coordtransform (test/app.js), a
 * widely used implementation of the same formula. */
static void test_forward_published_pair(void **state)
{
	(void)state;
	double lng, lat;
	coord_wgs84_to_gcj02(116.404, 39.915, &lng, &lat);
	assert_near(lng, 116.41024449916938, 1e-9);
	assert_near(lat, 39.91640428150164, 1e-9);
}

/* Tiananmen and two more cities; expected values computed from the formula
 * separately (Python, double precision). The figure often quoted for
 * Tiananmen, 116.397589,39.908749, is 2.7e-5 off in latitude. */
static void test_forward_known_pairs(void **state)
{
	(void)state;
	static const struct {
		double wlng, wlat, glng, glat;
	} pairs[] = {
		{116.391349, 39.907375, 116.3975902, 39.9087763}, /* Tiananmen */
		{121.4737, 31.2304, 121.4782231, 31.2284577},     /* Shanghai */
		{113.264385, 23.129112, 113.2697146, 23.1264353}, /* Guangzhou */
	};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		double lng, lat;
		coord_wgs84_to_gcj02(pairs[i].wlng, pairs[i].wlat, &lng, &lat);
		assert_near(lng, pairs[i].glng, 1e-5);
		assert_near(lat, pairs[i].glat, 1e-5);
		/* and back again */
		coord_gcj02_to_wgs84(pairs[i].glng, pairs[i].glat, &lng, &lat);
		assert_near(lng, pairs[i].wlng, 1e-5);
		assert_near(lat, pairs[i].wlat, 1e-5);
	}
}

/* A grid over the whole China box, both directions. The inverse must be
 * far better than the one-step approximation (2*g - f(g)), which is what
 * the iteration is for. */
static void test_round_trip_across_china(void **state)
{
	(void)state;
	double worst = 0, worst_onestep = 0;
	int n = 0;
	for (double lng = 73.0; lng <= 135.0; lng += 0.731)
		for (double lat = 18.0; lat <= 53.5; lat += 0.417) {
			double glng, glat, wlng, wlat;
			coord_wgs84_to_gcj02(lng, lat, &glng, &glat);
			coord_gcj02_to_wgs84(glng, glat, &wlng, &wlat);
			worst = fmax(worst, fmax(fabs(wlng - lng), fabs(wlat - lat)));

			/* treat (lng, lat) as GCJ-02 this time */
			coord_gcj02_to_wgs84(lng, lat, &wlng, &wlat);
			coord_wgs84_to_gcj02(wlng, wlat, &glng, &glat);
			worst = fmax(worst, fmax(fabs(glng - lng), fabs(glat - lat)));

			double f_lng, f_lat;
			coord_wgs84_to_gcj02(lng, lat, &f_lng, &f_lat);
			double one_lng = 2 * lng - f_lng, one_lat = 2 * lat - f_lat;
			coord_wgs84_to_gcj02(one_lng, one_lat, &glng, &glat);
			worst_onestep = fmax(worst_onestep, fmax(fabs(glng - lng), fabs(glat - lat)));
			n++;
		}
	assert_true(n > 5000);
	assert_true(worst < 1e-7);
	assert_true(worst_onestep > 1e-6); /* the approximation would fail this test */
	printf("# note: %d points, worst round-trip error %.2e deg (one-step: %.2e)\n", n, worst,
	       worst_onestep);
}

static void test_identity_outside_china(void **state)
{
	(void)state;
	static const double pts[][2] = {
		{0, 0}, {-74.006, 40.7128}, {139.6917, 35.6895} /* Tokyo */, {2.3522, 48.8566},
		{180, 90}, {-180, -90}, {72.0, 30.0}, {100.0, 56.0}, {100.0, 0.5},
	};
	for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) {
		double lng, lat;
		assert_false(coord_in_china(pts[i][0], pts[i][1]));
		coord_wgs84_to_gcj02(pts[i][0], pts[i][1], &lng, &lat);
		assert_true(lng == pts[i][0] && lat == pts[i][1]);
		coord_gcj02_to_wgs84(pts[i][0], pts[i][1], &lng, &lat);
		assert_true(lng == pts[i][0] && lat == pts[i][1]);
	}
	assert_true(coord_in_china(116.4, 39.9));
	assert_true(coord_in_china(72.004, 0.8293)); /* corners are inside */
	assert_true(coord_in_china(137.8347, 55.8271));
}

/* Near the box edge the forward map jumps; the inverse must still return
 * something finite and close, never loop forever. */
static void test_inverse_near_edge(void **state)
{
	(void)state;
	double lng, lat;
	coord_gcj02_to_wgs84(72.0045, 40.0, &lng, &lat);
	assert_true(isfinite(lng) && isfinite(lat));
	assert_true(fabs(lng - 72.0045) < 0.01 && fabs(lat - 40.0) < 0.01);
}

static void test_crs_names(void **state)
{
	(void)state;
	assert_string_equal(coord_crs_name(CRS_WGS84), "wgs84");
	assert_string_equal(coord_crs_name(CRS_GCJ02), "gcj02");
	assert_string_equal(coord_crs_name(CRS__MAX), "?");
	assert_string_equal(coord_crs_name((enum coord_crs)-1), "?");
	for (int i = 0; i < CRS__MAX; i++)
		assert_int_equal(coord_crs_parse(coord_crs_name((enum coord_crs)i)), i);
	assert_int_equal(coord_crs_parse("WGS84"), -1);
	assert_int_equal(coord_crs_parse("wgs84 "), -1);
	assert_int_equal(coord_crs_parse(""), -1);
	assert_int_equal(coord_crs_parse("bd09"), -1);
	assert_int_equal(coord_crs_parse(NULL), -1);
}

static void test_check_bounds(void **state)
{
	(void)state;
	assert_null(coord_check(0, 0));
	assert_null(coord_check(180, 90));
	assert_null(coord_check(-180, -90));
	assert_null(coord_check(116.4, 39.9));
	assert_non_null(coord_check(180.0000001, 0));
	assert_non_null(coord_check(-180.0000001, 0));
	assert_non_null(coord_check(0, 90.0000001));
	assert_non_null(coord_check(0, -90.0000001));
	assert_non_null(coord_check(NAN, 0));
	assert_non_null(coord_check(0, INFINITY));
	assert_non_null(coord_check(-INFINITY, 0));
	/* lat and lng swapped is the common client mistake */
	assert_non_null(strstr(coord_check(39.9, 116.4), "latitude"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forward_published_pair),
		cmocka_unit_test(test_forward_known_pairs),
		cmocka_unit_test(test_round_trip_across_china),
		cmocka_unit_test(test_identity_outside_china),
		cmocka_unit_test(test_inverse_near_edge),
		cmocka_unit_test(test_crs_names),
		cmocka_unit_test(test_check_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
