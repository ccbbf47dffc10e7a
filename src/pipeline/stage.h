// SPDX-License-Identifier: Apache-2.0
// The two interfaces of the flow: a stage turns events into more events, a
// sink writes them out. Sources push into a `pipeline` (pipeline.h).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "pipeline/event.h"

namespace agentsight {

using emit_fn = std::function<void(event)>;

class stage {
  public:
    virtual ~stage() = default;
    virtual std::string_view name() const = 0;
    // Sees every event in order. May rewrite `e` in place (redaction) and emit
    // new events; emitted events continue through the stages after this one.
    virtual void on_event(event& e, const emit_fn& emit) = 0;
    // Called about once a second with the current epoch ns: flush what timed out.
    virtual void on_tick(uint64_t /*now_ns*/, const emit_fn& /*emit*/) {}
    // End of input: flush everything still pending (marked incomplete).
    virtual void finish(const emit_fn& /*emit*/) {}
};

class sink {
  public:
    virtual ~sink() = default;
    virtual void write(const event& e) = 0;
    virtual void flush() {}
    // Final flush; counts of what was lost are reported by the sink's own log.
    virtual void close() {}
    // Non-empty once the sink can no longer write (a full disk, a closed pipe):
    // one line naming the output and the reason. Recording stops on it.
    virtual std::string failure() const { return {}; }
};

}  // namespace agentsight
