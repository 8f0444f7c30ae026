#!/usr/bin/env bash
# Builds the Release preset and prints the benchmark tables.
# Usage: tests/bench/run.sh [seconds-per-row]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
cmake --preset release -DEAEU_BUILD_BENCH=ON >/dev/null
cmake --build --preset release -j2 --target eaeu_bench_validate eaeu_bench_sign eaeu_bench_journal \
  eaeu_bench_rest eaeu_bench_registry eaeu_bench_cluster eaeu_bench_reference eaeu_bench_memory \
  eaeu-gatewayd eaeu-gateway
# The journal's table on PostgreSQL too: a server of its own on loopback, stopped at the end.
pg_dir="$(mktemp -d /tmp/eaeu-bench-postgres.XXXXXX)"
trap 'deploy/postgres-test-server.sh stop "$pg_dir"' EXIT
EAEU_BENCH_POSTGRES_URL="$(deploy/postgres-test-server.sh start "$pg_dir")"
export EAEU_BENCH_POSTGRES_URL
for bench in eaeu_bench_validate eaeu_bench_sign eaeu_bench_reference eaeu_bench_journal; do
  # One core, as the figures are quoted; without taskset where it is missing.
  if command -v taskset >/dev/null; then
    taskset -c 0 "build/release/tests/bench/$bench" "$root" "${1:-3}"
  else
    "build/release/tests/bench/$bench" "$root" "${1:-3}"
  fi
  echo
done
# Peak memory of 10 MB and 100 MB reports, each command a process of its own.
build/release/tests/bench/eaeu_bench_memory "$root" 10 100
echo
# The REST intake and the register sync use the whole machine (the daemon's threads and the
# client share it; the sync validates on every core).
build/release/tests/bench/eaeu_bench_rest "$root" "${1:-3}"
echo
build/release/tests/bench/eaeu_bench_registry "$root"
echo
# Whole gateways end to end, one on SQLite and one to three on the PostgreSQL server above.
build/release/tests/bench/eaeu_bench_cluster "$root" "${EAEU_BENCH_CLUSTER_REPORTS:-1500}"
echo
# One gateway end to end under wrk, through to acknowledgement; then one large report at a time.
tests/bench/e2e.sh "${EAEU_BENCH_E2E_REPORTS:-20000}" 32
echo
tests/bench/daemon_memory.sh
