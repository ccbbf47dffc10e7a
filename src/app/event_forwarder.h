// SPDX-License-Identifier: Apache-2.0
// The capture process's end of the privilege split: takes events off the
// capture queue and writes them, with the capture counters and notes for the
// user, to the analysis process. If that process is gone, reader_gone() says
// so and the recording stops.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/bounded_queue.h"
#include "pipeline/frame_channel.h"
#include "sources/capture.h"

namespace agentsight::cli {

class event_forwarder {
  public:
    event_forwarder(bounded_queue<event>& in, int fd);
    ~event_forwarder();

    // The latest counters and new notes; sent with the next batch (main thread).
    void publish(const capture_stats& s, std::vector<std::string> notes);
    // After the queue is closed: sends what is left and the final counters,
    // then ends the stream, which tells the analysis process to finish.
    void finish(const capture_stats& final_stats);
    bool reader_gone() const { return gone_.load(); }

  private:
    void run();
    void send_status();

    bounded_queue<event>& in_;
    int fd_;
    frame_writer writer_;  // the forwarding thread's only
    std::mutex mu_;
    capture_stats stats_{};
    std::vector<std::string> notes_;
    bool stats_fresh_ = false;
    std::atomic<bool> gone_{false};
    std::thread thread_;  // last: started once the members above exist
};

}  // namespace agentsight::cli
