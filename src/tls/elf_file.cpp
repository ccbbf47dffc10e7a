// SPDX-License-Identifier: Apache-2.0
#include "tls/elf_file.h"

#include "tls/target_file.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace agentsight::tls {

namespace {

// Hostile files can claim absurd table sizes; real ones stay far below these.
constexpr uint32_t max_program_headers = 4096;
constexpr uint32_t max_sections = 65535;
constexpr size_t max_note_bytes = 1 << 20;

}  // namespace

result<elf_file> elf_file::open(const std::string& path) {
    open_target_result t = open_target(path, /*follow_symlink=*/true);
    if (!t.skipped.empty()) return error{path + ": " + t.skipped};
    if (t.file.fd() < 0) return error{t.error};
    return from_fd(::dup(t.file.fd()), path);
}

result<elf_file> elf_file::from_fd(int fd, const std::string& path) {
    elf_file f;
    f.fd_ = fd;
    if (f.fd_ < 0) return error{"open " + path + ": " + std::strerror(errno)};
    struct stat st {};
    if (::fstat(f.fd_, &st) != 0) return error{"stat " + path + ": " + std::strerror(errno)};
    if (!S_ISREG(st.st_mode)) return error{path + ": not a regular file"};
    f.size_ = static_cast<uint64_t>(st.st_size);
    f.mtime_ns_ = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    std::string err = f.load_headers();
    if (!err.empty()) return error{path + ": " + err};
    return f;
}

elf_file::elf_file(elf_file&& o) noexcept {
    *this = std::move(o);
}

elf_file& elf_file::operator=(elf_file&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = o.fd_;
        o.fd_ = -1;
        budget_ = o.budget_;
        over_budget_ = o.over_budget_;
        size_ = o.size_;
        mtime_ns_ = o.mtime_ns_;
        type_ = o.type_;
        machine_ = o.machine_;
        segments_ = std::move(o.segments_);
        sections_ = std::move(o.sections_);
    }
    return *this;
}

elf_file::~elf_file() {
    if (fd_ >= 0) ::close(fd_);
}

bool elf_file::budget_left() const {
    if (over_budget_) return false;
    if ((budget_.cancel && budget_.cancel->load(std::memory_order_relaxed)) ||
        (budget_.deadline != std::chrono::steady_clock::time_point::max() &&
         std::chrono::steady_clock::now() > budget_.deadline))
        over_budget_ = true;
    return !over_budget_;
}

bool elf_file::read(uint64_t offset, void* dst, size_t len) const {
    if (offset > size_ || len > size_ - offset || !budget_left()) return false;
    auto* p = static_cast<uint8_t*>(dst);
    while (len > 0) {
        ssize_t n = ::pread(fd_, p, len, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;  // error, or the file shrank under us
        p += n;
        offset += uint64_t(n);
        len -= size_t(n);
    }
    return true;
}

bool elf_file::read(uint64_t offset, size_t len, std::vector<uint8_t>& out) const {
    if (offset > size_ || len > size_ - offset) return false;
    out.resize(len);
    return read(offset, out.data(), len);
}

std::string elf_file::load_headers() {
    unsigned char ident[EI_NIDENT];
    if (!read(0, ident, sizeof ident) || std::memcmp(ident, ELFMAG, SELFMAG) != 0)
        return "not an ELF file";
    if (ident[EI_CLASS] != ELFCLASS64) return "32-bit ELF is not supported";
    if (ident[EI_DATA] != ELFDATA2LSB) return "big-endian ELF is not supported";
    Elf64_Ehdr eh;
    if (!read(0, &eh, sizeof eh)) return "truncated ELF header";
    type_ = eh.e_type;
    machine_ = eh.e_machine;

    if (eh.e_phnum > max_program_headers) return "implausible program header count";
    if (eh.e_phnum > 0 && eh.e_phentsize != sizeof(Elf64_Phdr))
        return "unexpected program header size";
    for (uint32_t i = 0; i < eh.e_phnum; ++i) {
        Elf64_Phdr ph;
        if (!read(eh.e_phoff + uint64_t(i) * sizeof ph, &ph, sizeof ph))
            return "truncated program headers";
        segments_.push_back(
            {ph.p_type, ph.p_flags, ph.p_offset, ph.p_vaddr, ph.p_filesz, ph.p_memsz});
    }

    // Section headers are optional (sstrip removes them); their absence is not an error.
    if (eh.e_shnum == 0 || eh.e_shnum > max_sections || eh.e_shentsize != sizeof(Elf64_Shdr))
        return "";
    std::vector<Elf64_Shdr> sh(eh.e_shnum);
    if (!read(eh.e_shoff, sh.data(), sh.size() * sizeof(Elf64_Shdr))) return "";
    std::vector<uint8_t> names;
    if (eh.e_shstrndx < sh.size()) {
        const auto& s = sh[eh.e_shstrndx];
        if (s.sh_type != SHT_NOBITS && s.sh_size < (64u << 20)) read(s.sh_offset, s.sh_size, names);
    }
    for (const auto& s : sh) {
        elf_section out;
        if (s.sh_name < names.size()) {
            const char* n = reinterpret_cast<const char*>(names.data()) + s.sh_name;
            out.name.assign(n, strnlen(n, names.size() - s.sh_name));
        }
        out.type = s.sh_type;
        out.flags = s.sh_flags;
        out.addr = s.sh_addr;
        out.offset = s.sh_offset;
        out.size = s.sh_size;
        out.entsize = s.sh_entsize;
        out.link = s.sh_link;
        sections_.push_back(std::move(out));
    }
    return "";
}

const elf_section* elf_file::section(std::string_view name) const {
    for (const auto& s : sections_)
        if (s.name == name) return &s;
    return nullptr;
}

const elf_segment* elf_file::load_segment_for(uint64_t vaddr) const {
    for (const auto& s : segments_) {
        if (s.type == PT_LOAD && vaddr >= s.vaddr && vaddr - s.vaddr < s.filesz) return &s;
    }
    return nullptr;
}

std::optional<uint64_t> elf_file::vaddr_to_offset(uint64_t vaddr) const {
    const elf_segment* s = load_segment_for(vaddr);
    if (s == nullptr) return std::nullopt;
    return vaddr - s->vaddr + s->offset;
}

std::string elf_file::build_id_hex() const {
    for (const auto& seg : segments_) {
        if (seg.type != PT_NOTE || seg.filesz > max_note_bytes) continue;
        std::vector<uint8_t> buf;
        if (!read(seg.offset, seg.filesz, buf)) continue;
        size_t pos = 0;
        while (pos + sizeof(Elf64_Nhdr) <= buf.size()) {
            Elf64_Nhdr nh;
            std::memcpy(&nh, buf.data() + pos, sizeof nh);
            size_t name_at = pos + sizeof nh;
            size_t desc_at = name_at + ((size_t(nh.n_namesz) + 3) & ~size_t(3));
            size_t next = desc_at + ((size_t(nh.n_descsz) + 3) & ~size_t(3));
            if (desc_at > buf.size() || nh.n_descsz > buf.size() - desc_at) break;
            if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
                std::memcmp(buf.data() + name_at, "GNU", 4) == 0 && nh.n_descsz > 0) {
                static const char* hex = "0123456789abcdef";
                std::string out;
                for (size_t i = 0; i < nh.n_descsz; ++i) {
                    out += hex[buf[desc_at + i] >> 4];
                    out += hex[buf[desc_at + i] & 15];
                }
                return out;
            }
            pos = next;
        }
    }
    return "";
}

}  // namespace agentsight::tls
