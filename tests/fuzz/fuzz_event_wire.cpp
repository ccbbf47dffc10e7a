// SPDX-License-Identifier: Apache-2.0
// The capture → analysis process channel (pipeline/event_wire, frame_channel). The
// analysis process trusts the capture process, but a decoder that trusts a length is a
// decoder that reads out of bounds the day the writer has a bug. What decodes must
// re-encode to the same bytes.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_input.h"
#include "pipeline/event_wire.h"

using namespace agentsight;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto bytes = fuzz::as_view(data, size);
    auto parsed = parse_event_wire(bytes);
    if (!parsed) {
        fuzz::touch(parsed.message());
        return 0;
    }
    std::string again;
    append_event_wire(parsed.value(), again);
    // Derived bodies are re-serialized JSON, so only the binary kinds must match exactly.
    if (!std::holds_alternative<derived_event>(parsed.value()) && again != bytes) std::abort();
    if (!parse_event_wire(again)) std::abort();  // the writer wrote what its reader rejects
    return 0;
}
