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
# and PUT/direct_insert (target >= 0.50), then the commit-batch histogram of
# the PUT runs from /metrics. Every measurement runs BENCH_ROUNDS times,
# interleaved, and the report takes the median run. Results also go to
# build/bench/results.md; raw wrk output to build/bench/wrk-*.txt.
#
# wrk and the server share the machine's cores. Each run also records the CPU
# the measured process, wrk, kernel threads (ext4 journal, writeback) and
# everything else used; a run that other work on the machine disturbed
# ("other" above BENCH_MAX_OTHER cores) is repeated, up to BENCH_RETRIES times.
#
# Environment:
#   BENCH_DURATION     seconds per run (default 10)
#   BENCH_THREADS      server thread count(s), space-separated (default 16, the
#                      server's default); fixed200 gets the same count
#   BENCH_CONNECTIONS  wrk connection count(s), space-separated (default 64)
#   BENCH_WRK_THREADS  wrk threads (default 2)
#   BENCH_QUIET_WAIT   seconds to wait for an idle machine before a run (default 180)
#   BENCH_MAX_OTHER    cores of foreign CPU use that make a run disturbed (default 0.10)
#   BENCH_RETRIES      repeats of a disturbed run (default 3)
#   BENCH_ROUNDS       rounds of every measurement; the report takes medians (default 3)
#   LINLI_BIN          server binary (default build/linli)
#   BENCH_AUTH         Authorization header for the PUT runs (default: run.sh
#                      creates user "benchuser" with the sysadmin role and an
#                      API key in each fresh database, and sends "Bearer KEY")
#   BENCH_COOKIE, BENCH_STATUS   passed to bench/put_calendar.lua
# Several BENCH_THREADS x BENCH_CONNECTIONS values run every combination,
# each against a fresh server and database.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
DURATION=${BENCH_DURATION:-10}
THREADS_LIST=${BENCH_THREADS:-16}
CONNS_LIST=${BENCH_CONNECTIONS:-64}
WRK_THREADS=${BENCH_WRK_THREADS:-2}
QUIET_WAIT=${BENCH_QUIET_WAIT:-180}
MAX_OTHER=${BENCH_MAX_OTHER:-0.10}
RETRIES=${BENCH_RETRIES:-3}
ROUNDS=${BENCH_ROUNDS:-3}
LINLI=${LINLI_BIN:-$ROOT/build/linli}
USER_AUTH=${BENCH_AUTH:-}
BENCH_PASSWORD='Load#Test2026x'   # of the throwaway user in the throwaway database
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
[[ $RETRIES =~ ^[0-9]+$ ]] || die "BENCH_RETRIES must be a whole number"
[[ $ROUNDS =~ ^[0-9]+$ && $ROUNDS -ge 1 ]] || die "BENCH_ROUNDS must be a whole number >= 1"
[[ $QUIET_WAIT =~ ^[0-9]+$ ]] || die "BENCH_QUIET_WAIT must be a whole number of seconds"
for t in $THREADS_LIST; do [[ $t =~ ^[0-9]+$ && $t -ge 1 ]] || die "bad BENCH_THREADS value: $t"; done
for c in $CONNS_LIST; do [[ $c =~ ^[0-9]+$ && $c -ge 1 ]] || die "bad BENCH_CONNECTIONS value: $c"; done

mkdir -p "$OUT"
rm -f "$OUT"/wrk-*.txt "$OUT"/linli-*.log
TMP=$(mktemp -d "${TMPDIR:-/tmp}/linli-bench.XXXXXX")
PIDS=()

stop_pid() { # PID: TERM, wait up to 10 s, then KILL; forget it afterwards
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

# A private copy of the server binary, so a rebuild of build/linli during a
# long run does not mix two versions into one report.
cp "$LINLI" "$TMP/linli"
LINLI_SUM=$(sha256sum "$LINLI" | cut -c1-12)
LINLI_DATE=$(date -u -r "$LINLI" +%Y-%m-%dT%H:%M:%SZ)
LINLI=$TMP/linli

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
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
verdict() { # RATIO TARGET BAD_RESPONSES
    if [[ $3 != 0 ]]; then echo "NOT MET (non-2xx responses)"; return; fi
    awk -v r="$1" -v t="$2" 'BEGIN { if (r != "n/a" && r + 0 >= t + 0) print "met"; else print "NOT MET" }'
}
gt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 > b + 0) }'; }

