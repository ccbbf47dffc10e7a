// SPDX-License-Identifier: Apache-2.0
// Discovery reports how its BoringSSL search ended as a fact (tls_discovery_result::boringssl),
// for callers to branch on instead of reading the evidence text.
#include <gtest/gtest.h>

#include "tests/unit/tls/tls_test_util.h"
#include "tls/tls_discovery.h"

namespace agentsight::tls {
namespace {

TEST(boringssl_search, a_binary_without_the_marker_string_says_no_marker) {
    std::string path = "/bin/ls";
    REQUIRE_SYSTEM_FILE(path);
    auto r = discover_tls_functions(path);
    EXPECT_EQ(r.boringssl, boringssl_search::no_marker) << test::joined(r);
}

TEST(boringssl_search, symbols_answer_before_any_search) {
    std::string path = "/usr/lib/x86_64-linux-gnu/libssl.so.3";
    REQUIRE_SYSTEM_FILE(path);
    auto r = discover_tls_functions(path);
    EXPECT_FALSE(r.points.empty());
    EXPECT_EQ(r.boringssl, boringssl_search::not_run);
}

TEST(boringssl_search, a_file_that_is_not_elf_is_never_searched) {
    auto r = discover_tls_functions(std::string(AGENTSIGHT_TEST_DATA) + "/tls/not-elf.txt");
    EXPECT_EQ(r.boringssl, boringssl_search::not_run);
}

}  // namespace
}  // namespace agentsight::tls
