// SPDX-License-Identifier: Apache-2.0
// Server-Sent Events (text/event-stream) parser. Incremental: chunks may split anywhere,
// including between the CR and LF of a line ending.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace agentsight::analyzers {

class sse_parser {
  public:
    // (event name, data). Event name is "message" when the event set none, as the spec says.
    using event_fn = std::function<void(std::string_view, std::string_view)>;

    void feed(std::string_view chunk, const event_fn& on_event);
    // End of stream. The spec drops an event without its blank line; we dispatch it, because
    // servers that close right after `data:` exist and the final event often carries usage.
    void finish(const event_fn& on_event);
    void reset();

  private:
    static constexpr size_t k_max_line = 64 * 1024 * 1024;
    void line(std::string_view l, const event_fn& on_event);
    void dispatch(const event_fn& on_event);

    std::string line_;
    std::string event_;
    std::string data_;
    bool has_data_ = false;
    bool after_cr_ = false;    // previous chunk ended in CR: a leading LF is its pair
    bool started_ = false;     // BOM check done
    uint8_t bom_matched_ = 0;  // bytes of a UTF-8 BOM seen so far (it may arrive split)
    bool overflow_ = false;
};

}  // namespace agentsight::analyzers
