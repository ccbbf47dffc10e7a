#include "cli/sandbox.h"

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <vector>

#include <grp.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pwd.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace agentsight::cli {
namespace {

std::string errno_text(const char* what) {
    return std::string("cannot drop privileges: ") + what + ": " + std::strerror(errno);
}

#if defined(__x86_64__)
constexpr uint32_t k_audit_arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr uint32_t k_audit_arch = AUDIT_ARCH_AARCH64;
#else
#error "seccomp filter: add this architecture's AUDIT_ARCH"
#endif

// A denylist, not an allowlist: SQLite, the HTTP server and client, glibc and
// the decompressors need a wide, version-dependent set of ordinary syscalls,
// and an allowlist that misses one loses a recording. What is denied here is
// what turns a parser bug into more than a crash of an unprivileged process.
constexpr int k_denied[] = {
    __NR_execve,
    __NR_execveat,
#ifdef __NR_fork
    __NR_fork,
    __NR_vfork,
#endif
    __NR_ptrace,
    __NR_process_vm_readv,
    __NR_process_vm_writev,
    __NR_pidfd_getfd,
    __NR_kcmp,
    __NR_bpf,
    __NR_perf_event_open,
    __NR_userfaultfd,
    // mounts, namespaces, roots
    __NR_mount,
    __NR_umount2,
    __NR_pivot_root,
    __NR_chroot,
    __NR_setns,
    __NR_unshare,
    __NR_fsopen,
    __NR_fsconfig,
    __NR_fsmount,
    __NR_fspick,
    __NR_move_mount,
    __NR_open_tree,
    __NR_mount_setattr,
    __NR_open_by_handle_at,
    __NR_name_to_handle_at,
    // the kernel itself
    __NR_init_module,
    __NR_finit_module,
    __NR_delete_module,
    __NR_kexec_load,
    __NR_kexec_file_load,
    __NR_reboot,
    __NR_swapon,
    __NR_swapoff,
    __NR_acct,
    __NR_syslog,
    __NR_quotactl,
    __NR_settimeofday,
    __NR_clock_settime,
    __NR_clock_adjtime,
    __NR_adjtimex,
    __NR_keyctl,
    __NR_add_key,
    __NR_request_key,
    __NR_personality,
    __NR_mknod,
    __NR_mknodat,
    __NR_fanotify_init,
    __NR_vhangup,
#ifdef __NR_iopl
    __NR_iopl,
    __NR_ioperm,
#endif
    // io_uring runs syscalls the filter never sees
    __NR_io_uring_setup,
    __NR_io_uring_enter,
    __NR_io_uring_register,
    // credentials: nothing to gain, so nothing to try
    __NR_setuid,
    __NR_setgid,
    __NR_setreuid,
    __NR_setregid,
    __NR_setresuid,
    __NR_setresgid,
    __NR_setgroups,
    __NR_setfsuid,
    __NR_setfsgid,
    __NR_capset,
};

sock_filter stmt(uint16_t code, uint32_t k) {
    return sock_filter{code, 0, 0, k};
}
sock_filter jump(uint16_t code, uint32_t k, uint8_t jt, uint8_t jf) {
    return sock_filter{code, jt, jf, k};
}

constexpr uint32_t k_kill = SECCOMP_RET_KILL_PROCESS;
constexpr uint32_t k_nr = offsetof(seccomp_data, nr);
constexpr uint32_t k_arg0 = offsetof(seccomp_data, args[0]);  // low 32 bits (little endian)
constexpr uint32_t k_arg1 = offsetof(seccomp_data, args[1]);

std::vector<sock_filter> build_filter() {
    std::vector<sock_filter> f;
    f.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)));
    f.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, k_audit_arch, 1, 0));
    f.push_back(stmt(BPF_RET | BPF_K, k_kill));
    f.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, k_nr));
#if defined(__x86_64__)
    f.push_back(jump(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1));  // the x32 ABI
    f.push_back(stmt(BPF_RET | BPF_K, k_kill));
#endif
    for (int nr : k_denied) {
        f.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, uint32_t(nr), 0, 1));
        f.push_back(stmt(BPF_RET | BPF_K, k_kill));
    }
    // clone3 passes its flags in memory the filter cannot read; ENOSYS makes
    // glibc fall back to clone, whose flags it can.
    f.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1));
    f.push_back(stmt(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS));
    // clone: threads only, no new processes or namespaces.
    f.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 4));
    f.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, k_arg0));
    f.push_back(jump(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 0, 1));
    f.push_back(stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    f.push_back(stmt(BPF_RET | BPF_K, k_kill));
    // ioctl: no typing into the terminal we share with the user.
    f.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, __NR_ioctl, 0, 3));
    f.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, k_arg1));
    f.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, TIOCSTI, 0, 1));
    f.push_back(stmt(BPF_RET | BPF_K, k_kill));
    f.push_back(stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    return f;
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

}  // namespace

result<sandbox_user> lookup_user(const std::string& name) {
    const passwd* pw = getpwnam(name.c_str());
    if (!pw) return error{"--user " + name + ": no such user"};
    return sandbox_user{name, pw->pw_uid, pw->pw_gid};
}

status install_seccomp_filter() {
    auto f = build_filter();
    sock_fprog prog{uint16_t(f.size()), f.data()};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return error{errno_text("no_new_privs")};
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) return error{errno_text("seccomp")};
    return ok_status();
}

status enter_sandbox(const sandbox_user& user) {
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
    return install_seccomp_filter();
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
