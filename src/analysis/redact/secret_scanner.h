// SPDX-License-Identifier: Apache-2.0
// Finds secret-shaped text: credential headers, credential-named query, form and JSON keys,
// provider token formats (Anthropic, OpenAI, Google, GitHub, Slack, Stripe, Hugging Face,
// AWS), PEM private keys, JWTs, URL userinfo and Basic/Bearer credentials. Hand-written
// rather than std::regex: it runs on every captured byte, once, without allocating.
// The rule set follows what gitleaks and trufflehog look for; docs/llm_call.md lists it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace agentsight::analyzers {

// What a secret that runs to the end of the input looks like when it continues in the
// next record of the same stream.
enum class secret_tail : unsigned char {
    none,
    header_value,
    token,
    query_value,
    json_string,
    pem_block
};

struct secret_span {
    size_t begin = 0, end = 0;
    secret_tail continues = secret_tail::none;  // set when the span reaches the input's end
    bool after_prefix = false;  // a provider prefix ("sk-ant-", "AKIA") stays before the span
};

// Appends the spans to mask in `text` (value only: "sk-ant-", "Bearer ", "key=" stay).
// `streaming`: a token-shaped candidate that reaches the end of the input is reported even
// when shorter than the minimum length, since its rest may be in the next record.
void find_secrets(std::string_view text, bool streaming, std::vector<secret_span>& out);

// How many leading bytes of `text` continue a secret cut at the previous record's end.
size_t continuation_length(std::string_view text, secret_tail kind);

// True for header, JSON, query and form key names whose value is a credential whatever it
// looks like: authorization, cookie, *key, *token, *secret, password, passwd, credential*,
// private_key, client_secret (any case; "*key" at a word boundary, so "monkey" is not one).
bool is_secret_key(std::string_view name);

// `text` with each secret replaced by its marker (redact_marker.h); returns false (and
// leaves `out` alone) when there was nothing to redact.
bool redact_text(std::string_view text, std::string& out);

}  // namespace agentsight::analyzers
