// SPDX-License-Identifier: Apache-2.0
// sqlite_files: the trace and its sidecars, as root may create them next to
// files someone else planted.
#include "outputs/trace/sqlite_files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "outputs/trace/sqlite_sink.h"
#include "tests/support/synthetic_session.h"
#include "tests/support/temp_dir.h"

namespace agentsight {
namespace {

using test::read_file;
using test::temp_dir;
using test::write_file;
namespace fs = std::filesystem;

mode_t mode_of(const std::string& path) {
    struct stat st {};
    ::lstat(path.c_str(), &st);
    return st.st_mode & 07777;
}

TEST(sqlite_files, a_planted_sidecar_symlink_is_refused_before_anything_changes) {
    for (const std::string suffix : {"-wal", "-shm", "-journal"}) {
        SCOPED_TRACE(suffix);
        temp_dir dir;
        const auto path = dir.file("trace.db");
        write_file(dir.file("victim"), "precious");
        write_file(path, "");
        fs::create_symlink(dir.file("victim"), path + suffix);
        auto s = sqlite_sink::open(path, {.overwrite = true});
        ASSERT_FALSE(s.ok());
        EXPECT_EQ(s.message(), path + suffix +
                                   ": is a symbolic link; agentsight does not write "
                                   "through one");
        EXPECT_EQ(read_file(dir.file("victim")), "precious");
        EXPECT_TRUE(fs::exists(path)) << "refused, so nothing was removed";
    }
}

TEST(sqlite_files, a_planted_trace_symlink_is_refused) {
    temp_dir dir;
    write_file(dir.file("victim"), "precious");
    fs::create_symlink(dir.file("victim"), dir.file("trace.db"));
    for (bool overwrite : {true, false}) {
        auto s = sqlite_sink::open(dir.file("trace.db"), {.overwrite = overwrite});
        ASSERT_FALSE(s.ok());
        EXPECT_NE(s.message().find("is a symbolic link"), std::string::npos) << s.message();
    }
    EXPECT_EQ(read_file(dir.file("victim")), "precious");
}

TEST(sqlite_files, a_new_trace_and_its_sidecars_are_private_whatever_the_umask) {
    temp_dir dir;
    const auto path = dir.file("trace.db");
    mode_t old = ::umask(0);
    auto s = sqlite_sink::open(path, {.overwrite = true});
    ::umask(old);
    ASSERT_TRUE(s.ok()) << s.message();
    for (const auto& e : test::synthetic_session()) (*s)->write(e);
    (*s)->flush();
    for (const std::string suffix : {"", "-wal", "-shm"}) {
        SCOPED_TRACE(suffix);
        ASSERT_TRUE(fs::exists(path + suffix));
        EXPECT_EQ(mode_of(path + suffix), 0600u);
    }
    EXPECT_FALSE(fs::exists(path + "-journal")) << "WAL from the first write";
    (*s)->close();
}

TEST(sqlite_files, overwriting_drops_a_stale_wal_and_appending_keeps_it_private) {
    temp_dir dir;
    const auto path = dir.file("trace.db");
    {
        auto s = sqlite_sink::open(path, {.overwrite = true});
        ASSERT_TRUE(s.ok()) << s.message();
        (*s)->close();
    }
    write_file(path + "-wal", "");
    ::chmod((path + "-wal").c_str(), 0644);
    {
        auto s = sqlite_sink::open(path, {.overwrite = false});
        ASSERT_TRUE(s.ok()) << s.message();
        EXPECT_EQ(mode_of(path + "-wal"), 0600u);
        (*s)->close();
    }
    write_file(path + "-shm", "stale index");
    auto s = sqlite_sink::open(path, {.overwrite = true});
    ASSERT_TRUE(s.ok()) << s.message();
    (*s)->close();
}

TEST(sqlite_files, a_symlinked_directory_is_still_a_place_to_write) {
    temp_dir dir;
    fs::create_directory(dir.file("real"));
    fs::create_directory_symlink(dir.file("real"), dir.file("link"));
    auto s = sqlite_sink::open(dir.file("link/trace.db"), {.overwrite = true});
    ASSERT_TRUE(s.ok()) << s.message();
    (*s)->close();
    EXPECT_TRUE(fs::exists(dir.file("real/trace.db")));
}

TEST(sqlite_files, closing_leaves_an_empty_wal_that_the_tidy_up_removes_unopened) {
    temp_dir dir;
    const auto path = dir.file("trace.db");
    auto s = sqlite_sink::open(path, {.overwrite = true});
    ASSERT_TRUE(s.ok()) << s.message();
    for (const auto& e : test::synthetic_session()) (*s)->write(e);
    (*s)->close();
    // What an unprivileged writer that may not unlink leaves: an emptied WAL.
    write_file(path + "-wal", "");
    write_file(path + "-shm", "index");
    remove_empty_sqlite_sidecars(path);
    EXPECT_FALSE(fs::exists(path + "-wal"));
    EXPECT_FALSE(fs::exists(path + "-shm"));
}

TEST(sqlite_files, the_tidy_up_keeps_a_wal_that_still_holds_frames) {
    temp_dir dir;
    const auto path = dir.file("trace.db");
    write_file(path + "-wal", "frames");
    write_file(path + "-shm", "index");
    remove_empty_sqlite_sidecars(path);
    EXPECT_EQ(read_file(path + "-wal"), "frames");
    EXPECT_TRUE(fs::exists(path + "-shm"));
    // A symlink is not a WAL: neither it nor its target is touched.
    fs::remove(path + "-wal");
    write_file(dir.file("victim"), "");
    fs::create_symlink(dir.file("victim"), path + "-wal");
    remove_empty_sqlite_sidecars(path);
    EXPECT_TRUE(fs::is_symlink(path + "-wal"));
    EXPECT_TRUE(fs::exists(dir.file("victim")));
}

}  // namespace
}  // namespace agentsight
