// SPDX-License-Identifier: Apache-2.0
// The analysis process's sandbox (issue 16, finding 5), attacked from inside: each test forks,
// enters the sandbox as the real analysis process does, performs one thing a compromised parser
// would try, and reports the outcome to the parent.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "app/sandbox.h"
#include "harness.h"

namespace agentsight::cli {
namespace {

namespace fs = std::filesystem;

sandbox_user nobody() {
    auto u = lookup_user("nobody");
    if (!u) ADD_FAILURE() << u.message();
    return u ? *u : sandbox_user{};
}

// What happened to one attempt: killed by the seccomp filter, or the errno it
// got (0: it succeeded).
struct outcome {
    bool killed = false;
    int err = -1;
    bool denied(std::initializer_list<int> expected) const {
        return killed || std::find(expected.begin(), expected.end(), err) != expected.end();
    }
    bool denied(int expected) const { return denied({expected}); }
};

std::ostream& operator<<(std::ostream& os, const outcome& o) {
    return os << (o.killed ? std::string("killed by SIGSYS")
                           : "errno " + std::to_string(o.err) + " (" + strerror(o.err) + ")");
}

// Runs `attack` in a child that has entered the sandbox; the attack returns
// 0 on success or the errno it met.
outcome attempt(const sandbox_policy& policy, const std::function<int()>& attack) {
    sandbox_user user = nobody();
    pid_t pid = fork();
    if (pid == 0) {
        std::string note;
        if (!enter_sandbox(user, policy, note)) _exit(250);
        _exit(attack());
    }
    int st = 0;
    waitpid(pid, &st, 0);
    if (WIFSIGNALED(st)) return {WTERMSIG(st) == SIGSYS, WTERMSIG(st) == SIGSYS ? 0 : -2};
    EXPECT_NE(WEXITSTATUS(st), 250) << "enter_sandbox failed";
    return {false, WEXITSTATUS(st)};
}

int result_of(long rc) {
    return rc < 0 ? errno : 0;
}

// A directory the sandbox user may write, as the trace's directory is.
struct output_dir {
    fs::path path;
    output_dir() {
        char tmpl[] = "/tmp/agentsight-sandbox-XXXXXX";
        path = mkdtemp(tmpl);
        sandbox_user u = nobody();
        EXPECT_EQ(chown(path.c_str(), u.uid, u.gid), 0);
    }
    ~output_dir() { fs::remove_all(path); }
    sandbox_policy policy() const {
        return {.output_path = (path / "trace.db").string(), .output_companions = true};
    }
};

// A TCP listener on loopback: the port a compromised parser would send plaintext to.
struct listener {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    uint16_t port = 0;
    listener() {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
        EXPECT_EQ(listen(fd, 8), 0);
        socklen_t len = sizeof a;
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        port = ntohs(a.sin_port);
    }
    ~listener() { close(fd); }
};

int connect_to(uint16_t port) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) return errno;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return result_of(connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a));
}

int bind_to(uint16_t port) {
    int s = socket(AF_INET6, SOCK_STREAM, 0);
    if (s < 0) return errno;
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    a.sin6_addr = in6addr_loopback;
    return result_of(bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a));
}

TEST(sandbox_attack, connect_to_a_local_port_without_otlp_is_denied) {
    REQUIRE_ROOT();
    listener l;
    auto o = attempt({}, [&] { return connect_to(l.port); });
    EXPECT_TRUE(o.denied(EPERM)) << o;
}

TEST(sandbox_attack, with_otlp_only_the_collector_port_is_reachable) {
    REQUIRE_ROOT();
    listener collector, other;
    sandbox_policy p{.connect_port = collector.port};
    auto elsewhere = attempt(p, [&] { return connect_to(other.port); });
    EXPECT_TRUE(elsewhere.denied(EACCES)) << elsewhere;
    auto allowed = attempt(p, [&] { return connect_to(collector.port); });
    EXPECT_EQ(allowed.err, 0) << allowed;
    auto udp = attempt(p, [] { return result_of(socket(AF_INET, SOCK_DGRAM, 0)); });
    EXPECT_TRUE(udp.denied(EPERM)) << udp;
    auto unix_socket = attempt(p, [] { return result_of(socket(AF_UNIX, SOCK_STREAM, 0)); });
    EXPECT_TRUE(unix_socket.denied(EPERM)) << unix_socket;
}

