/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Process, file and network activity of the traced process trees.
 * Tracepoints only (no kprobes/fentry on our target machines). Every program
 * first asks "is this tgid tracked?" so untracked processes pay one lookup. */
#include "lib/common.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* --comm NAME: start tracking any process whose new image has this comm. */
const volatile char targ_comm[AS_COMM_LEN] = {};
/* Per-process budget for file/network records, in every mode; exec/fork/exit are never
 * limited (they are few, and the ring keeps room for them: send_low). */
const volatile __u32 cfg_rate_per_sec = 5000;
const volatile __u32 cfg_rate_burst = 20000;

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 8 << 20); /* resized by user space before load */
} events SEC(".maps");

/* A syscall's arguments between its enter and exit tracepoints, per thread. */
struct pending_call {
    __u8 kind; /* as_file_op or 16 + as_net_op */
    __u8 pad[3];
    __s32 flags;
    __u64 arg0;
    __u64 arg1;
};

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH); /* a thread killed mid-syscall leaves no leak */
    __uint(max_entries, 16384);
    __type(key, __u32);
    __type(value, struct pending_call);
} pending SEC(".maps");

/* Scratch space for records too big for the 512-byte BPF stack. */
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct as_exec);
} exec_scratch SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct as_file);
} file_scratch SEC(".maps");

#define NET_KIND 16

static __always_inline __u32 current_tgid(void)
{
    return bpf_get_current_pid_tgid() >> 32;
}

/* A record that matters most: exec/fork/exit (TLS attachment and the process tree hang on
 * them), connect, TLS-library opens, tamper evidence. */
static __always_inline void send(void *rec, __u64 size, bool urgent)
{
    if (!submit_flags(&events, rec, size, urgent))
        pin_drop(AS_DROP_RINGBUF);
}

/* Everything else (file records, bind/listen/accept, `suppressed`) stands back once the ring is
 * three-quarters full. The last quarter is kept for send()'s records, so that one process's
 * file flood cannot drop another process's exec or connect, nor the TLS-library open that
 * TLS capture of its LLM traffic waits for. */
static __always_inline void send_low(void *rec, __u64 size)
{
    __u64 used = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
    __u64 ring = bpf_ringbuf_query(&events, BPF_RB_RING_SIZE);
    if (used + size > ring - ring / 4) {
        count_drop(AS_DROP_RESERVE, 1);
        pin_drop(AS_DROP_RESERVE);
        return;
    }
    send(rec, size, false);
}

static __always_inline void emit_suppressed(__u32 count)
{
    struct as_suppressed rec = {};
    fill_header(&rec.h, AS_REC_SUPPRESSED, sizeof(rec));
    rec.count = count;
    send_low(&rec, sizeof(rec));
}

/* The rate-limit state of a traced process. In trace-all mode a process enters `tracked` on
 * first use, so that each has its own budget rather than none at all. */
static __always_inline struct as_tracked *state_of(__u32 tgid)
{
    struct as_tracked *t = tracked_self(tgid);
    if (!t || !targ_all)
        return t;
    struct as_tracked *own = bpf_map_lookup_elem(&tracked, &tgid);
    if (own)
        return own;
    struct as_tracked fresh = {.root = tgid};
    bpf_map_update_elem(&tracked, &tgid, &fresh, BPF_NOEXIST);
    own = bpf_map_lookup_elem(&tracked, &tgid);
    return own ? own : t; /* map full: the shared placeholder */
}

static __always_inline void refill(struct as_tracked *t, __u64 now)
{
    if (t->tokens_ts_ns == 0) {
        t->tokens = cfg_rate_burst;
        t->tokens_ts_ns = now;
    } else if (now - t->tokens_ts_ns >= 1000000) {
        __u64 add = (now - t->tokens_ts_ns) * cfg_rate_per_sec / 1000000000ULL;
        __u64 tokens = t->tokens + add;
        t->tokens = tokens > cfg_rate_burst ? cfg_rate_burst : tokens;
        t->tokens_ts_ns = now;
    }
}

/* A child starts from its parent's bucket as it is now, not from a fresh burst: a process that
 * has spent its budget cannot fork a new one. (Splitting the tokens instead would starve
 * legitimate deep trees, such as shell wrappers that fork dozens of times before the real
 * program starts; the ring reserve, not the rate limit, is what protects the records that
 * matter.) */
