// Stripped, statically linked BoringSSL (Bun, and so Claude Code): no symbols,
// so SSL_read / SSL_write / SSL_do_handshake are recognised by the error codes
// their OPENSSL_PUT_ERROR calls pass, which BoringSSL keeps stable across
// revisions, inside function bounds taken from .eh_frame.
#pragma once

#include <string>
#include <vector>

#include "tls/elf_file.h"
#include "tls/tls_discovery.h"

namespace agentsight::tls {

struct boringssl_scan {
    bool marker_found = false;  // the file embeds BoringSSL's ssl/ssl_lib.cc
    std::vector<tls_attach_point> points;
    std::vector<std::string> evidence;
};

boringssl_scan find_stripped_boringssl(const elf_file& elf);

}  // namespace agentsight::tls
