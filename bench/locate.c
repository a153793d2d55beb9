/* bench/locate.c: the grid locator in-process, on a real database.
 *
 *   locate DB_URL [LOCATES] [SEED] [POINTS_FILE POINTS]
 *
 * Linked against the build's objects (bench/registers.sh builds it), so it
 * measures the code the server runs:
 *   1. reads every open grid boundary as areas_index_rebuild does
 *      (store_area_boundaries from the root, level grid) and times it;
 *   2. grid_index_build on them (the STRtree of prepared polygons), timed,
 *      and areas_index_rebuild itself (read + build + install), timed;
 *   3. LOCATES grid_index_locate calls at random points inside grids (a grid
 *      drawn uniformly, a point drawn uniformly in its envelope until the
 *      polygon covers it) and LOCATES at random points of the grids'
 *      bounding box, each call timed alone with clock_gettime (the timer's
 *      own cost is measured and printed), plus the batch mean (one
 *      clock_gettime around the whole loop);
 *   4. the baseline: a linear scan of the prepared polygons in id order,
 *      the first that covers the point winning (GEOSPreparedCovers_r; the
 *      lowest id, the index's own rule), for 1,000 of the inside points and
 *      1,000 of the box points, each checked to give the index's answer;
 *   5. areas_locate (what GET /api/v1/areas/locate calls: index + the
 *      grid's row from the store, no ancestors) for 100,000 inside points;
 *   6. optionally writes POINTS random inside points ("lng lat", one a line)
 *      to POINTS_FILE, for bench/locate.lua.
 * Output: "key value" lines, parsed by bench/registers.sh. */
#define _POSIX_C_SOURCE 200809L
#include <geos_c.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "domain/areas.h"
#include "geo/geojson.h"
#include "geo/grid_index.h"
#include "store/areas.h"
#include "store/store.h"
#include "util/log.h"

struct grid {
	int64_t id;
	char *geojson;
	GEOSGeometry *g;
	const GEOSPreparedGeometry *prep;
	double w, s, e, n;
};

static struct grid *grids;
static size_t ngrids, capgrids;
static int oom;

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* xorshift64*: fast, seeded, the same sequence every run */
static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}
static double unit(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

static void add_shape(void *ctx, const struct area_row *a, const char *geojson)
{
	(void)ctx;
	if (oom)
		return;
	if (ngrids == capgrids) {
		size_t cap = capgrids ? capgrids * 2 : 4096;
		struct grid *v = realloc(grids, cap * sizeof *v);
		if (v == NULL) {
			oom = 1;
			return;
		}
		grids = v;
		capgrids = cap;
	}
	struct grid *g = &grids[ngrids++];
	memset(g, 0, sizeof *g);
	g->id = a->id;
	g->geojson = strdup(geojson);
	if (g->geojson == NULL)
		oom = 1;
}

static enum err read_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	(void)arg;
	return store_area_boundaries(c, "", AREA_GRID, add_shape, NULL, ei);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* q-quantile of sorted v[0..n) in ns, as µs */
static double q_us(const uint64_t *v, size_t n, double q)
{
	size_t i = (size_t)(q * (double)(n - 1) + 0.5);
	return (double)v[i] / 1000.0;
}

/* The baseline: every prepared polygon in id order, the first that covers
 * the point wins (the lowest id, the index's rule), so a point in no grid
 * tests them all and a point in a grid tests half of them on average. */
static struct grid **by_id;
static int cmp_id(const void *a, const void *b)
{
	int64_t x = (*(struct grid *const *)a)->id, y = (*(struct grid *const *)b)->id;
	return x < y ? -1 : x > y;
}

static int64_t brute(GEOSContextHandle_t h, double x, double y)
{
	GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
	int64_t best = 0;
	for (size_t i = 0; i < ngrids && best == 0; i++)
		if (by_id[i]->prep != NULL && GEOSPreparedCovers_r(h, by_id[i]->prep, pt) == 1)
			best = by_id[i]->id;
	GEOSGeom_destroy_r(h, pt);
	return best;
}

/* Times each call of grid_index_locate over pts; prints quantiles. */
static void run_locates(const char *tag, const struct grid_index *ix, const double *pts, size_t n,
                        uint64_t *lat)
{
	size_t hits = 0;
	/* warm-up: the first pass touches every page of the tree */
	for (size_t i = 0; i < n && i < 10000; i++)
		hits += grid_index_locate(ix, pts[2 * i], pts[2 * i + 1]) != 0;
	hits = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t t0 = now_ns();
		int64_t id = grid_index_locate(ix, pts[2 * i], pts[2 * i + 1]);
		uint64_t t1 = now_ns();
		lat[i] = t1 - t0;
		hits += id != 0;
	}
	double t0 = now();
	volatile int64_t sink = 0;
	for (size_t i = 0; i < n; i++)
		sink += grid_index_locate(ix, pts[2 * i], pts[2 * i + 1]);
	double batch = now() - t0;
	(void)sink;
	qsort(lat, n, sizeof *lat, cmp_u64);
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += (double)lat[i];
	printf("%s_calls %zu\n", tag, n);
	printf("%s_hit_pct %.1f\n", tag, 100.0 * (double)hits / (double)n);
	printf("%s_p50_us %.3f\n", tag, q_us(lat, n, 0.50));
	printf("%s_p90_us %.3f\n", tag, q_us(lat, n, 0.90));
	printf("%s_p99_us %.3f\n", tag, q_us(lat, n, 0.99));
	printf("%s_p999_us %.3f\n", tag, q_us(lat, n, 0.999));
	printf("%s_max_us %.3f\n", tag, (double)lat[n - 1] / 1000.0);
	printf("%s_mean_us %.3f\n", tag, sum / (double)n / 1000.0);
	printf("%s_batch_mean_us %.3f\n", tag, batch / (double)n * 1e6);
	printf("%s_batch_per_sec %.0f\n", tag, (double)n / batch);
	fflush(stdout);
}

