#!/usr/bin/env bash
# End to end on loopback: wrk posts REPORTS inspection reports (the 13.5 KB example, each with an
# EDocId of its own) over CONNECTIONS keep-alive connections to one gateway (SQLite journal,
# GOST R 34.10-2012 signatures, 1 I/O thread and 2 workers), which signs and delivers each to the
# sandbox in its load mode (no validation of what it takes, its R.006 reply at once); the clock
# stops when the journal counts the last report acknowledged (eaeu_messages of /metrics). Prints a
# row: accepted/s and the intake's p50/p99 (wrk), acknowledged/s, journal changes and commits per
# report, and the bytes the gateway had written to storage per report (/proc/PID/io).
#
# Usage: tests/bench/e2e.sh [REPORTS [CONNECTIONS]]   (default: 20000 32; after tests/bench/run.sh
# or any Release build; ports EAEU_E2E_PORT, +1 and +2, default 18080)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
reports="${1:-20000}"
connections="${2:-32}"
bin="$root/build/release/gateway"
dir="$(mktemp -d /tmp/eaeu-e2e.XXXXXX)"
# shellcheck source=tests/bench/gateway.sh
source "$root/tests/bench/gateway.sh"
cleanup() {
  gateway_stop
  [[ -n "${EAEU_E2E_KEEP:-}" ]] || rm -rf "$dir"
}
trap cleanup EXIT
gateway_start "$dir" "${EAEU_E2E_PORT:-18080}"

written() {  # bytes the gateway has had written to storage (the journal, its WAL, the log)
  awk '$1 == "write_bytes:" { print $2 }' "/proc/$gateway_pid/io"
}
threads=2
written_before=$(written)
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
written_after=$(written)
commits=$(metric 'eaeu_journal_commits_total' '')
changes=$(metric 'eaeu_journal_changes_total' '')
# Documents the deadline tracker parsed again from the journal rather than taking the intake's.
reread=$(metric 'eaeu_deadline_documents_total{from="journal"}' '')
echo "End to end: reports through to acknowledgement, one gateway on SQLite, GOST R 34.10-2012"
echo
echo "| reports | connections | accepted/s | intake p50 | intake p99 | acknowledged/s | seconds | journal changes per report | commits per report | KB written per report | documents read back per report |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
awk -v r="$accepted" -v c="$connections" -v is="$intake_seconds" -v p50="$p50" -v p99="$p99" \
  -v a="$acked" -v s="$start" -v e="$end" -v ch="$changes" -v co="$commits" \
  -v w="$((written_after - written_before))" -v rr="$reread" 'BEGIN {
    t = e - s
    printf "| %d | %d | %.0f | %.1f ms | %.1f ms | %.0f | %.1f | %.1f | %.1f | %.1f | %.2f |\n",
      r, c, r / is, p50, p99, a / t, t, ch / r, co / r, w / r / 1000, rr / r }'
if ((acked < accepted)); then
  echo "only $acked of $accepted acknowledged" >&2
  exit 1
fi
