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

#endif
