// SPDX-License-Identifier: Apache-2.0
// Issue 9, faults around stopping: SIGTERM/SIGINT mid-recording detach every
// probe and close the trace; kill -9 of the recorder leaves the traced
// command running to its normal end and the trace readable; a target that
// exits at once (a command, or a --pid) stops the recording cleanly.
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>

#include "bpf_objects.h"
#include "e2e_harness.h"
#include "trace_checks.h"

namespace agentsight::test {
namespace {

using namespace e2e;
using namespace std::chrono_literals;

// Debian's interpreter (scripts/setup.sh --test), not a pyenv shim that forks.
constexpr const char* k_python = "/usr/bin/python3";

// What the recorder holds once its probes stop changing: the process probes
// at once, the TLS ones once the target's libssl is attached.
bpf_ids settled_ids(pid_t recorder) {
    bpf_ids all = bpf_ids_of(recorder);
    size_t stable = 0;
    for (int i = 0; i < 50 && stable < 3; ++i) {
        std::this_thread::sleep_for(200ms);
        bpf_ids now = bpf_ids_of(recorder);
        stable = now.links.size() == all.links.size() ? stable + 1 : 0;
        all.merge(now);
    }
    return all;
}

void signal_mid_recording(const std::string& command, int sig) {
    REQUIRE_ROOT();
    REQUIRE_PREREQ(executable(k_python), k_python);
    REQUIRE_PREREQ(have_program("bpftool"), "bpftool");
    temp_dir dir("sig");
    const std::string trace = dir / "trace.jsonl";
    child recorder({agentsight_bin(), command, "-q", "-o", trace, "--", k_python, "-c",
                    "import os, ssl, time\n"
                    "print('ready', os.getpid(), flush=True)\n"
                    "time.sleep(60)"},
                   dir / "stderr");
    const std::string ready = recorder.wait_line("ready ", 30000);
    ASSERT_FALSE(ready.empty()) << read_file(dir / "stderr");
    const pid_t target = std::stoi(ready.substr(6));
    const bpf_ids held = settled_ids(recorder.pid());
    ASSERT_FALSE(held.links.empty()) << "the recorder holds no BPF links";

    recorder.signal(sig);
    const int st = recorder.wait(20000);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 128 + sig)
        << "wait status " << st << "; stderr:\n"
        << read_file(dir / "stderr");
    EXPECT_EQ(read_file(dir / "stderr"), "");
    // Checked while the target still runs: a probe fd leaked into it would survive.
    EXPECT_EQ(still_present(held), "") << "left attached after " << strsignal(sig);
    kill(target, SIGKILL);

