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
/* Pins the wall clock at t (Unix seconds; 0 unpins): clock_now and
 * clock_now_iso answer t on every thread, the store's writer thread too, so
 * the domain back-dates what it writes. Only for the demo's request history
 * (src/demo/requests.c), run by init --demo while the process serves
 * nothing; a server never pins. */
void clock_pin(int64_t t);

#endif
