// SPDX-License-Identifier: Apache-2.0
// Length-prefixed frames over a socket: how the capture process hands events,
// its counters and user notes to the analysis process. One direction only, so
// nothing the unprivileged side sends can steer the privileged one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pipeline/event.h"

namespace agentsight {

enum class frame_kind : uint8_t {
    event = 1,  // event_wire.h encoding
    stats = 2,  // a capture_stats snapshot (same binary on both ends: raw bytes)
    note = 3,   // a one-line remark for the user
};

class frame_writer {
  public:
    explicit frame_writer(int fd) : fd_(fd) {}
    // Buffers and writes in large blocks. False once the reader is gone.
    bool add_event(const event& e);
    bool add(frame_kind kind, std::string_view payload);
    bool flush();
    bool broken() const { return broken_; }

  private:
    size_t begin(frame_kind kind);
    bool end(size_t header_at);
    int fd_;
    std::string buf_;
    bool broken_ = false;
};

class frame_reader {
  public:
    explicit frame_reader(int fd) : fd_(fd) {}
    enum class status { frame, timeout, eof, error };
    // Waits up to `timeout_ms` for the next whole frame. `error` sets `why`.
    status next(frame_kind& kind, std::string& payload, int timeout_ms);
    const std::string& why() const { return why_; }

  private:
    bool take_buffered(frame_kind& kind, std::string& payload);
    int fd_;
    std::string buf_;
    size_t pos_ = 0;
    std::string why_;
};

}  // namespace agentsight
