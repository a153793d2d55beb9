#!/usr/bin/env bash
# linli requests benchmark (接诉即办) on the city data with a request
# history: loopback only, every run bounded in time, every figure beside a
# baseline measured in the same run.
#
#   1. the history: a copy of the registers' city (bench/registers.sh makes
#      it) with `linli gen --requests N --days D`: 5,000 requests driven
#      through the real lifecycle, the rest clones of them on every grid
#      (src/demo/request_clones.h); then `linli rollup-verify` on it. Cached
#      in build/bench/requests-N-KEY/ (KEY: the generator's sources, N, D).
#   2. HTTP, with an API key of a district_staff account (scope *):
#      POST /api/v1/requests (intake: the request, its event, roll-ups for
#      every ancestor and the audit row, durable before the answer), GET
#      /api/v1/requests/{id} (random ids), GET /api/v1/figures for the
#      district with most requests (last 30 and 365 days), and the
#      workbench (GET /api/v1/requests?queue=mine|to_dispatch&limit=20) as a
#      street_staff account of the street with most requests; baselines:
#      GET /api/v1/health (the HTTP floor) and PUT /api/v1/calendar/{date}
#      (the smallest durable write through the same writer)
#   3. the peer: Request Tracker 5 (Debian's request-tracker5, rt-server
#      stand-alone, SQLite; bench/rt5.sh), ticket creation and ticket fetch
#      through its REST 2.0 API, with the same wrk settings
# Targets (issue "requests"): intake >= 2,000 requests/s, request page p99
# < 10 ms, workbench list p99 < 20 ms, district dashboard p99 < 10 ms.
#
# Intake adds requests to the cached history (about 2,000 × duration ×
# rounds a run); the report gives the count before and after.
#
# Environment (besides lib.sh's BENCH_DURATION, BENCH_ROUNDS, BENCH_THREADS,
# BENCH_CONNECTIONS, BENCH_WRK_THREADS, BENCH_QUIET_WAIT, BENCH_MAX_OTHER,
# BENCH_RETRIES, LINLI_BIN):
#   BENCH_CITY_DB       the registers' city (default: the newest complete
#                       build/bench/city-*/city.db); its .key beside it
#   BENCH_REQUESTS      requests in the history (default 1000000)
#   BENCH_REQUEST_DAYS  days the history spans, ending today (default 180)
#   BENCH_RT_CONNECTIONS connections for Request Tracker (default 8: its
#                       stand-alone server has a few workers, and more
#                       connections only queue)
#   BENCH_ONLY          a subset of: gen http rt (default all)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
DURATION=${BENCH_DURATION:-10}
ROUNDS=${BENCH_ROUNDS:-3}
THREADS=${BENCH_THREADS:-16}
CONNS=${BENCH_CONNECTIONS:-64}
WRK_THREADS=${BENCH_WRK_THREADS:-2}
QUIET_WAIT=${BENCH_QUIET_WAIT:-180}
MAX_OTHER=${BENCH_MAX_OTHER:-0.10}
RETRIES=${BENCH_RETRIES:-3}
LINLI=${LINLI_BIN:-$ROOT/build/linli}
NREQ=${BENCH_REQUESTS:-1000000}
DAYS=${BENCH_REQUEST_DAYS:-180}
RT_CONNS=${BENCH_RT_CONNECTIONS:-8}
ONLY=${BENCH_ONLY:-gen http rt}
OUT=$ROOT/build/bench
RESULTS=$OUT/requests.md
PASSWORD='Desk#Bench2026x' # of the throwaway accounts in the throwaway copy
# targets
T_INTAKE=2000
T_PAGE_P99=10
T_WORKBENCH_P99=20
T_DASHBOARD_P99=10

BENCH_NAME=requests
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

for c in wrk curl sqlite3 cc; do
    command -v "$c" >/dev/null 2>&1 || die "$c is missing (Debian: wrk, curl, sqlite3, gcc)"
