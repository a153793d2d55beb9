/* direct_insert: the storage ceiling. The same write linli does for
 * PUT /api/v1/calendar/{date}, straight into SQLite with the same durability
 * (WAL, synchronous=FULL), one transaction per insert, each durable by itself
 * as a request is, with prepared statements. No HTTP, no JSON, no queue.
 *
 * usage: direct_insert DB_PATH [SECONDS [MAX_COUNT [BATCH]]]
 *   DB_PATH    a fresh file (removed first, with its -wal and -shm)
 *   SECONDS    run time, default 10
 *   MAX_COUNT  stop after this many inserts, default 0 = no limit
 *   BATCH      inserts per transaction, default 1 (the per-request figure;
 *              >1 shows what group commit can reach, for reference only)
 * Prints one summary line:
 *   direct_insert inserts=N seconds=S inserts_per_sec=R p50_ms=A p99_ms=B batch=K
 * Latency is per insert: BEGIN to COMMIT's return for BATCH=1; for BATCH>1 it
 * is the commit latency of the transaction every insert in it waited for. */
#define _POSIX_C_SOURCE 200809L
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(sqlite3 *db, const char *what) {
    fprintf(stderr, "direct_insert: %s: %s\n", what, db ? sqlite3_errmsg(db) : "?");
    exit(1);
}

static void exec(sqlite3 *db, const char *sql) {
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "direct_insert: %s: %s\n", sql, err ? err : "?");
        exit(1);
    }
}

/* Days since 1970-01-01 to civil date (Howard Hinnant's algorithm). */
static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yy + (*m <= 2));
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double pct(const double *v, size_t n, double p) {
    if (n == 0) return 0;
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 5) {
        fprintf(stderr, "usage: %s DB_PATH [SECONDS [MAX_COUNT [BATCH]]]\n", argv[0]);
        return 2;
    }
    const char *path = argv[1];
    double seconds = argc > 2 ? atof(argv[2]) : 10.0;
    long max_count = argc > 3 ? atol(argv[3]) : 0;
    long batch = argc > 4 ? atol(argv[4]) : 1;
    if (seconds <= 0 || max_count < 0 || batch < 1) {
        fprintf(stderr, "direct_insert: bad SECONDS, MAX_COUNT or BATCH\n");
        return 2;
    }

    char side[4096];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path); unlink(side);
    snprintf(side, sizeof side, "%s-shm", path); unlink(side);

    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
        die(db, "open");
    exec(db, "PRAGMA journal_mode=WAL");
    exec(db, "PRAGMA synchronous=FULL");
    exec(db, "PRAGMA busy_timeout=5000");
    exec(db, "CREATE TABLE calendar_day (date TEXT PRIMARY KEY, kind TEXT NOT NULL, "
             "name TEXT NOT NULL DEFAULT '', updated_at TEXT NOT NULL)");

    sqlite3_stmt *begin, *commit, *ins;
    if (sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL) != SQLITE_OK) die(db, "prepare begin");
    if (sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL) != SQLITE_OK) die(db, "prepare commit");
    if (sqlite3_prepare_v2(db,
            "INSERT INTO calendar_day(date,kind,name,updated_at) VALUES(?,?,?,?) "
            "ON CONFLICT(date) DO UPDATE SET kind=excluded.kind, name=excluded.name, "
            "updated_at=excluded.updated_at", -1, &ins, NULL) != SQLITE_OK)
        die(db, "prepare insert");

    size_t cap = 1 << 16, n = 0;
    double *lat = malloc(cap * sizeof *lat);
    if (!lat) return 1;

    const int64_t day0 = 47482; /* 2100-01-01 */
    const int64_t span = 36524; /* through 2199-12-31 */
    double t0 = now_s(), deadline = t0 + seconds, t_end = t0;
    long done = 0;
    while (1) {
        double ts = now_s();
        if (ts >= deadline || (max_count && done >= max_count)) break;
        if (sqlite3_step(begin) != SQLITE_DONE) die(db, "begin");
        sqlite3_reset(begin);
        long k;
        for (k = 0; k < batch && (!max_count || done + k < max_count); k++) {
            int y; unsigned m, d;
            civil_from_days(day0 + (done + k) % span, &y, &m, &d);
            char date[32], upd[40];
            snprintf(date, sizeof date, "%04d-%02u-%02u", y, m, d);
            time_t wall = time(NULL);
            struct tm tmv;
            gmtime_r(&wall, &tmv);
            strftime(upd, sizeof upd, "%Y-%m-%dT%H:%M:%SZ", &tmv);
            sqlite3_bind_text(ins, 1, date, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(ins, 2, "holiday", -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 3, "bench", -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 4, upd, -1, SQLITE_TRANSIENT);
            if (sqlite3_step(ins) != SQLITE_DONE) die(db, "insert");
            sqlite3_reset(ins);
            sqlite3_clear_bindings(ins);
        }
        if (sqlite3_step(commit) != SQLITE_DONE) die(db, "commit");
        sqlite3_reset(commit);
        t_end = now_s();
        double l = (t_end - ts) * 1000.0;
        for (long j = 0; j < k; j++) {
            if (n == cap) {
                cap *= 2;
                double *p = realloc(lat, cap * sizeof *lat);
                if (!p) return 1;
                lat = p;
            }
            lat[n++] = l;
        }
        done += k;
    }
    double elapsed = t_end - t0;
    qsort(lat, n, sizeof *lat, cmp_double);
    printf("direct_insert inserts=%ld seconds=%.3f inserts_per_sec=%.1f p50_ms=%.3f p99_ms=%.3f batch=%ld sqlite=%s\n",
           done, elapsed, elapsed > 0 ? (double)done / elapsed : 0.0, pct(lat, n, 0.50),
           pct(lat, n, 0.99), batch, sqlite3_libversion());

    sqlite3_finalize(begin);
    sqlite3_finalize(commit);
    sqlite3_finalize(ins);
    sqlite3_close(db);
    free(lat);
    return 0;
}
