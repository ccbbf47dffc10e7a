// SPDX-License-Identifier: Apache-2.0
#include "tls/eh_frame_index.h"

#include <elf.h>

#include <algorithm>
#include <cstring>

namespace agentsight::tls {

namespace {

// DWARF exception-header pointer encodings (LSB spec, "DWARF Extensions").
constexpr uint8_t pe_omit = 0xff;
constexpr uint8_t pe_absptr = 0x00;
constexpr uint8_t pe_uleb128 = 0x01;
constexpr uint8_t pe_udata2 = 0x02;
constexpr uint8_t pe_udata4 = 0x03;
constexpr uint8_t pe_udata8 = 0x04;
constexpr uint8_t pe_sleb128 = 0x09;
constexpr uint8_t pe_sdata2 = 0x0a;
constexpr uint8_t pe_sdata4 = 0x0b;
constexpr uint8_t pe_sdata8 = 0x0c;
constexpr uint8_t pe_pcrel = 0x10;
constexpr uint8_t pe_datarel = 0x30;

constexpr uint64_t max_fde_count = 16u << 20;

// A bounded little-endian cursor over bytes that start at vaddr `base`.
struct cursor {
    const uint8_t* p;
    size_t n;
    size_t pos = 0;
    uint64_t base = 0;
    bool ok = true;

    uint64_t here() const { return base + pos; }
    template <typename T>
    T get() {
        T v{};
        if (pos > n || n - pos < sizeof v) {
            ok = false;
            return v;
        }
        std::memcpy(&v, p + pos, sizeof v);
        pos += sizeof v;
        return v;
    }
    uint64_t uleb() {
        uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            uint8_t b = get<uint8_t>();
            if (!ok) return 0;
            v |= uint64_t(b & 0x7f) << shift;
            if (!(b & 0x80)) return v;
        }
        ok = false;
        return 0;
    }
    int64_t sleb() {
        int64_t v = 0;
        int shift = 0;
        uint8_t b = 0;
        do {
            b = get<uint8_t>();
            if (!ok || shift >= 64) {
                ok = false;
                return 0;
            }
            v |= int64_t(b & 0x7f) << shift;
            shift += 7;
        } while (b & 0x80);
        if (shift < 64 && (b & 0x40)) v |= -(int64_t(1) << shift);
        return v;
    }
    // Reads a pointer; pcrel and datarel are resolved against `here` / `data_base`.
    uint64_t pointer(uint8_t enc, uint64_t data_base = 0) {
        uint64_t at = here();
        uint64_t v = 0;
        switch (enc & 0x0f) {
            case pe_absptr:
                v = get<uint64_t>();
                break;
            case pe_uleb128:
                v = uleb();
                break;
            case pe_udata2:
                v = get<uint16_t>();
                break;
            case pe_udata4:
                v = get<uint32_t>();
                break;
            case pe_udata8:
                v = get<uint64_t>();
                break;
            case pe_sleb128:
                v = uint64_t(sleb());
                break;
            case pe_sdata2:
                v = uint64_t(int64_t(get<int16_t>()));
                break;
            case pe_sdata4:
                v = uint64_t(int64_t(get<int32_t>()));
                break;
            case pe_sdata8:
                v = get<uint64_t>();
                break;
            default:
                ok = false;
                return 0;
        }
        switch (enc & 0x70) {
            case 0:
                break;
            case pe_pcrel:
                v += at;
                break;
            case pe_datarel:
                v += data_base;
                break;
            default:
                ok = false;
                return 0;  // textrel/funcrel/aligned: not used on Linux
        }
        return v;
    }
};

}  // namespace

eh_frame_index eh_frame_index::load(const elf_file& elf, std::string& description) {
    eh_frame_index idx(elf);
    for (const auto& seg : elf.segments()) {
        if (seg.type == PT_GNU_EH_FRAME && idx.load_hdr_table(seg, description)) return idx;
    }
    if (const elf_section* s = elf.section(".eh_frame"); s && s->addr != 0) {
        if (idx.walk(s->addr, s->addr + s->size)) {
            description = ".eh_frame walked: " + std::to_string(idx.ranges_.size()) + " FDEs";
            return idx;
        }
    }
    description = "no usable unwind table (.eh_frame_hdr / .eh_frame)";
    return idx;
}

bool eh_frame_index::load_hdr_table(const elf_segment& hdr, std::string& description) {
    std::vector<uint8_t> buf;
    if (hdr.filesz < 4 || hdr.filesz > (256u << 20) || !elf_->read(hdr.offset, hdr.filesz, buf))
        return false;
    cursor c{buf.data(), buf.size(), 0, hdr.vaddr};
    uint8_t version = c.get<uint8_t>();
    uint8_t frame_enc = c.get<uint8_t>();
    uint8_t count_enc = c.get<uint8_t>();
    uint8_t table_enc = c.get<uint8_t>();
    if (!c.ok || version != 1 || frame_enc == pe_omit) return false;
    uint64_t frame_vaddr = c.pointer(frame_enc, hdr.vaddr);
    if (count_enc == pe_omit || table_enc != (pe_datarel | pe_sdata4)) {
        // No binary-search table: walk the frames it points at instead.
        const elf_segment* seg = elf_->load_segment_for(frame_vaddr);
        if (!c.ok || seg == nullptr || !walk(frame_vaddr, seg->vaddr + seg->filesz)) return false;
        description = ".eh_frame walked: " + std::to_string(ranges_.size()) + " FDEs";
        return true;
    }
    uint64_t count = c.pointer(count_enc, hdr.vaddr);
    if (!c.ok || count > max_fde_count || count * 8 > buf.size() - c.pos) return false;
    table_.reserve(count);
    for (uint64_t i = 0; i < count; ++i) {
        uint64_t start = c.pointer(table_enc, hdr.vaddr);
        uint64_t fde = c.pointer(table_enc, hdr.vaddr);
        table_.emplace_back(start, fde);
    }
    if (!std::is_sorted(table_.begin(), table_.end())) std::sort(table_.begin(), table_.end());
    description = ".eh_frame_hdr search table: " + std::to_string(count) + " FDEs";
    return true;
}

