// SPDX-License-Identifier: Apache-2.0
// `tool_exec`: what a tool call the model asked for did on the host (docs/correlation.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "pipeline/events/fields.h"

namespace agentsight::events {

struct tool_exec {
    static constexpr const char* type = "tool_exec";

    uint64_t ts_ns = 0;  // the tool's start
    std::string call_id;
    std::string tool_name;
    std::string target;
    uint64_t llm_call_ts_ns = 0;  // the llm_call that asked for it
    std::string conn;
    int32_t pid = 0;  // the agent's
    std::vector<int32_t> pids;
    json processes = json::array();
    json files = json::array();
    json connections = json::array();
    std::optional<int32_t> exit_code;  // null until the top process exited
    double duration_ms = 0;
    std::string status;  // "linked" or "no_activity"
    bool result_linked = false;
    std::optional<bool> is_error;  // known only once the result is linked

    bool operator==(const tool_exec&) const = default;

    static constexpr auto fields() {
        using c = tool_exec;
        return std::tuple{f("ts", &c::ts_ns),
                          f("call_id", &c::call_id),
                          f("tool_name", &c::tool_name),
                          f("target", &c::target),
                          f("llm_call_ts", &c::llm_call_ts_ns),
                          f("conn", &c::conn),
                          f("pid", &c::pid),
                          f("pids", &c::pids),
                          f("processes", &c::processes),
                          f("files", &c::files),
                          f("connections", &c::connections),
                          f("exit_code", &c::exit_code),
                          f("duration_ms", &c::duration_ms),
                          f("status", &c::status),
                          f("result_linked", &c::result_linked),
                          f("is_error", &c::is_error, presence::omit_default)};
    }
};

}  // namespace agentsight::events
