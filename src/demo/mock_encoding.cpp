// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the provider encoders.
#include "demo/mock_providers.h"

#include <algorithm>
#include <cctype>

namespace agentsight::demo {

std::vector<std::string> split_pieces(std::string_view s, size_t n) {
    std::vector<std::string> pieces;
    if (n == 0) n = 1;
    size_t target = (s.size() + n - 1) / n;
    while (!s.empty()) {
        size_t cut = std::min(s.size(), std::max<size_t>(target, 1));
        while (cut < s.size() && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) ++cut;
        pieces.emplace_back(s.substr(0, cut));
        s.remove_prefix(cut);
    }
    return pieces;
}

std::vector<std::string> group_parts(const std::vector<std::string>& events, size_t writes) {
    std::vector<std::string> parts;
    if (events.empty()) return parts;
    parts.push_back(events.front());
    size_t rest = events.size() - 1;
    size_t groups = std::min(rest, writes > 1 ? writes - 1 : 1);
    for (size_t g = 0, i = 1; g < groups; ++g) {
        size_t take = rest / groups + (g < rest % groups ? 1 : 0);
        std::string part;
        for (size_t k = 0; k < take; ++k) part += events[i++];
        parts.push_back(std::move(part));
    }
    return parts;
}

nlohmann::json sample_from_schema(const nlohmann::json& schema) {
    if (!schema.is_object()) return nullptr;
    if (auto e = schema.find("enum"); e != schema.end() && e->is_array() && !e->empty())
        return e->front();
    std::string type;
    if (auto t = schema.find("type"); t != schema.end()) {
        if (t->is_string()) type = t->get<std::string>();
        if (t->is_array() && !t->empty() && t->front().is_string())
            type = t->front().get<std::string>();
    }
    for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (type == "object" || schema.contains("properties")) {
        nlohmann::json out = nlohmann::json::object();
        if (auto p = schema.find("properties"); p != schema.end() && p->is_object())
            for (const auto& [name, sub] : p->items()) out[name] = sample_from_schema(sub);
        return out;
    }
    if (type == "array") return nlohmann::json::array();
    if (type == "string") return "mock";
    if (type == "integer" || type == "number") {
        // Honour a minimum; otherwise 1, since scores and counts in such schemas start there.
        auto min = schema.find("minimum");
        return min != schema.end() && min->is_number() ? *min : nlohmann::json(1);
    }
    if (type == "boolean") return false;
    return nullptr;
}

}  // namespace agentsight::demo
