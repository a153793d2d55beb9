#!/usr/bin/env bash
# linli benchmark: load on 127.0.0.1 only, every run bounded in time.
#
# Measures, each for BENCH_DURATION seconds:
#   (a) fixed200       GET on a bare libmicrohttpd server (same threading mode
#                      as linli): the HTTP-library ceiling
#   (b) linli health   GET /api/v1/health
#   (c) direct_insert  the calendar upsert straight into SQLite, WAL +
#                      synchronous=FULL, one transaction per insert: the
#                      storage ceiling
#   (d) linli PUT      PUT /api/v1/calendar/{date}, a new date per request
# and prints req/s, p50, p99 and the ratios health/fixed200 (target >= 0.70)
# and PUT/direct_insert (target >= 0.50), then the commit-batch histogram from
# /metrics. Results also go to build/bench/results.md.
#
# Environment:
#   BENCH_DURATION     seconds per run (default 10)
#   BENCH_THREADS      server thread count(s), space-separated (default 8);
#                      fixed200 gets the same count
#   BENCH_CONNECTIONS  wrk connection count(s), space-separated (default 64)
#   BENCH_WRK_THREADS  wrk threads (default 2)
#   LINLI_BIN          server binary (default build/linli)
#   BENCH_AUTH, BENCH_COOKIE, BENCH_STATUS   passed to bench/put_calendar.lua
# Several BENCH_THREADS x BENCH_CONNECTIONS values run every combination,
# each against a fresh server and database.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
DURATION=${BENCH_DURATION:-10}
THREADS_LIST=${BENCH_THREADS:-8}
CONNS_LIST=${BENCH_CONNECTIONS:-64}
WRK_THREADS=${BENCH_WRK_THREADS:-2}
LINLI=${LINLI_BIN:-$ROOT/build/linli}
OUT=$ROOT/build/bench
RESULTS=$OUT/results.md
HEALTH_TARGET=0.70
PUT_TARGET=0.50

die() { echo "bench: $*" >&2; exit 1; }

command -v wrk >/dev/null 2>&1 || { echo "install the Debian package wrk"; exit 1; }
command -v curl >/dev/null 2>&1 || { echo "install the Debian package curl"; exit 1; }
command -v pkg-config >/dev/null 2>&1 || die "pkg-config is missing"
[[ -x $LINLI ]] || die "$LINLI not found: run make first"
[[ $DURATION =~ ^[0-9]+$ && $DURATION -ge 1 ]] || die "BENCH_DURATION must be a whole number of seconds"
for t in $THREADS_LIST; do [[ $t =~ ^[0-9]+$ && $t -ge 1 ]] || die "bad BENCH_THREADS value: $t"; done
for c in $CONNS_LIST; do [[ $c =~ ^[0-9]+$ && $c -ge 1 ]] || die "bad BENCH_CONNECTIONS value: $c"; done

mkdir -p "$OUT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/linli-bench.XXXXXX")
PIDS=()

stop_pid() { # pid: TERM, wait up to 10 s, then KILL; forget it afterwards
    local pid=$1 i p keep=()
    for p in "${PIDS[@]}"; do [[ $p == "$pid" ]] || keep+=("$p"); done
    PIDS=("${keep[@]}")
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
    rm -rf "$TMP"
    return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- build
CFLAGS_BENCH=(-O2 -std=c11 -Wall -Wextra)
echo "bench: compiling baselines into build/bench/"
# shellcheck disable=SC2046
cc "${CFLAGS_BENCH[@]}" $(pkg-config --cflags libmicrohttpd) -o "$OUT/fixed200" bench/fixed200.c \
    $(pkg-config --libs libmicrohttpd) -pthread
# shellcheck disable=SC2046
cc "${CFLAGS_BENCH[@]}" $(pkg-config --cflags sqlite3) -o "$OUT/direct_insert" bench/direct_insert.c \
    $(pkg-config --libs sqlite3)

# ---------------------------------------------------------------- helpers
# "398.00us" | "2.45ms" | "1.02s" -> milliseconds
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
        printf "%.3f", n }'
}

