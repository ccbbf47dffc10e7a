# SPDX-License-Identifier: Apache-2.0
# Shared helpers for the bench/*.sh scripts (sourced; needs $AS, $TMP, die()).

# stdin: one number per line -> "median min max q1 q3" (quartiles by linear interpolation)
stats() {
    sort -g | awk '
        { v[n++] = $1 }
        function q(p,   h, lo) { h = (n - 1) * p; lo = int(h); return v[lo] + (h - lo) * (v[lo + (lo + 1 < n)] - v[lo]) }
        END { if (n == 0) { print "nan nan nan nan nan"; exit } printf "%.4f %.4f %.4f %.4f %.4f\n", q(0.5), v[0], v[n-1], q(0.25), q(0.75) }'
}
# stdin: one number per line -> "lo hi", a 95 % percentile-bootstrap interval for the median
# (2000 resamples, fixed seed so a rerun on the same data gives the same interval)
median_ci() {
    awk '
        { v[n++] = $1 }
        function med(a, m,   i, j, t) {
            for (i = 1; i < m; i++) { t = a[i]; for (j = i - 1; j >= 0 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
            return m % 2 ? a[int(m / 2)] : (a[m / 2 - 1] + a[m / 2]) / 2
        }
        END {
            if (n == 0) { print "nan nan"; exit }
            srand(1)
            for (b = 0; b < 2000; b++) { for (i = 0; i < n; i++) r[i] = v[int(rand() * n)]; m[b] = med(r, n) }
            k = 2000; med(m, k)   # sorts m
            printf "%.4f %.4f\n", m[int(0.025 * k)], m[int(0.975 * k) - 1]
        }'
}
pct() { awk -v r="$1" 'BEGIN { printf "%+.1f%%", (r - 1) * 100 }'; }

# Start "agentsight SUBCMD FLAGS -- sleep 600" in the background and wait until it has
# launched sleep (probes attached), then 1 s more.  Sets BG_PID.  stderr -> $TMP/bg.err
start_bg_tracer() {
    "$AS" "$@" -- sleep 600 >/dev/null 2>"$TMP/bg.err" &
    BG_PID=$!
    local i
    for i in $(seq 200); do
        [ -n "$(cat /proc/"$BG_PID"/task/*/children 2>/dev/null)" ] && break
        kill -0 "$BG_PID" 2>/dev/null || { cat "$TMP/bg.err" >&2; die "background tracer exited"; }
        sleep 0.1
    done
    [ -n "$(cat /proc/"$BG_PID"/task/*/children 2>/dev/null)" ] || die "background tracer did not start its command"
    sleep 1
}
stop_bg_tracer() {  # end the sleep; agentsight exits after its command
    local c
    for c in $(cat /proc/"$BG_PID"/task/*/children 2>/dev/null); do kill "$c" 2>/dev/null; done
    wait "$BG_PID" 2>/dev/null
    BG_PID=""
}
