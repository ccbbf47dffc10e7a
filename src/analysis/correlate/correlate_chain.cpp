// SPDX-License-Identifier: Apache-2.0
// Every alert's chain: the LLM call and tool call that led to it, the processes from the agent
// down to the one that acted, and one line saying why the rule fired (docs/correlation.md).
#include <algorithm>

#include "analysis/correlate/correlate.h"

namespace agentsight::analyzers {

namespace {

constexpr size_t k_max_steps = 16;
constexpr size_t k_max_held = 1024;

// One line per rule; the message has the details.
const char* default_why(const std::string& rule) {
    if (rule == "unexplained") return "a process did something no tool call asked for";
    if (rule == "write_outside_workdir") return "a write outside the working directory";
    if (rule == "unknown_host") return "a connection to a host no LLM call or tool input named";
    if (rule == "opaque_connection") return "a connection whose content could not be seen";
    if (rule == "tool_loop") return "the model repeats the same tool call";
    if (rule == "llm_error_burst") return "LLM calls keep failing";
    if (rule == "tamper") return "the agent's tree reached for agentsight or kernel tracing";
    return "a path rule in the rules file matched";
}

}  // namespace

std::string correlator::exe_of(int32_t pid, const std::string& fallback) const {
    const session::process_life* p = procs_.find(pid);
    return p && !p->exe_comm.empty() ? p->exe_comm : fallback;
}

std::string correlator::who(const process_event& e) const {
    // The executable's name: Bun's threads are "HTTP Client", the program is "claude".
    return exe_of(e.pid, e.comm) + " (pid " + std::to_string(e.pid) + ")";
}

int32_t correlator::command_root(int32_t pid) const {
    int32_t top = 0;
    for (int hops = 0; pid > 0 && hops < 256 && !is_agent(pid); ++hops) {
        top = pid;
        pid = procs_.parent(pid);
    }
    return top;
}

void correlator::fill_chain(alert& a) const {
    alert_chain& c = a.chain;
    if (c.why.empty()) c.why = default_why(a.rule);
    if (a.pids.empty()) return;
    const int32_t pid = a.pids.front();
    if (!c.call_id) {
        const std::string owner = owner_of(pid);
        if (const session::tool_call* call = owner.empty() ? nullptr : calls_.recall(owner)) {
            c.call_id = owner;
            c.llm_call_ts_ns = call->llm_ts;
            c.tool_name = call->name;
        }
    }
    if (!c.processes.empty()) return;
    // From the actor up to the agent (included), then reversed: agent -> bash -> curl.
    int32_t p = pid;
    for (size_t n = 0; p > 0 && n < k_max_steps; ++n) {
        const session::process_life* info = procs_.find(p);
        c.processes.push_back({p, info ? exe_of(p, info->comm) : ""});
        if (is_agent(p) || !info) break;
        p = info->ppid;
    }
    std::reverse(c.processes.begin(), c.processes.end());
}

void correlator::raise(alert a, const emit_fn& emit) {
    const int32_t pid = a.pids.empty() ? 0 : a.pids.front();
    const bool fresh = a.ts_ns + rules_.unexplained_grace_ns > now_ns_;
    // Alerts leave in the order they were raised: behind a held one, every one waits.
    const bool wait = pid && fresh && !a.chain.call_id && !is_agent(pid) && owner_of(pid).empty();
    if ((wait || !held_.empty()) && held_.size() < k_max_held) {
        held_.push_back(std::move(a));
        return;
    }
    fill_chain(a);
    emit(event(to_event(a)));
}

void correlator::release_held(uint64_t now_ns, bool final, const emit_fn& emit) {
    while (!held_.empty()) {
        alert& a = held_.front();
        const int32_t pid = a.pids.empty() ? 0 : a.pids.front();
        const bool waiting = pid && !a.chain.call_id && !is_agent(pid) && owner_of(pid).empty() &&
                             a.ts_ns + rules_.unexplained_grace_ns > now_ns;
        if (!final && waiting) break;
        fill_chain(a);
        emit(event(to_event(a)));
        held_.pop_front();
    }
}

}  // namespace agentsight::analyzers
