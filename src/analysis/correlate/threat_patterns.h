// SPDX-License-Identifier: Apache-2.0
// Shapes of attacks in text the correlator sees: a shell script that pipes a download into an
// interpreter, a DNS name that carries data, and what kind of secret a scanner span is. Pure
// functions over strings, so each rule's matching is tested on its own.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analysis/redact/secret_scanner.h"

namespace agentsight::analyzers {

// The first "fetcher | interpreter" (`curl -s x | sh`), "interpreter <(fetcher …)" or
// "interpreter -c $(fetcher …)" / "eval $(fetcher …)" in a shell script, as a short
// description ("curl | sh"); "" when there is none. Programs are matched by file name.
std::string download_piped_to_interpreter(std::string_view script,
                                          const std::vector<std::string>& fetchers,
                                          const std::vector<std::string>& interpreters);

// The first word of `argv` that looks like a DNS name (three labels or more, a top-level
// label of letters) with a label below its registered domain of at least `min_label`
// characters: data encoded into a subdomain. "" when there is none.
std::string long_dns_name(const std::vector<std::string>& argv, size_t min_label);

// "a.b.x.example" -> "x.example": whose DNS server receives the query.
std::string registered_domain(std::string_view name);

// A name for the kind of secret in `text` at `span`: "anthropic_api_key", "aws_access_key_id",
// "private_key", "jwt", "credential (DB_PASSWORD)"… Never the secret itself.
std::string secret_kind(std::string_view text, const secret_span& span);

// "/usr/bin/curl" -> "curl".
std::string_view base_name(std::string_view path);

}  // namespace agentsight::analyzers
