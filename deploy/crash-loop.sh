#!/usr/bin/env bash
# The crash loop, longer than the test command's: eaeu-gatewayd killed with SIGKILL N times at
# random moments while clients submit, deliveries go out and the sandbox answers; restarted each
# time; at the end every 202 is in the journal and acknowledged, the sandbox took each EDocId
# once, and each report has one DL-01. Prints the figures.
#
# Usage: deploy/crash-loop.sh N [--asan]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [[ $# -lt 1 ]] || ! [[ "$1" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: deploy/crash-loop.sh N [--asan]  (N: the number of kills)" >&2
  exit 2
fi
kills=$1
preset=dev
if [[ "${2:-}" == "--asan" ]]; then preset=asan; fi

deploy/install-deps.sh --tests
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j2 --target eaeu_tests eaeu-gatewayd eaeu-gateway
echo "== crash loop: $kills kills ($preset build)"
start=$(date +%s)
log="build/$preset/crash-loop.log"
set +e
EAEU_CRASH_KILLS="$kills" "build/$preset/tests/eaeu_tests" "[crash-loop]" >"$log" 2>&1
status=$?
set -e
grep -E "^crash loop:|^All tests passed|^test cases|^assertions|FAILED|with expansion" "$log" || true
echo "== $(( $(date +%s) - start )) s; the whole output: $log"
exit "$status"
