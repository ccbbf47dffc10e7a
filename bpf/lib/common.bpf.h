/* Kernel-only helpers shared by every program: the tracked-tree filter, the
 * per-process rate limiter, drop counters and the record header. */
#ifndef AGENTSIGHT_COMMON_BPF_H
#define AGENTSIGHT_COMMON_BPF_H

#include "vmlinux_min.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"

/* Trace every process (no targeting flag). Set before load. */
const volatile __u8 targ_all = 0;
/* The recorder itself is never traced, even in trace-all mode. */
const volatile __u32 self_tgid = 0;

/* tgid -> state. Presence means the process is in a traced tree. Seeded by
 * user space, extended on fork/exec, pruned on exit. User space shares this
 * map between the process and TLS programs. */
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 65536);
    __type(key, __u32);
    __type(value, struct as_tracked);
} tracked SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, AS_DROP_KINDS);
    __type(key, __u32);
    __type(value, __u64);
} drops SEC(".maps");

static __always_inline void count_drop(__u32 kind, __u64 n)
{
    __u64 *v = bpf_map_lookup_elem(&drops, &kind);
    if (v)
        *v += n; /* per-CPU: no atomics needed */
}

/* The first check of every program: untracked processes pay only this. */
static __always_inline struct as_tracked *tracked_self(__u32 tgid)
{
    static struct as_tracked everyone; /* placeholder state in trace-all mode */
    if (tgid == self_tgid)
        return 0;
    struct as_tracked *t = bpf_map_lookup_elem(&tracked, &tgid);
    if (!t && targ_all)
        return &everyone;
    return t;
}

static __always_inline void fill_header(struct as_header *h, __u16 type, __u32 size)
{
    __u64 id = bpf_get_current_pid_tgid();
    struct task_struct *task = (struct task_struct *)bpf_get_current_task();
    h->type = type;
    h->abi = AS_ABI_VERSION;
    h->pad0 = 0;
    h->size = size;
    h->ts_ns = bpf_ktime_get_ns();
    h->pid = id >> 32;
    h->tid = (__u32)id;
    h->ppid = BPF_CORE_READ(task, real_parent, tgid);
    h->uid = (__u32)bpf_get_current_uid_gid();
    bpf_get_current_comm(h->comm, sizeof(h->comm));
}

/* Writes a finished record; counts the loss when the ring is full. */
static __always_inline void submit(void *ring, void *rec, __u64 size)
{
    if (bpf_ringbuf_output(ring, rec, size, 0) != 0)
        count_drop(AS_DROP_RINGBUF, 1);
}

#endif
