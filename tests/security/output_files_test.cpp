// SPDX-License-Identifier: Apache-2.0
// Issue 16, findings 1, 2 and 6: every file agentsight writes, attacked.
// Another user (or the agent) prepares the output's name in a directory they
// control: a symlink to a file root owns, a FIFO, a file of their own, or a
// link where SQLite will put its WAL. agentsight, run as root, must refuse
// with one clear line and leave the target alone. Traces it does write are
// 0600 and, under sudo, the invoking user's. And the privileged capture
// process never opens the SQLite trace that the sandboxed writer produced.
#include <fcntl.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "e2e_harness.h"

namespace agentsight::test {
namespace {

using namespace e2e;
namespace fs = std::filesystem;

const std::string k_precious = "echo 'not to be overwritten by a trace'\n";

// A root-owned file outside the attacker's reach, like /root/.bashrc.
std::string make_victim(const temp_dir& dir) {
    std::string v = dir / "victim";
    std::ofstream(v) << k_precious;
    return v;
}

cmd_result agentsight(const std::string& dir, const std::string& args,
                      const std::string& env = "") {
    return run("cd " + sq(dir) + " && " + env + " timeout -s KILL 30 " + sq(agentsight_bin()) +
               " " + args);
}

// Failed harmlessly: not killed, non-zero, and one "agentsight: " line naming
// `what`, after `notes` lines the command prints before it opens its output.
void expect_refusal(const cmd_result& r, const std::string& what, int notes = 0) {
    EXPECT_EQ(r.signal, 0);
    EXPECT_NE(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.rfind("agentsight: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1 + notes) << r.err;
    const auto last = r.err.rfind('\n', r.err.size() - 2);
    const std::string error_line = r.err.substr(last == std::string::npos ? 0 : last + 1);
    EXPECT_NE(error_line.find("agentsight: " + what), std::string::npos)
        << "no '" << what << "' in the error line: " << r.err;
}

struct stat stat_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
    return st;
}

std::string sample_trace() {
    return source_dir() + "/tests/data/fuzz/trace_reader/anthropic_stream.jsonl";
}

TEST(output_files, record_does_not_write_through_a_planted_symlink) {
    REQUIRE_ROOT();
    for (const std::string name : {"trace.jsonl", "trace.db"}) {
        SCOPED_TRACE(name);
        temp_dir dir("sym");
        std::string victim = make_victim(dir);
        fs::create_symlink(victim, dir / name);
        auto r = agentsight(dir.path(), "record -q -o " + name + " -- touch ran");
        expect_refusal(r, name + ": is a symbolic link");
        EXPECT_EQ(read_file(victim), k_precious);
        EXPECT_FALSE(fs::exists(dir / "ran")) << "the command ran without a trace";
        // A dangling one must not create its target either.
        fs::remove(dir / name);
        fs::create_symlink(dir / "created-by-root", dir / name);
        expect_refusal(agentsight(dir.path(), "record -q -o " + name + " -- true"),
                       name + ": is a symbolic link");
        EXPECT_FALSE(fs::exists(dir / "created-by-root"));
    }
}

TEST(output_files, record_does_not_write_through_a_planted_sqlite_sidecar) {
    REQUIRE_ROOT();
    for (const std::string sidecar : {"-wal", "-shm", "-journal"}) {
        SCOPED_TRACE(sidecar);
        temp_dir dir("sidecar");
        std::string victim = make_victim(dir);
        fs::create_symlink(victim, dir / ("trace.db" + sidecar));
        auto r = agentsight(dir.path(), "record -q -o trace.db -- true");
        expect_refusal(r, "trace.db" + sidecar + ": is a symbolic link");
        EXPECT_EQ(read_file(victim), k_precious);
        EXPECT_EQ(stat_of(victim).st_size, off_t(k_precious.size()));
    }
}

TEST(output_files, demo_does_not_write_through_a_planted_symlink) {
    REQUIRE_ROOT();
    temp_dir dir("demo");
    std::string victim = make_victim(dir);
    fs::create_symlink(victim, dir / "agentsight-demo.jsonl");
    auto r = agentsight(dir.path(), "demo");
    expect_refusal(r, "agentsight-demo.jsonl: is a symbolic link", 1);  // after "demo: mock LLM at"
    EXPECT_EQ(read_file(victim), k_precious);
}

TEST(output_files, export_does_not_write_through_a_planted_symlink) {
    REQUIRE_ROOT();
    for (const std::string name : {"out.jsonl", "out.db"}) {
        SCOPED_TRACE(name);
        temp_dir dir("export");
        std::string victim = make_victim(dir);
        fs::create_symlink(victim, dir / name);
        auto r = agentsight(dir.path(), "export " + sq(sample_trace()) + " -o " + name);
        expect_refusal(r, name + ": is a symbolic link");
        EXPECT_EQ(read_file(victim), k_precious);
    }
}

TEST(output_files, another_users_file_is_not_reused) {
    REQUIRE_ROOT();
    // Made by the attacker, world-writable, perhaps held open to read the trace.
    temp_dir dir("theirs");
    std::string theirs = dir / "trace.jsonl";
    std::ofstream(theirs) << "theirs\n";
    ASSERT_EQ(::chown(theirs.c_str(), 65534, 65534), 0);
    ::chmod(theirs.c_str(), 0666);
    auto r = agentsight(dir.path(), "record -q -o trace.jsonl -- true");
    expect_refusal(r, "trace.jsonl: belongs to uid 65534");
    EXPECT_EQ(read_file(theirs), "theirs\n");
}

TEST(output_files, a_fifo_as_output_is_an_error_not_a_hang) {
    REQUIRE_ROOT();
    temp_dir dir("fifo");
    for (const std::string name : {"trace.jsonl", "trace.db"}) {
        SCOPED_TRACE(name);
        ASSERT_EQ(::mkfifo((dir / name).c_str(), 0666), 0);
        auto rec = agentsight(dir.path(), "record -q -o " + name + " -- true");
        expect_refusal(rec, name + ": is a FIFO");
        EXPECT_LT(rec.seconds, 10);
        auto ex = agentsight(dir.path(), "export " + sq(sample_trace()) + " -o " + name);
        expect_refusal(ex, name + ": is a FIFO");
        EXPECT_LT(ex.seconds, 10);
    }
}

// Simulated sudo: root with SUDO_UID/SUDO_GID, and a umask that would make
// anything created with the default mode world-writable.
TEST(output_files, traces_are_0600_and_belong_to_the_user_behind_sudo) {
    REQUIRE_ROOT();
    temp_dir dir("sudo");
    ::chmod(dir.path().c_str(), 0755);
    const std::string sudo = "umask 000 && SUDO_UID=65534 SUDO_GID=65534 SUDO_USER=nobody";
    auto record = [&](const std::string& out) {
        auto r = agentsight(dir.path(), "record -q -o " + out + " -- true", sudo);
        EXPECT_EQ(r.exit_code, 0) << r.err;
    };
    auto exported = [&](const std::string& out) {
        auto r = agentsight(dir.path(), "export " + sq(sample_trace()) + " -o " + out, sudo);
        EXPECT_EQ(r.exit_code, 0) << r.err;
    };
    record("rec.jsonl");
    record("rec.db");
    exported("exp.jsonl");
    exported("exp.db");
    // Overwriting their own earlier trace keeps it theirs and private.
    record("rec.jsonl");
    exported("exp.db");
    for (const std::string name : {"rec.jsonl", "rec.db", "exp.jsonl", "exp.db"}) {
        SCOPED_TRACE(name);
        auto st = stat_of(dir / name);
        EXPECT_TRUE(S_ISREG(st.st_mode));
        EXPECT_EQ(st.st_mode & 07777, 0600u);
        EXPECT_EQ(st.st_uid, 65534u);
        EXPECT_EQ(st.st_gid, 65534u);
        EXPECT_GT(st.st_size, 0);
    }
    for (const std::string name : {"rec.db", "exp.db"})
        for (const std::string sidecar : {"-wal", "-shm", "-journal"})
            EXPECT_FALSE(fs::exists(dir / (name + sidecar))) << name << sidecar;
    // The user reads their trace without root.
    auto as_user = run("setpriv --reuid=65534 --regid=65534 --clear-groups cat " +
                       sq(dir / "rec.jsonl") + " >/dev/null");
    EXPECT_EQ(as_user.exit_code, 0) << as_user.err;
}

// Finding 6: the analysis process (nobody, in a directory it cannot enter)
// finishes its own store; the capture process, still privileged, must not
// open the trace afterwards to tidy it. fanotify names every opener's pid.
TEST(output_files, the_capture_process_never_opens_the_sqlite_trace) {
    REQUIRE_ROOT();
    temp_dir dir("finish");
    ::chmod(dir.path().c_str(), 0700);
    int fan = fanotify_init(FAN_CLASS_NOTIF | FAN_NONBLOCK | FAN_CLOEXEC, O_RDONLY | O_CLOEXEC);
    REQUIRE_PREREQ(fan >= 0, "fanotify");
    ASSERT_EQ(fanotify_mark(fan, FAN_MARK_ADD, FAN_OPEN | FAN_EVENT_ON_CHILD, AT_FDCWD,
                            dir.path().c_str()),
              0);
    const std::string db = dir / "x.db";
    pid_t recorder = fork();
    if (recorder == 0) {
        int null = ::open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        execl(agentsight_bin().c_str(), "agentsight", "record", "-q", "-o", db.c_str(), "--",
              "true", nullptr);
        _exit(127);
    }
    int st = 0;
    ASSERT_EQ(waitpid(recorder, &st, 0), recorder);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st;
    size_t opens = 0, by_capture = 0;
    alignas(fanotify_event_metadata) char buf[16384];
    for (ssize_t n; (n = ::read(fan, buf, sizeof buf)) > 0;) {
        auto* m = reinterpret_cast<fanotify_event_metadata*>(buf);
        for (; FAN_EVENT_OK(m, n); m = FAN_EVENT_NEXT(m, n)) {
            ++opens;
            if (m->pid == recorder) ++by_capture;
            if (m->fd >= 0) ::close(m->fd);
        }
    }
    ::close(fan);
    EXPECT_GT(opens, 0u) << "the analysis process wrote the trace";
    EXPECT_EQ(by_capture, 0u) << "the privileged capture process opened the trace";
    // Complete, self-contained and valid, with no WAL or index left behind.
    EXPECT_FALSE(fs::exists(db + "-wal"));
    EXPECT_FALSE(fs::exists(db + "-shm"));
    EXPECT_EQ(shell("sqlite3 " + sq(db) + " 'PRAGMA integrity_check'"), "ok\n");
    EXPECT_EQ(
        shell("sqlite3 " + sq(db) +
              " \"select count(*) from events where type in ('session_start','session_end')\""),
        "2\n");
    EXPECT_FALSE(fs::exists(db + "-wal")) << "left by the check itself";
}

}  // namespace
}  // namespace agentsight::test
