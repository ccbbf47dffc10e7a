// SPDX-License-Identifier: Apache-2.0
// Symbol discovery on the real TLS libraries of this machine, cross-checked
// against the unwind tables: every offset must be the start of a function.
#include <elf.h>
#include <gtest/gtest.h>

#include <set>

#include "tests/unit/tls/tls_test_util.h"
#include "tls/eh_frame_index.h"
#include "tls/elf_file.h"
#include "tls/tls_discovery.h"

namespace agentsight::tls {
namespace {

using test::point;

const std::string lib_dir = "/usr/lib/x86_64-linux-gnu/";

// Maps a file offset back to its vaddr and checks an FDE starts exactly there.
void expect_function_starts(const std::string& path, const tls_discovery_result& r) {
    auto elf = elf_file::open(path);
    ASSERT_TRUE(elf) << elf.message();
    std::string how;
    auto fdes = eh_frame_index::load(*elf, how);
    for (const auto& p : r.points) {
        std::optional<uint64_t> vaddr;
        for (const auto& s : elf->segments())
            if (s.type == PT_LOAD && (s.flags & PF_X) && p.file_offset >= s.offset &&
                p.file_offset < s.offset + s.filesz)
                vaddr = p.file_offset - s.offset + s.vaddr;
        ASSERT_TRUE(vaddr) << p.function << " offset outside executable segments";
        auto fde = fdes.find(*vaddr);
        ASSERT_TRUE(fde) << p.function << " has no FDE (" << how << ")";
        EXPECT_EQ(fde->start, *vaddr) << p.function << " is not at a function start";
    }
}

TEST(tls_symbols, openssl_libssl) {
    std::string path = lib_dir + "libssl.so.3";
    REQUIRE_SYSTEM_FILE(path);
    auto r = discover_tls_functions(path);
    ASSERT_TRUE(r.error.empty()) << test::joined(r);
    for (const char* fn :
         {"SSL_read", "SSL_write", "SSL_read_ex", "SSL_write_ex", "SSL_do_handshake"}) {
        const auto* p = point(r, fn);
        ASSERT_NE(p, nullptr) << fn << "\n" << test::joined(r);
        EXPECT_EQ(p->lib, tls_lib::openssl);
        EXPECT_EQ(p->ex_variant, std::string(fn).ends_with("_ex"));
    }
    EXPECT_EQ(point(r, "SSL_read")->direction, tls_direction::read);
    EXPECT_EQ(point(r, "SSL_write_ex")->direction, tls_direction::write);
    EXPECT_EQ(point(r, "SSL_do_handshake")->direction, tls_direction::handshake);
    expect_function_starts(path, r);
}

TEST(tls_symbols, node_exports_embedded_openssl) {
    std::string path = "/usr/bin/node";
    REQUIRE_SYSTEM_FILE(path);
    auto r = discover_tls_functions(path);
    ASSERT_TRUE(r.error.empty()) << test::joined(r);
    for (const char* fn :
         {"SSL_read", "SSL_write", "SSL_read_ex", "SSL_write_ex", "SSL_do_handshake"})
        EXPECT_NE(point(r, fn), nullptr) << fn << "\n" << test::joined(r);
    expect_function_starts(path, r);
}

TEST(tls_symbols, gnutls) {
    std::string path = lib_dir + "libgnutls.so.30";
    REQUIRE_SYSTEM_FILE(path);
    auto r = discover_tls_functions(path);
    ASSERT_EQ(r.points.size(), 3u) << test::joined(r);
    EXPECT_EQ(point(r, "gnutls_record_send")->direction, tls_direction::write);
    EXPECT_EQ(point(r, "gnutls_record_recv")->direction, tls_direction::read);
    EXPECT_EQ(point(r, "gnutls_handshake")->direction, tls_direction::handshake);
    for (const auto& p : r.points) EXPECT_EQ(p.lib, tls_lib::gnutls);
    expect_function_starts(path, r);
}

TEST(tls_symbols, nspr) {
    std::string path = lib_dir + "libnspr4.so";
    REQUIRE_SYSTEM_FILE(path);
    auto r = discover_tls_functions(path);
    ASSERT_EQ(r.points.size(), 4u) << test::joined(r);
    std::set<std::string> names;
    for (const auto& p : r.points) {
        EXPECT_EQ(p.lib, tls_lib::nss);
        names.insert(p.function);
    }
    EXPECT_EQ(names, (std::set<std::string>{"PR_Read", "PR_Write", "PR_Send", "PR_Recv"}));
    expect_function_starts(path, r);
}

TEST(tls_symbols, import_is_not_a_definition) {
    // libcurl calls SSL_read/SSL_write from libssl.so.3 (versioned imports,
    // st_shndx == SHN_UNDEF): nothing to attach in libcurl itself.
    std::string path = lib_dir + "libcurl.so.4";
    REQUIRE_SYSTEM_FILE(path);
    auto r = discover_tls_functions(path);
    EXPECT_TRUE(r.error.empty()) << test::joined(r);
    EXPECT_TRUE(r.points.empty()) << test::joined(r);
    bool mentions_import = false;
    for (const auto& e : r.evidence) mentions_import |= e.rfind("imports SSL_write", 0) == 0;
    EXPECT_TRUE(mentions_import) << test::joined(r);
}

TEST(tls_discovery, binary_without_tls_explains_why) {
    std::string path = "/bin/ls";
    REQUIRE_SYSTEM_FILE(path);
    auto r = discover_tls_functions(path);
    EXPECT_TRUE(r.error.empty());
    EXPECT_TRUE(r.points.empty());
    bool explained = false;
    for (const auto& e : r.evidence)
        explained |= e.find("not a static BoringSSL build") != std::string::npos;
    EXPECT_TRUE(explained) << test::joined(r);
}

TEST(tls_discovery, non_elf_is_a_clean_error) {
    auto r = discover_tls_functions(std::string(AGENTSIGHT_TEST_DATA) + "/tls/not-elf.txt");
    EXPECT_NE(r.error.find("not an ELF file"), std::string::npos) << r.error;
    EXPECT_TRUE(r.points.empty());
    EXPECT_FALSE(r.evidence.empty());
}

TEST(tls_discovery, truncated_elf_is_a_clean_error) {
    auto r =
        discover_tls_functions(std::string(AGENTSIGHT_TEST_DATA) + "/tls/truncated-header.elf");
    EXPECT_NE(r.error.find("truncated program headers"), std::string::npos) << r.error;
    EXPECT_TRUE(r.points.empty());
}

TEST(tls_discovery, missing_file_and_directory_are_errors) {
    auto missing = discover_tls_functions("/nonexistent/libssl.so.3");
    EXPECT_NE(missing.error.find("/nonexistent/libssl.so.3"), std::string::npos);
    auto dir = discover_tls_functions("/usr");
    EXPECT_NE(dir.error.find("not a regular file"), std::string::npos) << dir.error;
}

}  // namespace
}  // namespace agentsight::tls
