// SPDX-License-Identifier: Apache-2.0
// The two on-disk trace formats and how a path picks one, so `record -o`,
// `export` and `replay` agree on what `trace.db` or `-` means.
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace agentsight {

enum class output_format { jsonl, sqlite };

const char* to_string(output_format f);

// `format_flag` is the user's --format ("jsonl", "sqlite" or "db"); empty means
// "decide by extension": .db/.sqlite/.sqlite3 -> sqlite; .jsonl/.json/.ndjson/- -> jsonl.
result<output_format> format_for_output_path(const std::string& path,
                                             std::string_view format_flag = {});

}  // namespace agentsight
