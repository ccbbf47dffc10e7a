// SPDX-License-Identifier: Apache-2.0
#include "tls/boringssl_discovery.h"

#include <elf.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <unordered_set>

#include "tls/arch_backend.h"
#include "tls/boringssl_classifier.h"
#include "tls/eh_frame_index.h"

namespace agentsight::tls {

namespace {

// BoringSSL's ssl_lib.cc, whatever the build prefix ("../../vendor/boringssl/",
// "external/boringssl/src/", ...). OpenSSL's file is ssl_lib.c, so no clash.
constexpr std::string_view marker_suffix = "ssl/ssl_lib.cc";

constexpr uint32_t err_lib_ssl = 16;

constexpr size_t chunk_bytes = 16u << 20;
constexpr uint64_t max_function_bytes = 1u << 20;
// Work caps against crafted files: real builds have 1-2 marker strings and a
// few dozen references to them (Claude Code 2.1.197: 1 and 24).
constexpr size_t max_marker_strings = 8;
constexpr uint64_t max_marker_path = 512;
constexpr size_t max_references = 1024;

std::string hex(uint64_t v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

// Reads [offset, offset+size) in chunks that overlap by `overlap` bytes and
// hands each to `fn(bytes, offset_of_bytes)`.
template <typename Fn>
bool for_each_chunk(const elf_file& elf, uint64_t offset, uint64_t size, size_t overlap, Fn fn) {
    std::vector<uint8_t> buf;
    for (uint64_t at = 0; at < size;) {
        uint64_t len = std::min<uint64_t>(chunk_bytes, size - at);
        if (!elf.read(offset + at, len, buf)) return false;
        fn(std::span<const uint8_t>(buf), offset + at);
        if (at + len >= size) break;
        at += len - std::min<uint64_t>(overlap, len - 1);
    }
    return true;
}

// Bytes an instruction referring to an address may span across a window edge.
constexpr size_t k_ref_overlap = 8;

// The backend's reference search, in windows small enough that a file built to
// hold millions of references stops at the cap after one window, not after the
// whole (up to 16 MiB) chunk has been decoded. Windows overlap like chunks do;
// duplicates are removed by the caller.
void find_refs_capped(const arch_backend& backend, std::span<const uint8_t> bytes, uint64_t base,
                      uint64_t target, bool pic, std::vector<uint64_t>& fields) {
    constexpr size_t window = 256u << 10;
    for (size_t at = 0; at < bytes.size() && fields.size() <= max_references;) {
        size_t len = std::min(window, bytes.size() - at);
        backend.find_address_refs(bytes.subspan(at, len), base + at, target, pic, fields);
        if (at + len >= bytes.size()) break;
        at += len - k_ref_overlap;
    }
}

}  // namespace

// Linear in the file: each hit costs one short read and a set lookup, and the
// search stops at the cap (a real build has one or two such strings).
boringssl_markers find_boringssl_markers(const elf_file& elf) {
    boringssl_markers out;
    std::unordered_set<uint64_t> seen;
    std::string needle(marker_suffix);
    needle.push_back('\0');
    for (bool exec_pass : {false, true}) {
        for (const auto& seg : elf.segments()) {
            if (seg.type != PT_LOAD || bool(seg.flags & PF_X) != exec_pass || out.too_many)
                continue;
            for_each_chunk(
                elf, seg.offset, seg.filesz, needle.size(),
                [&](std::span<const uint8_t> bytes, uint64_t off) {
                    const uint8_t* p = bytes.data();
                    const uint8_t* end = p + bytes.size();
                    while (p < end && !out.too_many) {
                        auto* hit = static_cast<const uint8_t*>(
                            memmem(p, size_t(end - p), needle.data(), needle.size()));
                        if (hit == nullptr) break;
                        p = hit + 1;
                        // Walk back to the string's first byte (bounded: paths are short).
                        uint64_t hit_off = off + uint64_t(hit - bytes.data());
                        uint64_t from = std::max(seg.offset, hit_off > max_marker_path
                                                                 ? hit_off - max_marker_path
                                                                 : uint64_t(0));
                        std::vector<uint8_t> text;
                        if (!elf.read(from, size_t(hit_off - from) + marker_suffix.size(), text))
                            continue;
                        size_t first = size_t(hit_off - from);
                        while (first > 0 && text[first - 1] >= 0x20 && text[first - 1] < 0x7f)
                            --first;
                        uint64_t vaddr = from + first - seg.offset + seg.vaddr;
                        if (!seen.insert(vaddr).second) continue;  // chunk overlap
                        if (out.found.size() == max_marker_strings) {
                            out.too_many = true;
                            break;
                        }
                        out.found.emplace_back(vaddr,
                                               std::string(text.begin() + long(first), text.end()));
                    }
                });
        }
        if (!out.found.empty())
            break;  // read-only data first; executable segments only as a fallback
    }
    return out;
}

namespace {

// Bounds for a reference no FDE covers: the backend scans a window around it.
std::optional<fde_range> guess_bounds(const elf_file& elf, const arch_backend& backend,
                                      uint64_t field) {
    constexpr uint64_t reach = 256 << 10;
    const elf_segment* seg = elf.load_segment_for(field);
    if (seg == nullptr || !(seg->flags & PF_X)) return std::nullopt;
    uint64_t lo = std::max(seg->vaddr, field > reach ? field - reach : 0);
    uint64_t hi = std::min(seg->vaddr + seg->filesz, field + reach);
    std::vector<uint8_t> window;
    if (!elf.read(lo - seg->vaddr + seg->offset, size_t(hi - lo), window)) return std::nullopt;
    return backend.guess_bounds(window, lo, field);
}

// Says why the markers rule out or cap the search; false when there is nothing
// to analyse further.
bool accept_markers(const boringssl_markers& markers, boringssl_scan& res) {
    auto& ev = res.evidence;
    if (markers.too_many) {
        res.marker_found = true;
        res.over_budget = true;
        res.outcome = boringssl_search::over_budget;
        ev.push_back("BoringSSL: more than " + std::to_string(max_marker_strings) +
                     " strings ending in \"" + std::string(marker_suffix) +
                     "\": not a real build, not analysed further (budget exceeded)");
        return false;
    }
    if (markers.found.empty()) {
        ev.push_back("BoringSSL: no string ending in \"" + std::string(marker_suffix) +
                     "\" in loaded segments: not a static BoringSSL build");
        return false;
    }
    res.marker_found = true;
    for (const auto& [vaddr, text] : markers.found)
        ev.push_back("found string " + text + " at " + hex(vaddr));
    return true;
}

// Every place in executable segments that refers to `target`, sorted, once each.
std::vector<uint64_t> references_to(const elf_file& elf, const arch_backend& backend,
                                    uint64_t target) {
    bool pic = elf.type() == ET_DYN;
    std::vector<uint64_t> fields;
    for (const auto& seg : elf.segments()) {
        if (seg.type != PT_LOAD || !(seg.flags & PF_X)) continue;
        for_each_chunk(elf, seg.offset, seg.filesz, k_ref_overlap,
                       [&](std::span<const uint8_t> bytes, uint64_t off) {
                           find_refs_capped(backend, bytes, off - seg.offset + seg.vaddr, target,
                                            pic, fields);
                       });
    }
    std::sort(fields.begin(), fields.end());
    fields.erase(std::unique(fields.begin(), fields.end()), fields.end());
    return fields;
}

// How the references were attributed to functions, for the evidence.
struct reference_tally {
    size_t refs = 0, uncovered = 0, by_fde = 0, by_prologue = 0;

