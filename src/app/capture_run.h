// SPDX-License-Identifier: Apache-2.0
// What `process`, `tls` and `record` share: targeting flags, the capture,
// the analysis thread, sinks, the status line and the exit summary.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "app/analysis_flags.h"
#include "outputs/output_registry.h"
#include "sources/capture.h"

namespace agentsight::cli {

enum class output_kinds { process_only, tls_only, everything };

struct capture_run_options {
    capture_options capture;
    std::string output = "-";
    std::string format;  // "" = by extension
    output_kinds kinds = output_kinds::everything;
    analysis_flags analysis;
    bool quiet = false;
    std::string user = "nobody";  // the analysis process's user (-Z/--user)
    std::string run_as;           // --run-as: the user of `-- CMD` ("" = see cli/run_as.h)
    output_flag_values exports;   // --otlp and the other outputs of outputs/output_registry.h
    bool ui = false;
    std::string ui_bind = "127.0.0.1";
    uint16_t ui_port = 7395;
};

// Registers the flags every capturing command has (targeting, output, sizes).
void add_capture_flags(CLI::App& cmd, capture_run_options& o);
// Runs a capture to completion; returns the exit code (the command's, for `-- CMD`).
int run_capture(capture_run_options& o);

}  // namespace agentsight::cli
