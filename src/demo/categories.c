/* The demo's request categories and dispatch rules: the taxonomy shipped
 * in data/categories/demo.csv (12 classes of everyday matters, 45
 * subclasses, standards and limits per shared/DOMAIN.md), imported through
 * the categories register, and a few rules for district 110105: illegal
 * building goes to the street, each street's street-vending cases to its
 * own law-enforcement team, water and greenery to the district's
 * departments; the rest keep the taxonomy's defaults (mostly the
 * community). Loaded once: a database holding categories or rules keeps
 * its own. */
#include "demo/categories.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth/users.h"
#include "cli.h"
#include "domain/areas.h"
#include "domain/dispatch_rules.h"
#include "domain/registers_io.h"
#include "store/categories.h"
#include "util/embedded.h"

#define DEMO_CATEGORIES "data/categories/demo.csv"
#define DEMO_DISTRICT "110105"

struct plan {
	int64_t categories, rules;
	int64_t district_id;
	int nstreets;
	struct {
		int64_t id, enforcement; /* the street's 综合行政执法队, 0 if none */
	} street[64];
	int64_t cat_build, cat_vending, cat_water, cat_green, water_dept, green_dept;
};

static enum err count_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct plan *p = arg;
	const char *sql[] = {"SELECT COUNT(*) FROM category", "SELECT COUNT(*) FROM dispatch_rule"};
	int64_t *out[] = {&p->categories, &p->rules};
	for (int i = 0; i < 2; i++) {
		struct store_stmt *s = NULL;
		enum err rc = store_query(c, sql[i], NULL, 0, &s, ei);
		if (rc != ERR_OK)
			return rc;
		int k = store_next(s);
		*out[i] = k == 1 ? store_col_int(s, 0) : 0;
		store_done(s);
		if (k < 0)
			return err_set(ei, (enum err)-k, NULL, "counting failed");
	}
	return ERR_OK;
}

static int64_t category_id(struct store_conn *c, const char *code)
{
	struct category_row r;
	return store_category_by_code(c, code, &r, NULL) == ERR_OK ? r.id : 0;
}

static int64_t department(struct store_conn *c, const char *name)
{
	int64_t id = 0;
	int n = 0;
	return store_department_by_name(c, name, &id, &n, NULL) == ERR_OK && n == 1 ? id : 0;
}

static void add_street(void *ctx, const struct area_row *a)
{
	struct plan *p = ctx;
	if (a->level == AREA_STREET && p->nstreets < 64)
		p->street[p->nstreets++].id = a->id;
}

/* What the rules refer to, found by code and by the demo's unit names. */
static enum err plan_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct plan *p = arg;
	struct area_row district;
	if (store_area_by_code(c, DEMO_DISTRICT, &district, NULL) != ERR_OK)
		return ERR_OK; /* no demo district: no rules */
	p->district_id = district.id;
	enum err rc = store_area_children(c, district.id, false, add_street, p, ei);
	if (rc != ERR_OK)
		return rc;
	for (int i = 0; i < p->nstreets; i++) {
		struct area_row st;
		if (store_area_get(c, p->street[i].id, &st, NULL) != ERR_OK)
			continue;
		char name[300];
		snprintf(name, sizeof name, "%s综合行政执法队", st.name);
		struct unit_row u;
		if (store_unit_by_name(c, st.id, name, &u, NULL) == ERR_OK &&
		    strcmp(u.kind, "department") == 0)
			p->street[i].enforcement = u.id;
	}
	char name[300];
	snprintf(name, sizeof name, "北京市%s水务局", district.name);
	p->water_dept = department(c, name);
	snprintf(name, sizeof name, "北京市%s园林绿化局", district.name);
	p->green_dept = department(c, name);
	p->cat_build = category_id(c, "03");
	p->cat_vending = category_id(c, "0201");
	p->cat_water = category_id(c, "1001");
	p->cat_green = category_id(c, "11");
	return ERR_OK;
}

static int rule(struct app *app, const struct actor *a, int64_t category, int64_t area,
                const char *level, int64_t unit)
{
	if (category == 0 || area == 0 || (level == NULL && unit == 0))
		return 0;
	struct dispatch_rule_input in = {.category_id = category, .area_id = area,
	                                 .owner_level = level, .owner_unit_id = unit};
	struct dispatch_rule_row out;
	struct errinfo ei;
	err_clear(&ei);
	if (dispatch_rules_create(app, a, &in, &out, &ei) != ERR_OK) {
		fprintf(stderr, "linli: demo dispatch rule: %s\n", ei.message);
		return -1;
	}
	return 1;
}

int demo_categories_load(struct app *app)
{
	struct identity cli;
	struct actor a;
	cli_actor(&a, &cli);
	struct plan p;
	memset(&p, 0, sizeof p);
	struct errinfo ei;
	err_clear(&ei);
	if (store_read(app->store, count_fn, &p, &ei) != ERR_OK) {
		fprintf(stderr, "linli: demo categories: %s\n", ei.message);
		return 1;
	}
	if (p.categories == 0) {
		const struct embedded_file *f = embedded_find(DEMO_CATEGORIES);
		if (f == NULL) {
			fprintf(stderr, "linli: %s is not built in\n", DEMO_CATEGORIES);
			return 1;
		}
		struct import_result res;
		enum err rc = register_import(app, &a, &category_io, (const char *)f->data, f->len, false,
		                              &res, &ei);
		if (rc != ERR_OK) {
			fprintf(stderr, "linli: demo categories: %s\n", ei.message);
			for (int i = 0; i < res.nerrors && i < 5 && res.errors; i++)
				fprintf(stderr, "  line %d %s: %s\n", res.errors[i].line, res.errors[i].column,
				        res.errors[i].reason);
			free(res.errors);
			return 1;
		}
		printf("demo categories: %d from %s\n", res.imported, DEMO_CATEGORIES);
		free(res.errors);
	} else {
		printf("demo categories: present already (%lld)\n", (long long)p.categories);
	}
	if (p.rules > 0)
		return 0;
	if (store_read(app->store, plan_fn, &p, &ei) != ERR_OK) {
		fprintf(stderr, "linli: demo dispatch rules: %s\n", ei.message);
		return 1;
	}
	int made = 0, r;
	/* 违法建设 → the street (district-wide), 供水 → 水务局, 园林绿化 → 园林绿化局 */
	if ((r = rule(app, &a, p.cat_build, p.district_id, "street", 0)) < 0)
		return 1;
	made += r;
	if ((r = rule(app, &a, p.cat_water, p.district_id, NULL, p.water_dept)) < 0)
		return 1;
	made += r;
	if ((r = rule(app, &a, p.cat_green, p.district_id, NULL, p.green_dept)) < 0)
		return 1;
	made += r;
	/* 占道经营 → each street's own law-enforcement team */
	for (int i = 0; i < p.nstreets; i++) {
		if ((r = rule(app, &a, p.cat_vending, p.street[i].id, NULL, p.street[i].enforcement)) < 0)
			return 1;
		made += r;
	}
	if (made > 0)
		printf("demo dispatch rules: %d for district %s\n", made, DEMO_DISTRICT);
	return 0;
}
