// SPDX-License-Identifier: Apache-2.0
// Building the pipeline's ends for a command: the trace file sink (JSON Lines
// or SQLite), the analysis stages, OTLP export and the live UI.
#pragma once

#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "app/capture_run.h"
#include "pipeline/pipeline.h"
#include "util/result.h"

namespace agentsight::cli {

inline constexpr const char* k_version = "0.1.0";

// By --format, else by extension: .db/.sqlite -> SQLite, otherwise JSON Lines.
result<std::unique_ptr<sink>> open_output(const std::string& path, const std::string& format);
void add_analysis_stages(pipeline& p, const analysis_flags& f);
// --rules and --workdir, for the commands that correlate.
void add_correlation_flags(CLI::App& cmd, analysis_flags& f);
// The flags of every output in outputs/output_registry.h (--otlp, ...).
void add_export_flags(CLI::App& cmd, output_flag_values& values);
// Those outputs and the live UI; the returned handle keeps the UI server alive.
std::shared_ptr<void> add_export_sinks(pipeline& p, capture_run_options& o);
// Where stripped-binary TLS discovery results are cached between runs.
std::string default_cache_dir();

}  // namespace agentsight::cli
