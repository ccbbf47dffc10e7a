// SPDX-License-Identifier: Apache-2.0
// Plaintext stream records: decoded like TLS chunks, reassembled per call, named per stream.
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include "bpf/events.h"
#include "sources/plaintext_decoder.h"
#include "sources/tls_reassembler.h"

namespace agentsight {
namespace {

std::vector<uint8_t> plain_record(uint8_t transport, uint8_t dir, uint32_t offset,
                                  std::string_view data, uint32_t total) {
    as_plain_data rec{};
    rec.h.type = AS_REC_PLAIN_DATA;
    rec.h.abi = AS_ABI_VERSION;
    rec.h.ts_ns = 1000;
    rec.h.pid = 42;
    rec.h.tid = 43;
    std::strcpy(rec.h.comm, "node");
    rec.conn = 987654;
    rec.call_seq = 5;
    rec.total_len = total;
    rec.captured_len = total;
    rec.offset = offset;
    rec.chunk_len = uint32_t(data.size());
    rec.transport = transport;
    rec.direction = dir;
    rec.fd = 1;
    std::memcpy(rec.data, data.data(), data.size());
    size_t size = offsetof(as_plain_data, data) + data.size();
    rec.h.size = uint32_t(size);
    std::vector<uint8_t> b(size);
    std::memcpy(b.data(), &rec, size);
    return b;
}

TEST(plaintext_decoder, chunks_reassemble_into_a_stream_event_with_its_transport) {
    std::vector<tls_event> out;
    tls_reassembler r([&](tls_event e) { out.push_back(std::move(e)); });
    auto clock = clock_offset{0};
    // A chunk's data points into its ring-buffer record: keep the records alive.
    std::vector<std::vector<uint8_t>> records = {
        plain_record(AS_PLAIN_TCP, AS_TLS_WRITE, 0, "GET / HT", 14),
        plain_record(AS_PLAIN_TCP, AS_TLS_WRITE, 8, "TP/1.1", 14)};
    for (const auto& bytes : records) {
        auto rec = decode_record(bytes, clock);
        ASSERT_TRUE(rec) << rec.message();
        r.add(std::get<tls_chunk>(*rec));
    }
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].data, "GET / HTTP/1.1");
    EXPECT_EQ(out[0].transport, "tcp");
    EXPECT_EQ(out[0].conn, "42:tcp:987654");
    EXPECT_EQ(out[0].direction, tls_direction::write);
    EXPECT_EQ(out[0].comm, "node");
    EXPECT_EQ(out[0].truncated, 0u);
}

TEST(plaintext_decoder, names_each_transport_and_rejects_bad_records) {
    auto clock = clock_offset{0};
    auto pipe = decode_record(plain_record(AS_PLAIN_PIPE, AS_TLS_READ, 0, "{}\n", 3), clock);
    ASSERT_TRUE(pipe);
    EXPECT_EQ(std::get<tls_chunk>(*pipe).transport, AS_PLAIN_PIPE);
    EXPECT_EQ(plain_conn_id(7, AS_PLAIN_UNIX, 3), "7:unix:3");
    EXPECT_EQ(std::string(plain_transport_name(AS_PLAIN_PIPE)), "pipe");
    EXPECT_FALSE(decode_record(plain_record(9, AS_TLS_READ, 0, "x", 1), clock));
    EXPECT_FALSE(decode_record(plain_record(AS_PLAIN_PIPE, 7, 0, "x", 1), clock));
    auto cut = plain_record(AS_PLAIN_PIPE, AS_TLS_READ, 0, "abc", 3);
    cut.pop_back();  // chunk_len no longer matches the record
    EXPECT_FALSE(decode_record(cut, clock));
}

}  // namespace
}  // namespace agentsight
