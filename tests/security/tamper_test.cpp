// SPDX-License-Identifier: Apache-2.0
// Issue 16, finding 4 (tamper half): a root agent signals the agentsight processes. Each test
// is the agent: the recorded command finds the analysis process (the capture process's child
// named agentsight-ana) and attacks it with a signal syscall the old tamper watch missed.
#include <chrono>
#include <fstream>
#include <sstream>

#include "e2e_harness.h"
#include "harness.h"

namespace agentsight::test {
namespace {

// One signal syscall per call, so that each is what the kernel sees: no libc wrapper choices.
constexpr const char* k_sigtool = R"(#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(int argc, char** argv) {
    if (argc != 4) return 2;
    int pid = atoi(argv[2]), sig = atoi(argv[3]);
    long r = -1;
    if (!strcmp(argv[1], "kill")) r = syscall(SYS_kill, pid, sig);
    if (!strcmp(argv[1], "tkill")) r = syscall(SYS_tkill, pid, sig);
    if (!strcmp(argv[1], "tgkill")) r = syscall(SYS_tgkill, pid, pid, sig);
    if (!strcmp(argv[1], "pidfd")) {
        int fd = (int)syscall(SYS_pidfd_open, pid, 0);
        r = fd < 0 ? -1 : syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
    }
    fprintf(stderr, "%s %d %d -> %ld\n", argv[1], pid, sig, r);
    return 0;
}
)";

class tamper : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = new e2e::temp_dir("tamper");
        std::ofstream(*dir_ / "sigtool.c") << k_sigtool;
        auto r = e2e::run("cc -O1 -o " + *dir_ / "sigtool" + " " + *dir_ / "sigtool.c");
        built_ = r.exit_code == 0;
        if (!built_) fprintf(stderr, "cc failed: %s\n", r.err.c_str());
        // Readable by the unprivileged user the refused-attempt test runs it as.
        e2e::run("chmod 755 " + dir_->path() + " " + *dir_ / "sigtool");
    }
    static void TearDownTestSuite() { delete dir_; }
    static std::string tool() { return *dir_ / "sigtool"; }
    // The recorded command: $A is the analysis process, $PPID the capture process.
    static std::string agent(const std::string& script) {
        return "record -q -o - -- sh -c " +
               e2e::sq("A=$(pgrep -P $PPID -x agentsight-ana); " + script);
    }
    static std::vector<json> touches(const run_result& r, const std::string& syscall) {
        std::vector<json> out;
        for (const auto& e : of_type(r.events, "touch_recorder"))
            if (e["syscall"] == syscall) out.push_back(e);
        return out;
    }
    static std::vector<json> tamper_alerts(const run_result& r, const std::string& severity) {
        std::vector<json> out;
        for (const auto& a : of_type(r.events, "alert"))
            if (a["rule"] == "tamper" && a["severity"] == severity) out.push_back(a);
        return out;
    }
    static inline e2e::temp_dir* dir_ = nullptr;
    static inline bool built_ = false;
};

TEST_F(tamper, tkill_tgkill_and_pidfd_on_the_analysis_process_raise_alerts) {
    REQUIRE_ROOT();
    REQUIRE_PREREQ(built_, "a C compiler (cc)");
    auto r = run_agentsight(agent(tool() + " tkill $A 18; " + tool() + " tgkill $A 0; " + tool() +
                                  " pidfd $A 0; " + tool() + " pidfd $A 18; sleep 0.3"));
    ASSERT_EQ(r.exit_code, 0) << r.stderr_text;

    auto tk = touches(r, "tkill");
    ASSERT_EQ(tk.size(), 1u) << r.stderr_text;
    EXPECT_EQ(tk[0]["target"], "analysis");
    EXPECT_EQ(tk[0]["signal"], 18);  // SIGCONT: harmless, but it reached us
    EXPECT_EQ(tk[0]["delivered"], true);

    auto tg = touches(r, "tgkill");
    ASSERT_EQ(tg.size(), 1u);
    EXPECT_EQ(tg[0]["signal"], 0);
    EXPECT_EQ(tg[0]["delivered"], false);
    EXPECT_EQ(tg[0]["ret"], 0);

    // The pidfd is resolved to the analysis process in BPF: its target is named.
    auto pf = touches(r, "pidfd_send_signal");
    ASSERT_EQ(pf.size(), 2u);
    EXPECT_EQ(pf[0]["target"], "analysis");
    EXPECT_EQ(pf[0]["target_pid"], tk[0]["target_pid"]);
    EXPECT_EQ(pf[0]["delivered"], false);
    EXPECT_EQ(pf[1]["delivered"], true);

    auto critical = tamper_alerts(r, "critical");
    auto info = tamper_alerts(r, "info");
    ASSERT_EQ(critical.size(), 2u) << "tkill and pidfd SIGCONT delivered";
    EXPECT_NE(critical[0]["message"].get<std::string>().find("tkill signal 18 to the agentsight "
                                                             "analysis process"),
              std::string::npos)
        << critical[0]["message"];
    EXPECT_EQ(info.size(), 2u) << "the two signal-0 probes";
}

