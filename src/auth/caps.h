/* The capabilities (one per action) and the default roles, as data. Roles
 * live in the database and administrators may define more; these rows seed
 * it and document the defaults (docs/API.md, docs/SECURITY.md). */
#ifndef LINLI_CAPS_H
#define LINLI_CAPS_H

#include <stdbool.h>

/* Pseudo-capability of routes any logged-in caller may use. */
#define CAP_AUTHENTICATED "authenticated"

struct capability {
	const char *name;
	const char *zh;
	const char *en;
};
/* NULL-terminated. */
extern const struct capability capabilities[];
bool capability_known(const char *name);
/* The powers of the three administrators (user.*, role.*, apikey.*,
 * audit.*, system.*), as against the business capabilities of the staff. */
bool capability_administrative(const char *name);

struct default_role {
	const char *id;
	const char *name; /* zh-CN */
	const char *const *caps; /* NULL-terminated */
};
extern const struct default_role default_roles[]; /* ended by id NULL */

#endif
