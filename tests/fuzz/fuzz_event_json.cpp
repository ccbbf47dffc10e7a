// SPDX-License-Identifier: Apache-2.0
// One line of a recorded trace (JSON Lines, docs/events.md). A trace file is input too:
// it is shared, attached to bug reports and replayed by `analyze` and `serve`. What the
// reader accepts must also survive the writer and read back (export round-trips traces).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_input.h"
#include "pipeline/event_json.h"

using namespace agentsight;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto parsed = parse_event_json(fuzz::as_view(data, size));
    if (!parsed) {
        fuzz::touch(parsed.message());
        return 0;
    }
    std::string line = event_to_json(parsed.value());
    auto again = parse_event_json(line);
    if (!again) std::abort();  // the writer wrote a line its own reader rejects
    // Writing is deterministic: a second round trip must not drift.
    if (event_to_json(again.value()) != line) std::abort();
    return 0;
}
