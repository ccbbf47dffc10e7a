// SPDX-License-Identifier: Apache-2.0
// Content-Encoding on request and response bodies: gzip, deflate (zlib and raw), br, zstd.
#include <zlib.h>
#include <zstd.h>

#include "test_support.h"

namespace agentsight::analyzers::test {
namespace {

const char* k_reply =
    R"({"id":"msg_c","type":"message","model":"claude-x","content":[{"type":"text","text":"decoded ok"}],"stop_reason":"end_turn","usage":{"input_tokens":3,"output_tokens":2}})";
const char* k_request =
    R"({"model":"claude-x","max_tokens":10,"messages":[{"role":"user","content":"compressed hello"}]})";

std::string zlib_deflate(std::string_view in, int window_bits) {
    z_stream z{};
    EXPECT_EQ(deflateInit2(&z, 9, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
    std::string out(deflateBound(&z, in.size()) + 32, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

std::string zstd_compress(std::string_view in) {
    std::string out(ZSTD_compressBound(in.size()), '\0');
    size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3);
    EXPECT_FALSE(ZSTD_isError(n));
    out.resize(n);
    return out;
}

std::vector<tls_event> exchange_records(const std::string& req_coding, const std::string& req_body,
                                        const std::string& resp_coding,
                                        const std::string& resp_body) {
    std::string req = "POST /v1/messages HTTP/1.1\r\nHost: api.anthropic.com\r\n";
    if (!req_coding.empty()) req += "Content-Encoding: " + req_coding + "\r\n";
    req += "Content-Length: " + std::to_string(req_body.size()) + "\r\n\r\n" + req_body;
    std::string resp =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: " + resp_coding +
        "\r\nContent-Length: " + std::to_string(resp_body.size()) + "\r\n\r\n" + resp_body;
    return {make_tls("7:z", tls_direction::write, req, 1000),
            make_tls("7:z", tls_direction::read, resp, 2000)};
}

void expect_decoded(const std::vector<tls_event>& recs, const std::string& want_text) {
    auto calls = bodies(analyze(recs));
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0]["response"]["text"], want_text);
    EXPECT_EQ(calls[0]["user_prompt"], "compressed hello");
    EXPECT_FALSE(calls[0]["incomplete"].get<bool>());
    EXPECT_FALSE(calls[0].contains("decode_error"));
}

TEST(content_encoding, gzip_request_and_response_at_every_split) {
    auto recs = exchange_records("gzip", zlib_deflate(k_request, 15 + 16), "gzip",
                                 zlib_deflate(k_reply, 15 + 16));
    expect_decoded(recs, "decoded ok");
    expect_split_invariant(recs, analyze(recs));
}

TEST(content_encoding, deflate_zlib_wrapped_and_raw) {
    expect_decoded(exchange_records("deflate", zlib_deflate(k_request, 15), "deflate",
                                    zlib_deflate(k_reply, 15)),
                   "decoded ok");
    auto raw = exchange_records("deflate", zlib_deflate(k_request, -15), "deflate",
                                zlib_deflate(k_reply, -15));
    expect_decoded(raw, "decoded ok");
    expect_split_invariant(raw, analyze(raw));
}

TEST(content_encoding, zstd) {
    auto recs = exchange_records("zstd", zstd_compress(k_request), "zstd", zstd_compress(k_reply));
    expect_decoded(recs, "decoded ok");
    expect_split_invariant(recs, analyze(recs));
}

// No brotli encoder is linked into the tests: the body was compressed once with libbrotlienc
// (see tests/data/analyzers/README.md) from anthropic_message.json.
TEST(content_encoding, brotli_from_a_precompressed_body) {
    std::string br = read_file(data_path("anthropic_message.json.br"));
    ASSERT_FALSE(br.empty());
    auto recs = exchange_records("", k_request, "br", br);
    auto calls = bodies(analyze(recs));
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0]["response_id"], "msg_br_01");
    EXPECT_EQ(calls[0]["usage"]["output_tokens"], 24);
    EXPECT_NE(calls[0]["response"]["text"].get<std::string>().find("brotli"), std::string::npos);
    expect_split_invariant(recs, analyze(recs));
}

TEST(content_encoding, corrupt_body_is_flagged_not_fatal) {
    auto calls = bodies(analyze(exchange_records("", k_request, "gzip", "not gzip at all")));
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_TRUE(calls[0]["decode_error"].get<bool>());
    EXPECT_EQ(calls[0]["response"]["text"], "");
}

TEST(content_encoding, decompression_is_capped) {
    std::string zeros(exchange::k_max_body + 1024, '0');
    std::string bomb = zlib_deflate(zeros, 15 + 16);
    auto calls = bodies(analyze(exchange_records("", k_request, "gzip", bomb)));
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_TRUE(calls[0]["body_truncated"].get<bool>());
}

}  // namespace
}  // namespace agentsight::analyzers::test
