// The analysis thread: takes events from the capture queue, runs them
// through the pipeline, ticks stage timeouts and flushes sinks.
#pragma once

#include <atomic>
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

  private:
    void run();
    bounded_queue<event>& in_;
    pipeline& pipeline_;
    std::thread thread_;
};

uint64_t wall_clock_ns();

}  // namespace agentsight
