/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Plaintext streams from syscall tracepoints: what TLS uprobes cannot see.
 * write/writev/sendto/sendmsg and read/readv/recvfrom/recvmsg of the traced
 * tree on TCP sockets that carry no TLS, on pipes and on unix sockets (MCP
 * over stdio, local models over plain HTTP). The enter tracepoint remembers
 * the buffer of a call on a stream we keep; the exit tracepoint copies what
 * the call actually moved, in chunks, as AS_REC_PLAIN_DATA records. Loaded
 * only when asked for (--plaintext): untraced processes then pay one map
 * lookup per call on enter and one on exit. */
#include "lib/common.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Bytes copied per call; beyond it the record says what was lost. */
const volatile __u32 cfg_max_capture = 1 << 20;

#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define S_IFIFO 0010000
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define SOCK_STREAM 1
#define MAX_IOVECS 64 /* iovecs of one call we follow; the rest counts as lost */

/* The fields we read, by CO-RE name (the ___plain suffix is dropped on relocation). */
struct inode___plain {
    unsigned short i_mode;
    unsigned long i_ino;
} __attribute__((preserve_access_index));

struct sock_common___plain {
    unsigned short skc_family;
} __attribute__((preserve_access_index));

struct sock___plain {
    struct sock_common___plain __sk_common;
} __attribute__((preserve_access_index));

struct socket___plain {
    short type;
    struct sock___plain* sk;
} __attribute__((preserve_access_index));

/* The user ABI of struct iovec and the head of struct user_msghdr. */
struct plain_iovec {
    __u64 base;
    __u64 len;
};

struct plain_msghdr {
    __u64 name;
    __u32 namelen;
    __u32 pad;
    __u64 iov;
    __u64 iovlen;
};

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 8 << 20); /* resized by user space before load */
} plain_events SEC(".maps");

/* A call on a kept stream, per thread, from enter to exit. */
struct plain_call {
    __u64 buf;    /* the buffer, or the iovec array when iovcnt > 0 */
    __u64 conn;   /* inode number of the socket or pipe */
    __u32 iovcnt; /* 0: a flat buffer */
    __s32 fd;
    __u8 transport;
    __u8 direction;
    __u8 pad[6];
};

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH); /* a thread killed mid-call leaves no leak */
    __uint(max_entries, 16384);
    __type(key, __u32);
    __type(value, struct plain_call);
} calls SEC(".maps");

/* TCP streams classified by their first bytes (inode -> verdict). A stream that opens with
 * a TLS record header is left to the TLS uprobes, which see its plaintext. */
enum { STREAM_PLAIN = 1, STREAM_TLS = 2 };

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 16384);
    __type(key, __u64);
    __type(value, __u8);
} tcp_verdict SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct as_plain_data);
} chunk_scratch SEC(".maps");

/* current->files->fdt->fd[fd], or 0. */
static __always_inline struct file* file_of(__s32 fd) {
    struct task_struct* task = (struct task_struct*)bpf_get_current_task();
    struct fdtable* fdt = BPF_CORE_READ(task, files, fdt);
    if (!fdt || fd < 0 || (__u32)fd >= BPF_CORE_READ(fdt, max_fds)) return 0;
    struct file** fds = BPF_CORE_READ(fdt, fd);
    struct file* f = 0;
    bpf_core_read(&f, sizeof(f), &fds[fd]);
    return f;
}

/* The transport of a file we keep (as_plain_transport), or 0; sets *ino. */
static __always_inline __u8 transport_of(struct file* f, __u64* ino) {
    struct inode___plain* inode = (struct inode___plain*)BPF_CORE_READ(f, f_inode);
    if (!inode) return 0;
    unsigned short mode = BPF_CORE_READ(inode, i_mode) & S_IFMT;
    *ino = BPF_CORE_READ(inode, i_ino);
    if (mode == S_IFIFO) return AS_PLAIN_PIPE;
    if (mode != S_IFSOCK) return 0;
    struct socket___plain* sock = (struct socket___plain*)BPF_CORE_READ(f, private_data);
    if (!sock) return 0;
    unsigned short family = BPF_CORE_READ(sock, sk, __sk_common.skc_family);
    if (family == AF_UNIX) return AS_PLAIN_UNIX;
    if ((family == AF_INET || family == AF_INET6) && BPF_CORE_READ(sock, type) == SOCK_STREAM)
        return AS_PLAIN_TCP;
    return 0;
}

