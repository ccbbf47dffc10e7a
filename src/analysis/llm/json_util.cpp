// SPDX-License-Identifier: Apache-2.0
#include "analysis/llm/json_util.h"

#include <limits>

namespace agentsight::analyzers::llm {

const json& member(const json& j, std::string_view key) {
    static const json null_json;
    if (!j.is_object()) return null_json;
    auto it = j.find(key);
    return it == j.end() ? null_json : *it;
}

std::string str(const json& j, std::string_view key) {
    const json& v = member(j, key);
    return v.is_string() ? v.get<std::string>() : std::string();
}

std::optional<int64_t> int_of(const json& j, std::string_view key) {
    const json& v = member(j, key);
    if (v.is_number_unsigned()) {
        uint64_t u = v.get<uint64_t>();
        if (u > uint64_t(std::numeric_limits<int64_t>::max())) return std::nullopt;
        return int64_t(u);
    }
    if (v.is_number_integer()) return v.get<int64_t>();
    if (v.is_number_float()) {
        // The bytes come from whoever the agent talks to: a count of 2e73 (found by
        // fuzz_http2) or NaN is not a count, and converting it would be undefined.
        double d = v.get<double>();
        if (!(d >= -9.2e18 && d <= 9.2e18)) return std::nullopt;
        return static_cast<int64_t>(d);
    }
    return std::nullopt;
}

std::string text_of(const json& content) {
    if (content.is_string()) return content.get<std::string>();
    std::string out;
    if (!content.is_array()) return out;
    for (const auto& part : content) {
        if (part.is_string()) {
            out += part.get<std::string>();
            continue;
        }
        const json& t = member(part, "text");
        if (t.is_string()) out += t.get<std::string>();
    }
    return out;
}

std::string typed_text(const json& content) {
    if (content.is_string()) return content.get<std::string>();
    std::string out;
    if (!content.is_array()) return out;
    for (const auto& part : content) {
        std::string type = str(part, "type");
        if (!type.empty() && type != "text" && type != "input_text") continue;
        if (member(part, "thought").is_boolean() && member(part, "thought").get<bool>()) continue;
        std::string text = str(part, "text");
        if (text.empty() || text.starts_with("<system-reminder>") ||
            text.starts_with("<session_context>"))
            continue;
        if (!out.empty()) out += "\n";
        out += text;
    }
    return out;
}

json parse_json(std::string_view text) {
    return json::parse(text, nullptr, false);
}

json parse_arguments(std::string_view text) {
    if (text.empty()) return json::object();
    json j = parse_json(text);
    return j.is_discarded() ? json(std::string(text)) : j;
}

void set_if(json& obj, const char* key, const json& value) {
    if (!value.is_null()) obj[key] = value;
}

json function_tool_names(const json& body) {
    json names = json::array();
    if (const json& tools = member(body, "tools"); tools.is_array())
        for (const auto& t : tools) names.push_back(str(member(t, "function"), "name"));
    return names;
}

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace agentsight::analyzers::llm
