// SPDX-License-Identifier: Apache-2.0
// `mcp_call`: one MCP JSON-RPC request and its response (docs/events.md). Which of the
// optional fields appear depends on the method: tools/call names a tool, resources/read a uri.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "pipeline/events/fields.h"

namespace agentsight::events {

struct mcp_server {
    std::string name;
    std::string version;

    bool operator==(const mcp_server&) const = default;

    static constexpr auto fields() {
        return std::tuple{f("name", &mcp_server::name), f("version", &mcp_server::version)};
    }
};

struct mcp_error {
    json code;
    std::string message;

    bool operator==(const mcp_error&) const = default;

    static constexpr auto fields() {
        return std::tuple{f("code", &mcp_error::code), f("message", &mcp_error::message)};
    }
};

struct mcp_call {
    static constexpr const char* type = "mcp_call";

    uint64_t ts_ns = 0;  // the request
    uint64_t end_ts_ns = 0;
    int32_t pid = 0;
    std::string comm;
    std::string conn;
    std::string transport;
    std::string method;
    json id;  // the JSON-RPC id: a number or a string
    std::optional<mcp_server> server;
    // the subject
    std::optional<std::string> tool;
    std::optional<std::string> uri;
    std::optional<std::string> prompt;
    std::optional<json> arguments;  // a string preview when too large
    bool arguments_truncated = false;
    std::optional<json> client_info;
    std::optional<std::string> client_protocol_version;
    // the outcome
    bool incomplete = false;  // no response seen
    std::optional<double> duration_ms;
    std::optional<mcp_error> error;
    std::optional<bool> is_error;
    std::optional<std::string> protocol_version;
    std::optional<json> capabilities;
    std::optional<json> server_info;
    std::optional<std::vector<std::string>> tools;
    std::optional<json> result;  // a string preview when too large
    bool result_truncated = false;

    bool operator==(const mcp_call&) const = default;

    static constexpr auto fields() {
        using c = mcp_call;
        constexpr auto opt = presence::omit_default;
        return std::tuple{f("ts", &c::ts_ns),
                          f("end_ts", &c::end_ts_ns),
                          f("pid", &c::pid),
                          f("comm", &c::comm),
                          f("conn", &c::conn),
                          f("transport", &c::transport),
                          f("method", &c::method),
                          f("id", &c::id),
                          f("server", &c::server, opt),
                          f("tool", &c::tool, opt),
                          f("uri", &c::uri, opt),
                          f("prompt", &c::prompt, opt),
                          f("arguments", &c::arguments, opt),
                          f("arguments_truncated", &c::arguments_truncated, opt),
                          f("client_info", &c::client_info, opt),
                          f("client_protocol_version", &c::client_protocol_version, opt),
                          f("incomplete", &c::incomplete, opt),
                          f("duration_ms", &c::duration_ms, opt),
                          f("error", &c::error, opt),
                          f("is_error", &c::is_error, opt),
                          f("protocol_version", &c::protocol_version, opt),
                          f("capabilities", &c::capabilities, opt),
                          f("server_info", &c::server_info, opt),
                          f("tools", &c::tools, opt),
                          f("result", &c::result, opt),
                          f("result_truncated", &c::result_truncated, opt)};
    }
};

}  // namespace agentsight::events
