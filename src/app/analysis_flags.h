// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace agentsight::cli {

// Which analysis stages a command runs, from its flags.
struct analysis_flags {
    bool analyze = false;  // HTTP/LLM analyzers and the correlator
    bool redact = true;    // for every command unless --no-redact
    std::string rules;     // --rules FILE: alert rules merged over the built-in ones
    std::string workdir;   // --workdir DIR: where the agent may write
};

}  // namespace agentsight::cli
