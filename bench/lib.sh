# Shared by the bench/*.sh that load linli over HTTP: messages, the
# private binary copy, CPU accounting (is the machine quiet? who used the
# cores?), wrk runs with their medians, and starting the servers. The
# caller sets BENCH_NAME (message prefix and raw file names), ROOT, OUT,
# DURATION, ROUNDS, THREADS, CONNS, WRK_THREADS, QUIET_WAIT, MAX_OTHER,
# RETRIES and LINLI, then sources this file.
# shellcheck shell=bash

die() { echo "$BENCH_NAME: $*" >&2; exit 1; }
say() { echo "$BENCH_NAME: $*"; }
want() { [[ " $ONLY " == *" $1 "* ]]; }

mkdir -p "$OUT"
rm -f "$OUT"/"$BENCH_NAME"-*.txt
TMP=$(mktemp -d "${TMPDIR:-/tmp}/linli-$BENCH_NAME.XXXXXX")
PIDS=()

stop_pid() { # PID: TERM, up to 10 s, then KILL
    local pid=$1 i p keep=()
    for p in "${PIDS[@]}"; do [[ $p == "$pid" ]] || keep+=("$p"); done
    PIDS=("${keep[@]}")
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
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

# A private copy of the binary: a rebuild during the run cannot mix versions.
cp "$LINLI" "$TMP/linli"
LINLI_SUM=$(sha256sum "$LINLI" | cut -c1-12)
LINLI_DATE=$(date -u -r "$LINLI" +%Y-%m-%dT%H:%M:%SZ)
LINLI=$TMP/linli
REV=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git status --porcelain --untracked-files=no 2>/dev/null | grep -c . || true)

# ---------------------------------------------------------------- helpers
to_ms() { # "398.00us" | "2.45ms" | "1.02s" -> ms
    awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
        printf "%.3f", n }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
gt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 > b + 0) }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'; }
met() { if "$@"; then echo met; else echo "NOT MET"; fi; }
now_s() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1048576 }'; }

CLK_TCK=$(getconf CLK_TCK)
cpu_busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9; exit}' /proc/stat; }
proc_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
child_secs() { # VAR: user+sys of this shell's reaped children, in seconds
    times >"$TMP/times"
    printf -v "$1" '%s' "$(awk 'NR == 2 { t = 0
        for (i = 1; i <= 2; i++) { split($i, a, "m"); sub(/s$/, "", a[2]); t += a[1] * 60 + a[2] }
        printf "%.3f", t }' "$TMP/times")"
}
# cpu_begin PID (0: the measured process is a child of this shell) / cpu_end:
# sets MEAS WRKC OTHER, in cores.
cpu_begin() {
    CB_PID=$1; CB_SRV=0
    [[ $CB_PID != 0 ]] && CB_SRV=$(proc_ticks "$CB_PID")
    child_secs CB_KIDS; CB_BUSY=$(cpu_busy); CB_T=$(now_s)
    return 0
}
cpu_end() {
    local t busy kids srv=0
    t=$(now_s); busy=$(cpu_busy); child_secs kids
    [[ $CB_PID != 0 ]] && srv=$(proc_ticks "$CB_PID")
    read -r MEAS WRKC OTHER < <(awk -v t0="$CB_T" -v t1="$t" -v b0="$CB_BUSY" -v b1="$busy" \
        -v k0="$CB_KIDS" -v k1="$kids" -v s0="$CB_SRV" -v s1="$srv" -v hz="$CLK_TCK" 'BEGIN {
            e = t1 - t0; if (e <= 0) e = 1
            srv = (s1 - s0) / hz; kid = k1 - k0
            oth = (b1 - b0) / hz - srv - kid; if (oth < 0) oth = 0
            printf "%.2f %.2f %.2f\n", srv / e, kid / e, oth / e }')
    if [[ $CB_PID == 0 ]]; then MEAS=$WRKC; WRKC=0.00; fi
}
# wait_quiet: up to QUIET_WAIT s for < 0.25 cores busy over a second, twice
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
            ((said)) || say "waiting up to ${QUIET_WAIT}s for the machine to be quiet ($busy cores busy)"
            said=1
        fi
    done
    ((QUIET_WAIT == 0)) || say "WARNING: the machine is still busy ($busy cores); figures may be low (see 'other')"
}
# measure KEY PID CMD...: quiet machine, CPU accounting, repeated while disturbed
declare -A TRIES
measure() {
    local key=$1 pid=$2 try
    shift 2
    for ((try = 1; try <= RETRIES + 1; try++)); do
        wait_quiet
        cpu_begin "$pid"
        "$@"
        cpu_end
        TRIES[$key]=$try
        say "$key: CPU cores: measured $MEAS, wrk $WRKC, other $OTHER"
        gt "$OTHER" "$MAX_OTHER" || return 0
        ((try <= RETRIES)) && say "$key: disturbed by other work on the machine; again"
    done
    say "WARNING: $key stayed disturbed after $((RETRIES + 1)) attempts"
}

# perf_top DATA ARGS...: the first 50 lines of a flat perf report
perf_top() {
    local data=$1
    shift
    { perf report -i "$data" "$@" -g none --stdio 2>/dev/null || true; } | grep -E '^ +[0-9.]+%' | head -50 || true
}

