/* Every limit the server enforces, in one place (OpenBSD httpd's habit).
 * Change a number here and the whole program follows. */
#ifndef LINLI_LIMITS_H
#define LINLI_LIMITS_H

/* HTTP */
#define LIMIT_HEADER_BYTES      (16 * 1024)  /* all request headers together: 431 past it */
#define LIMIT_CONN_MEMORY       (64 * 1024)  /* libmicrohttpd's per-connection buffer */
#define LIMIT_BODY_BYTES        (1024 * 1024) /* JSON body: 413 past it */
#define LIMIT_UPLOAD_BYTES      (64 * 1024 * 1024) /* a raw upload (CSV import): 413 past it */
#define LIMIT_DISCARD_BYTES     (8 * 1024 * 1024) /* body read and dropped to refuse it cleanly */
#define LIMIT_URL_BYTES         2048
#define LIMIT_JSON_DEPTH        16           /* nesting of arrays and objects */
#define LIMIT_STRING_CHARS      4000         /* default max length of a string field */
#define LIMIT_QUERY_PARAMS      32
#define LIMIT_PAGE_SIZE         200          /* rows in one page of a list */
#define LIMIT_PAGE_DEFAULT      20
#define LIMIT_CONNECTIONS       1024         /* simultaneous connections */
#define LIMIT_CONN_TIMEOUT_S    30           /* idle keep-alive connection */
#define LIMIT_SHUTDOWN_S        10           /* wait for in-flight requests on SIGTERM */
#define LIMIT_REQUEST_ID        64
#define LIMIT_PATH_SEGMENTS     16
#define LIMIT_ROUTE_PARAMS      4

/* Store */
#define LIMIT_WRITE_QUEUE       4096         /* queued write transactions: 503 past it */
#define LIMIT_WRITE_BATCH       256          /* transactions committed together */
#define LIMIT_STMT_CACHE        128          /* prepared statements kept per connection */
#define LIMIT_BUSY_TIMEOUT_MS   5000
#define LIMIT_SQLITE_MMAP_BYTES "2147418112" /* a reader's map of the file: SQLite's default cap */

/* Domain */
#define LIMIT_CALENDAR_RANGE_DAYS 400        /* one calendar listing */
#define LIMIT_FIGURE_RANGE_DAYS 400          /* the period of one figures call */
#define LIMIT_DEADLINE_HOURS    2000
#define LIMIT_DEADLINE_DAYS     366
#define LIMIT_PHOTO_BYTES       (10 * 1024 * 1024) /* one uploaded photo: 413 past it */

#endif
