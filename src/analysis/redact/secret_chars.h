// SPDX-License-Identifier: Apache-2.0
// The character classes and small text tests the secret scanner's rules are written in
// (secret_scanner.cpp, secret_key_names.cpp, secret_redaction.cpp). Inline: they run on
// every candidate byte of a capture.
#pragma once

#include <cstddef>
#include <string_view>

#include "analysis/protocol/http_types.h"

namespace agentsight::analyzers::detail {

constexpr bool alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
constexpr bool upper(char c) {
    return c >= 'A' && c <= 'Z';
}
constexpr char lower(char c) {
    return upper(c) ? static_cast<char>(c | 0x20) : c;
}
inline bool token_char(char c) {
    return alnum(c) || c == '-' || c == '_';
}
inline bool bearer_char(char c) {
    return alnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '+' || c == '/' ||
           c == '=';
}
inline bool base64_char(char c) {
    return alnum(c) || c == '+' || c == '/';
}
inline bool upper_alnum(char c) {
    return upper(c) || (c >= '0' && c <= '9');
}
inline bool key_name_char(char c) {
    return alnum(c) || c == '-' || c == '_' || c == '.';
}
inline bool query_end(char c) {
    return c == '&' || c == '#' || c == ' ' || c == '"' || c == '\'' || c == '<' || c == '>' ||
           c == '\r' || c == '\n' || c == '\t' || c == '\\';
}

inline bool starts_with_ci(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}
inline bool ends_with_ci(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}
inline bool contains_ci(std::string_view s, std::string_view word) {
    for (size_t i = 0; i + word.size() <= s.size(); ++i)
        if (iequals(s.substr(i, word.size()), word)) return true;
    return false;
}

// text[at..] starts with `lit` (no call: these tests run on most candidates and fail).
inline bool at_literal(std::string_view text, size_t at, std::string_view lit) {
    if (at + lit.size() > text.size()) return false;
    for (size_t k = 0; k < lit.size(); ++k)
        if (text[at + k] != lit[k]) return false;
    return true;
}

inline size_t run(std::string_view text, size_t from, bool (*chars)(char)) {
    size_t i = from;
    while (i < text.size() && chars(text[i])) ++i;
    return i;
}

}  // namespace agentsight::analyzers::detail
