// SPDX-License-Identifier: Apache-2.0
#include "tls/target_file.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace agentsight::tls {

target_file& target_file::operator=(target_file&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = o.fd_;
        st_ = o.st_;
        o.fd_ = -1;
    }
    return *this;
}

target_file::~target_file() {
    if (fd_ >= 0) ::close(fd_);
}

// The checks shared by every way in: `probe` is an O_PATH descriptor (taken over).
open_target_result checked(int probe, const std::string& path) {
    open_target_result out;
    struct stat st {};
    bool stat_ok = ::fstat(probe, &st) == 0;
    out.st = st;
    if (!stat_ok || !S_ISREG(st.st_mode)) {
        ::close(probe);
        if (!stat_ok)
            out.error = "stat " + path + ": " + std::strerror(errno);
        else
            out.skipped = S_ISLNK(st.st_mode) ? skip::symlink : skip::not_regular;
        return out;
    }
    if (uint64_t(st.st_size) > max_target_file_bytes) {
        ::close(probe);
        out.skipped = skip::too_large;
        return out;
    }
    // Reopened through the O_PATH descriptor, so it is the very file just checked.
    // Non-blocking and no controlling tty, in case it is not (defence in depth).
    std::string self = "/proc/self/fd/" + std::to_string(probe);
    int fd = ::open(self.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    ::close(probe);
    if (fd < 0) {
        out.error = "open " + path + ": " + std::strerror(errno);
        return out;
    }
    struct stat again {};
    if (::fstat(fd, &again) != 0 || !S_ISREG(again.st_mode) || again.st_ino != st.st_ino ||
        again.st_dev != st.st_dev) {
        ::close(fd);
        out.skipped = skip::not_regular;
        return out;
    }
    out.file.fd_ = fd;
    out.file.st_ = again;
    return out;
}

open_target_result open_target(const std::string& path, bool follow_symlink) {
    const int nofollow = follow_symlink ? 0 : O_NOFOLLOW;
    int probe = ::open(path.c_str(), O_PATH | nofollow | O_CLOEXEC);
    if (probe < 0) {
        open_target_result out;
        out.error = "open " + path + ": " + std::strerror(errno);
        return out;
    }
    return checked(probe, path);
}

namespace {

// openat2 resolving inside `root`; -1 with errno ENOSYS before Linux 5.6.
int open_in_root(int root, const std::string& file, bool follow) {
    open_how how{};
    how.flags = O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW);
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    return int(::syscall(SYS_openat2, root, file.c_str(), &how, sizeof how));
}

}  // namespace

open_target_result open_target_in_root(int32_t pid, const std::string& file) {
    const std::string root_path = "/proc/" + std::to_string(pid) + "/root";
    const std::string shown = root_path + file;
    int root = ::open(root_path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0) {
        open_target_result out;
        out.error = "open " + root_path + ": " + std::strerror(errno);
        return out;
    }
    int probe = open_in_root(root, file, /*follow=*/false);
    const bool have_openat2 = probe >= 0 || errno != ENOSYS;
    if (!have_openat2) probe = ::open(shown.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
    struct stat link {};
    if (probe >= 0 && ::fstat(probe, &link) == 0 && S_ISLNK(link.st_mode) && link.st_uid == 0) {
        ::close(probe);
        probe = have_openat2 ? open_in_root(root, file, /*follow=*/true)
                             : ::open(shown.c_str(), O_PATH | O_CLOEXEC);
    }
    const int err = errno;
    ::close(root);
    if (probe < 0) {
        open_target_result out;
        out.error = "open " + shown + ": " + std::strerror(err);
        return out;
    }
    return checked(probe, shown);
}

}  // namespace agentsight::tls