/* The brute-force baseline over the first m points; returns mismatches. */
static size_t run_brute(const char *tag, GEOSContextHandle_t h, const struct grid_index *ix,
                        const double *pts, size_t m, uint64_t *lat)
{
	size_t bad = 0;
	for (size_t i = 0; i < m; i++) {
		uint64_t t0 = now_ns();
		int64_t b = brute(h, pts[2 * i], pts[2 * i + 1]);
		lat[i] = now_ns() - t0;
		if (b != grid_index_locate(ix, pts[2 * i], pts[2 * i + 1]))
			bad++;
	}
	qsort(lat, m, sizeof *lat, cmp_u64);
	printf("brute_%s_calls %zu\n", tag, m);
	printf("brute_%s_p50_us %.3f\n", tag, q_us(lat, m, 0.50));
	printf("brute_%s_p99_us %.3f\n", tag, q_us(lat, m, 0.99));
	printf("brute_%s_mismatches %zu\n", tag, bad);
	fflush(stdout);
	return bad;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s DB_URL [LOCATES] [SEED] [POINTS_FILE POINTS]\n", argv[0]);
		return 2;
	}
	const char *url = argv[1];
	size_t n = argc > 2 ? strtoull(argv[2], NULL, 10) : 1000000;
	if (argc > 3) /* any seed, never the all-zero state xorshift cannot leave */
		rng_state = (strtoull(argv[3], NULL, 10) + 1) * 0xD1B54A32D192ED03ULL | 1;
	const char *pfile = argc > 5 ? argv[4] : NULL;
	size_t pn = argc > 5 ? strtoull(argv[5], NULL, 10) : 0;
	if (n < 1000)
		n = 1000;
	log_set_level(LOG_WARN);

	struct store *st = NULL;
	struct errinfo ei;
	err_clear(&ei);
	struct store_options so = {.readers = 1, .pool_size = 2, .create = false};
	if (store_open(url, &so, &st, &ei) != ERR_OK) {
		fprintf(stderr, "locate: cannot open %s: %s\n", url, ei.message);
		return 1;
	}

	/* 1. read */
	double t0 = now();
	if (store_read(st, read_fn, NULL, &ei) != ERR_OK || oom) {
		fprintf(stderr, "locate: reading boundaries: %s\n", oom ? "out of memory" : ei.message);
		return 1;
	}
	double t_read = now() - t0;
	size_t bytes = 0;
	for (size_t i = 0; i < ngrids; i++)
		bytes += strlen(grids[i].geojson);
	printf("grids %zu\n", ngrids);
	printf("boundary_bytes %zu\n", bytes);
	printf("read_ms %.1f\n", t_read * 1e3);
	if (ngrids == 0) {
		fprintf(stderr, "locate: the database has no grid boundaries\n");
		return 1;
	}

	/* 2. build */
	struct grid_shape *shapes = calloc(ngrids, sizeof *shapes);
	for (size_t i = 0; i < ngrids; i++)
		shapes[i] = (struct grid_shape){.area_id = grids[i].id, .geojson = grids[i].geojson};
	struct grid_index *ix = NULL;
	t0 = now();
	if (grid_index_build(shapes, ngrids, &ix, &ei) != ERR_OK) {
		fprintf(stderr, "locate: build: %s\n", ei.message);
		return 1;
	}
	double t_build = now() - t0;
	printf("build_ms %.1f\n", t_build * 1e3);
	printf("indexed %zu\n", grid_index_size(ix));
	printf("skipped %zu\n", grid_index_skipped(ix));

	struct app app;
	memset(&app, 0, sizeof app);
	app.store = st;
	t0 = now();
	if (areas_index_rebuild(&app, &ei) != ERR_OK) {
		fprintf(stderr, "locate: areas_index_rebuild: %s\n", ei.message);
		return 1;
	}
	printf("rebuild_ms %.1f\n", (now() - t0) * 1e3);
	fflush(stdout);

	/* our own prepared copies, for drawing points and the brute force */
	GEOSContextHandle_t h = geo_context();
	double bw = 1e9, bs = 1e9, be = -1e9, bn = -1e9;
	for (size_t i = 0; i < ngrids; i++) {
		struct grid *g = &grids[i];
		json_error_t jerr;
		json_t *j = json_loads(g->geojson, 0, &jerr);
		err_clear(&ei);
		if (j == NULL || geojson_to_geos(h, j, CRS_WGS84, &g->g, &ei) != ERR_OK) {
			json_decref(j);
			continue;
		}
		json_decref(j);
		g->prep = GEOSPrepare_r(h, g->g);
		GEOSGeom_getXMin_r(h, g->g, &g->w);
		GEOSGeom_getYMin_r(h, g->g, &g->s);
		GEOSGeom_getXMax_r(h, g->g, &g->e);
		GEOSGeom_getYMax_r(h, g->g, &g->n);
		if (g->w < bw)
			bw = g->w;
		if (g->s < bs)
			bs = g->s;
		if (g->e > be)
			be = g->e;
		if (g->n > bn)
			bn = g->n;
	}
	printf("bbox %.6f,%.6f,%.6f,%.6f\n", bw, bs, be, bn);
	by_id = malloc(ngrids * sizeof *by_id);
	if (by_id == NULL) {
		fprintf(stderr, "locate: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < ngrids; i++)
		by_id[i] = &grids[i];
	qsort(by_id, ngrids, sizeof *by_id, cmp_id);

	/* 3. points */
	double *in = malloc(n * 2 * sizeof *in), *box = malloc(n * 2 * sizeof *box);
	uint64_t *lat = malloc(n * sizeof *lat);
	if (in == NULL || box == NULL || lat == NULL) {
		fprintf(stderr, "locate: out of memory\n");
		return 1;
	}
	size_t tries = 0;
	for (size_t i = 0; i < n; i++) {
		for (;;) {
			struct grid *g = &grids[rnd() % ngrids];
			if (g->prep == NULL)
				continue;
			double x = g->w + unit() * (g->e - g->w), y = g->s + unit() * (g->n - g->s);
			tries++;
			GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
			int ok = GEOSPreparedCovers_r(h, g->prep, pt) == 1;
			GEOSGeom_destroy_r(h, pt);
			if (ok) {
				in[2 * i] = x;
				in[2 * i + 1] = y;
				break;
			}
		}
		box[2 * i] = bw + unit() * (be - bw);
		box[2 * i + 1] = bs + unit() * (bn - bs);
	}

	/* the timer's own cost: back-to-back clock_gettime pairs */
	for (size_t i = 0; i < n && i < 1000000; i++) {
		uint64_t a = now_ns();
		lat[i] = now_ns() - a;
	}
	size_t tn = n < 1000000 ? n : 1000000;
	qsort(lat, tn, sizeof *lat, cmp_u64);
	double timer_ns = (double)lat[tn / 2];
	printf("timer_p50_ns %.0f\n", timer_ns);

	run_locates("inside", ix, in, n, lat);
	run_locates("bbox", ix, box, n, lat);

	/* 4. baseline */
	size_t m = n < 1000 ? n : 1000;
	size_t bad = run_brute("inside", h, ix, in, m, lat);
	bad += run_brute("bbox", h, ix, box, m, lat);

	/* 5. the domain call the HTTP route makes (index + the grid's row) */
	size_t na = n < 100000 ? n : 100000;
	struct actor actor = {.who = NULL, .login = "bench", .address = "", .request_id = ""};
	size_t found = 0;
	for (size_t i = 0; i < na; i++) {
		struct area_row row;
		uint64_t a0 = now_ns();
		enum err rc = areas_locate(&app, &actor, in[2 * i], in[2 * i + 1], CRS_WGS84, &row, NULL, NULL, &ei);
		lat[i] = now_ns() - a0;
		found += rc == ERR_OK;
	}
	qsort(lat, na, sizeof *lat, cmp_u64);
	printf("areas_locate_calls %zu\n", na);
	printf("areas_locate_found %zu\n", found);
	printf("areas_locate_p50_us %.3f\n", q_us(lat, na, 0.50));
	printf("areas_locate_p99_us %.3f\n", q_us(lat, na, 0.99));

	/* 6. points for wrk */
	if (pfile != NULL && pn > 0) {
		FILE *f = fopen(pfile, "w");
		if (f == NULL) {
			perror(pfile);
			return 1;
		}
		for (size_t i = 0; i < pn; i++) {
			size_t k = i % n;
			fprintf(f, "%.7f %.7f\n", in[2 * k], in[2 * k + 1]);
		}
		fclose(f);
		printf("points_written %zu\n", pn);
	}
	printf("mismatches %zu\n", bad);

	for (size_t i = 0; i < ngrids; i++) {
		if (grids[i].prep)
			GEOSPreparedGeom_destroy_r(h, grids[i].prep);
		if (grids[i].g)
			GEOSGeom_destroy_r(h, grids[i].g);
		free(grids[i].geojson);
	}
	free(grids);
	free(by_id);
	free(shapes);
	free(in);
	free(box);
	free(lat);
	grid_index_free(ix);
	store_close(st);
	return bad == 0 ? 0 : 3;
}
