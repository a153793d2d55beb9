/* Coordinate systems: WGS-84 (what we store) and GCJ-02 (the "Mars"
 * coordinates of Chinese web maps), range checks and CRS names.
 * Pure functions of their arguments: thread-safe, no allocation. */
#ifndef LINLI_GEO_COORD_H
#define LINLI_GEO_COORD_H

#include <stdbool.h>

enum coord_crs {
	CRS_WGS84,
	CRS_GCJ02,
	CRS__MAX
};

/* True inside the rough box (lng 72.004..137.8347, lat 0.8293..55.8271)
 * where GCJ-02 differs from WGS-84; outside it the two are the same. */
bool coord_in_china(double lng, double lat);

/* The public GCJ-02 formula (Krasovsky 1940 ellipsoid); identity outside
 * China. */
void coord_wgs84_to_gcj02(double lng, double lat, double *out_lng, double *out_lat);
/* The inverse, by fixed-point iteration to < 1e-9 degrees (the one-step
 * approximation is off by up to ~1e-5 degrees); identity outside China. */
void coord_gcj02_to_wgs84(double lng, double lat, double *out_lng, double *out_lat);

/* "wgs84" or "gcj02"; "?" for a value outside the enum. */
const char *coord_crs_name(enum coord_crs crs);
/* The enum value for "wgs84" or "gcj02" (exact, lowercase), -1 otherwise
 * (NULL included). */
int coord_crs_parse(const char *s);

/* NULL if (lng, lat) is a finite point with lng in [-180, 180] and lat in
 * [-90, 90], else a static string saying why not. */
const char *coord_check(double lng, double lat);

#endif