static __always_inline void inherit_budget(struct as_tracked *parent, struct as_tracked *child)
{
    if (!cfg_rate_per_sec)
        return;
    __u64 now = bpf_ktime_get_ns();
    refill(parent, now);
    child->tokens = parent->tokens;
    child->tokens_ts_ns = now;
}

/* Token bucket per process. Reports what it dropped, as an explicit
 * `suppressed` record, the next time the process is allowed to emit. */
static __always_inline bool rate_allow(struct as_tracked *t)
{
    if (!cfg_rate_per_sec)
        return true;
    refill(t, bpf_ktime_get_ns());
    if (t->tokens == 0) {
        __sync_fetch_and_add(&t->suppressed, 1);
        count_drop(AS_DROP_RATE_LIMIT, 1);
        pin_drop(AS_DROP_RATE_LIMIT);
        return false;
    }
    t->tokens--;
    if (t->suppressed) {
        __u32 n = t->suppressed;
        t->suppressed = 0;
        emit_suppressed(n);
    }
    return true;
}

static __always_inline bool comm_matches(const char *comm)
{
    if (targ_comm[0] == 0)
        return false;
#pragma unroll
    for (int i = 0; i < AS_COMM_LEN; i++) {
        if (comm[i] != targ_comm[i])
            return false;
        if (comm[i] == 0)
            return true;
    }
    return true;
}

SEC("raw_tp/sched_process_fork")
int handle_fork(struct bpf_raw_tracepoint_args *ctx)
{
    struct task_struct *parent = (struct task_struct *)ctx->args[0];
    struct task_struct *child = (struct task_struct *)ctx->args[1];
    __u32 child_pid = BPF_CORE_READ(child, pid);
    if (child_pid != (__u32)BPF_CORE_READ(child, tgid))
        return 0; /* a new thread, not a new process */
    __u32 ptgid = BPF_CORE_READ(parent, tgid);
    struct as_tracked *pt = state_of(ptgid);
    if (!pt)
        return 0;
    struct as_tracked child_state = {.root = pt->root ? pt->root : ptgid};
    inherit_budget(pt, &child_state);
    if (bpf_map_update_elem(&tracked, &child_pid, &child_state, BPF_NOEXIST) != 0 &&
        !bpf_map_lookup_elem(&tracked, &child_pid) && !targ_all)
        count_drop(AS_DROP_TRACKED_FULL, 1);
    struct as_fork rec = {};
    fill_header(&rec.h, AS_REC_FORK, sizeof(rec));
    rec.child_pid = child_pid;
    send(&rec, sizeof(rec), false);
    return 0;
}

SEC("raw_tp/sched_process_exec")
int handle_exec(struct bpf_raw_tracepoint_args *ctx)
{
    struct task_struct *task = (struct task_struct *)ctx->args[0];
    struct linux_binprm *bprm = (struct linux_binprm *)ctx->args[2];
    __u32 tgid = current_tgid();
    if (!tracked_self(tgid)) {
        char comm[AS_COMM_LEN];
        bpf_get_current_comm(comm, sizeof(comm));
        if (!comm_matches(comm))
            return 0;
        struct as_tracked fresh = {.root = tgid};
        if (bpf_map_update_elem(&tracked, &tgid, &fresh, BPF_ANY) != 0) {
            count_drop(AS_DROP_TRACKED_FULL, 1);
            return 0;
        }
    }
    __u32 zero = 0;
    struct as_exec *rec = bpf_map_lookup_elem(&exec_scratch, &zero);
    if (!rec)
        return 0;
    fill_header(&rec->h, AS_REC_EXEC, 0);

    const char *filename = BPF_CORE_READ(bprm, filename);
    long n = bpf_probe_read_kernel_str(rec->payload, AS_PATH_MAX, filename);
    __u32 flen = n > 0 ? n - 1 : 0; /* without the NUL */
    rec->filename_truncated = n == AS_PATH_MAX;
    flen &= AS_PATH_MAX - 1;
    rec->filename_len = flen;

    struct mm_struct *mm = BPF_CORE_READ(task, mm);
    __u64 start = BPF_CORE_READ(mm, arg_start);
    __u64 end = BPF_CORE_READ(mm, arg_end);
    __u64 alen = end > start ? end - start : 0;
    rec->argv_truncated = alen > AS_ARGV_MAX - 1;
    __u32 take = alen > AS_ARGV_MAX - 1 ? AS_ARGV_MAX - 1 : alen;
    take &= AS_ARGV_MAX - 1; /* a bound the verifier can see */
    if (take && bpf_probe_read_user(rec->payload + flen, take, (void *)start) != 0)
        take = 0;
    rec->argv_len = take;

    __u64 size = __builtin_offsetof(struct as_exec, payload) + flen + take;
    if (size > sizeof(*rec))
        return 0;
    rec->h.size = size;
    send(rec, size, cfg_wake_on_exec);
    return 0;
}

