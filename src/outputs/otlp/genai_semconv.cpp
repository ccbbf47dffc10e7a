// SPDX-License-Identifier: Apache-2.0
#include "outputs/otlp/genai_semconv.h"

namespace agentsight {
namespace {

std::string dump(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Message content is usually a string; anything else is kept as JSON text.
std::string text_of(const json& content) {
    if (content.is_string()) return content.get<std::string>();
    if (content.is_null()) return {};
    return dump(content);
}

json text_part(const std::string& text) {
    return json{{"type", "text"}, {"content", text}};
}

json tool_call_part(const json& call) {
    json p = json::object();
    p["type"] = "tool_call";
    p["id"] = call.value("id", "");
    p["name"] = call.value("name", "");
    if (auto it = call.find("input"); it != call.end()) p["arguments"] = *it;
    return p;
}

json tool_response_part(const json& result) {
    json p = json::object();
    p["type"] = "tool_call_response";
    p["id"] = result.value("tool_call_id", "");
    p["response"] = text_of(result.value("content", json()));
    return p;
}

void append_array_parts(json& parts, const json& msg, const char* key, json (*make)(const json&)) {
    auto it = msg.find(key);
    if (it == msg.end() || !it->is_array()) return;
    for (const auto& item : *it)
        if (item.is_object()) parts.push_back(make(item));
}

}  // namespace

std::string genai_provider_name(const std::string& provider) {
    if (provider == "gemini" || provider == "google") return "gcp.gemini";
    return provider;
}

std::string genai_finish_reason(const std::string& r) {
    if (r == "end_turn" || r == "stop" || r == "STOP" || r == "stop_sequence") return "stop";
    if (r == "max_tokens" || r == "length" || r == "MAX_TOKENS") return "length";
    if (r == "tool_use" || r == "tool_calls" || r == "function_call") return "tool_call";
    if (r == "content_filter" || r == "SAFETY" || r == "refusal") return "content_filter";
    return r;
}

std::string genai_system_instructions(const json& system) {
    json parts = json::array();
    if (system.is_array()) {
        for (const auto& s : system)
            parts.push_back(
                text_part(s.is_object() ? text_of(s.value("text", json(dump(s)))) : text_of(s)));
    } else if (!system.is_null()) {
        parts.push_back(text_part(text_of(system)));
    }
    return dump(parts);
}

std::string genai_input_messages(const json& messages) {
    json out = json::array();
    if (!messages.is_array()) return dump(out);
    for (const auto& m : messages) {
        if (!m.is_object()) continue;
        json parts = json::array();
        std::string text = text_of(m.value("content", json()));
        if (!text.empty()) parts.push_back(text_part(text));
        append_array_parts(parts, m, "tool_calls", tool_call_part);
        append_array_parts(parts, m, "tool_results", tool_response_part);
        out.push_back(json{{"role", m.value("role", "user")}, {"parts", std::move(parts)}});
    }
    return dump(out);
}

std::string genai_output_messages(const events::llm_response& response) {
    json parts = json::array();
    if (!response.thinking.empty())
        parts.push_back(json{{"type", "reasoning"}, {"content", response.thinking}});
    if (!response.text.empty()) parts.push_back(text_part(response.text));
    for (const auto& c : response.tool_calls)
        parts.push_back(
            json{{"type", "tool_call"}, {"id", c.id}, {"name", c.name}, {"arguments", c.input}});
    json msg = json::object();
    msg["role"] = "assistant";
    msg["parts"] = std::move(parts);
    msg["finish_reason"] = genai_finish_reason(response.stop_reason);
    return dump(json::array({std::move(msg)}));
}

}  // namespace agentsight
