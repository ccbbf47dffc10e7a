// SPDX-License-Identifier: Apache-2.0
// An x86-64 instruction *length* decoder: enough structure (prefixes, opcode,
// ModRM, immediate) to sweep a function linearly and recognise the few
// instruction forms the BoringSSL search reads. It does not know mnemonics.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace agentsight::tls::x86_64 {

struct insn {
    uint8_t length = 0;
    uint8_t rex = 0;      // 0 when absent
    bool opsize = false;  // 0x66 prefix
    uint8_t map = 0;      // 0: one-byte, 1: 0F, 2: 0F38, 3: 0F3A, 0x10+: VEX/EVEX/XOP map
    uint8_t opcode = 0;
    bool has_modrm = false;
    uint8_t modrm = 0;
    uint8_t disp_size = 0;
    int64_t disp = 0;
    bool rip_relative = false;
    uint8_t imm_size = 0;
    int64_t imm = 0;  // sign-extended from imm_size bytes (imm64 kept whole)

    uint8_t mod() const { return modrm >> 6; }
    uint8_t reg() const { return uint8_t(((modrm >> 3) & 7) | ((rex & 4) << 1)); }
    uint8_t rm() const { return uint8_t((modrm & 7) | ((rex & 1) << 3)); }
};

// nullopt for an invalid or truncated instruction.
std::optional<insn> decode(const uint8_t* p, size_t n);

// General-purpose register numbers (ModRM encoding order).
enum reg : uint8_t { rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15 };

}  // namespace agentsight::tls::x86_64
