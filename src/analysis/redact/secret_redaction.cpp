// SPDX-License-Identifier: Apache-2.0
// Applying the scanner's spans (secret_scanner.h): redact_text masks a whole text, and
// continuation_length finds where a secret cut at one record's end stops in the next.
#include <algorithm>
#include <string>
#include <vector>

#include "analysis/redact/redact_marker.h"
#include "analysis/redact/secret_chars.h"
#include "analysis/redact/secret_scanner.h"

namespace agentsight::analyzers {

using detail::bearer_char;
using detail::query_end;
using detail::run;

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
