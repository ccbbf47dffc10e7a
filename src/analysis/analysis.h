// SPDX-License-Identifier: Apache-2.0
// The standard analysis chain and its options: [http+llm analyzer, redact]. The correlator
// goes between them; redaction stays last so every sink sees redacted events.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "analysis/protocol/http_analyzer.h"
#include "analysis/redact/redact.h"
#include "pipeline/stage.h"

namespace agentsight::analyzers {

struct analysis_options {
    bool redact = true;                            // --no-redact sets false
    uint64_t idle_timeout_ns = 60'000'000'000ULL;  // an open response without bytes this long
                                                   // is emitted incomplete
};

// `correlator` is the correlate stage to use (make_correlator, for user rules);
// nullptr means the built-in rules.
std::vector<std::unique_ptr<stage>> make_analysis_stages(
    const analysis_options& opts, std::unique_ptr<stage> correlator = nullptr);

// Runs the standard chain over one connection given as its two byte streams (what the
// client wrote, what it read), cut into TLS records of `record_size` bytes, and returns
// every derived event. For benchmarks and fuzzers; timestamps are synthetic.
std::vector<derived_event> analyze_streams(std::string_view client_bytes,
                                           std::string_view server_bytes,
                                           size_t record_size = 16 * 1024,
                                           const analysis_options& opts = {});

}  // namespace agentsight::analyzers
