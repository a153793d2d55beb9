/* The route table of the whole API and the handlers it names. Each
 * resource's handlers live in their own file (health.c, calendar.c, …). */
#ifndef LINLI_API_H
#define LINLI_API_H

#include "http/http.h"

extern const struct route api_routes[];
extern const int api_routes_count;

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
