/* Photos (现场照片), content-addressed: a photo's name is the SHA-256 of
 * its bytes, its type is read from its first bytes (never from what the
 * client says), and the file lives at photo_dir/ab/<sha256> (ab: the
 * hash's first two digits), written through a temporary file, fsync and
 * rename, so a file under its final name is always whole. The same bytes
 * uploaded twice are one photo. The table photo records what was stored;
 * requests refer to photos by hash (photo_known). */
#ifndef LINLI_DOMAIN_PHOTOS_H
#define LINLI_DOMAIN_PHOTOS_H

#include <stdbool.h>
#include <stddef.h>

#include "auth/identity.h"
#include "store/photos.h"

struct app;

/* "image/jpeg" (FF D8 FF), "image/png" (89 50 4E 47 0D 0A 1A 0A) or
 * "image/webp" (RIFF, 4 bytes, WEBP); NULL for anything else. */
const char *photo_sniff(const void *data, size_t len);
/* Width and height read from the image's header, when cheap (PNG IHDR,
 * JPEG SOFn, WebP VP8/VP8L/VP8X); 0 and 0 when not found. */
void photo_dimensions(const char *mime, const void *data, size_t len, int *width, int *height);
/* 64 lower-case hex digits? */
bool photo_sha_valid(const char *s);

/* Stores an upload: ERR_INVALID (field "body") when empty, ERR_TOO_LARGE
 * past LIMIT_PHOTO_BYTES, ERR_MEDIA_TYPE (field "body") when the bytes are
 * not a JPEG, PNG or WebP image, ERR_UNAVAIL (field "photo_dir") when no
 * photo directory is configured. *created is false when the photo was
 * there already (the answer is the same). Audited as photo.upload when new. */
enum err photos_put(struct app *app, const struct actor *a, const void *data, size_t len,
                    struct photo_row *out, bool *created, struct errinfo *ei);
/* The same for the public report page (no login): at most
 * PHOTO_PUBLIC_PER_HOUR uploads per client address an hour (ERR_RATE). */
#define PHOTO_PUBLIC_PER_HOUR 40
enum err photos_put_public(struct app *app, const struct actor *a, const void *data, size_t len,
                           struct photo_row *out, bool *created, struct errinfo *ei);
/* Reads one: the row and the file's bytes (*data malloc'd, the caller's).
 * ERR_NOTFOUND for an unknown hash. */
enum err photos_get(struct app *app, const char *sha256, struct photo_row *out, char **data,
                    size_t *len, struct errinfo *ei);
/* For the request lifecycle, inside its callback: was this photo uploaded?
 * out (if not NULL) gets its row. A store error counts as unknown. */
bool photo_known(struct store_conn *c, const char *sha256, struct photo_row *out);

#endif
