/* Password, login, scope and phone rules. */
#include "auth/policy.h"
#include "util/utf8.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

void auth_policy_defaults(struct auth_policy *p)
{
	p->lock_failures = 5;
	p->lock_window_s = 15 * 60;
	p->lock_duration_s = 30 * 60;
	p->session_idle_s = 30 * 60;
	p->session_max_s = 12 * 3600;
}

/* Case-insensitive substring test for ASCII logins. */
static bool contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle), h = strlen(hay);
	for (size_t i = 0; n > 0 && i + n <= h; i++) {
		size_t k = 0;
		while (k < n && tolower((unsigned char)hay[i + k]) == tolower((unsigned char)needle[k]))
			k++;
		if (k == n)
			return true;
	}
	return false;
}

enum err password_check(const char *pw, const char *login, const char *field, struct errinfo *ei)
{
	size_t len = 0;
	if (!utf8_valid(pw, strlen(pw), &len))
		return err_set(ei, ERR_INVALID, field, "the password is not valid UTF-8");
	if (len < 8)
		return err_set(ei, ERR_INVALID, field, "the password needs at least 8 characters");
	if (len > 128)
		return err_set(ei, ERR_INVALID, field, "the password is longer than 128 characters");
	int lower = 0, upper = 0, digit = 0, other = 0;
	for (const unsigned char *p = (const unsigned char *)pw; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return err_set(ei, ERR_INVALID, field, "the password contains a control character");
		if (islower(*p))
			lower = 1;
		else if (isupper(*p))
			upper = 1;
		else if (isdigit(*p))
			digit = 1;
		else
			other = 1;
	}
	if (lower + upper + digit + other < 3)
		return err_set(ei, ERR_INVALID, field,
		               "the password needs three of: lower case, upper case, digits, symbols");
	if (login != NULL && strlen(login) >= 2 && contains_ci(pw, login))
		return err_set(ei, ERR_INVALID, field, "the password must not contain the login name");
	return ERR_OK;
}

const char *login_check(const char *s, size_t len)
{
	if (len < 2 || len > 64)
		return "must be 2 to 64 characters";
	if (!islower((unsigned char)s[0]) && !isdigit((unsigned char)s[0]))
		return "must start with a lower-case letter or a digit";
	for (size_t i = 0; i < len; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '_' && s[i] != '-')
			return "may hold only a-z, 0-9, '.', '_' and '-'";
	return NULL;
}

const char *scope_check(const char *s, size_t len)
{
	if (len == 1 && s[0] == '*')
		return NULL;
	/* unit:N, a department the user acts for (the unit is checked where
	 * the grant is written: it must exist and be a department). */
	if (len > 5 && strncmp(s, "unit:", 5) == 0) {
		if (s[5] == '0' || len > 5 + 18)
			return "must be unit: and a unit's id";
		for (size_t i = 5; i < len; i++)
			if (!isdigit((unsigned char)s[i]))
				return "must be unit: and a unit's id";
		return NULL;
	}
	if (len < 2 || len > 32)
		return "must be *, an area code of 2 to 32 digits or unit:N";
	for (size_t i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return "must be * or an area code of digits";
	return NULL;
}

const char *role_id_check(const char *s, size_t len)
{
	if (len < 2 || len > 32 || !islower((unsigned char)s[0]))
		return "must be 2 to 32 characters starting with a-z";
	for (size_t i = 0; i < len; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '_')
			return "may hold only a-z, 0-9 and '_'";
	return NULL;
}

const char *phone_check(const char *s, size_t len)
{
	if (len != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9')
		return "must be an 11-digit mobile number starting 13-19";
	for (size_t i = 2; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return "must be an 11-digit mobile number";
	return NULL;
}

void phone_mask(const char *phone, char out[16])
{
	size_t n = strlen(phone);
	if (n != 11) {
		snprintf(out, 16, "%s", n ? "****" : "");
		return;
	}
	snprintf(out, 16, "%.3s****%.4s", phone, phone + 7);
}
