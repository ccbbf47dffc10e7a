// SPDX-License-Identifier: Apache-2.0
// Hostile ELF files built in memory for the discovery budget tests (unit and
// security): a valid ELF64 x86-64 header, one program header per segment, and
// the segments' bytes, with nothing else a real linker would add.
#pragma once

#include <elf.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace agentsight::tls::test {

struct crafted_segment {
    uint32_t flags;  // PF_R, PF_R | PF_X
    uint64_t vaddr;
    std::string bytes;
};

inline std::string crafted_elf(const std::vector<crafted_segment>& segs) {
    Elf64_Ehdr eh{};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = EM_X86_64;
    eh.e_version = EV_CURRENT;
    eh.e_phoff = sizeof eh;
    eh.e_ehsize = sizeof eh;
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = uint16_t(segs.size());
    std::string out(reinterpret_cast<const char*>(&eh), sizeof eh);
    uint64_t at = sizeof eh + segs.size() * sizeof(Elf64_Phdr);
    for (const auto& s : segs) {
        Elf64_Phdr ph{};
        ph.p_type = PT_LOAD;
        ph.p_flags = s.flags;
        ph.p_offset = at;
        ph.p_vaddr = ph.p_paddr = s.vaddr;
        ph.p_filesz = ph.p_memsz = s.bytes.size();
        out.append(reinterpret_cast<const char*>(&ph), sizeof ph);
        at += s.bytes.size();
    }
    for (const auto& s : segs) out += s.bytes;
    return out;
}

inline constexpr const char* boringssl_marker = "../../vendor/boringssl/ssl/ssl_lib.cc";

// The issue-16 file: `copies` distinct strings that all end in ssl/ssl_lib.cc
// (7 s in the old quadratic de-duplication at 160k).
inline std::string many_markers_elf(size_t copies) {
    std::string ro;
    ro.reserve(copies * 40);
    for (size_t i = 0; i < copies; ++i)
        ro.append(boringssl_marker, std::strlen(boringssl_marker) + 1);
    return crafted_elf({{PF_R, 0x400000, ro}});
}

// One marker string, and `refs` instructions loading its address
// (mov eax, imm32): every one a candidate reference to analyse.
inline std::string many_references_elf(size_t refs) {
    const uint32_t marker_vaddr = 0x400000;
    std::string ro(boringssl_marker, std::strlen(boringssl_marker) + 1);
    std::string code;
    code.reserve(refs * 5);
    for (size_t i = 0; i < refs; ++i) {
        code += char(0xb8);
        code.append(reinterpret_cast<const char*>(&marker_vaddr), 4);
    }
    return crafted_elf({{PF_R, marker_vaddr, ro}, {PF_R | PF_X, 0x1000000, code}});
}

inline void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

}  // namespace agentsight::tls::test
