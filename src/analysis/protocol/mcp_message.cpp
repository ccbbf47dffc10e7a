// SPDX-License-Identifier: Apache-2.0
#include "analysis/protocol/mcp_message.h"

#include "analysis/llm/json_util.h"

namespace agentsight::analyzers {
namespace {

using llm::member;
using llm::str;

constexpr size_t k_max_value = 64 * 1024;  // bytes of arguments or result kept in the event

// A value as is when small, else a string preview and a flag.
void put_bounded(const json& value, std::optional<json>& out, bool& truncated) {
    if (value.is_null()) return;
    std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
    if (text.size() <= k_max_value) {
        out = value;
        return;
    }
    text.resize(k_max_value);
    out = std::move(text);
    truncated = true;
}

// What a call was about: the tool, resource or prompt it named.
void put_subject(events::mcp_call& c, const json& params) {
    if (c.method == "tools/call") {
        c.tool = str(params, "name");
        put_bounded(member(params, "arguments"), c.arguments, c.arguments_truncated);
    } else if (c.method == "resources/read") {
        c.uri = str(params, "uri");
    } else if (c.method == "prompts/get") {
        c.prompt = str(params, "name");
        put_bounded(member(params, "arguments"), c.arguments, c.arguments_truncated);
    } else if (c.method == "initialize") {
        c.client_info = member(params, "clientInfo");
        c.client_protocol_version = str(params, "protocolVersion");
    }
}

void put_outcome(events::mcp_call& c, const json& response) {
    const json& error = member(response, "error");
    if (!error.is_null()) {
        c.error = events::mcp_error{member(error, "code"), str(error, "message")};
        c.is_error = true;
        return;
    }
    const json& result = member(response, "result");
    // A tool's own failure is a result with isError, not a JSON-RPC error.
    const json& tool_error = member(result, "isError");
    c.is_error = tool_error.is_boolean() && tool_error.get<bool>();
    if (c.method == "initialize") {
        c.protocol_version = str(result, "protocolVersion");
        c.capabilities = member(result, "capabilities");
        c.server_info = member(result, "serverInfo");
    } else if (c.method == "tools/list") {
        std::vector<std::string> names;
        if (const json& tools = member(result, "tools"); tools.is_array())
            for (const auto& t : tools) names.push_back(str(t, "name"));
        c.tools = std::move(names);
    }
    put_bounded(result, c.result, c.result_truncated);
}

}  // namespace

bool mcp_call_method(std::string_view m) {
    return m == "initialize" || m.starts_with("tools/") || m.starts_with("resources/") ||
           m.starts_with("prompts/") || m.starts_with("completion/");
}

void read_server_info(const json& result, mcp_server_info& info) {
    const json& si = member(result, "serverInfo");
    info.name = str(si, "name");
    info.version = str(si, "version");
    info.protocol_version = str(result, "protocolVersion");
}

derived_event make_mcp_call(const mcp_request& req, const json& response, uint64_t end_ts,
                            const mcp_server_info* server) {
    events::mcp_call c;
    c.ts_ns = req.ts_ns;
    c.end_ts_ns = end_ts;
    c.pid = req.where.pid;
    c.comm = req.where.comm;
    c.conn = req.where.conn;
    c.transport = req.where.transport;
    c.method = req.method;
    c.id = req.id;
    if (server && !server->name.empty())
        c.server = events::mcp_server{server->name, server->version};
    put_subject(c, req.params);
    if (response.is_null()) {
        c.incomplete = true;
    } else {
        c.duration_ms = end_ts > req.ts_ns ? double(end_ts - req.ts_ns) / 1e6 : 0.0;
        put_outcome(c, response);
    }
    return derived_event(std::move(c));
}

}  // namespace agentsight::analyzers
