// SPDX-License-Identifier: Apache-2.0
// Newline-delimited JSON framing (Ollama's streamed responses, MCP's stdio transport):
// complete lines out of chunks that may split anywhere. Blank lines are skipped and a CR
// before the LF is dropped; a line longer than the cap is dropped whole.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace agentsight::analyzers {

class ndjson_lines {
  public:
    using line_fn = std::function<void(std::string_view)>;

    explicit ndjson_lines(size_t max_line = 64 * 1024 * 1024) : max_line_(max_line) {}
    void feed(std::string_view chunk, const line_fn& on_line);
    // End of stream: a last line without its newline is still a line.
    void finish(const line_fn& on_line);
    // Bytes went missing: the partial line cannot be trusted, so resume at the next newline.
    void resync();
    size_t dropped_lines() const { return dropped_; }

  private:
    void emit(const line_fn& on_line);

    size_t max_line_;
    std::string line_;
    bool overflow_ = false;  // the current line passed max_line_, or began after a gap
    size_t dropped_ = 0;
};

}  // namespace agentsight::analyzers
