/* Unit tests for src/geo/grid_index.c: inside, outside, shared borders
 * (lowest id, whatever the build order), holes, multipolygons, bad shapes
 * skipped and counted, readers racing index swaps, and a 100x100 grid with
 * every cell centre located (and the median locate time noted). */
#include "testutil.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "geo/grid_index.c"

/* A closed axis-aligned rectangle as GeoJSON Polygon text (caller frees).
 * With mid set, each edge gets a midpoint vertex: same shape, but GEOS's
 * rectangle shortcut no longer applies, so the prepared point index runs. */
static char *rect_json(double x0, double y0, double x1, double y1, bool mid)
{
	char *s = malloc(1024);
	assert_non_null(s);
	if (!mid)
		snprintf(s, 1024,
		         "{\"type\":\"Polygon\",\"coordinates\":[[[%.17g,%.17g],[%.17g,%.17g],"
		         "[%.17g,%.17g],[%.17g,%.17g],[%.17g,%.17g]]]}",
		         x0, y0, x1, y0, x1, y1, x0, y1, x0, y0);
	else
		snprintf(s, 1024,
		         "{\"type\":\"Polygon\",\"coordinates\":[[[%.17g,%.17g],[%.17g,%.17g],[%.17g,%.17g],"
		         "[%.17g,%.17g],[%.17g,%.17g],[%.17g,%.17g],[%.17g,%.17g],[%.17g,%.17g],"
		         "[%.17g,%.17g]]]}",
		         x0, y0, (x0 + x1) / 2, y0, x1, y0, x1, (y0 + y1) / 2, x1, y1, (x0 + x1) / 2, y1, x0,
		         y1, x0, (y0 + y1) / 2, x0, y0);
	return s;
}

static struct grid_index *build(const struct grid_shape *shapes, size_t n)
{
	struct grid_index *ix = NULL;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(grid_index_build(shapes, n, &ix, &ei), ERR_OK);
	assert_non_null(ix);
	return ix;
}

#define SQ(x0, y0, x1, y1)                                                                          \
	"{\"type\":\"Polygon\",\"coordinates\":[[[" #x0 "," #y0 "],[" #x1 "," #y0 "],[" #x1 "," #y1     \
	"],[" #x0 "," #y1 "],[" #x0 "," #y0 "]]]}"

static void test_inside_and_outside(void **state)
{
	(void)state;
	const struct grid_shape shapes[] = {
		{11, SQ(116.0, 39.0, 116.5, 39.5)},
		{12, SQ(116.5, 39.0, 117.0, 39.5)},
		/* a triangle: no rectangle shortcut */
		{13, "{\"type\":\"Polygon\",\"coordinates\":[[[117.0,39.0],[118.0,39.0],[117.0,40.0],"
		     "[117.0,39.0]]]}"},
	};
	struct grid_index *ix = build(shapes, 3);
	assert_int_equal(grid_index_size(ix), 3);
	assert_int_equal(grid_index_skipped(ix), 0);
	assert_int_equal(grid_index_locate(ix, 116.25, 39.25), 11);
	assert_int_equal(grid_index_locate(ix, 116.75, 39.25), 12);
	assert_int_equal(grid_index_locate(ix, 117.2, 39.2), 13);
	assert_int_equal(grid_index_locate(ix, 117.8, 39.8), 0); /* in the triangle's box, not in it */
	assert_int_equal(grid_index_locate(ix, 116.25, 39.75), 0);
	assert_int_equal(grid_index_locate(ix, -74.0, 40.7), 0);
	assert_int_equal(grid_index_locate(ix, NAN, 39.25), 0);
	assert_int_equal(grid_index_locate(ix, 116.25, INFINITY), 0);
	assert_int_equal(grid_index_locate(NULL, 116.25, 39.25), 0);
	grid_index_free(ix);
}

/* A border point belongs to the lowest id touching it, in whatever order
 * the shapes were given, and every time it is asked. */
