// SPDX-License-Identifier: Apache-2.0
// Real Claude Code and Gemini CLI complete a tool loop against the mock. This pins the recipe
// the e2e tests and `agentsight demo` rely on (env vars, flags, settings) to the installed
// agent versions. Needs scripts/fetch-agents.sh; without the agents the tests skip, except
// under CI=true, where a missing agent means a broken install step and fails.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "demo/shell_command.h"
#include "mock_test_util.h"

namespace agentsight::demo::test {
namespace {

namespace fs = std::filesystem;

fs::path agents_dir() {
    if (const char* dir = std::getenv("AGENTS_DIR")) return dir;
    return fs::path(AGENTSIGHT_TEST_DATA) / ".." / ".." / "build" / "agents";
}

bool in_ci() {
    const char* ci = std::getenv("CI");
    return ci != nullptr && std::string(ci) == "true";
}

#define REQUIRE_AGENT(path)                                                                  \
    do {                                                                                     \
        if (!fs::exists(path)) {                                                             \
            if (in_ci()) FAIL() << "agent missing under CI: " << (path);                     \
            GTEST_SKIP() << "agent not installed (run scripts/fetch-agents.sh): " << (path); \
        }                                                                                    \
    } while (0)

std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// A throwaway HOME, so the agents read no user config and leave nothing behind.
struct temp_home {
    fs::path path;
    temp_home() {
        std::string tmpl = (fs::temp_directory_path() / "agentsight-demo-XXXXXX").string();
        path = mkdtemp(tmpl.data());
        fs::create_directories(path / "work");
    }
    ~temp_home() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

// Runs the agent with exactly `env` (plus PATH, for node) in HOME/work; stdout only.
shell_result run_agent(const temp_home& home, const std::vector<std::string>& env,
                       const std::string& command) {
    std::string line = "cd " + quote((home.path / "work").string()) + " && env -i PATH=" +
                       quote(std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin") +
                       " HOME=" + quote(home.path.string());
    for (const auto& kv : env) line += " " + quote(kv);
    line += " timeout 60 " + command + " 2>" + quote((home.path / "stderr.log").string());
    return run_shell_command(line);
}

std::string log_of(const temp_home& home) {
    std::ifstream in(home.path / "stderr.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string hostname_output() {
    return run_shell_command("cat /etc/hostname").output;
}

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

const char* final_text = "The hostname is on the tool output.";

TEST(real_agents, claude_code_runs_bash_and_answers) {
    fs::path claude = agents_dir() / "claude-2.1.197" / "node_modules" / ".bin" / "claude";
    REQUIRE_AGENT(claude);
    mock_llm_options o;
    o.script = {{"", "Bash", {{"command", "cat /etc/hostname"}, {"description", "Print hostname"}}},
                {final_text, "", nullptr}};
    mock_llm_server server(o);
    server.start();
    temp_home home;
    shell_result r =
        run_agent(home,
                  {"ANTHROPIC_BASE_URL=" + server.base_url(),
                   "ANTHROPIC_API_KEY=sk-ant-test-0123456789", "NODE_TLS_REJECT_UNAUTHORIZED=0"},
                  quote(claude.string()) + " -p 'what is the hostname' --allowedTools Bash");
    ASSERT_EQ(r.exit_code, 0) << r.output << log_of(home);
    EXPECT_NE(r.output.find(final_text), std::string::npos) << r.output;
    EXPECT_EQ(server.script_steps_consumed(), 2u);  // the title side request did not count

    json last;
    for (const auto& req : server.requests())
        if (req.path.starts_with("/v1/messages")) last = json::parse(req.body);
    ASSERT_TRUE(last.contains("messages"));
    const json& messages = last["messages"];
    ASSERT_GE(messages.size(), 2u);
    const json& call = messages[messages.size() - 2]["content"].back();
    const json& result = messages.back()["content"][0];
    EXPECT_EQ(call["type"], "tool_use");
    EXPECT_TRUE(call["id"].get<std::string>().starts_with("toolu_mock_"));
    EXPECT_EQ(result["type"], "tool_result");
    EXPECT_EQ(result["tool_use_id"], call["id"]);
    EXPECT_EQ(trimmed(result["content"]), trimmed(hostname_output()));
}

TEST(real_agents, gemini_cli_runs_shell_and_answers) {
    fs::path gemini = agents_dir() / "gemini" / "node_modules" / ".bin" / "gemini";
    REQUIRE_AGENT(gemini);
    mock_llm_options o;
    o.script = {{"", "run_shell_command", {{"command", "cat /etc/hostname"}}},
                {final_text, "", nullptr}};
    mock_llm_server server(o);
    server.start();
    temp_home home;
    fs::create_directories(home.path / ".gemini");
    std::ofstream(home.path / ".gemini" / "settings.json")
        << R"({"security":{"auth":{"selectedType":"gemini-api-key"}}})";
    shell_result r = run_agent(
        home,
        {"GOOGLE_GEMINI_BASE_URL=" + server.base_url(), "GEMINI_API_KEY=AIzaTest0123456789",
         "GEMINI_CLI_TRUST_WORKSPACE=true", "NODE_TLS_REJECT_UNAUTHORIZED=0"},
        quote(gemini.string()) + " -p 'what is the hostname' --yolo");
    ASSERT_EQ(r.exit_code, 0) << r.output << log_of(home);
    EXPECT_NE(r.output.find(final_text), std::string::npos) << r.output;
    EXPECT_EQ(server.script_steps_consumed(), 2u);  // the routing side request did not count

    json last;
    for (const auto& req : server.requests())
        if (req.path.find(":streamGenerateContent") != std::string::npos)
            last = json::parse(req.body);
    ASSERT_TRUE(last.contains("contents"));
    const json& part = last["contents"].back()["parts"][0];
    ASSERT_TRUE(part.contains("functionResponse")) << part.dump();
    EXPECT_EQ(part["functionResponse"]["name"], "run_shell_command");
    EXPECT_NE(part["functionResponse"]["response"].dump().find(trimmed(hostname_output())),
              std::string::npos);
}

}  // namespace
}  // namespace agentsight::demo::test
