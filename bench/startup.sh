#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Start-up and teardown benchmark (see docs/benchmarks.md, "Start-up and teardown").
#
#   bench/startup.sh [path/to/agentsight] [path/to/baseline-agentsight]   (root)
#
# Per round, for each binary (order alternating): the wall time of
#   record -q -o X.jsonl -- true                        (whole: start-up + teardown)
#   record -q -o X.jsonl -- sh -c 'T1; curl ...; T2'     (teardown: from the command's
#        last instruction to the recorder's exit, with the TLS probes of curl's libraries
#        attached; the probe count is taken from the trace's session_end)
# A baseline binary (e.g. main's build) is optional; with it the figures come as ratios
# too. Teardown of a recording with a detach holder (bpf/detach_holder.h) goes on in the
# background after the recorder exits: GAP s between runs keep one run's holder from
# delaying the next start (BACK_TO_BACK=1 measures without the gap).
#
# Env: ROUNDS (15), GAP (2 s), BACK_TO_BACK (0).  Exits non-zero only on setup errors.
set -u
die() { echo "startup: $*" >&2; exit 2; }
AS=${1:-build/agentsight}
BASE=${2:-}
ROUNDS=${ROUNDS:-15}; GAP=${GAP:-2}; BACK_TO_BACK=${BACK_TO_BACK:-0}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
[ "$(id -u)" = 0 ] || die "must run as root (eBPF)"
[ -x "$AS" ] || die "agentsight binary not found: $AS"
command -v jq >/dev/null || die "jq is required"
command -v curl >/dev/null || die "curl is required (the teardown run's TLS libraries)"
TMP=$(mktemp -d /tmp/agentsight-startup.XXXXXX) || die "mktemp failed"
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM
cp "$AS" "$TMP/ours" || die "cannot copy $AS"
ARMS="ours"
if [ -n "$BASE" ]; then
    [ -x "$BASE" ] || die "baseline binary not found: $BASE"
    cp "$BASE" "$TMP/base" || die "cannot copy $BASE"
    ARMS="ours base"
fi
[ "$BACK_TO_BACK" = 1 ] && GAP=0
now() { date +%s%N; }

# prints the wall seconds of `record -- true`
run_true() {
    rm -f "$TMP/t.jsonl"
    local t0 t1; t0=$(now)
    "$TMP/$1" record -q -o "$TMP/t.jsonl" -- true || die "$1 record -- true failed"
    t1=$(now)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", (b - a) / 1e9 }'
}
# prints "teardown_seconds probes_attached"
run_teardown() {
    rm -f "$TMP/d.jsonl" "$TMP/end"
    "$TMP/$1" record -q -o "$TMP/d.jsonl" -- sh -c \
        "curl -s --max-time 2 https://127.0.0.1:9/ >/dev/null 2>&1; date +%s%N >$TMP/end" ||
        die "$1 record -- sh failed"
    local t1; t1=$(now)
    local probes; probes=$(jq -r 'select(.type == "session_end") | [.. | .tls_probes_attached? // empty][0]' "$TMP/d.jsonl" 2>/dev/null | head -n1)
    awk -v a="$(cat "$TMP/end")" -v b="$t1" -v p="${probes:-?}" 'BEGIN { printf "%.4f %s\n", (b - a) / 1e9, p }'
}

echo "startup: $AS vs ${BASE:-none}, $ROUNDS rounds, gap ${GAP}s, $(nproc) CPUs, $(uname -r), $(date -u +%FT%TZ), load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for a in $ARMS; do : >"$TMP/$a.true"; : >"$TMP/$a.down"; done
for a in $ARMS; do run_true "$a" >/dev/null; sleep "$GAP"; done   # warm-up (page cache)
for r in $(seq "$ROUNDS"); do
    order=$ARMS; [ $((r % 2)) = 0 ] && order=$(echo $ARMS | awk '{ for (i = NF; i; i--) printf "%s ", $i }')
    for a in $order; do
        run_true "$a" >>"$TMP/$a.true"; sleep "$GAP"
        run_teardown "$a" >>"$TMP/$a.down"; sleep "$GAP"
    done
    echo "startup: round $r/$ROUNDS: $(for a in $ARMS; do printf '%s true %ss teardown %ss (%s probes)  ' "$a" "$(tail -n1 "$TMP/$a.true")" $(tail -n1 "$TMP/$a.down"); done)" >&2
done

row() {  # $1 label, $2 file of numbers
    read -r m mn mx q1 q3 < <(stats <"$2")
    read -r lo hi < <(median_ci <"$2")
    printf '| %s | %.3f | %.3f .. %.3f | %.3f .. %.3f | %.3f .. %.3f |\n' "$1" "$m" "$lo" "$hi" "$mn" "$mx" "$q1" "$q3"
}
cat <<EOF

### Start-up and teardown: $ROUNDS alternated rounds, gap ${GAP}s, load $(cut -d' ' -f1-3 /proc/loadavg) at the end

| figure | median | 95% CI of median | min .. max | IQR |
|---|---|---|---|---|
EOF
for a in $ARMS; do
    row "$a: \`record -q -o x.jsonl -- true\` wall s (target <= 0.25)" "$TMP/$a.true"
    cut -d' ' -f1 "$TMP/$a.down" >"$TMP/$a.down1"
    row "$a: teardown s, command end -> recorder exit ($(cut -d' ' -f2 "$TMP/$a.down" | sort | uniq -c | awk '{ printf "%s%s probes x%s", s, $2, $1; s = ", " }')) (target <= 0.2)" "$TMP/$a.down1"
done
if [ -n "$BASE" ]; then
    paste -d' ' "$TMP/ours.true" "$TMP/base.true" | awk '{ printf "%.4f\n", $1 / $2 }' >"$TMP/r.true"
    paste -d' ' "$TMP/ours.down1" "$TMP/base.down1" | awk '{ printf "%.4f\n", $1 / $2 }' >"$TMP/r.down"
    row "ours / base, \`record -- true\` (per round)" "$TMP/r.true"
    row "ours / base, teardown (per round)" "$TMP/r.down"
fi
