/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The kernel/user ABI: every record BPF writes to a ring buffer.
 * Shared verbatim by the BPF programs (C) and the C++ decoder. Fixed-width
 * fields only, explicit padding, variable payload last with its lengths
 * before it; sizes and offsets are asserted on both sides. */
#ifndef AGENTSIGHT_EVENTS_H
#define AGENTSIGHT_EVENTS_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define AS_ABI_VERSION 1
#define AS_COMM_LEN 16
#define AS_PATH_MAX 4096 /* per path; longer paths are flagged truncated */
#define AS_ARGV_MAX 8192 /* argv bytes, NUL-separated; longer is flagged truncated */
#define AS_TLS_CHUNK 16384 /* plaintext bytes per TLS chunk record */

/* File-name prefixes of the TLS libraries whose open TLS attachment races (ld.so or dlopen
 * maps them, then the first TLS call follows). Prefixes, so that private copies such as
 * Python wheels' "libssl-1a2b3c.so.3" match too. The BPF side wakes the reader at once
 * for these opens only; user space attaches to them. */
#define AS_TLS_LIB_PREFIXES {"libssl", "libgnutls", "libnspr4"}
#define AS_TLS_LIB_PREFIX_COUNT 3
#define AS_TLS_LIB_PREFIX_MAX 10 /* longest prefix + NUL */

enum as_record_type {
    AS_REC_EXEC = 1,
    AS_REC_FORK = 2,
    AS_REC_EXIT = 3,
    AS_REC_FILE = 4,
    AS_REC_NET = 5,
    AS_REC_SUPPRESSED = 6,
    AS_REC_BPF_CALL = 7,
    AS_REC_TOUCH_RECORDER = 9, /* the traced tree ptraced or signalled an agentsight process */
    AS_REC_TLS_DATA = 16,
    AS_REC_TLS_HANDSHAKE = 17,
    AS_REC_PLAIN_DATA = 18, /* plaintext of a read/write syscall (bpf/plain.bpf.c) */
};

enum as_file_op { AS_FILE_OPEN = 1, AS_FILE_UNLINK = 2, AS_FILE_RENAME = 3, AS_FILE_MKDIR = 4 };
enum as_net_op { AS_NET_CONNECT = 1, AS_NET_BIND = 2, AS_NET_LISTEN = 3, AS_NET_ACCEPT = 4 };

/* Drop counters: index into the per-CPU `drops` array of each program. */
enum as_drop_kind {
    AS_DROP_RINGBUF = 0,    /* bpf_ringbuf_output failed: records lost */
    AS_DROP_RATE_LIMIT = 1, /* records suppressed by the per-process rate limit */
    AS_DROP_TLS_BYTES = 2,  /* plaintext bytes lost to ringbuf failures */
    AS_DROP_TRACKED_FULL = 3, /* tracked-pid map full: a child could not be tracked */
    AS_DROP_RESERVE = 4, /* low-priority records refused to keep ring room for the rest */
    AS_DROP_KINDS = 5,
};

/* How a traced process reached an agentsight process (as_touch_recorder.syscall_kind). */
enum as_touch_kind {
    AS_TOUCH_PTRACE = 1,
    AS_TOUCH_KILL = 2,
    AS_TOUCH_TKILL = 3,
    AS_TOUCH_TGKILL = 4,
    AS_TOUCH_PIDFD_SEND_SIGNAL = 5,
    AS_TOUCH_RT_SIGQUEUEINFO = 6,
    AS_TOUCH_RT_TGSIGQUEUEINFO = 7,
    AS_TOUCH_SIGNAL = 8, /* a signal the kernel raised on the sender's behalf (F_SETOWN, ...) */
};

/* Which agentsight process was reached (as_touch_recorder.target). */
enum as_touch_target {
    AS_TARGET_UNRESOLVED = 0, /* a pidfd BPF could not resolve: maybe ours */
    AS_TARGET_CAPTURE = 1,
    AS_TARGET_ANALYSIS = 2,
};

enum as_tls_lib { AS_TLS_OPENSSL = 0, AS_TLS_GNUTLS = 1, AS_TLS_NSS = 2, AS_TLS_BORINGSSL = 3 };
enum as_tls_dir { AS_TLS_READ = 0, AS_TLS_WRITE = 1, AS_TLS_HANDSHAKE = 2 };

/* uprobe attach cookie: which library/direction a probe stands for. */
#define AS_COOKIE(lib, dir, ex) ((__u64)(lib) | ((__u64)(dir) << 8) | ((__u64)(ex) << 16))
#define AS_COOKIE_LIB(c) ((__u8)((c) & 0xff))
#define AS_COOKIE_DIR(c) ((__u8)(((c) >> 8) & 0xff))
#define AS_COOKIE_EX(c) ((__u8)(((c) >> 16) & 0xff))

struct as_header {
    __u16 type;
    __u8 abi;
    __u8 pad0;
    __u32 size; /* bytes of this record, header included */
    __u64 ts_ns; /* CLOCK_MONOTONIC */
    __u32 pid;   /* tgid */
    __u32 tid;
    __u32 ppid;
    __u32 uid;
    char comm[AS_COMM_LEN];
};

struct as_exec {
    struct as_header h;
    __u32 filename_len;
    __u32 argv_len;
    __u8 filename_truncated;
    __u8 argv_truncated;
    __u8 pad[6];
    char payload[AS_PATH_MAX + AS_ARGV_MAX]; /* filename, then argv */
};

struct as_fork {
    struct as_header h;
    __u32 child_pid;
    __u32 pad;
};

