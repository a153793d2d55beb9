#!/usr/bin/env bash
# The same read and write load on both stores in one run, and two server
# processes on one PostgreSQL database: the figures issue "PostgreSQL" asks
# for. Loopback only; every wrk run is bounded (BENCH_DURATION, default 10 s).
#   read:  GET /api/v1/calendar?from=2026-10-01&to=2026-10-31 (API key: auth + one range query)
#   write: PUT /api/v1/calendar/{date} (API key, a calendar row and an audit row per request)
# Writes build/bench/backends.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
LINLI=${LINLI_BIN:-$ROOT/build/linli}
DUR=${BENCH_DURATION:-10}
CONN=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-16}
command -v wrk >/dev/null || { echo "install the Debian package wrk" >&2; exit 1; }
mkdir -p build/bench
WORK=$(mktemp -d /tmp/linli-bench-backends.XXXXXX)
PIDS=()
PG_DIR=''
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "$PG_DIR" ] && tests/lib/pg.sh stop "$PG_DIR" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
export LINLI_KEY_FILE=$WORK/linli.key

# init_db URL: schema, a bench user with calendar rights, and its API key → $KEY
init_db() {
  "$LINLI" init --db "$1" >/dev/null
  echo 'Bench#Load2026' | "$LINLI" user add benchuser --role district_staff --scope '*' \
    --password-stdin --db "$1" >/dev/null
  KEY=$("$LINLI" apikey add bench --user benchuser --db "$1" | tail -n 1)
}

# start URL: sets PORT; the server's pid goes into PIDS (no subshell, so it sticks)
start() {
  local log=$WORK/serve.$RANDOM.log
  "$LINLI" serve --db "$1" --listen 127.0.0.1:0 --threads "$THREADS" --web web/dist >/dev/null 2>"$log" &
  PIDS+=($!)
  PORT=''
  for _ in $(seq 1 100); do
    PORT=$(grep -o '"listen":"127.0.0.1:[0-9]*"' "$log" 2>/dev/null | head -1 | grep -o '[0-9]*"$' | tr -d '"' || true)
    [ -n "$PORT" ] && return
    sleep 0.1
  done
  cat "$log" >&2
  exit 1
}

# wrk_rps ARGS… → "req/s p50 p99 non2xx"
wrk_rps() {
  local out
  out=$(timeout $((DUR + 60)) wrk --latency -d"${DUR}s" "$@")
  local rps p50 p99 bad
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  bad=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  echo "${rps:-0} ${p50:-?} ${p99:-?} ${bad:-0}"
}

READ="/api/v1/calendar?from=2026-10-01&to=2026-10-31"
declare -A R

run_backend() { # NAME URL
  local name=$1 url=$2 port
  init_db "$url"
  start "$url"
  port=$PORT
  R["$name read"]=$(wrk_rps -t2 -c"$CONN" -H "Authorization: Bearer $KEY" "http://127.0.0.1:$port$READ")
  R["$name write"]=$(BENCH_AUTH="Bearer $KEY" wrk_rps -t2 -c"$CONN" -s bench/put_calendar.lua "http://127.0.0.1:$port")
  kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true
}

run_backend sqlite "sqlite:$WORK/b.db"

read -r PG_DIR PG_URL <<<"$(tests/lib/pg.sh start)"
PG_BASE=${PG_URL%/postgres}
psql "$PG_URL" -qc "CREATE DATABASE bench1" >/dev/null
psql "$PG_URL" -qc "CREATE DATABASE bench2" >/dev/null
run_backend postgres "$PG_BASE/bench1"

# Two processes on one database: each gets half the connections, both at once.
init_db "$PG_BASE/bench2"
start "$PG_BASE/bench2"
p1=$PORT
start "$PG_BASE/bench2"
p2=$PORT
two() { # KIND: read|write → summed req/s of both
  local a b
  if [ "$1" = read ]; then
    wrk_rps -t1 -c$((CONN / 2)) -H "Authorization: Bearer $KEY" "http://127.0.0.1:$p1$READ" >"$WORK/a" &
    wrk_rps -t1 -c$((CONN / 2)) -H "Authorization: Bearer $KEY" "http://127.0.0.1:$p2$READ" >"$WORK/b"
  else
    BENCH_AUTH="Bearer $KEY" wrk_rps -t1 -c$((CONN / 2)) -s bench/put_calendar.lua "http://127.0.0.1:$p1" >"$WORK/a" &
    BENCH_AUTH="Bearer $KEY" wrk_rps -t1 -c$((CONN / 2)) -s bench/put_calendar.lua "http://127.0.0.1:$p2" >"$WORK/b"
  fi
  wait
  read -r a _ _ ab <"$WORK/a"
  read -r b _ _ bb <"$WORK/b"
  echo "$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.0f", a + b}') n/a n/a $((ab + bb))"
}
R["postgres, 2 processes read"]=$(two read)
R["postgres, 2 processes write"]=$(two write)

{
  echo "# Both stores, same run"
  echo
  echo "$(date -u +%FT%TZ) · nproc $(nproc) · ${DUR} s per run · wrk -c$CONN · linli --threads $THREADS ·" \
       "PostgreSQL $(psql "$PG_URL" -qAtc 'SHOW server_version') (throw-away cluster, fsync on) · SQLite $(sqlite3 --version | cut -d' ' -f1)"
  echo
  echo "| run | req/s | p50 | p99 | non-2xx |"
  echo "|---|---:|---:|---:|---:|"
  for k in "sqlite read" "postgres read" "postgres, 2 processes read" "sqlite write" "postgres write" "postgres, 2 processes write"; do
    read -r rps p50 p99 bad <<<"${R[$k]}"
    echo "| $k | $rps | $p50 | $p99 | $bad |"
  done
} | tee build/bench/backends.md