SEC("raw_tp/sched_process_exit")
int handle_exit(struct bpf_raw_tracepoint_args *ctx)
{
    struct task_struct *task = (struct task_struct *)ctx->args[0];
    __u32 pid = BPF_CORE_READ(task, pid);
    __u32 tgid = BPF_CORE_READ(task, tgid);
    if (pid != tgid)
        return 0; /* a thread, not the process */
    struct as_tracked *t = tracked_self(tgid);
    if (!t)
        return 0;
    struct as_exit rec = {};
    fill_header(&rec.h, AS_REC_EXIT, sizeof(rec));
    int code = BPF_CORE_READ(task, exit_code);
    rec.exit_code = (code >> 8) & 0xff;
    rec.signal = code & 0x7f;
    rec.duration_ns = bpf_ktime_get_ns() - BPF_CORE_READ(task, start_time);
    rec.suppressed = t->suppressed;
    send(&rec, sizeof(rec), false);
    bpf_map_delete_elem(&tracked, &tgid); /* trace-all mode adds processes too: state_of */
    return 0;
}

/* ---- syscalls: remember arguments on enter, emit with the result on exit ---- */

static __always_inline int remember(__u8 kind, __u64 arg0, __u64 arg1, __s32 flags)
{
    struct as_tracked *t = tracked_self(current_tgid());
    if (!t)
        return 0;
    __u32 tid = (__u32)bpf_get_current_pid_tgid();
    struct pending_call call = {.kind = kind, .flags = flags, .arg0 = arg0, .arg1 = arg1};
    bpf_map_update_elem(&pending, &tid, &call, BPF_ANY);
    return 0;
}

/* Whether the file name of path[0, len) starts with one of AS_TLS_LIB_PREFIXES. The name
 * starts after the last '/' in the path's last NAME_MAX bytes. */
static __always_inline bool is_tls_library(const char *path, __u32 len)
{
    const char prefixes[AS_TLS_LIB_PREFIX_COUNT][AS_TLS_LIB_PREFIX_MAX] = AS_TLS_LIB_PREFIXES;
    __u32 name = len > 255 ? len : 0;
    for (__u32 i = 1; i <= 255 && i <= len; i++) {
        if (path[(len - i) & (AS_PATH_MAX - 1)] == '/') {
            name = len - i + 1;
            break;
        }
    }
    for (int p = 0; p < AS_TLS_LIB_PREFIX_COUNT; p++) {
        bool match = true;
        for (int k = 0; k < AS_TLS_LIB_PREFIX_MAX && prefixes[p][k]; k++) {
            __u32 at = name + k;
            if (at >= len || path[at & (AS_PATH_MAX - 1)] != prefixes[p][k]) {
                match = false;
                break;
            }
        }
        if (match)
            return true;
    }
    return false;
}

static __always_inline int emit_file(struct pending_call *call, __s64 ret)
{
    __u32 zero = 0;
    struct as_file *rec = bpf_map_lookup_elem(&file_scratch, &zero);
    if (!rec)
        return 0;
    fill_header(&rec->h, AS_REC_FILE, 0);
    rec->op = call->kind;
    rec->flags = call->flags;
    rec->ret = ret;

    long n = bpf_probe_read_user_str(rec->payload, AS_PATH_MAX, (void *)call->arg0);
    __u32 plen = n > 0 ? n - 1 : 0;
    rec->path_truncated = n == AS_PATH_MAX;
    plen &= AS_PATH_MAX - 1;
    rec->path_len = plen;

    __u32 nlen = 0;
    rec->new_path_truncated = 0;
    if (call->arg1) {
        n = bpf_probe_read_user_str(rec->payload + plen, AS_PATH_MAX, (void *)call->arg1);
        nlen = n > 0 ? n - 1 : 0;
        rec->new_path_truncated = n == AS_PATH_MAX;
        nlen &= AS_PATH_MAX - 1;
    }
    rec->new_path_len = nlen;

    __u64 size = __builtin_offsetof(struct as_file, payload) + plen + nlen;
    if (size > sizeof(*rec))
        return 0;
    rec->h.size = size;
    /* A TLS library being opened is what TLS attachment waits for (ld.so, dlopen). Only
     * those wake the reader at once: a forced wake-up costs the opening thread ~10 us (an
     * interrupt, a VM exit under a hypervisor), and agents open files by the thousand
     * (Claude Code's `ps` reads every /proc/PID/stat). */
    bool urgent = cfg_wake_on_exec && call->kind == AS_FILE_OPEN && ret >= 0 &&
                  (call->flags & 3) == 0 /* O_RDONLY */ && is_tls_library(rec->payload, plen);
    if (urgent)
        send(rec, size, true);
    else
        send_low(rec, size);
    return 0;
}

