// SPDX-License-Identifier: Apache-2.0
// The agent's process tree as the UI serves it: one process_node per process of the session
// model, with per-process activity counts and the tool call that caused it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "pipeline/event.h"
#include "pipeline/session/process_table.h"

namespace agentsight::server {

struct process_node {
    uint32_t id = 0;      // index in the tree; stable, unlike pids (reused)
    int64_t parent = -1;  // node id, -1 for a root
    int32_t pid = 0;
    int32_t ppid = 0;
    std::string comm;
    std::string filename;
    std::vector<std::string> argv;
    uint64_t start_ns = 0;
    uint64_t end_ns = 0;
    bool exited = false;
    int32_t exit_code = 0;
    int32_t signal = 0;
    uint32_t execs = 0;
    uint32_t files = 0;     // file_open (weighted by count), unlink, rename, mkdir
    uint32_t connects = 0;  // connect, bind, listen, accept
    uint32_t events = 0;
    uint32_t llm_calls = 0;
    uint32_t alerts = 0;
    std::vector<std::string> alert_rules;
    std::string tool_call_id;  // from the tool_exec that lists this pid
    std::string tool_name;
    uint64_t last_seq = 0;  // newest event that changed this node
};

// The UI's view of the session's process table: each process_life with what the UI counts
// about it (activity, alerts, the tool call that caused it). The lives themselves, their
// reuse and exec history, are the session model's (pipeline/session/process_table.h).
class process_tree {
  public:
    void on_process_event(const process_event& e, uint64_t seq);
    void on_tool_exec(const std::string& call_id, const std::string& tool_name,
                      const std::vector<int32_t>& pids, uint64_t seq);
    void on_alert(const std::string& rule, const std::vector<int32_t>& pids, uint64_t seq);
    void on_llm_call(int32_t pid, uint64_t seq);

    // Every process changed after `after_seq` (0: all), oldest first.
    std::vector<process_node> nodes(uint64_t after_seq = 0) const;
    size_t size() const { return procs_.size(); }
    // The newest process of `pid`.
    std::optional<process_node> find(int32_t pid) const;

  private:
    // What the UI counts about one process; the rest of process_node is its process_life.
    struct activity {
        uint32_t files = 0, connects = 0, events = 0, llm_calls = 0, alerts = 0;
        std::vector<std::string> alert_rules;
        std::string tool_call_id, tool_name;
        uint64_t last_seq = 0;
    };
    activity* activity_of(int32_t pid);
    process_node view(const session::process_life& p, const activity& a) const;

    session::process_table procs_;
    std::unordered_map<uint64_t, activity> activity_;  // by process_life id
};

}  // namespace agentsight::server
