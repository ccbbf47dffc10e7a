#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Plaintext source: cost to an UNTRACED process (see docs/benchmarks.md).
#
#   bench/plaintext_cost.sh [path/to/agentsight]      (root; default build/agentsight)
#
# Driver: bench/write_loop.c, not traced, while agentsight traces another tree (sleep 600):
#   none   no tracer
#   tls    agentsight tls -- sleep 600               (the default probes)
#   plain  agentsight tls --plaintext -- sleep 600   (plus the read/write tracepoints)
# Workloads: ITER x 64 B write(2) to /dev/null, ITER x 4 KiB write+read through a pipe.
# Rounds interleave none/tls/plain; the ratio is taken per round against that round's none.
# Env: ROUNDS (9), ITER (300000), CC.
set -u
die() { echo "plaintext_cost: $*" >&2; [ -n "${BG_PID:-}" ] && stop_tracer; exit 2; }
AS=${1:-build/agentsight}
ROUNDS=${ROUNDS:-9}; ITER=${ITER:-300000}; CC=${CC:-cc}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
[ "$(id -u)" = 0 ] || die "must run as root (eBPF)"
[ -x "$AS" ] || die "agentsight binary not found: $AS"
TMP=$(mktemp -d /tmp/agentsight-plain.XXXXXX) || die "mktemp failed"
BG_PID=""
trap '[ -n "$BG_PID" ] && stop_tracer; rm -rf "$TMP"' EXIT
"$CC" -O2 -Wall -o "$TMP/write_loop" "$HERE/write_loop.c" || die "compiling write_loop.c failed"

# As lib.sh's start_bg_tracer, but waits for the traced `sleep` itself: the analysis process
# is a child too, and may appear first (loading the plaintext object takes longer).
start_tracer() {
    "$AS" "$@" -- sleep 600 >/dev/null 2>"$TMP/bg.err" &
    BG_PID=$!
    local i
    for i in $(seq 300); do
        pgrep -P "$BG_PID" -x sleep >/dev/null && break
        kill -0 "$BG_PID" 2>/dev/null || { cat "$TMP/bg.err" >&2; die "background tracer exited"; }
        sleep 0.1
    done
    pgrep -P "$BG_PID" -x sleep >/dev/null || die "background tracer did not start its command"
    sleep 1
}
stop_tracer() {
    pkill -P "$BG_PID" -x sleep
    wait "$BG_PID" 2>/dev/null
    BG_PID=""
}

echo "plaintext_cost: $ITER iterations, $ROUNDS rounds, $(nproc) CPUs, $(uname -r), $(date -u +%FT%TZ)" >&2
for w in "devnull 64" "pipe 4096"; do
    set -- $w; mode=$1; size=$2
    : >"$TMP/none"; : >"$TMP/tls"; : >"$TMP/plain"
    for r in $(seq "$ROUNDS"); do
        "$TMP/write_loop" "$ITER" "$size" "$mode" >>"$TMP/none" || die "write_loop failed"
        start_tracer tls -o /dev/null -q
        "$TMP/write_loop" "$ITER" "$size" "$mode" >>"$TMP/tls"
        stop_tracer
        start_tracer tls --plaintext -o /dev/null -q
        "$TMP/write_loop" "$ITER" "$size" "$mode" >>"$TMP/plain"
        stop_tracer
    done
    paste -d' ' "$TMP/none" "$TMP/tls" "$TMP/plain" | awk '{ print $2 / $1 }' | stats >"$TMP/r_tls"
    paste -d' ' "$TMP/none" "$TMP/tls" "$TMP/plain" | awk '{ print $3 / $1 }' | stats >"$TMP/r_plain"
    paste -d' ' "$TMP/none" "$TMP/tls" "$TMP/plain" | awk '{ print $3 / $2 }' | stats >"$TMP/r_pt"
    base=$(stats <"$TMP/none" | awk -v n="$ITER" '{ printf "%.0f", $1 / n }')
    printf "plaintext_cost: %-7s %5s B: base %s ns/iter; median ratio (q1-q3): tls/none %s, plain/none %s, plain/tls %s\n" \
        "$mode" "$size" "$base" \
        "$(awk '{ printf "%.4f (%.4f-%.4f)", $1, $4, $5 }' "$TMP/r_tls")" \
        "$(awk '{ printf "%.4f (%.4f-%.4f)", $1, $4, $5 }' "$TMP/r_plain")" \
        "$(awk '{ printf "%.4f (%.4f-%.4f)", $1, $4, $5 }' "$TMP/r_pt")"
done
