/* The demo registers on the command line: init --demo's summary line and
 * `linli gen`, which builds a district or a city of them for benchmarks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/users.h"
#include "cli.h"
#include "demo/categories.h"
#include "demo/registers.h"
#include "demo/request_clones.h"
#include "demo/requests.h"
#include "util/worktime.h"

static void summary(const char *what, const struct demo_stats *s)
{
	printf("%s: %lld areas (streets %lld, communities %lld, grids %lld), %lld households, %lld people, "
	       "%lld party members in %.1f s\n",
	       what, (long long)s->areas, (long long)s->levels[2], (long long)s->levels[3],
	       (long long)s->levels[4], (long long)s->households, (long long)s->people,
	       (long long)s->members, s->seconds);
}

static const char *today_from_env(void)
{
	const char *t = getenv("LINLI_DEMO_TODAY");
	int32_t d;
	return t != NULL && date_parse(t, strlen(t), &d) == ERR_OK ? t : NULL;
}

int demo_cli_load(struct app *app)
{
	struct demo_options o;
	demo_options_default(&o);
	o.today = today_from_env();
	/* LINLI_DEMO_SCALE=small: two streets of three communities, a few
	 * thousand people, the same codes and demo accounts (the tests' default:
	 * the full district takes half a minute and much longer on PostgreSQL). */
	const char *scale = getenv("LINLI_DEMO_SCALE");
	if (scale != NULL && strcmp(scale, "small") == 0) {
		o.streets = 2;
		o.communities_max = 3;
		o.seed_street = false;
		o.people_per_district = 4000;
	}
	struct demo_stats s;
	struct errinfo ei;
	err_clear(&ei);
	enum err rc = demo_registers(app, &o, &s, &ei);
	if (rc == ERR_CONFLICT && strcmp(ei.field, "district") == 0) {
		printf("demo registers: present already (%s)\n", ei.message);
		/* an older database gets them too */
		rc = demo_categories_load(app) != 0 ? ERR_INTERNAL : ERR_OK;
		return rc == ERR_OK ? demo_requests_load(app) : 1;
	}
	if (rc != ERR_OK) {
		fprintf(stderr, "linli: demo registers: %s\n", ei.message);
		return 1;
	}
	summary("demo registers", &s);
	return demo_categories_load(app) != 0 ? 1 : demo_requests_load(app);
}

static void progress(void *ctx, int district, const struct demo_stats *s)
{
	printf("  district %d done: %lld people, %lld households so far, %.1f s\n", district + 1,
	       (long long)s->people, (long long)s->households, s->seconds);
	fflush(stdout);
}

/* A whole number from a flag's value, or -1. */
static long long number(const char *s)
{
	char *end = NULL;
	long long v = s ? strtoll(s, &end, 10) : -1;
	return s && end != s && *end == '\0' && v >= 0 ? v : -1;
}

static void request_progress(void *ctx, const char *district, const struct demo_request_stats *s)
{
	printf("  district %s done: %lld requests, %lld actions so far, %.1f s\n", district,
	       (long long)s->requests, (long long)s->actions, s->seconds);
	fflush(stdout);
}

static void clone_progress(void *ctx, int64_t done)
{
	int64_t *every = ctx;
	if (done % *every == 0) {
		printf("  %lld cloned\n", (long long)done);
		fflush(stdout);
	}
}

/* `linli gen --requests N --days D --templates T`: a request history on
 * registers made before (the city). Up to T requests go through the real
 * lifecycle like the demo's (in the first district, at about T / D a day);
 * the rest are clones of them spread over every grid (demo/request_clones.h):
 * the lifecycle writes a few hundred requests a second, cloning thousands. */
#define DEMO_TEMPLATES 5000
static int gen_requests(const struct config *cfg, long long n, int days, long long templates)
{
	struct app app;
	int rc = cli_app_open(cfg, true, &app);
	if (rc != 0)
		return rc;
	struct errinfo ei;
	err_clear(&ei);
	int applied = 0;
	if (store_migrate(app.store, &applied, &ei) != ERR_OK || roles_seed(&app, &ei) != ERR_OK) {
		fprintf(stderr, "linli gen: %s\n", ei.message);
		cli_app_close(&app);
		return 1;
	}
	if (demo_categories_load(&app) != 0) {
		cli_app_close(&app);
		return 1;
	}
	struct demo_request_options o;
	demo_request_options_default(&o, false);
	o.days = days;
	bool clones = n > templates;
	o.every_total = clones ? templates : n;
	o.districts_max = clones ? 1 : 0;
	o.progress = request_progress;
	printf("generating about %lld requests over %d days on %s%s\n", clones ? templates : n, days,
	       store_backend(app.store), clones ? " (templates for the clones)" : "");
	fflush(stdout);
	struct demo_request_stats s;
	if (demo_requests(&app, &o, &s, &ei) != ERR_OK) {
		fprintf(stderr, "linli gen: %s\n", ei.message);
		rc = 1;
	} else if (s.requests == 0) {
		fprintf(stderr, "linli gen: the database holds requests already\n");
		rc = 1;
	} else {
		printf("generated %lld requests in %lld streets, %lld actions, %lld overdue now, in %.1f s "
		       "(%.0f requests/s)\n",
		       (long long)s.requests, (long long)s.streets, (long long)s.actions,
		       (long long)s.overdue, s.seconds, s.seconds > 0 ? s.requests / s.seconds : 0);
		rc = s.failed > 0 ? 1 : 0;
	}
	if (rc == 0 && clones && n > s.requests) {
		struct request_clone_stats cs;
		int64_t every = 100000;
		if (demo_request_clones(&app, n - s.requests, (int)s.requests, 2, o.seed, clone_progress,
		                        &every, &cs, &ei) != ERR_OK) {
			fprintf(stderr, "linli gen: cloning: %s\n", ei.message);
			rc = 1;
		} else {
			printf("cloned %lld requests (%lld events) from %lld templates onto every grid in %.1f s "
			       "(%.0f requests/s); %lld requests in all\n",
			       (long long)cs.requests, (long long)cs.events, (long long)cs.templates, cs.seconds,
			       cs.seconds > 0 ? cs.requests / cs.seconds : 0, (long long)(s.requests + cs.requests));
		}
	}
	cli_app_close(&app);
	return rc;
}

