// SPDX-License-Identifier: Apache-2.0
// OpenAI Responses API: POST /v1/responses, plain JSON or SSE typed events
// (response.output_text.delta, response.function_call_arguments.delta, ...) ending with
// response.completed / response.incomplete / response.failed; there is no [DONE].
#include <map>

#include "analysis/llm/json_util.h"
#include "analysis/llm/provider.h"

namespace agentsight::analyzers::llm {
namespace {

void read_usage(const json& u, llm_usage& usage) {
    if (!u.is_object()) return;
    if (auto v = int_of(u, "input_tokens")) usage.input = v;
    if (auto v = int_of(u, "output_tokens")) usage.output = v;
    if (auto v = int_of(member(u, "input_tokens_details"), "cached_tokens")) usage.cache_read = v;
    if (auto v = int_of(member(u, "output_tokens_details"), "reasoning_tokens"))
        usage.reasoning = v;
}

// The envelope of a response object: ids, usage, and why it stopped.
void read_response(const json& r, llm_response& out) {
    if (auto id = str(r, "id"); !id.empty()) out.id = id;
    if (auto model = str(r, "model"); !model.empty()) out.model = model;
    read_usage(member(r, "usage"), out.usage);
    std::string status = str(r, "status");
    std::string reason = str(member(r, "incomplete_details"), "reason");
    if (!reason.empty())
        out.stop_reason = reason;
    else if (!status.empty() && status != "in_progress")
        out.stop_reason = status;
    if (const json& e = member(r, "error"); !e.is_null()) out.error = e.dump();
}

std::string summary_text(const json& item) {
    std::string out;
    if (const json& s = member(item, "summary"); s.is_array()) out += text_of(s);
    if (const json& c = member(item, "content"); c.is_array()) out += text_of(c);
    return out;
}

llm_tool_call call_of(const json& item) {
    return {str(item, "call_id"), str(item, "name"), str(item, "arguments"), nullptr};
}

class responses_parser final : public response_parser {
  public:
    bool on_sse(std::string_view event, std::string_view data, llm_response& out) override {
        json j = parse_json(data);
        if (!j.is_object()) return false;
        std::string type = str(j, "type");
        if (type.empty()) type = event;
        if (type == "response.output_text.delta") {
            out.text += str(j, "delta");
            return true;
        }
        if (type == "response.reasoning_summary_text.delta" ||
            type == "response.reasoning_text.delta") {
            out.thinking += str(j, "delta");
            return true;
        }
        if (type == "response.function_call_arguments.delta") {
            if (llm_tool_call* call = slot(j, out)) call->arguments += str(j, "delta");
            return true;
        }
        if (type == "response.output_item.added" || type == "response.output_item.done") {
            const json& item = member(j, "item");
            if (str(item, "type") != "function_call") return false;
            auto [it, added] =
                index_.try_emplace(int_of(j, "output_index").value_or(-1), out.tool_calls.size());
            if (added) out.tool_calls.push_back(call_of(item));
            llm_tool_call& call = out.tool_calls[it->second];
            if (call.id.empty()) call.id = str(item, "call_id");
            if (call.name.empty()) call.name = str(item, "name");
            // `done` carries the whole argument text: it wins over the accumulated deltas.
            if (type == "response.output_item.done" && member(item, "arguments").is_string())
                call.arguments = str(item, "arguments");
            return false;
        }
        if (type == "response.created" || type == "response.in_progress") {
            read_response(member(j, "response"), out);
        } else if (type == "response.completed" || type == "response.incomplete" ||
                   type == "response.failed") {
            read_response(member(j, "response"), out);
            out.ended = true;
        } else if (type == "error") {
            out.error = data;
        }
        return false;
    }

    void on_body(const json& body, llm_response& out) override {
        read_response(body, out);
        const json& output = member(body, "output");
        if (output.is_array())
            for (const auto& item : output) {
                std::string type = str(item, "type");
                if (type == "message") out.text += text_of(member(item, "content"));
                if (type == "reasoning") out.thinking += summary_text(item);
                if (type == "function_call") out.tool_calls.push_back(call_of(item));
            }
        out.ended = true;
    }

  private:
    llm_tool_call* slot(const json& j, llm_response& out) {
        auto it = index_.find(int_of(j, "output_index").value_or(-1));
        return it == index_.end() ? nullptr : &out.tool_calls[it->second];
    }
    std::map<int64_t, size_t> index_;  // output_index -> tool_calls slot
};

// One input item into a message, or folded into the previous one (function calls and
// their outputs are separate items in this API).
void add_input_item(const json& item, json& messages, llm_request& out) {
    std::string type = str(item, "type");
    if (type == "function_call") {
        json call = {{"id", str(item, "call_id")},
                     {"name", str(item, "name")},
                     {"input", parse_arguments(str(item, "arguments"))}};
        if (messages.empty() || messages.back()["role"] != "assistant")
            messages.push_back({{"role", "assistant"}, {"content", ""}});
        json& last = messages.back();
        if (!last.contains("tool_calls")) last["tool_calls"] = json::array();
        last["tool_calls"].push_back(std::move(call));
        return;
    }
    if (type == "function_call_output") {
        const json& output = member(item, "output");
        json r = {{"tool_call_id", str(item, "call_id")},
                  {"content", output.is_string() ? output.get<std::string>() : text_of(output)},
                  {"is_error", false}};
        messages.push_back(
            {{"role", "tool"}, {"content", r["content"]}, {"tool_results", json::array({r})}});
        out.tool_results.push_back(std::move(r));
        return;
    }
    if (!type.empty() && type != "message") return;  // reasoning, web search calls, ...
    std::string role = str(item, "role");
    std::string text = text_of(member(item, "content"));
    if (role == "system" || role == "developer") {
        std::string& sys = out.request["system"].get_ref<std::string&>();
        if (!sys.empty()) sys += "\n";
        sys += text;
        return;
    }
    if (role == "user" && !text.empty()) out.user_prompt = text;
    messages.push_back({{"role", role}, {"content", std::move(text)}});
}

class openai_responses final : public provider {
  public:
    std::string_view name() const override { return "openai"; }
    std::string_view api() const override { return "responses"; }
    bool matches(std::string_view path, std::string_view) const override {
        return ends_with(path, "/v1/responses") || path == "/responses";
    }
    bool stream_needs_end_marker() const override { return true; }
    std::unique_ptr<response_parser> make_response_parser() const override {
        return std::make_unique<responses_parser>();
    }

    void parse_request(const json& body, std::string_view, llm_request& out) const override {
        out.model = str(body, "model");
        out.stream = member(body, "stream").is_boolean() && member(body, "stream").get<bool>();
        json& r = out.request;
        r["system"] = str(body, "instructions");
        json messages = json::array();
        const json& input = member(body, "input");
        if (input.is_string()) {
            out.user_prompt = input.get<std::string>();
            messages.push_back({{"role", "user"}, {"content", out.user_prompt}});
        } else if (input.is_array()) {
            for (const auto& item : input) add_input_item(item, messages, out);
        }
        r["messages"] = std::move(messages);
        json tools = json::array();
        if (const json& ts = member(body, "tools"); ts.is_array())
            for (const auto& t : ts) {
                std::string name = str(t, "name");
                tools.push_back(name.empty() ? str(t, "type") : name);  // built-ins by type
            }
        r["tools"] = std::move(tools);
        set_if(r, "max_tokens", member(body, "max_output_tokens"));
        set_if(r, "temperature", member(body, "temperature"));
    }
};

}  // namespace

const provider& openai_responses_provider() {
    static const openai_responses p;
    return p;
}

}  // namespace agentsight::analyzers::llm