TEST(sandbox_attack, with_ui_only_the_ui_port_can_be_bound) {
    REQUIRE_ROOT();
    listener taken;  // a port known to exist; binding elsewhere must fail before EADDRINUSE
    sandbox_policy p{.bind_port = 39517};
    auto elsewhere = attempt(p, [&] { return bind_to(39518); });
    EXPECT_TRUE(elsewhere.denied(EACCES)) << elsewhere;
    auto allowed = attempt(p, [&] { return bind_to(39517); });
    EXPECT_EQ(allowed.err, 0) << allowed;
    auto outbound = attempt(p, [&] { return connect_to(taken.port); });
    EXPECT_TRUE(outbound.denied(EACCES)) << outbound;
}

TEST(sandbox_attack, reading_etc_passwd_is_denied) {
    REQUIRE_ROOT();
    output_dir dir;
    auto o = attempt(dir.policy(), [] { return result_of(open("/etc/passwd", O_RDONLY)); });
    EXPECT_TRUE(o.denied(EACCES)) << o;
}

TEST(sandbox_attack, symlinks_in_tmp_and_in_the_output_dir_are_denied) {
    REQUIRE_ROOT();
    output_dir dir;
    std::string in_tmp = "/tmp/agentsight-sandbox-link-" + std::to_string(getpid());
    auto tmp =
        attempt(dir.policy(), [&] { return result_of(symlink("/root/.bashrc", in_tmp.c_str())); });
    // ENOSYS from the seccomp filter, which has no symlink call at all; EACCES from Landlock.
    EXPECT_TRUE(tmp.denied({ENOSYS, EACCES})) << tmp;
    EXPECT_FALSE(fs::is_symlink(in_tmp));
    std::string beside = (dir.path / "trace.jsonl").string();
    auto out =
        attempt(dir.policy(), [&] { return result_of(symlink("/root/.bashrc", beside.c_str())); });
    EXPECT_TRUE(out.denied({ENOSYS, EACCES})) << out;
    auto file_in_tmp = attempt(dir.policy(), [&] {
        return result_of(open(in_tmp.c_str(), O_CREAT | O_WRONLY | O_EXCL, 0600));
    });
    EXPECT_TRUE(file_in_tmp.denied(EACCES)) << file_in_tmp;
    fs::remove(in_tmp);
}

TEST(sandbox_attack, fifos_and_devices_are_denied_in_the_output_dir) {
    REQUIRE_ROOT();
    output_dir dir;
    std::string fifo = (dir.path / "libssl.so.3").string();
    auto o = attempt(dir.policy(), [&] { return result_of(mkfifo(fifo.c_str(), 0600)); });
    EXPECT_TRUE(o.denied(EACCES)) << o;
    EXPECT_FALSE(fs::exists(fifo));
}

TEST(sandbox_attack, writable_executable_memory_is_denied) {
    REQUIRE_ROOT();
    auto map = attempt({}, [] {
        void* p = mmap(nullptr, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        return p == MAP_FAILED ? errno : 0;
    });
    EXPECT_TRUE(map.denied(EPERM)) << map;
    auto change = attempt({}, [] {
        void* p = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) return 100;
        return result_of(mprotect(p, 4096, PROT_READ | PROT_WRITE | PROT_EXEC));
    });
    EXPECT_TRUE(change.denied(EPERM)) << change;
}

TEST(sandbox_attack, signals_to_another_process_of_the_same_user_are_denied) {
    REQUIRE_ROOT();
    sandbox_user u = nobody();
    pid_t victim = fork();  // another `nobody` process, outside the sandbox
    if (victim == 0) {
        if (setresgid(u.gid, u.gid, u.gid) != 0 || setresuid(u.uid, u.uid, u.uid) != 0) _exit(1);
        pause();
        _exit(0);
    }
    usleep(20000);
    auto k = attempt({}, [&] { return result_of(kill(victim, SIGKILL)); });
    EXPECT_TRUE(k.denied(EPERM)) << k;
    auto tg = attempt({}, [&] { return result_of(syscall(SYS_tgkill, victim, victim, SIGKILL)); });
    EXPECT_TRUE(tg.denied(EPERM)) << tg;
    auto pidfd = attempt({}, [&] { return result_of(syscall(SYS_pidfd_open, victim, 0)); });
    EXPECT_TRUE(pidfd.denied(EPERM)) << pidfd;
    EXPECT_EQ(waitpid(victim, nullptr, WNOHANG), 0) << "the victim was killed";
    kill(victim, SIGKILL);
    waitpid(victim, nullptr, 0);
}

