/* JSON-lines logging. */
#include "util/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/strbuf.h"

static _Atomic int log_level = LOG_INFO;

void log_set_level(enum log_level lvl) { atomic_store(&log_level, (int)lvl); }
enum log_level log_get_level(void) { return (enum log_level)atomic_load(&log_level); }

static const char *const level_names[] = {"debug", "info", "warn", "error"};

int log_level_parse(const char *s, enum log_level *out)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	return -1;
}


void log_event(enum log_level lvl, const char *request_id, const char *msg, const char *extra, ...)
{
	if ((int)lvl < atomic_load(&log_level))
		return;
	struct strbuf sb;
	char ts[32];
	strbuf_init(&sb, 16 * 1024);
	clock_now_iso(ts);
	strbuf_addf(&sb, "{\"ts\":\"%s\",\"level\":\"%s\",\"msg\":\"", ts, level_names[lvl]);
	strbuf_add_json_str(&sb, msg, strlen(msg));
	strbuf_adds(&sb, "\"");
	if (request_id != NULL) {
		strbuf_adds(&sb, ",\"request_id\":\"");
		strbuf_add_json_str(&sb, request_id, strlen(request_id));
		strbuf_adds(&sb, "\"");
	}
	if (extra != NULL) {
		char buf[8192];
		va_list ap;
		va_start(ap, extra);
		int n = vsnprintf(buf, sizeof buf, extra, ap);
		va_end(ap);
		if (n > 0 && (size_t)n < sizeof buf) {
			strbuf_adds(&sb, ",");
			strbuf_add(&sb, buf, (size_t)n);
		}
	}
	strbuf_adds(&sb, "}\n");
	if (!sb.overflow) {
		ssize_t w = write(STDERR_FILENO, sb.buf, sb.len);
		(void)w; /* nowhere to report a failed log write */
	}
	strbuf_free(&sb);
}
