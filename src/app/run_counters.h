// SPDX-License-Identifier: Apache-2.0
// What the status line and the exit summary report: counted by a sink at the
// end of the pipeline, read from the main thread.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "pipeline/stage.h"
#include "sources/capture.h"

namespace agentsight::cli {

struct run_counters {
    std::atomic<uint64_t> events{0}, process_events{0}, tls_events{0}, llm_calls{0},
        input_tokens{0}, output_tokens{0}, alerts{0};
    // What must not pass silently: calls not whole, connections never decoded.
    std::atomic<uint64_t> incomplete_calls{0}, gap_calls{0}, opaque_connections{0};
    mutable std::mutex mu;
    std::string first_opaque;  // the first opaque_connection message, for the summary
};

std::unique_ptr<sink> make_counting_sink(std::shared_ptr<run_counters> c);
json stats_json(const capture_stats& s, const run_counters& c);
void print_summary(const capture_stats& s, const run_counters& c);

// A one-line status on stderr, redrawn about once a second on a terminal.
class status_line {
  public:
    explicit status_line(bool enabled) : enabled_(enabled) {}
    void maybe_print(const capture_stats& s, const run_counters& c);
    void clear();

  private:
    bool enabled_;
    bool shown_ = false;
    uint64_t last_ns_ = 0;
};

}  // namespace agentsight::cli
