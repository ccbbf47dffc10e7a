// SPDX-License-Identifier: Apache-2.0
#include "analysis/protocol/http_analyzer.h"

namespace agentsight::analyzers {
namespace {

enum class verdict { client_start, maybe, no };

// Does this side open like a client: the HTTP/2 preface or an HTTP/1.1 request line?
verdict client_start(std::string_view p, bool& http2) {
    http2 = false;
    if (p.size() >= k_http2_preface.size() &&
        p.substr(0, k_http2_preface.size()) == k_http2_preface) {
        http2 = true;
        return verdict::client_start;
    }
    if (looks_like_http1_start(p, http1_role::request)) return verdict::client_start;
    if (p.size() < k_http2_preface.size() && k_http2_preface.substr(0, p.size()) == p)
        return verdict::maybe;
    return could_be_http1_start(p, http1_role::request) ? verdict::maybe : verdict::no;
}

}  // namespace

void http_llm_analyzer::on_event(event& e, const emit_fn& emit) {
    if (auto* t = std::get_if<tls_event>(&e)) {
        if (t->direction == tls_direction::handshake) return;
        on_tls(*t);
    } else if (auto* p = std::get_if<process_event>(&e)) {
        // Close the pid's connections a little later: the capture drains the
        // process and TLS ring buffers separately, so the last plaintext of a
        // response can arrive just after the exit that follows it.
        if (p->type == process_event_type::exit) exited_[p->pid] = p->ts_ns;
        if (exe_comm_.size() < k_max_connections) {
            if (p->type == process_event_type::exec) exe_comm_[p->pid] = p->comm;
            if (p->type == process_event_type::fork)  // the child runs the parent's image
                if (auto it = exe_comm_.find(p->pid); it != exe_comm_.end())
                    exe_comm_[p->child_pid] = it->second;
        }
    }
    drain(emit);
}

void http_llm_analyzer::close_exited(uint64_t now_ns) {
    for (auto e = exited_.begin(); e != exited_.end();) {
        if (now_ns < e->second + k_exit_grace_ns) {
            ++e;
            continue;
        }
        for (auto it = conns_.begin(); it != conns_.end();) {
            if (it->second.meta.pid == e->first) {
                close(it->second, std::max(e->second, it->second.last_ts));
                it = conns_.erase(it);
            } else {
                ++it;
            }
        }
        forget_.push_back(e->first);
        e = exited_.erase(e);
    }
}

std::string http_llm_analyzer::exe_comm_of(int32_t pid, int32_t tid,
                                           const std::string& comm) const {
    if (auto it = exe_comm_.find(pid); it != exe_comm_.end()) return it->second;
    // No exec in the trace (--pid, or a process older than the recording): the main
    // thread's name is the process's.
    return tid == pid ? comm : std::string();
}

void http_llm_analyzer::on_tls(const tls_event& t) {
    ++counters_.records;
    counters_.bytes += t.data.size();
    if (t.truncated) {
        ++counters_.gaps;
        counters_.lost_bytes += t.truncated;
    }
    auto it = conns_.find(t.conn);
    if (it == conns_.end()) {
        if (conns_.size() >= k_max_connections) {
            ++counters_.ignored_connections;
            return;
        }
        it = conns_.emplace(t.conn, connection{}).first;
        it->second.meta = {t.conn, t.pid, t.tid, t.comm};
        ++counters_.connections;
    }
    connection& c = it->second;
    c.last_ts = t.ts_ns;
    c.meta.comm = t.comm;  // exec may rename the process
    const bool write = t.direction == tls_direction::write;
    switch (c.proto) {
        case protocol::ignored:
            return;
        case protocol::unknown: {
            std::string& p = c.probe[write];
            if (p.empty() && c.probe_lost[write] == 0) c.probe_ts[write] = t.ts_ns;
            size_t room = p.size() < k_probe_cap ? k_probe_cap - p.size() : 0;
            size_t take = std::min(room, t.data.size());
            p.append(t.data, 0, take);
            detect(c, write, t.ts_ns, t.tid);
            const std::string_view rest = std::string_view(t.data).substr(take);
            if (c.proto == protocol::http1 || c.proto == protocol::http2) {
                // Detection needs a few bytes: the rest of a large first write (Node sends
                // head and body in one call) belongs to the stream, not to the probe.
                if (!rest.empty()) feed(c, write, rest, t.ts_ns, t.tid);
                if (t.truncated) lose(c, write, t.truncated);
                break;
            }
            if (c.proto == protocol::unknown && (!rest.empty() || t.truncated)) {
                c.probe_lost[write] += rest.size() + t.truncated;
                detect(c, write, t.ts_ns, t.tid);  // an undecided side that lost bytes fails
            }
            return;
        }
        case protocol::http1:
        case protocol::http2:
            feed(c, write, t.data, t.ts_ns, t.tid);
            if (t.truncated) lose(c, write, t.truncated);
            break;
    }
    if (c.h2 && c.h2->broken()) {  // HPACK state is gone: nothing more to learn here
        c.h2.reset();
        c.proto = protocol::ignored;
    }
}

void http_llm_analyzer::detect(connection& c, bool write, uint64_t ts, int32_t tid) {
    if (c.probe_lost[write] > 0 && !c.side_failed[write]) {
        // Lost bytes before we could tell: this side cannot be trusted as a client start.
        bool h2 = false;
        if (client_start(c.probe[write], h2) != verdict::client_start) c.side_failed[write] = true;
    }
    if (!c.side_failed[write]) {
        bool h2 = false;
        switch (client_start(c.probe[write], h2)) {
            case verdict::client_start:
                return start(c, h2 ? protocol::http2 : protocol::http1, write, ts, tid);
            case verdict::maybe:
                return;
            case verdict::no:
                c.side_failed[write] = true;
                break;
        }
    }
    if (c.side_failed[0] && c.side_failed[1]) {
        c.proto = protocol::ignored;
        c.probe[0].clear();
        c.probe[0].shrink_to_fit();
        c.probe[1].clear();
        c.probe[1].shrink_to_fit();
        ++counters_.ignored_connections;
    }
}

void http_llm_analyzer::start(connection& c, protocol p, bool client_writes, uint64_t,
                              int32_t tid) {
    c.proto = p;
    c.client_writes = client_writes;
    if (p == protocol::http1) {
        c.h1 = std::make_unique<http1_session>(c.meta, counters_.parse_errors);
        ++counters_.http1_connections;
    } else {
        c.h2 = std::make_unique<http2_session>(c.meta, counters_.parse_errors);
        ++counters_.http2_connections;
    }
    // Replay what arrived before we knew, requests first so responses find their exchange.
    for (bool side : {client_writes, !client_writes}) {
        std::string bytes;
        bytes.swap(c.probe[side]);
        if (!bytes.empty()) feed(c, side, bytes, c.probe_ts[side], tid);
        if (c.probe_lost[side]) lose(c, side, c.probe_lost[side]);
        c.probe_lost[side] = 0;
    }
}

void http_llm_analyzer::feed(connection& c, bool write, std::string_view data, uint64_t ts,
                             int32_t tid) {
    const bool client = write == c.client_writes;
    if (c.h1) c.h1->feed(client, data, ts, tid, out_);
    if (c.h2) c.h2->feed(client, data, ts, tid, out_);
}

void http_llm_analyzer::lose(connection& c, bool write, uint64_t n) {
    const bool client = write == c.client_writes;
    if (c.h1) c.h1->skip(client, n, out_);
    if (c.h2) c.h2->skip(client, n, out_);
}

void http_llm_analyzer::close(connection& c, uint64_t ts) {
    if (c.h1) c.h1->close(ts, out_);
    if (c.h2) c.h2->close(out_);
}

void http_llm_analyzer::on_tick(uint64_t now_ns, const emit_fn& emit) {
    close_exited(now_ns);
    for (auto it = conns_.begin(); it != conns_.end();) {
        connection& c = it->second;
        bool idle = now_ns > c.last_ts + idle_timeout_ns_;
        size_t before = out_.size();
        if (idle && c.h1 && c.h1->has_open_exchanges()) c.h1->expire(out_);
        if (idle && c.h2 && c.h2->has_open_streams()) c.h2->close(out_);
        counters_.idle_flushes += out_.size() - before;
        // Long-idle HTTP/1.1 and undecided connections hold no state worth keeping; an
        // HTTP/2 connection keeps its HPACK tables until its process exits.
        bool stale = now_ns > c.last_ts + 10 * idle_timeout_ns_;
        if (stale && !c.h2 && !(c.h1 && c.h1->has_open_exchanges()))
            it = conns_.erase(it);
        else
            ++it;
    }
    drain(emit);
}

void http_llm_analyzer::finish(const emit_fn& emit) {
    for (auto& [key, c] : conns_) close(c, c.last_ts);
    conns_.clear();
    exited_.clear();
    drain(emit);
}

void http_llm_analyzer::drain(const emit_fn& emit) {
    for (auto& ev : out_) {
        // exchange::finish makes only these two kinds.
        std::visit(
            [&](auto& k) {
                using K = std::decay_t<decltype(k)>;
                if constexpr (std::is_same_v<K, events::llm_call> ||
                              std::is_same_v<K, events::http_exchange>) {
                    ++(std::is_same_v<K, events::llm_call> ? counters_.llm_calls
                                                           : counters_.http_exchanges);
                    if (k.incomplete) ++counters_.incomplete;
                    k.exe_comm = exe_comm_of(k.pid, k.tid, k.comm);
                    // exe_comm is the kind's last declared field, left out until set: adding
                    // it to the body gives what refresh() would, without copying the request.
                    ev.body["exe_comm"] = *k.exe_comm;
                }
            },
            ev.payload);
        emit(event(std::move(ev)));
    }
    out_.clear();
    for (int32_t pid : forget_) exe_comm_.erase(pid);
    forget_.clear();
}

}  // namespace agentsight::analyzers
