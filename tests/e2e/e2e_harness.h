// SPDX-License-Identifier: Apache-2.0
// End-to-end harness: real agents (Claude Code, Gemini CLI) recorded by the
// real agentsight binary against the local HTTPS mock LLM. Builds on
// tests/bpf/harness.h (shell(), of_type(), REQUIRE_ROOT()).
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness.h"
#include "tests/support/base64.h"
#include "tests/support/temp_dir.h"

namespace agentsight::test::e2e {

// tests/support, under the names the bpf and security suites use.
using test::read_file;
using test::temp_dir;

bool in_ci();

// A prerequisite that is not there: fail under CI=true, skip otherwise.
#define REQUIRE_PREREQ(cond, what)                                                    \
    do {                                                                              \
        if (!(cond)) {                                                                \
            if (::agentsight::test::e2e::in_ci())                                     \
                FAIL() << "missing prerequisite (CI=true: not skipping): " << (what); \
            GTEST_SKIP() << "missing prerequisite: " << (what);                       \
        }                                                                             \
    } while (0)

// Root is needed; under CI=true its absence fails (REQUIRE_ROOT from harness.h).
#define REQUIRE_E2E_ROOT() REQUIRE_ROOT()

std::string agentsight_bin();
std::string source_dir();
std::string build_dir();
std::string agents_dir();                            // $AGENTS_DIR or build/agents
std::string claude_bin(const std::string& version);  // "2.1.197", "2.1.113"
std::string gemini_bin();
bool executable(const std::string& path);
bool have_program(const std::string& name);  // on PATH

// Single-quote for /bin/sh.
std::string sq(const std::string& s);

std::vector<json> read_jsonl(const std::string& path);
std::string sha256_hex(const std::string& bytes);
// A tls event's plaintext as bytes (`data` is base64 when `binary` is true).
std::string tls_bytes(const json& e);
// 0 if the file is missing.
long long file_mtime_ns(const std::string& path);
long long now_ns();
std::vector<std::string> lines_of(const std::string& text);

struct cmd_result {
    int exit_code = -1;  // -1: killed by a signal (see signal)
    int signal = 0;
    std::string out, err;
    double seconds = 0;
};

// Runs `sh -c CMD` (stdout and stderr captured separately).
cmd_result run(const std::string& cmd);

// A child process started with fork/exec, its stdout on a pipe.
class child {
  public:
    child() = default;
    // stdin_pipe: the child's stdin is a pipe fed by write_stdin (else /dev/null).
    child(const std::vector<std::string>& argv, const std::string& stderr_file = "/dev/null",
          const std::string& cwd = "", bool stdin_pipe = false);
    ~child();
    child(const child&) = delete;
    child& operator=(const child&) = delete;
    pid_t pid() const { return pid_; }
    // Reads stdout until a line matching `contains` arrives; "" on timeout/EOF.
    std::string wait_line(const std::string& contains, int timeout_ms);
    void signal(int sig);
    bool write_stdin(const std::string& text);
    void close_stdin();
    // Waits for the exit (killing with SIGKILL after timeout_ms); returns the wait status.
    int wait(int timeout_ms);
    bool running();

  private:
    pid_t pid_ = -1;
    int out_fd_ = -1;
    int in_fd_ = -1;
    int status_ = -1;
    std::string buf_;
};

// `agentsight mock-llm`, started on a free port.
struct mock_options {
    std::string tool_name = "Bash";
    std::string tool_input = R"({"command":"cat /etc/hostname","description":"Print hostname"})";
    std::string final_text = "The hostname of this machine is shown above.";
    unsigned input_tokens = 321;
    unsigned output_tokens = 45;
    bool repeat_script = false;  // every user turn gets the tool call, then the final text
};

class mock_llm {
  public:
    mock_llm(const std::string& requests_out, const mock_options& o = {});
    ~mock_llm();
    const std::string& url() const { return url_; }
    bool ok() const { return !url_.empty(); }
    // SIGTERM; the mock then writes every request it received.
    std::vector<json> stop_and_read_requests();

  private:
    std::string requests_out_;
    std::unique_ptr<child> proc_;
    std::string url_;
    bool stopped_ = false;
};

// The agent's environment and command line (`env -i …`), as the recipes in
// docs/e2e.md. home/w is the agent's working directory.
inline constexpr const char* k_claude_key = "sk-ant-test-0123456789";
inline constexpr const char* k_gemini_key = "AIzaTest0123456789";
inline constexpr const char* k_prompt = "what is the hostname";

// `env -i PATH=… HOME=HOME`: the start of every agent's command line.
std::string base_env(const std::string& home);
std::string claude_command(const std::string& claude, const std::string& home,
                           const std::string& mock_url);
std::string gemini_command(const std::string& home, const std::string& mock_url);
// Creates home/w and, for Gemini, home/.gemini/settings.json.
void prepare_home(const std::string& home, bool gemini);

// Main (≥ 76 KB for Claude) POST requests the mock received.
std::vector<json> requests_with_path(const std::vector<json>& reqs, const std::string& path_part);

}  // namespace agentsight::test::e2e
