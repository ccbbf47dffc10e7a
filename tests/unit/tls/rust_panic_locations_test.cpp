// SPDX-License-Identifier: Apache-2.0
// The building blocks of the rustls search on crafted input, so that they are
// tested where the Codex binaries are not installed.
#include "tls/rust_panic_locations.h"

#include <elf.h>
#include <gtest/gtest.h>

#include <unistd.h>
#include <cstring>

#include <filesystem>

#include "tests/unit/tls/crafted_elf.h"
#include "tls/rustls_discovery.h"
#include "tls/x86_64/rip_lea_scan.h"

namespace agentsight::tls {
namespace {

std::string le64(uint64_t v) {
    return std::string(reinterpret_cast<const char*>(&v), 8);
}
std::string le32(uint32_t v) {
    return std::string(reinterpret_cast<const char*>(&v), 4);
}
std::string location(uint64_t ptr, uint64_t len, uint32_t line, uint32_t col) {
    return le64(ptr) + le64(len) + le32(line) + le32(col);
}

TEST(rip_lea_scan, finds_rip_relative_leas_and_their_targets) {
    // 0x1000: lea rax,[rip+0x10]  0x1007: mov rax,[rip+0x10] (not a lea)
    // 0x100e: lea r9,[rip-0x20]   0x1015: lea rax,[rbx+0x10] (not rip-relative)
    std::string code = "\x48\x8d\x05" + le32(0x10) + "\x48\x8b\x05" + le32(0x10) + "\x4c\x8d\x0d" +
                       le32(uint32_t(-0x20)) + "\x48\x8d\x43\x10";
    std::vector<uint8_t> bytes(code.begin(), code.end());
    std::vector<x86_64::rip_lea> all;
    x86_64::find_rip_leas(bytes, 0x1000, {}, all);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].insn, 0x1000u);
    EXPECT_EQ(all[0].target, 0x1017u);
    EXPECT_EQ(all[1].insn, 0x100eu);
    EXPECT_EQ(all[1].target, 0x1015u - 0x20u);

    std::vector<uint64_t> only = {0x1017};
    std::vector<x86_64::rip_lea> filtered;
    x86_64::find_rip_leas(bytes, 0x1000, only, filtered);
    ASSERT_EQ(filtered.size(), 1u);
    EXPECT_EQ(filtered[0].insn, 0x1000u);
}

TEST(rip_lea_scan, ignores_a_truncated_instruction_at_the_end) {
    std::string code = std::string("\x48\x8d\x05\x01\x00", 5);
    std::vector<uint8_t> bytes(code.begin(), code.end());
    std::vector<x86_64::rip_lea> out;
    x86_64::find_rip_leas(bytes, 0, {}, out);
    EXPECT_TRUE(out.empty());
}

class crafted_file : public ::testing::Test {
  protected:
    std::string write(const std::string& bytes) {
        path_ = (std::filesystem::path(::testing::TempDir()) /
                 ("rust-locations-" + std::to_string(::getpid()) + ".elf"))
                    .string();
        test::write_file(path_, bytes);
        return path_;
    }
    void TearDown() override {
        if (!path_.empty()) std::filesystem::remove(path_);
    }
    std::string path_;
};

constexpr const char* rustls_file = "/r/rustls-0.23.46/src/crypto/aws_lc_rs/tls13.rs";
constexpr const char* other_file = "/r/othercrate-1.0.0/src/crypto/aws_lc_rs/tls13.rs";

TEST_F(crafted_file, finds_a_location_by_file_suffix_and_crate) {
    // Rust string literals are packed without NULs: text before and after.
    std::string ro = std::string("xx") + rustls_file + other_file + "yy";
    uint64_t ro_va = 0x1000, s1 = ro_va + 2, n1 = std::strlen(rustls_file);
    uint64_t s2 = s1 + n1, n2 = std::strlen(other_file);
    std::string rw = location(s1, n1, 192, 14) +      // the one
                     location(s1, n1 - 3, 192, 14) +  // ends elsewhere
                     location(s2, n2, 10, 5) +        // another crate
                     location(s1, n1, 0, 14);         // line 0: not a Location
    auto elf_bytes = test::crafted_elf({{PF_R, ro_va, ro}, {PF_R | PF_W, 0x3000, rw}});
    auto elf = elf_file::open(write(elf_bytes));
    ASSERT_TRUE(elf);
    auto scan = find_rust_locations(*elf, "/src/crypto/aws_lc_rs/tls13.rs", "/rustls-");
    EXPECT_EQ(scan.file_strings, 2u);
    ASSERT_EQ(scan.found.size(), 1u);
    EXPECT_EQ(scan.found[0].vaddr, 0x3000u);
    EXPECT_EQ(scan.found[0].file, rustls_file);
    EXPECT_EQ(scan.found[0].line, 192u);
    EXPECT_EQ(scan.found[0].column, 14u);
    EXPECT_FALSE(scan.too_many);
}

TEST_F(crafted_file, stops_at_the_location_cap) {
    std::string ro = rustls_file;
    uint64_t n = ro.size();
    std::string rw;
    for (uint32_t i = 1; i <= 5000; ++i) rw += location(0x1000, n, i, 1);
    auto elf_bytes = test::crafted_elf({{PF_R, 0x1000, ro}, {PF_R | PF_W, 0x10000, rw}});
    auto elf = elf_file::open(write(elf_bytes));
    ASSERT_TRUE(elf);
    auto scan = find_rust_locations(*elf, "/src/crypto/aws_lc_rs/tls13.rs", "/rustls-");
    EXPECT_TRUE(scan.too_many);
    EXPECT_LE(scan.found.size(), 4096u);
}

// Locations but no unwind tables: no function bounds, so no answer, and the
// evidence says why.
TEST_F(crafted_file, no_eh_frame_no_record_layer) {
    std::string ro = rustls_file;
    std::string rw = location(0x1000, ro.size(), 192, 14);
    auto elf_bytes = test::crafted_elf({{PF_R, 0x1000, ro}, {PF_R | PF_W, 0x3000, rw}});
    auto elf = elf_file::open(write(elf_bytes));
    ASSERT_TRUE(elf);
    auto scan = find_rustls_record_layers(*elf);
    EXPECT_TRUE(scan.layers.empty());
    EXPECT_TRUE(scan.marker_found);
    bool said = false;
    for (const auto& e : scan.evidence) said |= e.find("function bounds") != std::string::npos;
    EXPECT_TRUE(said);
}

}  // namespace
}  // namespace agentsight::tls
