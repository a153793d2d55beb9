/* Intake and actions inside a write transaction the caller holds, for the
 * demo's request history (src/demo/requests.c), which writes a day of
 * requests per transaction instead of one commit per action. They run the
 * very callbacks of requests_create and requests_act (same checks, rows,
 * events, roll-ups, notifications and audit rows) on connection c. Not for
 * serving: a refusal may leave c's transaction half-written, so the caller
 * must fail its whole callback on any error; no access.denied rows, no
 * duplicate hints, no locating by point (area_id is required). */
#ifndef LINLI_DOMAIN_REQUESTS_BATCH_H
#define LINLI_DOMAIN_REQUESTS_BATCH_H

#include "domain/requests.h"
#include "store/store.h"

enum err requests_create_in(struct store_conn *c, struct app *app, const struct actor *a,
                            const struct request_input *in, struct request_row *out,
                            struct errinfo *ei);
enum err requests_act_in(struct store_conn *c, struct app *app, const struct actor *a, int64_t id,
                         enum rq_action action, const struct action_input *in,
                         struct action_result *res, struct errinfo *ei);

#endif
