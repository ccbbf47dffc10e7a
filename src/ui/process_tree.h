// SPDX-License-Identifier: Apache-2.0
// The agent's process tree, grown one event at a time from exec/fork/exit,
// with per-process activity counts and the tool call that caused it.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "pipeline/event.h"

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

class process_tree {
  public:
    void on_process_event(const process_event& e, uint64_t seq);
    void on_tool_exec(const std::string& call_id, const std::string& tool_name,
                      const std::vector<int32_t>& pids, uint64_t seq);
    void on_alert(const std::string& rule, const std::vector<int32_t>& pids, uint64_t seq);
    void on_llm_call(int32_t pid, uint64_t seq);

    const std::vector<process_node>& nodes() const { return nodes_; }
    // The newest node for `pid`, or nullptr.
    const process_node* find(int32_t pid) const;

  private:
    process_node& node_for(int32_t pid, int32_t ppid, uint64_t ts_ns, const std::string& comm);
    process_node& new_node(int32_t pid, int32_t ppid, uint64_t ts_ns, const std::string& comm);

    std::vector<process_node> nodes_;
    std::unordered_map<int32_t, uint32_t> newest_;  // pid -> node id
};

}  // namespace agentsight::server
