#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests, on a free loopback port in
# a temporary directory. The server refuses to run as root, so as root it
# runs as the `postgres` user Debian's package creates.
#   tests/lib/pg.sh start   → prints "DIR URL" (URL of a maintenance database)
#   tests/lib/pg.sh stop DIR
set -euo pipefail
cmd=${1:-}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pgbin" ]; then
  echo "PostgreSQL server not installed (Debian package postgresql)" >&2
  exit 1
fi
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$cmd" in
start)
  dir=$(mktemp -d /tmp/linli-pg.XXXXXX)
  chmod 755 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  # A free port: ask the kernel for one by binding port 0.
  port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  as_pg "$pgbin/initdb" -D "$dir/data" -A trust -U linli -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  as_pg "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=400 -c shared_buffers=64MB" start >/dev/null ||
    { cat "$dir/server.log" >&2; exit 1; }
  echo "$dir postgres://linli@127.0.0.1:$port/postgres"
  ;;
stop)
  dir=${2:?dir}
  as_pg "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start | stop DIR" >&2
  exit 2
  ;;
esac
