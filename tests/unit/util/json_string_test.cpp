// SPDX-License-Identifier: Apache-2.0
// append_json_string must agree with nlohmann::json on every input: the analyzers fall back
// to nlohmann when it says no, so a disagreement would make results depend on the path.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <random>
#include <string>

#include "util/json_string.h"

namespace agentsight {
namespace {

// Decodes the literal `"` + body + `"` both ways and expects the same verdict and value.
void expect_like_nlohmann(const std::string& body) {
    const std::string literal = "\"" + body + "\"";
    auto ref = nlohmann::json::parse(literal, nullptr, false);
    std::string got = "prefix";
    size_t pos = 1;
    bool ok = append_json_string(literal, pos, got);
    if (ref.is_discarded()) {
        // Ours may also stop early at an inner quote, which leaves bytes after it.
        EXPECT_TRUE(!ok || pos != literal.size()) << body;
        if (!ok) {
            EXPECT_EQ(got, "prefix") << body;
        }
        return;
    }
    ASSERT_TRUE(ok) << body;
    EXPECT_EQ(pos, literal.size()) << body;
    EXPECT_EQ(got, "prefix" + ref.get<std::string>()) << body;
}

TEST(json_string, agrees_with_nlohmann_on_known_cases) {
    for (const char* body : {
             "",
             "plain",
             "caf\xc3\xa9 \xe2\x98\x95",
             "\xf0\x9f\x98\x80",  // UTF-8
             R"(q\"b\\s\/\b\f\n\r\t)",
             R"(\u00e9\u2615\u0000)",  // escapes
             R"(\ud83d\ude00)",
             R"(\uD83D\uDE00)",  // a pair
             R"(\ud83d)",
             R"(\ude00)",
             R"(\ud83dx)",
             R"(\ud83d\u0041)",  // bad pairs
             R"(\u12)",
             R"(\u12g4)",
             R"(\x)",
             "\\",  // bad escapes
             "tab\there",
             "nl\nhere",
             "\x7f",  // controls
             "\xc3",
             "\xc0\xaf",
             "\xed\xa0\x80",
             "\xf4\x90\x80\x80",
             "\xff",        // bad UTF-8
             "\xe2\x98\"",  // cut by '"'
         })
        expect_like_nlohmann(body);
}

TEST(json_string, agrees_with_nlohmann_on_random_bodies) {
    // Bytes that matter to a string decoder, so most bodies exercise an edge.
    const std::string alphabet = std::string("aZ09 \"\\/bfnrtu\x01\x1f\x7f") +
                                 "\xc3\xa9\xe2\x98\x95\xf0\x9f\x98\x80\xed\xa0\xdf\xff" + "dDeE8";
    std::mt19937 rng(5);
    std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1), len(0, 12);
    for (int n = 0; n < 200000; ++n) {
        std::string body;
        for (size_t k = len(rng); k > 0; --k) body.push_back(alphabet[pick(rng)]);
        expect_like_nlohmann(body);
        if (HasFailure()) return;
    }
}

TEST(json_string, stops_after_the_closing_quote) {
    const std::string in = R"(ab\"c"}}rest)";
    std::string out;
    size_t pos = 0;
    ASSERT_TRUE(append_json_string(in, pos, out));
    EXPECT_EQ(out, "ab\"c");
    EXPECT_EQ(in.substr(pos), "}}rest");
}

}  // namespace
}  // namespace agentsight
