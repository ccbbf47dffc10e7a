// SPDX-License-Identifier: Apache-2.0
// On-disk cache for the stripped-BoringSSL search, so that the next exec of
// the same agent binary attaches without searching again. Root reads and
// writes it, and its answers become uprobes in other processes, so nobody
// else may influence it:
//  - it lives in a directory owned by us with mode 0700 (default
//    /var/cache/agentsight); any other directory is refused, never "fixed";
//  - an entry is keyed by the SHA-256 and size of the whole file, so a file
//    that copies another's build-id cannot plant offsets for it;
//  - every cached offset must still be a function start in the file's own
//    .eh_frame table, or the entry is ignored;
//  - files are created under a random name (O_EXCL|O_NOFOLLOW) and renamed
//    into place, and read with O_NOFOLLOW, fstat and a size cap.
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

// "sha256 <hex> size <bytes>" of the whole file; "" when it could not be read
// (or the read budget ran out).
std::string cache_key(const elf_file& elf);

// `ev` receives why a present entry or directory was not used.
std::optional<cached_scan> load_cached_scan(const std::string& cache_dir, const std::string& key,
                                            const elf_file& elf, std::vector<std::string>& ev);
// Best effort: a failure only costs the next run its speed. Returns what was
// done, for the evidence ("cached as ...", or why not).
std::string store_cached_scan(const std::string& cache_dir, const std::string& key,
                              const elf_file& elf, const cached_scan& scan);

}  // namespace agentsight::tls