    std::string describe(size_t functions, const char* backend) const {
        return std::to_string(refs) + " references in " + std::to_string(functions) +
               " functions (" + backend + "; bounds: " + std::to_string(by_fde) + " from FDEs, " +
               std::to_string(by_prologue) + " from prologue scan)" +
               (uncovered ? ", " + std::to_string(uncovered) + " byte matches in no function"
                          : std::string());
    }
};

// The function in `range` with its error sites and the SSL reasons (and their
// lowest line) it raises; nothing when it is too big or unreadable.
std::optional<ssl_function> analyze_ssl_function(const elf_file& elf, const arch_backend& backend,
                                                 fde_range range, bool from_fde, uint64_t target) {
    uint64_t size = range.end - range.start;
    auto off = elf.vaddr_to_offset(range.start);
    std::vector<uint8_t> code;
    if (size > max_function_bytes || !off || !elf.read(*off, size, code)) return std::nullopt;
    ssl_function f;
    f.from_fde = from_fde;
    f.facts = backend.analyze_function(code, range, target);
    for (const auto& s : f.facts.sites) {
        if (s.lib != err_lib_ssl || !s.reason) continue;
        f.reasons.insert(*s.reason);
        if (s.line) {
            auto [it, fresh] = f.line.emplace(*s.reason, *s.line);
            if (!fresh) it->second = std::min(it->second, *s.line);
        }
    }
    return f;
}

// Adds to `fns` each function referring to the marker string at `target`, once;
// false (said in the evidence) when the references exceed the budget.
bool collect_referring_functions(const elf_file& elf, const arch_backend& backend,
                                 const eh_frame_index& fdes, uint64_t target,
                                 std::vector<ssl_function>& fns, reference_tally& tally,
                                 boringssl_scan& res) {
    std::vector<uint64_t> fields = references_to(elf, backend, target);
    if (fields.size() > max_references) {
        res.over_budget = true;
        res.outcome = boringssl_search::over_budget;
        res.evidence.push_back(std::to_string(fields.size()) + " references to " + hex(target) +
                               ": more than " + std::to_string(max_references) +
                               ", not analysed (budget exceeded)");
        return false;
    }
    std::set<uint64_t> seen;
    for (uint64_t field : fields) {
        auto range = fdes.find(field);
        bool from_fde = range.has_value();
        if (!range) range = guess_bounds(elf, backend, field);
        if (!range) {
            ++tally.uncovered;
            continue;
        }
        if (!seen.insert(range->start).second) continue;
        auto f = analyze_ssl_function(elf, backend, *range, from_fde, target);
        if (!f) continue;
        tally.refs += f->facts.sites.size();
        if (f->facts.sites.empty()) continue;
        ++(from_fde ? tally.by_fde : tally.by_prologue);
        fns.push_back(std::move(*f));
    }
    return true;
}

}  // namespace

boringssl_scan find_stripped_boringssl(const elf_file& elf, const boringssl_markers& markers) {
    boringssl_scan res;
    auto& ev = res.evidence;
    if (!accept_markers(markers, res)) return res;

    auto backend = make_arch_backend(elf.machine());
    if (!backend) {
        res.outcome = boringssl_search::no_backend;
        ev.push_back("BoringSSL is embedded, but machine " + std::to_string(elf.machine()) +
                     " has no code backend yet (x86-64 only)");
        return res;
    }
    std::string fde_note;
    eh_frame_index fdes = eh_frame_index::load(elf, fde_note);
    ev.push_back("function bounds: " + fde_note);

    reference_tally tally;
    std::vector<ssl_function> fns;
    for (const auto& [target, text] : markers.found)
        if (!collect_referring_functions(elf, *backend, fdes, target, fns, tally, res)) return res;
    ev.push_back(tally.describe(fns.size(), backend->name()));
    for (const auto& f : fns) ev.push_back("  function " + f.describe());

    res.points = classify_boringssl_functions(elf, std::move(fns), ev);
    res.outcome =
        res.points.empty() ? boringssl_search::unidentified : boringssl_search::identified;
    if (res.points.empty())
        ev.push_back("BoringSSL: embedded, but SSL_read/SSL_write could not be identified");
    return res;
}

}  // namespace agentsight::tls
