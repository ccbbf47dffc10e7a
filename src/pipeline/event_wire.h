// SPDX-License-Identifier: Apache-2.0
// The binary encoding of an event between the capture process and the
// unprivileged analysis process (docs/architecture.md, "Privilege separation").
// Both ends are the same binary, so the format is not versioned; it is still
// decoded defensively, because the decoder must never trust a length.
#pragma once

#include <string>
#include <string_view>

#include "pipeline/event.h"
#include "util/result.h"

namespace agentsight {

// Appends the encoding of `e` to `out`.
void append_event_wire(const event& e, std::string& out);
// Decodes exactly one encoded event; trailing or missing bytes are errors.
result<event> parse_event_wire(std::string_view bytes);

}  // namespace agentsight
