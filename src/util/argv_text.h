// SPDX-License-Identifier: Apache-2.0
// A recorded argv as one line of text, as a shell would show it (no quoting): for labels and
// attributes. Human output still goes through terminal_text's printable().
#pragma once

#include <string>
#include <vector>

namespace agentsight {

std::string join_argv(const std::vector<std::string>& argv);

}  // namespace agentsight
