// SPDX-License-Identifier: Apache-2.0
// Names the functions that reference ssl_lib.cc by the reason codes their
// OPENSSL_PUT_ERROR calls raise, and validates each choice.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tls/arch_backend.h"
#include "tls/elf_file.h"
#include "tls/tls_discovery.h"

namespace agentsight::tls {

struct ssl_function {
    function_facts facts;
    bool from_fde = true;               // bounds from .eh_frame, else from the prologue scan
    std::set<uint32_t> reasons;         // from sites with lib == ERR_LIB_SSL
    std::map<uint32_t, uint32_t> line;  // reason -> smallest __LINE__ seen
    bool has(uint32_t r) const { return reasons.count(r) != 0; }
    bool calls(uint64_t entry) const {
        return std::find(facts.direct_calls.begin(), facts.direct_calls.end(), entry) !=
               facts.direct_calls.end();
    }
    std::string describe() const;
};

std::vector<tls_attach_point> classify_boringssl_functions(const elf_file& elf,
                                                           std::vector<ssl_function> fns,
                                                           std::vector<std::string>& evidence);

}  // namespace agentsight::tls
