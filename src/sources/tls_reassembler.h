// SPDX-License-Identifier: Apache-2.0
// Joins a TLS call's chunk records back into one tls_event. Chunks of one
// call come from one CPU in order; a thread's calls are sequential, so a new
// call on a thread also closes its previous one (with a gap, if chunks were
// lost to a full ring buffer).
#pragma once

#include <cstdint>
#include <functional>
#include <unordered_map>

#include "sources/record_decoder.h"

namespace agentsight {

class tls_reassembler {
  public:
    using emit_fn = std::function<void(tls_event)>;
    explicit tls_reassembler(emit_fn emit) : emit_(std::move(emit)) {}

    void add(const tls_chunk& c);
    // Emits calls whose last chunk has not arrived for `max_age_ns`.
    void flush_older_than(uint64_t now_ns, uint64_t max_age_ns);
    void flush_all();
    uint64_t lost_bytes() const { return lost_bytes_; }

  private:
    struct pending {
        uint64_t call_seq = 0;
        uint64_t next_offset = 0;
        uint32_t captured_len = 0;
        uint64_t lost = 0;
        tls_event ev;
    };
    void finish(pending& p);

    emit_fn emit_;
    std::unordered_map<int32_t, pending> by_tid_;
    uint64_t lost_bytes_ = 0;
};

}  // namespace agentsight
