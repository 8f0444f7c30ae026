#!/usr/bin/env bash
# Makes once, in the shared volume /srv/eaeu, what every gateway of the cluster shares: the signing
# keys, a caller token, a TLS certificate for the gateways' listeners (names gw-a, gw-b and
# gateway, the address in front of them) and the database password.
set -euo pipefail
out=/srv/eaeu
[[ -f "$out/ready" ]] && exit 0
mkdir -p "$out"
eaeu-gateway keys generate --alg gost2012-256 --out "$out/keys"
(umask 077; eaeu-gateway tokens new --country RU --name cluster --append "$out/api-tokens" \
  >"$out/api-token")
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 365 \
  -subj "/CN=eaeu cluster CA" -keyout "$out/ca.key" -out "$out/ca.pem"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=gateway" \
  -keyout "$out/tls.key" -out "$out/tls.csr"
printf 'subjectAltName=DNS:gateway,DNS:gw-a,DNS:gw-b,DNS:localhost,IP:127.0.0.1\n' >"$out/san.ext"
openssl x509 -req -in "$out/tls.csr" -CA "$out/ca.pem" -CAkey "$out/ca.key" -CAcreateserial \
  -days 365 -extfile "$out/san.ext" -out "$out/tls.pem"
cp /run/secrets/db_password "$out/db-password" 2>/dev/null || true
touch "$out/ready"