static __always_inline int remember(__s32 fd, __u64 buf, __u32 iovcnt, __u8 direction) {
    if (!tracked_self(bpf_get_current_pid_tgid() >> 32)) return 0;
    struct file* f = file_of(fd);
    if (!f) return 0;
    struct plain_call call = {.buf = buf, .iovcnt = iovcnt, .fd = fd, .direction = direction};
    call.transport = transport_of(f, &call.conn);
    if (!call.transport) return 0;
    if (call.transport == AS_PLAIN_TCP) {
        __u8* verdict = bpf_map_lookup_elem(&tcp_verdict, &call.conn);
        if (verdict && *verdict == STREAM_TLS) return 0;
    }
    __u32 tid = (__u32)bpf_get_current_pid_tgid();
    bpf_map_update_elem(&calls, &tid, &call, BPF_ANY);
    return 0;
}

/* sendmsg/recvmsg: the iovec array and its length from the user's msghdr. */
static __always_inline int remember_msg(__s32 fd, __u64 msg, __u8 direction) {
    if (!tracked_self(bpf_get_current_pid_tgid() >> 32)) return 0;
    struct plain_msghdr m = {};
    if (bpf_probe_read_user(&m, sizeof(m), (void*)msg) != 0 || m.iovlen == 0) return 0;
    return remember(fd, m.iov, m.iovlen > MAX_IOVECS ? MAX_IOVECS : m.iovlen, direction);
}

/* Walks the call's buffer (flat or iovecs) one chunk per iteration. It lives in a per-CPU
 * map, not on the stack: the verifier follows bpf_loop callbacks iteration by iteration, and
 * cursors on the stack would make every iteration a new state; map values are just scalars. */
struct chunk_ctx {
    __u64 iov;      /* next iovec to read */
    __u64 cur_base; /* where the current segment continues */
    __u64 cur_left; /* bytes left in it */
    __u64 conn;
    __u64 call_seq;
    __u32 iov_left; /* iovecs not yet read */
    __u32 off;      /* bytes emitted so far */
    __u32 total;
    __u32 captured;
    __s32 fd;
    __u8 transport;
    __u8 direction;
};

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct chunk_ctx);
} walk SEC(".maps");

static __always_inline void emit(struct chunk_ctx* c, struct as_plain_data* rec, __u64 n) {
    fill_header(&rec->h, AS_REC_PLAIN_DATA, 0);
    rec->conn = c->conn;
    rec->call_seq = c->call_seq;
    rec->total_len = c->total;
    rec->captured_len = c->captured;
    rec->offset = c->off;
    rec->chunk_len = n;
    rec->fd = c->fd;
    rec->transport = c->transport;
    rec->direction = c->direction;
    if (bpf_probe_read_user(rec->data, n, (void*)c->cur_base) != 0)
        __builtin_memset(rec->data, 0, 8); /* page not present: send the gap, flagged by len */
    __u64 size = __builtin_offsetof(struct as_plain_data, data) + n;
    rec->h.size = size;
    if (!submit_flags(&plain_events, rec, size, false)) {
        count_drop(AS_DROP_TLS_BYTES, n);
        pin_drop(AS_DROP_RINGBUF);
    }
}

static long emit_chunk(__u32 i, void* unused) {
    __u32 zero = 0;
    struct chunk_ctx* c = bpf_map_lookup_elem(&walk, &zero);
    if (!c || c->off >= c->captured) return 1;
    if (c->cur_left == 0) {
        if (c->iov_left == 0) return 1;
        struct plain_iovec v = {};
        if (bpf_probe_read_user(&v, sizeof(v), (void*)c->iov) != 0) return 1;
        c->iov += sizeof(v);
        c->iov_left--;
        c->cur_base = v.base;
        c->cur_left = v.len;
        return 0;
    }
    struct as_plain_data* rec = bpf_map_lookup_elem(&chunk_scratch, &zero);
    if (!rec) return 1;
    __u64 left = c->captured - c->off;
    if (left > c->cur_left) left = c->cur_left;
    /* n in [1, AS_TLS_CHUNK], written as (m & mask) + 1 so that clang 14
     * cannot fold the bound away and the verifier sees it. */
    __u64 m = (left > AS_TLS_CHUNK ? AS_TLS_CHUNK : left) - 1;
    barrier_var(m);
    m &= AS_TLS_CHUNK - 1;
    __u64 n = m + 1;
    emit(c, rec, n);
    c->cur_base += n;
    c->cur_left -= n;
    c->off += n;
    return 0;
}

