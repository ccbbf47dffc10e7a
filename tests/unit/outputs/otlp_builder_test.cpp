// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <map>

#include "outputs/otlp/genai_semconv.h"
#include "outputs/otlp/otlp_span_builder.h"
#include "tests/support/synthetic_session.h"

namespace agentsight {
namespace {

using test::k_ms;
using test::k_t0;

std::map<std::string, otlp_span> build(const std::vector<event>& events, bool content = false) {
    otlp_span_builder b(otlp_builder_options{content, ""}, 42);
    std::vector<otlp_span> out;
    for (const auto& e : events) b.on_event(e, out);
    b.finish(0, out);
    std::map<std::string, otlp_span> by_name;
    for (auto& s : out) {
        std::string key = s.name;
        while (by_name.count(key)) key += "'";  // the second chat span is "chat X'"
        by_name.emplace(key, std::move(s));
    }
    return by_name;
}

std::string str_attr(const otlp_span& s, std::string_view key) {
    const json* v = s.attributes.find(key);
    return v && v->contains("stringValue") ? (*v)["stringValue"].get<std::string>() : "<none>";
}

int64_t int_attr(const otlp_span& s, std::string_view key) {
    const json* v = s.attributes.find(key);
    return v && v->contains("intValue") ? std::stoll((*v)["intValue"].get<std::string>()) : -1;
}

TEST(otlp_span_builder, maps_a_claude_code_session_to_genai_spans) {
    auto spans = build(test::synthetic_session());
    ASSERT_EQ(spans.size(), 6u);
    const auto& root = spans.at("invoke_agent claude");
    const auto& chat1 = spans.at("chat claude-sonnet-4-5");
    const auto& chat2 = spans.at("chat claude-sonnet-4-5'");
    const auto& tool = spans.at("execute_tool Bash");
    const auto& bash = spans.at("process bash");
    const auto& cat = spans.at("process cat");

    for (const auto& [name, s] : spans) {
        EXPECT_EQ(s.trace_id, root.trace_id) << name;
        EXPECT_EQ(s.trace_id.size(), 32u);
        EXPECT_EQ(s.span_id.size(), 16u);
        EXPECT_EQ(str_attr(s, "gen_ai.conversation.id"), test::k_session_id) << name;
    }
    EXPECT_EQ(root.parent_span_id, "");
    EXPECT_EQ(root.kind, span_kind::internal);
    EXPECT_EQ(root.start_ns, k_t0);
    EXPECT_EQ(root.end_ns, k_t0 + 3000 * k_ms);
    EXPECT_EQ(str_attr(root, "gen_ai.operation.name"), "invoke_agent");
    EXPECT_EQ(int_attr(root, "agentsight.llm_calls"), 2);
    EXPECT_EQ(int_attr(root, "agentsight.stats.events"), 17);
    ASSERT_EQ(root.events.size(), 1u);
    EXPECT_EQ(root.events[0].name, "agentsight.alert");

    EXPECT_EQ(chat1.parent_span_id, root.span_id);
    EXPECT_EQ(chat1.kind, span_kind::client);
    EXPECT_EQ(chat1.start_ns, k_t0 + 10 * k_ms);
    EXPECT_EQ(chat1.end_ns, k_t0 + 1510 * k_ms);
    EXPECT_EQ(str_attr(chat1, "gen_ai.operation.name"), "chat");
    EXPECT_EQ(str_attr(chat1, "gen_ai.provider.name"), "anthropic");
    EXPECT_EQ(str_attr(chat1, "gen_ai.request.model"), "claude-sonnet-4-5");
    EXPECT_EQ(str_attr(chat1, "gen_ai.response.model"), "claude-sonnet-4-5-20250929");
    EXPECT_EQ(str_attr(chat1, "gen_ai.response.id"), "msg_01");
    EXPECT_EQ(str_attr(chat1, "server.address"), "api.anthropic.com");
    EXPECT_EQ(int_attr(chat1, "gen_ai.usage.input_tokens"), 1200);
    EXPECT_EQ(int_attr(chat1, "gen_ai.usage.output_tokens"), 80);
    EXPECT_EQ(int_attr(chat1, "gen_ai.usage.cache_read.input_tokens"), 1000);
    EXPECT_EQ(int_attr(chat1, "gen_ai.usage.cache_creation.input_tokens"), 50);
    EXPECT_EQ(int_attr(chat1, "gen_ai.request.max_tokens"), 32000);
    const json* reasons = chat1.attributes.find("gen_ai.response.finish_reasons");
    ASSERT_TRUE(reasons);
    EXPECT_EQ((*reasons)["arrayValue"]["values"][0]["stringValue"], "tool_use");
    EXPECT_EQ(chat1.attributes.find("gen_ai.input.messages"), nullptr);  // content is opt-in
    EXPECT_EQ(chat1.attributes.find("gen_ai.output.messages"), nullptr);
    EXPECT_EQ(chat1.attributes.find("gen_ai.system_instructions"), nullptr);
    EXPECT_EQ(chat2.parent_span_id, root.span_id);
    EXPECT_EQ(str_attr(chat2, "gen_ai.response.id"), "msg_02");

    // The tool runs after its chat span ended: a sibling under the session,
    // linked to the chat span that asked for it.
    EXPECT_EQ(tool.parent_span_id, root.span_id);
    ASSERT_EQ(tool.links.size(), 1u);
    EXPECT_EQ(tool.links[0].span_id, chat1.span_id);
    EXPECT_EQ(tool.start_ns, chat1.end_ns);
    EXPECT_EQ(tool.end_ns, k_t0 + 1700 * k_ms);
    EXPECT_EQ(str_attr(tool, "gen_ai.operation.name"), "execute_tool");
    EXPECT_EQ(str_attr(tool, "gen_ai.tool.name"), "Bash");
    EXPECT_EQ(str_attr(tool, "gen_ai.tool.call.id"), "toolu_01");
    EXPECT_EQ(int_attr(tool, "agentsight.tool.exit_code"), 0);
    EXPECT_EQ(tool.attributes.find("gen_ai.tool.call.arguments"), nullptr);

    EXPECT_EQ(bash.parent_span_id, tool.span_id);
    EXPECT_EQ(cat.parent_span_id, bash.span_id);  // nested by ppid inside the tool
    EXPECT_EQ(int_attr(bash, "process.pid"), 200);
    EXPECT_EQ(str_attr(bash, "process.command_line"), "bash -c cat notes.txt");
    EXPECT_EQ(int_attr(bash, "process.exit.code"), 0);
    EXPECT_EQ(bash.start_ns, k_t0 + 1600 * k_ms);
    EXPECT_EQ(bash.end_ns, k_t0 + 1612 * k_ms);
    EXPECT_EQ(int_attr(cat, "process.pid"), 201);
    EXPECT_EQ(str_attr(cat, "process.executable.path"), "/usr/bin/cat");
}

TEST(otlp_span_builder, content_attributes_follow_the_message_schema_when_opted_in) {
    auto spans = build(test::synthetic_session(), true);
    const auto& chat1 = spans.at("chat claude-sonnet-4-5");
    const auto& chat2 = spans.at("chat claude-sonnet-4-5'");
    json system = json::parse(str_attr(chat1, "gen_ai.system_instructions"));
    EXPECT_EQ(system, json::parse(R"([{"type":"text","content":"You are Claude Code."}])"));
    json output = json::parse(str_attr(chat1, "gen_ai.output.messages"));
    EXPECT_EQ(output, json::parse(R"([{"role":"assistant","parts":[
        {"type":"text","content":"Let me look."},
        {"type":"tool_call","id":"toolu_01","name":"Bash","arguments":{"command":"cat notes.txt"}}],
        "finish_reason":"tool_call"}])"));
    json input = json::parse(str_attr(chat2, "gen_ai.input.messages"));
    ASSERT_EQ(input.size(), 3u);
    EXPECT_EQ(input[2], json::parse(R"({"role":"user","parts":[
        {"type":"tool_call_response","id":"toolu_01","response":"hello\n"}]})"));
    const auto& tool = spans.at("execute_tool Bash");
    EXPECT_EQ(str_attr(tool, "gen_ai.tool.call.arguments"), R"({"command":"cat notes.txt"})");
    EXPECT_EQ(str_attr(tool, "gen_ai.tool.call.result"), "hello\n");
}

