// SPDX-License-Identifier: Apache-2.0
#include "tls/x86_64/rip_lea_scan.h"

#include <algorithm>
#include <cstring>

namespace agentsight::tls::x86_64 {

// Encoding: REX.W (0x48-0x4f), 0x8d, ModRM with mod=00 and rm=101, disp32;
// 7 bytes, and the target is relative to the end of the instruction.
void find_rip_leas(std::span<const uint8_t> code, uint64_t base, std::span<const uint64_t> targets,
                   std::vector<rip_lea>& out) {
    const uint8_t* data = code.data();
    const size_t n = code.size();
    for (size_t i = 1; i + 6 <= n;) {
        const void* hit = std::memchr(data + i, 0x8d, n - 6 - i + 1);
        if (hit == nullptr) break;
        size_t at = size_t(static_cast<const uint8_t*>(hit) - data);
        i = at + 1;
        if ((data[at - 1] & 0xf8) != 0x48 || (data[at + 1] & 0xc7) != 0x05) continue;
        int32_t disp;
        std::memcpy(&disp, data + at + 2, 4);
        uint64_t insn = base + at - 1;
        uint64_t target = insn + 7 + uint64_t(int64_t(disp));
        if (!targets.empty() && !std::binary_search(targets.begin(), targets.end(), target))
            continue;
        out.push_back({insn, target});
    }
}

}  // namespace agentsight::tls::x86_64
