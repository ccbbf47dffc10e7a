#include "analyzers/secret_scanner.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "analyzers/http_types.h"
#include "analyzers/redact_marker.h"

namespace agentsight::analyzers {
namespace {

constexpr bool alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
constexpr bool upper(char c) {
    return c >= 'A' && c <= 'Z';
}
constexpr char lower(char c) {
    return upper(c) ? static_cast<char>(c | 0x20) : c;
}
bool token_char(char c) {
    return alnum(c) || c == '-' || c == '_';
}
bool bearer_char(char c) {
    return alnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '+' || c == '/' ||
           c == '=';
}
bool base64_char(char c) {
    return alnum(c) || c == '+' || c == '/';
}
bool upper_alnum(char c) {
    return upper(c) || (c >= '0' && c <= '9');
}
bool key_name_char(char c) {
    return alnum(c) || c == '-' || c == '_' || c == '.';
}
bool query_end(char c) {
    return c == '&' || c == '#' || c == ' ' || c == '"' || c == '\'' || c == '<' || c == '>' ||
           c == '\r' || c == '\n' || c == '\t' || c == '\\';
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}
bool ends_with_ci(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}
bool contains_ci(std::string_view s, std::string_view word) {
    for (size_t i = 0; i + word.size() <= s.size(); ++i)
        if (iequals(s.substr(i, word.size()), word)) return true;
    return false;
}

size_t run(std::string_view text, size_t from, bool (*chars)(char)) {
    size_t i = from;
    while (i < text.size() && chars(text[i])) ++i;
    return i;
}

struct token_rule {
    std::string_view prefix;
    size_t min_len;  // of the part after the prefix
    size_t max_len;  // 0: unbounded
    bool (*chars)(char);
};

// Longest prefix first where one prefix starts another ("sk-ant-" before "sk-").
constexpr std::array<token_rule, 22> k_tokens = {{
    {"sk-ant-", 16, 0, token_char},   // Anthropic
    {"sk-proj-", 16, 0, token_char},  // OpenAI project keys
    {"sk-", 16, 0, token_char},       // OpenAI and compatibles
    {"sk_live_", 16, 0, alnum},       // Stripe
    {"sk_test_", 16, 0, alnum},
    {"rk_live_", 16, 0, alnum},
    {"AIza", 20, 0, token_char},    // Google API keys
    {"AKIA", 16, 16, upper_alnum},  // AWS access key ids
    {"ASIA", 16, 16, upper_alnum},
    {"ghp_", 20, 0, alnum},  // GitHub
    {"gho_", 20, 0, alnum},
    {"ghu_", 20, 0, alnum},
    {"ghs_", 20, 0, alnum},
    {"ghr_", 20, 0, alnum},
    {"github_pat_", 20, 0, token_char},
    {"glpat-", 20, 0, token_char},  // GitLab
    {"hf_", 30, 0, alnum},          // Hugging Face
    {"xoxb-", 10, 0, token_char},   // Slack
    {"xoxp-", 10, 0, token_char},
    {"xoxa-", 10, 0, token_char},
    {"xoxs-", 10, 0, token_char},
    {"xoxr-", 10, 0, token_char},
}};

// A word ending `name` at a boundary: the whole name, after '_', '-' or '.', in camelCase
// ("apiKey"), or after a word that makes a credential compound ("apikey", "authtoken").
bool ends_with_word(std::string_view name, std::string_view word) {
    if (!ends_with_ci(name, word)) return false;
    size_t at = name.size() - word.size();
    if (at == 0) return true;
    char before = name[at - 1];
    if (before == '_' || before == '-' || before == '.') return true;
    if (upper(name[at]) && !upper(before)) return true;
    std::string_view stem = name.substr(0, at);
    for (auto w : {"api", "access", "auth", "refresh", "session", "secret", "private", "client",
                   "app", "bot", "user", "id", "bearer", "master", "signing", "encryption"})
        if (ends_with_ci(stem, w)) return true;
    return false;
}

// Key-value names in the capture that are not credentials although they end like one.
bool known_public_key(std::string_view name) {
    for (auto k :
         {"public_key", "publickey", "public-key", "primary_key", "sort_key", "partition_key",
          "cache_key", "foreign_key", "stop_token", "eos_token", "bos_token", "pad_token",
          "next_token", "page_token", "next_page_token", "continuation_token", "pagination_token"})
        if (iequals(name, k)) return true;
    return false;
}

// "Name: value" at a line start for a credential header; returns the value span (after a
// "Bearer "/"Basic " scheme, which stays).
bool header_at(std::string_view text, size_t i, secret_span& span) {
    size_t j = i;
    while (j < text.size() && j - i < 64 && key_name_char(text[j])) ++j;
    if (j == i || j >= text.size() || text[j] != ':') return false;
    std::string_view name = text.substr(i, j - i);
    if (!is_secret_key(name)) return false;
    ++j;
    while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
    for (auto scheme : {"bearer ", "basic ", "token ", "bot "})
        if (starts_with_ci(text.substr(j), scheme)) j += std::string_view(scheme).size();
    size_t end = j;
    while (end < text.size() && text[end] != '\r' && text[end] != '\n') ++end;
    span = {j, end, end == text.size() ? secret_tail::header_value : secret_tail::none};
    return true;
}

bool env_name_char(char c) {
    return upper_alnum(c) || c == '_';
}

// NAME=value where NAME is an environment-style variable naming a credential
// (GEMINI_API_KEY=..., GITHUB_TOKEN=...): command lines carry these.
bool env_assignment_at(std::string_view text, size_t i, secret_span& span) {
    size_t e = i;
    while (e < text.size() && env_name_char(text[e])) ++e;
    if (e == i || e >= text.size() || text[e] != '=') return false;
    std::string_view name = text.substr(i, e - i);
    bool secret = false;
    for (auto word : {"KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "AUTH"})
        secret = secret || name.find(word) != std::string_view::npos;
    if (!secret) return false;
    size_t b = e + 1, end = b;
    while (end < text.size() && !query_end(text[end])) ++end;
    span = {b, end, end == text.size() ? secret_tail::query_value : secret_tail::none};
    return end > b || end == text.size();
}

// name=value in a query string or form body (after '?', '&', a line start, a space or a
// '/' of a path).
bool key_value_at(std::string_view text, size_t i, secret_span& span) {
    size_t e = i;
    while (e < text.size() && e - i < 64 && key_name_char(text[e])) ++e;
    if (e == i || e >= text.size() || text[e] != '=') return false;
    if (!is_secret_key(text.substr(i, e - i))) return false;
    size_t b = e + 1, end = b;
    while (end < text.size() && !query_end(text[end])) ++end;
    if (end == b && end != text.size()) return false;
    span = {b, end, end == text.size() ? secret_tail::query_value : secret_tail::none};
    return true;
}

// "name" : "value" in JSON where the name is a credential; the span is the value's text.
bool json_member_at(std::string_view text, size_t i, secret_span& span) {
    size_t e = i + 1;
    while (e < text.size() && e - i < 64 && text[e] != '"' && text[e] != '\\') ++e;
    if (e >= text.size() || text[e] != '"' || e == i + 1) return false;
    size_t j = e + 1;
    while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
    if (j >= text.size() || text[j] != ':') return false;
    ++j;
    while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
    if (j >= text.size() || text[j] != '"') return false;
    if (!is_secret_key(text.substr(i + 1, e - i - 1))) return false;
    size_t b = j + 1, end = b;
    while (end < text.size() && text[end] != '"') end += text[end] == '\\' ? 2 : 1;
    end = std::min(end, text.size());
    span = {b, end, end == text.size() ? secret_tail::json_string : secret_tail::none};
    return end > b || end == text.size();
}

// A Bearer/Basic credential outside a header: long enough and not an English word.
bool credential_shaped(std::string_view v) {
    if (v.size() < 8) return false;
    for (size_t k = 1; k < v.size(); ++k)
        if (!(v[k] >= 'a' && v[k] <= 'z')) return true;
    return false;
}

// -----BEGIN ... PRIVATE KEY----- through the matching END line: the body is the span.
bool pem_at(std::string_view text, size_t i, secret_span& span) {
    constexpr std::string_view begin = "-----BEGIN ";
    if (text.compare(i, begin.size(), begin) != 0) return false;
    size_t head_end = text.find("-----", i + begin.size());
    if (head_end == std::string_view::npos || head_end - i > 80) return false;
    if (text.substr(i, head_end - i).find("PRIVATE KEY") == std::string_view::npos) return false;
    size_t b = head_end + 5;
    size_t end = text.find("-----END", b);
    if (end == std::string_view::npos) end = text.size();
    span = {b, end, end == text.size() ? secret_tail::pem_block : secret_tail::none};
    return true;
}

// header.payload.signature, base64url, header opening with "eyJ" ('{"').
bool jwt_at(std::string_view text, size_t i, secret_span& span) {
    if (text.compare(i, 3, "eyJ") != 0) return false;
    size_t e = run(text, i, token_char);
    if (e - i < 10 || e >= text.size() || text[e] != '.') return false;
    size_t p = run(text, e + 1, token_char);
    if (p - e < 10) return false;
    size_t end = p;
    if (p < text.size() && text[p] == '.') end = run(text, p + 1, token_char);
    span = {i, end, end == text.size() ? secret_tail::token : secret_tail::none};
    return true;
}

// scheme://user:password@host: the password is the span.
bool userinfo_at(std::string_view text, size_t colon, secret_span& span) {
    if (text.compare(colon, 3, "://") != 0) return false;
    size_t u = colon + 3, pass = 0, at = u;
    for (; at < text.size() && at - u < 256; ++at) {
        char c = text[at];
        if (c == '@') break;
        if (c == ':' && !pass) pass = at + 1;
        if (!(alnum(c) || c == '.' || c == '_' || c == '~' || c == '%' || c == '-' || c == '!' ||
              c == '$' || c == '*' || c == '+' || c == ',' || c == ';' || c == '=' || c == ':'))
            return false;
    }
    if (!pass || at >= text.size() || text[at] != '@' || at == pass) return false;
    span = {pass, at, secret_tail::none};
    return true;
}

// The 40-character AWS secret access key printed near its key id (streaming: or the start
// of one, cut by the end of the record).
bool aws_secret_after(std::string_view text, size_t from, bool streaming, secret_span& span) {
    size_t limit = std::min(text.size(), from + 200);
    for (size_t i = from; i < limit; ++i) {
        if (!base64_char(text[i]) || (i > 0 && base64_char(text[i - 1]))) continue;
        size_t e = run(text, i, base64_char);
        if (e - i == 40 && (e == text.size() || text[e] != '=')) {
            span = {i, e, e == text.size() && streaming ? secret_tail::token : secret_tail::none};
            return true;
        }
        if (streaming && e == text.size() && e - i < 40) {
            span = {i, e, secret_tail::token};
            return true;
        }
        i = e;
    }
    return false;
}

// Which bytes can open a rule, and after which bytes. Capitals can open anywhere after a
// non-alphanumeric (env names, "AIza", "AKIA", header names), as can the first letter of a
// token prefix, '"' (a JSON key) and '-' (a PEM block); any letter after a line start, '?',
// '&', a space or '/' (a header, query or form key); ':' even after a letter ("https://").
constexpr uint8_t k_opens_anywhere = 1;
constexpr uint8_t k_opens_after_break = 2;  // line start, '?', '&', ' '
constexpr uint8_t k_opens_always = 4;
constexpr std::array<uint8_t, 256> k_opens = [] {
    std::array<uint8_t, 256> t{};
    for (int c = 'a'; c <= 'z'; ++c) t[c] = k_opens_after_break;
    for (int c = 'A'; c <= 'Z'; ++c) t[c] = k_opens_anywhere | k_opens_after_break;
    for (char c : std::string_view("bgsxhre\"-")) t[uint8_t(c)] |= k_opens_anywhere;
    t[uint8_t(':')] = k_opens_always;
    return t;
}();
constexpr std::array<uint8_t, 256> k_allows_next = [] {
    std::array<uint8_t, 256> t{};
    for (int c = 0; c < 256; ++c) t[c] = (alnum(char(c)) ? 0 : k_opens_anywhere) | k_opens_always;
    for (char c : std::string_view("\n?& /")) t[uint8_t(c)] |= k_opens_after_break;
    return t;
}();

// The first position at or after `i` where a rule can match, with two table lookups per
// byte: most of the text is skipped without the rules' own tests.
size_t next_candidate(std::string_view text, size_t i) {
    uint8_t allowed = i > 0 ? k_allows_next[uint8_t(text[i - 1])] : uint8_t(0xff);
    for (; i < text.size(); ++i) {
        const uint8_t c = uint8_t(text[i]);
        if (k_opens[c] & allowed) return i;
        allowed = k_allows_next[c];
    }
    return i;
}

bool token_at(std::string_view text, size_t i, bool streaming, secret_span& span) {
    for (const auto& rule : k_tokens) {
        if (text.compare(i, rule.prefix.size(), rule.prefix) != 0) continue;
        size_t b = i + rule.prefix.size();
        size_t e = run(text, b, rule.chars);
        bool open = e == text.size();
        if (rule.max_len && e - b > rule.max_len) return false;
        if (e - b >= rule.min_len || (streaming && open && e > b)) {
            span = {b, e, open ? secret_tail::token : secret_tail::none, true};
            return true;
        }
        return false;
    }
    return false;
}

bool scheme_credential_at(std::string_view text, size_t i, bool streaming, secret_span& span) {
    for (std::string_view scheme : {"bearer ", "basic "}) {
        if (!starts_with_ci(text.substr(i), scheme)) continue;
        size_t b = i + scheme.size();
        while (b < text.size() && text[b] == ' ') ++b;
        size_t e = run(text, b, bearer_char);
        bool open = e == text.size();
        if (credential_shaped(text.substr(b, e - b)) || (streaming && open && e > b)) {
            span = {b, e, open ? secret_tail::token : secret_tail::none};
            return true;
        }
    }
    return false;
}

}  // namespace

bool is_secret_key(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    for (auto h :
         {"authorization", "proxy-authorization", "cookie", "set-cookie", "passwd", "pwd", "auth"})
        if (iequals(name, h)) return true;
    if (contains_ci(name, "password") || contains_ci(name, "passwd") ||
        contains_ci(name, "credential") || contains_ci(name, "private_key") ||
        contains_ci(name, "client_secret"))
        return true;
    if (known_public_key(name)) return false;
    for (auto w : {"key", "token", "secret", "passphrase"})
        if (ends_with_word(name, w)) return true;
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
        auto take = [&] {
            out.push_back(span);
            i = std::max(span.end, i + 1);
        };
        if (c == ':') {
            if (userinfo_at(text, i, span)) {
                take();
            } else {
                ++i;
            }
            continue;
        }
        if (c == '"') {
            if (json_member_at(text, i, span)) {
                take();
            } else {
                ++i;
            }
            continue;
        }
        if (c == '-') {
            if (pem_at(text, i, span)) {
                take();
            } else {
                ++i;
            }
            continue;
        }
        if ((prev == '\n' || i == 0) && header_at(text, i, span)) {
            if (span.end > span.begin || span.continues != secret_tail::none) out.push_back(span);
            i = std::max(span.end, i + 1);
            continue;
        }
        if (upper(c) && !token_char(prev) && env_assignment_at(text, i, span)) {
            take();
            continue;
        }
        if ((prev == '?' || prev == '&' || prev == '\n' || prev == ' ' || prev == '/' || i == 0) &&
            key_value_at(text, i, span)) {
            take();
            continue;
        }
        const bool aws_id =
            c == 'A' && (text.compare(i, 4, "AKIA") == 0 || text.compare(i, 4, "ASIA") == 0);
        if (!token_char(prev) && token_at(text, i, streaming, span)) {
            take();
            secret_span aws;
            // The secret may lie beyond other secrets (a key id list): scanning goes on from
            // the id, and redact_text orders the spans.
            if (aws_id && aws_secret_after(text, i, streaming, aws)) out.push_back(aws);
            continue;
        }
        // An id masked already (the record before ended inside it): its secret may follow.
        if (aws_id && !token_char(prev) && i + 4 < text.size() && text[i + 4] == '[' &&
            aws_secret_after(text, i + 4, streaming, span)) {
            take();
            continue;
        }
        if (c == 'e' && !token_char(prev) && jwt_at(text, i, span)) {
            take();
            continue;
        }
        if ((c == 'B' || c == 'b') && !alnum(prev) &&
            scheme_credential_at(text, i, streaming, span)) {
            take();
            continue;
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
        case secret_tail::json_string:
            while (i < text.size() && text[i] != '"') i += text[i] == '\\' ? 2 : 1;
            return std::min(i, text.size());
        case secret_tail::pem_block: {
            size_t end = text.find("-----END");
            return end == std::string_view::npos ? text.size() : end;
        }
    }
    return 0;
}

bool redact_text(std::string_view text, std::string& out) {
    thread_local std::vector<secret_span> spans;
    spans.clear();
    find_secrets(text, false, spans);
    if (spans.empty()) return false;
    std::sort(spans.begin(), spans.end(),
              [](const secret_span& a, const secret_span& b) { return a.begin < b.begin; });
    std::string result;
    result.reserve(text.size());
    size_t at = 0;
    for (size_t k = 0; k < spans.size(); ++k) {
        secret_span s = spans[k];
        // Overlapping spans (an AWS secret found from its id) are masked as one.
        while (k + 1 < spans.size() && spans[k + 1].begin < s.end)
            s.end = std::max(s.end, spans[++k].end);
        if (s.end <= s.begin || s.begin < at) continue;
        result.append(text.substr(at, s.begin - at));
        result.append(redaction_marker(text.substr(s.begin, s.end - s.begin), s.after_prefix));
        at = s.end;
    }
    result.append(text.substr(at));
    out = std::move(result);
    return true;
}

}  // namespace agentsight::analyzers
