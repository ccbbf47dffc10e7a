// SPDX-License-Identifier: Apache-2.0
#include "ui/process_tree.h"

#include <algorithm>

namespace agentsight::server {

const process_node* process_tree::find(int32_t pid) const {
    auto it = newest_.find(pid);
    return it == newest_.end() ? nullptr : &nodes_[it->second];
}

process_node& process_tree::new_node(int32_t pid, int32_t ppid, uint64_t ts_ns,
                                     const std::string& comm) {
    process_node n;
    n.id = static_cast<uint32_t>(nodes_.size());
    n.pid = pid;
    n.ppid = ppid;
    n.comm = comm;
    n.start_ns = ts_ns;
    if (auto it = newest_.find(ppid); it != newest_.end() && ppid != pid) n.parent = it->second;
    newest_[pid] = n.id;
    nodes_.push_back(std::move(n));
    return nodes_.back();
}

// Events can name a pid we never saw start (it began before tracing): such a
// process becomes a node on first sight. A pid seen again after its exit was
// reused by the kernel, so it starts a new node.
process_node& process_tree::node_for(int32_t pid, int32_t ppid, uint64_t ts_ns,
                                     const std::string& comm) {
    auto it = newest_.find(pid);
    if (it != newest_.end() && !nodes_[it->second].exited) return nodes_[it->second];
    return new_node(pid, ppid, ts_ns, comm);
}

void process_tree::on_process_event(const process_event& e, uint64_t seq) {
    using t = process_event_type;
    if (e.type == t::fork) {
        process_node& parent = node_for(e.pid, e.ppid, e.ts_ns, e.comm);
        parent.events++;
        parent.last_seq = seq;
        const uint32_t parent_id = parent.id;
        process_node& child = node_for(e.child_pid, e.pid, e.ts_ns, e.comm);
        if (child.parent < 0 && child.id != parent_id) child.parent = parent_id;
        child.last_seq = seq;
        return;
    }
    process_node& n = node_for(e.pid, e.ppid, e.ts_ns, e.comm);
    n.events++;
    n.last_seq = seq;
    switch (e.type) {
        case t::exec:
            n.execs++;
            n.comm = e.comm;
            n.filename = e.filename;
            n.argv = e.argv;
            break;
        case t::exit:
            n.exited = true;
            n.end_ns = e.ts_ns;
            n.exit_code = e.exit_code;
            n.signal = e.signal;
            break;
        case t::file_open:
            n.files += std::max<uint32_t>(e.count, 1);
            break;
        case t::file_unlink:
        case t::file_rename:
        case t::mkdir:
            n.files++;
            break;
        case t::connect:
        case t::bind:
        case t::listen:
        case t::accept:
            n.connects++;
            break;
        default:
            break;
    }
}

void process_tree::on_tool_exec(const std::string& call_id, const std::string& tool_name,
                                const std::vector<int32_t>& pids, uint64_t seq) {
    for (int32_t pid : pids) {
        auto it = newest_.find(pid);
        if (it == newest_.end()) continue;
        process_node& n = nodes_[it->second];
        n.tool_call_id = call_id;
        n.tool_name = tool_name;
        n.last_seq = seq;
    }
}

void process_tree::on_alert(const std::string& rule, const std::vector<int32_t>& pids,
                            uint64_t seq) {
    for (int32_t pid : pids) {
        auto it = newest_.find(pid);
        if (it == newest_.end()) continue;
        process_node& n = nodes_[it->second];
        n.alerts++;
        if (std::find(n.alert_rules.begin(), n.alert_rules.end(), rule) == n.alert_rules.end())
            n.alert_rules.push_back(rule);
        n.last_seq = seq;
    }
}

void process_tree::on_llm_call(int32_t pid, uint64_t seq) {
    auto it = newest_.find(pid);
    if (it == newest_.end()) return;
    nodes_[it->second].llm_calls++;
    nodes_[it->second].last_seq = seq;
}

}  // namespace agentsight::server
