// SPDX-License-Identifier: Apache-2.0
// A value or an error: a message a person can act on, and the errno of the system
// call that failed, for a caller to branch on (never the global errno read later).
// Loader layers return this; the CLI edge turns errors into one-line messages and exit codes.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace agentsight {

struct error {
    std::string message;
    int sys_errno = 0;  // the failing call's errno; 0 when no system call failed
};

template <typename T>
class result {
  public:
    result(T value) : v_(std::move(value)) {}
    result(error e) : v_(std::move(e)) {}

    bool ok() const { return std::holds_alternative<T>(v_); }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<T>(v_); }
    const T& value() const { return std::get<T>(v_); }
    T& operator*() { return value(); }
    T* operator->() { return &value(); }
    const std::string& message() const { return failure().message; }
    const error& failure() const { return std::get<error>(v_); }

  private:
    std::variant<T, error> v_;
};

// For operations that produce nothing but can fail.
struct ok_t {};
using status = result<ok_t>;
inline status ok_status() {
    return ok_t{};
}

}  // namespace agentsight
