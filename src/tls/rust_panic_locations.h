// SPDX-License-Identifier: Apache-2.0
// Rust's panic `Location`s in a stripped binary. Every `unwrap`, `expect`,
// `assert!` and bounds check stores a `core::panic::Location { file: &str,
// line: u32, col: u32 }` static (24 bytes: pointer, length, line, column) that
// names the crate's source file, e.g. ".../rustls-0.23.46/src/record_layer.rs".
// `strip` cannot remove them, and code loads their address to panic, so they
// tie a crate's source file to the functions compiled from it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tls/elf_file.h"

namespace agentsight::tls {

struct rust_location {
    uint64_t vaddr = 0;  // of the Location struct
    std::string file;    // the whole path the struct points at
    uint32_t line = 0;
    uint32_t column = 0;
};

struct rust_location_scan {
    std::vector<rust_location> found;  // sorted by vaddr
    size_t file_strings = 0;           // strings ending in the suffix
    bool too_many = false;             // a cap was hit: a crafted file
};

// Locations whose file ends with `suffix` and contains `crate_marker` (e.g.
// "rustls-0.23."). The pointer is read from the file as stored: static-pie
// linkers (GNU ld with RELA, lld with RELR) both leave the unrelocated address
// in place, which is the vaddr of the string.
rust_location_scan find_rust_locations(const elf_file& elf, std::string_view suffix,
                                       std::string_view crate_marker);

}  // namespace agentsight::tls