# wrk runs, recorded per key; the report takes the median run by req/s
declare -A REC
KEYS=()
WRK_FILE=
RUN_CONNS=$CONNS # connections of the next wrk run
run_wrk() { # URL [LUA] [HEADER]
    local args=(-t"$WRK_THREADS" -c"$RUN_CONNS" -d"${DURATION}s" --latency)
    [[ -n ${2:-} ]] && args+=(-s "$2")
    [[ -n ${3:-} ]] && args+=(-H "$3")
    timeout $((DURATION + 60)) wrk "${args[@]}" "$1" >"$WRK_FILE" 2>&1 || {
        cat "$WRK_FILE" >&2; die "wrk failed"; }
}
wrk_run() { # KEY ROUND PID URL [LUA] [HEADER]
    local key=$1 round=$2 pid=$3 rps p50 p99 bad from=0 sp50=- sp99=-
    WRK_FILE="$OUT/$BENCH_NAME-wrk-$(tr -c 'A-Za-z0-9=.-' '_' <<<"$key" | sed 's/__*/_/g; s/_$//')-r$round.txt"
    say "wrk $key (round $round)"
    [[ $pid == "${LINLI_PID:-}" ]] && from=$(wc -l <"$LOG")
    measure "$key" "$pid" run_wrk "$4" "${5:-}" "${6:-}"
    if [[ $pid == "${LINLI_PID:-}" ]]; then
        # the server's own view from its access log: request start to response done
        read -r sp50 sp99 < <(tail -n +"$((from + 1))" "$LOG" |
            sed -n 's/.*"msg":"access".*"ms":\([0-9.]*\).*/\1/p' | sort -g |
            awk '{v[NR] = $1} END { if (NR) printf "%.3f %.3f\n", v[int(NR * 0.5 + 0.5)], v[int(NR * 0.99 + 0.5)]; else print "- -" }')
    fi
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$WRK_FILE")
    [[ -n $rps ]] || { cat "$WRK_FILE" >&2; die "could not parse wrk output for $key"; }
    p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$WRK_FILE")")
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$WRK_FILE")")
    bad=$(awk '/^ *Non-2xx or 3xx responses:/ {print $NF}' "$WRK_FILE")
    bad=${bad:-0}
    say "$key: $rps req/s, p50 $p50 ms, p99 $p99 ms, non-2xx $bad; server side p50 $sp50 ms, p99 $sp99 ms"
    [[ -n ${REC[$key]:-} ]] || KEYS+=("$key")
    REC[$key]+="$rps $p50 $p99 $bad $MEAS $WRKC $OTHER $sp50 $sp99 ${TRIES[$key]}"$'\n'
}
declare -A RPS P50 P99 BAD SCPU WCPU OCPU SP50 SP99 SPREAD
finalize() {
    local key n line
    for key in "${KEYS[@]}"; do
        n=$(printf '%s' "${REC[$key]}" | grep -c .)
        line=$(printf '%s' "${REC[$key]}" | grep . | sort -g -k1,1 | sed -n "$(((n + 1) / 2))p")
        read -r RPS["$key"] P50["$key"] P99["$key"] BAD["$key"] SCPU["$key"] WCPU["$key"] OCPU["$key"] \
            SP50["$key"] SP99["$key"] _ <<<"$line"
        SPREAD[$key]=$(printf '%s' "${REC[$key]}" | grep . | sort -g -k1,1 |
            awk 'NR == 1 {lo = $1} {hi = $1} END {printf "%.0f–%.0f", lo, hi}')
    done
}

# ---------------------------------------------------------------- machine
CPU=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
FS=$(df -PT "$OUT" | awk 'NR == 2 {print $2 " on " $1}')
MACHINE="nproc $(nproc), CPU ${CPU:-unknown}, kernel $(uname -r), SQLite $(pkg-config --modversion sqlite3), GEOS $(pkg-config --modversion geos), libmicrohttpd $(pkg-config --modversion libmicrohttpd), database on $FS"
SERVER="build/linli sha256 $LINLI_SUM… built $LINLI_DATE, HEAD $REV$( ((DIRTY > 0)) && echo " (+$DIRTY modified tracked files in the work tree)" || true)"
say "$MACHINE"
say "server $SERVER"

start_linli() { # sets LINLI_PID PORT LOG
    local i
    LOG=$TMP/serve.log
    "$LINLI" serve --db "$URL" --listen 127.0.0.1:0 --web "$ROOT/web/dist" --threads "$THREADS" \
        >/dev/null 2>"$LOG" &
    LINLI_PID=$!
    PIDS+=("$LINLI_PID")
    PORT=
    for ((i = 0; i < 1800; i++)); do
        PORT=$(grep -m1 '"msg":"listening"' "$LOG" 2>/dev/null |
            sed -n 's/.*"listen":"127\.0\.0\.1:\([0-9]*\)".*/\1/p' || true)
        [[ -n $PORT ]] && break
        kill -0 "$LINLI_PID" 2>/dev/null || { cat "$LOG" >&2; die "linli exited before listening"; }
        sleep 0.1
    done
    [[ -n $PORT ]] || { tail "$LOG" >&2; die "linli did not listen within 180 s"; }
}
start_fixed200() { # sets F_PID F_PORT
    local out=$TMP/fixed200.out i
    : >"$out"
    "$OUT/fixed200" 0 "$THREADS" >"$out" 2>&1 &
    F_PID=$!
    PIDS+=("$F_PID")
    F_PORT=
    for ((i = 0; i < 50; i++)); do
        F_PORT=$(sed -n 's/^listening 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out")
        [[ -n $F_PORT ]] && break
        sleep 0.1
    done
    [[ -n $F_PORT ]] || die "fixed200 did not start"
}