declare -A RPS P50 P99 BAD
ROWS=()

# wrk_run KEY URL [LUA]: bounded wrk run, parsed into RPS/P50/P99/BAD[KEY]
wrk_run() {
    local key=$1 url=$2 lua=${3:-} c=$4 file
    file="$OUT/wrk-$(tr -c 'A-Za-z0-9=.-' '_' <<<"$1" | sed 's/__*/_/g; s/_$//').txt"
    local args=(-t"$WRK_THREADS" -c"$c" -d"${DURATION}s" --latency)
    [[ -n $lua ]] && args+=(-s "$lua")
    echo "bench: $key: wrk ${args[*]} $url"
    timeout $((DURATION + 60)) wrk "${args[@]}" "$url" >"$file" 2>&1 || {
        cat "$file" >&2; die "wrk failed for $key"; }
    RPS[$key]=$(awk '/^Requests\/sec:/ {print $2}' "$file")
    P50[$key]=$(to_ms "$(awk '$1 == "50%" {print $2}' "$file")")
    P99[$key]=$(to_ms "$(awk '$1 == "99%" {print $2}' "$file")")
    BAD[$key]=$(awk '/^ *Non-2xx or 3xx responses:/ {print $NF}' "$file")
    BAD[$key]=${BAD[$key]:-0}
    local sock; sock=$(grep -m1 'Socket errors:' "$file" || true)
    [[ -n $sock ]] && echo "bench: $key: $sock"
    grep '^put_calendar:' "$file" || true
    [[ -n ${RPS[$key]} ]] || { cat "$file" >&2; die "could not parse wrk output for $key"; }
    ROWS+=("$key")
}

# start_linli THREADS: fresh database, server on a free port; sets LINLI_PID, PORT, LOG
start_linli() {
    local t=$1 dir; dir=$(mktemp -d "$TMP/linli.XXXXXX")
    "$LINLI" init --db "sqlite:$dir/b.db" >"$dir/init.log" 2>&1 || {
        cat "$dir/init.log" >&2; die "linli init failed"; }
    LOG=$dir/stderr.log
    "$LINLI" serve --db "sqlite:$dir/b.db" --listen 127.0.0.1:0 --web "$ROOT/web/dist" \
        --threads "$t" >/dev/null 2>"$LOG" &
    LINLI_PID=$!
    PIDS+=("$LINLI_PID")
    local i
    PORT=
    for ((i = 0; i < 150; i++)); do
        PORT=$(grep -m1 '"msg":"listening"' "$LOG" 2>/dev/null |
            sed -n 's/.*"listen":"127\.0\.0\.1:\([0-9]*\)".*/\1/p' || true)
        [[ -n $PORT ]] && break
        kill -0 "$LINLI_PID" 2>/dev/null || { cat "$LOG" >&2; die "linli exited before listening"; }
        sleep 0.1
    done
    [[ -n $PORT ]] || { cat "$LOG" >&2; die "linli did not say it was listening within 15 s"; }
    echo "bench: linli pid $LINLI_PID listening on 127.0.0.1:$PORT with --threads $t"
}

