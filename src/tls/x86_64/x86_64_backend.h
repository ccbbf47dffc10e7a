// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "tls/arch_backend.h"

namespace agentsight::tls::x86_64 {

class backend final : public arch_backend {
  public:
    const char* name() const override { return "x86-64"; }
    void find_address_refs(std::span<const uint8_t> code, uint64_t base, uint64_t target, bool pic,
                           std::vector<uint64_t>& out) const override;
    std::optional<fde_range> guess_bounds(std::span<const uint8_t> window, uint64_t base,
                                          uint64_t field) const override;
    function_facts analyze_function(std::span<const uint8_t> code, fde_range range,
                                    uint64_t target) const override;
};

}  // namespace agentsight::tls::x86_64
