#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Recorder resources (see docs/benchmarks.md, "Recorder resources").
#
#   bench/recorder_resources.sh [path/to/agentsight]      (root; default build/agentsight)
#
# A synthetic agent load runs for DURATION seconds under
#   agentsight record -o FILE.jsonl -- bash LOAD
# LOAD loops: the built-in demo agent (agentsight demo-agent, system libssl) against a local
# mock LLM (agentsight mock-llm, loopback), then a few processes (ls, cat, grep, sh -c),
# then sleeps PAUSE s.  Every SAMPLE s the recorder's two processes' /proc/PID/stat
# (utime+stime) and /proc/PID/status (VmRSS, VmHWM) are sampled.  Reported: recorder CPU % of one core over
# the run, recorder CPU / CPU of the traced load (its own rusage: a ratio, less sensitive
# to the machine's load than the absolute %), peak RSS (VmHWM), events and LLM calls
# recorded, output size, and the drops line.
#
# Env: DURATION (600), SAMPLE (5), PAUSE (0.2).
set -u
die() { echo "recorder_resources: $*" >&2; exit 2; }

AS=${1:-build/agentsight}
DURATION=${DURATION:-600}
SAMPLE=${SAMPLE:-5}
PAUSE=${PAUSE:-0.2}
HERE=$(cd "$(dirname "$0")" && pwd)

[ "$(id -u)" = 0 ] || die "must run as root (eBPF)"
[ -x "$AS" ] || die "agentsight binary not found: $AS"
TMP=$(mktemp -d /tmp/agentsight-res.XXXXXX) || die "mktemp failed"
MOCK_PID=""; REC_PID=""
cleanup() {
    [ -n "$REC_PID" ] && kill "$REC_PID" 2>/dev/null
    [ -n "$MOCK_PID" ] && kill "$MOCK_PID" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cp "$AS" "$TMP/agentsight" || die "cannot copy $AS"
AS_ORIG=$AS; AS=$TMP/agentsight

"$AS" mock-llm >"$TMP/mock.out" 2>&1 &
MOCK_PID=$!
for i in $(seq 100); do
    URL=$(grep -o 'https://127\.0\.0\.1:[0-9]*' "$TMP/mock.out" | head -n1)
    [ -n "$URL" ] && break
    sleep 0.05
done
[ -n "$URL" ] || die "mock-llm did not start"

cat >"$TMP/load.sh" <<EOT
# the synthetic agent: runs DURATION s, then reports its own CPU (children included)
end=\$((SECONDS + $DURATION)); n=0
while [ \$SECONDS -lt \$end ]; do
    "$AS" demo-agent --url "$URL" >/dev/null 2>&1 </dev/null
    ls -la /usr/bin >/dev/null; cat /etc/hostname /etc/os-release >/dev/null
    grep -c root /etc/passwd >/dev/null; sh -c 'echo hi >/dev/null; true'
    n=\$((n + 1)); sleep $PAUSE
done
times >"$TMP/load.times"
echo "\$n" >"$TMP/load.n"
EOT

CLK=$(getconf CLK_TCK)
echo "recorder_resources: $AS_ORIG ($("$AS" --version 2>&1 | head -n1)), ${DURATION}s, $(nproc) CPUs, $(uname -r), $(date -u +%FT%TZ), load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
T0=$(date +%s%N)
"$AS" record -o "$TMP/rec.jsonl" -- bash "$TMP/load.sh" >/dev/null 2>"$TMP/rec.err" &
REC_PID=$!
: >"$TMP/samples"
# The recorder is two processes (docs/architecture.md §6): the capture process
# (REC_PID, rings and probes) and its unprivileged analysis child (agentsight-ana).
# CPU is summed; the peak RSS reported is the sum of the two peaks (an upper bound
# on their simultaneous RSS).
proc_cpu() { local st; st=$(cat /proc/"$1"/stat 2>/dev/null) || return 1; echo "${st##*) }" | awk '{ print $12 + $13 }'; }
field() { awk -v f="^$2:" '$0 ~ f { print $2 }' /proc/"$1"/status 2>/dev/null; }
ANA_PID=""
while kill -0 "$REC_PID" 2>/dev/null; do
    [ -n "$ANA_PID" ] || for c in $(cat /proc/"$REC_PID"/task/"$REC_PID"/children 2>/dev/null); do
        [ "$(cat /proc/"$c"/comm 2>/dev/null)" = agentsight-ana ] && ANA_PID=$c
    done
    cpu=$(proc_cpu "$REC_PID") || break
    acpu=$( [ -n "$ANA_PID" ] && proc_cpu "$ANA_PID" || echo 0)
    rss=$(field "$REC_PID" VmRSS); hwm=$(field "$REC_PID" VmHWM); anon=$(field "$REC_PID" RssAnon)
    arss=$( [ -n "$ANA_PID" ] && field "$ANA_PID" VmRSS || echo 0); ahwm=$( [ -n "$ANA_PID" ] && field "$ANA_PID" VmHWM || echo 0)
    # the BPF ring buffers are mmapped (data area twice, for wrap-around) and count in VmRSS
    ring=$(awk '/^[0-9a-f]+-[0-9a-f]+ / { m = ($6 == "anon_inode:bpf-map") } m && /^Rss:/ { s += $2 } END { print s + 0 }' \
           /proc/"$REC_PID"/smaps 2>/dev/null)
    [ -n "$anon" ] && { [ "$anon" -gt "${MAX_ANON:-0}" ] && MAX_ANON=$anon; [ "$ring" -gt "${MAX_RING:-0}" ] && MAX_RING=$ring; }
    [ -n "$hwm" ] && { echo "$(( ($(date +%s%N) - T0) / 1000000 )) $((cpu + ${acpu:-0})) $((rss + ${arss:-0})) $hwm" >>"$TMP/samples"
                       LAST_CPU=$((cpu + ${acpu:-0})); HWM=$hwm; [ -n "$ahwm" ] && AHWM=$ahwm; }
    sleep "$SAMPLE"
done
wait "$REC_PID"; RC=$?; REC_PID=""
T1=$(date +%s%N)
[ -s "$TMP/samples" ] || die "no sample taken (recorder rc $RC): $(tail -3 "$TMP/rec.err")"
ELAPSED=$(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
# the final CPU is the last sample (the process is gone at exit); its teardown is not counted
LAST_T=$(tail -n1 "$TMP/samples" | cut -d' ' -f1)
REC_CPU_S=$(awk -v c="$LAST_CPU" -v k="$CLK" 'BEGIN { printf "%.2f", c / k }')
REC_PCT=$(awk -v c="$REC_CPU_S" -v t="$LAST_T" 'BEGIN { printf "%.1f", 100 * c / (t / 1000) }')
# bash 'times': line 2 = children user/sys, e.g. "0m1.234s 0m0.567s"
LOAD_CPU_S=$(sed -n 2p "$TMP/load.times" 2>/dev/null | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); s += a[1] * 60 + a[2] } printf "%.2f", s }')
LOOPS=$(cat "$TMP/load.n" 2>/dev/null || echo '?')
EVENTS=$(wc -l <"$TMP/rec.jsonl")
LLM=$(grep -c '"type":"llm_call"' "$TMP/rec.jsonl")
SIZE=$(du -k "$TMP/rec.jsonl" | cut -f1)
DROPS=$(tr '\r' '\n' <"$TMP/rec.err" | grep -o 'drops: .*' | head -n1)
RSS_MED=$(cut -d' ' -f3 "$TMP/samples" | sort -n | awk '{ v[n++] = $1 } END { print v[int((n - 1) / 2)] }')

