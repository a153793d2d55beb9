/* UTF-8 checks shared by input validation and the domain. Pure functions. */
#ifndef LINLI_UTF8_H
#define LINLI_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF)?
 * If so and chars is not NULL, *chars gets the number of code points. */
bool utf8_valid(const char *s, size_t len, size_t *chars);

/* Copies src into dst (cap bytes with the NUL), cutting only between
 * characters, so a long Chinese text never ends in half a character. */
void utf8_copy(char *dst, size_t cap, const char *src);

#endif
