// SPDX-License-Identifier: Apache-2.0
// The LLM providers' JSON and SSE, end to end through the analysis chain: a well-formed
// HTTP/1.1 request to one provider's endpoint with a fuzzed JSON body, answered by a
// well-formed response head with a fuzzed body (JSON or event stream; sized, chunked or
// read until close). The HTTP framing is fixed so the fuzzer spends its time in the
// provider parsers and the llm_call builder.
#include <cstdint>
#include <string>
#include <string_view>

#include "analysis/analysis.h"
#include "fuzz_input.h"

using namespace agentsight;
using namespace agentsight::analyzers;

namespace {

constexpr std::string_view k_paths[] = {
    "/v1/messages",
    "/v1/chat/completions",
    "/v1/responses",
    "/v1beta/models/gemini-2.5-pro:generateContent",
    "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse",
    "/v1beta/models/gemini-2.5-pro:streamGenerateContent",
};

std::string request(std::string_view path, std::string_view body) {
    std::string r = "POST ";
    r.append(path).append(" HTTP/1.1\r\nHost: api.example.com\r\n");
    r += "content-type: application/json\r\n";
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    r.append(body);
    return r;
}

std::string chunked(std::string_view body) {
    std::string r;
    char size[32];
    for (size_t at = 0; at < body.size(); at += 100) {
        std::string_view piece = body.substr(at, 100);
        snprintf(size, sizeof size, "%zx\r\n", piece.size());
        r.append(size).append(piece).append("\r\n");
    }
    return r + "0\r\n\r\n";
}

std::string response(uint8_t mode, std::string_view body) {
    bool sse = mode & 0x08;
    int framing = (mode >> 4) % 3;  // sized, chunked, until close
    std::string r = mode & 0x40 ? "HTTP/1.1 429 Too Many Requests\r\n" : "HTTP/1.1 200 OK\r\n";
    r += sse ? "content-type: text/event-stream\r\n" : "content-type: application/json\r\n";
    if (framing == 0) r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    if (framing == 1) return r + "Transfer-Encoding: chunked\r\n\r\n" + chunked(body);
    if (framing == 2) r += "Connection: close\r\n\r\n";
    return r.append(body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in = fuzz::as_view(data, size);
    uint8_t shape = fuzz::take_shape(in);
    uint8_t mode = fuzz::take_shape(in);
    auto parts = fuzz::split_parts(in, 2);
    std::string_view request_body = parts.size() > 1 ? parts[0] : std::string_view("{}");
    std::string_view response_body = parts.back();

    static constexpr size_t k_record_sizes[] = {16 * 1024, 1, 3, 64, 512, 4096, 7, 1500};
    analysis_options opts;
    opts.redact = !(mode & 0x80);
    std::string client = request(k_paths[(mode & 7) % 6], request_body);
    std::string server = response(mode, response_body);
    auto events = analyze_streams(
        client, server, fuzz::capped_record_size(k_record_sizes[shape & 7], client, server), opts);
    for (const auto& e : events) fuzz::touch_json(e.body);
    return 0;
}
