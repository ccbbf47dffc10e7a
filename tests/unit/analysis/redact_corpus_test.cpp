// SPDX-License-Identifier: Apache-2.0
// The secrets corpus (tests/data/secrets/corpus.tsv) in every text position the redaction
// stage sees: HTTP/1.1 header, query, JSON body at depth, form body, response body, argv and
// file path, in raw records cut anywhere and in derived bodies. And the negative corpus:
// ordinary text, code, UUIDs, git SHAs, a base64 image and model ids stay (≤ 1% of tokens).
#include <algorithm>
#include <iterator>
#include <random>
#include <set>
#include <sstream>

#include "analysis/redact/redact_marker.h"
#include "analysis/redact/secret_scanner.h"
#include "test_support.h"

namespace agentsight::analyzers::test {
namespace {

struct secret {
    std::string kind, carrier, value;
};

std::string secrets_path(const std::string& name) {
    return std::string(AGENTSIGHT_TEST_DATA) + "/secrets/" + name;
}

std::vector<secret> corpus() {
    std::vector<secret> out;
    std::istringstream in(read_file(secrets_path("corpus.tsv")));
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        size_t a = line.find('\t'), b = line.find('\t', a + 1);
        out.push_back({line.substr(0, a), line.substr(a + 1, b - a - 1), line.substr(b + 1)});
    }
    return out;
}

bool named(const secret& s) {
    for (auto c : {"shape", "url", "basic", "bearer", "pem", "aws"})
        if (s.carrier == c) return false;
    return true;
}

// As tests/data/secrets/secrets.py places them.
std::string text(const secret& s) {
    if (s.carrier == "shape") return s.value;
    if (s.carrier == "url") return "postgres://svc:" + s.value + "@db.internal:5432/app";
    if (s.carrier == "basic") return "Basic " + s.value;
    if (s.carrier == "bearer") return "Bearer " + s.value;
    if (s.carrier == "pem")
        return "-----BEGIN PRIVATE KEY-----\n" + s.value + "\n-----END PRIVATE KEY-----";
    if (s.carrier == "aws") return "AKIAQ7EXAMPLEID7KZ2M " + s.value;
    return s.carrier + "=" + s.value;
}
std::string header_line(const secret& s) {
    if (s.carrier == "basic" || s.carrier == "bearer") return "Authorization: " + text(s);
    if (!named(s)) {
        std::string t = text(s);
        std::replace(t.begin(), t.end(), '\n', ' ');
        return "X-Note: " + t;
    }
    return s.carrier + ": " + s.value;
}
std::pair<std::string, std::string> param(const secret& s) {
    if (s.carrier == "bearer") return {"access_token", s.value};
    if (s.carrier == "basic") return {"auth", s.value};
    if (s.carrier == "pem") return {"private_key", s.value};
    if (s.carrier == "aws") return {"aws_secret_access_key", s.value};
    if (!named(s)) return {"note", text(s)};
    return {s.carrier, s.value};
}
json member(const secret& s) {
    if (!named(s)) return {{"note", text(s)}};
    return {{s.carrier, s.value}};
}

// One HTTP/1.1 exchange holding every secret in each position.
std::pair<std::string, std::string> http1_exchange(const std::vector<secret>& all) {
    std::string query, form, headers;
    json deep = json::array(), reply = json::array();
    for (const auto& s : all) {
        auto [k, v] = param(s);
        query += (query.empty() ? "" : "&") + k + "=" + v;
        headers += header_line(s) + "\r\n";
        deep.push_back({{"a", {{"b", json::array({member(s)})}}}});
        reply.push_back(member(s));
    }
    form = query;
    std::string body = json{{"deep", deep}, {"form", form}}.dump();
    std::string req =
        "POST /v1/echo?" + query + " HTTP/1.1\r\nHost: x.test\r\n" + headers +
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n\r\n" + body;
    std::string resp_body = json{{"items", reply}}.dump();
    std::string resp = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                       std::to_string(resp_body.size()) + "\r\n\r\n" + resp_body;
    return {req, resp};
}

std::string leaked(const std::string& text, const std::vector<secret>& all) {
    for (const auto& s : all)
        if (size_t at = text.find(s.value); at != std::string::npos)
            return s.kind + ": …" + text.substr(at > 60 ? at - 60 : 0, 140) + "…";
    return "";
}

TEST(redact_corpus, has_forty_secrets_of_twenty_kinds) {
    auto all = corpus();
    std::set<std::string> kinds;
    for (const auto& s : all) kinds.insert(s.kind);
    EXPECT_GE(all.size(), 40u);
    EXPECT_GE(kinds.size(), 20u);
}

TEST(redact_corpus, no_value_survives_in_any_position) {
    auto all = corpus();
    auto [req, resp] = http1_exchange(all);
    std::mt19937 rng(18);
    // Whole records, then each cut in two at 40 random places.
    std::vector<size_t> cuts = {0};
    for (int i = 0; i < 40; ++i) cuts.push_back(1 + rng() % (req.size() - 1));
    for (size_t cut : cuts) {
        harness h;
        if (cut == 0) {
            h.push(make_tls("9:c", tls_direction::write, req, 1));
        } else {
            h.push(make_tls("9:c", tls_direction::write, req.substr(0, cut), 1));
            h.push(make_tls("9:c", tls_direction::write, req.substr(cut), 2));
        }
        h.push(make_tls("9:c", tls_direction::read, resp, 3));
        h.finish();
        std::string raw;
        for (const auto& e : h.sunk)
            if (auto* t = std::get_if<tls_event>(&e)) raw += t->data;
        ASSERT_EQ(raw.size(), req.size() + resp.size());
        ASSERT_EQ(leaked(raw, all), "")
            << "raw, cut at " << cut << ": …" << req.substr(cut > 60 ? cut - 60 : 0, 120) << "…";
        ASSERT_EQ(leaked(h.all_jsonl(), all), "") << "derived, cut at " << cut;
        ASSERT_FALSE(h.derived().empty());
    }
    // argv (a value after its flag, or in the text) and file paths.
    harness h;
    for (const auto& s : all) {
        process_event p;
        p.type = process_event_type::exec;
        p.filename = "/bin/true";
        p.argv = named(s) ? std::vector<std::string>{"true", "--" + s.carrier, s.value}
                          : std::vector<std::string>{"true", text(s)};
        h.push(p);
        process_event f;
        f.type = process_event_type::exec;
        std::string file = text(s);
        std::replace(file.begin(), file.end(), '\n', ' ');
        f.filename = "/tmp/files/" + file;
        f.path = "/tmp/files/" + file;
        h.push(f);
    }
    EXPECT_EQ(leaked(h.all_jsonl(), all), "");
}

TEST(redact_corpus, markers_keep_a_prefix_and_tell_keys_apart) {
    std::string a, b;
    ASSERT_TRUE(redact_text("k sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAA", a));
    ASSERT_TRUE(redact_text("k sk-ant-api03-BBBBBBBBBBBBBBBBBBBBBBBB", b));
    EXPECT_TRUE(a.starts_with("k sk-ant-\u2026[redacted:")) << a;
    EXPECT_NE(a, b);
    std::string again;
    EXPECT_FALSE(redact_text(a, again) && again != a) << "a marker is redacted again: " << again;
}

// Whitespace-separated tokens of `after` that differ from `before`, listed in `which`.
size_t touched_tokens(const std::string& before, const std::string& after, size_t& total,
                      std::string& which) {
    std::istringstream x(before), y(after);
    std::vector<std::string> a{std::istream_iterator<std::string>(x), {}};
    std::vector<std::string> b{std::istream_iterator<std::string>(y), {}};
    total = a.size();
    size_t touched = 0;
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
        if (a[i] == b[i]) continue;
        ++touched;
        which += "\n  " + a[i].substr(0, 100) + " -> " + b[i].substr(0, 100);
    }
    return touched + (a.size() > b.size() ? a.size() - b.size() : b.size() - a.size());
}

TEST(redact_corpus, negative_corpus_is_left_alone) {
    const std::string text = read_file(secrets_path("negative.txt"));
    std::string out, which;
    if (!redact_text(text, out)) out = text;
    size_t total = 0;
    size_t touched = touched_tokens(text, out, total, which);
    EXPECT_GT(total, 300u);
    EXPECT_LE(touched * 100, total) << touched << " of " << total << which;
    // The raw path too (in place, as a tls record).
    harness h;
    h.push(make_tls("9:n", tls_direction::read, text, 1));
    std::string raw = std::get<tls_event>(h.sunk.front()).data;
    which.clear();
    touched = touched_tokens(text, raw, total, which);
    EXPECT_LE(touched * 100, total) << touched << " of " << total << which;
}

}  // namespace
}  // namespace agentsight::analyzers::test
