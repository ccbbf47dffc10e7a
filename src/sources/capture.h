// SPDX-License-Identifier: Apache-2.0
// The privileged half: loads and attaches the BPF programs, drains both ring
// buffers on one thread, decodes records into events and hands them to the
// analysis side through a bounded queue (never blocking on it).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bpf/plain_probe.h"
#include "bpf/probes.h"
#include "pipeline/bounded_queue.h"
#include "pipeline/event.h"
#include "sources/open_aggregator.h"
#include "sources/targeting.h"
#include "sources/tls_attacher.h"
#include "sources/tls_reassembler.h"

namespace agentsight {

struct capture_options {
    targeting target;
    bool tls = true;
    bool plaintext = false;  // plaintext streams from read/write syscalls (bpf/plain.bpf.c)
    bpf::probe_config probes;
    std::string discovery_cache_dir;
    bool verbose = false;
    // Called once the probes are loaded and attached and `-- CMD` is spawned, before
    // any capture thread starts: the place to give up what the rest does not need.
    std::function<status()> restrict_privileges;
};

// Records one process lost in the kernel (bpf/events.h as_pid_drops); `pid` 0 = unused slot.
struct pid_drop_stat {
    int32_t pid = 0;
    int32_t root = 0;  // the tree it belongs to: the seed (or --comm match) it descends from
    uint64_t ring_full = 0;
    uint64_t reserve = 0;  // refused to keep ring room for exec/connect/TLS-library opens
    uint64_t rate_limited = 0;
    char comm[16] = {};
    uint64_t total() const { return ring_full + reserve + rate_limited; }
};

// The same, summed over a tree (`pid` = its root).
constexpr size_t k_pid_drop_slots = 16;
constexpr size_t k_tree_drop_slots = 8;

struct capture_stats {
    uint64_t records = 0;
    uint64_t decode_errors = 0;
    uint64_t queue_drops = 0;          // events the analysis side could not take in time
    bpf::drop_counts process_drops{};  // kernel: per bpf/events.h as_drop_kind
    bpf::drop_counts tls_drops{};
    uint64_t tls_chunks = 0;     // TLS plaintext chunk records received
    uint64_t tls_gap_bytes = 0;  // bytes missing from reassembled TLS calls (their `lost_bytes`)
    bpf::drop_counts plain_drops{};  // --plaintext: AS_DROP_TLS_BYTES counts plaintext bytes
    uint64_t plain_chunks = 0;
    uint64_t plain_gap_bytes = 0;
    uint64_t opens_aggregated = 0;  // repeated opens folded into a later count
    tls_attacher_stats attach;
    // The processes and trees that lost most records, most first (fixed arrays: these counters
    // cross to the analysis process as raw bytes).
    std::array<pid_drop_stat, k_pid_drop_slots> pid_drops{};
    std::array<pid_drop_stat, k_tree_drop_slots> tree_drops{};
    uint32_t pids_with_drops = 0;  // all of them, also those beyond the slots
};

// session_end's `drops_by_pid` ({pid, root, comm, counts}) and `drops_by_tree` ({root,
// counts}); empty arrays when nothing was lost.
json drops_by_pid_json(const capture_stats& s);
json drops_by_tree_json(const capture_stats& s);
// "pid 42 (flood, tree 40): 1000 ..." for the summary on stderr, or "" when nothing was lost.
std::string pid_drops_summary(const capture_stats& s);

// The last signal a traced process sent to an agentsight process that the kernel delivered.
struct recorder_signal {
    int32_t sender_pid = 0;
    std::string sender_comm;
    int32_t signal = 0;
    std::string syscall;
};

class capture {
  public:
    // Loads, attaches and starts draining. A `-- CMD` target is spawned held,
    // tracked, and released only once probes are in place. `notes` receives
    // one-line remarks for the user (features switched off, tracefs mounted).
    static result<std::unique_ptr<capture>> start(const capture_options& opts,
                                                  bounded_queue<event>& out,
                                                  std::vector<std::string>& notes);
    ~capture();

    // True once the target is gone: the command exited or --pid's process ended.
    // `exit_status` is the command's status for `-- CMD`.
    bool target_done(int& exit_status);
    // Waits up to `timeout_ms`, less if the launched command exits first.
    void await_target(int timeout_ms) const;
    // The `-- CMD` process (0 without one): it outlives the capture if the
    // recording stops first, and its status is still ours to report.
    int32_t command_pid() const { return command_ ? command_->pid() : 0; }
    // Stops draining after consuming what the kernel already produced.
    void stop();
    capture_stats stats() const;
    std::vector<std::string> take_notes();
    // What the tamper watch saw last reaching the analysis process (see bpf/process.bpf.c).
    std::optional<recorder_signal> last_signal_to_analysis() const;

  private:
    capture(const capture_options& opts, bounded_queue<event>& out);
    // The steps of start(), in order.
    static status check_host(const capture_options& opts, std::vector<std::string>& notes);
    static bpf::probe_config probe_config_of(const capture_options& opts);
    result<std::vector<int32_t>> seed_tree();
    status load_stream_probes(const bpf::probe_config& cfg, std::vector<std::string>& notes);
    void start_tls_attacher();
    status open_rings();
    void attach_running(const std::vector<int32_t>& seeds, bool trace_all);
    void poll_loop();
    int on_record(const void* data, size_t size);
    void push(event e);

    capture_options opts_;
    bounded_queue<event>& out_;
    clock_offset clock_;
    std::unique_ptr<bpf::process_probe> process_;
    std::unique_ptr<bpf::tls_probe> tls_;
    std::unique_ptr<tls_attacher> attacher_;  // declared after tls_: its links die first
    bpf::ring_buffer_ptr ring_;
    std::optional<held_command> command_;
    std::unique_ptr<tls_reassembler> reassembler_;
    // Its own reassembler: chunks of a thread's TLS and plaintext calls come from two rings.
    std::unique_ptr<bpf::plain_probe> plain_;
    std::unique_ptr<tls_reassembler> plain_reassembler_;
    open_aggregator opens_;  // capture thread only

    void read_pid_drops(capture_stats& s) const;

    mutable std::mutex signal_mu_;
    std::optional<recorder_signal> analysis_signal_;  // guarded by signal_mu_
    mutable std::mutex drops_mu_;
    mutable std::chrono::steady_clock::time_point drops_read_{};  // guarded by drops_mu_
    mutable capture_stats drops_cache_{};                         // its pid/tree slots only

    std::atomic<bool> stop_{false};
    std::atomic<uint64_t> records_{0}, decode_errors_{0}, opens_aggregated_{0}, tls_chunks_{0},
        plain_chunks_{0};
    std::thread thread_;
};

}  // namespace agentsight