TEST(sandbox_attack, the_terminal_cannot_be_read) {
    REQUIRE_ROOT();
    auto stdin_is_null = attempt({}, [] {
        struct stat st {};
        if (fstat(0, &st) != 0) return errno;
        return S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3) ? 0 : 100;
    });
    EXPECT_EQ(stdin_is_null.err, 0) << stdin_is_null;
    for (int fd : {0, 1, 2}) {
        char c;
        auto o = attempt({}, [&] { return result_of(read(fd, &c, 1)); });
        EXPECT_TRUE(o.denied(EPERM)) << "fd " << fd << ": " << o;
    }
}

TEST(sandbox_attack, exec_fork_and_namespaces_kill_the_process) {
    REQUIRE_ROOT();
    auto ex = attempt({}, [] { return result_of(execl("/bin/true", "true", nullptr)); });
    EXPECT_TRUE(ex.killed) << ex;
    auto fk = attempt({}, [] { return fork() >= 0 ? 0 : errno; });
    EXPECT_TRUE(fk.killed) << fk;
    auto ns = attempt({}, [] { return result_of(unshare(0)); });
    EXPECT_TRUE(ns.killed) << ns;
}

TEST(sandbox_attack, a_trace_on_a_device_opens_nothing_beside_it) {
    REQUIRE_ROOT();
    // -o /dev/stdout: /dev is not the trace's directory to write in.
    auto o = attempt({.output_path = "/dev/stdout"},
                     [] { return result_of(open("/dev/tty", O_WRONLY | O_NOCTTY)); });
    EXPECT_TRUE(o.denied(EACCES)) << o;
}

TEST(sandbox, an_input_on_stdin_stays_readable_when_asked) {
    REQUIRE_ROOT();
    // demo's story: the trace is dup'ed onto fd 0 and read there.
    int p[2];
    ASSERT_EQ(pipe(p), 0);
    ASSERT_EQ(write(p[1], "x", 1), 1);
    close(p[1]);
    int saved = dup(STDIN_FILENO);
    dup2(p[0], STDIN_FILENO);
    auto input = attempt({.stdin_is_input = true}, [] {
        char c = 0;
        return read(STDIN_FILENO, &c, 1) == 1 && c == 'x' ? 0 : 100;
    });
    auto terminal = attempt({.stdin_is_input = true}, [] {
        char c;
        return result_of(read(STDERR_FILENO, &c, 1));
    });
    dup2(saved, STDIN_FILENO);
    close(saved);
    close(p[0]);
    EXPECT_EQ(input.err, 0) << input;
    EXPECT_TRUE(terminal.denied(EPERM)) << terminal;
}

TEST(sandbox, the_trace_directory_and_threads_still_work) {
    REQUIRE_ROOT();
    output_dir dir;
    std::ofstream(dir.path / "trace.db") << "";
    sandbox_user u = nobody();
    ASSERT_EQ(chown((dir.path / "trace.db").c_str(), u.uid, u.gid), 0);
    auto o = attempt(dir.policy(), [&] {
        int v = 0;
        std::thread t([&] { v = 7; });
        t.join();
        if (v != 7) return 101;
        // What SQLite does beside its database: create, write, read back, remove.
        std::string wal = (dir.path / "trace.db-journal").string();
        int fd = open(wal.c_str(), O_CREAT | O_RDWR | O_EXCL | O_NOFOLLOW, 0600);
        if (fd < 0) return errno;
        if (write(fd, "x", 1) != 1 || ftruncate(fd, 0) != 0) return 102;
        close(fd);
        if (unlink(wal.c_str()) != 0) return errno;
        std::string trace = (dir.path / "trace.db").string();
        fd = open(trace.c_str(), O_RDWR);
        return fd < 0 ? errno : 0;
    });
    EXPECT_EQ(o.err, 0) << o;
}

