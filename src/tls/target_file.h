// SPDX-License-Identifier: Apache-2.0
// Opening a file that a traced process named, as root, without letting that
// process steer us: no symlink it planted in the last component (it could
// point at a device or a file the process may not read), no FIFO or device
// (opening one blocks or has side effects), nothing too large to analyse
// within budget. The file is first opened with O_PATH, which never runs a
// driver's open or waits for a FIFO writer, and read only once fstat says it
// is a regular file.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <string>

namespace agentsight::tls {

// Why a file was not analysed; the strings are the `reason` of a tls_skipped event.
namespace skip {
inline constexpr const char* symlink = "symlink";
inline constexpr const char* not_regular = "not a regular file";
inline constexpr const char* too_large = "too large";
inline constexpr const char* budget = "budget exceeded";
}  // namespace skip

// Bigger than any TLS library or agent binary seen (Claude Code: 245 MB).
inline constexpr uint64_t max_target_file_bytes = 1ull << 30;

class target_file {
  public:
    target_file() = default;
    target_file(target_file&& o) noexcept : fd_(o.fd_), st_(o.st_) { o.fd_ = -1; }
    target_file& operator=(target_file&& o) noexcept;
    target_file(const target_file&) = delete;
    target_file& operator=(const target_file&) = delete;
    ~target_file();

    int fd() const { return fd_; }
    const struct stat& stat() const { return st_; }
    // A name that resolves to exactly this file for as long as we hold it
    // (the uprobe attach takes a path; the original could be swapped meanwhile).
    std::string fd_path() const { return "/proc/self/fd/" + std::to_string(fd_); }

  private:
    friend struct open_target_result checked(int probe, const std::string& path);
    int fd_ = -1;
    struct stat st_ {};
};

struct open_target_result {
    target_file file;     // fd() >= 0 on success
    std::string skipped;  // one of skip::*: refused for safety (worth an event)
    std::string error;    // could not open (missing, permission): not worth an event
    struct stat st {};    // what fstat saw of a refused file (it identifies it)
};

// Intermediate symlinks (e.g. /proc/PID/root itself) are followed; the last
// component is followed only when `follow_symlink` (a path the user typed).
open_target_result open_target(const std::string& path, bool follow_symlink = false);

// `file` as process `pid` sees it: resolved inside its root (/proc/PID/root),
// so a container's absolute symlinks stay in the container. A symlink in the
// last component is followed only when root owns it (a distribution's
// libgnutls.so.30 -> libgnutls.so.30.34.3), never when the process or another
// user planted it; whatever it leads to must still be a regular file.
open_target_result open_target_in_root(int32_t pid, const std::string& file);

}  // namespace agentsight::tls
