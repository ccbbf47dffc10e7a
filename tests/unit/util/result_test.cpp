// SPDX-License-Identifier: Apache-2.0
// result<T> carries the failing call's errno with its message, so a caller branches on the
// error it was handed rather than on the global errno, which later calls overwrite.
#include <cerrno>
#include <string>

#include <gtest/gtest.h>

#include "util/result.h"

namespace agentsight {
namespace {

result<int> refused() {
    return error{"attach: No such process", ESRCH};
}

TEST(result, an_error_keeps_its_errno) {
    auto r = refused();
    errno = 0;  // whatever ran in between
    ASSERT_FALSE(r);
    EXPECT_EQ(r.failure().sys_errno, ESRCH);
    EXPECT_EQ(r.message(), "attach: No such process");
}

TEST(result, an_error_without_a_system_call_has_errno_zero) {
    result<std::string> r = error{"bad input"};
    ASSERT_FALSE(r);
    EXPECT_EQ(r.failure().sys_errno, 0);
    result<std::string> v = std::string("x");
    EXPECT_TRUE(v);
}

}  // namespace
}  // namespace agentsight
