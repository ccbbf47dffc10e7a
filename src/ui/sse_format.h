// SPDX-License-Identifier: Apache-2.0
// Server-Sent Events framing (the text/event-stream wire format).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace agentsight::server {

// "id: <id>\nevent: <name>\ndata: ...\n\n"; a newline inside `data` starts a
// new data: line, which the browser joins back, so no payload can end the
// message early or inject fields.
std::string sse_message(std::string_view name, std::string_view data, uint64_t id);

// Keeps the connection visibly alive; EventSource ignores comment lines.
inline std::string sse_heartbeat() {
    return ": heartbeat\n\n";
}

}  // namespace agentsight::server
