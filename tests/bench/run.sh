#!/usr/bin/env bash
# Builds the Release preset and prints the benchmark tables.
# Usage: tests/bench/run.sh [seconds-per-row]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
cmake --preset release -DEAEU_BUILD_BENCH=ON >/dev/null
cmake --build --preset release -j2 --target eaeu_bench_validate
taskset -c 0 build/release/tests/bench/eaeu_bench_validate "$root" "${1:-3}" 2>/dev/null ||
  build/release/tests/bench/eaeu_bench_validate "$root" "${1:-3}"
