/* GET /api/v1/health and GET /metrics. */
#include <stdlib.h>

#include "api/api.h"
#include "app.h"
#include "http/metrics.h"
#include "util/clock.h"
#include "util/strbuf.h"

void api_health(struct req *r)
{
	struct app *app = req_app(r);
	bool ok = store_ping(app->store) == ERR_OK;
	char now[32];
	instant_format(clock_now(), app->office.tz_offset_min, now);
	json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "status", ok ? "ok" : "degraded",
	                         "version", LINLI_VERSION, "backend", store_backend(app->store),
	                         "store", ok ? "ok" : "error", "time", now);
	reply_json(r, ok ? 200 : 503, body);
}

void api_metrics(struct req *r)
{
	struct app *app = req_app(r);
	struct strbuf sb;
	strbuf_init(&sb, 4 * 1024 * 1024);
	metrics_render(app->metrics, app->store, &sb);
	if (sb.overflow) {
		strbuf_free(&sb);
		reply_error(r, ERR_INTERNAL, NULL, "metrics too large");
		return;
	}
	size_t len = 0;
	char *text = strbuf_detach(&sb, &len);
	reply_raw(r, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
}
