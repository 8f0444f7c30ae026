#!/usr/bin/env bash
# Installs the Debian 12 packages that eaeu-gateway builds and runs with, and with --tests the
# ones its test suite needs too. Runs apt-get only when something is missing; as root or with sudo.
#
# Usage: deploy/install-deps.sh [--tests]
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build ccache pkg-config
  # libraries (design/ARCHITECTURE.md, "Dependencies")
  libxerces-c-dev libxml-security-c-dev libssl-dev libengine-gost-openssl openssl
  libboost-dev libcurl4-openssl-dev libsqlite3-dev libpq-dev libtomlplusplus-dev
  nlohmann-json3-dev libspdlog-dev libcli11-dev zlib1g-dev curl
)
if [[ "${1:-}" == "--tests" ]]; then
  packages+=(
    catch2 libbenchmark-dev clang-format
    # independent checkers the tests compare the product with
    libxml2-utils xmlsec1 libxml2-dev
    # the independent GOST R 34.10-2012 check: Apache Santuario (Java) with BouncyCastle
    default-jdk-headless libxml-security-java libbcprov-java libslf4j-java
    # the C stack the benchmarks compare the signing pipeline with, and the load client of the
    # end-to-end benchmark (tests/bench/run.sh)
    libxmlsec1-dev wrk
    # promtool reads the metrics as Prometheus does; systemd-analyze reads the unit
    prometheus systemd
    # the journal's PostgreSQL backend runs its suite against a real server
    postgresql-15
    # the web console's test: Debian's Chromium driven by playwright-core from npm
    chromium
  )
  # Node.js and npm from Debian where the machine has none of its own.
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then packages+=(nodejs npm); fi
fi

# playwright-core for the console's test, at the version package-lock.json pins (it downloads no
# browser: the test drives Debian's /usr/bin/chromium).
install_console_test() {
  [[ "${1:-}" == "--tests" ]] || return 0
  local dir
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../tests/console" && pwd)"
  if [[ ! -d "$dir/node_modules/playwright-core" ]]; then
    echo "install-deps: npm ci in tests/console (playwright-core)"
    (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts)
  fi
}

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  install_console_test "${1:-}"
  exit 0
fi

sudo=()
if [[ "$(id -u)" -ne 0 ]]; then
  if ! command -v sudo >/dev/null; then
    echo "install-deps: missing packages (${missing[*]}); run this script as root" >&2
    exit 1
  fi
  sudo=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
install_console_test "${1:-}"
