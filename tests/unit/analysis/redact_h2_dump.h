// SPDX-License-Identifier: Apache-2.0
// Test helper: every header of an HTTP/2 byte stream (one direction of a connection, as the
// raw `tls` events hold it), decoded with the project's nghttp2-based HPACK decoder. Used to
// prove that no header block in a redacted capture decodes to a secret.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/protocol/hpack_decoder.h"

namespace agentsight::test {

struct h2_headers {
    std::vector<analyzers::http_header> headers;
    size_t blocks = 0;         // header blocks decoded
    bool undecodable = false;  // a block did not decode (the walk stopped there)
};

inline h2_headers decode_h2_headers(std::string_view bytes) {
    constexpr std::string_view preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    h2_headers out;
    if (bytes.starts_with(preface)) bytes.remove_prefix(preface.size());
    analyzers::hpack_decoder hpack;
    hpack.set_max_table_size(1 << 20);  // whatever the peer's SETTINGS allowed
    std::string block;
    size_t at = 0;
    while (at + 9 <= bytes.size()) {
        auto u8 = [&](size_t i) { return static_cast<uint8_t>(bytes[i]); };
        const size_t len = (size_t{u8(at)} << 16) | (size_t{u8(at + 1)} << 8) | u8(at + 2);
        const uint8_t type = u8(at + 3), flags = u8(at + 4);
        if (at + 9 + len > bytes.size()) break;
        std::string_view p = bytes.substr(at + 9, len);
        at += 9 + len;
        if (type != 1 && type != 5 && type != 9) continue;
        if (type != 9 && (flags & 0x8)) {  // PADDED
            if (p.empty() || size_t{static_cast<uint8_t>(p[0])} + 1 > p.size()) break;
            p = p.substr(1, p.size() - 1 - static_cast<uint8_t>(p[0]));
        }
        if (type == 1 && (flags & 0x20)) p.remove_prefix(std::min<size_t>(5, p.size()));
        if (type == 5) p.remove_prefix(std::min<size_t>(4, p.size()));
        if (type != 9) block.clear();
        block.append(p);
        if (!(flags & 0x4)) continue;
        if (!hpack.decode(block, out.headers)) {
            out.undecodable = true;
            break;
        }
        ++out.blocks;
    }
    return out;
}

}  // namespace agentsight::test
