#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Agent-session overhead benchmark (see docs/benchmarks.md, "Agent session").
#
#   bench/agent_session.sh [path/to/agentsight]      (root; default build/agentsight)
#
# One session = real Claude Code (build/agents/claude-$CLAUDE_VERSION, fetched by
# scripts/fetch-agents.sh) running  claude -p "what is the hostname" --allowedTools Bash
# against a fresh local mock LLM (agentsight mock-llm, loopback, self-signed) whose first
# reply asks for the Bash tool `cat /etc/hostname`: 2 LLM calls and one tool run.
# A fresh mock per session, since the mock asks for the tool only in its first reply.
#
# Each of ROUNDS rounds runs one untraced and one traced session (order alternating):
#   traced = agentsight record -q -o X.jsonl -- env -i ... claude ...
# Three figures per session:
#   agent  wall time of the agent alone, taken inside the launched command by a bash
#          wrapper ($EPOCHREALTIME around claude; the same wrapper in both arms)
#   cpu    CPU time (user + system) of the agent and its children, from the same wrapper's
#          `times`: what tracing adds inside the agent (uprobe traps, syscall tracepoints),
#          without the wall time's scheduling noise and without the recorder's own CPU
#   e2e    wall time of the whole command line, i.e. including agentsight's start-up
#          (BPF load, probe attach) and its teardown
# Reported: ratio traced/untraced per round (median, min/max, IQR) for both, plus per
# traced session: llm_call events (2 expected) and the drops line of the summary.
#
# Env: ROUNDS (21), TRACE (the capturing subcommand: record, or process / tls to split the
#      cost between the syscall tracepoints and the TLS uprobes), CLAUDE_VERSION (2.1.197), TIMEOUT per session in s (180),
#      SETTLE (s to wait after starting the mock, 3), KEEP (dir for a failed session's stderr).
set -u
die() { echo "agent_session: $*" >&2; exit 2; }

AS=${1:-build/agentsight}
ROUNDS=${ROUNDS:-21}
TRACE=${TRACE:-record}
CLAUDE_VERSION=${CLAUDE_VERSION:-2.1.197}
TIMEOUT=${TIMEOUT:-180}
SETTLE=${SETTLE:-3}
KEEP=${KEEP:-/tmp/agentsight-session-failures}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
. "$HERE/lib.sh"

[ "$(id -u)" = 0 ] || die "must run as root (eBPF)"
[ -x "$AS" ] || die "agentsight binary not found: $AS"
command -v jq >/dev/null || die "jq is required"
CLAUDE=$ROOT/build/agents/claude-$CLAUDE_VERSION/node_modules/.bin/claude
if [ ! -x "$CLAUDE" ]; then
    "$ROOT/scripts/fetch-agents.sh" >&2 || die "scripts/fetch-agents.sh failed"
fi
[ -x "$CLAUDE" ] || die "Claude Code $CLAUDE_VERSION not found at $CLAUDE"

