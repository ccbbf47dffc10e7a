// SPDX-License-Identifier: Apache-2.0
// One function per subcommand; each registers its flags on `app` and
// returns the callback that runs it after parsing.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace agentsight::cli {

using command_fn = std::function<int()>;

command_fn add_process_command(CLI::App& app);
command_fn add_tls_command(CLI::App& app);
command_fn add_record_command(CLI::App& app);
command_fn add_analyze_command(CLI::App& app);
command_fn add_demo_command(CLI::App& app);
command_fn add_export_command(CLI::App& app);
command_fn add_serve_command(CLI::App& app);
command_fn add_mock_llm_command(CLI::App& app);
command_fn add_demo_agent_command(CLI::App& app);
command_fn add_report_command(CLI::App& app);

int explain_tls(const std::string& path);

}  // namespace agentsight::cli
