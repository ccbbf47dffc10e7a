// SPDX-License-Identifier: Apache-2.0
// Gemini generateContent: POST .../models/<model>:generateContent (one JSON response) and
// :streamGenerateContent (SSE with ?alt=sse, otherwise a JSON array of responses). Each
// streamed response carries cumulative usageMetadata; the stream ends with the body.
#include "analysis/llm/json_util.h"
#include "analysis/llm/provider.h"

namespace agentsight::analyzers::llm {
namespace {

const json& either(const json& j, std::string_view camel, std::string_view snake) {
    const json& v = member(j, camel);
    return v.is_null() ? member(j, snake) : v;
}

std::string model_from_path(std::string_view path) {
    size_t at = path.rfind("models/");
    if (at == std::string_view::npos) return {};
    std::string_view rest = path.substr(at + 7);
    return std::string(rest.substr(0, rest.find(':')));
}

json message_of(const json& content, llm_request& req) {
    std::string role = str(content, "role");
    json out = {{"role", role == "model" ? "assistant" : role}, {"content", ""}};
    std::string text;
    json calls = json::array(), results = json::array();
    if (const json& parts = member(content, "parts"); parts.is_array())
        for (const auto& part : parts) {
            if (member(part, "thought").is_boolean() && member(part, "thought").get<bool>())
                continue;
            if (std::string t = str(part, "text"); !t.empty()) {
                if (!text.empty()) text += "\n";  // parts are separate paragraphs
                text += t;
            }
            if (const json& fc = either(part, "functionCall", "function_call"); fc.is_object()) {
                std::string id = str(fc, "id");
                calls.push_back({{"id", id.empty() ? str(fc, "name") : id},
                                 {"name", str(fc, "name")},
                                 {"input", member(fc, "args")}});
            }
            if (const json& fr = either(part, "functionResponse", "function_response");
                fr.is_object()) {
                std::string id = str(fr, "id");
                const json& response = member(fr, "response");
                json r = {{"tool_call_id", id.empty() ? str(fr, "name") : id},
                          {"content",
                           response.is_string() ? response.get<std::string>() : response.dump()},
                          {"is_error", !member(response, "error").is_null()}};
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
    auto thoughts = int_of(u, "thoughtsTokenCount");
    if (auto v = int_of(u, "promptTokenCount")) usage.input = v;
    // Thinking is billed as output: output = candidates + thoughts, reasoning = thoughts.
    if (auto v = int_of(u, "candidatesTokenCount"); v || thoughts)
        usage.output = v.value_or(0) + thoughts.value_or(0);
    if (auto v = int_of(u, "cachedContentTokenCount")) usage.cache_read = v;
    if (thoughts) usage.reasoning = thoughts;
}

class gemini_parser final : public response_parser {
  public:
    bool on_sse(std::string_view, std::string_view data, llm_response& out) override {
        json j = parse_json(data);
        return j.is_object() && read_chunk(j, out);
    }

    void on_body(const json& body, llm_response& out) override {
        if (body.is_array()) {
            for (const auto& chunk : body) read_chunk(chunk, out);
        } else {
            read_chunk(body, out);
        }
        out.ended = true;
    }

  private:
    static bool read_chunk(const json& j, llm_response& out) {
        if (auto v = str(j, "responseId"); !v.empty()) out.id = v;
        if (auto v = str(j, "modelVersion"); !v.empty()) out.model = v;
        read_usage(member(j, "usageMetadata"), out.usage);
        if (const json& e = member(j, "error"); !e.is_null()) out.error = e.dump();
        const json& candidates = member(j, "candidates");
        if (!candidates.is_array() || candidates.empty()) return false;
        const json& c = candidates[0];
        if (auto fr = str(c, "finishReason"); !fr.empty()) out.stop_reason = fr;
        bool content = false;
        if (const json& parts = member(member(c, "content"), "parts"); parts.is_array())
            for (const auto& part : parts) {
                bool thought =
                    member(part, "thought").is_boolean() && member(part, "thought").get<bool>();
                if (const json& t = member(part, "text"); t.is_string()) {
                    (thought ? out.thinking : out.text) += t.get<std::string>();
                    content |= !t.get<std::string>().empty();
                }
                if (const json& fc = either(part, "functionCall", "function_call");
                    fc.is_object()) {
                    std::string id = str(fc, "id");
                    const json& args = member(fc, "args");
                    out.tool_calls.push_back({id.empty() ? str(fc, "name") : id, str(fc, "name"),
                                              "", args.is_null() ? json::object() : args});
                    content = true;
                }
            }
        return content;
    }
};

class gemini final : public provider {
  public:
    std::string_view name() const override { return "gemini"; }
    std::string_view api() const override { return "generate_content"; }
    bool matches(std::string_view path, std::string_view) const override {
        return ends_with(path, ":generateContent") || ends_with(path, ":streamGenerateContent");
    }
    bool stream_needs_end_marker() const override { return false; }
    std::unique_ptr<response_parser> make_response_parser() const override {
        return std::make_unique<gemini_parser>();
    }

    void parse_request(const json& body, std::string_view path, llm_request& out) const override {
        out.model = model_from_path(path);
        out.stream = ends_with(path, ":streamGenerateContent");
        json& r = out.request;
        r["system"] =
            text_of(member(either(body, "systemInstruction", "system_instruction"), "parts"));
        json messages = json::array();
        if (const json& cs = member(body, "contents"); cs.is_array())
            for (const auto& c : cs) {
                json msg = message_of(c, out);
                // A user turn may carry function responses and a typed follow-up together.
                if (msg["role"] == "user")
                    if (std::string typed = typed_text(member(c, "parts")); !typed.empty())
                        out.user_prompt = std::move(typed);
                messages.push_back(std::move(msg));
            }
        r["messages"] = std::move(messages);
        json tools = json::array();
        if (const json& ts = member(body, "tools"); ts.is_array())
            for (const auto& t : ts)
                if (const json& decls = either(t, "functionDeclarations", "function_declarations");
                    decls.is_array())
                    for (const auto& d : decls) tools.push_back(str(d, "name"));
        r["tools"] = std::move(tools);
        const json& config = either(body, "generationConfig", "generation_config");
        set_if(r, "max_tokens", either(config, "maxOutputTokens", "max_output_tokens"));
        set_if(r, "temperature", member(config, "temperature"));
    }
};

}  // namespace

const provider& gemini_provider() {
    static const gemini p;
    return p;
}

}  // namespace agentsight::analyzers::llm
