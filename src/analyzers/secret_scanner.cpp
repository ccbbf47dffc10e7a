#include "analyzers/secret_scanner.h"

#include <array>
#include <cstdint>

#include "analyzers/http_types.h"

namespace agentsight::analyzers {
namespace {

constexpr std::string_view k_mask = "[REDACTED]";

constexpr bool alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool token_char(char c) {
    return alnum(c) || c == '-' || c == '_';
}
bool bearer_char(char c) {
    return alnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '+' || c == '/' ||
           c == '=';
}
bool query_end(char c) {
    return c == '&' || c == '#' || c == ' ' || c == '"' || c == '\'' || c == '<' || c == '>' ||
           c == '\r' || c == '\n' || c == '\t' || c == '\\';
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

struct token_rule {
    std::string_view prefix;
    size_t min_len;  // of the part after the prefix
    bool (*chars)(char);
};

constexpr std::array<token_rule, 11> k_tokens = {{
    {"sk-", 16, token_char},   // OpenAI sk-..., sk-proj-...; Anthropic sk-ant-...
    {"AIza", 20, token_char},  // Google API keys
    {"ghp_", 20, alnum},
    {"gho_", 20, alnum},
    {"ghu_", 20, alnum},
    {"ghs_", 20, alnum},
    {"ghr_", 20, alnum},
    {"github_pat_", 20, token_char},
    {"xoxb-", 10, token_char},
    {"xoxp-", 10, token_char},
    {"xoxa-", 10, token_char},
}};

constexpr std::array<std::string_view, 6> k_secret_headers = {
    "authorization", "proxy-authorization", "x-api-key", "x-goog-api-key", "cookie", "set-cookie"};

constexpr std::array<std::string_view, 5> k_query_keys = {
    "key=", "api_key=", "apikey=", "access_token=", "token="};

size_t run(std::string_view text, size_t from, bool (*chars)(char)) {
    size_t i = from;
    while (i < text.size() && chars(text[i])) ++i;
    return i;
}

// "Name: value" at a line start for a credential header; returns the value span.
bool header_at(std::string_view text, size_t i, secret_span& span) {
    for (auto name : k_secret_headers) {
        if (!starts_with_ci(text.substr(i), name)) continue;
        size_t j = i + name.size();
        while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
        if (j >= text.size() || text[j] != ':') continue;
        ++j;
        while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
        size_t end = j;
        while (end < text.size() && text[end] != '\r' && text[end] != '\n') ++end;
        span = {j, end, end == text.size() ? secret_tail::header_value : secret_tail::none};
        return true;
    }
    return false;
}

bool env_name_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// NAME=value where NAME is an environment-style variable naming a credential
// (GEMINI_API_KEY=..., GITHUB_TOKEN=...): command lines carry these.
bool env_assignment_at(std::string_view text, size_t i, secret_span& span) {
    size_t e = i;
    while (e < text.size() && env_name_char(text[e])) ++e;
    if (e == i || e >= text.size() || text[e] != '=') return false;
    std::string_view name = text.substr(i, e - i);
    bool secret = false;
    for (auto word : {"KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL"})
        secret = secret || name.find(word) != std::string_view::npos;
    if (!secret) return false;
    size_t b = e + 1, end = b;
    while (end < text.size() && !query_end(text[end])) ++end;
    span = {b, end, end == text.size() ? secret_tail::query_value : secret_tail::none};
    return end > b || end == text.size();
}

// Which bytes can open a rule, and after which bytes. Any capital can (env names, "AIza",
// header and query names in any case), as can the first letter of a token prefix or
// "bearer"; the other first letters of header names and query keys only at a line start or
// after '?' or '&'. Nothing opens right after a letter or digit.
constexpr uint8_t k_opens_anywhere = 1;
constexpr uint8_t k_opens_after_break = 2;  // line start, '?', '&'
constexpr std::array<uint8_t, 256> k_opens = [] {
    std::array<uint8_t, 256> t{};
    for (int c = 'A'; c <= 'Z'; ++c) t[c] = k_opens_anywhere;
    for (char c : std::string_view("bgsx")) t[uint8_t(c)] = k_opens_anywhere;
    for (char c : std::string_view("ackpt")) t[uint8_t(c)] = k_opens_after_break;
    return t;
}();
constexpr std::array<uint8_t, 256> k_allows_next = [] {
    std::array<uint8_t, 256> t{};
    for (int c = 0; c < 256; ++c) t[c] = alnum(char(c)) ? 0 : k_opens_anywhere;
    for (char c : std::string_view("\n?&")) t[uint8_t(c)] |= k_opens_after_break;
    return t;
}();

// The first position at or after `i` where a rule can match, with two table lookups per
// byte: most of the text is skipped without the rules' own tests.
size_t next_candidate(std::string_view text, size_t i) {
    uint8_t allowed = i > 0 ? k_allows_next[uint8_t(text[i - 1])]
                            : uint8_t(k_opens_anywhere | k_opens_after_break);
    for (; i < text.size(); ++i) {
        const uint8_t c = uint8_t(text[i]);
        if (k_opens[c] & allowed) return i;
        allowed = k_allows_next[c];
    }
    return i;
}

}  // namespace

bool is_secret_key(std::string_view name) {
    for (auto h : k_secret_headers)
        if (iequals(name, h)) return true;
    for (auto k : {"api_key", "apikey", "api-key", "access_token", "refresh_token", "password",
                   "secret", "client_secret", "token"})
        if (iequals(name, k)) return true;
    return false;
}

void find_secrets(std::string_view text, bool streaming, std::vector<secret_span>& out) {
    size_t i = 0;
    while (i < text.size()) {
        i = next_candidate(text, i);
        if (i == text.size()) break;
        const char c = text[i];
        const char prev = i > 0 ? text[i - 1] : '\n';
        secret_span span;
        if ((prev == '\n' || i == 0) && header_at(text, i, span)) {
            if (span.end > span.begin || span.continues != secret_tail::none) out.push_back(span);
            i = std::max(span.end, i + 1);
            continue;
        }
        if (c >= 'A' && c <= 'Z' && !token_char(prev) && env_assignment_at(text, i, span)) {
            out.push_back(span);
            i = std::max(span.end, i + 1);
            continue;
        }
        const char lower = static_cast<char>(c | 0x20);
        if ((prev == '?' || prev == '&') && (lower == 'k' || lower == 'a' || lower == 't')) {
            bool hit = false;
            for (auto key : k_query_keys) {
                if (!starts_with_ci(text.substr(i), key)) continue;
                size_t b = i + key.size(), e = b;
                while (e < text.size() && !query_end(text[e])) ++e;
                if (e > b || e == text.size()) {
                    out.push_back(
                        {b, e, e == text.size() ? secret_tail::query_value : secret_tail::none});
                }
                i = std::max(e, i + 1);
                hit = true;
                break;
            }
            if (hit) continue;
        }
        if (!token_char(prev) && (c == 's' || c == 'A' || c == 'g' || c == 'x')) {
            bool hit = false;
            for (const auto& rule : k_tokens) {
                if (text.compare(i, rule.prefix.size(), rule.prefix) != 0) continue;
                size_t b = i + rule.prefix.size();
                size_t e = run(text, b, rule.chars);
                bool open = e == text.size();
                if (e - b >= rule.min_len || (streaming && open)) {
                    out.push_back({b, e, open ? secret_tail::token : secret_tail::none});
                    i = e;
                    hit = true;
                }
                break;
            }
            if (hit) continue;
        }
        if ((c == 'B' || c == 'b') && !alnum(prev) && starts_with_ci(text.substr(i), "bearer ")) {
            size_t b = i + 7;
            while (b < text.size() && text[b] == ' ') ++b;
            size_t e = run(text, b, bearer_char);
            bool open = e == text.size();
            if (e - b >= 8 || (streaming && open)) {
                out.push_back({b, e, open ? secret_tail::token : secret_tail::none});
                i = e;
                continue;
            }
        }
        ++i;
    }
}

size_t continuation_length(std::string_view text, secret_tail kind) {
    size_t i = 0;
    switch (kind) {
        case secret_tail::none:
            return 0;
        case secret_tail::header_value:
            while (i < text.size() && text[i] != '\r' && text[i] != '\n') ++i;
            return i;
        case secret_tail::token:
            return run(text, 0, bearer_char);
        case secret_tail::query_value:
            while (i < text.size() && !query_end(text[i])) ++i;
            return i;
    }
    return 0;
}

bool redact_text(std::string_view text, std::string& out) {
    thread_local std::vector<secret_span> spans;
    spans.clear();
    find_secrets(text, false, spans);
    if (spans.empty()) return false;
    std::string result;
    result.reserve(text.size());
    size_t at = 0;
    for (const auto& s : spans) {
        if (s.end <= s.begin) continue;
        result.append(text.substr(at, s.begin - at));
        result.append(k_mask);
        at = s.end;
    }
    result.append(text.substr(at));
    out = std::move(result);
    return true;
}

}  // namespace agentsight::analyzers
