/* The area register's CSV import and xlsx export (domain/registers_io.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "domain/areas.h"
#include "domain/registers_io.h"
#include "util/strbuf.h"
#include "util/worktime.h"

enum { C_CODE, C_NAME, C_LEVEL, C_KIND, C_PARENT, C_FROM, C_LNG, C_LAT };
static const char *const columns[] = {"code",        "name",       "level", "kind",
                                      "parent_code", "valid_from", "lng",   "lat", NULL};
static const char *const required[] = {"code", "name", NULL};

static bool parse_real(const char *s, double *out)
{
	char *end = NULL;
	*out = strtod(s, &end);
	return end != s && *end == '\0';
}

/* The level a code's length says, or 0. */
static int level_of_code(const char *code)
{
	for (int l = 1; l <= AREA_LEVELS; l++)
		if (strlen(code) == area_code_len(l))
			return l;
	return 0;
}

static enum err area_row_fn(struct import_ctx *x, struct store_conn *c, const struct import_row *r,
                            struct errinfo *ei)
{
	const char *code = import_get(r, C_CODE), *lv = import_get(r, C_LEVEL);
	int level = lv[0] ? area_level_parse(lv) : level_of_code(code);
	if (level == 0)
		return err_set(ei, ERR_INVALID, lv[0] ? "level" : "code",
		               lv[0] ? "level must be district, street, community, grid, compound, building or entrance"
		                     : "the code's length fits no level");
	struct area_input in = {.code = code, .level = level, .name = import_get(r, C_NAME),
	                        .kind = import_get(r, C_KIND)[0] ? import_get(r, C_KIND) : NULL,
	                        .crs = CRS_WGS84};
	const char *from = import_get(r, C_FROM);
	int32_t days;
	if (from[0] != '\0') {
		if (date_parse(from, strlen(from), &days) != ERR_OK)
			return err_set(ei, ERR_INVALID, "valid_from", "valid_from must be a date YYYY-MM-DD");
		in.valid_from = from;
	}
	const char *lng = import_get(r, C_LNG), *lat = import_get(r, C_LAT);
	if (lng[0] || lat[0]) {
		if (!parse_real(lng, &in.lng))
			return err_set(ei, ERR_INVALID, "lng", "lng must be a number");
		if (!parse_real(lat, &in.lat))
			return err_set(ei, ERR_INVALID, "lat", "lat must be a number");
		in.set_point = true;
	}
	if (level > AREA_DISTRICT) {
		const char *pc = import_get(r, C_PARENT);
		char want[AREA_CODE_MAX + 1];
		snprintf(want, sizeof want, "%.*s", (int)area_code_len(level - 1), code);
		if (pc[0] && strcmp(pc, want) != 0)
			return err_set(ei, ERR_INVALID, "parent_code",
			               "parent_code %s disagrees with the code's prefix %s", pc, want);
		struct area_row parent;
		enum err rc = store_area_by_code(c, want, &parent, ei);
		if (rc == ERR_NOTFOUND)
			return err_set(ei, ERR_INVALID, "parent_code",
			               "no area %s (parents come before their children)", want);
		if (rc != ERR_OK)
			return rc;
		in.parent_id = parent.id;
	}
	struct area_row exists;
	enum err rc = store_area_by_code(c, code, &exists, ei);
	if (rc == ERR_OK)
		return err_set(ei, ERR_CONFLICT, "code", "the code %s is taken", code);
	if (rc != ERR_NOTFOUND)
		return rc;
	err_clear(ei);
	struct area_row out;
	rc = area_create_tx(c, x->app, x->actor, &in, &out, ei);
	if (rc != ERR_OK && strcmp(ei->field, "parent_id") == 0)
		snprintf(ei->field, sizeof ei->field, "parent_code");
	return rc;
}

static const char *const titles[] = {"编码", "名称", "层级", "类型", "生效日期", "撤销日期",
                                     "经度", "纬度", NULL};
static const char *const level_zh[] = {"", "区", "街道", "社区", "网格", "小区", "楼栋", "单元"};

static enum err area_export(struct import_ctx *x, struct store_conn *c, const struct code_ranges *r,
                            void (*emit)(void *ctx, const char *const *cells), void *ctx,
                            struct errinfo *ei)
{
	struct strbuf sql;
	strbuf_init(&sql, 4096);
	struct store_val p[40];
	int np = 0;
	strbuf_adds(&sql, "SELECT code, name, level, kind, valid_from, valid_to, lng, lat FROM area"
	                  " WHERE 1 = 1");
	code_ranges_sql(r, "code", &sql, p, &np);
	strbuf_adds(&sql, " ORDER BY code");
	struct store_stmt *s = NULL;
	enum err rc = store_query(c, sql.buf, p, np, &s, ei);
	strbuf_free(&sql);
	if (rc != ERR_OK)
		return rc;
	int k;
	while ((k = store_next(s)) == 1) {
		char lng[32] = "", lat[32] = "";
		if (!store_col_null(s, 6)) {
			snprintf(lng, sizeof lng, "%.7f", store_col_real(s, 6));
			snprintf(lat, sizeof lat, "%.7f", store_col_real(s, 7));
		}
		int level = area_level_parse(store_col_text(s, 2, NULL));
		const char *kind = store_col_text(s, 3, NULL);
		const char *cells[] = {store_col_text(s, 0, NULL), store_col_text(s, 1, NULL), level_zh[level],
		                       strcmp(kind, "dedicated") == 0 ? "专属网格"
		                       : strcmp(kind, "basic") == 0   ? "基础网格"
		                                                      : "",
		                       store_col_text(s, 4, NULL), store_col_text(s, 5, NULL), lng, lat};
		emit(ctx, cells);
	}
	store_done(s);
	return k < 0 ? err_set(ei, (enum err)-k, NULL, "reading areas failed") : ERR_OK;
}

const struct register_io area_io = {
	.name = "areas",
	.title_zh = "区域网格",
	.read_cap = "area.read",
	.manage_cap = "area.manage",
	.columns = columns,
	.required = required,
	.row = area_row_fn,
	.export_titles = titles,
	.export_rows = area_export,
};
