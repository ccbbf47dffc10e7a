// SPDX-License-Identifier: Apache-2.0
// The process tree as the correlator sees it: who forked whom, what each pid exec'd, how it
// ended. Built only from events, so a replay sees exactly what the recording saw.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "pipeline/event.h"

namespace agentsight::analyzers {

struct proc_info {
    int32_t pid = 0;
    int32_t ppid = 0;
    std::string comm;      // of the last event: may be a thread's ("HTTP Client")
    std::string exe_comm;  // the executable's, from its exec or its parent's at fork
    std::string filename;  // from the last exec; "" if it never exec'd in the trace
    std::vector<std::string> argv;
    uint64_t first_ts = 0;
    uint64_t exec_ts = 0;
    bool exited = false;
    int32_t exit_code = 0;
    int32_t signal = 0;
    uint64_t exit_ts = 0;
};

class process_table {
  public:
    // Returns the pid's entry after applying `e` (a fork also creates the child's).
    proc_info& observe(const process_event& e);
    const proc_info* find(int32_t pid) const;
    int32_t parent(int32_t pid) const;
    // True when `ancestor` is `pid` or one of its ancestors.
    bool descends_from(int32_t pid, int32_t ancestor) const;
    // Forget exited processes that ended before `before_ns`, to bound memory.
    void prune(uint64_t before_ns);
    size_t size() const { return procs_.size(); }

  private:
    proc_info& touch(int32_t pid, int32_t ppid, uint64_t ts, const std::string& comm,
                     bool new_life);
    std::unordered_map<int32_t, proc_info> procs_;
};

}  // namespace agentsight::analyzers
