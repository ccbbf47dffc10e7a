#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what agentsight needs to build, run and test on Debian 12, as root.
# Idempotent: installs only missing packages, runs `apt-get update` once if needed.
#   scripts/setup.sh          build + run dependencies
#   scripts/setup.sh --test   also the test clients (gnutls-cli, NSS tools, chromium, npm deps)
#                             and pmccabe (scripts/check-size.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(build-essential cmake pkg-config clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev
      libssl-dev libnghttp2-dev libbrotli-dev libzstd-dev libsqlite3-dev nlohmann-json3-dev
      libcli11-dev libcpp-httplib-dev libgtest-dev libgmock-dev libbenchmark-dev)
if [[ ${1:-} == --test ]]; then
    pkgs+=(curl python3 gnutls-bin libnss3-tools openssl bpftrace jq chromium sqlite3 pmccabe)
    # Node may come from elsewhere than Debian (its own npm then conflicts with
    # Debian's): install Debian's only when there is none.
    command -v node >/dev/null || pkgs+=(nodejs)
    command -v npm >/dev/null || pkgs+=(npm)
fi

missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ ${1:-} == --test ]]; then
    # Test-only JavaScript: OTLP schema validation and the browser tests.
    npm ci --prefix tests/otlp --no-audit --no-fund --loglevel=error >/dev/null
    npm ci --prefix tests/ui --no-audit --no-fund --loglevel=error >/dev/null
    # The real agents the e2e tests drive, cached in build/agents.
    scripts/fetch-agents.sh
fi
