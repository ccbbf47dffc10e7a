// SPDX-License-Identifier: Apache-2.0
// `alert`: a correlation rule fired (docs/correlation.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "pipeline/events/fields.h"

namespace agentsight::events {

// An event the alert points at: enough to find it again in the trace.
struct alert_ref {
    uint64_t ts_ns = 0;
    std::string type;
    int32_t pid = 0;

    bool operator==(const alert_ref&) const = default;

    static constexpr auto fields() {
        return std::tuple{f("ts", &alert_ref::ts_ns), f("type", &alert_ref::type),
                          f("pid", &alert_ref::pid)};
    }
};

struct alert_step {
    int32_t pid = 0;
    std::string comm;

    bool operator==(const alert_step&) const = default;

    static constexpr auto fields() {
        return std::tuple{f("pid", &alert_step::pid), f("comm", &alert_step::comm)};
    }
};

// How the alert came about. The tool-call trio is there only when a tool call led to it.
struct alert_chain {
    std::optional<uint64_t> llm_call_ts_ns;
    std::optional<std::string> call_id;
    std::optional<std::string> tool_name;
    std::vector<alert_step> processes;  // agent first, the actor last
    std::string file;
    std::string host;
    std::string why;

    bool operator==(const alert_chain&) const = default;

    static constexpr auto fields() {
        using c = alert_chain;
        constexpr auto opt = presence::omit_default;
        return std::tuple{f("llm_call_ts", &c::llm_call_ts_ns, opt),
                          f("call_id", &c::call_id, opt),
                          f("tool_name", &c::tool_name, opt),
                          f("processes", &c::processes),
                          f("file", &c::file, opt),
                          f("host", &c::host, opt),
                          f("why", &c::why)};
    }
};

struct alert {
    static constexpr const char* type = "alert";

    uint64_t ts_ns = 0;
    std::string rule;
    std::string severity;
    std::string message;
    std::vector<int32_t> pids;
    std::vector<alert_ref> refs;
    alert_chain chain;

    bool operator==(const alert&) const = default;

    static constexpr auto fields() {
        using c = alert;
        return std::tuple{f("ts", &c::ts_ns),          f("rule", &c::rule),
                          f("severity", &c::severity), f("message", &c::message),
                          f("pids", &c::pids),         f("refs", &c::refs),
                          f("chain", &c::chain)};
    }
};

}  // namespace agentsight::events
