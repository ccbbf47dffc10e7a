// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "analysis/protocol/sse.h"

namespace agentsight::analyzers {
namespace {

using events = std::vector<std::pair<std::string, std::string>>;

events parse_split(const std::string& stream, size_t at, bool finish = true) {
    sse_parser p;
    events out;
    auto on = [&](std::string_view e, std::string_view d) { out.emplace_back(e, d); };
    p.feed(std::string_view(stream).substr(0, at), on);
    p.feed(std::string_view(stream).substr(at), on);
    if (finish) p.finish(on);
    return out;
}

TEST(sse, fields_comments_multiline_and_every_split) {
    const std::string stream =
        "\xEF\xBB\xBF: comment\r\nevent: a\r\ndata: one\r\ndata:two\r\nid: 7\r\n\r\n"
        "data: x\n\n"
        "event: b\rdata: {\"k\":1}\r\r"
        "retry: 10\n\n"  // no data: not an event
        "data\n\n";      // a field with no colon is an empty value
    const events want = {{"a", "one\ntwo"}, {"message", "x"}, {"b", "{\"k\":1}"}, {"message", ""}};
    for (size_t at = 0; at <= stream.size(); ++at) ASSERT_EQ(parse_split(stream, at), want) << at;
}

TEST(sse, last_event_without_blank_line_is_dispatched_at_finish) {
    EXPECT_EQ(parse_split("data: [DONE]", 3), (events{{"message", "[DONE]"}}));
    EXPECT_EQ(parse_split("data: a\n", 3), (events{{"message", "a"}}));
    EXPECT_TRUE(parse_split("data: a\n", 3, false).empty());
}

}  // namespace
}  // namespace agentsight::analyzers
