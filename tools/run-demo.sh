#!/usr/bin/env bash
# `make run`: create the demo database once, then serve it on :8080.
set -euo pipefail
cd "$(dirname "$0")/.."
db=${LINLI_DB:-sqlite:var/linli.db}
mkdir -p var
if [ ! -f var/linli.db ] || [ "$db" != "sqlite:var/linli.db" ]; then
  build/linli init --demo --db "$db"
else
  build/linli migrate --db "$db"
fi
cat <<TXT

  linli is serving on http://127.0.0.1:8080  (Ctrl-C stops it)
  Console:  http://127.0.0.1:8080/
  Health:   http://127.0.0.1:8080/api/v1/health
  Metrics:  http://127.0.0.1:8080/metrics

  Demo logins: accounts and roles are not built yet (they are the next
  issue); until then the console opens without a login.

TXT
exec build/linli serve --db "$db" --listen "${LINLI_LISTEN:-127.0.0.1:8080}" --web web/dist
