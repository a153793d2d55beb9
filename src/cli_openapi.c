/* linli openapi: prints the same OpenAPI document GET /api/v1/openapi.json
 * serves, without a database or a running server (for docs, client
 * generators and CI). */
#include <stdio.h>
#include <stdlib.h>

#include "api/api.h"
#include "api/openapi.h"
#include "cli.h"

int cmd_openapi(int argc, char **argv)
{
	COMMAND_PROLOGUE("openapi");
	if (fl.npositional > 0) {
		fprintf(stderr, "linli openapi: takes no arguments\n");
		return 2;
	}
	int n = 0;
	const struct route *routes = api_routes(&n);
	json_t *doc = routes ? openapi_build(routes, n) : NULL;
	if (doc == NULL) {
		fprintf(stderr, "linli openapi: out of memory\n");
		return 1;
	}
	int bad = json_dumpf(doc, stdout, JSON_INDENT(2)) != 0 || fputc('\n', stdout) == EOF ||
	          fflush(stdout) != 0;
	json_decref(doc);
	if (bad) {
		fprintf(stderr, "linli openapi: cannot write the document\n");
		return 1;
	}
	return 0;
}