TEST(otlp_span_builder, a_tool_without_tool_exec_ends_at_its_result_after_a_grace) {
    auto all = test::synthetic_session();
    otlp_span_builder b(otlp_builder_options{false, "sid", 16384, 2}, 1);
    std::vector<otlp_span> out;
    b.on_event(all[4], out);   // llm_call with tool_use
    b.on_event(all[13], out);  // llm_call carrying the tool result
    ASSERT_EQ(out.size(), 2u);
    b.on_tick(out);
    EXPECT_EQ(out.size(), 2u);  // still waiting for a tool_exec
    b.on_tick(out);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[2].name, "execute_tool Bash");
    EXPECT_EQ(out[2].start_ns, k_t0 + 1510 * k_ms);
    EXPECT_EQ(out[2].end_ns, k_t0 + 1700 * k_ms);  // the second call's start
    EXPECT_EQ(str_attr(out[2], "gen_ai.conversation.id"), "sid");
}

TEST(otlp_span_builder, errors_mark_the_chat_span_and_providers_map_to_semconv_names) {
    json body = test::first_llm_call();
    body["status"] = 429;
    body["error"] = "rate_limit_error: slow down";
    body["provider"] = "gemini";
    otlp_span_builder b(otlp_builder_options{}, 7);
    std::vector<otlp_span> out;
    b.on_event(test::derived(body), out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].status, span_status::error);
    EXPECT_EQ(out[0].status_message, "rate_limit_error: slow down");
    EXPECT_EQ(str_attr(out[0], "error.type"), "429");
    EXPECT_EQ(str_attr(out[0], "gen_ai.provider.name"), "gcp.gemini");
    EXPECT_EQ(genai_provider_name("openai"), "openai");
    EXPECT_EQ(genai_finish_reason("max_tokens"), "length");
    EXPECT_EQ(genai_finish_reason("tool_calls"), "tool_call");
}

