#!/usr/bin/env bash
# linli registers benchmark, on the city data: loopback only, every run
# bounded in time, every figure beside a baseline measured in the same run.
#
#   1. the city: `linli gen --scale city` into build/bench/city-KEY/ (KEY:
#      a hash of the generator's sources, the migrations and the gen
#      arguments, so a new commit elsewhere reuses it and a change to the
#      generator makes a new one); generation time, rows per table and MB
#   2. locate in-process (bench/locate.c, linked against build/obj): index
#      build time and grid count, >= 1,000,000 grid_index_locate calls at
#      random points inside grids and of the bounding box, each call timed
#      alone; baseline: a linear scan of the prepared polygons
#   3. GET /api/v1/areas/locate over HTTP (wrk, random points inside grids);
#      baseline: fixed200 with the same threads, the HTTP-library ceiling
#   4. GET /api/v1/people?area=STREET&limit=20 (the street with most people)
#      and the same for its district; baselines: GET /api/v1/health (the
#      HTTP floor) and GET /api/v1/session with the same API key (HTTP +
#      API-key authentication, no data); the street's page and health again
#      at BENCH_LIGHT_CONNECTIONS (latency without a queue)
#   5. `linli import people` of 1,000,000 new people (bench/people_csv.awk,
#      for the city's entrances) on a copy of the city database; baseline:
#      sqlite3 `.import` of the same file into a bare table
# Targets (issue "registers"): locate median < 20 µs in-process, >= 20,000
# locate/s over HTTP, people first page p99 < 20 ms, import < 60 s.
#
# Every HTTP run is repeated BENCH_ROUNDS times, interleaved, and reported by
# its median run; a run disturbed by other work on the machine (more than
# BENCH_MAX_OTHER cores used by neither the measured process nor wrk) is
# repeated. Results go to build/bench/registers.md, raw output to
# build/bench/registers-*.txt.
#
# Environment (besides run.sh's BENCH_DURATION, BENCH_ROUNDS, BENCH_THREADS,
# BENCH_CONNECTIONS, BENCH_WRK_THREADS, BENCH_QUIET_WAIT, BENCH_MAX_OTHER,
# BENCH_RETRIES, LINLI_BIN; one value each here):
#   BENCH_CITY_ARGS     gen arguments (default "--scale city")
#   BENCH_CITY_DB       use this SQLite file instead of generating (a copy of
#                       its key file must sit beside it as FILE.key)
#   BENCH_LOCATES       in-process locate calls per kind (default 1000000)
#   BENCH_IMPORT_PEOPLE people in the import file (default 1000000)
#   BENCH_IMPORT_ROUNDS imports (each on a fresh copy of the city; default 1)
#   BENCH_PROFILE_IMPORT=1  also run one import under `perf record -g` and
#                       print where its time goes (build/bench/registers-import-perf.txt)
#   BENCH_LIGHT_CONNECTIONS  connections of the light-load runs of health and
#                       the street's page (default 8)
#   BENCH_PROFILE_HTTP=1  after the rounds, perf record -g the server under
#                       locate, session and the street's page (diagnostic;
#                       build/bench/registers-perf-*.txt)
#   BENCH_ONLY          a subset of: gen locate http people import (default all)
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
CITY_ARGS=${BENCH_CITY_ARGS:---scale city}
LOCATES=${BENCH_LOCATES:-1000000}
IMPORT_PEOPLE=${BENCH_IMPORT_PEOPLE:-1000000}
IMPORT_ROUNDS=${BENCH_IMPORT_ROUNDS:-1}
ONLY=${BENCH_ONLY:-gen locate http people import}
LIGHT=${BENCH_LIGHT_CONNECTIONS:-8}
OUT=$ROOT/build/bench
RESULTS=$OUT/registers.md
PASSWORD='Read#Bench2026x' # of the throwaway reader in the throwaway city
# targets
T_LOCATE_US=20
T_LOCATE_RPS=20000
T_PEOPLE_P99=20
T_IMPORT_S=60

BENCH_NAME=registers
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

