// SPDX-License-Identifier: Apache-2.0
// A recording is one session. `record` emits session_start first and
// session_end last; the store indexes rows by it and OTLP makes it the trace.
//   session_start {type, ts, session_id, command, hostname, agentsight_version}
//   session_end   {type, ts, session_id, stats{...}}
#pragma once

#include <cstdint>
#include <string>

#include "pipeline/event.h"

namespace agentsight {

struct session_info {
    std::string session_id;  // new_session_id() unless resuming a known one
    uint64_t ts_ns = 0;      // wall-clock epoch ns
    std::string command;     // the agent command line as the user typed it
    std::string hostname;
    std::string agentsight_version;
};

// A random RFC 4122 version-4 UUID, e.g. "3f2b...-4...-a...".
std::string new_session_id();
// The local host name, or "" when it cannot be had.
std::string local_hostname();

derived_event make_session_start(const session_info& info);
// `stats` is free-form counters, e.g. {"events": 1234, "llm_calls": 7, "dropped": 0}.
derived_event make_session_end(const std::string& session_id, uint64_t ts_ns,
                               json stats = json::object());

}  // namespace agentsight
