#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The unit suite under ASan+UBSan (ctest unit_asan): configures build-asan with
# AGENTSIGHT_SANITIZE=ON in Debug, builds only the unit_* executables and runs the `unit`
# label there. Any leak, memory error or undefined behaviour fails the run.
#   AGENTSIGHT_ASAN_BUILD  build directory (default: build-asan)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
build="${AGENTSIGHT_ASAN_BUILD:-$repo/build-asan}"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)

mkdir -p "$build"
if [[ ! -f "$build/CMakeCache.txt" ]]; then
    cmake -S "$repo" -B "$build" "${generator[@]}" -DAGENTSIGHT_SANITIZE=ON \
        -DCMAKE_BUILD_TYPE=Debug >"$build/configure.log" 2>&1 ||
        { cat "$build/configure.log"; exit 1; }
fi

# Unit executables are unit_<area> for every tests/unit/<area>/ holding tests (the rule of
# agentsight_area()), so a new area is covered without editing this script.
targets=()
for dir in "$repo"/tests/unit/*/; do
    compgen -G "$dir*.cpp" >/dev/null && targets+=("unit_$(basename "$dir")")
done
if ((${#targets[@]} == 0)); then
    echo "sanitize: no unit_* targets found in $build" >&2
    exit 1
fi
echo "sanitize: building ${targets[*]}"
cmake --build "$build" --target "${targets[@]}" -j "$(nproc)" >"$build/build.log" 2>&1 ||
    { tail -n 60 "$build/build.log"; exit 1; }

# detect_leaks: LeakSanitizer at exit. halt_on_error: the first UB report fails the test
# (the build also passes -fno-sanitize-recover=undefined).
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
ctest --test-dir "$build" -L unit --output-on-failure -j "$(nproc)"