struct sockaddr_any {
    __u16 family;
    __u16 port; /* network order */
    union {
        __u32 v4;
        struct {
            __u32 flowinfo;
            __u8 v6[16];
        };
    };
};

static __always_inline int emit_net(struct pending_call *call, __s64 ret)
{
    struct as_net rec = {};
    fill_header(&rec.h, AS_REC_NET, sizeof(rec));
    rec.op = call->kind - NET_KIND;
    rec.ret = ret;
    if (call->arg0) {
        struct sockaddr_any sa = {};
        bpf_probe_read_user(&sa, sizeof(sa), (void *)call->arg0);
        rec.family = sa.family;
        rec.port = __builtin_bswap16(sa.port);
        if (sa.family == 2 /* AF_INET */)
            __builtin_memcpy(rec.addr, &sa.v4, 4);
        else if (sa.family == 10 /* AF_INET6 */)
            __builtin_memcpy(rec.addr, sa.v6, 16);
        else if (sa.family != 1 /* AF_UNIX */)
            return 0; /* netlink, packet, ...: not an agent's network activity */
    }
    if (rec.op == AS_NET_CONNECT)
        send(&rec, sizeof(rec), false);
    else
        send_low(&rec, sizeof(rec));
    return 0;
}

static __always_inline int finish(__s64 ret)
{
    __u32 tid = (__u32)bpf_get_current_pid_tgid();
    struct pending_call *call = bpf_map_lookup_elem(&pending, &tid);
    if (!call)
        return 0;
    struct pending_call copy = *call;
    bpf_map_delete_elem(&pending, &tid);
    struct as_tracked *t = state_of(current_tgid());
    if (!t || !rate_allow(t))
        return 0;
    if (copy.kind >= NET_KIND)
        return emit_net(&copy, ret);
    return emit_file(&copy, ret);
}

#define ENTER(name) SEC("tp/syscalls/sys_enter_" #name) int enter_##name(struct syscall_enter_ctx *ctx)

/* One exit program for every file and network syscall: what it does depends on the
 * pending call, not on the syscall. Its section names one tracepoint; user space attaches
 * it to the exits of every other syscall whose enter program is loaded (bpf/probes.cpp).
 * Fifteen identical copies cost the verifier ~15 times the work, most of the start-up. */
SEC("tp/syscalls/sys_exit_openat")
int exit_file_net(struct syscall_exit_ctx *ctx)
{
    return finish(ctx->ret);
}

ENTER(open) { return remember(AS_FILE_OPEN, ctx->args[0], 0, ctx->args[1]); }
ENTER(openat) { return remember(AS_FILE_OPEN, ctx->args[1], 0, ctx->args[2]); }
ENTER(openat2)
{
    __u64 flags = 0; /* struct open_how starts with the u64 flags */
    bpf_probe_read_user(&flags, sizeof(flags), (void *)ctx->args[2]);
    return remember(AS_FILE_OPEN, ctx->args[1], 0, (__s32)flags);
}
ENTER(unlink) { return remember(AS_FILE_UNLINK, ctx->args[0], 0, 0); }
ENTER(unlinkat) { return remember(AS_FILE_UNLINK, ctx->args[1], 0, ctx->args[2]); }
ENTER(rename) { return remember(AS_FILE_RENAME, ctx->args[0], ctx->args[1], 0); }
ENTER(renameat) { return remember(AS_FILE_RENAME, ctx->args[1], ctx->args[3], 0); }
ENTER(renameat2) { return remember(AS_FILE_RENAME, ctx->args[1], ctx->args[3], ctx->args[4]); }
ENTER(mkdir) { return remember(AS_FILE_MKDIR, ctx->args[0], 0, ctx->args[1]); }
ENTER(mkdirat) { return remember(AS_FILE_MKDIR, ctx->args[1], 0, ctx->args[2]); }
ENTER(connect) { return remember(NET_KIND + AS_NET_CONNECT, ctx->args[1], 0, 0); }
ENTER(bind) { return remember(NET_KIND + AS_NET_BIND, ctx->args[1], 0, 0); }
ENTER(listen) { return remember(NET_KIND + AS_NET_LISTEN, 0, 0, ctx->args[1]); }
/* accept: the peer address is written by the kernel, so read it on exit. */
ENTER(accept) { return remember(NET_KIND + AS_NET_ACCEPT, ctx->args[1], 0, 0); }
ENTER(accept4) { return remember(NET_KIND + AS_NET_ACCEPT, ctx->args[1], 0, 0); }

