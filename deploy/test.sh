#!/usr/bin/env bash
# The test command of the README: installs what is missing, checks the formatting, builds the
# AddressSanitizer + UndefinedBehaviorSanitizer preset and runs the whole suite with ctest.
# With --tsan: the ThreadSanitizer preset instead, and the suite without the fuzz corpora and the
# crash loop (their processes are single-threaded or killed on purpose).
#
# Usage: deploy/test.sh [--tsan] [ctest arguments...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

preset=asan
extra=()
if [[ "${1:-}" == "--tsan" ]]; then
  shift
  preset=tsan
  extra=(-E "Fuzz corpus|Crash loop")
fi

deploy/install-deps.sh --tests

echo "== formatting (clang-format)"
mapfile -t sources < <(git ls-files '*.cpp' '*.hpp' 2>/dev/null || find codecs gateway tests -name '*.[ch]pp')
clang-format --dry-run --Werror "${sources[@]}"

echo "== build ($preset preset)"
cmake --preset "$preset"
cmake --build --preset "$preset" -j2

echo "== PostgreSQL 15 on loopback (the journal's suite runs on it too)"
pg_dir="$(mktemp -d /tmp/eaeu-postgres.XXXXXX)"
trap 'deploy/postgres-test-server.sh stop "$pg_dir"' EXIT
EAEU_TEST_POSTGRES_URL="$(deploy/postgres-test-server.sh start "$pg_dir")"
export EAEU_TEST_POSTGRES_URL
echo "$EAEU_TEST_POSTGRES_URL"

echo "== tests"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:suppressions=$root/tests/tsan.supp}"
log="build/$preset/ctest.log"
set +e
ctest --preset "$preset" -j2 "${extra[@]}" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# The output of each failed test again, its last lines, so that it stands next to the summary
# however long the run was.
if [[ $status -ne 0 ]]; then
  awk '
    / Test +#[0-9]+: .*\*\*\*/ { name = $0; n = 0; grab = 1; next }
    grab && (/^ +Start +[0-9]+: / || /^[0-9]+\/[0-9]+ Test +#/ || /tests passed, /) {
      print "== failed: " name; s = n > 120 ? n - 120 : 0
      for (i = s; i < n; ++i) print buf[i]
      grab = 0
    }
    grab { buf[n++] = $0 }
  ' "$log"
fi
# ctest's summary, "100% tests passed, 0 tests failed out of 73", as the closing line.
if [[ "$(grep -E 'tests passed, [0-9]+ tests? failed out of' "$log" | tail -1)" =~ ([0-9]+)\ tests?\ failed\ out\ of\ ([0-9]+) ]]; then
  echo "$((BASH_REMATCH[2] - BASH_REMATCH[1])) passed, ${BASH_REMATCH[1]} failed"
fi
exit "$status"
