// SPDX-License-Identifier: Apache-2.0
// Decoding one JSON string literal in place of a full parser, for hot paths that read a
// known shape (see analysis/llm/anthropic_delta). It accepts exactly what RFC 8259 and
// nlohmann::json accept, so a caller can fall back to the full parser on `false` and get
// the same answer either way.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace agentsight {

// `in[pos]` is the first byte after the opening quote. Appends the decoded string to `out`
// and moves `pos` past the closing quote. False, with `out` as it was, for an unterminated
// string, an unescaped control character, a bad escape or lone surrogate, or bytes that are
// not well-formed UTF-8.
bool append_json_string(std::string_view in, size_t& pos, std::string& out);

}  // namespace agentsight
