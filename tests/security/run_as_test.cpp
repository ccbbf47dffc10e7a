// SPDX-License-Identifier: Apache-2.0
// Finding 4 (user-space half) and 11 of issue 16: under sudo, `-- CMD` runs as
// the invoking user, not as root; the analysis process refuses to be root;
// `serve` gives up root once its port is bound. Sudo is simulated with
// SUDO_UID/SUDO_GID, which is all agentsight reads of it.
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include <sys/wait.h>

#include "harness.h"
#include "tests/support/temp_dir.h"

namespace agentsight::test {
namespace {

namespace fs = std::filesystem;

// `record` with `args` in a scratch directory; the command's stdout and our
// stderr are kept, the trace is JSON Lines.
struct recording {
    int exit_code = -1;
    std::string command_output, stderr_text;
    std::vector<json> events;
};

recording record(const std::string& env, const std::string& args) {
    temp_dir dir("runas");
    std::string cmd = "cd " + dir.path() + " && " + env + " " AGENTSIGHT_BIN " record -q -o " +
                      (dir / "trace.jsonl") + " " + args + " >" + (dir / "out") + " 2>" +
                      (dir / "err");
    int st = system(cmd.c_str());
    recording r;
    r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    r.command_output = read_file(dir / "out");
    r.stderr_text = read_file(dir / "err");
    std::ifstream trace(dir / "trace.jsonl");
    for (std::string line; std::getline(trace, line);)
        if (json j = json::parse(line, nullptr, false); !j.is_discarded())
            r.events.push_back(std::move(j));
    return r;
}

std::vector<json> execs_of(const recording& r, const std::string& comm) {
    std::vector<json> out;
    for (const auto& e : of_type(r.events, "exec"))
        if (e.value("comm", "") == comm) out.push_back(e);
    return out;
}

TEST(run_as, under_sudo_the_command_runs_as_the_invoking_user) {
    REQUIRE_ROOT();
    auto r = record("SUDO_UID=65534 SUDO_GID=65534 HOME=/root USER=root LOGNAME=root",
                    "-- sh -c 'id -u; id -g; echo $HOME $USER $LOGNAME'");
    ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
    EXPECT_EQ(r.command_output, "65534\n65534\n/nonexistent nobody nobody\n");
    auto sh = execs_of(r, "sh");
    ASSERT_FALSE(sh.empty()) << "no exec event for sh";
    EXPECT_EQ(sh[0].value("uid", -1), 65534);
    auto id = execs_of(r, "id");
    ASSERT_FALSE(id.empty());
    EXPECT_EQ(id[0].value("uid", -1), 65534);
}

TEST(run_as, sharing_the_analysis_user_is_warned) {
    REQUIRE_ROOT();
    auto r = record("SUDO_UID=65534 SUDO_GID=65534", "-- true");
    EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
    EXPECT_NE(r.stderr_text.find("agentsight: warning: -- CMD runs as nobody, the analysis "
                                 "process's user: it can signal it"),
              std::string::npos)
        << r.stderr_text;
    auto apart = record("SUDO_UID=65534 SUDO_GID=65534", "-Z daemon -- true");
    EXPECT_EQ(apart.exit_code, 0) << apart.stderr_text;
    EXPECT_EQ(apart.stderr_text.find("warning"), std::string::npos) << apart.stderr_text;
}

TEST(run_as, the_dropped_command_cannot_signal_the_recorder) {
    REQUIRE_ROOT();
    // The agent's first move against its recorder: signal the recorder (kill -0 asks the same
    // permission as -STOP).
    auto r = record("SUDO_UID=65534 SUDO_GID=65534",
                    "-- sh -c 'kill -0 $PPID 2>/dev/null && echo stopped || echo refused'");
    ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
    EXPECT_EQ(r.command_output, "refused\n");
}

TEST(run_as, run_as_root_keeps_root_and_warns) {
    REQUIRE_ROOT();
    auto r = record("SUDO_UID=65534 SUDO_GID=65534", "--run-as root -- id -u");
    ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
    EXPECT_EQ(r.command_output, "0\n");
    EXPECT_NE(r.stderr_text.find("agentsight: warning: --run-as root: the command runs as root"),
              std::string::npos)
        << r.stderr_text;
}

TEST(run_as, run_as_names_a_user_by_name_or_uid) {
    REQUIRE_ROOT();
    auto by_name = record("", "--run-as nobody -- id -u");
    ASSERT_EQ(by_name.exit_code, 0) << by_name.stderr_text;
    EXPECT_EQ(by_name.command_output, "65534\n");
    auto by_uid = record("", "--run-as 1 -- id -u");
    ASSERT_EQ(by_uid.exit_code, 0) << by_uid.stderr_text;
    EXPECT_EQ(by_uid.command_output, "1\n");
    auto unknown = record("", "--run-as no-such-user-agentsight -- id -u");
    EXPECT_NE(unknown.exit_code, 0);
    EXPECT_EQ(unknown.command_output, "");
    EXPECT_NE(unknown.stderr_text.find("--run-as no-such-user-agentsight: no such user"),
              std::string::npos)
        << unknown.stderr_text;
}

TEST(run_as, applies_to_a_launched_command_only) {
    REQUIRE_ROOT();
    auto r = record("", "--pid 1 --run-as nobody");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.stderr_text.find("--run-as applies to -- CMD only"), std::string::npos)
        << r.stderr_text;
}

TEST(run_as, plain_root_without_run_as_keeps_root_quietly) {
    REQUIRE_ROOT();
    auto r = record("env -u SUDO_UID -u SUDO_GID", "-- id -u");
    ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
    EXPECT_EQ(r.command_output, "0\n");
    EXPECT_EQ(r.stderr_text.find("warning"), std::string::npos) << r.stderr_text;
}

TEST(analysis_user, root_is_refused_before_anything_runs) {
    REQUIRE_ROOT();
    for (const char* flag : {"--user root", "-Z root", "-Z 0"}) {
        auto r = record("", std::string(flag) + " -- echo ran");
        EXPECT_NE(r.exit_code, 0) << flag;
        EXPECT_EQ(r.command_output, "") << flag;
        EXPECT_NE(r.stderr_text.find("must not run as root"), std::string::npos)
            << flag << ": " << r.stderr_text;
    }
}

// `serve` in the background until its URL is printed; its pid.
pid_t start_serve(const std::string& env, const fs::path& trace, const fs::path& err,
                  const std::string& extra = "") {
    pid_t pid = fork();
    if (pid == 0) {
        std::string cmd = "exec env " + env + " " AGENTSIGHT_BIN " serve --port 0 " + extra + " " +
                          trace.string() + " 2>" + err.string();
        execl("/bin/sh", "sh", "-c", cmd.c_str(), nullptr);
        _exit(127);
    }
    for (int i = 0; i < 200 && read_file(err).find("agentsight UI:") == std::string::npos; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    return pid;
}

// One /proc status field ("Uid", "Seccomp") of every thread of `pid`.
std::vector<std::string> thread_field(pid_t pid, const std::string& name) {
    std::vector<std::string> values;
    for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
        std::ifstream in(task.path() / "status");
        for (std::string line; std::getline(in, line);)
            if (line.rfind(name + ":\t", 0) == 0) values.push_back(line.substr(name.size() + 2));
    }
    return values;
}

void expect_serving_as(const std::string& env, const std::string& uid) {
    temp_dir dir("runas");
    fs::path trace = dir / "trace.jsonl", err = dir / "err";
    std::ofstream(trace) << R"({"type":"exec","ts":1,"pid":2,"ppid":1,"comm":"id","uid":0})"
                         << "\n";
    fs::permissions(trace, fs::perms::owner_read | fs::perms::owner_write);  // root's 0600
    pid_t pid = start_serve(env, trace, err);
    ASSERT_NE(read_file(err).find("agentsight UI:"), std::string::npos) << read_file(err);
    auto uids = thread_field(pid, "Uid");
    EXPECT_GT(uids.size(), 1u) << "the server's threads";
    for (const auto& u : uids) EXPECT_EQ(u, uid + "\t" + uid + "\t" + uid + "\t" + uid);
    // And every one of them under the seccomp allowlist.
    for (const auto& mode : thread_field(pid, "Seccomp")) EXPECT_EQ(mode, "2");
    kill(pid, SIGTERM);
    int st = 0;
    waitpid(pid, &st, 0);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st;
}

TEST(serve, under_sudo_it_serves_as_the_invoking_user) {
    REQUIRE_ROOT();
    expect_serving_as("SUDO_UID=1 SUDO_GID=1", "1");
}

TEST(serve, as_plain_root_it_serves_as_nobody) {
    REQUIRE_ROOT();
    expect_serving_as("-u SUDO_UID -u SUDO_GID", "65534");
}

TEST(serve, a_public_bind_warns_once) {
    REQUIRE_ROOT();
    temp_dir dir("runas");
    fs::path trace = dir / "trace.jsonl", err = dir / "err";
    std::ofstream(trace) << "";
    pid_t pid = start_serve("", trace, err, "--bind 0.0.0.0");
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
    std::string text = read_file(err);
    EXPECT_NE(text.find("agentsight: warning: the agentsight UI listens on 0.0.0.0"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("warning: warning:"), std::string::npos) << text;
}

}  // namespace
}  // namespace agentsight::test
