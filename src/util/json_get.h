// SPDX-License-Identifier: Apache-2.0
// Reading a field of an event body that may be missing, null or of another
// type (a trace file is input like any other): the fallback, never a throw.
// nlohmann's own value(key, default) throws when the key holds a null.
#pragma once

#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

#include <nlohmann/json.hpp>

namespace agentsight {

template <typename J, typename T>
T json_get(const J& j, std::string_view key, T fallback) {
    if (!j.is_object()) return fallback;
    auto it = j.find(key);
    if (it == j.end()) return fallback;
    if constexpr (std::is_same_v<T, J>) {
        return *it;
    } else if constexpr (std::is_same_v<T, bool>) {
        return it->is_boolean() ? it->template get<bool>() : fallback;
    } else if constexpr (std::is_integral_v<T>) {
        if (it->is_number_integer() || it->is_number_unsigned()) {
            if (it->is_number_unsigned()) {
                auto v = it->template get<uint64_t>();
                return v <= uint64_t(std::numeric_limits<T>::max()) ? T(v) : fallback;
            }
            auto v = it->template get<int64_t>();
            if (v < int64_t(std::numeric_limits<T>::min()) ||
                (v > 0 && uint64_t(v) > uint64_t(std::numeric_limits<T>::max())))
                return fallback;
            return T(v);
        }
        if (it->is_number_float()) {
            double d = it->template get<double>();
            if (!(d >= double(std::numeric_limits<T>::min()) &&
                  d <= double(std::numeric_limits<T>::max())))
                return fallback;
            return T(d);
        }
        return fallback;
    } else if constexpr (std::is_floating_point_v<T>) {
        return it->is_number() ? it->template get<T>() : fallback;
    } else {
        return it->is_string() ? it->template get<std::string>() : fallback;
    }
}

template <typename J>
std::string json_get(const J& j, std::string_view key, const char* fallback) {
    return json_get(j, key, std::string(fallback));
}

}  // namespace agentsight
