#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Codex versions the rustls discovery tests and e2e tests drive, from
# npm, into the agent cache (default build/agents). Idempotent like
# fetch-agents.sh, which is meant to call this script.
#   scripts/fetch-codex.sh [DIR]
# @openai/codex is a node launcher; its linux x64 binary comes from the optional
# dependency @openai/codex-linux-x64 (an npm alias of @openai/codex@<v>-linux-x64),
# which npm installs on linux x64 hosts. The binary ends up at
#   DIR/codex-<v>/node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex
set -euo pipefail
dir=${1:-${AGENTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)/build/agents}}
mkdir -p "$dir"

install() {  # install NAME SPEC: npm package SPEC into DIR/NAME
    local name=$1 spec=$2 stamp="$dir/$1/.installed"
    if [[ -f $stamp && $(cat "$stamp") == "$spec" ]]; then return 0; fi
    rm -rf "${dir:?}/$name" && mkdir -p "$dir/$name"
    npm install --prefix "$dir/$name" --no-audit --no-fund --loglevel=error \
        --os=linux --cpu=x64 "$spec" >/dev/null
    echo "$spec" >"$stamp"
}

# Four releases apart (0.168, 0.169, 0.170 in between): the discovery must find
# the same entry points in both with no per-version table.
install codex-0.167.2 @openai/codex@0.167.2
install codex-0.171.0 @openai/codex@0.171.0
