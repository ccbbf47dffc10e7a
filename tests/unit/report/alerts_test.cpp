// SPDX-License-Identifier: Apache-2.0
// One test per alert rule of data/rules.json, on events built in place, plus the rules file
// itself: the compiled-in copy, merging a user file, and errors a person can act on.
#include <algorithm>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "analysis/correlate/correlate.h"
#include "report/report_pricing.h"
#include "tests/support/alert_test_support.h"

namespace agentsight::analyzers {
namespace {

TEST(alerts, sensitive_read_of_a_private_key_but_not_known_hosts) {
    run r;
    r.answer(T);  // after the first answer: the model could have asked for it
    r.push(open_file(T + 1 * ms, agent, "/home/dev/.ssh/id_ed25519"));
    r.push(open_file(T + 2 * ms, agent, "/home/dev/.ssh/known_hosts"));
    r.push(open_file(T + 3 * ms, agent, ".env"));  // relative: resolved against the workdir
    auto a = r.alerts("sensitive_read");
    ASSERT_EQ(a.size(), 2u);
    EXPECT_EQ(a[0]["severity"], "critical");
    EXPECT_NE(a[0]["message"].get<std::string>().find("/home/dev/.ssh/id_ed25519"),
              std::string::npos);
    EXPECT_NE(a[1]["message"].get<std::string>().find("/home/dev/proj/.env"), std::string::npos);
    EXPECT_EQ(a[0]["refs"][0]["type"], "file_open");
}

TEST(alerts, etc_shadow_is_sensitive) {
    run r;
    r.push(open_file(T + 1 * ms, agent, "/etc/shadow"));
    EXPECT_EQ(r.alerts("sensitive_read").size(), 1u);
}

TEST(alerts, writes_outside_the_working_directory) {
    run r;
    r.push(open_file(T + 1 * ms, agent, "/home/dev/proj/src/main.c", 577));
    r.push(open_file(T + 2 * ms, agent, "/tmp/scratch", 577));
    r.push(open_file(T + 3 * ms, agent, "/srv/data/job", 577));
    r.push(open_file(T + 4 * ms, agent, "/etc/passwd", 0));  // a read: not this rule
    auto rm = proc(process_event_type::file_unlink, T + 5 * ms, agent, 7000, "claude");
    rm.path = "../other/file";
    r.push(rm);
    auto a = r.alerts("write_outside_workdir");
    ASSERT_EQ(a.size(), 2u);
    EXPECT_NE(a[0]["message"].get<std::string>().find("/srv/data/job"), std::string::npos);
    EXPECT_NE(a[1]["message"].get<std::string>().find("unlink /home/dev/other/file"),
              std::string::npos);
}

TEST(alerts, no_workdir_no_write_verdict) {
    run r(default_rules(), "");
    r.push(open_file(T + 1 * ms, agent, "/etc/cron.d/job", 577));
    EXPECT_TRUE(r.alerts("write_outside_workdir").empty());
}

TEST(alerts, unknown_host_when_an_exchange_names_a_host_nobody_named) {
    run r;
    r.answer(T + 1 * ms);
    r.push(connect(T + 10 * ms, agent, "198.51.100.7", 443));
    tls_event hs;
    hs.ts_ns = T + 12 * ms;
    hs.pid = agent;
    hs.conn = "7100:bb";
    hs.direction = tls_direction::handshake;
    r.push(hs);
    r.push(derived({{"type", "http_exchange"},
                    {"ts", T + 13 * ms},
                    {"pid", agent},
                    {"conn", "7100:bb"},
                    {"host", "paste.evil.example"},
                    {"status", 200}}));
    // A sibling of the LLM API's domain is named by it.
    r.push(connect(T + 20 * ms, agent, "198.51.100.8", 443));
    hs.ts_ns = T + 21 * ms;
    hs.conn = "7100:cc";
    r.push(hs);
    r.push(derived({{"type", "http_exchange"},
                    {"ts", T + 22 * ms},
                    {"pid", agent},
                    {"conn", "7100:cc"},
                    {"host", "statsig.anthropic.com"},
                    {"status", 200}}));
    auto a = r.alerts("unknown_host");
    ASSERT_EQ(a.size(), 1u);
    EXPECT_NE(a[0]["message"].get<std::string>().find("paste.evil.example (198.51.100.7:443)"),
              std::string::npos);
}

TEST(alerts, loopback_mock_is_named_by_an_ip_llm_host) {
    run r;
    r.push(connect(T + 1 * ms, agent, "127.0.0.1", 8443));
    tls_event hs;
    hs.ts_ns = T + 2 * ms;
    hs.pid = agent;
    hs.conn = "7100:aa";
    r.push(hs);
    r.push(derived(llm_body(T + 3 * ms, json::array(), 200, "127.0.0.1:8443")));
    EXPECT_TRUE(r.alerts("unknown_host").empty());
    EXPECT_TRUE(r.alerts("opaque_connection").empty());
}

TEST(alerts, opaque_connection_without_tls_names_process_and_peer) {
    run r;
    r.answer(T + 1 * ms);
    r.push(exec(T + 5 * ms, 7300, agent, {"nc", "203.0.113.5", "4444"}));
    r.push(connect(T + 6 * ms, 7300, "203.0.113.5", 4444));
    r.push(connect(T + 7 * ms, 7300, "127.0.0.53", 53));  // DNS is never opaque
    r.push(proc(process_event_type::exit, T + 10'000 * ms, 7300, agent, "nc"));
    auto a = r.alerts("opaque_connection");
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0]["pids"], json::array({7300}));
    EXPECT_NE(
        a[0]["message"].get<std::string>().find("203.0.113.5:4444 by nc (pid 7300) [/usr/bin/nc]"),
        std::string::npos)
        << a[0]["message"];
}

TEST(alerts, tool_loop_after_three_identical_calls) {
    run r;
    json call = {{"id", "t1"}, {"name", "Bash"}, {"input", {{"command", "npm test"}}}};
    for (int i = 0; i < 4; ++i) {
        call["id"] = "t" + std::to_string(i);
        r.push(derived(llm_body(T + uint64_t(i) * 1000 * ms, json::array({call}))));
    }
    json other = {{"id", "x"}, {"name", "Bash"}, {"input", {{"command", "npm run build"}}}};
    r.push(derived(llm_body(T + 5000 * ms, json::array({other}))));
    auto a = r.alerts("tool_loop");
    ASSERT_EQ(a.size(), 1u);
    EXPECT_NE(a[0]["message"].get<std::string>().find("Bash called 3 times"), std::string::npos);
}

TEST(alerts, llm_error_burst_needs_three_errors_in_the_window) {
    run r;
    r.push(derived(llm_body(T, json::array(), 429)));
    r.push(derived(llm_body(T + 120'000 * ms, json::array(), 529)));  // outside the 60 s window
    r.push(derived(llm_body(T + 121'000 * ms, json::array(), 500)));
    for (const auto& a : r.out) EXPECT_NE(a["rule"], "llm_error_burst") << a.dump();
    r.push(derived(llm_body(T + 122'000 * ms, json::array(), 429)));
    auto a = r.alerts("llm_error_burst");
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0]["refs"].size(), 3u);
}

TEST(alerts, tamper_on_bpf_calls_and_tracing_writes) {
    run r;
    auto bpf = proc(process_event_type::bpf_call, T + 1 * ms, agent, 7000, "claude");
    bpf.bpf_cmd = 5;
    r.push(bpf);
    r.push(bpf);  // once per process
    r.push(open_file(T + 2 * ms, agent, "/sys/kernel/tracing/events/enable", 1));
    r.push(open_file(T + 3 * ms, agent, "/sys/kernel/tracing/trace", 0));  // reading is fine
    auto a = r.alerts("tamper");
    ASSERT_EQ(a.size(), 2u);
    EXPECT_EQ(a[0]["severity"], "critical");
    EXPECT_NE(a[0]["message"].get<std::string>().find("command 5"), std::string::npos);
}

process_event touch(uint64_t ts, std::string syscall, int32_t sig, bool delivered, int64_t ret) {
    auto e = proc(process_event_type::touch_recorder, ts, agent, 7000, "claude");
    e.syscall = std::move(syscall);
    e.signal = sig;
    e.target = "analysis";
    e.target_pid = 4242;
    e.delivered = delivered;
    e.ret = ret;
    return e;
}

TEST(alerts, tamper_signal_to_agentsight_is_critical_when_delivered_info_when_not) {
    run r;
    r.push(touch(T + 1 * ms, "tkill", 19, true, 0));
    r.push(touch(T + 2 * ms, "pidfd_send_signal", 0, false, 0));  // a liveness probe
    r.push(touch(T + 3 * ms, "pidfd_send_signal", 0, false, 0));  // the same again: once
    r.push(touch(T + 4 * ms, "kill", 15, false, -1));             // refused: EPERM
    auto a = r.alerts("tamper");
    ASSERT_EQ(a.size(), 3u);
    EXPECT_EQ(a[0]["severity"], "critical");
    EXPECT_NE(a[0]["message"].get<std::string>().find(
                  "tkill signal 19 to the agentsight analysis process (pid 4242) by claude"),
              std::string::npos)
        << a[0]["message"];
    EXPECT_EQ(a[1]["severity"], "info");
    EXPECT_NE(a[1]["message"].get<std::string>().find("signal 0"), std::string::npos);
    EXPECT_EQ(a[2]["severity"], "info");
    EXPECT_NE(a[2]["message"].get<std::string>().find("refused"), std::string::npos);
}

TEST(alerts, startup_activity_is_only_info) {
    run r;
    r.push(exec(T + 1 * ms, 7200, agent, {"git", "status"}));  // before any llm_call
    r.push(exec(T + 2 * ms, 7202, agent, {"ls", "-la"}));
    r.answer(T + 5000 * ms);
    r.push(exec(T + 6000 * ms, 7201, agent, {"rm", "-rf", "build"}));
    r.push(exec(T + 7000 * ms, 7203, agent, {"/usr/bin/git", "rev-parse", "HEAD"}));
    auto a = r.alerts("unexplained");
    ASSERT_EQ(a.size(), 2u);
    EXPECT_EQ(a[0]["severity"], "warning");
    EXPECT_EQ(a[0]["pids"], json::array({7201}));
    // Startup and the housekeeping list: one grouped line.
    EXPECT_EQ(a[1]["severity"], "info");
    EXPECT_EQ(a[1]["pids"], json::array({7200, 7202, 7203}));
    EXPECT_NE(a[1]["message"].get<std::string>().find("3 startup or housekeeping"),
              std::string::npos);
}

TEST(alerts, a_refused_attempt_is_never_critical) {
    run r;
    r.answer(T);  // after the first answer: the model could have asked for it
    auto denied = open_file(T + 1 * ms, agent, "/home/dev/.ssh/id_ed25519");
    denied.ret = -13;  // EACCES
    r.push(denied);
    auto enable = open_file(T + 2 * ms, agent, "/sys/kernel/tracing/events/enable", 1);
    enable.ret = -1;  // EPERM
    r.push(enable);
    auto outside = open_file(T + 3 * ms, agent, "/etc/cron.d/job", 577);
    outside.ret = -13;
    r.push(outside);
    auto later = open_file(T + 4 * ms, agent, "/home/dev/.ssh/id_ed25519");  // now it worked
    r.push(later);
    auto s = r.alerts("sensitive_read");
    ASSERT_EQ(s.size(), 2u);  // the failed probe does not hide the real read
    EXPECT_EQ(s[0]["severity"], "info");
    EXPECT_EQ(s[1]["severity"], "critical");
    auto t = r.alerts("tamper");
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t[0]["severity"], "info");
    EXPECT_TRUE(r.alerts("write_outside_workdir").empty());  // nothing was written
}

TEST(alerts, trace_marker_is_not_tracing_control) {
    run r;
    r.push(open_file(T + 1 * ms, agent, "/sys/kernel/debug/tracing/trace_marker", 1));
    r.push(open_file(T + 2 * ms, agent, "/sys/kernel/tracing/trace_marker", 1));
    r.push(open_file(T + 3 * ms, agent, "/sys/kernel/tracing/kprobe_events", 01001));
    r.push(open_file(T + 4 * ms, agent, "/sys/kernel/debug/tracing/uprobe_events", 1));
    r.push(open_file(T + 5 * ms, agent, "/sys/kernel/tracing/set_ftrace_filter", 1));
    r.push(open_file(T + 6 * ms, agent, "/sys/kernel/tracing/instances/x/events/sched/enable", 1));
    r.push(open_file(T + 7 * ms, agent, "/sys/fs/bpf/pinned_map", 1));
    auto a = r.alerts("tamper");
    ASSERT_EQ(a.size(), 5u);
    for (const auto& x : a)
        EXPECT_EQ(x["message"].get<std::string>().find("trace_marker"), std::string::npos);
}

TEST(alerts, housekeeping_writes_are_no_alert) {
    run r;
    r.answer(T + 1 * ms);
    r.push(open_file(T + 2 * ms, agent, "/home/dev/.qwen/settings.json", 577));
    r.push(open_file(T + 3 * ms, 7400, "/dev/null", 577));  // a forked helper, no exec seen
    r.push(open_file(T + 4 * ms, 7401, "/dev/tty", 1));
    r.push(open_file(T + 5 * ms, 7402, "/tmp/claude-1000/cwd-ab12", 577));
    EXPECT_TRUE(r.alerts("write_outside_workdir").empty());
    EXPECT_TRUE(r.alerts("unexplained").empty());
}

TEST(alerts, unknown_host_waits_for_the_llm_call_of_the_same_process) {
    run r;
    r.push(connect(T + 1 * ms, agent, "160.79.104.10", 443));
    tls_event hs;
    hs.ts_ns = T + 2 * ms;
    hs.pid = agent;
    hs.conn = "7100:bb";
    r.push(hs);
    r.push(derived({{"type", "http_exchange"},
                    {"ts", T + 3 * ms},
                    {"pid", agent},
                    {"conn", "7100:bb"},
                    {"method", "HEAD"},
                    {"host", "api.anthropic.com"},
                    {"status", 404}}));
    r.answer(T + 500 * ms);  // on another connection, later
    EXPECT_TRUE(r.alerts("unknown_host").empty());
}

TEST(rules, compiled_in_copy_matches_data_rules_json) {
    std::ifstream f(std::string(AGENTSIGHT_TEST_DATA) + "/../../data/rules.json");
    std::stringstream ss;
    ss << f.rdbuf();
    EXPECT_EQ(ss.str(), default_rules_text());
}

TEST(rules, compiled_in_copy_matches_data_pricing_json) {
    std::ifstream f(std::string(AGENTSIGHT_TEST_DATA) + "/../../data/pricing.json");
    std::stringstream ss;
    ss << f.rdbuf();
    EXPECT_EQ(ss.str(), default_pricing_text());
}

TEST(rules, user_file_merges_over_defaults) {
    json user = {
        {"rules", {{"tool_loop", {{"count", 5}}}, {"unexplained", {{"enabled", false}}}}},
        {"path_rules", {{{"rule", "secrets_dir"}, {"on", "any"}, {"paths", {"/srv/secrets/**"}}}}}};
    auto r = parse_rules(user, "mine.json");
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ(r->tool_loop_count, 5u);
    EXPECT_FALSE(r->unexplained.enabled);
    EXPECT_EQ(r->llm_error_burst.enabled, true);
    ASSERT_EQ(r->path_rules.size(), default_rules().path_rules.size() + 1);  // appended
    EXPECT_EQ(r->path_rules.back().rule, "secrets_dir");
}

TEST(rules, errors_name_the_file_and_the_key) {
    auto bad = parse_rules(json{{"rules", {{"tool_lop", {{"count", 5}}}}}}, "mine.json");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.message(), "mine.json: unknown rule 'tool_lop' under rules");
    auto sev = parse_rules(json{{"rules", {{"tamper", {{"severity", "high"}}}}}}, "mine.json");
    ASSERT_FALSE(sev.ok());
    EXPECT_NE(sev.message().find("severity must be info, warning or critical"), std::string::npos);
    EXPECT_FALSE(load_rules("/nonexistent/rules.json").ok());
}

TEST(rules, housekeeping_lists_extend_the_defaults) {
    auto r = parse_rules(json::parse(R"({"housekeeping": {"writes": ["~/.aider/**"],
                                                          "commands": ["make -q*"]}})"),
                         "user.json");
    ASSERT_TRUE(r) << r.message();
    const auto& w = r.value().housekeeping_writes;
    EXPECT_NE(std::find(w.begin(), w.end(), "/home/*/.aider/**"), w.end());
    EXPECT_NE(std::find(w.begin(), w.end(), "/dev/null"), w.end());
    const auto& c = r.value().housekeeping_commands;
    EXPECT_EQ(c.back(), "make -q*");
    EXPECT_GT(c.size(), 1u);
    auto bad = parse_rules(json::parse(R"({"housekeeping": {"paths": []}})"), "user.json");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.message().find("user.json"), std::string::npos);
    EXPECT_NE(bad.message().find("paths"), std::string::npos);
}

TEST(rules, command_patterns) {
    EXPECT_TRUE(command_match("git status*", "git status --porcelain"));
    EXPECT_TRUE(command_match("git *opencode/snapshot/*",
                              "git --git-dir /home/u/.local/share/opencode/snapshot/x add ."));
    EXPECT_FALSE(command_match("git status*", "git stash"));
    EXPECT_FALSE(command_match("rg --files*", "xrg --files"));
    EXPECT_TRUE(command_match("a*b*c", "a-b-b-c"));
}

TEST(rules, globs) {
    EXPECT_TRUE(glob_match("/root/.ssh/**", "/root/.ssh/id_rsa"));
    EXPECT_TRUE(glob_match("/home/*/.aws/**", "/home/dev/.aws/credentials"));
    EXPECT_FALSE(glob_match("/home/*/.aws/**", "/home/dev/x/.aws/credentials"));
    EXPECT_TRUE(glob_match(".env.*", "/srv/app/.env.production"));
    EXPECT_TRUE(glob_match("*.pem", "key.pem"));
    EXPECT_FALSE(glob_match("/tmp/*", "/tmp/a/b"));
    EXPECT_TRUE(glob_match("/tmp/**", "/tmp/a/b"));
    EXPECT_TRUE(glob_match("*.anthropic.com", "statsig.anthropic.com"));
    EXPECT_EQ(expand_home({"~/.ssh/**"}),
              (std::vector<std::string>{"/root/.ssh/**", "/home/*/.ssh/**"}));
}

}  // namespace
}  // namespace agentsight::analyzers
