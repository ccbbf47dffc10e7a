// SPDX-License-Identifier: Apache-2.0
// Newline-delimited JSON framing, shared by Ollama's NDJSON streams and MCP over stdio.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "analysis/protocol/ndjson.h"

namespace agentsight::analyzers {
namespace {

TEST(ndjson, lines_split_anywhere_blank_and_crlf_skipped_overlong_dropped) {
    ndjson_lines lines(8);
    std::vector<std::string> got;
    auto on = [&](std::string_view l) { got.emplace_back(l); };
    lines.feed("ab", on);
    lines.feed("c\r\n\n  \nde", on);
    lines.feed("f\n123456789\nok", on);
    lines.finish(on);
    EXPECT_EQ(got, (std::vector<std::string>{"abc", "def", "ok"}));
    EXPECT_EQ(lines.dropped_lines(), 1u);
    lines.feed("partial", on);
    lines.resync();
    lines.feed("rest\nnext\n", on);
    EXPECT_EQ(got.back(), "next");
    EXPECT_EQ(got.size(), 4u);
}

}  // namespace
}  // namespace agentsight::analyzers