int cmd_gen(int argc, char **argv)
{
	const struct command *cmd = cli_find_command("gen");
	const char *scale = NULL, *today = NULL;
	long long seed = -1, districts = -1, people = -1, workers = -1, requests = -1, days = -1,
	          templates = -1;
	/* Our own flags are taken out; what is left are settings (--db …). */
	char *rest[64];
	int nrest = 0;
	for (int i = 0; i < argc && nrest < 64; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (i > 0 && strcmp(a, "--scale") == 0)
			scale = v;
		else if (i > 0 && strcmp(a, "--today") == 0)
			today = v;
		else if (i > 0 && strcmp(a, "--seed") == 0)
			seed = number(v) < 0 ? -2 : number(v);
		else if (i > 0 && strcmp(a, "--districts") == 0)
			districts = number(v) < 0 ? -2 : number(v);
		else if (i > 0 && strcmp(a, "--people") == 0)
			people = number(v) < 0 ? -2 : number(v);
		else if (i > 0 && strcmp(a, "--workers") == 0)
			workers = number(v) < 0 ? -2 : number(v);
		else if (i > 0 && strcmp(a, "--requests") == 0)
			requests = number(v) <= 0 ? -2 : number(v);
		else if (i > 0 && strcmp(a, "--days") == 0)
			days = number(v) <= 0 || number(v) > 3660 ? -2 : number(v);
		else if (i > 0 && strcmp(a, "--templates") == 0)
			templates = number(v) <= 0 || number(v) > 100000 ? -2 : number(v);
		else {
			rest[nrest++] = argv[i];
			continue;
		}
		i++; /* the value */
	}
	struct config cfg;
	struct flags fl;
	int rc = cli_load_config(cmd, nrest, rest, &cfg, &fl);
	if (rc != 0)
		return rc;
	if (fl.help) {
		cli_usage_one(cmd, stdout);
		return 0;
	}
	if (requests != -1 || days != -1 || templates != -1) {
		if (requests < 0 || days == -2 || templates == -2 || scale || fl.npositional > 0) {
			cli_usage_one(cmd, stderr);
			return 2;
		}
		return gen_requests(&cfg, requests, days > 0 ? (int)days : 180,
		                    templates > 0 ? templates : DEMO_TEMPLATES);
	}
	bool city = scale && strcmp(scale, "city") == 0;
	if ((!city && !(scale && strcmp(scale, "district") == 0)) || seed == -2 || districts == -2 ||
	    people == -2 || workers == -2 || fl.npositional > 0) {
		cli_usage_one(cmd, stderr);
		return 2;
	}
	struct demo_options o;
	demo_options_default(&o);
	o.streets = 0; /* as many as the people need */
	o.districts = city ? DEMO_DISTRICTS_MAX : 1;
	o.people_per_district = 1000000;
	if (seed >= 0)
		o.seed = (uint64_t)seed;
	if (districts >= 0)
		o.districts = (int)districts;
	if (people >= 0)
		o.people_per_district = people > 20000000 ? 20000001 : (int)people;
	if (workers >= 0)
		o.threads = (int)workers;
	o.today = today ? today : today_from_env();
	o.progress = progress;

	struct app app;
	if ((rc = cli_app_open(&cfg, true, &app)) != 0)
		return rc;
	struct errinfo ei;
	err_clear(&ei);
	int applied = 0;
	if (store_migrate(app.store, &applied, &ei) != ERR_OK || roles_seed(&app, &ei) != ERR_OK) {
		fprintf(stderr, "linli gen: %s\n", ei.message);
		cli_app_close(&app);
		return 1;
	}
	printf("generating %d district%s of about %d people on %s\n", o.districts, o.districts == 1 ? "" : "s",
	       o.people_per_district, store_backend(app.store));
	fflush(stdout);
	struct demo_stats s;
	if (demo_registers(&app, &o, &s, &ei) != ERR_OK) {
		fprintf(stderr, "linli gen: %s\n", ei.message);
		rc = 1;
	} else {
		summary("generated", &s);
		printf("  %lld units, %lld pairings, %lld party organisations, %lld reported in, "
		       "%lld center households, %lld floating, %lld care tags\n",
		       (long long)s.units, (long long)s.pairings, (long long)s.party_orgs,
		       (long long)s.report_ins, (long long)s.centers, (long long)s.floating, (long long)s.tags);
	}
	cli_app_close(&app);
	return rc;
}
