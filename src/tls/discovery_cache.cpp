// SPDX-License-Identifier: Apache-2.0
#include "tls/discovery_cache.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include "tls/eh_frame_index.h"

namespace agentsight::tls {

namespace {

// Bump when the search or the entry changes, so older answers are ignored.
// 2: keyed by content hash, offsets re-verified against .eh_frame.
constexpr int cache_format = 2;
constexpr size_t hash_chunk = 1 << 20;
constexpr off_t max_cache_file = 1 << 20;

class fd_closer {
  public:
    explicit fd_closer(int fd) : fd_(fd) {}
    ~fd_closer() {
        if (fd_ >= 0) ::close(fd_);
    }
    fd_closer(const fd_closer&) = delete;
    fd_closer& operator=(const fd_closer&) = delete;
    int get() const { return fd_; }

  private:
    int fd_;
};

std::string file_name(const std::string& key) {
    std::string safe;
    for (char c : key) safe += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
    return "boringssl-v" + std::to_string(cache_format) + "-" + safe + ".json";
}

// The cache directory as a descriptor, created if missing, or -1 with the
// reason in `why`. Only a real directory owned by our euid with mode 0700 is
// accepted: anyone else able to write there could plant or swap entries.
int open_cache_dir(const std::string& dir, bool create, std::string& why) {
    if (create && ::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
        why = "cannot create " + dir + ": " + std::strerror(errno);
        return -1;
    }
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ELOOP || errno == ENOTDIR)
            why = "refused cache directory " + dir + ": a symlink or not a directory";
        else if (errno != ENOENT)
            why = "cannot open " + dir + ": " + std::strerror(errno);
        return -1;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid() ||
        (st.st_mode & 07777) != 0700) {
        ::close(fd);
        why = "refused cache directory " + dir + ": not a directory owned by uid " +
              std::to_string(::geteuid()) + " with mode 0700";
        return -1;
    }
    return fd;
}

// The exact bytes of one entry: a regular file of ours, not too large.
std::optional<std::string> read_entry(int dir_fd, const std::string& name, std::string& why) {
    fd_closer fd(
        ::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    if (fd.get() < 0) return std::nullopt;  // no entry: a plain miss
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid() ||
        st.st_size > max_cache_file) {
        why = "ignored cache entry " + name + ": not a regular file of ours under 1 MiB";
        return std::nullopt;
    }
    std::string out(size_t(st.st_size), '\0');
    size_t got = 0;
    while (got < out.size()) {
        ssize_t n = ::read(fd.get(), out.data() + got, out.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return std::nullopt;
        got += size_t(n);
    }
    return out;
}

// The vaddr a file offset is loaded at, through the executable PT_LOAD holding it.
std::optional<uint64_t> code_vaddr(const elf_file& elf, uint64_t off) {
    for (const auto& s : elf.segments())
        if (s.type == PT_LOAD && (s.flags & PF_X) && off >= s.offset && off - s.offset < s.filesz)
            return off - s.offset + s.vaddr;
    return std::nullopt;
}

// A uprobe must sit on an instruction boundary: an offset is trusted only if
// the file's own unwind table says a function starts exactly there.
bool all_function_starts(const elf_file& elf, const std::vector<tls_attach_point>& points,
                         std::string& why) {
    std::string note;
    eh_frame_index fdes = eh_frame_index::load(elf, note);
    for (const auto& p : points) {
        auto vaddr = code_vaddr(elf, p.file_offset);
        auto fde = vaddr ? fdes.find(*vaddr) : std::nullopt;
        if (!fde || fde->start != *vaddr) {
            why = p.function + " at file offset " + std::to_string(p.file_offset) +
                  " is not a function start in .eh_frame";
            return false;
        }
    }
    return true;
}

std::optional<cached_scan> parse_entry(const std::string& text, const std::string& key,
                                       const elf_file& elf) {
    auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    // Our own file, but treated as untrusted anyway: any mismatch is a miss.
    if (!j.is_object() || j.value("format", 0) != cache_format || j.value("key", "") != key ||
        j.value("file_size", uint64_t(0)) != elf.file_size() || !j["points"].is_array() ||
        !j["evidence"].is_array())
        return std::nullopt;
    cached_scan out;
    for (const auto& jp : j["points"]) {
        if (!jp.is_object() || !jp.contains("function") || !jp.contains("direction") ||
            !jp.contains("file_offset") || !jp["function"].is_string() ||
            !jp["direction"].is_string() || !jp["file_offset"].is_number_unsigned())
            return std::nullopt;
        auto dir = agentsight::tls_direction_from_name(jp["direction"].get<std::string>());
        uint64_t off = jp["file_offset"].get<uint64_t>();
        if (!dir || off >= elf.file_size()) return std::nullopt;
        tls_attach_point pt;
        pt.function = jp["function"].get<std::string>();
        pt.lib = agentsight::tls_lib::boringssl;
        pt.direction = *dir;
        pt.file_offset = off;
        out.points.push_back(std::move(pt));
    }
    for (const auto& e : j["evidence"])
        if (e.is_string()) out.evidence.push_back(e.get<std::string>());
    return out;
}

}  // namespace

