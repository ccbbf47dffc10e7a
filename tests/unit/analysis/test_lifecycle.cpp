// SPDX-License-Identifier: Apache-2.0
// When an exchange is emitted: only at the stream's real end, and for a stream cut off
// mid-way on process exit, idle timeout or end of input, marked incomplete.
#include "test_support.h"

namespace agentsight::analyzers::test {
namespace {

TEST(lifecycle, first_sse_event_in_the_header_read_and_final_usage_are_kept) {
    auto calls = bodies(analyze(load_capture("anthropic_stream.tls.jsonl")));
    ASSERT_EQ(calls.size(), 1u);
    // message_start arrived in the same read as the response head.
    EXPECT_EQ(calls[0]["response_id"], "msg_01XYZ");
    EXPECT_EQ(calls[0]["usage"]["input_tokens"], 812);
    EXPECT_EQ(calls[0]["usage"]["cache_read_tokens"], 2048);
    // The final output_tokens only exist in message_delta, just before message_stop.
    EXPECT_EQ(calls[0]["usage"]["output_tokens"], 87);
    EXPECT_EQ(calls[0]["response"]["stop_reason"], "tool_use");
    EXPECT_FALSE(calls[0]["incomplete"].get<bool>());
    EXPECT_GT(calls[0]["ttft_ms"].get<double>(), 0.0);
}

TEST(lifecycle, nothing_is_emitted_before_the_stream_ends) {
    auto records = load_capture("anthropic_stream.tls.jsonl");
    records.pop_back();  // no chunked terminator yet: message_stop alone does not end HTTP
    EXPECT_TRUE(bodies(analyze(records, /*finish=*/false)).empty());
}

TEST(lifecycle, cut_off_stream_is_flushed_on_process_exit) {
    harness h;
    for (auto& r : load_capture("anthropic_cutoff.tls.jsonl")) h.push(r);
    EXPECT_TRUE(h.derived().empty());
    process_event exit_ev;
    exit_ev.type = process_event_type::exit;
    exit_ev.pid = 4242;
    exit_ev.ts_ns = 1'760'000'000'500'000'000ULL;
    h.push(exit_ev);
    // Plaintext may still arrive just after the exit (two ring buffers): wait a grace period.
    h.tick(exit_ev.ts_ns + 500'000'000ULL);
    EXPECT_TRUE(h.derived().empty());
    h.tick(exit_ev.ts_ns + 1'000'000'000ULL);
    auto calls = bodies(h.derived_jsonl());
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_TRUE(calls[0]["incomplete"].get<bool>());
    EXPECT_EQ(calls[0]["response"]["text"], "I'll read ");
    EXPECT_EQ(calls[0]["usage"]["input_tokens"], 812);
    h.finish();
    EXPECT_EQ(bodies(h.derived_jsonl()).size(), 1u);  // not emitted twice
}

TEST(lifecycle, plaintext_arriving_just_after_the_exit_still_completes_the_call) {
    harness h;
    auto records = load_capture("anthropic_stream.tls.jsonl");
    ASSERT_GT(records.size(), 2u);
    auto last = records.back();
    records.pop_back();
    for (auto& r : records) h.push(r);
    process_event exit_ev;
    exit_ev.type = process_event_type::exit;
    exit_ev.pid = last.pid;
    exit_ev.ts_ns = last.ts_ns + 1;
    h.push(exit_ev);
    h.push(last);
    h.tick(exit_ev.ts_ns + 2'000'000'000ULL);
    auto calls = bodies(h.derived_jsonl());
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_FALSE(calls[0]["incomplete"].get<bool>());
}

TEST(lifecycle, cut_off_stream_is_flushed_by_the_idle_timeout) {
    harness h(analysis_options{.redact = true, .idle_timeout_ns = 60'000'000'000ULL});
    auto records = load_capture("anthropic_cutoff.tls.jsonl");
    for (auto& r : records) h.push(r);
    const uint64_t last = records.back().ts_ns;
    h.tick(last + 59'000'000'000ULL);
    EXPECT_TRUE(h.derived().empty());
    h.tick(last + 61'000'000'000ULL);
    auto calls = bodies(h.derived_jsonl());
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_TRUE(calls[0]["incomplete"].get<bool>());
    EXPECT_EQ(h.analyzer().counters().idle_flushes, 1u);
}

std::vector<tls_event> tiny_stream(const std::string& path, const std::string& body,
                                   const std::string& events, bool terminator) {
    std::string req = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n" + body;
    std::string resp =
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", events.size());
    resp += size + events + "\r\n";
    if (terminator) resp += "0\r\n\r\n";
    return {make_tls("3:s", tls_direction::write, req, 10),
            make_tls("3:s", tls_direction::read, resp, 20)};
}

TEST(lifecycle, anthropic_body_end_without_message_stop_is_incomplete) {
    auto calls = bodies(analyze(tiny_stream(
        "/v1/messages", R"({"model":"m","stream":true,"messages":[]})",
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"x\"}}\n\n",
        true)));
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_TRUE(calls[0]["incomplete"].get<bool>());
}

TEST(lifecycle, openai_stream_ends_at_body_end_even_without_done) {
    const std::string body = R"({"model":"m","stream":true,"messages":[]})";
    const std::string chunk =
        "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hey\"}}]}\n\n";
    auto calls = bodies(analyze(tiny_stream("/v1/chat/completions", body, chunk, true)));
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_FALSE(calls[0]["incomplete"].get<bool>());
    EXPECT_EQ(calls[0]["response"]["text"], "hey");
    // Without the terminator the body never ended: finish() flushes it incomplete.
    calls = bodies(analyze(tiny_stream("/v1/chat/completions", body, chunk, false)));
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_TRUE(calls[0]["incomplete"].get<bool>());
}

TEST(lifecycle, analyze_streams_serves_benchmarks) {
    auto records = load_capture("openai_chat_stream.tls.jsonl");
    std::string client, server;
    for (auto& r : records) (r.direction == tls_direction::write ? client : server) += r.data;
    auto out = analyze_streams(client, server, 100);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].body["response"]["text"], "Checking Rome.");
}

}  // namespace
}  // namespace agentsight::analyzers::test
