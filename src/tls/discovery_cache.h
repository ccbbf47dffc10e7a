// On-disk cache for the stripped-BoringSSL search (~1 s on a 245 MB binary),
// so that the second exec of the same agent binary attaches immediately.
// One small JSON file per binary, keyed by what identifies its exact bytes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tls/elf_file.h"
#include "tls/tls_discovery.h"

namespace agentsight::tls {

struct cached_scan {
    std::vector<tls_attach_point> points;
    std::vector<std::string> evidence;
};

// "build-id <hex>" when the file has one, else size, mtime and a hash of
// sampled blocks. Empty when the file could not be read.
std::string cache_key(const elf_file& elf);

std::optional<cached_scan> load_cached_scan(const std::string& cache_dir, const std::string& key,
                                            const elf_file& elf);
// Best effort: a failure to write only costs the next run its speed.
void store_cached_scan(const std::string& cache_dir, const std::string& key, const elf_file& elf,
                       const cached_scan& scan);

}  // namespace agentsight::tls
