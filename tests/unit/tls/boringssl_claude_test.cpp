// SPDX-License-Identifier: Apache-2.0
// Stripped BoringSSL in Claude Code's Bun binaries. The same logic must find
// the same three functions in both versions, without per-version tables.
#include <elf.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include "tests/unit/tls/tls_test_util.h"
#include "tls/elf_file.h"
#include "tls/tls_discovery.h"

namespace agentsight::tls {
namespace {

using test::point;

// Offsets verified with live uprobes on these exact builds (docs/tls-discovery.md):
// SSL_write saw "POST /v1/messages", SSL_read returned the response bytes.
struct verified_build {
    const char* version;
    const char* build_id;
    uint64_t ssl_read, ssl_write, ssl_do_handshake;
};
constexpr verified_build verified[] = {
    {"2.1.197", "2ba9a4dca997a53147167d7f967fdc840325054c", 0x320d010, 0x320d3a0, 0x320c0e0},
    {"2.1.113", "052ef6d8cef1bef39149a31808f3d579db450889", 0x503f840, 0x50404b0, 0x503f150},
};

void expect_sane(const std::string& path, const tls_discovery_result& r) {
    ASSERT_TRUE(r.error.empty()) << test::joined(r);
    ASSERT_EQ(r.points.size(), 3u) << test::joined(r);
    const std::map<std::string, tls_direction> want = {
        {"SSL_read", tls_direction::read},
        {"SSL_write", tls_direction::write},
        {"SSL_do_handshake", tls_direction::handshake}};
    auto elf = elf_file::open(path);
    ASSERT_TRUE(elf);
    std::set<uint64_t> offsets;
    for (const auto& p : r.points) {
        ASSERT_TRUE(want.count(p.function)) << p.function;
        EXPECT_EQ(p.direction, want.at(p.function));
        EXPECT_EQ(p.lib, tls_lib::boringssl);
        EXPECT_FALSE(p.ex_variant);
        offsets.insert(p.file_offset);
        bool in_text = false;
        for (const auto& s : elf->segments())
            in_text |= s.type == PT_LOAD && (s.flags & PF_X) && p.file_offset >= s.offset &&
                       p.file_offset < s.offset + s.filesz;
        EXPECT_TRUE(in_text) << p.function;
        uint8_t entry[4];
        ASSERT_TRUE(elf->read(p.file_offset, entry, 4));
        // push rbp; mov rbp, rsp: Bun builds with frame pointers.
        EXPECT_EQ(entry[0], 0x55) << p.function;
        EXPECT_EQ(entry[1], 0x48) << p.function;
    }
    EXPECT_EQ(offsets.size(), 3u) << "functions must be distinct";
}

void expect_verified_offsets(const std::string& version, const std::string& path,
                             const tls_discovery_result& r) {
    auto elf = elf_file::open(path);
    ASSERT_TRUE(elf);
    for (const auto& v : verified) {
        if (version != v.version) continue;
        if (elf->build_id_hex() != v.build_id) {
            std::printf("note: %s has build-id %s, not the verified %s; offsets not pinned\n",
                        path.c_str(), elf->build_id_hex().c_str(), v.build_id);
            return;
        }
        EXPECT_EQ(point(r, "SSL_read")->file_offset, v.ssl_read);
        EXPECT_EQ(point(r, "SSL_write")->file_offset, v.ssl_write);
        EXPECT_EQ(point(r, "SSL_do_handshake")->file_offset, v.ssl_do_handshake);
    }
}

class claude_binary : public ::testing::TestWithParam<const char*> {};

TEST_P(claude_binary, finds_read_write_handshake) {
    std::string path = test::claude_binary(GetParam());
    REQUIRE_AGENT_BINARY(path);
    auto r = discover_tls_functions(path);
    expect_sane(path, r);
    expect_verified_offsets(GetParam(), path, r);
    bool saw_string = false;
    for (const auto& e : r.evidence) saw_string |= e.rfind("found string ", 0) == 0;
    EXPECT_TRUE(saw_string) << test::joined(r);
}

INSTANTIATE_TEST_SUITE_P(versions, claude_binary, ::testing::Values("2.1.197", "2.1.113"),
                         [](const auto& info) {
                             std::string s = info.param;
                             for (char& c : s) c = c == '.' ? '_' : c;
                             return "v" + s;
                         });

TEST(claude_binary_versions, same_kind_of_result) {
    std::vector<std::set<std::tuple<std::string, tls_direction, tls_lib>>> kinds;
    for (const char* v : {"2.1.197", "2.1.113"}) {
        std::string path = test::claude_binary(v);
        REQUIRE_AGENT_BINARY(path);
        auto r = discover_tls_functions(path);
        std::set<std::tuple<std::string, tls_direction, tls_lib>> k;
        for (const auto& p : r.points) k.emplace(p.function, p.direction, p.lib);
        kinds.push_back(k);
    }
    EXPECT_EQ(kinds[0], kinds[1]);
}

TEST(claude_binary_cache, second_run_hits_and_corruption_is_a_miss) {
    std::string path = test::claude_binary("2.1.197");
    REQUIRE_AGENT_BINARY(path);
    std::filesystem::path dir =
        std::filesystem::path(::testing::TempDir()) / "agentsight-tls-cache";
    std::filesystem::remove_all(dir);
    discovery_options opts{dir.string()};

    auto contains = [](const tls_discovery_result& r, const std::string& what) {
        for (const auto& e : r.evidence)
            if (e.find(what) != std::string::npos) return true;
        return false;
    };
    auto first = discover_tls_functions(path, opts);
    expect_sane(path, first);
    EXPECT_TRUE(contains(first, "cached as")) << test::joined(first);
    EXPECT_FALSE(contains(first, "cache hit"));

    auto second = discover_tls_functions(path, opts);
    EXPECT_TRUE(contains(second, "cache hit (sha256 ")) << test::joined(second);
    ASSERT_EQ(second.points.size(), first.points.size());
    for (size_t i = 0; i < first.points.size(); ++i) {
        EXPECT_EQ(second.points[i].function, first.points[i].function);
        EXPECT_EQ(second.points[i].file_offset, first.points[i].file_offset);
        EXPECT_EQ(second.points[i].direction, first.points[i].direction);
    }

    for (const auto& f : std::filesystem::directory_iterator(dir))
        std::ofstream(f.path()) << "{garbage";
    auto third = discover_tls_functions(path, opts);
    EXPECT_FALSE(contains(third, "cache hit")) << test::joined(third);
    expect_sane(path, third);

    // Well-formed JSON with the wrong types is a miss too, never an exception.
    for (const auto& f : std::filesystem::directory_iterator(dir))
        std::ofstream(f.path()) << R"({"format": 2, "key": 7, "file_size": "big", "points": 3})";
    auto fourth = discover_tls_functions(path, opts);
    EXPECT_FALSE(contains(fourth, "cache hit")) << test::joined(fourth);
    expect_sane(path, fourth);
    std::filesystem::remove_all(dir);
}

// 2.1.113 has no FDEs for BoringSSL: a cached offset could not be checked
// against the unwind table on reuse, so nothing is stored for it.
TEST(claude_binary_cache, offsets_without_fde_are_not_cached) {
    std::string path = test::claude_binary("2.1.113");
    REQUIRE_AGENT_BINARY(path);
    std::filesystem::path dir =
        std::filesystem::path(::testing::TempDir()) / "agentsight-tls-cache-113";
    std::filesystem::remove_all(dir);
    auto r = discover_tls_functions(path, discovery_options{dir.string()});
    expect_sane(path, r);
    bool said = false;
    for (const auto& e : r.evidence) said |= e.find("not cached") != std::string::npos;
    EXPECT_TRUE(said) << test::joined(r);
    EXPECT_TRUE(!std::filesystem::exists(dir) || std::filesystem::is_empty(dir));
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace agentsight::tls
