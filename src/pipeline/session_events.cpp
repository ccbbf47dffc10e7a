// SPDX-License-Identifier: Apache-2.0
#include "pipeline/session_events.h"

#include <unistd.h>

#include <cstdio>
#include <random>

namespace agentsight {

std::string new_session_id() {
    std::random_device rd;
    std::mt19937_64 gen((uint64_t(rd()) << 32) ^ rd());
    uint64_t hi = gen(), lo = gen();
    hi = (hi & ~0xf000ull) | 0x4000ull;                  // version 4
    lo = (lo & ~(0xc000ull << 48)) | (0x8000ull << 48);  // RFC 4122 variant
    char buf[37];
    std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", unsigned(hi >> 32),
                  unsigned((hi >> 16) & 0xffff), unsigned(hi & 0xffff), unsigned(lo >> 48),
                  static_cast<unsigned long long>(lo & 0xffffffffffffull));
    return buf;
}

std::string local_hostname() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return {};
    return buf;
}

derived_event make_session_start(const session_info& info) {
    events::session_start s;
    s.ts_ns = info.ts_ns;
    s.session_id = info.session_id;
    s.command = info.command;
    s.hostname = info.hostname;
    s.agentsight_version = info.agentsight_version;
    return derived_event(std::move(s));
}

derived_event make_session_end(const std::string& session_id, uint64_t ts_ns, json stats) {
    return derived_event(events::session_end{ts_ns, session_id, std::move(stats)});
}

}  // namespace agentsight