cat <<EOT

### Recorder resources: ${DURATION}s synthetic agent load ($LOOPS loops of demo-agent + 5 processes), load $(cut -d' ' -f1-3 /proc/loadavg) at the end

| figure | value | target |
|---|---|---|
| recorder CPU (user+sys, both processes), % of one core over ${LAST_T} ms sampled | $REC_PCT % ($REC_CPU_S s) | — |
| recorder CPU / traced load's CPU ($LOAD_CPU_S s) | $(awk -v a="$REC_CPU_S" -v b="$LOAD_CPU_S" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }') | — |
| peak RSS (VmHWM), capture + analysis process | $(awk -v k="$HWM" -v a="${AHWM:-0}" 'BEGIN { printf "%.1f MiB (%.1f + %.1f)", (k + a) / 1024, k / 1024, a / 1024 }') | <= 64 MiB |
| of which BPF ring-buffer mappings (max sampled) | $(awk -v k="${MAX_RING:-0}" 'BEGIN { printf "%.1f MiB", k / 1024 }') | — |
| private anonymous memory, RssAnon (max sampled) | $(awk -v k="${MAX_ANON:-0}" 'BEGIN { printf "%.1f MiB", k / 1024 }') | — |
| median RSS over samples (VmRSS, both processes) | $(awk -v k="$RSS_MED" 'BEGIN { printf "%.1f MiB", k / 1024 }') | — |
| events recorded / llm_call | $EVENTS / $LLM (>= $LOOPS expected: >= 1 per demo-agent run) | — |
| output (JSON Lines) | $SIZE KiB, $(awk -v k="$SIZE" -v t="$ELAPSED" 'BEGIN { printf "%.1f", k / t }') KiB/s | — |
| drops | ${DROPS:-no summary} | 0 |

Wall time of the recorded run: ${ELAPSED}s; samples every ${SAMPLE}s: $(wc -l <"$TMP/samples").
EOT
