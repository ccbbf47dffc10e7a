// SPDX-License-Identifier: Apache-2.0
// The three provider wire formats the mock speaks. Each function turns one scripted step into a
// reply (body parts before HTTP framing), shaped like the real API's so that real agents accept
// it and our analyzers see realistic streams.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "demo/mock_types.h"

namespace agentsight::demo {

struct mock_turn {
    mock_script_step step;
    std::string model;
    uint64_t seq = 0;  // 1-based reply number; names message and tool-call ids
    uint64_t input_tokens = 0, output_tokens = 0, cache_read_tokens = 0, cache_creation_tokens = 0;
    bool stream = false;
};

// Anthropic Messages: SSE events message_start ... message_stop, or one JSON message.
mock_reply anthropic_reply(const mock_turn& turn);

// OpenAI Chat Completions: `data:` chunks ending in [DONE] (a usage chunk first when asked).
mock_reply openai_reply(const mock_turn& turn, bool include_usage);

// Gemini generateContent. A stream is SSE with alt=sse, otherwise a JSON array of responses.
enum class gemini_framing { single, sse, json_array };
mock_reply gemini_reply(const mock_turn& turn, gemini_framing framing);

// Ollama /api/chat (`chat`) or /api/generate: NDJSON lines when streamed, else one object.
mock_reply ollama_reply(const mock_turn& turn, bool chat);

// A JSON value of the shape a JSON schema asks for (first enum value, empty strings...), so
// that structured side requests (Gemini CLI's next-speaker check, model router) parse.
nlohmann::json sample_from_schema(const nlohmann::json& schema);

// Splits s into at most n pieces of similar size without cutting a UTF-8 sequence, so that
// deltas look like a model's incremental output.
std::vector<std::string> split_pieces(std::string_view s, size_t n);

// Groups events into about `writes` parts, keeping the first event alone in the first part
// (it goes out in the same write as the headers).
std::vector<std::string> group_parts(const std::vector<std::string>& events, size_t writes);

}  // namespace agentsight::demo
