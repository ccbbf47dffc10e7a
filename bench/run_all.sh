#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Run every benchmark, one after the other (they must not overlap: each is a measurement).
#
#   sudo bench/run_all.sh [path/to/agentsight] [build dir]     (default build/agentsight, build)
#
# Prints each benchmark's markdown section on stdout (progress on stderr); paste the
# sections into docs/benchmarks.md.  ~20-25 min on 2 vCPUs with the defaults below, which
# are shorter than the scripts' own where noted.  Every script takes its own env knobs
# (see bench/README.md); RES_DURATION sets the recorder-resources run (default 180 s; the
# issue asks 600).  AS_BASELINE=path (another build, e.g. main's) adds a side-by-side arm
# to the start-up and TLS benchmarks; AGENTSIGHT_SSLSNIFF=path adds AgentSight's sslsniff
# to the TLS benchmark (see tls_cost.sh).  Exits non-zero only if a setup step fails.
set -u
AS=${1:-build/agentsight}
BUILD=${2:-build}
HERE=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "run_all: must run as root (eBPF)" >&2; exit 2; }
[ -x "$AS" ] || { echo "run_all: agentsight binary not found: $AS" >&2; exit 2; }
# one private copy for all benchmarks: a rebuild during the run must not change the binary
TMP=$(mktemp -d /tmp/agentsight-runall.XXXXXX) || exit 2
trap 'rm -rf "$TMP"' EXIT
cp "$AS" "$TMP/agentsight" || exit 2
BIN=$TMP/agentsight
fail=0
section() { echo; echo "## $1 ($(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg))"; }

section "Analyzer and event-path throughput (Google Benchmark)"
if cmake --build "$BUILD" --target agentsight_bench >&2; then
    echo '```'
    "$BUILD/bench/agentsight_bench" --benchmark_repetitions=5 --benchmark_min_time=0.3 \
        --benchmark_report_aggregates_only=true 2>&1 | grep -E '^(BM_|Load|Benchmark)'
    echo '```'
else
    echo "build of agentsight_bench failed (libbenchmark-dev?)"; fail=1
fi
section "Start-up and teardown"; "$HERE/startup.sh" "$BIN" "${AS_BASELINE:-}" || fail=1
section "TLS per-call cost";     "$HERE/tls_cost.sh" "$BIN" || fail=1
section "Process storm";         "$HERE/process_storm.sh" "$BIN" || fail=1
section "Saturation";            "$HERE/saturation.sh" "$BIN" || fail=1
section "Agent session";         "$HERE/agent_session.sh" "$BIN" || fail=1
section "Recorder resources";    DURATION=${RES_DURATION:-180} "$HERE/recorder_resources.sh" "$BIN" || fail=1
exit $fail