/* A TCP stream's first bytes decide whether it is ours: 0x16 0x03 opens a TLS record. */
static __always_inline bool keep_tcp(struct plain_call* call, __u64 first) {
    __u8* verdict = bpf_map_lookup_elem(&tcp_verdict, &call->conn);
    if (verdict) return *verdict == STREAM_PLAIN;
    __u8 head[2] = {};
    bpf_probe_read_user(head, sizeof(head), (void*)first);
    __u8 v = head[0] == 0x16 && head[1] == 0x03 ? STREAM_TLS : STREAM_PLAIN;
    bpf_map_update_elem(&tcp_verdict, &call->conn, &v, BPF_ANY);
    return v == STREAM_PLAIN;
}

static __always_inline int finish(__s64 ret) {
    __u32 tid = (__u32)bpf_get_current_pid_tgid();
    struct plain_call* found = bpf_map_lookup_elem(&calls, &tid);
    if (!found) return 0;
    struct plain_call call = *found;
    bpf_map_delete_elem(&calls, &tid);
    if (ret <= 0 || ret > 0xffffffffLL) return 0;
    if (call.transport == AS_PLAIN_TCP) {
        __u64 first = call.buf;
        if (call.iovcnt) bpf_probe_read_user(&first, sizeof(first), (void*)call.buf);
        if (!keep_tcp(&call, first)) return 0;
    }
    __u32 zero = 0;
    struct chunk_ctx* c = bpf_map_lookup_elem(&walk, &zero);
    if (!c) return 0;
    __u32 captured = ret > cfg_max_capture ? cfg_max_capture : ret;
    *c = (struct chunk_ctx){
        .conn = call.conn,
        .call_seq = bpf_ktime_get_ns(),
        .total = ret,
        .captured = captured,
        .fd = call.fd,
        .transport = call.transport,
        .direction = call.direction,
    };
    if (call.iovcnt) {
        c->iov = call.buf;
        c->iov_left = call.iovcnt;
    } else {
        c->cur_base = call.buf;
        c->cur_left = captured;
    }
    /* One iteration per chunk, plus per iovec one to read it and one for the extra chunk its
     * boundary may cut. */
    __u32 loops = (captured + AS_TLS_CHUNK - 1) / AS_TLS_CHUNK + 2 * call.iovcnt;
    bpf_loop(loops, emit_chunk, 0, 0);
    if (c->off < c->captured)
        count_drop(AS_DROP_TLS_BYTES, c->captured - c->off); /* iovecs beyond MAX_IOVECS */
    return 0;
}

#define ENTER(name) \
    SEC("tp/syscalls/sys_enter_" #name) int enter_##name(struct syscall_enter_ctx* ctx)
#define EXIT(name)                                                                     \
    SEC("tp/syscalls/sys_exit_" #name) int exit_##name(struct syscall_exit_ctx* ctx) { \
        return finish(ctx->ret);                                                       \
    }

ENTER(write) {
    return remember(ctx->args[0], ctx->args[1], 0, AS_TLS_WRITE);
}
EXIT(write)
ENTER(writev) {
    __u64 n = ctx->args[2];
    return remember(ctx->args[0], ctx->args[1], n > MAX_IOVECS ? MAX_IOVECS : n, AS_TLS_WRITE);
}
EXIT(writev)
ENTER(sendto) {
    return remember(ctx->args[0], ctx->args[1], 0, AS_TLS_WRITE);
}
EXIT(sendto)
ENTER(sendmsg) {
    return remember_msg(ctx->args[0], ctx->args[1], AS_TLS_WRITE);
}
EXIT(sendmsg)
ENTER(read) {
    return remember(ctx->args[0], ctx->args[1], 0, AS_TLS_READ);
}
EXIT(read)
ENTER(readv) {
    __u64 n = ctx->args[2];
    return remember(ctx->args[0], ctx->args[1], n > MAX_IOVECS ? MAX_IOVECS : n, AS_TLS_READ);
}
EXIT(readv)
ENTER(recvfrom) {
    return remember(ctx->args[0], ctx->args[1], 0, AS_TLS_READ);
}
EXIT(recvfrom)
ENTER(recvmsg) {
    return remember_msg(ctx->args[0], ctx->args[1], AS_TLS_READ);
}
EXIT(recvmsg)
