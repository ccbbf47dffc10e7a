// SPDX-License-Identifier: Apache-2.0
// Anthropic Messages API replies (https://docs.anthropic.com/en/api/messages-streaming).
#include <string>

#include "demo/mock_providers.h"

namespace agentsight::demo {
namespace {

using nlohmann::json;

std::string sse(const char* type, const json& data) {
    return std::string("event: ") + type + "\ndata: " + data.dump() + "\n\n";
}

std::string tool_id(const mock_turn& t) {
    return "toolu_mock_" + std::to_string(t.seq);
}

json start_usage(const mock_turn& t) {
    return {{"input_tokens", t.input_tokens},
            {"cache_creation_input_tokens", t.cache_creation_tokens},
            {"cache_read_input_tokens", t.cache_read_tokens},
            {"output_tokens", 1}};
}

json content_blocks(const mock_turn& t) {
    json blocks = json::array();
    if (!t.step.text.empty()) blocks.push_back({{"type", "text"}, {"text", t.step.text}});
    if (!t.step.tool_name.empty())
        blocks.push_back(
            {{"type", "tool_use"},
             {"id", tool_id(t)},
             {"name", t.step.tool_name},
             {"input", t.step.tool_input.is_null() ? json::object() : t.step.tool_input}});
    return blocks;
}

const char* stop_reason(const mock_turn& t) {
    return t.step.tool_name.empty() ? "end_turn" : "tool_use";
}

void text_block_events(const mock_turn& t, int index, std::vector<std::string>& out) {
    out.push_back(
        sse("content_block_start", {{"type", "content_block_start"},
                                    {"index", index},
                                    {"content_block", {{"type", "text"}, {"text", ""}}}}));
    for (const auto& piece : split_pieces(t.step.text, 3))
        out.push_back(
            sse("content_block_delta", {{"type", "content_block_delta"},
                                        {"index", index},
                                        {"delta", {{"type", "text_delta"}, {"text", piece}}}}));
    out.push_back(sse("content_block_stop", {{"type", "content_block_stop"}, {"index", index}}));
}

void tool_block_events(const mock_turn& t, int index, std::vector<std::string>& out) {
    json block = {{"type", "tool_use"},
                  {"id", tool_id(t)},
                  {"name", t.step.tool_name},
                  {"input", json::object()}};
    out.push_back(
        sse("content_block_start",
            {{"type", "content_block_start"}, {"index", index}, {"content_block", block}}));
    std::string input = t.step.tool_input.is_null() ? "{}" : t.step.tool_input.dump();
    for (const auto& piece : split_pieces(input, 3))
        out.push_back(sse("content_block_delta",
                          {{"type", "content_block_delta"},
                           {"index", index},
                           {"delta", {{"type", "input_json_delta"}, {"partial_json", piece}}}}));
    out.push_back(sse("content_block_stop", {{"type", "content_block_stop"}, {"index", index}}));
}

mock_reply stream_reply(const mock_turn& t) {
    std::vector<std::string> events;
    json message = {{"id", "msg_mock_" + std::to_string(t.seq)},
                    {"type", "message"},
                    {"role", "assistant"},
                    {"model", t.model},
                    {"content", json::array()},
                    {"stop_reason", nullptr},
                    {"stop_sequence", nullptr},
                    {"usage", start_usage(t)}};
    events.push_back(sse("message_start", {{"type", "message_start"}, {"message", message}}));
    events.push_back(sse("ping", {{"type", "ping"}}));
    int index = 0;
    if (!t.step.text.empty() || t.step.tool_name.empty()) text_block_events(t, index++, events);
    if (!t.step.tool_name.empty()) tool_block_events(t, index++, events);
    events.push_back(sse("message_delta",
                         {{"type", "message_delta"},
                          {"delta", {{"stop_reason", stop_reason(t)}, {"stop_sequence", nullptr}}},
                          {"usage", {{"output_tokens", t.output_tokens}}}}));
    events.push_back(sse("message_stop", {{"type", "message_stop"}}));
    return {200, "text/event-stream", group_parts(events, 4), true, {}};
}

}  // namespace

mock_reply anthropic_reply(const mock_turn& t) {
    if (t.stream) return stream_reply(t);
    json usage = start_usage(t);
    usage["output_tokens"] = t.output_tokens;
    json message = {{"id", "msg_mock_" + std::to_string(t.seq)},
                    {"type", "message"},
                    {"role", "assistant"},
                    {"model", t.model},
                    {"content", content_blocks(t)},
                    {"stop_reason", stop_reason(t)},
                    {"stop_sequence", nullptr},
                    {"usage", usage}};
    return {200, "application/json", {message.dump()}, false, {}};
}

}  // namespace agentsight::demo
