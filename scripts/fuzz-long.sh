#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The long fuzz run: every target to FUZZ_RUNS executions (default 10M) on its seeds plus
# the corpus the short runs grew, niced, FUZZ_PARALLEL targets at a time (default 1, to
# leave a core for others). Writes <build>/long/summary.md: executions, exec/s, coverage,
# crashes. A target still running after FUZZ_MAX_SECONDS (default: no limit) is stopped
# and reported with what it reached.
#   AGENTSIGHT_FUZZ_BUILD  build directory (default: build/fuzz)
#   FUZZ_TARGETS           space-separated subset
#   FUZZ_MAX_LEN           libFuzzer -max_len (default: libFuzzer's, the largest seed). The
#                          analyzer seeds are whole captured exchanges (up to ~80 KB); a
#                          smaller cap trades long inputs for many more executions
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
build="${AGENTSIGHT_FUZZ_BUILD:-$repo/build/fuzz}"
runs="${FUZZ_RUNS:-10000000}"
parallel="${FUZZ_PARALLEL:-1}"
max_seconds="${FUZZ_MAX_SECONDS:-0}"
max_len=()
[[ -n "${FUZZ_MAX_LEN:-}" ]] && max_len=(-max_len="$FUZZ_MAX_LEN")

# shellcheck source=tests/fuzz/fuzz_build.sh
source "$repo/tests/fuzz/fuzz_build.sh"
fuzz_configure_and_build "$repo" "$build" "$(nproc)"

out="$build/long"
mkdir -p "$out" "$build/artifacts"
targets="${FUZZ_TARGETS:-$(fuzz_target_names "$repo")}"

run_one() {
    local t=$1 corpus="$build/corpus/$1" start=$SECONDS rc=0
    mkdir -p "$corpus"
    # -max_total_time bounds a slow target; 0 means none.
    nice -n 10 "$build/$t" "$corpus" "$repo/tests/data/fuzz/${t#fuzz_}" -runs="$runs" \
        -max_total_time="$max_seconds" "${max_len[@]}" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$build/artifacts/$t-" >"$out/$t.log" 2>&1 || rc=$?
    echo "$rc $((SECONDS - start))" >"$out/$t.status"
}

running=0
for t in $targets; do
    run_one "$t" &
    running=$((running + 1))
    if ((running >= parallel)); then
        wait -n || true
        running=$((running - 1))
    fi
done
wait || true

{
    echo "| target | executions | exec/s | coverage (edges) | seconds | result |"
    echo "|---|---|---|---|---|---|"
    for t in $targets; do
        read -r rc secs <"$out/$t.status"
        log="$out/$t.log"
        execs=$(fuzz_stat "$log" number_of_executed_units)
        rate=$(fuzz_stat "$log" average_exec_per_sec)
        cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
        result="ok"
        if ((rc != 0)); then result="FAILED (exit $rc, see $log)"; fi
        if [[ $rc == 0 && ${execs:-0} -lt $runs ]]; then result="stopped at the time limit"; fi
        echo "| $t | ${execs:-?} | ${rate:-?} | ${cov:-?} | $secs | $result |"
    done
} >"$out/summary.md"
cat "$out/summary.md"
! grep -q FAILED "$out/summary.md"
