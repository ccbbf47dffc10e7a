// SPDX-License-Identifier: Apache-2.0
// The parsed head of one HTTP message, shared by the HTTP/1.1 and HTTP/2 parsers so that
// exchanges and LLM parsers never care which framing carried them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace agentsight::analyzers {

struct http_header {
    std::string name;  // lower case (HTTP/2 requires it; HTTP/1.1 names are folded)
    std::string value;
};

struct http_head {
    std::string method;  // requests
    std::string target;  // requests: path and query as sent
    std::string host;    // requests: Host or :authority
    int status = 0;      // responses
    std::vector<http_header> headers;

    // First value of a header, "" when absent. `name` must be lower case.
    std::string_view get(std::string_view name) const {
        for (const auto& h : headers)
            if (h.name == name) return h.value;
        return {};
    }
    bool has(std::string_view name) const {
        for (const auto& h : headers)
            if (h.name == name) return true;
        return false;
    }
};

// ASCII case-insensitive comparison; header names and tokens are ASCII.
inline bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

inline std::string to_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

inline std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

// The path without the query string.
inline std::string_view path_only(std::string_view target) {
    return target.substr(0, target.find('?'));
}

}  // namespace agentsight::analyzers