declare -A RPS P50 P99 BAD SRV_CPU WRK_CPU KERN_CPU OTHER_CPU TRIES
CLK_TCK=$(getconf CLK_TCK)

# CPU accounting. Whole-machine busy ticks from /proc/stat; the measured
# process's own ticks from /proc/PID/stat; wrk's from this shell's reaped
# children (bash `times`); kernel threads' (children of kthreadd: jbd2, the
# ext4 journal, and writeback kworkers do the fsync work) from /proc/*/stat.
# "other" is what is left: work on the machine that is not ours.
cpu_busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9; exit}' /proc/stat; }
proc_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
kthread_ticks() { # fields after "pid (comm) ": $2 = ppid, $12/$13 = utime/stime
    # (processes come and go while cat reads: its failure is expected, not fatal)
    { cat /proc/[0-9]*/stat 2>/dev/null || true; } | sed 's/^.*) //' | awk '$2 == 2 {s += $12 + $13} END {print s + 0}'
}
child_secs() { # VAR: user+sys of this shell's reaped children, in seconds
    times >"$TMP/times"   # must run in this shell, not in a $(...) subshell
    printf -v "$1" '%s' "$(awk 'NR == 2 { t = 0
        for (i = 1; i <= 2; i++) { split($i, a, "m"); sub(/s$/, "", a[2]); t += a[1] * 60 + a[2] }
        printf "%.3f", t }' "$TMP/times")"
}
now_s() { date +%s.%N; }
cpu_begin() { # SERVER_PID (0: the measured process is a child of this shell)
    CB_PID=$1; CB_SRV=0
    [[ $CB_PID != 0 ]] && CB_SRV=$(proc_ticks "$CB_PID")
    CB_KT=$(kthread_ticks); child_secs CB_KIDS; CB_BUSY=$(cpu_busy); CB_T=$(now_s)
    return 0
}
cpu_end() { # KEY: sets SRV_CPU, WRK_CPU, KERN_CPU, OTHER_CPU[KEY], in cores (1.00 = one core busy)
    local t busy kids kt srv=0
    t=$(now_s); busy=$(cpu_busy); child_secs kids; kt=$(kthread_ticks)
    [[ $CB_PID != 0 ]] && srv=$(proc_ticks "$CB_PID")
    read -r SRV_CPU["$1"] WRK_CPU["$1"] KERN_CPU["$1"] OTHER_CPU["$1"] < <(awk \
        -v t0="$CB_T" -v t1="$t" -v b0="$CB_BUSY" -v b1="$busy" -v k0="$CB_KIDS" -v k1="$kids" \
        -v s0="$CB_SRV" -v s1="$srv" -v q0="$CB_KT" -v q1="$kt" -v hz="$CLK_TCK" 'BEGIN {
            e = t1 - t0; if (e <= 0) e = 1
            srv = (s1 - s0) / hz; kid = k1 - k0; kt = (q1 - q0) / hz; if (kt < 0) kt = 0
            oth = (b1 - b0) / hz - srv - kid - kt; if (oth < 0) oth = 0
            printf "%.2f %.2f %.2f %.2f\n", srv / e, kid / e, kt / e, oth / e }')
    if [[ $CB_PID == 0 ]]; then # the measured process was the child
        SRV_CPU["$1"]=${WRK_CPU["$1"]}; WRK_CPU["$1"]=0.00
    fi
}

