#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Saturation benchmark (see docs/benchmarks.md, "Saturation").
#
#   bench/saturation.sh [path/to/agentsight]      (root; default build/agentsight)
#
# bench/open_storm.c: WORKERS processes issue open() on distinct, non-existent paths at a
# target total RATE for SECONDS (RATE 0 = as fast as they can).  Each step runs
#   agentsight process --rate-limit 0 -o FILE.jsonl -- open_storm RATE SECONDS WORKERS PREFIX
# and checks the books: opens issued (the driver's count) against file_open records for
# the storm's paths in the trace (their `count` summed) + the drops agentsight reports
# (ringbuf + queue).  "unaccounted" = issued - received - dropped: 0 means every lost
# record was counted.  The rate at which drops begin is the saturation point.
#
# Env: RATES ("25000 50000 100000 200000 400000 0"), SECONDS_PER_STEP (2), WORKERS (2),
#      REPEAT (2: each rate is run this many times), CC.
set -u
die() { echo "saturation: $*" >&2; exit 2; }

AS=${1:-build/agentsight}
RATES=${RATES:-25000 50000 100000 200000 400000 0}
SECS=${SECONDS_PER_STEP:-2}
WORKERS=${WORKERS:-2}
REPEAT=${REPEAT:-2}
CC=${CC:-cc}
HERE=$(cd "$(dirname "$0")" && pwd)

[ "$(id -u)" = 0 ] || die "must run as root (eBPF)"
[ -x "$AS" ] || die "agentsight binary not found: $AS"
command -v "$CC" >/dev/null || die "no C compiler ($CC)"
TMP=$(mktemp -d /tmp/agentsight-sat.XXXXXX) || die "mktemp failed"
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM
cp "$AS" "$TMP/agentsight" || die "cannot copy $AS"
AS_ORIG=$AS; AS=$TMP/agentsight
"$CC" -O2 -Wall -o "$TMP/open_storm" "$HERE/open_storm.c" || die "compiling open_storm.c failed"
PREFIX=/nonexistent-agentsight-storm/f

echo "saturation: $AS_ORIG ($("$AS" --version 2>&1 | head -n1)), $WORKERS workers, ${SECS}s per step, $(nproc) CPUs, $(uname -r), $(date -u +%FT%TZ), load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# untraced ceiling of the driver, for scale
read -r _ _ CEIL < <("$TMP/open_storm" 0 "$SECS" "$WORKERS" "$PREFIX")

echo "| target opens/s | achieved opens/s (traced) | issued | file_open received | ringbuf drops | queue drops | rate-limited | unaccounted | drop % | CPU s, agentsight + storm (rusage of both) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for rate in $RATES; do
    for rep in $(seq "$REPEAT"); do
        out=$TMP/s.jsonl
        rm -f "$out"
        /usr/bin/time -f '%U %S' -o "$TMP/time" \
            "$AS" process --rate-limit 0 -o "$out" -- "$TMP/open_storm" "$rate" "$SECS" "$WORKERS" "$PREFIX" \
            >"$TMP/drv" 2>"$TMP/err" || die "traced storm failed: $(tail -3 "$TMP/err")"
        read -r issued _ achieved <"$TMP/drv"
        received=$(grep -F "\"path\":\"$PREFIX" "$out" | grep -F '"type":"file_open"' |
                   grep -o '"count":[0-9]*' | awk -F: '{ s += $2 } END { print s + 0 }')
        drops=$(grep -o 'drops: .*' "$TMP/err" | head -n1)
        # A record refused to keep the ring's reserve is a ring drop too.
        rb=$(echo "$drops" | sed -n 's/.*ringbuf \([0-9]*\).*/\1/p')
        rv=$(echo "$drops" | sed -n 's/.*ring reserve \([0-9]*\).*/\1/p')
        rb=$(( ${rb:-0} + ${rv:-0} ))
        q=$(echo "$drops" | sed -n 's/.*queue \([0-9]*\).*/\1/p'); q=${q:-?}
        rl=$(echo "$drops" | sed -n 's/.*rate-limited \([0-9]*\).*/\1/p'); rl=${rl:-?}
        read -r u s <"$TMP/time"
        awk -v t="$rate" -v a="$achieved" -v i="$issued" -v r="$received" -v rb="$rb" -v q="$q" -v rl="$rl" -v u="$u" -v s="$s" 'BEGIN {
            printf "| %s | %.0f | %d | %d | %s | %s | %s | %d | %.2f %% | %.2f |\n",
                (t == 0 ? "max" : t), a, i, r, rb, q, rl, i - r - rb - q, 100 * (rb + q) / i, u + s }'
        echo "saturation: rate $rate rep $rep: issued $issued, received $received, $drops" >&2
    done
done
echo
echo "Untraced driver ceiling: $CEIL opens/s ($WORKERS workers). Load at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
