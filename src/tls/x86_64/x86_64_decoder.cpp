// SPDX-License-Identifier: Apache-2.0
#include "tls/x86_64/x86_64_decoder.h"

#include <array>
#include <cstring>

namespace agentsight::tls::x86_64 {

namespace {

// Operand shape of each one-byte opcode in 64-bit mode.
enum : uint8_t {
    none = 0,
    modrm = 1,
    imm8 = 2,
    immz = 4,  // imm16 with 0x66, else imm32 (imm64 only for B8+r with REX.W)
    imm16 = 8,
    rel8 = 16,
    rel32 = 32,
    bad = 64,
    moffs = 128,
};

constexpr std::array<uint8_t, 256> one_byte_table() {
    std::array<uint8_t, 256> t{};
    for (int row = 0; row < 0x40; row += 8) {
        t[row + 0] = t[row + 1] = t[row + 2] = t[row + 3] = modrm;
        t[row + 4] = imm8;
        t[row + 5] = immz;
        t[row + 6] = t[row + 7] = bad;  // push/pop seg, daa...: invalid in 64-bit mode
    }
    t[0x0f] = none;  // escape, handled separately
    t[0x63] = modrm;
    t[0x60] = t[0x61] = t[0x62] = bad;
    t[0x68] = immz;
    t[0x69] = modrm | immz;
    t[0x6a] = imm8;
    t[0x6b] = modrm | imm8;
    for (int i = 0x70; i <= 0x7f; ++i) t[i] = rel8;
    t[0x80] = modrm | imm8;
    t[0x81] = modrm | immz;
    t[0x82] = bad;
    t[0x83] = modrm | imm8;
    for (int i = 0x84; i <= 0x8f; ++i) t[i] = modrm;
    t[0x9a] = bad;
    t[0xa0] = t[0xa1] = t[0xa2] = t[0xa3] = moffs;
    t[0xa8] = imm8;
    t[0xa9] = immz;
    for (int i = 0xb0; i <= 0xb7; ++i) t[i] = imm8;
    for (int i = 0xb8; i <= 0xbf; ++i) t[i] = immz;
    t[0xc0] = t[0xc1] = modrm | imm8;
    t[0xc2] = imm16;
    t[0xc6] = modrm | imm8;
    t[0xc7] = modrm | immz;
    t[0xc8] = imm16 | imm8;
    t[0xca] = imm16;
    t[0xcd] = imm8;
    t[0xce] = t[0xd4] = t[0xd5] = t[0xd6] = bad;
    for (int i = 0xd0; i <= 0xd3; ++i) t[i] = modrm;
    for (int i = 0xd8; i <= 0xdf; ++i) t[i] = modrm;
    for (int i = 0xe0; i <= 0xe3; ++i) t[i] = rel8;
    for (int i = 0xe4; i <= 0xe7; ++i) t[i] = imm8;
    t[0xe8] = t[0xe9] = rel32;
    t[0xea] = bad;
    t[0xeb] = rel8;
    t[0xf6] = t[0xf7] = modrm;  // immediate depends on ModRM.reg
    t[0xfe] = t[0xff] = modrm;
    return t;
}

constexpr auto one_byte = one_byte_table();

// 0F xx: which opcodes have no ModRM, and which carry an imm8.
bool twobyte_has_modrm(uint8_t op) {
    switch (op) {
        case 0x05:
        case 0x06:
        case 0x07:
        case 0x08:
        case 0x09:
        case 0x0b:
        case 0x0e:
        case 0x30:
        case 0x31:
        case 0x32:
        case 0x33:
        case 0x34:
        case 0x35:
        case 0x37:
        case 0x77:
        case 0xa0:
        case 0xa1:
        case 0xa2:
        case 0xa8:
        case 0xa9:
        case 0xaa:
            return false;
        default:
            if (op >= 0x80 && op <= 0x8f) return false;  // jcc rel32
            if (op >= 0xc8 && op <= 0xcf) return false;  // bswap
            return true;
    }
}

bool map1_has_imm8(uint8_t op) {
    return (op >= 0x70 && op <= 0x73) || op == 0xa4 || op == 0xac || op == 0xba || op == 0xc2 ||
           op == 0xc4 || op == 0xc5 || op == 0xc6 || op == 0x0f;
}

int64_t read_signed(const uint8_t* p, uint8_t size) {
    switch (size) {
        case 1:
            return int8_t(p[0]);
        case 2: {
            int16_t v;
            std::memcpy(&v, p, 2);
            return v;
        }
        case 4: {
            int32_t v;
            std::memcpy(&v, p, 4);
            return v;
        }
        case 8: {
            int64_t v;
            std::memcpy(&v, p, 8);
            return v;
        }
        default:
            return 0;
    }
}

}  // namespace

// size: one pass over prefixes, REX, the opcode maps and ModRM/SIB/displacement/immediate, in
// the order the bytes come; every step reads and advances the same cursor and half-built insn.
std::optional<insn> decode(const uint8_t* p, size_t n) {
    insn in;
    size_t i = 0;
    bool addr32 = false;
    auto need = [&](size_t k) { return i + k <= n && i + k <= 15; };

    // Legacy prefixes, then an optional REX immediately before the opcode.
    for (;; ++i) {
        if (!need(1)) return std::nullopt;
        uint8_t b = p[i];
        if (b == 0x66)
            in.opsize = true;
        else if (b == 0x67)
            addr32 = true;
        else if (b == 0xf0 || b == 0xf2 || b == 0xf3 || b == 0x2e || b == 0x36 || b == 0x3e ||
                 b == 0x26 || b == 0x64 || b == 0x65) {
        } else
            break;
    }
    if ((p[i] & 0xf0) == 0x40) {
        in.rex = p[i++];
        if (!need(1)) return std::nullopt;
    }

    uint8_t op = p[i++];
    bool imm_byte = false;
    uint8_t flags = 0;
    if (op == 0xc4 || op == 0xc5 || op == 0x62 || (op == 0x8f && need(1) && (p[i] & 0x38) != 0)) {
        // VEX (C4/C5), EVEX (62) and XOP (8F with a nonzero map field).
        size_t extra = op == 0xc5 ? 1 : op == 0x62 ? 3 : 2;
        if (!need(extra + 1)) return std::nullopt;
        uint8_t map = op == 0xc5 ? 1 : op == 0x62 ? (p[i] & 7) : (p[i] & 0x1f);
        if (!(p[i] & 0x80)) in.rex |= 4;  // inverted R
        i += extra;
        in.opcode = p[i++];
        in.map = uint8_t(0x10 | map);
        flags = modrm;
        if (op == 0x8f)
            imm_byte = map == 8;
        else
            imm_byte = map == 3 || (map == 1 && map1_has_imm8(in.opcode) && in.opcode != 0x0f);
        if (op == 0x8f && map == 0x0a) flags |= immz;
    } else if (op == 0x0f) {
        if (!need(1)) return std::nullopt;
        uint8_t op2 = p[i++];
        if (op2 == 0x38 || op2 == 0x3a) {
            if (!need(1)) return std::nullopt;
            in.map = op2 == 0x38 ? 2 : 3;
            in.opcode = p[i++];
            flags = modrm;
            imm_byte = op2 == 0x3a;
        } else {
            in.map = 1;
            in.opcode = op2;
            flags = twobyte_has_modrm(op2) ? modrm : none;
            if (op2 >= 0x80 && op2 <= 0x8f) flags = rel32;
            imm_byte = map1_has_imm8(op2);
        }
    } else {
        in.opcode = op;
        flags = one_byte[op];
        if (flags & bad) return std::nullopt;
    }

    if (flags & modrm) {
        if (!need(1)) return std::nullopt;
        in.has_modrm = true;
        in.modrm = p[i++];
        uint8_t mod = in.modrm >> 6, rm = in.modrm & 7;
        if (mod != 3) {
            if (rm == 4) {
                if (!need(1)) return std::nullopt;
                uint8_t sib = p[i++];
                if (mod == 0 && (sib & 7) == 5) in.disp_size = 4;
            } else if (mod == 0 && rm == 5) {
                in.disp_size = 4;
                in.rip_relative = true;
            }
            if (mod == 1) in.disp_size = 1;
            if (mod == 2) in.disp_size = 4;
        }
        if (!need(in.disp_size)) return std::nullopt;
        in.disp = read_signed(p + i, in.disp_size);
        i += in.disp_size;
    }

    // Immediates.
    uint8_t imm = 0;
    if (in.map == 0) {
        if (flags & (imm8 | rel8)) imm += 1;
        if (flags & imm16) imm += 2;
        if (flags & (immz | rel32)) imm += (flags & immz) && in.opsize ? 2 : 4;
        if (op >= 0xb8 && op <= 0xbf && (in.rex & 8)) imm = 8;
        if ((op == 0xf6 || op == 0xf7) && ((in.modrm >> 3) & 7) < 2)
            imm = op == 0xf6 ? 1 : (in.opsize ? 2 : 4);
        if (flags & moffs) imm = addr32 ? 4 : 8;
    } else {
        if (flags & rel32) imm = 4;
        if (imm_byte) imm += 1;
        if (flags & immz) imm += 4;
    }
    if (!need(imm)) return std::nullopt;
    in.imm_size = imm;
    in.imm = imm == 3 ? 0 : read_signed(p + i, imm);
    i += imm;
    in.length = uint8_t(i);
    return in;
}

}  // namespace agentsight::tls::x86_64
