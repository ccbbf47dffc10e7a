// SPDX-License-Identifier: Apache-2.0
// Detaching a syscall tracepoint makes the kernel wait for an RCU grace period, one
// tracepoint at a time under its event mutex (~40 ms each here, ~1.5 s for a recording's
// ~45 tracepoints), and a uprobe link waits likewise. None of that has to delay the
// user: a forked child takes a reference to every BPF and perf-event descriptor, the
// recorder then disables and closes its own (cheap: not the last reference) and goes
// on flushing and exits, and the child drops the last references afterwards, paying
// the waits in the background. The probes stop firing when the recorder disables them
// (perf events) or, for links without a disable (raw tracepoints, uprobe_multi), when
// the child exits moments later; their programs find no traced process by then.
#pragma once

#include <sys/types.h>

namespace agentsight::bpf {

class detach_holder {
  public:
    // Forks the holder; if that fails, nothing is deferred and the caller's own close
    // pays the waits, as before.
    detach_holder();
    ~detach_holder();
    detach_holder(const detach_holder&) = delete;
    detach_holder& operator=(const detach_holder&) = delete;
    // Call once the recorder closed its own references: the holder then closes its
    // references and exits.
    void release();
    pid_t pid() const { return pid_; }

  private:
    pid_t pid_ = -1;
    int go_fd_ = -1;  // its write end; EOF tells the holder to let go
};

}  // namespace agentsight::bpf
