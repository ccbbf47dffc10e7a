// SPDX-License-Identifier: Apache-2.0
// The provider interface: one file per LLM API (anthropic.cpp, openai_chat.cpp, ...) turns
// that API's request and response bodies into the common llm_request / llm_response shape.
// Adding a provider = one new file + one line in registry.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace agentsight::analyzers::llm {

using json = nlohmann::ordered_json;

// What the client asked for, already in llm_call's `request` shape.
struct llm_request {
    std::string model;
    bool stream = false;
    json request = json::object();      // {system, messages, tools, max_tokens, temperature}
    std::string user_prompt;            // last plain-text user message
    json tool_results = json::array();  // [{tool_call_id, content, is_error}]
};

struct llm_tool_call {
    std::string id;
    std::string name;
    std::string arguments;  // JSON text as streamed, parsed into `input` at the end
    json input;             // null until parsed (non-streamed APIs fill it directly)
};

struct llm_usage {
    std::optional<int64_t> input, output, cache_read, cache_creation, reasoning;
};

struct llm_response {
    std::string text;
    std::string thinking;
    std::vector<llm_tool_call> tool_calls;
    std::string stop_reason;
    std::string model;
    std::string id;
    llm_usage usage;
    std::string error;   // an error reported inside a successful HTTP response (SSE error event)
    bool ended = false;  // the API's own end-of-response marker was seen
};

class response_parser {
  public:
    virtual ~response_parser() = default;
    // One SSE event. Returns true when it carried model output (text, thinking or tool
    // input): the first such event's time is the time to first token.
    virtual bool on_sse(std::string_view event, std::string_view data, llm_response& out) = 0;
    // A whole non-streamed JSON body (Gemini's non-SSE stream is a JSON array).
    virtual void on_body(const json& body, llm_response& out) = 0;
};

class provider {
  public:
    virtual ~provider() = default;
    virtual std::string_view name() const = 0;  // "anthropic" | "openai" | "gemini"
    virtual std::string_view api() const = 0;   // "messages" | "chat_completions" | ...
    // Path without query; host is a hint only (tests and proxies use any host).
    virtual bool matches(std::string_view path, std::string_view host) const = 0;
    virtual void parse_request(const json& body, std::string_view path, llm_request& out) const = 0;
    virtual std::unique_ptr<response_parser> make_response_parser() const = 0;
    // True when a stream is complete only after the API's own end marker (Anthropic
    // message_stop, Responses response.completed); false when the end of the body suffices.
    virtual bool stream_needs_end_marker() const = 0;
};

// The registered provider serving this request, or nullptr for non-LLM traffic.
const provider* find_provider(std::string_view path, std::string_view host);

}  // namespace agentsight::analyzers::llm
