// SPDX-License-Identifier: Apache-2.0
#include "bpf/probes.h"

#include <cstring>
#include <string>
#include <string_view>

#include <bpf/bpf.h>
#include <sys/syscall.h>
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

// Not in Debian 12's linux/bpf.h: the uprobe_multi attach type and the
// link_create layout for it (kernel 6.6+ ABI).
constexpr int k_trace_uprobe_multi = 48;
static_assert(BPF_TRACE_KPROBE_MULTI == 42, "bpf_attach_type numbering");
constexpr uint32_t k_uprobe_multi_return = 1;

struct link_create_uprobe_multi {
    uint32_t prog_fd;
    uint32_t target_fd;
    uint32_t attach_type;
    uint32_t flags;
    uint64_t path;
    uint64_t offsets;
    uint64_t ref_ctr_offsets;
    uint64_t cookies;
    uint32_t cnt;
    uint32_t multi_flags;
    uint32_t pid;
    uint32_t pad;
};

// Loads a two-instruction program with the uprobe_multi attach type.
bool kernel_has_uprobe_multi() {
    const bpf_insn insns[] = {{0xb7, 0, 0, 0, 0}, {0x95, 0, 0, 0, 0}};  // r0 = 0; exit
    LIBBPF_OPTS(bpf_prog_load_opts, opts,
                .expected_attach_type = static_cast<bpf_attach_type>(k_trace_uprobe_multi));
    int fd = bpf_prog_load(BPF_PROG_TYPE_KPROBE, nullptr, "GPL", insns, 2, &opts);
    if (fd < 0) return false;
    close(fd);
    return true;
}

// "tp/syscalls/sys_enter_openat" -> {"syscalls", "sys_enter_openat"}
std::pair<std::string, std::string> tracepoint_of(const char* section) {
    std::string s(section);
    auto first = s.find('/'), second = s.find('/', first + 1);
    return {s.substr(first + 1, second - first - 1), s.substr(second + 1)};
}

}  // namespace

drop_counts read_drop_counts(bpf_map* drops) {
    return read_drops(drops);
}

result<std::unique_ptr<process_probe>> process_probe::load(const probe_config& cfg,
                                                           std::vector<std::string>& notes) {
    std::unique_ptr<process_probe> p(new process_probe());
    p->skel_ = process_bpf__open();
    if (!p->skel_) return error{"open BPF object process: " + errno_message(errno)};
    auto* ro = p->skel_->rodata;
    ro->targ_all = cfg.trace_all;
    ro->self_tgid = cfg.self_tgid;
    ro->analysis_tgid = cfg.analysis_tgid;
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
    destroy_links_in_parallel(shared_exit_links_);
    if (skel_) detach_skeleton_links(skel_->skeleton);
    process_bpf__destroy(skel_);
}

namespace {

// The signal and ptrace syscalls: their exits run exit_touch, every other traced
// syscall's exit runs exit_file_net (bpf/process.bpf.c).
bool is_touch_syscall(std::string_view name) {
    for (std::string_view s : {"ptrace", "kill", "tkill", "tgkill", "rt_sigqueueinfo",
                               "rt_tgsigqueueinfo", "pidfd_send_signal"})
        if (name == s) return true;
    return false;
}

}  // namespace

status process_probe::attach() {
    if (int err = process_bpf__attach(skel_))
        return error{"attach process tracepoints: " + errno_message(err)};
    // One shared exit program per kind, attached to the exit of each syscall whose enter
    // program is loaded (the skeleton attached it to the tracepoint of its own section).
    constexpr std::string_view enter = "tp/syscalls/sys_enter_";
    bpf_program* prog;
    bpf_object__for_each_program(prog, skel_->obj) {
        std::string_view sec = bpf_program__section_name(prog);
        if (!sec.starts_with(enter) || !bpf_program__autoload(prog)) continue;
        std::string name(sec.substr(enter.size()));
        if (name == "bpf") continue;  // tamper evidence on enter only
        bpf_program* exit =
            is_touch_syscall(name) ? skel_->progs.exit_touch : skel_->progs.exit_file_net;
        const std::string tp = "sys_exit_" + name;
        if (!bpf_program__autoload(exit) ||
            bpf_program__section_name(exit) == "tp/syscalls/" + tp ||
            !tracepoint_exists("syscalls", tp))
            continue;
        bpf_link* link = bpf_program__attach_tracepoint(exit, "syscalls", tp.c_str());
        if (!link) return error{"attach tracepoint syscalls:" + tp + ": " + errno_message(errno)};
        shared_exit_links_.emplace_back(link);
    }
    return ok_status();
}