# wait_quiet: up to QUIET_WAIT seconds for the machine to be idle
# (< 0.25 cores busy over a second, twice in a row) before a run.
wait_quiet() {
    local start b0 b1 busy=0 ok=0 said=0
    start=$(date +%s)
    while (($(date +%s) - start < QUIET_WAIT)); do
        b0=$(cpu_busy); sleep 1; b1=$(cpu_busy)
        busy=$(awk -v a="$b0" -v b="$b1" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", (b - a) / hz }')
        if ! gt "$busy" 0.25; then
            ok=$((ok + 1)); ((ok >= 2)) && return 0
        else
            ok=0
            ((said)) || echo "bench: waiting up to ${QUIET_WAIT}s for the machine to be quiet ($busy cores busy)"
            said=1
        fi
    done
    ((QUIET_WAIT == 0)) || echo "bench: WARNING: the machine is still busy ($busy cores); figures may be low (see 'other')"
}

# measure KEY SERVER_PID CMD...: run a bounded measurement with CPU accounting,
# repeated while disturbed.
measure() {
    local key=$1 spid=$2 try
    shift 2
    for ((try = 1; try <= RETRIES + 1; try++)); do
        wait_quiet
        cpu_begin "$spid"
        "$@"
        cpu_end "$key"
        TRIES[$key]=$try
        echo "bench: $key: CPU cores: measured ${SRV_CPU[$key]}, wrk ${WRK_CPU[$key]}," \
            "kernel threads ${KERN_CPU[$key]}, other ${OTHER_CPU[$key]}"
        gt "${OTHER_CPU[$key]}" "$MAX_OTHER" || return 0
        ((try <= RETRIES)) && echo "bench: $key: disturbed by other work on the machine; again"
    done
    echo "bench: WARNING: $key stayed disturbed after $((RETRIES + 1)) attempts; its figures are low"
}

# One line per measured run, per key; the report takes the median run by req/s.
declare -A REC
KEYS=()
record() { # KEY RPS P50 P99 BAD
    local key=$1
    [[ -n ${REC[$key]:-} ]] || KEYS+=("$key")
    REC[$key]+="$2 $3 $4 $5 ${SRV_CPU[$key]} ${WRK_CPU[$key]} ${KERN_CPU[$key]} ${OTHER_CPU[$key]} ${TRIES[$key]}"$'\n'
}
declare -A SPREAD RUNS
finalize() { # fills RPS P50 P99 BAD SRV_CPU WRK_CPU KERN_CPU OTHER_CPU SPREAD RUNS from REC
    local key n line
    for key in "${KEYS[@]}"; do
        n=$(printf '%s' "${REC[$key]}" | grep -c .)
        line=$(printf '%s' "${REC[$key]}" | grep . | sort -g -k1,1 | sed -n "$(((n + 1) / 2))p")
        read -r RPS["$key"] P50["$key"] P99["$key"] BAD["$key"] SRV_CPU["$key"] WRK_CPU["$key"] \
            KERN_CPU["$key"] OTHER_CPU["$key"] _ <<<"$line"
        SPREAD[$key]=$(printf '%s' "${REC[$key]}" | grep . | sort -g -k1,1 |
            awk 'NR == 1 {lo = $1} {hi = $1} END {printf "%.0f–%.0f", lo, hi}')
        RUNS[$key]=$(printf '%s' "${REC[$key]}" | awk 'NF {n++; t += $9} END {printf "%d/%d", n, t}')
    done
}

WRK_FILE=
SRV_LOG=   # linli's access log while linli is measured, else empty
run_wrk() { # URL LUA CONNS -> $WRK_FILE
    local args=(-t"$WRK_THREADS" -c"$3" -d"${DURATION}s" --latency)
    [[ -n $2 ]] && args+=(-s "$2")
    echo "bench: wrk ${args[*]} $1"
    local from=0
    [[ -n $SRV_LOG ]] && from=$(wc -l <"$SRV_LOG")
    timeout $((DURATION + 60)) wrk "${args[@]}" "$1" >"$WRK_FILE" 2>&1 || {
        cat "$WRK_FILE" >&2; die "wrk failed"; }
    # the server's own view from its access log ("ms": request start to response queued)
    if [[ -n $SRV_LOG ]]; then
        tail -n +"$((from + 1))" "$SRV_LOG" | awk '/"msg":"access"/ && match($0, /"ms":[0-9.]+/) {
                v = substr($0, RSTART + 5, RLENGTH - 5) + 0; n++; if (v > max) max = v; if (v >= 100) slow++ }
            END { if (n) printf "bench: server side (access log): %d requests, max %.1f ms, %d took 100 ms or more\n",
                                 n, max, slow }'
    fi
}

# wrk_run KEY ROUND URL LUA CONNS SERVER_PID: one measured wrk run, recorded
wrk_run() {
    local key=$1 rps p50 p99 bad sock
    WRK_FILE="$OUT/wrk-$(tr -c 'A-Za-z0-9=.-' '_' <<<"$key" | sed 's/__*/_/g; s/_$//')-r$2.txt"
    measure "$key" "$6" run_wrk "$3" "$4" "$5"
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$WRK_FILE")
    [[ -n $rps ]] || { cat "$WRK_FILE" >&2; die "could not parse wrk output for $key"; }
    p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$WRK_FILE")")
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$WRK_FILE")")
    bad=$(awk '/^ *Non-2xx or 3xx responses:/ {print $NF}' "$WRK_FILE")
    bad=${bad:-0}
    sock=$(grep -m1 'Socket errors:' "$WRK_FILE" || true)
    [[ -n $sock ]] && echo "bench: $key: $sock"
    grep '^put_calendar:' "$WRK_FILE" || true
    echo "bench: $key: $rps req/s, p50 $p50 ms, p99 $p99 ms, non-2xx $bad"
    record "$key" "$rps" "$p50" "$p99" "$bad"
}

