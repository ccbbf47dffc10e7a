// SPDX-License-Identifier: Apache-2.0
// The CLI edge turns errors into one line on stderr and an exit code.
// Messages quote paths, hosts and argv that the user or the traced agent chose,
// so they are made terminal-safe here, once, for every place that prints them.
#pragma once

#include <stdexcept>
#include <string>

#include "util/result.h"
#include "util/terminal_text.h"

namespace agentsight::cli {

struct failure : std::runtime_error {
    failure(const std::string& message, int code = 1)
        : std::runtime_error(printable(message)), exit_code(code) {}
    int exit_code;
};

template <typename T>
T must(result<T> r) {
    if (!r) throw failure(r.message());
    return std::move(r.value());
}

}  // namespace agentsight::cli
