// SPDX-License-Identifier: Apache-2.0
// Reads a recorded trace back, event by event in recorded order, whichever
// format it is in: a SQLite store (by its magic bytes) or JSON Lines.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "outputs/trace/trace_format.h"
#include "pipeline/event.h"
#include "util/result.h"

namespace agentsight {

struct trace_read_options {
    // strict: the first bad JSONL line ends reading (failure() says why).
    // Otherwise bad lines are skipped, counted, and passed to on_skip.
    bool strict = true;
    std::function<void(const std::string&)> on_skip;
};

class trace_reader {
  public:
    virtual ~trace_reader() = default;

    // The next event; false at the end or on an error (then failure() is set).
    virtual bool next(event& out) = 0;
    // The exact JSON text of the event next() just returned: export copies it
    // so a trace survives db <-> jsonl byte for byte.
    const std::string& raw_json() const { return raw_; }

    // Why reading stopped early, e.g. "trace.jsonl:7: not a JSON object".
    const std::optional<error>& failure() const { return failure_; }
    uint64_t skipped() const { return skipped_; }
    virtual output_format format() const = 0;
    const std::string& path() const { return path_; }

  protected:
    explicit trace_reader(std::string path) : path_(std::move(path)) {}
    std::string path_;
    std::string raw_;
    std::optional<error> failure_;
    uint64_t skipped_ = 0;
};

// "-" reads JSON Lines from stdin. A missing file reads
// "trace.jsonl: No such file or directory".
result<std::unique_ptr<trace_reader>> open_trace(const std::string& path,
                                                 trace_read_options options = {});

}  // namespace agentsight
