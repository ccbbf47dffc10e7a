// SPDX-License-Identifier: Apache-2.0
#include "util/argv_text.h"

namespace agentsight {

std::string join_argv(const std::vector<std::string>& argv) {
    std::string s;
    for (const auto& a : argv) {
        if (!s.empty()) s += ' ';
        s += a;
    }
    return s;
}

}  // namespace agentsight
