// SPDX-License-Identifier: Apache-2.0
// Both directions of an HTTP/2 connection: frames of any type, length and flags, header
// blocks over CONTINUATION, padding, SETTINGS and capture losses, interleaved at fuzzed
// record boundaries.
#include <cstdint>
#include <string_view>
#include <vector>

#include "analysis/protocol/http2_session.h"
#include "fuzz_input.h"

using namespace agentsight;
using namespace agentsight::analyzers;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in = fuzz::as_view(data, size);
    uint8_t shape = fuzz::take_shape(in);
    uint8_t mode = fuzz::take_shape(in);
    auto parts = fuzz::split_parts(in, 3);
    std::string_view client = parts[0];
    std::string_view server = parts.size() > 1 ? parts[1] : std::string_view{};
    std::string_view losses = parts.size() > 2 ? parts[2] : std::string_view{};

    uint64_t parse_errors = 0;
    http2_session session(conn_meta{.conn = "1:fuzz", .pid = 1, .tid = 1, .comm = "fuzz"},
                          parse_errors);
    std::vector<derived_event> out;
    fuzz::chunker cut_client(shape), cut_server(uint8_t(shape ^ 0x5a));
    // At most k_max_records records per side (see fuzz_input.h).
    const size_t min_client = fuzz::min_record(client.size());
    const size_t min_server = fuzz::min_record(server.size());
    uint64_t ts = 1;
    // Alternate records of the two sides, as a real exchange interleaves them.
    while (!client.empty() || !server.empty()) {
        for (int side = 0; side < 2; ++side) {
            std::string_view& s = side == 0 ? client : server;
            if (s.empty()) continue;
            size_t n = side == 0 ? cut_client.next(min_client) : cut_server.next(min_server);
            n = std::min(s.size(), n);
            session.feed(side == 0, s.substr(0, n), ts++, 1, out);
            s.remove_prefix(n);
            if (!losses.empty() && (mode & 1)) {  // a capture loss between records
                session.skip(side == 0, uint8_t(losses.front()), out);
                losses.remove_prefix(1);
            }
        }
    }
    (void)session.last_ts();
    if (!(mode & 2)) session.close(out);
    for (const auto& e : out) fuzz::touch_json(e.body);
    return 0;
}
