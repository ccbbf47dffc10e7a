// SPDX-License-Identifier: Apache-2.0
#include "sources/tls_reassembler.h"

#include <vector>

#include "sources/plaintext_decoder.h"

namespace agentsight {

void tls_reassembler::finish(pending& p) {
    p.lost += p.captured_len - std::min<uint64_t>(p.captured_len, p.next_offset);
    // Bytes past the capture limit plus chunks lost on the way.
    p.ev.truncated = (p.ev.len - p.captured_len) + p.lost;
    lost_bytes_ += p.lost;
    emit_(std::move(p.ev));
}

void tls_reassembler::add(const tls_chunk& c) {
    auto it = by_tid_.find(c.tid);
    if (it != by_tid_.end() && it->second.call_seq != c.call_seq) {
        finish(it->second);
        by_tid_.erase(it);
        it = by_tid_.end();
    }
    if (it == by_tid_.end()) {
        pending p;
        p.call_seq = c.call_seq;
        p.captured_len = c.captured_len;
        p.ev.ts_ns = c.ts_ns;
        p.ev.pid = c.pid;
        p.ev.tid = c.tid;
        p.ev.comm.assign(c.comm);
        p.ev.conn =
            c.transport ? plain_conn_id(c.pid, c.transport, c.conn) : conn_id(c.pid, c.conn);
        p.ev.transport = plain_transport_name(c.transport);
        p.ev.lib = c.lib;
        p.ev.direction = c.direction;
        p.ev.len = c.total_len;
        p.ev.data.reserve(c.captured_len);
        it = by_tid_.emplace(c.tid, std::move(p)).first;
    }
    pending& p = it->second;
    if (c.offset < p.next_offset) return;  // duplicate: cannot happen, never trust it
    p.lost += c.offset - p.next_offset;    // chunks in between were dropped
    p.ev.data.append(c.data);
    p.next_offset = uint64_t(c.offset) + c.data.size();
    if (p.next_offset >= p.captured_len) {
        finish(p);
        by_tid_.erase(it);
    }
}

void tls_reassembler::flush_older_than(uint64_t now_ns, uint64_t max_age_ns) {
    std::vector<int32_t> done;
    for (auto& [tid, p] : by_tid_)
        if (now_ns > p.ev.ts_ns + max_age_ns) done.push_back(tid);
    for (int32_t tid : done) {
        finish(by_tid_[tid]);
        by_tid_.erase(tid);
    }
}

void tls_reassembler::flush_all() {
    for (auto& [tid, p] : by_tid_) finish(p);
    by_tid_.clear();
}

}  // namespace agentsight
