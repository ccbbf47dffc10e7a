// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/threat_patterns.h"

#include <algorithm>
#include <cctype>

namespace agentsight::analyzers {

namespace {

bool listed(const std::vector<std::string>& names, std::string_view word) {
    std::string_view b = base_name(word);
    return std::find(names.begin(), names.end(), b) != names.end();
}

// Words of a script with quotes and backslashes dropped; shell operators are words too.
std::vector<std::string> words_of(std::string_view script) {
    std::vector<std::string> out;
    std::string cur;
    auto flush = [&] {
        if (!cur.empty()) out.push_back(std::move(cur));
        cur.clear();
    };
    for (size_t i = 0; i < script.size(); ++i) {
        char c = script[i];
        if (c == '\'' || c == '"' || c == '\\') continue;
        if (std::isspace(static_cast<unsigned char>(c))) {
            flush();
        } else if ((c == '$' || c == '<') && i + 1 < script.size() && script[i + 1] == '(') {
            flush();
            out.push_back(std::string{c, '('});
            ++i;
        } else if (c == '|' || c == ';' || c == '&' || c == '(' || c == ')' || c == '`' ||
                   c == '>' || c == '<') {
            flush();
            // "||" and "&&" are one operator: not a pipe.
            if (!out.empty() && out.back().size() == 1 && out.back()[0] == c &&
                (c == '|' || c == '&'))
                out.back() += c;
            else
                out.push_back(std::string(1, c));
        } else {
            cur += c;
        }
    }
    flush();
    return out;
}

bool is_operator(const std::string& w) {
    return w == "|" || w == "||" || w == "&&" || w == ";" || w == "&" || w == "(" || w == ")" ||
           w == "`" || w == "$(" || w == "<(" || w == ">" || w == "<";
}

// The program a simple command starting at `i` runs: `sudo`, `env` and VAR=x are skipped.
size_t command_word(const std::vector<std::string>& w, size_t i) {
    while (i < w.size()) {
        const std::string& s = w[i];
        if (s == "sudo" || s == "env" || s == "exec" || s == "nohup" ||
            (s.find('=') != std::string::npos && s[0] != '=' && s[0] != '-'))
            ++i;
        else
            break;
    }
    return i;
}

// The fetcher of a command segment from `i` to the next operator, "" if none.
std::string fetcher_in(const std::vector<std::string>& w, size_t i,
                       const std::vector<std::string>& fetchers) {
    for (; i < w.size() && (!is_operator(w[i]) || w[i] == ">" || w[i] == "<"); ++i)
        if (listed(fetchers, w[i])) return std::string(base_name(w[i]));
    return {};
}

}  // namespace

std::string_view base_name(std::string_view path) {
    size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string download_piped_to_interpreter(std::string_view script,
                                          const std::vector<std::string>& fetchers,
                                          const std::vector<std::string>& interpreters) {
    const std::vector<std::string> w = words_of(script);
    std::string fetched;  // the fetcher of the current pipeline segment
    size_t seg_start = 0;
    for (size_t i = 0; i <= w.size(); ++i) {
        const bool end = i == w.size();
        if (!end && w[i] != "|" && w[i] != "||" && w[i] != "&&" && w[i] != ";" && w[i] != "&")
            continue;
        std::string f = fetcher_in(w, seg_start, fetchers);
        if (!end && w[i] == "|" && !f.empty()) {
            size_t next = command_word(w, i + 1);
            if (next < w.size() && listed(interpreters, w[next]))
                return f + " | " + std::string(base_name(w[next]));
        }
        seg_start = i + 1;
    }
    // Substitutions: `bash <(curl x)`, `sh -c "$(curl x)"`, `eval "$(wget -O- x)"`.
    for (size_t i = 0; i + 1 < w.size(); ++i) {
        if (w[i] != "<(" && w[i] != "$(" && w[i] != "`") continue;
        std::string f = fetcher_in(w, command_word(w, i + 1), fetchers);
        if (f.empty()) continue;
        size_t j = i;
        while (j > 0 && w[j - 1].size() > 1 && w[j - 1][0] == '-') --j;  // -c, -s
        if (j == 0) continue;
        const std::string& prog = w[j - 1];
        if (listed(interpreters, prog) || prog == "eval")
            return std::string(base_name(prog)) + " " + w[i] + f + (w[i] == "`" ? "`" : ")");
    }
    return {};
}

namespace {

std::vector<std::string_view> labels_of(std::string_view name) {
    std::vector<std::string_view> out;
    for (size_t at = 0; at <= name.size();) {
        size_t dot = name.find('.', at);
        if (dot == std::string_view::npos) dot = name.size();
        out.push_back(name.substr(at, dot - at));
        at = dot + 1;
    }
    return out;
}

bool is_label(std::string_view l) {
    if (l.empty() || l.size() > 63) return false;
    return std::all_of(l.begin(), l.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
}

}  // namespace

std::string long_dns_name(const std::vector<std::string>& argv, size_t min_label) {
    if (min_label == 0) return {};
    for (const auto& a : argv) {
        // data.attacker.example: three labels or more, a top-level label of letters, and a
        // long label below the registered domain (a token like "ya29.<long>" is not one).
        if (a.size() > 253) continue;
        const auto labels = labels_of(a);
        if (labels.size() < 3 || !std::all_of(labels.begin(), labels.end(), is_label)) continue;
        const std::string_view top = labels.back();
        if (top.size() < 2 || top.size() > 24 || !std::all_of(top.begin(), top.end(), [](char c) {
                return std::isalpha(static_cast<unsigned char>(c));
            }))
            continue;
        if (std::any_of(labels.begin(), labels.end() - 2,
                        [&](std::string_view l) { return l.size() >= min_label; }))
            return a;
    }
    return {};
}

std::string registered_domain(std::string_view name) {
    const auto labels = labels_of(name);
    if (labels.size() < 2) return std::string(name);
    return std::string(labels[labels.size() - 2]) + "." + std::string(labels.back());
}

std::string secret_kind(std::string_view text, const secret_span& span) {
    const size_t begin = std::min(span.begin, text.size());
    const std::string_view value = text.substr(begin, span.end - begin);
    const std::string_view before =
        text.substr(begin > 48 ? begin - 48 : 0, begin > 48 ? 48 : begin);
    auto starts = [&](std::string_view p) {
        return value.substr(0, p.size()) == p || (span.after_prefix && before.size() >= p.size() &&
                                                  before.substr(before.size() - p.size()) == p);
    };
    if (starts("sk-ant-")) return "anthropic_api_key";
    if (starts("sk-proj-") || starts("sk-")) return "openai_api_key";
    if (starts("AKIA") || starts("ASIA")) return "aws_access_key_id";
    if (starts("ghp_") || starts("gho_") || starts("ghs_") || starts("ghu_") ||
        starts("github_pat_"))
        return "github_token";
    if (starts("xox")) return "slack_token";
    if (starts("sk_live_") || starts("rk_live_") || starts("sk_test_")) return "stripe_key";
    if (starts("hf_")) return "huggingface_token";
    if (starts("AIza")) return "google_api_key";
    if (starts("eyJ")) return "jwt";
    if (value.find("PRIVATE KEY") != std::string_view::npos ||
        before.find("PRIVATE KEY") != std::string_view::npos)
        return "private_key";
    if (before.size() >= 7 && before.substr(before.size() - 7) == "Bearer ") return "bearer_token";
    if (before.size() >= 6 && before.substr(before.size() - 6) == "Basic ") return "basic_auth";
    if (!before.empty() && before.back() == '@') return "url_credentials";
    // KEY=value, "key": "value", key: value: the key's name says what it is.
    size_t end = before.find_last_not_of(" \t\"'=:");
    if (end != std::string_view::npos && end + 1 < before.size()) {
        size_t start = end + 1;
        while (start > 0 && (std::isalnum(static_cast<unsigned char>(before[start - 1])) ||
                             before[start - 1] == '_' || before[start - 1] == '-'))
            --start;
        if (start <= end && is_secret_key(before.substr(start, end + 1 - start)))
            return "credential (" + std::string(before.substr(start, end + 1 - start)) + ")";
    }
    return "secret";
}

}  // namespace agentsight::analyzers
