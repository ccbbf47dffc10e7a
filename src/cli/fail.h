// The CLI edge turns errors into one line on stderr and an exit code.
#pragma once

#include <stdexcept>
#include <string>

#include "util/result.h"

namespace agentsight::cli {

struct failure : std::runtime_error {
    failure(const std::string& message, int code = 1)
        : std::runtime_error(message), exit_code(code) {}
    int exit_code;
};

template <typename T>
T must(result<T> r) {
    if (!r) throw failure(r.message());
    return std::move(r.value());
}

}  // namespace agentsight::cli
