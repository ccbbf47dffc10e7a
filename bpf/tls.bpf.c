/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* TLS plaintext at the library boundary. One enter/exit pair of programs
 * serves every library and function: the attach cookie says which library,
 * which direction, and whether the byte count comes from a size_t* out
 * parameter (SSL_read_ex/SSL_write_ex). User space attaches each TLS file
 * once for every process (pid -1) so that a short-lived child is covered
 * before its first call: the tracked-map check is what keeps other processes
 * out. */
#include "lib/common.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Plaintext bytes copied per call; beyond it the record says what was lost. */
const volatile __u32 cfg_max_capture = 1 << 20;

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 32 << 20); /* resized by user space before load */
} tls_events SEC(".maps");

/* Arguments of an in-flight TLS call, per thread, until its return probe. */
struct tls_call {
    __u64 conn;
    __u64 buf;
    __u64 out_len_ptr;
    __u64 cookie;
    __u64 start_ns;
};

/* Keyed by thread and direction: BoringSSL runs SSL_do_handshake inside
 * SSL_read/SSL_write, and the nested call must not overwrite the outer one. */
struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 16384);
    __type(key, __u64);
    __type(value, struct tls_call);
} calls SEC(".maps");

static __always_inline __u64 call_key(__u64 cookie)
{
    return ((__u64)(__u32)bpf_get_current_pid_tgid() << 8) | AS_COOKIE_DIR(cookie);
}

static __always_inline int on_enter(struct pt_regs *ctx, void *conn, void *buf, void *out_len)
{
    if (!tracked_self(bpf_get_current_pid_tgid() >> 32))
        return 0;
    struct tls_call call = {
        .conn = (__u64)conn,
        .buf = (__u64)buf,
        .cookie = bpf_get_attach_cookie(ctx),
        .start_ns = bpf_ktime_get_ns(),
    };
    if (AS_COOKIE_EX(call.cookie))
        call.out_len_ptr = (__u64)out_len;
    __u64 key = call_key(call.cookie);
    bpf_map_update_elem(&calls, &key, &call, BPF_ANY);
    return 0;
}

/* Two copies of each program: perf-event uprobes everywhere, and uprobe_multi
 * links (kernel 6.6+: one link per file and process, detached in one step)
 * where the kernel has them; user space loads only the copy it uses. */
SEC("uprobe")
int BPF_KPROBE(tls_enter, void *conn, void *buf, __u64 num, void *out_len)
{
    return on_enter(ctx, conn, buf, out_len);
}

SEC("uprobe")
int BPF_KPROBE(tls_enter_multi, void *conn, void *buf, __u64 num, void *out_len)
{
    return on_enter(ctx, conn, buf, out_len);
}

struct chunk_ctx {
    __u64 buf;
    __u64 conn;
    __u64 call_seq;
    __u32 total;
    __u32 captured;
    __u8 lib;
    __u8 dir;
};

/* One chunk, reserved in the ring at a size class (a constant: the verifier wants
 * one for bpf_ringbuf_reserve) and filled in place, so the plaintext is copied once,
 * from the caller's buffer into the ring. The record says its real length; the
 * rest of the class is slack the reader skips. */
static __always_inline long emit_sized(struct chunk_ctx *c, __u32 off, __u64 left, __u32 cls)
{
    /* n in [1, cls], written as (m & (cls - 1)) + 1 so that clang 14 cannot fold
     * the bound away and the verifier sees it. */
    __u64 m = (left > cls ? cls : left) - 1;
    barrier_var(m);
    m &= cls - 1;
    __u64 n = m + 1;
    struct as_tls_data *rec =
        bpf_ringbuf_reserve(&tls_events, __builtin_offsetof(struct as_tls_data, data) + cls, 0);
    if (!rec) {
        count_drop(AS_DROP_RINGBUF, 1);
        count_drop(AS_DROP_TLS_BYTES, n);
        pin_drop(AS_DROP_RINGBUF);
        return 0;
    }
    fill_header(&rec->h, AS_REC_TLS_DATA, __builtin_offsetof(struct as_tls_data, data) + n);
    rec->conn = c->conn;
    rec->call_seq = c->call_seq;
    rec->total_len = c->total;
    rec->captured_len = c->captured;
    rec->offset = off;
    rec->chunk_len = n;
    rec->lib = c->lib;
    rec->direction = c->dir;
    __builtin_memset(rec->pad, 0, sizeof(rec->pad));
    if (bpf_probe_read_user(rec->data, n, (void *)(c->buf + off)) != 0)
        __builtin_memset(rec->data, 0, 8); /* page not present: send the gap, flagged by len */
    bpf_ringbuf_submit(rec, wakeup_flags(&tls_events, false));
    return 0;
}

