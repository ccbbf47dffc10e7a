#include "tls/target_file.h"

#include <fcntl.h>
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

open_target_result open_target(const std::string& path, bool follow_symlink) {
    open_target_result out;
    const int nofollow = follow_symlink ? 0 : O_NOFOLLOW;
    int probe = ::open(path.c_str(), O_PATH | nofollow | O_CLOEXEC);
    if (probe < 0) {
        out.error = "open " + path + ": " + std::strerror(errno);
        return out;
    }
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

}  // namespace agentsight::tls
