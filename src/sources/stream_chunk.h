// SPDX-License-Identifier: Apache-2.0
// The fields every stream record shares (a TLS library call's plaintext, a plain syscall's
// bytes), read once for both decoders.
#pragma once

#include <cstddef>
#include <cstring>
#include <span>
#include <string_view>

#include "bpf/events.h"
#include "sources/record_decoder.h"

namespace agentsight {

// `head` is the record's fixed part, `fixed` its size; the data follows it in `b`.
template <class Record>
tls_chunk stream_chunk(const Record& head, std::span<const uint8_t> b, size_t fixed,
                       const clock_offset& clock) {
    tls_chunk c;
    c.ts_ns = clock.to_epoch(head.h.ts_ns);
    c.pid = int32_t(head.h.pid);
    c.tid = int32_t(head.h.tid);
    c.comm = std::string_view(reinterpret_cast<const char*>(b.data()) + offsetof(as_header, comm),
                              strnlen(head.h.comm, AS_COMM_LEN));
    c.conn = head.conn;
    c.call_seq = head.call_seq;
    c.total_len = head.total_len;
    c.offset = head.offset;
    c.captured_len = head.captured_len;
    c.direction = head.direction == abi_code(tls_direction::write) ? tls_direction::write
                                                                   : tls_direction::read;
    c.data = std::string_view(reinterpret_cast<const char*>(b.data()) + fixed, head.chunk_len);
    return c;
}

}  // namespace agentsight