TEST_F(tamper, a_refused_kill_of_the_capture_process_is_an_info_alert) {
    REQUIRE_ROOT();
    REQUIRE_PREREQ(built_, "a C compiler (cc)");
    REQUIRE_PREREQ(e2e::have_program("setpriv"), "setpriv (util-linux)");
    auto r = run_agentsight(
        agent("setpriv --reuid=12345 --regid=12345 --clear-groups " + tool() + " kill $PPID 15"));
    ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
    auto k = touches(r, "kill");
    ASSERT_EQ(k.size(), 1u) << r.stderr_text;
    EXPECT_EQ(k[0]["target"], "capture");
    EXPECT_EQ(k[0]["signal"], 15);
    EXPECT_EQ(k[0]["delivered"], false);
    EXPECT_LT(k[0]["ret"].get<int64_t>(), 0);
    auto info = tamper_alerts(r, "info");
    ASSERT_EQ(info.size(), 1u);
    EXPECT_NE(info[0]["message"].get<std::string>().find("refused"), std::string::npos);
    EXPECT_TRUE(tamper_alerts(r, "critical").empty());
}

TEST_F(tamper, sigstop_of_the_analysis_process_ends_the_recording_with_a_clear_message) {
    REQUIRE_ROOT();
    auto start = std::chrono::steady_clock::now();
    auto r = run_agentsight(agent("kill -STOP $A; sleep 1"));
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_NE(r.exit_code, 0);
    EXPECT_LT(secs, 15) << "the recorder must not hang on a stopped analysis process";
    EXPECT_NE(r.stderr_text.find("analysis process stopped by signal SIGSTOP from pid"),
              std::string::npos)
        << r.stderr_text;
    EXPECT_NE(r.stderr_text.find("(sh, kill)"), std::string::npos) << r.stderr_text;
    // Resumed by the capture process, the analysis process wrote what it was sent.
    auto critical = tamper_alerts(r, "critical");
    ASSERT_FALSE(critical.empty()) << "the SIGSTOP is in the trace as a critical alert";
    EXPECT_NE(critical[0]["message"].get<std::string>().find("kill signal 19"), std::string::npos);
    EXPECT_FALSE(of_type(r.events, "session_end").empty()) << "the trace was finished";
}

// Found by the alert scenarios: the agent stops the analysis process and exits at once. The
// recording loop saw its target end first, never looked at the analysis process again, and
// waited on it for ever (1 run in 8 of the Claude scenario; nearly always with this script).
TEST_F(tamper, sigstop_then_the_target_exits_at_once_does_not_hang_the_recorder) {
    REQUIRE_ROOT();
    auto start = std::chrono::steady_clock::now();
    auto r = e2e::run("timeout -s KILL 30 " + std::string(AGENTSIGHT_BIN) + " " +
                      agent("kill -STOP $A"));
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    e2e::run("pkill -CONT -x agentsight-ana");  // what a hung recorder left stopped
    EXPECT_LT(secs, 15) << "the recorder must not hang on a stopped analysis process";
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("analysis process stopped by signal SIGSTOP from pid"), std::string::npos)
        << r.err;
    std::vector<json> events;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) events.push_back(json::parse(line));
    bool critical = false;
    for (const auto& a : of_type(events, "alert"))
        critical |= a["rule"] == "tamper" && a["severity"] == "critical";
    EXPECT_TRUE(critical) << "the SIGSTOP is in the trace as a critical alert";
    EXPECT_FALSE(of_type(events, "session_end").empty()) << "the trace was finished";
}

TEST_F(tamper, sigkill_of_the_analysis_process_names_the_sender) {
    REQUIRE_ROOT();
    auto r = run_agentsight(agent("kill -KILL $A; sleep 1"));
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.stderr_text.find("analysis process killed by signal SIGKILL from pid"),
              std::string::npos)
        << r.stderr_text;
}

}  // namespace
}  // namespace agentsight::test
