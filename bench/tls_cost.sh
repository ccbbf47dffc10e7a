#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# TLS per-call cost benchmark (see docs/benchmarks.md, "TLS per-call cost").
#
#   bench/tls_cost.sh [path/to/agentsight]      (root; default build/agentsight)
#
# Driver: bench/tls_loop.c (one process, one thread, client+server SSL over a BIO pair;
# system libssl, dynamically linked), timing only its loop.  Per round, in rotating order:
#   base    tls_loop alone
#   ours    agentsight tls -o /dev/null -q -- tls_loop
#   count   bpftrace uprobe+uretprobe on SSL_write/SSL_read, count() only  (the floor)
#   copy    bpftrace that also copies the buffers (buf(), at most BPFTRACE_STRLEN=200 bytes)
# for two workloads: ITER1 x 1 KiB writes (1 SSL_read each), ITER64 x 64 KiB (4 SSL_read each).
# Added us per TLS call = (traced - base) / (SSL_write + SSL_read calls), same round.
# Then case "outside": tls_loop (ITER_OUT x 1 KiB) while 'agentsight tls -- sleep 600'
# traces another tree, vs no tracer, ROUNDS_OUT interleaved rounds.
#
# Optional arms, in the same rotation:
#   main    AS_BASELINE=path: another agentsight build (e.g. main's), same command as ours
#   peer    AGENTSIGHT_SSLSNIFF=path: AgentSight's sslsniff, started in the background with
#           SSLSNIFF_ARGS (default none) and given SSLSNIFF_READY s (2) to attach, output
#           to /dev/null, stopped after the loop
# Env: ROUNDS (9), ITER1 (20000), ITER64 (1000), ROUNDS_OUT (11), ITER_OUT (200000), CC.
# Exits non-zero only on setup errors.
set -u
die() { echo "tls_cost: $*" >&2; [ -n "${BG_PID:-}" ] && kill "$BG_PID" 2>/dev/null; exit 2; }

AS=${1:-build/agentsight}
ROUNDS=${ROUNDS:-9}; ITER1=${ITER1:-20000}; ITER64=${ITER64:-1000}
ROUNDS_OUT=${ROUNDS_OUT:-11}; ITER_OUT=${ITER_OUT:-200000}
CC=${CC:-cc}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

