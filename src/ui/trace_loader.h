// SPDX-License-Identifier: Apache-2.0
// Filling a store from a recorded trace. The reader is injected, so the CLI
// can plug in replay/trace_reader (SQLite or JSONL) without this layer
// depending on it; a JSON Lines reader is here for tests and tools.
#pragma once

#include <functional>
#include <istream>

#include "pipeline/event.h"
#include "ui/event_store.h"
#include "util/result.h"

namespace agentsight::server {

// Returns true and fills the event, false at the end of the trace.
using event_reader = std::function<bool(event&)>;

size_t load_events(event_store& store, const event_reader& next);

// One event per line (pipeline/event_json.h); blank lines are skipped.
// A bad line fails the load with its line number and the reason.
result<size_t> load_jsonl(event_store& store, std::istream& in);

}  // namespace agentsight::server
