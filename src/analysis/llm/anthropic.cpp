// SPDX-License-Identifier: Apache-2.0
// Anthropic Messages API: POST /v1/messages, plain JSON or SSE
// (message_start, content_block_*, message_delta, message_stop).
#include <map>

#include "analysis/llm/anthropic_delta.h"
#include "analysis/llm/json_util.h"
#include "analysis/llm/provider.h"

namespace agentsight::analyzers::llm {
namespace {

// One message's content blocks into {role, content, tool_calls, tool_results}.
json message_of(const json& m, llm_request& req) {
    json out = {{"role", str(m, "role")}, {"content", ""}};
    const json& content = member(m, "content");
    if (!content.is_array()) {
        out["content"] = text_of(content);
        return out;
    }
    std::string text;
    json calls = json::array(), results = json::array();
    for (const auto& block : content) {
        std::string type = str(block, "type");
        if (type == "text") {
            text += str(block, "text");
        } else if (type == "tool_use") {
            calls.push_back({{"id", str(block, "id")},
                             {"name", str(block, "name")},
                             {"input", member(block, "input")}});
        } else if (type == "tool_result") {
            json r = {{"tool_call_id", str(block, "tool_use_id")},
                      {"content", text_of(member(block, "content"))},
                      {"is_error", member(block, "is_error").is_boolean() &&
                                       member(block, "is_error").get<bool>()}};
            results.push_back(r);
            req.tool_results.push_back(std::move(r));
        }
    }
    out["content"] = std::move(text);
    if (!calls.empty()) out["tool_calls"] = std::move(calls);
    if (!results.empty()) out["tool_results"] = std::move(results);
    return out;
}

void read_usage(const json& u, llm_usage& usage) {
    if (!u.is_object()) return;
    if (auto v = int_of(u, "input_tokens")) usage.input = v;
    if (auto v = int_of(u, "output_tokens")) usage.output = v;
    if (auto v = int_of(u, "cache_read_input_tokens")) usage.cache_read = v;
    if (auto v = int_of(u, "cache_creation_input_tokens")) usage.cache_creation = v;
}

void read_message(const json& msg, llm_response& out) {
    if (auto id = str(msg, "id"); !id.empty()) out.id = id;
    if (auto model = str(msg, "model"); !model.empty()) out.model = model;
    if (auto stop = str(msg, "stop_reason"); !stop.empty()) out.stop_reason = stop;
    read_usage(member(msg, "usage"), out.usage);
}

std::string error_text(const json& body) {
    const json& e = member(body, "error");
    return e.is_null() ? body.dump() : e.dump();
}

class stream_parser final : public response_parser {
  public:
    bool on_sse(std::string_view event, std::string_view data, llm_response& out) override {
        if (auto d = read_anthropic_delta(data, delta_value_)) return on_fast_delta(*d, out);
        json j = parse_json(data);
        if (!j.is_object()) return false;
        std::string type = str(j, "type");
        if (type.empty()) type = event;
        if (type == "message_start") {
            read_message(member(j, "message"), out);
        } else if (type == "content_block_start") {
            const json& block = member(j, "content_block");
            if (str(block, "type") == "tool_use" || str(block, "type") == "server_tool_use") {
                tool_index_[int_of(j, "index").value_or(-1)] = out.tool_calls.size();
                out.tool_calls.push_back({str(block, "id"), str(block, "name"), "", nullptr});
                const json& input = member(block, "input");
                if (input.is_object() && !input.empty()) out.tool_calls.back().input = input;
            }
            if (str(block, "type") == "text") out.text += str(block, "text");
        } else if (type == "content_block_delta") {
            return on_delta(j, out);
        } else if (type == "message_delta") {
            if (auto stop = str(member(j, "delta"), "stop_reason"); !stop.empty())
                out.stop_reason = stop;
            read_usage(member(j, "usage"), out.usage);  // the final output_tokens live here
        } else if (type == "message_stop") {
            out.ended = true;
        } else if (type == "error") {
            out.error = error_text(j);
        }
        return false;
    }

