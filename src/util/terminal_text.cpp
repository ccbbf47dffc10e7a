// SPDX-License-Identifier: Apache-2.0
#include "util/terminal_text.h"

#include <cstdint>

#include "util/utf8.h"

namespace agentsight {
namespace {

constexpr char k_hex[] = "0123456789abcdef";

void append_byte_escape(std::string& out, uint8_t b) {
    out += "\\x";
    out += k_hex[b >> 4];
    out += k_hex[b & 15];
}

void append_code_point_escape(std::string& out, uint32_t cp) {
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) out += k_hex[(cp >> shift) & 15];
}

// Code points that are valid text but steer the terminal or the line's layout.
bool steers_terminal(uint32_t cp) {
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
           (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

std::string printable(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        const uint8_t c = uint8_t(s[i]);
        if (c >= 0x20 && c < 0x7F) {
            out += char(c);
            ++i;
            continue;
        }
        if (c < 0x80) {  // C0 or DEL
            append_byte_escape(out, c);
            ++i;
            continue;
        }
        uint32_t cp = 0;
        const size_t len = utf8_sequence_at(s, i, cp);
        if (len == 0) {
            append_byte_escape(out, c);
            ++i;
        } else if (steers_terminal(cp)) {
            append_code_point_escape(out, cp);
            i += len;
        } else {
            out.append(s.substr(i, len));
            i += len;
        }
    }
    return out;
}

}  // namespace agentsight