TMP=$(mktemp -d /tmp/agentsight-session.XXXXXX) || die "mktemp failed"
MOCK_PID=""
stop_mock() { [ -n "$MOCK_PID" ] && { kill "$MOCK_PID" 2>/dev/null; wait "$MOCK_PID" 2>/dev/null; }; MOCK_PID=""; }
cleanup() { stop_mock; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
cp "$AS" "$TMP/agentsight" || die "cannot copy $AS"
AS_ORIG=$AS; AS=$TMP/agentsight

MOCKS=0
start_mock() {  # fresh mock on a free loopback port; sets PORT, MOCK_PID
    MOCKS=$((MOCKS + 1))
    local out=$TMP/mock.$BASHPID.$MOCKS.out   # never a previous mock's file (a stale port)
    "$AS" mock-llm --tool-name Bash \
        --tool-input '{"command":"cat /etc/hostname","description":"Print hostname"}' >"$out" 2>&1 &
    MOCK_PID=$!
    local i
    PORT=""
    for i in $(seq 100); do
        PORT=$(grep -o 'https://127\.0\.0\.1:[0-9]*' "$out" 2>/dev/null | head -n1 | sed 's/.*://')
        [ -n "$PORT" ] && return 0
        kill -0 "$MOCK_PID" 2>/dev/null || break
        sleep 0.05
    done
    cat "$out" >&2; die "mock-llm did not start"
}

# the agent command, wrapped so that it times itself; $1 = file for "start end" (s.us)
agent_cmd() {
    echo env -i PATH="$PATH" HOME="$TMP/home" ANTHROPIC_BASE_URL="https://127.0.0.1:$PORT" \
        ANTHROPIC_API_KEY=sk-ant-test-0123456789 NODE_TLS_REJECT_UNAUTHORIZED=0 \
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_TELEMETRY=1
}
run_session() {  # $1 = base|traced, $2 = round; prints "agent_ns e2e_ns cpu_s"
    local mode=$1 r=$2 t0 t1 rc
    rm -rf "$TMP/home"; mkdir -p "$TMP/home"
    start_mock
    # let the fresh mock settle in both arms: otherwise the untraced agent races the mock's
    # own start-up while the traced one starts ~1.5 s later (probe attach), a bias that
    # made traced sessions look 10-50 % faster in a first try
    sleep "$SETTLE"
    cd "$TMP/home" || die "cd failed"
    local wrap='s=$EPOCHREALTIME; "$@" >/dev/null 2>&1 </dev/null; rc=$?; e=$EPOCHREALTIME; times >"$T.cpu"; echo "$s $e" >"$T"; exit $rc'
    t0=$(date +%s%N)
    if [ "$mode" = base ]; then
        timeout "$TIMEOUT" $(agent_cmd) T="$TMP/agent.t" bash -c "$wrap" _ "$CLAUDE" -p "what is the hostname" --allowedTools Bash
        rc=$?
    else
        timeout "$TIMEOUT" "$AS" "$TRACE" -q -o "$TMP/r$r.jsonl" -- $(agent_cmd) T="$TMP/agent.t" \
            bash -c "$wrap" _ "$CLAUDE" -p "what is the hostname" --allowedTools Bash 2>"$TMP/r$r.err"
        rc=$?   # -q hides the summary: the drops come from one more session, below
    fi
    t1=$(date +%s%N)
    cd "$ROOT" || true
    stop_mock
    if [ "$rc" != 0 ]; then  # reported and skipped, not fatal: keep its stderr for a look
        mkdir -p "$KEEP"; cp "$TMP/r$r.err" "$KEEP/" 2>/dev/null
        echo "agent_session: $mode session (round $r) failed with rc $rc (stderr kept in $KEEP)" >&2
        echo "FAIL"; return
    fi
    read -r s e <"$TMP/agent.t"
    read -r cu cs < <(tail -n 1 "$TMP/agent.t.cpu")  # the children's user and system time, "0m0.544s"
    awk -v s="$s" -v e="$e" -v t0="$t0" -v t1="$t1" -v cu="$cu" -v cs="$cs" '
        function secs(x,   m) { m = x; sub(/m.*/, "", m); sub(/^[0-9]*m/, "", x); sub(/s$/, "", x); return m * 60 + x }
        BEGIN { printf "%.0f %.0f %.3f\n", (e - s) * 1e9, t1 - t0, secs(cu) + secs(cs) }'
}

echo "agent_session: $AS_ORIG ($("$AS" --version 2>&1 | head -n1)), Claude Code $CLAUDE_VERSION, $ROUNDS rounds, $(nproc) CPUs, $(uname -r), $(date -u +%FT%TZ), load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
run_session base 0 >/dev/null   # warm-up (page cache of the 200+ MB agent binary)
run_session traced 0 >/dev/null
: >"$TMP/agent.ratio"; : >"$TMP/e2e.ratio"; : >"$TMP/cpu.ratio"; : >"$TMP/llm"; FAILS=0
for r in $(seq "$ROUNDS"); do
    if [ $((r % 2)) = 1 ]; then b=$(run_session base "$r"); t=$(run_session traced "$r")
    else t=$(run_session traced "$r"); b=$(run_session base "$r"); fi
    if [ "$b" = FAIL ] || [ "$t" = FAIL ]; then echo "$b $t" | grep -q FAIL && FAILS=$((FAILS + 1)); continue; fi
    set -- $b $t   # agent_ns e2e_ns cpu_s, untraced then traced
    awk -v b="$1" -v t="$4" 'BEGIN { printf "%.6f\n", t / b }' >>"$TMP/agent.ratio"
    awk -v b="$2" -v t="$5" 'BEGIN { printf "%.6f\n", t / b }' >>"$TMP/e2e.ratio"
    awk -v b="$3" -v t="$6" 'BEGIN { printf "%.6f\n", t / b }' >>"$TMP/cpu.ratio"
    n=$(jq -r 'select(.type == "llm_call") | .type' "$TMP/r$r.jsonl" | wc -l)
    echo "$n" >>"$TMP/llm"
    printf 'agent_session: round %2d/%d: agent %5.0f -> %5.0f ms (%.4f), cpu %.3f -> %.3f s (%.4f), e2e %5.0f -> %5.0f ms (%.4f), llm_call %s, load %s\n' \
        "$r" "$ROUNDS" "$(awk -v x="$1" 'BEGIN{print x/1e6}')" "$(awk -v x="$4" 'BEGIN{print x/1e6}')" "$(tail -n1 "$TMP/agent.ratio")" \
        "$3" "$6" "$(tail -n1 "$TMP/cpu.ratio")" \
        "$(awk -v x="$2" 'BEGIN{print x/1e6}')" "$(awk -v x="$5" 'BEGIN{print x/1e6}')" "$(tail -n1 "$TMP/e2e.ratio")" "$n" \
        "$(cut -d' ' -f1 /proc/loadavg)" >&2
done

# drops: one more traced session without -q, for the summary line on stderr
start_mock; sleep "$SETTLE"; rm -rf "$TMP/home"; mkdir -p "$TMP/home"; cd "$TMP/home" || die "cd failed"
timeout "$TIMEOUT" "$AS" record -o "$TMP/s.jsonl" -- $(agent_cmd) "$CLAUDE" -p "what is the hostname" \
    --allowedTools Bash >/dev/null 2>"$TMP/s.err" </dev/null
cd "$ROOT" || true; stop_mock
DROPS=$(grep -o 'drops: .*' "$TMP/s.err" | head -n1)
SUMMARY=$(grep -v drops "$TMP/s.err" | grep 'agentsight:' | tail -n1)
S_LLM=$(jq -r 'select(.type == "llm_call") | .type' "$TMP/s.jsonl" | wc -l)

read -r am amn amx aq1 aq3 < <(stats <"$TMP/agent.ratio")
read -r em emn emx eq1 eq3 < <(stats <"$TMP/e2e.ratio")
read -r cm cmn cmx cq1 cq3 < <(stats <"$TMP/cpu.ratio")
read -r alo ahi < <(median_ci <"$TMP/agent.ratio")
read -r clo chi < <(median_ci <"$TMP/cpu.ratio")
LLM_HIST=$(sort -n "$TMP/llm" | uniq -c | awk '{ printf "%s%s x %s", sep, $1, $2; sep = ", " }')
cat <<EOT

### Agent session: Claude Code $CLAUDE_VERSION vs mock LLM, $ROUNDS interleaved rounds, load $(cut -d' ' -f1-3 /proc/loadavg) at the end

| figure | median ratio traced/untraced | 95 % CI of the median | min .. max | IQR (q1 .. q3) | target |
|---|---|---|---|---|---|
| agent wall time (inside the launched command) | $am ($(pct "$am")) | $alo .. $ahi | $amn .. $amx | $aq1 .. $aq3 | <= 1.01 |
| agent CPU time, user + system, with its children | $cm ($(pct "$cm")) | $clo .. $chi | $cmn .. $cmx | $cq1 .. $cq3 | — |
| end to end (incl. agentsight start-up/teardown) | $em ($(pct "$em")) | — | $emn .. $emx | $eq1 .. $eq3 | — |

llm_call events per traced session (2 expected): $LLM_HIST. Rounds skipped because a session failed: $FAILS.
Summary of one extra traced session without -q: $SUMMARY; $DROPS (llm_call: $S_LLM).
EOT
