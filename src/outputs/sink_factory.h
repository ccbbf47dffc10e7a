// SPDX-License-Identifier: Apache-2.0
// Building the trace file's sink from `-o PATH [--format F] [--append]`. The outputs
// exported besides it (--otlp, ...) are in output_registry.h.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "outputs/trace/trace_format.h"
#include "pipeline/stage.h"
#include "util/result.h"

namespace agentsight {

struct file_sink_options {
    std::string agentsight_version;
    // SQLite only: add this recording as a new session instead of replacing the
    // file (JSON Lines output always starts a new file, like `-o` everywhere).
    bool append = false;
    std::function<void(const std::string&)> log;  // default stderr
};

// "-" (JSON Lines only) is stdout. Errors name the path.
result<std::unique_ptr<sink>> make_file_sink(const std::string& path, output_format fmt,
                                             const file_sink_options& options = {});

}  // namespace agentsight
