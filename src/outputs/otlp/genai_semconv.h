// SPDX-License-Identifier: Apache-2.0
// Mapping agentsight's llm_call JSON onto OpenTelemetry GenAI semantic
// conventions: provider names, finish reasons, and the message JSON that
// gen_ai.input.messages / gen_ai.output.messages / gen_ai.system_instructions carry.
#pragma once

#include <string>

#include "pipeline/event.h"

namespace agentsight {

// "anthropic" -> "anthropic", "openai" -> "openai", "gemini" -> "gcp.gemini"; others unchanged.
std::string genai_provider_name(const std::string& provider);
// A provider's stop reason in the conventions' vocabulary: stop, length,
// content_filter, tool_call, error; unknown reasons pass through.
std::string genai_finish_reason(const std::string& stop_reason);

// JSON arrays (as text) in the conventions' message schema, from llm_call fields.
std::string genai_system_instructions(const json& system);
std::string genai_input_messages(const json& messages);
std::string genai_output_messages(const events::llm_response& response);

}  // namespace agentsight
