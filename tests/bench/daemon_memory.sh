#!/usr/bin/env bash
# The gateway's memory for one large inspection report, end to end: for each size, a new gateway
# and sandbox (tests/bench/gateway.sh) take the example report with a report file (IR-17) of
# that many MiB of random bytes in base64, posted over REST, and the gateway validates, journals,
# signs (GOST R 34.10-2012), delivers it and takes the sandbox's R.006. Prints a row a size: the
# gateway's resident set before the POST, its peak (VmHWM) by the acknowledgement, and what the
# peak grew by as a multiple of the message.
#
# Usage: tests/bench/daemon_memory.sh [MIB...]   (default: 1 10 19; IR-17 allows up to 20 MiB;
# after tests/bench/run.sh or any Release build; ports EAEU_E2E_PORT, +1 and +2, default 18080)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="$root/build/release/gateway"
sizes=("$@")
((${#sizes[@]})) || sizes=(1 10 19)
work="$(mktemp -d /tmp/eaeu-daemon-memory.XXXXXX)"
# shellcheck source=tests/bench/gateway.sh
source "$root/tests/bench/gateway.sh"
cleanup() {
  gateway_stop
  rm -rf "$work"
}
trap cleanup EXIT

# report FILE MIB: the example report with a report file of MIB MiB of random bytes.
report() {
  head -c "$(($2 << 20))" /dev/urandom | base64 -w 76 >"$1.base64"
  awk -v text="$1.base64" '
    /<doc:InspectionReportBinaryText/ {
      print
      while ((getline line < text) > 0) print "      " line
      skipping = 1
      next
    }
    /<\/doc:InspectionReportBinaryText>/ { skipping = 0 }
    !skipping { print }' "$root/schemas/examples/inspection-report.xml" >"$1"
  rm -f "$1.base64"
}

rss() {  # rss FIELD: the gateway's VmRSS or VmHWM, in KiB
  awk -v f="$1:" '$1 == f { print $2 }' "/proc/$gateway_pid/status"
}

echo "The gateway's memory for one report, REST to acknowledgement (SQLite journal, GOST R 34.10-2012)"
echo
echo "| report file | message | gateway before | peak RSS | (peak − before) / message | seconds |"
echo "|---:|---:|---:|---:|---:|---:|"
for mib in "${sizes[@]}"; do
  dir="$work/$mib"
  mkdir -p "$dir"
  gateway_start "$dir" "${EAEU_E2E_PORT:-18080}"
  report "$dir/report.xml" "$mib"
  bytes=$(stat -c %s "$dir/report.xml")
  before=$(rss VmRSS)
  start=$(date +%s.%N)
  status=$(curl -s -o "$dir/answer.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
    -H "Content-Type: application/xml" --data-binary @"$dir/report.xml" \
    "http://127.0.0.1:$port/v1/documents")
  if [[ "$status" != 202 ]]; then
    echo "the gateway answered $status to the $mib MiB report:" >&2
    cat "$dir/answer.json" >&2
    exit 1
  fi
  acked=0
  for _ in $(seq 1 3000); do
    acked=$(metric 'eaeu_messages{kind="inspection-report",direction="outbound",state="acknowledged"}' '')
    ((acked >= 1)) && break
    sleep 0.1
  done
  end=$(date +%s.%N)
  if ((acked < 1)); then
    echo "the $mib MiB report was not acknowledged in 5 minutes" >&2
    exit 1
  fi
  peak=$(rss VmHWM)
  awk -v f="$mib" -v m="$bytes" -v b="$before" -v p="$peak" -v s="$start" -v e="$end" 'BEGIN {
    printf "| %d MiB | %.1f MB | %.1f MiB | %.1f MiB | %.2f | %.2f |\n",
      f, m / 1e6, b / 1024, p / 1024, (p - b) * 1024 / m, e - s }'
  gateway_stop
done
