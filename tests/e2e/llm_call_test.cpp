// SPDX-License-Identifier: Apache-2.0
// Issue 5: `agentsight record` on the real Claude Code 2.1.197 and Gemini CLI
// gives one llm_call per main model request, with the model, the user's
// prompt, the tool call, the tool result, the final text, the usage the mock
// sent and a time to first token. Issue 9: the canary API key never reaches
// the trace (JSON Lines or SQLite bytes) nor `agentsight export`.
#include <filesystem>
#include <set>

#include "e2e_harness.h"

namespace agentsight::test::e2e {
namespace {

namespace fs = std::filesystem;

struct agent_case {
    std::string name;      // test name suffix
    std::string provider;  // llm_call.provider
    std::string tool;      // the tool the mock asks for
    std::string tool_input;
    std::string canary;  // the API key the agent was given
};

const agent_case k_claude{"claude_2_1_197", "anthropic", "Bash",
                          R"({"command":"cat /etc/hostname","description":"Print hostname"})",
                          k_claude_key};
const agent_case k_gemini{"gemini", "gemini", "run_shell_command",
                          R"({"command":"cat /etc/hostname"})", k_gemini_key};

std::string hostname() {
    std::string h = read_file("/etc/hostname");
    while (!h.empty() && (h.back() == '\n' || h.back() == ' ')) h.pop_back();
    return h;
}

bool has_tool(const json& call, const std::string& tool) {
    const json& tools = call["request"]["tools"];
    return tools.is_array() && std::find(tools.begin(), tools.end(), tool) != tools.end();
}

struct recorded {
    cmd_result result;
    std::string trace_path;
    std::vector<json> requests;  // what the mock received
    mock_options mock;
};

recorded record_agent(const agent_case& a, const temp_dir& dir, const std::string& out_name,
                      const std::string& extra = "") {
    recorded r;
    std::string home = dir / "home";
    prepare_home(home, a.provider == "gemini");
    r.mock.tool_name = a.tool;
    r.mock.tool_input = a.tool_input;
    r.mock.final_text = "E2E final answer: the hostname is above.";
    mock_llm mock(dir / "requests.jsonl", r.mock);
    EXPECT_TRUE(mock.ok()) << read_file(dir / "requests.jsonl.stderr");
    if (!mock.ok()) return r;
    std::string cmd = a.provider == "gemini"
                          ? gemini_command(home, mock.url())
                          : claude_command(claude_bin("2.1.197"), home, mock.url());
    r.trace_path = dir / out_name;
    r.result = run("cd " + sq(home + "/w") + " && AGENTSIGHT_CACHE_DIR=" + sq(dir / "cache") +
                   " timeout -s INT 240 " + sq(agentsight_bin()) + " record -q -o " +
                   sq(r.trace_path) + " " + extra + " -- " + cmd);
    r.requests = mock.stop_and_read_requests();
    return r;
}

// The main requests: the ones that offer the agent's tools (auxiliary calls,
// e.g. Gemini's complexity classifier, offer none).
std::vector<json> main_calls(const std::vector<json>& events, const agent_case& a) {
    std::vector<json> out;
    for (const auto& e : of_type(events, "llm_call"))
        if (has_tool(e, a.tool)) out.push_back(e);
    std::sort(out.begin(), out.end(), [](const json& x, const json& y) {
        return x["ts"].get<long long>() < y["ts"].get<long long>();
    });
    return out;
}

void expect_llm_calls(const std::vector<json>& events, const recorded& r, const agent_case& a) {
    // Every LLM request the mock answered has its llm_call, and no more.
    size_t llm_requests = 0;
    std::vector<json> main_requests;
    for (const auto& q : r.requests) {
        std::string path = q.value("path", "");
        bool llm = path.find("/v1/messages") != std::string::npos ||
                   path.find(":generateContent") != std::string::npos ||
                   path.find(":streamGenerateContent") != std::string::npos;
        if (q.value("method", "") != "POST" || !llm) continue;
        ++llm_requests;
        json body = json::parse(q.value("body", ""), nullptr, false);
        if (body.is_object() && body.dump().find("\"" + a.tool + "\"") != std::string::npos)
            main_requests.push_back(q);
    }
    auto all = of_type(events, "llm_call");
    EXPECT_EQ(all.size(), llm_requests) << "one llm_call per LLM request the mock received";
    if (a.provider == "anthropic") {
        EXPECT_EQ(all.size(), 2u)
            << "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1: no auxiliary calls";
    }

    auto calls = main_calls(events, a);
    ASSERT_EQ(calls.size(), 2u) << "main llm_call events";
    ASSERT_EQ(main_requests.size(), 2u) << "main requests at the mock";

    // The model: Anthropic names it in the body, Gemini in the path.
    std::string model;
    if (a.provider == "anthropic") {
        model = json::parse(main_requests[0]["body"].get<std::string>())["model"];
    } else {
        std::string p = main_requests[0]["path"];
        size_t b = p.find("/models/") + 8;
        model = p.substr(b, p.find(':', b) - b);
    }
    ASSERT_FALSE(model.empty());

    for (const auto& c : calls) {
        SCOPED_TRACE(c.dump().substr(0, 400));
        EXPECT_EQ(c["provider"], a.provider);
        EXPECT_EQ(c["model"], model);
        EXPECT_EQ(c["status"], 200);
        EXPECT_EQ(c["stream"], true);
        EXPECT_EQ(c["incomplete"], false);
        EXPECT_EQ(c["error"], nullptr);
        EXPECT_NE(c["user_prompt"].get<std::string>().find(k_prompt), std::string::npos);
        EXPECT_EQ(c["usage"]["input_tokens"], r.mock.input_tokens);
        EXPECT_EQ(c["usage"]["output_tokens"], r.mock.output_tokens);
        ASSERT_TRUE(c["ttft_ms"].is_number()) << "ttft_ms: " << c["ttft_ms"];
        EXPECT_GT(c["ttft_ms"].get<double>(), 0.0);
        EXPECT_GE(c["duration_ms"].get<double>(), c["ttft_ms"].get<double>());
        EXPECT_FALSE(c.contains("capture_gap"));
    }

    // Turn 1: the model asks for the tool.
    const json& tc = calls[0]["response"]["tool_calls"];
    ASSERT_EQ(tc.size(), 1u) << calls[0]["response"];
    EXPECT_EQ(tc[0]["name"], a.tool);
    EXPECT_EQ(tc[0]["input"]["command"], "cat /etc/hostname");
    EXPECT_TRUE(calls[0]["tool_results"].empty());

    // Turn 2: the tool's output goes back, and the final text comes out.
    const json& tr = calls[1]["tool_results"];
    ASSERT_EQ(tr.size(), 1u) << calls[1]["tool_results"];
    EXPECT_NE(tr[0]["content"].get<std::string>().find(hostname()), std::string::npos) << tr[0];
    EXPECT_EQ(tr[0]["is_error"], false);
    if (a.provider == "anthropic") {
        EXPECT_EQ(tr[0]["tool_call_id"], tc[0]["id"]);
    }
    EXPECT_EQ(calls[1]["response"]["text"], r.mock.final_text);
    EXPECT_TRUE(calls[1]["response"]["tool_calls"].empty());

    // What the agent did: the tool ran `cat /etc/hostname`.
    bool cat_ran = false;
    for (const auto& e : of_type(events, "exec"))
        if (e["argv"] == json::array({"cat", "/etc/hostname"})) cat_ran = true;
    EXPECT_TRUE(cat_ran) << "no exec of `cat /etc/hostname` in the trace";

    if (a.provider == "gemini") {
        // Gemini CLI runs on the system node (its OpenSSL), unlike Claude's Bun.
        bool on_node = false;
        for (const auto& e : of_type(events, "exec"))
            if (e["pid"] == calls[0]["pid"] && e["filename"] == "/usr/bin/node") on_node = true;
        EXPECT_TRUE(on_node) << "llm_call pid " << calls[0]["pid"] << " is not /usr/bin/node";
        for (const auto& e : of_type(events, "tls")) EXPECT_EQ(e["lib"], "openssl");
    } else {
        for (const auto& e : of_type(events, "tls")) EXPECT_EQ(e["lib"], "boringssl");
    }

    auto ends = of_type(events, "session_end");
    ASSERT_EQ(ends.size(), 1u);
    EXPECT_EQ(ends[0]["stats"]["llm_calls"], all.size());
}

// Where the canary occurs in TEXT, with some context, or "".
std::string find_canary(const std::string& text, const std::string& canary) {
    size_t at = text.find(canary);
    if (at == std::string::npos) return "";
    size_t b = at > 120 ? at - 120 : 0;
    return "…" + text.substr(b, 120 + canary.size() + 40) + "…";
}

void jsonl_test(const agent_case& a) {
    REQUIRE_E2E_ROOT();
    std::string bin = a.provider == "gemini" ? gemini_bin() : claude_bin("2.1.197");
    REQUIRE_PREREQ(executable(bin), bin + " (run scripts/fetch-agents.sh)");
    if (a.provider == "gemini") REQUIRE_PREREQ(executable("/usr/bin/node"), "/usr/bin/node");
    temp_dir dir("llm-" + a.name);
    auto r = record_agent(a, dir, "trace.jsonl");
    ASSERT_EQ(r.result.exit_code, 0) << r.result.err << "\nstdout:\n" << r.result.out;
    EXPECT_NE(r.result.out.find(r.mock.final_text), std::string::npos)
        << "the agent did not print the final answer:\n"
        << r.result.out;
    auto events = read_jsonl(r.trace_path);
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.front()["type"], "session_start");
    expect_llm_calls(events, r, a);

