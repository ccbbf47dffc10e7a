// SPDX-License-Identifier: Apache-2.0
// The tls_skipped event (a file kept from the TLS search) through both of
// its encodings: the JSON Lines trace and the capture-to-analysis wire.
#include <gtest/gtest.h>

#include "pipeline/event_json.h"
#include "pipeline/event_wire.h"

namespace agentsight {
namespace {

process_event skipped_fifo() {
    process_event e;
    e.type = process_event_type::tls_skipped;
    e.ts_ns = 1700000000000000000ull;
    e.pid = 42;
    e.comm = "python3";
    e.path = "/tmp/x/libssl.so.3";
    e.reason = "not a regular file";
    return e;
}

TEST(tls_skipped_event, json_carries_path_and_reason) {
    std::string line = event_to_json(skipped_fifo());
    EXPECT_NE(line.find("\"type\":\"tls_skipped\""), std::string::npos) << line;
    EXPECT_NE(line.find("\"path\":\"/tmp/x/libssl.so.3\""), std::string::npos) << line;
    EXPECT_NE(line.find("\"reason\":\"not a regular file\""), std::string::npos) << line;
    auto back = parse_event_json(line);
    ASSERT_TRUE(back) << back.message();
    const auto* p = std::get_if<process_event>(&*back);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->type, process_event_type::tls_skipped);
    EXPECT_EQ(p->reason, "not a regular file");
    EXPECT_EQ(event_to_json(*back), line);
}

TEST(tls_skipped_event, wire_round_trips) {
    std::string bytes;
    append_event_wire(skipped_fifo(), bytes);
    auto back = parse_event_wire(bytes);
    ASSERT_TRUE(back) << back.message();
    EXPECT_EQ(event_to_json(*back), event_to_json(skipped_fifo()));
}

}  // namespace
}  // namespace agentsight
