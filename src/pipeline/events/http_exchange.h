// SPDX-License-Identifier: Apache-2.0
// `http_exchange`: one HTTP request/response that is not an LLM call (docs/events.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>

#include "pipeline/events/fields.h"

namespace agentsight::events {

struct http_exchange {
    static constexpr const char* type = "http_exchange";

    uint64_t ts_ns = 0;  // the request's first byte
    int32_t pid = 0;
    int32_t tid = 0;
    std::string comm;
    std::string conn;
    std::string method;
    std::string host;
    std::string path;
    int32_t status = 0;
    uint64_t request_bytes = 0;
    uint64_t response_bytes = 0;
    double duration_ms = 0;
    std::string content_type;
    bool incomplete = false;
    std::optional<std::string> exe_comm;  // the executable's name, once the analyzer knows it

    bool operator==(const http_exchange&) const = default;

    static constexpr auto fields() {
        using c = http_exchange;
        return std::tuple{f("ts", &c::ts_ns),
                          f("pid", &c::pid),
                          f("tid", &c::tid),
                          f("comm", &c::comm),
                          f("conn", &c::conn),
                          f("method", &c::method),
                          f("host", &c::host),
                          f("path", &c::path),
                          f("status", &c::status),
                          f("request_bytes", &c::request_bytes),
                          f("response_bytes", &c::response_bytes),
                          f("duration_ms", &c::duration_ms),
                          f("content_type", &c::content_type),
                          f("incomplete", &c::incomplete),
                          f("exe_comm", &c::exe_comm, presence::omit_default)};
    }
};

}  // namespace agentsight::events