    std::string bytes = read_file(r.trace_path);
    EXPECT_EQ(find_canary(bytes, a.canary), "") << "API key in " << r.trace_path;
}

void sqlite_test(const agent_case& a) {
    REQUIRE_E2E_ROOT();
    std::string bin = a.provider == "gemini" ? gemini_bin() : claude_bin("2.1.197");
    REQUIRE_PREREQ(executable(bin), bin + " (run scripts/fetch-agents.sh)");
    temp_dir dir("db-" + a.name);
    auto r = record_agent(a, dir, "trace.db");
    ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
    ASSERT_TRUE(fs::exists(r.trace_path));
    EXPECT_EQ(read_file(r.trace_path).substr(0, 16), std::string("SQLite format 3\0", 16));

    // Every byte of the database, and its WAL/journal if any were left.
    for (const std::string suffix : {"", "-wal", "-shm", "-journal"}) {
        std::string p = r.trace_path + suffix;
        if (!fs::exists(p)) continue;
        EXPECT_EQ(find_canary(read_file(p), a.canary), "") << "API key in " << p;
    }

    auto ex = run(sq(agentsight_bin()) + " export " + sq(r.trace_path) + " --format jsonl -o -");
    ASSERT_EQ(ex.exit_code, 0) << ex.err;
    EXPECT_EQ(find_canary(ex.out, a.canary), "") << "API key in `agentsight export` output";
    EXPECT_EQ(find_canary(ex.err, a.canary), "");

    // The export is the same trace: both main calls are there.
    std::vector<json> events;
    for (const auto& line : lines_of(ex.out)) events.push_back(json::parse(line));
    expect_llm_calls(events, r, a);
}

// docs/events.md: session_end is the last line of a `record` trace (events
// written after it fall outside the session: the OTLP export, for one, opens
// a second, implicit session for them).
TEST(record_session, claude_trace_ends_with_session_end) {
    REQUIRE_E2E_ROOT();
    REQUIRE_PREREQ(executable(claude_bin("2.1.197")),
                   claude_bin("2.1.197") + " (run scripts/fetch-agents.sh)");
    temp_dir dir("session");
    auto r = record_agent(k_claude, dir, "trace.jsonl");
    ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
    auto events = read_jsonl(r.trace_path);
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.front()["type"], "session_start");
    size_t end_at = events.size();
    for (size_t i = 0; i < events.size(); ++i)
        if (events[i]["type"] == "session_end") end_at = i;
    ASSERT_LT(end_at, events.size()) << "no session_end";
    std::string after;
    for (size_t i = end_at + 1; i < events.size(); ++i)
        after += events[i].dump().substr(0, 160) + "\n";
    EXPECT_EQ(end_at, events.size() - 1)
        << events.size() - 1 - end_at << " events after session_end:\n"
        << after;
}

