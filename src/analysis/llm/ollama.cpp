// SPDX-License-Identifier: Apache-2.0
// Ollama's native API: POST /api/chat and /api/generate. Streaming is the default (a request
// says "stream": false to opt out) and is NDJSON, one JSON object per line, the last with
// "done": true, the stop reason and the token counts; a non-streamed response is that one
// object with the whole text. The exchange hands NDJSON lines to on_sse with no event name.
#include "analysis/llm/json_util.h"
#include "analysis/llm/provider.h"

namespace agentsight::analyzers::llm {
namespace {

// Ollama's tool calls carry arguments as an object and no id: the name stands in for it.
json tool_calls_of(const json& calls) {
    json list = json::array();
    if (calls.is_array())
        for (const auto& c : calls) {
            const json& fn = member(c, "function");
            const json& args = member(fn, "arguments");
            std::string id = str(c, "id");
            list.push_back({{"id", id.empty() ? str(fn, "name") : id},
                            {"name", str(fn, "name")},
                            {"input", args.is_null() ? json::object() : args}});
        }
    return list;
}

json message_of(const json& m, llm_request& req) {
    std::string role = str(m, "role");
    json out = {{"role", role}, {"content", text_of(member(m, "content"))}};
    if (json calls = tool_calls_of(member(m, "tool_calls")); !calls.empty())
        out["tool_calls"] = std::move(calls);
    if (role == "tool") {
        std::string name = str(m, "tool_name");
        json r = {{"tool_call_id", name.empty() ? str(m, "tool_call_id") : name},
                  {"content", out["content"]},
                  {"is_error", false}};
        out["tool_results"] = json::array({r});
        req.tool_results.push_back(std::move(r));
    }
    return out;
}

class ollama_parser final : public response_parser {
  public:
    // One NDJSON line.
    bool on_sse(std::string_view, std::string_view line, llm_response& out) override {
        json j = parse_json(line);
        return j.is_object() && read_chunk(j, out);
    }

    void on_body(const json& body, llm_response& out) override { read_chunk(body, out); }

  private:
    static bool read_chunk(const json& j, llm_response& out) {
        if (auto v = str(j, "model"); !v.empty()) out.model = v;
        if (auto v = str(j, "error"); !v.empty()) out.error = v;
        bool content = false;
        const json& msg = member(j, "message");  // /api/chat
        std::string text = msg.is_object() ? str(msg, "content") : str(j, "response");
        std::string thinking = msg.is_object() ? str(msg, "thinking") : str(j, "thinking");
        out.text += text;
        out.thinking += thinking;
        content = !text.empty() || !thinking.empty();
        for (auto& c : tool_calls_of(member(msg, "tool_calls"))) {
            out.tool_calls.push_back(
                {c["id"].get<std::string>(), c["name"].get<std::string>(), "", c["input"]});
            content = true;
        }
        if (member(j, "done").is_boolean() && member(j, "done").get<bool>()) {
            out.ended = true;
            out.stop_reason = str(j, "done_reason");
            if (auto v = int_of(j, "prompt_eval_count")) out.usage.input = v;
            if (auto v = int_of(j, "eval_count")) out.usage.output = v;
        }
        return content;
    }
};

class ollama final : public provider {
  public:
    explicit ollama(std::string_view api) : api_(api) {}
    std::string_view name() const override { return "ollama"; }
    std::string_view api() const override { return api_; }
    bool matches(std::string_view path, std::string_view) const override {
        return path == (api_ == "chat" ? "/api/chat" : "/api/generate");
    }
    bool stream_needs_end_marker() const override { return true; }
    std::unique_ptr<response_parser> make_response_parser() const override {
        return std::make_unique<ollama_parser>();
    }

    void parse_request(const json& body, std::string_view, llm_request& out) const override {
        out.model = str(body, "model");
        const json& stream = member(body, "stream");
        out.stream = !stream.is_boolean() || stream.get<bool>();  // streams unless told not to
        json& r = out.request;
        std::string system = str(body, "system");
        json messages = json::array();
        if (const json& ms = member(body, "messages"); ms.is_array())
            for (const auto& m : ms) {
                json msg = message_of(m, out);
                const std::string role = msg["role"].get<std::string>();
                if (role == "system") {
                    system += (system.empty() ? "" : "\n") + msg["content"].get<std::string>();
                    continue;
                }
                if (role == "user" && !msg["content"].get<std::string>().empty())
                    out.user_prompt = msg["content"].get<std::string>();
                messages.push_back(std::move(msg));
            }
        if (auto prompt = str(body, "prompt"); !prompt.empty()) {  // /api/generate
            out.user_prompt = prompt;
            messages.push_back({{"role", "user"}, {"content", prompt}});
        }
        r["system"] = std::move(system);
        r["messages"] = std::move(messages);
        r["tools"] = function_tool_names(body);
        const json& options = member(body, "options");
        set_if(r, "max_tokens", member(options, "num_predict"));
        set_if(r, "temperature", member(options, "temperature"));
    }

  private:
    std::string_view api_;
};

}  // namespace

const provider& ollama_chat_provider() {
    static const ollama p("chat");
    return p;
}

const provider& ollama_generate_provider() {
    static const ollama p("generate");
    return p;
}

}  // namespace agentsight::analyzers::llm
