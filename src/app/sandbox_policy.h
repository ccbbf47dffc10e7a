// SPDX-License-Identifier: Apache-2.0
// What the analysis process may still do once sandboxed: the parts of the
// policy that depend on the run (docs/architecture.md §6 has the whole list).
#pragma once

#include <sys/types.h>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace agentsight::cli {

struct sandbox_policy {
    // The trace file: in its directory regular files may be created, written
    // and removed (a temporary file renamed into place, SQLite's companions);
    // the trace itself is also readable. "" = none.
    std::string output_path;
    // SQLite opens its -wal, -shm and -journal read-write, whenever it creates
    // them: files in the trace's directory are then readable too.
    bool output_companions = false;
    std::optional<uint16_t> connect_port;  // --otlp: TCP connect to this port only
    std::optional<uint16_t> bind_port;     // --ui: TCP bind to this port only (0: any free one)
    // Fd 0 is an input the caller opened (demo's story reads the trace there),
    // not the terminal: it is kept and may be read. Otherwise it becomes /dev/null.
    bool stdin_is_input = false;
    bool sockets() const { return connect_port || bind_port; }
};

// The seccomp program: an allowlist (see sandbox_seccomp.cpp). `self` is the
// process's tgid, the only one it may signal. `every_thread`: on the threads
// that already exist too (serve), not only on the caller and its future threads.
status install_seccomp_allowlist(const sandbox_policy& policy, pid_t self,
                                 bool every_thread = false);

// Landlock: no filesystem access beyond the policy, TCP only to the policy's
// ports, no signals or abstract sockets outside the sandbox. `note` gets one
// line when the kernel lacks part of it (the rest still applies).
status restrict_with_landlock(const sandbox_policy& policy, std::string& note);

}  // namespace agentsight::cli
