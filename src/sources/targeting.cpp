// SPDX-License-Identifier: Apache-2.0
#include "sources/targeting.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string_view>

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace agentsight {
namespace {

// pid -> ppid for every process, from /proc/PID/stat.
std::map<int32_t, int32_t> parent_map() {
    std::map<int32_t, int32_t> parents;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
        const std::string name = entry.path().filename();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream stat(entry.path() / "stat");
        std::string line;
        if (!std::getline(stat, line)) continue;
        // "pid (comm) state ppid ...": comm may hold spaces and parens.
        auto close = line.rfind(')');
        if (close == std::string::npos || close + 4 > line.size()) continue;
        int32_t ppid = std::atoi(line.c_str() + close + 4);
        parents[std::atoi(name.c_str())] = ppid;
    }
    return parents;
}

// Exited but not yet reaped by its parent: kill(pid, 0) still succeeds, yet
// the process will never run again. (A leader that exited while its other
// threads run also shows "Z", but with more than one thread.)
bool is_zombie(int32_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    bool zombie = false;
    int threads = 0;
    while (std::getline(status, line)) {
        if (line.rfind("State:", 0) == 0) zombie = line.find('Z') != std::string::npos;
        if (line.rfind("Threads:", 0) == 0) threads = std::atoi(line.c_str() + 8);
    }
    return zombie && threads <= 1;
}

std::vector<int32_t> descendants(const std::vector<int32_t>& roots) {
    auto parents = parent_map();
    std::vector<int32_t> out = roots;
    for (size_t i = 0; i < out.size(); ++i)
        for (auto [pid, ppid] : parents)
            if (ppid == out[i]) out.push_back(pid);
    return out;
}

// Our environment with HOME, USER and LOGNAME naming `as`: a HOME left at
// /root (sudo's usual policy) would send the agent to a home it cannot use.
std::vector<std::string> environment_for(const command_identity& as) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
        std::string_view v(*e);
        if (v.starts_with("HOME=") || v.starts_with("USER=") || v.starts_with("LOGNAME=")) continue;
        env.emplace_back(v);
    }
    env.push_back("HOME=" + as.home);
    env.push_back("USER=" + as.name);
    env.push_back("LOGNAME=" + as.name);
    return env;
}

std::vector<char*> pointers(const std::vector<std::string>& strings) {
    std::vector<char*> p;
    for (const auto& s : strings) p.push_back(const_cast<char*>(s.c_str()));
    p.push_back(nullptr);
    return p;
}

// In the child, between fork and exec: async-signal-safe calls only.
bool become(const command_identity& as) {
    if (setgroups(as.groups.size(), as.groups.data()) != 0) return false;
    if (setresgid(as.gid, as.gid, as.gid) != 0) return false;
    if (setresuid(as.uid, as.uid, as.uid) != 0) return false;
    if (as.uid != 0 && setuid(0) == 0) {  // root must be gone for good
        errno = EPERM;
        return false;
    }
    return true;
}

}  // namespace

std::string comm_of(int32_t pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/comm");
    std::string c;
    std::getline(f, c);
    return c;
}

result<held_command> held_command::spawn(const std::vector<std::string>& argv,
                                         const std::optional<command_identity>& as) {
    // Everything the child needs is built here: after fork it may not allocate.
    std::vector<char*> args = pointers(argv);
    std::vector<std::string> env_strings = as ? environment_for(*as) : std::vector<std::string>{};
    std::vector<char*> env = as ? pointers(env_strings) : std::vector<char*>{};
    int gate[2];
    if (pipe2(gate, O_CLOEXEC) != 0) return error{std::string("pipe: ") + strerror(errno)};
    pid_t pid = fork();
    if (pid < 0) return error{std::string("fork: ") + strerror(errno)};
    if (pid == 0) {
        close(gate[1]);
        char go;
        if (read(gate[0], &go, 1) != 1) _exit(126);  // the tracer gave up
        if (as && !become(*as)) {
            fprintf(stderr, "agentsight: cannot run %s as %s: %s\n", args[0], as->name.c_str(),
                    strerror(errno));
            _exit(126);
        }
        if (as)
            execvpe(args[0], args.data(), env.data());
        else
            execvp(args[0], args.data());
        fprintf(stderr, "agentsight: cannot run %s: %s\n", args[0], strerror(errno));
        _exit(errno == ENOENT ? 127 : 126);
    }
    close(gate[0]);
    return held_command(pid, gate[1], int(syscall(SYS_pidfd_open, pid, 0)));
}

held_command::held_command(held_command&& o) noexcept
    : pid_(std::exchange(o.pid_, 0)),
      gate_fd_(std::exchange(o.gate_fd_, -1)),
      pidfd_(std::exchange(o.pidfd_, -1)) {}

held_command::~held_command() {
    if (gate_fd_ >= 0) close(gate_fd_);  // an unreleased child exits with 126
    if (pidfd_ >= 0) close(pidfd_);
}

void held_command::await_exit(int timeout_ms) const {
    if (pidfd_ < 0) {
        usleep(useconds_t(timeout_ms) * 1000);
        return;
    }
    pollfd p{pidfd_, POLLIN, 0};
    poll(&p, 1, timeout_ms);  // EINTR: a signal for the caller to look at
}

void held_command::release() {
    if (gate_fd_ < 0) return;
    char go = 1;
    if (write(gate_fd_, &go, 1) != 1) { /* child already gone: poll_exit reports it */
    }
    close(gate_fd_);
    gate_fd_ = -1;
}

int held_command::poll_exit() {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r != pid_) return -1;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

std::vector<int32_t> process_tree(int32_t root) {
    return descendants({root});
}

std::vector<int32_t> processes_named(const std::string& comm) {
    std::vector<int32_t> roots;
    for (auto [pid, ppid] : parent_map())
        if (comm_of(pid) == comm) roots.push_back(pid);
    return descendants(roots);
}

bool process_exists(int32_t pid) {
    if (pid <= 0 || (kill(pid, 0) != 0 && errno != EPERM)) return false;
    return !is_zombie(pid);
}

}  // namespace agentsight
