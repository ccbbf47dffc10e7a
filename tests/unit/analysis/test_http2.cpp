// SPDX-License-Identifier: Apache-2.0
// HTTP/2: frames and HPACK built here with nghttp2's deflater, so the analyzer's inflater
// sees a real encoder's output (dynamic table, Huffman, table size updates).
#include <nghttp2/nghttp2.h>

#include "test_support.h"

namespace agentsight::analyzers::test {
namespace {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct hpack_encoder {
    explicit hpack_encoder(size_t table = 4096) { nghttp2_hd_deflate_new(&d, table); }
    ~hpack_encoder() { nghttp2_hd_deflate_del(d); }
    std::string encode(const header_list& headers) {
        std::vector<nghttp2_nv> nv;
        for (auto& [n, v] : headers)
            nv.push_back({reinterpret_cast<uint8_t*>(const_cast<char*>(n.data())),
                          reinterpret_cast<uint8_t*>(const_cast<char*>(v.data())), n.size(),
                          v.size(), NGHTTP2_NV_FLAG_NONE});
        std::string out(nghttp2_hd_deflate_bound(d, nv.data(), nv.size()), '\0');
        ssize_t n = nghttp2_hd_deflate_hd(d, reinterpret_cast<uint8_t*>(out.data()), out.size(),
                                          nv.data(), nv.size());
        EXPECT_GT(n, 0);
        out.resize(static_cast<size_t>(n));
        return out;
    }
    nghttp2_hd_deflater* d = nullptr;
};

std::string frame(uint8_t type, uint8_t flags, uint32_t stream, std::string_view payload) {
    std::string f;
    uint32_t len = static_cast<uint32_t>(payload.size());
    f += static_cast<char>(len >> 16);
    f += static_cast<char>(len >> 8);
    f += static_cast<char>(len);
    f += static_cast<char>(type);
    f += static_cast<char>(flags);
    for (int shift : {24, 16, 8, 0}) f += static_cast<char>(stream >> shift);
    f += payload;
    return f;
}

std::string padded(std::string_view payload, uint8_t pad) {
    return std::string(1, static_cast<char>(pad)) + std::string(payload) + std::string(pad, '\0');
}

std::string setting(uint16_t id, uint32_t value) {
    std::string s;
    s += static_cast<char>(id >> 8);
    s += static_cast<char>(id);
    for (int shift : {24, 16, 8, 0}) s += static_cast<char>(value >> shift);
    return s;
}

constexpr uint8_t DATA = 0, HEADERS = 1, RST = 3, SETTINGS = 4, PING = 6, WINDOW = 8, CONT = 9;
constexpr uint8_t END_STREAM = 1, ACK = 1, END_HEADERS = 4, PADDED = 8, PRIORITY = 0x20;

std::string sse_event(const std::string& type, const std::string& data) {
    return "event: " + type + "\ndata: " + data + "\n\n";
}

std::vector<tls_event> h2_capture() {
    hpack_encoder client, server(4096);
    const std::string body =
        R"({"model":"claude-sonnet-4-5","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"over h2"}]})";
    header_list req = {{":method", "POST"},
                       {":scheme", "https"},
                       {":authority", "api.anthropic.com"},
                       {":path", "/v1/messages"},
                       {"content-type", "application/json"},
                       {"x-api-key", "sk-ant-api03-H2CANARYh2canaryH2CANARY0123456789"},
                       {"anthropic-version", "2023-06-01"}};
    std::string block1 = client.encode(req);
    std::string block3 = client.encode(req);  // mostly dynamic-table references now
    // Request 1: HEADERS with PRIORITY + PADDED, then CONTINUATION; padded DATA.
    std::string priority = std::string("\x80\x00\x00\x00\x10", 5);
    size_t half = block1.size() / 2;
    std::string w1 =
        std::string(k_http2_preface) +
        frame(SETTINGS, 0, 0, setting(1, 65536) + setting(4, 1 << 20)) +
        frame(HEADERS, PRIORITY | PADDED, 1, padded(priority + block1.substr(0, half), 3)) +
        frame(CONT, END_HEADERS, 1, block1.substr(half)) +
        frame(DATA, PADDED, 1, padded(body.substr(0, 40), 5)) +
        frame(DATA, END_STREAM, 1, body.substr(40));
    std::string w2 = frame(SETTINGS, ACK, 0, "") + frame(HEADERS, END_HEADERS, 3, block3) +
                     frame(DATA, END_STREAM, 3, body) + frame(WINDOW, 0, 0, "\0\0\x10\0");

    // The server uses the larger table the client allowed: its first block starts with a
    // dynamic table size update, which the inflater accepts only after our SETTINGS handling.
    nghttp2_hd_deflate_change_table_size(server.d, 65536);
    std::string resp = server.encode(
        {{":status", "200"}, {"content-type", "text/event-stream"}, {"request-id", "req_h2"}});
    const std::string start = sse_event(
        "message_start",
        R"({"type":"message_start","message":{"id":"msg_h2","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":9,"output_tokens":1}}})");
    const std::string delta = sse_event(
        "content_block_delta",
        R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi from h2"}})");
    const std::string end =
        sse_event(
            "message_delta",
            R"({"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":4}})") +
        sse_event("message_stop", R"({"type":"message_stop"})");
    std::string r1 = frame(SETTINGS, 0, 0, setting(3, 100)) + frame(SETTINGS, ACK, 0, "") +
                     frame(HEADERS, END_HEADERS, 1, resp) + frame(DATA, 0, 1, start);
    std::string r2 = frame(PING, 0, 0, std::string(8, 'p')) +
                     frame(DATA, PADDED, 1, padded(delta, 2)) + frame(DATA, END_STREAM, 1, end);
    std::string r3 = frame(RST, 0, 3, std::string("\0\0\0\x02", 4));  // stream 3 reset
    return {make_tls("5:h2", tls_direction::write, w1, 1'000'000),
            make_tls("5:h2", tls_direction::write, w2, 2'000'000),
            make_tls("5:h2", tls_direction::read, r1, 3'000'000),
            make_tls("5:h2", tls_direction::read, r2, 4'000'000),
            make_tls("5:h2", tls_direction::read, r3, 5'000'000)};
}

