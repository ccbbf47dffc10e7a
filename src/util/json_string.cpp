// SPDX-License-Identifier: Apache-2.0
#include "util/json_string.h"

#include <cstdint>

#include "util/utf8.h"

namespace agentsight {
namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Four hex digits at `in[pos]` (after "\u").
bool read_hex4(std::string_view in, size_t pos, uint32_t& value) {
    if (pos + 4 > in.size()) return false;
    value = 0;
    for (size_t k = 0; k < 4; ++k) {
        int d = hex_digit(in[pos + k]);
        if (d < 0) return false;
        value = (value << 4) | uint32_t(d);
    }
    return true;
}

void append_utf8(uint32_t cp, std::string& out) {
    if (cp < 0x80) {
        out.push_back(char(cp));
    } else if (cp < 0x800) {
        out.push_back(char(0xC0 | (cp >> 6)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(char(0xE0 | (cp >> 12)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(char(0xF0 | (cp >> 18)));
        out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    }
}

// "\uXXXX" (and its low half when it is a high surrogate) at `in[pos]`, the backslash.
bool read_unicode_escape(std::string_view in, size_t& pos, std::string& out) {
    uint32_t cp;
    if (!read_hex4(in, pos + 2, cp)) return false;
    pos += 6;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a low half on its own
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        uint32_t low;
        if (pos + 1 >= in.size() || in[pos] != '\\' || in[pos + 1] != 'u') return false;
        if (!read_hex4(in, pos + 2, low) || low < 0xDC00 || low > 0xDFFF) return false;
        pos += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(cp, out);
    return true;
}

bool read_escape(std::string_view in, size_t& pos, std::string& out) {
    if (pos + 1 >= in.size()) return false;
    char c = in[pos + 1];
    switch (c) {
        case '"':
        case '\\':
        case '/':
            break;
        case 'b':
            c = '\b';
            break;
        case 'f':
            c = '\f';
            break;
        case 'n':
            c = '\n';
            break;
        case 'r':
            c = '\r';
            break;
        case 't':
            c = '\t';
            break;
        case 'u':
            return read_unicode_escape(in, pos, out);
        default:
            return false;
    }
    out.push_back(c);
    pos += 2;
    return true;
}

bool decode(std::string_view in, size_t& pos, std::string& out) {
    while (pos < in.size()) {
        // A run of plain bytes is checked and copied at once; UTF-8 never contains '"' or
        // '\\' inside a sequence, so a run never ends mid-character in valid input.
        size_t end = pos;
        bool ascii = true;
        while (end < in.size()) {
            const auto c = static_cast<unsigned char>(in[end]);
            if (c == '"' || c == '\\' || c < 0x20) break;
            ascii = ascii && c < 0x80;
            ++end;
        }
        std::string_view run = in.substr(pos, end - pos);
        if (!ascii && !is_valid_utf8(run)) return false;
        out.append(run);
        pos = end;
        if (pos == in.size() || static_cast<unsigned char>(in[pos]) < 0x20) return false;
        if (in[pos] == '"') {
            ++pos;
            return true;
        }
        if (!read_escape(in, pos, out)) return false;
    }
    return false;
}

}  // namespace

bool append_json_string(std::string_view in, size_t& pos, std::string& out) {
    const size_t size_before = out.size();
    if (decode(in, pos, out)) return true;
    out.resize(size_before);
    return false;
}

}  // namespace agentsight
