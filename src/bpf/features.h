// SPDX-License-Identifier: Apache-2.0
// Kernel feature and privilege probes, run before any BPF object is loaded so
// that a missing piece is reported once, clearly, with what to do about it.
#pragma once

#include <string>

#include "util/result.h"

namespace agentsight::bpf {

// Root, or CAP_BPF + CAP_PERFMON (+ CAP_SYS_RESOURCE for memlock on old kernels).
status check_privileges();
// /sys/kernel/btf/vmlinux exists: CO-RE relocation needs it.
status check_btf();
// Syscall tracepoints are attached through tracefs; mount it when it is not.
// Returns a note for the user when it had to mount it.
result<std::string> ensure_tracefs();
bool tracepoint_exists(const std::string& category, const std::string& name);

// Routes libbpf's own messages to stderr: warnings always, debug when verbose.
void set_libbpf_verbosity(bool verbose);

// "attach uprobe: No such file or directory" from a negative errno-style code.
std::string errno_message(int err);

}  // namespace agentsight::bpf
