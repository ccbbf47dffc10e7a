// SPDX-License-Identifier: Apache-2.0
#include <cstring>
#include <vector>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <csignal>

#include "bpf/events.h"
#include "sources/open_aggregator.h"
#include "sources/record_decoder.h"
#include "sources/targeting.h"
#include "sources/tls_reassembler.h"

namespace agentsight {
namespace {

template <typename T>
std::vector<uint8_t> bytes_of(const T& rec, size_t size = sizeof(T)) {
    std::vector<uint8_t> b(size);
    std::memcpy(b.data(), &rec, size);
    return b;
}

as_header header(uint16_t type, uint32_t pid = 42) {
    as_header h{};
    h.type = type;
    h.abi = AS_ABI_VERSION;
    h.ts_ns = 1000;
    h.pid = pid;
    h.tid = pid;
    h.ppid = 1;
    std::strcpy(h.comm, "sh");
    return h;
}

TEST(record_decoder, exec_splits_argv_and_converts_time) {
    static as_exec rec{};
    rec.h = header(AS_REC_EXEC);
    // The filename without its NUL, then argv as the kernel stores it.
    const char payload[] = "/bin/shsh\0-c\0echo hi\0";
    rec.filename_len = 7;
    rec.argv_len = sizeof(payload) - 1 - 7;
    std::memcpy(rec.payload, payload, sizeof(payload) - 1);
    size_t size = offsetof(as_exec, payload) + sizeof(payload) - 1;
    auto r = decode_record(bytes_of(rec, size), clock_offset{5});
    ASSERT_TRUE(r) << r.message();
    const auto& e = std::get<process_event>(*r);
    EXPECT_EQ(e.filename, "/bin/sh");
    EXPECT_EQ(e.argv, (std::vector<std::string>{"sh", "-c", "echo hi"}));
    EXPECT_EQ(e.ts_ns, 1005u);
    EXPECT_EQ(e.comm, "sh");
}

TEST(record_decoder, rejects_lengths_beyond_the_record) {
    static as_exec rec{};
    rec.h = header(AS_REC_EXEC);
    rec.filename_len = 100;
    rec.argv_len = 100;
    auto r = decode_record(bytes_of(rec, offsetof(as_exec, payload) + 10), clock_offset{});
    EXPECT_FALSE(r);
}

TEST(record_decoder, short_wrong_abi_and_unknown_records_are_errors) {
    EXPECT_FALSE(decode_record(std::vector<uint8_t>(10), clock_offset{}));
    as_fork f{};
    f.h = header(AS_REC_FORK);
    f.h.abi = 99;
    EXPECT_NE(decode_record(bytes_of(f), clock_offset{}).message().find("ABI"), std::string::npos);
    f.h = header(200);
    EXPECT_FALSE(decode_record(bytes_of(f), clock_offset{}));
}

// A TLS chunk reserved at a size class (bpf/tls.bpf.c) carries slack after its data.
as_tls_data tls_record(uint32_t chunk_len) {
    as_tls_data rec{};
    rec.h = header(AS_REC_TLS_DATA);
    rec.h.size = uint32_t(offsetof(as_tls_data, data) + chunk_len);
    rec.conn = 7;
    rec.total_len = chunk_len;
    rec.captured_len = chunk_len;
    rec.chunk_len = chunk_len;
    rec.direction = AS_TLS_WRITE;
    std::memset(rec.data, 'x', chunk_len);
    std::memset(rec.data + chunk_len, '!', 16);  // slack: stale ring bytes
    return rec;
}

TEST(record_decoder, tls_chunk_in_a_size_class_stops_at_its_length) {
    static as_tls_data rec = tls_record(700);
    const auto bytes = bytes_of(rec, offsetof(as_tls_data, data) + 1024);  // data points here
    auto r = decode_record(bytes, clock_offset{});
    ASSERT_TRUE(r) << r.message();
    const auto& c = std::get<tls_chunk>(*r);
    EXPECT_EQ(c.data, std::string(700, 'x'));
}

TEST(record_decoder, tls_chunk_longer_than_its_record_or_header_is_refused) {
    static as_tls_data rec = tls_record(700);
    EXPECT_FALSE(decode_record(bytes_of(rec, offsetof(as_tls_data, data) + 512), clock_offset{}));
    rec.h.size += 1;  // the header disagrees with the chunk length
    EXPECT_FALSE(decode_record(bytes_of(rec, offsetof(as_tls_data, data) + 1024), clock_offset{}));
}

TEST(record_decoder, net_formats_addresses) {
    as_net n{};
    n.h = header(AS_REC_NET);
    n.op = AS_NET_CONNECT;
    n.family = 2;
    n.port = 8443;
    uint8_t addr[4] = {127, 0, 0, 1};
    std::memcpy(n.addr, addr, 4);
    auto r = decode_record(bytes_of(n), clock_offset{});
    ASSERT_TRUE(r);
    const auto& e = std::get<process_event>(*r);
    EXPECT_EQ(e.type, process_event_type::connect);
    EXPECT_EQ(e.addr, "127.0.0.1");
    EXPECT_EQ(e.port, 8443);
}

tls_chunk chunk(int32_t tid, uint64_t seq, uint32_t total, uint32_t offset, std::string_view data) {
    tls_chunk c;
    c.pid = 7;
    c.tid = tid;
    c.conn = 0xabc;
    c.call_seq = seq;
    c.total_len = total;
    c.captured_len = total;
    c.offset = offset;
    c.data = data;
    return c;
}

TEST(tls_reassembler, joins_chunks_in_order) {
    std::vector<tls_event> out;
    tls_reassembler r([&](tls_event e) { out.push_back(std::move(e)); });
    r.add(chunk(1, 1, 6, 0, "abc"));
    EXPECT_TRUE(out.empty());
    r.add(chunk(1, 1, 6, 3, "def"));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].data, "abcdef");
    EXPECT_EQ(out[0].truncated, 0u);
    EXPECT_EQ(out[0].conn, "7:abc");
}

