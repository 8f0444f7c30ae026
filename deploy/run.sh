#!/usr/bin/env bash
# The run command of the README: installs what is missing, builds the release preset and runs the
# gateway on its embedded default (the shipped schemas, code lists and examples; development keys
# in var/keys).
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
keys="$root/var/keys"
if [[ ! -f "$keys/gost2012-256-signer.key" ]]; then
  echo "== eaeu-gateway keys generate --alg gost2012-256 --out var/keys (development keys)"
  "$cli" keys generate --alg gost2012-256 --out "$keys"
  echo
fi
echo "== eaeu-gateway sign ... --out var/signed-report.xml schemas/examples/inspection-report.xml"
"$cli" sign --key "$keys/gost2012-256-signer.key" --cert "$keys/gost2012-256-signer.pem" \
  --out "$root/var/signed-report.xml" schemas/examples/inspection-report.xml
echo
echo "== eaeu-gateway verify --trust var/keys/trust var/signed-report.xml"
"$cli" verify --trust "$keys/trust" "$root/var/signed-report.xml"
echo
echo "The command line is at $cli (see README.md, \"Command line\")."
