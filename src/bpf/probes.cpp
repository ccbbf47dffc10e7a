#include "bpf/probes.h"

#include <cstring>

#include <bpf/bpf.h>
#include <unistd.h>

#include "bpf/features.h"
#include "process.skel.h"
#include "tls.skel.h"

namespace agentsight::bpf {
namespace {

drop_counts read_drops(bpf_map* map) {
    drop_counts out{};
    const int ncpu = libbpf_num_possible_cpus();
    if (ncpu <= 0) return out;
    std::vector<uint64_t> per_cpu(ncpu);
    for (uint32_t k = 0; k < AS_DROP_KINDS; ++k) {
        if (bpf_map__lookup_elem(map, &k, sizeof k, per_cpu.data(),
                                 per_cpu.size() * sizeof(uint64_t), 0) != 0)
            continue;
        for (uint64_t v : per_cpu) out[k] += v;
    }
    return out;
}

// "tp/syscalls/sys_enter_openat" -> {"syscalls", "sys_enter_openat"}
std::pair<std::string, std::string> tracepoint_of(const char* section) {
    std::string s(section);
    auto first = s.find('/'), second = s.find('/', first + 1);
    return {s.substr(first + 1, second - first - 1), s.substr(second + 1)};
}

}  // namespace

result<std::unique_ptr<process_probe>> process_probe::load(const probe_config& cfg,
                                                           std::vector<std::string>& notes) {
    std::unique_ptr<process_probe> p(new process_probe());
    p->skel_ = process_bpf__open();
    if (!p->skel_) return error{"open BPF object process: " + errno_message(errno)};
    auto* ro = p->skel_->rodata;
    ro->targ_all = cfg.trace_all;
    ro->self_tgid = cfg.self_tgid;
    std::strncpy(const_cast<char*>(ro->targ_comm), cfg.comm.c_str(), AS_COMM_LEN - 1);
    ro->cfg_rate_per_sec = cfg.rate_per_sec;
    ro->cfg_rate_burst = cfg.rate_burst;
    ro->cfg_wake_on_exec = cfg.wake_on_exec;
    if (int err = bpf_map__set_max_entries(p->skel_->maps.events, cfg.process_ring_bytes))
        return error{"size ring buffer events: " + errno_message(err)};

    bpf_program* prog;
    bpf_object__for_each_program(prog, p->skel_->obj) {
        const char* sec = bpf_program__section_name(prog);
        if (std::strncmp(sec, "tp/", 3) != 0) continue;
        auto [category, name] = tracepoint_of(sec);
        if (!tracepoint_exists(category, name)) {
            bpf_program__set_autoload(prog, false);
            notes.push_back("tracepoint " + category + ":" + name +
                            " not available on this kernel; that syscall is not traced");
        }
    }
    if (int err = process_bpf__load(p->skel_))
        return error{"load BPF object process: " + errno_message(err) +
                     " (run with --verbose for the verifier log)"};
    return p;
}

namespace {

// Takes every link out of a skeleton and detaches them together.
void detach_skeleton_links(bpf_object_skeleton* s) {
    if (!s) return;
    std::vector<bpf_link*> links;
    for (int i = 0; i < s->prog_cnt; ++i) {
        links.push_back(*s->progs[i].link);
        *s->progs[i].link = nullptr;
    }
    destroy_links_in_parallel(std::move(links));
}

}  // namespace

process_probe::~process_probe() {
    if (skel_) detach_skeleton_links(skel_->skeleton);
    process_bpf__destroy(skel_);
}

status process_probe::attach() {
    if (int err = process_bpf__attach(skel_))
        return error{"attach process tracepoints: " + errno_message(err)};
    return ok_status();
}

status process_probe::track(uint32_t tgid) {
    as_tracked fresh{};
    if (bpf_map__update_elem(skel_->maps.tracked, &tgid, sizeof tgid, &fresh, sizeof fresh,
                             BPF_NOEXIST) != 0 &&
        !is_tracked(tgid))
        return error{"track pid " + std::to_string(tgid) + ": " + errno_message(errno)};
    return ok_status();
}

bool process_probe::is_tracked(uint32_t tgid) const {
    as_tracked v{};
    return bpf_map__lookup_elem(skel_->maps.tracked, &tgid, sizeof tgid, &v, sizeof v, 0) == 0;
}

int process_probe::ring_fd() const { return bpf_map__fd(skel_->maps.events); }
int process_probe::tracked_fd() const { return bpf_map__fd(skel_->maps.tracked); }
drop_counts process_probe::drops() const { return read_drops(skel_->maps.drops); }

result<std::unique_ptr<tls_probe>> tls_probe::load(const probe_config& cfg, int tracked_fd) {
    std::unique_ptr<tls_probe> p(new tls_probe());
    p->skel_ = tls_bpf__open();
    if (!p->skel_) return error{"open BPF object tls: " + errno_message(errno)};
    p->skel_->rodata->targ_all = cfg.trace_all;
    p->skel_->rodata->self_tgid = cfg.self_tgid;
    p->skel_->rodata->cfg_max_capture = cfg.tls_max_capture;
    if (int err = bpf_map__set_max_entries(p->skel_->maps.tls_events, cfg.tls_ring_bytes))
        return error{"size ring buffer tls_events: " + errno_message(err)};
    // One tracked tree for both objects: the process programs maintain it.
    if (int err = bpf_map__reuse_fd(p->skel_->maps.tracked, tracked_fd))
        return error{"share tracked map with tls: " + errno_message(err)};
    if (int err = tls_bpf__load(p->skel_))
        return error{"load BPF object tls: " + errno_message(err) +
                     " (run with --verbose for the verifier log)"};
    return p;
}

tls_probe::~tls_probe() { tls_bpf__destroy(skel_); }

result<link_ptr> tls_probe::attach(const std::string& path, uint64_t offset, int pid,
                                   uint64_t cookie, bool ret) {
    LIBBPF_OPTS(bpf_uprobe_opts, opts, .bpf_cookie = cookie, .retprobe = ret);
    bpf_program* prog = ret ? skel_->progs.tls_exit : skel_->progs.tls_enter;
    bpf_link* link = bpf_program__attach_uprobe_opts(prog, pid, path.c_str(), offset, &opts);
    if (!link)
        return error{std::string("attach ") + (ret ? "uretprobe" : "uprobe") + " at " + path +
                     "+0x" + [&] {
                         char b[32];
                         snprintf(b, sizeof b, "%llx", (unsigned long long)offset);
                         return std::string(b);
                     }() + " (pid " + std::to_string(pid) + "): " + errno_message(errno)};
    return link_ptr(link);
}

int tls_probe::ring_fd() const { return bpf_map__fd(skel_->maps.tls_events); }
drop_counts tls_probe::drops() const { return read_drops(skel_->maps.drops); }

}  // namespace agentsight::bpf
