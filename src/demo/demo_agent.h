// SPDX-License-Identifier: Apache-2.0
// A tiny coding agent for `agentsight demo`: it asks an Anthropic-style endpoint (normally the
// mock) what to do, runs the bash tool call it gets, sends the result back and prints the
// answer. It links the system libssl, so the TLS uprobes on libssl.so.3 see its traffic, and
// runs the command as a child process, so the process tracer sees what the agent does.
#pragma once

#include <string>
#include <vector>

#include "demo/mock_types.h"

namespace agentsight::demo {

struct demo_agent_options {
    std::string base_url;
    std::string api_key;
    std::string prompt = "What OS is this machine running?";
    std::string model = "claude-sonnet-4-5";
};

// Returns the process exit code: 0 after printing the final answer on stdout, 1 on failure
// (the reason goes to stderr). Each command it runs is echoed to stderr as "$ command".
int run_demo_agent(const demo_agent_options& opts);

// The mock's script for the demo: one `bash` call reading /etc/os-release, then a summary.
std::vector<mock_script_step> demo_script();

}  // namespace agentsight::demo
