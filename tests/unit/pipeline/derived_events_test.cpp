// SPDX-License-Identifier: Apache-2.0
// The derived-event declarations (pipeline/events/): one field list gives the JSON keys in
// order, decodes them back, and leaves untyped what it cannot reproduce.
#include <gtest/gtest.h>

#include "pipeline/event.h"
#include "pipeline/event_json.h"

namespace agentsight {
namespace {

std::vector<std::string> keys_of(const json& j) {
    std::vector<std::string> out;
    for (const auto& [k, v] : j.items()) out.push_back(k);
    return out;
}

events::llm_call sample_llm_call() {
    events::llm_call c;
    c.ts_ns = 1000;
    c.pid = 7;
    c.provider = "anthropic";
    c.request = {{"model", "m"}};
    c.response.tool_calls.push_back({"t1", "bash", {{"command", "ls"}}});
    c.usage.input_tokens = 12;
    c.ttft_ms = 1.5;
    c.duration_ms = 3.0;
    return c;
}

TEST(derived_events, llm_call_keys_in_declared_order_with_nulls_and_omissions) {
    derived_event d(sample_llm_call());
    EXPECT_EQ(d.type, "llm_call");
    EXPECT_EQ(d.ts_ns, 1000u);
    EXPECT_EQ(keys_of(d.body),
              (std::vector<std::string>{
                  "type",           "ts",          "pid",           "tid",
                  "comm",           "conn",        "provider",      "api",
                  "host",           "method",      "path",          "model",
                  "response_model", "response_id", "stream",        "status",
                  "request",        "user_prompt", "tool_results",  "response",
                  "usage",          "error",       "start",         "ttft_ms",
                  "duration_ms",    "incomplete",  "request_bytes", "response_bytes"}));
    EXPECT_TRUE(d.body["error"].is_null());
    EXPECT_EQ(d.body["start"], 1000);
    EXPECT_TRUE(d.body["usage"]["output_tokens"].is_null());
    EXPECT_FALSE(d.body["usage"].contains("reasoning_tokens"));
    EXPECT_EQ(d.body.dump().find("\"duration_ms\":3.0"), d.body.dump().find("\"duration_ms\""));
}

TEST(derived_events, every_kind_round_trips_through_its_json_line) {
    events::alert a;
    a.ts_ns = 5;
    a.rule = "r";
    a.refs.push_back({4, "exec", 9});
    a.chain.call_id = "c";
    a.chain.llm_call_ts_ns = 3;
    a.chain.tool_name = "bash";
    a.chain.processes.push_back({9, "sh"});
    events::mcp_call m;
    m.ts_ns = 6;
    m.method = "tools/call";
    m.id = 3;
    m.tool = "read";
    m.arguments = json(nullptr);  // present as null is not absent
    m.is_error = false;
    events::tool_exec t;
    t.ts_ns = 7;
    t.exit_code = 0;
    t.is_error = true;
    events::session_start s{8, "id", "claude", "host", "0.1", "/tmp"};
    for (const events::payload& p :
         std::vector<events::payload>{sample_llm_call(), events::http_exchange{}, a, m, t, s,
                                      events::session_end{9, "id", {{"llm_calls", 1}}}}) {
        derived_event d(p);
        std::string line = event_to_json(d);
        auto back = parse_event_json(line);
        ASSERT_TRUE(back) << back.message();
        const auto& b = std::get<derived_event>(*back);
        EXPECT_EQ(b.payload, p) << line;
        EXPECT_EQ(b.type, d.type);
        EXPECT_EQ(b.ts_ns, d.ts_ns);
        EXPECT_EQ(event_to_json(b), line);
    }
}

TEST(derived_events, optional_fields_are_left_out_until_known) {
    events::llm_call c = sample_llm_call();
    EXPECT_FALSE(derived_event(c).body.contains("exe_comm"));
    c.exe_comm = "claude";
    c.capture_gap = true;
    json body = derived_event(c).body;
    EXPECT_EQ(body["exe_comm"], "claude");
    EXPECT_EQ(body["capture_gap"], true);
    EXPECT_FALSE(body.contains("body_truncated"));
    events::alert a;
    json chain = derived_event(a).body["chain"];
    EXPECT_EQ(keys_of(chain), (std::vector<std::string>{"processes", "why"}));
}

TEST(derived_events, a_body_of_another_shape_reads_typed_and_is_written_as_it_came) {
    // A field this build does not declare, and declared ones missing: another version's trace.
    std::string line = R"({"type":"llm_call","ts":5,"model":"m","from_the_future":1})";
    auto back = parse_event_json(line);
    ASSERT_TRUE(back) << back.message();
    const auto& d = std::get<derived_event>(*back);
    ASSERT_TRUE(std::holds_alternative<events::llm_call>(d.payload));
    EXPECT_EQ(std::get<events::llm_call>(d.payload).model, "m");
    EXPECT_EQ(std::get<events::llm_call>(d.payload).ts_ns, 5u);
    EXPECT_FALSE(d.body_declared);
    EXPECT_EQ(event_to_json(d), line);
    EXPECT_TRUE(derived_event(sample_llm_call()).body_declared);
    auto echo = parse_event_json(R"({"type":"echo","ts":2})");
    ASSERT_TRUE(echo);
    EXPECT_EQ(std::get<derived_event>(*echo).type, "echo");
    EXPECT_EQ(std::get<derived_event>(*echo).ts_ns, 2u);
}

// Found by fuzz_event_json: a replayed number no field can hold (1e139 for a pid, a negative
// timestamp) was converted anyway, which is undefined behaviour; it now keeps the default.
TEST(derived_events, a_number_out_of_a_fields_range_keeps_the_default) {
    derived_event e("llm_call", 5,
                    json::parse(R"({"type":"llm_call","ts":5,"pid":1.76444e139,"status":-1,)"
                                R"("duration_ms":2.5,"conn":"1:2"})"));
    const auto& c = std::get<events::llm_call>(e.payload);
    EXPECT_EQ(c.pid, 0);
    EXPECT_EQ(c.duration_ms, 2.5);
    EXPECT_EQ(c.conn, "1:2");
    derived_event big("llm_call", 5, json::parse(R"({"type":"llm_call","ts":5,"pid":4294967296})"));
    EXPECT_EQ(std::get<events::llm_call>(big.payload).pid, 0);
}

}  // namespace
}  // namespace agentsight
