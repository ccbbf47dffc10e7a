// SPDX-License-Identifier: Apache-2.0
// A read-only view of one ELF64 file through pread: headers are parsed once,
// everything else is read on demand with bounds checks. pread rather than mmap
// because the file may be a library an untrusted process can truncate under
// us, and a SIGBUS would take the capture process down.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace agentsight::tls {

struct elf_segment {
    uint32_t type = 0;
    uint32_t flags = 0;
    uint64_t offset = 0;
    uint64_t vaddr = 0;
    uint64_t filesz = 0;
    uint64_t memsz = 0;
};

struct elf_section {
    std::string name;
    uint32_t type = 0;
    uint64_t flags = 0;
    uint64_t addr = 0;
    uint64_t offset = 0;
    uint64_t size = 0;
    uint64_t entsize = 0;
    uint32_t link = 0;
};

// A stop on all reading: every loop over a hostile file reads, so a read that
// refuses once the deadline passed (or `cancel` is set) ends the whole analysis.
struct read_budget {
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
    const std::atomic<bool>* cancel = nullptr;
};

class elf_file {
  public:
    // A path the user named (symlinks followed); still only a regular file is read.
    static result<elf_file> open(const std::string& path);
    // Takes ownership of `fd`, an already checked regular file; `name` is for messages.
    static result<elf_file> from_fd(int fd, const std::string& name);

    elf_file(elf_file&& other) noexcept;
    elf_file& operator=(elf_file&& other) noexcept;
    elf_file(const elf_file&) = delete;
    elf_file& operator=(const elf_file&) = delete;
    ~elf_file();

    uint16_t type() const { return type_; }  // ET_EXEC, ET_DYN, ...
    uint16_t machine() const { return machine_; }
    uint64_t file_size() const { return size_; }
    int64_t mtime_ns() const { return mtime_ns_; }
    const std::vector<elf_segment>& segments() const { return segments_; }
    const std::vector<elf_section>& sections() const { return sections_; }
    const elf_section* section(std::string_view name) const;

    void set_budget(const read_budget& b) { budget_ = b; }
    // True once a read was refused because the budget ran out.
    bool over_budget() const { return over_budget_; }

    // False when the range is outside the file, the read came up short or the
    // budget ran out.
    bool read(uint64_t offset, void* dst, size_t len) const;
    bool read(uint64_t offset, size_t len, std::vector<uint8_t>& out) const;

    // PT_LOAD segment whose file-backed part contains `vaddr`.
    const elf_segment* load_segment_for(uint64_t vaddr) const;
    std::optional<uint64_t> vaddr_to_offset(uint64_t vaddr) const;

    std::string build_id_hex() const;  // "" when there is no NT_GNU_BUILD_ID note

  private:
    elf_file() = default;
    std::string load_headers();

    bool budget_left() const;

    int fd_ = -1;
    read_budget budget_;
    mutable bool over_budget_ = false;
    uint64_t size_ = 0;
    int64_t mtime_ns_ = 0;
    uint16_t type_ = 0;
    uint16_t machine_ = 0;
    std::vector<elf_segment> segments_;
    std::vector<elf_section> sections_;
};

}  // namespace agentsight::tls