for c in wrk curl sqlite3 pkg-config cc; do
    command -v "$c" >/dev/null 2>&1 || die "$c is missing (Debian: wrk, curl, sqlite3, pkg-config, gcc)"
done
[[ -x $LINLI ]] || die "$LINLI not found: run make first"
for v in DURATION ROUNDS THREADS CONNS LIGHT WRK_THREADS LOCATES IMPORT_PEOPLE IMPORT_ROUNDS QUIET_WAIT RETRIES; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number (got ${!v})"
done
((DURATION >= 1 && ROUNDS >= 1 && LOCATES >= 1000)) || die "BENCH_DURATION, BENCH_ROUNDS >= 1, BENCH_LOCATES >= 1000"

# ---------------------------------------------------------------- build
PKGS="libmicrohttpd jansson sqlite3 libpq libsodium geos xlsxwriter libcurl"
say "compiling bench/locate.c and bench/fixed200.c into build/bench/"
[[ -f build/obj/gen/embedded.o ]] || die "build/obj is missing: run make first"
mapfile -t OBJS < <(find build/obj/src -name '*.o' ! -path build/obj/src/main.o | sort)
rm -f "$TMP/liblinli.a"
ar rcs "$TMP/liblinli.a" "${OBJS[@]}" build/obj/gen/embedded.o
# shellcheck disable=SC2046,SC2086
cc -O2 -g -std=c11 -D_DEFAULT_SOURCE -pthread -Isrc -Ibuild/gen -Wall -Wextra -Wno-unused-parameter \
    $(pkg-config --cflags $PKGS) -o "$OUT/locate" bench/locate.c "$TMP/liblinli.a" $(pkg-config --libs $PKGS) -lm
# shellcheck disable=SC2046
cc -O2 -std=c11 -Wall -Wextra $(pkg-config --cflags libmicrohttpd) -o "$OUT/fixed200" bench/fixed200.c \
    $(pkg-config --libs libmicrohttpd) -pthread

