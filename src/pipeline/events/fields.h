// SPDX-License-Identifier: Apache-2.0
// The one declaration of a derived event's shape. Each payload struct lists its fields once,
// in output order, as (JSON key, member, presence); that list drives the JSON encoding, the
// decoding a replay does, and the field walk redaction does. Nothing else names the keys.
#pragma once

#include <concepts>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace agentsight::events {

using json = nlohmann::ordered_json;

// When a field appears in the JSON.
enum class presence : uint8_t {
    always,       // always; an empty std::optional is written as null
    omit_default  // left out when it holds its default (an empty optional, "", false, 0)
};

template <class S, class M>
struct field {
    const char* key;
    M S::*member;
    presence when;
};

template <class S, class M>
constexpr field<S, M> f(const char* key, M S::*member, presence when = presence::always) {
    return {key, member, when};
}

template <class T>
concept declared = requires {
    T::fields();
};

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};

// Calls fn(key, member) for every declared field of `s`, in declaration order.
template <declared S, class Fn>
void visit_fields(S& s, Fn&& fn) {
    std::apply([&](const auto&... fl) { (fn(fl.key, s.*(fl.member)), ...); }, S::fields());
}
template <declared S, class Fn>
void visit_fields(const S& s, Fn&& fn) {
    std::apply([&](const auto&... fl) { (fn(fl.key, s.*(fl.member)), ...); }, S::fields());
}

template <class M>
json to_value(const M& m);

// Appends the declared fields of `s` to the object `out`, in declaration order.
template <declared S>
void encode_fields_into(const S& s, json& out) {
    std::apply(
        [&](const auto&... fl) {
            auto put = [&](const auto& x) {
                const auto& v = s.*(x.member);
                using M = std::decay_t<decltype(v)>;
                if (x.when == presence::omit_default) {
                    if constexpr (is_optional<M>::value) {
                        if (!v) return;
                    } else if constexpr (std::equality_comparable<M>) {
                        if (v == M{}) return;
                    }
                }
                out[x.key] = to_value(v);
            };
            (put(fl), ...);
        },
        S::fields());
}

template <declared S>
json encode_fields(const S& s) {
    json out = json::object();
    encode_fields_into(s, out);
    return out;
}

template <class M>
json to_value(const M& m) {
    if constexpr (declared<M>) {
        return encode_fields(m);
    } else if constexpr (is_optional<M>::value) {
        return m ? to_value(*m) : json(nullptr);
    } else if constexpr (is_vector<M>::value) {
        json a = json::array();
        for (const auto& x : m) a.push_back(to_value(x));
        return a;
    } else {
        return json(m);
    }
}

// Reads `j` into `m` when it has the member's JSON type; otherwise `m` keeps its default, so a
// trace written by another version still decodes.
template <class M>
void from_value(const json& j, M& m);

template <declared S>
void decode_fields(const json& j, S& s) {
    if (!j.is_object()) return;
    visit_fields(s, [&](const char* key, auto& m) {
        if (auto it = j.find(key); it != j.end()) from_value(*it, m);
    });
}

template <class M>
void from_value(const json& j, M& m) {
    if constexpr (std::is_same_v<M, json>) {
        m = j;
    } else if constexpr (std::is_same_v<M, std::optional<json>>) {
        m = j;  // present, even as null, is engaged: null is a value here
    } else if constexpr (declared<M>) {
        decode_fields(j, m);
    } else if constexpr (is_optional<M>::value) {
        if (j.is_null()) {
            m.reset();
        } else {
            typename M::value_type v{};
            from_value(j, v);
            m = std::move(v);
        }
    } else if constexpr (is_vector<M>::value) {
        m.clear();
        if (!j.is_array()) return;
        for (const auto& x : j) from_value(x, m.emplace_back());
    } else if constexpr (std::is_same_v<M, std::string>) {
        if (j.is_string()) m = j.get<std::string>();
    } else if constexpr (std::is_same_v<M, bool>) {
        if (j.is_boolean()) m = j.get<bool>();
    } else {
        static_assert(std::is_arithmetic_v<M>);
        // Hostile traces hold any number: only a value M can hold is taken (converting an
        // out-of-range one is undefined behaviour), else the default stays.
        if constexpr (std::is_floating_point_v<M>) {
            if (j.is_number()) m = static_cast<M>(j.get<double>());
        } else if (j.is_number_unsigned()) {
            const uint64_t v = j.get<uint64_t>();
            if (v <= static_cast<uint64_t>(std::numeric_limits<M>::max())) m = static_cast<M>(v);
        } else if (j.is_number_integer()) {
            const int64_t v = j.get<int64_t>();
            if (std::in_range<M>(v)) m = static_cast<M>(v);
        }
    }
}

}  // namespace agentsight::events
