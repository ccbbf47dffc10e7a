// SPDX-License-Identifier: Apache-2.0
// Small, forgiving accessors for provider JSON: attacker-controlled bodies may have any
// shape, and a wrong type must never throw out of the analyzer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "analysis/llm/provider.h"

namespace agentsight::analyzers::llm {

// The member `key` of an object, or a null json when absent or `j` is not an object.
const json& member(const json& j, std::string_view key);
std::string str(const json& j, std::string_view key);
std::optional<int64_t> int_of(const json& j, std::string_view key);
// Text of a content value: a string, or the concatenated `text` of an array of parts
// (parts of other types are skipped).
std::string text_of(const json& content);
// What the person typed in a user message's content: a string, or its text parts one per line,
// without the context parts agents add (<system-reminder>: Claude Code, Qwen Code;
// <session_context>: Gemini CLI) and without thought parts. Works on Anthropic/OpenAI content
// blocks and on Gemini parts.
std::string typed_text(const json& content);
// Parses streamed tool arguments; an unparsable (cut off) text is kept as a string.
json parse_arguments(std::string_view text);
// Parses JSON without throwing; a discarded value on error.
json parse_json(std::string_view text);
void set_if(json& obj, const char* key, const json& value);  // copies unless null
// Names of the request's `tools` in OpenAI's function shape ({"function":{"name":…}}), which
// OpenAI-compatible servers and Ollama share; [] when absent.
json function_tool_names(const json& body);
bool ends_with(std::string_view s, std::string_view suffix);

}  // namespace agentsight::analyzers::llm