/* Tamper evidence: a traced tree that calls bpf() may be tampering with us. */
SEC("tp/syscalls/sys_enter_bpf")
int enter_bpf(struct syscall_enter_ctx *ctx)
{
    if (!tracked_self(current_tgid()) || targ_all)
        return 0;
    struct as_bpf_call rec = {};
    fill_header(&rec.h, AS_REC_BPF_CALL, sizeof(rec));
    rec.cmd = (__s32)ctx->args[0];
    send(&rec, sizeof(rec), false);
    return 0;
}

/* ---- tamper evidence: the traced tree ptraces or signals an agentsight process ----
 * Both processes are watched: the capture process (self_tgid) and the analysis process
 * (analysis_tgid). A signal the kernel generates for one of them is reported by
 * signal_generate, whatever the syscall (kill, tkill, tgkill, pidfd_send_signal,
 * rt_(tg)sigqueueinfo, a process-group or broadcast kill, F_SETOWN). What generates no signal
 * (signal 0, a refused attempt, ptrace) is reported from the syscall's exit with its result.
 * Not in trace-all mode: there every process, the user's shell included, is "traced". */

/* A signal or ptrace syscall in flight, per thread. */
struct pending_touch {
    __u8 kind;      /* as_touch_kind */
    __u8 target;    /* as_touch_target; AS_TARGET_UNRESOLVED with watch = 1: an unknown pidfd */
    __u8 watch;     /* the target is (maybe) ours: report the attempt at exit */
    __u8 generated; /* signal_generate already reported it */
    __s32 arg;
    __u32 target_pid;
    __s32 fd;
};

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 4096);
    __type(key, __u32);
    __type(value, struct pending_touch);
} pending_touch SEC(".maps");

static __always_inline __u8 recorder_role(__u32 tgid)
{
    if (tgid && tgid == self_tgid)
        return AS_TARGET_CAPTURE;
    if (tgid && tgid == analysis_tgid)
        return AS_TARGET_ANALYSIS;
    return 0;
}

static __always_inline void emit_touch(struct pending_touch *p, __u8 delivered, __s64 ret)
{
    struct as_touch_recorder rec = {};
    fill_header(&rec.h, AS_REC_TOUCH_RECORDER, sizeof(rec));
    rec.syscall_kind = p->kind;
    rec.target = p->target;
    rec.delivered = delivered;
    rec.arg = p->arg;
    rec.target_pid = p->target_pid;
    rec.fd = p->fd;
    rec.ret = ret;
    /* At once: the capture process may be about to report its analysis process stopped. */
    send(&rec, sizeof(rec), true);
}

static __always_inline int touch_enter(__u8 kind, __u32 target_pid, __s32 arg, __s32 fd,
                                       bool unresolved)
{
    if (targ_all || !tracked_self(current_tgid()))
        return 0;
    struct pending_touch p = {.kind = kind, .arg = arg, .target_pid = target_pid, .fd = fd};
    p.target = recorder_role(target_pid);
    p.watch = p.target != 0 || unresolved;
    __u32 tid = (__u32)bpf_get_current_pid_tgid();
    bpf_map_update_elem(&pending_touch, &tid, &p, BPF_ANY);
    return 0;
}

static __always_inline int touch_exit(__s64 ret)
{
    __u32 tid = (__u32)bpf_get_current_pid_tgid();
    struct pending_touch *found = bpf_map_lookup_elem(&pending_touch, &tid);
    if (!found)
        return 0;
    struct pending_touch p = *found;
    bpf_map_delete_elem(&pending_touch, &tid);
    if (!p.watch || p.generated)
        return 0;
    if (p.target == AS_TARGET_UNRESOLVED &&
        (ret == -9 /* EBADF: not a pidfd */ || (ret == 0 && p.arg != 0 /* went elsewhere */)))
        return 0;
    emit_touch(&p, p.kind == AS_TOUCH_PTRACE && ret == 0, ret);
    return 0;
}

