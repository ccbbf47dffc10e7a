// SPDX-License-Identifier: Apache-2.0
// Kernel records whose values once shared a field with another meaning: each now lands in
// its own typed field, and the JSON keys stay those docs/events.md shows.
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include "bpf/events.h"
#include "pipeline/event_json.h"
#include "pipeline/event_wire.h"
#include "sources/record_decoder.h"

namespace agentsight {
namespace {

template <typename Record>
std::vector<uint8_t> bytes_of(Record rec, uint16_t type) {
    rec.h.type = type;
    rec.h.abi = AS_ABI_VERSION;
    rec.h.size = sizeof rec;
    rec.h.pid = 77;
    std::strcpy(rec.h.comm, "agent");
    std::vector<uint8_t> b(sizeof rec);
    std::memcpy(b.data(), &rec, sizeof rec);
    return b;
}

process_event decode(const std::vector<uint8_t>& b) {
    auto r = decode_record(b, clock_offset{});
    EXPECT_TRUE(r) << r.message();
    return r ? std::get<process_event>(*r) : process_event{};
}

TEST(process_record_fields, ptrace_keeps_its_request_and_reports_no_signal) {
    as_touch_recorder rec{};
    rec.syscall_kind = AS_TOUCH_PTRACE;
    rec.target = AS_TARGET_CAPTURE;
    rec.arg = 16;  // PTRACE_ATTACH
    rec.target_pid = 4242;
    rec.fd = -1;
    process_event e = decode(bytes_of(rec, AS_REC_TOUCH_RECORDER));
    EXPECT_EQ(e.syscall, "ptrace");
    EXPECT_EQ(e.ptrace_request, 16);
    EXPECT_EQ(e.signal, 0);
    EXPECT_TRUE(e.path.empty());
    std::string line = event_to_json(e);
    EXPECT_NE(line.find(R"("syscall":"ptrace","signal":0,)"), std::string::npos) << line;
    EXPECT_NE(line.find(R"("ptrace_request":16})"), std::string::npos) << line;
    auto back = parse_event_json(line);
    ASSERT_TRUE(back);
    EXPECT_EQ(std::get<process_event>(*back).ptrace_request, 16);
    std::string wire;
    append_event_wire(e, wire);
    auto again = parse_event_wire(wire);
    ASSERT_TRUE(again);
    EXPECT_EQ(event_to_json(*again), line);
}

TEST(process_record_fields, a_signal_has_no_ptrace_request_key) {
    as_touch_recorder rec{};
    rec.syscall_kind = AS_TOUCH_KILL;
    rec.target = AS_TARGET_ANALYSIS;
    rec.arg = 9;
    rec.fd = -1;
    process_event e = decode(bytes_of(rec, AS_REC_TOUCH_RECORDER));
    EXPECT_EQ(e.signal, 9);
    EXPECT_EQ(e.ptrace_request, 0);
    EXPECT_EQ(event_to_json(e).find("ptrace_request"), std::string::npos);
}

TEST(process_record_fields, bpf_call_command_is_serialized_under_ret) {
    as_bpf_call rec{};
    rec.cmd = 5;  // BPF_PROG_LOAD
    process_event e = decode(bytes_of(rec, AS_REC_BPF_CALL));
    EXPECT_EQ(e.bpf_cmd, 5);
    EXPECT_EQ(e.ret, 0);
    std::string line = event_to_json(e);
    EXPECT_NE(line.find(R"("comm":"agent","ret":5})"), std::string::npos) << line;
    auto back = parse_event_json(line);
    ASSERT_TRUE(back);
    EXPECT_EQ(std::get<process_event>(*back).bpf_cmd, 5);
}

TEST(process_record_fields, exit_carries_unreported_drops_apart_from_count) {
    as_exit rec{};
    rec.exit_code = 3;
    rec.suppressed = 120;
    process_event e = decode(bytes_of(rec, AS_REC_EXIT));
    EXPECT_EQ(e.unreported_suppressed, 120u);
    EXPECT_EQ(e.count, 1u);
    std::string line = event_to_json(e);
    EXPECT_EQ(line.find("120"), std::string::npos) << "not serialized: " << line;
}

}  // namespace
}  // namespace agentsight
