// SPDX-License-Identifier: Apache-2.0
#include "sources/plaintext_decoder.h"

#include <cstddef>
#include <cstring>

#include "bpf/events.h"
#include "sources/stream_chunk.h"

namespace agentsight {

static_assert(offsetof(as_plain_data, data) == 88);

const char* plain_transport_name(uint8_t transport) {
    switch (transport) {
        case AS_PLAIN_TCP:
            return "tcp";
        case AS_PLAIN_PIPE:
            return "pipe";
        case AS_PLAIN_UNIX:
            return "unix";
        default:
            return "";
    }
}

std::string plain_conn_id(int32_t pid, uint8_t transport, uint64_t inode) {
    return std::to_string(pid) + ":" + plain_transport_name(transport) + ":" +
           std::to_string(inode);
}

result<decoded_record> decode_plain_data(std::span<const uint8_t> b, const clock_offset& clock) {
    constexpr size_t fixed = offsetof(as_plain_data, data);
    if (b.size() < fixed) return error{"plaintext record: bad size"};
    as_plain_data head;  // only the fixed part is copied; data stays in the ring
    std::memcpy(&head, b.data(), fixed);
    if (head.chunk_len != b.size() - fixed) return error{"plaintext record: chunk length mismatch"};
    if (head.transport < AS_PLAIN_TCP || head.transport > AS_PLAIN_UNIX ||
        !is_data_direction(head.direction))
        return error{"plaintext record: bad transport or direction"};
    tls_chunk c = stream_chunk(head, b, fixed, clock);
    c.transport = head.transport;
    return decoded_record(c);
}

}  // namespace agentsight
