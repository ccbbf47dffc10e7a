// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include "analysis/llm/json_util.h"

namespace agentsight::analyzers::llm {
namespace {

// Token counts come from the server's bytes: anything that is not a count is no count.
TEST(json_util, int_of_refuses_numbers_no_int64_holds) {
    auto j = json::parse(
        R"({"a": 12, "b": 12.9, "c": 2.04111e+73, "d": -1e300, "e": 18446744073709551615,
            "f": -5, "g": "7", "h": null})");
    EXPECT_EQ(int_of(j, "a"), 12);
    EXPECT_EQ(int_of(j, "b"), 12);
    EXPECT_EQ(int_of(j, "c"), std::nullopt);  // found by fuzz_http2: UB before
    EXPECT_EQ(int_of(j, "d"), std::nullopt);
    EXPECT_EQ(int_of(j, "e"), std::nullopt);
    EXPECT_EQ(int_of(j, "f"), -5);
    EXPECT_EQ(int_of(j, "g"), std::nullopt);
    EXPECT_EQ(int_of(j, "h"), std::nullopt);
    EXPECT_EQ(int_of(j, "missing"), std::nullopt);
}

}  // namespace
}  // namespace agentsight::analyzers::llm
