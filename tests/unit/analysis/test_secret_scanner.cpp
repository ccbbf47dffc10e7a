// SPDX-License-Identifier: Apache-2.0
// find_secrets skips text that cannot open a rule (secret_candidates.h); these cases pin each
// rule's first letter in each context it may start in, and the contexts it may not.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analysis/redact/redact_marker.h"
#include "analysis/redact/secret_scanner.h"

namespace agentsight::analyzers {
namespace {

std::string masked(std::string_view text) {
    std::string out;
    return redact_text(text, out) ? out : std::string(text);
}

// The expected text with "<v>" standing for the marker of secret v ("<~v>": after a kept
// provider prefix).
std::string expect(std::string_view want) {
    std::string out;
    for (size_t i = 0; i < want.size();) {
        if (want[i] != '<') {
            out += want[i++];
            continue;
        }
        size_t end = want.find('>', i);
        bool prefixed = want[i + 1] == '~';
        std::string_view secret = want.substr(i + 1 + prefixed, end - i - 1 - prefixed);
        out += redaction_marker(secret, prefixed);
        i = end + 1;
    }
    return out;
}

TEST(secret_scanner, every_rule_opens_in_its_contexts) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        // headers: at the start or after '\n', any case, any name ending in key/token/...
        {"authorization: x", "authorization: <x>"},
        {"a\nProxy-Authorization: Bearer xyz", "a\nProxy-Authorization: Bearer <xyz>"},
        {"a\nx-api-key: x", "a\nx-api-key: <x>"},
        {"a\r\nX-Goog-Api-Key: x", "a\r\nX-Goog-Api-Key: <x>"},
        {"a\napi-key: x", "a\napi-key: <x>"},
        {"a\nX-Auth-Token: x", "a\nX-Auth-Token: <x>"},
        {"a\ncookie: x", "a\ncookie: <x>"},
        {"a\nSet-Cookie: x", "a\nSet-Cookie: <x>"},
        {"a cookie: x", "a cookie: x"},  // not at a line start
        {"a\nx-ratelimit-remaining-tokens: 5", "a\nx-ratelimit-remaining-tokens: 5"},
        // query and form keys after '?', '&', a line start or a space, any case
        {"/p?key=v", "/p?key=<v>"},
        {"/p?a=1&API_KEY=v", "/p?a=1&API_KEY=<v>"},
        {"/p?apikey=v", "/p?apikey=<v>"},
        {"/p?x&access_token=v", "/p?x&access_token=<v>"},
        {"/p?user_token=v", "/p?user_token=<v>"},
        {"grant=x&client_secret=v", "grant=x&client_secret=<v>"},
        {"password=v&x=1", "password=<v>&x=1"},
        {"/p?max_tokens=5&monkey=v", "/p?max_tokens=5&monkey=v"},
        // JSON members naming a credential, string values only
        {R"({"api_key": "v1"})", R"({"api_key": "<v1>"})"},
        {R"({"a":{"refresh_token":"v2"}})", R"({"a":{"refresh_token":"<v2>"}})"},
        {R"({"max_tokens": 5, "input_tokens":"7"})", R"({"max_tokens": 5, "input_tokens":"7"})"},
        // tokens after any byte that is not a token character
        {"\"sk-ant-api03-0123456789abcdef\"", "\"sk-ant-<~api03-0123456789abcdef>\""},
        {"(AIza0123456789abcdefghij)", "(AIza<~0123456789abcdefghij>)"},
        {":ghp_0123456789abcdefghij", ":ghp_<~0123456789abcdefghij>"},
        {" github_pat_0123456789abcdefghij", " github_pat_<~0123456789abcdefghij>"},
        {"=xoxb-0123456789", "=xoxb-<~0123456789>"},
        {"k sk-ant-test-0123456789", "k sk-<~ant-test-0123456789>"},  // short for "sk-ant-"
        {"a-sk-0123456789abcdefghij", "a-sk-0123456789abcdefghij"},   // inside a token
        {"ask-0123456789abcdefghij", "ask-0123456789abcdefghij"},     // inside a word
        {"id AKIAIOSFODNN7EXAMPLE secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY.",
         "id AKIA<~IOSFODNN7EXAMPLE> secret <wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY>."},
        {"t=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl x",
         "t=<eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl> x"},
        {"db postgres://app:hunter2@db.local/x", "db postgres://app:<hunter2>@db.local/x"},
        {"-----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----",
         "-----BEGIN PRIVATE KEY-----<\nMIIEv\n>-----END PRIVATE KEY-----"},
        // bearer and basic after any non-alphanumeric byte, any case
        {"Bearer abcdefgh1", "Bearer <abcdefgh1>"},
        {"x-bearer abcdefgh1", "x-bearer <abcdefgh1>"},
        {"xbearer abcdefgh1", "xbearer abcdefgh1"},
        {"Basic information", "Basic information"},
        // a command line joined into text: the value after a flag naming a credential
        {"exec /bin/true --api-key v1 --verbose", "exec /bin/true --api-key <v1> --verbose"},
        {"curl --user-token=v2", "curl --user-token=<v2>"},
        {"run --auth-file --quiet", "run --auth-file --quiet"},
        // environment-style names after a non-token byte
        {"env GITHUB_TOKEN=v rest", "env GITHUB_TOKEN=<v> rest"},
        {"a_MY_SECRET=v", "a_MY_SECRET=<v>"},  // a form key naming a secret
        {"a_MY_SECRETS=v", "a_MY_SECRETS=v"},
    };
    for (const auto& [text, want] : cases) {
        EXPECT_EQ(masked(text), expect(want)) << text;
        // The same case at every offset of a longer text: the candidate scan works on 32-byte
        // blocks (secret_candidates.h), with byte tables only before the first block and after
        // the last, so each opening must be found in a block, across blocks and at the edges.
        for (size_t offset = 0; offset <= 70; ++offset) {
            const std::string before = std::string(offset, '.') + "\n";
            const std::string after = "\n" + std::string(70 - offset, '.');
            EXPECT_EQ(masked(before + text + after), before + expect(want) + after)
                << text << " at offset " << offset;
        }
    }
}

}  // namespace
}  // namespace agentsight::analyzers
