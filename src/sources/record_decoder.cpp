// SPDX-License-Identifier: Apache-2.0
#include "sources/record_decoder.h"

#include <cstring>
#include <ctime>
#include <string>

#include "bpf/events.h"
#include "sources/plaintext_decoder.h"
#include "sources/stream_chunk.h"

namespace agentsight {
namespace {

static_assert(sizeof(as_header) == 48);
static_assert(offsetof(as_exec, payload) == 64);
static_assert(offsetof(as_file, payload) == 72);
static_assert(offsetof(as_tls_data, data) == 88);

template <typename T>
bool read_fixed(std::span<const uint8_t> bytes, T& out) {
    if (bytes.size() < sizeof(T)) return false;
    std::memcpy(&out, bytes.data(), sizeof(T));
    return true;
}

// A record with a variable tail: copy the fixed part, bound the payload.
template <typename T>
bool read_prefix(std::span<const uint8_t> bytes, size_t fixed, T& out) {
    if (bytes.size() < fixed || bytes.size() > sizeof(T)) return false;
    std::memset(&out, 0, sizeof(T));
    std::memcpy(&out, bytes.data(), bytes.size());
    return true;
}

std::string comm_of(const as_header& h) {
    return std::string(h.comm, strnlen(h.comm, AS_COMM_LEN));
}

process_event base_event(const as_header& h, process_event_type type, const clock_offset& clock) {
    process_event e;
    e.type = type;
    e.ts_ns = clock.to_epoch(h.ts_ns);
    e.pid = int32_t(h.pid);
    e.ppid = int32_t(h.ppid);
    e.uid = h.uid;
    e.comm = comm_of(h);
    return e;
}

std::vector<std::string> split_argv(std::string_view raw) {
    std::vector<std::string> argv;
    while (!raw.empty()) {
        size_t nul = raw.find('\0');
        argv.emplace_back(raw.substr(0, nul));
        if (nul == std::string_view::npos) break;
        raw.remove_prefix(nul + 1);
    }
    return argv;
}

std::string format_addr(uint16_t family, const uint8_t* a) {
    char buf[64] = {};
    if (family == 2) {
        snprintf(buf, sizeof buf, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
    } else if (family == 10) {
        std::string s;
        for (int i = 0; i < 16; i += 2) {
            char g[8];
            snprintf(g, sizeof g, "%s%x", i ? ":" : "", (a[i] << 8) | a[i + 1]);
            s += g;
        }
        return s;  // uncompressed form: unambiguous and cheap
    }
    return buf;
}

result<decoded_record> decode_exec(std::span<const uint8_t> b, const clock_offset& clock) {
    static as_exec rec;  // 12 KiB: keep it off the stack; decoding is single-threaded
    if (!read_prefix(b, offsetof(as_exec, payload), rec)) return error{"exec record: bad size"};
    if (uint64_t(rec.filename_len) + rec.argv_len > b.size() - offsetof(as_exec, payload))
        return error{"exec record: payload lengths exceed record"};
    process_event e = base_event(rec.h, process_event_type::exec, clock);
    e.filename.assign(rec.payload, rec.filename_len);
    e.path_truncated = rec.filename_truncated;
    e.argv = split_argv(std::string_view(rec.payload + rec.filename_len, rec.argv_len));
    e.argv_truncated = rec.argv_truncated;
    return decoded_record(std::move(e));
}

result<decoded_record> decode_file(std::span<const uint8_t> b, const clock_offset& clock) {
    static as_file rec;
    if (!read_prefix(b, offsetof(as_file, payload), rec)) return error{"file record: bad size"};
    if (uint64_t(rec.path_len) + rec.new_path_len > b.size() - offsetof(as_file, payload))
        return error{"file record: payload lengths exceed record"};
    process_event_type type;
    switch (rec.op) {
        case AS_FILE_OPEN:
            type = process_event_type::file_open;
            break;
        case AS_FILE_UNLINK:
            type = process_event_type::file_unlink;
            break;
        case AS_FILE_RENAME:
            type = process_event_type::file_rename;
            break;
        case AS_FILE_MKDIR:
            type = process_event_type::mkdir;
            break;
        default:
            return error{"file record: unknown op " + std::to_string(rec.op)};
    }
    process_event e = base_event(rec.h, type, clock);
    e.path.assign(rec.payload, rec.path_len);
    e.new_path.assign(rec.payload + rec.path_len, rec.new_path_len);
    e.path_truncated = rec.path_truncated || rec.new_path_truncated;
    e.flags = rec.flags;
    e.ret = rec.ret;
    return decoded_record(std::move(e));
}

result<decoded_record> decode_net(std::span<const uint8_t> b, const clock_offset& clock) {
    as_net rec;
    if (!read_fixed(b, rec)) return error{"net record: bad size"};
    process_event_type type;
    switch (rec.op) {
        case AS_NET_CONNECT:
            type = process_event_type::connect;
            break;
        case AS_NET_BIND:
            type = process_event_type::bind;
            break;
        case AS_NET_LISTEN:
            type = process_event_type::listen;
            break;
        case AS_NET_ACCEPT:
            type = process_event_type::accept;
            break;
        default:
            return error{"net record: unknown op " + std::to_string(rec.op)};
    }
    process_event e = base_event(rec.h, type, clock);
    e.family = rec.family;
    e.addr = format_addr(rec.family, rec.addr);
    e.port = rec.family == 2 || rec.family == 10 ? rec.port : 0;  // unix: bytes of the path
    e.ret = rec.ret;
    return decoded_record(std::move(e));
}

const char* touch_syscall(uint8_t kind) {
    switch (kind) {
        case AS_TOUCH_PTRACE:
            return "ptrace";
        case AS_TOUCH_KILL:
            return "kill";
        case AS_TOUCH_TKILL:
            return "tkill";
        case AS_TOUCH_TGKILL:
            return "tgkill";
        case AS_TOUCH_PIDFD_SEND_SIGNAL:
            return "pidfd_send_signal";
        case AS_TOUCH_RT_SIGQUEUEINFO:
            return "rt_sigqueueinfo";
        case AS_TOUCH_RT_TGSIGQUEUEINFO:
            return "rt_tgsigqueueinfo";
        case AS_TOUCH_SIGNAL:
            return "signal";
    }
    return nullptr;
}

const char* touch_target(uint8_t target) {
    switch (target) {
        case AS_TARGET_UNRESOLVED:
            return "unresolved_pidfd";
        case AS_TARGET_CAPTURE:
            return "capture";
        case AS_TARGET_ANALYSIS:
            return "analysis";
    }
    return nullptr;
}

result<decoded_record> decode_fork(std::span<const uint8_t> bytes, const clock_offset& clock) {
    as_fork rec;
    if (!read_fixed(bytes, rec)) return error{"fork record: bad size"};
    process_event e = base_event(rec.h, process_event_type::fork, clock);
    e.child_pid = int32_t(rec.child_pid);
    return decoded_record(std::move(e));
}

result<decoded_record> decode_exit(std::span<const uint8_t> bytes, const clock_offset& clock) {
    as_exit rec;
    if (!read_fixed(bytes, rec)) return error{"exit record: bad size"};
    process_event e = base_event(rec.h, process_event_type::exit, clock);
    e.exit_code = rec.exit_code;
    e.signal = rec.signal;
    e.duration_ns = rec.duration_ns;
    e.unreported_suppressed = rec.suppressed;
    return decoded_record(std::move(e));
}

result<decoded_record> decode_suppressed(std::span<const uint8_t> bytes,
                                         const clock_offset& clock) {
    as_suppressed rec;
    if (!read_fixed(bytes, rec)) return error{"suppressed record: bad size"};
    process_event e = base_event(rec.h, process_event_type::suppressed, clock);
    e.count = rec.count;
    e.suppressed_type = "file_or_network";
    return decoded_record(std::move(e));
}

result<decoded_record> decode_bpf_call(std::span<const uint8_t> bytes, const clock_offset& clock) {
    as_bpf_call rec;
    if (!read_fixed(bytes, rec)) return error{"bpf_call record: bad size"};
    process_event e = base_event(rec.h, process_event_type::bpf_call, clock);
    e.bpf_cmd = rec.cmd;
    return decoded_record(std::move(e));
}

result<decoded_record> decode_touch(std::span<const uint8_t> bytes, const clock_offset& clock) {
    as_touch_recorder rec;
    if (!read_fixed(bytes, rec)) return error{"touch_recorder record: bad size"};
    const char* syscall = touch_syscall(rec.syscall_kind);
    const char* target = touch_target(rec.target);
    if (!syscall || !target) return error{"touch_recorder record: unknown kind or target"};
    process_event e = base_event(rec.h, process_event_type::touch_recorder, clock);
    e.syscall = syscall;
    // `arg` is the ptrace request for ptrace, the signal number for the rest.
    const bool ptrace = rec.syscall_kind == AS_TOUCH_PTRACE;
    e.signal = ptrace ? 0 : rec.arg;
    e.ptrace_request = ptrace ? rec.arg : 0;
    e.target = target;
    e.target_pid = int32_t(rec.target_pid);
    e.delivered = rec.delivered != 0;
    e.fd = rec.fd;
    e.ret = rec.ret;
    return decoded_record(std::move(e));
}

result<decoded_record> decode_tls_data(std::span<const uint8_t> b, const clock_offset& clock) {
    constexpr size_t fixed = offsetof(as_tls_data, data);
    if (b.size() < fixed) return error{"tls record: bad size"};
    as_tls_data head;  // only the fixed part is copied; data stays in the ring
    std::memcpy(&head, b.data(), fixed);
    // BPF reserves a chunk at a size class (bpf/tls.bpf.c): the record may carry slack
    // after the data, and its header says where the data ends.
    if (head.chunk_len > b.size() - fixed || head.h.size != fixed + head.chunk_len)
        return error{"tls record: chunk length mismatch"};
    std::optional<tls_lib> lib = tls_lib_from_abi(head.lib);
    if (!lib || !is_data_direction(head.direction))
        return error{"tls record: bad lib or direction"};
    tls_chunk c = stream_chunk(head, b, fixed, clock);
    c.lib = *lib;
    return decoded_record(c);
}

result<decoded_record> decode_tls_handshake(std::span<const uint8_t> bytes,
                                            const clock_offset& clock) {
    as_tls_handshake rec;
    if (!read_fixed(bytes, rec)) return error{"tls handshake record: bad size"};
    tls_event e;
    e.ts_ns = clock.to_epoch(rec.h.ts_ns);
    e.pid = int32_t(rec.h.pid);
    e.tid = int32_t(rec.h.tid);
    e.comm = comm_of(rec.h);
    e.conn = conn_id(e.pid, rec.conn);
    e.lib = tls_lib_from_abi(rec.lib).value_or(tls_lib::openssl);
    e.direction = tls_direction::handshake;
    e.latency_ns = rec.latency_ns;
    e.ret = rec.ret;
    return decoded_record(std::move(e));
}

}  // namespace

clock_offset clock_offset::measure() {
    timespec mono1{}, real{}, mono2{};
    clock_gettime(CLOCK_MONOTONIC, &mono1);
    clock_gettime(CLOCK_REALTIME, &real);
    clock_gettime(CLOCK_MONOTONIC, &mono2);
    auto ns = [](const timespec& t) { return int64_t(t.tv_sec) * 1000000000 + t.tv_nsec; };
    return clock_offset{ns(real) - (ns(mono1) + ns(mono2)) / 2};
}

std::string conn_id(int32_t pid, uint64_t conn) {
    char buf[48];
    snprintf(buf, sizeof buf, "%d:%llx", pid, (unsigned long long)conn);
    return buf;
}

result<decoded_record> decode_record(std::span<const uint8_t> bytes, const clock_offset& clock) {
    as_header h;
    if (!read_fixed(bytes, h)) return error{"record shorter than its header"};
    if (h.abi != AS_ABI_VERSION)
        return error{"record ABI version " + std::to_string(h.abi) + ", expected " +
                     std::to_string(AS_ABI_VERSION)};
    switch (h.type) {
        case AS_REC_EXEC:
            return decode_exec(bytes, clock);
        case AS_REC_FILE:
            return decode_file(bytes, clock);
        case AS_REC_NET:
            return decode_net(bytes, clock);
        case AS_REC_FORK:
            return decode_fork(bytes, clock);
        case AS_REC_EXIT:
            return decode_exit(bytes, clock);
        case AS_REC_SUPPRESSED:
            return decode_suppressed(bytes, clock);
        case AS_REC_BPF_CALL:
            return decode_bpf_call(bytes, clock);
        case AS_REC_TOUCH_RECORDER:
            return decode_touch(bytes, clock);
        case AS_REC_TLS_DATA:
            return decode_tls_data(bytes, clock);
        case AS_REC_PLAIN_DATA:
            return decode_plain_data(bytes, clock);
        case AS_REC_TLS_HANDSHAKE:
            return decode_tls_handshake(bytes, clock);
        default:
            return error{"unknown record type " + std::to_string(h.type)};
    }
}

}  // namespace agentsight
