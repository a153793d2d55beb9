/* Common includes for cmocka unit tests. Each test file mirrors one file
 * under src/ and may #include that .c to reach its static functions. */
#ifndef LINLI_TESTUTIL_H
#define LINLI_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#endif
