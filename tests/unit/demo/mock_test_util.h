// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the demo tests: a client for the mock and stream decoding.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "demo/https_client.h"
#include "demo/mock_llm_server.h"
#include "demo/sse_lines.h"

namespace agentsight::demo::test {

using nlohmann::json;

inline std::unique_ptr<https_client> client_for(const mock_llm_server& server) {
    return std::make_unique<https_client>(*parse_https_url(server.base_url()));
}

inline http_response post_json(https_client& client, const std::string& path, const json& body) {
    return client.post(path, {{"content-type", "application/json"}}, body.dump());
}

// Every data payload of an SSE body as JSON; "[DONE]" and non-JSON payloads fail the test.
inline std::vector<json> sse_payloads(const std::string& body, bool allow_done = false) {
    std::vector<json> out;
    for (const auto& ev : parse_sse(body)) {
        if (allow_done && ev.data == "[DONE]") continue;
        json j = json::parse(ev.data, nullptr, false);
        EXPECT_FALSE(j.is_discarded()) << "not JSON: " << ev.data;
        out.push_back(j);
    }
    return out;
}

inline json bash_tools() {
    return json::array({{{"name", "bash"}, {"input_schema", {{"type", "object"}}}}});
}

// A client connection with no HTTP logic, for framing edge cases.
struct raw_connection {
    ssl_ctx_ptr ctx{SSL_CTX_new(TLS_client_method())};
    std::unique_ptr<tls_stream> stream;

    explicit raw_connection(uint16_t port) { stream = connect_tls(ctx.get(), "127.0.0.1", port); }

    // One SSL_read: OpenSSL returns at most one TLS record, i.e. what one server write sent.
    std::string read_record() {
        char buf[65536];
        size_t n = stream->read_some(buf, sizeof buf);
        return std::string(buf, n);
    }
    std::string read_all() {
        std::string out, piece;
        while (!(piece = read_record()).empty()) out += piece;
        return out;
    }
};

}  // namespace agentsight::demo::test
