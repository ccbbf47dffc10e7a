# SPDX-License-Identifier: Apache-2.0
# Shared by run_short.sh and scripts/fuzz-long.sh (sourced, not run): the one way to
# configure and build the clang libFuzzer build.

# fuzz_configure_and_build REPO BUILD_DIR JOBS
fuzz_configure_and_build() {
    local repo=$1 build=$2 jobs=$3 cxx cc generator=()
    cxx="$(command -v clang++-14 || command -v clang++)"
    cc="$(command -v clang-14 || command -v clang)"
    command -v ninja >/dev/null && generator=(-G Ninja)
    mkdir -p "$build"
    if [[ ! -f "$build/CMakeCache.txt" ]]; then
        # The libraries get coverage and sanitizers (fuzzer-no-link); only the targets link
        # libFuzzer's main. -O1 keeps assertions (no NDEBUG) and fast enough code.
        cmake -S "$repo" -B "$build" "${generator[@]}" -DAGENTSIGHT_FUZZ=ON \
            -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER="$cc" \
            -DCMAKE_CXX_COMPILER="$cxx" \
            -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -Wno-unknown-warning-option" \
            -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" >"$build/configure.log" 2>&1 ||
            { cat "$build/configure.log"; return 1; }
    fi
    cmake --build "$build" --target fuzz_all -j "$jobs" >"$build/build.log" 2>&1 ||
        { tail -n 60 "$build/build.log"; return 1; }
}

# fuzz_target_names REPO: fuzz_<name> for every tests/fuzz/fuzz_<name>.cpp
fuzz_target_names() {
    local f
    for f in "$1"/tests/fuzz/fuzz_*.cpp; do basename "$f" .cpp; done
}

# fuzz_stat LOG NAME: a value from libFuzzer's -print_final_stats lines
fuzz_stat() {
    sed -n "s/^stat::$2: *//p" "$1" | tail -n 1
}
