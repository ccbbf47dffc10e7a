// SPDX-License-Identifier: Apache-2.0
// The two BPF objects, opened, configured, loaded and attached: process
// (tracepoints) and tls (uprobes, attached per process by the TLS source).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bpf/events.h"
#include "bpf/owners.h"
#include "util/result.h"

struct process_bpf;
struct tls_bpf;
struct bpf_map;

namespace agentsight::bpf {

using drop_counts = std::array<uint64_t, AS_DROP_KINDS>;

// One process's lost records (bpf/events.h as_pid_drops), keyed by its tgid.
struct pid_drop_entry {
    uint32_t pid = 0;
    as_pid_drops drops{};
};

struct probe_config {
    bool trace_all = false;
    std::string comm;            // --comm NAME
    uint32_t self_tgid = 0;      // never traced
    uint32_t analysis_tgid = 0;  // the unprivileged analysis process: never traced either
    uint32_t process_ring_bytes = 8u << 20;
    uint32_t tls_ring_bytes = 8u << 20;    // mapped twice, and all of it counts in RSS
    uint32_t plain_ring_bytes = 8u << 20;  // plaintext streams (--plaintext)
    uint32_t rate_per_sec = 5000;
    uint32_t rate_burst = 20000;
    uint32_t tls_max_capture = 1u << 20;
    bool wake_on_exec = false;  // TLS attachment needs execs at once
    bool uprobe_multi = true;   // use uprobe_multi links when the kernel has them
};

// Sums a per-CPU `drops` array (bpf/lib/common.bpf.h) over the CPUs.
drop_counts read_drop_counts(bpf_map* drops);

class process_probe {
  public:
    // Probes tracepoints, opens, configures and loads; `notes` gets one line
    // per program switched off because the kernel lacks its tracepoint.
    static result<std::unique_ptr<process_probe>> load(const probe_config& cfg,
                                                       std::vector<std::string>& notes);
    ~process_probe();
    status attach();
    status track(uint32_t tgid);
    bool is_tracked(uint32_t tgid) const;
    int ring_fd() const;
    int tracked_fd() const;
    int pid_drops_fd() const;
    drop_counts drops() const;
    // Every process that lost records, as the kernel counted them (one batched read).
    std::vector<pid_drop_entry> pid_drops() const;

  private:
    process_probe() = default;
    struct process_bpf* skel_ = nullptr;
    std::vector<link_ptr> shared_exit_links_;  // exit programs on the other syscalls' exits
};

class tls_probe {
  public:
    // Shares the process object's `tracked` and `pid_drops` maps.
    static result<std::unique_ptr<tls_probe>> load(const probe_config& cfg, int tracked_fd,
                                                   int pid_drops_fd);
    ~tls_probe();
    // pid -1 = every process mapping the file.
    result<link_ptr> attach(const std::string& path, uint64_t offset, int pid, uint64_t cookie,
                            bool ret);
    // One uprobe_multi link for many offsets of a file (kernel 6.6+).
    bool has_multi() const { return multi_; }
    result<unique_fd> attach_multi(const std::string& path, const std::vector<uint64_t>& offsets,
                                   const std::vector<uint64_t>& cookies, int pid, bool ret);
    int ring_fd() const;
    drop_counts drops() const;

  private:
    tls_probe() = default;
    struct tls_bpf* skel_ = nullptr;
    bool multi_ = false;
};

}  // namespace agentsight::bpf
