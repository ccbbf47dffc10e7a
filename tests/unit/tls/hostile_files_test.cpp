// SPDX-License-Identifier: Apache-2.0
// Issue 16, finding 3: files a traced process names are opened and searched
// by root. A FIFO or a symlink must be refused without blocking or following
// it, and a crafted ELF must not buy more than a bounded amount of work.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "tests/unit/tls/crafted_elf.h"
#include "tests/unit/tls/tls_test_util.h"
#include "tls/target_file.h"
#include "tls/tls_discovery.h"

namespace agentsight::tls {
namespace {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

class hostile_files : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::path(::testing::TempDir()) /
               ("agentsight-hostile-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string at(const std::string& name) const { return (dir_ / name).string(); }
    fs::path dir_;
};

// Runs `fn` on a thread of its own and gives up after `limit`: a call that
// blocks forever (the bug) fails the test instead of hanging it.
template <typename Fn>
auto within(std::chrono::milliseconds limit, Fn fn) {
    auto task = std::make_shared<std::packaged_task<decltype(fn())()>>(std::move(fn));
    auto result = task->get_future();
    std::thread([task] { (*task)(); }).detach();
    bool ready = result.wait_for(limit) == std::future_status::ready;
    EXPECT_TRUE(ready) << "blocked for more than " << limit.count() << " ms";
    if (!ready) std::abort();  // the blocked thread holds the FIFO: nothing sane to return
    return result.get();
}

TEST_F(hostile_files, fifo_is_refused_without_blocking) {
    const std::string fifo = at("libssl.so.3");
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    auto opened = within(std::chrono::seconds(2), [&] { return open_target(fifo); });
    EXPECT_LT(opened.file.fd(), 0);
    EXPECT_EQ(opened.skipped, skip::not_regular);

    // The same file through discovery (the path form `tls --explain` uses).
    auto found = within(std::chrono::seconds(2), [&] { return discover_tls_functions(fifo); });
    EXPECT_TRUE(found.points.empty());
    EXPECT_NE(found.error.find("not a regular file"), std::string::npos) << found.error;
}

TEST_F(hostile_files, fifo_with_a_writer_is_refused_without_reading) {
    // A writer that never writes: a blocking read would wait forever.
    const std::string fifo = at("libssl.so.3");
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    int keep = ::open(fifo.c_str(), O_RDWR | O_NONBLOCK);
    ASSERT_GE(keep, 0);
    auto opened = within(std::chrono::seconds(2), [&] { return open_target(fifo); });
    EXPECT_EQ(opened.skipped, skip::not_regular);
    ::close(keep);
}

TEST_F(hostile_files, symlink_to_a_device_is_not_followed) {
    const std::string link = at("libssl.so.3");
    fs::create_symlink("/dev/zero", link);
    auto opened = within(std::chrono::seconds(2), [&] { return open_target(link); });
    EXPECT_LT(opened.file.fd(), 0);
    EXPECT_EQ(opened.skipped, skip::symlink);
    EXPECT_TRUE(S_ISLNK(opened.st.st_mode)) << "the refused object is the link itself";
}

TEST_F(hostile_files, symlink_planted_by_a_user_is_not_followed_in_the_process_root) {
    const std::string link = at("libssl.so.3");
    fs::create_symlink("/dev/zero", link);
    // Planted by an unprivileged agent (as root we make it so).
    if (::geteuid() == 0) {
        ASSERT_EQ(::lchown(link.c_str(), 65534, 65534), 0);
    }
    auto opened =
        within(std::chrono::seconds(2), [&] { return open_target_in_root(::getpid(), link); });
    EXPECT_LT(opened.file.fd(), 0);
    EXPECT_EQ(opened.skipped, skip::symlink);
}

TEST_F(hostile_files, root_owned_symlink_is_followed_but_only_to_a_regular_file) {
    // What a distribution ships: libgnutls.so.30 -> libgnutls.so.30.34.3, owned by root.
    const std::string lib = "/usr/lib/x86_64-linux-gnu/libgnutls.so.30";
    REQUIRE_SYSTEM_FILE(lib);
    ASSERT_TRUE(fs::is_symlink(lib)) << lib << " is expected to be the distribution's symlink";
    auto opened = open_target_in_root(::getpid(), lib);
    EXPECT_GE(opened.file.fd(), 0) << opened.error << opened.skipped;

    // A root-owned link to a device is followed, and the device still not opened.
    const std::string link = at("libssl.so.3");
    fs::create_symlink("/dev/zero", link);
    auto dev =
        within(std::chrono::seconds(2), [&] { return open_target_in_root(::getpid(), link); });
    EXPECT_LT(dev.file.fd(), 0);
    EXPECT_EQ(dev.skipped, ::geteuid() == 0 ? skip::not_regular : skip::symlink);
}

TEST_F(hostile_files, followed_symlink_to_a_device_is_still_not_read) {
    // `tls --explain PATH` follows a name the user typed, but a device stays unread.
    const std::string link = at("libssl.so.3");
    fs::create_symlink("/dev/zero", link);
    auto opened = within(std::chrono::seconds(2), [&] { return open_target(link, true); });
    EXPECT_LT(opened.file.fd(), 0);
    EXPECT_EQ(opened.skipped, skip::not_regular);
}

TEST_F(hostile_files, symlinked_directories_on_the_way_are_followed) {
    // /proc/PID/root is such a link: only the last component is refused.
    fs::create_directories(dir_ / "real");
    test::write_file(at("real/libssl.so.3"), test::crafted_elf({}));
    fs::create_directory_symlink(dir_ / "real", dir_ / "root");
    auto opened = open_target(at("root/libssl.so.3"));
    EXPECT_GE(opened.file.fd(), 0) << opened.error << opened.skipped;
    EXPECT_TRUE(S_ISREG(opened.file.stat().st_mode));
    auto via_proc = open_target("/proc/self/root" + at("real/libssl.so.3"));
    EXPECT_GE(via_proc.file.fd(), 0) << via_proc.error << via_proc.skipped;
}

TEST_F(hostile_files, regular_file_is_opened_read_only_and_non_blocking) {
    test::write_file(at("libssl.so.3"), test::crafted_elf({}));
    auto opened = open_target(at("libssl.so.3"));
    ASSERT_GE(opened.file.fd(), 0) << opened.error;
    int flags = ::fcntl(opened.file.fd(), F_GETFL);
    EXPECT_EQ(flags & O_ACCMODE, O_RDONLY);
    EXPECT_TRUE(flags & O_NONBLOCK);
    EXPECT_TRUE(::fcntl(opened.file.fd(), F_GETFD) & FD_CLOEXEC);
}

TEST_F(hostile_files, oversized_marker_elf_is_cut_short_within_two_seconds) {
    const std::string path = at("libssl.so.3");
    test::write_file(path, test::many_markers_elf(160000));
    auto opened = open_target(path);
    ASSERT_GE(opened.file.fd(), 0) << opened.error;
    auto start = clock_type::now();
    auto found = discover_tls_functions(opened.file, path);
    auto took = clock_type::now() - start;
    EXPECT_LT(took, std::chrono::seconds(2)) << test::joined(found);
    EXPECT_TRUE(found.points.empty());
    EXPECT_EQ(found.skipped, skip::budget) << test::joined(found);
}

TEST_F(hostile_files, a_million_references_are_cut_short_within_two_seconds) {
    const std::string path = at("claude.exe");
    test::write_file(path, test::many_references_elf(1000000));
    auto start = clock_type::now();
    auto found = discover_tls_functions(path);
    auto took = clock_type::now() - start;
    EXPECT_LT(took, std::chrono::seconds(2)) << test::joined(found);
    EXPECT_TRUE(found.points.empty());
    EXPECT_EQ(found.skipped, skip::budget) << test::joined(found);
}

TEST_F(hostile_files, the_time_budget_and_cancel_stop_a_search) {
    const std::string path = at("claude.exe");
    test::write_file(path, test::many_references_elf(1000));
    discovery_options no_time;
    no_time.time_budget = std::chrono::milliseconds(0);
    EXPECT_EQ(discover_tls_functions(path, no_time).skipped, skip::budget);

    std::atomic<bool> cancel{true};
    discovery_options cancelled;
    cancelled.cancel = &cancel;
    EXPECT_EQ(discover_tls_functions(path, cancelled).skipped, skip::budget);

    // Within budget, the same file is simply not TLS: no skip.
    auto normal = discover_tls_functions(path);
    EXPECT_TRUE(normal.skipped.empty()) << test::joined(normal);
}

}  // namespace
}  // namespace agentsight::tls
