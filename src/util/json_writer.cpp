// SPDX-License-Identifier: Apache-2.0
#include "util/json_writer.h"

#include <charconv>

#include "util/base64.h"
#include "util/utf8.h"

namespace agentsight {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when invalid.
size_t utf8_seq_len(std::string_view s, size_t i) {
    uint8_t c = uint8_t(s[i]);
    size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return 0;
    return is_valid_utf8(s.substr(i, len)) ? len : 0;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
    static constexpr char k_hex[] = "0123456789abcdef";
    out += '"';
    size_t i = 0;
    while (i < s.size()) {
        // Copy the longest run that needs no escaping in one go.
        size_t run = i;
        while (run < s.size()) {
            uint8_t c = uint8_t(s[run]);
            if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
            ++run;
        }
        out.append(s.data() + i, run - i);
        i = run;
        if (i >= s.size()) break;
        uint8_t c = uint8_t(s[i]);
        if (c >= 0x80) {
            size_t len = utf8_seq_len(s, i);
            if (len) {
                out.append(s.data() + i, len);
                i += len;
            } else {
                out += "\xEF\xBF\xBD";  // U+FFFD
                ++i;
            }
            continue;
        }
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                out += "\\u00";
                out += k_hex[c >> 4];
                out += k_hex[c & 15];
        }
        ++i;
    }
    out += '"';
}

void json_writer::comma() {
    if (!first_) out_ += ',';
    first_ = false;
}

void json_writer::begin_object() {
    out_ += '{';
    first_ = true;
}

void json_writer::end_object() {
    out_ += '}';
    first_ = false;
}

void json_writer::begin_array(std::string_view k) {
    key(k);
    out_ += '[';
    first_ = true;
}

void json_writer::end_array() {
    out_ += ']';
    first_ = false;
}

void json_writer::key(std::string_view k) {
    comma();
    append_json_string(out_, k);
    out_ += ':';
}

void json_writer::field(std::string_view k, std::string_view v) {
    key(k);
    append_json_string(out_, v);
}

void json_writer::field(std::string_view k, int64_t v) {
    key(k);
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
}

void json_writer::field(std::string_view k, uint64_t v) {
    key(k);
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
}

void json_writer::field_bool(std::string_view k, bool v) {
    key(k);
    out_ += v ? "true" : "false";
}

void json_writer::raw_field(std::string_view k, std::string_view json) {
    key(k);
    out_ += json;
}

void json_writer::bytes_field(std::string_view k, std::string_view bytes) {
    field(k, bytes);
    if (!is_valid_utf8(bytes)) {
        std::string b64_key(k);
        b64_key += "_b64";
        field(b64_key, base64_encode(bytes));
    }
}

void json_writer::element(std::string_view v) {
    comma();
    append_json_string(out_, v);
}

}  // namespace agentsight
