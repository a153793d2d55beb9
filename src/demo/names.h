/* Synthetic Chinese names for demo data (people, streets, communities,
 * compounds, units) and the small random generator they draw from. Every
 * function takes the caller's generator, so output follows from the seed
 * alone; no global state, thread-safe. Nothing here is anyone's real data. */
#ifndef LINLI_DEMO_NAMES_H
#define LINLI_DEMO_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* splitmix64: small, fast, and good enough for shapes and names. */
struct demo_rng {
	uint64_t s;
};
/* A generator for one stream of a seed (e.g. one community's code), so a
 * part's contents do not depend on the order parts are generated in. */
void demo_rng_seed(struct demo_rng *r, uint64_t seed, uint64_t stream);
uint64_t demo_rng_next(struct demo_rng *r);
int demo_rng_int(struct demo_rng *r, int lo, int hi); /* uniform in [lo, hi] */
double demo_rng_real(struct demo_rng *r);             /* uniform in [0, 1) */
bool demo_rng_chance(struct demo_rng *r, double p);
/* FNV-1a of a string: the stream number of a code. */
uint64_t demo_hash(const char *s);

#define NAME_BYTES 24 /* a person's name: up to 4 characters of 3 bytes, or a compound surname */

/* A surname drawn by frequency (王, 李, 张, 刘 … and a few compound ones). */
const char *names_surname(struct demo_rng *r);
/* A full name: surname (NULL: drawn) + a given name in the fashion of the
 * birth year (建国, 秀英 … 浩然, 子涵) for the gender. */
void names_person(struct demo_rng *r, const char *surname, bool male, int birth_year,
                  char out[NAME_BYTES]);

/* The streets of a district: for 110105 the real names of its first
 * streets (建外街道 …), elsewhere place names; unique within the district.
 * index counts from 0. */
void names_street(const char *district_code, int index, char *out, size_t cap);
/* The stem of a street name without 街道 (建外), for departments' names. */
void names_street_stem(const char *street_name, char *out, size_t cap);
/* A community (…社区), a compound (…小区, …家园, …里3号院) and an
 * institution of a dedicated grid (…小学, …医院, …市场), drawn from the
 * generator. Names may repeat: callers that need them different among
 * siblings draw again. */
void names_community(struct demo_rng *r, char *out, size_t cap);
void names_compound(struct demo_rng *r, char *out, size_t cap);
/* *kind gets "agency" or "enterprise" (the unit the institution is). */
void names_institution(struct demo_rng *r, char *out, size_t cap, const char **kind);
/* An enterprise (北京…科技有限公司), a property company, a social
 * organisation of a place (a street's or a community's name). */
void names_enterprise(struct demo_rng *r, char *out, size_t cap);
void names_property_company(struct demo_rng *r, char *out, size_t cap);
void names_social_org(struct demo_rng *r, const char *place, char *out, size_t cap);
/* A mobile number ^1[3-9][0-9]{9}$ (12 bytes with the NUL). */
void names_phone(struct demo_rng *r, char out[12]);

#endif