static void test_shared_border_deterministic(void **state)
{
	(void)state;
	const struct grid_shape a[] = {
		{5, SQ(116.0, 39.0, 116.5, 39.5)},
		{3, SQ(116.5, 39.0, 117.0, 39.5)},
		{9, SQ(116.0, 39.5, 116.5, 40.0)},
		{4, SQ(116.5, 39.5, 117.0, 40.0)},
	};
	const struct grid_shape b[] = {a[3], a[1], a[2], a[0]};
	struct grid_index *ixs[2] = {build(a, 4), build(b, 4)};
	for (int k = 0; k < 2; k++) {
		for (int rep = 0; rep < 50; rep++) {
			assert_int_equal(grid_index_locate(ixs[k], 116.5, 39.25), 3);  /* 5|3 */
			assert_int_equal(grid_index_locate(ixs[k], 116.25, 39.5), 5);  /* 5|9 */
			assert_int_equal(grid_index_locate(ixs[k], 116.75, 39.5), 3);  /* 3|4 */
			assert_int_equal(grid_index_locate(ixs[k], 116.5, 39.75), 4);  /* 9|4 */
			assert_int_equal(grid_index_locate(ixs[k], 116.5, 39.5), 3);   /* corner of all four */
			assert_int_equal(grid_index_locate(ixs[k], 116.0, 39.25), 5);  /* outer edge */
			assert_int_equal(grid_index_locate(ixs[k], 117.0, 40.0), 4);   /* outer corner */
		}
		grid_index_free(ixs[k]);
	}
}

#define HOLED                                                                                        \
	"{\"type\":\"Polygon\",\"coordinates\":[[[116.0,39.0],[117.0,39.0],[117.0,40.0],[116.0,40.0],"  \
	"[116.0,39.0]],[[116.25,39.25],[116.75,39.25],[116.75,39.75],[116.25,39.75],[116.25,39.25]]]}"

static void test_hole(void **state)
{
	(void)state;
	const struct grid_shape shapes[] = {
		{10, HOLED},
		{20, SQ(116.25, 39.25, 116.75, 39.75)}, /* fills the hole exactly */
	};
	struct grid_index *ix = build(shapes, 1);
	assert_int_equal(grid_index_locate(ix, 116.5, 39.5), 0); /* in the hole, nothing else there */
	assert_int_equal(grid_index_locate(ix, 116.1, 39.5), 10);
	assert_int_equal(grid_index_locate(ix, 116.25, 39.5), 10); /* on the hole's edge */
	grid_index_free(ix);

	ix = build(shapes, 2);
	assert_int_equal(grid_index_locate(ix, 116.5, 39.5), 20);
	assert_int_equal(grid_index_locate(ix, 116.1, 39.5), 10);
	assert_int_equal(grid_index_locate(ix, 116.25, 39.5), 10); /* border of both: lower id */
	grid_index_free(ix);
}

static void test_multipolygon(void **state)
{
	(void)state;
	const struct grid_shape shapes[] = {
		{7, "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[116.0,39.0],[116.5,39.0],[116.5,39.5],"
		    "[116.0,39.5],[116.0,39.0]]],[[[117.0,39.0],[117.5,39.0],[117.25,39.5],[117.0,39.0]]]]}"},
		{8, SQ(116.6, 39.0, 116.9, 39.5)}, /* between the two parts */
	};
	struct grid_index *ix = build(shapes, 2);
	assert_int_equal(grid_index_locate(ix, 116.25, 39.25), 7);
	assert_int_equal(grid_index_locate(ix, 117.25, 39.1), 7);
	assert_int_equal(grid_index_locate(ix, 116.75, 39.25), 8);
	assert_int_equal(grid_index_locate(ix, 116.55, 39.25), 0);
	assert_int_equal(grid_index_locate(ix, 117.45, 39.45), 0); /* beside the triangle */
	grid_index_free(ix);
}