TEST(http2, streams_hpack_padding_continuation_and_reset_at_every_split) {
    auto recs = h2_capture();
    std::string out = analyze(recs);
    auto calls = bodies(out);
    ASSERT_EQ(calls.size(), 2u) << out;
    // Stream 3 was reset: emitted first (at the reset), incomplete.
    const json& reset = calls[0]["ts"] == 2'000'000 ? calls[0] : calls[1];
    const json& ok = calls[0]["ts"] == 1'000'000 ? calls[0] : calls[1];
    EXPECT_TRUE(reset["incomplete"].get<bool>());
    EXPECT_EQ(reset["user_prompt"], "over h2");  // decoded through the dynamic table
    EXPECT_EQ(ok["host"], "api.anthropic.com");
    EXPECT_EQ(ok["path"], "/v1/messages");
    EXPECT_EQ(ok["status"], 200);
    EXPECT_EQ(ok["response"]["text"], "hi from h2");
    EXPECT_EQ(ok["response_id"], "msg_h2");
    EXPECT_EQ(ok["usage"]["output_tokens"], 4);
    EXPECT_FALSE(ok["incomplete"].get<bool>());
    EXPECT_DOUBLE_EQ(ok["ttft_ms"].get<double>(), 3.0);
    expect_split_invariant(recs, out);
}

TEST(http2, broken_hpack_ends_open_streams_and_ignores_the_rest) {
    auto recs = h2_capture();
    recs[2].data[9 + 6 + 9 + 9] = '\x80';  // header block starts with indexed field 0: invalid
    harness h;
    for (auto& r : recs) h.push(r);
    h.finish();
    auto calls = bodies(h.derived_jsonl());
    ASSERT_EQ(calls.size(), 2u);
    for (const auto& c : calls) EXPECT_TRUE(c["incomplete"].get<bool>());
    EXPECT_GE(h.analyzer().counters().parse_errors, 1u);
}

}  // namespace
}  // namespace agentsight::analyzers::test
