// SPDX-License-Identifier: Apache-2.0
#include <chrono>

#include <gtest/gtest.h>

#include "sources/targeting.h"

namespace agentsight {
namespace {

// The recording ends when its command does, not a poll interval later: await_exit
// returns once the command has exited, long before its timeout.
TEST(held_command, await_exit_returns_when_the_command_exits) {
    auto cmd = held_command::spawn({"sh", "-c", "exit 3"});
    ASSERT_TRUE(cmd) << cmd.message();
    cmd->release();
    const auto t0 = std::chrono::steady_clock::now();
    int status = -1;
    for (int i = 0; i < 10 && (status = cmd->poll_exit()) < 0; ++i) cmd->await_exit(60000);
    EXPECT_EQ(status, 3);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(30))
        << "await_exit waited for its timeout instead of the exit";
}

}  // namespace
}  // namespace agentsight
