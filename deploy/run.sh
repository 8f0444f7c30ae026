#!/usr/bin/env bash
# The run command of the README: installs what is missing, builds the release preset and runs the
# gateway on its embedded default (the shipped schemas, code lists and examples).
#
# Usage: deploy/run.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

deploy/install-deps.sh
cmake --preset release -DEAEU_BUILD_TESTS=OFF -DEAEU_BUILD_BENCH=OFF >/dev/null
cmake --build --preset release -j2

cli="$root/build/release/gateway/eaeu-gateway"
echo
echo "== eaeu-gateway validate schemas/examples/*.xml"
"$cli" validate schemas/examples/*.xml
echo
echo "== eaeu-gateway convert --to json schemas/examples/suspension-notice.xml"
"$cli" convert --to json schemas/examples/suspension-notice.xml
echo
echo "The command line is at $cli (see README.md, \"Command line\")."
