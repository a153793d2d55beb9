/* /api/v1/photos: upload a photo as the raw body (its type is read from
 * its bytes) and read one back by its SHA-256. */
#include <stdlib.h>

#include "api/api.h"
#include "app.h"
#include "domain/photos.h"
#include "limits.h"

static const char *check_sha(const char *s, size_t n)
{
	return photo_sha_valid(s) ? NULL : "must be 64 lower-case hex digits";
}

static const struct field_spec sha_param[] = {
	{.name = "sha256", .type = FIELD_STRING, .required = true, .min = 64, .max = 64,
	 .check = check_sha},
	FIELDS_END,
};

static json_t *photo_answer(const struct photo_row *p)
{
	char url[128];
	snprintf(url, sizeof url, "/api/v1/photos/%s", p->sha256);
	json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:s}", "sha256", p->sha256, "url", url, "mime",
	                      p->mime, "bytes", (json_int_t)p->bytes, "created_at", p->created_at);
	json_object_set_new(o, "width", p->width > 0 ? json_integer(p->width) : json_null());
	json_object_set_new(o, "height", p->height > 0 ? json_integer(p->height) : json_null());
	return o;
}

static void api_photos_upload(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	size_t len = 0;
	const char *buf = req_raw(r, &len);
	struct photo_row p;
	bool created = false;
	if (photos_put(req_app(r), &a, buf, len, &p, &created, req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	json_t *o = photo_answer(&p);
	json_object_set_new(o, "created", json_boolean(created));
	reply_json(r, created ? 201 : 200, o);
}

static void api_photos_upload_public(struct req *r)
{
	struct actor a;
	req_actor(r, &a);
	size_t len = 0;
	const char *buf = req_raw(r, &len);
	struct photo_row p;
	bool created = false;
	if (photos_put_public(req_app(r), &a, buf, len, &p, &created, req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	/* The hash is all the page needs: it goes into the report's photos. */
	reply_json(r, created ? 201 : 200, json_pack("{s:s, s:s, s:I, s:b}", "sha256", p.sha256, "mime",
	                                              p.mime, "bytes", (json_int_t)p.bytes, "created",
	                                              created));
}

static void api_photos_get(struct req *r)
{
	struct photo_row p;
	char *data = NULL;
	size_t len = 0;
	if (photos_get(req_app(r), req_str(r, "sha256"), &p, &data, &len, req_errinfo(r)) != ERR_OK) {
		reply_errinfo(r, req_errinfo(r));
		return;
	}
	reply_raw(r, 200, p.mime, data, len); /* takes data */
}

const struct route photo_routes[] = {
	{HTTP_POST, "/api/v1/photos", api_photos_upload, "request.read", NULL, NULL, NULL,
	 "Upload a photo (the raw JPEG, PNG or WebP bytes, up to 10 MiB): its SHA-256 and URL",
	 .raw_type = "image/*", .raw_max = LIMIT_PHOTO_BYTES},
	{HTTP_GET, "/api/v1/photos/{sha256}", api_photos_get, "request.read", sha_param, NULL, NULL,
	 "A photo's bytes, with its type"},
	{HTTP_POST, "/api/v1/public/photos", api_photos_upload_public, CAP_PUBLIC, NULL, NULL, NULL,
	 "A resident's photo for the public report page (as POST /photos; rate-limited per address)",
	 .raw_type = "image/*", .raw_max = LIMIT_PHOTO_BYTES},
	ROUTES_END,
};
