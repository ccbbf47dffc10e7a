// SPDX-License-Identifier: Apache-2.0
// Stripped, statically linked BoringSSL (Bun, and so Claude Code): no symbols,
// so SSL_read / SSL_write / SSL_do_handshake are recognised by the error codes
// their OPENSSL_PUT_ERROR calls pass, which BoringSSL keeps stable across
// revisions, inside function bounds taken from .eh_frame.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "tls/elf_file.h"
#include "tls/tls_discovery.h"

namespace agentsight::tls {

struct boringssl_scan {
    bool marker_found = false;  // the file embeds BoringSSL's ssl/ssl_lib.cc
    bool over_budget = false;   // a work cap was hit: the answer is incomplete
    boringssl_search outcome = boringssl_search::no_marker;
    std::vector<tls_attach_point> points;
    std::vector<std::string> evidence;
};

// Every NUL-terminated string ending in "ssl/ssl_lib.cc" in the loaded
// segments (read-only ones first), up to a small cap.
struct boringssl_markers {
    std::vector<std::pair<uint64_t, std::string>> found;  // (vaddr of the first byte, text)
    bool too_many = false;                                // over the cap: a crafted file
};
boringssl_markers find_boringssl_markers(const elf_file& elf);

boringssl_scan find_stripped_boringssl(const elf_file& elf, const boringssl_markers& markers);

}  // namespace agentsight::tls
