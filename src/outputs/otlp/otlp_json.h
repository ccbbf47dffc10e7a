// SPDX-License-Identifier: Apache-2.0
// Reading the open-ended JSON parts of derived events (requests, tool results, process lists)
// for the OTLP span builder; the typed fields of pipeline/events/ need none of this.
#pragma once

#include <optional>
#include <string>

#include "pipeline/event.h"

namespace agentsight::otlp_json {

constexpr uint64_t k_ms = 1'000'000;

inline std::string str_at(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

template <typename T>
inline std::optional<T> num_at(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number()) return std::nullopt;
    return it->get<T>();
}

inline const json& field(const json& j, const char* key) {
    static const json null_json;
    auto it = j.find(key);
    return it != j.end() ? *it : null_json;
}

inline std::string dump(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace agentsight::otlp_json