[ "$(id -u)" = 0 ] || die "must run as root (eBPF)"
[ -x "$AS" ] || die "agentsight binary not found: $AS"
command -v bpftrace >/dev/null || die "bpftrace is required (the uprobe floor)"
command -v "$CC" >/dev/null || die "no C compiler ($CC)"
TMP=$(mktemp -d /tmp/agentsight-tls.XXXXXX) || die "mktemp failed"
BG_PID=""
cleanup() { [ -n "$BG_PID" ] && stop_bg_tracer; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
cp "$AS" "$TMP/agentsight" || die "cannot copy $AS"
AS_ORIG=$AS; AS=$TMP/agentsight
METHODS="base ours count copy"
if [ -n "${AS_BASELINE:-}" ]; then
    cp "$AS_BASELINE" "$TMP/agentsight-main" || die "cannot copy AS_BASELINE=$AS_BASELINE"
    METHODS="$METHODS main"
fi
if [ -n "${AGENTSIGHT_SSLSNIFF:-}" ]; then
    [ -x "$AGENTSIGHT_SSLSNIFF" ] || die "AGENTSIGHT_SSLSNIFF=$AGENTSIGHT_SSLSNIFF is not executable"
    METHODS="$METHODS peer"
fi
"$CC" -O2 -Wall -o "$TMP/tls_loop" "$HERE/tls_loop.c" -lssl -lcrypto || die "compiling tls_loop.c failed (libssl-dev?)"
LIBSSL=$(ldd "$TMP/tls_loop" | awk '/libssl\.so/ { print $3 }')
LIBSSL=$(readlink -f "$LIBSSL")
[ -f "$LIBSSL" ] || die "cannot find the libssl tls_loop links"

cat >"$TMP/count.bt" <<BT
uprobe:$LIBSSL:SSL_write, uprobe:$LIBSSL:SSL_read { @c = count(); }
uretprobe:$LIBSSL:SSL_write, uretprobe:$LIBSSL:SSL_read { @r = count(); }
BT
cat >"$TMP/copy.bt" <<BT
uprobe:$LIBSSL:SSL_write { @w[tid] = buf(arg1, arg2); }
uprobe:$LIBSSL:SSL_read { @rb[tid] = arg1; }
uretprobe:$LIBSSL:SSL_write { @r = count(); }
uretprobe:$LIBSSL:SSL_read /@rb[tid] && (int32)retval > 0/ { @rd[tid] = buf(@rb[tid], (int32)retval); delete(@rb[tid]); }
BT

# each prints "<ns> <writes> <reads>"
run_base()  { "$TMP/tls_loop" "$1" "$2" "$TMP/ns" >/dev/null || die "tls_loop failed"; cat "$TMP/ns"; }
run_ours()  { "$AS" tls -o /dev/null -q -- "$TMP/tls_loop" "$1" "$2" "$TMP/ns" >/dev/null || die "agentsight tls failed"; cat "$TMP/ns"; }
run_count() { bpftrace "$TMP/count.bt" -c "$TMP/tls_loop $1 $2 $TMP/ns" >"$TMP/bt.out" 2>&1 || die "bpftrace failed: $(tail -3 "$TMP/bt.out")"; cat "$TMP/ns"; }
run_main()  { "$TMP/agentsight-main" tls -o /dev/null -q -- "$TMP/tls_loop" "$1" "$2" "$TMP/ns" >/dev/null || die "baseline agentsight tls failed"; cat "$TMP/ns"; }
run_peer()  {
    # shellcheck disable=SC2086
    "$AGENTSIGHT_SSLSNIFF" ${SSLSNIFF_ARGS:-} >/dev/null 2>"$TMP/peer.err" &
    local p=$!; sleep "${SSLSNIFF_READY:-2}"
    kill -0 "$p" 2>/dev/null || die "sslsniff exited: $(tail -3 "$TMP/peer.err")"
    "$TMP/tls_loop" "$1" "$2" "$TMP/ns" >/dev/null || die "tls_loop failed"
    kill -INT "$p" 2>/dev/null; wait "$p" 2>/dev/null; cat "$TMP/ns"; }
run_copy()  { BPFTRACE_STRLEN=200 bpftrace "$TMP/copy.bt" -c "$TMP/tls_loop $1 $2 $TMP/ns" >/dev/null 2>&1 || die "bpftrace (copy) failed"; cat "$TMP/ns"; }

echo "tls_cost: $AS_ORIG ($("$AS" --version 2>&1 | head -n1)), $LIBSSL, $ROUNDS rounds, $(nproc) CPUs, $(uname -r), $(date -u +%FT%TZ), load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

NM=$(echo $METHODS | wc -w)
workload() {  # $1 = label, $2 = iterations, $3 = size
    local label=$1 it=$2 sz=$3 r m order
    for m in $METHODS; do : >"$TMP/$label.$m"; done
    : >"$TMP/$label.per"
    run_base "$it" "$sz" >/dev/null; run_ours "$it" "$sz" >/dev/null   # warm-up
    for r in $(seq "$ROUNDS"); do
        # rotate the order so no method always goes first
        order=$(echo $METHODS $METHODS | cut -d' ' -f$(( (r - 1) % NM + 1 ))-$(( (r - 1) % NM + NM )))
        for m in $order; do "run_$m" "$it" "$sz" >>"$TMP/$label.$m"; done
        # per round, one line: base us/call, then per arm added us/call (arm - base) / calls
        (cd "$TMP" && paste -d' ' $(for m in $METHODS; do echo "$label.$m"; done)) | tail -n1 |
            awk '{ c = $2 + $3; printf "%.4f", $1 / c / 1e3; for (i = 4; i <= NF; i += 3) printf " %.4f", ($i - $1) / c / 1e3; print "" }' >>"$TMP/$label.per"
        echo "tls_cost: $label round $r/$ROUNDS: base/added us per call: $(echo $METHODS) = $(tail -n1 "$TMP/$label.per")" >&2
    done
}
workload 1k "$ITER1" 1024
workload 64k "$ITER64" 65536

# --- outside the traced tree ---------------------------------------------------------
: >"$TMP/out.ratio"
run_base "$ITER_OUT" 1024 >/dev/null
for r in $(seq "$ROUNDS_OUT"); do
    if [ $((r % 2)) = 1 ]; then
        b=$(run_base "$ITER_OUT" 1024 | cut -d' ' -f1)
        start_bg_tracer tls -o /dev/null -q; t=$(run_base "$ITER_OUT" 1024 | cut -d' ' -f1); stop_bg_tracer
    else
        start_bg_tracer tls -o /dev/null -q; t=$(run_base "$ITER_OUT" 1024 | cut -d' ' -f1); stop_bg_tracer
        b=$(run_base "$ITER_OUT" 1024 | cut -d' ' -f1)
    fi
    awk -v t="$t" -v b="$b" 'BEGIN { printf "%.6f\n", t / b }' >>"$TMP/out.ratio"
    echo "tls_cost: outside round $r/$ROUNDS_OUT: no tracer $((b / 1000000)) ms, other tree traced $((t / 1000000)) ms, ratio $(tail -n1 "$TMP/out.ratio")" >&2
done

# --- report ------------------------------------------------------------------------
col() { awk -v c="$2" '{ print $c }' "$1"; }
row() {  # $1 label, $2 figure name; stdin: numbers
    local f; f=$(cat)
    read -r m mn mx q1 q3 < <(echo "$f" | stats)
    read -r lo hi < <(echo "$f" | median_ci)
    printf '| %s | %s | %.3f | %.3f .. %.3f | %.3f .. %.3f | %.3f .. %.3f |\n' "$1" "$2" "$m" "$lo" "$hi" "$mn" "$mx" "$q1" "$q3"
}
cat <<EOF

### TLS per-call cost: $ROUNDS interleaved rounds, load $(cut -d' ' -f1-3 /proc/loadavg) at the end

Workloads: 1k = $ITER1 x SSL_write(1 KiB) + SSL_read; 64k = $ITER64 x SSL_write(64 KiB) + 4 x SSL_read(16 KiB).
Arms: $(echo $METHODS). "floor" = bpftrace count-only uprobe+uretprobe.

| workload | figure | median | 95% CI of median | min .. max | IQR |
|---|---|---|---|---|---|
EOF
name_of() { case $1 in ours) echo "agentsight tls (this build)";; count) echo "bpftrace count-only (floor)";;
    copy) echo "bpftrace + buf() copy (<= 200 B)";; main) echo "agentsight tls (AS_BASELINE)";; peer) echo "AgentSight sslsniff";; esac; }
