#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests and experiments: everything lives in one temporary
# folder, and everything is stopped and removed when this script exits.
#
#   scripts/pg.sh                       # start, print the URL, wait for Ctrl-C
#   scripts/pg.sh COMMAND [ARGS...]     # start, run COMMAND with the URL exported, stop
#   scripts/pg.sh --collation und-u-ka-shifted uv run pytest -q
#
# COMMAND sees PG_URL and TEST_DATABASE_URL (postgresql+psycopg://...); the script exits with
# COMMAND's status. The server listens on 127.0.0.1 on a free port (and on a unix socket in
# the temporary folder), runs with fsync=off, and holds one database, `kursk`, owned by the
# superuser `postgres` with a random password. As root, initdb and the server run as the
# `postgres` user (runuser); the Debian `postgresql` package is installed if no server
# binaries are found.
#
# Options:
#   --collation ICU_LOCALE   create the database with this ICU default collation (e.g.
#                            `und-u-ka-shifted`, which ignores punctuation when sorting, like
#                            glibc's en_US.UTF-8) instead of the cluster's default (C here).
# Environment: PG_BIN (server binaries folder), PG_TMP (parent of the temporary folder).
set -euo pipefail

collation=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --collation) collation="${2:?--collation needs an ICU locale}"; shift 2 ;;
    --collation=*) collation="${1#*=}"; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    --) shift; break ;;
    *) break ;;
  esac
done

say() { echo "pg.sh: $*" >&2; }

find_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then
    echo "$PG_BIN"
  elif [[ -x /usr/lib/postgresql/15/bin/postgres ]]; then
    echo /usr/lib/postgresql/15/bin
  else
    # Any other installed major version, newest first.
    find /usr/lib/postgresql -maxdepth 3 -path '*/bin/postgres' 2>/dev/null |
      sort -V | tail -n 1 | xargs -r dirname
  fi
}

bin="$(find_bin)"
if [[ -z "$bin" || ! -x "$bin/postgres" ]]; then
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
    say "no PostgreSQL server binaries; installing the Debian package 'postgresql'"
    export DEBIAN_FRONTEND=noninteractive
    # Only the binaries are wanted: no system-wide "main" cluster started on port 5432.
    mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/50-kursk.conf
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    bin="$(find_bin)"
  fi
  if [[ -z "$bin" || ! -x "$bin/postgres" ]]; then
    say "PostgreSQL server binaries not found (set PG_BIN or install the 'postgresql' package)"
    exit 1
  fi
fi

tmp="$(mktemp -d "${PG_TMP:-/tmp}/kursk-pg.XXXXXX")"
data="$tmp/data"
watchdog=""

# Run a server binary as the owner of the data folder: `postgres` when we are root (initdb
# and postgres refuse to run as root), ourselves otherwise. From inside $tmp, because the
# caller's working directory may not be readable by `postgres`.
if [[ $EUID -eq 0 ]]; then
  chown postgres: "$tmp"
  as_owner() { (cd "$tmp" && runuser -u postgres -- "$@"); }
else
  as_owner() { (cd "$tmp" && "$@"); }
fi

stop_and_remove() {
  if [[ -f "$data/postmaster.pid" ]]; then
    as_owner "$bin/pg_ctl" stop -D "$data" -m immediate -s >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM HUP
  [[ -z "$watchdog" ]] || kill "$watchdog" 2>/dev/null || true
  stop_and_remove
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

password="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
printf '%s\n' "$password" >"$tmp/pwfile"
[[ $EUID -eq 0 ]] && chown postgres: "$tmp/pwfile"
as_owner "$bin/initdb" -D "$data" -U postgres --pwfile="$tmp/pwfile" --encoding=UTF8 \
  --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$tmp/initdb.log" 2>&1 || {
  cat "$tmp/initdb.log" >&2
  say "initdb failed"
  exit 1
}
rm -f "$tmp/pwfile"

# If the process running this script is killed outright (no trap runs), this watchdog still
# stops the server and removes the folder once it notices.
parent=$$
(
  trap '' INT HUP
  trap 'exit 0' TERM
  while kill -0 "$parent" 2>/dev/null; do sleep 1; done
  stop_and_remove
) </dev/null >/dev/null 2>&1 &
watchdog=$!

started=""
for _attempt in 1 2 3; do
  port="$(free_port)"
  if as_owner "$bin/pg_ctl" start -D "$data" -l "$tmp/server.log" -w -t 60 -s \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $tmp -c fsync=off \
        -c synchronous_commit=off -c full_page_writes=off" >/dev/null 2>&1; then
    started=1
    break
  fi
done
if [[ -z "$started" ]]; then
  cat "$tmp/server.log" >&2 || true
  say "the server did not start"
  exit 1
fi

createdb_args=(-h "$tmp" -p "$port" -U postgres -E UTF8 -T template0)
if [[ -n "$collation" ]]; then
  createdb_args+=(--locale-provider=icu --icu-locale="$collation")
fi
as_owner "$bin/createdb" "${createdb_args[@]}" kursk

PG_URL="postgresql+psycopg://postgres:$password@127.0.0.1:$port/kursk"
export PG_URL TEST_DATABASE_URL="$PG_URL"
about="$(as_owner "$bin/psql" -h "$tmp" -p "$port" -U postgres -d kursk -XtAc \
  "SELECT split_part(version(), ' ', 2) || ', collation ' || \
   coalesce(daticulocale || ' (ICU)', datcollate) FROM pg_database WHERE datname = 'kursk'")"
say "PostgreSQL $about, on 127.0.0.1:$port, database kursk, in $tmp"

if [[ $# -eq 0 ]]; then
  echo "$PG_URL"
  say "Ctrl-C stops the server and removes $tmp"
  while true; do sleep 1; done
fi

set +e
"$@"
status=$?
set -e
exit "$status"
