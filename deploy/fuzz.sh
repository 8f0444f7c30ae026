#!/usr/bin/env bash
# A fuzzing session of one target with libFuzzer (clang 16), AddressSanitizer and
# UndefinedBehaviorSanitizer, from its seed corpus; what it learns stays in
# build/fuzz/corpus/<target>/ for the next session, and a crash is written to
# build/fuzz/crashes/<target>/ (fix it, then keep the input in tests/fuzz/crashes/<target>/).
#
# Usage: deploy/fuzz.sh TARGET SECONDS [libFuzzer options...]
#        deploy/fuzz.sh --list
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
targets=$(sed -n 's/^set(EAEU_FUZZ_TARGETS \(.*\))$/\1/p' tests/fuzz/CMakeLists.txt)
if [[ "${1:-}" == "--list" ]]; then
  tr ' ' '\n' <<<"$targets"
  exit 0
fi
if [[ $# -lt 2 ]] || ! grep -qw -- "$1" <<<"$targets" || ! [[ "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: deploy/fuzz.sh TARGET SECONDS [libFuzzer options...]; targets: $targets" >&2
  exit 2
fi
target=$1
seconds=$2
shift 2

deploy/install-deps.sh --tests
if ! command -v clang++-16 >/dev/null; then
  apt-get update -qq && apt-get install -y -qq clang-16 >/dev/null
fi
# A build folder configured by another compiler is configured anew (what was learnt stays).
if [[ -f build/fuzz/CMakeCache.txt ]] && ! grep -q '^CMAKE_CXX_COMPILER:.*clang++-16' build/fuzz/CMakeCache.txt; then
  rm -rf build/fuzz/CMakeCache.txt build/fuzz/CMakeFiles
fi
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j2 --target "eaeu_fuzz_$target"

work="build/fuzz/corpus/$target"
crashes="build/fuzz/crashes/$target"
mkdir -p "$work" "$crashes"
leaks=1
# The router's target runs a whole gateway whose threads allocate between inputs: libFuzzer's leak
# check after every such input would stop the world each time (2 runs/s instead of 120). Its
# leaks are checked where it is replayed under the test command's AddressSanitizer build.
[[ "$target" == rest_router ]] && leaks=0 && set -- -detect_leaks=0 "$@"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=$leaks:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
echo "== fuzzing $target for $seconds s (corpus $work, crashes $crashes)"
"build/fuzz/tests/fuzz/eaeu_fuzz_$target" "$work" "tests/fuzz/corpus/$target" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=262144 \
  -artifact_prefix="$crashes/" -print_final_stats=1 "$@"
