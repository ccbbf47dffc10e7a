// SPDX-License-Identifier: Apache-2.0
// One ring-buffer record, any bytes: the decoder must size-check everything the kernel
// side claims (type, size, payload lengths) and never read past the record.
#include <cstdint>
#include <vector>

#include "fuzz_input.h"
#include "sources/record_decoder.h"

using namespace agentsight;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // A heap copy of exactly `size` bytes: the ring buffer's record ends where ours does,
    // so an over-read lands in ASan's redzone instead of libFuzzer's larger buffer.
    std::vector<uint8_t> record(data, data + size);
    clock_offset clock{.mono_to_epoch_ns = 1'700'000'000'000'000'000LL};
    auto r = decode_record(record, clock);
    if (!r) {
        fuzz::touch(r.message());
        return 0;
    }
    std::visit(
        [](const auto& d) {
            using T = std::decay_t<decltype(d)>;
            if constexpr (std::is_same_v<T, tls_chunk>) {
                fuzz::touch(d.comm);
                fuzz::touch(d.data);
            } else if constexpr (std::is_same_v<T, process_event>) {
                fuzz::touch(d.comm);
                fuzz::touch(d.filename);
                fuzz::touch(d.path);
                fuzz::touch(d.new_path);
                for (const auto& a : d.argv) fuzz::touch(a);
            } else if constexpr (std::is_same_v<T, tls_event>) {
                fuzz::touch(d.data);
            }
        },
        r.value());
    return 0;
}