TEST(tls_reassembler, a_lost_chunk_becomes_counted_truncation) {
    std::vector<tls_event> out;
    tls_reassembler r([&](tls_event e) { out.push_back(std::move(e)); });
    r.add(chunk(1, 1, 9, 0, "abc"));
    r.add(chunk(1, 1, 9, 6, "ghi"));  // 3 bytes in the middle never arrived
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].truncated, 3u);
    EXPECT_EQ(r.lost_bytes(), 3u);
    r.add(chunk(1, 2, 9, 0, "abc"));  // last chunks lost: the next call closes it
    r.add(chunk(1, 3, 3, 0, "xyz"));
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[1].truncated, 6u);
    EXPECT_EQ(out[2].data, "xyz");
}

TEST(open_aggregator, first_open_passes_repeats_are_counted) {
    open_aggregator agg;
    process_event open;
    open.type = process_event_type::file_open;
    open.pid = 5;
    open.path = "/etc/hosts";
    open.ret = 3;
    EXPECT_TRUE(agg.admit(open));
    open.ret = 4;  // another fd: same open as far as the user is concerned
    EXPECT_FALSE(agg.admit(open));
    EXPECT_FALSE(agg.admit(open));
    open.ret = -2;  // a failure is reported on its own
    EXPECT_TRUE(agg.admit(open));
    std::vector<process_event> flushed;
    agg.flush_pid(5, [&](process_event e) { flushed.push_back(std::move(e)); });
    ASSERT_EQ(flushed.size(), 1u);
    EXPECT_EQ(flushed[0].count, 2u);
    EXPECT_EQ(agg.absorbed(), 2u);
}

TEST(targeting, process_tree_finds_children) {
    pid_t child = fork();
    if (child == 0) {
        pause();
        _exit(0);
    }
    auto tree = process_tree(getpid());
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    EXPECT_EQ(tree.front(), getpid());
    EXPECT_NE(std::find(tree.begin(), tree.end(), child), tree.end());
    EXPECT_TRUE(process_exists(getpid()));
    EXPECT_FALSE(process_exists(999999));
}

}  // namespace
}  // namespace agentsight
