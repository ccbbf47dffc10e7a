// SPDX-License-Identifier: Apache-2.0
// The typed payload of a derived event: one struct per kind, each declared once (fields.h).
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "pipeline/events/alert.h"
#include "pipeline/events/http_exchange.h"
#include "pipeline/events/llm_call.h"
#include "pipeline/events/mcp_call.h"
#include "pipeline/events/session.h"
#include "pipeline/events/tool_exec.h"

namespace agentsight::events {

// A kind this build does not declare (a newer trace, a test's own kind): kept as its JSON.
struct other_event {
    std::string type;
    uint64_t ts_ns = 0;
    json body = json::object();

    bool operator==(const other_event&) const = default;
};

// other_event first: a default payload is untyped.
using payload = std::variant<other_event, llm_call, http_exchange, tool_exec, alert, mcp_call,
                             session_start, session_end>;

std::string type_of(const payload& p);
uint64_t ts_of(const payload& p);

// The event's JSON object: "type" first, then the declared fields in order.
json encode(const payload& p);

// The payload `body` decodes to. A declared kind whose body the declaration does not
// reproduce byte for byte (fields of another version) stays other_event, so replay keeps it.
payload decode(const std::string& type, uint64_t ts_ns, const json& body);

}  // namespace agentsight::events
