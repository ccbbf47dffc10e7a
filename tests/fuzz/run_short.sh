#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The short fuzz run of the normal test suite (ctest fuzz_short): configures a clang
# libFuzzer build (reused when present), builds only the fuzz targets, and runs each on
# its seed corpus in tests/data/fuzz/<name>/ for FUZZ_SECONDS. Fails on any crash, leak,
# sanitizer report or timeout; the reproducer is left in <build>/artifacts/.
#   AGENTSIGHT_FUZZ_BUILD  build directory (default: build/fuzz)
#   FUZZ_SECONDS           seconds per target (default: 20)
#   FUZZ_TARGETS           space-separated subset, e.g. "fuzz_sse fuzz_http1"
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
build="${AGENTSIGHT_FUZZ_BUILD:-$repo/build/fuzz}"
seconds="${FUZZ_SECONDS:-20}"
jobs="$(nproc)"

# shellcheck source=tests/fuzz/fuzz_build.sh
source "$repo/tests/fuzz/fuzz_build.sh"
fuzz_configure_and_build "$repo" "$build" "$jobs"

targets="${FUZZ_TARGETS:-$(fuzz_target_names "$repo")}"
mkdir -p "$build/artifacts"
failed=()
for t in $targets; do
    seeds="$repo/tests/data/fuzz/${t#fuzz_}"
    # New inputs go to a scratch corpus, never into the checked-in seeds.
    corpus="$build/corpus/$t"
    mkdir -p "$corpus"
    log="$build/$t.short.log"
    start=$SECONDS
    if "$build/$t" "$corpus" "$seeds" -max_total_time="$seconds" -timeout=25 \
        -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$build/artifacts/$t-" >"$log" 2>&1; then
        echo "fuzz_short: $t ok ($(fuzz_stat "$log" number_of_executed_units) execs," \
             "$(fuzz_stat "$log" average_exec_per_sec) exec/s, $((SECONDS - start)) s)"
    else
        echo "fuzz_short: $t FAILED; last lines of $log:"
        tail -n 40 "$log"
        failed+=("$t")
    fi
done
if ((${#failed[@]})); then
    echo "fuzz_short: failures in ${failed[*]}; reproducers in $build/artifacts/"
    exit 1
fi
echo "fuzz_short: all targets ran without a finding"
