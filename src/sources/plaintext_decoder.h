// SPDX-License-Identifier: Apache-2.0
// Plaintext stream records (bpf/events.h as_plain_data) to the chunks the TLS reassembler
// joins: a read or write on a TCP socket without TLS, a pipe or a unix socket becomes a
// `tls`-shaped stream event with a `transport`, so that every analyzer reads it unchanged.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "sources/record_decoder.h"

namespace agentsight {

// "tcp", "pipe", "unix"; "" for 0 (TLS).
const char* plain_transport_name(uint8_t transport);

// The stable id of a plaintext stream in a process: "<pid>:<transport>:<inode>".
std::string plain_conn_id(int32_t pid, uint8_t transport, uint64_t inode);

result<decoded_record> decode_plain_data(std::span<const uint8_t> bytes, const clock_offset& clock);

}  // namespace agentsight
