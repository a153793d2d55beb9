/* JSON-lines log on stderr: one object per line, written with one write(2)
 * so lines from different threads never interleave. Thread-safe. */
#ifndef LINLI_LOG_H
#define LINLI_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level lvl);
enum log_level log_get_level(void);
/* Parses "debug", "info", "warn", "error"; returns -1 if unknown. */
int log_level_parse(const char *s, enum log_level *out);

/* Writes {"ts":…,"level":…,"msg":…[,"request_id":…][,extra]}. `extra`,
 * if not NULL, is printf-formatted into raw JSON members ("k":v,…) that the
 * caller has escaped; use log_esc for strings from outside. */
void log_event(enum log_level lvl, const char *request_id, const char *msg, const char *extra, ...)
	__attribute__((format(printf, 4, 5)));

#define log_info(...) log_event(LOG_INFO, NULL, __VA_ARGS__)
#define log_warn(...) log_event(LOG_WARN, NULL, __VA_ARGS__)
#define log_error(...) log_event(LOG_ERROR, NULL, __VA_ARGS__)

#endif
