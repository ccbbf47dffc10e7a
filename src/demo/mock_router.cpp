// SPDX-License-Identifier: Apache-2.0
#include "demo/mock_router.h"

#include <algorithm>
#include <vector>

namespace agentsight::demo {
namespace {

using nlohmann::json;

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

bool has_tools(const json& body) {
    auto it = body.find("tools");
    return it != body.end() && it->is_array() && !it->empty();
}

std::string string_field(const json& body, const char* key, const std::string& fallback) {
    auto it = body.find(key);
    return it != body.end() && it->is_string() && !it->get<std::string>().empty()
               ? it->get<std::string>()
               : fallback;
}

bool parse_json(const std::string& text, json& out) {
    out = json::parse(text, nullptr, false);
    return !out.is_discarded() && out.is_object();
}

std::string query_param(std::string_view query, std::string_view key) {
    while (!query.empty()) {
        std::string_view pair = query.substr(0, query.find('&'));
        query.remove_prefix(std::min(query.size(), pair.size() + 1));
        if (starts_with(pair, key) && pair.size() > key.size() && pair[key.size()] == '=')
            return std::string(pair.substr(key.size() + 1));
    }
    return {};
}

mock_reply json_reply(const json& body) {
    return {200, "application/json", {body.dump()}};
}

json model_entry(const std::string& model) {
    return {{"id", model},
            {"type", "model"},
            {"object", "model"},
            {"display_name", model},
            {"created_at", "2025-01-01T00:00:00Z"}};
}

json gemini_model(const std::string& name) {
    return {{"name", "models/" + name},
            {"displayName", name},
            {"inputTokenLimit", 1048576},
            {"outputTokenLimit", 65536},
            {"supportedGenerationMethods",
             json::array({"generateContent", "countTokens", "streamGenerateContent"})}};
}

// The JSON schema a structured-output request asks the answer to follow, if any: Gemini's
// generationConfig.responseJsonSchema, Anthropic's output_config.format.schema (Claude Code's
// title request), OpenAI's response_format.json_schema.schema.
const json* requested_schema(const json& body) {
    static const std::vector<std::vector<const char*>> paths = {
        {"generationConfig", "responseJsonSchema"},
        {"generationConfig", "responseSchema"},
        {"output_config", "format", "schema"},
        {"response_format", "json_schema", "schema"}};
    for (const auto& path : paths) {
        const json* node = &body;
        for (const char* key : path) {
            if (!node->is_object() || !node->contains(key)) {
                node = nullptr;
                break;
            }
            node = &(*node)[key];
        }
        if (node != nullptr) return node;
    }
    return nullptr;
}

// Short text for side requests; a structured one gets JSON of its schema's shape.
mock_script_step auxiliary_step(const json& body) {
    if (const json* schema = requested_schema(body))
        return {sample_from_schema(*schema).dump(), "", nullptr};
    return {"Mock reply.", "", nullptr};
}

}  // namespace

mock_reply error_reply(int status, std::string_view message) {
    const char* type = status == 404 ? "not_found_error" : "invalid_request_error";
    json body = {{"type", "error"},
                 {"error", {{"type", type}, {"message", message}, {"code", status}}}};
    return {status, "application/json", {body.dump()}};
}

mock_router::mock_router(mock_llm_options opts) : opts_(std::move(opts)) {
    drives_agent_ = std::any_of(opts_.script.begin(), opts_.script.end(),
                                [](const auto& s) { return !s.tool_name.empty(); });
}

size_t mock_router::llm_requests() const {
    std::lock_guard lock(mu_);
    return replies_;
}

size_t mock_router::script_steps_consumed() const {
    std::lock_guard lock(mu_);
    return consumed_;
}

// The auxiliary-request heuristic. Agents send side requests next to their main loop: Claude
// Code asks a small model for a session title, Gemini CLI asks for a next-speaker verdict and
// a model-routing choice. None of them offers tools, while every turn of the main loop does.
// So when the script has a tool call (it drives an agent), a request without tools is a side
// request: it gets short text and leaves the script where it is. A text-only script serves
// plain clients (curl, SDK snippets) that send no tools at all: there every request is a turn.
mock_turn mock_router::next_turn(const json& body, std::string model, bool stream) {
    mock_turn turn;
    turn.model = std::move(model);
    turn.stream = stream;
    turn.input_tokens = opts_.input_tokens;
    turn.output_tokens = opts_.output_tokens;
    turn.cache_read_tokens = opts_.cache_read_tokens;
    turn.cache_creation_tokens = opts_.cache_creation_tokens;
    bool auxiliary = drives_agent_ && !has_tools(body);
    std::lock_guard lock(mu_);
    turn.seq = ++replies_;
    if (auxiliary) {
        turn.step = auxiliary_step(body);
        return turn;
    }
    ++consumed_;
    if (opts_.repeat_script && next_step_ == opts_.script.size()) next_step_ = 0;
    if (next_step_ < opts_.script.size()) {
        turn.step = opts_.script[next_step_++];
        return turn;
    }
    // Past the end: repeat the last text step, so a chatty agent still gets an answer.
    auto last_text = std::find_if(opts_.script.rbegin(), opts_.script.rend(),
                                  [](const auto& s) { return s.tool_name.empty(); });
    turn.step = last_text != opts_.script.rend() ? *last_text : mock_script_step{"OK", "", {}};
    return turn;
}

mock_reply mock_router::route(const mock_request& req) {
    std::string_view target = req.path;
    size_t q = target.find('?');
    std::string_view path = target.substr(0, q);
    std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);
    bool post = req.method == "POST";
    if (post && (path == "/v1/messages" || path == "/v1/messages/count_tokens"))
        return anthropic(req, path);
    if (post && (path == "/v1/chat/completions" || path == "/chat/completions")) return openai(req);
    if (post && (starts_with(path, "/v1beta/models/") || starts_with(path, "/v1/models/")) &&
        path.find(':') != std::string_view::npos)
        return gemini(req, path, query);
    if (post && (path == "/api/chat" || path == "/api/generate")) return ollama(req, path);
    return probe(req, path);
}

