// SPDX-License-Identifier: Apache-2.0
// A whole connection as its two byte streams, client then server, cut into records of a
// fuzzed size (at most 64 records a stream, see fuzz_input.h): protocol detection,
// HTTP/1.1 and HTTP/2 sessions, exchanges, providers and redaction, exactly as the
// analysis process runs them on captured plaintext.
#include <cstdint>

#include "analysis/analysis.h"
#include "fuzz_input.h"

using namespace agentsight;
using namespace agentsight::analyzers;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in = fuzz::as_view(data, size);
    uint8_t shape = fuzz::take_shape(in);
    auto parts = fuzz::split_parts(in, 2);
    std::string_view client = parts[0];
    std::string_view server = parts.size() > 1 ? parts[1] : std::string_view{};
    static constexpr size_t k_record_sizes[] = {16 * 1024, 1, 2, 9, 100, 1024, 4096, 1500};
    auto events = analyze_streams(
        client, server, fuzz::capped_record_size(k_record_sizes[shape & 7], client, server));
    for (const auto& e : events) fuzz::touch_json(e.body);
    return 0;
}
