// SPDX-License-Identifier: Apache-2.0
// Redaction: canary credentials in headers, query strings, bodies and argv must not appear in
// anything that reaches a sink, raw TLS records included, however records are split.
#include "analysis/redact/redact_marker.h"
#include "analysis/redact/secret_scanner.h"
#include "test_support.h"

namespace agentsight::analyzers::test {
namespace {

const char* k_captures[] = {
    "anthropic_stream",   "anthropic_keepalive", "anthropic_429",           "openai_500",
    "openai_chat_stream", "openai_chat_plain",   "openai_responses_stream", "gemini_stream",
    "gemini_plain"};

void expect_no_canary(const std::string& text, const std::string& where) {
    EXPECT_EQ(text.find("CANARY"), std::string::npos) << where << ":\n" << text;
    EXPECT_EQ(text.find("canary"), std::string::npos) << where;
}

TEST(redact, canaries_never_reach_a_sink) {
    for (const char* name : k_captures) {
        auto records = load_capture(std::string(name) + ".tls.jsonl");
        ASSERT_NE(read_file(data_path(std::string(name) + ".tls.jsonl")).find("CANARY"),
                  std::string::npos);  // the capture really holds one
        harness h;
        for (auto& r : records) h.push(r);
        h.finish();
        expect_no_canary(h.all_jsonl(), name);
        for (const auto& e : h.sunk)
            if (auto* t = std::get_if<tls_event>(&e)) {
                EXPECT_EQ(t->len, t->data.size()) << name;
            }
    }
}

TEST(redact, disabled_passes_credentials_through) {
    harness h(analysis_options{.redact = false});
    for (auto& r : load_capture("gemini_stream.tls.jsonl")) h.push(r);
    h.finish();
    EXPECT_NE(h.all_jsonl().find("CANARY"), std::string::npos);
}

// Every cut of each record in two: the raw records and the llm_call stay clean.
TEST(redact, secrets_split_across_records_are_masked) {
    for (const char* name : {"anthropic_stream", "gemini_stream", "openai_chat_plain"}) {
        auto records = load_capture(std::string(name) + ".tls.jsonl");
        const size_t n = records[0].data.size();
        for (size_t at = 1; at < n; ++at) {
            harness h;
            for (auto& r : split_record(records, 0, at)) h.push(r);
            h.finish();
            std::string all = h.all_jsonl();
            if (all.find("CANARY") != std::string::npos ||
                all.find("canary") != std::string::npos) {
                ADD_FAILURE() << name << " split at " << at << ":\n" << all.substr(0, 600);
                break;
            }
        }
    }
}

TEST(redact, token_split_in_a_body_is_masked_on_both_sides) {
    const std::string secret = "sk-ant-api03-CANARYcanaryCANARYcanary0123456789";
    const std::string body = "{\"note\":\"my key is " + secret + " ok\"}";
    for (size_t at = 1; at < body.size(); ++at) {
        harness h;
        h.push(make_tls("1:b", tls_direction::write, body.substr(0, at), 1));
        h.push(make_tls("1:b", tls_direction::write, body.substr(at), 2));
        std::string joined;
        for (const auto& e : h.sunk)
            if (auto* t = std::get_if<tls_event>(&e)) joined += t->data;
        ASSERT_EQ(joined.size(), body.size());
        for (size_t k = 13; k + 5 <= secret.size(); ++k)
            ASSERT_EQ(joined.find(secret.substr(k, 5)), std::string::npos)
                << "split " << at << ": " << joined;
    }
}

TEST(redact, process_events_and_derived_bodies) {
    harness h;
    process_event p;
    p.type = process_event_type::exec;
    p.filename = "/usr/bin/curl";
    p.argv = {"curl",
              "-H",
              "x-api-key: sk-ant-api03-CANARYcanaryCANARY0123456789",
              "https://x.test/v1?key=AIzaCANARYcanaryCANARYcanary012345678&alt=sse",
              "--api-key",
              "plainCANARYvalue",
              "--token=CANARYtok"};
    h.push(p);
    derived_event d{"custom", 1, json::object()};
    d.body = {{"type", "custom"},
              {"headers", {{"Authorization", "Basic CANARYbasic"}, {"x-goog-api-key", "CANARY"}}},
              {"list", json::array({"Bearer CANARYcanaryCANARY", 5})}};
    h.push(d);
    std::string all = h.all_jsonl();
    expect_no_canary(all, "process/derived");
    EXPECT_NE(all.find("alt=sse"), std::string::npos);  // only the key value goes
    EXPECT_NE(all.find("[redacted:"), std::string::npos);
}

TEST(redact, scanner_leaves_ordinary_text_alone) {
    std::string out;
    EXPECT_FALSE(redact_text("task-1234567890abcdefghij and disk-usage, Bearer of news", out));
    EXPECT_FALSE(redact_text("max_tokens=100&monkey=banana", out));
    EXPECT_TRUE(redact_text("x?key=abc", out));
    EXPECT_EQ(out, "x?key=" + redaction_marker("abc", false));
}

// Walking a typed event's declared fields must redact exactly what walking its JSON keys does:
// every string, member names that name a credential, open-ended JSON fields.
TEST(redact, derived_event_fields_redact_as_their_json_would) {
    events::llm_call c;
    c.user_prompt = "use Bearer CANARYcanaryCANARYcanary please";
    c.request = {{"headers", {{"Authorization", "Basic CANARYbasic"}}}, {"password", "CANARYpw"}};
    c.response.text = "Bearer CANARYcanaryCANARYtext";
    c.response.tool_calls.push_back({"t", "bash", {{"api_key", "CANARYtool"}}});
    c.error = "x-api-key: sk-ant-api03-CANARYcanaryCANARY0123456789";
    events::mcp_call m;
    m.arguments = json{{"token", "CANARYtok"}};
    m.tool = "Bearer CANARYcanaryCANARYcanary";
    for (const events::payload& p : std::vector<events::payload>{c, m}) {
        derived_event typed(p);
        json by_keys = typed.body;
        redact_stage fields, keys;
        event e(typed);
        fields.on_event(e, [](event) {});
        keys.redact_json(by_keys);
        const auto& out = std::get<derived_event>(e);
        EXPECT_EQ(out.body, by_keys);
        EXPECT_EQ(out.body, events::encode(out.payload));
        EXPECT_EQ(fields.counters().redactions, keys.counters().redactions);
        EXPECT_GE(fields.counters().redactions, 2u);
        expect_no_canary(out.body.dump(), out.type);
    }
}

}  // namespace
}  // namespace agentsight::analyzers::test
