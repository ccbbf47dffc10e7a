/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The kernel types our BPF programs read, written by hand for CO-RE.
 * preserve_access_index makes libbpf relocate every field access against the
 * running kernel's BTF, so only the fields named here matter and the build
 * never depends on the build host's kernel. Register layouts are per arch. */
#ifndef AGENTSIGHT_VMLINUX_MIN_H
#define AGENTSIGHT_VMLINUX_MIN_H
/* Tells bpf_tracing.h to use kernel register names (di, not rdi). */
#define __VMLINUX_H__

typedef unsigned char __u8;
typedef signed char __s8;
typedef unsigned short __u16;
typedef short __s16;
typedef unsigned int __u32;
typedef int __s32;
typedef unsigned long long __u64;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef int pid_t;
typedef _Bool bool;
enum { false = 0, true = 1 };

enum bpf_map_type {
    BPF_MAP_TYPE_HASH = 1,
    BPF_MAP_TYPE_ARRAY = 2,
    BPF_MAP_TYPE_PERCPU_ARRAY = 6,
    BPF_MAP_TYPE_LRU_HASH = 9,
    BPF_MAP_TYPE_RINGBUF = 27,
};

enum { BPF_ANY = 0, BPF_NOEXIST = 1, BPF_EXIST = 2 };
enum { BPF_RB_NO_WAKEUP = 1, BPF_RB_FORCE_WAKEUP = 2 };
enum { BPF_RB_AVAIL_DATA = 0, BPF_RB_RING_SIZE = 1 };

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

struct mm_struct {
    unsigned long arg_start;
    unsigned long arg_end;
};

/* pidfd -> struct pid: current->files->fdt->fd[n], then the pid a pidfd holds
 * (inode->i_private since pidfs, 6.9; file->private_data before). */
struct upid {
    int nr;
};

struct pid {
    struct upid numbers[1];
};

struct inode {
    void *i_private;
};

struct file {
    struct inode *f_inode;
    void *private_data;
};

struct fdtable {
    unsigned int max_fds;
    struct file **fd;
};

struct files_struct {
    struct fdtable *fdt;
};

struct task_struct {
    int pid;
    int tgid;
    int exit_code;
    unsigned int flags;
    __u64 start_time;
    struct task_struct *real_parent;
    struct task_struct *group_leader;
    struct mm_struct *mm;
    struct files_struct *files;
    char comm[16];
};

struct linux_binprm {
    const char *filename;
};

#if defined(__TARGET_ARCH_x86)
struct pt_regs {
    unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di, orig_ax, ip,
        cs, flags, sp, ss;
};
#elif defined(__TARGET_ARCH_arm64)
struct user_pt_regs {
    __u64 regs[31];
    __u64 sp;
    __u64 pc;
    __u64 pstate;
};
struct pt_regs {
    __u64 regs[31];
    __u64 sp;
    __u64 pc;
    __u64 pstate;
    __u64 orig_x0;
};
#elif defined(__TARGET_ARCH_riscv)
struct user_regs_struct {
    unsigned long pc, ra, sp, gp, tp, t0, t1, t2, s0, s1, a0, a1, a2, a3, a4, a5, a6, a7, s2, s3,
        s4, s5, s6, s7, s8, s9, s10, s11, t3, t4, t5, t6;
};
struct pt_regs {
    unsigned long epc, ra, sp, gp, tp, t0, t1, t2, s0, s1, a0, a1, a2, a3, a4, a5, a6, a7, s2, s3,
        s4, s5, s6, s7, s8, s9, s10, s11, t3, t4, t5, t6, status, badaddr, cause, orig_a0;
};
#else
#error "unsupported __TARGET_ARCH"
#endif

#pragma clang attribute pop

/* Raw tracepoint context: the tracepoint's arguments as u64s. */
struct bpf_raw_tracepoint_args {
    __u64 args[0];
};

/* The syscalls:sys_enter_* / sys_exit_* tracepoint records (tracefs format,
 * a stable ABI): 8 bytes of common fields, the syscall number, then args. */
struct syscall_enter_ctx {
    __u64 common;
    __s32 nr;
    __u32 pad;
    __u64 args[6];
};

struct syscall_exit_ctx {
    __u64 common;
    __s32 nr;
    __u32 pad;
    __s64 ret;
};

#endif
