/* Open311 GeoReport v2 (docs/INTEGRATION.md): the services of the category
 * tree, their attribute definitions, filing a request with a linli API key,
 * the public request views and the status-update feed (FixMyStreet's
 * servicerequestupdates). Answers are JSON values in the spec's shapes; the
 * API layer writes them as JSON or XML. The API key comes in the form or the
 * query, so it is resolved and checked here (capability and area scope),
 * like every other permission. No HTTP. */
#ifndef LINLI_DOMAIN_OPEN311_H
#define LINLI_DOMAIN_OPEN311_H

#include <jansson.h>
#include <stdbool.h>

#include "auth/identity.h"
#include "util/err.h"

struct app;

#define OPEN311_ATTRS_MAX 20          /* attribute definitions per category */
#define OPEN311_ATTR_VALUES_MAX 50    /* list values per attribute */
#define OPEN311_ATTR_CODE_MAX 32      /* characters, [A-Za-z0-9_-] */
#define OPEN311_ATTR_TEXT_MAX 500     /* description, a string answer: characters */
#define OPEN311_DESCRIPTION_MAX 4000  /* the spec's limit on a request's description */
#define OPEN311_LIST_MAX 1000         /* GET requests: the spec's default and ours at most */
#define OPEN311_WINDOW_DAYS 90        /* GET requests: the spec's longest span */
#define OPEN311_UPDATES_MAX 1000      /* servicerequestupdates per call */
#define OPEN311_IDS_MAX 100           /* service_request_id=a,b,c */

/* --- attribute definitions (a category's "attributes", migration 0004) --------------- */

/* Checks a category's attribute definitions (a JSON array) and gives them
 * back normalised (variable and required default true and false, order the
 * position from 1, values only for the list datatypes). ERR_INVALID naming
 * field "attributes" and saying which definition is wrong. *out is new. */
enum err open311_attributes_check(json_t *defs, json_t **out, struct errinfo *ei);

/* One attribute[code]=value (list: the attribute[code][]=value form). */
struct open311_attr {
	const char *code, *value;
	bool list;
};
/* Checks the given values against the definitions (defs NULL: none): a
 * required one missing, a value not in its list, a number or datetime that
 * is not one, an unknown code are ERR_INVALID naming "attribute[code]".
 * *out gets a JSON object code → string, or array for a multivaluelist. */
enum err open311_attributes_validate(json_t *defs, const struct open311_attr *given, int n,
                                     json_t **out, struct errinfo *ei);

/* --- the GET answers ------------------------------------------------------------------ */

/* The leaf categories a request may be filed under. */
enum err open311_services(struct app *app, json_t **out, struct errinfo *ei);
/* {"service_code", "attributes": […]}; ERR_NOTFOUND for a code that is no service. */
enum err open311_service_definition(struct app *app, const char *code, json_t **out,
                                    struct errinfo *ei);

/* --- filing ------------------------------------------------------------------------------- */

struct open311_input {
	const char *api_key, *service_code;
	bool has_point;
	double lat, lng;
	const char *address_string, *address_id; /* address_id: a linli area code */
	const char *email, *device_id, *account_id, *first_name, *last_name, *phone;
	const char *description, *media_url;
	const struct open311_attr *attrs;
	int nattrs;
};
/* Files a request (source open311) as the key's user: the key must be
 * valid (missing, unknown or revoked: ERR_FORBIDDEN naming "api_key"), its
 * user must hold request.intake and cover the place found. *out gets the
 * spec's answer: [{"service_request_id", "service_notice", "account_id"}]. */
enum err open311_create(struct app *app, const struct actor *from, const struct open311_input *in,
                        json_t **out, struct errinfo *ei);

/* --- reading -------------------------------------------------------------------------------- */

struct open311_query {
	const char *api_key;            /* optional: a key with request.read sees its scope in full */
	const char *ids;                /* service_request_id=1,2,3: overrides the rest */
	const char *service_code;
	bool has_start, has_end;
	int64_t start, end;             /* Unix seconds */
	const char *status;             /* open, closed, or both comma separated; NULL: any */
};
/* The requests filed in the window (default the last 90 days, at most 90),
 * newest first, at most OPEN311_LIST_MAX. Without a key, or outside its
 * scope, a request shows what the public page shows: its service, status,
 * the public notes, times and the agency; never the reporter, and an
 * anonymous request not at all. */
enum err open311_requests(struct app *app, const struct actor *from, const struct open311_query *q,
                          json_t **out, struct errinfo *ei);
/* One request by its service_request_id, as a one-item array. */
enum err open311_request_get(struct app *app, const struct actor *from, const char *api_key,
                             const char *id, json_t **out, struct errinfo *ei);
/* The token of a deferred filing: linli files at once, so the token is the
 * tracking code and this answers [{"service_request_id", "token"}]. */
enum err open311_token(struct app *app, const char *token, json_t **out, struct errinfo *ei);

/* Every public change of state of requests in the key's scope with at in
 * [start, end) (default the day before end; end default now; at most 90
 * days), oldest first, at most OPEN311_UPDATES_MAX: FixMyStreet's
 * [{"update_id", "service_request_id", "status", "updated_datetime",
 * "description", "media_url", "external_status_code"}]. The key is
 * required and needs request.read. */
enum err open311_updates(struct app *app, const struct actor *from, const char *api_key,
                         bool has_start, int64_t start, bool has_end, int64_t end, json_t **out,
                         struct errinfo *ei);

/* The Open311 status of a linli state ("open" or "closed"), and
 * FixMyStreet's finer update status (open, investigating, in_progress,
 * fixed, closed, duplicate, no_further_action). */
const char *open311_status(const char *state);
const char *open311_update_status(const char *state);

#endif
