// SPDX-License-Identifier: Apache-2.0
// Base64 as the tests read it: src/util/base64's decoder, made forgiving for leak searches.
#pragma once

#include <string>
#include <string_view>

#include "util/base64.h"

namespace agentsight::test {

// The bytes of `text` ("" when it is not base64). A string cut short (a JSON value
// clipped mid-group) still gives the bytes of its whole 4-character groups.
inline std::string decode_base64(std::string_view text) {
    if (auto whole = base64_decode(text)) return *whole;
    return base64_decode(text.substr(0, text.size() / 4 * 4)).value_or("");
}

// A string that may be base64 worth decoding in a leak search: 16 or more characters, all
// from the alphabet.
inline bool base64_shaped(std::string_view s) {
    return s.size() >= 16 && s.find_first_not_of(
                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                 "0123456789+/=") == std::string_view::npos;
}

}  // namespace agentsight::test
