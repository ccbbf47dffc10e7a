#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <string>
#include <thread>

#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/sandbox.h"

namespace agentsight::cli {
namespace {

// Runs `body` in a forked child after `setup`; returns the raw wait status.
template <typename Setup, typename Body>
int in_child(Setup setup, Body body) {
    pid_t pid = fork();
    if (pid == 0) {
        if (!setup()) _exit(90);
        _exit(body());
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return st;
}

bool killed_by_sigsys(int st) {
    return WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS;
}

TEST(seccomp_filter, exec_and_fork_kill_the_process) {
    auto filter = [] { return install_seccomp_filter().ok(); };
    EXPECT_TRUE(killed_by_sigsys(in_child(filter, [] {
        execl("/bin/true", "true", nullptr);
        return 1;
    })));
    EXPECT_TRUE(killed_by_sigsys(in_child(filter, [] { return fork() >= 0 ? 2 : 3; })));
    EXPECT_TRUE(killed_by_sigsys(in_child(filter, [] { return unshare(0) == 0 ? 2 : 3; })));
}

TEST(seccomp_filter, threads_files_and_sockets_still_work) {
    int st = in_child([] { return install_seccomp_filter().ok(); },
                      [] {
                          int v = 0;
                          std::thread t([&] { v = 7; });
                          t.join();
                          std::ofstream("/dev/null") << "x";
                          int s = socket(AF_INET, SOCK_STREAM, 0);
                          if (s < 0) return 4;
                          close(s);
                          return v == 7 ? 0 : 5;
                      });
    ASSERT_TRUE(WIFEXITED(st)) << st;
    EXPECT_EQ(WEXITSTATUS(st), 0);
}

std::string status_field(const std::string& name) {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind(name + ":", 0) == 0) return line.substr(name.size() + 2);
    return {};
}

TEST(sandbox, root_becomes_the_user_with_no_capabilities) {
    if (geteuid() != 0) {
        // CI runs as root, so there a skip would hide a broken set-up.
        if (const char* ci = getenv("CI"); ci && std::string(ci) == "true")
            FAIL() << "CI=true but not root";
        GTEST_SKIP() << "switching users needs root";
    }
    auto user = lookup_user("nobody");
    ASSERT_TRUE(user) << user.message();
    int st = in_child([&] { return enter_sandbox(*user).ok(); },
                      [&] {
                          for (const char* cap : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"})
                              if (status_field(cap) != "0000000000000000") return 10;
                          if (status_field("NoNewPrivs") != "1") return 11;
                          if (status_field("Seccomp") != "2") return 12;
                          if (getuid() != user->uid || geteuid() != user->uid) return 13;
                          if (getgid() != user->gid || getgroups(0, nullptr) != 0) return 14;
                          return 0;
                      });
    ASSERT_TRUE(WIFEXITED(st)) << st;
    EXPECT_EQ(WEXITSTATUS(st), 0);
}

TEST(sandbox, an_unknown_user_is_a_one_line_error) {
    auto u = lookup_user("no-such-user-agentsight");
    ASSERT_FALSE(u);
    EXPECT_EQ(u.message(), "--user no-such-user-agentsight: no such user");
}

}  // namespace
}  // namespace agentsight::cli