    void on_body(const json& body, llm_response& out) override {
        if (!body.is_object()) return;
        if (str(body, "type") == "error") {
            out.error = error_text(body);
            return;
        }
        read_message(body, out);
        const json& content = member(body, "content");
        if (!content.is_array()) return;
        for (const auto& block : content) {
            std::string type = str(block, "type");
            if (type == "text") out.text += str(block, "text");
            if (type == "thinking") out.thinking += str(block, "thinking");
            if (type == "tool_use" || type == "server_tool_use")
                out.tool_calls.push_back(
                    {str(block, "id"), str(block, "name"), "", member(block, "input")});
        }
        out.ended = true;
    }

  private:
    // The same effect as on_delta for an event read by read_anthropic_delta.
    bool on_fast_delta(const anthropic_delta& d, llm_response& out) {
        switch (d.kind) {
            case delta_kind::text:
                out.text += delta_value_;
                return true;
            case delta_kind::thinking:
                out.thinking += delta_value_;
                return true;
            case delta_kind::input_json: {
                auto it = tool_index_.find(d.index);
                if (it == tool_index_.end()) return false;
                out.tool_calls[it->second].arguments += delta_value_;
                return true;
            }
        }
        return false;
    }

    bool on_delta(const json& j, llm_response& out) {
        const json& delta = member(j, "delta");
        std::string type = str(delta, "type");
        if (type == "text_delta") {
            out.text += str(delta, "text");
            return true;
        }
        if (type == "thinking_delta") {
            out.thinking += str(delta, "thinking");
            return true;
        }
        if (type == "input_json_delta") {
            auto it = tool_index_.find(int_of(j, "index").value_or(-1));
            if (it == tool_index_.end()) return false;
            out.tool_calls[it->second].arguments += str(delta, "partial_json");
            return true;
        }
        return false;
    }

    std::map<int64_t, size_t> tool_index_;  // content block index -> tool_calls slot
    std::string delta_value_;               // reused by read_anthropic_delta
};

class anthropic_messages final : public provider {
  public:
    std::string_view name() const override { return "anthropic"; }
    std::string_view api() const override { return "messages"; }
    bool matches(std::string_view path, std::string_view) const override {
        return ends_with(path, "/v1/messages");
    }
    bool stream_needs_end_marker() const override { return true; }
    std::unique_ptr<response_parser> make_response_parser() const override {
        return std::make_unique<stream_parser>();
    }

    void parse_request(const json& body, std::string_view, llm_request& out) const override {
        out.model = str(body, "model");
        out.stream = member(body, "stream").is_boolean() && member(body, "stream").get<bool>();
        json& r = out.request;
        r["system"] = text_of(member(body, "system"));
        json messages = json::array();
        if (const json& ms = member(body, "messages"); ms.is_array())
            for (const auto& m : ms) {
                json msg = message_of(m, out);
                if (msg["role"] == "user") {
                    // A follow-up typed after a tool call shares the message with the tool
                    // results ([tool_result, text]): its text still counts.
                    std::string typed = typed_text(member(m, "content"));
                    if (typed.empty() && !msg.contains("tool_results"))
                        typed = msg["content"].get<std::string>();
                    if (!typed.empty()) out.user_prompt = std::move(typed);
                }
                messages.push_back(std::move(msg));
            }
        r["messages"] = std::move(messages);
        json tools = json::array();
        if (const json& ts = member(body, "tools"); ts.is_array())
            for (const auto& t : ts) tools.push_back(str(t, "name"));
        r["tools"] = std::move(tools);
        set_if(r, "max_tokens", member(body, "max_tokens"));
        set_if(r, "temperature", member(body, "temperature"));
    }
};

}  // namespace

const provider& anthropic_messages_provider() {
    static const anthropic_messages p;
    return p;
}

}  // namespace agentsight::analyzers::llm
