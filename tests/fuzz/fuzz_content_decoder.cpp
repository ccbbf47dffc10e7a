// SPDX-License-Identifier: Apache-2.0
// Compressed response bodies (gzip, deflate, br, zstd) from the server: corrupt streams
// and compression bombs must fail or stop at the cap, never overrun it.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "analysis/protocol/content_decoder.h"
#include "fuzz_input.h"

using namespace agentsight;
using namespace agentsight::analyzers;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in = fuzz::as_view(data, size);
    uint8_t shape = fuzz::take_shape(in);
    uint8_t mode = fuzz::take_shape(in);
    static constexpr content_coding k_codings[] = {content_coding::gzip, content_coding::deflate,
                                                   content_coding::br, content_coding::zstd,
                                                   content_coding::identity};
    content_decoder decoder(k_codings[mode % 5]);
    (void)parse_content_coding(in.substr(0, 32));
    const size_t cap = size_t(mode >> 3) * 4096 + 1;
    std::string out;
    bool capped = false;
    fuzz::chunker cut(shape);
    cut.each(in, [&](std::string_view chunk) {
        if (decoder.failed()) return;
        (void)decoder.feed(chunk, out, cap, capped);
        if (out.size() > cap) std::abort();  // the cap is the bomb defence
    });
    return 0;
}
