// SPDX-License-Identifier: Apache-2.0
// Issue 19, the agent matrix: real agents from npm (scripts/fetch-agents.sh) and a Python
// urllib agent, each recorded by `agentsight record` against the mock LLM on a benign task
// (run `cat /etc/hostname`). Every row must give
//   - one complete llm_call per LLM request the mock answered (no capture_gap, the request
//     and the response decoded, the usage the mock sent);
//   - a tool_exec whose root (pids[0], processes[0]) is the process whose argv carries the
//     command, with its exit code 0;
//   - no warning or critical alert.
// Each row prints a "[matrix]" line with its figures (docs/e2e.md).
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <thread>

#include "agent_rows.h"

namespace agentsight::test::e2e {
namespace {

struct row_result {
    std::vector<json> events;
    std::vector<json> requests;  // what the mock received
    mock_options mock;
};

bool is_llm_request(const json& q) {
    std::string path = q.value("path", "");
    bool llm = (path.find("/v1/messages") != std::string::npos &&
                path.find("count_tokens") == std::string::npos) ||
               path.find("/chat/completions") != std::string::npos ||
               path.find(":generateContent") != std::string::npos ||
               path.find(":streamGenerateContent") != std::string::npos;
    return q.value("method", "") == "POST" && llm;
}

size_t llm_requests(const std::vector<json>& requests) {
    return static_cast<size_t>(std::count_if(requests.begin(), requests.end(), is_llm_request));
}

// Whole: nothing lost, the request and the response decoded, the mock's usage.
bool complete(const json& c, const mock_options& m, std::string& why) {
    const json req = c.value("request", json::object());
    const json resp = c.value("response", json::object());
    const json usage = c.value("usage", json::object());
    if (c.value("capture_gap", false))
        why = "capture_gap";
    else if (c.value("incomplete", true))
        why = "incomplete";
    else if (c.value("status", json()) != 200)
        why = "status " + c.value("status", json()).dump();
    else if (!req.is_object() || req.value("messages", json::array()).empty())
        why = "no request messages";
    else if (!resp.is_object() ||
             (resp.value("text", "").empty() && resp.value("tool_calls", json::array()).empty()))
        why = "no response";
    else if (!usage.is_object() || usage.value("input_tokens", json()) != m.input_tokens ||
             usage.value("output_tokens", json()) != m.output_tokens)
        why = "usage " + usage.dump();
    else
        return true;
    return false;
}

std::string joined(const json& argv) {
    std::string out;
    for (const auto& a : argv) out += (out.empty() ? "" : " ") + a.get<std::string>();
    return out;
}

struct figures {
    size_t complete = 0, total = 0;
    bool root_ok = false;
    std::map<std::string, size_t> alerts;  // by severity
};

// The checks every row shares; returns the row's figures.
figures expect_row(const std::string& name, const row_result& r, const std::string& tool,
                   size_t expected_tool_execs = 1) {
    figures f;
    auto calls = of_type(r.events, "llm_call");
    f.total = calls.size();
    EXPECT_EQ(calls.size(), llm_requests(r.requests)) << "one llm_call per LLM request";
    for (const auto& c : calls) {
        std::string why;
        if (complete(c, r.mock, why))
            ++f.complete;
        else
            ADD_FAILURE() << "incomplete llm_call (" << why << "): " << c.dump().substr(0, 500);
    }

    size_t roots = 0, execs = 0;
    for (const auto& t : of_type(r.events, "tool_exec")) {
        if (t["tool_name"] != tool) continue;
        ++execs;
        SCOPED_TRACE(t.dump().substr(0, 800));
        EXPECT_EQ(t["status"], "linked");
        if (t["processes"].empty()) {
            ADD_FAILURE() << "a tool_exec without processes";
            continue;
        }
        EXPECT_EQ(t["pids"][0], t["processes"][0]["pid"]);
        std::string argv = joined(t["processes"][0]["argv"]);
        bool ok = argv.find(k_tool_command) != std::string::npos && t["exit_code"] == 0;
        EXPECT_TRUE(ok) << "the root is not the process that ran the command: " << argv;
        roots += ok;
    }
    EXPECT_EQ(execs, expected_tool_execs) << "tool_exec events for " << tool;
    f.root_ok = execs == expected_tool_execs && roots == execs;

    for (const auto& a : of_type(r.events, "alert")) {
        std::string sev = a.value("severity", "");
        ++f.alerts[sev];
        EXPECT_TRUE(sev != "warning" && sev != "critical") << "alert on a benign task: " << a;
    }
    std::string alerts;
    for (const auto& [sev, n] : f.alerts) alerts += " " + sev + "=" + std::to_string(n);
    std::printf("[matrix] %s: llm_calls complete %zu/%zu, tool_exec root %s, alerts:%s\n",
                name.c_str(), f.complete, f.total, f.root_ok ? "ok" : "WRONG",
                alerts.empty() ? " none" : alerts.c_str());
    return f;
}

mock_options row_mock(const std::string& tool) {
    mock_options m;
    m.tool_name = tool;
    m.tool_input = json{{"command", k_tool_command}, {"description", "Print hostname"}}.dump();
    m.final_text = "Matrix final answer: the hostname is above.";
    return m;
}

void run_agent_row(const std::string& row_name) {
    REQUIRE_E2E_ROOT();
    const agent_row& row = agent_row_named(row_name);
    REQUIRE_PREREQ(executable(row.bin), row.bin + " (run scripts/fetch-agents.sh)");
    if (row.tls_lib == "openssl") REQUIRE_PREREQ(executable("/usr/bin/node"), "/usr/bin/node");
    temp_dir dir("matrix-" + row.name);
    std::string home = dir / "home";
    row_result r;
    r.mock = row_mock(row.tool);
    mock_llm mock(dir / "requests.jsonl", r.mock);
    ASSERT_TRUE(mock.ok()) << read_file(dir / "requests.jsonl.stderr");
    row.prepare(home, mock.url());
    std::string trace = dir / "trace.jsonl";
    auto res = run("cd " + sq(home + "/w") + " && AGENTSIGHT_CACHE_DIR=" + sq(dir / "cache") +
                   " timeout -s INT 180 " + sq(agentsight_bin()) + " record -q -o " + sq(trace) +
                   " -- " + row.command(home, mock.url()));
    r.requests = mock.stop_and_read_requests();
    ASSERT_EQ(res.exit_code, 0) << res.err << "\nstdout:\n" << res.out;
    EXPECT_NE(res.out.find(r.mock.final_text), std::string::npos) << res.out;
    r.events = read_jsonl(trace);

    expect_row(row.name, r, row.tool);
    // The main calls (those offering tools; not e.g. a title request) carry the typed prompt.
    for (const auto& c : of_type(r.events, "llm_call")) {
        if (!c["request"]["tools"].empty()) {
            EXPECT_EQ(c["user_prompt"], k_prompt) << c["path"];
        }
    }
    for (const auto& t : of_type(r.events, "tls")) EXPECT_EQ(t["lib"], row.tls_lib) << t["comm"];
    if (row.min_first_write > 0) {
        size_t biggest = 0;
        for (const auto& t : of_type(r.events, "tls"))
            if (t["direction"] == "write") biggest = std::max(biggest, t.value("len", size_t{0}));
        EXPECT_GT(biggest, row.min_first_write) << "no write that large: the row tests nothing";
    }
    std::printf("[matrix] %s: %.1f s\n", row.name.c_str(), res.seconds);
}

// The urllib agent: stdin carries the typed prompts; "ready" says it waits for the next one.
constexpr const char* k_follow_up = "and what is the hostname now";

std::vector<std::string> urllib_argv(const std::string& url) {
    return {"env", std::string("ANTHROPIC_API_KEY=") + k_claude_key, "python3", urllib_agent_path(),
            url};
}

// Types PROMPT and waits until the agent has answered it and waits for the next one.
bool type_prompt(child& agent, const std::string& prompt) {
    return agent.write_stdin(prompt + "\n") && !agent.wait_line("answer: ", 60000).empty() &&
           !agent.wait_line("ready", 10000).empty();
}

// The recorder's first line: session_start is queued before the capture starts and written
// only once capture::start returned, which attaches the TLS probes of a --pid synchronously.
bool wait_recording(const std::string& trace) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        if (read_file(trace).find("\"session_start\"") != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

std::vector<json> user_prompts(const std::vector<json>& events) {
    std::vector<json> out;
    for (const auto& c : of_type(events, "llm_call")) out.push_back(c["user_prompt"]);
    return out;
}

// Two typed prompts in one recorded session: each its own tool call and user_prompt.
TEST(agent_matrix, python_urllib_multi_turn) {
    REQUIRE_E2E_ROOT();
    REQUIRE_PREREQ(have_program("python3"), "python3");
    temp_dir dir("matrix-urllib");
    row_result r;
    r.mock = row_mock("Bash");
    r.mock.repeat_script = true;
    mock_llm mock(dir / "requests.jsonl", r.mock);
    ASSERT_TRUE(mock.ok()) << read_file(dir / "requests.jsonl.stderr");
    std::vector<std::string> argv = {agentsight_bin(),    "record", "-q", "-o",
                                     dir / "trace.jsonl", "--"};
    for (auto& a : urllib_argv(mock.url())) argv.push_back(a);
    auto t0 = std::chrono::steady_clock::now();
    child rec(argv, dir / "record.err", dir.path(), true);
    ASSERT_NE(rec.wait_line("ready", 30000), "") << read_file(dir / "record.err");
    ASSERT_TRUE(type_prompt(rec, k_prompt)) << read_file(dir / "record.err");
    ASSERT_TRUE(type_prompt(rec, k_follow_up)) << read_file(dir / "record.err");
    rec.close_stdin();
    int st = rec.wait(30000);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << read_file(dir / "record.err");
    r.requests = mock.stop_and_read_requests();
    r.events = read_jsonl(dir / "trace.jsonl");

    expect_row("python_urllib", r, "Bash", 2);
    EXPECT_EQ(user_prompts(r.events),
              (std::vector<json>{k_prompt, k_prompt, k_follow_up, k_follow_up}));
    std::printf("[matrix] python_urllib: %.1f s\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

// `record --pid` attached between two turns of a running agent captures the next turn whole,
// with the follow-up as its user_prompt.
TEST(agent_matrix, python_urllib_attach_between_turns) {
    REQUIRE_E2E_ROOT();
    REQUIRE_PREREQ(have_program("python3"), "python3");
    temp_dir dir("matrix-attach");
    row_result r;
    r.mock = row_mock("Bash");
    r.mock.repeat_script = true;
    mock_llm mock(dir / "requests.jsonl", r.mock);
    ASSERT_TRUE(mock.ok()) << read_file(dir / "requests.jsonl.stderr");
    auto t0 = std::chrono::steady_clock::now();
    child agent(urllib_argv(mock.url()), dir / "agent.err", dir.path(), true);
    ASSERT_NE(agent.wait_line("ready", 30000), "") << read_file(dir / "agent.err");
    ASSERT_TRUE(type_prompt(agent, k_prompt)) << read_file(dir / "agent.err");

    child rec({agentsight_bin(), "record", "-o", dir / "trace.jsonl", "--pid",
               std::to_string(agent.pid())},
              dir / "record.err");
    ASSERT_TRUE(wait_recording(dir / "trace.jsonl")) << read_file(dir / "record.err");
    ASSERT_TRUE(type_prompt(agent, k_follow_up)) << read_file(dir / "agent.err");
    agent.close_stdin();
    agent.wait(10000);
    int st = rec.wait(30000);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << read_file(dir / "record.err");
    auto requests = mock.stop_and_read_requests();
    r.events = read_jsonl(dir / "trace.jsonl");

    // The mock saw both turns; the recording holds the second one only.
    std::vector<json> llm;
    for (const auto& q : requests)
        if (is_llm_request(q)) llm.push_back(q);
    ASSERT_EQ(llm.size(), 4u);
    r.requests.assign(llm.begin() + 2, llm.end());
    expect_row("python_urllib_attach", r, "Bash", 1);
    EXPECT_EQ(user_prompts(r.events), (std::vector<json>{k_follow_up, k_follow_up}));
    std::printf("[matrix] python_urllib_attach: %.1f s\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

// (Plain TESTs, not TEST_P: ctest names must not carry "# GetParam() = ...".)
TEST(agent_matrix, claude_2_1_112_js_on_node) {
    run_agent_row("claude_2.1.112");
}
TEST(agent_matrix, claude_2_1_113_native_bun) {
    run_agent_row("claude_2.1.113");
}
TEST(agent_matrix, claude_2_1_337_native_bun) {
    run_agent_row("claude_2.1.337");
}
TEST(agent_matrix, opencode_bun) {
    run_agent_row("opencode");
}
TEST(agent_matrix, gemini_streaming) {
    run_agent_row("gemini");
}
TEST(agent_matrix, qwen_with_a_large_project_context) {
    run_agent_row("qwen");
}

}  // namespace
}  // namespace agentsight::test::e2e