bool eh_frame_index::walk(uint64_t vaddr, uint64_t end) {
    while (vaddr < end) {
        uint64_t next = 0;
        bool is_end = false;
        auto r = parse_fde(vaddr, &next, &is_end);
        if (is_end || next <= vaddr) break;
        if (r) ranges_.push_back(*r);
        vaddr = next;
        if (ranges_.size() > max_fde_count) return false;
    }
    std::sort(ranges_.begin(), ranges_.end(),
              [](const fde_range& a, const fde_range& b) { return a.start < b.start; });
    return !ranges_.empty();
}

std::optional<uint8_t> eh_frame_index::cie_pointer_encoding(uint64_t cie_vaddr) const {
    auto off = elf_->vaddr_to_offset(cie_vaddr);
    uint8_t buf[256];
    if (!off) return std::nullopt;
    size_t n = std::min<uint64_t>(sizeof buf, elf_->file_size() - *off);
    if (!elf_->read(*off, buf, n)) return std::nullopt;
    cursor c{buf, n, 0, cie_vaddr};
    uint32_t len = c.get<uint32_t>();
    if (len == 0xffffffff) c.get<uint64_t>();
    if (c.get<uint32_t>() != 0) return std::nullopt;  // CIE id in .eh_frame is 0
    uint8_t version = c.get<uint8_t>();
    std::string aug;
    for (char ch; c.ok && (ch = char(c.get<uint8_t>())) != 0;) aug += ch;
    c.uleb();  // code alignment
    c.sleb();  // data alignment
    if (version == 1)
        c.get<uint8_t>();
    else
        c.uleb();  // return address register
    if (!c.ok || aug.empty() || aug[0] != 'z') return pe_absptr;
    c.uleb();  // augmentation data length
    for (size_t i = 1; i < aug.size() && c.ok; ++i) {
        switch (aug[i]) {
            case 'R':
                return c.get<uint8_t>();
            case 'L':
                c.get<uint8_t>();
                break;
            case 'P':
                c.pointer(c.get<uint8_t>() & 0x7f);
                break;  // personality (maybe indirect)
            case 'S':
            case 'B':
                break;
            default:
                return std::nullopt;  // unknown augmentation: cannot skip safely
        }
    }
    return c.ok ? std::optional<uint8_t>(pe_absptr) : std::nullopt;
}

std::optional<fde_range> eh_frame_index::parse_fde(uint64_t vaddr, uint64_t* next,
                                                   bool* is_end) const {
    auto off = elf_->vaddr_to_offset(vaddr);
    uint8_t buf[48];
    if (!off) {
        *is_end = true;
        return std::nullopt;
    }
    size_t n = std::min<uint64_t>(sizeof buf, elf_->file_size() - *off);
    if (n < 4 || !elf_->read(*off, buf, n)) {
        *is_end = true;
        return std::nullopt;
    }
    cursor c{buf, n, 0, vaddr};
    uint64_t len = c.get<uint32_t>();
    if (len == 0) {
        *is_end = true;
        return std::nullopt;
    }
    if (len == 0xffffffff) len = c.get<uint64_t>();
    uint64_t body = c.here();
    *next = body + len;
    if (*next < body) *is_end = true;  // wrapped: malformed
    uint32_t cie_ptr = c.get<uint32_t>();
    if (!c.ok || cie_ptr == 0) return std::nullopt;  // a CIE, not an FDE
    auto enc = cie_pointer_encoding(body - cie_ptr);
    if (!enc || *enc == pe_omit) return std::nullopt;
    uint64_t start = c.pointer(*enc);
    uint64_t range = c.pointer(*enc & 0x0f);
    if (!c.ok || range == 0 || start + range < start) return std::nullopt;
    return fde_range{start, start + range};
}

std::optional<fde_range> eh_frame_index::find(uint64_t vaddr) const {
    if (!table_.empty()) {
        auto it =
            std::upper_bound(table_.begin(), table_.end(), std::make_pair(vaddr, ~uint64_t(0)));
        if (it == table_.begin()) return std::nullopt;
        --it;
        uint64_t next = 0;
        bool is_end = false;
        auto r = parse_fde(it->second, &next, &is_end);
        if (r && r->start == it->first && vaddr < r->end) return r;
        return std::nullopt;
    }
    auto it = std::upper_bound(ranges_.begin(), ranges_.end(), vaddr,
                               [](uint64_t v, const fde_range& r) { return v < r.start; });
    if (it == ranges_.begin()) return std::nullopt;
    --it;
    if (vaddr < it->end) return *it;
    return std::nullopt;
}

}  // namespace agentsight::tls
