// SPDX-License-Identifier: Apache-2.0
// rustls 0.23 in a stripped static Rust binary (Codex): the TLS 1.3 record
// encrypter and decrypter of each crypto provider (aws-lc-rs, ring), found
// through the trait-object vtables their constructors return. Every record's
// plaintext passes through `MessageEncrypter::encrypt` (application data in,
// before sealing) and `MessageDecrypter::decrypt` (decrypted in place, inner
// content type and padding after the plaintext). See docs/tls-discovery.md,
// "rustls in Codex". Not wired into discover_tls_functions yet.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tls/elf_file.h"
#include "tls/rustls_layout.h"

namespace agentsight::tls {

// One TLS 1.3 record protection (a cipher family of one crypto provider).
struct rustls_record_layer {
    std::string provider;      // "aws_lc_rs" or "ring" (the rustls source directory)
    uint64_t struct_size = 0;  // of the boxed {key, iv}: tells cipher families apart
    // vaddrs of the trait-object methods (each an .eh_frame function start)
    uint64_t encrypt = 0;         // fn encrypt(&mut self, msg: OutboundPlainMessage, seq: u64)
    uint64_t decrypt = 0;         // fn decrypt(&mut self, msg: InboundOpaqueMessage, seq: u64)
    uint64_t encrypt_offset = 0;  // file offsets, for the uprobes
    uint64_t decrypt_offset = 0;
    uint64_t encrypter_vtable = 0;  // where the methods were read from
    uint64_t decrypter_vtable = 0;
    // Where encrypt's `msg` holds the plaintext, from encrypt's own code;
    // nullopt = not recognised, and the encrypt probe cannot read it.
    std::optional<outbound_chunks_layout> encrypt_msg;
};

struct rustls_scan {
    bool marker_found = false;                // the file holds rustls 0.23 panic Locations
    bool over_budget = false;                 // a work cap or the read budget was hit
    std::vector<rustls_record_layer> layers;  // empty = nothing found
    std::vector<std::string> evidence;        // one line per step, for --explain
};

rustls_scan find_rustls_record_layers(const elf_file& elf);

}  // namespace agentsight::tls
