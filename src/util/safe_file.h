// SPDX-License-Identifier: Apache-2.0
// Creating the files agentsight writes (traces, exports, SQLite sidecars)
// without being turned against the machine. We often run as root in a
// directory someone else controls (the agent's project, /tmp), so a path is
// never trusted: a planted symlink is not followed, a FIFO or device is not
// opened for writing, a file another user owns (and may hold open to read the
// trace) is not reused. Traces hold prompts and tool output: they are created
// 0600 whatever the umask, and under sudo they belong to the user behind it.
#pragma once

#include <sys/types.h>

#include <string>

#include "util/result.h"

namespace agentsight {

// An owned file descriptor, closed on destruction.
class output_fd {
  public:
    output_fd() = default;
    explicit output_fd(int fd) : fd_(fd) {}
    output_fd(output_fd&& o) noexcept : fd_(o.release()) {}
    output_fd& operator=(output_fd&& o) noexcept;
    output_fd(const output_fd&) = delete;
    output_fd& operator=(const output_fd&) = delete;
    ~output_fd();
    int get() const { return fd_; }
    int release();

  private:
    int fd_ = -1;
};

// Who must own what we write: SUDO_UID/SUDO_GID under sudo, else ourselves.
struct output_owner {
    uid_t uid;
    gid_t gid;
};
output_owner invoking_owner();

// What is at `path`, looked at without following a final symlink and without
// opening it: false if nothing; true if it is a regular file with one link,
// owned by the invoking user (so we may replace it); otherwise an error that
// names the path and why ("is a symbolic link", "is a FIFO", "belongs to uid N").
result<bool> replaceable_output(const std::string& path);

// A new file at `path`: O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, mode 0600, handed to
// the invoking user. Fails if anything at all is already there.
result<output_fd> create_new_output(const std::string& path);

// What to do with a file the invoking user already has at the path.
enum class if_exists { refuse, truncate, keep };

// `path` opened for writing: created as create_new_output does or, when an
// existing file passes replaceable_output and `existing` allows, opened
// (truncated or kept as is), made 0600 and handed to the invoking user. Never
// blocks: a FIFO is an error, not a hang. The null device is opened as it is.
result<output_fd> open_output_file(const std::string& path, if_exists existing);

// Whether `fd` is still the file at `path` (nobody renamed another file there).
bool is_file_at(int fd, const std::string& path);

}  // namespace agentsight
