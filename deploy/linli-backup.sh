#!/bin/sh
# linli-backup: a consistent, checked copy of the linli database. Old copies
# are deleted after KEEP_DAYS. Installed as /usr/local/sbin/linli-backup and run
# daily as the linli user by linli-backup.timer. It finds the database the way
# linli does: LINLI_DB if set, else the `db =` line of the config file.
#   sqlite:PATH    VACUUM INTO a new file: one read transaction, so it is safe
#                  while linli serves; then PRAGMA integrity_check.
#   postgres://…   pg_dump -Fc (postgresql-client of the server's major version
#                  or newer; password from ~linli/.pgpass); then pg_restore --list.
set -eu
conf=${LINLI_CONFIG:-/etc/linli/linli.conf}
dir=${BACKUP_DIR:-/backup}
keep=${KEEP_DAYS:-14}
db=${LINLI_DB:-$(sed -n 's/#.*//; s/^[[:space:]]*db[[:space:]]*=[[:space:]]*//p' "$conf" |
	sed 's/[[:space:]]*$//' | tail -n 1)}
stamp=$(date +%F-%H%M)
# The photos (files named by their SHA-256, never changed): LINLI_PHOTO_DIR,
# else the `photo_dir =` line, else beside a SQLite database.
photos=${LINLI_PHOTO_DIR:-$(sed -n 's/#.*//; s/^[[:space:]]*photo_dir[[:space:]]*=[[:space:]]*//p' "$conf" 2>/dev/null |
	sed 's/[[:space:]]*$//' | tail -n 1)}
case $db in sqlite:*) photos=${photos:-${db#sqlite:}.photos} ;; esac

case $db in
sqlite:*)
	out=$dir/linli-$stamp.db
	rm -f "$out.part"
	sqlite3 "${db#sqlite:}" "VACUUM INTO '$out.part'"
	check=$(sqlite3 "$out.part" "PRAGMA integrity_check")
	if [ "$check" != ok ]; then
		echo "linli-backup: integrity_check of $out.part: $check" >&2
		exit 1
	fi
	;;
postgres://* | postgresql://*)
	out=$dir/linli-$stamp.dump
	pg_dump -Fc -d "$db" -f "$out.part"
	pg_restore --list "$out.part" >/dev/null
	;;
*)
	echo "linli-backup: no usable db URL (from LINLI_DB or $conf): '$db'" >&2
	exit 2
	;;
esac
mv "$out.part" "$out"
find "$dir" -maxdepth 1 -name 'linli-*' -mtime +"$keep" -delete
echo "linli-backup: wrote $out ($(du -h "$out" | cut -f1))"
# New photos only: a file under its final name is whole and never changes.
if [ -n "$photos" ] && [ -d "$photos" ]; then
	mkdir -p "$dir/photos"
	cp -Rn "$photos/." "$dir/photos/"
	echo "linli-backup: photos copied to $dir/photos ($(du -sh "$dir/photos" | cut -f1))"
fi
