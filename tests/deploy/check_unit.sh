#!/usr/bin/env bash
# The systemd unit of deploy/systemd as systemd reads it, pointed at the built daemon: it verifies,
# and its exposure (systemd-analyze security, offline) stays at or under 2.0 of 10.
#
# Usage: tests/deploy/check_unit.sh UNIT DAEMON
set -euo pipefail
unit="$1"
daemon="$2"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
sed "s|/usr/local/bin/eaeu-gatewayd|$daemon|g" "$unit" >"$dir/eaeu-gatewayd.service"
systemd-analyze verify "$dir/eaeu-gatewayd.service"
if ! report="$(systemd-analyze security --offline=yes --threshold=20 "$dir/eaeu-gatewayd.service" 2>&1)"; then
  printf '%s\n' "$report"
  echo "check_unit: the unit's exposure is over 2.0" >&2
  exit 1
fi
printf '%s\n' "$report" | grep -E "Overall exposure level"
