// SPDX-License-Identifier: Apache-2.0
// A compiled-in copy of data/pricing.json; the unit test pricing_default_matches_file fails
// when the two differ: edit the file, then paste it here.
#include "report/report_pricing.h"

namespace agentsight::analyzers {

std::string_view default_pricing_text() {
    static constexpr std::string_view text = R"prices({
  "_doc": [
    "Estimated prices in USD per million tokens, used by 'agentsight report' (--pricing FILE",
    "replaces this table). The longest model-name prefix wins. cache_read and cache_write are",
    "the prices of cached input read and written. List prices change: check your provider."
  ],
  "models": {
    "claude-opus-4": {"input": 15, "output": 75, "cache_read": 1.5, "cache_write": 18.75},
    "claude-opus-4-5": {"input": 5, "output": 25, "cache_read": 0.5, "cache_write": 6.25},
    "claude-sonnet-4": {"input": 3, "output": 15, "cache_read": 0.3, "cache_write": 3.75},
    "claude-3-7-sonnet": {"input": 3, "output": 15, "cache_read": 0.3, "cache_write": 3.75},
    "claude-3-5-sonnet": {"input": 3, "output": 15, "cache_read": 0.3, "cache_write": 3.75},
    "claude-haiku-4-5": {"input": 1, "output": 5, "cache_read": 0.1, "cache_write": 1.25},
    "claude-3-5-haiku": {"input": 0.8, "output": 4, "cache_read": 0.08, "cache_write": 1},
    "gpt-4o": {"input": 2.5, "output": 10, "cache_read": 1.25},
    "gpt-4o-mini": {"input": 0.15, "output": 0.6, "cache_read": 0.075},
    "gpt-4.1": {"input": 2, "output": 8, "cache_read": 0.5},
    "gpt-4.1-mini": {"input": 0.4, "output": 1.6, "cache_read": 0.1},
    "gpt-4.1-nano": {"input": 0.1, "output": 0.4, "cache_read": 0.025},
    "gpt-5": {"input": 1.25, "output": 10, "cache_read": 0.125},
    "gpt-5-mini": {"input": 0.25, "output": 2, "cache_read": 0.025},
    "gpt-5-nano": {"input": 0.05, "output": 0.4, "cache_read": 0.005},
    "o3": {"input": 2, "output": 8, "cache_read": 0.5},
    "o4-mini": {"input": 1.1, "output": 4.4, "cache_read": 0.275},
    "gemini-2.5-pro": {"input": 1.25, "output": 10, "cache_read": 0.31},
    "gemini-2.5-flash": {"input": 0.3, "output": 2.5, "cache_read": 0.075},
    "gemini-2.0-flash": {"input": 0.1, "output": 0.4, "cache_read": 0.025}
  }
}
)prices";
    return text;
}

}  // namespace agentsight::analyzers