struct as_exit {
    struct as_header h;
    __s32 exit_code;
    __s32 signal;
    __u64 duration_ns;
    __u32 suppressed; /* records the rate limit dropped and never reported */
    __u32 pad;
};

struct as_file {
    struct as_header h;
    __u8 op;
    __u8 path_truncated;
    __u8 new_path_truncated;
    __u8 pad;
    __s32 flags;
    __s64 ret;
    __u32 path_len;
    __u32 new_path_len;
    char payload[2 * AS_PATH_MAX]; /* path, then new_path */
};

struct as_net {
    struct as_header h;
    __u8 op;
    __u8 pad;
    __u16 family;
    __u16 port; /* host order */
    __u16 pad2;
    __s64 ret;
    __u8 addr[16];
};

struct as_suppressed {
    struct as_header h;
    __u32 count;
    __u32 pad;
};

struct as_bpf_call {
    struct as_header h;
    __s32 cmd;
    __u32 pad;
};

struct as_touch_recorder {
    struct as_header h;
    __u8 syscall_kind; /* as_touch_kind */
    __u8 target;       /* as_touch_target */
    __u8 delivered;    /* the kernel sent the signal, or the ptrace request succeeded */
    __u8 pad;
    __s32 arg;        /* ptrace request, or signal number (0: a liveness probe) */
    __u32 target_pid; /* tgid reached (0 for an unresolved pidfd) */
    __s32 fd;         /* pidfd_send_signal's pidfd, else -1 */
    __s64 ret;        /* the syscall's result; 0 when the kernel reported the signal itself */
};

struct as_tls_data {
    struct as_header h;
    __u64 conn;     /* the TLS object (SSL*, gnutls_session_t, PRFileDesc*) */
    __u64 call_seq; /* unique per call on this CPU's stream: groups its chunks */
    __u32 total_len; /* bytes the call moved */
    __u32 offset;    /* of this chunk within the call */
    __u32 chunk_len;
    __u32 captured_len; /* min(total_len, capture limit) */
    __u8 lib;
    __u8 direction;
    __u8 pad[6];
    char data[AS_TLS_CHUNK];
};

struct as_tls_handshake {
    struct as_header h;
    __u64 conn;
    __u64 latency_ns;
    __s32 ret;
    __u8 lib;
    __u8 pad[3];
};

/* The stream a plaintext record was read from or written to (as_plain_data.transport). */
enum as_plain_transport { AS_PLAIN_TCP = 1, AS_PLAIN_PIPE = 2, AS_PLAIN_UNIX = 3 };

/* One chunk of a read/write syscall's bytes on a TCP socket without TLS, a pipe or a unix
 * socket. Shaped like as_tls_data, so that the same reassembly joins its chunks. */
struct as_plain_data {
    struct as_header h;
    __u64 conn;      /* inode number of the socket or pipe */
    __u64 call_seq;  /* unique per call on this CPU's stream: groups its chunks */
    __u32 total_len; /* bytes the call moved */
    __u32 offset;    /* of this chunk within the call */
    __u32 chunk_len;
    __u32 captured_len; /* min(total_len, capture limit) */
    __u8 transport;     /* as_plain_transport */
    __u8 direction;     /* AS_TLS_READ or AS_TLS_WRITE */
    __u8 pad[2];
    __s32 fd;
    char data[AS_TLS_CHUNK];
};

/* Per-pid state in the tracked map; its presence means "traced". */
struct as_tracked {
    __u64 tokens_ts_ns; /* rate limiter: last refill */
    __u32 tokens;
    __u32 suppressed; /* dropped since the last `suppressed` record */
    __u32 root;       /* tgid of the tree this process belongs to (a seed, or itself) */
    __u32 pad;
};

/* Records lost per process (the pid_drops map), so a flood is pinned on whoever made it. */
struct as_pid_drops {
    __u32 root; /* as_tracked.root when the first drop was counted */
    __u32 pad;
    __u64 ring_full;    /* AS_DROP_RINGBUF */
    __u64 reserve;      /* AS_DROP_RESERVE */
    __u64 rate_limited; /* AS_DROP_RATE_LIMIT */
    char comm[AS_COMM_LEN];
};

#ifdef __cplusplus
#define AS_ASSERT_SIZE(t, n) static_assert(sizeof(struct t) == (n), "ABI size of " #t)
#else
#define AS_ASSERT_SIZE(t, n) _Static_assert(sizeof(struct t) == (n), "ABI size of " #t)
#endif
AS_ASSERT_SIZE(as_header, 48);
AS_ASSERT_SIZE(as_exec, 48 + 16 + AS_PATH_MAX + AS_ARGV_MAX);
AS_ASSERT_SIZE(as_fork, 56);
AS_ASSERT_SIZE(as_exit, 72);
AS_ASSERT_SIZE(as_file, 48 + 24 + 2 * AS_PATH_MAX);
AS_ASSERT_SIZE(as_net, 48 + 32);
AS_ASSERT_SIZE(as_suppressed, 56);
AS_ASSERT_SIZE(as_bpf_call, 56);
AS_ASSERT_SIZE(as_touch_recorder, 72);
AS_ASSERT_SIZE(as_tls_data, 48 + 40 + AS_TLS_CHUNK);
AS_ASSERT_SIZE(as_tls_handshake, 72);
AS_ASSERT_SIZE(as_plain_data, 48 + 40 + AS_TLS_CHUNK);
AS_ASSERT_SIZE(as_tracked, 24);
AS_ASSERT_SIZE(as_pid_drops, 48);

#endif
