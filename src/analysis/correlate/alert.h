// SPDX-License-Identifier: Apache-2.0
// The `alert` derived event: one place that fixes its shape (docs/correlation.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/event.h"

namespace agentsight::analyzers {

// An event an alert points at: enough to find it again in the trace.
struct alert_ref {
    uint64_t ts_ns = 0;
    std::string type;
    int32_t pid = 0;
};

alert_ref ref_of(const process_event& e);

// How an alert came about: the LLM call and tool call that led to it, the processes from the
// agent down to the actor, the file or host, and why the rule fired. Fields a rule cannot
// know stay empty and are left out of the event.
struct alert_chain {
    uint64_t llm_call_ts = 0;  // the llm_call whose response asked for the tool call
    std::string call_id, tool_name;
    struct step {
        int32_t pid = 0;
        std::string comm;  // the executable's name (from its exec), not a thread's
    };
    std::vector<step> processes;  // agent first, the actor last
    std::string file, host;       // what was read or written, where it went
    std::string why;              // one line
};

struct alert {
    uint64_t ts_ns = 0;
    std::string rule;
    std::string severity;
    std::string message;
    std::vector<int32_t> pids;
    std::vector<alert_ref> refs;
    alert_chain chain;
};

derived_event to_event(const alert& a);

// Helpers for messages: argv joined and clipped so one alert stays one readable line.
std::string describe_argv(const std::vector<std::string>& argv, size_t max_chars = 160);
std::string clip(std::string_view s, size_t max_chars);

}  // namespace agentsight::analyzers
