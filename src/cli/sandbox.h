// Dropping privileges for good, for the process that parses captured bytes
// (tcpdump -Z and Wireshark's dumpcap split are the precedents): another user,
// no capabilities at all, no way back through execve, and a seccomp filter.
#pragma once

#include <string>

#include <sys/types.h>

#include "util/result.h"

namespace agentsight::cli {

struct sandbox_user {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;
};

// Resolves --user; fails with a one-line message for an unknown name.
result<sandbox_user> lookup_user(const std::string& name);

// Switches to `user` (when running as root), clears every capability set
// including the bounding set, sets no_new_privs and installs the seccomp
// filter. Call while the process has one thread: credentials are per thread.
status enter_sandbox(const sandbox_user& user);

// For the capture process, once its probes are loaded and before it starts
// threads: keeps only what attaching uprobes at run time and reading the rings
// need (CAP_BPF, CAP_PERFMON), reading other users' /proc/PID/maps and
// libraries (CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH), and tidying the trace's
// directory at the end (CAP_DAC_OVERRIDE). The bounding set shrinks to match.
status keep_capture_capabilities();

// The seccomp filter alone (enter_sandbox installs it): kills the process on
// syscalls an analysis process never needs (exec, fork, ptrace, bpf, mount,
// module loading, namespaces, io_uring, credential changes, TIOCSTI).
status install_seccomp_filter();

}  // namespace agentsight::cli
