# Shared helpers for the bench/*.sh scripts (sourced; needs $AS, $TMP, die()).

# stdin: one number per line -> "median min max q1 q3" (quartiles by linear interpolation)
stats() {
    sort -g | awk '
        { v[n++] = $1 }
        function q(p,   h, lo) { h = (n - 1) * p; lo = int(h); return v[lo] + (h - lo) * (v[lo + (lo + 1 < n)] - v[lo]) }
        END { if (n == 0) { print "nan nan nan nan nan"; exit } printf "%.4f %.4f %.4f %.4f %.4f\n", q(0.5), v[0], v[n-1], q(0.25), q(0.75) }'
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
