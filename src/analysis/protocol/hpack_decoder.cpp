// SPDX-License-Identifier: Apache-2.0
#include "analysis/protocol/hpack_decoder.h"

#include <nghttp2/nghttp2.h>

namespace agentsight::analyzers {

hpack_decoder::hpack_decoder() {
    if (nghttp2_hd_inflate_new(&inflater_) != 0) inflater_ = nullptr;
}

hpack_decoder::~hpack_decoder() {
    if (inflater_) nghttp2_hd_inflate_del(inflater_);
}

bool hpack_decoder::set_max_table_size(size_t size) {
    return inflater_ && nghttp2_hd_inflate_change_table_size(inflater_, size) == 0;
}

bool hpack_decoder::decode(std::string_view block, std::vector<http_header>& out) {
    if (!inflater_) return false;
    auto* in = reinterpret_cast<const uint8_t*>(block.data());
    size_t left = block.size();
    for (;;) {
        nghttp2_nv nv;
        int flags = 0;
        ssize_t rv = nghttp2_hd_inflate_hd2(inflater_, &nv, &flags, in, left, 1);
        if (rv < 0) return false;
        in += rv;
        left -= static_cast<size_t>(rv);
        if (flags & NGHTTP2_HD_INFLATE_EMIT)
            out.push_back({std::string(reinterpret_cast<const char*>(nv.name), nv.namelen),
                           std::string(reinterpret_cast<const char*>(nv.value), nv.valuelen)});
        if (flags & NGHTTP2_HD_INFLATE_FINAL) {
            nghttp2_hd_inflate_end_headers(inflater_);
            return true;
        }
        if (rv == 0 && left == 0) return false;  // no progress and no FINAL: truncated block
    }
}

}  // namespace agentsight::analyzers
