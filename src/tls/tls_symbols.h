// SPDX-License-Identifier: Apache-2.0
// Symbol-table discovery: the fast path for every shared library and for
// executables that export (or merely keep) their TLS library's symbols.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "tls/elf_file.h"
#include "tls/tls_discovery.h"

namespace agentsight::tls {

struct tls_function_spec {
    const char* name;
    agentsight::tls_lib lib;
    agentsight::tls_direction direction;
    bool ex_variant;
};

// Every function we know how to probe, in a stable order.
std::span<const tls_function_spec> known_tls_functions();

struct symbol_scan_result {
    std::vector<tls_attach_point> points;
    std::vector<std::string> evidence;
    std::vector<std::string> imported;  // known TLS names present only as undefined imports
};

// .dynsym first; .symtab only when .dynsym defines none of the known functions
// (a library exports its API, so .symtab would only repeat it).
symbol_scan_result scan_tls_symbols(const elf_file& elf);

}  // namespace agentsight::tls
