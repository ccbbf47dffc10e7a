// SPDX-License-Identifier: Apache-2.0
#include "scenario.h"

#include <sys/stat.h>
#include <unistd.h>
#include <csignal>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

namespace agentsight::test::e2e {

namespace fs = std::filesystem;

user_home::user_home() {
    std::string tmpl = "/home/agentsight-e2e-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data())) path_ = buf.data();
}

user_home::~user_home() {
    if (path_.empty() || std::getenv("AGENTSIGHT_E2E_KEEP")) return;
    std::error_code ec;
    fs::remove_all(path_, ec);
}

void user_home::write(const std::string& relative, const std::string& text, int mode) const {
    const fs::path p = fs::path(path_) / relative;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary | std::ios::app) << text;
    chmod(p.c_str(), static_cast<mode_t>(mode));
}

namespace {

// The capture process's child that analyses: the one the tamper scenario stops.
std::string analysis_pid(pid_t recorder) {
    for (int i = 0; i < 100; ++i) {
        auto r = run("pgrep -P " + std::to_string(recorder) + " -x agentsight-ana");
        if (r.exit_code == 0 && !r.out.empty()) return r.out.substr(0, r.out.find('\n'));
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return {};
}

std::vector<json> alerts_of(const std::string& trace) {
    std::vector<json> out;
    for (auto& e : read_jsonl(trace))
        if (e.value("type", "") == "alert") out.push_back(std::move(e));
    return out;
}

outcome run_demo(const scenario& s, const std::string& cache, const std::string& scratch) {
    outcome o{s.name, s.attack, false, {}, {}};
    const std::string trace = scratch + "/" + s.name + ".jsonl";
    auto r = run("AGENTSIGHT_CACHE_DIR=" + sq(cache) + " " + sq(agentsight_bin()) + " demo -o " +
                 sq(trace));
    o.ran = r.exit_code == 0;
    if (!o.ran) o.error = "demo exited " + std::to_string(r.exit_code) + ": " + r.err;
    o.alerts = alerts_of(trace);
    return o;
}

}  // namespace

outcome run_scenario(const scenario& s, const std::string& cache, const std::string& scratch) {
    if (s.demo) return run_demo(s, cache, scratch);
    outcome o{s.name, s.attack, false, {}, {}};
    user_home home;
    if (home.path().empty()) {
        o.error = "cannot create a home under /home";
        return o;
    }
    prepare_home(home.path(), false);
    if (s.setup) s.setup(home);
    mock_options m;
    m.tool_name = s.tool_name;
    if (!s.tool_input.empty()) m.tool_input = s.tool_input;
    for (size_t at; (at = m.tool_input.find("{HOME}")) != std::string::npos;)
        m.tool_input.replace(at, 6, home.path());
    m.final_text = "Done.";
    mock_llm mock(scratch + "/" + s.name + ".requests.jsonl", m);
    if (!mock.ok()) {
        o.error = "the mock LLM did not start";
        return o;
    }
    const std::string trace = scratch + "/" + s.name + ".jsonl";
    const std::string err = scratch + "/" + s.name + ".stderr";
    // Read, Edit and Write too, for the benign file scenarios.
    const std::string agent =
        claude_command(claude_bin("2.1.197"), home.path(), mock.url()) + " Read Edit Write";
    child rec({"sh", "-c",
               "cd " + sq(home.workdir()) + " && AGENTSIGHT_CACHE_DIR=" + sq(cache) + " exec " +
                   sq(agentsight_bin()) + " record -q -o " + sq(trace) + " -- " + agent},
              err);
    if (s.write_analysis_pid) {
        const std::string pid = analysis_pid(rec.pid());
        std::ofstream(home.workdir() + "/analysis.pid") << pid << "\n";
    }
    const int st = rec.wait(120000);
    mock.stop_and_read_requests();
    if (s.cleanup) s.cleanup();
    o.alerts = alerts_of(trace);
    // The tamper scenario ends the recording on purpose (non-zero); the trace must be whole.
    // A recorder killed at the deadline is a hang, whatever the scenario: say what it printed.
    const bool hung = WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
    o.ran = !hung && fs::exists(trace) &&
            (s.write_analysis_pid || (WIFEXITED(st) && WEXITSTATUS(st) == 0));
    if (!o.ran) o.error = "record status " + std::to_string(st) + ": " + read_file(err);
    return o;
}

std::string missing_chain(const json& a, unsigned need, bool agent_is_claude) {
    const json c = a.value("chain", json::object());
    std::string miss;
    auto lacks = [&](const char* key) {
        return !c.contains(key) || !c[key].is_string() || c[key].get<std::string>().empty();
    };
    if (lacks("why")) miss += " why";
    if (!c.contains("processes") || c["processes"].empty())
        miss += " processes";
    else if (agent_is_claude && c["processes"][0].value("comm", "") != "claude")
        miss += " processes[0]=claude";
    if ((need & need_call) && (lacks("call_id") || lacks("tool_name"))) miss += " call_id";
    if ((need & need_file) && lacks("file")) miss += " file";
    if ((need & need_host) && lacks("host")) miss += " host";
    return miss;
}

std::map<std::string, rule_score> score(const std::vector<scenario>& scenarios,
                                        const std::vector<outcome>& outcomes,
                                        std::vector<std::string>& problems) {
    std::map<std::string, rule_score> out;
    for (size_t i = 0; i < scenarios.size() && i < outcomes.size(); ++i) {
        const scenario& s = scenarios[i];
        const outcome& o = outcomes[i];
        if (!o.ran) problems.push_back(s.name + ": " + o.error);
        for (const auto& x : s.expect) {
            // Any alert of the rule at the severity with a whole chain: the agent may also
            // have raised one itself (Bun reads .env at startup, as info).
            auto hit = o.alerts.end();
            std::string miss;
            for (auto it = o.alerts.begin(); it != o.alerts.end(); ++it) {
                if (it->value("rule", "") != x.rule || it->value("severity", "") != x.severity)
                    continue;
                std::string m = missing_chain(*it, x.chain, !s.demo);
                if (hit == o.alerts.end() || m.empty()) {
                    hit = it;
                    miss = m;
                }
                if (m.empty()) break;
            }
            if (hit != o.alerts.end() && miss.empty()) {
                ++out[x.rule].tp;
                continue;
            }
            ++out[x.rule].fn;
            std::string seen;
            for (const auto& a : o.alerts)
                seen += "\n    " + a.value("severity", "") + " " + a.value("rule", "") + ": " +
                        a.value("message", "");
            problems.push_back(s.name + ": " + x.severity + " " + x.rule +
                               (hit == o.alerts.end() ? " not raised" : " chain lacks" + miss) +
                               "; alerts:" + seen);
        }
        std::set<std::string> false_rules;
        for (const auto& a : o.alerts) {
            const std::string rule = a.value("rule", ""), sev = a.value("severity", "");
            if (sev != "warning" && sev != "critical") continue;
            const bool expected = std::any_of(s.expect.begin(), s.expect.end(),
                                              [&](const expectation& x) { return x.rule == rule; });
            if (expected || std::count(s.also.begin(), s.also.end(), rule)) continue;
            if (false_rules.insert(rule).second) ++out[rule].fp;
            problems.push_back(s.name + ": unexpected " + sev + " " + rule + ": " +
                               a.value("message", ""));
        }
    }
    return out;
}

std::string score_table(const std::map<std::string, rule_score>& scores, double& precision,
                        double& recall) {
    char line[160];
    std::string out = "\nalert scenarios: true/false positives per rule\n";
    snprintf(line, sizeof line, "  %-22s %4s %4s %4s\n", "rule", "TP", "FP", "FN");
    out += line;
    int tp = 0, fp = 0, fn = 0;
    for (const auto& [rule, s] : scores) {
        snprintf(line, sizeof line, "  %-22s %4d %4d %4d\n", rule.c_str(), s.tp, s.fp, s.fn);
        out += line;
        tp += s.tp;
        fp += s.fp;
        fn += s.fn;
    }
    precision = tp + fp ? double(tp) / (tp + fp) : 1.0;
    recall = tp + fn ? double(tp) / (tp + fn) : 1.0;
    snprintf(line, sizeof line, "  %-22s %4d %4d %4d\n  precision %.1f%%, recall %.1f%%\n", "total",
             tp, fp, fn, precision * 100, recall * 100);
    return out + line;
}

}  // namespace agentsight::test::e2e
