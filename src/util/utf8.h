// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace agentsight {

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool is_valid_utf8(std::string_view s);

// The length of the well-formed multi-byte UTF-8 sequence at s[i] (2..4) and
// its code point, or 0 when the bytes there are not one (ASCII, overlong,
// surrogate, past U+10FFFF, truncated or a stray continuation byte).
size_t utf8_sequence_at(std::string_view s, size_t i, uint32_t& cp);

}  // namespace agentsight
