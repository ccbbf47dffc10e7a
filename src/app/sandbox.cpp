// SPDX-License-Identifier: Apache-2.0
#include "app/sandbox.h"

#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace agentsight::cli {
namespace {

std::string errno_text(const char* what) {
    return std::string("cannot drop privileges: ") + what + ": " + std::strerror(errno);
}

int last_capability() {
    int last = CAP_LAST_CAP;
    // A newer kernel may know more capabilities than these headers.
    while (prctl(PR_CAPBSET_READ, last + 1, 0, 0, 0) >= 0) ++last;
    return last;
}

// Sets permitted and effective to exactly `keep` (inheritable empty) and checks it.
status set_capabilities(uint64_t keep) {
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] = {};
    for (int i = 0; i < 2; ++i) data[i].effective = data[i].permitted = uint32_t(keep >> (32 * i));
    if (syscall(SYS_capset, &hdr, data) != 0) return error{errno_text("capset")};
    if (syscall(SYS_capget, &hdr, data) != 0) return error{errno_text("capget")};
    for (int i = 0; i < 2; ++i)
        if (data[i].effective != uint32_t(keep >> (32 * i)) ||
            data[i].permitted != uint32_t(keep >> (32 * i)) || data[i].inheritable)
            return error{"cannot drop privileges: capabilities remain after capset"};
    return ok_status();
}

uint64_t bit(int cap) {
    return uint64_t(1) << cap;
}

// Shrinks the bounding set to `keep`; needs CAP_SETPCAP, so before set_capabilities.
status drop_bounding_set(uint64_t keep) {
    for (int cap = 0, last = last_capability(); cap <= last; ++cap)
        if (!(cap < 64 && (keep & bit(cap))) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 &&
            errno != EINVAL)
            return error{errno_text("bounding set")};
    return ok_status();
}

// Fd 0 is often the user's terminal: nothing here reads input.
status detach_stdin() {
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return error{errno_text("/dev/null")};
    if (fd == STDIN_FILENO) return ok_status();  // fd 0 was closed: now it is /dev/null
    int rc = dup2(fd, STDIN_FILENO);
    close(fd);
    return rc == STDIN_FILENO ? ok_status() : status{error{errno_text("stdin")}};
}

status confine(const sandbox_policy& policy, std::string& note) {
    if (!policy.stdin_is_input)
        if (auto st = detach_stdin(); !st) return st;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return error{errno_text("no_new_privs")};
    if (auto st = restrict_with_landlock(policy, note); !st) return st;
    return install_seccomp_allowlist(policy, getpid());
}

}  // namespace

result<sandbox_user> lookup_user(const std::string& name) {
    uid_t uid = 0;
    const char* end = name.data() + name.size();
    auto [p, ec] = std::from_chars(name.data(), end, uid);
    const passwd* pw = ec == std::errc{} && p == end ? getpwuid(uid) : getpwnam(name.c_str());
    if (!pw) return error{"--user " + name + ": no such user"};
    if (pw->pw_uid == 0)
        return error{"--user " + name +
                     ": the analysis process parses untrusted bytes and must not run as root; "
                     "choose an unprivileged user (default: nobody)"};
    return sandbox_user{pw->pw_name, pw->pw_uid, pw->pw_gid};
}

status enter_sandbox(const sandbox_user& user, const sandbox_policy& policy, std::string& note) {
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
        return error{errno_text("ambient capabilities")};
    if (geteuid() == 0) {
        if (setgroups(0, nullptr) != 0) return error{errno_text("setgroups")};
        // The bounding set needs CAP_SETPCAP, so it goes before the user switch.
        if (auto st = drop_bounding_set(0); !st) return st;
        if (setresgid(user.gid, user.gid, user.gid) != 0) return error{errno_text("setresgid")};
        if (setresuid(user.uid, user.uid, user.uid) != 0) return error{errno_text("setresuid")};
        if (user.uid != 0 && (setuid(0) == 0 || geteuid() == 0))
            return error{"cannot drop privileges: root could be regained"};
    }
    if (auto st = set_capabilities(0); !st) return st;
    return confine(policy, note);
}

status keep_capture_capabilities() {
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
        return error{errno_text("ambient capabilities")};
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct now[2] = {};
    if (syscall(SYS_capget, &hdr, now) != 0) return error{errno_text("capget")};
    // Without root, keep what we were given of these (capset cannot add).
    const uint64_t permitted = now[0].permitted | uint64_t(now[1].permitted) << 32;
    const uint64_t keep = permitted & (bit(CAP_BPF) | bit(CAP_PERFMON) | bit(CAP_SYS_PTRACE) |
                                       bit(CAP_DAC_READ_SEARCH) | bit(CAP_DAC_OVERRIDE));
    if (auto st = drop_bounding_set(keep); !st) return st;
    return set_capabilities(keep);
}

}  // namespace agentsight::cli
