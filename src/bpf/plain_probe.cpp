// SPDX-License-Identifier: Apache-2.0
#include "bpf/plain_probe.h"

#include <cstring>

#include "bpf/features.h"
#include "plain.skel.h"

namespace agentsight::bpf {

result<std::unique_ptr<plain_probe>> plain_probe::load(const probe_config& cfg, int tracked_fd,
                                                       int pid_drops_fd,
                                                       std::vector<std::string>& notes) {
    std::unique_ptr<plain_probe> p(new plain_probe());
    p->skel_ = plain_bpf__open();
    if (!p->skel_) return error{"open BPF object plain: " + errno_message(errno)};
    auto* ro = p->skel_->rodata;
    ro->targ_all = cfg.trace_all;
    ro->self_tgid = cfg.self_tgid;
    ro->analysis_tgid = cfg.analysis_tgid;
    ro->cfg_max_capture = cfg.tls_max_capture;
    if (int err = bpf_map__set_max_entries(p->skel_->maps.plain_events, cfg.plain_ring_bytes))
        return error{"size ring buffer plain_events: " + errno_message(err)};
    bpf_program* prog;
    bpf_object__for_each_program(prog, p->skel_->obj) {
        // "tp/syscalls/sys_enter_write": the tracepoint's name follows the second '/'.
        std::string name(std::strrchr(bpf_program__section_name(prog), '/') + 1);
        if (!tracepoint_exists("syscalls", name)) {
            bpf_program__set_autoload(prog, false);
            notes.push_back("tracepoint syscalls:" + name +
                            " not available on this kernel; plaintext of that syscall is not "
                            "captured");
        }
    }
    if (int err = bpf_map__reuse_fd(p->skel_->maps.tracked, tracked_fd))
        return error{"share tracked map with plain: " + errno_message(err)};
    if (int err = bpf_map__reuse_fd(p->skel_->maps.pid_drops, pid_drops_fd))
        return error{"share pid_drops map with plain: " + errno_message(err)};
    if (int err = plain_bpf__load(p->skel_))
        return error{"load BPF object plain: " + errno_message(err) +
                     " (run with --verbose for the verifier log)"};
    return p;
}

plain_probe::~plain_probe() {
    plain_bpf__destroy(skel_);
}

status plain_probe::attach() {
    if (int err = plain_bpf__attach(skel_))
        return error{"attach plaintext tracepoints: " + errno_message(err)};
    return ok_status();
}

int plain_probe::ring_fd() const {
    return bpf_map__fd(skel_->maps.plain_events);
}

drop_counts plain_probe::drops() const {
    return read_drop_counts(skel_->maps.drops);
}

}  // namespace agentsight::bpf
