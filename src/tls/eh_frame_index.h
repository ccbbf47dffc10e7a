// SPDX-License-Identifier: Apache-2.0
// Function bounds from unwind tables. .eh_frame survives `strip` (the C++
// runtime needs it to throw), so on a stripped binary its FDEs are the most
// reliable map from an address to "the function that contains it".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tls/elf_file.h"

namespace agentsight::tls {

struct fde_range {
    uint64_t start = 0;  // vaddr of the function entry
    uint64_t end = 0;    // one past the last byte
};

class eh_frame_index {
  public:
    // Prefers PT_GNU_EH_FRAME's sorted search table (no full parse), falls back
    // to walking .eh_frame. `description` says which one was used, or why none.
    static eh_frame_index load(const elf_file& elf, std::string& description);

    std::optional<fde_range> find(uint64_t vaddr) const;
    size_t size() const { return table_.empty() ? ranges_.size() : table_.size(); }

  private:
    explicit eh_frame_index(const elf_file& elf) : elf_(&elf) {}
    bool load_hdr_table(const elf_segment& hdr, std::string& description);
    bool walk(uint64_t start_vaddr, uint64_t end_vaddr);
    // Parses the FDE at `vaddr`; `next` receives the vaddr after it. nullopt for
    // a CIE, a terminator or anything malformed.
    std::optional<fde_range> parse_fde(uint64_t vaddr, uint64_t* next, bool* is_end) const;
    std::optional<uint8_t> cie_pointer_encoding(uint64_t cie_vaddr) const;

    const elf_file* elf_;
    std::vector<std::pair<uint64_t, uint64_t>> table_;  // (function start, FDE vaddr), sorted
    std::vector<fde_range> ranges_;                     // fallback: every FDE, sorted
};

}  // namespace agentsight::tls
