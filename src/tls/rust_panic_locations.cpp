// SPDX-License-Identifier: Apache-2.0
#include "tls/rust_panic_locations.h"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <span>

namespace agentsight::tls {

namespace {

constexpr size_t chunk_bytes = 16u << 20;
// Caps against crafted files. rustls 0.23.46 in Codex: 1 string per file name
// and at most a few dozen Locations per file.
constexpr size_t max_file_strings = 8;
constexpr size_t max_locations = 4096;
constexpr uint64_t max_path = 512;

// End vaddrs (one past the last byte) of every occurrence of `suffix` in the
// read-only, non-executable loaded data, where Rust keeps string literals.
std::vector<uint64_t> suffix_ends(const elf_file& elf, std::string_view suffix, bool& too_many) {
    std::vector<uint64_t> ends;
    std::vector<uint8_t> buf;
    for (const auto& seg : elf.segments()) {
        if (seg.type != PT_LOAD || (seg.flags & (PF_X | PF_W)) != 0) continue;
        for (uint64_t at = 0; at < seg.filesz && !too_many;) {
            uint64_t len = std::min<uint64_t>(chunk_bytes, seg.filesz - at);
            if (!elf.read(seg.offset + at, len, buf)) break;
            const uint8_t* p = buf.data();
            const uint8_t* end = p + buf.size();
            while (p < end) {
                auto* hit = static_cast<const uint8_t*>(
                    memmem(p, size_t(end - p), suffix.data(), suffix.size()));
                if (hit == nullptr) break;
                p = hit + 1;
                uint64_t v = seg.vaddr + at + uint64_t(hit - buf.data()) + suffix.size();
                if (std::find(ends.begin(), ends.end(), v) != ends.end()) continue;  // overlap
                if (ends.size() == max_file_strings) {
                    too_many = true;
                    break;
                }
                ends.push_back(v);
            }
            if (at + len >= seg.filesz) break;
            at += len - std::min<uint64_t>(suffix.size(), len - 1);
        }
    }
    std::sort(ends.begin(), ends.end());
    return ends;
}

struct raw_location {
    uint64_t ptr, len;
    uint32_t line, column;
};

// A Location's shape: the string ends at one of `ends`, a path-sized length,
// a line and a column that a source file can have.
bool plausible(const raw_location& l, const std::vector<uint64_t>& ends) {
    if (l.len < 8 || l.len > max_path || l.line == 0 || l.column == 0) return false;
    if (l.line > 1000000 || l.column > 10000) return false;
    return std::binary_search(ends.begin(), ends.end(), l.ptr + l.len);
}

}  // namespace

// Two linear passes: one over read-only data for the file name, one over the
// writable data (.data.rel.ro, where relocated statics live) for 24-byte
// structs pointing at it. Both read in chunks through the budgeted reader.
rust_location_scan find_rust_locations(const elf_file& elf, std::string_view suffix,
                                       std::string_view crate_marker) {
    rust_location_scan out;
    std::vector<uint64_t> ends = suffix_ends(elf, suffix, out.too_many);
    out.file_strings = ends.size();
    if (ends.empty()) return out;
    std::vector<uint8_t> buf;
    for (const auto& seg : elf.segments()) {
        if (seg.type != PT_LOAD || (seg.flags & PF_W) == 0 || out.too_many) continue;
        uint64_t skew = (8 - seg.vaddr % 8) % 8;  // Location is 8-byte aligned in memory
        for (uint64_t at = skew; at + 24 <= seg.filesz && !out.too_many;) {
            uint64_t len = std::min<uint64_t>(chunk_bytes, seg.filesz - at);
            if (!elf.read(seg.offset + at, len, buf)) break;
            for (size_t i = 0; i + 24 <= buf.size(); i += 8) {
                raw_location l;
                std::memcpy(&l, buf.data() + i, sizeof l);
                if (!plausible(l, ends)) continue;
                std::string file(size_t(l.len), '\0');
                auto off = elf.vaddr_to_offset(l.ptr);
                if (!off || !elf.read(*off, file.data(), file.size())) continue;
                if (file.find(crate_marker) == std::string::npos) continue;
                if (out.found.size() == max_locations) {
                    out.too_many = true;
                    break;
                }
                out.found.push_back({seg.vaddr + at + i, std::move(file), l.line, l.column});
            }
            if (at + len >= seg.filesz) break;
            at += len - 16;  // keep 8-byte alignment; the last 16 bytes are read again
        }
    }
    std::sort(out.found.begin(), out.found.end(),
              [](const auto& a, const auto& b) { return a.vaddr < b.vaddr; });
    out.found.erase(std::unique(out.found.begin(), out.found.end(),
                                [](const auto& a, const auto& b) { return a.vaddr == b.vaddr; }),
                    out.found.end());
    return out;
}

}  // namespace agentsight::tls
