// SPDX-License-Identifier: Apache-2.0
// OpenAI Chat Completions replies
// (https://platform.openai.com/docs/api-reference/chat-streaming).
#include <ctime>
#include <string>

#include "demo/mock_providers.h"

namespace agentsight::demo {
namespace {

using nlohmann::json;

json usage_of(const mock_turn& t) {
    return {{"prompt_tokens", t.input_tokens},
            {"completion_tokens", t.output_tokens},
            {"total_tokens", t.input_tokens + t.output_tokens},
            {"prompt_tokens_details", {{"cached_tokens", t.cache_read_tokens}}}};
}

const char* finish_reason(const mock_turn& t) {
    return t.step.tool_name.empty() ? "stop" : "tool_calls";
}

std::string call_id(const mock_turn& t) {
    return "call_mock_" + std::to_string(t.seq);
}

std::string arguments(const mock_turn& t) {
    return t.step.tool_input.is_null() ? "{}" : t.step.tool_input.dump();
}

struct chunk_maker {
    json base;
    std::string operator()(json choices, json usage = nullptr) const {
        json chunk = base;
        chunk["choices"] = std::move(choices);
        if (!usage.is_null()) chunk["usage"] = std::move(usage);
        return "data: " + chunk.dump() + "\n\n";
    }
    std::string delta(json d, json finish = nullptr) const {
        return (*this)(json::array(
            {{{"index", 0}, {"delta", std::move(d)}, {"finish_reason", std::move(finish)}}}));
    }
};

mock_reply stream_reply(const mock_turn& t, bool include_usage) {
    chunk_maker make{{{"id", "chatcmpl-mock-" + std::to_string(t.seq)},
                      {"object", "chat.completion.chunk"},
                      {"created", static_cast<int64_t>(std::time(nullptr))},
                      {"model", t.model},
                      {"system_fingerprint", "fp_mock"}}};
    std::vector<std::string> events;
    events.push_back(make.delta({{"role", "assistant"}, {"content", ""}}));
    for (const auto& piece : split_pieces(t.step.text, 3))
        events.push_back(make.delta({{"content", piece}}));
    if (!t.step.tool_name.empty()) {
        events.push_back(make.delta(
            {{"tool_calls",
              json::array({{{"index", 0},
                            {"id", call_id(t)},
                            {"type", "function"},
                            {"function", {{"name", t.step.tool_name}, {"arguments", ""}}}}})}}));
        for (const auto& piece : split_pieces(arguments(t), 3))
            events.push_back(make.delta(
                {{"tool_calls",
                  json::array({{{"index", 0}, {"function", {{"arguments", piece}}}}})}}));
    }
    events.push_back(make.delta(json::object(), finish_reason(t)));
    if (include_usage) events.push_back(make(json::array(), usage_of(t)));
    events.push_back("data: [DONE]\n\n");
    return {200, "text/event-stream", group_parts(events, 4), true, {}};
}

}  // namespace

mock_reply openai_reply(const mock_turn& t, bool include_usage) {
    if (t.stream) return stream_reply(t, include_usage);
    json message = {{"role", "assistant"},
                    {"content", t.step.text.empty() ? json(nullptr) : json(t.step.text)}};
    if (!t.step.tool_name.empty())
        message["tool_calls"] = json::array(
            {{{"id", call_id(t)},
              {"type", "function"},
              {"function", {{"name", t.step.tool_name}, {"arguments", arguments(t)}}}}});
    json body = {
        {"id", "chatcmpl-mock-" + std::to_string(t.seq)},
        {"object", "chat.completion"},
        {"created", static_cast<int64_t>(std::time(nullptr))},
        {"model", t.model},
        {"choices",
         json::array({{{"index", 0}, {"message", message}, {"finish_reason", finish_reason(t)}}})},
        {"usage", usage_of(t)}};
    return {200, "application/json", {body.dump()}, false, {}};
}

}  // namespace agentsight::demo