# start_fixed200 THREADS: sets F_PID, F_PORT
start_fixed200() {
    local out="$TMP/fixed200.out" i
    : >"$out"
    "$OUT/fixed200" 0 "$1" >"$out" 2>&1 &
    F_PID=$!
    PIDS+=("$F_PID")
    F_PORT=
    for ((i = 0; i < 50; i++)); do
        F_PORT=$(sed -n 's/^listening 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out")
        [[ -n $F_PORT ]] && break
        kill -0 "$F_PID" 2>/dev/null || { cat "$out" >&2; die "fixed200 exited"; }
        sleep 0.1
    done
    [[ -n $F_PORT ]] || die "fixed200 did not start"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
verdict() { # ratio target bad_responses
    if [[ $3 != 0 ]]; then echo "NOT MET (non-2xx responses)"; return; fi
    awk -v r="$1" -v t="$2" 'BEGIN { if (r != "n/a" && r + 0 >= t + 0) print "met"; else print "NOT MET" }'
}

# ---------------------------------------------------------------- machine
CPU=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
MHD_VER=$(pkg-config --modversion libmicrohttpd)
SQLITE_VER=$(pkg-config --modversion sqlite3)
FS=$(df -PT "$TMP" | awk 'NR == 2 {print $2 " on " $1}')
WRK_VER=$( (wrk -v 2>&1 || true) | awk 'NR == 1 {print $2}')
MACHINE="nproc $(nproc), CPU ${CPU:-unknown}, kernel $(uname -r), libmicrohttpd $MHD_VER, SQLite $SQLITE_VER, database on $FS, wrk $WRK_VER"
echo "bench: $MACHINE"
echo "bench: ${DURATION}s per run, wrk -t$WRK_THREADS, connections: $CONNS_LIST, server threads: $THREADS_LIST"

# ---------------------------------------------------------------- (c) storage ceiling
# Runs alone, before any server exists, on the same filesystem as linli's database.
echo "bench: direct_insert: ${DURATION}s of one-transaction upserts"
DI_LINE=$(timeout $((DURATION + 60)) "$OUT/direct_insert" "$TMP/direct.db" "$DURATION" | tail -1)
echo "bench: $DI_LINE"
di_field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$DI_LINE"; }
DI_RPS=$(di_field inserts_per_sec)
DI_P50=$(di_field p50_ms)
DI_P99=$(di_field p99_ms)
rm -f "$TMP"/direct.db*

# ---------------------------------------------------------------- per combination
{
    echo "# linli benchmark results"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) · $MACHINE"
    echo
    echo "Each run ${DURATION} s, \`wrk -t$WRK_THREADS --latency\`, 127.0.0.1. Latency in ms."
    echo
} >"$RESULTS"

SUMMARY=()
METRICS_OUT=()
for T in $THREADS_LIST; do
    for C in $CONNS_LIST; do
        tag="T=$T c=$C"
        echo
        echo "==== server threads $T, $C connections"

        # (a) fixed200
        start_fixed200 "$T"
        wrk_run "fixed200 GET ($tag)" "http://127.0.0.1:$F_PORT/api/v1/health" "" "$C"
        stop_pid "$F_PID"

        start_linli "$T"
        # sanity: one health and one PUT before loading
        hcode=$(curl -s -o "$TMP/health.json" -w '%{http_code}' "http://127.0.0.1:$PORT/api/v1/health" || true)
        echo "bench: health answer ($hcode, $(wc -c <"$TMP/health.json") bytes): $(head -c 300 "$TMP/health.json")"
        pcode=$(curl -s -o "$TMP/put.json" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
            ${BENCH_AUTH:+-H "Authorization: $BENCH_AUTH"} ${BENCH_COOKIE:+-H "Cookie: $BENCH_COOKIE"} \
            --data '{"kind":"holiday","name":"bench"}' "http://127.0.0.1:$PORT/api/v1/calendar/2099-12-31" || true)
        echo "bench: sample PUT answer ($pcode): $(head -c 300 "$TMP/put.json")"
        [[ $pcode == 2* ]] || echo "bench: WARNING: the sample PUT did not answer 2xx; the PUT figures below are not valid"

        # (b) health
        wrk_run "linli GET /api/v1/health ($tag)" "http://127.0.0.1:$PORT/api/v1/health" "" "$C"
        # (d) PUT
        wrk_run "linli PUT /api/v1/calendar/{date} ($tag)" "http://127.0.0.1:$PORT" "$ROOT/bench/put_calendar.lua" "$C"

        # group commit evidence
        mcode=$(curl -s -o "$TMP/metrics.txt" -w '%{http_code}' "http://127.0.0.1:$PORT/metrics" || true)
        mlines=$(grep -E '^linli_store_commit_batch_size|^linli_store_write_queue' "$TMP/metrics.txt" || true)
        [[ -n $mlines ]] || mlines="(no linli_store_commit_batch_size / linli_store_write_queue lines in /metrics, HTTP $mcode)"
        mean=$(awk '/^linli_store_commit_batch_size_sum/ {s = $NF} /^linli_store_commit_batch_size_count/ {n = $NF}
                    END { if (n > 0) printf "%.2f", s / n }' "$TMP/metrics.txt")
        echo "bench: /metrics after the PUT run (HTTP $mcode):"
        echo "$mlines"
        [[ -n $mean ]] && echo "bench: mean commit batch: $mean transactions per commit"
        METRICS_OUT+=("### $tag" "" '```' "$mlines" '```' "")
        [[ -n $mean ]] && METRICS_OUT+=("Mean commit batch: $mean write transactions per fsync'd commit." "")
        echo "bench: access log lines (stderr): $(wc -l <"$LOG")"
        stop_pid "$LINLI_PID"

        fk="fixed200 GET ($tag)"
        hk="linli GET /api/v1/health ($tag)"
        pk="linli PUT /api/v1/calendar/{date} ($tag)"
        hr=$(ratio "${RPS[$hk]}" "${RPS[$fk]}")
        pr=$(ratio "${RPS[$pk]}" "$DI_RPS")
        SUMMARY+=("$tag|$hr|$(verdict "$hr" "$HEALTH_TARGET" "${BAD[$hk]}")|$pr|$(verdict "$pr" "$PUT_TARGET" "${BAD[$pk]}")")
    done
done

# ---------------------------------------------------------------- report
RPS["direct_insert (SQLite, 1 txn/insert)"]=$DI_RPS
P50["direct_insert (SQLite, 1 txn/insert)"]=$DI_P50
P99["direct_insert (SQLite, 1 txn/insert)"]=$DI_P99
BAD["direct_insert (SQLite, 1 txn/insert)"]=0
ROWS+=("direct_insert (SQLite, 1 txn/insert)")

echo
printf '%-52s %12s %10s %10s %9s\n' "name" "req/s" "p50 ms" "p99 ms" "non-2xx"
for k in "${ROWS[@]}"; do
    printf '%-52s %12.1f %10.3f %10.3f %9s\n' "$k" "${RPS[$k]}" "${P50[$k]}" "${P99[$k]}" "${BAD[$k]}"
done
echo
printf '%-16s %-26s %-26s\n' "" "health/fixed200 (>=$HEALTH_TARGET)" "PUT/direct_insert (>=$PUT_TARGET)"
for s in "${SUMMARY[@]}"; do
    IFS='|' read -r tag hr hv pr pv <<<"$s"
    printf '%-16s %-26s %-26s\n' "$tag" "$hr $hv" "$pr $pv"
done

{
    echo "| name | req/s | p50 ms | p99 ms | non-2xx |"
    echo "|---|---:|---:|---:|---:|"
    for k in "${ROWS[@]}"; do
        printf '| %s | %.1f | %.3f | %.3f | %s |\n' "$k" "${RPS[$k]}" "${P50[$k]}" "${P99[$k]}" "${BAD[$k]}"
    done
    echo
    echo "| setting | health ÷ fixed200 (target ≥ $HEALTH_TARGET) | PUT ÷ direct_insert (target ≥ $PUT_TARGET) |"
    echo "|---|---|---|"
    for s in "${SUMMARY[@]}"; do
        IFS='|' read -r tag hr hv pr pv <<<"$s"
        echo "| $tag | $hr ($hv) | $pr ($pv) |"
    done
    echo
    echo "## Commit batches after the PUT run"
    echo
    printf '%s\n' "${METRICS_OUT[@]}"
} >>"$RESULTS"
echo
echo "bench: wrote $RESULTS (raw wrk output in $OUT/wrk-*.txt)"
