// SPDX-License-Identifier: Apache-2.0
// What the UI needs from one event besides its JSON: the routing fields, a
// one-line label for the timeline, and the lowercase text the log search scans.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/event.h"

namespace agentsight::server {

struct event_digest {
    std::string type;  // the JSON "type": exec, tls, llm_call, ...
    uint64_t ts_ns = 0;
    int32_t pid = 0;                  // 0 when the event has none
    std::vector<int32_t> extra_pids;  // tool_exec / alert pids[] other than `pid`
    std::string label;                // short, for the timeline and the tree
    std::string search_text;          // ASCII-lowercased values, never keys
};

event_digest digest_event(const event& e);

// ASCII lowercase in place: the search is case-insensitive for ASCII only, which
// keeps it a plain substring scan (no locale, no allocation per comparison).
void ascii_lower(std::string& s);

}  // namespace agentsight::server
