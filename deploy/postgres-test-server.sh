#!/usr/bin/env bash
# A PostgreSQL 15 server of its own for the tests: a new cluster in a temporary data folder,
# listening on 127.0.0.1 only (a free port) and a Unix socket in that folder, trusting local
# connections, with no data kept after it stops. The test command starts one and runs the journal's
# suite against it; a developer can start one the same way.
#
# Usage: deploy/postgres-test-server.sh start DIR   prints the URL to connect with (a server
#                                                   halted before starts again on its port)
#        deploy/postgres-test-server.sh halt DIR    stops it, keeping its data (a crash test)
#        deploy/postgres-test-server.sh stop DIR    stops it and removes DIR
set -euo pipefail

bin=/usr/lib/postgresql/15/bin
command=${1:-}
dir=${2:-}
if [[ -z "$command" || -z "$dir" ]]; then
  echo "usage: deploy/postgres-test-server.sh start|halt|stop DIR" >&2
  exit 2
fi

# PostgreSQL refuses to run as root: as root, the cluster is the postgres user's.
as_owner() {
  if [[ "$(id -u)" -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "$command" in
  start)
    if [[ ! -x "$bin/initdb" ]]; then
      echo "postgres-test-server: $bin/initdb is missing (deploy/install-deps.sh --tests installs it)" >&2
      exit 1
    fi
    if [[ -f "$dir/port" ]]; then  # halted: the same cluster on the same port
      port=$(cat "$dir/port")
      as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200" >/dev/null ||
        { cat "$dir/server.log" >&2; exit 1; }
      echo "postgresql://postgres@127.0.0.1:$port/postgres"
      exit 0
    fi
    mkdir -p "$dir"
    [[ "$(id -u)" -eq 0 ]] && chown postgres: "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
      --no-sync >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    # A free port: another server may take the same one between the look and the bind (tests
    # start servers side by side), so a port in use at start means the next one.
    port=""
    for candidate in $(seq 55432 55632); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
        continue
      fi
      rm -f "$dir/server.log"
      # fsync stays on: the tests of durability mean it.
      if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
        -o "-c listen_addresses=127.0.0.1 -p $candidate -k $dir -c max_connections=200" \
        >/dev/null 2>&1; then
        port=$candidate
        break
      fi
      if ! grep -q "Address already in use" "$dir/server.log"; then
        cat "$dir/server.log" >&2
        exit 1
      fi
    done
    if [[ -z "$port" ]]; then
      echo "postgres-test-server: no free port from 55432 to 55632" >&2
      exit 1
    fi
    echo "$port" >"$dir/port"
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
  halt)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  stop)
    if [[ -d "$dir/data" ]]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: deploy/postgres-test-server.sh start|halt|stop DIR" >&2
    exit 2
    ;;
esac
