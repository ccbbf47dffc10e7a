// SPDX-License-Identifier: Apache-2.0
#include "analysis/correlate/correlate_net.h"

namespace agentsight::analyzers {

namespace {
constexpr size_t k_max_records = 16384;  // a connect storm must not grow memory without bound
constexpr size_t k_max_conns = 65536;
constexpr int64_t k_einprogress = -115;
}  // namespace

bool connect_counts(const process_event& e) {
    if (e.type != process_event_type::connect) return false;
    // family: see pipeline/event_json (AF_INET 2, AF_INET6 10); unix sockets carry no address.
    if (e.family != 2 && e.family != 10) return false;
    return e.ret >= 0 || e.ret == k_einprogress;
}

void connect_tracker::on_connect(const process_event& e) {
    if (!connect_counts(e)) return;
    if (records_.size() >= k_max_records) records_.erase(records_.begin());
    records_[next_id_++].ev = e;
}

void connect_tracker::on_tls(const tls_event& t) {
    if (tls_pids_.size() < k_max_conns) tls_pids_.insert(t.pid);
    for (auto& [id, r] : records_) {
        if (r.ev.pid != t.pid || r.ev.ts_ns > t.ts_ns) continue;
        if (t.ts_ns - r.ev.ts_ns <= wait_ns_) r.tls_seen = true;
    }
    if (seen_conns_.insert(t.conn).second) {
        if (seen_conns_.size() > k_max_conns) seen_conns_.clear();
        // The latest unpaired connect of this pid before the session's first record.
        for (auto it = records_.rbegin(); it != records_.rend(); ++it) {
            tracked_connect& r = it->second;
            if (r.ev.pid != t.pid || r.ev.ts_ns > t.ts_ns || !r.conn.empty()) continue;
            r.conn = t.conn;
            by_conn_[t.conn] = it->first;
            break;
        }
    }
    note_first_data(t);
}

void connect_tracker::note_first_data(const tls_event& t) {
    if (t.direction == tls_direction::handshake || !data_conns_.insert(t.conn).second) return;
    if (data_conns_.size() > k_max_conns) data_conns_.clear();
    auto it = by_conn_.find(t.conn);
    if (it == by_conn_.end()) return;
    if (auto r = records_.find(it->second); r != records_.end())
        r->second.began_mid_stream = t.direction == tls_direction::read;
}

tracked_connect* connect_tracker::on_host(const std::string& conn, const std::string& host) {
    auto it = by_conn_.find(conn);
    if (it == by_conn_.end()) return nullptr;
    auto r = records_.find(it->second);
    if (r == records_.end()) return nullptr;
    if (r->second.host.empty()) r->second.host = host;
    return &r->second;
}

const tracked_connect* connect_tracker::by_conn(const std::string& conn) const {
    auto it = by_conn_.find(conn);
    if (it == by_conn_.end()) return nullptr;
    auto r = records_.find(it->second);
    return r == records_.end() ? nullptr : &r->second;
}

std::string connect_tracker::opaque_reason(const tracked_connect& r) const {
    if (r.began_mid_stream && r.host.empty())  // and no exchange on it was decoded
        return "capture began mid-connection: its first TLS call ran before the probes were "
               "attached";
    if (r.tls_seen) return "";
    if (!tls_pids_.count(r.ev.pid))
        return "no TLS call of this process was seen: its TLS stack is not probed (statically "
               "linked, e.g. rustls or Go) or the connection is not TLS; see: agentsight tls "
               "--explain BINARY";
    return "the process's other connections were captured, this one not";
}

void connect_tracker::drop_decided() {
    for (auto it = records_.begin(); it != records_.end();) {
        if (it->second.opaque_decided && it->second.host_decided) {
            if (!it->second.conn.empty()) by_conn_.erase(it->second.conn);
            it = records_.erase(it);
        } else {
            ++it;
        }
    }
}

}  // namespace agentsight::analyzers