TEST(sandbox, signals_to_itself_work_and_unlisted_calls_get_enosys) {
    REQUIRE_ROOT();
    auto own = attempt({}, [] {
        signal(SIGUSR1, [](int) {});
        return raise(SIGUSR1) == 0 ? 0 : errno;  // tgkill on its own tgid
    });
    EXPECT_EQ(own.err, 0) << own;
    // sync(2) is in no list: the answer of a kernel without it, not a kill.
    auto unlisted = attempt({}, [] { return result_of(syscall(SYS_sync)); });
    EXPECT_EQ(unlisted.err, ENOSYS) << unlisted;
}

// /proc/PID/status of a sandboxed child, read by the parent: Landlock keeps
// the child itself out of /proc.
std::map<std::string, std::string> sandboxed_status() {
    sandbox_user user = nobody();
    int ready[2];
    EXPECT_EQ(pipe(ready), 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(ready[0]);
        std::string note;
        if (!enter_sandbox(user, {}, note)) _exit(1);
        if (write(ready[1], "R", 1) != 1) _exit(2);
        pause();
        _exit(0);
    }
    close(ready[1]);
    char c = 0;
    std::map<std::string, std::string> fields;
    if (read(ready[0], &c, 1) == 1) {
        std::ifstream in("/proc/" + std::to_string(pid) + "/status");
        for (std::string line; std::getline(in, line);)
            if (auto colon = line.find(':'); colon != std::string::npos)
                fields[line.substr(0, colon)] =
                    line.substr(std::min(line.size(), line.find_first_not_of(" \t", colon + 1)));
    }
    close(ready[0]);
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    return fields;
}

TEST(sandbox_attack, beside_a_jsonl_trace_nothing_can_be_read) {
    REQUIRE_ROOT();
    output_dir dir;
    std::ofstream(dir.path / ".env") << "SECRET=1\n";
    sandbox_policy p{.output_path = (dir.path / "trace.jsonl").string()};
    std::string env = (dir.path / ".env").string();
    auto o = attempt(p, [&] { return result_of(open(env.c_str(), O_RDONLY)); });
    EXPECT_TRUE(o.denied(EACCES)) << o;
    std::string temp = (dir.path / "trace.jsonl.tmp").string();
    auto created = attempt(p, [&] {
        return result_of(open(temp.c_str(), O_CREAT | O_WRONLY | O_EXCL | O_NOFOLLOW, 0600));
    });
    EXPECT_EQ(created.err, 0) << created;
}

TEST(sandbox, root_becomes_the_user_with_no_capabilities) {
    REQUIRE_ROOT();
    sandbox_user user = nobody();
    auto st = sandboxed_status();
    ASSERT_FALSE(st.empty()) << "the child did not enter the sandbox";
    for (const char* cap : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"})
        EXPECT_EQ(st[cap], "0000000000000000") << cap;
    EXPECT_EQ(st["NoNewPrivs"], "1");
    EXPECT_EQ(st["Seccomp"], "2");
    std::string id = std::to_string(user.uid), gid = std::to_string(user.gid);
    EXPECT_EQ(st["Uid"], id + "\t" + id + "\t" + id + "\t" + id);
    EXPECT_EQ(st["Gid"], gid + "\t" + gid + "\t" + gid + "\t" + gid);
    EXPECT_EQ(st["Groups"], "");
}

TEST(sandbox, an_unknown_user_is_a_one_line_error) {
    auto u = lookup_user("no-such-user-agentsight");
    ASSERT_FALSE(u);
    EXPECT_EQ(u.message(), "--user no-such-user-agentsight: no such user");
}

TEST(sandbox, root_is_refused_as_the_analysis_user) {
    auto u = lookup_user("root");
    ASSERT_FALSE(u);
    EXPECT_NE(u.message().find("must not run as root"), std::string::npos) << u.message();
}

}  // namespace
}  // namespace agentsight::cli
