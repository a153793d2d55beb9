/* The audit chain: every login, logout, denial, write and unmasking
 * appends a row whose hash covers the previous row's hash, so changing or
 * removing any row breaks every link after it. Rows are never updated or
 * deleted by the program. */
#ifndef LINLI_AUDIT_H
#define LINLI_AUDIT_H

#include "auth/identity.h"
#include "store/store.h"

/* Appends inside the caller's write transaction, so the row commits (or
 * not) with the change it records. outcome: "ok", "denied", "failed". */
enum err audit_append(struct store_conn *c, const struct actor *a, const char *action,
                      const char *object, const char *outcome, const char *detail,
                      struct errinfo *ei);
/* Appends in a transaction of its own (denials, failed logins). */
enum err audit_record(struct store *st, const struct actor *a, const char *action,
                      const char *object, const char *outcome, const char *detail);

struct audit_filter;
struct audit_row;
/* Newest first, within the filter (store/audit.h). */
enum err audit_search(struct store *st, const struct audit_filter *f,
                      void (*fn)(void *ctx, const struct audit_row *a), void *ctx,
                      struct errinfo *ei);

struct audit_verdict {
	int64_t rows;
	int64_t broken_id; /* 0 when the chain is whole */
	char reason[128];
};
/* Walks the chain from the first row and stops at the first broken link. */
enum err audit_verify(struct store *st, struct audit_verdict *v, struct errinfo *ei);

#endif
