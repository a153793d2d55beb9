#!/usr/bin/env bash
# `make run`: create the demo database once, then serve it on :8080.
set -euo pipefail
cd "$(dirname "$0")/.."
db=${LINLI_DB:-sqlite:var/linli.db}
mkdir -p var
# init --demo migrates an existing database and adds only what is missing
# (a database from before the registers gets the demo district).
build/linli init --demo --db "$db"
cat <<TXT

  linli is serving on http://127.0.0.1:8080  (Ctrl-C stops it)
  Console:  http://127.0.0.1:8080/
  Health:   http://127.0.0.1:8080/api/v1/health
  Metrics:  http://127.0.0.1:8080/metrics

  Demo logins (password Linli@2026 for all):
    admin      系统管理员 (sysadmin: users, API keys, calendar)
    security   安全管理员 (secadmin: roles and grants)
    auditor    审计员 (auditor: the audit log)
    district   区工作人员 · street 街道 · community 社区 · grid 网格员
    hotline    12345 接线员 · dept 职能部门 · member 党员 · resident 居民

  The demo district 朝阳区 (110105): 8 streets, street 建外 shaped like the
  seed report's (23 communities, 88 grids), ~290,000 synthetic residents.
  district sees it all; street one street; community and grid one community.

TXT
exec build/linli serve --db "$db" --listen "${LINLI_LISTEN:-127.0.0.1:8080}" --web web/dist
