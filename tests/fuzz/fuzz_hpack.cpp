// SPDX-License-Identifier: Apache-2.0
// HPACK header blocks of one direction (the dynamic table carries over between blocks):
// indexes, Huffman strings, table size updates, all attacker bytes.
#include <cstdint>
#include <vector>

#include "analysis/protocol/hpack_decoder.h"
#include "fuzz_input.h"

using namespace agentsight;
using namespace agentsight::analyzers;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in = fuzz::as_view(data, size);
    uint8_t mode = fuzz::take_shape(in);
    hpack_decoder hpack;
    // A peer may shrink the table (SETTINGS_HEADER_TABLE_SIZE) before any block.
    if (mode & 1) (void)hpack.set_max_table_size(size_t(mode) * 16);
    std::vector<http_header> headers;
    for (std::string_view block : fuzz::split_parts(in, 16)) {
        headers.clear();
        if (!hpack.decode(block, headers)) break;  // the table is unusable from here on
        for (const auto& h : headers) {
            fuzz::touch(h.name);
            fuzz::touch(h.value);
        }
    }
    return 0;
}
