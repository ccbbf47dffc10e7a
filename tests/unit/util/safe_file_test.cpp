// SPDX-License-Identifier: Apache-2.0
// safe_file: what root may write at a path someone else may have prepared.
#include "util/safe_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace agentsight {
namespace {

class safe_file_test : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string tmpl = (std::filesystem::temp_directory_path() / "safe-file-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string at(const std::string& name) const { return dir_ + "/" + name; }
    static std::string contents(const std::string& path) {
        std::ifstream in(path);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
    static void write(const std::string& path, const std::string& text) {
        std::ofstream(path) << text;
    }
    static mode_t mode_of(const std::string& path) {
        struct stat st {};
        ::lstat(path.c_str(), &st);
        return st.st_mode & 07777;
    }
    std::string dir_;
};

TEST_F(safe_file_test, new_file_is_0600_whatever_the_umask) {
    mode_t old = ::umask(0);
    auto fd = open_output_file(at("t.jsonl"), if_exists::truncate);
    ::umask(old);
    ASSERT_TRUE(fd) << fd.message();
    EXPECT_EQ(mode_of(at("t.jsonl")), 0600u);
    EXPECT_TRUE(is_file_at(fd->get(), at("t.jsonl")));
}

TEST_F(safe_file_test, symlink_is_refused_and_its_target_untouched) {
    write(at("victim"), "precious\n");
    std::filesystem::create_symlink(at("victim"), at("t.jsonl"));
    auto fd = open_output_file(at("t.jsonl"), if_exists::truncate);
    ASSERT_FALSE(fd);
    EXPECT_NE(fd.message().find("t.jsonl: is a symbolic link"), std::string::npos) << fd.message();
    EXPECT_EQ(contents(at("victim")), "precious\n");
    EXPECT_FALSE(create_new_output(at("t.jsonl")));
    EXPECT_EQ(contents(at("victim")), "precious\n");
}

TEST_F(safe_file_test, dangling_symlink_creates_nothing_at_its_target) {
    std::filesystem::create_symlink(at("new-victim"), at("t.jsonl"));
    EXPECT_FALSE(open_output_file(at("t.jsonl"), if_exists::truncate));
    EXPECT_FALSE(std::filesystem::exists(at("new-victim")));
}

TEST_F(safe_file_test, fifo_is_an_error_not_a_hang) {
    ASSERT_EQ(::mkfifo(at("t.jsonl").c_str(), 0666), 0);
    auto fd = open_output_file(at("t.jsonl"), if_exists::truncate);
    ASSERT_FALSE(fd);
    EXPECT_NE(fd.message().find("is a FIFO"), std::string::npos) << fd.message();
}

TEST_F(safe_file_test, directory_and_device_are_refused) {
    std::filesystem::create_directory(at("d"));
    auto d = open_output_file(at("d"), if_exists::truncate);
    ASSERT_FALSE(d);
    EXPECT_NE(d.message().find("is a directory"), std::string::npos) << d.message();
    auto dev = replaceable_output("/dev/null");
    ASSERT_FALSE(dev);
    EXPECT_NE(dev.message().find("is a device"), std::string::npos) << dev.message();
}

TEST_F(safe_file_test, the_null_device_discards_and_stays_as_it_is) {
    struct stat before {
    }, after{};
    ASSERT_EQ(::stat("/dev/null", &before), 0);
    auto fd = open_output_file("/dev/null", if_exists::truncate);
    ASSERT_TRUE(fd) << fd.message();
    EXPECT_EQ(::write(fd->get(), "x", 1), 1);
    ASSERT_EQ(::stat("/dev/null", &after), 0);
    EXPECT_TRUE(S_ISCHR(after.st_mode));
    EXPECT_EQ(after.st_mode, before.st_mode);
    EXPECT_EQ(after.st_uid, before.st_uid);
    // A symlink to it is still a symlink.
    std::filesystem::create_symlink("/dev/null", at("t.jsonl"));
    EXPECT_FALSE(open_output_file(at("t.jsonl"), if_exists::truncate));
}

TEST_F(safe_file_test, own_regular_file_is_replaced_by_a_private_one) {
    write(at("t.jsonl"), "old trace\n");
    ::chmod(at("t.jsonl").c_str(), 0644);
    // Someone who opened the old, world-readable trace keeps reading that one.
    std::ifstream earlier_reader(at("t.jsonl"));
    auto fd = open_output_file(at("t.jsonl"), if_exists::truncate);
    ASSERT_TRUE(fd) << fd.message();
    EXPECT_EQ(contents(at("t.jsonl")), "");
    EXPECT_EQ(mode_of(at("t.jsonl")), 0600u);
    ASSERT_EQ(::write(fd->get(), "new\n", 4), 4);
    EXPECT_EQ(contents(at("t.jsonl")), "new\n");
    std::stringstream seen;
    seen << earlier_reader.rdbuf();
    EXPECT_EQ(seen.str(), "old trace\n");
}

TEST_F(safe_file_test, keeping_an_existing_file_tightens_it_without_emptying_it) {
    write(at("t.db"), "committed\n");
    ::chmod(at("t.db").c_str(), 0644);
    auto fd = open_output_file(at("t.db"), if_exists::keep);
    ASSERT_TRUE(fd) << fd.message();
    EXPECT_EQ(contents(at("t.db")), "committed\n");
    EXPECT_EQ(mode_of(at("t.db")), 0600u);
}

TEST_F(safe_file_test, existing_file_is_kept_when_replacing_is_not_asked) {
    write(at("t.jsonl"), "old trace\n");
    auto fd = open_output_file(at("t.jsonl"), if_exists::refuse);
    ASSERT_FALSE(fd);
    EXPECT_NE(fd.message().find("already exists"), std::string::npos) << fd.message();
    EXPECT_EQ(contents(at("t.jsonl")), "old trace\n");
}

TEST_F(safe_file_test, hard_link_is_refused) {
    write(at("victim"), "precious\n");
    ASSERT_EQ(::link(at("victim").c_str(), at("t.jsonl").c_str()), 0);
    auto fd = open_output_file(at("t.jsonl"), if_exists::truncate);
    ASSERT_FALSE(fd);
    EXPECT_NE(fd.message().find("hard links"), std::string::npos) << fd.message();
    EXPECT_EQ(contents(at("victim")), "precious\n");
}

TEST_F(safe_file_test, another_users_file_is_refused) {
    if (::geteuid() != 0) GTEST_SKIP() << "chown to another user needs root";
    write(at("t.jsonl"), "theirs\n");
    ASSERT_EQ(::chown(at("t.jsonl").c_str(), 65534, 65534), 0);
    auto fd = open_output_file(at("t.jsonl"), if_exists::truncate);
    ASSERT_FALSE(fd);
    EXPECT_NE(fd.message().find("belongs to uid 65534"), std::string::npos) << fd.message();
    EXPECT_EQ(contents(at("t.jsonl")), "theirs\n");
}

TEST_F(safe_file_test, under_sudo_the_file_goes_to_the_invoking_user) {
    if (::geteuid() != 0) GTEST_SKIP() << "sudo_invoker() only applies to root";
    ::setenv("SUDO_UID", "65534", 1);
    ::setenv("SUDO_GID", "65533", 1);
    auto fd = open_output_file(at("t.jsonl"), if_exists::truncate);
    // Their own file is theirs to replace, too.
    auto again = open_output_file(at("t.jsonl"), if_exists::truncate);
    ::unsetenv("SUDO_UID");
    ::unsetenv("SUDO_GID");
    ASSERT_TRUE(fd) << fd.message();
    ASSERT_TRUE(again) << again.message();
    struct stat st {};
    ASSERT_EQ(::fstat(fd->get(), &st), 0);
    EXPECT_EQ(st.st_uid, 65534u);
    EXPECT_EQ(st.st_gid, 65533u);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(safe_file_test, is_file_at_notices_a_replaced_path) {
    auto fd = create_new_output(at("t.db"));
    ASSERT_TRUE(fd) << fd.message();
    ASSERT_EQ(::rename(at("t.db").c_str(), at("moved").c_str()), 0);
    write(at("t.db"), "planted");
    EXPECT_FALSE(is_file_at(fd->get(), at("t.db")));
    EXPECT_TRUE(is_file_at(fd->get(), at("moved")));
}

}  // namespace
}  // namespace agentsight
