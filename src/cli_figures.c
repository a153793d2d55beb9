/* linli rollup-verify: the figures' roll-up tables recomputed from the
 * events and compared (domain/rollup_verify.h). Needs neither the key file
 * nor a server: the database and the district's time zone (the local day
 * of each event). Exit 0: every row equal; 1: differences (printed, one
 * counter a line); 2: it could not run. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "util/worktime.h"
#include "domain/rollup_verify.h"

static void print_diff(void *ctx, const struct rollup_diff *d)
{
	bool *header = ctx;
	if (!*header) {
		printf("table\tid\tday\tcategory\tcounter\tstored\trecomputed\n");
		*header = true;
	}
	printf("%s\t%lld\t%s\t%lld\t%s\t%lld\t%lld\n", d->unit ? "unit" : "area", (long long)d->id, d->day,
	       (long long)d->category_id, d->counter, (long long)d->stored, (long long)d->recomputed);
}

int cmd_rollup_verify(int argc, char **argv)
{
	COMMAND_PROLOGUE("rollup-verify");
	if (fl.npositional > 0) {
		fprintf(stderr, "linli rollup-verify: unexpected argument %s\n", fl.positional[0]);
		return 2;
	}
	struct app app;
	memset(&app, 0, sizeof app);
	app.cfg = cfg;
	if (tz_parse(cfg.timezone, &app.office.tz_offset_min) != ERR_OK) {
		fprintf(stderr, "linli: bad timezone %s\n", cfg.timezone);
		return 2;
	}
	if (cli_open_store(&cfg, false, &app.store) != 0)
		return 2;
	struct rollup_verdict v;
	struct errinfo ei;
	err_clear(&ei);
	bool header = false;
	if (rollup_verify(&app, print_diff, &header, &v, &ei) != ERR_OK) {
		fprintf(stderr, "linli rollup-verify: %s\n", ei.message);
		rc = 2;
	} else {
		printf("rollup-verify: %lld day%s, %lld events, %lld stored rows: ", (long long)v.days,
		       v.days == 1 ? "" : "s", (long long)v.events, (long long)v.rows);
		if (v.differences == 0)
			printf("no differences\n");
		else
			printf("%lld counter%s\n", (long long)v.differences,
			       v.differences == 1 ? " differs" : "s differ");
		rc = v.differences > 0 ? 1 : 0;
	}
	store_close(app.store);
	return rc;
}
