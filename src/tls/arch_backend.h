// SPDX-License-Identifier: Apache-2.0
// What the stripped-BoringSSL search needs from an instruction set, so that a
// second architecture (aarch64: adrp+add pairs, movz/movk, bl) is one new
// backend and no change to the classification in boringssl_discovery.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tls/eh_frame_index.h"

namespace agentsight::tls {

// One OPENSSL_PUT_ERROR(lib, reason) expansion: a call to the error function
// with the library code, reason code, file name and line as arguments.
struct error_site {
    uint64_t vaddr = 0;  // instruction that materialises the file-name address
    std::optional<uint32_t> lib;
    std::optional<uint32_t> reason;
    std::optional<uint32_t> line;
    uint64_t callee = 0;  // the error function, 0 when the call was not found
};

struct function_facts {
    fde_range range;
    bool fully_decoded = false;  // the linear sweep reached the FDE end
    bool plausible_entry = false;
    std::string entry_note;              // first instructions, for evidence
    std::vector<error_site> sites;       // one per file-name reference inside the function
    std::vector<uint64_t> direct_calls;  // targets of direct calls and tail jumps
};

class arch_backend {
  public:
    virtual ~arch_backend() = default;
    virtual const char* name() const = 0;

    // Appends the vaddr of every operand field in `code` (which starts at
    // `base`) that may encode the address `target`; candidates are confirmed
    // by analyze_function. `pic`: the file is position independent.
    virtual void find_address_refs(std::span<const uint8_t> code, uint64_t base, uint64_t target,
                                   bool pic, std::vector<uint64_t>& out) const = 0;

    // Function bounds around `field` when no FDE covers it (some builds emit
    // unwind tables for part of the program only). `window` starts at vaddr
    // `base` and should extend well before and after `field`.
    virtual std::optional<fde_range> guess_bounds(std::span<const uint8_t> window, uint64_t base,
                                                  uint64_t field) const = 0;

    // Decodes one function (`code` holds exactly [range.start, range.end)) and
    // reads the error-call arguments at each reference to `target`.
    virtual function_facts analyze_function(std::span<const uint8_t> code, fde_range range,
                                            uint64_t target) const = 0;
};

// nullptr when the machine (ELF e_machine) has no backend yet.
std::unique_ptr<arch_backend> make_arch_backend(uint16_t machine);

}  // namespace agentsight::tls
