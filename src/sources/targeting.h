// SPDX-License-Identifier: Apache-2.0
// Which processes to trace, shared by every capturing subcommand:
// `-- CMD ARGS...`, `--pid PID`, `--comm NAME`, or everything.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "util/result.h"

namespace agentsight {

// Another user for `-- CMD`: resolved before the fork, because looking users and
// groups up (NSS) is not safe in the child.
struct command_identity {
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;  // supplementary, as initgroups would set them
    std::string name;           // USER and LOGNAME
    std::string home;           // HOME
};

struct targeting {
    std::vector<std::string> command;  // launched after probes are attached
    // Who the command runs as; nullopt keeps our own credentials (see app/run_as.h).
    std::optional<command_identity> command_user;
    int32_t pid = 0;
    std::string comm;
    bool trace_all() const { return command.empty() && pid == 0 && comm.empty(); }
};

// A command forked but held before exec until release(): probes attach first.
// With `as`, the child takes that user's groups, gid and uid (all three of each,
// so root cannot be regained) and HOME/USER/LOGNAME before it execs.
class held_command {
  public:
    static result<held_command> spawn(const std::vector<std::string>& argv,
                                      const std::optional<command_identity>& as = std::nullopt);
    held_command(held_command&& o) noexcept;
    held_command& operator=(held_command&&) = delete;
    ~held_command();
    int32_t pid() const { return pid_; }
    void release();
    // Non-blocking: the exit status as a shell would report it (128+signal), or -1 if running.
    int poll_exit();
    // Returns as soon as the command exits (or a signal arrives), at the latest after
    // `timeout_ms`: the recording's end is not a poll interval late.
    void await_exit(int timeout_ms) const;

  private:
    held_command(int32_t pid, int gate, int pidfd) : pid_(pid), gate_fd_(gate), pidfd_(pidfd) {}
    int32_t pid_ = 0;
    int gate_fd_ = -1;
    int pidfd_ = -1;  // readable once the command exits; -1 where pidfd_open is missing
};

// The pid and all its current descendants, from /proc.
std::vector<int32_t> process_tree(int32_t root);
// A live process's comm from /proc ("" once it is gone).
std::string comm_of(int32_t pid);

// Processes whose comm is `comm`, and their descendants.
std::vector<int32_t> processes_named(const std::string& comm);
// Alive: not gone, and not a zombie (exited, waiting for its parent to reap it).
bool process_exists(int32_t pid);

}  // namespace agentsight
