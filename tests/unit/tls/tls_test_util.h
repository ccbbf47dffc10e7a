// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the tls unit tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "tls/tls_discovery.h"

namespace agentsight::tls::test {

inline bool in_ci() {
    const char* ci = std::getenv("CI");
    return ci != nullptr && std::string(ci) == "true";
}

inline std::string claude_binary(const std::string& version) {
    // tests/data is <repo>/tests/data; the agents live in <repo>/build/agents.
    std::filesystem::path repo =
        std::filesystem::path(AGENTSIGHT_TEST_DATA).parent_path().parent_path();
    return (repo / "build" / "agents" / ("claude-" + version) / "node_modules" / "@anthropic-ai" /
            "claude-code" / "bin" / "claude.exe")
        .string();
}

inline std::string joined(const tls_discovery_result& r) {
    std::string s = r.path + (r.error.empty() ? "" : " error: " + r.error) + "\n";
    for (const auto& e : r.evidence) s += "  " + e + "\n";
    return s;
}

inline const tls_attach_point* point(const tls_discovery_result& r, const std::string& fn) {
    for (const auto& p : r.points)
        if (p.function == fn) return &p;
    return nullptr;
}

}  // namespace agentsight::tls::test

// A system file the test needs (libssl, node, gnutls, nspr): scripts/setup.sh
// --test installs them, so under CI their absence is a broken install step.
#define REQUIRE_SYSTEM_FILE(path)                                           \
    do {                                                                    \
        if (!std::filesystem::exists(path)) {                               \
            if (::agentsight::tls::test::in_ci())                           \
                FAIL() << path << " missing (run scripts/setup.sh --test)"; \
            GTEST_SKIP() << path << " not installed";                       \
        }                                                                   \
    } while (0)

// A Claude Code binary: the e2e setup fetches it, so in CI its absence is a
// broken install step and must fail.
#define REQUIRE_AGENT_BINARY(path)                                              \
    do {                                                                        \
        if (!std::filesystem::exists(path)) {                                   \
            if (::agentsight::tls::test::in_ci())                               \
                FAIL() << path << " missing (run scripts/fetch-agents.sh)";     \
            GTEST_SKIP() << path << " not installed (scripts/fetch-agents.sh)"; \
        }                                                                       \
    } while (0)
