// SPDX-License-Identifier: Apache-2.0
// Checks shared by the fault tests: a trace that was written to the end.
#pragma once

#include <string>
#include <vector>

#include "harness.h"

namespace agentsight::test {

// Every line of PATH is a JSON event and the last one ends with its newline
// (no write was cut short). Returns the events.
std::vector<json> whole_jsonl(const std::string& path);
// A `record` trace: session_start first, session_end last.
void expect_session_closed(const std::vector<json>& events);
// The first line on stderr that is not one clear "agentsight: ..." error
// line, or "" (one line, no "terminate called", no stack trace).
std::string not_one_error_line(const std::string& stderr_text);

}  // namespace agentsight::test