static long emit_chunk(__u32 i, struct chunk_ctx *c)
{
    __u32 off = i * AS_TLS_CHUNK;
    if (off >= c->captured)
        return 1;
    __u64 left = c->captured - off;
    /* Size classes chosen by bench/tls_cost.sh: a class at most twice the chunk keeps
     * the ring's slack small, and every class is one reserve and one copy. */
    if (left <= 256)
        return emit_sized(c, off, left, 256);
    if (left <= 512)
        return emit_sized(c, off, left, 512);
    if (left <= 1024)
        return emit_sized(c, off, left, 1024);
    if (left <= 2048)
        return emit_sized(c, off, left, 2048);
    if (left <= 4096)
        return emit_sized(c, off, left, 4096);
    if (left <= 8192)
        return emit_sized(c, off, left, 8192);
    return emit_sized(c, off, left, AS_TLS_CHUNK);
}

static __always_inline void emit_handshake(struct tls_call *call, __s64 ret)
{
    struct as_tls_handshake rec = {};
    fill_header(&rec.h, AS_REC_TLS_HANDSHAKE, sizeof(rec));
    rec.conn = call->conn;
    rec.latency_ns = rec.h.ts_ns - call->start_ns;
    rec.ret = (__s32)ret;
    rec.lib = AS_COOKIE_LIB(call->cookie);
    if (!submit_flags(&tls_events, &rec, sizeof(rec), false))
        pin_drop(AS_DROP_RINGBUF);
}

static __always_inline int on_return(struct pt_regs *ctx, long ret)
{
    __u64 key = call_key(bpf_get_attach_cookie(ctx));
    struct tls_call *found = bpf_map_lookup_elem(&calls, &key);
    if (!found)
        return 0;
    struct tls_call call = *found;
    bpf_map_delete_elem(&calls, &key);
    /* Every hooked function returns int (gnutls: ssize_t of a small count):
     * sign-extend from 32 bits so -1 is not read as 4 GiB. */
    ret = (__s32)ret;

    __u8 dir = AS_COOKIE_DIR(call.cookie);
    if (dir == AS_TLS_HANDSHAKE) {
        emit_handshake(&call, ret);
        return 0;
    }
    __u64 bytes = 0;
    if (call.out_len_ptr) {
        if (ret != 1)
            return 0;
        bpf_probe_read_user(&bytes, sizeof(bytes), (void *)call.out_len_ptr);
    } else if (ret > 0) {
        bytes = ret;
    }
    if (bytes == 0 || bytes > 0xffffffffULL)
        return 0;

    struct chunk_ctx c = {
        .buf = call.buf,
        .conn = call.conn,
        .call_seq = bpf_ktime_get_ns(),
        .total = bytes,
        .captured = bytes > cfg_max_capture ? cfg_max_capture : bytes,
        .lib = AS_COOKIE_LIB(call.cookie),
        .dir = dir,
    };
    __u32 chunks = (c.captured + AS_TLS_CHUNK - 1) / AS_TLS_CHUNK;
    bpf_loop(chunks, emit_chunk, &c, 0);
    return 0;
}

SEC("uretprobe")
int BPF_KRETPROBE(tls_exit, long ret)
{
    return on_return(ctx, ret);
}

SEC("uretprobe")
int BPF_KRETPROBE(tls_exit_multi, long ret)
{
    return on_return(ctx, ret);
}
