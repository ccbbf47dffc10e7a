// SPDX-License-Identifier: Apache-2.0
// HTTP/2 redaction in raw `tls` records: header blocks built with nghttp2's deflater (Huffman,
// dynamic-table insertions and references) carry secrets; after the redaction stage, a fresh
// HTTP/2 analysis of the redacted records (its own HPACK decoder) must still decode every
// block and every exchange, and no decoded header may hold a secret.
#include <nghttp2/nghttp2.h>

#include "analysis/protocol/hpack_decoder.h"
#include "analysis/redact/redact_hpack.h"
#include "redact_h2_dump.h"
#include "test_support.h"

namespace agentsight::analyzers::test {
namespace {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct hpack_encoder {
    hpack_encoder() { nghttp2_hd_deflate_new(&d, 4096); }
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
    for (int shift : {16, 8, 0}) f += static_cast<char>(len >> shift);
    f += static_cast<char>(type);
    f += static_cast<char>(flags);
    for (int shift : {24, 16, 8, 0}) f += static_cast<char>(stream >> shift);
    f += payload;
    return f;
}

constexpr uint8_t DATA = 0, HEADERS = 1, SETTINGS = 4, CONT = 9;
constexpr uint8_t END_STREAM = 1, END_HEADERS = 4;

const std::vector<std::string> k_secrets = {
    "sk-ant-api03-H2secretH2secretH2secret0123456789abcdefXYZ",
    "AIzaSyH2secretH2secretH2secret01234567",
    "opaqueAzureKey0123456789abcdef0123",
    "s3ss10n-cookie-value-H2secret",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJoMnNlY3JldCJ9.aDJzZWNyZXRzaWduYXR1cmU",
    "ghp_H2secretH2secretH2secretH2secret0123",
};

header_list request(int n) {
    return {{":method", "POST"},
            {":scheme", "https"},
            {":authority", "api.example.test"},
            {":path", "/v1/models/gemini:generate?alt=sse&key=" + k_secrets[1]},
            {"authorization", "Bearer " + k_secrets[4]},
            {"x-api-key", k_secrets[0]},
            {"api-key", k_secrets[2]},
            {"cookie", k_secrets[3]},
            {"x-note", "token " + k_secrets[5] + " n" + std::to_string(n)},
            {"content-type", "application/json"},
            {"user-agent", "redact-test/1.0"}};
}

// Three requests on one connection (the later ones index the dynamic table) and their
// responses, one record per frame group.
std::vector<tls_event> h2_connection() {
    hpack_encoder client, server;
    std::vector<tls_event> out;
    uint64_t ts = 1'000'000;
    out.push_back(make_tls("7:h2", tls_direction::write,
                           std::string(k_http2_preface) + frame(SETTINGS, 0, 0, ""), ts++));
    for (uint32_t id : {1u, 3u, 5u}) {
        out.push_back(
            make_tls("7:h2", tls_direction::write,
                     frame(HEADERS, END_HEADERS, id, client.encode(request(static_cast<int>(id)))) +
                         frame(DATA, END_STREAM, id, R"({"q":"hi"})"),
                     ts++));
        header_list resp = {{":status", "200"},
                            {"content-type", "application/json"},
                            {"set-cookie", "sid=" + k_secrets[3] + "; HttpOnly"}};
        out.push_back(make_tls("7:h2", tls_direction::read,
                               frame(HEADERS, END_HEADERS, id, server.encode(resp)) +
                                   frame(DATA, END_STREAM, id, R"({"ok":true})"),
                               ts++));
    }
    return out;
}

std::vector<tls_event> redacted(std::vector<tls_event> records) {
    redact_stage stage;
    for (auto& r : records) {
        event e(r);
        stage.on_event(e, [](event) {});
        r = std::get<tls_event>(e);
    }
    return records;
}

// What a decoder of the capture sees: every header of both directions (HPACK decoded), as
// "name: value" lines; and how many exchanges the analyzer still finds (no redaction).
std::string decode_again(const std::vector<tls_event>& records, size_t& exchanges,
                         size_t* blocks = nullptr) {
    harness h(analysis_options{.redact = false});
    std::string sides[2];
    for (const auto& r : records) {
        h.push(r);
        sides[r.direction == tls_direction::write ? 0 : 1] += r.data;
    }
    h.finish();
    exchanges = 0;
    for (const auto& d : h.derived())
        if (d.type == "http_exchange" || d.type == "llm_call") ++exchanges;
    std::string text;
    if (blocks) *blocks = 0;
    for (const auto& side : sides) {
        auto dump = agentsight::test::decode_h2_headers(side);
        for (const auto& hd : dump.headers) text += hd.name + ": " + hd.value + "\n";
        if (blocks) *blocks += dump.undecodable ? 0 : dump.blocks;
    }
    return text + h.all_jsonl();
}

void expect_no_secret(const std::string& text, const std::string& where) {
    for (const auto& s : k_secrets)
        EXPECT_EQ(text.find(s), std::string::npos) << where << ": " << s;
}

TEST(redact_http2, header_blocks_are_rewritten_and_still_decode) {
    auto original = h2_connection();
    size_t before = 0;
    std::string clear = decode_again(original, before);
    ASSERT_EQ(before, 3u);
    ASSERT_NE(clear.find(k_secrets[0]), std::string::npos);  // the capture really holds them

    auto records = redacted(original);
    for (size_t i = 0; i < records.size(); ++i)
        EXPECT_EQ(records[i].data.size(), original[i].data.size()) << "record " << i;
    size_t after = 0, blocks = 0;
    std::string decoded = decode_again(records, after, &blocks);
    EXPECT_EQ(after, 3u) << "a rewritten block no longer decodes:\n" << decoded;
    EXPECT_EQ(blocks, 6u) << decoded;
    expect_no_secret(decoded, "decoded headers");
    std::string raw;
    for (const auto& r : records) raw += r.data;
    expect_no_secret(raw, "raw bytes");
    EXPECT_NE(decoded.find("redact-test/1.0"), std::string::npos);  // the rest stays
    EXPECT_NE(decoded.find("api.example.test"), std::string::npos);
}

TEST(redact_http2, block_split_across_records_is_masked_whole) {
    auto original = h2_connection();
    // Cut the first request's HEADERS frame in the middle of its header block.
    auto records = original;
    tls_event first = records[1], second = records[1];
    const size_t cut = 9 + 20;
    first.data = first.data.substr(0, cut);
    second.data = second.data.substr(cut);
    first.len = first.data.size();
    second.len = second.data.size();
    records.erase(records.begin() + 1);
    records.insert(records.begin() + 1, {first, second});
    auto out = redacted(records);
    std::string raw;
    for (const auto& r : out) raw += r.data;
    expect_no_secret(raw, "raw bytes");
    EXPECT_NE(raw.find("<header block redacted>"), std::string::npos);
    size_t exchanges = 0;
    expect_no_secret(decode_again(out, exchanges), "decoded");
}

// An `exit` reported for the process while its connection goes on (seen with node): the
// HPACK state must survive it, or every later block would be masked whole.
TEST(redact_http2, exit_event_mid_connection_keeps_the_hpack_state) {
    auto original = h2_connection();
    redact_stage stage;
    std::vector<tls_event> out;
    for (size_t i = 0; i < original.size(); ++i) {
        if (i == 3) {
            process_event p;
            p.type = process_event_type::exit;
            p.pid = 7;  // the connection is "7:h2"
            event x(p);
            stage.on_event(x, [](event) {});
        }
        event e(original[i]);
        stage.on_event(e, [](event) {});
        out.push_back(std::get<tls_event>(e));
    }
    size_t exchanges = 0, blocks = 0;
    std::string decoded = decode_again(out, exchanges, &blocks);
    EXPECT_EQ(blocks, 6u) << decoded;
    EXPECT_EQ(exchanges, 3u);
    expect_no_secret(decoded, "decoded");
}

// Probes attached after the connection began: no preface, frames from the first record on.
TEST(redact_http2, connection_seen_without_its_preface_is_followed) {
    for (size_t missed : {1u, 2u, 3u}) {
        auto records = h2_connection();
        records.erase(records.begin(), records.begin() + static_cast<std::ptrdiff_t>(missed));
        auto out = redacted(records);
        std::string raw, headers;
        for (const auto& r : out) raw += r.data;
        expect_no_secret(raw, "raw bytes, " + std::to_string(missed) + " records missed");
        std::string sides[2];
        for (const auto& r : out) sides[r.direction == tls_direction::write ? 0 : 1] += r.data;
        for (const auto& side : sides)
            for (const auto& h : agentsight::test::decode_h2_headers(side).headers)
                headers += h.name + ": " + h.value + "\n";
        expect_no_secret(headers, "decoded, " + std::to_string(missed) + " records missed");
    }
}

TEST(redact_http2, every_record_split_keeps_secrets_out_of_decoded_headers) {
    auto original = h2_connection();
    for (size_t index = 0; index < original.size(); ++index) {
        for (size_t at = 1; at < original[index].data.size(); at += 7) {
            auto out = redacted(split_record(original, index, at));
            size_t exchanges = 0;
            std::string decoded = decode_again(out, exchanges);
            std::string raw;
            for (const auto& r : out) raw += r.data;
            for (const auto& s : k_secrets) {
                ASSERT_EQ(decoded.find(s), std::string::npos)
                    << "record " << index << " split at " << at;
                ASSERT_EQ(raw.find(s), std::string::npos) << "record " << index << " at " << at;
            }
        }
    }
}

// A literal carrying `value` Huffman-coded in `octets` bytes, decoded by nghttp2.
TEST(redact_http2, huffman_filler_keeps_both_lengths) {
    for (size_t len = 1; len < 75; ++len) {
        for (size_t octets = (len * 5 + 7) / 8; octets <= (len * 13) / 8; ++octets) {
            std::string coded;
            ASSERT_TRUE(huffman_fill("3f9a", len, octets, coded)) << len << "/" << octets;
            ASSERT_EQ(coded.size(), octets);
            std::string block("\x00\x01x", 3);  // literal, no indexing, new name "x"
            ASSERT_LT(octets, 127u);
            block += static_cast<char>(0x80 | octets);
            block += coded;
            hpack_decoder dec;
            std::vector<http_header> out;
            ASSERT_TRUE(dec.decode(block, out)) << len << "/" << octets;
            ASSERT_EQ(out.size(), 1u);
            EXPECT_EQ(out[0].value.size(), len) << octets;
            if (len >= 20 && octets * 8 >= len * 6 + 8 && octets * 8 <= 72 + 13 * (len - 13)) {
                EXPECT_TRUE(out[0].value.starts_with("redacted-3f9a")) << out[0].value;
            }
        }
    }
}

}  // namespace
}  // namespace agentsight::analyzers::test
