// SPDX-License-Identifier: Apache-2.0
// `llm_call`: one request/response with an LLM provider, normalized across providers
// (docs/events.md). Times are epoch ns (`_ns`) or milliseconds (`_ms`), never guessed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "pipeline/events/fields.h"

namespace agentsight::events {

// A tool call the model asked for, with its arguments parsed.
struct llm_tool_call {
    std::string id;
    std::string name;
    json input;

    bool operator==(const llm_tool_call&) const = default;

    static constexpr auto fields() {
        return std::tuple{f("id", &llm_tool_call::id), f("name", &llm_tool_call::name),
                          f("input", &llm_tool_call::input)};
    }
};

struct llm_response {
    std::string text;
    std::string thinking;
    std::vector<llm_tool_call> tool_calls;
    std::string stop_reason;

    bool operator==(const llm_response&) const = default;

    static constexpr auto fields() {
        return std::tuple{f("text", &llm_response::text), f("thinking", &llm_response::thinking),
                          f("tool_calls", &llm_response::tool_calls),
                          f("stop_reason", &llm_response::stop_reason)};
    }
};

// Token counts as the provider reported them; an unreported count is empty (null).
struct llm_usage {
    std::optional<int64_t> input_tokens;
    std::optional<int64_t> output_tokens;
    std::optional<int64_t> cache_read_tokens;
    std::optional<int64_t> cache_creation_tokens;
    std::optional<int64_t> reasoning_tokens;  // left out unless reported

    bool operator==(const llm_usage&) const = default;

    static constexpr auto fields() {
        return std::tuple{
            f("input_tokens", &llm_usage::input_tokens),
            f("output_tokens", &llm_usage::output_tokens),
            f("cache_read_tokens", &llm_usage::cache_read_tokens),
            f("cache_creation_tokens", &llm_usage::cache_creation_tokens),
            f("reasoning_tokens", &llm_usage::reasoning_tokens, presence::omit_default)};
    }
};

struct llm_call {
    static constexpr const char* type = "llm_call";

    uint64_t ts_ns = 0;  // the request's first byte; also written as "start"
    int32_t pid = 0;
    int32_t tid = 0;
    std::string comm;
    std::string conn;
    std::string provider;
    std::string api;
    std::string host;
    std::string method;
    std::string path;
    std::string model;
    std::string response_model;
    std::string response_id;
    bool stream = false;
    int32_t status = 0;
    json request;  // the request body as the provider shaped it
    std::string user_prompt;
    json tool_results;
    llm_response response;
    llm_usage usage;
    std::optional<std::string> error;  // null when the call did not fail
    std::optional<double> ttft_ms;     // null when no content arrived
    double duration_ms = 0;
    bool incomplete = false;
    uint64_t request_bytes = 0;
    uint64_t response_bytes = 0;
    bool body_truncated = false;
    bool decode_error = false;
    bool capture_gap = false;
    std::optional<std::string> exe_comm;  // the executable's name, once the analyzer knows it

    bool operator==(const llm_call&) const = default;

    static constexpr auto fields() {
        using c = llm_call;
        return std::tuple{f("ts", &c::ts_ns),
                          f("pid", &c::pid),
                          f("tid", &c::tid),
                          f("comm", &c::comm),
                          f("conn", &c::conn),
                          f("provider", &c::provider),
                          f("api", &c::api),
                          f("host", &c::host),
                          f("method", &c::method),
                          f("path", &c::path),
                          f("model", &c::model),
                          f("response_model", &c::response_model),
                          f("response_id", &c::response_id),
                          f("stream", &c::stream),
                          f("status", &c::status),
                          f("request", &c::request),
                          f("user_prompt", &c::user_prompt),
                          f("tool_results", &c::tool_results),
                          f("response", &c::response),
                          f("usage", &c::usage),
                          f("error", &c::error),
                          f("start", &c::ts_ns),
                          f("ttft_ms", &c::ttft_ms),
                          f("duration_ms", &c::duration_ms),
                          f("incomplete", &c::incomplete),
                          f("request_bytes", &c::request_bytes),
                          f("response_bytes", &c::response_bytes),
                          f("body_truncated", &c::body_truncated, presence::omit_default),
                          f("decode_error", &c::decode_error, presence::omit_default),
                          f("capture_gap", &c::capture_gap, presence::omit_default),
                          f("exe_comm", &c::exe_comm, presence::omit_default)};
    }
};

}  // namespace agentsight::events
