/* The route table of the whole API and the handlers it names. Each
 * resource's handlers live in their own file (health.c, calendar.c, …). */
#ifndef LINLI_API_H
#define LINLI_API_H

#include "http/http.h"

/* Tables end with ROUTES_END. */
#define ROUTES_END {.pattern = NULL}
extern const struct route core_routes[]; /* routes.c: health, session, accounts, calendar */
extern const struct route area_routes[]; /* areas.c */
extern const struct route unit_routes[];  /* units.c */
extern const struct route party_routes[]; /* party.c */
extern const struct route people_routes[];
extern const struct route request_routes[]; /* requests.c (before io_routes: /exports/requests) */
extern const struct route io_routes[];   /* imports.c: CSV imports, xlsx exports */
extern const struct route category_routes[]; /* categories.c: categories, dispatch rules */
extern const struct route notification_routes[]; /* notifications.c: the inbox */
extern const struct route photo_routes[]; /* photos.c: uploads */
extern const struct route figure_routes[]; /* figures.c: the request figures */
extern const struct route open311_routes[]; /* open311.c: Open311 GeoReport v2 at /open311/v2 */
extern const struct route webhook_routes[]; /* webhooks.c: subscriptions and deliveries */
/* Every table as one array, built on the first call (main.c, before threads). */
const struct route *api_routes(int *count);

void api_health(struct req *r);
void api_metrics(struct req *r);
void api_calendar_list(struct req *r);
void api_calendar_put(struct req *r);
void api_calendar_delete(struct req *r);
void api_calendar_deadline(struct req *r);
void api_session_create(struct req *r);
void api_session_get(struct req *r);
void api_session_delete(struct req *r);
void api_session_password(struct req *r);
void api_users_list(struct req *r);
void api_users_create(struct req *r);
void api_users_get(struct req *r);
void api_users_update(struct req *r);
void api_users_password(struct req *r);
void api_users_grants(struct req *r);
void api_users_sessions_delete(struct req *r);
void api_users_phone(struct req *r);
void api_capabilities(struct req *r);
void api_roles_list(struct req *r);
void api_roles_create(struct req *r);
void api_roles_update(struct req *r);
void api_roles_delete(struct req *r);
void api_apikeys_list(struct req *r);
void api_apikeys_create(struct req *r);
void api_apikeys_revoke(struct req *r);
void api_audit_search(struct req *r);

#endif