mock_reply mock_router::anthropic(const mock_request& req, std::string_view path) {
    json body;
    if (!parse_json(req.body, body)) return error_reply(400, "request body is not a JSON object");
    if (path == "/v1/messages/count_tokens")
        return json_reply({{"input_tokens", opts_.input_tokens}});
    if (!body.contains("messages") || !body["messages"].is_array())
        return error_reply(400, "messages: field required");
    bool stream = body.value("stream", false);
    mock_turn turn = next_turn(body, string_field(body, "model", opts_.model), stream);
    return anthropic_reply(turn);
}

mock_reply mock_router::openai(const mock_request& req) {
    json body;
    if (!parse_json(req.body, body)) return error_reply(400, "request body is not a JSON object");
    if (!body.contains("messages") || !body["messages"].is_array())
        return error_reply(400, "messages: field required");
    bool stream = body.value("stream", false);
    bool include_usage = false;
    if (auto so = body.find("stream_options"); so != body.end() && so->is_object())
        include_usage = so->value("include_usage", false);
    mock_turn turn = next_turn(body, string_field(body, "model", opts_.model), stream);
    return openai_reply(turn, include_usage);
}

mock_reply mock_router::gemini(const mock_request& req, std::string_view path,
                               std::string_view query) {
    size_t colon = path.rfind(':');
    std::string_view action = path.substr(colon + 1);
    std::string_view resource = path.substr(0, colon);
    std::string model(resource.substr(resource.rfind('/') + 1));
    json body;
    if (!parse_json(req.body, body)) return error_reply(400, "request body is not a JSON object");
    if (action == "countTokens") return json_reply({{"totalTokens", opts_.input_tokens}});
    if (action != "generateContent" && action != "streamGenerateContent")
        return error_reply(404, "unknown method " + std::string(action));
    if (!body.contains("contents") || !body["contents"].is_array())
        return error_reply(400, "contents: field required");
    bool stream = action == "streamGenerateContent";
    mock_turn turn = next_turn(body, model.empty() ? opts_.model : model, stream);
    gemini_framing framing = !stream                              ? gemini_framing::single
                             : query_param(query, "alt") == "sse" ? gemini_framing::sse
                                                                  : gemini_framing::json_array;
    return gemini_reply(turn, framing);
}

// Everything that is not an LLM call: model listings get a plausible answer, anything else an
// immediate 404, so that an agent's start-up probes never wait on us.
mock_reply mock_router::probe(const mock_request& req, std::string_view path) const {
    if (req.method == "GET" && path == "/v1/models")
        return json_reply({{"data", json::array({model_entry(opts_.model)})},
                           {"object", "list"},
                           {"has_more", false},
                           {"first_id", opts_.model},
                           {"last_id", opts_.model}});
    if (req.method == "GET" && path == "/v1beta/models")
        return json_reply({{"models", json::array({gemini_model("gemini-2.5-pro")})}});
    if (req.method == "GET" && starts_with(path, "/v1beta/models/"))
        return json_reply(gemini_model(std::string(path.substr(path.rfind('/') + 1))));
    return error_reply(404, "the mock LLM server does not serve " + std::string(path));
}

}  // namespace agentsight::demo
