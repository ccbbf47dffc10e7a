// SPDX-License-Identifier: Apache-2.0
#include "tls/tls_symbols.h"

#include <elf.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string_view>

namespace agentsight::tls {

namespace {

using agentsight::tls_direction;
using agentsight::tls_lib;

constexpr tls_function_spec specs[] = {
#define TLS_FUNCTION(symbol, lib, direction, ex) \
    {#symbol, tls_lib::lib, tls_direction::direction, ex},
#include "tls/tls_lib.def"
};
constexpr size_t spec_count = std::size(specs);

// The first letters of the names in `specs`: most symbols fail this test at once.
constexpr bool may_be_spec(char first) {
    for (const auto& s : specs)
        if (s.name[0] == first) return true;
    return false;
}

// A BoringSSL build defines this; its SSL_* then get lib = boringssl.
constexpr std::string_view boringssl_marker = "OPENSSL_is_boringssl";

// Symbol tables beyond this are not real; refuse rather than allocate.
constexpr uint64_t max_table_bytes = 512ull << 20;

std::string hex(uint64_t v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

int spec_index(std::string_view name) {
    // Versioned names ("SSL_write@@OPENSSL_3.0.0") count as the bare name.
    if (auto at = name.find('@'); at != std::string_view::npos) name = name.substr(0, at);
    if (name.empty() || !may_be_spec(name[0])) return -1;
    for (size_t i = 0; i < spec_count; ++i)
        if (name == specs[i].name) return int(i);
    return -1;
}

struct table_hits {
    bool found_table = false;
    bool boringssl = false;
    std::array<std::optional<Elf64_Sym>, spec_count> defined{};
    std::array<bool, spec_count> imported{};
};

void scan_table(const elf_file& elf, const elf_section& tab, table_hits& out) {
    if (tab.link >= elf.sections().size() || tab.size > max_table_bytes) return;
    const elf_section& strtab = elf.sections()[tab.link];
    if (strtab.size > max_table_bytes) return;
    std::vector<uint8_t> raw, strs;
    if (!elf.read(tab.offset, tab.size, raw) || !elf.read(strtab.offset, strtab.size, strs)) return;
    out.found_table = true;
    size_t n = raw.size() / sizeof(Elf64_Sym);
    for (size_t i = 0; i < n; ++i) {
        Elf64_Sym s;
        std::memcpy(&s, raw.data() + i * sizeof s, sizeof s);
        if (s.st_name >= strs.size()) continue;
        const char* p = reinterpret_cast<const char*>(strs.data()) + s.st_name;
        std::string_view name(p, strnlen(p, strs.size() - s.st_name));
        if (name == boringssl_marker && s.st_shndx != SHN_UNDEF) out.boringssl = true;
        int idx = spec_index(name);
        if (idx < 0) continue;
        if (s.st_shndx == SHN_UNDEF) {
            out.imported[idx] = true;  // an import is not a definition
        } else if (!out.defined[idx]) {
            out.defined[idx] = s;
        }
    }
}

}  // namespace

std::span<const tls_function_spec> known_tls_functions() {
    return specs;
}

symbol_scan_result scan_tls_symbols(const elf_file& elf) {
    symbol_scan_result res;
    table_hits hits;
    const char* table_name = nullptr;
    for (uint32_t type : {uint32_t(SHT_DYNSYM), uint32_t(SHT_SYMTAB)}) {
        for (const auto& sec : elf.sections()) {
            if (sec.type == type) scan_table(elf, sec, hits);
        }
        bool any = std::any_of(hits.defined.begin(), hits.defined.end(),
                               [](const auto& s) { return s.has_value(); });
        if (any) {
            table_name = type == SHT_DYNSYM ? ".dynsym" : ".symtab";
            break;
        }
    }
    if (!hits.found_table) res.evidence.push_back("symbols: no .dynsym or .symtab section");

    for (size_t i = 0; i < spec_count; ++i) {
        const tls_function_spec& spec = specs[i];
        if (hits.imported[i] && !hits.defined[i]) res.imported.push_back(spec.name);
        const std::optional<Elf64_Sym>& s = hits.defined[i];
        if (!s) continue;
        std::string what = std::string(spec.name) + " in " + table_name + " at " + hex(s->st_value);
        unsigned type = ELF64_ST_TYPE(s->st_info);
        if (type != STT_FUNC || s->st_value == 0) {
            res.evidence.push_back("skip " + what + ": not a plain function symbol (type " +
                                   std::to_string(type) + ")");
            continue;
        }
        const elf_segment* seg = elf.load_segment_for(s->st_value);
        if (seg == nullptr || !(seg->flags & PF_X)) {
            res.evidence.push_back("skip " + what + ": not inside an executable PT_LOAD segment");
            continue;
        }
        tls_attach_point p;
        p.function = spec.name;
        p.lib = hits.boringssl && spec.lib == tls_lib::openssl ? tls_lib::boringssl : spec.lib;
        p.direction = spec.direction;
        p.ex_variant = spec.ex_variant;
        p.file_offset = s->st_value - seg->vaddr + seg->offset;
        res.evidence.push_back("symbol " + what + " -> file offset " + hex(p.file_offset));
        res.points.push_back(std::move(p));
    }
    if (hits.boringssl && !res.points.empty())
        res.evidence.push_back("symbols: defines OPENSSL_is_boringssl, so SSL_* are BoringSSL");
    for (const auto& name : res.imported)
        res.evidence.push_back("imports " + name +
                               " (undefined here): the library that defines it is probed");
    return res;
}

}  // namespace agentsight::tls
