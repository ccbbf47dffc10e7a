// SPDX-License-Identifier: Apache-2.0
// The plaintext stream object (bpf/plain.bpf.c): syscall tracepoints on reads and writes of
// the traced tree's TCP sockets without TLS, pipes and unix sockets. Loaded only on request
// (--plaintext): it shares the process object's `tracked` and `pid_drops` maps.
#pragma once

#include <memory>
#include <vector>

#include "bpf/probes.h"

struct plain_bpf;

namespace agentsight::bpf {

class plain_probe {
  public:
    // `notes` gets one line per tracepoint the kernel lacks (that syscall is not captured).
    static result<std::unique_ptr<plain_probe>> load(const probe_config& cfg, int tracked_fd,
                                                     int pid_drops_fd,
                                                     std::vector<std::string>& notes);
    ~plain_probe();
    status attach();
    int ring_fd() const;
    // AS_DROP_RINGBUF: records lost; AS_DROP_TLS_BYTES: plaintext bytes lost.
    drop_counts drops() const;

  private:
    plain_probe() = default;
    struct plain_bpf* skel_ = nullptr;
};

}  // namespace agentsight::bpf
