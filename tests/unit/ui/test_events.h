// SPDX-License-Identifier: Apache-2.0
// Event builders shared by the server tests.
#pragma once

#include <string>
#include <vector>

#include "pipeline/event.h"

namespace agentsight::server::testing {

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

inline process_event exec_of(uint64_t ts, int32_t pid, int32_t ppid,
                             std::vector<std::string> argv) {
    process_event e = proc(process_event_type::exec, ts, pid, ppid, argv.at(0));
    e.filename = "/usr/bin/" + argv[0];
    e.argv = std::move(argv);
    return e;
}

inline process_event open_of(uint64_t ts, int32_t pid, std::string path) {
    process_event e = proc(process_event_type::file_open, ts, pid);
    e.path = std::move(path);
    e.ret = 3;
    return e;
}

inline derived_event derived(const std::string& type, uint64_t ts, json body) {
    body["type"] = type;
    body["ts"] = ts;
    return derived_event(type, ts, std::move(body));
}

}  // namespace agentsight::server::testing
