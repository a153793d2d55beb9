/* The notification inbox: what the request lifecycle tells the people
 * who must act (dispatched to your office, returned, overdue, supervised,
 * …), and each user's reading of their own inbox. The notify_* calls run
 * inside the lifecycle's write callback, so a notification commits with
 * the event that caused it, or not at all. */
#ifndef LINLI_DOMAIN_NOTIFICATIONS_H
#define LINLI_DOMAIN_NOTIFICATIONS_H

#include <jansson.h>
#include <stdbool.h>

#include "auth/identity.h"
#include "store/notifications.h"

struct app;

/* dispatched, returned, overdue, supervised, rated_badly, escalated,
 * whistled, extension, merged, summoned, rework; NULL-terminated. */
extern const char *const notification_kinds[];

/* Every active user whose scope is exactly area_code (the office of that
 * area, not the offices above it) and whose roles hold cap (NULL: any).
 * request_id 0: none. text is cut to NOTIFICATION_TEXT_MAX characters.
 * An unknown kind is ERR_INVALID naming "kind" (a programming error). */
enum err notify_area_office(struct store_conn *c, const char *area_code, const char *cap,
                            const char *kind, int64_t request_id, const char *text,
                            struct errinfo *ei);
/* Every active user with the scope unit:N whose roles hold cap (NULL: any). */
enum err notify_unit(struct store_conn *c, int64_t unit_id, const char *cap, const char *kind,
                     int64_t request_id, const char *text, struct errinfo *ei);
/* One user (nothing when there is no such user). */
enum err notify_user(struct store_conn *c, int64_t user_id, const char *kind, int64_t request_id,
                     const char *text, struct errinfo *ei);

json_t *notification_json(const struct notification_row *r);

/* The caller's own inbox, newest first, ids below `before` (0: from the
 * newest), at most limit; *next (if not NULL) gets the id to pass as
 * `before` for the next page, 0 on the last. */
enum err notifications_list(struct app *app, const struct actor *a, bool unread_only,
                            int64_t before, int limit, json_t *items, int64_t *next,
                            struct errinfo *ei);
enum err notifications_unread(struct app *app, const struct actor *a, int64_t *n,
                              struct errinfo *ei);
/* ERR_NOTFOUND for another user's or an unknown notification. */
enum err notifications_read(struct app *app, const struct actor *a, int64_t id,
                            struct errinfo *ei);
enum err notifications_read_all(struct app *app, const struct actor *a, int64_t *n,
                                struct errinfo *ei);

#endif