// Issue 7: the report links the Bash call to the bash -> cat processes and the
// read of /etc/hostname, with nothing unexplained inside that tool's span.
TEST(report, claude_bash_call_is_linked_to_bash_cat_and_the_hostname_read) {
    REQUIRE_E2E_ROOT();
    REQUIRE_PREREQ(executable(claude_bin("2.1.197")),
                   claude_bin("2.1.197") + " (run scripts/fetch-agents.sh)");
    temp_dir dir("report");
    auto r = record_agent(k_claude, dir, "trace.jsonl");
    ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
    auto rep = run(sq(agentsight_bin()) + " report --json " + sq(r.trace_path));
    ASSERT_EQ(rep.exit_code, 0) << rep.err;
    json report = json::parse(rep.out);
    const json* bash = nullptr;
    for (const auto& t : report["tools"])
        if (t["tool_name"] == "Bash") bash = &t;
    ASSERT_NE(bash, nullptr) << report["tools"].dump().substr(0, 400);
    EXPECT_EQ((*bash)["status"], "linked");
    bool has_bash = false, has_cat = false;
    std::set<int> pids;
    for (const auto& p : (*bash)["processes"]) {
        pids.insert(p["pid"].get<int>());
        has_bash = has_bash || p["comm"] == "bash";
        has_cat = has_cat || p["argv"] == json::array({"cat", "/etc/hostname"});
    }
    EXPECT_TRUE(has_bash && has_cat) << (*bash)["processes"].dump();
    bool read_hostname = false;
    for (const auto& f : (*bash)["files"])
        read_hostname = read_hostname || (f["path"] == "/etc/hostname" && f["op"] == "read");
    EXPECT_TRUE(read_hostname) << (*bash)["files"].dump().substr(0, 600);
    for (const auto& a : report["alerts"]) {
        if (a["rule"] != "unexplained") continue;
        for (const auto& pid : a["pids"])
            EXPECT_EQ(pids.count(pid.get<int>()), 0u) << "unexplained inside the tool: " << a;
    }
}

// (Plain TESTs, not TEST_P: ctest names must not carry "# GetParam() = ...".)
TEST(llm_record, claude_2_1_197_jsonl_has_both_main_llm_calls_and_no_api_key) {
    jsonl_test(k_claude);
}
TEST(llm_record, gemini_jsonl_has_both_main_llm_calls_and_no_api_key) {
    jsonl_test(k_gemini);
}
TEST(llm_record, claude_2_1_197_sqlite_and_export_have_no_api_key) {
    sqlite_test(k_claude);
}
TEST(llm_record, gemini_sqlite_and_export_have_no_api_key) {
    sqlite_test(k_gemini);
}

}  // namespace
}  // namespace agentsight::test::e2e
