// SPDX-License-Identifier: Apache-2.0
// `agentsight export`: converts a trace between the store and JSON Lines. The
// JSON of every event is copied as recorded, so db -> jsonl gives exactly the
// lines a `-o trace.jsonl` recording would have written.
#pragma once

#include <string>

#include "outputs/trace/trace_format.h"
#include "util/result.h"

namespace agentsight {

struct export_options {
    bool strict = true;              // a bad input line stops the export
    std::string agentsight_version;  // recorded in a new store's meta
    bool overwrite = true;           // replace an existing output file
};

// `out_or_dash` "-" writes JSON Lines to stdout. Errors name the file.
status export_trace(const std::string& in, const std::string& out_or_dash, output_format fmt,
                    const export_options& options = {});

}  // namespace agentsight