for w in 1k 64k; do
    col "$TMP/$w.per" 1 | row "$w" "untraced us per TLS call (absolute, for scale)"
    i=2; fl=0
    for m in $METHODS; do [ "$m" = base ] && continue; [ "$m" = count ] && fl=$i; i=$((i + 1)); done
    i=2
    for m in $METHODS; do
        [ "$m" = base ] && continue
        col "$TMP/$w.per" $i | row "$w" "$(name_of "$m"): added us per call"
        [ "$m" != count ] && awk -v a=$i -v b=$fl '{ printf "%.4f\n", $a / $b }' "$TMP/$w.per" |
            row "$w" "**$(name_of "$m") / floor**$([ "$m" = ours ] && { [ "$w" = 1k ] && echo " (target <= 1.1)" || echo " (target <= 1.2)"; })"
        i=$((i + 1))
    done
done
read -r m mn mx q1 q3 < <(stats <"$TMP/out.ratio")
read -r lo hi < <(median_ci <"$TMP/out.ratio")
cat <<EOF

Outside the traced tree ($ITER_OUT x 1 KiB, $ROUNDS_OUT rounds): ratio (other tree traced by \`agentsight tls\`) / (no tracer):
median $m ($(pct "$m"); 95% CI $lo .. $hi), min .. max $mn .. $mx, IQR $q1 .. $q3 (target <= 1.02).
EOF
