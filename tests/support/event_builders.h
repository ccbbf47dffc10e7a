// SPDX-License-Identifier: Apache-2.0
// Process events built in place, for every suite: proc() with the fields all kinds share,
// and one builder per kind on top of it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/event.h"

namespace agentsight::test {

inline process_event proc(process_event_type type, uint64_t ts, int32_t pid, int32_t ppid = 1,
                          std::string comm = "sh") {
    process_event e;
    e.type = type;
    e.ts_ns = ts;
    e.pid = pid;
    e.ppid = ppid;
    e.comm = std::move(comm);
    return e;
}

// An exec of /usr/bin/ARGV[0], named after it.
inline process_event exec_of(uint64_t ts, int32_t pid, int32_t ppid,
                             std::vector<std::string> argv) {
    process_event e = proc(process_event_type::exec, ts, pid, ppid, argv.at(0));
    e.filename = "/usr/bin/" + argv[0];
    e.argv = std::move(argv);
    return e;
}

// An exec as a user's (uid 1000) shell runs it, every field given.
inline process_event exec_of(uint64_t ts, int32_t pid, int32_t ppid, std::string comm,
                             std::string filename, std::vector<std::string> argv) {
    process_event e = proc(process_event_type::exec, ts, pid, ppid, std::move(comm));
    e.uid = 1000;
    e.filename = std::move(filename);
    e.argv = std::move(argv);
    return e;
}

inline process_event fork_of(uint64_t ts, int32_t pid, int32_t child, std::string comm) {
    process_event e = proc(process_event_type::fork, ts, pid, 0, std::move(comm));
    e.child_pid = child;
    return e;
}

// A successful open (fd 3) by a process of `sh` under pid 1.
inline process_event open_of(uint64_t ts, int32_t pid, std::string path) {
    process_event e = proc(process_event_type::file_open, ts, pid);
    e.path = std::move(path);
    e.ret = 3;
    return e;
}

}  // namespace agentsight::test
