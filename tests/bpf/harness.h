// SPDX-License-Identifier: Apache-2.0
// Runs the real agentsight binary on real workloads and reads its JSON Lines.
#pragma once

#include <cstdlib>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "pipeline/event.h"

namespace agentsight::test {

struct run_result {
    int exit_code = -1;
    std::vector<json> events;
    std::string stderr_text;
};

// `agentsight ARGS` through the shell, stdout parsed as JSON Lines.
run_result run_agentsight(const std::string& args);
// Runs a shell command, returns its stdout.
std::string shell(const std::string& cmd);
std::vector<json> of_type(const std::vector<json>& events, const std::string& type);

// Root is needed; under CI=true its absence is a failure, never a skip.
#define REQUIRE_ROOT()                                                               \
    do {                                                                             \
        if (geteuid() != 0) {                                                        \
            if (const char* ci = std::getenv("CI"); ci && std::string(ci) == "true") \
                FAIL() << "bpf tests need root (CI=true: not skipping)";             \
            GTEST_SKIP() << "needs root";                                            \
        }                                                                            \
    } while (0)

}  // namespace agentsight::test
