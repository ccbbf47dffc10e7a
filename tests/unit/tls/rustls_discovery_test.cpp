// SPDX-License-Identifier: Apache-2.0
// rustls in Codex: the same search must find the TLS 1.3 record encrypter and
// decrypter in two Codex releases four versions apart, with no per-version
// table, and each must be a function start in the file's own .eh_frame.
#include "tls/rustls_discovery.h"

#include <elf.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include "tests/unit/tls/tls_test_util.h"
#include "tls/eh_frame_index.h"
#include "tls/elf_file.h"

namespace agentsight::tls {
namespace {

// scripts/fetch-codex.sh installs these into $AGENTS_DIR (default build/agents).
std::string codex_binary(const std::string& version) {
    const char* env = std::getenv("AGENTS_DIR");
    std::filesystem::path dir =
        env != nullptr && *env != '\0'
            ? std::filesystem::path(env)
            : std::filesystem::path(AGENTSIGHT_TEST_DATA).parent_path().parent_path() / "build" /
                  "agents";
    return (dir / ("codex-" + version) / "node_modules" / "@openai" / "codex-linux-x64" / "vendor" /
            "x86_64-unknown-linux-musl" / "bin" / "codex")
        .string();
}

// Measured on these builds (the 48-byte-key family; docs/tls-discovery.md,
// "rustls in Codex"): the search does not use them, the test checks it lands there.
struct measured_build {
    const char* version;
    uint64_t aws_encrypt, aws_decrypt;
};
constexpr measured_build measured[] = {
    {"0.167.2", 0xe46a5b0, 0xe46a400},
    {"0.171.0", 0x115f6da0, 0x115f72e0},
};

std::string joined(const rustls_scan& s) {
    std::string out;
    for (const auto& e : s.evidence) out += "  " + e + "\n";
    return out;
}

rustls_scan scan(const std::string& path, double* ms = nullptr) {
    auto elf = elf_file::open(path);
    EXPECT_TRUE(elf) << path;
    if (!elf) return {};
    auto t0 = std::chrono::steady_clock::now();
    auto s = find_rustls_record_layers(*elf);
    double took =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (ms != nullptr) *ms = took;
    return s;
}

class codex_build : public ::testing::TestWithParam<const char*> {};

TEST_P(codex_build, finds_record_encrypter_and_decrypter_at_function_starts) {
    std::string path = codex_binary(GetParam());
    REQUIRE_AGENT_BINARY(path);
    double ms = 0;
    auto s = scan(path, &ms);
    std::printf("codex %s: rustls search %.0f ms\n%s", GetParam(), ms, joined(s).c_str());
    EXPECT_TRUE(s.marker_found);
    EXPECT_FALSE(s.over_budget);
    // aws-lc-rs (the provider Codex installs) has two cipher families:
    // AES-GCM and ChaCha20-Poly1305.
    ASSERT_GE(s.layers.size(), 2u) << joined(s);

    auto elf = elf_file::open(path);
    ASSERT_TRUE(elf);
    std::string description;
    auto fdes = eh_frame_index::load(*elf, description);
    std::set<uint64_t> all;
    for (const auto& l : s.layers) {
        for (uint64_t fn : {l.encrypt, l.decrypt}) {
            auto r = fdes.find(fn);
            ASSERT_TRUE(r) << l.provider << " " << std::hex << fn;
            EXPECT_EQ(r->start, fn) << l.provider << ": not an .eh_frame function start";
            all.insert(fn);
            auto seg = elf->load_segment_for(fn);
            ASSERT_NE(seg, nullptr);
            EXPECT_TRUE(seg->flags & PF_X);
        }
        // Measured live on both builds: Single len at +16 (ptr +8), Multiple
        // chunks at +0, range at +16..+24, the tag word at +0.
        ASSERT_TRUE(l.encrypt_msg) << joined(s);
        EXPECT_EQ(l.encrypt_msg->tag, 0u);
        EXPECT_EQ(l.encrypt_msg->single_len, 16u);
        EXPECT_EQ(l.encrypt_msg->start, 16u);
        EXPECT_EQ(l.encrypt_msg->end, 24u);
        EXPECT_EQ(elf->vaddr_to_offset(l.encrypt), l.encrypt_offset);
        EXPECT_EQ(elf->vaddr_to_offset(l.decrypt), l.decrypt_offset);
    }
    EXPECT_EQ(all.size(), 2 * s.layers.size()) << "distinct methods";

    for (const auto& m : measured) {
        if (std::string(m.version) != GetParam()) continue;
        bool seen = false;
        for (const auto& l : s.layers)
            seen |= l.provider == "aws_lc_rs" && l.encrypt == m.aws_encrypt &&
                    l.decrypt == m.aws_decrypt;
        EXPECT_TRUE(seen) << joined(s);
    }
}

INSTANTIATE_TEST_SUITE_P(versions, codex_build, ::testing::Values("0.167.2", "0.171.0"),
                         [](const auto& info) {
                             std::string s = info.param;
                             for (char& c : s) c = c == '.' ? '_' : c;
                             return "v" + s;
                         });

// The same steps succeed in both builds: same providers, and the evidence
// lines (with addresses removed) match, so nothing version-specific was used.
TEST(codex_binary_versions, same_method_finds_both) {
    std::vector<std::set<std::pair<std::string, uint64_t>>> kinds;
    for (const char* v : {"0.167.2", "0.171.0"}) {
        std::string path = codex_binary(v);
        REQUIRE_AGENT_BINARY(path);
        auto s = scan(path);
        std::set<std::pair<std::string, uint64_t>> k;
        for (const auto& l : s.layers) k.emplace(l.provider, l.struct_size);
        kinds.push_back(k);
    }
    EXPECT_EQ(kinds[0], kinds[1]);
    std::set<std::string> providers;
    for (const auto& [p, size] : kinds[0]) providers.insert(p);
    EXPECT_TRUE(providers.count("aws_lc_rs"));
}

// A binary without rustls (node: OpenSSL, symbols) yields no record layer and
// says why, rather than a guess.
TEST(rustls_discovery, no_rustls_no_answer) {
    const std::string node = "/usr/bin/node";
    REQUIRE_SYSTEM_FILE(node);
    auto s = scan(node);
    EXPECT_FALSE(s.marker_found);
    EXPECT_TRUE(s.layers.empty());
    EXPECT_FALSE(s.evidence.empty());
}

}  // namespace
}  // namespace agentsight::tls
