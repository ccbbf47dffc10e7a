// SPDX-License-Identifier: Apache-2.0
// HPACK header block decoder for one direction of an HTTP/2 connection, owning an nghttp2
// inflater (its dynamic table is the per-direction state HTTP/2 requires).
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "analysis/protocol/http_types.h"

struct nghttp2_hd_inflater;

namespace agentsight::analyzers {

class hpack_decoder {
  public:
    hpack_decoder();
    ~hpack_decoder();
    hpack_decoder(const hpack_decoder&) = delete;
    hpack_decoder& operator=(const hpack_decoder&) = delete;

    // Decodes one complete header block (HEADERS + CONTINUATION fragments joined).
    // False on a compression error: the dynamic table is then unusable for good.
    bool decode(std::string_view block, std::vector<http_header>& out);
    // SETTINGS_HEADER_TABLE_SIZE sent by the peer that reads this direction.
    bool set_max_table_size(size_t size);

  private:
    nghttp2_hd_inflater* inflater_ = nullptr;
};

}  // namespace agentsight::analyzers
