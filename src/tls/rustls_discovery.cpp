// SPDX-License-Identifier: Apache-2.0
#include "tls/rustls_discovery.h"

#include <elf.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <set>

#include "tls/eh_frame_index.h"
#include "tls/rust_panic_locations.h"
#include "tls/x86_64/rip_lea_scan.h"

namespace agentsight::tls {

namespace {

constexpr size_t chunk_bytes = 16u << 20;
constexpr size_t lea_bytes = 7;
// Caps against crafted files. Codex 0.167.2 and 0.171.0: 2 Locations per
// provider file, referenced from 2 functions (the two constructors).
constexpr size_t max_references = 256;
constexpr uint64_t max_function_bytes = 64u << 10;
// `encrypted_payload_len` is `len + 1 + tag_len`: a few instructions.
constexpr uint64_t max_small_method_bytes = 64;

// rustls keeps one TLS 1.3 record implementation per crypto provider, in
// src/crypto/<provider>/tls13.rs. Codex links both providers.
constexpr const char* providers[] = {"aws_lc_rs", "ring"};

std::string hex(uint64_t v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

// A `dyn Trait` vtable: drop_in_place, size, align, then the methods.
struct vtable {
    uint64_t vaddr = 0;
    uint64_t words[5] = {};
};

class record_layer_search {
  public:
    record_layer_search(const elf_file& elf, rustls_scan& out) : elf_(elf), out_(out) {}

    void run();

  private:
    std::vector<x86_64::rip_lea> references(const std::vector<uint64_t>& targets);
    std::set<uint64_t> vtables_built_in(const fde_range& fn);
    std::optional<vtable> read_vtable(uint64_t vaddr) const;
    bool function_start(uint64_t vaddr) const {
        auto r = fdes_->find(vaddr);
        return r && r->start == vaddr;
    }
    bool is_encrypter(const vtable& v) const;
    void search_provider(const std::string& provider, const rust_location_scan& locs,
                         const std::vector<x86_64::rip_lea>& refs);
    void choose(const std::string& provider, const std::vector<vtable>& found);

    const elf_file& elf_;
    std::optional<eh_frame_index> fdes_;  // loaded once Locations were found
    rustls_scan& out_;
};

// One pass over the executable segments for rip-relative leas of any target.
std::vector<x86_64::rip_lea> record_layer_search::references(const std::vector<uint64_t>& targets) {
    std::vector<x86_64::rip_lea> refs;
    std::vector<uint8_t> buf;
    for (const auto& seg : elf_.segments()) {
        if (seg.type != PT_LOAD || (seg.flags & PF_X) == 0) continue;
        for (uint64_t at = 0; at < seg.filesz && refs.size() <= max_references;) {
            uint64_t len = std::min<uint64_t>(chunk_bytes, seg.filesz - at);
            if (!elf_.read(seg.offset + at, len, buf)) break;
            x86_64::find_rip_leas(buf, seg.vaddr + at, targets, refs);
            if (at + len >= seg.filesz) break;
            at += len - std::min<uint64_t>(lea_bytes, len - 1);
        }
    }
    std::sort(refs.begin(), refs.end(), [](auto& a, auto& b) { return a.insn < b.insn; });
    refs.erase(
        std::unique(refs.begin(), refs.end(), [](auto& a, auto& b) { return a.insn == b.insn; }),
        refs.end());
    return refs;
}

std::optional<vtable> record_layer_search::read_vtable(uint64_t vaddr) const {
    const elf_segment* seg = elf_.load_segment_for(vaddr);
    if (seg == nullptr || (seg->flags & PF_W) == 0 || (seg->flags & PF_X) != 0) return {};
    vtable v{vaddr, {}};
    auto off = elf_.vaddr_to_offset(vaddr);
    if (!off || !elf_.read(*off, v.words, sizeof v.words)) return {};
    uint64_t size = v.words[1], align = v.words[2];
    bool shape = size > 0 && size <= (1u << 16) && align > 0 && align <= 64 &&
                 (align & (align - 1)) == 0 && size % align == 0;
    if (!shape || !function_start(v.words[0]) || !function_start(v.words[3])) return {};
    return v;
}

// Every vtable-shaped static whose address the function takes: `Box::new(..)`
// as `Box<dyn MessageEncrypter>` returns (data, &VTABLE).
std::set<uint64_t> record_layer_search::vtables_built_in(const fde_range& fn) {
    std::set<uint64_t> found;
    auto off = elf_.vaddr_to_offset(fn.start);
    uint64_t size = fn.end - fn.start;
    std::vector<uint8_t> code;
    if (!off || size > max_function_bytes || !elf_.read(*off, size, code)) return found;
    std::vector<x86_64::rip_lea> leas;
    x86_64::find_rip_leas(code, fn.start, {}, leas);
    for (const auto& l : leas)
        if (l.insn >= fn.start && l.insn + lea_bytes <= fn.end && read_vtable(l.target))
            found.insert(l.target);
    return found;
}

// MessageEncrypter has two methods (encrypt, encrypted_payload_len, a tiny
// function); MessageDecrypter has one, so its fifth word is whatever static
// follows it.
bool record_layer_search::is_encrypter(const vtable& v) const {
    auto fn = fdes_->find(v.words[4]);
    return fn && fn->start == v.words[4] && fn->end - fn->start <= max_small_method_bytes;
}

// Encrypter and decrypter of one cipher family wrap the same {key, iv} struct,
// so their vtables share drop_in_place and size: that pairs them (aws-lc-rs
// has two families, AES-GCM and ChaCha20-Poly1305). A vtable without a partner
// (an HKDF expander built in the same file) is left out.
void record_layer_search::choose(const std::string& provider, const std::vector<vtable>& found) {
    std::map<std::pair<uint64_t, uint64_t>,
             std::pair<std::vector<const vtable*>, std::vector<const vtable*>>>
        families;
    for (const auto& v : found) {
        bool e = is_encrypter(v);
        out_.evidence.push_back(
            "  vtable " + hex(v.vaddr) + ": drop " + hex(v.words[0]) + ", size " +
            std::to_string(v.words[1]) + ", method " + hex(v.words[3]) +
            (e ? " + small method " + hex(v.words[4]) + " (encrypter)" : " (one method)"));
        auto& f = families[{v.words[0], v.words[1]}];
        (e ? f.first : f.second).push_back(&v);
    }
    for (const auto& [key, f] : families) {
        if (f.first.size() != 1 || f.second.size() != 1) continue;
        rustls_record_layer l;
        l.provider = provider;
        l.struct_size = key.second;
        l.encrypt = f.first[0]->words[3];
        l.decrypt = f.second[0]->words[3];
        l.encrypter_vtable = f.first[0]->vaddr;
        l.decrypter_vtable = f.second[0]->vaddr;
        auto eo = elf_.vaddr_to_offset(l.encrypt);
        auto doff = elf_.vaddr_to_offset(l.decrypt);
        if (!eo || !doff) continue;  // read_vtable checked both are function starts
        l.encrypt_offset = *eo;
        l.decrypt_offset = *doff;
        std::vector<uint8_t> entry;
        if (elf_.read(*eo, 128, entry)) l.encrypt_msg = read_outbound_chunks_layout(entry);
        out_.evidence.push_back(
            "  encrypt's msg: " +
            (l.encrypt_msg ? l.encrypt_msg->note
                           : std::string("prologue not recognised (no cmp/mov pair on rdx)")));
        out_.evidence.push_back(provider + " (" + std::to_string(l.struct_size) +
                                "-byte keys): encrypt -> vaddr " + hex(l.encrypt) +
                                ", file offset " + hex(l.encrypt_offset) + "; decrypt -> vaddr " +
                                hex(l.decrypt) + ", file offset " + hex(l.decrypt_offset));
        out_.layers.push_back(l);
    }
    if (out_.layers.empty() || out_.layers.back().provider != provider)
        out_.evidence.push_back(provider +
                                ": no encrypter/decrypter vtable pair with the same drop and size");
}

// One provider's Locations, as found by the first step.
struct provider_locations {
    std::string name;
    rust_location_scan scan;
};

// The file names first (cheap: read-only and writable data), then one pass
// over the code for the Locations of every provider at once.
void record_layer_search::run() {
    std::vector<provider_locations> found;
    std::vector<uint64_t> targets;
    for (const char* p : providers) {
        std::string suffix = std::string("/src/crypto/") + p + "/tls13.rs";
        provider_locations pl{p, find_rust_locations(elf_, suffix, "/rustls-")};
        out_.over_budget |= pl.scan.too_many;
        if (pl.scan.found.empty()) {
            out_.evidence.push_back(pl.name + ": no panic Location in rustls " + suffix.substr(1) +
                                    " (" + std::to_string(pl.scan.file_strings) +
                                    " file-name strings)");
            continue;
        }
        std::string where;
        for (const auto& l : pl.scan.found) {
            targets.push_back(l.vaddr);
            where +=
                " " + std::to_string(l.line) + ":" + std::to_string(l.column) + "@" + hex(l.vaddr);
        }
        out_.evidence.push_back(pl.name + ": " + std::to_string(pl.scan.found.size()) +
                                " Locations in " + pl.scan.found.front().file + " (line:col@vaddr" +
                                where + ")");
        found.push_back(std::move(pl));
    }
    if (found.empty()) return;
    out_.marker_found = true;
    std::string description;
    fdes_.emplace(eh_frame_index::load(elf_, description));
    out_.evidence.push_back("function bounds: " + description);
    if (fdes_->size() == 0) return;
    std::sort(targets.begin(), targets.end());
    auto refs = references(targets);
    if (refs.size() > max_references) {
        out_.over_budget = true;
        out_.evidence.push_back("more than " + std::to_string(max_references) +
                                " references to rustls Locations; giving up");
        return;
    }
    for (const auto& pl : found) search_provider(pl.name, pl.scan, refs);
}

void record_layer_search::search_provider(const std::string& provider,
                                          const rust_location_scan& locs,
                                          const std::vector<x86_64::rip_lea>& refs) {
    std::set<uint64_t> mine;
    for (const auto& l : locs.found) mine.insert(l.vaddr);
    std::set<std::pair<uint64_t, uint64_t>> functions;
    size_t count = 0;
    for (const auto& r : refs) {
        if (!mine.count(r.target)) continue;
        ++count;
        if (auto fn = fdes_->find(r.insn)) functions.emplace(fn->start, fn->end);
    }
    std::vector<vtable> found;
    std::set<uint64_t> seen;
    for (const auto& [start, end] : functions) {
        auto vts = vtables_built_in({start, end});
        out_.evidence.push_back("  function FDE [" + hex(start) + "," + hex(end) + ") takes " +
                                std::to_string(vts.size()) + " vtable address(es)");
        for (uint64_t v : vts)
            if (seen.insert(v).second) found.push_back(*read_vtable(v));
    }
    out_.evidence.push_back(provider + ": " + std::to_string(count) + " references in " +
                            std::to_string(functions.size()) + " functions");
    choose(provider, found);
}

}  // namespace

rustls_scan find_rustls_record_layers(const elf_file& elf) {
    rustls_scan out;
    if (elf.machine() != EM_X86_64) {
        out.evidence.push_back("rustls: machine " + std::to_string(elf.machine()) +
                               " has no code backend yet");
        return out;
    }
    record_layer_search search(elf, out);
    search.run();
    out.over_budget |= elf.over_budget();
    return out;
}

}  // namespace agentsight::tls
