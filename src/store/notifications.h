/* SQL of the notification inbox (table notification). Called inside store
 * callbacks only. Recipients are found in the accounts' tables: a user's
 * scopes (user_scope) and the capabilities of their roles. */
#ifndef LINLI_STORE_NOTIFICATIONS_H
#define LINLI_STORE_NOTIFICATIONS_H

#include <stdbool.h>

#include "store/store.h"

#define NOTIFICATION_KIND_MAX 24
#define NOTIFICATION_TEXT_MAX 200 /* characters */

struct notification_row {
	int64_t id, user_id, request_id; /* request_id 0: none */
	char kind[NOTIFICATION_KIND_MAX];
	char text[NOTIFICATION_TEXT_MAX * 4 + 1];
	char created_at[32], read_at[32]; /* read_at "" while unread */
};

/* Adds one notification for every active user holding exactly the scope
 * given whose roles grant cap (NULL: any user with the scope). *n (if not
 * NULL) gets how many were added. */
enum err store_notify_scope(struct store_conn *c, const char *scope, const char *cap,
                            const struct notification_row *tmpl, int64_t *n, struct errinfo *ei);
/* Adds one for user tmpl->user_id when that user exists (*n 1) or not (0). */
enum err store_notify_user(struct store_conn *c, const struct notification_row *tmpl, int64_t *n,
                           struct errinfo *ei);
typedef void (*notification_fn)(void *ctx, const struct notification_row *r);
/* The user's, newest first: ids below before_id (0: from the newest), at
 * most limit; unread ones only with unread_only. */
enum err store_notification_list(struct store_conn *c, int64_t user_id, bool unread_only,
                                 int64_t before_id, int limit, notification_fn fn, void *ctx,
                                 struct errinfo *ei);
enum err store_notification_unread(struct store_conn *c, int64_t user_id, int64_t *n,
                                   struct errinfo *ei);
/* Marks one of the user's read at `at` (kept if read already); *found
 * false when the user has no such notification. */
enum err store_notification_read(struct store_conn *c, int64_t user_id, int64_t id,
                                 const char *at, bool *found, struct errinfo *ei);
/* Marks every unread one of the user's; *n gets how many. */
enum err store_notification_read_all(struct store_conn *c, int64_t user_id, const char *at,
                                     int64_t *n, struct errinfo *ei);

#endif
