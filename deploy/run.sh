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

# The daemon on the embedded default (config/gateway.toml): SQLite journal in var/, the keys
# above, plain HTTP on 127.0.0.1:8080, a drop folder in var/drop/RU. A caller token for this
# machine is made once, and an operator's token for the web console.
daemon="$root/build/release/gateway/eaeu-gatewayd"
if [[ ! -s "$root/var/api-token" ]]; then
  echo "== eaeu-gateway tokens new --country RU --name local --append var/api-tokens"
  (umask 077; "$cli" tokens new --country RU --name local --append "$root/var/api-tokens" \
    >"$root/var/api-token")
  echo
fi
if [[ ! -s "$root/var/operator-token" ]]; then
  echo "== eaeu-gateway tokens new --role operator --name operator --append var/api-tokens"
  (umask 077; "$cli" tokens new --role operator --name operator \
    --append "$root/var/api-tokens" >"$root/var/operator-token")
  echo
fi
# The sandbox plays the integrated system on 127.0.0.1:8091: it answers the gateway's envelopes
# with receipts and R.006 replies, which come back to the gateway's inbound endpoint (:8092).
echo "== eaeu-gateway sandbox --config config/sandbox.toml"
"$cli" sandbox --config config/sandbox.toml &
sandbox_pid=$!
"$daemon" --check-config config/gateway.toml
"$daemon" --config config/gateway.toml &
daemon_pid=$!
trap 'kill -TERM "$daemon_pid" "$sandbox_pid" 2>/dev/null; wait "$daemon_pid" "$sandbox_pid"' INT TERM
for _ in $(seq 1 100); do
  curl -fsS http://127.0.0.1:8091/sandbox/state >/dev/null 2>&1 && break
  kill -0 "$sandbox_pid" 2>/dev/null || { echo "the sandbox did not start" >&2; exit 1; }
  sleep 0.1
done
for _ in $(seq 1 100); do
  curl -fsS http://127.0.0.1:8080/readyz >/dev/null 2>&1 && break
  kill -0 "$daemon_pid" 2>/dev/null || { echo "eaeu-gatewayd did not start" >&2; exit 1; }
  sleep 0.1
done
export EAEU_GATEWAY_TOKEN="$(cat "$root/var/api-token")"
echo
echo "== eaeu-gateway submit schemas/examples/inspection-report.xml"
"$cli" submit schemas/examples/inspection-report.xml | tee "$root/var/last-submit.txt"
id="$(grep -o '[0-9a-f]\{8\}-[0-9a-f-]\{27\}' "$root/var/last-submit.txt" | head -1)"
# Signed, sent to the sandbox, received (DeliveryReceipt), then answered with R.006 after a second.
for _ in $(seq 1 100); do
  "$cli" messages show "$id" | grep -q '^state     acknowledged' && break
  sleep 0.1
done
echo
echo "== eaeu-gateway messages show $id"
"$cli" messages show "$id"
echo
echo "== the R.006 reply in the inbox: curl -H 'Authorization: Bearer …' http://127.0.0.1:8080/v1/inbox"
curl -fsS -H "Authorization: Bearer $EAEU_GATEWAY_TOKEN" http://127.0.0.1:8080/v1/inbox
echo
echo
echo "eaeu-gatewayd is running (pid $daemon_pid) on http://127.0.0.1:8080, the sandbox (pid"
echo "$sandbox_pid) on http://127.0.0.1:8091; Ctrl-C stops both."
echo "The console: http://127.0.0.1:8080/console/ (sign in with the token in var/operator-token)."
echo "Try: EAEU_GATEWAY_TOKEN=\$(cat var/api-token) $cli messages list"
echo "     or drop a document into var/drop/RU/ and look in var/drop/RU/accepted/ and rejected/;"
echo "     curl -d '{\"what\": \"5xx\"}' http://127.0.0.1:8091/sandbox/misbehave, then submit again."
wait "$daemon_pid"