# ---------------------------------------------------------------- 1. the city
KEY=$(cat src/demo/*.c src/demo/*.h src/store/migrations/sqlite/*.sql <(echo "$CITY_ARGS") 2>/dev/null |
    sha256sum | cut -c1-12)
if [[ -n ${BENCH_CITY_DB:-} ]]; then
    CITY_DB=$(readlink -f "$BENCH_CITY_DB")
    CITY_DIR=$(dirname "$CITY_DB")
    [[ -f $CITY_DB && -f $CITY_DB.key ]] || die "BENCH_CITY_DB: $CITY_DB or its .key is missing"
    INFO=$TMP/city.info
    echo "source BENCH_CITY_DB=$CITY_DB" >"$INFO"
else
    CITY_DIR=$OUT/city-$KEY
    CITY_DB=$CITY_DIR/city.db
    INFO=$CITY_DIR/city.info
fi
URL="sqlite:$CITY_DB"
if [[ -z ${BENCH_CITY_DB:-} && ! -f $CITY_DIR/ok ]]; then
    want gen || die "no cached city for key $KEY: run with gen in BENCH_ONLY"
    # one city at a time on the disk: drop caches of other generator versions
    for d in "$OUT"/city-*; do [[ -d $d && $d != "$CITY_DIR" ]] && { say "removing stale $d"; rm -rf "$d"; }; done
    rm -rf "$CITY_DIR"
    mkdir -p "$CITY_DIR"
    say "generating the city ($CITY_ARGS) into $CITY_DIR (key $KEY)"
    wait_quiet
    cpu_begin 0
    t0=$(now_s)
    # shellcheck disable=SC2086
    timeout 7200 "$LINLI" gen $CITY_ARGS --db "$URL" >"$CITY_DIR/gen.log" 2>&1 || {
        tail -20 "$CITY_DIR/gen.log" >&2; die "linli gen failed"; }
    t1=$(now_s)
    cpu_end
    GEN_S=$(secs "$t0" "$t1")
    sqlite3 "$CITY_DB" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
    # the reader every HTTP run uses: district_staff (area.read, person.read), all areas
    printf '%s\n' "$PASSWORD" | "$LINLI" user add benchreader --name 压测 --role district_staff --scope '*' \
        --password-stdin --db "$URL" >"$CITY_DIR/user.log" 2>&1 || { cat "$CITY_DIR/user.log" >&2; die "user add failed"; }
    "$LINLI" apikey add bench --user benchreader --db "$URL" 2>"$CITY_DIR/key.log" | tail -n 1 >"$CITY_DIR/apikey"
    chmod 600 "$CITY_DIR/apikey"
    [[ -s $CITY_DIR/apikey ]] || { cat "$CITY_DIR/key.log" >&2; die "apikey add failed"; }
    {
        echo "key $KEY"
        echo "args $CITY_ARGS"
        echo "generated $(date -u +%Y-%m-%dT%H:%M:%SZ) by build/linli sha256 $LINLI_SUM, HEAD $REV"
        echo "gen_seconds $GEN_S"
        echo "gen_cpu_cores $MEAS"
        echo "gen_other_cores $OTHER"
        echo "gen_summary $(grep -m1 '^generated:' "$CITY_DIR/gen.log" || true)"
    } >"$INFO"
    touch "$CITY_DIR/ok"
    CACHED=no
else
    CACHED=yes
    say "the city: reusing $CITY_DB"
fi
# a reader and its key for a given BENCH_CITY_DB
if [[ -n ${BENCH_CITY_DB:-} ]]; then
    if [[ ! -s $CITY_DIR/apikey ]]; then
        printf '%s\n' "$PASSWORD" | "$LINLI" user add benchreader --name 压测 --role district_staff --scope '*' \
            --password-stdin --db "$URL" >/dev/null 2>&1 || true
        "$LINLI" apikey add "bench$RANDOM" --user benchreader --db "$URL" | tail -n 1 >"$CITY_DIR/apikey"
    fi
fi
AUTH="Authorization: Bearer $(cat "$CITY_DIR/apikey")"
info() { awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "$INFO"; }

# Sizes: rows per table (one query), the file in MB.
if [[ -z $(info rows_total) ]]; then
    say "counting rows (once per city)"
    mapfile -t TABLES < <(sqlite3 "$CITY_DB" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    q=""
    for t in "${TABLES[@]}"; do q+="${q:+ UNION ALL }SELECT '$t', COUNT(*) FROM \"$t\""; done
    sqlite3 -separator ' ' "$CITY_DB" "$q" >"$TMP/rows"
    {
        echo "rows_total $(awk '{s += $2} END {print s}' "$TMP/rows")"
        echo "rows_tables $(awk '$2 > 0 {printf "%s%s %s", sep, $1, $2; sep = ", "}' "$TMP/rows")"
        echo "areas_by_level $(sqlite3 -separator ' ' "$CITY_DB" "SELECT level, COUNT(*) FROM area GROUP BY level ORDER BY MIN(length(code))" | paste -sd, | sed 's/,/, /g')"
        echo "db_bytes $(($(stat -c %s "$CITY_DB") + $(stat -c %s "$CITY_DB-wal" 2>/dev/null || echo 0)))"
    } >>"$INFO"
fi
# The street with most people, and its district (once per city).
if [[ -z $(info street) ]]; then
    say "finding the street with most people (once per city)"
    read -r sid scode sname spop < <(sqlite3 -separator ' ' "$CITY_DB" \
        "SELECT a.id, a.code, a.name, (SELECT COUNT(*) FROM person p WHERE p.area_code >= a.code AND p.area_code < a.code || ':')
           AS n FROM area a WHERE a.level = 'street' AND a.valid_to IS NULL ORDER BY n DESC LIMIT 1")
    read -r did dcode dname dpop < <(sqlite3 -separator ' ' "$CITY_DB" \
        "SELECT d.id, d.code, d.name, (SELECT COUNT(*) FROM person p WHERE p.area_code >= d.code AND p.area_code < d.code || ':')
           FROM area d WHERE d.code = substr('$scode', 1, 6)")
    echo "street $sid $scode $sname $spop" >>"$INFO"
    echo "district $did $dcode $dname $dpop" >>"$INFO"
fi
read -r STREET_ID STREET_CODE STREET_NAME STREET_POP <<<"$(info street)"
read -r DISTRICT_ID DISTRICT_CODE DISTRICT_NAME DISTRICT_POP <<<"$(info district)"
GEN_S=$(info gen_seconds)
DB_MB=$(mb "$(info db_bytes)")
say "city: $(info gen_summary); ${GEN_S:-?} s to generate (cached: $CACHED), $(info rows_total) rows, $DB_MB MB"
say "street $STREET_CODE $STREET_NAME (id $STREET_ID, $STREET_POP people); district $DISTRICT_CODE $DISTRICT_NAME (id $DISTRICT_ID, $DISTRICT_POP people)"

# ---------------------------------------------------------------- 2. locate in-process
declare -A L
POINTS=$TMP/points.txt
if want locate || want http; then
    LRUNS=()
    nloc=$ROUNDS
    want locate || nloc=1 # http alone needs only the points file
    for ((round = 1; round <= nloc; round++)); do
        say "locate in-process, round $round of $nloc: $LOCATES calls per kind"
        f=$OUT/registers-locate-r$round.txt
        run_locate() { timeout 1800 "$OUT/locate" "$URL" "$LOCATES" "$round" "$POINTS" 200000 >"$f" 2>&1 || {
            cat "$f" >&2; die "bench/locate failed"; }; }
        measure "locate in-process" 0 run_locate
        echo "other_cores $OTHER" >>"$f"
        say "$(grep -E '^(grids|build_ms|inside_p50_us|inside_p99_us|bbox_p50_us|bbox_p99_us|brute_inside_p50_us|mismatches) ' "$f" | paste -sd' ')"
        LRUNS+=("$(awk '$1 == "inside_p50_us" {print $2}' "$f") $f")
    done
    # the median run by the inside median
    LFILE=$(printf '%s\n' "${LRUNS[@]}" | sort -g -k1,1 | sed -n "$(((${#LRUNS[@]} + 1) / 2))p" | cut -d' ' -f2)
    while read -r k v; do L[$k]=$v; done <"$LFILE"
    L[range_inside_p50]=$(printf '%s\n' "${LRUNS[@]}" | sort -g -k1,1 | awk 'NR == 1 {lo = $1} {hi = $1} END {printf "%s–%s", lo, hi}')
fi

# ---------------------------------------------------------------- 3 + 4. HTTP
# A city made by an older binary lacks the newer (empty) tables: add them.
if want http || want people; then
    "$LINLI" migrate --db "$URL" >"$TMP/migrate.log" 2>&1 || { cat "$TMP/migrate.log" >&2; die "linli migrate failed"; }
fi
K_FIXED="fixed200 GET"
K_HEALTH="GET /api/v1/health"
K_SESSION="GET /api/v1/session (API key)"
K_LOCATE="GET /api/v1/areas/locate (random points in grids)"
K_STREET="GET /api/v1/people?area=STREET&limit=20"
K_DISTRICT="GET /api/v1/people?area=DISTRICT&limit=20"
K_HEALTH_L="GET /api/v1/health, $LIGHT connections"
K_STREET_L="GET /api/v1/people?area=STREET&limit=20, $LIGHT connections"
if want http || want people; then
    say "serving the city with --threads $THREADS"
    t0=$(now_s)
    start_linli
    SERVE_START_S=$(secs "$t0" "$(now_s)")
    say "linli pid $LINLI_PID on 127.0.0.1:$PORT after $SERVE_START_S s"
    start_fixed200
    B="http://127.0.0.1:$PORT"
    # sanity: one of each, and what the answers look like
    for u in "/api/v1/health" "/api/v1/session" "/api/v1/areas/locate?lng=$(head -1 "$POINTS" | cut -d' ' -f1)&lat=$(head -1 "$POINTS" | cut -d' ' -f2)" \
        "/api/v1/people?area=$STREET_ID&limit=20" "/api/v1/people?area=$DISTRICT_ID&limit=20"; do
        code=$(curl -s -o "$TMP/answer" -w '%{http_code}' -H "$AUTH" "$B$u" || true)
        say "GET $u -> $code, $(wc -c <"$TMP/answer") bytes: $(head -c 160 "$TMP/answer")"
        [[ $code == 200 ]] || say "WARNING: not 200; the figures of this route are not valid"
    done
    for ((round = 1; round <= ROUNDS; round++)); do
        say "---- HTTP round $round of $ROUNDS"
        if want http; then
            wrk_run "$K_FIXED" "$round" "$F_PID" "http://127.0.0.1:$F_PORT/api/v1/health"
            BENCH_POINTS=$POINTS BENCH_AUTH="${AUTH#Authorization: }" \
                wrk_run "$K_LOCATE" "$round" "$LINLI_PID" "$B" "$ROOT/bench/locate.lua"
        fi
        wrk_run "$K_HEALTH" "$round" "$LINLI_PID" "$B/api/v1/health"
        if want people; then
            wrk_run "$K_SESSION" "$round" "$LINLI_PID" "$B/api/v1/session" "" "$AUTH"
            wrk_run "$K_STREET" "$round" "$LINLI_PID" "$B/api/v1/people?area=$STREET_ID&limit=20" "" "$AUTH"
            wrk_run "$K_DISTRICT" "$round" "$LINLI_PID" "$B/api/v1/people?area=$DISTRICT_ID&limit=20" "" "$AUTH"
            # the same page under a light load: latency without the queue of 64 connections
            RUN_CONNS=$LIGHT
            wrk_run "$K_HEALTH_L" "$round" "$LINLI_PID" "$B/api/v1/health"
            wrk_run "$K_STREET_L" "$round" "$LINLI_PID" "$B/api/v1/people?area=$STREET_ID&limit=20" "" "$AUTH"
            RUN_CONNS=$CONNS
        fi
    done
    if [[ ${BENCH_PROFILE_HTTP:-0} == 1 ]] && command -v perf >/dev/null; then
        # diagnostic, not figures: where the server's CPU goes under each load
        for what in locate session people; do
            say "profiling the server under $what (perf record -g -p $LINLI_PID, ${DURATION} s)"
            WRK_FILE=$TMP/wrk-perf.txt
            perf record -g -p "$LINLI_PID" -o "$TMP/perf-$what.data" -- sleep "$DURATION" >/dev/null 2>&1 &
            perf_pid=$!
            case $what in
            locate) BENCH_POINTS=$POINTS BENCH_AUTH="${AUTH#Authorization: }" run_wrk "$B" "$ROOT/bench/locate.lua" ;;
            session) run_wrk "$B/api/v1/session" "" "$AUTH" ;;
            people) run_wrk "$B/api/v1/people?area=$STREET_ID&limit=20" "" "$AUTH" ;;
            esac
            wait "$perf_pid" || true
            {
                echo "# linli serve under wrk ($what): perf report --no-children (self)"
                perf_top "$TMP/perf-$what.data" --no-children --sort dso,symbol
                echo
                echo "# --children (inclusive)"
                perf_top "$TMP/perf-$what.data" --children --sort symbol
            } >"$OUT/registers-perf-$what.txt"
            rm -f "$TMP/perf-$what.data"
        done
    fi
    stop_pid "$LINLI_PID"
    stop_pid "$F_PID"
    grep -v '"msg":"access"' "$LOG" | tail -n 20 >"$OUT/registers-serve.txt" || true
    rm -f "$LOG"
    finalize
fi

# ---------------------------------------------------------------- 5. import
declare -A IM
if want import; then
    CSV=$TMP/people.csv
    say "writing $IMPORT_PEOPLE people for the city's entrances (bench/people_csv.awk)"
    t0=$(now_s)
    sqlite3 "$CITY_DB" "SELECT code FROM area WHERE level = 'entrance' AND valid_to IS NULL ORDER BY code" >"$TMP/entrances"
    awk -v n="$IMPORT_PEOPLE" -f bench/people_csv.awk "$TMP/entrances" >"$CSV" 2>"$TMP/csv.log"
    IM[csv_s]=$(secs "$t0" "$(now_s)")
    IM[csv_mb]=$(mb "$(stat -c %s "$CSV")")
    IM[csv_rows]=$(($(wc -l <"$CSV") - 1))
    IM[csv_note]=$(cat "$TMP/csv.log")
    say "${IM[csv_note]}; ${IM[csv_mb]} MB in ${IM[csv_s]} s"

    # baseline: the same file into a bare table, as fast as SQLite takes it
    IRUNS=()
    for ((round = 1; round <= IMPORT_ROUNDS; round++)); do
        rm -f "$TMP/bare.db"
        # (each run times itself: measure's wait for a quiet machine is not in it)
        run_bare() { local a; rm -f "$TMP/bare.db"; a=$(now_s)
            timeout 1800 sqlite3 "$TMP/bare.db" ".mode csv" ".import $CSV t" >"$TMP/bare.log" 2>&1 || {
                cat "$TMP/bare.log" >&2; die "sqlite3 .import failed"; }
            bare_s=$(secs "$a" "$(now_s)"); }
        measure "sqlite3 .import (bare table)" 0 run_bare
        bare_rows=$(sqlite3 "$TMP/bare.db" "SELECT COUNT(*) FROM t")
        say "sqlite3 .import: $bare_rows rows in $bare_s s (other $OTHER cores)"
        rm -f "$TMP/bare.db"

        say "copying the city for import round $round"
        rm -f "$TMP"/imp.db*
        cp "$CITY_DB" "$TMP/imp.db"
        cp "$CITY_DB.key" "$TMP/imp.db.key"
        before=$(sqlite3 "$TMP/imp.db" "SELECT COUNT(*) FROM person")
        run_import() { local a; a=$(now_s)
            timeout 3600 "$LINLI" import people "$CSV" --db "sqlite:$TMP/imp.db" >"$TMP/import.log" 2>&1 || {
                tail -20 "$TMP/import.log" >&2; die "linli import failed"; }
            imp_s=$(secs "$a" "$(now_s)"); }
        sync
        # not repeated when disturbed (the copy holds the people now): 'other' says how clean it was
        RETRIES=0 measure "linli import people" 0 run_import
        imp_other=$OTHER
        imp_cpu=$MEAS
        after=$(sqlite3 "$TMP/imp.db" "SELECT COUNT(*) FROM person")
        say "linli import: $(tail -1 "$TMP/import.log"); $imp_s s, people $before -> $after (CPU $imp_cpu cores, other $imp_other)"
        IRUNS+=("$imp_s $bare_s $before $after $imp_cpu $imp_other ${TRIES[linli import people]}")
        if [[ ${BENCH_PROFILE_IMPORT:-0} == 1 && $round == 1 ]] && command -v perf >/dev/null; then
            say "profiling one more import with perf record -g"
            rm -f "$TMP"/imp.db*
            cp "$CITY_DB" "$TMP/imp.db"
            cp "$CITY_DB.key" "$TMP/imp.db.key"
            wait_quiet
            timeout 3600 perf record -g -o "$TMP/perf.data" -- "$LINLI" import people "$CSV" \
                --db "sqlite:$TMP/imp.db" >"$TMP/import-perf.log" 2>&1 || true
            {
                echo "# perf report --no-children (self time by symbol)"
                perf_top "$TMP/perf.data" --no-children --sort dso,symbol
                echo
                echo "# perf report --children (inclusive time)"
                perf_top "$TMP/perf.data" --children --sort symbol
            } >"$OUT/registers-import-perf.txt"
            say "profile in $OUT/registers-import-perf.txt"
        fi
        rm -f "$TMP"/imp.db*
    done
    read -r "IM[s]" "IM[bare_s]" "IM[before]" "IM[after]" "IM[cpu]" "IM[other]" "IM[tries]" < <(printf '%s\n' "${IRUNS[@]}" |
        sort -g -k1,1 | sed -n "$(((${#IRUNS[@]} + 1) / 2))p")
    IM[rps]=$(awk -v n="${IM[csv_rows]}" -v s="${IM[s]}" 'BEGIN { printf "%.0f", n / s }')
    IM[bare_rps]=$(awk -v n="${IM[csv_rows]}" -v s="${IM[bare_s]}" 'BEGIN { printf "%.0f", n / s }')
fi

# ---------------------------------------------------------------- report
{
    echo "# Registers benchmark on the city data"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) · $MACHINE"
    echo
    echo "Server: $SERVER"
    echo
    echo "## The city"
    echo
    echo "- \`linli gen $CITY_ARGS\`: $(info gen_summary)"
    echo "- generation: ${GEN_S:-?} s wall (cached this run: $CACHED; $(info generated))"
    echo "- size: $(info rows_total) rows, $DB_MB MB (database file + WAL)"
    echo "- areas: $(info areas_by_level)"
    echo "- rows: $(info rows_tables)"
    echo "- the street: $STREET_CODE $STREET_NAME (id $STREET_ID), $STREET_POP people; its district $DISTRICT_CODE $DISTRICT_NAME (id $DISTRICT_ID), $DISTRICT_POP people"
    if want locate; then
        echo
        echo "## Locate in-process (bench/locate.c; median run of $ROUNDS by the inside median)"
        echo
        echo "${L[grids]} open grids (${L[boundary_bytes]} bytes of GeoJSON): read ${L[read_ms]} ms, grid_index_build ${L[build_ms]} ms" \
             "(${L[indexed]} indexed, ${L[skipped]} skipped), areas_index_rebuild (read + build + swap) ${L[rebuild_ms]} ms."
        echo "Each call timed alone with clock_gettime(CLOCK_MONOTONIC) (the timer itself: ${L[timer_p50_ns]} ns, included);" \
             "'batch' is one clock around the whole loop."
        echo
        echo "| points | calls | in a grid | p50 µs | p90 µs | p99 µs | p99.9 µs | batch mean µs | calls/s (batch) |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
        for k in inside bbox; do
            echo "| $k | ${L[${k}_calls]} | ${L[${k}_hit_pct]}% | ${L[${k}_p50_us]} | ${L[${k}_p90_us]} | ${L[${k}_p99_us]} | ${L[${k}_p999_us]} | ${L[${k}_batch_mean_us]} | ${L[${k}_batch_per_sec]} |"
        done
        for k in inside bbox; do
            echo "| baseline: linear scan, $k | ${L[brute_${k}_calls]} | | ${L[brute_${k}_p50_us]} | | ${L[brute_${k}_p99_us]} | | | |"
        done
        echo "| areas_locate (index + the grid's row) | ${L[areas_locate_calls]} | | ${L[areas_locate_p50_us]} | | ${L[areas_locate_p99_us]} | | | |"
        echo
        echo "Inside medians over the rounds: ${L[range_inside_p50]} µs. Index and linear scan disagreed on ${L[mismatches]} points. Other CPU during the run: ${L[other_cores]} cores."
        echo
        echo "| ratio | value | target | |"
        echo "|---|---:|---:|---|"
        echo "| locate p50, inside (µs) | ${L[inside_p50_us]} | < $T_LOCATE_US | $(met lt "${L[inside_p50_us]}" "$T_LOCATE_US") |"
        echo "| linear scan ÷ index, p50 inside | $(ratio "${L[brute_inside_p50_us]}" "${L[inside_p50_us]}") | | |"
        echo "| linear scan ÷ index, p50 bbox | $(ratio "${L[brute_bbox_p50_us]}" "${L[bbox_p50_us]}") | | |"
    fi
    if want http || want people; then
        echo
        echo "## HTTP (wrk -t$WRK_THREADS -c$CONNS, ${DURATION} s a run, linli --threads $THREADS; median of $ROUNDS interleaved rounds)"
        echo
        echo "Server start on the city (migrations check, locator build): $SERVE_START_S s."
        echo
        echo "| run | req/s | range | p50 ms | p99 ms | server-side p50 / p99 ms | non-2xx | server cores | wrk cores | other cores |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        for k in "$K_FIXED" "$K_HEALTH" "$K_SESSION" "$K_LOCATE" "$K_STREET" "$K_DISTRICT" "$K_HEALTH_L" "$K_STREET_L"; do
            [[ -n ${RPS[$k]:-} ]] || continue
            printf '| %s | %.0f | %s | %.3f | %.3f | %s / %s | %s | %s | %s | %s |\n' "$k" "${RPS[$k]}" "${SPREAD[$k]}" \
                "${P50[$k]}" "${P99[$k]}" "${SP50[$k]}" "${SP99[$k]}" "${BAD[$k]}" "${SCPU[$k]}" "${WCPU[$k]}" "${OCPU[$k]}"
        done
        echo
        echo "Server side: the access log's \"ms\" (libmicrohttpd hands the request over → response queued and sent), all requests of the median run."
        echo
        echo "STREET = $STREET_ID ($STREET_CODE, $STREET_POP people), DISTRICT = $DISTRICT_ID ($DISTRICT_CODE, $DISTRICT_POP people)."
        echo
        echo "| ratio | value | target | |"
        echo "|---|---:|---:|---|"
        if [[ -n ${RPS[$K_LOCATE]:-} ]]; then
            echo "| locate req/s | $(printf '%.0f' "${RPS[$K_LOCATE]}") | ≥ $T_LOCATE_RPS | $(met gt "${RPS[$K_LOCATE]}" "$((T_LOCATE_RPS - 1))") |"
            echo "| locate ÷ fixed200 (req/s) | $(ratio "${RPS[$K_LOCATE]}" "${RPS[$K_FIXED]}") | | |"
            echo "| locate ÷ health (req/s) | $(ratio "${RPS[$K_LOCATE]}" "${RPS[$K_HEALTH]}") | | |"
        fi
        if [[ -n ${RPS[$K_STREET]:-} ]]; then
            for k in "$K_STREET" "$K_DISTRICT"; do
                echo "| ${k#GET } p99 ms | ${P99[$k]} | < $T_PEOPLE_P99 | $(met lt "${P99[$k]}" "$T_PEOPLE_P99") |"
                echo "| ${k#GET } ÷ health (req/s) | $(ratio "${RPS[$k]}" "${RPS[$K_HEALTH]}") | | |"
                echo "| ${k#GET } ÷ session (req/s) | $(ratio "${RPS[$k]}" "${RPS[$K_SESSION]}") | | |"
            done
            echo "| ${K_STREET_L#GET } p99 ms | ${P99[$K_STREET_L]} | < $T_PEOPLE_P99 | $(met lt "${P99[$K_STREET_L]}" "$T_PEOPLE_P99") |"
            echo "| ${K_STREET_L#GET } p99 ÷ health's at $LIGHT connections | $(ratio "${P99[$K_STREET_L]}" "${P99[$K_HEALTH_L]}") | | |"
        fi
    fi
    if want import; then
        echo
        echo "## Import of ${IM[csv_rows]} people (median of $IMPORT_ROUNDS, each on a fresh copy of the city)"
        echo
        echo "File: bench/people_csv.awk, ${IM[csv_note]#people_csv.awk: }, ${IM[csv_mb]} MB, written in ${IM[csv_s]} s."
        echo
        echo "| run | seconds | rows/s | CPU cores | other cores |"
        echo "|---|---:|---:|---:|---:|"
        echo "| \`linli import people\` (city: ${IM[before]} → ${IM[after]} people) | ${IM[s]} | ${IM[rps]} | ${IM[cpu]} | ${IM[other]} |"
        echo "| baseline: \`sqlite3 .import\` into a bare table | ${IM[bare_s]} | ${IM[bare_rps]} | | |"
        echo
        echo "| ratio | value | target | |"
        echo "|---|---:|---:|---|"
        echo "| import seconds | ${IM[s]} | < $T_IMPORT_S | $(met lt "${IM[s]}" "$T_IMPORT_S") |"
        echo "| import ÷ bare .import (rows/s) | $(ratio "${IM[rps]}" "${IM[bare_rps]}") | | |"
    fi
} >"$RESULTS"
echo
cat "$RESULTS"
echo
say "wrote $RESULTS (raw output in $OUT/registers-*.txt)"
