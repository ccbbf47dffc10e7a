// SPDX-License-Identifier: Apache-2.0
// Which BPF programs and links a process holds, and whether they are gone.
// bpftool on Debian 12 is built without pid iterators (no "pids" in
// `bpftool -j prog show`), so a recorder's objects are read from its own
// /proc/PID/fdinfo; bpftool then says which ids still exist machine-wide.
// Ids are never reused, so other recorders running meanwhile do not matter.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <set>
#include <string>

namespace agentsight::test {

struct bpf_ids {
    std::set<uint32_t> progs, links;
    void merge(const bpf_ids& o) {
        progs.insert(o.progs.begin(), o.progs.end());
        links.insert(o.links.begin(), o.links.end());
    }
};

// The programs and links behind PID's file descriptors (a link's program
// counts too, so programs whose own fd was closed after attach are covered).
bpf_ids bpf_ids_of(pid_t pid);
// Every program and link that exists now, from `bpftool -j prog/link show`.
bpf_ids live_bpf_ids();
// "" once none of HELD exists (waiting up to timeout_ms for deferred frees),
// otherwise the ids still there. The recorder leaves the kernel's detach waits to a
// holder process that ends after it (src/bpf/detach_holder.h): ~1.5 s here, longer
// under load.
std::string still_present(const bpf_ids& held, int timeout_ms = 10000);

}  // namespace agentsight::test
