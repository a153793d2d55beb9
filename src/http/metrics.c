/* Prometheus text exposition (format 0.0.4). */
#include "http/metrics.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "http/router.h"

static const unsigned statuses[] = {200, 201, 204, 206, 304, 400, 401, 403, 404, 405, 409,
                                    413, 415, 422, 429, 431, 500, 503};
#define NSTATUS (sizeof statuses / sizeof statuses[0])
#define STATUS_OTHER NSTATUS

/* Latency buckets, seconds. */
static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                 0.1,    0.25,  0.5,    1,     2.5,  5};
#define NBUCKET (sizeof buckets / sizeof buckets[0])

struct slot {
	_Atomic int64_t count[NSTATUS + 1];
	_Atomic int64_t bucket[NBUCKET + 1]; /* not cumulative; last is +Inf */
	_Atomic int64_t sum_ns;
};

struct metrics {
	const struct router *rt;
	int nslots;
	struct slot *slots;
};

struct metrics *metrics_new(const struct router *rt)
{
	struct metrics *m = calloc(1, sizeof *m);
	if (m == NULL)
		return NULL;
	m->rt = rt;
	m->nslots = router_size(rt) + 2;
	m->slots = calloc((size_t)m->nslots, sizeof *m->slots);
	if (m->slots == NULL) {
		free(m);
		return NULL;
	}
	return m;
}

void metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	free(m->slots);
	free(m);
}

int metrics_slot_static(const struct metrics *m) { return m->nslots - 2; }
int metrics_slot_unmatched(const struct metrics *m) { return m->nslots - 1; }

void metrics_observe(struct metrics *m, int slot, unsigned status, int64_t ns)
{
	if (m == NULL || slot < 0 || slot >= m->nslots)
		return;
	struct slot *s = &m->slots[slot];
	size_t si = STATUS_OTHER;
	for (size_t i = 0; i < NSTATUS; i++)
		if (statuses[i] == status) {
			si = i;
			break;
		}
	atomic_fetch_add_explicit(&s->count[si], 1, memory_order_relaxed);
	double sec = (double)ns / 1e9;
	size_t b = 0;
	while (b < NBUCKET && sec > buckets[b])
		b++;
	atomic_fetch_add_explicit(&s->bucket[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->sum_ns, ns, memory_order_relaxed);
}

static void slot_labels(const struct metrics *m, int i, const char **route, const char **method)
{
	if (i < router_size(m->rt)) {
		const struct route *r = router_route(m->rt, i);
		*route = r->pattern;
		*method = http_method_name(r->method);
	} else {
		*route = i == metrics_slot_static(m) ? "static" : "unmatched";
		*method = "any";
	}
}

void metrics_render(struct metrics *m, struct store *st, struct strbuf *sb)
{
	strbuf_adds(sb, "# HELP linli_http_requests_total Requests answered, by route and status.\n"
	                "# TYPE linli_http_requests_total counter\n");
	for (int i = 0; i < m->nslots; i++) {
		const char *route, *method;
		slot_labels(m, i, &route, &method);
		for (size_t k = 0; k <= NSTATUS; k++) {
			int64_t c = atomic_load(&m->slots[i].count[k]);
			if (c == 0)
				continue;
			if (k < NSTATUS)
				strbuf_addf(sb, "linli_http_requests_total{route=\"%s\",method=\"%s\",status=\"%u\"} %lld\n",
				            route, method, statuses[k], (long long)c);
			else
				strbuf_addf(sb, "linli_http_requests_total{route=\"%s\",method=\"%s\",status=\"other\"} %lld\n",
				            route, method, (long long)c);
		}
	}
	strbuf_adds(sb, "# HELP linli_http_request_duration_seconds Time from request start to response queued.\n"
	                "# TYPE linli_http_request_duration_seconds histogram\n");
	for (int i = 0; i < m->nslots; i++) {
		const struct slot *s = &m->slots[i];
		int64_t cum = 0;
		for (size_t b = 0; b <= NBUCKET; b++)
			cum += atomic_load(&s->bucket[b]);
		if (cum == 0)
			continue;
		const char *route, *method;
		slot_labels(m, i, &route, &method);
		cum = 0;
		for (size_t b = 0; b <= NBUCKET; b++) {
			cum += atomic_load(&s->bucket[b]);
			if (b < NBUCKET)
				strbuf_addf(sb, "linli_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\",le=\"%g\"} %lld\n",
				            route, method, buckets[b], (long long)cum);
			else
				strbuf_addf(sb, "linli_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\",le=\"+Inf\"} %lld\n",
				            route, method, (long long)cum);
		}
		strbuf_addf(sb, "linli_http_request_duration_seconds_sum{route=\"%s\",method=\"%s\"} %.6f\n",
		            route, method, (double)atomic_load(&s->sum_ns) / 1e9);
		strbuf_addf(sb, "linli_http_request_duration_seconds_count{route=\"%s\",method=\"%s\"} %lld\n",
		            route, method, (long long)cum);
	}
	if (st == NULL)
		return;
	struct store_stats ss;
	store_get_stats(st, &ss);
	strbuf_addf(sb,
	            "# HELP linli_store_write_queue_depth Write transactions waiting for the writer.\n"
	            "# TYPE linli_store_write_queue_depth gauge\n"
	            "linli_store_write_queue_depth{backend=\"%s\"} %lld\n"
	            "# HELP linli_store_commits_total Commits (each may hold several transactions).\n"
	            "# TYPE linli_store_commits_total counter\n"
	            "linli_store_commits_total{backend=\"%s\"} %lld\n"
	            "# HELP linli_store_failed_commits_total Commits that failed.\n"
	            "# TYPE linli_store_failed_commits_total counter\n"
	            "linli_store_failed_commits_total{backend=\"%s\"} %lld\n"
	            "# HELP linli_store_commit_batch_size Write transactions per commit.\n"
	            "# TYPE linli_store_commit_batch_size histogram\n",
	            ss.backend, (long long)ss.queue_depth, ss.backend, (long long)ss.commits,
	            ss.backend, (long long)ss.failed_commits);
	int64_t cum = 0, lim = 1;
	for (int b = 0; b < STORE_BATCH_BUCKETS; b++, lim *= 2) {
		cum += ss.batch_bucket[b];
		if (b < STORE_BATCH_BUCKETS - 1)
			strbuf_addf(sb, "linli_store_commit_batch_size_bucket{backend=\"%s\",le=\"%lld\"} %lld\n",
			            ss.backend, (long long)lim, (long long)cum);
		else
			strbuf_addf(sb, "linli_store_commit_batch_size_bucket{backend=\"%s\",le=\"+Inf\"} %lld\n",
			            ss.backend, (long long)cum);
	}
	strbuf_addf(sb, "linli_store_commit_batch_size_sum{backend=\"%s\"} %lld\n"
	                "linli_store_commit_batch_size_count{backend=\"%s\"} %lld\n",
	            ss.backend, (long long)ss.batch_sum, ss.backend, (long long)ss.commits);
}
