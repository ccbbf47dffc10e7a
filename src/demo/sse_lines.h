// SPDX-License-Identifier: Apache-2.0
// Splits a complete text/event-stream body into events. The demo agent reads its replies with
// it and the tests parse the mock's streams back with it; the capture pipeline has its own,
// incremental parser in analyzers/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace agentsight::demo {

struct sse_event {
    std::string event;  // "" when the event has no `event:` field
    std::string data;   // `data:` lines joined with '\n'
};

std::vector<sse_event> parse_sse(std::string_view body);

}  // namespace agentsight::demo
