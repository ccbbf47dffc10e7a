#include "tls/discovery_cache.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace agentsight::tls {

namespace {

// Bump when the search changes, so stale answers from older logic are ignored.
constexpr int cache_format = 1;
constexpr size_t sample_block = 4096;
constexpr uintmax_t max_cache_file = 1 << 20;

uint64_t fnv1a(const uint8_t* p, size_t n, uint64_t h) {
    for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

std::string file_name(const std::string& key) {
    std::string safe;
    for (char c : key) safe += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
    return "boringssl-v" + std::to_string(cache_format) + "-" + safe + ".json";
}

const char* direction_name(agentsight::tls_direction d) {
    switch (d) {
        case agentsight::tls_direction::read:
            return "read";
        case agentsight::tls_direction::write:
            return "write";
        case agentsight::tls_direction::handshake:
            return "handshake";
    }
    return "read";
}

std::optional<agentsight::tls_direction> parse_direction(const std::string& s) {
    if (s == "read") return agentsight::tls_direction::read;
    if (s == "write") return agentsight::tls_direction::write;
    if (s == "handshake") return agentsight::tls_direction::handshake;
    return std::nullopt;
}

}  // namespace

std::string cache_key(const elf_file& elf) {
    std::string bid = elf.build_id_hex();
    if (!bid.empty()) return "build-id " + bid;
    // No build-id: size + mtime + four sampled blocks catch replaced binaries
    // without reading hundreds of megabytes.
    uint64_t size = elf.file_size();
    uint64_t h = 0xcbf29ce484222325ull;
    uint8_t buf[sample_block];
    for (uint64_t at :
         {uint64_t(0), size / 3, size * 2 / 3, size > sample_block ? size - sample_block : 0}) {
        size_t n = size_t(std::min<uint64_t>(sample_block, size - std::min(at, size)));
        if (n > 0 && !elf.read(at, buf, n)) return "";
        h = fnv1a(buf, n, h);
    }
    char out[96];
    std::snprintf(out, sizeof out, "size %llu mtime %lld sample %016llx",
                  static_cast<unsigned long long>(size), static_cast<long long>(elf.mtime_ns()),
                  static_cast<unsigned long long>(h));
    return out;
}

namespace {

std::optional<cached_scan> parse_cached_scan(const std::string& cache_dir, const std::string& key,
                                             const elf_file& elf) {
    std::filesystem::path p = std::filesystem::path(cache_dir) / file_name(key);
    std::error_code ec;
    auto size = std::filesystem::file_size(p, ec);
    if (ec || size > max_cache_file) return std::nullopt;
    std::ifstream in(p);
    auto j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    // A cache file is ours, but treat it as untrusted anyway: any mismatch is a miss.
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
        auto dir = parse_direction(jp["direction"].get<std::string>());
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

std::optional<cached_scan> load_cached_scan(const std::string& cache_dir, const std::string& key,
                                            const elf_file& elf) {
    if (cache_dir.empty() || key.empty()) return std::nullopt;
    try {
        return parse_cached_scan(cache_dir, key, elf);
    } catch (const std::exception&) {
        return std::nullopt;  // wrong JSON types: json::value() throws; a miss, not a failure
    }
}

void store_cached_scan(const std::string& cache_dir, const std::string& key, const elf_file& elf,
                       const cached_scan& scan) try {
    if (cache_dir.empty() || key.empty()) return;
    std::error_code ec;
    std::filesystem::create_directories(cache_dir, ec);
    nlohmann::json j;
    j["format"] = cache_format;
    j["key"] = key;
    j["file_size"] = elf.file_size();
    j["points"] = nlohmann::json::array();
    for (const auto& p : scan.points) {
        j["points"].push_back({{"function", p.function},
                               {"direction", direction_name(p.direction)},
                               {"file_offset", p.file_offset}});
    }
    j["evidence"] = scan.evidence;
    std::filesystem::path final_path = std::filesystem::path(cache_dir) / file_name(key);
    // Write then rename, so a concurrent reader never sees half a file.
    std::filesystem::path tmp = final_path;
    tmp += ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << j.dump(1) << '\n';
        if (!out) {
            std::filesystem::remove(tmp, ec);
            return;
        }
    }
    std::filesystem::rename(tmp, final_path, ec);
    if (ec) std::filesystem::remove(tmp, ec);
} catch (const std::exception&) {
    // Best effort (e.g. evidence that is not valid UTF-8 makes dump() throw).
}

}  // namespace agentsight::tls
