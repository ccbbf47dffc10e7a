// SPDX-License-Identifier: Apache-2.0
#include "tls/rustls_layout.h"

#include <set>
#include <vector>

#include "tls/x86_64/x86_64_decoder.h"

namespace agentsight::tls {

namespace {

namespace x = x86_64;

constexpr int max_instructions = 32;

// A [reg + disp] memory operand without SIB or rip; nullopt otherwise.
std::optional<uint8_t> plain_base(const x::insn& i) {
    if (!i.has_modrm || i.mod() == 3 || (i.modrm & 7) == 4 || i.rip_relative) return {};
    return i.rm();
}

bool rex_w(const x::insn& i) {
    return (i.rex & 8) != 0;
}

}  // namespace

// Follows copies of rdx (`mov r, rdx`) and collects, up to the first call or
// branch: the qword compared with 0 and the qwords loaded from `msg`.
std::optional<outbound_chunks_layout> read_outbound_chunks_layout(std::span<const uint8_t> code) {
    std::set<uint8_t> msg = {x::rdx};
    std::optional<int64_t> tag;
    std::vector<int64_t> loads;
    size_t at = 0;
    for (int n = 0; n < max_instructions && at < code.size(); ++n) {
        auto i = x::decode(code.data() + at, code.size() - at);
        if (!i) return {};
        at += i->length;
        if (i->map == 0 && (i->opcode == 0xe8 || i->opcode == 0xe9 || i->opcode == 0xc3 ||
                            (i->opcode >= 0x70 && i->opcode <= 0x7f)))
            break;
        if (i->map == 1 && i->opcode >= 0x80 && i->opcode <= 0x8f) break;  // jcc rel32
        if (i->map != 0 || !rex_w(*i)) continue;
        auto base = plain_base(*i);
        if (i->opcode == 0x89 && i->mod() == 3 && msg.count(i->reg())) msg.insert(i->rm());
        if (i->opcode == 0x8b && i->mod() == 3 && msg.count(i->rm())) msg.insert(i->reg());
        if (!base || !msg.count(*base)) continue;
        if (i->opcode == 0x83 && ((i->modrm >> 3) & 7) == 7 && i->imm == 0) tag = i->disp;
        if (i->opcode == 0x8b) loads.push_back(i->disp);
    }
    if (!tag || loads.size() < 2) return {};
    // The two loaded words are start/end (Multiple); the lower is also
    // Single's length, which follows its pointer.
    int64_t b = std::min(loads[0], loads[1]), c = std::max(loads[0], loads[1]);
    if (c != b + 8 || b < 8 || *tag < 0 || b > 256 || *tag == b || *tag == c) return {};
    outbound_chunks_layout l;
    l.tag = uint32_t(*tag);
    l.single_len = uint32_t(b);
    l.start = uint32_t(b);
    l.end = uint32_t(c);
    l.note = "cmpq $0," + std::to_string(*tag) + "(msg); mov " + std::to_string(b) + "(msg); mov " +
             std::to_string(c) + "(msg)";
    return l;
}

}  // namespace agentsight::tls
