#include "util/terminal_text.h"

#include <cstdint>

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

// The length of the well-formed UTF-8 sequence at s[i] (2..4) and its code
// point, or 0 when the bytes there are not one (overlong, surrogate, past
// U+10FFFF, truncated or a stray continuation byte).
size_t decode_utf8(std::string_view s, size_t i, uint32_t& cp) {
    const uint8_t c = uint8_t(s[i]);
    size_t len;
    if ((c & 0xE0) == 0xC0) {
        len = 2;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + len > s.size()) return 0;
    for (size_t k = 1; k < len; ++k) {
        const uint8_t cc = uint8_t(s[i + k]);
        if ((cc & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t k_min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < k_min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
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
        const size_t len = decode_utf8(s, i, cp);
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
