/* SQL of the content-addressed photos (table photo). The bytes live in
 * files (domain/photos.c); a row says a file of that hash was stored. */
#ifndef LINLI_STORE_PHOTOS_H
#define LINLI_STORE_PHOTOS_H

#include <stdbool.h>

#include "store/store.h"

#define PHOTO_SHA_HEX 64

struct photo_row {
	char sha256[PHOTO_SHA_HEX + 1]; /* lower-case hex */
	char mime[16];                  /* image/jpeg, image/png, image/webp */
	int64_t bytes;
	int width, height;              /* 0 when not known */
	int64_t created_by;             /* 0: not a user */
	char created_at[32];
};

enum err store_photo_get(struct store_conn *c, const char *sha256, struct photo_row *r,
                         struct errinfo *ei);
/* Adds the row unless one of that hash exists; *created says which. Sets
 * created_at. */
enum err store_photo_insert(struct store_conn *c, struct photo_row *r, bool *created,
                            struct errinfo *ei);

#endif
