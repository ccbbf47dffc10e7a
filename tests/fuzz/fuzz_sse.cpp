// SPDX-License-Identifier: Apache-2.0
// text/event-stream from a server: the parser must cope with any line endings, a BOM,
// huge lines and a stream cut at any byte (including between CR and LF), and give the
// same events whatever the cut.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "analysis/protocol/sse.h"
#include "fuzz_input.h"

using namespace agentsight;
using agentsight::analyzers::sse_parser;

namespace {

// `cut` null: the whole stream in one feed.
std::vector<std::string> parse(std::string_view stream, fuzz::chunker* cut) {
    std::vector<std::string> events;
    auto on_event = [&](std::string_view name, std::string_view data) {
        events.push_back(std::string(name) + '\0' + std::string(data));
    };
    sse_parser p;
    if (cut)
        cut->each(stream, [&](std::string_view chunk) { p.feed(chunk, on_event); });
    else
        p.feed(stream, on_event);
    p.finish(on_event);
    return events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in = fuzz::as_view(data, size);
    uint8_t shape = fuzz::take_shape(in);
    // Splitting must not change the result: compare against a single feed.
    fuzz::chunker cut(shape);
    auto whole = parse(in, nullptr);
    auto split = parse(in, &cut);
    if (whole != split) std::abort();
    return 0;
}
