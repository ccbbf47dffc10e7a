// SPDX-License-Identifier: Apache-2.0
// The two concrete readers behind open_trace(); not for other layers.
#pragma once

#include <cstdio>
#include <memory>

#include "replay/trace_reader.h"

namespace agentsight {

// Takes ownership of `file` (stdin is not closed).
std::unique_ptr<trace_reader> make_jsonl_reader(std::string path, FILE* file,
                                                trace_read_options options);
result<std::unique_ptr<trace_reader>> make_sqlite_reader(const std::string& path);

}  // namespace agentsight
