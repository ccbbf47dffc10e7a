// SPDX-License-Identifier: Apache-2.0
// Gemini generateContent replies
// (https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent).
#include <string>

#include "demo/mock_providers.h"

namespace agentsight::demo {
namespace {

using nlohmann::json;

json usage_metadata(const mock_turn& t, bool final) {
    uint64_t out = final ? t.output_tokens : 0;
    json u = {{"promptTokenCount", t.input_tokens},
              {"candidatesTokenCount", out},
              {"totalTokenCount", t.input_tokens + out}};
    if (t.cache_read_tokens > 0) u["cachedContentTokenCount"] = t.cache_read_tokens;
    return u;
}

json response(const mock_turn& t, json parts, bool final) {
    json candidate = {{"content", {{"parts", std::move(parts)}, {"role", "model"}}}, {"index", 0}};
    if (final) candidate["finishReason"] = "STOP";
    return {{"candidates", json::array({candidate})},
            {"usageMetadata", usage_metadata(t, final)},
            {"modelVersion", t.model},
            {"responseId", "mock-" + std::to_string(t.seq)}};
}

json call_part(const mock_turn& t) {
    return {{"functionCall",
             {{"name", t.step.tool_name},
              {"args", t.step.tool_input.is_null() ? json::object() : t.step.tool_input}}}};
}

// Text arrives in pieces; a function call arrives whole in the last response, as Gemini does.
std::vector<json> responses(const mock_turn& t) {
    std::vector<json> out;
    auto pieces = split_pieces(t.step.text, 3);
    for (const auto& piece : pieces) out.push_back(json::array({{{"text", piece}}}));
    if (!t.step.tool_name.empty()) out.push_back(json::array({call_part(t)}));
    if (out.empty()) out.push_back(json::array({{{"text", ""}}}));
    std::vector<json> bodies;
    for (size_t i = 0; i < out.size(); ++i)
        bodies.push_back(response(t, std::move(out[i]), i + 1 == out.size()));
    return bodies;
}

}  // namespace

mock_reply gemini_reply(const mock_turn& t, gemini_framing framing) {
    if (framing == gemini_framing::single) {
        json parts = json::array();
        if (!t.step.text.empty() || t.step.tool_name.empty())
            parts.push_back({{"text", t.step.text}});
        if (!t.step.tool_name.empty()) parts.push_back(call_part(t));
        return {200, "application/json", {response(t, parts, true).dump()}, false, {}};
    }
    auto bodies = responses(t);
    if (framing == gemini_framing::json_array)
        return {200, "application/json", {json(bodies).dump()}, false, {}};
    std::vector<std::string> events;
    for (const auto& b : bodies) events.push_back("data: " + b.dump() + "\r\n\r\n");
    return {200, "text/event-stream", group_parts(events, 4), true, {}};
}

}  // namespace agentsight::demo
