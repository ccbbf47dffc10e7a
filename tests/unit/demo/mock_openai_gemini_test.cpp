// SPDX-License-Identifier: Apache-2.0
// The mock's OpenAI Chat Completions and Gemini endpoints.
#include <gtest/gtest.h>

#include "mock_test_util.h"

namespace agentsight::demo::test {
namespace {

mock_llm_options tool_then_text(const std::string& tool) {
    mock_llm_options o;
    o.script = {{"", tool, {{"command", "uname -a"}}}, {"Linux, it is.", "", nullptr}};
    return o;
}

json chat_request(bool stream) {
    json tools = json::array(
        {{{"type", "function"}, {"function", {{"name", "bash"}, {"parameters", json::object()}}}}});
    return {{"model", "gpt-test"},
            {"stream", stream},
            {"stream_options", {{"include_usage", true}}},
            {"tools", tools},
            {"messages", json::array({{{"role", "user"}, {"content", "hi"}}})}};
}

TEST(mock_openai, streams_tool_call_chunks_usage_and_done) {
    mock_llm_server server(tool_then_text("bash"));
    server.start();
    auto client = client_for(server);
    http_response res = post_json(*client, "/v1/chat/completions", chat_request(true));
    ASSERT_EQ(res.status, 200);
    auto events = parse_sse(res.body);
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().data, "[DONE]");
    auto chunks = sse_payloads(res.body, true);
    std::string name, args, finish;
    json usage;
    for (const auto& c : chunks) {
        EXPECT_EQ(c["object"], "chat.completion.chunk");
        if (c.contains("usage")) usage = c["usage"];
        if (c["choices"].empty()) continue;
        const json& choice = c["choices"][0];
        if (!choice["finish_reason"].is_null()) finish = choice["finish_reason"];
        if (!choice["delta"].contains("tool_calls")) continue;
        const json& fn = choice["delta"]["tool_calls"][0]["function"];
        if (fn.contains("name")) name = fn["name"];
        args += fn.value("arguments", "");
    }
    EXPECT_EQ(name, "bash");
    EXPECT_EQ(json::parse(args)["command"], "uname -a");
    EXPECT_EQ(finish, "tool_calls");
    EXPECT_EQ(usage["prompt_tokens"], 321);
    EXPECT_EQ(usage["completion_tokens"], 45);
    EXPECT_TRUE(chunks.back()["choices"].empty());  // the usage chunk comes last

    json second = json::parse(post_json(*client, "/v1/chat/completions", chat_request(false)).body);
    EXPECT_EQ(second["object"], "chat.completion");
    EXPECT_EQ(second["choices"][0]["message"]["content"], "Linux, it is.");
    EXPECT_EQ(second["choices"][0]["finish_reason"], "stop");
}

json gemini_request() {
    return {{"contents", json::array({{{"role", "user"}, {"parts", {{{"text", "hi"}}}}}})},
            {"tools", json::array({{{"functionDeclarations",
                                     json::array({{{"name", "run_shell_command"}}})}}})}};
}

TEST(mock_gemini, streams_sse_with_function_call_and_usage) {
    mock_llm_server server(tool_then_text("run_shell_command"));
    server.start();
    auto client = client_for(server);
    http_response res = post_json(
        *client, "/v1beta/models/gemini-test:streamGenerateContent?alt=sse", gemini_request());
    ASSERT_EQ(res.status, 200);
    EXPECT_EQ(find_header(res.headers, "content-type"), "text/event-stream");
    EXPECT_NE(res.body.find("\r\n\r\n"), std::string::npos);  // Google frames events with CRLF
    auto chunks = sse_payloads(res.body);
    ASSERT_FALSE(chunks.empty());
    const json& last = chunks.back();
    EXPECT_EQ(last["modelVersion"], "gemini-test");
    const json& cand = last["candidates"][0];
    EXPECT_EQ(cand["finishReason"], "STOP");
    EXPECT_EQ(cand["content"]["role"], "model");
    EXPECT_EQ(cand["content"]["parts"][0]["functionCall"]["name"], "run_shell_command");
    EXPECT_EQ(cand["content"]["parts"][0]["functionCall"]["args"]["command"], "uname -a");
    EXPECT_EQ(last["usageMetadata"]["promptTokenCount"], 321);
    EXPECT_EQ(last["usageMetadata"]["candidatesTokenCount"], 45);
    EXPECT_EQ(last["usageMetadata"]["totalTokenCount"], 366);

    res = post_json(*client, "/v1beta/models/gemini-test:streamGenerateContent?alt=sse",
                    gemini_request());
    std::string text;
    for (const auto& c : sse_payloads(res.body))
        text += c["candidates"][0]["content"]["parts"][0].value("text", "");
    EXPECT_EQ(text, "Linux, it is.");
}

TEST(mock_gemini, answers_generate_content_json_array_and_count_tokens) {
    mock_llm_options o;
    o.script = {{"one", "", nullptr}, {"two", "", nullptr}};
    mock_llm_server server(o);
    server.start();
    auto client = client_for(server);
    json single =
        json::parse(post_json(*client, "/v1beta/models/g:generateContent", gemini_request()).body);
    EXPECT_EQ(single["candidates"][0]["content"]["parts"][0]["text"], "one");
    json array = json::parse(
        post_json(*client, "/v1beta/models/g:streamGenerateContent", gemini_request()).body);
    ASSERT_TRUE(array.is_array());
    EXPECT_EQ(array.back()["candidates"][0]["finishReason"], "STOP");
    json count =
        json::parse(post_json(*client, "/v1beta/models/g:countTokens", gemini_request()).body);
    EXPECT_EQ(count["totalTokens"], 321);
    EXPECT_EQ(server.llm_requests(), 2u);
}

}  // namespace
}  // namespace agentsight::demo::test
