// SPDX-License-Identifier: Apache-2.0
// Where `MessageEncrypter::encrypt` finds the plaintext in its `msg`
// argument, read from the method's own first instructions, so that the BPF
// side never hard-codes a Rust struct layout (rustc may reorder fields in any
// release). rustls 0.23's `OutboundChunks` is
//   enum { Single(&[u8]), Multiple { chunks: &[&[u8]], start, end } }
// and `encrypt` starts by computing its length:
//   len = tag == 0 ? [msg+B] : [msg+C] - [msg+B]
// i.e. `cmpq $0, A(%rdx)` and `mov B(%rdx)`, `mov C(%rdx)` before any call.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace agentsight::tls {

struct outbound_chunks_layout {
    // Offsets from `msg` (rdx at entry). `Single`: tag word == 0, slice ptr at
    // single_len - 8, length at single_len. `Multiple`: the chunk array is the
    // (ptr, count) pair at tag (its non-null pointer is the niche), the byte
    // range [start, end) of their concatenation at start/end.
    uint32_t tag = 0;
    uint32_t single_len = 0;
    uint32_t start = 0;
    uint32_t end = 0;
    std::string note;  // the instructions it was read from, for evidence
};

// `code` starts at the method's entry. nullopt when the prologue does not
// have this shape (the evidence then says so, and nothing is attached).
std::optional<outbound_chunks_layout> read_outbound_chunks_layout(std::span<const uint8_t> code);

}  // namespace agentsight::tls