done
for v in DURATION ROUNDS THREADS CONNS RT_CONNS WRK_THREADS NREQ DAYS QUIET_WAIT RETRIES; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number (got ${!v})"
done
((DURATION >= 1 && ROUNDS >= 1 && NREQ >= 1 && DAYS >= 1)) || die "BENCH_DURATION, BENCH_ROUNDS, BENCH_REQUESTS, BENCH_REQUEST_DAYS >= 1"

# ---------------------------------------------------------------- fixed200 (lib.sh said the machine)
PKG_MHD=libmicrohttpd
# shellcheck disable=SC2046
cc -O2 -std=c11 -Wall -Wextra $(pkg-config --cflags $PKG_MHD) -o "$OUT/fixed200" bench/fixed200.c \
    $(pkg-config --libs $PKG_MHD) -pthread

# ---------------------------------------------------------------- 1. the history
if [[ -n ${BENCH_CITY_DB:-} ]]; then
    CITY_DB=$(readlink -f "$BENCH_CITY_DB")
else
    CITY_DB=$(ls -td "$OUT"/city-*/ 2>/dev/null | while read -r d; do [[ -f $d/ok ]] && { echo "${d%/}/city.db"; break; }; done || true)
fi
[[ -n $CITY_DB && -f $CITY_DB && -f $CITY_DB.key ]] ||
    die "no city: run bench/registers.sh first (BENCH_ONLY=gen) or set BENCH_CITY_DB (with its .key beside it)"
