// SPDX-License-Identifier: Apache-2.0
#include "tls/x86_64/x86_64_backend.h"

#include <elf.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>

#include "tls/x86_64/x86_64_decoder.h"

namespace agentsight::tls {

std::unique_ptr<arch_backend> make_arch_backend(uint16_t machine) {
    if (machine == EM_X86_64) return std::make_unique<x86_64::backend>();
    return nullptr;  // EM_AARCH64: not yet (see docs/tls-discovery.md)
}

namespace x86_64 {

namespace {

struct located {
    uint64_t vaddr;
    insn in;
};

// SysV argument registers, in order.
constexpr std::array<uint8_t, 6> arg_regs{rdi, rsi, rdx, rcx, r8, r9};

// Values known to be in registers while walking the few instructions that set
// up one error call. `unknown` marks a register written with something else.
struct reg_state {
    std::array<std::optional<uint64_t>, 16> value{};
    void set(uint8_t r, std::optional<uint64_t> v) { value[r & 15] = v; }
};

// The address `target` loaded by this instruction, when it is a form that can
// materialise an address: mov r32, imm32 / mov r/m64, simm32 / lea r64, [rip+d].
std::optional<uint8_t> loads_address(const located& l, uint64_t target) {
    const insn& in = l.in;
    if (in.map != 0) return std::nullopt;
    if (in.opcode >= 0xb8 && in.opcode <= 0xbf && uint64_t(in.imm) == target)
        return uint8_t((in.opcode - 0xb8) | ((in.rex & 1) << 3));
    if (in.opcode == 0xc7 && in.mod() == 3 && ((in.modrm >> 3) & 7) == 0 &&
        (uint64_t(in.imm) & 0xffffffff) == target)
        return in.rm();
    if (in.opcode == 0x8d && in.rip_relative && l.vaddr + in.length + in.disp == target)
        return in.reg();
    return std::nullopt;
}

// Applies an argument-setup instruction to `st`. False for anything else,
// which ends the walk (the values may no longer belong to this call).
bool apply_setup(const located& l, uint64_t target, reg_state& st) {
    const insn& in = l.in;
    if (auto r = loads_address(l, target)) {
        st.set(*r, target);
        return true;
    }
    if (in.map != 0) return false;
    if (in.opcode >= 0xb8 && in.opcode <= 0xbf) {  // mov r, imm
        uint64_t v = in.rex & 8 ? uint64_t(in.imm) : uint64_t(in.imm) & 0xffffffff;
        st.set(uint8_t((in.opcode - 0xb8) | ((in.rex & 1) << 3)), v);
        return true;
    }
    if (in.opcode == 0xc7 && in.mod() == 3) {  // mov r/m, imm32
        st.set(in.rm(), uint64_t(in.imm) & 0xffffffff);
        return true;
    }
    if ((in.opcode == 0x31 || in.opcode == 0x33) && in.mod() == 3 && in.reg() == in.rm()) {
        st.set(in.rm(), 0);  // xor r, r
        return true;
    }
    if ((in.opcode == 0x89 || in.opcode == 0x8b) && in.mod() == 3) {  // mov r, r
        uint8_t dst = in.opcode == 0x89 ? in.rm() : in.reg();
        uint8_t src = in.opcode == 0x89 ? in.reg() : in.rm();
        st.set(dst, st.value[src]);
        return true;
    }
    if (in.opcode == 0x8d) {  // lea of something else
        st.set(in.reg(), std::nullopt);
        return true;
    }
    return false;
}

bool is_call(const insn& in) {
    return in.map == 0 && in.opcode == 0xe8;
}
bool is_jmp(const insn& in) {
    return in.map == 0 && (in.opcode == 0xe9 || in.opcode == 0xeb);
}

std::string describe_entry(std::span<const uint8_t> code) {
    std::string out;
    size_t pos = 0;
    for (int k = 0; k < 3 && pos < code.size(); ++k) {
        auto in = decode(code.data() + pos, code.size() - pos);
        if (!in) break;
        char buf[64];
        std::string bytes;
        for (size_t j = 0; j < in->length; ++j) {
            std::snprintf(buf, sizeof buf, "%02x", code[pos + j]);
            bytes += buf;
        }
        if (!out.empty()) out += ' ';
        out += bytes;
        pos += in->length;
    }
    return out;
}

// A compiled non-leaf function starts by saving registers or making a frame.
bool plausible_entry(std::span<const uint8_t> code) {
    size_t pos = 0;
    if (code.size() >= 4 && code[0] == 0xf3 && code[1] == 0x0f && code[2] == 0x1e &&
        code[3] == 0xfa)
        pos = 4;  // endbr64
    if (pos >= code.size()) return false;
    auto in = decode(code.data() + pos, code.size() - pos);
    if (!in || in->map != 0) return false;
    if (in->opcode >= 0x50 && in->opcode <= 0x57) return true;  // push r
    if ((in->opcode == 0x83 || in->opcode == 0x81) && in->mod() == 3 && in->rm() == rsp &&
        ((in->modrm >> 3) & 7) == 5)
        return true;                                                                // sub rsp, imm
    if (in->opcode == 0x89 && in->mod() != 3 && (in->modrm & 7) == 4) return true;  // mov [rsp+..]
    return false;
}

// [endbr64] push rbp; mov rbp, rsp: how every function in a frame-pointer
// build begins. Only used where there is no FDE, together with alignment.
bool frame_prologue_at(const uint8_t* p, size_t n) {
    static const uint8_t endbr[] = {0xf3, 0x0f, 0x1e, 0xfa};
    static const uint8_t frame[] = {0x55, 0x48, 0x89, 0xe5};
    if (n >= 8 && std::memcmp(p, endbr, 4) == 0) p += 4, n -= 4;
    return n >= 4 && std::memcmp(p, frame, 4) == 0;
}

constexpr uint64_t function_alignment = 16;

}  // namespace

std::optional<fde_range> backend::guess_bounds(std::span<const uint8_t> window, uint64_t base,
                                               uint64_t field) const {
    if (field < base || field >= base + window.size()) return std::nullopt;
    const uint8_t* p = window.data();
    size_t n = window.size();
    // Nearest aligned frame prologue before `field` from which a linear decode
    // has an instruction containing `field`: that is the enclosing function.
    for (uint64_t c = field & ~(function_alignment - 1); c >= base; c -= function_alignment) {
        size_t at = size_t(c - base);
        if (frame_prologue_at(p + at, n - at)) {
            size_t pos = at;
            bool contains = false;
            while (pos < n && base + pos <= field) {
                auto in = decode(p + pos, n - pos);
                if (!in) break;
                if (base + pos + in->length > field) {
                    contains = base + pos < field;
                    break;
                }
                pos += in->length;
            }
            if (contains) {
                // The end: the next aligned instruction boundary that begins
                // another frame prologue.
                while (pos < n) {
                    if ((base + pos) % function_alignment == 0 && base + pos > field &&
                        frame_prologue_at(p + pos, n - pos))
                        return fde_range{c, base + pos};
                    auto in = decode(p + pos, n - pos);
                    if (!in) return std::nullopt;
                    pos += in->length;
                }
                return std::nullopt;
            }
        }
        if (c < function_alignment) break;
    }
    return std::nullopt;
}

void backend::find_address_refs(std::span<const uint8_t> code, uint64_t base, uint64_t target,
                                bool pic, std::vector<uint64_t>& out) const {
    const uint8_t* p = code.data();
    size_t n = code.size();
    if (n < 4) return;
    // Absolute imm32 (mov r32, imm32): only where the address fits in 32 bits.
    if (target <= 0xffffffff) {
        uint8_t needle[4];
        uint32_t t32 = uint32_t(target);
        std::memcpy(needle, &t32, 4);
        const uint8_t* at = p;
        while (at + 4 <= p + n) {
            auto* hit = static_cast<const uint8_t*>(memmem(at, size_t(p + n - at), needle, 4));
            if (hit == nullptr) break;
            out.push_back(base + uint64_t(hit - p));
            at = hit + 1;
        }
    }
    // RIP-relative lea r64, [rip+disp32]: REX.W 8D modrm(00 reg 101) disp32.
    if (pic) {
        for (size_t i = 3; i + 4 <= n; ++i) {
            if (p[i - 2] != 0x8d || (p[i - 1] & 0xc7) != 0x05 || (p[i - 3] & 0xf8) != 0x48)
                continue;
            int32_t disp;
            std::memcpy(&disp, p + i, 4);
            if (base + i + 4 + uint64_t(int64_t(disp)) == target) out.push_back(base + i);
        }
    }
}

namespace {

// Decodes `code` (at `start`) instruction by instruction until the end or the
// first byte sequence the decoder does not know; `decoded` is how far it got.
std::vector<located> decode_linear(std::span<const uint8_t> code, uint64_t start, size_t& decoded) {
    std::vector<located> insns;
    size_t pos = 0;
    while (pos < code.size()) {
        auto in = decode(code.data() + pos, code.size() - pos);
        if (!in) break;
        insns.push_back({start + pos, *in});
        pos += in->length;
    }
    decoded = pos;
    return insns;
}

std::optional<size_t> index_of(const std::vector<located>& insns, uint64_t vaddr) {
    auto it = std::lower_bound(insns.begin(), insns.end(), vaddr,
                               [](const located& l, uint64_t v) { return l.vaddr < v; });
    if (it == insns.end() || it->vaddr != vaddr) return std::nullopt;
    return size_t(it - insns.begin());
}

// Targets of calls, and of jmp rel32 leaving the function (tail calls).
std::vector<uint64_t> direct_calls(const std::vector<located>& insns, fde_range range) {
    std::vector<uint64_t> out;
    for (const auto& l : insns) {
        if (!is_call(l.in) && !(l.in.map == 0 && l.in.opcode == 0xe9)) continue;
        uint64_t dest = l.vaddr + l.in.length + uint64_t(l.in.imm);
        if (is_call(l.in) || dest < range.start || dest >= range.end) out.push_back(dest);
    }
    return out;
}

// Register values set up by the instructions just before the reference at `k`,
// applied oldest first.
reg_state setup_before(const std::vector<located>& insns, size_t k, uint64_t target) {
    reg_state st;
    size_t first = k;
    while (first > 0 && k - first < 6) {
        reg_state probe;
        if (!apply_setup(insns[first - 1], target, probe) || is_call(insns[first - 1].in)) break;
        --first;
    }
    for (size_t j = first; j < k; ++j) apply_setup(insns[j], target, st);
    return st;
}

// Follows the instructions after the reference at `k` to the call, through up
// to two jumps to a shared call, applying setup to `st` on the way; the
// callee, or 0 when the path leaves what can be followed.
uint64_t follow_to_call(const std::vector<located>& insns, size_t k, uint64_t target,
                        reg_state& st) {
    size_t j = k + 1;
    for (int hops = 0, steps = 0; j < insns.size() && steps < 16; ++steps) {
        const insn& in = insns[j].in;
        if (is_call(in)) return insns[j].vaddr + in.length + uint64_t(in.imm);
        if (is_jmp(in) && hops < 2) {
            auto next = index_of(insns, insns[j].vaddr + in.length + uint64_t(in.imm));
            if (!next) break;
            j = *next;
            ++hops;
            continue;
        }
        if (!apply_setup(insns[j], target, st)) break;
        ++j;
    }
    return 0;
}

// file is argument i: the reason is the one before it, the line the one
// after (ERR_put_error(lib, [unused,] reason, file, line)).
void read_error_args(const reg_state& st, uint8_t file_reg, error_site& site) {
    auto arg = std::find(arg_regs.begin(), arg_regs.end(), file_reg);
    if (arg == arg_regs.end() || arg == arg_regs.begin() || arg + 1 == arg_regs.end()) return;
    auto as_u32 = [](std::optional<uint64_t> v) -> std::optional<uint32_t> {
        if (!v || *v > 0xffffffff) return std::nullopt;
        return uint32_t(*v);
    };
    if (arg - arg_regs.begin() >= 2) site.lib = as_u32(st.value[arg_regs[0]]);
    site.reason = as_u32(st.value[*(arg - 1)]);
    site.line = as_u32(st.value[*(arg + 1)]);
}

// The error call that the reference to `target` at instruction `k` (loading
// it into `file_reg`) sets up.
error_site trace_error_site(const std::vector<located>& insns, size_t k, uint8_t file_reg,
                            uint64_t target) {
    error_site site;
    site.vaddr = insns[k].vaddr;
    reg_state st = setup_before(insns, k, target);
    st.set(file_reg, target);
    site.callee = follow_to_call(insns, k, target, st);
    read_error_args(st, file_reg, site);
    return site;
}

}  // namespace

function_facts backend::analyze_function(std::span<const uint8_t> code, fde_range range,
                                         uint64_t target) const {
    function_facts f;
    f.range = range;
    f.plausible_entry = plausible_entry(code);
    f.entry_note = describe_entry(code);
    size_t decoded = 0;
    std::vector<located> insns = decode_linear(code, range.start, decoded);
    f.fully_decoded = decoded == code.size();
    f.direct_calls = direct_calls(insns, range);
    for (size_t k = 0; k < insns.size(); ++k)
        if (auto file_reg = loads_address(insns[k], target))
            f.sites.push_back(trace_error_site(insns, k, *file_reg, target));
    return f;
}

}  // namespace x86_64
}  // namespace agentsight::tls
