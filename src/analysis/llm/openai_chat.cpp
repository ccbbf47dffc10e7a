// SPDX-License-Identifier: Apache-2.0
// OpenAI Chat Completions: POST /v1/chat/completions, plain JSON or SSE `data:` chunks that
// end with `data: [DONE]` (a usage-only chunk precedes it with stream_options.include_usage).
#include <map>

#include "analysis/llm/json_util.h"
#include "analysis/llm/provider.h"

namespace agentsight::analyzers::llm {
namespace {

json message_of(const json& m, llm_request& req) {
    std::string role = str(m, "role");
    json out = {{"role", role}, {"content", text_of(member(m, "content"))}};
    if (const json& calls = member(m, "tool_calls"); calls.is_array() && !calls.empty()) {
        json list = json::array();
        for (const auto& c : calls) {
            const json& fn = member(c, "function");
            list.push_back({{"id", str(c, "id")},
                            {"name", str(fn, "name")},
                            {"input", parse_arguments(str(fn, "arguments"))}});
        }
        out["tool_calls"] = std::move(list);
    }
    if (role == "tool") {
        json r = {{"tool_call_id", str(m, "tool_call_id")},
                  {"content", out["content"]},
                  {"is_error", false}};  // the API has no error flag for tool messages
        out["tool_results"] = json::array({r});
        req.tool_results.push_back(std::move(r));
    }
    return out;
}

void read_usage(const json& u, llm_usage& usage) {
    if (!u.is_object()) return;
    if (auto v = int_of(u, "prompt_tokens")) usage.input = v;
    if (auto v = int_of(u, "completion_tokens")) usage.output = v;
    if (auto v = int_of(member(u, "prompt_tokens_details"), "cached_tokens")) usage.cache_read = v;
    if (auto v = int_of(member(u, "completion_tokens_details"), "reasoning_tokens"))
        usage.reasoning = v;
}

void read_envelope(const json& j, llm_response& out) {
    if (auto id = str(j, "id"); !id.empty()) out.id = id;
    if (auto model = str(j, "model"); !model.empty()) out.model = model;
    read_usage(member(j, "usage"), out.usage);
    if (const json& e = member(j, "error"); !e.is_null()) out.error = e.dump();
}

class chat_parser final : public response_parser {
  public:
    bool on_sse(std::string_view, std::string_view data, llm_response& out) override {
        if (data == "[DONE]") {
            out.ended = true;
            return false;
        }
        json j = parse_json(data);
        if (!j.is_object()) return false;
        read_envelope(j, out);
        bool content = false;
        const json& choices = member(j, "choices");
        if (!choices.is_array()) return false;
        for (const auto& choice : choices) {
            if (int_of(choice, "index").value_or(0) != 0) continue;  // n > 1: first choice only
            if (auto fr = str(choice, "finish_reason"); !fr.empty()) out.stop_reason = fr;
            const json& delta = member(choice, "delta");
            if (auto t = str(delta, "content"); !t.empty()) {
                out.text += t;
                content = true;
            }
            for (const char* key : {"reasoning_content", "reasoning"})
                if (auto t = str(delta, key); !t.empty()) {
                    out.thinking += t;
                    content = true;
                }
            if (const json& calls = member(delta, "tool_calls"); calls.is_array())
                for (const auto& c : calls) content |= on_tool_delta(c, out);
        }
        return content;
    }

    void on_body(const json& body, llm_response& out) override {
        read_envelope(body, out);
        const json& choices = member(body, "choices");
        if (!choices.is_array() || choices.empty()) return;
        const json& choice = choices[0];
        out.stop_reason = str(choice, "finish_reason");
        const json& msg = member(choice, "message");
        out.text = text_of(member(msg, "content"));
        for (const char* key : {"reasoning_content", "reasoning"}) out.thinking += str(msg, key);
        if (const json& calls = member(msg, "tool_calls"); calls.is_array())
            for (const auto& c : calls) {
                const json& fn = member(c, "function");
                out.tool_calls.push_back(
                    {str(c, "id"), str(fn, "name"), str(fn, "arguments"), nullptr});
            }
        out.ended = true;
    }

  private:
    bool on_tool_delta(const json& c, llm_response& out) {
        int64_t index = int_of(c, "index").value_or(0);
        auto [it, added] = index_.try_emplace(index, out.tool_calls.size());
        if (added) out.tool_calls.push_back({});
        llm_tool_call& call = out.tool_calls[it->second];
        if (auto id = str(c, "id"); !id.empty()) call.id = id;
        const json& fn = member(c, "function");
        if (auto name = str(fn, "name"); !name.empty()) call.name = name;
        call.arguments += str(fn, "arguments");
        return true;
    }
    std::map<int64_t, size_t> index_;  // tool_calls[].index -> slot
};

class openai_chat final : public provider {
  public:
    std::string_view name() const override { return "openai"; }
    std::string_view api() const override { return "chat_completions"; }
    bool matches(std::string_view path, std::string_view) const override {
        return ends_with(path, "/chat/completions");
    }
    bool stream_needs_end_marker() const override { return false; }
    std::unique_ptr<response_parser> make_response_parser() const override {
        return std::make_unique<chat_parser>();
    }

    void parse_request(const json& body, std::string_view, llm_request& out) const override {
        out.model = str(body, "model");
        out.stream = member(body, "stream").is_boolean() && member(body, "stream").get<bool>();
        json& r = out.request;
        std::string system;
        json messages = json::array();
        if (const json& ms = member(body, "messages"); ms.is_array())
            for (const auto& m : ms) {
                json msg = message_of(m, out);
                const std::string role = msg["role"].get<std::string>();
                if (role == "system" || role == "developer") {  // kept in `system` only
                    if (!system.empty()) system += "\n";
                    system += msg["content"].get<std::string>();
                    continue;
                }
                if (role == "user")
                    if (std::string typed = typed_text(member(m, "content")); !typed.empty())
                        out.user_prompt = std::move(typed);
                messages.push_back(std::move(msg));
            }
        r["system"] = std::move(system);
        r["messages"] = std::move(messages);
        r["tools"] = function_tool_names(body);
        const json& max = member(body, "max_completion_tokens");
        set_if(r, "max_tokens", max.is_null() ? member(body, "max_tokens") : max);
        set_if(r, "temperature", member(body, "temperature"));
    }
};

}  // namespace

const provider& openai_chat_provider() {
    static const openai_chat p;
    return p;
}

}  // namespace agentsight::analyzers::llm
