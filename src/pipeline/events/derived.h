// SPDX-License-Identifier: Apache-2.0
// The typed payload of a derived event: one struct per kind, each declared once (fields.h).
#pragma once

#include <cstdint>
#include <optional>
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
// The process the event is about, for kinds that name one (an untyped body's "pid" too).
std::optional<int32_t> pid_of(const payload& p);

// The event's JSON object: "type" first, then the declared fields in order.
json encode(const payload& p);

// The payload `body` decodes to: a declared kind's fields, read leniently (a field missing or of
// another type keeps its default, an undeclared key is skipped), so a trace of another version
// still reads; an undeclared kind is other_event.
payload decode(const std::string& type, uint64_t ts_ns, const json& body);

// Whether encoding `p` gives exactly `body` (same keys, order and values).
bool encodes_to(const payload& p, const json& body);

}  // namespace agentsight::events
