// SPDX-License-Identifier: Apache-2.0
// Noise control without loss: the first open of a path by a process is
// reported at once; repeats (same pid, path, flags and result) are counted
// and reported as one file_open with `count` = repeats, when the process
// exits or at the next periodic flush.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <tuple>

#include "pipeline/event.h"

namespace agentsight {

class open_aggregator {
  public:
    using emit_fn = std::function<void(process_event)>;

    // False when `e` is a repeat that was absorbed into a count.
    bool admit(const process_event& e);
    void flush_pid(int32_t pid, const emit_fn& emit);
    void flush_all(const emit_fn& emit);
    uint64_t absorbed() const { return absorbed_; }

  private:
    using key = std::tuple<int32_t, std::string, int32_t, int64_t>;
    struct entry {
        uint32_t repeats = 0;
        process_event last;  // the most recent repeat, reported with the count
    };
    void emit_entry(entry& en, const emit_fn& emit);
    std::map<key, entry> seen_;
    uint64_t absorbed_ = 0;
};

}  // namespace agentsight