    auto events = whole_jsonl(trace);
    if (command == "record") expect_session_closed(events);
    if (command == "process") {
        bool exec = false;
        for (const auto& e : of_type(events, "exec")) exec = exec || e["pid"] == target;
        EXPECT_TRUE(exec) << "no exec of the python target in the trace";
    }
}

TEST(fault_signal, sigterm_stops_record_and_detaches_every_probe) {
    signal_mid_recording("record", SIGTERM);
}
TEST(fault_signal, sigint_stops_record_and_detaches_every_probe) {
    signal_mid_recording("record", SIGINT);
}
TEST(fault_signal, sigterm_stops_process_and_detaches_every_probe) {
    signal_mid_recording("process", SIGTERM);
}
TEST(fault_signal, sigint_stops_process_and_detaches_every_probe) {
    signal_mid_recording("process", SIGINT);
}
TEST(fault_signal, sigterm_stops_tls_and_detaches_every_probe) {
    signal_mid_recording("tls", SIGTERM);
}
TEST(fault_signal, sigint_stops_tls_and_detaches_every_probe) {
    signal_mid_recording("tls", SIGINT);
}

// tests/e2e/store_otlp_test.cpp (store_crash) checks what a killed recorder's
// SQLite trace holds; this checks the traced command and both formats.
void kill_9_mid_recording(const std::string& trace_name) {
    REQUIRE_ROOT();
    temp_dir dir("kill9");
    const std::string trace = dir / trace_name;
    const std::string script = dir / "work.sh";
    std::ofstream(script) << "echo started\n"
                             "( for i in $(seq 1 150); do cat /etc/hostname >/dev/null; "
                             "sleep 0.01; done; echo workload output; exit 7 )\n"
                             "echo \"workload status $?\"\n";
    child recorder({agentsight_bin(), "record", "-q", "-o", trace, "--", "sh", script},
                   dir / "stderr");
    ASSERT_FALSE(recorder.wait_line("started", 30000).empty()) << read_file(dir / "stderr");
    std::this_thread::sleep_for(500ms);
    ASSERT_TRUE(recorder.running()) << "the recorder ended before the kill";
    recorder.signal(SIGKILL);
    const int st = recorder.wait(10000);
    ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

    // The command still writes to the pipe we read: it runs to its own end.
    EXPECT_FALSE(recorder.wait_line("workload output", 20000).empty());
    EXPECT_EQ(recorder.wait_line("workload status", 5000), "workload status 7");

    auto rep = run(sq(agentsight_bin()) + " report " + sq(trace));
    EXPECT_EQ(rep.exit_code, 0) << rep.err;
    EXPECT_NE(rep.out.find("cat"), std::string::npos) << rep.out;
    auto ex = run(sq(agentsight_bin()) + " export " + sq(trace) + " --format jsonl -o -");
    ASSERT_EQ(ex.exit_code, 0) << ex.err;
    size_t cats = 0;
    for (const auto& line : lines_of(ex.out)) {
        json e = json::parse(line, nullptr, false);
        ASSERT_FALSE(e.is_discarded()) << line.substr(0, 200);
        cats += e.value("type", "") == "exec" && e.value("comm", "") == "cat";
    }
    EXPECT_GE(cats, 1u) << "nothing of the workload reached the trace before the kill";
}

TEST(fault_kill9, jsonl_recorder_killed_command_unharmed_trace_readable) {
    kill_9_mid_recording("trace.jsonl");
}
TEST(fault_kill9, sqlite_recorder_killed_command_unharmed_trace_readable) {
    kill_9_mid_recording("trace.db");
}

TEST(fault_quick_exit, command_that_exits_at_once_gives_its_status_and_a_whole_trace) {
    REQUIRE_ROOT();
    for (const std::string command : {"record", "process", "tls"})
        for (auto [target, status] : {std::pair{"/bin/true", 0}, {"/bin/false", 1}}) {
            SCOPED_TRACE(command + " -- " + target);
            temp_dir dir("quick");
            const std::string trace = dir / "trace.jsonl";
            auto r = run("timeout -s KILL 60 " + sq(agentsight_bin()) + " " + command + " -q -o " +
                         sq(trace) + " -- " + target);
            EXPECT_EQ(r.exit_code, status) << r.err;
            EXPECT_EQ(r.err, "");
            auto events = whole_jsonl(trace);
            if (command == "tls") continue;  // no TLS call, no event
            if (command == "record") expect_session_closed(events);
            bool exec = false;
            for (const auto& e : of_type(events, "exec"))
                exec = exec || e.value("filename", "") == target;
            EXPECT_TRUE(exec) << "no exec of " << target;
        }
}

TEST(fault_quick_exit, pid_that_exits_right_after_start_stops_the_recording) {
    REQUIRE_ROOT();
    temp_dir dir("quickpid");
    const std::string trace = dir / "trace.jsonl";
    // sh reaps sleep, so its pid is really gone (not a zombie) when it ends,
    // about when the recorder has loaded its probes.
    child holder({"sh", "-c", "sleep 0.5 & echo $!; wait"});
    const std::string pid = holder.wait_line("", 5000);
    ASSERT_FALSE(pid.empty());
    auto r = run("timeout -s KILL 60 " + sq(agentsight_bin()) + " record -q -o " + sq(trace) +
                 " --pid " + pid);
    holder.wait(5000);
    EXPECT_LT(r.seconds, 15) << "the recording did not stop with its target";
    if (r.exit_code == 0) {
        EXPECT_EQ(r.err, "");
        expect_session_closed(whole_jsonl(trace));
    } else {
        // Gone before the recorder looked: the usual clear error.
        EXPECT_EQ(r.exit_code, 1);
        EXPECT_EQ(not_one_error_line(r.err), "");
        EXPECT_NE(r.err.find("no such process"), std::string::npos) << r.err;
    }
}

// A --pid that exits while its parent never reaps it stays a zombie:
// kill(pid, 0) still succeeds, but the recording must end.
TEST(fault_quick_exit, pid_that_exits_unreaped_stops_the_recording) {
    REQUIRE_ROOT();
    REQUIRE_PREREQ(executable(k_python), k_python);
    temp_dir dir("zombie");
    const std::string trace = dir / "trace.jsonl";
    child parent({k_python, "-c",
                  "import subprocess, time\n"
                  "p = subprocess.Popen(['sleep', '1'])\n"
                  "print(p.pid, flush=True)\n"
                  "time.sleep(60)"});
    const std::string pid = parent.wait_line("", 5000);
    ASSERT_FALSE(pid.empty());
    auto r = run("timeout -s KILL 30 " + sq(agentsight_bin()) + " record -q -o " + sq(trace) +
                 " --pid " + pid);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_LT(r.seconds, 10) << "the recording went on after its target ended";
    expect_session_closed(whole_jsonl(trace));
    bool exit = false;
    for (const auto& e : of_type(whole_jsonl(trace), "exit"))
        exit = exit || e["pid"] == std::stoi(pid);
    EXPECT_TRUE(exit) << "no exit event of the target";
}

}  // namespace
}  // namespace agentsight::test
