// SPDX-License-Identifier: Apache-2.0
// Who `-- CMD` runs as: the choice (app/run_as) and the switch in the held
// child (sources/targeting).
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "app/run_as.h"
#include "sources/targeting.h"

namespace agentsight::cli {
namespace {

#define REQUIRE_ROOT_FOR_RUN_AS()                                               \
    do {                                                                        \
        if (geteuid() != 0) {                                                   \
            if (const char* ci = getenv("CI"); ci && std::string(ci) == "true") \
                FAIL() << "CI=true but not root";                               \
            GTEST_SKIP() << "switching users needs root";                       \
        }                                                                       \
    } while (0)

// Sets SUDO_UID/SUDO_GID for one test, as sudo would.
struct simulated_sudo {
    simulated_sudo(const char* uid, const char* gid) {
        setenv("SUDO_UID", uid, 1);
        setenv("SUDO_GID", gid, 1);
    }
    ~simulated_sudo() {
        unsetenv("SUDO_UID");
        unsetenv("SUDO_GID");
    }
};

TEST(choose_run_as, under_sudo_the_invoking_user_is_the_default) {
    REQUIRE_ROOT_FOR_RUN_AS();
    simulated_sudo sudo("65534", "65534");
    auto c = choose_run_as("");
    ASSERT_TRUE(c) << c.message();
    ASSERT_TRUE(c->identity);
    EXPECT_EQ(c->identity->uid, 65534u);
    EXPECT_EQ(c->identity->gid, 65534u);
    EXPECT_EQ(c->identity->name, "nobody");
    EXPECT_EQ(c->identity->home, "/nonexistent");
    EXPECT_NE(std::find(c->identity->groups.begin(), c->identity->groups.end(), 65534u),
              c->identity->groups.end());
    EXPECT_EQ(c->warning, "");
}

TEST(choose_run_as, plain_root_keeps_root_quietly) {
    REQUIRE_ROOT_FOR_RUN_AS();
    unsetenv("SUDO_UID");
    auto c = choose_run_as("");
    ASSERT_TRUE(c) << c.message();
    EXPECT_FALSE(c->identity);
    EXPECT_EQ(c->warning, "");
}

TEST(choose_run_as, root_by_name_or_uid_keeps_root_with_a_warning) {
    REQUIRE_ROOT_FOR_RUN_AS();
    simulated_sudo sudo("65534", "65534");
    for (const char* flag : {"root", "0"}) {
        auto c = choose_run_as(flag);
        ASSERT_TRUE(c) << c.message();
        EXPECT_FALSE(c->identity) << flag;
        EXPECT_EQ(c->warning.rfind(
                      "warning: --run-as " + std::string(flag) + ": the command runs as root", 0),
                  0u)
            << c->warning;
    }
}

TEST(choose_run_as, a_user_by_name_or_uid) {
    REQUIRE_ROOT_FOR_RUN_AS();
    auto by_name = choose_run_as("nobody");
    ASSERT_TRUE(by_name && by_name->identity);
    EXPECT_EQ(by_name->identity->uid, 65534u);
    auto by_uid = choose_run_as("1");
    ASSERT_TRUE(by_uid && by_uid->identity);
    EXPECT_EQ(by_uid->identity->uid, 1u);
    auto unknown = choose_run_as("no-such-user-agentsight");
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.message(), "--run-as no-such-user-agentsight: no such user");
}

// The held child switches user before exec: uid, gid, groups and the
// environment that names the user, with root gone for good.
TEST(held_command, runs_as_the_given_identity) {
    REQUIRE_ROOT_FOR_RUN_AS();
    auto choice = choose_run_as("nobody");
    ASSERT_TRUE(choice && choice->identity);
    std::string out = "/tmp/agentsight-runas-" + std::to_string(getpid());
    std::ofstream(out) << "";
    std::filesystem::permissions(out, std::filesystem::perms::all);  // nobody writes it
    auto cmd = held_command::spawn(
        {"sh", "-c",
         "{ id -u; id -g; id -G; echo $HOME $USER $LOGNAME; grep CapEff /proc/self/status; } > " +
             out},
        choice->identity);
    ASSERT_TRUE(cmd) << cmd.message();
    cmd->release();
    int status = -1;
    for (int i = 0; i < 200 && (status = cmd->poll_exit()) < 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(status, 0);
    std::ifstream in(out);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    std::filesystem::remove(out);
    EXPECT_EQ(text, "65534\n65534\n65534\n/nonexistent nobody nobody\nCapEff:\t0000000000000000\n");
}

}  // namespace
}  // namespace agentsight::cli