/* The pid a pidfd refers to, or 0. A wrong guess (the fd is some other file) is harmless: the
 * syscall then fails with EBADF, and touch_exit ignores it. */
static __always_inline __u32 pidfd_target(__s32 fd)
{
    struct task_struct *task = (struct task_struct *)bpf_get_current_task();
    struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
    if (!fdt || fd < 0 || (__u32)fd >= BPF_CORE_READ(fdt, max_fds))
        return 0;
    struct file **fds = BPF_CORE_READ(fdt, fd);
    struct file *f = 0;
    if (bpf_probe_read_kernel(&f, sizeof(f), fds + fd) != 0 || !f)
        return 0;
    struct pid *pid = BPF_CORE_READ(f, f_inode, i_private);
    if (!pid)
        pid = BPF_CORE_READ(f, private_data);
    if (!pid)
        return 0;
    return BPF_CORE_READ(pid, numbers[0].nr);
}

/* Shared like exit_file_net: attached by user space to the exit of every signal and
 * ptrace syscall whose enter program is loaded. */
SEC("tp/syscalls/sys_exit_kill")
int exit_touch(struct syscall_exit_ctx *ctx)
{
    return touch_exit(ctx->ret);
}

ENTER(ptrace) { return touch_enter(AS_TOUCH_PTRACE, ctx->args[1], (__s32)ctx->args[0], -1, false); }
ENTER(kill) { return touch_enter(AS_TOUCH_KILL, ctx->args[0], (__s32)ctx->args[1], -1, false); }
/* tkill names a thread: only the main threads (tid == tgid) are recognized here; a signal to
 * any thread of ours is still reported by signal_generate. */
ENTER(tkill) { return touch_enter(AS_TOUCH_TKILL, ctx->args[0], (__s32)ctx->args[1], -1, false); }
ENTER(tgkill) { return touch_enter(AS_TOUCH_TGKILL, ctx->args[0], (__s32)ctx->args[2], -1, false); }
ENTER(rt_sigqueueinfo)
{
    return touch_enter(AS_TOUCH_RT_SIGQUEUEINFO, ctx->args[0], (__s32)ctx->args[1], -1, false);
}
ENTER(rt_tgsigqueueinfo)
{
    return touch_enter(AS_TOUCH_RT_TGSIGQUEUEINFO, ctx->args[0], (__s32)ctx->args[2], -1, false);
}
ENTER(pidfd_send_signal)
{
    if (targ_all || !tracked_self(current_tgid()))
        return 0;
    __s32 fd = (__s32)ctx->args[0];
    __u32 pid = pidfd_target(fd);
    return touch_enter(AS_TOUCH_PIDFD_SEND_SIGNAL, pid, (__s32)ctx->args[1], fd, pid == 0);
}

/* Every signal the kernel generates: (sig, info, task, group, result). */
SEC("raw_tp/signal_generate")
int handle_signal(struct bpf_raw_tracepoint_args *ctx)
{
    if (targ_all)
        return 0;
    int sig = (int)ctx->args[0];
    if (sig == 17 /* SIGCHLD: our `-- CMD` exiting or stopping, not an attack */)
        return 0;
    struct task_struct *task = (struct task_struct *)ctx->args[2];
    __u32 tgid = BPF_CORE_READ(task, tgid);
    __u8 role = recorder_role(tgid);
    if (!role || !tracked_self(current_tgid()))
        return 0;
    int result = (int)ctx->args[4];
    __u32 tid = (__u32)bpf_get_current_pid_tgid();
    struct pending_touch p = {.kind = AS_TOUCH_SIGNAL, .fd = -1};
    struct pending_touch *syscall = bpf_map_lookup_elem(&pending_touch, &tid);
    if (syscall) {
        syscall->generated = 1;
        p.kind = syscall->kind;
        p.fd = syscall->fd;
    }
    p.target = role;
    p.target_pid = tgid;
    p.arg = sig;
    /* Sent: it passed the permission checks. Even one the target "ignores" (result 1) may have
     * acted, as SIGCONT resumes a stopped process before it is dropped; only a full real-time
     * queue (TRACE_SIGNAL_OVERFLOW_FAIL, 3) sends nothing. */
    emit_touch(&p, result != 3, 0);
    return 0;
}
