// find_secrets skips text that cannot open a rule (see next_candidate); these cases pin each
// rule's first letter in each context it may start in, and the contexts it may not.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analyzers/secret_scanner.h"

namespace agentsight::analyzers {
namespace {

std::string masked(std::string_view text) {
    std::string out;
    return redact_text(text, out) ? out : std::string(text);
}

TEST(secret_scanner, every_rule_opens_in_its_contexts) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        // headers: at the start or after '\n', any case
        {"authorization: x", "authorization: [REDACTED]"},
        {"a\nProxy-Authorization: x", "a\nProxy-Authorization: [REDACTED]"},
        {"a\nx-api-key: x", "a\nx-api-key: [REDACTED]"},
        {"a\r\nX-Goog-Api-Key: x", "a\r\nX-Goog-Api-Key: [REDACTED]"},
        {"a\ncookie: x", "a\ncookie: [REDACTED]"},
        {"a\nSet-Cookie: x", "a\nSet-Cookie: [REDACTED]"},
        {"a cookie: x", "a cookie: x"},  // not at a line start
        // query keys after '?' or '&', any case
        {"/p?key=v", "/p?key=[REDACTED]"},
        {"/p?a=1&API_KEY=v", "/p?a=1&API_KEY=[REDACTED]"},
        {"/p?apikey=v", "/p?apikey=[REDACTED]"},
        {"/p?x&access_token=v", "/p?x&access_token=[REDACTED]"},
        {"/p?Token=v", "/p?Token=[REDACTED]"},
        {"/p key=v", "/p key=v"},
        // tokens after any byte that is not a token character
        {"\"sk-ant-api03-0123456789abcdef\"", "\"sk-[REDACTED]\""},
        {"(AIza0123456789abcdefghij)", "(AIza[REDACTED])"},
        {":ghp_0123456789abcdefghij", ":ghp_[REDACTED]"},
        {" github_pat_0123456789abcdefghij", " github_pat_[REDACTED]"},
        {"=xoxb-0123456789", "=xoxb-[REDACTED]"},
        {"a-sk-0123456789abcdefghij", "a-sk-0123456789abcdefghij"},  // inside a token
        {"ask-0123456789abcdefghij", "ask-0123456789abcdefghij"},    // inside a word
        // bearer after any non-alphanumeric byte, any case
        {"Bearer abcdefgh1", "Bearer [REDACTED]"},
        {"x-bearer abcdefgh1", "x-bearer [REDACTED]"},
        {"xbearer abcdefgh1", "xbearer abcdefgh1"},
        // environment-style names after a non-token byte
        {"env GITHUB_TOKEN=v rest", "env GITHUB_TOKEN=[REDACTED] rest"},
        {"a_MY_SECRET=v", "a_MY_SECRET=v"},
    };
    for (const auto& [text, want] : cases) EXPECT_EQ(masked(text), want) << text;
}

}  // namespace
}  // namespace agentsight::analyzers