TEST(otlp_span_builder, token_and_duration_histograms_aggregate_per_series) {
    otlp_span_builder b(otlp_builder_options{}, 3);
    std::vector<otlp_span> out;
    for (const auto& e : test::synthetic_session()) b.on_event(e, out);
    const auto& tokens = b.metrics().token_usage();
    ASSERT_EQ(tokens.points.size(), 2u);  // input and output
    const auto& input = tokens.points[0];
    EXPECT_EQ(input.count, 2u);
    EXPECT_DOUBLE_EQ(input.sum, 2500);
    EXPECT_DOUBLE_EQ(input.min, 1200);
    EXPECT_DOUBLE_EQ(input.max, 1300);
    EXPECT_EQ(input.bucket_counts[6], 2u);  // (1024, 4096]
    EXPECT_EQ((*input.attributes.find("gen_ai.token.type"))["stringValue"], "input");
    const auto& duration = b.metrics().duration();
    ASSERT_EQ(duration.points.size(), 1u);
    EXPECT_DOUBLE_EQ(duration.points[0].sum, 2.4);
    EXPECT_TRUE(b.metrics().dirty());
    json req = json::parse(b.metrics().encode({}, k_t0 + 5000 * k_ms));
    EXPECT_FALSE(b.metrics().dirty());
    const json& metrics = req["resourceMetrics"][0]["scopeMetrics"][0]["metrics"];
    ASSERT_EQ(metrics.size(), 2u);
    EXPECT_EQ(metrics[0]["name"], "gen_ai.client.token.usage");
    EXPECT_EQ(metrics[1]["name"], "gen_ai.client.operation.duration");
    EXPECT_EQ(metrics[1]["unit"], "s");
    EXPECT_EQ(metrics[0]["histogram"]["aggregationTemporality"], 2);
    EXPECT_EQ(metrics[0]["histogram"]["dataPoints"][0]["count"], "2");
}

TEST(otlp_model, encodes_ids_as_hex_and_64_bit_numbers_as_strings) {
    otlp_span s;
    s.trace_id = "0123456789abcdef0123456789abcdef";
    s.span_id = "0123456789abcdef";
    s.name = "x";
    s.kind = span_kind::client;
    s.start_ns = 1750000000000000001ull;
    s.end_ns = 1750000000000000002ull;
    s.attributes.add("n", int64_t{5}).add_bool("b", true).add("d", 1.5);
    s.status = span_status::error;
    json req = json::parse(encode_trace_request({"svc", "1.2.3", "host1"}, {s}));
    const json& rs = req["resourceSpans"][0];
    EXPECT_EQ(rs["resource"]["attributes"][0],
              json::parse(R"({"key":"service.name","value":{"stringValue":"svc"}})"));
    const json& span = rs["scopeSpans"][0]["spans"][0];
    EXPECT_EQ(rs["scopeSpans"][0]["scope"]["name"], "agentsight");
    EXPECT_EQ(span["traceId"], s.trace_id);
    EXPECT_FALSE(span.contains("parentSpanId"));
    EXPECT_EQ(span["kind"], 3);
    EXPECT_EQ(span["startTimeUnixNano"], "1750000000000000001");
    EXPECT_EQ(span["attributes"][0]["value"]["intValue"], "5");
    EXPECT_EQ(span["attributes"][1]["value"]["boolValue"], true);
    EXPECT_EQ(span["status"]["code"], 2);
}

}  // namespace
}  // namespace agentsight
