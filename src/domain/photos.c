/* Content-addressed photos: type by magic bytes, SHA-256 name, atomic
 * file write, one row per photo. */
#include "domain/photos.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "auth/audit.h"
#include "limits.h"
#include "util/clock.h"
#include "util/log.h"

/* --- the bytes --------------------------------------------------------------------- */

const char *photo_sniff(const void *data, size_t len)
{
	const unsigned char *b = data;
	if (len >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
		return "image/jpeg";
	static const unsigned char png[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
	if (len >= 8 && memcmp(b, png, 8) == 0)
		return "image/png";
	if (len >= 12 && memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WEBP", 4) == 0)
		return "image/webp";
	return NULL;
}

static unsigned be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static unsigned le16(const unsigned char *p) { return (unsigned)p[1] << 8 | p[0]; }
static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint32_t le24(const unsigned char *p)
{
	return (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static void jpeg_dimensions(const unsigned char *b, size_t len, int *w, int *h)
{
	size_t i = 2;
	while (i + 4 <= len) {
		if (b[i] != 0xFF)
			return;
		unsigned m = b[i + 1];
		if (m == 0xFF) { /* fill byte */
			i++;
			continue;
		}
		if (m == 0x01 || (m >= 0xD0 && m <= 0xD9)) { /* markers without a length */
			i += 2;
			continue;
		}
		unsigned seg = be16(b + i + 2);
		bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
		if (sof) {
			if (i + 9 <= len) {
				*h = (int)be16(b + i + 5);
				*w = (int)be16(b + i + 7);
			}
			return;
		}
		if (seg < 2)
			return;
		i += 2 + seg;
	}
}

void photo_dimensions(const char *mime, const void *data, size_t len, int *width, int *height)
{
	const unsigned char *b = data;
	int w = 0, h = 0;
	if (mime == NULL) {
	} else if (strcmp(mime, "image/png") == 0) {
		if (len >= 24 && memcmp(b + 12, "IHDR", 4) == 0 && be32(b + 16) <= 0x7fffffff &&
		    be32(b + 20) <= 0x7fffffff) {
			w = (int)be32(b + 16);
			h = (int)be32(b + 20);
		}
	} else if (strcmp(mime, "image/jpeg") == 0) {
		jpeg_dimensions(b, len, &w, &h);
	} else if (strcmp(mime, "image/webp") == 0 && len >= 30) {
		if (memcmp(b + 12, "VP8 ", 4) == 0 && b[23] == 0x9D && b[24] == 0x01 && b[25] == 0x2A) {
			w = (int)(le16(b + 26) & 0x3FFF);
			h = (int)(le16(b + 28) & 0x3FFF);
		} else if (memcmp(b + 12, "VP8L", 4) == 0 && b[20] == 0x2F) {
			w = 1 + (int)(b[21] | (b[22] & 0x3F) << 8);
			h = 1 + (int)(b[22] >> 6 | b[23] << 2 | (b[24] & 0x0F) << 10);
		} else if (memcmp(b + 12, "VP8X", 4) == 0) {
			w = 1 + (int)le24(b + 24);
			h = 1 + (int)le24(b + 27);
		}
	}
	*width = w > 0 ? w : 0;
	*height = h > 0 ? h : 0;
	if (*width == 0 || *height == 0)
		*width = *height = 0;
}

bool photo_sha_valid(const char *s)
{
	if (s == NULL || strlen(s) != PHOTO_SHA_HEX)
		return false;
	for (int i = 0; i < PHOTO_SHA_HEX; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* --- the files ------------------------------------------------------------------------ */

static bool path_of(const char *dir, const char *sha, char *sub, size_t subn, char *file,
                    size_t filen)
{
	int a = snprintf(sub, subn, "%s/%.2s", dir, sha);
	int b = snprintf(file, filen, "%s/%.2s/%s", dir, sha, sha);
	return a > 0 && (size_t)a < subn && b > 0 && (size_t)b < filen;
}

static enum err make_dir(const char *path, struct errinfo *ei)
{
	if (mkdir(path, 0750) == 0 || errno == EEXIST)
		return ERR_OK;
	log_event(LOG_ERROR, NULL, "photos", "\"mkdir\":\"%s\",\"error\":\"%s\"", path, strerror(errno));
	return err_set(ei, ERR_UNAVAIL, "photo_dir", "cannot create the photo directory");
}

static enum err write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return ERR_UNAVAIL;
		data += n;
		len -= (size_t)n;
	}
	return ERR_OK;
}

/* Writes the file unless it is there whole already: temp file, fsync,
 * rename, fsync of the directory (the rename itself is then durable). */
static enum err store_file(const char *dir, const char *sha, const void *data, size_t len,
                           struct errinfo *ei)
{
	char sub[1200], file[1300], tmp[1300];
	if (!path_of(dir, sha, sub, sizeof sub, file, sizeof file))
		return err_set(ei, ERR_UNAVAIL, "photo_dir", "photo_dir is too long");
	struct stat st;
	if (stat(file, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == len)
		return ERR_OK;
	enum err rc;
	if ((rc = make_dir(dir, ei)) != ERR_OK || (rc = make_dir(sub, ei)) != ERR_OK)
		return rc;
	snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", sub, sha);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		log_event(LOG_ERROR, NULL, "photos", "\"create\":\"%s\",\"error\":\"%s\"", tmp, strerror(errno));
		return err_set(ei, ERR_UNAVAIL, "photo_dir", "cannot write to the photo directory");
	}
	rc = write_all(fd, data, len);
	if (rc == ERR_OK && fsync(fd) != 0)
		rc = ERR_UNAVAIL;
	if (close(fd) != 0)
		rc = ERR_UNAVAIL;
	if (rc == ERR_OK && rename(tmp, file) != 0)
		rc = ERR_UNAVAIL;
	if (rc != ERR_OK) {
		log_event(LOG_ERROR, NULL, "photos", "\"write\":\"%s\",\"error\":\"%s\"", tmp, strerror(errno));
		unlink(tmp);
		return err_set(ei, rc, "photo_dir", "cannot write the photo (disk full?)");
	}
	int dfd = open(sub, O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return ERR_OK;
}

/* --- uploads and reads ----------------------------------------------------------------- */

struct put_ctx {
	const struct actor *a;
	struct photo_row *row;
	bool created;
};

static enum err put_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct put_ctx *x = arg;
	enum err rc = store_photo_insert(c, x->row, &x->created, ei);
	if (rc != ERR_OK)
		return rc;
	if (!x->created) /* the first upload's row stands */
		return store_photo_get(c, x->row->sha256, x->row, ei);
	char object[80], detail[64];
	snprintf(object, sizeof object, "photo:%s", x->row->sha256);
	snprintf(detail, sizeof detail, "%s %lld bytes", x->row->mime, (long long)x->row->bytes);
	return audit_append(c, x->a, "photo.upload", object, "ok", detail, ei);
}

enum err photos_put(struct app *app, const struct actor *a, const void *data, size_t len,
                    struct photo_row *out, bool *created, struct errinfo *ei)
{
	*created = false;
	if (len == 0)
		return err_set(ei, ERR_INVALID, "body", "an image is required");
	if (len > LIMIT_PHOTO_BYTES)
		return err_set(ei, ERR_TOO_LARGE, "body", "a photo is at most %d bytes",
		               LIMIT_PHOTO_BYTES);
	const char *mime = photo_sniff(data, len);
	if (mime == NULL)
		return err_set(ei, ERR_MEDIA_TYPE, "body", "the body is not a JPEG, PNG or WebP image");
	if (app->cfg.photo_dir[0] == '\0')
		return err_set(ei, ERR_UNAVAIL, "photo_dir",
		               "photos cannot be stored: set photo_dir (required with PostgreSQL)");
	memset(out, 0, sizeof *out);
	unsigned char hash[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(hash, data, len);
	sodium_bin2hex(out->sha256, sizeof out->sha256, hash, sizeof hash);
	snprintf(out->mime, sizeof out->mime, "%s", mime);
	out->bytes = (int64_t)len;
	photo_dimensions(mime, data, len, &out->width, &out->height);
	out->created_by = a->who ? a->who->user_id : 0;
	/* The file first: a row never names a file that is not there. */
	enum err rc = store_file(app->cfg.photo_dir, out->sha256, data, len, ei);
	if (rc != ERR_OK)
		return rc;
	struct put_ctx x = {.a = a, .row = out};
	if ((rc = store_write(app->store, put_fn, &x, ei)) != ERR_OK)
		return rc;
	*created = x.created;
	return ERR_OK;
}

/* Public uploads per client address and hour: a fixed table of slots
 * keyed by a hash of the address (a collision merely shares a count). */
#define PUBLIC_SLOTS 4096
static struct {
	pthread_mutex_t lock;
	struct {
		uint64_t key;
		int64_t hour;
		int count;
	} slot[PUBLIC_SLOTS];
} public_uploads = {.lock = PTHREAD_MUTEX_INITIALIZER};

static bool public_take(const char *address)
{
	uint64_t key = 1469598103934665603ULL;
	for (const char *p = address ? address : ""; *p; p++)
		key = (key ^ (unsigned char)*p) * 1099511628211ULL;
	int64_t hour = clock_now() / 3600;
	pthread_mutex_lock(&public_uploads.lock);
	__typeof__(public_uploads.slot[0]) *s = &public_uploads.slot[key % PUBLIC_SLOTS];
	if (s->key != key || s->hour != hour) {
		s->key = key;
		s->hour = hour;
		s->count = 0;
	}
	bool ok = s->count < PHOTO_PUBLIC_PER_HOUR;
	if (ok)
		s->count++;
	pthread_mutex_unlock(&public_uploads.lock);
	return ok;
}

enum err photos_put_public(struct app *app, const struct actor *a, const void *data, size_t len,
                           struct photo_row *out, bool *created, struct errinfo *ei)
{
	*created = false;
	if (!public_take(a->address))
		return err_set(ei, ERR_RATE, NULL, "too many photos from this address this hour");
	return photos_put(app, a, data, len, out, created, ei);
}

struct get_ctx {
	const char *sha;
	struct photo_row *row;
};

static enum err get_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct get_ctx *x = arg;
	return store_photo_get(c, x->sha, x->row, ei);
}

enum err photos_get(struct app *app, const char *sha256, struct photo_row *out, char **data,
                    size_t *len, struct errinfo *ei)
{
	*data = NULL;
	*len = 0;
	if (!photo_sha_valid(sha256))
		return err_set(ei, ERR_NOTFOUND, NULL, "no such photo");
	struct get_ctx x = {.sha = sha256, .row = out};
	enum err rc = store_read(app->store, get_fn, &x, ei);
	if (rc != ERR_OK)
		return rc;
	char sub[1200], file[1300];
	if (app->cfg.photo_dir[0] == '\0' ||
	    !path_of(app->cfg.photo_dir, sha256, sub, sizeof sub, file, sizeof file))
		return err_set(ei, ERR_UNAVAIL, "photo_dir", "photo_dir is not set");
	FILE *f = fopen(file, "rb");
	if (f == NULL) {
		log_event(LOG_ERROR, NULL, "photos", "\"missing\":\"%s\"", file);
		return err_set(ei, ERR_INTERNAL, NULL,
		               "the photo's file is missing: restore photo_dir from the backup");
	}
	size_t cap = (size_t)(out->bytes > 0 ? out->bytes : 1);
	char *buf = malloc(cap);
	size_t n = buf ? fread(buf, 1, cap, f) : 0;
	fclose(f);
	if (buf == NULL || n != cap) {
		free(buf);
		return err_set(ei, ERR_INTERNAL, NULL, "cannot read the photo's file");
	}
	*data = buf;
	*len = n;
	return ERR_OK;
}

bool photo_known(struct store_conn *c, const char *sha256, struct photo_row *out)
{
	if (!photo_sha_valid(sha256))
		return false;
	struct photo_row tmp;
	return store_photo_get(c, sha256, out ? out : &tmp, NULL) == ERR_OK;
}
