// SPDX-License-Identifier: Apache-2.0
#include "ui/process_tree.h"

#include <algorithm>

namespace agentsight::server {

process_tree::activity* process_tree::activity_of(int32_t pid) {
    const session::process_life* p = procs_.find(pid);
    return p ? &activity_[p->id] : nullptr;
}

void process_tree::on_process_event(const process_event& e, uint64_t seq) {
    using t = process_event_type;
    const session::process_life& p = procs_.observe(e);
    activity& a = activity_[p.id];
    a.events++;
    a.last_seq = seq;
    switch (e.type) {
        case t::fork:
            if (activity* child = activity_of(e.child_pid)) child->last_seq = seq;
            break;
        case t::file_open:
            a.files += std::max<uint32_t>(e.count, 1);
            break;
        case t::file_unlink:
        case t::file_rename:
        case t::mkdir:
            a.files++;
            break;
        case t::connect:
        case t::bind:
        case t::listen:
        case t::accept:
            a.connects++;
            break;
        default:
            break;
    }
}

void process_tree::on_tool_exec(const std::string& call_id, const std::string& tool_name,
                                const std::vector<int32_t>& pids, uint64_t seq) {
    for (int32_t pid : pids) {
        activity* a = activity_of(pid);
        if (!a) continue;
        a->tool_call_id = call_id;
        a->tool_name = tool_name;
        a->last_seq = seq;
    }
}

void process_tree::on_alert(const std::string& rule, const std::vector<int32_t>& pids,
                            uint64_t seq) {
    for (int32_t pid : pids) {
        activity* a = activity_of(pid);
        if (!a) continue;
        a->alerts++;
        if (std::find(a->alert_rules.begin(), a->alert_rules.end(), rule) == a->alert_rules.end())
            a->alert_rules.push_back(rule);
        a->last_seq = seq;
    }
}

void process_tree::on_llm_call(int32_t pid, uint64_t seq) {
    activity* a = activity_of(pid);
    if (!a) return;
    a->llm_calls++;
    a->last_seq = seq;
}

process_node process_tree::view(const session::process_life& p, const activity& a) const {
    process_node n;
    n.id = static_cast<uint32_t>(p.id);
    n.parent = p.parent_id;
    n.pid = p.pid;
    n.ppid = p.first_ppid;
    n.comm = p.shown_comm();
    n.filename = p.filename();
    n.argv = p.argv();
    n.start_ns = p.first_ts;
    n.end_ns = p.exit_ts;
    n.exited = p.exited;
    n.exit_code = p.exit_code;
    n.signal = p.signal;
    n.execs = p.exec_count;
    n.files = a.files;
    n.connects = a.connects;
    n.events = a.events;
    n.llm_calls = a.llm_calls;
    n.alerts = a.alerts;
    n.alert_rules = a.alert_rules;
    n.tool_call_id = a.tool_call_id;
    n.tool_name = a.tool_name;
    n.last_seq = a.last_seq;
    return n;
}

std::vector<process_node> process_tree::nodes(uint64_t after_seq) const {
    static const activity none;
    std::vector<process_node> out;
    for (const auto& [id, p] : procs_.lives()) {
        auto it = activity_.find(id);
        const activity& a = it == activity_.end() ? none : it->second;
        if (after_seq == 0 || a.last_seq > after_seq) out.push_back(view(p, a));
    }
    return out;
}

std::optional<process_node> process_tree::find(int32_t pid) const {
    static const activity none;
    const session::process_life* p = procs_.find(pid);
    if (!p) return std::nullopt;
    auto it = activity_.find(p->id);
    return view(*p, it == activity_.end() ? none : it->second);
}

}  // namespace agentsight::server
