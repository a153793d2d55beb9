/* Account policy: what a password must be, how many failures lock an
 * account and for how long, how long sessions live. Defaults follow 等保
 * 2.0 level 3; every number is configurable (config.c). */
#ifndef LINLI_POLICY_H
#define LINLI_POLICY_H

#include <stdint.h>

#include "util/err.h"

struct auth_policy {
	int lock_failures;      /* failures that lock: 5 */
	int lock_window_s;      /* within this long: 15 min */
	int lock_duration_s;    /* locked for: 30 min */
	int session_idle_s;     /* idle timeout: 30 min */
	int session_max_s;      /* absolute lifetime: 12 h */
};

void auth_policy_defaults(struct auth_policy *p);
/* ERR_INVALID with field (e.g. "password") and the reason: under 8
 * characters, fewer than three classes, contains the login, over 128. */
enum err password_check(const char *password, const char *login, const char *field,
                        struct errinfo *ei);
/* A login name: 2..64 of [a-z0-9._-], starting with a letter or digit. */
const char *login_check(const char *s, size_t len);
/* A scope: "*", 2..32 digits (an area code prefix) or unit:N (a department). */
const char *scope_check(const char *s, size_t len);
/* A role id: ^[a-z][a-z0-9_]{1,31}$ */
const char *role_id_check(const char *s, size_t len);
/* A mainland mobile number: ^1[3-9][0-9]{9}$ */
const char *phone_check(const char *s, size_t len);
/* "13812345678" → "138****5678". */
void phone_mask(const char *phone, char out[16]);

#endif
