// SPDX-License-Identifier: Apache-2.0
// `session_start` / `session_end`: the bounds of one recorded run (docs/events.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>

#include "pipeline/events/fields.h"

namespace agentsight::events {

struct session_start {
    static constexpr const char* type = "session_start";

    uint64_t ts_ns = 0;
    std::string session_id;
    std::string command;
    std::string hostname;
    std::string agentsight_version;
    std::optional<std::string> cwd;  // the agent's working directory, when one was given

    bool operator==(const session_start&) const = default;

    static constexpr auto fields() {
        using c = session_start;
        return std::tuple{f("ts", &c::ts_ns),
                          f("session_id", &c::session_id),
                          f("command", &c::command),
                          f("hostname", &c::hostname),
                          f("agentsight_version", &c::agentsight_version),
                          f("cwd", &c::cwd, presence::omit_default)};
    }
};

struct session_end {
    static constexpr const char* type = "session_end";

    uint64_t ts_ns = 0;
    std::string session_id;
    json stats;

    bool operator==(const session_end&) const = default;

    static constexpr auto fields() {
        using c = session_end;
        return std::tuple{f("ts", &c::ts_ns), f("session_id", &c::session_id),
                          f("stats", &c::stats)};
    }
};

}  // namespace agentsight::events
