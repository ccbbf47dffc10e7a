#include "sources/plaintext_decoder.h"

#include <cstddef>
#include <cstring>

#include "bpf/events.h"

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
        head.direction > AS_TLS_WRITE)
        return error{"plaintext record: bad transport or direction"};
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
    c.transport = head.transport;
    c.direction = head.direction == AS_TLS_WRITE ? tls_direction::write : tls_direction::read;
    c.data = std::string_view(reinterpret_cast<const char*>(b.data()) + fixed, head.chunk_len);
    return decoded_record(c);
}

}  // namespace agentsight
