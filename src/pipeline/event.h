// SPDX-License-Identifier: Apache-2.0
// The event model every stage speaks: decoded kernel records (process, tls)
// and the derived events analyzers emit (llm_call, tool_exec, alert, ...).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/events/derived.h"
#include "tls/tls_lib.h"

namespace agentsight {

using json = nlohmann::ordered_json;

enum class process_event_type : uint8_t {
    exec,
    fork,
    exit,
    file_open,
    file_unlink,
    file_rename,
    mkdir,
    connect,
    bind,
    listen,
    accept,
    suppressed,      // a per-process rate limit dropped `count` records of kind `suppressed_type`
    bpf_call,        // the tree called bpf(): tamper evidence
    touch_recorder,  // the tree ptraced or signalled an agentsight process: tamper evidence
    tls_skipped,     // a file the tree opened or mapped was not searched for TLS functions
};

const char* to_string(process_event_type t);

// One process/file/network fact. Flat on purpose: every field has one meaning,
// unused fields keep their defaults and are not serialized.
struct process_event {
    process_event_type type = process_event_type::exec;
    uint64_t ts_ns = 0;  // wall-clock epoch ns
    int32_t pid = 0;
    int32_t ppid = 0;
    uint32_t uid = 0;
    std::string comm;

    // exec
    std::string filename;
    std::vector<std::string> argv;
    bool argv_truncated = false;
    // fork
    int32_t child_pid = 0;
    // exit
    int32_t exit_code = 0;
    int32_t signal = 0;  // also touch_recorder: the signal sent (0 for ptrace)
    uint64_t duration_ns = 0;
    // Records the rate limit dropped that no `suppressed` record reported before the
    // process exited. The capture side reports them as one; never serialized.
    uint32_t unreported_suppressed = 0;
    // file_*, mkdir
    std::string path;
    std::string new_path;
    bool path_truncated = false;
    int32_t flags = 0;
    int64_t ret = 0;
    uint32_t count =
        1;  // file_open: opens aggregated into this record; suppressed: records dropped
    // connect, bind, listen, accept
    uint16_t family = 0;
    std::string addr;
    uint16_t port = 0;
    // suppressed
    std::string suppressed_type;
    // tls_skipped (with `path`): "symlink", "not a regular file", "too large", "budget exceeded"
    std::string reason;
    // bpf_call: the bpf() command number (serialized as "ret": see docs/events.md)
    int32_t bpf_cmd = 0;
    // touch_recorder (also: signal, ret)
    std::string syscall;         // "kill", "tkill", ..., "ptrace", "signal"
    int32_t ptrace_request = 0;  // syscall "ptrace" only: the request (PTRACE_ATTACH, ...)
    std::string target;          // "capture", "analysis", or "unresolved_pidfd"
    int32_t target_pid = 0;      // the agentsight process reached (0: unresolved)
    bool delivered = false;      // the kernel sent it the signal, or the ptrace request succeeded
    int32_t fd = -1;             // pidfd_send_signal's pidfd
};

// One TLS library call's plaintext, reassembled from the kernel's chunks.
struct tls_event {
    uint64_t ts_ns = 0;  // wall-clock epoch ns at the call's return
    int32_t pid = 0;
    int32_t tid = 0;
    std::string comm;
    std::string conn;  // stable per TLS session: "<pid>:<ssl object hex>"
    tls_lib lib = tls_lib::openssl;
    tls_direction direction = tls_direction::read;
    uint64_t len = 0;         // bytes the call moved (data.size() + truncated)
    std::string data;         // captured plaintext, raw bytes
    uint64_t truncated = 0;   // bytes the call moved beyond the capture limit, or lost in transit
    uint64_t latency_ns = 0;  // handshake only
    int32_t ret = 0;          // handshake only: library return value
    // "" for TLS; "tcp", "pipe" or "unix" for plaintext read/write syscalls (--plaintext):
    // the same stream, read by the same analyzers.
    std::string transport;
};

// Anything an analyzer produces. `payload` is the typed event (pipeline/events/) readers read;
// `type`, `ts_ns` and `body` (the full JSON object sinks write, "type" and "ts" included) are
// made from it by its declaration. Built from JSON (replay, a test's input), `body` is kept as
// written and `payload` is what it decodes to; `body_declared` says whether the declaration
// reproduces that body exactly (false for a trace of another version, or a partial body).
struct derived_event {
    std::string type;
    uint64_t ts_ns = 0;
    json body;
    events::payload payload;
    bool body_declared = true;

    derived_event() = default;
    explicit derived_event(events::payload p);
    derived_event(std::string type, uint64_t ts_ns, json body);

    // After a change to `payload`: remakes `body` from it.
    void refresh();
};

using event = std::variant<process_event, tls_event, derived_event>;

}  // namespace agentsight