static void test_bad_shapes_skipped(void **state)
{
	(void)state;
	const struct grid_shape shapes[] = {
		{1, "{\"type\":\"Polygon\",\"coordinates\":[[[116.0,39.0],[117.0,40.0],[117.0,39.0],"
		    "[116.0,40.0],[116.0,39.0]]]}"}, /* bowtie */
		{2, "{not json"},
		{3, NULL},
		{0, SQ(116.0, 39.0, 117.0, 40.0)},  /* id 0 means "none" */
		{-4, SQ(116.0, 39.0, 117.0, 40.0)},
		{5, "{\"type\":\"Point\",\"coordinates\":[116.5,39.5]}"},
		{6, "{\"type\":\"Polygon\",\"coordinates\":[[[116.0,39.0],[117.0,39.0],[117.0,40.0]]]}"},
		{42, SQ(116.0, 39.0, 117.0, 40.0)},
	};
	struct grid_index *ix = build(shapes, 8);
	assert_int_equal(grid_index_size(ix), 1);
	assert_int_equal(grid_index_skipped(ix), 7);
	assert_int_equal(grid_index_locate(ix, 116.5, 39.5), 42);
	grid_index_free(ix);

	/* all bad, and none at all: an empty index, not an error */
	ix = build(shapes, 3);
	assert_int_equal(grid_index_size(ix), 0);
	assert_int_equal(grid_index_skipped(ix), 3);
	assert_int_equal(grid_index_locate(ix, 116.5, 39.5), 0);
	grid_index_free(ix);
	ix = build(NULL, 0);
	assert_int_equal(grid_index_size(ix), 0);
	assert_int_equal(grid_index_locate(ix, 116.5, 39.5), 0);
	grid_index_free(ix);
	grid_index_free(NULL);
}

static void test_ref_basics(void **state)
{
	(void)state;
	struct grid_index_ref *ref = grid_index_ref_new();
	assert_non_null(ref);
	size_t size = 99;
	assert_int_equal(grid_index_ref_locate(ref, 116.5, 39.5, &size), 0);
	assert_int_equal(size, 0);

	const struct grid_shape one[] = {{1, SQ(116.0, 39.0, 117.0, 40.0)}};
	const struct grid_shape two[] = {{2, SQ(116.0, 39.0, 117.0, 40.0)}, {3, SQ(118.0, 39.0, 119.0, 40.0)}};
	grid_index_ref_set(ref, build(one, 1));
	assert_int_equal(grid_index_ref_locate(ref, 116.5, 39.5, &size), 1);
	assert_int_equal(size, 1);
	grid_index_ref_set(ref, build(two, 2)); /* the first is freed here */
	assert_int_equal(grid_index_ref_locate(ref, 116.5, 39.5, &size), 2);
	assert_int_equal(size, 2);
	assert_int_equal(grid_index_ref_locate(ref, 118.5, 39.5, NULL), 3);
	grid_index_ref_set(ref, NULL);
	assert_int_equal(grid_index_ref_locate(ref, 116.5, 39.5, &size), 0);
	assert_int_equal(size, 0);
	grid_index_ref_set(ref, build(one, 1));
	grid_index_ref_free(ref); /* frees the index it holds */
	grid_index_ref_free(NULL);
}

/* --- readers racing swaps --------------------------------------------- */

#define RACE_SIDE   12   /* cells per side of each generation's grid */
#define RACE_CELL   0.05
#define RACE_GENS   100
#define RACE_READERS 8

struct race {
	struct grid_index_ref *ref;
	atomic_bool done;
	atomic_long located, wrong;
};

/* Generation g's grid: cell c gets id g * 1000 + c + 1, so any answer
 * names its cell whatever generation served it. Odd generations use the
 * non-rectangle form, so fresh prepared indexes are shared too. */
static struct grid_index *race_index(int gen)
{
	struct grid_shape shapes[RACE_SIDE * RACE_SIDE];
	for (int c = 0; c < RACE_SIDE * RACE_SIDE; c++) {
		double x = 116.0 + (c % RACE_SIDE) * RACE_CELL, y = 39.0 + (c / RACE_SIDE) * RACE_CELL;
		shapes[c].area_id = (int64_t)gen * 1000 + c + 1;
		shapes[c].geojson = rect_json(x, y, 116.0 + (c % RACE_SIDE + 1) * RACE_CELL,
		                              39.0 + (c / RACE_SIDE + 1) * RACE_CELL, gen % 2 == 1);
	}
	struct grid_index *ix = build(shapes, RACE_SIDE * RACE_SIDE);
	for (int c = 0; c < RACE_SIDE * RACE_SIDE; c++)
		free((char *)shapes[c].geojson);
	return ix;
}

static void *race_reader(void *arg)
{
	struct race *r = arg;
	unsigned seed = (unsigned)(uintptr_t)&seed;
	long n = 0, wrong = 0;
	/* at least a few rounds even if the swaps finish first */
	while (!atomic_load(&r->done) || n < 1000) {
		int c = (int)(rand_r(&seed) % (RACE_SIDE * RACE_SIDE));
		double x = 116.0 + (c % RACE_SIDE + 0.5) * RACE_CELL;
		double y = 39.0 + (c / RACE_SIDE + 0.5) * RACE_CELL;
		size_t size;
		int64_t id = grid_index_ref_locate(r->ref, x, y, &size);
		if (id % 1000 != c + 1 || size != RACE_SIDE * RACE_SIDE)
			wrong++;
		n++;
	}
	atomic_fetch_add(&r->located, n);
	atomic_fetch_add(&r->wrong, wrong);
	return NULL;
}

