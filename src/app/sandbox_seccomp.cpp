// SPDX-License-Identifier: Apache-2.0
// The analysis process's seccomp program: an allowlist of what it calls
// (measured with `strace -f` on record to .jsonl and .db, --otlp, --ui and the
// demo, plus the glibc and SQLite variants of those calls), three answers:
//  - allowed: the list below, some with their arguments checked;
//  - SECCOMP_RET_KILL_PROCESS for calls that only a compromised parser makes
//    (exec, fork, ptrace, bpf, mount, modules, credentials, io_uring, TIOCSTI):
//    the capture process reports the SIGSYS and the recording stops loudly;
//  - EPERM for a policy refusal inside an allowed call (a socket nobody asked
//    for, a writable and executable mapping, a signal to another process, a
//    read of the terminal), and ENOSYS for every other call, which is what a
//    kernel without it says: glibc and SQLite fall back (statx, clone3, rseq)
//    or fail with an error that the sink reports, so no data is lost silently.
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "app/sandbox_policy.h"

namespace agentsight::cli {
namespace {

#if defined(__x86_64__)
constexpr uint32_t k_audit_arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr uint32_t k_audit_arch = AUDIT_ARCH_AARCH64;
#else
#error "seccomp filter: add this architecture's AUDIT_ARCH"
#endif

constexpr int k_killed[] = {
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
    __NR_mknodat,
#ifdef __NR_mknod
    __NR_mknod,
#endif
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
    // credentials: nothing to gain, so trying means compromise
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

// Allowed whatever their arguments. Paths are Landlock's to restrict.
constexpr int k_allowed[] = {
    // descriptors the process holds: the channel, the trace, the sockets it made
    __NR_write,
    __NR_writev,
    __NR_pwrite64,
    __NR_pwritev,
    __NR_lseek,
    __NR_close,
    __NR_fstat,
    __NR_newfstatat,
    __NR_statx,
    __NR_fsync,
    __NR_fdatasync,
    __NR_ftruncate,
    __NR_fallocate,
    __NR_fcntl,
    __NR_flock,
    __NR_dup,
    __NR_dup3,
    __NR_pipe2,
    __NR_eventfd2,
    // paths (SQLite's -wal, -shm and -journal; getaddrinfo's /etc/hosts)
    __NR_openat,
    __NR_faccessat,
    __NR_faccessat2,
    __NR_unlinkat,
    __NR_renameat2,
    __NR_getcwd,
    __NR_readlinkat,
#ifdef __NR_open
    __NR_open,
    __NR_stat,
    __NR_lstat,
    __NR_access,
    __NR_unlink,
    __NR_rename,
    __NR_renameat,
    __NR_readlink,
    __NR_dup2,
    __NR_pipe,
    __NR_poll,
    __NR_select,
    __NR_epoll_wait,
#endif
    // memory (mmap and mprotect are checked below)
    __NR_brk,
    __NR_munmap,
    __NR_mremap,
    __NR_madvise,
    // threads, signals to itself, time
    __NR_futex,
    __NR_set_robust_list,
    __NR_get_robust_list,
    __NR_rseq,
    __NR_set_tid_address,
    __NR_sched_yield,
    __NR_sched_getaffinity,
    __NR_getpid,
    __NR_gettid,
    __NR_getppid,
    __NR_getuid,
    __NR_geteuid,
    __NR_getgid,
    __NR_getegid,
    __NR_exit,
    __NR_exit_group,
    __NR_rt_sigaction,
    __NR_rt_sigprocmask,
    __NR_rt_sigreturn,
    __NR_rt_sigtimedwait,  // sigwait, in serve
    __NR_sigaltstack,
    __NR_restart_syscall,
    __NR_clock_gettime,
    __NR_clock_getres,
    __NR_clock_nanosleep,
    __NR_nanosleep,
    __NR_gettimeofday,
    __NR_getrandom,
    __NR_uname,
    __NR_sysinfo,
    __NR_getrusage,
    __NR_prlimit64,
    // waiting, and traffic on sockets it holds
    __NR_ppoll,
    __NR_pselect6,
    __NR_epoll_create1,
    __NR_epoll_ctl,
    __NR_epoll_pwait,
    __NR_sendto,
    __NR_sendmsg,
    __NR_shutdown,
    __NR_setsockopt,
    __NR_getsockopt,
    __NR_getsockname,
    __NR_getpeername,
};

// Reads: never from fds 0-2, which are the user's terminal more often than not
// (fd 0 only when the caller put its input there).
constexpr int k_reads[] = {__NR_read,    __NR_readv,    __NR_pread64, __NR_preadv,
                           __NR_preadv2, __NR_recvfrom, __NR_recvmsg, __NR_recvmmsg};

// What a new socket may be (socket() is refused outright without --otlp/--ui).
constexpr int k_connection_calls[] = {__NR_connect, __NR_bind, __NR_listen, __NR_accept,
                                      __NR_accept4};

constexpr uint32_t k_allow = SECCOMP_RET_ALLOW;
constexpr uint32_t k_kill = SECCOMP_RET_KILL_PROCESS;
constexpr uint32_t k_eperm = SECCOMP_RET_ERRNO | EPERM;
constexpr uint32_t k_enosys = SECCOMP_RET_ERRNO | ENOSYS;
constexpr uint32_t k_nr = offsetof(seccomp_data, nr);
// The low 32 bits (little endian): every argument checked here is an int or
// flags the kernel reads as 32 bits.
constexpr uint32_t arg(int i) {
    return offsetof(seccomp_data, args) + 8 * i;
}

// Emits the program. Each `when` block starts with A = syscall number and
// either returns or leaves A untouched, so blocks can follow one another.
class program {
  public:
    void load(uint32_t offset) { f_.push_back({BPF_LD | BPF_W | BPF_ABS, 0, 0, offset}); }
    void ret(uint32_t action) { f_.push_back({BPF_RET | BPF_K, 0, 0, action}); }
    // if A == k: return action
    void on(uint32_t k, uint32_t action) {
        f_.push_back({BPF_JMP | BPF_JEQ | BPF_K, 0, 1, k});
        ret(action);
    }
    // if A op k: return action (op: BPF_JEQ, BPF_JGE, BPF_JSET)
    void on(uint16_t op, uint32_t k, uint32_t action) {
        f_.push_back({uint16_t(BPF_JMP | op | BPF_K), 0, 1, k});
        ret(action);
    }
    // unless A == k: return action
    void require(uint32_t k, uint32_t action) {
        f_.push_back({BPF_JMP | BPF_JEQ | BPF_K, 1, 0, k});
        ret(action);
    }
    void mask(uint32_t k) { f_.push_back({BPF_ALU | BPF_AND | BPF_K, 0, 0, k}); }
    // if A == nr: body() (which must end in a return)
    template <typename Body>
    void when(int nr, Body body) {
        size_t at = f_.size();
        f_.push_back({BPF_JMP | BPF_JEQ | BPF_K, 0, 0, uint32_t(nr)});
        body();
        f_[at].jf = uint8_t(f_.size() - at - 1);
    }
    std::vector<sock_filter>& code() { return f_; }

  private:
    std::vector<sock_filter> f_;
};

// size: the filter is one ordered program and this is its text: read top to bottom it is the
// policy (docs/architecture.md §6), and the order of the checks is part of it.
std::vector<sock_filter> build(const sandbox_policy& policy, pid_t self) {
    program p;
    p.load(offsetof(seccomp_data, arch));
    p.require(k_audit_arch, k_kill);
    p.load(k_nr);
#if defined(__x86_64__)
    p.on(BPF_JGE, 0x40000000u, k_kill);  // the x32 ABI
#endif
    // First, as the busiest calls with arguments to check (the kernel caches the
    // verdict of calls allowed whatever their arguments; these it cannot).
    for (int nr : k_reads)
        p.when(nr, [&] {
            p.load(arg(0));
            p.on(BPF_JGE, 3, k_allow);
            if (policy.stdin_is_input) p.on(BPF_JEQ, STDIN_FILENO, k_allow);
            p.ret(k_eperm);
        });
    for (int nr : k_killed) p.on(uint32_t(nr), k_kill);
    for (int nr : k_allowed) p.on(uint32_t(nr), k_allow);
    // clone: threads only. clone3 passes its flags in memory the filter cannot
    // read; ENOSYS makes glibc fall back to clone.
    p.when(__NR_clone, [&] {
        p.load(arg(0));
        p.on(BPF_JSET, CLONE_THREAD, k_allow);
        p.ret(k_kill);
    });
    p.on(__NR_clone3, k_enosys);
    // No mapping both writable and executable, new or changed.
    for (int nr : {__NR_mmap, __NR_mprotect, __NR_pkey_mprotect})
        p.when(nr, [&] {
            p.load(arg(2));
            p.mask(PROT_WRITE | PROT_EXEC);
            p.on(BPF_JEQ, PROT_WRITE | PROT_EXEC, k_eperm);
            p.ret(k_allow);
        });
    // Signals: to its own threads only (abort and raise use tgkill).
    p.when(__NR_tgkill, [&] {
        p.load(arg(0));
        p.on(BPF_JEQ, uint32_t(self), k_allow);
        p.ret(k_eperm);
    });
    for (int nr : {__NR_kill, __NR_tkill, __NR_pidfd_open, __NR_pidfd_send_signal,
                   __NR_rt_sigqueueinfo, __NR_rt_tgsigqueueinfo})
        p.on(uint32_t(nr), k_eperm);
    // Thread names; nothing else of prctl.
    p.when(__NR_prctl, [&] {
        p.load(arg(0));
        p.on(BPF_JEQ, PR_SET_NAME, k_allow);
        p.on(BPF_JEQ, PR_GET_NAME, k_allow);
        p.ret(k_eperm);
    });
    // ioctl: isatty and the status line's width; typing into the terminal kills.
    p.when(__NR_ioctl, [&] {
        p.load(arg(1));
        p.on(BPF_JEQ, TIOCSTI, k_kill);
        for (uint32_t req : {uint32_t(TCGETS), uint32_t(TIOCGWINSZ), uint32_t(FIONBIO),
                             uint32_t(FIONREAD), uint32_t(FIOCLEX)})
            p.on(BPF_JEQ, req, k_allow);
        p.ret(k_eperm);
    });
    // New sockets: TCP over IPv4 or IPv6, and only when --otlp or --ui asked
    // (Landlock then limits the ports). No UDP, no unix sockets, no netlink.
    p.when(__NR_socket, [&] {
        if (policy.sockets()) {
            p.load(arg(1));
            p.mask(0xf);  // SOCK_TYPE_MASK: without SOCK_NONBLOCK / SOCK_CLOEXEC
            p.require(SOCK_STREAM, k_eperm);
            p.load(arg(0));
            p.on(BPF_JEQ, AF_INET, k_allow);
            p.on(BPF_JEQ, AF_INET6, k_allow);
        }
        p.ret(k_eperm);
    });
    for (int nr : k_connection_calls) p.on(uint32_t(nr), policy.sockets() ? k_allow : k_eperm);
    p.ret(k_enosys);
    return std::move(p.code());
}

}  // namespace

status install_seccomp_allowlist(const sandbox_policy& policy, pid_t self, bool every_thread) {
    auto f = build(policy, self);
    sock_fprog prog{uint16_t(f.size()), f.data()};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return error{std::string("cannot drop privileges: no_new_privs: ") + strerror(errno)};
    // TSYNC also gives the other threads no_new_privs; it fails (> 0: a thread
    // id) only if one of them has a filter of its own, which none here has.
    long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                      every_thread ? SECCOMP_FILTER_FLAG_TSYNC : 0, &prog);
    if (rc != 0)
        return error{std::string("cannot drop privileges: seccomp: ") +
                     (rc > 0 ? "thread " + std::to_string(rc) + " cannot take the filter"
                             : std::string(strerror(errno)))};
    return ok_status();
}

}  // namespace agentsight::cli
