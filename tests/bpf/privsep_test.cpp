// SPDX-License-Identifier: Apache-2.0
// Privilege separation: the process that parses captured bytes holds no
// capabilities, runs as --user under seccomp, and is never traced itself.
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <sys/wait.h>

#include "harness.h"
#include "tests/support/temp_dir.h"

namespace agentsight::test {
namespace {

namespace fs = std::filesystem;

// agentsight ARGS in the background, stdout and stderr to files in `dir`.
pid_t start_agentsight(const std::vector<std::string>& args, const fs::path& dir) {
    pid_t pid = fork();
    if (pid == 0) {
        freopen((dir / "stdout").c_str(), "w", stdout);
        freopen((dir / "stderr").c_str(), "w", stderr);
        std::vector<char*> argv{const_cast<char*>(AGENTSIGHT_BIN)};
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(AGENTSIGHT_BIN, argv.data());
        _exit(127);
    }
    return pid;
}

std::map<std::string, std::string> proc_status(pid_t pid) {
    std::map<std::string, std::string> m;
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);)
        if (auto colon = line.find(':'); colon != std::string::npos) {
            auto value = line.find_first_not_of(" \t", colon + 1);
            m[line.substr(0, colon)] = value == std::string::npos ? "" : line.substr(value);
        }
    return m;
}

// The analysis process: the recorder's child named agentsight-ana.
pid_t analysis_pid(pid_t recorder) {
    for (int i = 0; i < 100; ++i) {
        std::ifstream in("/proc/" + std::to_string(recorder) + "/task/" + std::to_string(recorder) +
                         "/children");
        for (pid_t c; in >> c;)
            if (proc_status(c)["Name"] == "agentsight-ana") return c;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return 0;
}

int wait_exit(pid_t pid) {
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

// Stops a recorder the test left running (a failed assertion returns early): a
// trace-all recorder left behind would trace every later test and benchmark.
struct reaper {
    pid_t pid;
    ~reaper() {
        if (waitpid(pid, nullptr, WNOHANG) == 0) {
            kill(pid, SIGINT);
            waitpid(pid, nullptr, 0);
        }
    }
};

TEST(privsep, the_parsing_process_holds_no_capabilities) {
    REQUIRE_ROOT();
    temp_dir dir("privsep");  // mode 0700: the unprivileged user cannot even enter it
    pid_t rec = start_agentsight(
        {"record", "-q", "-o", dir / "t.db", "--", "sh", "-c", "sleep 2; cat /etc/hostname"},
        dir.path());
    reaper stop_rec{rec};
    pid_t ana = analysis_pid(rec);
    ASSERT_NE(ana, 0) << "no agentsight-ana child of the recorder";
    // It is named before it opens the trace and drops privileges: wait for the drop.
    auto st = proc_status(ana);
    for (int i = 0; i < 100 && st["Seccomp"] != "2"; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        st = proc_status(ana);
    }
    for (const char* cap : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"})
        EXPECT_EQ(st[cap], "0000000000000000") << cap;
    EXPECT_EQ(st["Uid"].substr(0, 5), "65534") << st["Uid"];  // nobody: real, effective, ...
    EXPECT_EQ(st["Gid"].substr(0, 5), "65534") << st["Gid"];
    EXPECT_EQ(st["NoNewPrivs"], "1");
    EXPECT_EQ(st["Seccomp"], "2");
    // The capture process keeps only CAP_BPF, CAP_PERFMON, CAP_SYS_PTRACE,
    // CAP_DAC_READ_SEARCH and CAP_DAC_OVERRIDE once its probes are loaded, in every thread.
    const uint64_t capture_caps = 0xc000080006;
    const auto task_dir = "/proc/" + std::to_string(rec) + "/task";
    // The capture starts once the analysis process is ready: wait for its threads.
    for (int i = 0; i < 100 && std::distance(fs::directory_iterator(task_dir), {}) < 3; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    size_t threads = 0;
    for (const auto& task : fs::directory_iterator(task_dir)) {
        auto ts = proc_status(std::stoi(task.path().filename().string()));
        if (ts.empty()) continue;  // the thread ended
        ++threads;
        EXPECT_EQ(std::stoull(ts["CapEff"], nullptr, 16), capture_caps) << task.path();
        EXPECT_EQ(std::stoull(ts["CapPrm"], nullptr, 16), capture_caps) << task.path();
        EXPECT_EQ(std::stoull(ts["CapBnd"], nullptr, 16), capture_caps) << task.path();
    }
    EXPECT_GE(threads, 3u) << "main, capture, TLS attacher, forwarder";
    EXPECT_EQ(wait_exit(rec), 0);
    // Written as nobody into a directory nobody cannot enter, and complete.
    auto events = shell("sqlite3 " + dir / "t.db" +
                        " \"select count(*) from events where type in "
                        "('session_start','session_end','exec')\"");
    EXPECT_EQ(std::stoi(events), 5) << "session_start, session_end; sh, sleep and cat execs";
    EXPECT_FALSE(fs::exists(dir / "t.db-wal"));
    EXPECT_FALSE(fs::exists(dir / "t.db-shm"));
}

TEST(privsep, the_analysis_process_is_not_traced_in_trace_all_mode) {
    REQUIRE_ROOT();
    temp_dir dir("privsep");  // mode 0700: the unprivileged user cannot even enter it
    pid_t rec = start_agentsight({"process", "-q", "-o", dir / "all.jsonl"}, dir.path());
    reaper stop_rec{rec};
    pid_t ana = analysis_pid(rec);
    ASSERT_NE(ana, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // probes attached
    shell("cat /etc/hostname >/dev/null");
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    kill(rec, SIGINT);
    EXPECT_EQ(wait_exit(rec), 128 + SIGINT);
    std::ifstream in(dir / "all.jsonl");
    size_t lines = 0, from_recorder = 0;
    bool saw_marker = false;
    for (std::string line; std::getline(in, line); ++lines) {
        json e = json::parse(line, nullptr, false);
        ASSERT_FALSE(e.is_discarded()) << line;
        int pid = e.value("pid", 0);
        if (pid == ana || pid == rec) ++from_recorder;
        saw_marker = saw_marker ||
                     (e.value("type", "") == "file_open" && e.value("path", "") == "/etc/hostname");
    }
    EXPECT_TRUE(saw_marker) << "trace-all mode saw the cat";
    EXPECT_EQ(from_recorder, 0u) << "of " << lines << " events";
}

TEST(privsep, an_unknown_user_is_a_one_line_error) {
    REQUIRE_ROOT();
    auto r = run_agentsight("record -q --user no-such-user-x -o /dev/null -- true");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.stderr_text, "agentsight: --user no-such-user-x: no such user\n");
}

}  // namespace
}  // namespace agentsight::test
