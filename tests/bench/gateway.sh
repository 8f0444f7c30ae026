# shellcheck shell=bash disable=SC2154,SC2034
# (root and bin come from the caller; token, gateway_pid and sandbox_pid are for it.)
# Sourced by the end-to-end benchmarks (e2e.sh, daemon_memory.sh): one Release gateway (SQLite
# journal, GOST R 34.10-2012 development keys, 1 I/O thread and 2 workers; the route to the
# sandbox takes EAEU_E2E_IN_FLIGHT sends at once, default 64) and the sandbox in its load mode
# (check_documents = false: it takes each document as its transaction's kind, reads its EDocId
# from the text and replies with R.006 at once), on loopback. The caller sets `root` and `bin`.

# gateway_start DIR PORT: keys and a REST token ($token) in DIR, the two configurations, the
# sandbox on PORT + 1 and the gateway's inbound side on PORT + 2; returns when the gateway is
# ready. Sets port, gateway_pid and sandbox_pid.
gateway_start() {
  local dir="$1"
  port="$2"
  local sandbox_port=$((port + 1)) inbound_port=$((port + 2)) cfg="$root/config"
  "$bin/eaeu-gateway" keys generate --alg gost2012-256 --out "$dir/keys" >/dev/null
  token="$("$bin/eaeu-gateway" tokens new --country RU --name load --append "$dir/tokens" 2>/dev/null)"
  cat >"$dir/sandbox.toml" <<TOML
[sandbox]
listen = "127.0.0.1:$sandbox_port"
openssl_config = "$cfg/openssl-gost.cnf"
process_catalogue = "$cfg/process.toml"
schema_catalog = "$root/schemas/catalog.toml"
code_lists = ["$cfg/codelists"]
reply_after = "0s"
check_documents = false
[[sandbox.gateway]]
country = "RU"
endpoint = "http://127.0.0.1:$inbound_port/"
TOML
  cat >"$dir/gateway.toml" <<TOML
[daemon]
io_threads = 1
worker_threads = 2
openssl_config = "$cfg/openssl-gost.cnf"
process_catalogue = "$cfg/process.toml"
[api]
listen = "127.0.0.1:$port"
plain_http = true
tokens = "$dir/tokens"
open_metrics = true
max_connections = 1024
[journal]
file = "$dir/journal.sqlite"
[log]
level = "warn"
[signing]
key = "$dir/keys/gost2012-256-signer.key"
certificate = "$dir/keys/gost2012-256-signer.pem"
[validation]
schema_catalog = "$root/schemas/catalog.toml"
code_lists = ["$cfg/codelists"]
[[route]]
to = "*"
endpoint = "http://127.0.0.1:$sandbox_port/"
max_in_flight = ${EAEU_E2E_IN_FLIGHT:-64}
[inbound]
listen = "127.0.0.1:$inbound_port"
plain_http = true
country = "RU"
trust = "$dir/keys/trust"
[inbound.handover]
mode = "pull"
[deadlines]
calendars = "$cfg/calendars"
TOML

  "$bin/eaeu-gateway" sandbox --config "$dir/sandbox.toml" >"$dir/sandbox.log" 2>&1 &
  sandbox_pid=$!
  "$bin/eaeu-gatewayd" --config "$dir/gateway.toml" >"$dir/gateway.log" 2>&1 &
  gateway_pid=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
    sleep 0.1
  done
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || {
    cat "$dir/gateway.log" >&2
    return 1
  }
}

# gateway_stop: both processes, waited for.
gateway_stop() {
  local pid
  for pid in ${gateway_pid:-} ${sandbox_pid:-}; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in ${gateway_pid:-} ${sandbox_pid:-}; do wait "$pid" 2>/dev/null || true; done
  gateway_pid=
  sandbox_pid=
}

# metric NAME FILTER: the sum of the gateway's samples of NAME whose line holds FILTER.
metric() {
  curl -s "http://127.0.0.1:$port/metrics" | awk -v m="$1" -v f="$2" \
    'index($0, m) == 1 && index($0, f) { s += $NF } END { printf "%d", s }'
}
