// SPDX-License-Identifier: Apache-2.0
#include "analysis/protocol/mcp_analyzer.h"

#include "analysis/llm/json_util.h"

namespace agentsight::analyzers {
namespace {

bool stdio_transport(const std::string& t) {
    return t == "pipe" || t == "unix";
}

}  // namespace

void mcp_analyzer::on_event(event& e, const emit_fn& emit) {
    if (auto* t = std::get_if<tls_event>(&e)) {
        if (stdio_transport(t->transport) && t->direction != tls_direction::handshake)
            on_data(*t, emit);
    } else if (auto* p = std::get_if<process_event>(&e)) {
        if (p->type == process_event_type::exit && exited_.size() < k_max_streams)
            exited_[p->pid] = p->ts_ns;
    }
}

void mcp_analyzer::on_data(const tls_event& t, const emit_fn& emit) {
    const bool write = t.direction == tls_direction::write;
    std::string key = t.conn + (write ? ">" : "<");
    auto it = streams_.find(key);
    if (it == streams_.end()) {
        if (streams_.size() >= k_max_streams) return;
        it = streams_.emplace(key, stream{}).first;
    }
    stream& s = it->second;
    if (s.ignored) return;
    s.lines.feed(t.data, [&](std::string_view line) {
        if (s.ignored) return;
        json m = llm::parse_json(line);
        if (!m.is_object() && !m.is_array()) {
            // Not JSON at all: a first line decides that this is no JSON-RPC stream; later,
            // a server's stray log line on stdout is skipped.
            if (!s.json_seen) s.ignored = true;
            return;
        }
        s.json_seen = true;
        if (m.is_array()) {  // a JSON-RPC batch
            for (const auto& one : m)
                if (one.is_object()) on_message(t, one, emit);
        } else {
            on_message(t, m, emit);
        }
    });
    if (t.truncated) s.lines.resync();
}

void mcp_analyzer::on_message(const tls_event& t, const json& m, const emit_fn& emit) {
    if (llm::str(m, "jsonrpc") != "2.0") return;
    const json& id = llm::member(m, "id");
    if (!id.is_number() && !id.is_string()) return;  // a notification
    const bool write = t.direction == tls_direction::write;
    std::string method = llm::str(m, "method");
    if (!method.empty()) {
        // A request read by its server; the client's written copy is the same call.
        if (write || !mcp_call_method(method) || pending_.size() >= k_max_pending) return;
        mcp_request r{
            id, method, llm::member(m, "params"), t.ts_ns, {t.pid, t.comm, t.conn, "stdio"}};
        pending_[{t.pid, id.dump()}] = std::move(r);
        return;
    }
    if (!write) return;  // a response the client read: its server already reported it
    auto it = pending_.find({t.pid, id.dump()});
    if (it == pending_.end()) return;
    mcp_server_info& info = servers_[t.pid];
    if (it->second.method == "initialize") read_server_info(llm::member(m, "result"), info);
    emit(make_mcp_call(it->second, m, t.ts_ns, &info));
    pending_.erase(it);
}

void mcp_analyzer::on_process_exit(int32_t pid, uint64_t ts, const emit_fn& emit) {
    auto info = servers_.find(pid);
    for (auto it = pending_.lower_bound({pid, std::string()});
         it != pending_.end() && it->first.first == pid;) {
        emit(make_mcp_call(it->second, nullptr, ts,
                           info == servers_.end() ? nullptr : &info->second));
        it = pending_.erase(it);
    }
    if (info != servers_.end()) servers_.erase(info);
    std::string prefix = std::to_string(pid) + ":";
    std::erase_if(streams_, [&](const auto& kv) { return kv.first.starts_with(prefix); });
}

void mcp_analyzer::on_tick(uint64_t now_ns, const emit_fn& emit) {
    for (auto it = exited_.begin(); it != exited_.end();) {
        if (now_ns < it->second + k_exit_grace_ns) {
            ++it;
            continue;
        }
        on_process_exit(it->first, it->second, emit);
        it = exited_.erase(it);
    }
    for (auto it = pending_.begin(); it != pending_.end();) {
        if (now_ns < it->second.ts_ns + k_call_timeout_ns) {
            ++it;
            continue;
        }
        auto info = servers_.find(it->first.first);
        emit(make_mcp_call(it->second, nullptr, now_ns,
                           info == servers_.end() ? nullptr : &info->second));
        it = pending_.erase(it);
    }
}

void mcp_analyzer::finish(const emit_fn& emit) {
    for (auto& [key, req] : pending_) {
        auto info = servers_.find(key.first);
        emit(make_mcp_call(req, nullptr, req.ts_ns,
                           info == servers_.end() ? nullptr : &info->second));
    }
    pending_.clear();
}

}  // namespace agentsight::analyzers
