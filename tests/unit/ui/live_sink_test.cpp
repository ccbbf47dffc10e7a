// SPDX-License-Identifier: Apache-2.0
#include "ui/live_sink.h"

#include <gtest/gtest.h>

#include "test_events.h"
#include "ui/sse_format.h"

namespace agentsight::server {
namespace {

using namespace testing;

TEST(live_sink, feeds_the_store) {
    auto store = std::make_shared<event_store>();
    live_sink sink(store);
    sink.write(open_of(1, 2, "/a"));
    sink.write(derived("alert", 2, {{"rule", "r"}, {"pids", {2}}}));
    sink.close();
    EXPECT_EQ(sink.written(), 2u);
    EXPECT_EQ(store->last_seq(), 2u);
    EXPECT_EQ(store->stats().alerts, 1u);
}

TEST(sse_format, frames_a_message) {
    EXPECT_EQ(sse_message("events", "[1]", 7), "id: 7\nevent: events\ndata: [1]\n\n");
}

TEST(sse_format, a_newline_in_data_cannot_end_the_message) {
    const std::string m = sse_message("e", "a\n\nevent: forged\r\nb", 1);
    EXPECT_EQ(m, "id: 1\nevent: e\ndata: a\ndata: \ndata: event: forged\ndata: b\n\n");
}

}  // namespace
}  // namespace agentsight::server
