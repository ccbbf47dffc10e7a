// SPDX-License-Identifier: Apache-2.0
// Ollama's native API (https://github.com/ollama/ollama/blob/main/docs/api.md): POST /api/chat
// and /api/generate. Streaming is the default and is NDJSON over chunked encoding, one object
// per line, the last with "done": true, done_reason and the token counts.
#include <ctime>

#include "demo/mock_providers.h"
#include "demo/mock_router.h"

namespace agentsight::demo {
namespace {

using nlohmann::json;

std::string created_at() {
    char buf[32];
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// One chunk: /api/chat carries a message, /api/generate a `response` string.
json chunk(const mock_turn& t, bool chat, const std::string& text, json tool_calls = nullptr) {
    json c = {{"model", t.model}, {"created_at", created_at()}};
    if (chat) {
        c["message"] = {{"role", "assistant"}, {"content", text}};
        if (!tool_calls.is_null()) c["message"]["tool_calls"] = std::move(tool_calls);
    } else {
        c["response"] = text;
    }
    c["done"] = false;
    return c;
}

json final_chunk(const mock_turn& t, bool chat, const std::string& text) {
    json c = chunk(t, chat, text);
    c["done"] = true;
    c["done_reason"] = "stop";
    c["total_duration"] = 1000000;
    c["prompt_eval_count"] = t.input_tokens;
    c["eval_count"] = t.output_tokens;
    return c;
}

json tool_calls_of(const mock_turn& t) {
    if (t.step.tool_name.empty()) return nullptr;
    return json::array(
        {{{"function",
           {{"name", t.step.tool_name},
            {"arguments", t.step.tool_input.is_null() ? json::object() : t.step.tool_input}}}}});
}

}  // namespace

mock_reply ollama_reply(const mock_turn& t, bool chat) {
    if (!t.stream) {
        json whole = final_chunk(t, chat, t.step.text);
        if (json calls = tool_calls_of(t); chat && !calls.is_null())
            whole["message"]["tool_calls"] = std::move(calls);
        return {200, "application/json; charset=utf-8", {whole.dump()}};
    }
    std::vector<std::string> lines;
    for (const auto& piece : split_pieces(t.step.text, 3))
        lines.push_back(chunk(t, chat, piece).dump() + "\n");
    if (json calls = tool_calls_of(t); chat && !calls.is_null())
        lines.push_back(chunk(t, chat, "", std::move(calls)).dump() + "\n");
    lines.push_back(final_chunk(t, chat, "").dump() + "\n");
    return {200, "application/x-ndjson", std::move(lines), true};
}

mock_reply mock_router::ollama(const mock_request& req, std::string_view path) {
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object())
        return error_reply(400, "request body is not a JSON object");
    bool chat = path == "/api/chat";
    if (chat && (!body.contains("messages") || !body["messages"].is_array()))
        return error_reply(400, "messages: field required");
    auto stream = body.find("stream");
    bool streamed = stream == body.end() || !stream->is_boolean() || stream->get<bool>();
    auto model = body.find("model");
    mock_turn turn = next_turn(
        body, model != body.end() && model->is_string() ? model->get<std::string>() : opts_.model,
        streamed);
    return ollama_reply(turn, chat);
}

}  // namespace agentsight::demo
