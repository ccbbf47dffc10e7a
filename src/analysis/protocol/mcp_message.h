// SPDX-License-Identifier: Apache-2.0
// MCP (JSON-RPC 2.0) messages as the MCP analyzer pairs them, and the mcp_call event built from
// a request and its response (docs/events.md).
#pragma once

#include <cstdint>
#include <string>

#include "pipeline/event.h"

namespace agentsight::analyzers {

// Where a call was seen: the server process that read the request and wrote the response.
struct mcp_endpoint {
    int32_t pid = 0;
    std::string comm;
    std::string conn;       // the stream the request arrived on
    std::string transport;  // "stdio" (a pipe or a unix socketpair)
};

// What initialize told us about a server process.
struct mcp_server_info {
    std::string name, version, protocol_version;
};

struct mcp_request {
    json id;  // the JSON-RPC id: a number or a string
    std::string method;
    json params;
    uint64_t ts_ns = 0;
    mcp_endpoint where;
};

// Client-to-server methods worth an mcp_call (not notifications, pings, nor the requests a
// server sends its client, such as sampling/createMessage and roots/list).
bool mcp_call_method(std::string_view method);

// The mcp_call event. `response` is the JSON-RPC response object, or null when the call never
// finished (`incomplete`). Large results are cut to a string preview.
derived_event make_mcp_call(const mcp_request& req, const json& response, uint64_t end_ts,
                            const mcp_server_info* server);

// Updates `info` from an initialize response's result.
void read_server_info(const json& result, mcp_server_info& info);

}  // namespace agentsight::analyzers
