#!/usr/bin/env bash
# Installs what linli needs on Debian 12 and is missing: the C libraries and
# tools from apt, the console's and the tests' packages from npm. Safe to
# run again; it does nothing when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian package per need. Build: compiler and libraries. Test: cmocka, PostgreSQL,
# sanitizer runtime, Chromium for browser tests, wrk for benchmarks.
apt_pkgs=(build-essential pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev libsodium-dev
          libpq-dev libgeos-dev libxlsxwriter-dev libcurl4-openssl-dev postgresql libcmocka-dev clang sqlite3 chromium
          fonts-wqy-microhei wrk curl unzip)

missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "linli needs these Debian packages: ${missing[*]}" >&2
    echo "install them as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages: the console (web/) and the test tools (repo root). A stamp
# newer than the lock file means the install is current.
npm_install() {
  local dir=$1
  [ -f "$dir/package.json" ] || return 0
  if [ ! -f "$dir/node_modules/.stamp" ] || [ "$dir/package.json" -nt "$dir/node_modules/.stamp" ] ||
     { [ -f "$dir/package-lock.json" ] && [ "$dir/package-lock.json" -nt "$dir/node_modules/.stamp" ]; }; then
    echo "installing npm packages in $dir"
    if [ -f "$dir/package-lock.json" ]; then
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    else
      (cd "$dir" && npm install --no-audit --no-fund --loglevel=error)
    fi
    touch "$dir/node_modules/.stamp"
  fi
}
npm_install web
npm_install .
