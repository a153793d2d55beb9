/* The demo district and the city-scale generator. demo_registers fills the
 * registers (areas with boundaries, the people in charge, units and
 * pairings, party organisations and members, households and people) with
 * synthetic data shaped after the seed reports: street 110105001 has seed
 * 001's 23 communities, 75 basic and 13 dedicated grids, 147 compounds,
 * 631 buildings and 1,713 entrances. ID numbers and phones are sealed,
 * hashed and masked as src/auth/pii.c does, so the server reads them.
 * Writes only through the store API; plaintext is a function of seed and
 * today alone (ciphertexts differ per run: their nonces are random). */
#ifndef LINLI_DEMO_REGISTERS_H
#define LINLI_DEMO_REGISTERS_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

struct app;
struct demo_stats;

#define DEMO_DISTRICTS_MAX 10 /* 朝阳 first, then nine other Beijing districts */

struct demo_options {
	uint64_t seed;
	int districts;           /* 1..DEMO_DISTRICTS_MAX */
	int people_per_district; /* roughly; the number of streets follows from it */
	int streets;             /* >0: this many streets a district instead */
	int communities_max;     /* >0: at most this many communities a street (small tests) */
	bool seed_street;        /* 110105001 takes seed 001's shape (and its ~78,000 people) */
	int threads;             /* workers sealing and writing; 0: the CPUs online */
	const char *today;       /* "YYYY-MM-DD" ages and dates count from; NULL: the clock's day */
	/* Called after each district with the totals so far (may be NULL). */
	void (*progress)(void *ctx, int district, const struct demo_stats *so_far);
	void *progress_ctx;
};

/* What was written. levels[1..7]: district … entrance. */
struct demo_stats {
	int64_t areas, levels[8], grids_basic, grids_dedicated;
	int64_t responsible, units, contacts, department_areas, pairings, joint_members;
	int64_t party_orgs, members, in_service, report_ins, six_ones, centers, covered;
	int64_t households, people, floating, tags;
	double seconds;
};

/* The demo: one district (110105 朝阳区) of 8 streets, street 110105001
 * shaped like seed 001, about 300,000 people. */
void demo_options_default(struct demo_options *o);

/* Generates and writes. ERR_CONFLICT with field "district" if a
 * district's code is taken already (the demo is loaded); ERR_INVALID for
 * options out of range.
 * A failure may leave the districts written so far: run it on an empty
 * database. Not to be called while serving (it fills the writer queue). */
enum err demo_registers(struct app *app, const struct demo_options *opt, struct demo_stats *out,
                        struct errinfo *ei);

/* --- command line (src/demo/gen.c) ------------------------------------------ */

/* init --demo: the demo registers with a one-line summary; 0 or 1. A loaded
 * demo is left as it is. LINLI_DEMO_TODAY=YYYY-MM-DD pins the day ages
 * count from (stable screenshots). */
int demo_cli_load(struct app *app);
/* linli gen --scale city|district [--districts N] [--people N] [--seed N]
 * [--workers N] [--today YYYY-MM-DD] and the settings (--db …): city is 10
 * districts of about a million people each, district one. District
 * 110105's first street always has seed 001's shape (~78,000 people). */
int cmd_gen(int argc, char **argv);

#endif
