// SPDX-License-Identifier: Apache-2.0
// The executable files a `-- CMD` will run, found before the held command is released, so
// that their TLS probes are in place before its first instruction. Otherwise they are found
// only after the exec, asynchronously: a Bun agent (Claude Code 2.1.337) whose stripped
// BoringSSL takes ~1 s to search the first time sends its first request before that.
#pragma once

#include <string>
#include <vector>

namespace agentsight {

// The ELF file execvp would run for ARGV with PATH (`env [-i] [-u NAME] [NAME=VALUE]... PROG`
// is looked through, as the agent's usual wrapper), symlinks resolved; for a `#!` script, its
// interpreter instead (`#!/usr/bin/env node` looked up in the same PATH). Files that cannot
// be found are left out: the exec-time scan still covers them.
std::vector<std::string> command_programs(const std::vector<std::string>& argv, std::string path);

}  // namespace agentsight
