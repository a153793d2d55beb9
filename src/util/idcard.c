/* GB 11643 resident ID numbers: 6-digit area + YYYYMMDD + 3-digit sequence
 * (odd = male) + a check character over the first 17 (ISO 7064 MOD 11-2).
 * Dates come from worktime.c so there is one calendar in the program. */
#include "util/idcard.h"

#include <stdio.h>
#include <string.h>

#include "util/clock.h"
#include "util/worktime.h"

/* China has kept one zone, UTC+8, with no daylight saving since 1991;
 * "today" for a birth date is the Chinese civil day. */
#define IDCARD_TZ_OFFSET_MIN (8 * 60)

static _Thread_local char idcard_why[96];
static _Thread_local char date_why[64];

static const char *const month_names[12] = {
	"January", "February", "March",     "April",   "May",      "June",
	"July",    "August",   "September", "October", "November", "December",
};

const char *date_check(int y, int m, int d)
{
	if (y < 1 || y > 9999) {
		snprintf(date_why, sizeof date_why, "the year %d is out of range", y);
		return date_why;
	}
	if (m < 1 || m > 12) {
		snprintf(date_why, sizeof date_why, "month %d does not exist", m);
		return date_why;
	}
	/* The month's length from the day numbers of two first days, so leap
	 * years follow date_from_civil rather than a second table. */
	int32_t first = date_from_civil(y, m, 1);
	int32_t next = m == 12 ? date_from_civil(y + 1, 1, 1) : date_from_civil(y, m + 1, 1);
	int len = (int)(next - first);
	if (d < 1 || d > len) {
		if (m == 2)
			snprintf(date_why, sizeof date_why, "February %d has only %d days", y, len);
		else
			snprintf(date_why, sizeof date_why, "%s has only %d days", month_names[m - 1], len);
		return date_why;
	}
	return NULL;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The value of k digits at s; the caller has checked they are digits. */
static int digits_value(const char *s, int k)
{
	int v = 0;
	for (int i = 0; i < k; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Writes v (0 <= v < 10^k) as exactly k digits. */
static void put_digits(char *p, int v, int k)
{
	for (int i = k - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* The check character for 17 digits. */
static char check_char(const char *s)
{
	static const int weight[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char code[] = "10X98765432";
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (s[i] - '0') * weight[i];
	return code[sum % 11];
}

const char *idcard_check(const char *s, size_t n)
{
	if (s == NULL || n != IDCARD_LEN)
		return "must be 18 characters";
	for (int i = 0; i < 17; i++)
		if (!is_digit(s[i]))
			return "the first 17 characters must be digits";
	char last = s[17] == 'x' ? 'X' : s[17];
	if (!is_digit(last) && last != 'X')
		return "the last character must be a digit or X";

	int y = digits_value(s + 6, 4), m = digits_value(s + 10, 2), d = digits_value(s + 12, 2);
	if (date_check(y, m, d) != NULL) {
		snprintf(idcard_why, sizeof idcard_why, "the birth date %.8s does not exist", s + 6);
		return idcard_why;
	}
	if (y < IDCARD_YEAR_MIN) {
		snprintf(idcard_why, sizeof idcard_why, "the birth year %.4s is before %d", s + 6,
		         IDCARD_YEAR_MIN);
		return idcard_why;
	}
	if (date_from_civil(y, m, d) > instant_local_date(clock_now(), IDCARD_TZ_OFFSET_MIN))
		return "the birth date is in the future";
	char want = check_char(s);
	if (last != want) {
		snprintf(idcard_why, sizeof idcard_why, "the check character should be %c", want);
		return idcard_why;
	}
	return NULL;
}

void idcard_normalise(char *s)
{
	if (s != NULL && strlen(s) == IDCARD_LEN && s[17] == 'x')
		s[17] = 'X';
}

bool idcard_birth(const char *s, int *y, int *m, int *d)
{
	if (s == NULL || strnlen(s, 14) < 14)
		return false;
	for (int i = 6; i < 14; i++)
		if (!is_digit(s[i]))
			return false;
	int yy = digits_value(s + 6, 4), mm = digits_value(s + 10, 2), dd = digits_value(s + 12, 2);
	if (date_check(yy, mm, dd) != NULL)
		return false;
	*y = yy;
	*m = mm;
	*d = dd;
	return true;
}

char idcard_gender(const char *s)
{
	if (s == NULL || strnlen(s, 17) < 17 || !is_digit(s[16]))
		return '\0';
	return (s[16] - '0') % 2 == 1 ? 'm' : 'f';
}

void idcard_mask(const char *s, char out[IDCARD_LEN + 1])
{
	if (s == NULL || strnlen(s, IDCARD_LEN + 1) != IDCARD_LEN) {
		out[0] = '\0';
		return;
	}
	memcpy(out, s, 6);
	memset(out + 6, '*', 8);
	memcpy(out + 14, s + 14, 4);
	out[IDCARD_LEN] = '\0';
}

void idcard_make(const char *area6, int y, int m, int d, int seq, char out[IDCARD_LEN + 1])
{
	out[0] = '\0';
	if (area6 == NULL || strnlen(area6, 7) != 6 || y < 1000 || date_check(y, m, d) != NULL ||
	    seq < 0 || seq > 999)
		return;
	for (int i = 0; i < 6; i++)
		if (!is_digit(area6[i]))
			return;
	char buf[IDCARD_LEN + 1];
	memcpy(buf, area6, 6);
	/* y, m, d and seq are range-checked above, so each fits its width. */
	put_digits(buf + 6, y, 4);
	put_digits(buf + 10, m, 2);
	put_digits(buf + 12, d, 2);
	put_digits(buf + 14, seq, 3);
	buf[17] = check_char(buf);
	buf[18] = '\0';
	memcpy(out, buf, sizeof buf);
}
