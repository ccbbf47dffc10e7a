// SPDX-License-Identifier: Apache-2.0
// Kernel records (bpf/events.h) to events. Every record is size-checked and
// copied out with memcpy; a ring-buffer pointer is never cast to a struct.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <variant>

#include "pipeline/event.h"
#include "util/result.h"

namespace agentsight {

// Kernel CLOCK_MONOTONIC ns -> wall-clock epoch ns, measured once at start.
struct clock_offset {
    int64_t mono_to_epoch_ns = 0;
    static clock_offset measure();
    // Unsigned arithmetic: a corrupt timestamp wraps instead of overflowing.
    uint64_t to_epoch(uint64_t mono_ns) const { return mono_ns + uint64_t(mono_to_epoch_ns); }
};

// One piece of a TLS call's plaintext; `data` points into the ring buffer.
struct tls_chunk {
    uint64_t ts_ns = 0;  // epoch
    int32_t pid = 0, tid = 0;
    std::string_view comm;
    uint64_t conn = 0, call_seq = 0;
    uint32_t total_len = 0, offset = 0, captured_len = 0;
    tls_lib lib = tls_lib::openssl;
    tls_direction direction = tls_direction::read;
    uint8_t transport = 0;  // bpf/events.h as_plain_transport of a plaintext stream; 0 = TLS
    std::string_view data;
};

using decoded_record = std::variant<process_event, tls_chunk, tls_event>;

// The stable connection id of a TLS object in a process: "<pid>:<hex>".
std::string conn_id(int32_t pid, uint64_t conn);

result<decoded_record> decode_record(std::span<const uint8_t> bytes, const clock_offset& clock);

}  // namespace agentsight
