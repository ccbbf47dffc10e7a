// SPDX-License-Identifier: Apache-2.0
// Which requests consume script steps: the auxiliary-request heuristic.
#include <gtest/gtest.h>

#include "mock_test_util.h"

namespace agentsight::demo::test {
namespace {

mock_llm_options agent_script() {
    mock_llm_options o;
    o.script = {{"", "Bash", {{"command", "true"}}}, {"Done.", "", nullptr}};
    return o;
}

json anthropic_request(bool with_tools) {
    json r = {{"model", "m"},
              {"max_tokens", 64},
              {"messages", json::array({{{"role", "user"}, {"content", "hi"}}})}};
    r["tools"] = with_tools ? bash_tools() : json::array();
    return r;
}

TEST(mock_script, side_requests_without_tools_leave_the_agent_script_alone) {
    mock_llm_server server(agent_script());
    server.start();
    auto client = client_for(server);
    json title = json::parse(post_json(*client, "/v1/messages", anthropic_request(false)).body);
    EXPECT_EQ(title["content"][0]["type"], "text");
    EXPECT_EQ(title["stop_reason"], "end_turn");
    EXPECT_EQ(server.script_steps_consumed(), 0u);

    json main1 = json::parse(post_json(*client, "/v1/messages", anthropic_request(true)).body);
    EXPECT_EQ(main1["content"][0]["type"], "tool_use");
    post_json(*client, "/v1/messages", anthropic_request(false));  // another side request
    json main2 = json::parse(post_json(*client, "/v1/messages", anthropic_request(true)).body);
    EXPECT_EQ(main2["content"][0]["text"], "Done.");
    EXPECT_EQ(server.script_steps_consumed(), 2u);
    EXPECT_EQ(server.llm_requests(), 4u);
}

TEST(mock_script, structured_side_requests_get_json_of_the_schema_shape) {
    mock_llm_server server(agent_script());
    server.start();
    auto client = client_for(server);
    // Claude Code's session-title request.
    json title = anthropic_request(false);
    title["output_config"] = {
        {"format",
         {{"type", "json_schema"},
          {"schema", {{"type", "object"}, {"properties", {{"title", {{"type", "string"}}}}}}}}}};
    json reply = json::parse(post_json(*client, "/v1/messages", title).body);
    EXPECT_TRUE(json::parse(reply["content"][0]["text"].get<std::string>())["title"].is_string());
    // Gemini CLI's model router: an integer score that must be at least 1, and an enum.
    json route = {{"contents", json::array({{{"role", "user"}, {"parts", {{{"text", "x"}}}}}})},
                  {"generationConfig",
                   {{"responseMimeType", "application/json"},
                    {"responseJsonSchema",
                     {{"type", "OBJECT"},
                      {"properties",
                       {{"complexity_score", {{"type", "INTEGER"}}},
                        {"next_speaker", {{"type", "STRING"}, {"enum", {"user", "model"}}}}}}}}}}};
    json g = json::parse(post_json(*client, "/v1beta/models/flash:generateContent", route).body);
    json answer = json::parse(g["candidates"][0]["content"]["parts"][0]["text"].get<std::string>());
    EXPECT_EQ(answer["complexity_score"], 1);
    EXPECT_EQ(answer["next_speaker"], "user");
    EXPECT_EQ(server.script_steps_consumed(), 0u);
}

TEST(mock_script, a_text_only_script_serves_plain_clients_in_order) {
    mock_llm_options o;
    o.script = {{"first", "", nullptr}, {"second", "", nullptr}};
    mock_llm_server server(o);
    server.start();
    auto client = client_for(server);
    json a = json::parse(post_json(*client, "/v1/messages", anthropic_request(false)).body);
    json b = json::parse(post_json(*client, "/v1/messages", anthropic_request(false)).body);
    json c = json::parse(post_json(*client, "/v1/messages", anthropic_request(false)).body);
    EXPECT_EQ(a["content"][0]["text"], "first");
    EXPECT_EQ(b["content"][0]["text"], "second");
    EXPECT_EQ(c["content"][0]["text"], "second");
    EXPECT_EQ(a["model"], "m");
}

TEST(mock_script, an_empty_script_still_answers) {
    mock_llm_server server(mock_llm_options{});
    server.start();
    auto client = client_for(server);
    json r = anthropic_request(true);
    r.erase("model");
    json a = json::parse(post_json(*client, "/v1/messages", r).body);
    EXPECT_EQ(a["content"][0]["text"], "OK");
    EXPECT_EQ(a["model"], "claude-sonnet-4-5");  // the default model when the request names none
}

// An interactive agent's second user turn gets the tool call again (the agent matrix's
// urllib agent, tests/e2e/agents/urllib_agent.py).
TEST(mock_script, a_repeated_script_starts_over_for_the_next_user_turn) {
    mock_llm_options o = agent_script();
    o.repeat_script = true;
    mock_llm_server server(o);
    server.start();
    auto client = client_for(server);
    std::vector<std::string> kinds;
    for (int i = 0; i < 4; ++i) {
        json r = json::parse(post_json(*client, "/v1/messages", anthropic_request(true)).body);
        kinds.push_back(r["content"][0]["type"]);
    }
    EXPECT_EQ(kinds, (std::vector<std::string>{"tool_use", "text", "tool_use", "text"}));
}

}  // namespace
}  // namespace agentsight::demo::test
