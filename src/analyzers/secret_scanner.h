// Finds secret-shaped text: credential headers, key-like query parameters and provider
// token formats (sk-, sk-ant-, AIza, Bearer, ghp_, github_pat_, xoxb-). Hand-written rather
// than std::regex: it runs on every captured byte, once, without allocating.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace agentsight::analyzers {

// What a secret that runs to the end of the input looks like when it continues in the
// next record of the same stream.
enum class secret_tail : unsigned char { none, header_value, token, query_value };

struct secret_span {
    size_t begin = 0, end = 0;
    secret_tail continues = secret_tail::none;  // set when the span reaches the input's end
};

// Appends the spans to mask in `text` (value only: "sk-", "Bearer ", "key=" stay).
// `streaming`: a token-shaped candidate that reaches the end of the input is reported even
// when shorter than the minimum length, since its rest may be in the next record.
void find_secrets(std::string_view text, bool streaming, std::vector<secret_span>& out);

// How many leading bytes of `text` continue a secret cut at the previous record's end.
size_t continuation_length(std::string_view text, secret_tail kind);

// True for header and JSON key names whose value is a credential whatever it looks like.
bool is_secret_key(std::string_view name);

// `text` with each secret replaced by "[REDACTED]"; returns false (and leaves `out` alone)
// when there was nothing to redact.
bool redact_text(std::string_view text, std::string& out);

}  // namespace agentsight::analyzers
