// SPDX-License-Identifier: Apache-2.0
// The analysis thread: takes events from the capture queue, runs them
// through the pipeline, ticks stage timeouts and flushes sinks. A sink that
// can no longer write stops it: the rest of the input would only be lost.
#pragma once

#include <mutex>
#include <string>
#include <thread>

#include "pipeline/bounded_queue.h"
#include "pipeline/pipeline.h"

namespace agentsight {

class analysis_loop {
  public:
    analysis_loop(bounded_queue<event>& in, pipeline& p);
    ~analysis_loop();
    // Close the queue first; this drains it, finishes the pipeline and joins.
    void finish();
    // Non-empty once a sink failed; the loop has then stopped taking input.
    std::string failure() const;

  private:
    void run();
    bounded_queue<event>& in_;
    pipeline& pipeline_;
    mutable std::mutex mu_;
    std::string failure_;
    std::thread thread_;
};

uint64_t wall_clock_ns();

}  // namespace agentsight
