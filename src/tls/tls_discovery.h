// SPDX-License-Identifier: Apache-2.0
// Where to attach TLS uprobes in one ELF file: exported/known symbols first,
// then (for stripped, statically linked BoringSSL such as Bun's) a search by
// properties that survive rebuilds. See docs/tls-discovery.md.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "tls/tls_lib.h"

namespace agentsight::tls {

struct tls_attach_point {
    std::string function;  // e.g. "SSL_write", "gnutls_record_recv", "PR_Read"
    agentsight::tls_lib lib = agentsight::tls_lib::openssl;
    agentsight::tls_direction direction = agentsight::tls_direction::read;
    // SSL_read_ex/SSL_write_ex: byte count via the size_t* 4th arg, ret 1 = success.
    bool ex_variant = false;
    uint64_t file_offset = 0;  // uprobe offset in this file (libbpf attach_uprobe func_offset)
};

// How the search for a stripped, statically linked BoringSSL ended: a fact for callers
// to branch on (the evidence tells a person the same).
enum class boringssl_search : uint8_t {
    not_run,       // the symbols answered, or the file could not be analysed
    no_marker,     // no string ending in "ssl/ssl_lib.cc": not a static BoringSSL build
    no_backend,    // embedded, but this machine has no code backend yet
    unidentified,  // embedded, but SSL_read/SSL_write could not be identified
    identified,    // embedded, and its functions found
    over_budget,   // a work cap was hit: no answer
};

struct tls_discovery_result {
    std::string path;
    std::vector<tls_attach_point> points;  // empty = nothing to attach
    std::vector<std::string> evidence;     // human-readable lines for `agentsight tls --explain`
    std::string error;  // non-empty when the file could not be analysed (not ELF, unreadable, ...)
    // Non-empty when the file was refused or its analysis stopped for safety:
    // one of tls::skip (target_file.h), the `reason` of a tls_skipped event.
    std::string skipped;
    boringssl_search boringssl = boringssl_search::not_run;
};

struct discovery_options {
    std::string cache_dir;  // "" = no cache; only the (slow) stripped-BoringSSL search is cached
    // Wall-clock budget per file (Claude Code's 245 MB: 0.1-0.5 s). Past it the
    // answer is empty and `skipped` says "budget exceeded".
    std::chrono::milliseconds time_budget{5000};
    const std::atomic<bool>* cancel = nullptr;  // set from another thread: give up now
};

class target_file;

// Symbols first (.dynsym then .symtab), then, if the file has no TLS symbols,
// stripped BoringSSL detection. Never throws; safe on hostile input, bounded
// in time and work. This overload opens a path the user named (symlinks followed).
tls_discovery_result discover_tls_functions(const std::string& path,
                                            const discovery_options& opts = {});
// The same on a file opened with open_target(); `name` is for the evidence.
tls_discovery_result discover_tls_functions(const target_file& file, const std::string& name,
                                            const discovery_options& opts = {});

}  // namespace agentsight::tls
