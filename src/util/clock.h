/* The wall clock, in one place so tests and timestamps agree. Thread-safe. */
#ifndef LINLI_CLOCK_H
#define LINLI_CLOCK_H

#include <stdint.h>

/* Unix seconds. */
int64_t clock_now(void);
/* Monotonic nanoseconds, for durations. */
int64_t clock_mono_ns(void);
/* "2026-11-23T08:00:00.123Z": the form every stored timestamp takes (UTC, sortable). */
void clock_now_iso(char out[32]);

#endif
