/* Wall and monotonic clocks. */
#include "util/clock.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* 0: the real clock (see clock_pin). */
static _Atomic int64_t pinned;

void clock_pin(int64_t t)
{
	atomic_store(&pinned, t);
}

static void realtime(struct timespec *ts)
{
	int64_t p = atomic_load(&pinned);
	if (p > 0) {
		ts->tv_sec = (time_t)p;
		ts->tv_nsec = 0;
	} else {
		clock_gettime(CLOCK_REALTIME, ts);
	}
}

int64_t clock_now(void)
{
	struct timespec ts;
	realtime(&ts);
	return (int64_t)ts.tv_sec;
}

int64_t clock_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void clock_now_iso(char out[32])
{
	struct timespec ts;
	struct tm tm;
	realtime(&ts);
	gmtime_r(&ts.tv_sec, &tm);
	/* A wide scratch buffer keeps gcc's truncation analysis quiet; the text is 24 bytes. */
	char buf[96];
	snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
	memcpy(out, buf, 31);
	out[31] = '\0';
}
