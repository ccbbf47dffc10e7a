// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include "pipeline/event_json.h"
#include "replay/trace_reader.h"
#include "tests/support/synthetic_session.h"
#include "tests/support/temp_dir.h"

namespace agentsight {
namespace {

using test::temp_dir;

std::string jsonl_of(const std::vector<event>& events) {
    std::string s;
    for (const auto& e : events) {
        append_event_json(e, s);
        s += '\n';
    }
    return s;
}

TEST(trace_reader, reads_jsonl_in_order) {
    temp_dir dir;
    auto events = test::synthetic_session();
    test::write_file(dir.file("t.jsonl"), jsonl_of(events));
    auto r = open_trace(dir.file("t.jsonl"));
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ((*r)->format(), output_format::jsonl);
    event e;
    size_t i = 0;
    while ((*r)->next(e)) {
        ASSERT_LT(i, events.size());
        EXPECT_EQ(event_to_json(e), event_to_json(events[i++]));
    }
    EXPECT_EQ(i, events.size());
    EXPECT_FALSE((*r)->failure());
}

TEST(trace_reader, a_missing_file_says_so) {
    temp_dir dir;
    auto r = open_trace(dir.file("trace.jsonl"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.message(), dir.file("trace.jsonl") + ": No such file or directory");
}

TEST(trace_reader, a_corrupt_line_names_file_line_and_reason_in_strict_mode) {
    temp_dir dir;
    auto events = test::synthetic_session();
    std::string text = jsonl_of({events[0], events[1]}) + "{not json\n\n" + jsonl_of({events[2]});
    test::write_file(dir.file("trace.jsonl"), text);
    auto r = open_trace(dir.file("trace.jsonl"));
    ASSERT_TRUE(r.ok());
    event e;
    EXPECT_TRUE((*r)->next(e));
    EXPECT_TRUE((*r)->next(e));
    EXPECT_FALSE((*r)->next(e));
    ASSERT_TRUE((*r)->failure());
    EXPECT_EQ((*r)->failure()->message, dir.file("trace.jsonl") + ":3: not a JSON object");
    EXPECT_FALSE((*r)->next(e));  // stays stopped
}

TEST(trace_reader, a_file_that_starts_with_no_event_is_not_a_trace) {
    temp_dir dir;
    test::write_file(dir.file("notes.txt"), "\n  \nhello world\n");
    auto r = open_trace(dir.file("notes.txt"));
    ASSERT_TRUE(r.ok());
    event e;
    EXPECT_FALSE((*r)->next(e));
    ASSERT_TRUE((*r)->failure());
    EXPECT_EQ((*r)->failure()->message,
              dir.file("notes.txt") +
                  ": not an agentsight trace (neither SQLite nor JSON Lines: line 3: not a JSON "
                  "object)");
}

TEST(trace_reader, lenient_mode_skips_bad_lines_and_reports_each) {
    temp_dir dir;
    auto events = test::synthetic_session();
    std::string text = R"({"ts": 1})"
                       "\n" +
                       jsonl_of({events[0]}) + "[1,2]\n" + jsonl_of({events[1]});
    test::write_file(dir.file("trace.jsonl"), text);
    std::vector<std::string> skipped;
    trace_read_options o;
    o.strict = false;
    o.on_skip = [&](const std::string& m) { skipped.push_back(m); };
    auto r = open_trace(dir.file("trace.jsonl"), o);
    ASSERT_TRUE(r.ok());
    event e;
    int n = 0;
    while ((*r)->next(e)) ++n;
    EXPECT_EQ(n, 2);
    EXPECT_EQ((*r)->skipped(), 2u);
    ASSERT_EQ(skipped.size(), 2u);
    EXPECT_EQ(skipped[0], dir.file("trace.jsonl") + ":1: missing field \"type\"");
    EXPECT_EQ(skipped[1], dir.file("trace.jsonl") + ":3: not a JSON object");
    EXPECT_FALSE((*r)->failure());
}

TEST(trace_reader, an_interrupted_last_line_is_called_out) {
    temp_dir dir;
    auto events = test::synthetic_session();
    std::string text = jsonl_of({events[0]}) + R"({"type": "exec", "ts": 12)";
    test::write_file(dir.file("trace.jsonl"), text);
    auto r = open_trace(dir.file("trace.jsonl"));
    ASSERT_TRUE(r.ok());
    event e;
    while ((*r)->next(e)) {
    }
    ASSERT_TRUE((*r)->failure());
    EXPECT_EQ((*r)->failure()->message,
              dir.file("trace.jsonl") +
                  ":2: not a JSON object (truncated last line: was the recording interrupted?)");
}

TEST(trace_reader, an_empty_file_is_an_empty_jsonl_trace) {
    temp_dir dir;
    test::write_file(dir.file("empty.jsonl"), "");
    auto r = open_trace(dir.file("empty.jsonl"));
    ASSERT_TRUE(r.ok());
    event e;
    EXPECT_FALSE((*r)->next(e));
    EXPECT_FALSE((*r)->failure());
}

TEST(trace_format, picks_by_flag_then_extension) {
    EXPECT_EQ(*format_for_output_path("trace.db"), output_format::sqlite);
    EXPECT_EQ(*format_for_output_path("a/b.sqlite"), output_format::sqlite);
    EXPECT_EQ(*format_for_output_path("trace.jsonl"), output_format::jsonl);
    EXPECT_EQ(*format_for_output_path("trace.json"), output_format::jsonl);
    EXPECT_EQ(*format_for_output_path("-"), output_format::jsonl);
    EXPECT_EQ(*format_for_output_path("trace.out", "sqlite"), output_format::sqlite);
    EXPECT_EQ(*format_for_output_path("trace.db", "jsonl"), output_format::jsonl);
    EXPECT_EQ(format_for_output_path("trace.out").message(),
              "trace.out: cannot tell the trace format from the extension (use .db or .jsonl, "
              "or --format sqlite|jsonl)");
    EXPECT_EQ(format_for_output_path("x", "csv").message(),
              "--format csv: expected jsonl or sqlite");
    EXPECT_FALSE(format_for_output_path("-", "sqlite").ok());
}

}  // namespace
}  // namespace agentsight
