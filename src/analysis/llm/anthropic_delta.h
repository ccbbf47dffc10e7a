// SPDX-License-Identifier: Apache-2.0
// Anthropic's hot stream event, content_block_delta with a text, thinking or tool-input
// delta, read without building a JSON document. It is most of a streamed response, and a
// DOM per event (allocations for every key and value) cost more than the rest of the
// analysis together. Only the exact compact shape the API sends is accepted; anything else
// (other delta types, whitespace, reordered or extra keys) returns nullopt and the caller
// uses the full parser, so the result never depends on which path read the event.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace agentsight::analyzers::llm {

enum class delta_kind { text, thinking, input_json };

struct anthropic_delta {
    delta_kind kind;
    int64_t index;  // the content block
};

// `data` is one SSE data payload. On a match, `value` holds the decoded delta string
// ("text", "thinking" or "partial_json"); it is scratch otherwise.
std::optional<anthropic_delta> read_anthropic_delta(std::string_view data, std::string& value);

}  // namespace agentsight::analyzers::llm
