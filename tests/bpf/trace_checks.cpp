// SPDX-License-Identifier: Apache-2.0
#include "trace_checks.h"

#include "e2e_harness.h"

namespace agentsight::test {

std::vector<json> whole_jsonl(const std::string& path) {
    const std::string text = e2e::read_file(path);
    EXPECT_TRUE(text.empty() || text.back() == '\n') << path << ": the last line is cut short";
    return e2e::read_jsonl(path);
}

void expect_session_closed(const std::vector<json>& events) {
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.front().value("type", ""), "session_start");
    EXPECT_EQ(events.back().value("type", ""), "session_end")
        << "the trace ends with " << events.back().dump().substr(0, 300);
}

std::string not_one_error_line(const std::string& stderr_text) {
    auto lines = e2e::lines_of(stderr_text);
    if (lines.size() != 1) return std::to_string(lines.size()) + " lines:\n" + stderr_text;
    if (lines[0].rfind("agentsight: ", 0) != 0) return "no 'agentsight: ' prefix: " + lines[0];
    if (lines[0].find("terminate called") != std::string::npos) return lines[0];
    return "";
}

}  // namespace agentsight::test
