#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the real agents the e2e tests and benchmarks drive, from npm, into a
# cache (default build/agents). Idempotent: an installed version is kept.
#   scripts/fetch-agents.sh [DIR]
# Prints nothing but errors; DIR/<name>/node_modules/.bin holds the binaries.
set -euo pipefail
dir=${1:-${AGENTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)/build/agents}}
mkdir -p "$dir"

install() {  # install NAME SPEC: npm package SPEC into DIR/NAME
    local name=$1 spec=$2 stamp="$dir/$1/.installed"
    if [[ -f $stamp && $(cat "$stamp") == "$spec" ]]; then return 0; fi
    rm -rf "${dir:?}/$name" && mkdir -p "$dir/$name"
    npm install --prefix "$dir/$name" --no-audit --no-fund --loglevel=error "$spec" >/dev/null
    echo "$spec" >"$stamp"
}

install claude-2.1.197 @anthropic-ai/claude-code@2.1.197
install claude-2.1.113 @anthropic-ai/claude-code@2.1.113
install claude-2.1.112 @anthropic-ai/claude-code@2.1.112
install claude-2.1.337 @anthropic-ai/claude-code@2.1.337
install gemini @google/gemini-cli@0.61.0
install qwen @qwen-code/qwen-code@0.24.4
install opencode opencode-ai@1.18.33
install mcp-server-filesystem @modelcontextprotocol/server-filesystem@2026.8.31

# Codex (issue 23): two versions for the rustls discovery tests; its own script because
# the linux binary comes from a platform-specific optional dependency.
"$(dirname "$0")/fetch-codex.sh" "$dir"
