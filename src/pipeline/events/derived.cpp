// SPDX-License-Identifier: Apache-2.0
#include "pipeline/events/derived.h"

namespace agentsight::events {
namespace {

template <class T>
json encode_kind(const T& k) {
    json out = json::object();
    out["type"] = T::type;
    encode_fields_into(k, out);
    return out;
}

template <class T>
bool try_decode(const std::string& type, const json& body, payload& out) {
    if (type != T::type) return false;
    T k;
    decode_fields(body, k);
    out = std::move(k);
    return true;
}

}  // namespace

std::string type_of(const payload& p) {
    return std::visit(
        [](const auto& k) -> std::string {
            if constexpr (std::is_same_v<std::decay_t<decltype(k)>, other_event>)
                return k.type;
            else
                return std::decay_t<decltype(k)>::type;
        },
        p);
}

uint64_t ts_of(const payload& p) {
    return std::visit([](const auto& k) { return k.ts_ns; }, p);
}

std::optional<int32_t> pid_of(const payload& p) {
    return std::visit(
        [](const auto& k) -> std::optional<int32_t> {
            using K = std::decay_t<decltype(k)>;
            if constexpr (std::is_same_v<K, other_event>) {
                auto it = k.body.find("pid");
                if (it == k.body.end() || !it->is_number()) return std::nullopt;
                return it->template get<int32_t>();
            } else if constexpr (requires { k.pid; }) {
                return k.pid;
            } else {
                return std::nullopt;
            }
        },
        p);
}

json encode(const payload& p) {
    return std::visit(
        [](const auto& k) -> json {
            if constexpr (std::is_same_v<std::decay_t<decltype(k)>, other_event>)
                return k.body;
            else
                return encode_kind(k);
        },
        p);
}

bool encodes_to(const payload& p, const json& body) {
    return encode(p) == body;
}

payload decode(const std::string& type, uint64_t ts_ns, const json& body) {
    payload out;
    if (try_decode<llm_call>(type, body, out) || try_decode<http_exchange>(type, body, out) ||
        try_decode<tool_exec>(type, body, out) || try_decode<alert>(type, body, out) ||
        try_decode<mcp_call>(type, body, out) || try_decode<session_start>(type, body, out) ||
        try_decode<session_end>(type, body, out))
        return out;
    return other_event{type, ts_ns, body};
}

}  // namespace agentsight::events
