#!/usr/bin/env bash
# End to end on loopback: wrk posts REPORTS inspection reports (the 13.5 KB example, each with an
# EDocId of its own) over CONNECTIONS keep-alive connections to one gateway (SQLite journal,
# GOST R 34.10-2012 signatures, 1 I/O thread and 2 workers), which signs and delivers each to the
# sandbox in its load mode (no validation of what it takes, its R.006 reply at once); the clock
# stops when the journal counts the last report acknowledged (eaeu_messages of /metrics). Prints a
# row: accepted/s and the intake's p50/p99 (wrk), acknowledged/s, journal commits per report.
#
# Usage: tests/bench/e2e.sh [REPORTS [CONNECTIONS]]   (default: 20000 32; after tests/bench/run.sh
# or any Release build; ports EAEU_E2E_PORT, +1 and +2, default 18080)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
reports="${1:-20000}"
connections="${2:-32}"
bin="$root/build/release/gateway"
port="${EAEU_E2E_PORT:-18080}"
sandbox_port=$((port + 1))
inbound_port=$((port + 2))
dir="$(mktemp -d /tmp/eaeu-e2e.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ -n "${EAEU_E2E_KEEP:-}" ]] || rm -rf "$dir"
}
trap cleanup EXIT

"$bin/eaeu-gateway" keys generate --alg gost2012-256 --out "$dir/keys" >/dev/null
token="$("$bin/eaeu-gateway" tokens new --country RU --name load --append "$dir/tokens" 2>/dev/null)"
cfg="$root/config"
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
pids+=($!)
"$bin/eaeu-gatewayd" --config "$dir/gateway.toml" >"$dir/gateway.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$dir/gateway.log" >&2; exit 1; }

metric() {  # the sum of a metric's samples whose line matches $2
  curl -s "http://127.0.0.1:$port/metrics" | awk -v m="$1" -v f="$2" \
    'index($0, m) == 1 && index($0, f) { s += $NF } END { printf "%d", s }'
}
threads=2
start=$(date +%s.%N)
# wrk sleeps out its duration even when every thread has stopped: it is interrupted (and prints
# its figures) once the gateway has taken the reports in.
wrk -t"$threads" -c"$connections" -d3600s -s "$root/tests/bench/e2e.lua" \
  "http://127.0.0.1:$port/v1/documents" -- "$token" "$reports" \
  "$root/schemas/examples/inspection-report.xml" "$threads" >"$dir/wrk.txt" &
wrk_pid=$!
while kill -0 "$wrk_pid" 2>/dev/null; do
  (($(metric 'eaeu_intake_total{outcome="accepted"}' '') >= reports)) && break
  sleep 0.05
done
kill -INT "$wrk_pid" 2>/dev/null || true
wait "$wrk_pid" || true
accepted=$(awk '$1 == "accepted" { print $2 }' "$dir/wrk.txt")
intake_seconds=$(awk '$1 == "seconds" { print $2 }' "$dir/wrk.txt")
p50=$(awk '$1 == "p50_ms" { print $2 }' "$dir/wrk.txt")
p99=$(awk '$1 == "p99_ms" { print $2 }' "$dir/wrk.txt")
# Until every accepted report is acknowledged (or an hour).
acked=0
for _ in $(seq 1 36000); do
  acked=$(metric 'eaeu_messages{kind="inspection-report",direction="outbound",state="acknowledged"}' '')
  ((acked >= accepted)) && break
  sleep 0.1
done
end=$(date +%s.%N)
commits=$(metric 'eaeu_journal_commits_total' '')
changes=$(metric 'eaeu_journal_changes_total' '')
echo "End to end: reports through to acknowledgement, one gateway on SQLite, GOST R 34.10-2012"
echo
echo "| reports | connections | accepted/s | intake p50 | intake p99 | acknowledged/s | seconds | journal changes per report | commits per report |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
awk -v r="$accepted" -v c="$connections" -v is="$intake_seconds" -v p50="$p50" -v p99="$p99" \
  -v a="$acked" -v s="$start" -v e="$end" -v ch="$changes" -v co="$commits" 'BEGIN {
    t = e - s
    printf "| %d | %d | %.0f | %.1f ms | %.1f ms | %.0f | %.1f | %.1f | %.1f |\n",
      r, c, r / is, p50, p99, a / t, t, ch / r, co / r }'
if ((acked < accepted)); then
  echo "only $acked of $accepted acknowledged" >&2
  exit 1
fi
