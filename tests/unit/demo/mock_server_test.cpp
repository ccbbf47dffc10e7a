// SPDX-License-Identifier: Apache-2.0
// The mock server as a server: framing, bad input, probes, lifecycle, concurrency.
#include <chrono>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "demo/gzip_codec.h"
#include "mock_test_util.h"

namespace agentsight::demo::test {
namespace {

json minimal_messages() {
    return {{"model", "m"}, {"messages", json::array({{{"role", "user"}, {"content", "hi"}}})}};
}

TEST(mock_server, malformed_head_gets_400_and_other_connections_keep_working) {
    mock_llm_server server(mock_llm_options{});
    server.start();
    raw_connection bad(server.port());
    bad.stream->write_all("this is not http\r\n\r\n");
    std::string reply = bad.read_all();  // the server closes after the error
    EXPECT_TRUE(reply.starts_with("HTTP/1.1 400 ")) << reply;
    EXPECT_NE(reply.find("connection: close"), std::string::npos);

    auto client = client_for(server);
    EXPECT_EQ(post_json(*client, "/v1/messages", minimal_messages()).status, 200);
}

TEST(mock_server, bad_json_gets_400_and_the_connection_stays_usable) {
    mock_llm_server server(mock_llm_options{});
    server.start();
    auto client = client_for(server);
    http_response bad = client->post("/v1/messages", {}, "{not json");
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(json::parse(bad.body)["type"], "error");
    EXPECT_EQ(client->post("/v1/chat/completions", {}, "[]").status, 400);
    EXPECT_EQ(client->post("/v1beta/models/g:generateContent", {}, "{}").status, 400);
    EXPECT_EQ(post_json(*client, "/v1/messages", minimal_messages()).status, 200);
    EXPECT_EQ(server.requests().size(), 4u);  // bad requests are recorded too
    EXPECT_EQ(server.llm_requests(), 1u);
}

TEST(mock_server, reads_chunked_and_gzip_request_bodies_and_records_them_decoded) {
    mock_llm_server server(mock_llm_options{});
    server.start();
    raw_connection conn(server.port());
    std::string body = minimal_messages().dump();
    std::string gz = gzip_compress(body);
    std::string chunked = encode_chunk(gz.substr(0, 10)) + encode_chunk(gz.substr(10));
    conn.stream->write_all(
        "POST /v1/messages HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n"
        "content-encoding: gzip\r\nconnection: close\r\n\r\n" +
        chunked + "0\r\nx-trailer: 1\r\n\r\n");
    std::string reply = conn.read_all();
    EXPECT_TRUE(reply.starts_with("HTTP/1.1 200 OK")) << reply;
    ASSERT_EQ(server.requests().size(), 1u);
    EXPECT_EQ(server.requests()[0].body, body);
    EXPECT_EQ(server.requests()[0].path, "/v1/messages");
}

TEST(mock_server, refuses_bodies_over_16_mib_before_reading_them) {
    mock_llm_server server(mock_llm_options{});
    server.start();
    raw_connection conn(server.port());
    conn.stream->write_all("POST /v1/messages HTTP/1.1\r\ncontent-length: 17000000\r\n\r\n");
    EXPECT_TRUE(conn.read_all().starts_with("HTTP/1.1 413 "));
}

TEST(mock_server, answers_probes_quickly_and_records_them) {
    mock_llm_server server(mock_llm_options{});
    server.start();
    raw_connection conn(server.port());
    conn.stream->write_all(
        "HEAD / HTTP/1.1\r\nhost: x\r\n\r\nGET /v1/models HTTP/1.1\r\n"
        "host: x\r\nconnection: close\r\n\r\n");
    std::string replies = conn.read_all();
    EXPECT_TRUE(replies.starts_with("HTTP/1.1 404 "));
    size_t second = replies.find("HTTP/1.1 200 OK");
    ASSERT_NE(second, std::string::npos);
    // The HEAD reply carries no body, so the next reply starts right after its headers.
    EXPECT_EQ(replies.find("\r\n\r\n") + 4, second);
    json models = json::parse(replies.substr(replies.find("\r\n\r\n", second) + 4));
    EXPECT_EQ(models["data"][0]["id"], "claude-sonnet-4-5");
    auto recorded = server.requests();
    ASSERT_EQ(recorded.size(), 2u);
    EXPECT_EQ(recorded[0].method, "HEAD");
    EXPECT_EQ(recorded[1].path, "/v1/models");
    EXPECT_EQ(server.llm_requests(), 0u);
}

TEST(mock_server, start_reports_a_port_in_use) {
    mock_llm_server first(mock_llm_options{});
    first.start();
    mock_llm_options o;
    o.port = first.port();
    mock_llm_server second(o);
    try {
        second.start();
        FAIL() << "start() on a busy port should throw";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("bind 127.0.0.1:" + std::to_string(o.port)),
                  std::string::npos)
            << e.what();
    }
    EXPECT_EQ(first.base_url(), "https://127.0.0.1:" + std::to_string(first.port()));
}

TEST(mock_server, stop_does_not_wait_for_idle_keep_alive_connections) {
    auto server = std::make_unique<mock_llm_server>(mock_llm_options{});
    server->start();
    auto client = client_for(*server);
    EXPECT_EQ(post_json(*client, "/v1/messages", minimal_messages()).status, 200);
    raw_connection idle(server->port());  // handshaken, never sends a request
    auto t0 = std::chrono::steady_clock::now();
    server.reset();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
}

TEST(mock_server, serves_concurrent_connections) {
    mock_llm_options o;
    o.script = {{"hello", "", nullptr}};
    mock_llm_server server(o);
    server.start();
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int t = 0; t < 6; ++t)
        threads.emplace_back([&] {
            auto client = client_for(server);
            json req = minimal_messages();
            req["stream"] = true;
            for (int i = 0; i < 5; ++i)
                if (post_json(*client, "/v1/messages", req).status == 200) ++ok;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok, 30);
    EXPECT_EQ(server.llm_requests(), 30u);
    EXPECT_EQ(server.requests().size(), 30u);
}

}  // namespace
}  // namespace agentsight::demo::test
