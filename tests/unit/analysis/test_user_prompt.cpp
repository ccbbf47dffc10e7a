// SPDX-License-Identifier: Apache-2.0
// Issue 19 bug 4: user_prompt is the last text the person typed, also when the follow-up
// shares its message with tool results (Claude Code sends [tool_result, text "second
// question"]). Every provider follows the same rule.
#include "test_support.h"

namespace agentsight::analyzers::test {
namespace {

// One call on its own connection: the request (head and body) and a short JSON reply.
std::string prompt_of(const std::string& path, const json& request, const json& reply) {
    std::string body = request.dump();
    std::string reply_body = reply.dump();
    harness h;
    h.push(make_tls("c1", tls_direction::write,
                    "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " +
                        "application/json\r\nContent-Length: " + std::to_string(body.size()) +
                        "\r\n\r\n" + body,
                    1'000));
    h.push(make_tls("c1", tls_direction::read,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                        std::to_string(reply_body.size()) + "\r\n\r\n" + reply_body,
                    2'000));
    h.finish();
    auto calls = bodies(h.derived_jsonl());
    if (calls.size() != 1) return "<" + std::to_string(calls.size()) + " calls>";
    return calls[0].value("user_prompt", "<none>");
}

const json k_anthropic_reply = {
    {"type", "message"}, {"content", json::array()}, {"stop_reason", "end_turn"}};

TEST(user_prompt, anthropic_follow_up_beside_a_tool_result) {
    json req = {
        {"model", "claude-sonnet-4-5"},
        {"messages",
         {{{"role", "user"}, {"content", "first question"}},
          {{"role", "assistant"},
           {"content", {{{"type", "tool_use"}, {"id", "t1"}, {"name", "Bash"}, {"input", {}}}}}},
          {{"role", "user"},
           {"content",
            {{{"type", "tool_result"}, {"tool_use_id", "t1"}, {"content", "ok"}},
             {{"type", "text"}, {"text", "<system-reminder>todo list</system-reminder>"}},
             {{"type", "text"}, {"text", "second question"}}}}}}}};
    EXPECT_EQ(prompt_of("/v1/messages", req, k_anthropic_reply), "second question");
}

TEST(user_prompt, anthropic_tool_result_alone_keeps_the_earlier_prompt) {
    json req = {
        {"model", "claude-sonnet-4-5"},
        {"messages",
         {{{"role", "user"}, {"content", "first question"}},
          {{"role", "assistant"},
           {"content", {{{"type", "tool_use"}, {"id", "t1"}, {"name", "Bash"}, {"input", {}}}}}},
          {{"role", "user"},
           {"content", {{{"type", "tool_result"}, {"tool_use_id", "t1"}, {"content", "ok"}}}}}}}};
    EXPECT_EQ(prompt_of("/v1/messages", req, k_anthropic_reply), "first question");
}

TEST(user_prompt, gemini_follow_up_beside_a_function_response) {
    json req = {
        {"contents",
         {{{"role", "user"}, {"parts", {{{"text", "first question"}}}}},
          {{"role", "model"}, {"parts", {{{"functionCall", {{"name", "ls"}, {"args", {}}}}}}}},
          {{"role", "user"},
           {"parts",
            {{{"functionResponse", {{"name", "ls"}, {"response", {{"output", "a"}}}}}},
             {{"text", "second question"}}}}}}}};
    json reply = {{"candidates",
                   {{{"content", {{"role", "model"}, {"parts", {{{"text", "x"}}}}}},
                     {"finishReason", "STOP"}}}}};
    EXPECT_EQ(prompt_of("/v1beta/models/gemini-2.5-pro:generateContent", req, reply),
              "second question");
}

TEST(user_prompt, gemini_parts_are_separate_lines) {
    json req = {{"contents",
                 {{{"role", "user"},
                   {"parts", {{{"text", "Context: a repo."}}, {{"text", "What is in it?"}}}}}}}};
    json reply = {{"candidates",
                   {{{"content", {{"role", "model"}, {"parts", {{{"text", "x"}}}}}},
                     {"finishReason", "STOP"}}}}};
    EXPECT_EQ(prompt_of("/v1beta/models/gemini-2.5-pro:generateContent", req, reply),
              "Context: a repo.\nWhat is in it?");
}

TEST(user_prompt, openai_chat_follow_up_after_a_tool_message) {
    json req = {
        {"model", "gpt-4o"},
        {"messages",
         {{{"role", "user"}, {"content", "first question"}},
          {{"role", "assistant"},
           {"content", nullptr},
           {"tool_calls",
            {{{"id", "c1"},
              {"type", "function"},
              {"function", {{"name", "ls"}, {"arguments", "{}"}}}}}}},
          {{"role", "tool"}, {"tool_call_id", "c1"}, {"content", "a"}},
          {{"role", "user"}, {"content", {{{"type", "text"}, {"text", "second question"}}}}}}}};
    json reply = {
        {"choices",
         {{{"message", {{"role", "assistant"}, {"content", "x"}}}, {"finish_reason", "stop"}}}}};
    EXPECT_EQ(prompt_of("/v1/chat/completions", req, reply), "second question");
}

TEST(user_prompt, openai_responses_follow_up_after_a_function_output) {
    json req = {
        {"model", "o4-mini"},
        {"input",
         {{{"role", "user"}, {"content", "first question"}},
          {{"type", "function_call"}, {"call_id", "c1"}, {"name", "ls"}, {"arguments", "{}"}},
          {{"type", "function_call_output"}, {"call_id", "c1"}, {"output", "a"}},
          {{"role", "user"},
           {"content", {{{"type", "input_text"}, {"text", "second question"}}}}}}}};
    json reply = {{"status", "completed"}, {"output", json::array()}};
    EXPECT_EQ(prompt_of("/v1/responses", req, reply), "second question");
}

// Qwen Code (the agent matrix) sends its context as <system-reminder> text parts of the
// user message, the typed prompt last: the reminders are not what the person typed.
TEST(user_prompt, openai_chat_system_reminder_parts_are_not_the_prompt) {
    json req = {{"model", "qwen3-coder-plus"},
                {"messages",
                 {{{"role", "system"}, {"content", "You are Qwen Code."}},
                  {{"role", "user"},
                   {"content",
                    {{{"type", "text"}, {"text", "<system-reminder>\nskills</system-reminder>"}},
                     {{"type", "text"}, {"text", "<system-reminder>\nQWEN.md</system-reminder>"}},
                     {{"type", "text"}, {"text", "what is the hostname"}}}}}}}};
    json reply = {
        {"choices",
         {{{"message", {{"role", "assistant"}, {"content", "x"}}}, {"finish_reason", "stop"}}}}};
    EXPECT_EQ(prompt_of("/v1/chat/completions", req, reply), "what is the hostname");
}

// Gemini CLI sends its <session_context> as the first part of the first user turn.
TEST(user_prompt, gemini_context_parts_are_not_the_prompt) {
    json req = {{"contents",
                 {{{"role", "user"},
                   {"parts",
                    {{{"text", "<session_context>\nThis is the Gemini CLI.</session_context>"}},
                     {{"text", "<system-reminder>\ncontext</system-reminder>"}},
                     {{"text", "what is the hostname"}}}}}}}};
    json reply = {{"candidates",
                   {{{"content", {{"role", "model"}, {"parts", {{{"text", "x"}}}}}},
                     {"finishReason", "STOP"}}}}};
    EXPECT_EQ(prompt_of("/v1beta/models/gemini-2.5-pro:generateContent", req, reply),
              "what is the hostname");
}

}  // namespace
}  // namespace agentsight::analyzers::test
