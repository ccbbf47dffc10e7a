// SPDX-License-Identifier: Apache-2.0
#include "util/safe_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/invoking_user.h"

namespace agentsight {
namespace {

std::string errno_message(const std::string& path) {
    return path + ": " + std::strerror(errno);
}

// Why the file `st` describes must not be written, or "" if it may be.
std::string refusal(const struct stat& st) {
    if (S_ISLNK(st.st_mode)) return "is a symbolic link; agentsight does not write through one";
    if (S_ISFIFO(st.st_mode)) return "is a FIFO, not a regular file";
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) return "is a device, not a regular file";
    if (S_ISDIR(st.st_mode)) return "is a directory";
    if (!S_ISREG(st.st_mode)) return "is not a regular file";
    // Our own files (root's, left by an earlier run) cannot have been planted by
    // another user; theirs could be held open by them to read the trace.
    const output_owner owner = invoking_owner();
    if (st.st_uid != owner.uid && st.st_uid != ::geteuid())
        return "belongs to uid " + std::to_string(st.st_uid) + ", not to the invoking user (uid " +
               std::to_string(owner.uid) + "); remove it or choose another name";
    // A hard link to someone else's file would make us write into that file.
    if (st.st_nlink != 1) return "has other hard links; remove it or choose another name";
    return {};
}

// `-o /dev/null`, to discard the trace. Only root can make a device node, and
// writing to this one reaches no file.
bool is_null_device(const struct stat& st) {
    return S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
}

// 0600 exactly (a umask cannot widen it, nor leave it unwritable) and the owner's.
status hand_over(int fd, const std::string& path) {
    if (::fchmod(fd, 0600) != 0) return error{errno_message(path)};
    const output_owner owner = invoking_owner();
    struct stat st;
    if (::fstat(fd, &st) != 0) return error{errno_message(path)};
    if ((st.st_uid != owner.uid || st.st_gid != owner.gid) &&
        ::fchown(fd, owner.uid, owner.gid) != 0)
        return error{path + ": cannot hand the file to uid " + std::to_string(owner.uid) + ": " +
                     std::strerror(errno)};
    return ok_status();
}

}  // namespace

output_fd& output_fd::operator=(output_fd&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = o.release();
    }
    return *this;
}

output_fd::~output_fd() {
    if (fd_ >= 0) ::close(fd_);
}

int output_fd::release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
}

output_owner invoking_owner() {
    if (auto u = sudo_invoker()) return {u->uid, u->gid};
    return {::geteuid(), ::getegid()};
}

result<bool> replaceable_output(const std::string& path) {
    // O_PATH opens nothing: no FIFO wait, no device side effect, and with
    // O_NOFOLLOW it describes a symlink itself.
    output_fd p(::open(path.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (p.get() < 0) {
        if (errno == ENOENT) return false;
        return error{errno_message(path)};
    }
    struct stat st;
    if (::fstat(p.get(), &st) != 0) return error{errno_message(path)};
    if (auto why = refusal(st); !why.empty()) return error{path + ": " + why};
    return true;
}

result<output_fd> create_new_output(const std::string& path) {
    output_fd fd(::open(path.c_str(),
                        O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600));
    if (fd.get() < 0) return error{errno_message(path)};
    if (auto st = hand_over(fd.get(), path); !st) {
        ::unlink(path.c_str());
        return error{st.message()};
    }
    return fd;
}

result<output_fd> open_output_file(const std::string& path, if_exists existing_file) {
    struct stat st;
    if (::lstat(path.c_str(), &st) == 0 && is_null_device(st)) {
        output_fd null(::open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC));
        if (null.get() < 0 || ::fstat(null.get(), &st) != 0) return error{errno_message(path)};
        if (!is_null_device(st)) return error{path + ": is not the null device"};
        return null;  // neither emptied, nor made 0600, nor given away: it is not ours
    }
    auto existing = replaceable_output(path);
    if (!existing) return error{existing.message()};
    if (!*existing) return create_new_output(path);  // planted meanwhile: EEXIST, an error
    if (existing_file == if_exists::refuse) return error{path + ": already exists"};
    // Replaced by a new file rather than emptied, so that nobody still holding
    // the old one open (it may predate 0600) reads the new trace. A directory
    // we may not change forces emptying it in place.
    if (existing_file == if_exists::truncate) {
        if (::unlink(path.c_str()) == 0) return create_new_output(path);
        if (errno != EACCES && errno != EPERM) return error{errno_message(path)};
    }
    // Checked again on what is really opened, as the path may have changed since.
    // O_NONBLOCK: a FIFO swapped in meanwhile fails (ENXIO) or is refused below.
    output_fd fd(::open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    if (fd.get() < 0) return error{errno_message(path)};
    if (::fstat(fd.get(), &st) != 0) return error{errno_message(path)};
    if (auto why = refusal(st); !why.empty()) return error{path + ": " + why};
    if ((existing_file == if_exists::truncate && ::ftruncate(fd.get(), 0) != 0) ||
        ::fcntl(fd.get(), F_SETFL, 0) != 0)
        return error{errno_message(path)};
    if (auto st2 = hand_over(fd.get(), path); !st2) return error{st2.message()};
    return fd;
}

bool is_file_at(int fd, const std::string& path) {
    struct stat a, b;
    return ::fstat(fd, &a) == 0 && ::lstat(path.c_str(), &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

}  // namespace agentsight
