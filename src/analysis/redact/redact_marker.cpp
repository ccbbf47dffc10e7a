// SPDX-License-Identifier: Apache-2.0
#include "analysis/redact/redact_marker.h"

#include <cstdio>

namespace agentsight::analyzers {
namespace {

// "[redacted:hhhh]" into buf (16 bytes with the NUL); returns its length.
size_t format_marker(std::string_view secret, char (&buf)[16]) {
    return static_cast<size_t>(snprintf(buf, sizeof buf, "[redacted:%04x]", secret_hash(secret)));
}

}  // namespace

uint16_t secret_hash(std::string_view secret) {
    uint32_t h = 2166136261u;
    for (unsigned char c : secret) h = (h ^ c) * 16777619u;
    return static_cast<uint16_t>(h ^ (h >> 16));
}

std::string redaction_marker(std::string_view secret, bool after_prefix) {
    if (already_redacted(secret)) return std::string(secret);
    char buf[16];
    size_t n = format_marker(secret, buf);
    std::string out = after_prefix ? "\u2026" : "";
    out.append(buf, n);
    return out;
}

bool already_redacted(std::string_view text) {
    return text.starts_with("[redacted:") || text.starts_with("\u2026[redacted:") ||
           text.starts_with("redacted-");
}

void mask_in_place(char* secret, size_t len) {
    if (already_redacted(std::string_view(secret, len))) return;
    char buf[16];
    size_t n = format_marker(std::string_view(secret, len), buf);
    for (size_t i = 0; i < len; ++i) secret[i] = i < n ? buf[i] : '*';
}

}  // namespace agentsight::analyzers
