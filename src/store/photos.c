/* SQL of the photo table. */
#include "store/photos.h"

#include <stdio.h>
#include <string.h>

#include "util/clock.h"

enum err store_photo_get(struct store_conn *c, const char *sha256, struct photo_row *r,
                         struct errinfo *ei)
{
	struct store_val p[] = {SV_TEXT(sha256)};
	struct store_stmt *s = NULL;
	enum err rc = store_query(c,
	                          "SELECT sha256, mime, bytes, width, height, created_by, created_at"
	                          " FROM photo WHERE sha256 = ?",
	                          p, 1, &s, ei);
	if (rc != ERR_OK)
		return rc;
	int k = store_next(s);
	if (k == 1) {
		memset(r, 0, sizeof *r);
		snprintf(r->sha256, sizeof r->sha256, "%s", store_col_text(s, 0, NULL));
		snprintf(r->mime, sizeof r->mime, "%s", store_col_text(s, 1, NULL));
		r->bytes = store_col_int(s, 2);
		r->width = store_col_null(s, 3) ? 0 : (int)store_col_int(s, 3);
		r->height = store_col_null(s, 4) ? 0 : (int)store_col_int(s, 4);
		r->created_by = store_col_null(s, 5) ? 0 : store_col_int(s, 5);
		snprintf(r->created_at, sizeof r->created_at, "%s", store_col_text(s, 6, NULL));
	}
	store_done(s);
	if (k < 0)
		return err_set(ei, (enum err)-k, NULL, "reading a photo failed");
	return k == 0 ? err_set(ei, ERR_NOTFOUND, NULL, "no such photo") : ERR_OK;
}

enum err store_photo_insert(struct store_conn *c, struct photo_row *r, bool *created,
                            struct errinfo *ei)
{
	clock_now_iso(r->created_at);
	struct store_val p[] = {SV_TEXT(r->sha256),
	                        SV_TEXT(r->mime),
	                        SV_INT(r->bytes),
	                        r->width > 0 ? SV_INT(r->width) : SV_NULL,
	                        r->height > 0 ? SV_INT(r->height) : SV_NULL,
	                        r->created_by > 0 ? SV_INT(r->created_by) : SV_NULL,
	                        SV_TEXT(r->created_at)};
	int64_t n = 0;
	enum err rc = store_exec(c,
	                         "INSERT INTO photo (sha256, mime, bytes, width, height, created_by,"
	                         " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
	                         " ON CONFLICT (sha256) DO NOTHING",
	                         p, 7, &n, ei);
	*created = n > 0;
	return rc;
}
