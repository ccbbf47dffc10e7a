// SPDX-License-Identifier: Apache-2.0
#include "ui/access_guard.h"

#include <gtest/gtest.h>

#include <set>

namespace agentsight::server {
namespace {

TEST(access_guard, token_is_128_random_bits_in_hex) {
    std::set<std::string> seen;
    for (int i = 0; i < 20; ++i) {
        auto t = make_access_token();
        ASSERT_TRUE(t) << t.message();
        EXPECT_EQ(t->size(), 32u);
        EXPECT_EQ(t->find_first_not_of("0123456789abcdef"), std::string::npos);
        seen.insert(*t);
    }
    EXPECT_EQ(seen.size(), 20u);
}

TEST(access_guard, user_token_format) {
    EXPECT_TRUE(check_token_format("abcdefghijklmnop"));
    EXPECT_FALSE(check_token_format("short"));
    EXPECT_FALSE(check_token_format("abcdefghijklmnop; Path=/"));
    EXPECT_FALSE(check_token_format("abcdefghijklmnop&x=1"));
}

TEST(access_guard, loopback_host_names_with_our_port_only) {
    access_guard g("127.0.0.1", 7395, "tok");
    EXPECT_TRUE(g.host_allowed("127.0.0.1:7395"));
    EXPECT_TRUE(g.host_allowed("localhost:7395"));
    EXPECT_TRUE(g.host_allowed("LOCALHOST:7395"));
    EXPECT_TRUE(g.host_allowed("[::1]:7395"));
    EXPECT_FALSE(g.host_allowed("127.0.0.1:7396"));
    EXPECT_FALSE(g.host_allowed("127.0.0.1"));  // port 80 only
    EXPECT_FALSE(g.host_allowed("attacker.example:7395"));
    EXPECT_FALSE(g.host_allowed("localhost.attacker.example:7395"));
    EXPECT_FALSE(g.host_allowed("127.0.0.2:7395"));
    EXPECT_FALSE(g.host_allowed(""));
    EXPECT_FALSE(g.host_allowed("127.0.0.1:7395:7395"));
    EXPECT_FALSE(g.host_allowed("127.0.0.1:99999"));
}

TEST(access_guard, bind_address_is_allowed_when_bound_there) {
    access_guard g("192.168.1.5", 8000, "tok");
    EXPECT_TRUE(g.host_allowed("192.168.1.5:8000"));
    EXPECT_TRUE(g.host_allowed("localhost:8000"));
    EXPECT_FALSE(g.host_allowed("192.168.1.6:8000"));
    access_guard v6("fd00::5", 8000, "tok");
    EXPECT_TRUE(v6.host_allowed("[fd00::5]:8000"));
    EXPECT_FALSE(v6.host_allowed("[fd00::6]:8000"));
}

TEST(access_guard, wildcard_bind_allows_ip_literals_never_names) {
    access_guard g("0.0.0.0", 8000, "tok");
    EXPECT_TRUE(g.host_allowed("10.0.0.7:8000"));
    EXPECT_TRUE(g.host_allowed("[fe80::1]:8000"));
    EXPECT_FALSE(g.host_allowed("rebind.attacker.example:8000"));
    EXPECT_FALSE(g.host_allowed("10.0.0.7:8001"));
}

TEST(access_guard, token_and_cookie) {
    access_guard g("127.0.0.1", 7395, "0123456789abcdef0123456789abcdef");
    EXPECT_TRUE(g.token_matches("0123456789abcdef0123456789abcdef"));
    EXPECT_FALSE(g.token_matches("0123456789abcdef0123456789abcdee"));
    EXPECT_FALSE(g.token_matches(""));
    EXPECT_FALSE(g.token_matches("0123456789abcdef"));
    const std::string set = g.set_cookie_value();
    EXPECT_EQ(set.rfind("agentsight_token_7395=0123456789abcdef0123456789abcdef;", 0), 0u);
    EXPECT_NE(set.find("HttpOnly"), std::string::npos);
    EXPECT_NE(set.find("SameSite=Strict"), std::string::npos);
    EXPECT_EQ(g.cookie_token("a=1; agentsight_token_7395=xyz; b=2"), "xyz");
    EXPECT_EQ(g.cookie_token("agentsight_token_7396=xyz"), std::nullopt);
    EXPECT_EQ(g.cookie_token(""), std::nullopt);
}

TEST(access_guard, warns_only_off_loopback) {
    EXPECT_EQ(non_loopback_warning("127.0.0.1"), "");
    EXPECT_EQ(non_loopback_warning("127.1.2.3"), "");
    EXPECT_EQ(non_loopback_warning("::1"), "");
    EXPECT_EQ(non_loopback_warning("localhost"), "");
    EXPECT_NE(non_loopback_warning("0.0.0.0").find("warning"), std::string::npos);
    EXPECT_NE(non_loopback_warning("192.168.1.5").find("192.168.1.5"), std::string::npos);
}

}  // namespace
}  // namespace agentsight::server
