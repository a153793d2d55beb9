/* Error names and statuses: one row per enum value, in enum order. */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	unsigned status;
} err_table[ERR__MAX] = {
	/* ERR_OK */ {"ok", 200},
	/* ERR_INVALID */ {"invalid", 400},
	/* ERR_UNAUTHORIZED */ {"unauthorized", 401},
	/* ERR_FORBIDDEN */ {"forbidden", 403},
	/* ERR_NOTFOUND */ {"not_found", 404},
	/* ERR_METHOD */ {"method_not_allowed", 405},
	/* ERR_CONFLICT */ {"conflict", 409},
	/* ERR_TOO_LARGE */ {"too_large", 413},
	/* ERR_MEDIA_TYPE */ {"unsupported_media_type", 415},
	/* ERR_UNPROCESSABLE */ {"unprocessable", 422},
	/* ERR_RATE */ {"rate_limited", 429},
	/* ERR_HEADERS */ {"headers_too_large", 431},
	/* ERR_INTERNAL */ {"internal", 500},
	/* ERR_UNAVAIL */ {"unavailable", 503},
};

const char *err_name(enum err e)
{
	if ((unsigned)e >= ERR__MAX)
		return "internal";
	return err_table[e].name;
}

unsigned err_http_status(enum err e)
{
	if ((unsigned)e >= ERR__MAX)
		return 500;
	return err_table[e].status;
}

enum err err_set(struct errinfo *ei, enum err e, const char *field, const char *fmt, ...)
{
	if (ei == NULL)
		return e;
	ei->code = e;
	ei->field[0] = '\0';
	if (field != NULL)
		snprintf(ei->field, sizeof ei->field, "%s", field);
	ei->message[0] = '\0';
	if (fmt != NULL) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(ei->message, sizeof ei->message, fmt, ap);
		va_end(ap);
	}
	return e;
}

void err_clear(struct errinfo *ei)
{
	if (ei != NULL)
		memset(ei, 0, sizeof *ei);
}
