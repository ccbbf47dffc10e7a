// SPDX-License-Identifier: Apache-2.0
#include "bpf/detach_holder.h"

#include <cerrno>
#include <cstring>

#include <dirent.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace agentsight::bpf {
namespace {

// Whether an fd is a kernel BPF object or perf event, from its /proc/self/fd link:
// "anon_inode:bpf-link", "anon_inode:bpf-prog", "anon_inode:bpf-map",
// "anon_inode:[perf_event]".
bool is_probe_fd(int dir_fd, const char* name) {
    char target[64];
    ssize_t n = readlinkat(dir_fd, name, target, sizeof target - 1);
    if (n <= 0) return false;
    target[n] = '\0';
    return std::strncmp(target, "anon_inode:bpf", 14) == 0 ||
           std::strcmp(target, "anon_inode:[perf_event]") == 0;
}

// In the forked child of a multi-threaded process: raw syscalls only, no allocation.
// Keeps the probe descriptors and `keep`; closes every other one (pipes, sockets, the
// terminal, pidfds), so that nobody waiting for an EOF from us waits for the holder.
void close_all_but_probes(int keep) {
    int dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return;
    alignas(8) char buf[4096];
    for (;;) {
        long n = syscall(SYS_getdents64, dir, buf, sizeof buf);
        if (n <= 0) break;
        for (long at = 0; at < n;) {
            auto* d = reinterpret_cast<struct dirent64*>(buf + at);
            at += d->d_reclen;
            if (d->d_name[0] < '0' || d->d_name[0] > '9') continue;
            int fd = 0;
            for (const char* c = d->d_name; *c; ++c) fd = fd * 10 + (*c - '0');
            if (fd == dir || fd == keep || is_probe_fd(dir, d->d_name)) continue;
            close(fd);
        }
    }
    close(dir);
}

[[noreturn]] void hold(int go_fd) {
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
    }
    close_all_but_probes(go_fd);
    setsid();  // out of the terminal's process group: a Ctrl-C is not for it
    prctl(PR_SET_NAME, "agentsight-det", 0, 0, 0);
    char c;
    while (read(go_fd, &c, 1) < 0 && errno == EINTR) {  // EOF: the recorder let go
    }
    _exit(0);  // the last references go here: the kernel's waits are paid by this process
}

}  // namespace

detach_holder::detach_holder() {
    int go[2];
    if (pipe2(go, O_CLOEXEC) != 0) return;
    pid_t pid = fork();
    if (pid == 0) {
        close(go[1]);
        hold(go[0]);
    }
    close(go[0]);
    if (pid < 0) {
        close(go[1]);
        return;
    }
    pid_ = pid;
    go_fd_ = go[1];
}

void detach_holder::release() {
    if (go_fd_ >= 0) close(go_fd_);
    go_fd_ = -1;
}

detach_holder::~detach_holder() {
    release();
}

}  // namespace agentsight::bpf
