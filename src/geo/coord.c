/* WGS-84 <-> GCJ-02 and coordinate checks. No GEOS, no JSON here: this file
 * is the arithmetic only, so geojson.c and the API can share it. */
#include "geo/coord.h"

#include <math.h>
#include <string.h>

/* Constants of the published GCJ-02 algorithm: Krasovsky 1940 semi-major
 * axis and first eccentricity squared. Not WGS-84's: that is the point. */
#define GCJ_A  6378245.0
#define GCJ_EE 0.00669342162296594323
#define GCJ_PI 3.14159265358979323846

/* The inverse stops when the forward image is this close (degrees) to
 * the target; about 0.1 mm, far below the 1e-7 the API promises. */
#define GCJ_INVERSE_EPS   1e-9
#define GCJ_INVERSE_ITERS 50

static const char *const crs_names[CRS__MAX] = {
	/* CRS_WGS84 */ "wgs84",
	/* CRS_GCJ02 */ "gcj02",
};

bool coord_in_china(double lng, double lat)
{
	return lng >= 72.004 && lng <= 137.8347 && lat >= 0.8293 && lat <= 55.8271;
}

static double gcj_dlat(double x, double y)
{
	double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(fabs(x));
	r += (20.0 * sin(6.0 * x * GCJ_PI) + 20.0 * sin(2.0 * x * GCJ_PI)) * 2.0 / 3.0;
	r += (20.0 * sin(y * GCJ_PI) + 40.0 * sin(y / 3.0 * GCJ_PI)) * 2.0 / 3.0;
	r += (160.0 * sin(y / 12.0 * GCJ_PI) + 320.0 * sin(y * GCJ_PI / 30.0)) * 2.0 / 3.0;
	return r;
}

static double gcj_dlng(double x, double y)
{
	double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(fabs(x));
	r += (20.0 * sin(6.0 * x * GCJ_PI) + 20.0 * sin(2.0 * x * GCJ_PI)) * 2.0 / 3.0;
	r += (20.0 * sin(x * GCJ_PI) + 40.0 * sin(x / 3.0 * GCJ_PI)) * 2.0 / 3.0;
	r += (150.0 * sin(x / 12.0 * GCJ_PI) + 300.0 * sin(x / 30.0 * GCJ_PI)) * 2.0 / 3.0;
	return r;
}

void coord_wgs84_to_gcj02(double lng, double lat, double *out_lng, double *out_lat)
{
	if (!coord_in_china(lng, lat)) {
		*out_lng = lng;
		*out_lat = lat;
		return;
	}
	double dlat = gcj_dlat(lng - 105.0, lat - 35.0);
	double dlng = gcj_dlng(lng - 105.0, lat - 35.0);
	double radlat = lat / 180.0 * GCJ_PI;
	double magic = sin(radlat);
	magic = 1.0 - GCJ_EE * magic * magic;
	double sqrtmagic = sqrt(magic);
	dlat = (dlat * 180.0) / ((GCJ_A * (1.0 - GCJ_EE)) / (magic * sqrtmagic) * GCJ_PI);
	dlng = (dlng * 180.0) / (GCJ_A / sqrtmagic * cos(radlat) * GCJ_PI);
	*out_lng = lng + dlng;
	*out_lat = lat + dlat;
}

/* The offset is smooth and small (< 0.01 degrees) with a derivative far
 * below 1, so w <- w + (target - f(w)) is a contraction and converges in a
 * handful of steps. Near the edge of the China box f jumps to identity and
 * the iteration can bounce; the cap bounds that and we keep the best. */
void coord_gcj02_to_wgs84(double lng, double lat, double *out_lng, double *out_lat)
{
	if (!coord_in_china(lng, lat)) {
		*out_lng = lng;
		*out_lat = lat;
		return;
	}
	double wlng = lng, wlat = lat;
	double best_lng = lng, best_lat = lat, best_err = INFINITY;
	for (int i = 0; i < GCJ_INVERSE_ITERS; i++) {
		double glng, glat;
		coord_wgs84_to_gcj02(wlng, wlat, &glng, &glat);
		double elng = lng - glng, elat = lat - glat;
		double err = fmax(fabs(elng), fabs(elat));
		if (err < best_err) {
			best_err = err;
			best_lng = wlng;
			best_lat = wlat;
		}
		if (err < GCJ_INVERSE_EPS)
			break;
		wlng += elng;
		wlat += elat;
	}
	*out_lng = best_lng;
	*out_lat = best_lat;
}

const char *coord_crs_name(enum coord_crs crs)
{
	if ((unsigned)crs >= CRS__MAX)
		return "?";
	return crs_names[crs];
}

int coord_crs_parse(const char *s)
{
	if (s == NULL)
		return -1;
	for (int i = 0; i < CRS__MAX; i++)
		if (strcmp(s, crs_names[i]) == 0)
			return i;
	return -1;
}

const char *coord_check(double lng, double lat)
{
	if (!isfinite(lng) || !isfinite(lat))
		return "coordinate is not a finite number";
	if (lng < -180.0 || lng > 180.0)
		return "longitude out of range [-180, 180]";
	if (lat < -90.0 || lat > 90.0)
		return "latitude out of range [-90, 90]";
	return NULL;
}
