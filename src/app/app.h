// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace agentsight::cli {

// Parses the command line and runs one subcommand; returns the exit code.
int run(int argc, char** argv);

}  // namespace agentsight::cli