status process_probe::track(uint32_t tgid) {
    as_tracked fresh{};
    fresh.root = tgid;  // a seed is the root of its own tree
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

int process_probe::ring_fd() const {
    return bpf_map__fd(skel_->maps.events);
}
int process_probe::tracked_fd() const {
    return bpf_map__fd(skel_->maps.tracked);
}
int process_probe::pid_drops_fd() const {
    return bpf_map__fd(skel_->maps.pid_drops);
}
drop_counts process_probe::drops() const {
    return read_drops(skel_->maps.drops);
}

std::vector<pid_drop_entry> process_probe::pid_drops() const {
    std::vector<pid_drop_entry> out;
    const int fd = bpf_map__fd(skel_->maps.pid_drops);
    std::vector<uint32_t> keys(bpf_map__max_entries(skel_->maps.pid_drops));
    std::vector<as_pid_drops> values(keys.size());
    uint32_t batch = 0;
    bool first = true;
    for (;;) {
        uint32_t n = keys.size();
        LIBBPF_OPTS(bpf_map_batch_opts, opts);
        int err = bpf_map_lookup_batch(fd, first ? nullptr : &batch, &batch, keys.data(),
                                       values.data(), &n, &opts);
        first = false;
        for (uint32_t i = 0; i < n; ++i) out.push_back({keys[i], values[i]});
        if (err || n == 0) break;  // ENOENT: the last batch was the end
    }
    return out;
}

result<std::unique_ptr<tls_probe>> tls_probe::load(const probe_config& cfg, int tracked_fd,
                                                   int pid_drops_fd) {
    std::unique_ptr<tls_probe> p(new tls_probe());
    p->skel_ = tls_bpf__open();
    if (!p->skel_) return error{"open BPF object tls: " + errno_message(errno)};
    p->skel_->rodata->targ_all = cfg.trace_all;
    p->skel_->rodata->self_tgid = cfg.self_tgid;
    p->skel_->rodata->analysis_tgid = cfg.analysis_tgid;
    p->skel_->rodata->cfg_max_capture = cfg.tls_max_capture;
    if (int err = bpf_map__set_max_entries(p->skel_->maps.tls_events, cfg.tls_ring_bytes))
        return error{"size ring buffer tls_events: " + errno_message(err)};
    p->multi_ = cfg.uprobe_multi && kernel_has_uprobe_multi();
    auto* s = p->skel_;
    for (auto* prog : {s->progs.tls_enter_multi, s->progs.tls_exit_multi}) {
        if (p->multi_)
            bpf_program__set_expected_attach_type(
                prog, static_cast<bpf_attach_type>(k_trace_uprobe_multi));
        bpf_program__set_autoload(prog, p->multi_);
    }
    bpf_program__set_autoload(s->progs.tls_enter, !p->multi_);
    bpf_program__set_autoload(s->progs.tls_exit, !p->multi_);
    // One tracked tree for both objects: the process programs maintain it.
    if (int err = bpf_map__reuse_fd(p->skel_->maps.tracked, tracked_fd))
        return error{"share tracked map with tls: " + errno_message(err)};
    if (int err = bpf_map__reuse_fd(p->skel_->maps.pid_drops, pid_drops_fd))
        return error{"share pid_drops map with tls: " + errno_message(err)};
    if (int err = tls_bpf__load(p->skel_))
        return error{"load BPF object tls: " + errno_message(err) +
                     " (run with --verbose for the verifier log)"};
    return p;
}

tls_probe::~tls_probe() {
    tls_bpf__destroy(skel_);
}

result<link_ptr> tls_probe::attach(const std::string& path, uint64_t offset, int pid,
                                   uint64_t cookie, bool ret) {
    LIBBPF_OPTS(bpf_uprobe_opts, opts, .bpf_cookie = cookie, .retprobe = ret);
    bpf_program* prog = ret ? skel_->progs.tls_exit : skel_->progs.tls_enter;
    bpf_link* link = bpf_program__attach_uprobe_opts(prog, pid, path.c_str(), offset, &opts);
    const int err = errno;
    if (!link)
        return error{std::string("attach ") + (ret ? "uretprobe" : "uprobe") + " at " + path +
                         "+0x" +
                         [&] {
                             char b[32];
                             snprintf(b, sizeof b, "%llx", (unsigned long long)offset);
                             return std::string(b);
                         }() +
                         " (pid " + std::to_string(pid) + "): " + errno_message(err),
                     err};
    return link_ptr(link);
}

result<unique_fd> tls_probe::attach_multi(const std::string& path,
                                          const std::vector<uint64_t>& offsets,
                                          const std::vector<uint64_t>& cookies, int pid, bool ret) {
    // The kernel's union bpf_attr is larger than this view; it wants zeros beyond.
    union {
        link_create_uprobe_multi view;
        char whole[256];
    } attr{};
    auto& v = attr.view;
    v.prog_fd = bpf_program__fd(ret ? skel_->progs.tls_exit_multi : skel_->progs.tls_enter_multi);
    v.attach_type = k_trace_uprobe_multi;
    v.path = reinterpret_cast<uint64_t>(path.c_str());
    v.offsets = reinterpret_cast<uint64_t>(offsets.data());
    v.cookies = reinterpret_cast<uint64_t>(cookies.data());
    v.cnt = uint32_t(offsets.size());
    v.multi_flags = ret ? k_uprobe_multi_return : 0;
    v.pid = pid < 0 ? 0 : uint32_t(pid);
    int fd = int(syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof attr));
    const int err = errno;
    if (fd < 0)
        return error{std::string("attach uprobe_multi ") + (ret ? "return " : "") + "at " + path +
                         " (pid " + std::to_string(pid) + "): " + errno_message(err),
                     err};
    return unique_fd(fd);
}

int tls_probe::ring_fd() const {
    return bpf_map__fd(skel_->maps.tls_events);
}
drop_counts tls_probe::drops() const {
    return read_drops(skel_->maps.drops);
}

}  // namespace agentsight::bpf
