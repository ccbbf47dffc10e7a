// SPDX-License-Identifier: Apache-2.0
// Issue 19 bug 1: a first write larger than the protocol probe (64 KiB) on a new connection.
// Node writes an HTTP request's head and body in one SSL_write, so a large context arrives as
// one record before the connection's protocol is known. No byte of it may be lost to detection.
#include "test_support.h"

namespace agentsight::analyzers::test {
namespace {

void expect_complete(const std::string& jsonl, size_t body_size) {
    auto calls = bodies(jsonl);
    ASSERT_EQ(calls.size(), 1u) << jsonl.substr(0, 500);
    const json& c = calls[0];
    EXPECT_FALSE(c.contains("capture_gap"));
    EXPECT_FALSE(c["incomplete"].get<bool>());
    EXPECT_EQ(c["request_bytes"].get<size_t>(), body_size);
    EXPECT_EQ(c["model"], "qwen3-coder-plus");
    EXPECT_EQ(c["user_prompt"], "Summarize the rules.");
    EXPECT_NE(c["request"]["system"].get<std::string>().find("rule 01599"), std::string::npos);
    EXPECT_EQ(c["response"]["text"], "Keep functions short.");
    EXPECT_EQ(c["usage"]["input_tokens"], 25000);
}

TEST(large_first_write, head_and_body_in_one_record_give_a_complete_call) {
    auto records = load_capture("openai_chat_large.tls.jsonl");
    ASSERT_GT(records[0].data.size(), http_llm_analyzer::k_probe_cap);
    harness h;
    for (const auto& r : records) h.push(r);
    h.finish();
    const std::string& request = records[0].data;
    expect_complete(h.derived_jsonl(), request.size() - request.find("\r\n\r\n") - 4);
    EXPECT_EQ(h.analyzer().counters().lost_bytes, 0u);
}

TEST(large_first_write, any_cut_around_the_probe_size_gives_the_same_call) {
    auto records = load_capture("openai_chat_large.tls.jsonl");
    const std::string whole = analyze(records);
    const size_t cap = http_llm_analyzer::k_probe_cap;
    // A few bytes (detection still undecided), the head alone, and cuts at the probe's edge.
    for (size_t at :
         {size_t{3}, size_t{20}, records[0].data.find("\r\n\r\n") + 4, cap - 1, cap, cap + 1})
        EXPECT_EQ(analyze(split_record(records, 0, at)), whole) << "cut at " << at;
}

TEST(large_first_write, a_large_non_http_first_write_is_given_up_on) {
    // The probe only holds what detection needs: 100 KB of another protocol is not kept.
    harness h;
    h.push(make_tls("c1", tls_direction::write, std::string(100'000, 'x'), 1));
    h.push(make_tls("c1", tls_direction::read, std::string(100'000, 'y'), 2));
    h.finish();
    EXPECT_TRUE(h.derived().empty());
    EXPECT_EQ(h.analyzer().counters().ignored_connections, 1u);
}

TEST(large_first_write, bytes_lost_before_detection_still_fail_the_side) {
    // "PO" then a kernel-side truncation: the request line is unknowable, never guessed.
    harness h;
    tls_event t = make_tls("c1", tls_direction::write, "PO", 1);
    t.truncated = 70'000;
    h.push(t);
    h.push(make_tls("c1", tls_direction::read, "HTTP/1.1 200 OK\r\n\r\n", 2));
    h.finish();
    EXPECT_TRUE(h.derived().empty());
    EXPECT_EQ(h.analyzer().counters().ignored_connections, 1u);
}

}  // namespace
}  // namespace agentsight::analyzers::test
