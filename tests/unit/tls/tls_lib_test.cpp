// SPDX-License-Identifier: Apache-2.0
// The TLS-library table (tls/tls_lib.def): every mapping it generates agrees with the
// kernel ABI and with the JSON names tls events carry.
#include <gtest/gtest.h>

#include "tls/tls_lib.h"

namespace agentsight {
namespace {

TEST(tls_lib_table, names_are_the_json_lib_strings) {
    EXPECT_STREQ(to_string(tls_lib::openssl), "openssl");
    EXPECT_STREQ(to_string(tls_lib::gnutls), "gnutls");
    EXPECT_STREQ(to_string(tls_lib::nss), "nss");
    EXPECT_STREQ(to_string(tls_lib::boringssl), "boringssl");
    for (const auto& row : tls_lib_table) EXPECT_EQ(tls_lib_from_name(row.name), row.lib);
    EXPECT_FALSE(tls_lib_from_name("schannel"));
    EXPECT_EQ(tls_direction_from_name("handshake"), tls_direction::handshake);
    EXPECT_STREQ(to_string(tls_direction::write), "write");
    EXPECT_FALSE(tls_direction_from_name("sideways"));
}

TEST(tls_lib_table, abi_codes_are_the_bpf_ones) {
    EXPECT_EQ(abi_code(tls_lib::openssl), AS_TLS_OPENSSL);
    EXPECT_EQ(abi_code(tls_lib::gnutls), AS_TLS_GNUTLS);
    EXPECT_EQ(abi_code(tls_lib::nss), AS_TLS_NSS);
    EXPECT_EQ(abi_code(tls_lib::boringssl), AS_TLS_BORINGSSL);
    EXPECT_EQ(tls_lib_from_abi(AS_TLS_BORINGSSL), tls_lib::boringssl);
    EXPECT_FALSE(tls_lib_from_abi(AS_TLS_BORINGSSL + 1));
    EXPECT_EQ(abi_code(tls_direction::handshake), AS_TLS_HANDSHAKE);
    EXPECT_TRUE(is_data_direction(AS_TLS_READ));
    EXPECT_TRUE(is_data_direction(AS_TLS_WRITE));
    EXPECT_FALSE(is_data_direction(AS_TLS_HANDSHAKE));
    EXPECT_FALSE(is_data_direction(AS_TLS_HANDSHAKE + 1));
}

TEST(tls_lib_table, library_files_match_by_name_prefix) {
    EXPECT_TRUE(is_tls_library_file("/usr/lib/x86_64-linux-gnu/libssl.so.3"));
    EXPECT_TRUE(is_tls_library_file("/site-packages/libssl-1a2b3c.so.3"));
    EXPECT_TRUE(is_tls_library_file("/usr/lib/libgnutls.so.30"));
    EXPECT_TRUE(is_tls_library_file("/usr/lib/libnspr4.so"));
    EXPECT_FALSE(is_tls_library_file("/usr/lib/libcrypto.so.3"));
    EXPECT_FALSE(is_tls_library_file("/opt/libssl/libz.so"));
}

}  // namespace
}  // namespace agentsight
