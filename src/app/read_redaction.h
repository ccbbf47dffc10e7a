// SPDX-License-Identifier: Apache-2.0
// Redaction on the read side: `report`, `serve` and `export` run the redaction stage on
// every event they read, so a trace recorded with --no-redact (or by an older build with
// fewer rules) shows no secret unless the reader says --no-redact too.
#pragma once

#include <vector>

#include "pipeline/event.h"

namespace agentsight::cli {

// The one stderr line every --no-redact prints.
void warn_no_redact();
// Redacts `events` in place (in trace order: split secrets are followed across records);
// with `redact` false, only warns.
void redact_read_events(std::vector<event>& events, bool redact);

}  // namespace agentsight::cli
