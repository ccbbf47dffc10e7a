// SPDX-License-Identifier: Apache-2.0
// Redacts an HPACK header block in place, keeping every byte count and every decoded length.
// A literal whose value is a secret is rewritten where it stands: a raw string gets the
// usual marker, a Huffman string gets "redacted-3f9a" plus filler coded to the same number of
// octets *and* the same decoded length. So a decoder of the redacted capture keeps a dynamic
// table of the same sizes (the same evictions), and a later block that indexes an entry finds
// its redacted value. A secret indexed from the dynamic table was inserted by a literal that
// was itself rewritten.
#pragma once

#include <string>
#include <vector>

#include "analysis/protocol/http_types.h"

namespace agentsight::analyzers {

enum class hpack_rewrite { clean, rewritten, impossible };

// `block`: one complete header block; `decoded`: its headers, as the connection's decoder
// gave them (in order). `impossible`: the block's structure did not match, or a Huffman value
// could not be refilled to its lengths; the caller then masks the block whole.
hpack_rewrite redact_header_block(std::string& block, const std::vector<http_header>& decoded);

// Whether the header's value is (or holds) a secret, by name or by shape.
bool secret_header(const http_header& h);

// Huffman-codes `len` characters into exactly `octets` bytes (RFC 7541 5.2, padding < 8
// bits of 1s), starting with "redacted-" and `hash_hex` when they fit. False when no filler
// reaches both lengths.
bool huffman_fill(std::string_view hash_hex, size_t len, size_t octets, std::string& out);

}  // namespace agentsight::analyzers
