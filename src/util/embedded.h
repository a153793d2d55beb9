/* Files compiled into the binary by tools/embed.sh: migrations, the
 * shipped holiday calendar and the demo's request categories. Names are repository paths. Data is NUL-terminated. */
#ifndef LINLI_EMBEDDED_H
#define LINLI_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *name;
	const unsigned char *data;
	size_t len;
};

/* Terminated by a row with name NULL; sorted by name. */
extern const struct embedded_file embedded_files[];

/* The file with this exact name, or NULL. */
const struct embedded_file *embedded_find(const char *name);

#endif
