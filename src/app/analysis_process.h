// SPDX-License-Identifier: Apache-2.0
// The unprivileged half of a recording. Forked by run_capture before any BPF
// object exists, it opens the trace file while it still can, drops to --user
// with no capabilities and a seccomp filter, and only then parses: HTTP, SSE
// and JSON are attacker-controlled bytes. It reads events from the capture
// process over a socket (frame_channel.h) until that stream ends.
#pragma once

#include <string>

#include "app/capture_run.h"
#include "app/sandbox.h"

namespace agentsight::cli {

struct analysis_process_args {
    std::string session_id;
    sandbox_user user;
    int events_fd = -1;  // frames from the capture process
    int ready_fd = -1;   // one byte once the outputs are open and privileges dropped
};

// The capture process's handle on the analysis process.
struct analysis_child {
    pid_t pid = -1;
    int events_fd = -1;  // write frames here (event_forwarder)
    // Reaps the process: its exit status, or 1 after one line on how it died.
    int wait();
};

// Forks the analysis process and returns once it is ready. If it cannot
// start (an output that cannot be opened, --user unusable), it has printed
// why, and this throws a failure with its exit status.
analysis_child spawn_analysis(capture_run_options& o, analysis_process_args a);

// The child's side; returns its exit status (0, or 1 after printing one
// line: an output that could not be opened or written).
int run_analysis_process(capture_run_options& o, const analysis_process_args& a);

}  // namespace agentsight::cli
