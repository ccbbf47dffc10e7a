// SPDX-License-Identifier: Apache-2.0
#include "analysis/protocol/mcp_message.h"

#include "analysis/llm/json_util.h"

namespace agentsight::analyzers {
namespace {

using llm::member;
using llm::str;

constexpr size_t k_max_value = 64 * 1024;  // bytes of arguments or result kept in the event

// A value as is when small, else a string preview and a flag.
void put_bounded(json& out, const char* key, const json& value) {
    if (value.is_null()) return;
    std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
    if (text.size() <= k_max_value) {
        out[key] = value;
        return;
    }
    text.resize(k_max_value);
    out[key] = std::move(text);
    out[std::string(key) + "_truncated"] = true;
}

// What a call was about: the tool, resource or prompt it named.
void put_subject(json& out, const std::string& method, const json& params) {
    if (method == "tools/call") {
        out["tool"] = str(params, "name");
        put_bounded(out, "arguments", member(params, "arguments"));
    } else if (method == "resources/read") {
        out["uri"] = str(params, "uri");
    } else if (method == "prompts/get") {
        out["prompt"] = str(params, "name");
        put_bounded(out, "arguments", member(params, "arguments"));
    } else if (method == "initialize") {
        out["client_info"] = member(params, "clientInfo");
        out["client_protocol_version"] = str(params, "protocolVersion");
    }
}

void put_outcome(json& out, const std::string& method, const json& response) {
    const json& error = member(response, "error");
    if (!error.is_null()) {
        out["error"] = {{"code", member(error, "code")}, {"message", str(error, "message")}};
        out["is_error"] = true;
        return;
    }
    const json& result = member(response, "result");
    // A tool's own failure is a result with isError, not a JSON-RPC error.
    const json& tool_error = member(result, "isError");
    out["is_error"] = tool_error.is_boolean() && tool_error.get<bool>();
    if (method == "initialize") {
        out["protocol_version"] = str(result, "protocolVersion");
        out["capabilities"] = member(result, "capabilities");
        out["server_info"] = member(result, "serverInfo");
    } else if (method == "tools/list") {
        json names = json::array();
        if (const json& tools = member(result, "tools"); tools.is_array())
            for (const auto& t : tools) names.push_back(str(t, "name"));
        out["tools"] = std::move(names);
    }
    put_bounded(out, "result", result);
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
    json j = {{"type", "mcp_call"},
              {"ts", req.ts_ns},
              {"end_ts", end_ts},
              {"pid", req.where.pid},
              {"comm", req.where.comm},
              {"conn", req.where.conn},
              {"transport", req.where.transport},
              {"method", req.method},
              {"id", req.id}};
    if (server && !server->name.empty())
        j["server"] = {{"name", server->name}, {"version", server->version}};
    put_subject(j, req.method, req.params);
    if (response.is_null()) {
        j["incomplete"] = true;
    } else {
        j["duration_ms"] = end_ts > req.ts_ns ? double(end_ts - req.ts_ns) / 1e6 : 0.0;
        put_outcome(j, req.method, response);
    }
    return derived_event{"mcp_call", req.ts_ns, std::move(j)};
}

}  // namespace agentsight::analyzers
