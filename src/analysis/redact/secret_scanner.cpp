// SPDX-License-Identifier: Apache-2.0
// find_secrets (secret_scanner.h): the rules for each kind of secret, each tried from the
// byte that can open it (secret_candidates.h finds those), and the scan that dispatches.
// Credential names are in secret_key_names.cpp, applying the spans in secret_redaction.cpp.
#include "analysis/redact/secret_scanner.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "analysis/redact/secret_candidates.h"
#include "analysis/redact/secret_chars.h"

namespace agentsight::analyzers {
namespace {

using namespace std::string_view_literals;
using namespace detail;

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

// The name ending just before text[at] (a ':' or '='): letters, digits, '-', '_', '.'.
size_t name_start(std::string_view text, size_t at) {
    size_t j = at;
    while (j > 0 && at - j < 64 && key_name_char(text[j - 1])) --j;
    return j;
}

// "Name: value" for a credential header at a line start, found from its ':'; the span is the
// value (after a "Bearer "/"Basic " scheme, which stays).
bool header_at(std::string_view text, size_t colon, secret_span& span) {
    const size_t j = name_start(text, colon);
    if (j == colon || (j > 0 && text[j - 1] != '\n')) return false;
    if (!is_secret_key(text.substr(j, colon - j))) return false;
    size_t v = colon + 1;
    while (v < text.size() && (text[v] == ' ' || text[v] == '\t')) ++v;
    for (std::string_view scheme : {"bearer "sv, "basic "sv, "token "sv, "bot "sv})
        if (starts_with_ci(text.substr(v), scheme)) v += scheme.size();
    size_t end = v;
    while (end < text.size() && text[end] != '\r' && text[end] != '\n') ++end;
    span = {v, end, end == text.size() ? secret_tail::header_value : secret_tail::none};
    return true;
}

bool env_name(std::string_view name) {
    for (char c : name)
        if (!upper_alnum(c) && c != '_') return false;
    for (auto word :
         {"KEY"sv, "TOKEN"sv, "SECRET"sv, "PASSWORD"sv, "PASSWD"sv, "CREDENTIAL"sv, "AUTH"sv})
        if (name.find(word) != std::string_view::npos) return true;
    return false;
}

// name=value, found from its '=': an environment-style assignment naming a credential
// (GEMINI_API_KEY=..., after any non-token byte), or a query, form or path parameter whose
// name is a credential (after '?', '&', a line start, a space or '/').
bool assignment_at(std::string_view text, size_t eq, secret_span& span) {
    const size_t j = name_start(text, eq);
    if (j == eq) return false;
    const char before = j > 0 ? text[j - 1] : '\n';
    const std::string_view name = text.substr(j, eq - j);
    const bool env = !token_char(before) && env_name(name);
    const bool param =
        (before == '?' || before == '&' || before == '\n' || before == ' ' || before == '/') &&
        is_secret_key(name);
    if (!env && !param) return false;
    size_t b = eq + 1, end = b;
    while (end < text.size() && !query_end(text[end])) ++end;
    if (end == b && end != text.size()) return false;
    span = {b, end, end == text.size() ? secret_tail::query_value : secret_tail::none};
    return true;
}

// The first '"' or '\\' in text[from, limit), or `limit`. A JSON value's closing quote after
// a space ("text":"I'll read ") looks like a key's opening quote, and its search runs on
// into the next SSE event: 16 bytes a step there.
size_t quote_or_backslash(std::string_view text, size_t from, size_t limit) {
#if defined(__SSE2__)
    for (; from < limit && from + 16 <= text.size(); from += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + from));
        const uint32_t m = uint32_t(_mm_movemask_epi8(_mm_or_si128(
            _mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')))));
        if (m) return std::min(limit, from + size_t(std::countr_zero(m)));
    }
#endif
    while (from < limit && text[from] != '"' && text[from] != '\\') ++from;
    return from;
}

// "name" : "value" in JSON where the name is a credential; the span is the value's text.
bool json_member_at(std::string_view text, size_t i, secret_span& span) {
    size_t e = quote_or_backslash(text, i + 1, std::min(text.size(), i + 64));
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

// "--flag value" or "--flag=value" where the flag names a credential: a command line
// joined into text (an alert message, a tool call's command).
bool flag_at(std::string_view text, size_t i, secret_span& span) {
    if (!at_literal(text, i, "--")) return false;
    size_t e = i + 2;
    while (e < text.size() && e - i < 64 && key_name_char(text[e])) ++e;
    if (e == i + 2 || e + 1 >= text.size() || (text[e] != ' ' && text[e] != '\t' && text[e] != '='))
        return false;
    std::string_view name = text.substr(i + 2, e - i - 2);
    if (!is_secret_key(name) && !contains_ci(name, "auth") && !contains_ci(name, "cookie"))
        return false;
    size_t b = e + 1, end = b;
    if (text[b] == '-') return false;  // the next flag, not a value
    while (end < text.size() && !query_end(text[end])) ++end;
    if (end == b) return false;
    span = {b, end, end == text.size() ? secret_tail::query_value : secret_tail::none};
    return true;
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
    if (!at_literal(text, i, begin)) return false;
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
    if (!at_literal(text, i, "eyJ")) return false;
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
    if (!at_literal(text, colon, "://")) return false;
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

using detail::candidates;

static_assert([] {
    for (const auto& rule : k_tokens) {
        bool listed = false;
        for (auto opening : detail::k_token_openings)
            listed = listed || rule.prefix.substr(0, 2) == opening;
        if (!listed) return false;
    }
    return true;
}());

// The rules whose prefix starts with each byte: [first, last) in k_tokens, whose rules
// sharing a first byte are adjacent (checked below), in their order of precedence.
struct rule_range {
    uint8_t first = 0, last = 0;
};
constexpr std::array<rule_range, 256> k_rules_by_first = [] {
    std::array<rule_range, 256> t{};
    for (size_t r = 0; r < k_tokens.size(); ++r) {
        auto& range = t[uint8_t(k_tokens[r].prefix[0])];
        if (range.last == 0) range.first = uint8_t(r);
        range.last = uint8_t(r + 1);
    }
    return t;
}();
static_assert([] {
    for (size_t r = 0; r < k_tokens.size(); ++r) {
        const auto range = k_rules_by_first[uint8_t(k_tokens[r].prefix[0])];
        if (r < range.first || r >= range.last) return false;
    }
    for (const auto& range : k_rules_by_first)
        for (size_t r = range.first; r < range.last; ++r)
            if (k_tokens[r].prefix[0] != k_tokens[range.first].prefix[0]) return false;
    return true;
}());

bool token_at(std::string_view text, size_t i, bool streaming, secret_span& span) {
    const rule_range range = k_rules_by_first[uint8_t(text[i])];
    for (size_t r = range.first; r < range.last; ++r) {
        const token_rule& rule = k_tokens[r];
        if (!at_literal(text, i, rule.prefix)) continue;
        size_t b = i + rule.prefix.size();
        size_t e = run(text, b, rule.chars);
        bool open = e == text.size();
        if (rule.max_len && e - b > rule.max_len) continue;
        if (e - b >= rule.min_len || (streaming && open && e > b)) {
            span = {b, e, open ? secret_tail::token : secret_tail::none, true};
            return true;
        }
        // Too short for this prefix: a shorter one may still match ("sk-ant-" → "sk-").
    }
    return false;
}

bool scheme_credential_at(std::string_view text, size_t i, bool streaming, secret_span& span) {
    if (i + 1 >= text.size() || (lower(text[i + 1]) != 'e' && lower(text[i + 1]) != 'a'))
        return false;
    for (std::string_view scheme : {"bearer "sv, "basic "sv}) {
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

// Scanning goes on past a span found at text[i] (and at least one byte on).
size_t past(const secret_span& span, size_t i) {
    return std::max(span.end, i + 1);
}

// ':', '=', '"' and '-' at text[i]: a header, URL userinfo, assignment, JSON member, PEM
// block or --flag. Returns where scanning goes on.
size_t at_punctuation(std::string_view text, size_t i, char prev, std::vector<secret_span>& out) {
    const char c = text[i];
    secret_span span;
    bool found = false;
    if (c == ':') {
        if (prev == '"') return i + 1;  // a JSON member's colon: neither a header nor "://"
        if (header_at(text, i, span)) {
            if (span.end > span.begin || span.continues != secret_tail::none) out.push_back(span);
            return past(span, i);
        }
        found = userinfo_at(text, i, span);
    } else if (c == '=') {
        found = assignment_at(text, i, span);
    } else if (c == '"') {
        // A member name opens after '{', ',' or white space; a value after ':'.
        const bool key_position =
            prev == '{' || prev == ',' || prev == ' ' || prev == '\n' || prev == '\t';
        found = key_position && json_member_at(text, i, span);
    } else {
        found = pem_at(text, i, span) || flag_at(text, i, span);
    }
    if (!found) return i + 1;
    out.push_back(span);
    return past(span, i);
}

// A letter at text[i]: a provider token (and an AWS secret near its key id), a JWT or a
// Bearer/Basic credential. Returns where scanning goes on.
size_t at_word(std::string_view text, size_t i, char prev, bool streaming,
               std::vector<secret_span>& out) {
    const char c = text[i];
    secret_span span;
    const bool aws_id = c == 'A' && (at_literal(text, i, "AKIA") || at_literal(text, i, "ASIA"));
    if (!token_char(prev) && k_rules_by_first[uint8_t(c)].last != 0 &&
        token_at(text, i, streaming, span)) {
        out.push_back(span);
        const size_t next = past(span, i);
        secret_span aws;
        // The secret may lie beyond other secrets (a key id list): scanning goes on from
        // the id, and redact_text orders the spans.
        if (aws_id && aws_secret_after(text, next, streaming, aws)) out.push_back(aws);
        return next;
    }
    // An id masked already (the record before ended inside it): its secret may follow.
    const bool found =
        (aws_id && !token_char(prev) && i + 4 < text.size() && text[i + 4] == '[' &&
         aws_secret_after(text, i + 4, streaming, span)) ||
        (c == 'e' && !token_char(prev) && jwt_at(text, i, span)) ||
        ((c == 'B' || c == 'b') && !alnum(prev) && scheme_credential_at(text, i, streaming, span));
    if (!found) return i + 1;
    out.push_back(span);
    return past(span, i);
}

}  // namespace

void find_secrets(std::string_view text, bool streaming, std::vector<secret_span>& out) {
    candidates at(text);
    size_t i = 0;
    while (i < text.size()) {
        i = at.next(i, text.size());
        if (i == text.size()) break;
        const char c = text[i];
        const char prev = i > 0 ? text[i - 1] : '\n';
        if (c == ':' || c == '=' || c == '"' || c == '-')
            i = at_punctuation(text, i, prev, out);
        else
            i = at_word(text, i, prev, streaming, out);
    }
}

}  // namespace agentsight::analyzers
