// SPDX-License-Identifier: Apache-2.0
#include <cerrno>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bpf/detach_holder.h"

namespace agentsight::bpf {
namespace {

// Whether reading `fd` sees EOF within `ms`: nobody else holds the pipe's write end.
bool eof_within(int fd, int ms) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, ms) != 1) return false;
    char c;
    return read(fd, &c, 1) == 0;
}

// A caller that reads our stdout or stderr to EOF (a shell's $(...), a test harness)
// must not wait for the holder: it keeps only BPF and perf-event descriptors.
TEST(detach_holder, keeps_no_pipe_of_ours_open) {
    int p[2];
    ASSERT_EQ(pipe(p), 0);  // not O_CLOEXEC: the holder does not exec, so that is no help
    detach_holder holder;
    ASSERT_GT(holder.pid(), 0);
    close(p[1]);
    EXPECT_TRUE(eof_within(p[0], 5000)) << "the holder kept the write end of our pipe";
    close(p[0]);
    holder.release();
    int st = 0;
    ASSERT_EQ(waitpid(holder.pid(), &st, 0), holder.pid());
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

// It lets go (and exits, dropping the last references) only once released.
TEST(detach_holder, waits_for_release_then_exits) {
    detach_holder holder;
    ASSERT_GT(holder.pid(), 0);
    usleep(100 * 1000);
    int st = 0;
    EXPECT_EQ(waitpid(holder.pid(), &st, WNOHANG), 0) << "it exited before release";
    holder.release();
    ASSERT_EQ(waitpid(holder.pid(), &st, 0), holder.pid());
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

}  // namespace
}  // namespace agentsight::bpf
