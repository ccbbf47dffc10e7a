// SPDX-License-Identifier: Apache-2.0
// What a redacted secret turns into. A marker names a stable short hash of the secret, so
// two keys can be told apart without seeing either: "sk-ant-…[redacted:3f9a]".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace agentsight::analyzers {

// 16 bits of FNV-1a over the secret: enough to tell keys apart, too few to confirm a guess.
uint16_t secret_hash(std::string_view secret);

// "[redacted:3f9a]" (with a leading "…" when a provider prefix was kept before it).
std::string redaction_marker(std::string_view secret, bool after_prefix);

// True for text that is already a marker (a trace read back and redacted again): it stays,
// so the hash a reader prints is the one recorded.
bool already_redacted(std::string_view text);

// Overwrites `secret` in place with "[redacted:3f9a]" cut or padded with '*' to its length:
// raw capture keeps every byte count.
void mask_in_place(char* secret, size_t len);

}  // namespace agentsight::analyzers
