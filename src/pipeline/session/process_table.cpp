// SPDX-License-Identifier: Apache-2.0
#include "pipeline/session/process_table.h"

#include <algorithm>

namespace agentsight::session {

namespace {
const std::string k_none;
const std::vector<std::string> k_no_argv;
const process_image k_no_image;
}  // namespace

const std::string& process_life::filename() const {
    return images.empty() ? k_none : images.back()->filename;
}

const std::vector<std::string>& process_life::argv() const {
    return images.empty() ? k_no_argv : images.back()->argv;
}

const process_image& process_life::running() const {
    if (!images.empty()) return *images.back();
    return inherited ? *inherited : k_no_image;
}

process_life& process_table::touch(int32_t pid, int32_t ppid, uint64_t ts, const std::string& comm,
                                   bool new_life, const std::string& first_comm) {
    auto at = newest_.find(pid);
    process_life* p = at == newest_.end() ? nullptr : at->second;
    // A reused pid starts a new life; a late aggregated file_open after the exit does not.
    if (!p || (p->exited && new_life)) {
        const uint64_t id = next_id_++;
        p = &lives_.emplace_hint(lives_.end(), id, process_life{})->second;  // ids only grow
        p->id = id;
        p->pid = pid;
        p->first_ppid = ppid;
        p->first_comm = first_comm;
        p->first_ts = ts;
        // The parent as it is now: a later pid reuse must not re-parent this life.
        if (auto parent = newest_.find(ppid); ppid > 0 && ppid != pid && parent != newest_.end())
            p->parent_id = static_cast<int64_t>(parent->second->id);
        newest_[pid] = p;
    }
    if (ppid > 0) p->ppid = ppid;
    if (!comm.empty()) p->comm = comm;
    return *p;
}

process_life& process_table::observe(const process_event& e) {
    using t = process_event_type;
    if (e.type == t::fork && e.child_pid > 0) {
        process_life& parent = touch(e.pid, e.ppid, e.ts_ns, e.comm, false, e.comm);
        process_life& c = touch(e.child_pid, e.pid, e.ts_ns, e.comm, true, e.comm);
        if (c.parent_id < 0 && parent.id != c.id) c.parent_id = static_cast<int64_t>(parent.id);
        c.exe_comm = parent.exe_comm;  // a fork runs its parent's executable
        c.inherited = parent.images.empty() ? parent.inherited : parent.images.back();
        if (!c.fork_ts) c.fork_ts = e.ts_ns;
        return parent;
    }
    // An exit's comm may be a thread's: it names a life first seen there, nothing else.
    process_life& p = touch(e.pid, e.ppid, e.ts_ns, e.type == t::exit ? std::string() : e.comm,
                            e.type == t::exec, e.comm);
    if (e.type == t::exec) {
        if (p.images.size() >= k_max_images)
            p.images.erase(p.images.begin() + 1);  // keep the first
        p.images.push_back(std::make_shared<const process_image>(
            process_image{e.filename, e.argv, e.comm, e.uid, e.ppid, e.ts_ns}));
        p.exec_count++;
        p.comm = e.comm;
        p.exe_comm = e.comm;
    } else if (e.type == t::exit) {
        p.exited = true;
        p.exit_code = e.exit_code;
        p.signal = e.signal;
        p.exit_ts = e.ts_ns;
        p.exit_duration_ns = e.duration_ns;
        exits_.emplace_back(e.ts_ns, p.id);
    }
    return p;
}

process_life& process_table::named(int32_t pid, uint64_t ts_ns) {
    if (auto it = newest_.find(pid); it != newest_.end()) return *it->second;
    return touch(pid, 0, ts_ns, std::string(), false, std::string());
}

uint64_t process_table::start_of(const process_life& p) {
    if (p.fork_ts) return p.fork_ts;
    if (!p.images.empty()) return p.images.front()->ts_ns;
    if (p.exited) return p.exit_ts - std::min(p.exit_ts, p.exit_duration_ns);
    return 0;
}

const process_life* process_table::find(int32_t pid) const {
    auto it = newest_.find(pid);
    return it == newest_.end() ? nullptr : it->second;
}

const process_life* process_table::life(uint64_t id) const {
    auto it = lives_.find(id);
    return it == lives_.end() ? nullptr : &it->second;
}

int32_t process_table::parent(int32_t pid) const {
    const process_life* p = find(pid);
    return p ? p->ppid : 0;
}

bool process_table::descends_from(int32_t pid, int32_t ancestor) const {
    for (int hops = 0; pid > 0 && hops < 256; ++hops) {  // bounded: a corrupt trace may loop
        if (pid == ancestor) return true;
        pid = parent(pid);
    }
    return false;
}

void process_table::forget(std::map<uint64_t, process_life>::iterator it) {
    if (auto n = newest_.find(it->second.pid); n != newest_.end() && n->second == &it->second)
        newest_.erase(n);
    lives_.erase(it);
}

void process_table::prune(uint64_t before_ns) {
    while (!exits_.empty() && exits_.front().first < before_ns) {
        auto it = lives_.find(exits_.front().second);
        exits_.pop_front();
        if (it != lives_.end() && it->second.exited && it->second.exit_ts < before_ns) forget(it);
    }
}

void process_table::bound(size_t max) {
    for (auto it = lives_.begin(); lives_.size() > max && it != lives_.end();) {
        auto next = std::next(it);
        if (it->second.exited) forget(it);
        it = next;
    }
}

void process_table::clear() {
    lives_.clear();
    newest_.clear();
    exits_.clear();
}

}  // namespace agentsight::session
