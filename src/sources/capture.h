// The privileged half: loads and attaches the BPF programs, drains both ring
// buffers on one thread, decodes records into events and hands them to the
// analysis side through a bounded queue (never blocking on it).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

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
    bpf::probe_config probes;
    std::string discovery_cache_dir;
    bool verbose = false;
    // Called once the probes are loaded and attached and `-- CMD` is spawned, before
    // any capture thread starts: the place to give up what the rest does not need.
    std::function<status()> restrict_privileges;
};

struct capture_stats {
    uint64_t records = 0;
    uint64_t decode_errors = 0;
    uint64_t queue_drops = 0;          // events the analysis side could not take in time
    bpf::drop_counts process_drops{};  // kernel: per bpf/events.h as_drop_kind
    bpf::drop_counts tls_drops{};
    uint64_t tls_chunks = 0;        // TLS plaintext chunk records received
    uint64_t tls_gap_bytes = 0;     // bytes missing from reassembled TLS calls (their `lost_bytes`)
    uint64_t opens_aggregated = 0;  // repeated opens folded into a later count
    tls_attacher_stats attach;
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
    // The `-- CMD` process (0 without one): it outlives the capture if the
    // recording stops first, and its status is still ours to report.
    int32_t command_pid() const { return command_ ? command_->pid() : 0; }
    // Stops draining after consuming what the kernel already produced.
    void stop();
    capture_stats stats() const;
    std::vector<std::string> take_notes();

  private:
    capture(const capture_options& opts, bounded_queue<event>& out);
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
    open_aggregator opens_;  // capture thread only

    std::atomic<bool> stop_{false};
    std::atomic<uint64_t> records_{0}, decode_errors_{0}, opens_aggregated_{0}, tls_chunks_{0};
    std::thread thread_;
};

}  // namespace agentsight
