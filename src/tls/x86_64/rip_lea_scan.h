// SPDX-License-Identifier: Apache-2.0
// `lea r64, [rip + disp32]`: how x86-64 position-independent code takes the
// address of a static (a panic Location, a trait-object vtable). A byte-level
// scan: hits are candidates that the caller confirms (an FDE must contain
// them, the target must have the expected shape).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace agentsight::tls::x86_64 {

struct rip_lea {
    uint64_t insn = 0;    // vaddr of the instruction
    uint64_t target = 0;  // the address it loads
};

// Every `lea r64, [rip+disp32]` in `code` (which starts at vaddr `base`) whose
// target is in the sorted `targets`, or any target when `targets` is empty.
void find_rip_leas(std::span<const uint8_t> code, uint64_t base, std::span<const uint64_t> targets,
                   std::vector<rip_lea>& out);

}  // namespace agentsight::tls::x86_64