KEY=$(cat src/demo/requests.c src/demo/request_clones.c src/demo/categories.c data/categories/* <(echo "$NREQ $DAYS $CITY_DB") 2>/dev/null |
    sha256sum | cut -c1-12)
DIR=$OUT/requests-$NREQ-$KEY
DB=$DIR/city.db
URL="sqlite:$DB"
INFO=$DIR/history.info
info() { awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "$INFO"; }
if [[ ! -f $DIR/ok ]]; then
    want gen || die "no cached history for key $KEY: run with gen in BENCH_ONLY"
    # one history at a time on the disk
    for d in "$OUT"/requests-*/; do [[ -d $d && ${d%/} != "$DIR" ]] && { say "removing stale $d"; rm -rf "$d"; }; done
    rm -rf "$DIR"
    mkdir -p "$DIR"
    say "copying the city $CITY_DB ($(mb "$(stat -c %s "$CITY_DB")") MB) into $DIR"
    sqlite3 "$CITY_DB" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
    cp "$CITY_DB" "$DB"
    cp "$CITY_DB.key" "$DB.key"
    "$LINLI" migrate --db "$URL" >"$DIR/migrate.log" 2>&1 || { cat "$DIR/migrate.log" >&2; die "linli migrate failed"; }
    say "generating about $NREQ requests over $DAYS days (linli gen --requests)"
    wait_quiet
    cpu_begin 0
    t0=$(now_s)
    timeout 21600 "$LINLI" gen --requests "$NREQ" --days "$DAYS" --db "$URL" >"$DIR/gen.log" 2>&1 || {
        tail -20 "$DIR/gen.log" >&2; die "linli gen --requests failed"; }
    t1=$(now_s)
    cpu_end
    GEN_S=$(secs "$t0" "$t1")
    GEN_OTHER=$OTHER
    say "$(tail -1 "$DIR/gen.log")"
    say "rollup-verify on the history"
    t0=$(now_s)
    "$LINLI" rollup-verify --db "$URL" >"$DIR/verify.log" 2>&1 || {
        tail -20 "$DIR/verify.log" >&2; die "rollup-verify found differences"; }
    VERIFY_S=$(secs "$t0" "$(now_s)")
    sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
    # the accounts: the desk (district_staff, every area) and the street's office
    read -r sid scode sname sreq < <(sqlite3 -separator ' ' "$DB" \
        "SELECT a.id, a.code, a.name, COUNT(*) AS n FROM request r JOIN area a ON a.level = 'street'
           AND a.code = substr(r.area_code, 1, 9) GROUP BY a.id ORDER BY n DESC LIMIT 1")
    read -r did dcode dname dreq < <(sqlite3 -separator ' ' "$DB" \
        "SELECT a.id, a.code, a.name, COUNT(*) AS n FROM request r JOIN area a ON a.level = 'district'
           AND a.code = substr(r.area_code, 1, 6) GROUP BY a.id ORDER BY n DESC LIMIT 1")
    printf '%s\n' "$PASSWORD" | "$LINLI" user add benchdesk --name 压测接线 --role district_staff --scope '*' \
        --password-stdin --db "$URL" >"$DIR/user.log" 2>&1 || { cat "$DIR/user.log" >&2; die "user add failed"; }
    printf '%s\n' "$PASSWORD" | "$LINLI" user add benchstreet --name 压测街道 --role street_staff --scope "$scode" \
        --password-stdin --db "$URL" >>"$DIR/user.log" 2>&1 || { cat "$DIR/user.log" >&2; die "user add failed"; }
    "$LINLI" apikey add benchdesk --user benchdesk --db "$URL" 2>>"$DIR/user.log" | tail -n 1 >"$DIR/apikey.desk"
    "$LINLI" apikey add benchstreet --user benchstreet --db "$URL" 2>>"$DIR/user.log" | tail -n 1 >"$DIR/apikey.street"
    chmod 600 "$DIR"/apikey.*
    [[ -s $DIR/apikey.desk && -s $DIR/apikey.street ]] || { cat "$DIR/user.log" >&2; die "apikey add failed"; }
    {
        echo "key $KEY"
        echo "city $CITY_DB"
        echo "generated $(date -u +%Y-%m-%dT%H:%M:%SZ) by build/linli sha256 $LINLI_SUM, HEAD $REV"
        echo "gen_seconds $GEN_S"
        echo "gen_cpu_cores $MEAS"
        echo "gen_other_cores $GEN_OTHER"
        echo "gen_summary $(tail -1 "$DIR/gen.log")"
        echo "verify_seconds $VERIFY_S"
        echo "verify_summary $(tail -1 "$DIR/verify.log")"
        echo "street $sid $scode $sreq $sname"
        echo "district $did $dcode $dreq $dname"
        echo "events $(sqlite3 "$DB" "SELECT COUNT(*) FROM request_event")"
        echo "rollup_rows $(sqlite3 "$DB" "SELECT (SELECT COUNT(*) FROM request_rollup) + (SELECT COUNT(*) FROM request_unit_rollup)")"
        echo "db_bytes $(($(stat -c %s "$DB") + $(stat -c %s "$DB-wal" 2>/dev/null || echo 0)))"
    } >"$INFO"
    touch "$DIR/ok"
    CACHED=no
else
    CACHED=yes
    say "the history: reusing $DB"
fi
# A city generated before the requests' capabilities existed holds the
# built-in roles as they were then (an upgrade keeps a deployment's roles as
# its administrators left them): give the two the benchmark's accounts use
# today's request and figure capabilities, in this throwaway copy only.
for rc in "district_staff:request.read request.intake request.dispatch request.handle request.verify request.approve request.supervise request.followup figure.read" \
    "street_staff:request.read request.intake request.dispatch request.handle request.verify request.approve request.supervise figure.read"; do
    for cap in ${rc#*:}; do
        sqlite3 "$DB" "INSERT OR IGNORE INTO role_capability (role_id, capability) VALUES ('${rc%%:*}', '$cap')"
    done
done
read -r STREET_ID STREET_CODE STREET_REQ STREET_NAME <<<"$(info street)"
read -r DISTRICT_ID DISTRICT_CODE DISTRICT_REQ DISTRICT_NAME <<<"$(info district)"
say "history: $(info gen_summary); $(info gen_seconds) s to generate (cached: $CACHED); $(info verify_summary) in $(info verify_seconds) s"
say "street $STREET_CODE $STREET_NAME (id $STREET_ID, $STREET_REQ requests); district $DISTRICT_CODE $DISTRICT_NAME (id $DISTRICT_ID, $DISTRICT_REQ requests)"
DESK="Bearer $(cat "$DIR/apikey.desk")"
STREET_KEY="Bearer $(cat "$DIR/apikey.street")"

# ---------------------------------------------------------------- 2. HTTP
TODAY=$(date -u +%F)
D30=$(date -u -d '-29 days' +%F)
D365=$(date -u -d '-364 days' +%F)
K_FIXED="fixed200 GET"
K_HEALTH="GET /api/v1/health"
K_CAL="PUT /api/v1/calendar/{date} (durable write floor)"
K_INTAKE="POST /api/v1/requests (intake)"
K_PAGE="GET /api/v1/requests/{id}"
K_MINE="GET /api/v1/requests?queue=mine&limit=20 (street workbench)"
K_DISPATCH="GET /api/v1/requests?queue=to_dispatch&limit=20 (street workbench)"
K_DASH30="GET /api/v1/figures?area=DISTRICT, 30 days"
K_DASH365="GET /api/v1/figures?area=DISTRICT, 365 days"
K_RT_CREATE="RT5 POST /REST/2.0/ticket"
K_RT_FETCH="RT5 GET /REST/2.0/ticket/{id}"
REQ_BEFORE=$(sqlite3 "$DB" "SELECT COUNT(*) FROM request")
if want http; then
    # the lines each run replays (bench/replay.lua)
    sqlite3 -separator ' ' "$DB" "SELECT id FROM request ORDER BY random() LIMIT 20000" |
        awk '{printf "GET\t/api/v1/requests/%s\n", $1}' >"$TMP/page.lines"
    sqlite3 -separator ' ' "$DB" "SELECT a.id, a.name FROM area a WHERE a.level = 'grid' AND a.valid_to IS NULL ORDER BY random() LIMIT 5000" >"$TMP/grids"
    sqlite3 -separator ' ' "$DB" "SELECT c.id, c.name FROM category c WHERE c.active = 1 AND c.kind = 'event'
        AND NOT EXISTS (SELECT 1 FROM category k WHERE k.parent_id = c.id)" >"$TMP/cats"
    [[ -s $TMP/grids && -s $TMP/cats ]] || die "the history has no grids or no categories"
    awk -v seed=7 'BEGIN { srand(seed) }
        FNR == NR { cid[++nc] = $1; cname[nc] = $2; next }
        { gid[++ng] = $1; gname[ng] = $2 }
        END { split("hotline web grid_report one_tap walk_in", src, " ")
              for (i = 1; i <= 20000; i++) {
                  c = int(rand() * nc) + 1; g = int(rand() * ng) + 1
                  printf "POST\t/api/v1/requests\t{\"source\":\"%s\",\"kind\":\"complaint\",\"category_id\":%d,\"title\":\"%s%s\",\"description\":\"压测：%s附近%s问题，请尽快处理。\",\"area_id\":%d,\"reporter_name\":\"压测\",\"reporter_phone\":\"139%08d\"}\n",
                      src[i % 5 + 1], cid[c], gname[g], cname[c], gname[g], cname[c], gid[g], i }
        }' "$TMP/cats" "$TMP/grids" >"$TMP/intake.lines"
    printf 'GET\t/api/v1/requests?queue=mine&limit=20\n' >"$TMP/mine.lines"
    printf 'GET\t/api/v1/requests?queue=to_dispatch&limit=20\n' >"$TMP/dispatch.lines"
    printf 'GET\t/api/v1/figures?area=%s&from=%s&to=%s\n' "$DISTRICT_ID" "$D30" "$TODAY" >"$TMP/dash30.lines"
    printf 'GET\t/api/v1/figures?area=%s&from=%s&to=%s\n' "$DISTRICT_ID" "$D365" "$TODAY" >"$TMP/dash365.lines"

    say "serving the history with --threads $THREADS"
    t0=$(now_s)
    start_linli
    SERVE_START_S=$(secs "$t0" "$(now_s)")
    say "linli pid $LINLI_PID on 127.0.0.1:$PORT after $SERVE_START_S s"
    start_fixed200
    B="http://127.0.0.1:$PORT"
    # sanity: one of each, and what the answers look like
    check() { # LINES AUTH
        local m p b code
        IFS=$'\t' read -r m p b <"$1"
        code=$(curl -s -o "$TMP/answer" -w '%{http_code}' -X "$m" -H "Authorization: $2" \
            ${b:+-H 'Content-Type: application/json' --data "$b"} "$B$p" || true)
        say "$m $p -> $code, $(wc -c <"$TMP/answer") bytes: $(head -c 200 "$TMP/answer")"
        [[ $code == 2* ]] || say "WARNING: not 2xx; the figures of this route are not valid"
    }
    check "$TMP/page.lines" "$DESK"
    check "$TMP/intake.lines" "$DESK"
    check "$TMP/mine.lines" "$STREET_KEY"
    check "$TMP/dispatch.lines" "$STREET_KEY"
    check "$TMP/dash30.lines" "$DESK"
    check "$TMP/dash365.lines" "$DESK"
    printf 'PUT\t/api/v1/calendar/2100-01-04\t{"kind":"holiday","name":"bench"}\n' >"$TMP/cal.lines"
    check "$TMP/cal.lines" "$DESK"
    replay() { # KEY ROUND LINES AUTH
        BENCH_LINES=$3 BENCH_AUTH=$4 wrk_run "$1" "$2" "$LINLI_PID" "$B" "$ROOT/bench/replay.lua"
    }
    for ((round = 1; round <= ROUNDS; round++)); do
        say "---- HTTP round $round of $ROUNDS"
        wrk_run "$K_FIXED" "$round" "$F_PID" "http://127.0.0.1:$F_PORT/api/v1/health"
        wrk_run "$K_HEALTH" "$round" "$LINLI_PID" "$B/api/v1/health"
        BENCH_AUTH=$DESK wrk_run "$K_CAL" "$round" "$LINLI_PID" "$B" "$ROOT/bench/put_calendar.lua"
        replay "$K_INTAKE" "$round" "$TMP/intake.lines" "$DESK"
        replay "$K_PAGE" "$round" "$TMP/page.lines" "$DESK"
        replay "$K_MINE" "$round" "$TMP/mine.lines" "$STREET_KEY"
        replay "$K_DISPATCH" "$round" "$TMP/dispatch.lines" "$STREET_KEY"
        replay "$K_DASH30" "$round" "$TMP/dash30.lines" "$DESK"
        replay "$K_DASH365" "$round" "$TMP/dash365.lines" "$DESK"
    done
    stop_pid "$LINLI_PID"
    stop_pid "$F_PID"
    grep -v '"msg":"access"' "$LOG" | tail -n 20 >"$OUT/requests-serve.txt" || true
    rm -f "$LOG"
fi
REQ_AFTER=$(sqlite3 "$DB" "SELECT COUNT(*) FROM request")

# ---------------------------------------------------------------- 3. Request Tracker 5
if want rt; then
    # shellcheck source=bench/rt5.sh
    . "$ROOT/bench/rt5.sh"
    rt5_install
    rt5_start "$OUT/rt5" # sets RT_PID RT_PORT RT_AUTH
    RB="http://127.0.0.1:$RT_PORT"
    awk 'BEGIN { for (i = 1; i <= 20000; i++)
        printf "POST\t/REST/2.0/ticket\t{\"Queue\":\"General\",\"Subject\":\"压测工单 %d\",\"Content\":\"压测：小区门口垃圾堆放，请尽快处理。\",\"Requestor\":\"bench%d@bench.invalid\"}\n", i, i % 500 }' \
        >"$TMP/rt-create.lines"
    RUN_CONNS=$RT_CONNS
    code=$(curl -s -o "$TMP/answer" -w '%{http_code}' -H "Authorization: $RT_AUTH" -H 'Content-Type: application/json' \
        --data "$(head -1 "$TMP/rt-create.lines" | cut -f3)" "$RB/REST/2.0/ticket" || true)
    say "RT5 POST /REST/2.0/ticket -> $code: $(head -c 200 "$TMP/answer")"
    [[ $code == 201 ]] || die "Request Tracker did not create a ticket"
    for ((round = 1; round <= ROUNDS; round++)); do
        say "---- Request Tracker round $round of $ROUNDS"
        BENCH_LINES=$TMP/rt-create.lines BENCH_AUTH=$RT_AUTH wrk_run "$K_RT_CREATE" "$round" "$RT_PID" "$RB" "$ROOT/bench/replay.lua"
        top=$(curl -s -H "Authorization: $RT_AUTH" "$RB/REST/2.0/tickets?query=id>0&orderby=id&order=DESC&per_page=1" |
            sed -n 's/.*"id" *: *"\{0,1\}\([0-9]*\).*/\1/p' | head -1)
        [[ -n $top ]] || die "could not read Request Tracker's newest ticket id"
        awk -v n="$top" 'BEGIN { srand(11); for (i = 0; i < 20000; i++) printf "GET\t/REST/2.0/ticket/%d\n", int(rand() * n) + 1 }' \
            >"$TMP/rt-fetch.lines"
        BENCH_LINES=$TMP/rt-fetch.lines BENCH_AUTH=$RT_AUTH wrk_run "$K_RT_FETCH" "$round" "$RT_PID" "$RB" "$ROOT/bench/replay.lua"
        # the same two on linli at the same connections: like for like
        if want http; then
            start_linli
            B="http://127.0.0.1:$PORT"
            BENCH_LINES=$TMP/intake.lines BENCH_AUTH=$DESK wrk_run "$K_INTAKE, $RT_CONNS connections" "$round" "$LINLI_PID" "$B" "$ROOT/bench/replay.lua"
            BENCH_LINES=$TMP/page.lines BENCH_AUTH=$DESK wrk_run "$K_PAGE, $RT_CONNS connections" "$round" "$LINLI_PID" "$B" "$ROOT/bench/replay.lua"
            stop_pid "$LINLI_PID"
        fi
    done
    RUN_CONNS=$CONNS
    rt5_stop
    REQ_AFTER=$(sqlite3 "$DB" "SELECT COUNT(*) FROM request")
fi
finalize

# ---------------------------------------------------------------- report
row() { # KEY
    [[ -n ${RPS[$1]:-} ]] || return 0
    printf '| %s | %.0f | %s | %.3f | %.3f | %s / %s | %s | %s | %s | %s |\n' "$1" "${RPS[$1]}" "${SPREAD[$1]}" \
        "${P50[$1]}" "${P99[$1]}" "${SP50[$1]}" "${SP99[$1]}" "${BAD[$1]}" "${SCPU[$1]}" "${WCPU[$1]}" "${OCPU[$1]}"
}
{
    echo "# Requests benchmark on the city with a request history"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) · $MACHINE"
    echo
    echo "Server: $SERVER"
    echo
    echo "## The history"
    echo
    echo "- on the city $(info city)"
    echo "- \`linli gen --requests $NREQ --days $DAYS\`: $(info gen_summary)"
    echo "- generation: $(info gen_seconds) s wall, $(info gen_cpu_cores) cores (other work: $(info gen_other_cores) cores; cached this run: $CACHED; $(info generated))"
    echo "- \`linli rollup-verify\`: $(info verify_summary), $(info verify_seconds) s"
    echo "- $(info events) events, $(info rollup_rows) roll-up rows, $(mb "$(info db_bytes)") MB (database + WAL after generation)"
    echo "- requests at the start of this run: $REQ_BEFORE; at its end: $REQ_AFTER (intake adds to the history)"
    echo "- the street: $STREET_CODE $STREET_NAME (id $STREET_ID), $STREET_REQ requests; the district: $DISTRICT_CODE $DISTRICT_NAME (id $DISTRICT_ID), $DISTRICT_REQ requests"
    echo
    echo "## HTTP (wrk -t$WRK_THREADS, ${DURATION} s a run, linli --threads $THREADS; median of $ROUNDS interleaved rounds)"
    echo
    echo "| run | req/s | range | p50 ms | p99 ms | server-side p50 / p99 ms | non-2xx | server cores | wrk cores | other cores |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for k in "$K_FIXED" "$K_HEALTH" "$K_CAL" "$K_INTAKE" "$K_PAGE" "$K_MINE" "$K_DISPATCH" "$K_DASH30" "$K_DASH365" \
        "$K_RT_CREATE" "$K_INTAKE, $RT_CONNS connections" "$K_RT_FETCH" "$K_PAGE, $RT_CONNS connections"; do
        row "$k"
    done
    echo
    echo "linli runs at $CONNS connections unless the row says otherwise; Request Tracker at $RT_CONNS."
    echo
    echo "| ratio | value | target | |"
    echo "|---|---:|---:|---|"
    if [[ -n ${RPS[$K_INTAKE]:-} ]]; then
        echo "| intake req/s | $(printf '%.0f' "${RPS[$K_INTAKE]}") | ≥ $T_INTAKE | $(met gt "${RPS[$K_INTAKE]}" "$((T_INTAKE - 1))") |"
        echo "| intake ÷ calendar PUT (req/s) | $(ratio "${RPS[$K_INTAKE]}" "${RPS[$K_CAL]}") | | |"
        echo "| request page p99 ms | ${P99[$K_PAGE]} | < $T_PAGE_P99 | $(met lt "${P99[$K_PAGE]}" "$T_PAGE_P99") |"
        echo "| request page ÷ health (req/s) | $(ratio "${RPS[$K_PAGE]}" "${RPS[$K_HEALTH]}") | | |"
        for k in "$K_MINE" "$K_DISPATCH"; do
            echo "| ${k#GET } p99 ms | ${P99[$k]} | < $T_WORKBENCH_P99 | $(met lt "${P99[$k]}" "$T_WORKBENCH_P99") |"
        done
        for k in "$K_DASH30" "$K_DASH365"; do
            echo "| ${k#GET } p99 ms | ${P99[$k]} | < $T_DASHBOARD_P99 | $(met lt "${P99[$k]}" "$T_DASHBOARD_P99") |"
        done
    fi
    if [[ -n ${RPS[$K_RT_CREATE]:-} && -n ${RPS["$K_INTAKE, $RT_CONNS connections"]:-} ]]; then
        echo "| linli intake ÷ RT5 ticket create (req/s, $RT_CONNS connections) | $(ratio "${RPS["$K_INTAKE, $RT_CONNS connections"]}" "${RPS[$K_RT_CREATE]}") | | |"
        echo "| linli request page ÷ RT5 ticket fetch (req/s, $RT_CONNS connections) | $(ratio "${RPS["$K_PAGE, $RT_CONNS connections"]}" "${RPS[$K_RT_FETCH]}") | | |"
        echo "| RT5 ticket fetch p99 ÷ linli request page p99 ($RT_CONNS connections) | $(ratio "${P99[$K_RT_FETCH]}" "${P99["$K_PAGE, $RT_CONNS connections"]}") | | |"
    fi
} >"$RESULTS"
echo
cat "$RESULTS"
echo
say "wrote $RESULTS (raw output in $OUT/requests-*.txt)"
