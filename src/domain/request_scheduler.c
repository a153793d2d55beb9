/* The overdue scheduler's thread: sweep, then sleep on a condition
 * variable until the interval passes or stop wakes it. */
#include "domain/request_scheduler.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "app.h"
#include "domain/requests.h"
#include "util/clock.h"
#include "util/log.h"

struct request_scheduler {
	struct app *app;
	int interval_s;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping;
	long sweeps, changed;
};

static void *run(void *arg)
{
	struct request_scheduler *s = arg;
	pthread_mutex_lock(&s->lock);
	while (!s->stopping) {
		pthread_mutex_unlock(&s->lock);
		struct errinfo ei;
		err_clear(&ei);
		int done = 0;
		if (requests_sweep(s->app, clock_now(), &done, &ei) != ERR_OK)
			log_warn("overdue sweep failed", "\"error\":\"%s\"", ei.message);
		else if (done > 0)
			log_info("overdue sweep", "\"changed\":%d", done);
		pthread_mutex_lock(&s->lock);
		s->sweeps++;
		s->changed += done;
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += s->interval_s;
		while (!s->stopping) {
			int rc = pthread_cond_timedwait(&s->wake, &s->lock, &until);
			if (rc == ETIMEDOUT)
				break;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

enum err request_scheduler_start(struct app *app, int interval_s, struct request_scheduler **out,
                                 struct errinfo *ei)
{
	*out = NULL;
	struct request_scheduler *s = calloc(1, sizeof *s);
	if (s == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "out of memory");
	s->app = app;
	s->interval_s = interval_s > 0 ? interval_s : REQUEST_SWEEP_INTERVAL_S;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	if (pthread_create(&s->thread, NULL, run, s) != 0) {
		pthread_cond_destroy(&s->wake);
		pthread_mutex_destroy(&s->lock);
		free(s);
		return err_set(ei, ERR_INTERNAL, NULL, "cannot start the overdue scheduler");
	}
	*out = s;
	return ERR_OK;
}

void request_scheduler_counts(struct request_scheduler *s, long *sweeps, long *changed)
{
	pthread_mutex_lock(&s->lock);
	*sweeps = s->sweeps;
	*changed = s->changed;
	pthread_mutex_unlock(&s->lock);
}

void request_scheduler_stop(struct request_scheduler *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
