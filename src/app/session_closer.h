// SPDX-License-Identifier: Apache-2.0
// The last stage of a recording: emits session_end when the pipeline
// finishes, after every stage has flushed, so nothing follows it in a trace.
#pragma once

#include <functional>
#include <string>

#include "pipeline/session_events.h"
#include "pipeline/stage.h"

namespace agentsight::cli {

class session_closer : public stage {
  public:
    session_closer(std::string session_id, std::function<json()> stats)
        : session_id_(std::move(session_id)), stats_(std::move(stats)) {}
    std::string_view name() const override { return "session_closer"; }
    void on_event(event& e, const emit_fn&) override {
        last_ts_ = std::max(last_ts_, std::visit([](const auto& v) { return v.ts_ns; }, e));
    }
    void finish(const emit_fn& emit) override {
        emit(make_session_end(session_id_, last_ts_, stats_()));
    }

  private:
    std::string session_id_;
    std::function<json()> stats_;
    uint64_t last_ts_ = 0;
};

}  // namespace agentsight::cli
