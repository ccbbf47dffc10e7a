// SPDX-License-Identifier: Apache-2.0
// Runs a tool call's command the way coding agents do: /bin/sh -c in a child process, output
// captured. Going through fork/exec matters: the process tracer should see the agent's child.
#pragma once

#include <cstddef>
#include <string>

namespace agentsight::demo {

struct shell_result {
    int exit_code = -1;  // 128+N when killed by signal N
    std::string output;  // stdout and stderr, interleaved as written
    bool truncated = false;
};

shell_result run_shell_command(const std::string& command, size_t max_output = 64 * 1024);

}  // namespace agentsight::demo
