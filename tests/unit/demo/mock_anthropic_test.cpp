// SPDX-License-Identifier: Apache-2.0
// The mock's Anthropic Messages endpoint: stream shape, script advance, non-stream JSON.
#include <gtest/gtest.h>

#include "mock_test_util.h"

namespace agentsight::demo::test {
namespace {

mock_llm_options tool_then_text() {
    mock_llm_options o;
    o.script = {{"", "Bash", {{"command", "cat /etc/hostname"}, {"description", "Print hostname"}}},
                {"The hostname is mock.", "", nullptr}};
    o.cache_read_tokens = 7;
    return o;
}

json messages_request(bool stream) {
    return {{"model", "claude-test"},
            {"max_tokens", 100},
            {"stream", stream},
            {"tools", bash_tools()},
            {"messages", json::array({{{"role", "user"}, {"content", "hi"}}})}};
}

std::vector<std::string> event_types(const std::vector<json>& events) {
    std::vector<std::string> types;
    for (const auto& e : events) types.push_back(e["type"]);
    return types;
}

TEST(mock_anthropic, streams_a_tool_call_then_text_then_repeats_the_text) {
    mock_llm_server server(tool_then_text());
    server.start();
    auto client = client_for(server);

    http_response first = post_json(*client, "/v1/messages?beta=true", messages_request(true));
    ASSERT_EQ(first.status, 200);
    EXPECT_EQ(find_header(first.headers, "content-type"), "text/event-stream");
    EXPECT_EQ(find_header(first.headers, "transfer-encoding"), "chunked");
    auto events = sse_payloads(first.body);
    EXPECT_EQ(event_types(events),
              (std::vector<std::string>{"message_start", "ping", "content_block_start",
                                        "content_block_delta", "content_block_delta",
                                        "content_block_delta", "content_block_stop",
                                        "message_delta", "message_stop"}));
    const json& message = events[0]["message"];
    EXPECT_EQ(message["id"], "msg_mock_1");
    EXPECT_EQ(message["model"], "claude-test");
    EXPECT_EQ(message["usage"]["input_tokens"], 321);
    EXPECT_EQ(message["usage"]["cache_read_input_tokens"], 7);
    EXPECT_EQ(events[2]["content_block"]["type"], "tool_use");
    EXPECT_EQ(events[2]["content_block"]["id"], "toolu_mock_1");
    EXPECT_EQ(events[2]["content_block"]["name"], "Bash");
    std::string input;
    for (int i = 3; i < 6; ++i) {
        EXPECT_EQ(events[i]["delta"]["type"], "input_json_delta");
        input += events[i]["delta"]["partial_json"].get<std::string>();
    }
    EXPECT_EQ(json::parse(input), tool_then_text().script[0].tool_input);
    EXPECT_EQ(events[7]["delta"]["stop_reason"], "tool_use");
    EXPECT_EQ(events[7]["usage"]["output_tokens"], 45);

    auto second = sse_payloads(post_json(*client, "/v1/messages", messages_request(true)).body);
    std::string text;
    for (const auto& e : second)
        if (e["type"] == "content_block_delta") text += e["delta"]["text"].get<std::string>();
    EXPECT_EQ(text, "The hostname is mock.");
    EXPECT_EQ(second[second.size() - 2]["delta"]["stop_reason"], "end_turn");

    auto third = sse_payloads(post_json(*client, "/v1/messages", messages_request(true)).body);
    EXPECT_EQ(third[0]["message"]["id"], "msg_mock_3");
    EXPECT_EQ(third[3]["delta"]["text"], second[3]["delta"]["text"]);  // the last text repeats
    EXPECT_EQ(server.llm_requests(), 3u);
    EXPECT_EQ(server.requests().size(), 3u);
}

TEST(mock_anthropic, sends_headers_and_message_start_in_one_write) {
    mock_llm_server server(tool_then_text());
    server.start();
    raw_connection conn(server.port());
    std::string body = messages_request(true).dump();
    conn.stream->write_all(
        "POST /v1/messages HTTP/1.1\r\nhost: x\r\nconnection: close\r\n"
        "content-length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body);
    std::string first = conn.read_record();
    size_t end_of_head = first.find("\r\n\r\n");
    ASSERT_NE(end_of_head, std::string::npos);
    std::string after_head = first.substr(end_of_head + 4);
    EXPECT_NE(after_head.find("event: message_start"), std::string::npos);
    EXPECT_EQ(after_head.find("content_block_start"), std::string::npos);
    std::string rest = conn.read_all();
    EXPECT_NE(rest.find("message_stop"), std::string::npos);
    EXPECT_TRUE(rest.ends_with("\r\n0\r\n\r\n"));
}

TEST(mock_anthropic, answers_without_stream_as_one_json_message) {
    mock_llm_server server(tool_then_text());
    server.start();
    auto client = client_for(server);
    http_response res = post_json(*client, "/v1/messages", messages_request(false));
    ASSERT_EQ(res.status, 200);
    EXPECT_EQ(find_header(res.headers, "content-length"), std::to_string(res.body.size()));
    json msg = json::parse(res.body);
    EXPECT_EQ(msg["type"], "message");
    EXPECT_EQ(msg["stop_reason"], "tool_use");
    EXPECT_EQ(msg["content"][0]["type"], "tool_use");
    EXPECT_EQ(msg["content"][0]["input"]["command"], "cat /etc/hostname");
    EXPECT_EQ(msg["usage"]["output_tokens"], 45);
}

TEST(mock_anthropic, counts_tokens_without_consuming_the_script) {
    mock_llm_server server(tool_then_text());
    server.start();
    auto client = client_for(server);
    http_response res = post_json(*client, "/v1/messages/count_tokens", messages_request(false));
    EXPECT_EQ(json::parse(res.body), json({{"input_tokens", 321}}));
    EXPECT_EQ(server.llm_requests(), 0u);
    EXPECT_EQ(server.script_steps_consumed(), 0u);
}

TEST(mock_anthropic, gzip_option_compresses_the_stream) {
    mock_llm_options o = tool_then_text();
    o.content_encoding = "gzip";
    mock_llm_server server(o);
    server.start();
    auto client = client_for(server);
    http_response res = post_json(*client, "/v1/messages", messages_request(true));
    EXPECT_EQ(find_header(res.headers, "content-encoding"), "gzip");
    auto events = sse_payloads(res.body);  // the client inflated it
    ASSERT_EQ(events.size(), 9u);
    EXPECT_EQ(events.back()["type"], "message_stop");
}

}  // namespace
}  // namespace agentsight::demo::test
