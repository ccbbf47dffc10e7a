// SPDX-License-Identifier: Apache-2.0
// The agent matrix (issue 19): one row per real agent, each with its TLS stack, how to
// configure and start it against the mock LLM, and the tool call the mock asks it to make.
// The checks are in agent_matrix_test.cpp; docs/e2e.md lists the rows.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "e2e_harness.h"

namespace agentsight::test::e2e {

struct agent_row {
    std::string name;      // test name suffix
    std::string bin;       // the agent's executable (a prerequisite)
    std::string provider;  // llm_call.provider of its main calls
    std::string tls_lib;   // tls.lib of its calls
    std::string tool;      // the shell tool the mock calls, with input `k_tool_command`
    // Writes config files under HOME (and HOME/w, its working directory).
    std::function<void(const std::string& home, const std::string& mock_url)> prepare;
    // The `env -i ...` command line.
    std::function<std::string(const std::string& home, const std::string& mock_url)> command;
    size_t min_first_write = 0;  // > 0: the main request must reach us as one write this big
};

inline constexpr const char* k_tool_command = "cat /etc/hostname";

// Claude Code (JS 2.1.112, native 2.1.113 and 2.1.337), opencode, Gemini CLI, Qwen Code.
const std::vector<agent_row>& agent_rows();
const agent_row& agent_row_named(const std::string& name);

// The interactive urllib agent (tests/e2e/agents/urllib_agent.py): `python3 PATH URL`.
std::string urllib_agent_path();

}  // namespace agentsight::test::e2e
