// SPDX-License-Identifier: Apache-2.0
// The tamper-evidence record: which syscall reached which agentsight process, and whether the
// kernel delivered it.
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include "bpf/events.h"
#include "pipeline/event_json.h"
#include "sources/record_decoder.h"

namespace agentsight {
namespace {

std::vector<uint8_t> bytes_of(const as_touch_recorder& rec) {
    std::vector<uint8_t> b(sizeof rec);
    std::memcpy(b.data(), &rec, sizeof rec);
    return b;
}

as_touch_recorder touch(uint8_t kind, uint8_t target, int32_t sig) {
    as_touch_recorder rec{};
    rec.h.type = AS_REC_TOUCH_RECORDER;
    rec.h.abi = AS_ABI_VERSION;
    rec.h.size = sizeof rec;
    rec.h.pid = 77;
    std::strcpy(rec.h.comm, "agent");
    rec.syscall_kind = kind;
    rec.target = target;
    rec.arg = sig;
    rec.target_pid = 4242;
    rec.fd = -1;
    return rec;
}

TEST(touch_recorder_decode, a_delivered_tkill_names_the_analysis_process) {
    as_touch_recorder rec = touch(AS_TOUCH_TKILL, AS_TARGET_ANALYSIS, 19);
    rec.delivered = 1;
    auto r = decode_record(bytes_of(rec), clock_offset{});
    ASSERT_TRUE(r) << r.message();
    const auto& e = std::get<process_event>(*r);
    EXPECT_EQ(e.type, process_event_type::touch_recorder);
    EXPECT_EQ(e.syscall, "tkill");
    EXPECT_EQ(e.signal, 19);
    EXPECT_EQ(e.target, "analysis");
    EXPECT_EQ(e.target_pid, 4242);
    EXPECT_TRUE(e.delivered);
    std::string line = event_to_json(e);
    EXPECT_NE(line.find(R"("syscall":"tkill","signal":19,"target":"analysis","target_pid":4242,)"
                        R"("delivered":true,"ret":0)"),
              std::string::npos)
        << line;
    EXPECT_EQ(line.find("\"fd\""), std::string::npos) << "fd only for pidfd_send_signal";
}

TEST(touch_recorder_decode, a_refused_pidfd_attempt_keeps_its_fd_and_result) {
    as_touch_recorder rec = touch(AS_TOUCH_PIDFD_SEND_SIGNAL, AS_TARGET_UNRESOLVED, 0);
    rec.fd = 5;
    rec.target_pid = 0;
    rec.ret = -1;
    auto r = decode_record(bytes_of(rec), clock_offset{});
    ASSERT_TRUE(r) << r.message();
    const auto& e = std::get<process_event>(*r);
    EXPECT_EQ(e.syscall, "pidfd_send_signal");
    EXPECT_EQ(e.target, "unresolved_pidfd");
    EXPECT_EQ(e.fd, 5);
    EXPECT_EQ(e.ret, -1);
    EXPECT_FALSE(e.delivered);
    auto back = parse_event_json(event_to_json(e));
    ASSERT_TRUE(back);
    EXPECT_EQ(event_to_json(*back), event_to_json(e));
}

TEST(touch_recorder_decode, every_kind_has_a_syscall_name_and_unknown_ones_are_errors) {
    for (uint8_t k = AS_TOUCH_PTRACE; k <= AS_TOUCH_SIGNAL; ++k) {
        auto r = decode_record(bytes_of(touch(k, AS_TARGET_CAPTURE, 9)), clock_offset{});
        ASSERT_TRUE(r) << int(k);
        EXPECT_FALSE(std::get<process_event>(*r).syscall.empty());
    }
    EXPECT_FALSE(decode_record(bytes_of(touch(0, AS_TARGET_CAPTURE, 9)), clock_offset{}));
    EXPECT_FALSE(decode_record(bytes_of(touch(AS_TOUCH_KILL, 7, 9)), clock_offset{}));
}

}  // namespace
}  // namespace agentsight
