// SPDX-License-Identifier: Apache-2.0
#include "agent_rows.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace agentsight::test::e2e {
namespace {

namespace fs = std::filesystem;

void write_text(const std::string& path, const std::string& text) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << text;
}

void no_config(const std::string& home, const std::string&) {
    prepare_home(home, false);
}

// Claude Code: the JS build runs cli.js on the system node; the native builds are Bun
// executables. Newer builds ask before running Bash unless the permission mode says default.
agent_row claude_row(const std::string& version, const std::string& tls_lib) {
    return {"claude_" + version,
            claude_bin(version),
            "anthropic",
            tls_lib,
            "Bash",
            no_config,
            [version](const std::string& home, const std::string& url) {
                return claude_command(claude_bin(version), home, url) +
                       " --permission-mode default";
            }};
}

// opencode: a Bun executable; the provider's base URL comes from opencode.json, and the
// models.dev catalogue is not fetched (no network), its built-in snapshot is used. `cat
// /etc/hostname` reads outside the project: external_directory must be allowed. The prompt
// goes as separate words, as typed: opencode quotes an argument that has blanks.
agent_row opencode_row() {
    return {"opencode", agents_dir() + "/opencode/node_modules/.bin/opencode", "anthropic",
            "boringssl", "bash",
            [](const std::string& home, const std::string& url) {
                prepare_home(home, false);
                write_text(home + "/.config/opencode/opencode.json",
                           R"({"$schema":"https://opencode.ai/config.json",)"
                           R"("model":"anthropic/claude-sonnet-4-5","autoupdate":false,)"
                           R"("share":"disabled",)"
                           R"("permission":{"bash":"allow","external_directory":"allow"},)"
                           R"("provider":{"anthropic":{"options":{"baseURL":")" +
                               url + R"(/v1","apiKey":")" + k_claude_key + R"("}}}})" + "\n");
            },
            // Its plugin check asks the npm registry: here the mock, as the test has no network.
            [](const std::string& home, const std::string& url) {
                return base_env(home) + " " + sq("npm_config_registry=" + url) +
                       " NODE_TLS_REJECT_UNAUTHORIZED=0 OPENCODE_DISABLE_MODELS_FETCH=1"
                       " OPENCODE_DISABLE_AUTOUPDATE=1 OPENCODE_DISABLE_LSP_DOWNLOAD=1 " +
                       sq(agents_dir() + "/opencode/node_modules/.bin/opencode") + " run " +
                       k_prompt;
            }};
}

agent_row gemini_row() {
    return {"gemini",
            gemini_bin(),
            "gemini",
            "openssl",
            "run_shell_command",
            [](const std::string& home, const std::string&) { prepare_home(home, true); },
            [](const std::string& home, const std::string& url) {
                return gemini_command(home, url) + " -m gemini-2.5-flash";
            }};
}

// A project context file over 64 KiB: node sends it, with the head, in one SSL_write on a
// fresh connection (issue 19 bug 1).
std::string large_context() {
    std::string rule = "- Keep functions short and name them after what they do.\n";
    std::string text = "# Project rules\n";
    while (text.size() < 80 * 1024) text += rule;
    return text;
}

agent_row qwen_row() {
    std::string bin = agents_dir() + "/qwen/node_modules/.bin/qwen";
    return {"qwen",
            bin,
            "openai",
            "openssl",
            "run_shell_command",
            [](const std::string& home, const std::string&) {
                prepare_home(home, false);
                write_text(home + "/.qwen/settings.json",
                           R"({"privacy":{"usageStatisticsEnabled":false},)"
                           R"("telemetry":{"enabled":false}})"
                           "\n");
                write_text(home + "/w/QWEN.md", large_context());
            },
            [bin](const std::string& home, const std::string& url) {
                return base_env(home) + " " + sq("OPENAI_BASE_URL=" + url + "/v1") +
                       " OPENAI_API_KEY=sk-qwen-test-0123456789 OPENAI_MODEL=qwen3-coder-plus"
                       " NODE_TLS_REJECT_UNAUTHORIZED=0 " +
                       sq(bin) + " -p " + sq(k_prompt) + " --auth-type openai --yolo";
            },
            64 * 1024};
}

}  // namespace

const std::vector<agent_row>& agent_rows() {
    static const std::vector<agent_row> rows = {claude_row("2.1.112", "openssl"),
                                                claude_row("2.1.113", "boringssl"),
                                                claude_row("2.1.337", "boringssl"),
                                                opencode_row(),
                                                gemini_row(),
                                                qwen_row()};
    return rows;
}

const agent_row& agent_row_named(const std::string& name) {
    for (const auto& r : agent_rows())
        if (r.name == name) return r;
    throw std::out_of_range("no agent row " + name);
}

std::string urllib_agent_path() {
    return source_dir() + "/tests/e2e/agents/urllib_agent.py";
}

}  // namespace agentsight::test::e2e
