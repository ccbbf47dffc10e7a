// SPDX-License-Identifier: Apache-2.0
// Issue 16, finding 7: the TLS discovery cache decides where root puts
// uprobes in other processes. Each test plants what an attacker could and
// runs the real `agentsight tls --explain` on Claude Code 2.1.197, whose
// verified offsets (docs/tls-discovery.md) must come out unchanged.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "e2e_harness.h"
#include "harness.h"

namespace agentsight::test {
namespace {

namespace fs = std::filesystem;
using e2e::sq;

constexpr const char* k_version = "2.1.197";
// Verified with live uprobes (docs/tls-discovery.md section 4).
constexpr const char* k_ssl_write = "offset=0x320d3a0";
constexpr const char* k_ssl_read = "offset=0x320d010";

class discovery_cache_attack : public ::testing::Test {
  protected:
    void SetUp() override {
        REQUIRE_ROOT();
        REQUIRE_PREREQ(e2e::executable(claude()), claude() + " (run scripts/fetch-agents.sh)");
    }
    static std::string claude() { return e2e::claude_bin(k_version); }
    e2e::cmd_result explain(const std::string& cache_dir, const std::string& binary) {
        return e2e::run("AGENTSIGHT_CACHE_DIR=" + sq(cache_dir) + " " + sq(AGENTSIGHT_BIN) +
                        " tls --explain " + sq(binary));
    }
    static void expect_real_offsets(const e2e::cmd_result& r) {
        ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
        EXPECT_NE(r.out.find(k_ssl_write), std::string::npos) << r.out;
        EXPECT_NE(r.out.find(k_ssl_read), std::string::npos) << r.out;
    }
    // The one entry a first run stores in `dir`.
    static std::string only_entry(const std::string& dir) {
        std::vector<std::string> all;
        for (const auto& f : fs::directory_iterator(dir)) all.push_back(f.path().string());
        EXPECT_EQ(all.size(), 1u) << dir;
        return all.empty() ? "" : all[0];
    }
    e2e::temp_dir dir_{"cache-attack"};
};

TEST_F(discovery_cache_attack, user_owned_cache_directory_is_refused) {
    // What sudo -E with XDG_CACHE_HOME or HOME used to give: a directory the user owns.
    const std::string cache = dir_ / "user-cache";
    ASSERT_EQ(::mkdir(cache.c_str(), 0700), 0);
    ASSERT_EQ(::chown(cache.c_str(), 65534, 65534), 0);
    auto r = explain(cache, claude());
    expect_real_offsets(r);
    EXPECT_NE(r.out.find("refused cache directory"), std::string::npos) << r.out;
    EXPECT_TRUE(fs::is_empty(cache)) << "root wrote into a directory the user owns";
}

TEST_F(discovery_cache_attack, symlinked_cache_directory_is_refused) {
    const std::string real = dir_ / "real";
    ASSERT_EQ(::mkdir(real.c_str(), 0700), 0);
    fs::create_directory_symlink(real, dir_ / "link");
    auto r = explain(dir_ / "link", claude());
    expect_real_offsets(r);
    EXPECT_NE(r.out.find("refused cache directory"), std::string::npos) << r.out;
    EXPECT_TRUE(fs::is_empty(real)) << "the cache followed a symlink";
}

TEST_F(discovery_cache_attack, copied_build_id_does_not_share_an_entry) {
    // The attacker's binary: the real one plus a byte, so the same build-id.
    const std::string cache = dir_ / "cache";
    const std::string fake = dir_ / "claude.exe";
    fs::copy_file(claude(), fake);
    std::ofstream(fake, std::ios::app) << 'x';
    auto first = explain(cache, fake);
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
    const std::string planted = only_entry(cache);
    EXPECT_EQ(planted.find("2ba9a4dca997a53147167d7f967fdc840325054c"), std::string::npos)
        << "keyed by build-id: " << planted;
    // Its entry, rewritten to point SSL_write one byte into the function.
    std::string text = e2e::read_file(planted);
    auto at = text.find("52482976");  // 0x320d3a0
    ASSERT_NE(at, std::string::npos) << text;
    text.replace(at, 8, "52482977");
    std::ofstream(planted, std::ios::trunc) << text;

    auto real = explain(cache, claude());
    expect_real_offsets(real);
    EXPECT_EQ(real.out.find("cache hit"), std::string::npos) << real.out;
}

TEST_F(discovery_cache_attack, entry_with_a_mid_function_offset_is_rejected) {
    const std::string cache = dir_ / "cache";
    auto first = explain(cache, claude());
    expect_real_offsets(first);
    struct stat st {};
    ASSERT_EQ(::stat(cache.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0700u);
    EXPECT_EQ(st.st_uid, 0u);
    const std::string entry = only_entry(cache);
    ASSERT_EQ(::stat(entry.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);

    // A poisoned entry under the real key: SSL_write one byte into the function.
    std::string text = e2e::read_file(entry);
    auto at = text.find("52482976");
    ASSERT_NE(at, std::string::npos) << text;
    text.replace(at, 8, "52482977");
    std::ofstream(entry, std::ios::trunc) << text;

    auto r = explain(cache, claude());
    expect_real_offsets(r);
    EXPECT_EQ(r.out.find("offset=0x320d3a1"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("rejected entry"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("is not a function start"), std::string::npos) << r.out;
    // The miss stored the right answer again.
    EXPECT_NE(e2e::read_file(entry).find("52482976"), std::string::npos);
}

TEST_F(discovery_cache_attack, symlinked_entry_is_not_followed) {
    const std::string cache = dir_ / "cache";
    auto first = explain(cache, claude());
    expect_real_offsets(first);
    const std::string entry = only_entry(cache);
    const std::string elsewhere = dir_ / "elsewhere.json";
    fs::rename(entry, elsewhere);
    fs::create_symlink(elsewhere, entry);
    auto r = explain(cache, claude());
    expect_real_offsets(r);
    EXPECT_EQ(r.out.find("cache hit"), std::string::npos) << r.out;
    EXPECT_FALSE(fs::is_symlink(entry)) << "the rewrite went through the link";
}

}  // namespace
}  // namespace agentsight::test
