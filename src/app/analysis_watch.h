// SPDX-License-Identifier: Apache-2.0
// The capture process's watch on the analysis process. That process writes the trace, so an
// agent that stops or kills it blinds the recording. Run as root, an agent can: the kernel
// side reports who sent the signal (bpf/process.bpf.c, tamper evidence), and this watch notices
// the effect, says so on stderr, and ends the recording with a non-zero status.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include <sys/types.h>

#include "sources/capture.h"

namespace agentsight::cli {

class analysis_watch {
  public:
    explicit analysis_watch(pid_t analysis) : pid_(analysis) {}
    ~analysis_watch();

    // Non-blocking, once per main-loop turn. The one-line story ("analysis process stopped by
    // signal SIGSTOP from pid 42 (python3)") once the process has been stopped by a traced
    // process, or for a second by anyone, or killed by a signal; nothing otherwise.
    std::optional<std::string> check(const capture& cap);
    // check() once more when the recording loop ends, for up to the untraced-stop grace while
    // the process stays stopped: the target may exit between a stop and the loop's next check.
    std::optional<std::string> settle(const capture& cap);
    // After check() reported a stop: keeps sending SIGCONT (allowed within our session without
    // CAP_KILL) so that the process drains what it was sent, the tamper alert included, and
    // finishes the trace. Until stop_resuming(), or the process exits.
    void start_resuming();
    // Waits up to `limit` (none: for ever) for the process to exit, without reaping it
    // (analysis_child::wait does), so its pid cannot be reused under the resumer. False when
    // it did not.
    bool await_exit(std::optional<std::chrono::milliseconds> limit);
    void stop_resuming();

  private:
    pid_t pid_;
    std::optional<std::chrono::steady_clock::time_point> stopped_since_;
    std::atomic<bool> resuming_{false};
    std::thread resumer_;
};

}  // namespace agentsight::cli
