// SPDX-License-Identifier: Apache-2.0
// The one JSON Lines encoding of every event, both ways: sinks write it,
// the replay source reads it back. docs/events.md is its schema.
#pragma once

#include <string>

#include "pipeline/event.h"
#include "util/result.h"

namespace agentsight {

// Appends one JSON object (no newline) for `e` to `out`.
void append_event_json(const event& e, std::string& out);
std::string event_to_json(const event& e);

// Parses one line written by append_event_json. Unknown types become
// derived_event, so newer traces still replay.
result<event> parse_event_json(std::string_view line);

}  // namespace agentsight