# start_linli THREADS: fresh database, server on a free port; sets LINLI_PID, PORT, LOG, LINLI_DIR
start_linli() {
    local t=$1 dir i
    dir=$(mktemp -d "$TMP/linli.XXXXXX")
    LINLI_DIR=$dir
    "$LINLI" init --db "sqlite:$dir/b.db" >"$dir/init.log" 2>&1 || {
        cat "$dir/init.log" >&2; die "linli init failed"; }
    # PUT needs calendar.manage: a user with the sysadmin role and an API key
    # for it, sent as Authorization: Bearer (unless BENCH_AUTH was given).
    if [[ -z $USER_AUTH ]]; then
        local key
        if printf '%s\n' "$BENCH_PASSWORD" | "$LINLI" user add benchuser --name 压测 --role sysadmin \
                --scope '*' --password-stdin --db "sqlite:$dir/b.db" >"$dir/user.log" 2>&1 &&
            key=$("$LINLI" apikey add bench --user benchuser --db "sqlite:$dir/b.db" 2>"$dir/key.log" | tail -n 1) &&
            [[ -n $key ]]; then
            export BENCH_AUTH="Bearer $key"
        else
            echo "bench: WARNING: could not create the bench user and API key: $(cat "$dir/user.log" "$dir/key.log" 2>/dev/null)"
            export BENCH_AUTH=
        fi
    fi
    LOG=$dir/stderr.log   # the access log: one JSON line per request
    "$LINLI" serve --db "sqlite:$dir/b.db" --listen 127.0.0.1:0 --web "$ROOT/web/dist" \
        --threads "$t" >/dev/null 2>"$LOG" &
    LINLI_PID=$!
    PIDS+=("$LINLI_PID")
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

STORE_RE='^linli_store_(commit_batch_size|write_queue_depth|commits_total|failed_commits_total)'

# ---------------------------------------------------------------- machine
CPU=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
MHD_VER=$(pkg-config --modversion libmicrohttpd)
SQLITE_VER=$(pkg-config --modversion sqlite3)
FS=$(df -PT "$TMP" | awk 'NR == 2 {print $2 " on " $1}')
WRK_VER=$( (wrk -v 2>&1 || true) | awk 'NR == 1 {print $2}')
MACHINE="nproc $(nproc), CPU ${CPU:-unknown}, kernel $(uname -r), libmicrohttpd $MHD_VER, SQLite $SQLITE_VER, database on $FS, wrk $WRK_VER"
SERVER="build/linli sha256 $LINLI_SUM… built $LINLI_DATE, $("$LINLI" version 2>/dev/null | head -1 || true)"
echo "bench: $MACHINE"
echo "bench: server $SERVER"
echo "bench: ${DURATION}s per run, wrk -t$WRK_THREADS, connections: $CONNS_LIST, server threads: $THREADS_LIST"

# ---------------------------------------------------------------- (c) storage ceiling
# Runs alone, before any server exists, on the same filesystem as linli's database.
DI_KEY="direct_insert (SQLite, 1 txn/insert)"
run_direct() {
    echo "bench: direct_insert: ${DURATION}s of one-transaction upserts"
    timeout $((DURATION + 60)) "$OUT/direct_insert" "$TMP/direct.db" "$DURATION" >"$TMP/direct.out"
}
di_field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$DI_LINE"; }
for ((round = 1; round <= ROUNDS; round++)); do
    measure "$DI_KEY" 0 run_direct
    DI_LINE=$(tail -1 "$TMP/direct.out")
    rm -f "$TMP"/direct.db*
    echo "bench: $DI_LINE"
    [[ -n $(di_field inserts_per_sec) ]] || die "could not parse direct_insert output: $DI_LINE"
    record "$DI_KEY" "$(di_field inserts_per_sec)" "$(di_field p50_ms)" "$(di_field p99_ms)" 0
done

# ---------------------------------------------------------------- per combination
COMBOS=()
METRICS_OUT=()
for T in $THREADS_LIST; do
    for C in $CONNS_LIST; do
        tag="T=$T c=$C"
        COMBOS+=("$tag")
        echo
        echo "==== server threads $T, $C connections"
        start_fixed200 "$T"
        start_linli "$T"
        # sanity: one health and one PUT before loading
        hcode=$(curl -s -o "$TMP/health.json" -w '%{http_code}' "http://127.0.0.1:$PORT/api/v1/health" || true)
        echo "bench: health answer ($hcode, $(wc -c <"$TMP/health.json") bytes): $(head -c 300 "$TMP/health.json")"
        pcode=$(curl -s -o "$TMP/put.json" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
            ${BENCH_AUTH:+-H "Authorization: $BENCH_AUTH"} ${BENCH_COOKIE:+-H "Cookie: $BENCH_COOKIE"} \
            --data '{"kind":"holiday","name":"bench"}' "http://127.0.0.1:$PORT/api/v1/calendar/2099-12-31" || true)
        echo "bench: sample PUT answer ($pcode): $(head -c 300 "$TMP/put.json")"
        [[ $pcode == 2* ]] || echo "bench: WARNING: the sample PUT did not answer 2xx; the PUT figures below are not valid"
        # store counters before the PUT runs (health does not write)
        curl -s "http://127.0.0.1:$PORT/metrics" 2>/dev/null | grep -E "$STORE_RE" >"$TMP/metrics.before" || true

        # Rounds interleave the three runs, so a slow spell of the machine
        # hits all of them rather than one; the report takes medians.
        for ((round = 1; round <= ROUNDS; round++)); do
            echo "---- round $round of $ROUNDS"
            SRV_LOG=
            wrk_run "fixed200 GET ($tag)" "$round" "http://127.0.0.1:$F_PORT/api/v1/health" "" "$C" "$F_PID"
            SRV_LOG=$LOG
            wrk_run "linli GET /api/v1/health ($tag)" "$round" "http://127.0.0.1:$PORT/api/v1/health" "" "$C" "$LINLI_PID"
            wrk_run "linli PUT /api/v1/calendar/{date} ($tag)" "$round" "http://127.0.0.1:$PORT" \
                "$ROOT/bench/put_calendar.lua" "$C" "$LINLI_PID"
        done
        SRV_LOG=

        # group commit evidence: the store counters of the PUT runs (after - before)
        mcode=$(curl -s -o "$TMP/metrics.txt" -w '%{http_code}' "http://127.0.0.1:$PORT/metrics" || true)
        grep -E "$STORE_RE" "$TMP/metrics.txt" >"$TMP/metrics.after" || true
        mlines=$(awk 'NR == FNR { k = $0; sub(/ [^ ]*$/, "", k); before[k] = $NF; next }
            { k = $0; sub(/ [^ ]*$/, "", k); v = $NF
              if (k !~ /write_queue_depth/ && (k in before)) v -= before[k]
              print k " " v }' "$TMP/metrics.before" "$TMP/metrics.after")
        [[ -n $mlines ]] || mlines="(no linli_store_* lines in /metrics, HTTP $mcode)"
        mean=$(awk '/^linli_store_commit_batch_size_sum/ {s = $NF} /^linli_store_commit_batch_size_count/ {n = $NF}
                    END { if (n > 0) printf "%.2f", s / n }' <<<"$mlines")
        echo "bench: store counters during the PUT runs (/metrics after minus before, HTTP $mcode):"
        echo "$mlines"
        [[ -n $mean ]] && echo "bench: mean commit batch: $mean write transactions per commit"
        METRICS_OUT+=("### $tag" "" '```' "$mlines" '```' "")
        [[ -n $mean ]] && METRICS_OUT+=("Mean commit batch: $mean write transactions per commit (one fsync each)." "")
        echo "bench: access log lines (stderr): $(wc -l <"$LOG")"
        stop_pid "$LINLI_PID"
        stop_pid "$F_PID"
        grep -v '"msg":"access"' "$LOG" | tail -n 20 >"$OUT/linli-$T-$C.log" || true
        rm -rf "$LINLI_DIR" # the access log of a run is large
    done
done

# ---------------------------------------------------------------- report
finalize
ROWS=()
for tag in "${COMBOS[@]}"; do
    ROWS+=("fixed200 GET ($tag)" "linli GET /api/v1/health ($tag)" "linli PUT /api/v1/calendar/{date} ($tag)")
done
ROWS+=("$DI_KEY")
SUMMARY=()
for tag in "${COMBOS[@]}"; do
    fk="fixed200 GET ($tag)"
    hk="linli GET /api/v1/health ($tag)"
    pk="linli PUT /api/v1/calendar/{date} ($tag)"
    hr=$(ratio "${RPS[$hk]}" "${RPS[$fk]}")
    pr=$(ratio "${RPS[$pk]}" "${RPS[$DI_KEY]}")
    SUMMARY+=("$tag|$hr|$(verdict "$hr" "$HEALTH_TARGET" "${BAD[$hk]}")|$pr|$(verdict "$pr" "$PUT_TARGET" "${BAD[$pk]}")")
done

echo
echo "Medians of $ROUNDS rounds (the median run by req/s; 'range' is the lowest and highest req/s)"
printf '%-46s %9s %13s %7s %8s %5s %5s %5s %5s %5s %5s\n' "name" "req/s" "range" "p50 ms" "p99 ms" \
    "!2xx" "meas" "wrk" "kern" "other" "runs"
for k in "${ROWS[@]}"; do
    printf '%-46s %9.0f %13s %7.3f %8.3f %5s %5s %5s %5s %5s %5s\n' "$k" "${RPS[$k]}" "${SPREAD[$k]}" \
        "${P50[$k]}" "${P99[$k]}" "${BAD[$k]}" "${SRV_CPU[$k]}" "${WRK_CPU[$k]}" "${KERN_CPU[$k]}" \
        "${OTHER_CPU[$k]}" "${RUNS[$k]}"
done
echo "(CPU cores during the median run: the measured process, wrk, kernel threads, other work on the machine;"
echo " runs: measured runs / attempts including repeats of disturbed ones)"
echo
printf '%-16s %-28s %-28s\n' "" "health/fixed200 (>=$HEALTH_TARGET)" "PUT/direct_insert (>=$PUT_TARGET)"
for s in "${SUMMARY[@]}"; do
    IFS='|' read -r tag hr hv pr pv <<<"$s"
    printf '%-16s %-28s %-28s\n' "$tag" "$hr $hv" "$pr $pv"
done

{
    echo "# linli benchmark results"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) · $MACHINE"
    echo
    echo "Server: $SERVER"
    echo
    echo "Each run ${DURATION} s, \`wrk -t$WRK_THREADS --latency\`, 127.0.0.1; medians of $ROUNDS interleaved rounds. Latency in ms."
    echo
    echo "| name | req/s | range | p50 ms | p99 ms | non-2xx | measured cores | wrk cores | kernel-thread cores | other cores |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for k in "${ROWS[@]}"; do
        printf '| %s | %.0f | %s | %.3f | %.3f | %s | %s | %s | %s | %s |\n' "$k" "${RPS[$k]}" "${SPREAD[$k]}" \
            "${P50[$k]}" "${P99[$k]}" "${BAD[$k]}" "${SRV_CPU[$k]}" "${WRK_CPU[$k]}" "${KERN_CPU[$k]}" "${OTHER_CPU[$k]}"
    done
    echo
    echo "req/s, p50, p99 and CPU are from the median run; range is the lowest and highest req/s of the rounds. CPU columns: cores busy during the run (1.00 = one core). 'measured' is the server (for direct_insert, the program itself); 'kernel-thread' is kernel threads such as the ext4 journal doing fsync work; 'other' is everything else on the machine and should be near 0 for a clean run."
    echo
    echo "| setting | health ÷ fixed200 (target ≥ $HEALTH_TARGET) | PUT ÷ direct_insert (target ≥ $PUT_TARGET) |"
    echo "|---|---|---|"
    for s in "${SUMMARY[@]}"; do
        IFS='|' read -r tag hr hv pr pv <<<"$s"
        echo "| $tag | $hr ($hv) | $pr ($pv) |"
    done
    echo
    echo "## Store counters during the PUT runs"
    echo
    printf '%s\n' "${METRICS_OUT[@]}"
} >"$RESULTS"
echo
echo "bench: wrote $RESULTS (raw wrk output in $OUT/wrk-*.txt)"
