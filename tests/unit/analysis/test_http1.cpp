// SPDX-License-Identifier: Apache-2.0
// HTTP/1.1 framing edge cases, through the whole analyzer (requests to a non-LLM path give
// http_exchange events, which expose method, status and body sizes).
#include "test_support.h"

namespace agentsight::analyzers::test {
namespace {

std::vector<json> exchanges_of(const std::vector<tls_event>& records) {
    return bodies(analyze(records), "http_exchange");
}

tls_event w(std::string s, uint64_t ts) {
    return make_tls("9:c1", tls_direction::write, s, ts);
}
tls_event r(std::string s, uint64_t ts) {
    return make_tls("9:c1", tls_direction::read, s, ts);
}

TEST(http1, interim_head_no_content_and_not_modified_responses_have_no_body) {
    std::vector<tls_event> recs = {
        w("HEAD /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n"
          "DELETE /c HTTP/1.1\r\nHost: h\r\n\r\nGET /d HTTP/1.1\r\nHost: h\r\n\r\n",
          1000),
        // HEAD: Content-Length describes the GET body that is not sent.
        r("HTTP/1.1 200 OK\r\nContent-Length: 999\r\n\r\n"
          "HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\n"
          "HTTP/1.1 204 No Content\r\n\r\n"
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
          "4;ext=1\r\nabcd\r\n0\r\nX-Trailer: t\r\n\r\n",
          2000),
    };
    std::string expected = analyze(recs);
    auto ex = bodies(expected, "http_exchange");
    ASSERT_EQ(ex.size(), 4u);
    EXPECT_EQ(ex[0]["method"], "HEAD");
    EXPECT_EQ(ex[0]["status"], 200);
    EXPECT_EQ(ex[0]["response_bytes"], 0);
    EXPECT_EQ(ex[1]["status"], 304);
    EXPECT_EQ(ex[2]["status"], 204);
    EXPECT_EQ(ex[3]["path"], "/d");
    EXPECT_EQ(ex[3]["response_bytes"], 4);
    EXPECT_EQ(ex[3]["content_type"], "text/plain");
    for (const auto& e : ex) EXPECT_FALSE(e["incomplete"].get<bool>());
    expect_split_invariant(recs, expected);
}

TEST(http1, gap_inside_a_sized_body_keeps_framing_for_the_next_exchange) {
    tls_event big = r("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123", 2000);
    big.truncated = 6;  // the capture lost the rest of this read
    big.len = big.data.size() + 6;
    std::vector<tls_event> recs = {w("GET /one HTTP/1.1\r\nHost: h\r\n\r\n", 1000), big,
                                   w("GET /two HTTP/1.1\r\nHost: h\r\n\r\n", 3000),
                                   r("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", 4000)};
    auto ex = exchanges_of(recs);
    ASSERT_EQ(ex.size(), 2u);
    EXPECT_TRUE(ex[0]["incomplete"].get<bool>());
    EXPECT_EQ(ex[1]["path"], "/two");
    EXPECT_EQ(ex[1]["status"], 201);
    EXPECT_FALSE(ex[1]["incomplete"].get<bool>());
}

TEST(http1, lost_framing_resyncs_on_the_next_message) {
    tls_event head = r("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", 2000);
    head.truncated = 500;  // more than the chunk: the chunk framing is gone
    std::vector<tls_event> recs = {w("GET /one HTTP/1.1\r\nHost: h\r\n\r\n", 1000), head,
                                   r("garbage that is not a response", 2500),
                                   w("GET /two HTTP/1.1\r\nHost: h\r\n\r\n", 3000),
                                   r("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 4000)};
    harness h;
    for (auto& e : recs) h.push(e);
    h.finish();
    auto ex = bodies(h.derived_jsonl(), "http_exchange");
    ASSERT_EQ(ex.size(), 2u);
    EXPECT_TRUE(ex[0]["incomplete"].get<bool>());
    EXPECT_EQ(ex[1]["path"], "/two");
    EXPECT_FALSE(ex[1]["incomplete"].get<bool>());
    EXPECT_EQ(h.analyzer().counters().gaps, 1u);
}

TEST(http1, non_http_connections_are_ignored_after_a_few_bytes) {
    harness h;
    h.push(make_tls("9:x", tls_direction::write, "\x16\x03\x01 binary protocol", 1));
    h.push(make_tls("9:x", tls_direction::read, "SSH-2.0-OpenSSH", 2));
    h.push(make_tls("9:x", tls_direction::write, "GET / HTTP/1.1\r\n\r\n", 3));  // too late
    h.finish();
    EXPECT_TRUE(h.derived().empty());
    EXPECT_EQ(h.analyzer().counters().ignored_connections, 1u);
}

TEST(http1, server_side_capture_pairs_reads_as_requests) {
    // A process serving HTTPS: requests arrive on reads, responses leave on writes.
    auto ex = exchanges_of({r("GET /srv HTTP/1.1\r\nHost: me\r\n\r\n", 1000),
                            w("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nyes", 2000)});
    ASSERT_EQ(ex.size(), 1u);
    EXPECT_EQ(ex[0]["path"], "/srv");
    EXPECT_EQ(ex[0]["response_bytes"], 3);
}

}  // namespace
}  // namespace agentsight::analyzers::test
