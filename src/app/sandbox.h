// SPDX-License-Identifier: Apache-2.0
// Dropping privileges for good, for the process that parses captured bytes
// (tcpdump -Z and Wireshark's dumpcap split are the precedents): another user,
// no capabilities at all, no way back through execve, Landlock and a seccomp
// allowlist (sandbox_policy.h: what each still permits).
#pragma once

#include <string>

#include <sys/types.h>

#include "app/sandbox_policy.h"
#include "util/result.h"

namespace agentsight::cli {

struct sandbox_user {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;
};

// Resolves --user (a name or a uid); fails with a one-line message for an
// unknown user or for root.
result<sandbox_user> lookup_user(const std::string& name);

// Switches to `user` (when running as root), clears every capability set
// including the bounding set, points stdin at /dev/null, sets no_new_privs and
// applies Landlock and the seccomp allowlist for `policy`. Call while the
// process has one thread: credentials, Landlock and seccomp are per thread.
// `note` gets one line if the kernel lacks part of Landlock.
status enter_sandbox(const sandbox_user& user, const sandbox_policy& policy, std::string& note);

// For the capture process, once its probes are loaded and before it starts
// threads: keeps only what attaching uprobes at run time and reading the rings
// need (CAP_BPF, CAP_PERFMON), reading other users' /proc/PID/maps and
// libraries (CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH), and tidying the trace's
// directory at the end (CAP_DAC_OVERRIDE). The bounding set shrinks to match.
status keep_capture_capabilities();

}  // namespace agentsight::cli
