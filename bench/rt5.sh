# Request Tracker 5, the peer of bench/requests.sh: Debian's request-tracker5
# run by its own rt-server (Plack on Starlet, the rt5-standalone package)
# on a private SQLite database, loopback only, mail written to files
# (MailCommand testfile) so nothing leaves the machine. Sourced; needs
# lib.sh's say, die, PIDS and stop_pid.
# shellcheck shell=bash

RT_WORKERS=${BENCH_RT_WORKERS:-4}
RT_PASSWORD=password # RT's initial root password (rt-setup-database's initial data)

# rt5_install: the Debian packages, without a database set up by debconf
# (dbconfig-no-thanks) and without a mail configuration; about 360 packages
# the first time.
rt5_install() {
    local p missing=()
    for p in request-tracker5 rt5-standalone rt5-db-sqlite dbconfig-no-thanks; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    ((${#missing[@]} == 0)) && return 0
    [[ $(id -u) == 0 ]] || die "Request Tracker is missing; as root: apt-get install ${missing[*]}"
    say "installing Request Tracker 5 from Debian (${missing[*]}; a few minutes the first time)"
    printf '%s\n' "request-tracker5 request-tracker5/dbconfig-install boolean false" \
        "request-tracker5 request-tracker5/rtname string linli-bench" \
        "request-tracker5 request-tracker5/organization string bench.invalid" \
        "exim4-config exim4/dc_eximconfig_configtype select no configuration at this time" |
        debconf-set-selections
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" \
        >"$TMP/rt5-install.log" 2>&1 || { tail -20 "$TMP/rt5-install.log" >&2; die "apt-get install of Request Tracker failed"; }
}

# rt5_start DIR: a fresh database in DIR each run (the previous run's
# tickets would make runs unequal), rt-server on a free port; sets RT_PID,
# RT_PORT and RT_AUTH (a Basic Authorization value for root).
rt5_start() {
    local dir=$1 i
    rm -rf "$dir"
    mkdir -p "$dir/site-config" "$dir/mail"
    # a port nothing answers on (rt-server cannot report the one it got)
    for ((i = 0; i < 50; i++)); do
        RT_PORT=$((20000 + RANDOM % 20000))
        curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$RT_PORT/" || break
    done
    cat >"$dir/RT_SiteConfig.pm" <<EOF
Set(\$rtname, 'linli-bench');
Set(\$Organization, 'bench.invalid');
Set(\$DatabaseType, 'SQLite');
Set(\$DatabaseName, '$dir/rt.db');
Set(\$WebPath, '');
Set(\$WebDomain, '127.0.0.1');
Set(\$WebPort, $RT_PORT);
Set(\$WebBaseURL, 'http://127.0.0.1:$RT_PORT');
Set(\$MailCommand, 'testfile');
Set(\$LogToSTDERR, 'error');
Set(\$LogToSyslog, undef);
Set(\$LogToFile, undef);
1;
EOF
    local env=(env "RT_SITE_CONFIG=$dir/RT_SiteConfig.pm" "RT_SITE_CONFIG_DIR=$dir/site-config" "TMPDIR=$dir/mail")
    say "Request Tracker: creating its SQLite database in $dir"
    "${env[@]}" rt-setup-database-5 --action init --skip-create </dev/null >"$dir/setup.log" 2>&1 || {
        tail -20 "$dir/setup.log" >&2; die "rt-setup-database-5 failed"; }
    "${env[@]}" /usr/share/request-tracker5/libexec/rt-server --server Starlet --host 127.0.0.1 \
        --port "$RT_PORT" --max-workers "$RT_WORKERS" >"$dir/server.log" 2>&1 &
    RT_PID=$!
    PIDS+=("$RT_PID")
    RT_AUTH="Basic $(printf 'root:%s' "$RT_PASSWORD" | base64)"
    for ((i = 0; i < 600; i++)); do
        curl -s -o /dev/null -H "Authorization: $RT_AUTH" "http://127.0.0.1:$RT_PORT/REST/2.0/queues/all" && break
        kill -0 "$RT_PID" 2>/dev/null || { tail -20 "$dir/server.log" >&2; die "rt-server exited"; }
        sleep 0.1
    done
    say "Request Tracker $(dpkg-query -W -f='${Version}' request-tracker5) pid $RT_PID on 127.0.0.1:$RT_PORT, $RT_WORKERS Starlet workers"
}

rt5_stop() {
    # Starlet's workers are children of the master, which stops them on TERM
    stop_pid "$RT_PID"
}