static void test_concurrent_swaps(void **state)
{
	(void)state;
	struct race r = {.ref = grid_index_ref_new()};
	atomic_init(&r.done, false);
	atomic_init(&r.located, 0);
	atomic_init(&r.wrong, 0);
	grid_index_ref_set(r.ref, race_index(0));

	pthread_t th[RACE_READERS];
	for (int i = 0; i < RACE_READERS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, race_reader, &r), 0);
	for (int g = 1; g <= RACE_GENS; g++)
		grid_index_ref_set(r.ref, race_index(g));
	atomic_store(&r.done, true);
	for (int i = 0; i < RACE_READERS; i++)
		pthread_join(th[i], NULL);

	printf("# note: %d readers, %ld locates during %d swaps, %ld wrong\n", RACE_READERS,
	       atomic_load(&r.located), RACE_GENS, atomic_load(&r.wrong));
	assert_int_equal(atomic_load(&r.wrong), 0);
	grid_index_ref_free(r.ref);
}

/* --- 10,000 grids ------------------------------------------------------ */

#define BIG_SIDE 100
#define BIG_CELL 0.01

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Every cell centre of a 100x100 grid goes to its own cell; returns the
 * median time of one locate in microseconds. */
static double big_grid_run(bool mid)
{
	enum { N = BIG_SIDE * BIG_SIDE };
	struct grid_shape *shapes = calloc(N, sizeof *shapes);
	double *t = calloc(N, sizeof *t);
	assert_non_null(shapes);
	assert_non_null(t);
	for (int c = 0; c < N; c++) {
		int col = c % BIG_SIDE, row = c / BIG_SIDE;
		shapes[c].area_id = c + 1;
		shapes[c].geojson = rect_json(116.0 + col * BIG_CELL, 39.0 + row * BIG_CELL,
		                              116.0 + (col + 1) * BIG_CELL, 39.0 + (row + 1) * BIG_CELL, mid);
	}
	double t0 = now_us();
	struct grid_index *ix = build(shapes, N);
	double build_ms = (now_us() - t0) / 1e3;
	assert_int_equal(grid_index_size(ix), N);
	for (int c = 0; c < N; c++)
		free((char *)shapes[c].geojson);
	free(shapes);

	for (int c = 0; c < N; c++) {
		double x = 116.0 + (c % BIG_SIDE + 0.5) * BIG_CELL;
		double y = 39.0 + (c / BIG_SIDE + 0.5) * BIG_CELL;
		double s = now_us();
		int64_t id = grid_index_locate(ix, x, y);
		t[c] = now_us() - s;
		if (id != c + 1)
			fail_msg("cell %d centre located to %lld", c, (long long)id);
	}
	/* an inner grid corner touches four cells: the lowest id */
	assert_int_equal(grid_index_locate(ix, 116.0 + 50 * BIG_CELL, 39.0 + 50 * BIG_CELL),
	                 49 * BIG_SIDE + 49 + 1);
	assert_int_equal(grid_index_locate(ix, 115.99, 39.5), 0);
	qsort(t, N, sizeof *t, cmp_double);
	double median = t[N / 2];
	printf("# note: 10,000 %s grids: build %.0f ms, locate median %.2f us, p99 %.2f us\n",
	       mid ? "8-vertex (no rectangle shortcut)" : "square", build_ms, median, t[N * 99 / 100]);
	free(t);
	grid_index_free(ix);
	return median;
}

static void test_ten_thousand_grids(void **state)
{
	(void)state;
	big_grid_run(false);
	big_grid_run(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inside_and_outside),
		cmocka_unit_test(test_shared_border_deterministic),
		cmocka_unit_test(test_hole),
		cmocka_unit_test(test_multipolygon),
		cmocka_unit_test(test_bad_shapes_skipped),
		cmocka_unit_test(test_ref_basics),
		cmocka_unit_test(test_concurrent_swaps),
		cmocka_unit_test(test_ten_thousand_grids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
