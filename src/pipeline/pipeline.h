// SPDX-License-Identifier: Apache-2.0
// Runs events through the stages in order and hands everything to the sinks.
// Single-threaded by design: the analysis thread owns it (see analysis_loop.h).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "pipeline/stage.h"

namespace agentsight {

class pipeline {
  public:
    void add_stage(std::unique_ptr<stage> s) { stages_.push_back(std::move(s)); }
    void add_sink(std::unique_ptr<sink> s) { sinks_.push_back(std::move(s)); }

    void push(event e) { run(std::move(e), 0); }
    void tick(uint64_t now_ns);   // stage timeouts; about once a second
    void flush_sinks();           // about every 100 ms
    void finish();                // flush stages, then close sinks
    std::string failure() const;  // the first sink failure, if any (see sink::failure)

  private:
    void run(event e, size_t from);
    std::vector<std::unique_ptr<stage>> stages_;
    std::vector<std::unique_ptr<sink>> sinks_;
};

}  // namespace agentsight
