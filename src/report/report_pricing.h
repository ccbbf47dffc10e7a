// SPDX-License-Identifier: Apache-2.0
// Token prices for the report's cost estimate (data/pricing.json, compiled in as a default).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/event.h"
#include "util/result.h"

namespace agentsight::analyzers {

struct model_price {
    std::string prefix;
    double input = 0, output = 0, cache_read = 0, cache_write = 0;  // USD per 1M tokens
};

struct price_table {
    std::vector<model_price> models;
    // The longest prefix of `model` in the table, or nullptr.
    const model_price* find(std::string_view model) const;
};

std::string_view default_pricing_text();
result<price_table> parse_pricing(std::string_view text, const std::string& where);
// The built-in table, or `path` instead of it when not empty.
result<price_table> load_pricing(const std::string& path);

// Tokens as normalized in llm_call.usage (docs/llm_call.md).
struct token_counts {
    uint64_t input = 0, output = 0, cache_read = 0, cache_write = 0;
};
// Anthropic's input_tokens exclude the cache; the others include the cached part, which is
// billed at the cache price instead.
double estimate_cost(const model_price& p, const token_counts& t, bool input_includes_cache);

}  // namespace agentsight::analyzers
