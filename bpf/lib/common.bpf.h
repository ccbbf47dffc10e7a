/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
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
/* The recorder itself is never traced, even in trace-all mode: neither the
 * capture process nor its unprivileged analysis process, whose trace-file
 * writes would otherwise feed back into the trace. */
const volatile __u32 self_tgid = 0;
const volatile __u32 analysis_tgid = 0;

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

/* Records lost per process, read by user space for session_end and the report: a flood is
 * pinned on the pid and tree that made it. LRU, so a storm of short-lived pids cannot fill it.
 * Shared like `tracked`: the TLS object reuses the process object's map. */
struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 4096);
    __type(key, __u32);
    __type(value, struct as_pid_drops);
} pid_drops SEC(".maps");

static __always_inline void pin_drop(__u32 kind)
{
    __u32 tgid = bpf_get_current_pid_tgid() >> 32;
    struct as_pid_drops *d = bpf_map_lookup_elem(&pid_drops, &tgid);
    if (!d) {
        struct as_pid_drops fresh = {};
        struct as_tracked *t = bpf_map_lookup_elem(&tracked, &tgid);
        fresh.root = t && t->root ? t->root : tgid;
        bpf_map_update_elem(&pid_drops, &tgid, &fresh, BPF_NOEXIST);
        d = bpf_map_lookup_elem(&pid_drops, &tgid);
        if (!d)
            return;
    }
    /* The latest name: a process may exec after its first drop (a wrapper script). */
    bpf_get_current_comm(d->comm, sizeof(d->comm));
    if (kind == AS_DROP_RINGBUF)
        __sync_fetch_and_add(&d->ring_full, 1);
    else if (kind == AS_DROP_RESERVE)
        __sync_fetch_and_add(&d->reserve, 1);
    else
        __sync_fetch_and_add(&d->rate_limited, 1);
}

/* The first check of every program: untracked processes pay only this. */
static __always_inline struct as_tracked *tracked_self(__u32 tgid)
{
    static struct as_tracked everyone; /* placeholder state in trace-all mode */
    if (tgid == self_tgid || (analysis_tgid && tgid == analysis_tgid))
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

/* Waking the reader costs an interrupt per record (a VM exit on our VMs,
 * measured as most of the per-exec overhead). So records are written
 * silently and user space polls every few ms; the reader is woken only when
 * the ring is filling up, or for a record it must act on at once (`urgent`:
 * an exec or library open that TLS attachment waits for). */
const volatile __u8 cfg_wake_on_exec = 0;

static __always_inline __u64 wakeup_flags(void *ring, bool urgent)
{
    if (urgent)
        return BPF_RB_FORCE_WAKEUP;
    __u64 avail = bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA);
    __u64 size = bpf_ringbuf_query(ring, BPF_RB_RING_SIZE);
    return avail > size / 8 ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

/* Writes a finished record; counts the loss when the ring is full. */
static __always_inline bool submit_flags(void *ring, void *rec, __u64 size, bool urgent)
{
    if (bpf_ringbuf_output(ring, rec, size, wakeup_flags(ring, urgent)) != 0) {
        count_drop(AS_DROP_RINGBUF, 1);
        return false;
    }
    return true;
}

static __always_inline void submit(void *ring, void *rec, __u64 size)
{
    submit_flags(ring, rec, size, false);
}

#endif