std::string cache_key(const elf_file& elf) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) return "";
    std::vector<uint8_t> buf;
    for (uint64_t at = 0; at < elf.file_size(); at += hash_chunk) {
        size_t n = size_t(std::min<uint64_t>(hash_chunk, elf.file_size() - at));
        if (!elf.read(at, n, buf) || EVP_DigestUpdate(ctx.get(), buf.data(), n) != 1) return "";
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx.get(), md, &len) != 1) return "";
    std::string out = "sha256 ";
    static const char* hex = "0123456789abcdef";
    for (unsigned i = 0; i < len; ++i) {
        out += hex[md[i] >> 4];
        out += hex[md[i] & 15];
    }
    return out + " size " + std::to_string(elf.file_size());
}

std::optional<cached_scan> load_cached_scan(const std::string& cache_dir, const std::string& key,
                                            const elf_file& elf, std::vector<std::string>& ev) {
    if (cache_dir.empty() || key.empty()) return std::nullopt;
    std::string why;
    fd_closer dir(open_cache_dir(cache_dir, /*create=*/false, why));
    std::optional<std::string> text;
    if (dir.get() >= 0) text = read_entry(dir.get(), file_name(key), why);
    if (!why.empty()) ev.push_back("cache: " + why);
    if (!text) return std::nullopt;
    std::optional<cached_scan> hit;
    try {
        hit = parse_entry(*text, key, elf);
    } catch (const std::exception&) {
        // wrong JSON types: json::value() throws; a miss, not a failure
    }
    if (!hit) {
        ev.push_back("cache: ignored malformed entry " + file_name(key));
        return std::nullopt;
    }
    if (!all_function_starts(elf, hit->points, why)) {
        ev.push_back("cache: rejected entry " + file_name(key) + ": " + why);
        return std::nullopt;
    }
    return hit;
}

std::string store_cached_scan(const std::string& cache_dir, const std::string& key,
                              const elf_file& elf, const cached_scan& scan) try {
    if (cache_dir.empty() || key.empty()) return "not cached: no cache directory or key";
    std::string why;
    if (!all_function_starts(elf, scan.points, why))
        return "not cached (a cached offset could not be re-verified): " + why;
    fd_closer dir(open_cache_dir(cache_dir, /*create=*/true, why));
    if (dir.get() < 0) return "not cached: " + why;
    nlohmann::json j;
    j["format"] = cache_format;
    j["key"] = key;
    j["file_size"] = elf.file_size();
    j["points"] = nlohmann::json::array();
    for (const auto& p : scan.points) {
        j["points"].push_back({{"function", p.function},
                               {"direction", agentsight::to_string(p.direction)},
                               {"file_offset", p.file_offset}});
    }
    j["evidence"] = scan.evidence;
    const std::string body = j.dump(1) + "\n";

    // mkstemp in the directory we checked: a fresh random name, never an existing file.
    uint64_t rnd = 0;
    if (getrandom(&rnd, sizeof rnd, 0) != sizeof rnd) return "not cached: getrandom failed";
    char tmp[40];
    std::snprintf(tmp, sizeof tmp, ".tmp-%016llx", static_cast<unsigned long long>(rnd));
    int fd = ::openat(dir.get(), tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return "not cached: create in " + cache_dir + ": " + std::strerror(errno);
    bool written = ::write(fd, body.data(), body.size()) == ssize_t(body.size());
    written = ::close(fd) == 0 && written;
    const std::string name = file_name(key);
    if (!written || ::renameat(dir.get(), tmp, dir.get(), name.c_str()) != 0) {
        ::unlinkat(dir.get(), tmp, 0);
        return "not cached: write in " + cache_dir + " failed";
    }
    return "cached as (" + key + ") in " + cache_dir;
} catch (const std::exception&) {
    return "not cached: evidence is not valid UTF-8";  // dump() throws on it
}

}  // namespace agentsight::tls
