// SPDX-License-Identifier: Apache-2.0
// The process table of a session: the one model of who forked whom, what each process ran
// and how it ended (issue 17). Built only from events, so a replay of a trace builds the same
// table as the recording did. The correlator, the UI's process tree, OTLP's process spans and
// the store's processes rows all read a process_life; none keeps a process model of its own.
//
// A process is one life of a pid: from its fork (or first sight) to its exit. An exec does
// not start a new process, it adds an image to its history; a pid seen again after its exit
// was reused by the kernel and starts a new life with a new id.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "pipeline/event.h"

namespace agentsight::session {

// What a process ran: one exec, or for a forked child its parent's program at the fork.
struct process_image {
    std::string filename;  // the exec'd path
    std::vector<std::string> argv;
    std::string comm;  // the executable's name the kernel gave at exec
    uint32_t uid = 0;
    int32_t ppid = 0;  // its parent when it exec'd
    uint64_t ts_ns = 0;
};

struct process_life {
    uint64_t id = 0;         // stable and never reused, unlike pids
    int64_t parent_id = -1;  // the parent's life, -1 when the parent was never seen
    int32_t pid = 0;
    int32_t ppid = 0;        // as the newest event says (a reparented orphan: its new parent)
    int32_t first_ppid = 0;  // as the first event said
    std::string comm;        // of the last event that named one: may be a thread's ("HTTP Client")
    std::string first_comm;  // at first sight; for a forked child, its parent's at the fork
    std::string exe_comm;    // the executable's: its last exec's, or its parent's at the fork
    // Its execs, oldest first (bounded, see k_max_images). Shared, not copied, with the
    // children that fork from it.
    std::vector<std::shared_ptr<const process_image>> images;
    uint32_t exec_count = 0;  // every exec, also those images no longer holds
    std::shared_ptr<const process_image> inherited;  // the parent's program at the fork
    uint64_t first_ts = 0;                           // its first event of any kind
    uint64_t fork_ts = 0;                            // 0 when its fork was not seen
    bool exited = false;
    int32_t exit_code = 0;
    int32_t signal = 0;
    uint64_t exit_ts = 0;
    uint64_t exit_duration_ns = 0;  // the lifetime the exit record reports

    // The newest exec; nullptr when it never exec'd in the trace.
    const process_image* image() const { return images.empty() ? nullptr : images.back().get(); }
    // What it runs now: its newest exec, or what it inherited at the fork (empty if neither).
    const process_image& running() const;
    const std::string& filename() const;  // of the newest exec; "" if none
    const std::vector<std::string>& argv() const;
    uint64_t exec_ts() const { return images.empty() ? 0 : images.back()->ts_ns; }
    // The comm under which it was first known, or its newest exec's.
    const std::string& shown_comm() const {
        return images.empty() ? first_comm : images.back()->comm;
    }
};

class process_table {
  public:
    static constexpr size_t k_max_images = 16;  // an exec loop must not grow one process

    // Applies `e` and returns the life of e.pid (a fork also creates the child's).
    process_life& observe(const process_event& e);
    // The newest life of `pid`, created when a derived event (a tool_exec) names a pid no
    // process event showed yet.
    process_life& named(int32_t pid, uint64_t ts_ns);
    // The newest life of `pid`, or nullptr.
    const process_life* find(int32_t pid) const;
    const process_life* life(uint64_t id) const;
    int32_t parent(int32_t pid) const;
    // True when `ancestor` is `pid` or one of its ancestors.
    bool descends_from(int32_t pid, int32_t ancestor) const;
    // When it started, as far as the trace shows: its fork, else its first exec, else what
    // its exit record says; 0 when none of them was seen.
    static uint64_t start_of(const process_life& p);
    // Every life still held, oldest first.
    const std::map<uint64_t, process_life>& lives() const { return lives_; }
    size_t size() const { return lives_.size(); }

    // Forget exited processes that ended before `before_ns`, to bound memory (in exit
    // order: one that ended earlier but was reported later goes with its neighbours).
    void prune(uint64_t before_ns);
    // Forget the oldest exited processes until at most `max` lives are held.
    void bound(size_t max);
    void clear();

  private:
    // `comm` updates the life's comm when not empty; `first_comm` names a new life.
    process_life& touch(int32_t pid, int32_t ppid, uint64_t ts, const std::string& comm,
                        bool new_life, const std::string& first_comm);
    void forget(std::map<uint64_t, process_life>::iterator it);

    std::map<uint64_t, process_life> lives_;
    // (exit ts, life id) in arrival order: prune() pops from the front instead of scanning.
    std::deque<std::pair<uint64_t, uint64_t>> exits_;
    // pid -> its newest life; map nodes do not move, so this is one lookup on the hot path
    std::unordered_map<int32_t, process_life*> newest_;
    uint64_t next_id_ = 0;
};

}  // namespace agentsight::session
