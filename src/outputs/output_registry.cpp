// SPDX-License-Identifier: Apache-2.0
#include "outputs/output_registry.h"

#include "outputs/otlp/otlp_output.h"

namespace agentsight {

std::string output_flag_values::value(const std::string& flag) const {
    auto it = text.find(flag);
    return it == text.end() ? std::string() : it->second;
}

bool output_flag_values::is_on(const std::string& flag) const {
    auto it = on.find(flag);
    return it != on.end() && it->second;
}

const std::vector<export_output>& export_outputs() {
    static const std::vector<export_output> outputs = {
        otlp_output(),  // --otlp URL [--otlp-content]
    };
    return outputs;
}

}  // namespace agentsight
