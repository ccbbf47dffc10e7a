// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/correlate_tree.h"

namespace agentsight::analyzers {

proc_info& process_table::touch(int32_t pid, int32_t ppid, uint64_t ts, const std::string& comm,
                                bool new_life) {
    auto [it, fresh] = procs_.try_emplace(pid);
    proc_info& p = it->second;
    // A reused pid starts a new life; a late aggregated file_open after the exit does not.
    if (fresh || (p.exited && new_life)) {
        p = proc_info{};
        p.pid = pid;
        p.first_ts = ts;
    }
    if (ppid > 0) p.ppid = ppid;
    if (!comm.empty()) p.comm = comm;
    return p;
}

proc_info& process_table::observe(const process_event& e) {
    using t = process_event_type;
    if (e.type == t::fork && e.child_pid > 0) {
        touch(e.child_pid, e.pid, e.ts_ns, e.comm, true);
        const std::string exe = touch(e.pid, e.ppid, e.ts_ns, e.comm, false).exe_comm;
        procs_[e.child_pid].exe_comm = exe;  // a fork runs its parent's executable
        return procs_[e.pid];
    }
    proc_info& p =
        touch(e.pid, e.ppid, e.ts_ns, e.type == t::exit ? "" : e.comm, e.type == t::exec);
    if (e.type == t::exec) {
        p.filename = e.filename;
        p.argv = e.argv;
        p.exec_ts = e.ts_ns;
        p.comm = e.comm;
        p.exe_comm = e.comm;
    } else if (e.type == t::exit) {
        p.exited = true;
        p.exit_code = e.exit_code;
        p.signal = e.signal;
        p.exit_ts = e.ts_ns;
    }
    return p;
}

const proc_info* process_table::find(int32_t pid) const {
    auto it = procs_.find(pid);
    return it == procs_.end() ? nullptr : &it->second;
}

int32_t process_table::parent(int32_t pid) const {
    const proc_info* p = find(pid);
    return p ? p->ppid : 0;
}

bool process_table::descends_from(int32_t pid, int32_t ancestor) const {
    for (int hops = 0; pid > 0 && hops < 256; ++hops) {  // bounded: a corrupt trace may loop
        if (pid == ancestor) return true;
        pid = parent(pid);
    }
    return false;
}

void process_table::prune(uint64_t before_ns) {
    std::erase_if(
        procs_, [&](const auto& kv) { return kv.second.exited && kv.second.exit_ts < before_ns; });
}

}  // namespace agentsight::analyzers
