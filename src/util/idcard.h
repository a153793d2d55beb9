/* Resident ID numbers (GB 11643, 居民身份证号码): check, read, mask, make.
 * Pure functions over 18-character strings; the only outside input is the
 * clock, for "born in the future". Thread-safe. */
#ifndef LINLI_IDCARD_H
#define LINLI_IDCARD_H

#include <stdbool.h>
#include <stddef.h>

#define IDCARD_LEN 18
/* Nobody born before this is alive to register; an earlier year is a typo. */
#define IDCARD_YEAR_MIN 1850

/* NULL if s[0..n) is a valid number, else a short English reason:
 * "must be 18 characters", "the birth date 19490231 does not exist",
 * "the check character should be X", "the birth date is in the future" …
 * A lower-case x is accepted. The reason lives in thread-local storage and
 * stays valid until the calling thread's next idcard_check. s need not be
 * NUL-terminated. */
const char *idcard_check(const char *s, size_t n);
/* Upper-cases a trailing x in a NUL-terminated number, so stored numbers
 * compare equal. Anything else is left as it is. */
void idcard_normalise(char *s);
/* The birth date of a number (its first 14 characters must be digits and
 * the date real); false otherwise, leaving y, m, d untouched. */
bool idcard_birth(const char *s, int *y, int *m, int *d);
/* 'm' for an odd sequence number (the 17th character), 'f' for an even one,
 * '\0' if s is shorter than 17 characters or that one is not a digit. */
char idcard_gender(const char *s);
/* 110105********002X: first 6, eight '*', last 4, and a NUL. A string that
 * is not 18 characters long gives "" rather than risk showing it. */
void idcard_mask(const char *s, char out[IDCARD_LEN + 1]);
/* A valid number from a 6-digit area, a real date and a sequence 0..999,
 * for demo data and tests. Bad input gives "" (out[0] == '\0'). */
void idcard_make(const char *area6, int y, int m, int d, int seq, char out[IDCARD_LEN + 1]);

/* NULL if y-m-d is a calendar date (proleptic Gregorian, years 1..9999),
 * else a short English reason ("February 2023 has only 28 days"), kept in
 * thread-local storage until the calling thread's next date_check.
 * Belongs with the dates in worktime.h, which already has date_parse for
 * "YYYY-MM-DD" and date_to_civil; it lives here until it moves there. */
const char *date_check(int y, int m, int d);

#endif
